// quantity_test.cpp — resource quantities parse, print, compare and add as Kubernetes'
// do. The tables are upstream's (k8s.io/apimachinery/pkg/api/resource/quantity_test.go:
// TestQuantityParse, TestQuantityString, TestQuantityParseEmit, TestParseQuantity, ...),
// case for case; the extra cases are marked.
#include <catch2/catch.hpp>

#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "cluster/api/quantity.h"

using kubepp::Result;
using namespace kubepp::api;

namespace {

constexpr auto kBin = QuantityFormat::BinarySI;
constexpr auto kDec = QuantityFormat::DecimalSI;
constexpr auto kExp = QuantityFormat::DecimalExponent;
constexpr int64_t kMostPositive = std::numeric_limits<int64_t>::max();
constexpr int64_t kMostNegative = std::numeric_limits<int64_t>::min();

// Upstream's decQuantity/intQuantity: mantissa * 10^exponent in a format.
Quantity dec(int64_t mantissa, int32_t exponent, QuantityFormat format = kDec) {
  return Quantity::from_scaled(mantissa, exponent, format);
}

Quantity parse(const std::string& text) {
  Result<Quantity> q = Quantity::parse(text);
  INFO("parsing " << text);
  REQUIRE(q.ok());
  return q.value();
}

std::string error_of(const std::string& text) {
  Result<Quantity> q = Quantity::parse(text);
  return q.ok() ? "parsed as " + q.value().str() : q.error().message;
}

Quantity negated(Quantity q) {
  q.neg();
  return q;
}

}  // namespace

TEST_CASE("quantities parse to upstream's values and formats", "[unit][api][quantity]") {
  struct Case {
    std::string input;
    Quantity expect;
  };
  const Quantity max_allowed = dec(kMostPositive, 0, kBin);
  const std::vector<Case> table = {
      {"0", dec(0, 0)}, {"0n", dec(0, 0)}, {"0u", dec(0, 0)}, {"0m", dec(0, 0)}, {"0Ki", dec(0, 0, kBin)},
      {"0k", dec(0, 0)}, {"0Mi", dec(0, 0, kBin)}, {"0M", dec(0, 0)}, {"0Gi", dec(0, 0, kBin)}, {"0G", dec(0, 0)},
      {"0Ti", dec(0, 0, kBin)}, {"0T", dec(0, 0)},
      // Quantity less numbers are allowed
      {"1", dec(1, 0)},
      // Binary suffixes
      {"1Ki", dec(1024, 0, kBin)}, {"8Ki", dec(8 * 1024, 0, kBin)}, {"7Mi", dec(7 * 1024 * 1024, 0, kBin)},
      {"6Gi", dec(6LL << 30, 0, kBin)}, {"5Ti", dec(5LL << 40, 0, kBin)}, {"4Pi", dec(4LL << 50, 0, kBin)},
      {"3Ei", dec(3LL << 60, 0, kBin)}, {"10Ti", dec(10LL << 40, 0, kBin)}, {"100Ti", dec(100LL << 40, 0, kBin)},
      // Decimal suffixes
      {"5n", dec(5, -9)}, {"4u", dec(4, -6)}, {"3m", dec(3, -3)}, {"9", dec(9, 0)}, {"8k", dec(8, 3)},
      {"50k", dec(5, 4)}, {"7M", dec(7, 6)}, {"6G", dec(6, 9)}, {"5T", dec(5, 12)}, {"40T", dec(4, 13)},
      {"300T", dec(3, 14)}, {"2P", dec(2, 15)}, {"1E", dec(1, 18)},
      // Decimal exponents
      {"1E-3", dec(1, -3, kExp)}, {"1e3", dec(1, 3, kExp)}, {"1E6", dec(1, 6, kExp)}, {"1e9", dec(1, 9, kExp)},
      {"1E12", dec(1, 12, kExp)}, {"1e15", dec(1, 15, kExp)}, {"1E18", dec(1, 18, kExp)},
      // Nonstandard but still parsable
      {"1e14", dec(1, 14, kExp)}, {"1e13", dec(1, 13, kExp)}, {"100.035k", dec(100035, 0)},
      // Things that look like floating point
      {"0.001", dec(1, -3)}, {"0.0005k", dec(5, -1)}, {"0.005", dec(5, -3)}, {"0.05", dec(5, -2)},
      {"0.5", dec(5, -1)}, {"0.00050k", dec(5, -1)}, {"0.00500", dec(5, -3)}, {"0.05000", dec(5, -2)},
      {"0.50000", dec(5, -1)}, {"0.5e0", dec(5, -1, kExp)}, {"0.5e-1", dec(5, -2, kExp)},
      {"0.5e-2", dec(5, -3, kExp)}, {"10.035M", dec(10035, 3)}, {"1.2e3", dec(12, 2, kExp)},
      {"1.3E+6", dec(13, 5, kExp)}, {"1.40e9", dec(14, 8, kExp)}, {"1.53E12", dec(153, 10, kExp)},
      {"1.6e15", dec(16, 14, kExp)}, {"1.7E18", dec(17, 17, kExp)}, {"9.01", dec(901, -2)}, {"8.1k", dec(81, 2)},
      {"7.123456M", dec(7123456, 0)}, {"6.987654321G", dec(6987654321, 0)}, {"5.444T", dec(5444, 9)},
      {"40.1T", dec(401, 11)}, {"300.2T", dec(3002, 11)}, {"2.5P", dec(25, 14)}, {"1.01E", dec(101, 16)},
      // Things that saturate/round
      {"3.001n", dec(4, -9)}, {"1.1E-9", dec(2, -9, kExp)}, {"0.0000000001", dec(1, -9)},
      {"0.0000000005", dec(1, -9)}, {"0.00000000050", dec(1, -9)}, {"0.5e-9", dec(1, -9, kExp)},
      {"0.9n", dec(1, -9)}, {"0.00000012345", dec(124, -9)}, {"0.00000012354", dec(124, -9)},
      {"9Ei", max_allowed}, {"9223372036854775807Ki", max_allowed}, {"12E", dec(12, 18)},
      // We'll accept fractional binary stuff, too.
      {"100.035Ki", dec(10243584, -2, kBin)}, {"0.5Mi", dec(512 * 1024, 0, kBin)},
      {"0.05Gi", dec(536870912, -1, kBin)}, {"0.025Ti", dec(274877906944, -1, kBin)},
      // Things written by trolls
      {"0.000000000001Ki", dec(2, -9)},  // rounds up, changes format
      {".001", dec(1, -3)}, {".0001k", dec(100, -3)}, {"1.", dec(1, 0)}, {"1.G", dec(1, 9)},
  };
  for (const Case& c : table) {
    for (std::string sign : {"", "-", "+"}) {
      CAPTURE(sign + c.input);
      Quantity got = parse(sign + c.input);
      CHECK(got == (sign == "-" ? negated(c.expect) : c.expect));
      CHECK(got.format() == c.expect.format());
    }
  }
}

TEST_CASE("malformed quantities fail with upstream's three errors", "[unit][api][quantity]") {
  const std::string wrong = kQuantityFormatWrong, suffix = kQuantitySuffix, numeric = kQuantityNumeric;
  CHECK(wrong == "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
  const std::vector<std::pair<std::string, std::string>> table = {
      // upstream's invalid list
      {"1.1.M", wrong}, {"1+1.0M", wrong}, {"0.1mi", suffix}, {"0.1am", wrong}, {"aoeu", wrong}, {".5i", suffix},
      {"1i", suffix}, {"-3.01i", suffix}, {"-3.01e-", suffix}, {" 1", wrong}, {"1 ", wrong},
      // kubepp's: the empty string, suffix edges, exponents past ±MaxInt32, digit-less slow paths
      {"", wrong}, {"1K", suffix}, {"1e", suffix}, {"1ee3", suffix}, {"1Ki3", suffix}, {"1e3Mi", wrong},
      {"1e3.5", wrong}, {"64MB", wrong}, {"1e2147483648", suffix}, {"1e-2147483648", suffix},
      {"1e99999999999999999999", suffix}, {".e-10", numeric}, {"e-10", numeric}, {"Pi", numeric}, {"-Ei", numeric},
  };
  for (const auto& [input, message] : table) {
    CAPTURE(input);
    CHECK(error_of(input) == message);
  }
}

TEST_CASE("the scanner lets through what upstream's lets through", "[unit][api][quantity]") {
  SECTION("a number without digits, or a suffix alone, is zero") {
    for (std::string zero : {".", "-.", "-", "+", "Ki", "Ti", "m", "e3", "00", "-0", "0.0"}) {
      CAPTURE(zero);
      CHECK(parse(zero).is_zero());
      CHECK(parse(zero).str() == "0");
    }
    CHECK(parse("Ki").format() == kBin);
    CHECK(parse("e3").format() == kExp);
  }
  SECTION("text already in canonical form by upstream's test prints as written") {
    CHECK(parse("+1").str() == "+1");
    CHECK(parse("01").str() == "01");
    CHECK(parse("1.G").str() == "1.G");
    CHECK(parse("09Ki").str() == "09Ki");
    CHECK(parse("1E3").str() == "1E3");
    CHECK(parse("08Ki").str() == "8Ki");  // 8 & 7 == 0: recomputed
    Quantity plus_one = parse("+1");
    plus_one.add(Quantity{});
    CHECK(plus_one.str() == "1");  // arithmetic forgets the text
  }
}

TEST_CASE("quantities print in canonical form, the format kept", "[unit][api][quantity]") {
  struct Case {
    Quantity in;
    std::string expect, alternate;
  };
  const std::vector<Case> table = {
      {dec(1LL << 30, 0, kBin), "1Gi", "1024Mi"},
      {dec(300LL << 20, 0, kBin), "300Mi", "307200Ki"},
      {dec(6 * 1024, 0, kBin), "6Ki", ""},
      {dec(1001LL << 30, 0, kBin), "1001Gi", "1025024Mi"},
      {dec(1LL << 40, 0, kBin), "1Ti", "1024Gi"},
      {dec(5, 0, kBin), "5", "5000m"},
      {dec(500, -3, kBin), "500m", "0.5"},
      {dec(1, 9), "1G", "1000M"},
      {dec(1000, 6), "1G", "0.001T"},
      {dec(1000000, 3), "1G", ""},
      {dec(1000000000, 0), "1G", ""},
      {dec(1, -3), "1m", "1000u"},
      {dec(80, -3), "80m", ""},
      {dec(1080, -3), "1080m", "1.08"},
      {dec(108, -2), "1080m", "1080000000n"},
      {dec(10800, -4), "1080m", ""},
      {dec(300, 6), "300M", ""},
      {dec(1, 12), "1T", ""},
      // DecimalSI has no suffix past E: exponent notation instead of a lost magnitude
      {dec(1, 18), "1E", ""},
      {dec(1, 21), "1e21", "1000E"},
      {dec(5, 21), "5e21", "5000E"},
      {dec(1, 24), "1e24", "1000000E"},
      {dec(1234567, 6), "1234567M", ""},
      {dec(1234567, -3, kBin), "1234567m", ""},
      {dec(3, 3), "3k", ""},
      {dec(1025, 0, kBin), "1025", ""},
      {dec(0, 0), "0", ""},
      {dec(0, 0, kBin), "0", ""},
      {dec(1, 9, kExp), "1e9", ".001e12"},
      {dec(1, -3, kExp), "1e-3", "0.001e0"},
      {dec(1, -9, kExp), "1e-9", "1000e-12"},
      {dec(80, -3, kExp), "80e-3", ""},
      {dec(300, 6, kExp), "300e6", ""},
      {dec(1, 12, kExp), "1e12", ""},
      {dec(1, 3, kExp), "1e3", ""},
      {dec(3, 3, kExp), "3e3", ""},
      {dec(0, 0, kExp), "0", "00"},
      {dec(1, -9), "1n", ""},
      {dec(80, -9), "80n", ""},
      {dec(1080, -9), "1080n", ""},
      {dec(108, -8), "1080n", ""},
      {dec(10800, -10), "1080n", ""},
      {dec(1, -6), "1u", ""},
      {dec(80, -6), "80u", ""},
      {dec(1080, -6), "1080u", ""},
  };
  for (const Case& c : table) {
    CAPTURE(c.expect, c.alternate);
    CHECK(c.in.str() == c.expect);
    CHECK(parse(c.expect).str() == c.expect);
    if (!c.alternate.empty()) CHECK(parse(c.alternate).str() == c.expect);
    if (!c.in.is_zero()) CHECK(negated(c.in).str() == "-" + c.expect);  // never "-0"
  }
}

TEST_CASE("parsed text prints back canonically", "[unit][api][quantity]") {
  const std::vector<std::pair<std::string, std::string>> table = {
      // upstream's TestQuantityParseEmit
      {"1Ki", "1Ki"}, {"1Mi", "1Mi"}, {"1Gi", "1Gi"}, {"1024Mi", "1Gi"}, {"1000M", "1G"}, {".001Ki", "1024m"},
      {".000001Ki", "1024u"}, {".000000001Ki", "1024n"}, {".000000000001Ki", "2n"},
      // the everyday ones; "0.0001" keeps its precision (upstream's doc: "1.2345" prints
      // "1234500u"), it is not rounded to 1m
      {"1.5Gi", "1536Mi"}, {"1000m", "1"}, {"1e3", "1e3"}, {"100M", "100M"}, {"0.5", "500m"}, {"1.5", "1500m"},
      {"0.0001", "100u"}, {"64Mi", "64Mi"}, {"1.5e3", "1500"}, {"1500e-3", "1500e-3"}, {"1.5E-3", "1500e-6"},
      {"1000Ki", "1000Ki"}, {"2048Ki", "2Mi"}, {"1.5Ki", "1536"}, {"0.5Ki", "512"}, {"1.1Ki", "1126400m"},
  };
  for (const auto& [in, expect] : table) {
    CAPTURE(in);
    CHECK(parse(in).str() == expect);
    Quantity minus = parse("-" + in);
    if (!minus.is_zero()) CHECK(minus.str() == "-" + expect);
  }
}

TEST_CASE("values past int64 keep every digit", "[unit][api][quantity]") {
  // upstream's TestParseQuantity: input -> String()
  const std::vector<std::pair<std::string, std::string>> table = {
      {"-999999999999999999", "-999999999999999999"},
      {"999999999999999999.0", "999999999999999999"},
      {"999999999999999999.1", "999999999999999999100m"},
      {"-9999999999999999999", "-9999999999999999999"},
      {"1000000000000000000", "1E"},
      {"-1.0E", "-1E"},
      {"-1000000000000000000.0", "-1E"},
      {"9999999999999999999000m", "9999999999999999999"},
      {"1.0000000000000000001E", "1000000000000000000100m"},
      {"-1000000000000000000.1", "-1000000000000000000100m"},
      {"1.000000000000000001E", "1000000000000000001"},
      {"10E", "10E"},
      {"-10000000000000000000", "-10E"},
      {"10000000000000000000000m", "10E"},
      {"-10.0000000000000000001E", "-10000000000000000000100m"},
      {"10.000000000000000001E", "10000000000000000001"},
      {"-9223372036854775809", "-9223372036854775809"},
      {"9223372036854775806.1", "9223372036854775806100m"},
      {"-9223372036854775808000m", "-9223372036854775808"},
      {"9223372036854775807.0", "9223372036854775807"},
      {"9223372036854775808", "9223372036854775808"},
      {"-9223372036854775807.1", "-9223372036854775807100m"},
      // kubepp's: far past int64, and far past float64's digits
      {"123456789012345678901234567890", "123456789012345678901234567890"},
      {"1234567890123456789012345678901234567890n", "1234567890123456789012345678901234567890n"},
  };
  for (const auto& [in, expect] : table) {
    CAPTURE(in);
    CHECK(parse(in).str() == expect);
  }
  CHECK(parse("123456789012345678901234567890").cmp(parse("123456789012345678901234567891")) < 0);
}

TEST_CASE("limits: BinarySI caps at 2^63-1, finer than 1n rounds up, exponents stop at 2^31-1",
          "[unit][api][quantity]") {
  SECTION("BinarySI is capped silently, decimal is not") {
    CHECK(parse("8Ei").str() == "9223372036854775807");
    CHECK(parse("-9Ei").str() == "-9223372036854775807");
    CHECK(parse("9223372036854775807Ki").value() == kMostPositive);
    CHECK(parse("9223372036854775808").str() == "9223372036854775808");
    CHECK(parse("8E").str() == "8E");
    CHECK(parse("7Ei").str() == "7Ei");
  }
  SECTION("anything finer than 1n rounds away from zero, to 1n at least") {
    CHECK(parse("0.1n").str() == "1n");
    CHECK(parse("-0.1n").str() == "-1n");
    CHECK(parse("0.000000000000000000001").str() == "1n");
    CHECK(parse("1e-100").str() == "1e-9");  // the format stays DecimalExponent
    CHECK(parse("1e-2147483647").str() == "1e-9");  // at once: no 10^2147483647 is built
    CHECK(parse("-.484785E-7466").str() == "-1e-9");
    CHECK(parse("1.55e-2147483647").str() == "1e-9");  // upstream's int32 scale wraps here (open PR 141306)
    CHECK(parse("0.000000000001Ki").format() == kDec);
  }
  SECTION("the largest exponents print in a form that parses back") {
    CHECK(parse("1e2147483647").str() == "10e2147483646");
    CHECK(parse("1000e2147483647").str() == "10000e2147483646");
    CHECK(parse(parse("1000e2147483647").str()) == parse("1000e2147483647"));
    CHECK(parse("-1e-2147483647").str() == "-1e-9");
    CHECK(parse("9e2147483646") < parse("1e2147483647"));
  }
}

TEST_CASE("comparison is by value, across formats", "[unit][api][quantity]") {
  CHECK(parse("0").cmp(parse("0")) == 0);
  CHECK(parse("100m").cmp(parse("50m")) == 1);
  CHECK(parse("50m").cmp(parse("100m")) == -1);
  CHECK(parse("10000T").cmp(parse("100Gi")) == 1);
  CHECK(parse("1Gi") > parse("1G"));
  CHECK(parse("1k") == parse("1e3"));
  CHECK(parse("1024") == parse("1Ki"));
  CHECK(parse("500m") == parse("0.5"));
  struct Case {
    Quantity a, b;
    int cmp;
  };
  const int64_t e18 = 1000000000000000000;
  const std::vector<Case> table = {  // upstream's TestQuantityCmpInt64AndDec
      {dec(901, -2), dec(901, -2), 0},
      {dec(90, -1), dec(901, -2), -1},
      {dec(901, -2), dec(900, -2), 1},
      {dec(0, 0), dec(0, 0), 0},
      {dec(0, 1), dec(0, -1), 0},
      {dec(0, -1), dec(0, 1), 0},
      {dec(800, -3), dec(1, 0), -1},
      {dec(800, -3), dec(79, -2), 1},
      {dec(kMostPositive, 0), dec(1, -1), 1},
      {dec(kMostPositive, 1), dec(1, 0), 1},
      {dec(kMostPositive, 1), dec(1, 1), 1},
      {dec(kMostPositive, 1), dec(0, 1), 1},
      {dec(kMostPositive, -16), dec(1, 3), -1},
      {dec(kMostNegative, 0), dec(0, 0), -1},
      {dec(kMostNegative, -18), dec(-1, 0), -1},
      {dec(kMostNegative, -19), dec(-1, 0), 1},
      {dec(e18, -17), dec(1, 1), 0},
      {dec(e18, -17), dec(-10, 0), 1},
      {dec(-e18, -17), dec(-10, 0), 0},
      {dec(e18, -17), dec(1, 0), 1},
      {dec(e18 + 1, -17), dec(1, 1), 1},
      {dec(e18 - 1, -17), dec(1, 1), -1},
  };
  for (size_t i = 0; i < table.size(); i++) {
    CAPTURE(i);
    CHECK(table[i].a.cmp(table[i].b) == table[i].cmp);
    CHECK(table[i].b.cmp(table[i].a) == -table[i].cmp);
  }
}

TEST_CASE("add and sub are exact, and a zero receiver takes the other's format", "[unit][api][quantity]") {
  SECTION("upstream's TestAdd and TestSub") {
    struct Case {
      Quantity a, b, sum, difference;
    };
    const std::vector<Case> table = {
        {dec(10, 0), dec(1, 1), dec(20, 0), dec(0, 0)},
        {dec(10, 0), dec(1, 0, kBin), dec(11, 0), dec(9, 0)},
        {dec(10, 0, kBin), dec(1, 0), dec(11, 0, kBin), dec(9, 0, kBin)},
        {Quantity{}, dec(50, 0), dec(50, 0), dec(-50, 0)},
        {dec(50, 0), Quantity{}, dec(50, 0), dec(50, 0)},
        {Quantity{}, Quantity{}, dec(0, 0), dec(0, 0)},
    };
    for (size_t i = 0; i < table.size(); i++) {
      CAPTURE(i);
      Quantity sum = table[i].a, difference = table[i].a;
      sum.add(table[i].b);
      difference.sub(table[i].b);
      CHECK(sum == table[i].sum);
      CHECK(difference == table[i].difference);
    }
  }
  SECTION("adding or subtracting zero keeps the suffix, whichever side the zero is on") {
    for (std::string text : {"100m", "1Gi"}) {
      Quantity v1 = parse(text), v2 = parse("0");
      v1.add(parse("0"));
      v2.add(parse(text));
      CHECK(v1.str() == text);
      CHECK(v2.str() == text);
      Quantity v3 = parse(text), v4 = parse("0");
      v3.sub(parse("0"));
      v4.sub(parse(text));
      CHECK(v3.str() == text);
      CHECK(v4.str() == "-" + text);
    }
  }
  SECTION("the format of a non-zero receiver stays, and prints what it can") {
    Quantity q = parse("1Gi");
    q.add(parse("500m"));
    CHECK(q.format() == kBin);
    CHECK(q.str() == "1073741824500m");  // not a whole number: printed as DecimalSI
    q.add(parse("500m"));
    CHECK(q.str() == "1073741825");  // 2^30 + 1: no factor of 1024
  }
  SECTION("sums past int64 stay exact") {
    Quantity q = dec(kMostPositive, 0);
    q.add(dec(kMostPositive, 0));
    CHECK(q.str() == "18446744073709551614");
    q.sub(dec(kMostPositive, 0));
    CHECK(q.str() == "9223372036854775807");
    Quantity big = parse("1e30");
    big.add(parse("1n"));
    CHECK(big.str() == "1000000000000000000000000000000000000001e-9");  // 1e30's format
    big.sub(parse("1e30"));
    CHECK(big.str() == "1e-9");
  }
  SECTION("a BinarySI sum past Ei keeps its magnitude (upstream has no suffix there and drops it)") {
    Quantity q = parse("1Ei");
    for (int i = 0; i < 10; i++) q.add(q);  // adding itself doubles
    CHECK(q.str() == "1024Ei");
    CHECK(q.cmp(parse("1180591620717411303424")) == 0);  // 2^70
  }
  SECTION("many values added then subtracted, across scales, cancel") {
    uint64_t x = 88172645463325252ULL;  // xorshift: the same sequence every run
    std::vector<Quantity> added;
    Quantity q;
    for (int i = 0; i < 200; i++) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      added.push_back(dec(static_cast<int64_t>(x >> 1), static_cast<int32_t>(x % 21) - 10));
      q.add(added.back());
    }
    for (const Quantity& v : added) q.sub(v);
    CHECK(q.is_zero());
  }
}

TEST_CASE("neg flips the sign, also of the most negative int64", "[unit][api][quantity]") {
  CHECK(negated(dec(901, -2)).str() == "-9010m");
  CHECK(negated(dec(10, 0, kBin)) == dec(-10, 0, kBin));
  CHECK(negated(Quantity{}).str() == "0");
  CHECK(negated(negated(dec(12345, -7))) == dec(12345, -7));
  // upstream's TestNegAndSubAtMostNegative: -mostNegative is 2^63
  CHECK(negated(dec(kMostNegative, 0)).str() == "9223372036854775808");
  Quantity zero_sub;
  zero_sub.sub(dec(kMostNegative, 0));
  CHECK(zero_sub.str() == "9223372036854775808");
  Quantity one_sub = dec(1, 0);
  one_sub.sub(dec(kMostNegative, 0));
  CHECK(one_sub.str() == "9223372036854775809");
  CHECK(negated(dec(kMostNegative + 1, 0)).value() == kMostPositive);
  CHECK(negated(dec(kMostNegative, kMilli)).str() == "9223372036854775808m");
  Quantity scaled_sub = dec(1, kMilli);
  scaled_sub.sub(dec(kMostNegative, kMilli));
  CHECK(scaled_sub.str() == "9223372036854775809m");
  Quantity ten_sub = dec(1, 1);
  ten_sub.sub(dec(kMostNegative, 0));
  CHECK(ten_sub.str() == "9223372036854775818");
  Quantity binary;  // DecimalSI zero takes BinarySI from the subtrahend
  binary.sub(dec(kMostNegative, 0, kBin));
  CHECK(binary.format() == kBin);
  CHECK(binary.str() == "8Ei");
}

TEST_CASE("round_up rounds away from zero and says when it lost precision", "[unit][api][quantity]") {
  struct Case {
    std::string in;
    int32_t scale;
    Quantity expect;
    bool exact;
  };
  const std::vector<Case> table = {
      {"9.01", -3, dec(901, -2), true},    {"9.01", -2, dec(901, -2), true},   {"9.01", -1, dec(91, -1), false},
      {"9.01", 0, dec(10, 0), false},      {"9.01", 1, dec(10, 0), false},     {"9.01", 2, dec(100, 0), false},
      {"-9.01", -3, dec(-901, -2), true},  {"-9.01", -2, dec(-901, -2), true}, {"-9.01", -1, dec(-91, -1), false},
      {"-9.01", 0, dec(-10, 0), false},    {"-9.01", 1, dec(-10, 0), false},   {"-9.01", 2, dec(-100, 0), false},
  };
  for (const Case& c : table) {
    CAPTURE(c.in, c.scale);
    Quantity q = parse(c.in);
    CHECK(q.round_up(c.scale) == c.exact);
    CHECK(q == c.expect);
  }
}

TEST_CASE("value, milli_value and scaled_value round away from zero", "[unit][api][quantity]") {
  SECTION("upstream's TestScaledValue") {
    const std::vector<std::tuple<int32_t, int32_t, int64_t>> table = {
        {kNano, kNano, 1},           {kNano, kMicro, 1},   {kNano, kMilli, 1},   {kNano, 0, 1},
        {kMicro, kNano, 1000},       {kMicro, kMicro, 1},  {kMicro, kMilli, 1},  {kMicro, 0, 1},
        {kMilli, kNano, 1000000},    {kMilli, kMicro, 1000}, {kMilli, kMilli, 1}, {kMilli, 0, 1},
        {0, kNano, 1000000000},      {0, kMicro, 1000000}, {0, kMilli, 1000},    {0, 0, 1},
        {2, -2, 10000},
    };
    for (const auto& [from, to, expected] : table) {
      CAPTURE(from, to);
      CHECK(dec(1, from).scaled_value(to) == expected);
    }
  }
  SECTION("upstream's TestNewScaledSet, TestMilliNewSet and TestNewSet round trips") {
    for (const auto& [value, scale, expect] : std::vector<std::tuple<int64_t, int32_t, std::string>>{
             {1, kNano, "1n"}, {1000, kNano, "1u"}, {1, kMicro, "1u"}, {1000, kMicro, "1m"}, {1, kMilli, "1m"},
             {1000, kMilli, "1"}, {1, 0, "1"}, {0, kNano, "0"}, {0, kMicro, "0"}, {0, kMilli, "0"}, {0, 0, "0"}}) {
      CAPTURE(value, scale);
      CHECK(Quantity::from_scaled(value, scale).str() == expect);
      CHECK(parse(expect).scaled_value(scale) == value);
    }
    for (const auto& [value, format, expect, exact] : std::vector<std::tuple<int64_t, QuantityFormat, std::string, bool>>{
             {1, kDec, "1m", true}, {1000, kDec, "1", true}, {1234000, kDec, "1234", true},
             {1024, kBin, "1024m", false}, {1024 * 1024, kBin, "1048576m", false}}) {
      CAPTURE(value);
      CHECK(Quantity::from_milli(value, format).str() == expect);
      if (exact) CHECK(parse(expect).milli_value() == value);
    }
    for (const auto& [value, format, expect] : std::vector<std::tuple<int64_t, QuantityFormat, std::string>>{
             {1, kDec, "1"}, {1000, kDec, "1k"}, {1234000, kDec, "1234k"}, {1024, kBin, "1Ki"},
             {1024 * 1024, kBin, "1Mi"}}) {
      CAPTURE(value);
      CHECK(Quantity::from_int(value, format).str() == expect);
      CHECK(parse(expect).value() == value);
    }
  }
  SECTION("negative values round away from zero too (upstream issue 110653)") {
    CHECK(parse("-1.5").value() == -2);
    CHECK(parse("-1.0000000001").value() == -2);
    CHECK(parse("-.484785E-7466").value() == -1);
    CHECK(parse("-0.0001").milli_value() == -1);
    CHECK(parse("0.0001").milli_value() == 1);
    CHECK(parse("1.5Gi").value() == 1610612736);
    CHECK(parse("100m").milli_value() == 100);
    CHECK(dec(1, -30).scaled_value(-40) == 10000000000);
    CHECK(parse("1e-30").scaled_value(-40) == kMostPositive);  // parsed, it is 1n
  }
  SECTION("past int64 the result saturates (upstream's is undefined)") {
    CHECK(parse("1e30").value() == kMostPositive);
    CHECK(parse("-1e30").value() == kMostNegative);
    CHECK(parse("9223372036854775807").value() == kMostPositive);
    CHECK(parse("-9223372036854775808").value() == kMostNegative);
    CHECK(parse("9223372036854775808").value() == kMostPositive);
    CHECK(parse("9223372036854775807").milli_value() == kMostPositive);
    CHECK(parse("9223372036854775807m").milli_value() == kMostPositive);
  }
}

TEST_CASE("as_approximate_float64 rounds as upstream's", "[unit][api][quantity]") {
  const double m = 7 * 1024 * 1024;
  const std::vector<std::pair<Quantity, double>> table = {
      {dec(0, 0), 0.0}, {dec(0, 0, kExp), 0.0}, {dec(0, 0, kBin), 0.0}, {dec(1, 0), 1}, {dec(1, 0, kBin), 1},
      {dec(1024, 0, kBin), 1024}, {dec(8 * 1024, 0, kBin), 8 * 1024}, {dec(7 * 1024 * 1024, 0, kBin), m},
      {dec(7 * 1024 * 1024, 1), m * 10}, {dec(7 * 1024 * 1024, 4, kExp), m * 10000},
      {dec(7 * 1024 * 1024, 8), m * 100000000}, {dec(7 * 1024 * 1024, -1, kBin), m * (1e-00 / 1e01)},
      {dec(7 * 1024 * 1024, -8), m / 100000000.0}, {dec(kMostPositive, 0, kBin), 9223372036854775807.0},
      {dec(12, 18), 1.2e19}, {dec(12, 500), std::numeric_limits<double>::infinity()},
      {dec(-12, 500), -std::numeric_limits<double>::infinity()},
  };
  for (size_t i = 0; i < table.size(); i++) {
    CAPTURE(i);
    CHECK(table[i].first.as_approximate_float64() == table[i].second);
  }
  CHECK(parse("2Ki").as_approximate_float64() == 2048);
  CHECK(parse("1.1Ki").as_approximate_float64() == 1126.4e+0);
  CHECK(parse("1Mi").as_approximate_float64() == 1.048576e+06);
  CHECK(parse("2Gi").as_approximate_float64() == 2.147483648e+09);
  CHECK(parse("1e400").as_approximate_float64() == std::numeric_limits<double>::infinity());
  CHECK(parse("1e-400").as_approximate_float64() == 1e-9);
}

TEST_CASE("JSON values parse as upstream's UnmarshalJSON reads them", "[unit][api][quantity]") {
  for (const auto& [raw, expect] : std::vector<std::pair<std::string, std::string>>{
           {R"(" 1")", "1"}, {R"("1 ")", "1"}, {"1", "1"}, {" 1", "1"}, {"1 ", "1"}, {"10", "10"}, {"-1", "-1"},
           {" -1", "-1"}, {R"("64Mi")", "64Mi"}, {"1.5", "1500m"}, {"1e3", "1e3"}, {"null", "0"},
           {"\"\xC2\xA0" "2Gi\"", "2Gi"}}) {
    CAPTURE(raw);
    Result<Quantity> q = Quantity::parse_json(raw);
    REQUIRE(q.ok());
    CHECK(q.value().str() == expect);
  }
  CHECK(Quantity::parse_json(R"("")").error().message == kQuantityFormatWrong);
  CHECK(Quantity::parse_json("true").error().message == kQuantityFormatWrong);
  CHECK(Quantity::parse_json(R"("1\u0030")").error().message == kQuantityFormatWrong);  // escapes stay as written
  CHECK(parse("1536Mi").json() == R"("1536Mi")");
  CHECK(parse("1.5Gi").json() == R"("1536Mi")");
}

TEST_CASE("quantity fields validate with upstream's messages", "[unit][api][quantity]") {
  Path memory = Path("spec").child("containers").index(0).child("resources").child("limits").key("memory");
  CHECK(validate_quantity("64Mi", memory).empty());
  CHECK(to_string(validate_quantity("64K", memory)) ==
        "spec.containers[0].resources.limits[memory]: Invalid value: \"64K\": unable to parse quantity's suffix");
  CHECK(to_string(validate_quantity("64MB", memory)) ==
        "spec.containers[0].resources.limits[memory]: Invalid value: \"64MB\": " + std::string(kQuantityFormatWrong));
  CHECK(validate_nonnegative_quantity(parse("0"), memory).empty());
  CHECK(validate_nonnegative_quantity(parse("1n"), memory).empty());
  CHECK(to_string(validate_nonnegative_quantity(parse("-100m"), memory)) ==
        "spec.containers[0].resources.limits[memory]: Invalid value: \"-100m\": must be greater than or equal to 0");
  CHECK(to_string(validate_nonnegative_quantity(parse("-1.5Gi"), memory)) ==
        "spec.containers[0].resources.limits[memory]: Invalid value: \"-1536Mi\": must be greater than or equal to 0");
}

TEST_CASE("the exact decimal under a quantity", "[unit][api][quantity]") {
  SECTION("round_up drops digits and rounds away from zero, however many go") {
    Decimal d = Decimal::from_digits("123456789012345678901", -3);
    CHECK_FALSE(d.round_up(0));
    CHECK(d.mantissa_string() == "123456789012345679");
    Decimal exact(-1500, -3);
    CHECK(exact.round_up(-2));
    CHECK(exact.mantissa_string() == "-150");
    Decimal tiny(-7, -2000000000);
    CHECK_FALSE(tiny.round_up(-9));
    CHECK(tiny.cmp(Decimal(-1, -9)) == 0);
  }
  SECTION("rescale keeps the value and carries across limbs") {
    Decimal d(999999999, 0);
    d.rescale(-10);
    CHECK(d.mantissa_string() == "9999999990000000000");
    CHECK(d.cmp(Decimal(999999999, 0)) == 0);
    d.strip_trailing_zeros();
    CHECK(d.exponent() == 0);
  }
  SECTION("plus across signs and exponents") {
    CHECK(Decimal(5, 0).plus(Decimal(-7, 0)).mantissa_string() == "-2");
    CHECK(Decimal(-5, 1).plus(Decimal(7, 0)).mantissa_string() == "-43");
    CHECK(Decimal(1, 18).plus(Decimal(-1, -18)).mantissa_string() == "999999999999999999999999999999999999");
    CHECK(Decimal(3, 0).plus(Decimal(-3, 0)).sign() == 0);
  }
  SECTION("mantissa_int64 stops at int64's edges") {
    CHECK(Decimal(INT64_MIN, 0).mantissa_int64() == INT64_MIN);
    CHECK(Decimal::from_digits("9223372036854775808", 0).mantissa_int64() == std::nullopt);
    Decimal min = Decimal::from_digits("9223372036854775808", 0);
    min.negate();
    CHECK(min.mantissa_int64() == INT64_MIN);
    CHECK(Decimal::from_digits("0000", 5).is_zero());
  }
}

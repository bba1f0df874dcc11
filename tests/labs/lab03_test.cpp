// Lab 03 — API objects: names, label keys and values, resource quantities.
//
// The student writes, in cluster/api/names.cpp, matches_dns1123_label,
// matches_dns1123_subdomain, matches_qualified_name and is_qualified_name, and, in
// cluster/api/quantity.cpp, scan_quantity and interpret_suffix (see
// labs/03-objects/README.md). The tests call them, and the given functions built on them
// (is_dns1123_label, validate_labels, Quantity::parse, …), directly: no root, no server.
//
// Every table row names its input; a failed row prints the input, what the test wanted
// and what the code answered, as text.
#include <catch2/catch.hpp>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cluster/api/names.h"
#include "cluster/api/quantity.h"
#include "tests/cluster/api/upstream_messages.h"

using namespace kubepp::api;
using kubepp::Result;
using kubepp::api::testing::kDNS1123LabelRule;
using kubepp::api::testing::kDNS1123SubdomainRule;
using kubepp::api::testing::kLabelValueRule;
using kubepp::api::testing::kQualifiedNameRule;

namespace {

// ---- helpers -----------------------------------------------------------------------

std::string repeat(char c, size_t n) { return std::string(n, c); }

// A valid DNS subdomain of exactly n bytes (n >= 1): labels of 63 joined by dots.
std::string subdomain(size_t n) {
  std::string s;
  while (s.size() < n) {
    if (!s.empty()) s += '.';
    s += std::string(std::min<size_t>(63, n - s.size()), 'b');
  }
  if (s.back() == '.') s.back() = 'b';
  return s;
}

// A list of messages as one text: "valid" when empty, else one per line.
std::string messages(const std::vector<std::string>& errs) {
  if (errs.empty()) return "valid";
  std::string out;
  for (const std::string& e : errs) out += (out.empty() ? "" : "\n") + e;
  return out;
}

std::string messages(std::initializer_list<std::string> errs) { return messages(std::vector<std::string>(errs)); }

struct ShapeCase {
  std::string value;
  bool matches;
  std::string why;
};

void check_shapes(bool (*fn)(std::string_view), const char* name, const std::vector<ShapeCase>& cases) {
  for (const ShapeCase& c : cases) {
    INFO(name << "(\"" << c.value << "\"): " << c.why);
    CHECK(fn(c.value) == c.matches);
  }
}

struct MessageCase {
  std::string value;
  std::string want;  // messages(...) of the expected list
};

// A ScannedQuantity as text: "- num 12 | denom 50 | suffix Mi | value -012.50".
std::string parts(const ScannedQuantity& s) {
  return std::string(s.positive ? "+" : "-") + " num " + std::string(s.num) + " | denom " + std::string(s.denom) +
         " | suffix " + std::string(s.suffix) + " | value " + std::string(s.value);
}

std::string scanned(const std::string& text) {
  ScannedQuantity s;
  if (!scan_quantity(text, s)) return "refused";
  return parts(s);
}

// interpret_suffix as text: "DecimalSI 10^-3", "BinarySI 2^20", "DecimalExponent 10^3", "none".
std::string unit(const std::string& suffix) {
  std::optional<QuantitySuffix> u = interpret_suffix(suffix);
  if (!u) return "none";
  bool binary = u->format == QuantityFormat::BinarySI;
  return std::string(to_string(u->format)) + (binary ? " 2^" : " 10^") + std::to_string(u->exponent);
}

// Quantity::parse as text: "1536Mi (BinarySI)", or the error message.
std::string parsed(const std::string& text) {
  Result<Quantity> q = Quantity::parse(text);
  if (!q) return "error: " + q.error().message;
  return q.value().str() + " (" + to_string(q.value().format()) + ")";
}

}  // namespace

// ---- DNS labels and subdomains ----------------------------------------------------------

TEST_CASE("a DNS-1123 label is lower-case letters, digits and '-', with a letter or digit at both ends",
          "[lab03][dns]") {
  check_shapes(matches_dns1123_label, "matches_dns1123_label",
               {
                   {"web", true, "lower-case letters"},
                   {"a", true, "one character is both ends"},
                   {"0", true, "a digit may start and end it"},
                   {"123-abc", true, "digits first are fine in RFC 1123 (not in RFC 1035)"},
                   {"my-name", true, "'-' inside"},
                   {"a--b", true, "several '-' in a row inside"},
                   {repeat('a', 100), true, "the shape has no length limit; is_dns1123_label adds one"},
                   {"", false, "empty: there is no first character"},
                   {"-a", false, "'-' may not start it"},
                   {"a-", false, "'-' may not end it"},
                   {"-", false, "'-' alone starts and ends it"},
                   {"My-Name", false, "upper case is not allowed"},
                   {"a_b", false, "'_' is not allowed"},
                   {"a.b", false, "a dot makes a subdomain, not a label"},
                   {"a b", false, "no spaces"},
                   {"\xC3\xA4", false, "non-ASCII bytes (UTF-8 of 'ä') are not letters here"},
               });
}

TEST_CASE("a DNS-1123 subdomain is labels joined by single dots", "[lab03][dns]") {
  check_shapes(matches_dns1123_subdomain, "matches_dns1123_subdomain",
               {
                   {"example.com", true, "two labels"},
                   {"web", true, "one label is a subdomain too"},
                   {"a.b.c", true, "three labels"},
                   {"0.1.2.domain", true, "labels may be all digits"},
                   {"my-app.kubernetes.io", true, "'-' inside a label"},
                   {subdomain(300), true, "the shape has no length limit; is_dns1123_subdomain adds one"},
                   {"", false, "empty: no label at all"},
                   {".", false, "a dot between two empty labels"},
                   {".a", false, "an empty first label"},
                   {"a.", false, "an empty last label"},
                   {"a..b", false, "an empty label between two dots"},
                   {"-a.com", false, "a label starting with '-'"},
                   {"a-.com", false, "a label ending with '-'"},
                   {"a.-b", false, "the second label starting with '-'"},
                   {"a.b-", false, "the last label ending with '-'"},
                   {"Example.com", false, "upper case"},
                   {"my_app.com", false, "'_'"},
               });
}

TEST_CASE("is_dns1123_label and is_dns1123_subdomain add the length limits and upstream's messages",
          "[lab03][dns]") {
  const std::vector<MessageCase> labels = {
      {"web-1", messages({})},
      {repeat('a', 63), messages({})},
      {repeat('a', 64), messages({max_len_error(63)})},
      {"Web_1", messages({kDNS1123LabelRule})},
      {"-a", messages({kDNS1123LabelRule})},
      {"a.b", messages({"must not contain dots"})},  // a valid subdomain, so only its dots are wrong
      {"a..b", messages({kDNS1123LabelRule})},       // not a subdomain either
      {repeat('a', 40) + "." + repeat('a', 30), messages({max_len_error(63), "must not contain dots"})},
  };
  for (const MessageCase& c : labels) {
    INFO("is_dns1123_label(\"" << c.value << "\"), which calls your matches_dns1123_label and, when that "
                                  "says no, your matches_dns1123_subdomain");
    CHECK(messages(is_dns1123_label(c.value)) == c.want);
  }
  const std::vector<MessageCase> subdomains = {
      {"web.example.com", messages({})},
      {subdomain(253), messages({})},
      {subdomain(254), messages({max_len_error(253)})},
      {"Web.example.com", messages({kDNS1123SubdomainRule})},
      {"a..b", messages({kDNS1123SubdomainRule})},
      {repeat('A', 254), messages({max_len_error(253), kDNS1123SubdomainRule})},
  };
  for (const MessageCase& c : subdomains) {
    INFO("is_dns1123_subdomain(\"" << c.value << "\"), which calls your matches_dns1123_subdomain");
    CHECK(messages(is_dns1123_subdomain(c.value)) == c.want);
  }
}

// ---- label keys and values ----------------------------------------------------------------

TEST_CASE("a key's name part and a label value allow both cases, digits, '-', '_' and '.'", "[lab03][keys]") {
  check_shapes(matches_qualified_name, "matches_qualified_name",
               {
                   {"app", true, "lower case"},
                   {"MyName", true, "upper case is allowed here, unlike in DNS names"},
                   {"my.name", true, "'.' inside"},
                   {"my_value", true, "'_' inside"},
                   {"123-abc", true, "digits and '-'"},
                   {"a", true, "one character"},
                   {"1.2.3", true, "digits and dots"},
                   {repeat('v', 100), true, "the shape has no length limit"},
                   {"", false, "empty"},
                   {"-x", false, "'-' may not start it"},
                   {"x-", false, "'-' may not end it"},
                   {"_x", false, "'_' may not start it"},
                   {"x.", false, "'.' may not end it"},
                   {"a b", false, "no spaces"},
                   {"a/b", false, "'/' only separates a key's prefix, it is not part of a name"},
                   {"\xD0\xBA", false, "non-ASCII bytes (UTF-8 of 'к')"},
               });
}

TEST_CASE("a label key is an optional DNS subdomain prefix and '/', then a name of at most 63 bytes",
          "[lab03][keys]") {
  const std::string name_rule = "name part " + kQualifiedNameRule;
  const std::vector<MessageCase> cases = {
      {"app", messages({})},
      {"Uppercase_Is_OK_123", messages({})},
      {"example.com/MyName", messages({})},
      {"app.kubernetes.io/name", messages({})},
      {repeat('a', 63), messages({})},
      {subdomain(253) + "/" + repeat('a', 63), messages({})},
      {repeat('a', 64), messages({"name part " + max_len_error(63)})},
      {"", messages({"name part must be non-empty", name_rule})},
      {"-x", messages({name_rule})},
      {"-" + repeat('a', 63), messages({"name part " + max_len_error(63), name_rule})},
      {"/x", messages({"prefix part must be non-empty"})},
      {"x/", messages({"name part must be non-empty", name_rule})},
      {"Example.com/x", messages({"prefix part " + kDNS1123SubdomainRule})},
      {"under_score.io/x", messages({"prefix part " + kDNS1123SubdomainRule})},
      {subdomain(254) + "/x", messages({"prefix part " + max_len_error(253)})},
      {"Bad_Prefix/-x", messages({"prefix part " + kDNS1123SubdomainRule, name_rule})},
      {"a.b/" + repeat('a', 64), messages({"name part " + max_len_error(63)})},
      {"a/b/c", messages({"a qualified name " + kQualifiedNameRule +
                          " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"})},
  };
  for (const MessageCase& c : cases) {
    INFO("is_qualified_name(\"" << c.value << "\")");
    CHECK(messages(is_qualified_name(c.value)) == c.want);
  }
}

TEST_CASE("an object's labels and annotations are checked key by key, the errors under their field path",
          "[lab03][keys]") {
  const Path labels = Path("metadata").child("labels");
  auto errors = [](const ErrorList& errs) {
    std::vector<std::string> out;
    for (const FieldError& e : errs) out.push_back(e.str());
    return messages(out);
  };
  INFO("validate_labels and validate_annotations are given; they call your is_qualified_name and, through "
       "is_valid_label_value, your matches_qualified_name");
  CHECK(errors(validate_labels({{"app", "myapp"}, {"app.kubernetes.io/version", "v1.2"}, {"tier", ""}}, labels)) ==
        "valid");
  CHECK(errors(validate_labels({{"-x", "ok"}, {"app", "-v"}}, labels)) ==
        messages({"metadata.labels: Invalid value: \"-x\": name part " + kQualifiedNameRule,
                  "metadata.labels: Invalid value: \"-v\": " + kLabelValueRule}));
  CHECK(errors(validate_labels({{"example.com/", "v"}}, labels)) ==
        messages({"metadata.labels: Invalid value: \"example.com/\": name part must be non-empty",
                  "metadata.labels: Invalid value: \"example.com/\": name part " + kQualifiedNameRule}));
  CHECK(errors(validate_labels({{"v", repeat('v', 64)}}, labels)) ==
        messages({"metadata.labels: Invalid value: \"" + repeat('v', 64) + "\": " + max_len_error(63)}));

  const Path annotations = Path("metadata").child("annotations");
  CHECK(errors(validate_annotations({{"Example.com/Description", "any text at all: -x!"}}, annotations)) ==
        "valid");  // keys are compared in lower case; values are free
  CHECK(errors(validate_annotations({{"My_Org.io/x", "v"}}, annotations)) ==
        messages({"metadata.annotations: Invalid value: \"My_Org.io/x\": prefix part " + kDNS1123SubdomainRule}));
  CHECK(errors(validate_annotations({{"k", repeat('v', 262144)}}, annotations)) ==
        "metadata.annotations: Too long: must have at most 262144 bytes");
}

// ---- the quantity scanner ---------------------------------------------------------------

TEST_CASE("the scanner splits a quantity into sign, whole digits, fraction and suffix", "[lab03][scan]") {
  struct Case {
    std::string text, want, why;
  };
  const std::vector<Case> cases = {
      {"100m", "+ num 100 | denom  | suffix m | value 100", "digits, then a suffix"},
      {"64Mi", "+ num 64 | denom  | suffix Mi | value 64", "a two-letter suffix"},
      {"1", "+ num 1 | denom  | suffix  | value 1", "no suffix at all"},
      {"0.5", "+ num 0 | denom 5 | suffix  | value 0.5", "the leading zero is dropped: no whole digits left, so num is 0"},
      {".5", "+ num 0 | denom 5 | suffix  | value .5", "no whole digits: num is 0"},
      {"5.", "+ num 5 | denom  | suffix  | value 5.", "a point with no fraction after it"},
      {"-012.50Mi", "- num 12 | denom 50 | suffix Mi | value -012.50", "the header's example: sign, zeros, fraction kept as written"},
      {"+1", "+ num 1 | denom  | suffix  | value +1", "'+' is positive; value keeps the sign"},
      {"007", "+ num 7 | denom  | suffix  | value 007", "leading zeros leave num; value keeps them"},
      {"1e3", "+ num 1 | denom  | suffix e3 | value 1", "an exponent is a suffix"},
      {"1.3E+6", "+ num 1 | denom 3 | suffix E+6 | value 1.3", "an exponent with a sign"},
      {"1E-3", "+ num 1 | denom  | suffix E-3 | value 1", "a negative exponent"},
      {"1.G", "+ num 1 | denom  | suffix G | value 1.", "a point, no fraction, then a suffix"},
      {"Ki", "+ num 0 | denom  | suffix Ki | value ", "a suffix alone: no digits at all"},
      {"1Ki3", "+ num 1 | denom  | suffix Ki3 | value 1", "the scanner does not judge the suffix"},
      {"1K", "+ num 1 | denom  | suffix K | value 1", "nor this one: interpret_suffix refuses K"},
      {"0", "+ num 0 | denom  | suffix  | value 0", "zero"},
      {"-00", "- num 0 | denom  | suffix  | value 0", "a sign and zeros only: num and value are \"0\""},
      {"-", "- num 0 | denom  | suffix  | value 0", "a sign alone reads as zero"},
      {"", "+ num 0 | denom  | suffix  | value 0", "nothing at all reads as zero too (parse refuses \"\" itself)"},
      {".", "+ num 0 | denom  | suffix  | value .", "a point alone"},
  };
  for (const Case& c : cases) {
    INFO("scan_quantity(\"" << c.text << "\"): " << c.why);
    CHECK(scanned(c.text) == c.want);
  }
}

TEST_CASE("the scanner refuses text that is left over after the suffix", "[lab03][scan]") {
  struct Case {
    std::string text, why;
  };
  const std::vector<Case> cases = {
      {"1.1.M", "a second point"},
      {"1+1.0M", "a sign inside the number"},
      {" 1", "a leading space"},
      {"1 ", "a trailing space"},
      {"aoeu", "letters that are no suffix letters"},
      {"0.1am", "'a' is no suffix letter"},
      {"64MB", "'B' is no suffix letter"},
      {"1e3Mi", "digits after the exponent end the suffix"},
      {"1e3.5", "a point after the exponent"},
      {"1e++3", "two signs"},
      {"5x", "'x' is no suffix letter"},
  };
  for (const Case& c : cases) {
    INFO("scan_quantity(\"" << c.text << "\"): " << c.why);
    CHECK(scanned(c.text) == "refused");
  }
}

// ---- suffixes ---------------------------------------------------------------------------

TEST_CASE("a suffix names a power of ten, a power of two, or an exponent", "[lab03][suffix]") {
  struct Case {
    std::string suffix, want;
  };
  const std::vector<Case> cases = {
      {"", "DecimalSI 10^0"},           {"n", "DecimalSI 10^-9"},       {"u", "DecimalSI 10^-6"},
      {"m", "DecimalSI 10^-3"},         {"k", "DecimalSI 10^3"},        {"M", "DecimalSI 10^6"},
      {"G", "DecimalSI 10^9"},          {"T", "DecimalSI 10^12"},       {"P", "DecimalSI 10^15"},
      {"E", "DecimalSI 10^18"},         {"Ki", "BinarySI 2^10"},        {"Mi", "BinarySI 2^20"},
      {"Gi", "BinarySI 2^30"},          {"Ti", "BinarySI 2^40"},        {"Pi", "BinarySI 2^50"},
      {"Ei", "BinarySI 2^60"},          {"e3", "DecimalExponent 10^3"}, {"E3", "DecimalExponent 10^3"},
      {"e-3", "DecimalExponent 10^-3"}, {"E+6", "DecimalExponent 10^6"}, {"e0", "DecimalExponent 10^0"},
      {"e2147483647", "DecimalExponent 10^2147483647"}, {"e-2147483647", "DecimalExponent 10^-2147483647"},
      // not suffixes
      {"K", "none"},  {"mi", "none"}, {"ki", "none"},  {"Ki3", "none"}, {"MB", "none"},
      {"e", "none"},  {"E+", "none"}, {"e-", "none"},  {"ee3", "none"}, {"e3k", "none"},
      {"e1.5", "none"}, {"e2147483648", "none"}, {"e-2147483648", "none"}, {"e99999999999999999999", "none"},
  };
  for (const Case& c : cases) {
    INFO("interpret_suffix(\"" << c.suffix << "\")");
    CHECK(unit(c.suffix) == c.want);
  }
}

// ---- quantities end to end --------------------------------------------------------------

TEST_CASE("quantities parse to exact values and print in canonical form, their format kept",
          "[lab03][quantity]") {
  struct Case {
    std::string text, want;
  };
  const std::vector<Case> cases = {
      {"100m", "100m (DecimalSI)"},      {"0.5", "500m (DecimalSI)"},     {"0.1", "100m (DecimalSI)"},
      {"1000m", "1 (DecimalSI)"},        {"1.5", "1500m (DecimalSI)"},    {"250M", "250M (DecimalSI)"},
      {"64Mi", "64Mi (BinarySI)"},       {"1.5Gi", "1536Mi (BinarySI)"},  {"0.5Ki", "512 (BinarySI)"},
      {"1024Mi", "1Gi (BinarySI)"},      {"-64Mi", "-64Mi (BinarySI)"},   {"1e3", "1e3 (DecimalExponent)"},
      {"1.5e3", "1500 (DecimalExponent)"}, {"12000e3", "12e6 (DecimalExponent)"}, {"0.9n", "1n (DecimalSI)"},
      {".5", "500m (DecimalSI)"},        {"-0.25", "-250m (DecimalSI)"},  {"2000000k", "2G (DecimalSI)"},
  };
  for (const Case& c : cases) {
    INFO("Quantity::parse(\"" << c.text << "\") printed with str(); it calls your scan_quantity and "
                                 "interpret_suffix");
    CHECK(parsed(c.text) == c.want);
  }
}

TEST_CASE("malformed quantities are refused with upstream's three messages", "[lab03][quantity]") {
  const std::string wrong = std::string("error: ") + kQuantityFormatWrong;
  const std::string suffix = std::string("error: ") + kQuantitySuffix;
  const std::string numeric = std::string("error: ") + kQuantityNumeric;
  struct Case {
    std::string text, want;
  };
  const std::vector<Case> cases = {
      {"64MB", wrong}, {"1.1.M", wrong}, {" 1", wrong},   {"1e3Mi", wrong},   {"aoeu", wrong},
      {"1K", suffix},  {"1mi", suffix},  {"1e", suffix},  {"1Ki3", suffix},   {"1e2147483648", suffix},
      {"Pi", numeric}, {"e-10", numeric},
  };
  for (const Case& c : cases) {
    INFO("Quantity::parse(\"" << c.text << "\")");
    CHECK(parsed(c.text) == c.want);
  }
  const Path memory = Path("spec").child("containers").index(0).child("resources").child("limits").key("memory");
  CHECK(to_string(validate_quantity("64MB", memory)) ==
        std::string("spec.containers[0].resources.limits[memory]: Invalid value: \"64MB\": ") + kQuantityFormatWrong);
  CHECK(to_string(validate_quantity("64Mi", memory)).empty());
}

TEST_CASE("quantities compare by value, whatever suffix they were written with", "[lab03][quantity]") {
  auto q = [](const std::string& text) {
    Result<Quantity> r = Quantity::parse(text);
    INFO("Quantity::parse(\"" << text << "\")" << (r ? "" : ": " + r.error().message));
    REQUIRE(r.ok());
    return r.value();
  };
  CHECK(q("1000m") == q("1"));
  CHECK(q("0.5") == q("500m"));
  CHECK(q("1e3") == q("1k"));
  CHECK(q("1Ki") == q("1024"));
  CHECK(q("1Gi") > q("1G"));
  CHECK(q("100m") < q("0.2"));
  CHECK(q("-1") < q("1n"));
  Quantity sum = q("0.1");
  for (int i = 0; i < 9; i++) sum.add(q("0.1"));
  CHECK(sum == q("1"));  // exact: ten times 0.1 is 1, as it is not in floating point
  CHECK(sum.str() == "1");
}

// Lab 03 starter, generated from cluster/api/quantity.cpp by labs/tools/labgen.py — write the TODOs below.
// quantity.cpp — parsing, canonical printing and arithmetic of resource quantities, step
// for step as upstream's quantity.go, suffix.go and amount.go do them.
#include "cluster/api/quantity.h"

#include <cstdlib>
#include <iterator>
#include <limits>
#include <optional>
#include <utility>
#include "runtime/base/todo.h"

namespace kubepp::api {

namespace {

constexpr int64_t kMaxExponent = 2147483647;           // math.MaxInt32: the largest exponent accepted
constexpr int64_t kMaxCanonicalExponent = 2147483646;  // the largest multiple of 3 within it
constexpr int64_t kMaxRescale = 400;                   // see round_to_nano

Error quantity_error(const char* message) { return Error{ErrorCode::Invalid, message}; }

constexpr bool is_digit(char c) { return c >= '0' && c <= '9'; }

// ---------------------------------------------------------------------------------------
// Reading: the scanner (scan_quantity, below the anonymous namespace), the suffix
// (interpret_suffix, there too), then the number — on upstream's int64 fast path or its
// inf.Dec slow path.

constexpr std::pair<std::string_view, int64_t> kDecimalSuffixes[] = {
    {"n", -9}, {"u", -6}, {"m", -3}, {"", 0}, {"k", 3}, {"M", 6}, {"G", 9}, {"T", 12}, {"P", 15}, {"E", 18}};
constexpr std::string_view kBinarySuffixes[] = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};  // 2^(10*index)

// strconv.ParseInt(s, 10, 64) and then upstream's bound (±MaxInt32, so that negating the
// exponent into an inf.Scale cannot overflow): an optional sign and at least one digit.
constexpr std::optional<int64_t> parse_exponent(std::string_view s) {
  bool negative = !s.empty() && s[0] == '-';
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  if (s.empty()) return std::nullopt;
  int64_t e = 0;
  for (char c : s) {
    if (!is_digit(c)) return std::nullopt;
    e = e * 10 + (c - '0');
    if (e > kMaxExponent) return std::nullopt;
  }
  return negative ? -e : e;
}

// Upstream takes a fast path when the digits surely fit an int64 and nothing finer than
// 1n was written; the slow path rounds and caps. The two agree on the value; they differ
// in what they keep (below) and in the slow path's ErrNumeric.
bool fast_path(const ScannedQuantity& s, const QuantitySuffix& suffix, int64_t scale) {
  auto num = static_cast<int64_t>(s.num.size()), denom = static_cast<int64_t>(s.denom.size());
  if (suffix.format == QuantityFormat::BinarySI) return denom == 0 && 14 - num - suffix.exponent * 3 / 10 >= 0;
  return 18 - (num + denom) >= 0 && scale >= kNano;
}

// On the fast path upstream keeps the text as the quantity's string when it "is in
// canonical form" by its test — which also keeps a leading "+" or zeros ("+1", "01").
bool kept_as_written(const ScannedQuantity& s, const QuantitySuffix& suffix, int64_t scale,
                     std::string_view digits) {
  if (suffix.format == QuantityFormat::BinarySI) {
    return (std::strtoull(std::string(s.num).c_str(), nullptr, 10) & 7) != 0;  // num has <= 11 digits here
  }
  bool ends_000 = digits.size() >= 3 && digits.substr(digits.size() - 3) == "000";
  return scale % 3 == 0 && !ends_000 && digits[0] != '0';
}

// The slow path holds an inf.Dec rounded to 1n with inf.RoundUp: finer values round away
// from zero, coarser ones are rescaled to 10^-9. A rescale by more than kMaxRescale digits
// is skipped: it changes no value, and as_approximate_float64 is ±Inf either way.
void round_to_nano(Decimal& amount) {
  if (amount.is_zero()) return;
  if (amount.exponent() < kNano) {
    amount.round_up(kNano);
  } else if (amount.exponent() - kNano <= kMaxRescale) {
    amount.rescale(kNano);
  }
}

// ---------------------------------------------------------------------------------------
// Printing: CanonicalizeBytes.

// AsCanonicalBytes and the decimal suffix: no trailing zeros, the exponent down to a
// multiple of 3 ("1.1e5" -> "110k"). DecimalSI beyond n..E falls back to "e<n>", as
// upstream does since its 10^21 fix.
std::string decimal_string(Decimal d, QuantityFormat format) {
  d.strip_trailing_zeros();
  int64_t e = d.exponent();
  d.rescale(e - ((e % 3) + 3) % 3);
  if (d.exponent() > kMaxCanonicalExponent) d.rescale(kMaxCanonicalExponent);  // stays parseable
  e = d.exponent();
  if (format == QuantityFormat::DecimalSI) {
    for (const auto& [name, exponent] : kDecimalSuffixes) {
      if (exponent == e) return d.mantissa_string() + std::string(name);
    }
  }
  return d.mantissa_string() + (e == 0 ? "" : "e" + std::to_string(e));
}

// AsCanonicalBase1024Bytes of a whole number: as many factors of 1024 as divide it, up to
// Ei (upstream has no suffix past Ei and would drop the magnitude; kubepp keeps it).
std::string binary_string(Decimal d) {
  d.strip_trailing_zeros();
  d.rescale(0);
  const Decimal kilo(1024, 0);
  size_t k = 0;
  while (k + 1 < std::size(kBinarySuffixes) && d.cmp_abs(kilo) >= 0) {
    Decimal quotient = d;
    if (quotient.divide(1024) != 0) break;
    d = std::move(quotient);
    k++;
  }
  return d.mantissa_string() + std::string(kBinarySuffixes[k]);
}

// Go's math.Pow10, table for table, so that as_approximate_float64 rounds as upstream's.
double go_pow10(int64_t n) {
  static constexpr double kTab[32] = {1e00, 1e01, 1e02, 1e03, 1e04, 1e05, 1e06, 1e07, 1e08, 1e09, 1e10,
                                      1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21,
                                      1e22, 1e23, 1e24, 1e25, 1e26, 1e27, 1e28, 1e29, 1e30, 1e31};
  static constexpr double kPos32[10] = {1e00, 1e32, 1e64, 1e96, 1e128, 1e160, 1e192, 1e224, 1e256, 1e288};
  static constexpr double kNeg32[11] = {1e-00, 1e-32,  1e-64,  1e-96,  1e-128, 1e-160,
                                        1e-192, 1e-224, 1e-256, 1e-288, 1e-320};
  if (n >= 0 && n <= 308) return kPos32[n / 32] * kTab[n % 32];
  if (n < 0 && n >= -323) return kNeg32[-n / 32] / kTab[-n % 32];
  return n > 0 ? std::numeric_limits<double>::infinity() : 0.0;
}

// strings.TrimSpace: Unicode white space (unicode.IsSpace) at both ends, in UTF-8.
constexpr std::string_view kSpaces[] = {"\t", "\n", "\v", "\f", "\r", " ", "\xC2\x85", "\xC2\xA0", "\xE1\x9A\x80",
                                        "\xE2\x80\x80", "\xE2\x80\x81", "\xE2\x80\x82", "\xE2\x80\x83", "\xE2\x80\x84",
                                        "\xE2\x80\x85", "\xE2\x80\x86", "\xE2\x80\x87", "\xE2\x80\x88", "\xE2\x80\x89",
                                        "\xE2\x80\x8A", "\xE2\x80\xA8", "\xE2\x80\xA9", "\xE2\x80\xAF", "\xE2\x81\x9F",
                                        "\xE3\x80\x80"};

std::string_view trim_space(std::string_view s) {
  for (bool trimmed = true; trimmed;) {
    trimmed = false;
    for (std::string_view space : kSpaces) {
      if (s.substr(0, space.size()) == space) {
        s.remove_prefix(space.size());
        trimmed = true;
      }
      if (s.size() >= space.size() && s.substr(s.size() - space.size()) == space) {
        s.remove_suffix(space.size());
        trimmed = true;
      }
    }
  }
  return s;
}

}  // namespace

// ---------------------------------------------------------------------------------------
// The scanner and the suffix, rule for rule as parseQuantityString and
// suffixHandler.interpret.

//> lab03 scan_quantity
bool scan_quantity(std::string_view text, ScannedQuantity& out) {
  // TODO(lab03): write scan_quantity — the task is in labs/03-objects/README.md
  (void)text;
  (void)out;
  kubepp::lab_todo("lab03", "scan_quantity");
}
//< lab03

//> lab03 interpret_suffix
std::optional<QuantitySuffix> interpret_suffix(std::string_view suffix) {
  // TODO(lab03): write interpret_suffix — the task is in labs/03-objects/README.md
  (void)suffix;
  kubepp::lab_todo("lab03", "interpret_suffix");
}
//< lab03

const char* to_string(QuantityFormat format) {
  switch (format) {
    case QuantityFormat::DecimalExponent: return "DecimalExponent";
    case QuantityFormat::BinarySI: return "BinarySI";
    case QuantityFormat::DecimalSI: return "DecimalSI";
  }
  return "DecimalExponent";
}

Result<Quantity> Quantity::parse(std::string_view text) {
  if (text.empty()) return quantity_error(kQuantityFormatWrong);
  if (text == "0") {
    Quantity zero;
    zero.text_ = "0";
    return zero;
  }
  ScannedQuantity s;
  if (!scan_quantity(text, s)) return quantity_error(kQuantityFormatWrong);
  std::optional<QuantitySuffix> suffix = interpret_suffix(s.suffix);
  if (!suffix) return quantity_error(kQuantitySuffix);

  // The digits, shifted left past the point: "12.50Mi" is 1250 * 10^-2 * 2^20.
  bool binary = suffix->format == QuantityFormat::BinarySI;
  int64_t scale = (binary ? 0 : suffix->exponent) - static_cast<int64_t>(s.denom.size());
  std::string digits = std::string(s.num) + std::string(s.denom);
  Quantity q(Decimal::from_digits(digits, scale), suffix->format);
  for (int64_t i = 0; binary && i < suffix->exponent / 10; i++) q.amount_.multiply(1024);
  if (!s.positive) q.amount_.negate();

  if (fast_path(s, *suffix, scale)) {
    if (kept_as_written(s, *suffix, scale, digits)) q.text_ = text;
    return q;
  }
  if (s.value.find_first_of("0123456789") == std::string_view::npos) return quantity_error(kQuantityNumeric);
  round_to_nano(q.amount_);
  if (binary && q.amount_.cmp_abs(Decimal(INT64_MAX, 0)) > 0) {
    q.amount_ = Decimal(s.positive ? INT64_MAX : -INT64_MAX, 0);  // the cap: maxAllowed
  }
  if (binary && !q.is_zero() && q.amount_.cmp_abs(Decimal(1, 0)) < 0) q.format_ = QuantityFormat::DecimalSI;
  return q;
}

Result<Quantity> Quantity::parse_json(std::string_view raw) {
  if (raw == "null") return Quantity{};
  if (raw.size() >= 2 && raw.front() == '"' && raw.back() == '"') raw = raw.substr(1, raw.size() - 2);
  return parse(trim_space(raw));
}

Quantity Quantity::from_int(int64_t value, QuantityFormat format) { return Quantity(Decimal(value, 0), format); }

Quantity Quantity::from_milli(int64_t value, QuantityFormat format) {
  return Quantity(Decimal(value, kMilli), format);
}

Quantity Quantity::from_scaled(int64_t value, int32_t scale, QuantityFormat format) {
  return Quantity(Decimal(value, scale), format);
}

std::string Quantity::str() const {
  if (!text_.empty()) return text_;
  if (is_zero()) return "0";
  QuantityFormat format = format_;
  // BinarySI prints only whole numbers of at least 1024 in magnitude; a smaller or a
  // fractional one prints as DecimalSI, so nothing is rounded (1000 BinarySI is "1k").
  if (format == QuantityFormat::BinarySI &&
      (amount_.cmp_abs(Decimal(1024, 0)) < 0 || !amount_.is_integer())) {
    format = QuantityFormat::DecimalSI;
  }
  return format == QuantityFormat::BinarySI ? binary_string(amount_) : decimal_string(amount_, format);
}

void Quantity::add(const Quantity& other) {
  text_.clear();
  if (is_zero()) format_ = other.format_;
  if (other.is_zero()) return;
  amount_ = is_zero() ? other.amount_ : amount_.plus(other.amount_);
}

void Quantity::sub(const Quantity& other) {
  Quantity negated = other;
  negated.neg();
  add(negated);
}

void Quantity::neg() {
  text_.clear();
  amount_.negate();
}

bool Quantity::round_up(int32_t scale) {
  if (amount_.exponent() >= scale) return true;
  text_.clear();
  return amount_.round_up(scale);
}

int64_t Quantity::scaled_value(int32_t scale) const {
  if (is_zero()) return 0;
  const int64_t saturated = sign() > 0 ? INT64_MAX : INT64_MIN;
  Decimal d = amount_;
  if (d.exponent() < scale) d.round_up(scale);
  if (d.digits() + (d.exponent() - scale) > 19) return saturated;
  d.rescale(scale);
  return d.mantissa_int64().value_or(saturated);
}

double Quantity::as_approximate_float64() const {
  double base = std::strtod(amount_.mantissa_string().c_str(), nullptr);  // rounds as big.Float.Float64
  int64_t exponent = amount_.exponent();
  return exponent == 0 ? base : base * go_pow10(exponent);
}

ErrorList validate_quantity(std::string_view text, const Path& path) {
  Result<Quantity> q = Quantity::parse(text);
  if (q) return {};
  return {invalid(path, quoted(text), q.error().message)};
}

ErrorList validate_nonnegative_quantity(const Quantity& value, const Path& path) {
  if (value.sign() >= 0) return {};
  return {invalid(path, quoted(value.str()), "must be greater than or equal to 0")};
}

}  // namespace kubepp::api

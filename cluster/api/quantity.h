// quantity.h — Kubernetes' resource.Quantity (k8s.io/apimachinery/pkg/api/resource): the
// "64Mi", "500m", "1e3" of every resources.limits, exactly as upstream parses, prints,
// compares and adds them.
//
// A quantity is a number and a format. The number is exact (cluster/api/decimal.h: no
// floating point). The format is the kind of suffix it was written with, and it is kept
// so that the quantity prints back in the same kind:
//   BinarySI         Ki Mi Gi Ti Pi Ei        "1536Mi"
//   DecimalSI        n u m "" k M G T P E     "1500m", "100M"
//   DecimalExponent  e<n> or E<n>             "1e3"
// Printing puts the number in canonical form: no fractional digits, the largest suffix
// that keeps it exact ("1.5Gi" -> "1536Mi", "1000m" -> "1", "0.5" -> "500m").
//
// Limits, as upstream: parsing keeps a value down to 1n and rounds anything finer away
// from zero ("0.9n" -> "1n"); a BinarySI value is capped at 2^63-1 ("9Ei"); an exponent
// must lie within ±(2^31-1). Decimal values are not capped ("1e100" is 1e100).
//
// Where upstream's int32 scale wraps or its result is undefined, kubepp gives the exact
// answer instead: "1.55e-2147483647" is 1e-9 (upstream: a huge number), "1000e2147483647"
// prints "10000e2147483646" (upstream: "1e-2147483646"), a BinarySI sum past Ei prints
// "1024Ei" (upstream drops the suffix), and value() saturates. As with upstream's inf.Dec,
// adding values whose exponents lie far apart ("1e2147483647" + "1n") builds every digit.
//
// A value type. Copying is cheap for ordinary quantities; one object is not safe to
// mutate from two threads.
#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "cluster/api/decimal.h"
#include "cluster/api/field.h"
#include "runtime/base/result.h"

namespace kubepp::api {

/// Upstream's resource.Format.
enum class QuantityFormat { DecimalExponent, BinarySI, DecimalSI };

/// "DecimalExponent", "BinarySI" or "DecimalSI", upstream's strings.
const char* to_string(QuantityFormat format);

// Upstream's parse errors (ErrFormatWrong, ErrNumeric, ErrSuffix), word for word.
inline constexpr const char* kQuantityFormatWrong =
    "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
inline constexpr const char* kQuantityNumeric = "unable to parse numeric part of quantity";
inline constexpr const char* kQuantitySuffix = "unable to parse quantity's suffix";

/// Upstream's Scale for ScaledValue and RoundUp: the power of ten of one unit.
inline constexpr int32_t kNano = -9, kMicro = -6, kMilli = -3;

class Quantity {
 public:
  /// Zero.
  Quantity() = default;

  /// ParseQuantity: "100m", "64Mi", "1e3", "+1", ".5", "5.", "1E-3". Invalid, with one of
  /// upstream's three messages above, when the text is not a quantity.
  static Result<Quantity> parse(std::string_view text);
  /// UnmarshalJSON: `raw` is the JSON value's text — a string ("\"64Mi\"") or a number
  /// (`1.5`); surrounding quotes are removed, then white space, then it is parsed. `null`
  /// is zero. JSON escapes are not decoded, as upstream does not decode them.
  static Result<Quantity> parse_json(std::string_view raw);

  /// NewQuantity: value in `format`.
  static Quantity from_int(int64_t value, QuantityFormat format);
  /// NewMilliQuantity: value/1000 in `format`.
  static Quantity from_milli(int64_t value, QuantityFormat format);
  /// NewScaledQuantity: value * 10^scale, DecimalSI unless `format` says otherwise.
  static Quantity from_scaled(int64_t value, int32_t scale, QuantityFormat format = QuantityFormat::DecimalSI);

  /// String: the canonical form ("1536Mi"), or the parsed text when that already was
  /// canonical — so "+1" prints "+1", as upstream's reused string does.
  std::string str() const;
  /// MarshalJSON: str() as a JSON string.
  std::string json() const { return "\"" + str() + "\""; }
  QuantityFormat format() const { return format_; }
  /// The exact value.
  const Decimal& amount() const { return amount_; }

  /// Cmp: -1, 0 or 1 as this is less than, equal to or greater than `other`, whatever
  /// the formats ("1Gi" > "1G").
  int cmp(const Quantity& other) const { return amount_.cmp(other.amount_); }
  int sign() const { return amount_.sign(); }
  bool is_zero() const { return amount_.is_zero(); }
  friend bool operator==(const Quantity& a, const Quantity& b) { return a.cmp(b) == 0; }
  friend std::strong_ordering operator<=>(const Quantity& a, const Quantity& b) { return a.cmp(b) <=> 0; }

  /// Add and Sub: exact. A zero receiver takes the other's format.
  void add(const Quantity& other);
  void sub(const Quantity& other);
  /// Neg.
  void neg();
  /// RoundUp: rounds away from zero to a multiple of 10^scale; false when that lost
  /// precision ("9.01" to kMilli keeps it, to 0 makes it 10 and returns false).
  bool round_up(int32_t scale);

  /// Value: the value rounded away from zero to a whole number ("-1.5" -> -2).
  /// Saturates at INT64_MIN/INT64_MAX where upstream's result is undefined.
  int64_t value() const { return scaled_value(0); }
  /// MilliValue: value * 1000, rounded away from zero ("0.0001" -> 1). Saturates.
  int64_t milli_value() const { return scaled_value(kMilli); }
  /// ScaledValue: value / 10^scale, rounded away from zero. Saturates.
  int64_t scaled_value(int32_t scale) const;
  /// AsApproximateFloat64, for display: may lose precision; ±Inf beyond float64's range.
  double as_approximate_float64() const;

 private:
  Quantity(Decimal amount, QuantityFormat format) : amount_(std::move(amount)), format_(format) {}

  Decimal amount_;
  QuantityFormat format_ = QuantityFormat::DecimalSI;
  std::string text_;  // the parsed text when it is canonical (upstream's q.s); else empty
};

// ---- the parser's first two steps, exposed for tests and for lab 03 ---------------------

/// What the scanner reads in a quantity's text (upstream's parseQuantityString). For
/// "-012.50Mi":
///   positive  false  — a leading '-'; '+' or no sign is positive
///   num       "12"   — the digits before the point, leading zeros dropped; "0" when none
///                      are left ("0.5", ".5", "Ki")
///   denom     "50"   — the digits after the point as written; empty without a point
///   suffix    "Mi"   — everything after the number
///   value     "-012.50" — the text before the suffix: what upstream's big-decimal reader
///                      would be given. Quantity::parse only asks whether it holds a digit.
/// Text that is nothing but a sign and zeros ("", "-", "+00") reads as num = value = "0".
struct ScannedQuantity {
  bool positive = true;
  std::string_view value, num, denom, suffix;
  bool operator==(const ScannedQuantity&) const = default;
};

/// Splits `text` into the parts above, reading, in order: an optional sign, digits, an
/// optional '.' and digits, then the suffix — letters from "eEinumkKMGTP", an optional
/// sign, digits. False (upstream's ErrFormatWrong) when characters are left after that:
/// "1.1.M", "1+1.0M", " 1". The scanner lets through more than the regular expression
/// in kQuantityFormatWrong says ("." and "-" are zero, "1.G" is 1G, "Ki" is 0Ki) and does
/// not judge the suffix ("1K" and "1mi" scan; interpret_suffix refuses "K" and "mi"). The
/// parts are views into `text`, or of the literal "0".
bool scan_quantity(std::string_view text, ScannedQuantity& out);

/// The unit a suffix stands for: 10^exponent for the decimal formats, 2^exponent for
/// BinarySI.
struct QuantitySuffix {
  int64_t exponent;
  QuantityFormat format;
  bool operator==(const QuantitySuffix&) const = default;
};

/// The unit of a suffix (upstream's suffixHandler.interpret):
///   "" n u m k M G T P E   DecimalSI, 10^0, 10^-9, 10^-6, 10^-3, 10^3 … 10^18
///   Ki Mi Gi Ti Pi Ei      BinarySI, 2^10 … 2^60
///   eN or EN               DecimalExponent, 10^N: N is decimal digits with an optional
///                          sign, at most 2^31-1 in magnitude ("e3", "E-3", "e+6")
/// Nothing (upstream's ErrSuffix) for anything else: "K", "mi", "e", "e+", "e1.5", "Ki3".
/// "E" alone is exa, 10^18; "E3" is the exponent 3.
std::optional<QuantitySuffix> interpret_suffix(std::string_view suffix);

/// A quantity field given as text, parsed: empty when it is a quantity, else
///   spec.resources.limits[memory]: Invalid value: "64K": unable to parse quantity's suffix
ErrorList validate_quantity(std::string_view text, const Path& path);

/// ValidateNonnegativeQuantity: "<path>: Invalid value: \"-1\": must be greater than or equal to 0".
ErrorList validate_nonnegative_quantity(const Quantity& value, const Path& path);

}  // namespace kubepp::api

// decimal.h — an exact decimal number of any size: the amount inside a resource quantity.
//
// Kubernetes keeps a Quantity's amount in one of two forms (amount.go): an int64Amount,
// an int64 with a power-of-ten scale, while it fits, and otherwise an inf.Dec, a big.Int
// with a scale. kubepp keeps a single form that holds both:
//
//     value = (negative ? -1 : 1) * magnitude * 10^exponent
//
// where the magnitude is an unsigned integer of any length, stored in base-10^9 limbs
// (least significant first) so that shifting by powers of ten, counting trailing zeros and
// printing are simple, and the exponent is an int64_t. There is no floating point.
//
// The pair (magnitude, exponent) is not normalised: "1.50" is 150e-2, not 15e-1, exactly as
// upstream holds it. Values compare by value (cmp), never by pair.
//
// A value type: copy it freely; one object is not safe to mutate from two threads.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace kubepp::api {

class Decimal {
 public:
  /// Zero, 0e0.
  Decimal() = default;
  /// mantissa * 10^exponent.
  Decimal(int64_t mantissa, int64_t exponent);
  /// The non-negative integer written in `digits` (only '0'..'9', possibly empty for 0)
  /// times 10^exponent.
  static Decimal from_digits(std::string_view digits, int64_t exponent);

  bool is_zero() const { return limbs_.empty(); }
  /// -1, 0 or 1.
  int sign() const { return is_zero() ? 0 : (negative_ ? -1 : 1); }
  int64_t exponent() const { return exponent_; }
  /// The number of decimal digits of the magnitude; 0 for zero.
  int64_t digits() const;
  /// True when the value is a whole number.
  bool is_integer() const;

  /// Flips the sign (zero stays zero).
  void negate();
  /// Multiplies the magnitude by `factor`; the exponent stays.
  void multiply(uint32_t factor);
  /// Divides the magnitude by `divisor` (> 0) and returns the remainder; the exponent stays.
  uint32_t divide(uint32_t divisor);
  /// Lowers the exponent to `exponent` (<= exponent()) without changing the value: the
  /// magnitude gains that many trailing zeros.
  void rescale(int64_t exponent);
  /// Raises the exponent to `exponent` (>= exponent()), dropping digits and rounding a
  /// non-zero remainder away from zero, as inf.RoundUp does. True when nothing was lost.
  bool round_up(int64_t exponent);
  /// Moves the magnitude's trailing zeros into the exponent (150e-2 becomes 15e-1).
  void strip_trailing_zeros();

  /// -1, 0 or 1 as this value is less than, equal to or greater than `other`'s.
  int cmp(const Decimal& other) const;
  /// As cmp, on the absolute values.
  int cmp_abs(const Decimal& other) const;
  /// The exact sum, at the smaller of the two exponents.
  Decimal plus(const Decimal& other) const;

  /// The signed magnitude in decimal digits, without the exponent: "-150" for -1.50.
  std::string mantissa_string() const;
  /// The signed magnitude as an int64_t, or nothing when it does not fit.
  std::optional<int64_t> mantissa_int64() const;

 private:
  void trim();  // drops high zero limbs; zero is never negative

  std::vector<uint32_t> limbs_;  // base 10^9, least significant first; empty for zero
  bool negative_ = false;
  int64_t exponent_ = 0;
};

}  // namespace kubepp::api

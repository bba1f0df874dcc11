// decimal.cpp — exact decimal arithmetic on base-10^9 limbs: only what quantities need
// (shift by powers of ten, round away from zero, add, compare, print).
#include "cluster/api/decimal.h"

#include <algorithm>
#include <cassert>
#include <cstdio>

namespace kubepp::api {

namespace {

constexpr uint32_t kBase = 1000000000;  // one limb holds nine decimal digits
constexpr uint32_t kPow10[10] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000};

using Limbs = std::vector<uint32_t>;

int digits_of(uint32_t limb) {
  int n = 1;
  while (n < 9 && limb >= kPow10[n]) n++;
  return n;
}

// -1, 0 or 1 comparing two trimmed magnitudes.
int compare(const Limbs& a, const Limbs& b) {
  if (a.size() != b.size()) return a.size() < b.size() ? -1 : 1;
  for (size_t i = a.size(); i-- > 0;) {
    if (a[i] != b[i]) return a[i] < b[i] ? -1 : 1;
  }
  return 0;
}

// a += b.
void add_to(Limbs& a, const Limbs& b) {
  if (a.size() < b.size()) a.resize(b.size(), 0);
  uint32_t carry = 0;
  for (size_t i = 0; i < a.size(); i++) {
    uint32_t sum = a[i] + (i < b.size() ? b[i] : 0) + carry;
    carry = sum >= kBase;
    a[i] = carry ? sum - kBase : sum;
  }
  if (carry) a.push_back(carry);
}

// a -= b, for a >= b.
void subtract_from(Limbs& a, const Limbs& b) {
  uint32_t borrow = 0;
  for (size_t i = 0; i < a.size(); i++) {
    uint32_t sub = (i < b.size() ? b[i] : 0) + borrow;
    borrow = a[i] < sub;
    a[i] = borrow ? a[i] + kBase - sub : a[i] - sub;
  }
  assert(borrow == 0);
}

int64_t trailing_zeros(const Limbs& limbs) {
  int64_t n = 0;
  for (uint32_t limb : limbs) {
    if (limb == 0) {
      n += 9;
      continue;
    }
    while (limb % 10 == 0) {
      limb /= 10;
      n++;
    }
    break;
  }
  return n;
}

}  // namespace

Decimal::Decimal(int64_t mantissa, int64_t exponent) : negative_(mantissa < 0), exponent_(exponent) {
  uint64_t m = negative_ ? 0 - static_cast<uint64_t>(mantissa) : static_cast<uint64_t>(mantissa);
  while (m != 0) {
    limbs_.push_back(static_cast<uint32_t>(m % kBase));
    m /= kBase;
  }
}

Decimal Decimal::from_digits(std::string_view digits, int64_t exponent) {
  Decimal d;
  d.exponent_ = exponent;
  for (size_t end = digits.size(); end > 0;) {
    size_t begin = end >= 9 ? end - 9 : 0;
    uint32_t limb = 0;
    for (size_t i = begin; i < end; i++) limb = limb * 10 + static_cast<uint32_t>(digits[i] - '0');
    d.limbs_.push_back(limb);
    end = begin;
  }
  d.trim();
  return d;
}

int64_t Decimal::digits() const {
  if (is_zero()) return 0;
  return 9 * static_cast<int64_t>(limbs_.size() - 1) + digits_of(limbs_.back());
}

bool Decimal::is_integer() const { return exponent_ >= 0 || trailing_zeros(limbs_) >= -exponent_ || is_zero(); }

void Decimal::negate() {
  if (!is_zero()) negative_ = !negative_;
}

void Decimal::multiply(uint32_t factor) {
  uint64_t carry = 0;
  for (uint32_t& limb : limbs_) {
    uint64_t product = static_cast<uint64_t>(limb) * factor + carry;
    limb = static_cast<uint32_t>(product % kBase);
    carry = product / kBase;
  }
  while (carry != 0) {
    limbs_.push_back(static_cast<uint32_t>(carry % kBase));
    carry /= kBase;
  }
  trim();
}

uint32_t Decimal::divide(uint32_t divisor) {
  uint64_t remainder = 0;
  for (size_t i = limbs_.size(); i-- > 0;) {
    uint64_t current = remainder * kBase + limbs_[i];
    limbs_[i] = static_cast<uint32_t>(current / divisor);
    remainder = current % divisor;
  }
  trim();
  return static_cast<uint32_t>(remainder);
}

void Decimal::rescale(int64_t exponent) {
  assert(exponent <= exponent_);
  int64_t shift = exponent_ - exponent;
  exponent_ = exponent;
  if (is_zero()) return;
  limbs_.insert(limbs_.begin(), static_cast<size_t>(shift / 9), 0);
  if (shift % 9 != 0) multiply(kPow10[shift % 9]);
}

bool Decimal::round_up(int64_t exponent) {
  assert(exponent >= exponent_);
  int64_t drop = exponent - exponent_;
  exponent_ = exponent;
  if (is_zero() || drop == 0) return true;
  if (drop >= digits()) {  // every digit goes: a non-zero value rounds away to one unit
    limbs_.assign(1, 1);
    return false;
  }
  auto whole = static_cast<size_t>(drop / 9);
  bool lost = std::any_of(limbs_.begin(), limbs_.begin() + static_cast<ptrdiff_t>(whole), [](uint32_t l) { return l != 0; });
  limbs_.erase(limbs_.begin(), limbs_.begin() + static_cast<ptrdiff_t>(whole));
  if (drop % 9 != 0) lost |= divide(kPow10[drop % 9]) != 0;
  if (lost) add_to(limbs_, Limbs{1});
  return !lost;
}

void Decimal::strip_trailing_zeros() {
  int64_t zeros = trailing_zeros(limbs_);
  if (!is_zero() && zeros > 0) round_up(exponent_ + zeros);
}

int Decimal::cmp_abs(const Decimal& other) const {
  if (is_zero() || other.is_zero()) return static_cast<int>(!is_zero()) - static_cast<int>(!other.is_zero());
  // The position of the leading digit decides, unless both lead at the same place; then
  // aligning the exponents costs at most as many digits as the numbers already have.
  int64_t top = digits() + exponent_, other_top = other.digits() + other.exponent_;
  if (top != other_top) return top < other_top ? -1 : 1;
  if (exponent_ == other.exponent_) return compare(limbs_, other.limbs_);
  if (exponent_ > other.exponent_) {
    Decimal aligned = *this;
    aligned.rescale(other.exponent_);
    return compare(aligned.limbs_, other.limbs_);
  }
  Decimal aligned = other;
  aligned.rescale(exponent_);
  return compare(limbs_, aligned.limbs_);
}

int Decimal::cmp(const Decimal& other) const {
  int s = sign(), other_s = other.sign();
  if (s != other_s) return s < other_s ? -1 : 1;
  return s >= 0 ? cmp_abs(other) : -cmp_abs(other);
}

Decimal Decimal::plus(const Decimal& other) const {
  Decimal a = *this, b = other;
  int64_t exponent = std::min(a.exponent_, b.exponent_);
  a.rescale(exponent);
  b.rescale(exponent);
  if (a.negative_ == b.negative_ || b.is_zero()) {
    add_to(a.limbs_, b.limbs_);
  } else if (compare(a.limbs_, b.limbs_) >= 0) {
    subtract_from(a.limbs_, b.limbs_);
  } else {
    subtract_from(b.limbs_, a.limbs_);
    a.limbs_ = std::move(b.limbs_);
    a.negative_ = b.negative_;
  }
  a.trim();
  return a;
}

std::string Decimal::mantissa_string() const {
  if (is_zero()) return "0";
  std::string s = negative_ ? "-" : "";
  s += std::to_string(limbs_.back());
  char chunk[16];
  for (size_t i = limbs_.size() - 1; i-- > 0;) {
    std::snprintf(chunk, sizeof chunk, "%09u", limbs_[i]);
    s += chunk;
  }
  return s;
}

std::optional<int64_t> Decimal::mantissa_int64() const {
  if (digits() > 19) return std::nullopt;
  uint64_t m = 0;
  for (size_t i = limbs_.size(); i-- > 0;) m = m * kBase + limbs_[i];  // < 10^19 < 2^64
  constexpr uint64_t kMaxPositive = static_cast<uint64_t>(INT64_MAX);
  if (negative_) {
    if (m > kMaxPositive + 1) return std::nullopt;
    return static_cast<int64_t>(0 - m);
  }
  if (m > kMaxPositive) return std::nullopt;
  return static_cast<int64_t>(m);
}

void Decimal::trim() {
  while (!limbs_.empty() && limbs_.back() == 0) limbs_.pop_back();
  if (limbs_.empty()) negative_ = false;
}

}  // namespace kubepp::api

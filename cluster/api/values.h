// values.h — the small value types API objects hold besides strings, numbers and
// quantities: IntOrString, Time and MicroTime, Bytes and RawJson. Each is what its upstream
// counterpart is on the wire; the JSON and protobuf forms are in cluster/api/codec.cpp and
// cluster/api/protobuf.cpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/base/result.h"

namespace kubepp::api {

/// intstr.IntOrString: a port or a percentage, given as a number (`8080`) or a string
/// (`http`, `25%`). Which one it is matters: `"80"` is a named port, not port 80.
struct IntOrString {
  enum class Kind : std::uint8_t { Int, String };
  Kind kind = Kind::Int;
  std::int32_t int_value = 0;
  std::string str_value;

  static IntOrString from_int(std::int32_t v) { return {Kind::Int, v, {}}; }
  static IntOrString from_string(std::string s) { return {Kind::String, 0, std::move(s)}; }
  bool is_int() const { return kind == Kind::Int; }
  /// The number, or the string, as text ("8080", "http").
  std::string str() const { return is_int() ? std::to_string(int_value) : str_value; }

  bool operator==(const IntOrString&) const = default;
};

/// Resolves a percentage or a number against `total`, as upstream's
/// GetScaledValueFromIntOrPercent: 8 → 8, "25%" of 10 → 2 (3 when rounding up). Invalid
/// when the string is not a whole percentage.
Result<std::int32_t> scaled_value(const IntOrString& v, std::int32_t total, bool round_up);

/// metav1.Time: a moment, written in RFC 3339 with whole seconds in UTC
/// ("2026-11-27T03:14:35Z"); the zero Time is `null`. MicroTime keeps microseconds
/// ("2026-11-27T03:14:35.123456Z").
class Time {
 public:
  using Clock = std::chrono::system_clock;
  using Micros = std::chrono::sys_time<std::chrono::microseconds>;

  Time() = default;
  explicit Time(Micros at) : at_(at), set_(true) {}
  /// Now, truncated to whole seconds as the API server stores it.
  static Time now();
  /// Parses RFC 3339 ("2026-11-27T03:14:35Z", "2026-11-27T11:14:35+08:00",
  /// "…35.123456789Z"). Invalid otherwise.
  static Result<Time> parse(std::string_view text);

  bool is_zero() const { return !set_; }
  Micros at() const { return at_; }
  std::int64_t unix_seconds() const;
  /// RFC 3339 in UTC: whole seconds, or with six fractional digits when `micros`.
  std::string str(bool micros = false) const;

  bool operator==(const Time&) const = default;

 private:
  Micros at_{};
  bool set_ = false;
};

/// metav1.MicroTime: a Time written with microseconds (Event.eventTime, Lease.renewTime).
struct MicroTime : Time {
  using Time::Time;
  MicroTime(const Time& t) : Time(t) {}  // NOLINT: implicit by design
};

/// []byte: arbitrary bytes, base64 in JSON (Secret.data).
struct Bytes {
  std::string data;
  bool operator==(const Bytes&) const = default;
};

/// A JSON value kept as its text, for fields whose content the schema does not describe:
/// runtime.RawExtension, FieldsV1, a Table's cells. Empty text is "absent".
struct RawJson {
  std::string text;
  bool operator==(const RawJson&) const = default;
};

}  // namespace kubepp::api

// clock.h — time passed in, so that lease expiry is tested without sleeping.
//
// The store reads the time only through a Clock. Production uses SystemClock (monotonic:
// a lease's TTL is a duration, not a date); tests use FakeClock and advance() it.
#pragma once

#include <atomic>
#include <chrono>

namespace kubepp::store {

class Clock {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  virtual ~Clock() = default;
  /// The current time. Thread-safe.
  virtual TimePoint now() const = 0;
};

/// std::chrono::steady_clock.
class SystemClock final : public Clock {
 public:
  TimePoint now() const override { return std::chrono::steady_clock::now(); }
};

/// A clock that moves only when told to. Thread-safe.
class FakeClock final : public Clock {
 public:
  using Duration = std::chrono::steady_clock::duration;
  TimePoint now() const override { return TimePoint(Duration(ticks_.load())); }
  void advance(Duration d) { ticks_ += d.count(); }

 private:
  std::atomic<Duration::rep> ticks_{Duration(std::chrono::hours(1)).count()};
};

}  // namespace kubepp::store

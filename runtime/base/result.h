// result.h — the error type that crosses module boundaries.
//
// Every fallible kubepp function returns Result<T>: either a value or an Error with a
// code (the words Kubernetes and etcd use) and a message that names the object and the
// rule or system call that failed, e.g. "pivot_root `/var/lib/kubepp/.../merged`: EPERM".
// Exceptions stay inside a module; they never cross an API boundary.
#pragma once

#include <string>
#include <utility>
#include <variant>

namespace kubepp {

enum class ErrorCode {
  NotFound,
  AlreadyExists,
  Conflict,
  Invalid,
  Gone,
  Unavailable,
  Internal,
};

/// The name of a code as the API server and the logs print it ("NotFound").
const char* to_string(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::Internal;
  std::string message;
};

/// Builds an Error from errno: "<what> `<object>`: <ERRNO>", as crun words its errors.
/// With an empty object the backquoted part is left out.
Error sys_error(const std::string& what, const std::string& object, int err);

/// The symbolic name of an errno value ("EPERM"), or its number when it has none.
std::string errno_name(int err);

/// A value of type T or an Error. Test with ok() (or in a condition), then take value()
/// or error(). Taking the wrong one is a programming error and aborts.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Error error) : v_(std::move(error)) {}  // NOLINT

  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }

  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  const Error& error() const { return std::get<1>(v_); }

 private:
  std::variant<T, Error> v_;
};

/// Result of an operation that returns nothing but may fail.
template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)), ok_(false) {}  // NOLINT

  bool ok() const { return ok_; }
  explicit operator bool() const { return ok_; }
  const Error& error() const { return error_; }

 private:
  Error error_;
  bool ok_ = true;
};

using Status = Result<void>;

}  // namespace kubepp

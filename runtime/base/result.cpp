#include "runtime/base/result.h"

#include <cerrno>
#include <cstring>

namespace kubepp {

const char* to_string(ErrorCode code) {
  switch (code) {
    case ErrorCode::NotFound: return "NotFound";
    case ErrorCode::AlreadyExists: return "AlreadyExists";
    case ErrorCode::Conflict: return "Conflict";
    case ErrorCode::Invalid: return "Invalid";
    case ErrorCode::Gone: return "Gone";
    case ErrorCode::Unavailable: return "Unavailable";
    case ErrorCode::Internal: return "Internal";
  }
  return "Unknown";
}

std::string errno_name(int err) {
  // strerrorname_np (glibc 2.32+) gives "EPERM"; fall back to the number.
  if (const char* name = strerrorname_np(err)) return name;
  return "errno " + std::to_string(err);
}

Error sys_error(const std::string& what, const std::string& object, int err) {
  ErrorCode code = ErrorCode::Internal;
  if (err == ENOENT) code = ErrorCode::NotFound;
  if (err == EEXIST) code = ErrorCode::AlreadyExists;
  if (err == EINVAL) code = ErrorCode::Invalid;
  std::string message = what;
  if (!object.empty()) message += " `" + object + "`";
  return Error{code, message + ": " + errno_name(err)};
}

}  // namespace kubepp

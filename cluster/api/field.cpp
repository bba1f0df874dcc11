// field.cpp — field paths and errors, printed as upstream prints them.
#include "cluster/api/field.h"

#include <cstdio>
#include <iterator>

namespace kubepp::api {

Path Path::child(std::string_view name) const {
  Path p = *this;
  if (!p.text_.empty()) p.text_ += '.';
  p.text_ += name;
  return p;
}

Path Path::index(size_t i) const {
  Path p = *this;
  p.text_ += "[" + std::to_string(i) + "]";
  return p;
}

Path Path::key(std::string_view k) const {
  Path p = *this;
  p.text_ += "[";
  p.text_ += k;
  p.text_ += "]";
  return p;
}

const char* reason(FieldError::Type type) {
  switch (type) {
    case FieldError::Type::Required: return "Required value";
    case FieldError::Type::Invalid: return "Invalid value";
    case FieldError::Type::NotSupported: return "Unsupported value";
    case FieldError::Type::Duplicate: return "Duplicate value";
    case FieldError::Type::NotFound: return "Not found";
    case FieldError::Type::TooLong: return "Too long";
    case FieldError::Type::TooMany: return "Too many";
    case FieldError::Type::Forbidden: return "Forbidden";
    case FieldError::Type::Internal: return "Internal error";
  }
  return "Invalid value";
}

// As field.Error.ErrorBody: the reason, then the bad value unless the type never shows
// one, then the detail.
std::string FieldError::str() const {
  std::string s = field + ": " + reason(type);
  bool shows_value = type != Type::Required && type != Type::Forbidden && type != Type::TooLong &&
                     type != Type::Internal && !bad_value.empty();
  if (shows_value) s += ": " + bad_value;
  if (!detail.empty()) s += ": " + detail;
  return s;
}

FieldError required(const Path& p, std::string detail) {
  return {FieldError::Type::Required, p.str(), "", std::move(detail)};
}

FieldError invalid(const Path& p, std::string value, std::string detail) {
  return {FieldError::Type::Invalid, p.str(), std::move(value), std::move(detail)};
}

FieldError not_supported(const Path& p, std::string value, const std::vector<std::string>& valid) {
  std::string detail;
  if (!valid.empty()) {
    detail = "supported values: ";
    for (size_t i = 0; i < valid.size(); i++) detail += (i ? ", " : "") + quoted(valid[i]);
  }
  return {FieldError::Type::NotSupported, p.str(), std::move(value), detail};
}

FieldError duplicate(const Path& p, std::string value) {
  return {FieldError::Type::Duplicate, p.str(), std::move(value), ""};
}

FieldError not_found(const Path& p, std::string value) {
  return {FieldError::Type::NotFound, p.str(), std::move(value), ""};
}

FieldError too_long(const Path& p, std::string value, size_t max) {
  return {FieldError::Type::TooLong, p.str(), std::move(value), "must have at most " + std::to_string(max) + " bytes"};
}

FieldError too_many(const Path& p, size_t actual, size_t max) {
  return {FieldError::Type::TooMany, p.str(), std::to_string(actual),
          "must have at most " + std::to_string(max) + " items"};
}

FieldError forbidden(const Path& p, std::string detail) {
  return {FieldError::Type::Forbidden, p.str(), "", std::move(detail)};
}

std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      case '\a': out += "\\a"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\v': out += "\\v"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\x%02x", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

void append(ErrorList& to, ErrorList more) {
  to.insert(to.end(), std::make_move_iterator(more.begin()), std::make_move_iterator(more.end()));
}

std::string to_string(const ErrorList& errors) {
  std::string out;
  for (const FieldError& e : errors) out += (out.empty() ? "" : "\n") + e.str();
  return out;
}

}  // namespace kubepp::api

// field.h — where in an object a rule was broken, and which rule: Kubernetes'
// field.Path and field.ErrorList (k8s.io/apimachinery/pkg/util/validation/field).
//
// Every validation function in cluster/api returns an ErrorList; the API server turns a
// non-empty one into a 422 Status whose causes are the errors, each printed as
//   spec.containers[0].image: Required value
//   metadata.labels: Invalid value: "-x": name part must consist of alphanumeric …
// The reason words ("Required value", "Invalid value", …) are Kubernetes' own, so a
// student comparing kubepp's answer with a real cluster's sees the same text.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace kubepp::api {

/// A path to a field, built from the root down: Path("spec").child("containers").index(0)
/// prints "spec.containers[0]"; key("app") prints "[app]", as in metadata.labels[app].
class Path {
 public:
  Path() = default;
  explicit Path(std::string_view root) : text_(root) {}

  Path child(std::string_view name) const;
  Path index(size_t i) const;
  Path key(std::string_view k) const;

  const std::string& str() const { return text_; }
  bool empty() const { return text_.empty(); }

 private:
  std::string text_;
};

/// One broken rule (field.Error). type says which kind of rule, as upstream's ErrorType.
struct FieldError {
  enum class Type {
    Required,      // "Required value"
    Invalid,       // "Invalid value"
    NotSupported,  // "Unsupported value"
    Duplicate,     // "Duplicate value"
    NotFound,      // "Not found"
    TooLong,       // "Too long"
    TooMany,       // "Too many"
    Forbidden,     // "Forbidden"
    Internal,      // "Internal error"
  };
  Type type = Type::Invalid;
  std::string field;      // the path, "spec.containers[0].name"
  std::string bad_value;  // the offending value as upstream prints it (quoted when a string); may be empty
  std::string detail;     // the rule, in upstream's words

  /// "spec.containers[0].image: Required value", with ": <bad value>" and ": <detail>"
  /// when present, as field.Error.Error() prints it.
  std::string str() const;
};

/// Upstream's reason words for a type ("Required value").
const char* reason(FieldError::Type type);

using ErrorList = std::vector<FieldError>;

/// Moves `more` to the end of `to` (upstream's `allErrs = append(allErrs, more...)`).
void append(ErrorList& to, ErrorList more);

// Constructors in upstream's names (field.Required, field.Invalid, …). `value` is printed
// as given: quote strings with quoted().
FieldError required(const Path& p, std::string detail = "");
FieldError invalid(const Path& p, std::string value, std::string detail);
FieldError not_supported(const Path& p, std::string value, const std::vector<std::string>& valid);
FieldError duplicate(const Path& p, std::string value);
FieldError not_found(const Path& p, std::string value);
FieldError too_long(const Path& p, std::string value, size_t max);
FieldError too_many(const Path& p, size_t actual, size_t max);
FieldError forbidden(const Path& p, std::string detail);

/// A Go-style quoted string ("\"a\\tb\""), as upstream prints string values in errors.
std::string quoted(std::string_view s);
// Exact overloads, so that an unqualified call with a std::string or a literal never picks
// std::quoted, which argument-dependent lookup also finds.
inline std::string quoted(const std::string& s) { return quoted(std::string_view(s)); }
inline std::string quoted(const char* s) { return quoted(std::string_view(s)); }

/// Every error on its own line, for messages and test failures.
std::string to_string(const ErrorList& errors);

}  // namespace kubepp::api

// fields.h — field selectors: `kubectl get pods --field-selector spec.nodeName=node-1`,
// and the table of which fields each kind lets you select on.
//
// Upstream: k8s.io/apimachinery/pkg/fields (selector.go), the field label conversion
// functions of each API group (pkg/apis/core/v1/conversion.go, pkg/apis/batch/v1/…) and
// runtime.DefaultMetaV1FieldSelectorConversion.
//
// The grammar is much smaller than a label selector's (fields.ParseSelector):
//
//   selector ::= term ( "," term )*        empty terms are skipped; "" selects everything
//   term     ::= FIELD ( "!=" | "==" | "=" ) VALUE
//
// A term splits at the first operator in it; FIELD is taken as written (no trimming, no
// escapes). In VALUE a backslash escapes "\", "," and "=" — `a=x\,y` selects the value
// "x,y" — and an unescaped "," or "=" is an error. Terms are sorted by their text before
// parsing, so str() prints "a=1,b=2" for "b=2,a==1". A missing field compares as "".
//
// Selectors are values: copyable, immutable, safe to share between threads.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/base/result.h"

namespace kubepp::api {

/// The selectable fields of one object, field → value (fields.Set).
using Fields = std::map<std::string, std::string>;

/// One term: field = value or field != value (fields.Requirement).
struct FieldTerm {
  std::string field;
  bool equals = true;  // false for "!="
  std::string value;   // unescaped
  bool operator==(const FieldTerm&) const = default;
};

/// The AND of its terms (fields.Selector).
class FieldSelector {
 public:
  /// Matches everything (fields.Everything).
  FieldSelector() = default;
  explicit FieldSelector(std::vector<FieldTerm> terms) : terms_(std::move(terms)) {}
  static FieldSelector everything() { return FieldSelector(); }
  /// Matches nothing (fields.Nothing); prints as "".
  static FieldSelector nothing();

  bool matches(const Fields& fields) const;
  /// True when no term restricts the selection (Empty); nothing is not empty.
  bool empty() const { return !nothing_ && terms_.empty(); }
  bool is_nothing() const { return nothing_; }
  const std::vector<FieldTerm>& terms() const { return terms_; }

  /// The value `field` must equal, when a "=" term names it (RequiresExactMatch).
  std::optional<std::string> requires_exact_match(std::string_view field) const;

  /// The selector with every term rewritten by `fn` (Transform); a term that `fn` turns
  /// into an empty field and value is dropped. The first error of `fn` is returned.
  using TransformFn = std::function<Result<std::pair<std::string, std::string>>(const std::string& field,
                                                                               const std::string& value)>;
  Result<FieldSelector> transform(const TransformFn& fn) const;

  /// "field=value" and "field!=value" terms joined by ",", values escaped. "" for
  /// everything and for nothing.
  std::string str() const;

 private:
  std::vector<FieldTerm> terms_;
  bool nothing_ = false;
};

/// Parses the grammar above (fields.ParseSelector). Errors, with ErrorCode::Invalid, as
/// upstream words them:
///   invalid selector: 'a'; can't understand 'a'
///   invalid field selector: invalid escape sequence: `\x`
///   invalid field selector: unescaped character in value: 61     (the code of '=')
Result<FieldSelector> parse_field_selector(std::string_view text);

/// `value` with "\", "," and "=" escaped by a backslash (EscapeValue).
std::string escape_field_value(std::string_view value);
/// The inverse of escape_field_value, with parse_field_selector's errors (UnescapeValue).
Result<std::string> unescape_field_value(std::string_view value);

// ---- which fields each kind can select on ------------------------------------------------

/// The rules of one kind (a field label conversion function): the labels it accepts, old
/// spellings it renames, and how it words a refusal ("%s" stands for the label, "%q" for
/// the label quoted).
struct FieldLabelRules {
  const char* group;  // "" for the core group
  const char* kind;
  std::vector<const char*> labels;
  std::vector<std::pair<const char*, const char*>> renames;  // old label → label
  const char* refusal;
};

/// The table, one entry per kind with its own rules. Every other kind accepts
/// metadata.name and metadata.namespace only and answers
///   "spec.foo" is not a known field selector: only "metadata.name", "metadata.namespace"
const std::vector<FieldLabelRules>& field_label_rules();

/// `label` and `value` as the kind's storage knows them (Scheme.ConvertFieldLabel), or the
/// refusal for a label the kind does not support:
///   field label not supported: spec.foo                      (pods, nodes, events, …)
///   field label "spec.foo" not supported for Job             (batch Jobs)
/// The API server answers a refusal with 400 Bad Request.
Result<std::pair<std::string, std::string>> convert_field_label(std::string_view group, std::string_view kind,
                                                                std::string_view label, std::string_view value);

/// `selector` with every term converted for the kind (what the API server does to a
/// list's fieldSelector before it filters).
Result<FieldSelector> convert_field_labels(const FieldSelector& selector, std::string_view group,
                                           std::string_view kind);

/// metadata.name, and metadata.namespace for namespaced kinds: the fields every object
/// offers (generic.ObjectMetaFieldsSet). Each kind adds its own to these.
Fields object_meta_fields(std::string_view name, std::string_view namespace_, bool namespaced);

}  // namespace kubepp::api

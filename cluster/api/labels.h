// labels.h — label selectors: the query language of `kubectl get pods -l app=myapp`, of
// Services choosing their Pods and of ReplicaSets counting theirs.
//
// Upstream: k8s.io/apimachinery/pkg/labels (selector.go) and pkg/selection. The API object
// form (matchLabels + matchExpressions) lives in label_selector.h.
//
// A selector is a list of requirements that must all hold (AND). The string grammar,
// exactly as labels.Parse reads it:
//
//   selector     ::= ""  |  requirement ( "," requirement )*
//   requirement  ::= [ "!" ] KEY                          exists / does not exist
//                 |  KEY ( "=" | "==" | "!=" ) [ VALUE ]  equality; no VALUE means ""
//                 |  KEY ( ">" | "<" ) [ VALUE ]          gt / lt: VALUE must be an integer
//                 |  KEY ( "in" | "notin" ) "(" values ")"
//   values       ::= (empty)  |  [ VALUE ] ( "," [ VALUE ] )*   an empty place is ""
//
// Tokens are separated by ' ', '\t', '\r' or '\n' or by the special characters
// = ! ( ) , < > ; anything else is part of an identifier (KEY or VALUE). "in" and "notin"
// are operators only where an operator may stand: `in in (in)` is a valid selector.
// KEY must be a qualified name and VALUE a label value (names.h). Examples:
//
//   app=myapp,tier!=frontend     environment in (prod, qa),!canary     x in (),y
//
// str() prints the canonical form: requirements sorted by key, no spaces around = == !=,
// " in (" / " notin (" with sorted values: "environment in (prod,qa),!canary" parses and
// prints as "!canary,environment in (prod,qa)".
//
// Selectors are values: copyable, immutable after construction, safe to share between
// threads.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/api/field.h"
#include "runtime/base/result.h"

namespace kubepp::api {

/// A set of labels, key → value (labels.Set).
using Labels = std::map<std::string, std::string>;

/// How a requirement relates its key and values (selection.Operator).
enum class Operator {
  DoesNotExist,  // "!"
  Equals,        // "="
  DoubleEquals,  // "=="
  In,            // "in"
  NotEquals,     // "!="
  NotIn,         // "notin"
  Exists,        // "exists"
  GreaterThan,   // "gt"
  LessThan,      // "lt"
};

/// The operator's name as selection.Operator spells it ("in", "gt", "!").
const char* to_string(Operator op);

/// One condition on one key (labels.Requirement). Build it with new_requirement() from
/// user input; the constructor takes the parts as they are, without validation, as upstream
/// builds requirements from already-validated sets.
class Requirement {
 public:
  Requirement(std::string key, Operator op, std::vector<std::string> values)
      : key_(std::move(key)), op_(op), values_(std::move(values)) {}

  const std::string& key() const { return key_; }
  Operator op() const { return op_; }
  /// The values in the order given (sorted when parsed from a string).
  const std::vector<std::string>& values() const { return values_; }

  /// Whether `labels` satisfy this requirement. A missing key satisfies !=, notin and
  /// !key; gt/lt compare as 64-bit integers and fail when either side is not one.
  bool matches(const Labels& labels) const;

  /// The requirement as the grammar writes it: "x in (a,b)", "!x", "x>1".
  std::string str() const;

  bool operator==(const Requirement&) const = default;

 private:
  std::string key_;
  Operator op_;
  std::vector<std::string> values_;
};

/// A validated requirement, or upstream's error text (NewRequirement): the key must be a
/// qualified name; in/notin need at least one value; =, ==, != exactly one; exists and !
/// none; gt/lt exactly one integer; every value must be a label value. `path` prefixes the
/// field paths in the messages ("key", "values[0][app]"). A message with several errors
/// reads "[first, second]".
Result<Requirement> new_requirement(std::string key, Operator op, std::vector<std::string> values,
                                    const Path& path = Path());

/// A label selector: the AND of its requirements (labels.Selector).
class Selector {
 public:
  /// The selector that matches everything (labels.Everything).
  Selector() = default;
  static Selector everything() { return Selector(); }
  /// The selector that matches nothing (labels.Nothing); prints as "".
  static Selector nothing();

  bool matches(const Labels& labels) const;
  /// True for a selector with no requirements: it does not restrict (Empty). Nothing is
  /// not empty.
  bool empty() const { return !nothing_ && requirements_.empty(); }
  bool is_nothing() const { return nothing_; }

  /// A copy with `more` added, requirements kept sorted by key (Add).
  Selector add(std::vector<Requirement> more) const;
  const std::vector<Requirement>& requirements() const { return requirements_; }

  /// The value `label` must have, when a requirement on it is "=", "==" or "in" with one
  /// value (RequiresExactMatch): how an informer index or a field index is used.
  std::optional<std::string> requires_exact_match(std::string_view label) const;

  /// The canonical string: requirements in key order joined by ",". "" for everything
  /// and for nothing.
  std::string str() const;

 private:
  std::vector<Requirement> requirements_;  // sorted by key
  bool nothing_ = false;
};

/// Parses the string grammar above (labels.Parse). Fails, with ErrorCode::Invalid and
/// upstream's message word for word, on the first error:
///   "found ',', expected: !, identifier, or 'end of string'"
///   "unable to parse requirement: found '', expected: in, notin, =, ==, !=, gt, lt"
///   "unable to parse requirement: <nil>: Invalid value: \"-x\": name part must …"
/// (`<nil>` is Go's printing of the absent field path; pass `path` to name one).
/// The API server answers such errors with 400 Bad Request.
Result<Selector> parse_selector(std::string_view text, const Path& path = Path());

/// The selector that matches exactly the labels in `set`, without validating them
/// (SelectorFromSet); an empty set gives everything.
Selector selector_from_set(const Labels& set);

// ---- the lexer, exposed for tests and for lab 04 ---------------------------------------

/// The tokens of the grammar (labels.Token).
enum class SelectorToken {
  Error,         // never produced by a well-formed scan; kept as upstream has it
  EndOfString,
  ClosedPar,     // )
  Comma,         // ,
  DoesNotExist,  // !
  DoubleEquals,  // ==
  Equals,        // =
  GreaterThan,   // >
  Identifier,    // keys and values
  In,            // in
  LessThan,      // <
  NotEquals,     // !=
  NotIn,         // notin
  OpenPar,       // (
};

/// The token's name as the enum spells it ("Identifier", "NotIn"), for tests and traces.
const char* to_string(SelectorToken token);

/// A token and its text (labels.ScannedItem).
struct ScannedItem {
  SelectorToken token;
  std::string literal;
  bool operator==(const ScannedItem&) const = default;
};

/// The tokens of `text`, the last one always EndOfString with an empty literal.
std::vector<ScannedItem> lex_selector(std::string_view text);

}  // namespace kubepp::api

// label_selector.h — the LabelSelector API object (metav1.LabelSelector), as it appears in
// a Deployment's or ReplicaSet's spec.selector:
//
//   selector:
//     matchLabels: {app: myapp}
//     matchExpressions:
//     - {key: tier, operator: In, values: [frontend, backend]}
//
// and what upstream does with it: ValidateLabelSelector (pkg/apis/meta/v1/validation),
// LabelSelectorAsSelector and FormatLabelSelector (pkg/apis/meta/v1/helpers.go).
//
// A null selector (nullptr here) matches nothing; an empty one matches everything.
#pragma once

#include <string>
#include <vector>

#include "cluster/api/field.h"
#include "cluster/api/labels.h"
#include "cluster/api/types/meta_v1.h"
#include "runtime/base/result.h"

namespace kubepp::api {

// The operators of a matchExpressions entry (metav1.LabelSelectorOperator). Kept as the
// strings of the JSON so that an unknown one can be reported as upstream reports it.
inline constexpr const char* kLabelSelectorOpIn = "In";
inline constexpr const char* kLabelSelectorOpNotIn = "NotIn";
inline constexpr const char* kLabelSelectorOpExists = "Exists";
inline constexpr const char* kLabelSelectorOpDoesNotExist = "DoesNotExist";

/// matchLabels and matchExpressions, ANDed: the generated API type (metav1.LabelSelector),
/// so a Deployment's spec.selector is passed as it is.
using LabelSelector = meta_v1::LabelSelector;
/// One matchExpressions entry; its JSON "operator" is the member operator_.
using LabelSelectorRequirement = meta_v1::LabelSelectorRequirement;

struct LabelSelectorValidationOptions {
  /// Skip the label-value rule for matchExpressions values: only for objects stored
  /// before the rule existed (AllowInvalidLabelValueInSelector).
  bool allow_invalid_label_value_in_selector = false;
};

/// The rules of a selector, with upstream's paths and words (ValidateLabelSelector):
///   spec.selector.matchLabels: Invalid value: "-x": name part must …
///   spec.selector.matchExpressions[0].values: Required value: must be specified when
///     `operator` is 'In' or 'NotIn'
///   spec.selector.matchExpressions[0].values: Forbidden: may not be specified when
///     `operator` is 'Exists' or 'DoesNotExist'
///   spec.selector.matchExpressions[0].operator: Invalid value: "Foo": not a valid selector operator
/// A null selector is valid.
ErrorList validate_label_selector(const LabelSelector* selector, const Path& path,
                                  LabelSelectorValidationOptions options = {});

/// One matchExpressions entry (ValidateLabelSelectorRequirement).
ErrorList validate_label_selector_requirement(const LabelSelectorRequirement& requirement, const Path& path,
                                              LabelSelectorValidationOptions options = {});

/// The selector a LabelSelector stands for (LabelSelectorAsSelector): null → nothing,
/// empty → everything, otherwise matchLabels as "=" and matchExpressions as in, notin,
/// exists and !, sorted by key. Fails with new_requirement()'s message for an invalid key
/// or value, or `"Foo" is not a valid label selector operator`.
Result<Selector> label_selector_as_selector(const LabelSelector* selector);

/// The selector as kubectl prints it (FormatLabelSelector): its string, "<none>" when that
/// is empty (null and empty selectors alike), "<error>" when it does not convert.
std::string format_label_selector(const LabelSelector* selector);

}  // namespace kubepp::api

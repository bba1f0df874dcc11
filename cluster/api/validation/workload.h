// workload.h — what the workload kinds' rules share (apps_v1.cpp and batch_v1.cpp): the
// selector a controller owns its pods by, checked as upstream checks
// metav1.LabelSelector (ValidateLabelSelector, LabelSelectorAsSelector), and Go's
// printing of the values those rules report.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cluster/api/field.h"
#include "cluster/api/label_selector.h"
#include "cluster/api/labels.h"
#include "cluster/api/types/meta_v1.h"
#include "runtime/base/result.h"

namespace kubepp::api::validation {


/// ValidateLabelSelector on the API type: matchLabels and each matchExpressions entry
/// under `path`; a missing selector is valid.
ErrorList validate_selector(const std::optional<meta_v1::LabelSelector>& selector, const Path& path,
                            LabelSelectorValidationOptions options = {});

/// LabelSelectorAsSelector: a missing selector matches nothing, an empty one everything.
Result<Selector> selector_of(const std::optional<meta_v1::LabelSelector>& selector);

/// LabelSelectorHasInvalidLabelValue: some matchExpressions value is not a label value
/// (an object stored before the rule existed keeps being accepted on update).
bool has_invalid_label_value(const std::optional<meta_v1::LabelSelector>& selector);

/// The error of template labels the selector does not match, at `path` (the template's
/// metadata.labels), with the labels printed as a Go map and upstream's detail.
FieldError selector_mismatch(const std::map<std::string, std::string>& labels, const Path& path);

/// A selector as field.Error prints one (Go's `%#v` of metav1.LabelSelector):
/// `v1.LabelSelector{MatchLabels:map[string]string{"app":"web"},
/// MatchExpressions:[]v1.LabelSelectorRequirement(nil)}`; `null` when missing.
std::string go_label_selector(const std::optional<meta_v1::LabelSelector>& selector);

/// `[]int32{1, 2}`, `[]int32(nil)` when empty.
std::string go_int32_slice(const std::vector<std::int32_t>& values);

/// An optional number as field.Error prints a Go pointer to it: the number, or `null`.
std::string go_optional(const std::optional<std::int32_t>& value);
std::string go_optional(const std::optional<std::int64_t>& value);
/// An optional string: quoted, or `null`.
std::string go_optional(const std::optional<std::string>& value);

}  // namespace kubepp::api::validation

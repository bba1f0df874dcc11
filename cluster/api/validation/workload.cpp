// workload.cpp — selectors of the workload kinds, and Go's printing of their values.
#include "cluster/api/validation/workload.h"

#include "cluster/api/names.h"
#include "cluster/api/validation/core_v1.h"

namespace kubepp::api::validation {

ErrorList validate_selector(const std::optional<meta_v1::LabelSelector>& selector, const Path& path,
                            LabelSelectorValidationOptions options) {
  return validate_label_selector(selector ? &*selector : nullptr, path, options);
}

Result<Selector> selector_of(const std::optional<meta_v1::LabelSelector>& selector) {
  return label_selector_as_selector(selector ? &*selector : nullptr);
}

bool has_invalid_label_value(const std::optional<meta_v1::LabelSelector>& selector) {
  if (!selector) return false;
  for (const meta_v1::LabelSelectorRequirement& r : selector->matchExpressions) {
    for (const std::string& v : r.values) {
      if (!is_valid_label_value(v).empty()) return true;
    }
  }
  return false;
}

FieldError selector_mismatch(const std::map<std::string, std::string>& labels, const Path& path) {
  return invalid(path, go_string_map(labels), "`selector` does not match template `labels`");
}

std::string go_label_selector(const std::optional<meta_v1::LabelSelector>& selector) {
  if (!selector) return "null";
  std::string out = "v1.LabelSelector{MatchLabels:" + go_string_map(selector->matchLabels) + ", MatchExpressions:";
  if (selector->matchExpressions.empty()) return out + "[]v1.LabelSelectorRequirement(nil)}";
  out += "[]v1.LabelSelectorRequirement{";
  for (size_t i = 0; i < selector->matchExpressions.size(); i++) {
    const meta_v1::LabelSelectorRequirement& r = selector->matchExpressions[i];
    out += (i ? ", " : "") + std::string("v1.LabelSelectorRequirement{Key:") + quoted(r.key) +
           ", Operator:" + quoted(r.operator_) + ", Values:" + go_slice("string", r.values) + "}";
  }
  return out + "}}";
}

std::string go_int32_slice(const std::vector<std::int32_t>& values) {
  if (values.empty()) return "[]int32(nil)";
  std::string out = "[]int32{";
  for (size_t i = 0; i < values.size(); i++) out += (i ? ", " : "") + std::to_string(values[i]);
  return out + "}";
}

std::string go_optional(const std::optional<std::int32_t>& value) { return value ? std::to_string(*value) : "null"; }
std::string go_optional(const std::optional<std::int64_t>& value) { return value ? std::to_string(*value) : "null"; }
std::string go_optional(const std::optional<std::string>& value) { return value ? quoted(*value) : "null"; }

}  // namespace kubepp::api::validation

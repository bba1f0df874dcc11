// label_selector.cpp — validating LabelSelector objects and turning them into selectors.
#include "cluster/api/label_selector.h"

#include "cluster/api/names.h"

namespace kubepp::api {

ErrorList validate_label_selector(const LabelSelector* selector, const Path& path,
                                  LabelSelectorValidationOptions options) {
  ErrorList errs;
  if (selector == nullptr) return errs;
  errs = validate_labels(selector->matchLabels, path.child("matchLabels"));
  Path expressions = path.child("matchExpressions");
  for (size_t i = 0; i < selector->matchExpressions.size(); i++) {
    for (FieldError& e : validate_label_selector_requirement(selector->matchExpressions[i], expressions.index(i), options)) {
      errs.push_back(std::move(e));
    }
  }
  return errs;
}

ErrorList validate_label_selector_requirement(const LabelSelectorRequirement& requirement, const Path& path,
                                              LabelSelectorValidationOptions options) {
  ErrorList errs;
  const std::string& op = requirement.operator_;
  if (op == kLabelSelectorOpIn || op == kLabelSelectorOpNotIn) {
    if (requirement.values.empty()) {
      errs.push_back(required(path.child("values"), "must be specified when `operator` is 'In' or 'NotIn'"));
    }
  } else if (op == kLabelSelectorOpExists || op == kLabelSelectorOpDoesNotExist) {
    if (!requirement.values.empty()) {
      errs.push_back(forbidden(path.child("values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
    }
  } else {
    errs.push_back(invalid(path.child("operator"), quoted(op), "not a valid selector operator"));
  }
  for (FieldError& e : validate_label_name(requirement.key, path.child("key"))) errs.push_back(std::move(e));
  if (!options.allow_invalid_label_value_in_selector) {
    for (size_t i = 0; i < requirement.values.size(); i++) {
      for (std::string& msg : is_valid_label_value(requirement.values[i])) {
        errs.push_back(invalid(path.child("values").index(i), quoted(requirement.values[i]), std::move(msg)));
      }
    }
  }
  return errs;
}

Result<Selector> label_selector_as_selector(const LabelSelector* selector) {
  if (selector == nullptr) return Selector::nothing();
  if (selector->matchLabels.empty() && selector->matchExpressions.empty()) return Selector::everything();
  std::vector<Requirement> requirements;
  // Upstream walks matchLabels as a Go map, in random order; with several bad entries
  // kubepp reports the first in key order.
  for (const auto& [key, value] : selector->matchLabels) {
    Result<Requirement> r = new_requirement(key, Operator::Equals, {value});
    if (!r) return r.error();
    requirements.push_back(std::move(r).value());
  }
  for (const LabelSelectorRequirement& expr : selector->matchExpressions) {
    Operator op;
    if (expr.operator_ == kLabelSelectorOpIn) {
      op = Operator::In;
    } else if (expr.operator_ == kLabelSelectorOpNotIn) {
      op = Operator::NotIn;
    } else if (expr.operator_ == kLabelSelectorOpExists) {
      op = Operator::Exists;
    } else if (expr.operator_ == kLabelSelectorOpDoesNotExist) {
      op = Operator::DoesNotExist;
    } else {
      return Error{ErrorCode::Invalid, quoted(expr.operator_) + " is not a valid label selector operator"};
    }
    Result<Requirement> r = new_requirement(expr.key, op, expr.values);
    if (!r) return r.error();
    requirements.push_back(std::move(r).value());
  }
  return Selector().add(std::move(requirements));
}

std::string format_label_selector(const LabelSelector* selector) {
  Result<Selector> s = label_selector_as_selector(selector);
  if (!s) return "<error>";
  std::string text = s.value().str();
  return text.empty() ? "<none>" : text;
}

}  // namespace kubepp::api

// apps_v1.cpp — the apps/v1 kinds' rules, in upstream's order and words
// (pkg/apis/apps/validation/validation.go).
#include "cluster/api/validation/apps_v1.h"

#include <limits>

#include <nlohmann/json.hpp>

#include "cluster/api/names.h"
#include "cluster/api/validation/core_v1.h"
#include "cluster/api/validation/meta.h"
#include "cluster/api/validation/pod.h"
#include "cluster/api/validation/workload.h"

namespace kubepp::api::validation {

namespace {

// The values of the strategy types and policies (apps.DeploymentStrategyType …).
constexpr std::string_view kRecreate = "Recreate";
constexpr std::string_view kRollingUpdate = "RollingUpdate";
constexpr std::string_view kOnDelete = "OnDelete";
constexpr std::string_view kOrderedReady = "OrderedReady";
constexpr std::string_view kParallel = "Parallel";
constexpr std::string_view kRetain = "Retain";
constexpr std::string_view kDelete = "Delete";
constexpr std::string_view kRestartAlways = "Always";

// The internal types hold an IntOrString by value: a missing one is the number 0.
IntOrString or_zero(const std::optional<IntOrString>& v) { return v.value_or(IntOrString{}); }

// strconv.Atoi as IntValue and getPercentValue use it, ignoring its error: the number,
// clamped to int64 when out of range, or 0 when the text is not a number.
std::int64_t atoi_or_zero(std::string_view s) {
  std::string_view digits = s;
  bool negative = false;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) {
    negative = digits[0] == '-';
    digits.remove_prefix(1);
  }
  if (digits.empty()) return 0;
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  std::int64_t n = 0;
  bool clamped = false;
  for (char c : digits) {
    if (c < '0' || c > '9') return 0;
    if (!clamped && n > (kMax - (c - '0')) / 10) clamped = true;
    if (!clamped) n = n * 10 + (c - '0');
  }
  if (clamped) return negative ? std::numeric_limits<std::int64_t>::min() : kMax;
  return negative ? -n : n;
}

// getPercentValue: the number of a valid percentage.
std::optional<std::int64_t> percent_value(const IntOrString& v) {
  if (v.is_int() || !is_valid_percent(v.str_value).empty()) return std::nullopt;
  return atoi_or_zero(std::string_view(v.str_value).substr(0, v.str_value.size() - 1));
}

// getIntOrPercentValue: the percentage's number, or the value as a number.
std::int64_t int_or_percent_value(const IntOrString& v) {
  if (std::optional<std::int64_t> p = percent_value(v)) return *p;
  return v.is_int() ? v.int_value : atoi_or_zero(v.str_value);
}

// %#v of the internal rolling-update structs. Go prints a nested non-nil pointer as its
// address; kubepp prints what it points to, as `&apps.X{…}`.
std::string go_rolling_update(const std::optional<apps_v1::RollingUpdateDeployment>& ru) {
  if (!ru) return "(*apps.RollingUpdateDeployment)(nil)";
  return "&apps.RollingUpdateDeployment{MaxUnavailable:" + go_int_or_string(or_zero(ru->maxUnavailable)) +
         ", MaxSurge:" + go_int_or_string(or_zero(ru->maxSurge)) + "}";
}
std::string go_rolling_update(const std::optional<apps_v1::RollingUpdateDaemonSet>& ru) {
  if (!ru) return "(*apps.RollingUpdateDaemonSet)(nil)";
  return "&apps.RollingUpdateDaemonSet{MaxUnavailable:" + go_int_or_string(or_zero(ru->maxUnavailable)) +
         ", MaxSurge:" + go_int_or_string(or_zero(ru->maxSurge)) + "}";
}
std::string go_stateful_rolling_update(const apps_v1::RollingUpdateStatefulSetStrategy& ru) {
  return "apps.RollingUpdateStatefulSetStrategy{Partition:" + std::to_string(ru.partition.value_or(0)) +
         ", MaxUnavailable:" +
         (ru.maxUnavailable ? "&" + go_int_or_string(*ru.maxUnavailable) : "(*intstr.IntOrString)(nil)") + "}";
}

// The selector rules of Deployments, ReplicaSets and StatefulSets: required, valid
// (strictly: these selectors always had to convert), and not empty.
ErrorList validate_required_selector(const std::optional<meta_v1::LabelSelector>& selector, std::string_view kind,
                                     const Path& path) {
  ErrorList errs;
  if (!selector) {
    errs.push_back(required(path));
    return errs;
  }
  errs = validate_selector(selector, path);
  if (selector->matchLabels.empty() && selector->matchExpressions.empty()) {
    errs.push_back(invalid(path, go_label_selector(selector), "empty selector is invalid for " + std::string(kind)));
  }
  return errs;
}

// The pod template of a Deployment or ReplicaSet, after the selector converted.
ErrorList validate_replica_set_template(const std::optional<meta_v1::LabelSelector>& selector,
                                        const core_v1::PodTemplateSpec& tmpl, const Path& path) {
  Result<Selector> sel = selector_of(selector);
  if (!sel) return {invalid(path.child("selector"), go_label_selector(selector), "invalid label selector")};
  return validate_pod_template_spec_for_replica_set(tmpl, sel.value(), path.child("template"));
}

// The rule every workload but Jobs has: restartPolicy `Always`.
ErrorList validate_restart_policy_always(const core_v1::PodSpec& spec, const Path& path) {
  if (spec.restartPolicy == kRestartAlways) return {};
  return {not_supported(path, quoted(spec.restartPolicy), {std::string(kRestartAlways)})};
}

}  // namespace

// ---- shared by the rolling updates -------------------------------------------------------

ErrorList validate_positive_int_or_percent(const IntOrString& value, const Path& path) {
  ErrorList errs;
  if (value.is_int()) return validate_nonnegative(value.int_value, path);
  for (std::string& msg : is_valid_percent(value.str_value)) {
    errs.push_back(invalid(path, go_int_or_string(value), std::move(msg)));
  }
  return errs;
}

ErrorList is_not_more_than_100_percent(const IntOrString& value, const Path& path) {
  std::optional<std::int64_t> p = percent_value(value);
  if (!p || *p <= 100) return {};
  return {invalid(path, go_int_or_string(value), "must not be greater than 100%")};
}

ErrorList validate_pod_template_spec_for_replica_set(const core_v1::PodTemplateSpec& tmpl, const Selector& selector,
                                                     const Path& path) {
  ErrorList errs;
  if (!selector.empty() && !selector.matches(tmpl.metadata.labels)) {
    errs.push_back(selector_mismatch(tmpl.metadata.labels, path.child("metadata").child("labels")));
  }
  append(errs, validate_pod_template_spec(tmpl, path));
  append(errs, validate_restart_policy_always(tmpl.spec, path.child("spec").child("restartPolicy")));
  if (tmpl.spec.activeDeadlineSeconds) {
    errs.push_back(forbidden(path.child("spec").child("activeDeadlineSeconds"),
                             "activeDeadlineSeconds in ReplicaSet is not Supported"));
  }
  return errs;
}

// ---- Deployment -----------------------------------------------------------------------

ErrorList validate_rolling_update_deployment(const apps_v1::RollingUpdateDeployment& ru, const Path& path) {
  const IntOrString max_unavailable = or_zero(ru.maxUnavailable), max_surge = or_zero(ru.maxSurge);
  ErrorList errs = validate_positive_int_or_percent(max_unavailable, path.child("maxUnavailable"));
  append(errs, validate_positive_int_or_percent(max_surge, path.child("maxSurge")));
  if (int_or_percent_value(max_unavailable) == 0 && int_or_percent_value(max_surge) == 0) {
    errs.push_back(
        invalid(path.child("maxUnavailable"), go_int_or_string(max_unavailable), "may not be 0 when `maxSurge` is 0"));
  }
  append(errs, is_not_more_than_100_percent(max_unavailable, path.child("maxUnavailable")));
  return errs;
}

ErrorList validate_deployment_strategy(const apps_v1::DeploymentStrategy& strategy, const Path& path) {
  if (strategy.type == kRecreate) {
    if (!strategy.rollingUpdate) return {};
    return {forbidden(path.child("rollingUpdate"), "may not be specified when strategy `type` is 'Recreate'")};
  }
  if (strategy.type == kRollingUpdate) {
    if (!strategy.rollingUpdate) {
      return {required(path.child("rollingUpdate"), "this should be defaulted and never be nil")};
    }
    return validate_rolling_update_deployment(*strategy.rollingUpdate, path.child("rollingUpdate"));
  }
  const std::string shown = "apps.DeploymentStrategy{Type:" + quoted(strategy.type) +
                            ", RollingUpdate:" + go_rolling_update(strategy.rollingUpdate) + "}";
  return {not_supported(path, shown, {std::string(kRecreate), std::string(kRollingUpdate)})};
}

ErrorList validate_deployment_spec(const apps_v1::DeploymentSpec& spec, const Path& path) {
  ErrorList errs = validate_nonnegative(spec.replicas.value_or(0), path.child("replicas"));
  append(errs, validate_required_selector(spec.selector, "deployment", path.child("selector")));
  append(errs, validate_replica_set_template(spec.selector, spec.template_, path));
  append(errs, validate_deployment_strategy(spec.strategy, path.child("strategy")));
  append(errs, validate_nonnegative(spec.minReadySeconds, path.child("minReadySeconds")));
  if (spec.revisionHistoryLimit) {
    append(errs, validate_nonnegative(*spec.revisionHistoryLimit, path.child("revisionHistoryLimit")));
  }
  if (spec.progressDeadlineSeconds) {
    const Path p = path.child("progressDeadlineSeconds");
    append(errs, validate_nonnegative(*spec.progressDeadlineSeconds, p));
    if (*spec.progressDeadlineSeconds <= spec.minReadySeconds) {
      errs.push_back(invalid(p, std::to_string(*spec.progressDeadlineSeconds), "must be greater than minReadySeconds"));
    }
  }
  return errs;
}

ErrorList validate_deployment(const apps_v1::Deployment& d) { return validate_deployment_spec(d.spec, Path("spec")); }

ErrorList validate_deployment_update(const apps_v1::Deployment& d, const apps_v1::Deployment& old) {
  ErrorList errs = validate_deployment_spec(d.spec, Path("spec"));
  append(errs, validate_immutable(d.spec.selector == old.spec.selector, go_label_selector(d.spec.selector),
                                         Path("spec").child("selector")));
  return errs;
}

// ---- ReplicaSet -----------------------------------------------------------------------

ErrorList validate_replica_set_spec(const apps_v1::ReplicaSetSpec& spec, const Path& path) {
  ErrorList errs = validate_nonnegative(spec.replicas.value_or(0), path.child("replicas"));
  append(errs, validate_nonnegative(spec.minReadySeconds, path.child("minReadySeconds")));
  // Upstream's message names deployments here too.
  append(errs, validate_required_selector(spec.selector, "deployment", path.child("selector")));
  append(errs, validate_replica_set_template(spec.selector, spec.template_, path));
  return errs;
}

ErrorList validate_replica_set(const apps_v1::ReplicaSet& rs) {
  return validate_replica_set_spec(rs.spec, Path("spec"));
}

ErrorList validate_replica_set_update(const apps_v1::ReplicaSet& rs, const apps_v1::ReplicaSet& old) {
  ErrorList errs = validate_replica_set_spec(rs.spec, Path("spec"));
  append(errs, validate_immutable(rs.spec.selector == old.spec.selector, go_label_selector(rs.spec.selector),
                                         Path("spec").child("selector")));
  return errs;
}

// ---- DaemonSet ------------------------------------------------------------------------

ErrorList validate_rolling_update_daemon_set(const apps_v1::RollingUpdateDaemonSet& ru, const Path& path) {
  const IntOrString max_unavailable = or_zero(ru.maxUnavailable), max_surge = or_zero(ru.maxSurge);
  ErrorList errs = validate_positive_int_or_percent(max_unavailable, path.child("maxUnavailable"));
  append(errs, validate_positive_int_or_percent(max_surge, path.child("maxSurge")));
  append(errs, is_not_more_than_100_percent(max_unavailable, path.child("maxUnavailable")));
  append(errs, is_not_more_than_100_percent(max_surge, path.child("maxSurge")));
  const bool has_unavailable = int_or_percent_value(max_unavailable) != 0;
  const bool has_surge = int_or_percent_value(max_surge) != 0;
  if (has_unavailable && has_surge) {
    errs.push_back(
        invalid(path.child("maxSurge"), go_int_or_string(max_surge), "may not be set when maxUnavailable is non-zero"));
  } else if (!has_unavailable && !has_surge) {
    errs.push_back(required(path.child("maxUnavailable"), "cannot be 0 when maxSurge is 0"));
  }
  return errs;
}

ErrorList validate_daemon_set_update_strategy(const apps_v1::DaemonSetUpdateStrategy& strategy, const Path& path) {
  if (strategy.type == kOnDelete) return {};
  if (strategy.type == kRollingUpdate) {
    if (!strategy.rollingUpdate) return {required(path.child("rollingUpdate"))};
    return validate_rolling_update_daemon_set(*strategy.rollingUpdate, path.child("rollingUpdate"));
  }
  const std::string shown = "apps.DaemonSetUpdateStrategy{Type:" + quoted(strategy.type) +
                            ", RollingUpdate:" + go_rolling_update(strategy.rollingUpdate) + "}";
  return {not_supported(path, shown, {std::string(kRollingUpdate), std::string(kOnDelete)})};
}

ErrorList validate_daemon_set_spec(const apps_v1::DaemonSetSpec& spec, const Path& path,
                                   bool allow_invalid_label_value_in_selector) {
  ErrorList errs = validate_selector(spec.selector, path.child("selector"),
                                     {.allow_invalid_label_value_in_selector = allow_invalid_label_value_in_selector});
  // No Required error for a missing selector here: it matches nothing, so the template's
  // labels are reported instead.
  Result<Selector> sel = selector_of(spec.selector);
  if (sel && !sel.value().matches(spec.template_.metadata.labels)) {
    errs.push_back(
        selector_mismatch(spec.template_.metadata.labels, path.child("template").child("metadata").child("labels")));
  }
  if (spec.selector && spec.selector->matchLabels.empty() && spec.selector->matchExpressions.empty()) {
    errs.push_back(
        invalid(path.child("selector"), go_label_selector(spec.selector), "empty selector is invalid for daemonset"));
  }
  const Path tmpl = path.child("template");
  append(errs, validate_pod_template_spec(spec.template_, tmpl));
  append(errs, validate_restart_policy_always(spec.template_.spec, tmpl.child("spec").child("restartPolicy")));
  if (spec.template_.spec.activeDeadlineSeconds) {
    errs.push_back(forbidden(tmpl.child("spec").child("activeDeadlineSeconds"),
                             "activeDeadlineSeconds in DaemonSet is not Supported"));
  }
  append(errs, validate_nonnegative(spec.minReadySeconds, path.child("minReadySeconds")));
  append(errs, validate_daemon_set_update_strategy(spec.updateStrategy, path.child("updateStrategy")));
  if (spec.revisionHistoryLimit) {
    append(errs, validate_nonnegative(*spec.revisionHistoryLimit, path.child("revisionHistoryLimit")));
  }
  return errs;
}

ErrorList validate_daemon_set(const apps_v1::DaemonSet& ds) { return validate_daemon_set_spec(ds.spec, Path("spec")); }

ErrorList validate_daemon_set_update(const apps_v1::DaemonSet& ds, const apps_v1::DaemonSet& old) {
  // A selector stored before the label-value rule existed stays acceptable.
  ErrorList errs = validate_daemon_set_spec(ds.spec, Path("spec"), has_invalid_label_value(old.spec.selector));
  append(errs, validate_immutable(ds.spec.selector == old.spec.selector, go_label_selector(ds.spec.selector),
                                         Path("spec").child("selector")));
  return errs;
}

// ---- StatefulSet ----------------------------------------------------------------------

namespace {

ErrorList validate_stateful_set_update_strategy(const apps_v1::StatefulSetUpdateStrategy& strategy, const Path& path) {
  ErrorList errs;
  if (strategy.type.empty()) {
    errs.push_back(required(path));
  } else if (strategy.type == kOnDelete) {
    if (strategy.rollingUpdate) {
      errs.push_back(invalid(path.child("rollingUpdate"), go_stateful_rolling_update(*strategy.rollingUpdate),
                             "only allowed for updateStrategy 'RollingUpdate'"));
    }
  } else if (strategy.type == kRollingUpdate) {
    if (strategy.rollingUpdate) {
      const Path ru = path.child("rollingUpdate");
      append(errs, validate_nonnegative(strategy.rollingUpdate->partition.value_or(0), ru.child("partition")));
      if (const std::optional<IntOrString>& mu = strategy.rollingUpdate->maxUnavailable) {
        append(errs, validate_positive_int_or_percent(*mu, ru.child("maxUnavailable")));
        if (int_or_percent_value(*mu) == 0) {
          errs.push_back(invalid(ru.child("maxUnavailable"), go_int_or_string(*mu), "cannot be 0"));
        }
        append(errs, is_not_more_than_100_percent(*mu, ru.child("maxUnavailable")));
      }
    }
  } else {
    const std::string shown = "apps.StatefulSetUpdateStrategy{Type:" + quoted(strategy.type) + ", RollingUpdate:" +
                              (strategy.rollingUpdate ? "&" + go_stateful_rolling_update(*strategy.rollingUpdate)
                                                      : "(*apps.RollingUpdateStatefulSetStrategy)(nil)") +
                              "}";
    errs.push_back(invalid(path, shown, "must be 'RollingUpdate' or 'OnDelete'"));
  }
  return errs;
}

ErrorList validate_retention_policy_type(const std::string& policy, const Path& path) {
  if (policy == kRetain || policy == kDelete) return {};
  return {not_supported(path, quoted(policy), {std::string(kRetain), std::string(kDelete)})};
}

// ValidatePodTemplateSpecForStatefulSet: the labels match, and the template's labels and
// annotations (reported at spec.template.labels, not metadata.labels, as upstream does).
ErrorList validate_stateful_set_template(const core_v1::PodTemplateSpec& tmpl, const Selector& selector,
                                         const Path& path) {
  ErrorList errs;
  if (!selector.empty() && !selector.matches(tmpl.metadata.labels)) {
    errs.push_back(selector_mismatch(tmpl.metadata.labels, path.child("metadata").child("labels")));
  }
  append(errs, validate_labels(tmpl.metadata.labels, path.child("labels")));
  append(errs, validate_annotations(tmpl.metadata.annotations, path.child("annotations")));
  return errs;
}

}  // namespace

ErrorList validate_stateful_set_spec(const apps_v1::StatefulSetSpec& spec, const Path& path,
                                     bool allow_invalid_service_name) {
  ErrorList errs;
  const Path pmp = path.child("podManagementPolicy");
  if (spec.podManagementPolicy.empty()) {
    errs.push_back(required(pmp));
  } else if (spec.podManagementPolicy != kOrderedReady && spec.podManagementPolicy != kParallel) {
    errs.push_back(invalid(pmp, quoted(spec.podManagementPolicy), "must be 'OrderedReady' or 'Parallel'"));
  }
  append(errs, validate_stateful_set_update_strategy(spec.updateStrategy, path.child("updateStrategy")));
  if (const auto& policy = spec.persistentVolumeClaimRetentionPolicy) {
    const Path p = path.child("persistentVolumeClaimRetentionPolicy");
    append(errs, validate_retention_policy_type(policy->whenDeleted, p.child("whenDeleted")));
    append(errs, validate_retention_policy_type(policy->whenScaled, p.child("whenScaled")));
  }
  append(errs, validate_nonnegative(spec.replicas.value_or(0), path.child("replicas")));
  append(errs, validate_nonnegative(spec.minReadySeconds, path.child("minReadySeconds")));
  if (spec.ordinals) append(errs, validate_nonnegative(spec.ordinals->start, path.child("ordinals.start")));
  if (!spec.serviceName.empty() && !allow_invalid_service_name) {
    for (std::string& msg : is_dns1123_label(spec.serviceName)) {
      errs.push_back(invalid(path.child("serviceName"), quoted(spec.serviceName), std::move(msg)));
    }
  }
  append(errs, validate_required_selector(spec.selector, "statefulset", path.child("selector")));
  Result<Selector> sel = selector_of(spec.selector);
  if (!sel) {
    errs.push_back(invalid(path.child("selector"), go_label_selector(spec.selector), ""));
  } else {
    append(errs, validate_stateful_set_template(spec.template_, sel.value(), path.child("template")));
  }
  const Path tmpl_spec = path.child("template").child("spec");
  append(errs, validate_restart_policy_always(spec.template_.spec, tmpl_spec.child("restartPolicy")));
  if (spec.template_.spec.activeDeadlineSeconds) {
    errs.push_back(
        forbidden(tmpl_spec.child("activeDeadlineSeconds"), "activeDeadlineSeconds in StatefulSet is not Supported"));
  }
  return errs;
}

ErrorList validate_stateful_set(const apps_v1::StatefulSet& sts) {
  return validate_stateful_set_spec(sts.spec, Path("spec"));
}

ErrorList validate_stateful_set_update(const apps_v1::StatefulSet& sts, const apps_v1::StatefulSet& old) {
  // A serviceName stored before the DNS-label rule existed stays acceptable.
  const bool old_name_invalid = !old.spec.serviceName.empty() && !is_dns1123_label(old.spec.serviceName).empty();
  ErrorList errs = validate_stateful_set_spec(sts.spec, Path("spec"), old_name_invalid);
  apps_v1::StatefulSetSpec rest = sts.spec;
  rest.replicas = old.spec.replicas;
  rest.template_ = old.spec.template_;
  rest.updateStrategy = old.spec.updateStrategy;
  rest.minReadySeconds = old.spec.minReadySeconds;
  rest.ordinals = old.spec.ordinals;
  rest.persistentVolumeClaimRetentionPolicy = old.spec.persistentVolumeClaimRetentionPolicy;
  if (!(rest == old.spec)) {
    errs.push_back(forbidden(Path("spec"),
                             "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', "
                             "'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are "
                             "forbidden"));
  }
  return errs;
}

// ---- ControllerRevision ---------------------------------------------------------------

ErrorList validate_controller_revision(const apps_v1::ControllerRevision& cr) {
  ErrorList errs;
  if (cr.data.text.empty()) errs.push_back(required(Path("data"), "data is mandatory"));
  append(errs, validate_nonnegative(cr.revision, Path("revision")));
  return errs;
}

ErrorList validate_controller_revision_update(const apps_v1::ControllerRevision& cr,
                                              const apps_v1::ControllerRevision& old) {
  ErrorList errs = validate_controller_revision(cr);
  // Compared as JSON values, so that spacing and key order do not count as a change.
  // Upstream prints the new data as Go's %#v of a runtime.Unknown; kubepp prints its JSON.
  const nlohmann::json now = nlohmann::json::parse(cr.data.text, nullptr, false);
  const nlohmann::json before = nlohmann::json::parse(old.data.text, nullptr, false);
  const bool equal = now.is_discarded() || before.is_discarded() ? cr.data.text == old.data.text : now == before;
  append(errs, validate_immutable(equal, now.is_discarded() ? cr.data.text : now.dump(), Path("data")));
  return errs;
}

}  // namespace kubepp::api::validation

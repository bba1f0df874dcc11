// apps_v1.h — the rules of the apps/v1 kinds: Deployments, ReplicaSets, DaemonSets,
// StatefulSets and ControllerRevisions (upstream's ValidateDeployment, ValidateReplicaSet
// … in pkg/apis/apps/validation/validation.go, plus the selector immutability the
// registry strategies of pkg/registry/apps add on update).
//
// Every function is pure and returns the broken rules in upstream's paths and words, in
// upstream's order; an empty list means valid. The metadata is checked by rules.cpp, not
// here. Values are printed as upstream's field.Error prints them: strings quoted, numbers
// bare, Go structs as %#v writes them, e.g. for a Deployment without a selector
//   spec.selector: Required value
//   spec.template.metadata.labels: Invalid value: map[string]string{"app":"web"}:
//     `selector` does not match template `labels`
// (one line each in the API server's answer). A non-null pointer inside a struct, which
// Go prints as an address, is printed as `&apps.RollingUpdateDeployment{…}`.
//
// The pod template's own rules are pod.h's (validate_pod_template_spec). The rules see
// the object after defaulting: a Deployment's strategy.rollingUpdate, for one, is filled
// in by set_kind_defaults and reported as missing only when defaulting was skipped.
#pragma once

#include "cluster/api/field.h"
#include "cluster/api/labels.h"
#include "cluster/api/types/apps_v1.h"
#include "cluster/api/values.h"

namespace kubepp::api::validation {

// ---- shared by the rolling updates -------------------------------------------------------

/// ValidatePositiveIntOrPercent: a number >= 0, or a percentage such as "25%".
ErrorList validate_positive_int_or_percent(const IntOrString& value, const Path& path);
/// IsNotMoreThan100Percent: a percentage is at most "100%" (numbers are not checked).
ErrorList is_not_more_than_100_percent(const IntOrString& value, const Path& path);

/// ValidatePodTemplateSpecForReplicaSet, for Deployments and ReplicaSets: the template's
/// labels match `selector` (unless it is empty), the template's own rules, restartPolicy
/// `Always` and no activeDeadlineSeconds.
ErrorList validate_pod_template_spec_for_replica_set(const core_v1::PodTemplateSpec& tmpl, const Selector& selector,
                                                     const Path& path);

// ---- Deployment -----------------------------------------------------------------------

/// ValidateDeploymentSpec: replicas, the selector (required, valid, not empty, matching
/// the template), the template, strategy, minReadySeconds, revisionHistoryLimit and
/// progressDeadlineSeconds (greater than minReadySeconds).
ErrorList validate_deployment_spec(const apps_v1::DeploymentSpec& spec, const Path& path);
/// ValidateDeploymentStrategy: `Recreate` without rollingUpdate, or `RollingUpdate` with it.
ErrorList validate_deployment_strategy(const apps_v1::DeploymentStrategy& strategy, const Path& path);
/// ValidateRollingUpdateDeployment: both limits valid, not both 0, maxUnavailable at most 100%.
ErrorList validate_rolling_update_deployment(const apps_v1::RollingUpdateDeployment& ru, const Path& path);

/// ValidateDeployment (the spec; metadata is rules.cpp's).
ErrorList validate_deployment(const apps_v1::Deployment& d);
/// ValidateDeploymentUpdate and the strategy's rule that spec.selector never changes.
ErrorList validate_deployment_update(const apps_v1::Deployment& d, const apps_v1::Deployment& old);

// ---- ReplicaSet -----------------------------------------------------------------------

/// ValidateReplicaSetSpec: replicas, minReadySeconds, the selector and the template.
ErrorList validate_replica_set_spec(const apps_v1::ReplicaSetSpec& spec, const Path& path);
ErrorList validate_replica_set(const apps_v1::ReplicaSet& rs);
/// ValidateReplicaSetUpdate and the immutable selector.
ErrorList validate_replica_set_update(const apps_v1::ReplicaSet& rs, const apps_v1::ReplicaSet& old);

// ---- DaemonSet ------------------------------------------------------------------------

/// ValidateDaemonSetSpec: the selector (valid, matching, not empty), the template,
/// restartPolicy `Always`, minReadySeconds, the update strategy, revisionHistoryLimit.
ErrorList validate_daemon_set_spec(const apps_v1::DaemonSetSpec& spec, const Path& path,
                                   bool allow_invalid_label_value_in_selector = false);
/// ValidateDaemonSetUpdateStrategy: `OnDelete`, or `RollingUpdate` with rollingUpdate.
ErrorList validate_daemon_set_update_strategy(const apps_v1::DaemonSetUpdateStrategy& strategy, const Path& path);
/// ValidateRollingUpdateDaemonSet: both limits valid and at most 100%, exactly one non-zero.
ErrorList validate_rolling_update_daemon_set(const apps_v1::RollingUpdateDaemonSet& ru, const Path& path);
ErrorList validate_daemon_set(const apps_v1::DaemonSet& ds);
/// ValidateDaemonSetUpdate and the immutable selector.
ErrorList validate_daemon_set_update(const apps_v1::DaemonSet& ds, const apps_v1::DaemonSet& old);

// ---- StatefulSet ----------------------------------------------------------------------

/// ValidateStatefulSetSpec: podManagementPolicy, updateStrategy, the claim retention
/// policy, replicas, minReadySeconds, ordinals, serviceName (a DNS label), the selector
/// and the template's labels and annotations (upstream does not apply the pod rules to a
/// StatefulSet's template), restartPolicy `Always`.
ErrorList validate_stateful_set_spec(const apps_v1::StatefulSetSpec& spec, const Path& path,
                                     bool allow_invalid_service_name = false);
ErrorList validate_stateful_set(const apps_v1::StatefulSet& sts);
/// ValidateStatefulSetUpdate: only replicas, ordinals, template, updateStrategy,
/// persistentVolumeClaimRetentionPolicy and minReadySeconds may change.
ErrorList validate_stateful_set_update(const apps_v1::StatefulSet& sts, const apps_v1::StatefulSet& old);

// ---- ControllerRevision ---------------------------------------------------------------

/// ValidateControllerRevision: data is set, revision >= 0.
ErrorList validate_controller_revision(const apps_v1::ControllerRevision& cr);
/// ValidateControllerRevisionUpdate: the revision's rules, and data never changes.
ErrorList validate_controller_revision_update(const apps_v1::ControllerRevision& cr,
                                              const apps_v1::ControllerRevision& old);

}  // namespace kubepp::api::validation

namespace kubepp::api {

// The kinds' rules as rules.cpp finds them (validate_kind, validate_kind_update).

inline ErrorList validate_kind(const apps_v1::Deployment& o) { return validation::validate_deployment(o); }
inline ErrorList validate_kind_update(const apps_v1::Deployment& o, const apps_v1::Deployment& old) {
  return validation::validate_deployment_update(o, old);
}
inline ErrorList validate_kind(const apps_v1::ReplicaSet& o) { return validation::validate_replica_set(o); }
inline ErrorList validate_kind_update(const apps_v1::ReplicaSet& o, const apps_v1::ReplicaSet& old) {
  return validation::validate_replica_set_update(o, old);
}
inline ErrorList validate_kind(const apps_v1::DaemonSet& o) { return validation::validate_daemon_set(o); }
inline ErrorList validate_kind_update(const apps_v1::DaemonSet& o, const apps_v1::DaemonSet& old) {
  return validation::validate_daemon_set_update(o, old);
}
inline ErrorList validate_kind(const apps_v1::StatefulSet& o) { return validation::validate_stateful_set(o); }
inline ErrorList validate_kind_update(const apps_v1::StatefulSet& o, const apps_v1::StatefulSet& old) {
  return validation::validate_stateful_set_update(o, old);
}
inline ErrorList validate_kind(const apps_v1::ControllerRevision& o) {
  return validation::validate_controller_revision(o);
}
inline ErrorList validate_kind_update(const apps_v1::ControllerRevision& o, const apps_v1::ControllerRevision& old) {
  return validation::validate_controller_revision_update(o, old);
}

}  // namespace kubepp::api

// apps_v1.h — the conditional defaults of the apps/v1 kinds (upstream's
// SetDefaults_Deployment, SetDefaults_DaemonSet, SetDefaults_StatefulSet in
// pkg/apis/apps/v1/defaults.go): what depends on another field, such as a rolling
// update's limits, which exist only when the strategy is RollingUpdate.
//
// The unconditional defaults (replicas 1, revisionHistoryLimit 10, a Deployment's
// strategy type RollingUpdate and progressDeadlineSeconds 600, a StatefulSet's
// podManagementPolicy OrderedReady …) are the schema's and are applied before these.
// ReplicaSets and ControllerRevisions have none of their own.
#pragma once

#include "cluster/api/types/apps_v1.h"

namespace kubepp::api::defaults {

/// SetDefaults_Deployment: with strategy RollingUpdate, rollingUpdate's maxUnavailable and
/// maxSurge 25% each; then the pod template's defaults.
void set_deployment_defaults(apps_v1::Deployment& d);

/// The pod template's defaults (SetDefaults_ReplicaSet's replicas are the schema's).
void set_replica_set_defaults(apps_v1::ReplicaSet& rs);

/// SetDefaults_DaemonSet: with updateStrategy RollingUpdate, maxUnavailable 1 and maxSurge
/// 0; then the pod template's defaults.
void set_daemon_set_defaults(apps_v1::DaemonSet& ds);

/// SetDefaults_StatefulSet: updateStrategy RollingUpdate with rollingUpdate.partition 0
/// when no type is given (partition 0 also when a RollingUpdate names no partition), and
/// persistentVolumeClaimRetentionPolicy Retain/Retain; then the pod template's defaults.
/// rollingUpdate.maxUnavailable is left unset (its feature gate, MaxUnavailableStatefulSet,
/// was alpha, off by default, in 1.33).
void set_stateful_set_defaults(apps_v1::StatefulSet& sts);

}  // namespace kubepp::api::defaults

namespace kubepp::api {

// The kinds' defaults as rules.cpp finds them.

inline void set_kind_defaults(apps_v1::Deployment& o) { defaults::set_deployment_defaults(o); }
inline void set_kind_defaults(apps_v1::ReplicaSet& o) { defaults::set_replica_set_defaults(o); }
inline void set_kind_defaults(apps_v1::DaemonSet& o) { defaults::set_daemon_set_defaults(o); }
inline void set_kind_defaults(apps_v1::StatefulSet& o) { defaults::set_stateful_set_defaults(o); }

}  // namespace kubepp::api

// apps_v1.cpp — SetDefaults_Deployment, SetDefaults_DaemonSet and SetDefaults_StatefulSet,
// the parts the schema cannot express.
#include "cluster/api/defaults/apps_v1.h"

#include "cluster/api/defaults/pod.h"

namespace kubepp::api::defaults {

namespace {

constexpr const char* kRollingUpdate = "RollingUpdate";
constexpr const char* kRetain = "Retain";

}  // namespace

void set_deployment_defaults(apps_v1::Deployment& d) {
  apps_v1::DeploymentStrategy& strategy = d.spec.strategy;
  if (strategy.type.empty()) strategy.type = kRollingUpdate;
  if (strategy.type == kRollingUpdate) {
    if (!strategy.rollingUpdate) strategy.rollingUpdate.emplace();
    if (!strategy.rollingUpdate->maxUnavailable) {
      strategy.rollingUpdate->maxUnavailable = IntOrString::from_string("25%");
    }
    if (!strategy.rollingUpdate->maxSurge) strategy.rollingUpdate->maxSurge = IntOrString::from_string("25%");
  }
  set_pod_template_defaults(d.spec.template_);
}

void set_replica_set_defaults(apps_v1::ReplicaSet& rs) { set_pod_template_defaults(rs.spec.template_); }

void set_daemon_set_defaults(apps_v1::DaemonSet& ds) {
  apps_v1::DaemonSetUpdateStrategy& strategy = ds.spec.updateStrategy;
  if (strategy.type.empty()) strategy.type = kRollingUpdate;
  if (strategy.type == kRollingUpdate) {
    if (!strategy.rollingUpdate) strategy.rollingUpdate.emplace();
    if (!strategy.rollingUpdate->maxUnavailable) strategy.rollingUpdate->maxUnavailable = IntOrString::from_int(1);
    if (!strategy.rollingUpdate->maxSurge) strategy.rollingUpdate->maxSurge = IntOrString::from_int(0);
  }
  set_pod_template_defaults(ds.spec.template_);
}

void set_stateful_set_defaults(apps_v1::StatefulSet& sts) {
  apps_v1::StatefulSetUpdateStrategy& strategy = sts.spec.updateStrategy;
  if (strategy.type.empty()) {
    strategy.type = kRollingUpdate;
    if (!strategy.rollingUpdate) strategy.rollingUpdate.emplace();
  }
  if (strategy.type == kRollingUpdate && strategy.rollingUpdate && !strategy.rollingUpdate->partition) {
    strategy.rollingUpdate->partition = 0;
  }
  // The StatefulSetAutoDeletePVC gate is on (GA in 1.32).
  auto& policy = sts.spec.persistentVolumeClaimRetentionPolicy;
  if (!policy) policy.emplace();
  if (policy->whenDeleted.empty()) policy->whenDeleted = kRetain;
  if (policy->whenScaled.empty()) policy->whenScaled = kRetain;
  set_pod_template_defaults(sts.spec.template_);
}

}  // namespace kubepp::api::defaults

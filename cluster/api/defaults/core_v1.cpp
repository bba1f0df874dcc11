// core_v1.cpp — the conditional defaults of Services, ReplicationControllers, Namespaces,
// Nodes, Secrets and PersistentVolumeClaims.
#include "cluster/api/defaults/core_v1.h"

namespace kubepp::api::defaults {

namespace {

constexpr std::int32_t kDefaultClientIPServiceAffinitySeconds = 10800;

// apiservice.ExternallyAccessible.
bool externally_accessible(const core_v1::Service& s) {
  return s.spec.type == "LoadBalancer" || s.spec.type == "NodePort" ||
         (s.spec.type == "ClusterIP" && !s.spec.externalIPs.empty());
}

void set_session_affinity_defaults(core_v1::ServiceSpec& spec) {
  if (spec.sessionAffinity.empty()) spec.sessionAffinity = "None";
  if (spec.sessionAffinity == "None") spec.sessionAffinityConfig.reset();
  if (spec.sessionAffinity != "ClientIP") return;
  const auto& config = spec.sessionAffinityConfig;
  if (!config || !config->clientIP || !config->clientIP->timeoutSeconds) {
    core_v1::SessionAffinityConfig c;
    c.clientIP.emplace().timeoutSeconds = kDefaultClientIPServiceAffinitySeconds;
    spec.sessionAffinityConfig = c;
  }
}

}  // namespace

void round_up_resource_list(std::map<std::string, Quantity>& list) {
  for (auto& [name, q] : list) q.round_up(kMilli);
}

void set_service_defaults(core_v1::Service& s) {
  core_v1::ServiceSpec& spec = s.spec;
  set_session_affinity_defaults(spec);
  if (spec.type.empty()) spec.type = "ClusterIP";
  for (core_v1::ServicePort& p : spec.ports) {
    if (p.protocol.empty()) p.protocol = "TCP";
    const IntOrString& t = p.targetPort;
    if ((t.is_int() && t.int_value == 0) || (!t.is_int() && t.str_value.empty())) {
      p.targetPort = IntOrString::from_int(p.port);
    }
  }
  if (externally_accessible(s) && spec.externalTrafficPolicy.empty()) spec.externalTrafficPolicy = "Cluster";
  if (!spec.internalTrafficPolicy && (spec.type == "NodePort" || spec.type == "LoadBalancer" || spec.type == "ClusterIP")) {
    spec.internalTrafficPolicy = "Cluster";
  }
  if (spec.type == "LoadBalancer") {
    if (!spec.allocateLoadBalancerNodePorts) spec.allocateLoadBalancerNodePorts = true;
    for (core_v1::LoadBalancerIngress& ing : s.status.loadBalancer.ingress) {
      if (!ing.ip.empty() && !ing.ipMode) ing.ipMode = "VIP";
    }
  }
  // Not a default upstream: the registry's normalizeClusterIPs on create, so that an old
  // client's clusterIP alone (`clusterIP: None` for a headless service) passes validation.
  if (!spec.clusterIP.empty() && spec.clusterIPs.empty()) spec.clusterIPs = {spec.clusterIP};
}

void set_replication_controller_defaults(core_v1::ReplicationController& rc) {
  if (rc.spec.template_ && !rc.spec.template_->metadata.labels.empty()) {
    const auto& labels = rc.spec.template_->metadata.labels;
    if (rc.spec.selector.empty()) rc.spec.selector = labels;
    if (rc.metadata.labels.empty()) rc.metadata.labels = labels;
  }
  if (rc.spec.template_) set_pod_template_defaults(*rc.spec.template_);
}

void set_namespace_defaults(core_v1::Namespace& ns) {
  // A namespace named by generateName has no name yet; it gets the label once it has one.
  if (!ns.metadata.name.empty()) ns.metadata.labels["kubernetes.io/metadata.name"] = ns.metadata.name;
}

void set_node_defaults(core_v1::Node& node) {
  if (node.status.allocatable.empty()) node.status.allocatable = node.status.capacity;
  round_up_resource_list(node.status.capacity);
  round_up_resource_list(node.status.allocatable);
  core_v1::NodeSpec& spec = node.spec;
  if (spec.podCIDRs.empty() && !spec.podCIDR.empty()) spec.podCIDRs = {spec.podCIDR};
  if (!spec.podCIDRs.empty()) spec.podCIDR = spec.podCIDRs[0];
}

void set_secret_defaults(core_v1::Secret& secret) {
  for (auto& [key, value] : secret.stringData) secret.data[key] = Bytes{value};
  secret.stringData.clear();
  if (secret.type.empty()) secret.type = "Opaque";
}

void set_persistent_volume_claim_defaults(core_v1::PersistentVolumeClaim& pvc) {
  round_up_resource_list(pvc.spec.resources.limits);
  round_up_resource_list(pvc.spec.resources.requests);
  round_up_resource_list(pvc.status.capacity);
  round_up_resource_list(pvc.status.allocatedResources);
}

}  // namespace kubepp::api::defaults

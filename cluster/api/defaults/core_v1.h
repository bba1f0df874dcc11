// core_v1.h — the conditional defaults of the core group's kinds other than pods
// (upstream's SetDefaults_Service, SetDefaults_ReplicationController, SetDefaults_Namespace,
// SetDefaults_NodeStatus, SetDefaults_ResourceList in pkg/apis/core/v1/defaults.go), and the
// few normalizations upstream makes between the wire and validation (its conversions and
// registry) that kubepp makes here: a Service's clusterIP into clusterIPs, a Node's
// podCIDR into podCIDRs, a Secret's stringData into data.
//
// The unconditional defaults (a Service's type ClusterIP, a port's protocol TCP, a
// Secret's type Opaque …) are the schema's and are applied before these.
#pragma once

#include "cluster/api/defaults/pod.h"

#include <map>
#include <string>

#include "cluster/api/quantity.h"
#include "cluster/api/types/core_v1.h"

namespace kubepp::api::defaults {

/// SetDefaults_ResourceList: every quantity rounded up to a multiple of 1m ("0.1m" -> "1m").
void round_up_resource_list(std::map<std::string, Quantity>& list);

/// SetDefaults_Service: targetPort from port, session affinity config, traffic policies,
/// allocateLoadBalancerNodePorts, load-balancer ipMode; and clusterIPs from clusterIP.
void set_service_defaults(core_v1::Service& service);

/// SetDefaults_ReplicationController: selector and labels from the template's labels;
/// then the pod template's own defaults.
void set_replication_controller_defaults(core_v1::ReplicationController& rc);

/// SetDefaults_Namespace: the label kubernetes.io/metadata.name = the name.
void set_namespace_defaults(core_v1::Namespace& ns);

/// SetDefaults_NodeStatus: allocatable from capacity; quantities rounded; podCIDRs from
/// podCIDR and podCIDR from podCIDRs (upstream's conversion).
void set_node_defaults(core_v1::Node& node);

/// stringData merged over data, as upstream's conversion does on every write.
void set_secret_defaults(core_v1::Secret& secret);

/// The claim's resource lists rounded (SetDefaults_ResourceList).
void set_persistent_volume_claim_defaults(core_v1::PersistentVolumeClaim& pvc);

}  // namespace kubepp::api::defaults

namespace kubepp::api {

// The kinds' defaults as rules.cpp finds them. Endpoints, Events, ConfigMaps and
// ServiceAccounts have only schema defaults (SetDefaults_ConfigMap's empty data map is
// invisible in kubepp's types).

inline void set_kind_defaults(core_v1::Service& o) { defaults::set_service_defaults(o); }
inline void set_kind_defaults(core_v1::ReplicationController& o) { defaults::set_replication_controller_defaults(o); }
inline void set_kind_defaults(core_v1::Namespace& o) { defaults::set_namespace_defaults(o); }
inline void set_kind_defaults(core_v1::Node& o) { defaults::set_node_defaults(o); }
inline void set_kind_defaults(core_v1::Secret& o) { defaults::set_secret_defaults(o); }
inline void set_kind_defaults(core_v1::PersistentVolumeClaim& o) { defaults::set_persistent_volume_claim_defaults(o); }

}  // namespace kubepp::api

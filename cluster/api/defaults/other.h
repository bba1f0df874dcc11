// other.h — the conditional defaults of networking.k8s.io/v1 and discovery.k8s.io/v1
// kinds (upstream's SetDefaults_NetworkPolicy, SetDefaults_EndpointPort). Ingresses,
// IngressClasses (parameters.scope), Leases and PodDisruptionBudgets have only schema
// defaults.
#pragma once

#include "cluster/api/types/discovery_v1.h"
#include "cluster/api/types/networking_v1.h"

namespace kubepp::api::defaults {

/// SetDefaults_NetworkPolicy: without policyTypes, `Ingress`, plus `Egress` when there
/// are egress rules.
void set_network_policy_defaults(networking_v1::NetworkPolicy& np);

/// SetDefaults_EndpointPort: an unnamed port's name is "" (its protocol, TCP, is the
/// schema's).
void set_endpoint_slice_defaults(discovery_v1::EndpointSlice& slice);

}  // namespace kubepp::api::defaults

namespace kubepp::api {

inline void set_kind_defaults(networking_v1::NetworkPolicy& o) { defaults::set_network_policy_defaults(o); }
inline void set_kind_defaults(discovery_v1::EndpointSlice& o) { defaults::set_endpoint_slice_defaults(o); }

}  // namespace kubepp::api

// other.h — the rules of the smaller groups' kinds: networking.k8s.io/v1 (Ingress,
// IngressClass, NetworkPolicy), discovery.k8s.io/v1 (EndpointSlice),
// coordination.k8s.io/v1 (Lease) and policy/v1 (PodDisruptionBudget). Upstream:
// pkg/apis/{networking,discovery,coordination,policy}/validation/validation.go.
//
// Pure functions; an empty list means valid. Paths, words and printed values are
// upstream's (see core_v1.h).
#pragma once

#include <string_view>
#include <vector>

#include "cluster/api/field.h"
#include "cluster/api/types/coordination_v1.h"
#include "cluster/api/types/discovery_v1.h"
#include "cluster/api/types/networking_v1.h"
#include "cluster/api/types/policy_v1.h"
#include "cluster/api/values.h"

namespace kubepp::api::validation {

/// What an Ingress update may keep from its old object (IngressValidationOptions).
struct IngressValidationOptions {
  /// spec.tls[*].secretName values that are not Secret names (the old object had one).
  bool allow_invalid_secret_name = false;
  /// Invalid paths under wildcard hosts (the old object had such a rule).
  bool allow_invalid_wildcard_host_rule = false;
};

/// ValidateIngressSpec: rules or a default backend, hosts (no IPs, `*.` wildcards), paths
/// by pathType, backends (a service name and port, or a resource), TLS hosts and secrets,
/// ingressClassName.
ErrorList validate_ingress_spec(const networking_v1::IngressSpec& spec, const Path& path,
                                IngressValidationOptions options = {});
/// ValidateIngressCreate: the spec, and the `kubernetes.io/ingress.class` annotation
/// agreeing with ingressClassName.
ErrorList validate_ingress(const networking_v1::Ingress& ingress);
/// ValidateIngressUpdate: the spec, tolerating what the old object already had.
ErrorList validate_ingress_update(const networking_v1::Ingress& ingress, const networking_v1::Ingress& old);

/// ValidateIngressClass: a domain-prefixed controller of at most 250 bytes, parameters.
ErrorList validate_ingress_class(const networking_v1::IngressClass& ic);
/// ValidateIngressClassUpdate: the controller never changes.
ErrorList validate_ingress_class_update(const networking_v1::IngressClass& ic, const networking_v1::IngressClass& old);

/// ValidateNetworkPolicy: selectors, ports and port ranges, peers, ipBlocks, policyTypes.
ErrorList validate_network_policy(const networking_v1::NetworkPolicy& np);

/// ValidateEndpointSlice: addressType, 1 to 100 addresses of that type per endpoint, at
/// most 1000 endpoints, node names, hostnames, zone hints, unique port names, protocols.
ErrorList validate_endpoint_slice(const discovery_v1::EndpointSlice& slice);
/// ValidateEndpointSliceUpdate: the slice's rules; addressType never changes.
ErrorList validate_endpoint_slice_update(const discovery_v1::EndpointSlice& slice,
                                         const discovery_v1::EndpointSlice& old);

/// ValidateLease: leaseDurationSeconds > 0, leaseTransitions >= 0, strategy,
/// preferredHolder only with a strategy.
ErrorList validate_lease(const coordination_v1::Lease& lease);

/// ValidatePodDisruptionBudget: minAvailable or maxUnavailable (not both), each a
/// non-negative number or a percentage up to 100%, the selector,
/// unhealthyPodEvictionPolicy.
ErrorList validate_pod_disruption_budget(const policy_v1::PodDisruptionBudget& pdb);

/// IsDomainPrefixedPath: "acme.io/foo" — a DNS subdomain, '/', HTTP path characters.
ErrorList is_domain_prefixed_path(const Path& path, std::string_view value);

/// IsFullyQualifiedDomainName: a DNS subdomain of at least two labels, a trailing dot
/// allowed.
ErrorList is_fully_qualified_domain_name(const Path& path, std::string_view name);

}  // namespace kubepp::api::validation

namespace kubepp::api {

// The kinds' rules as rules.cpp finds them.

inline ErrorList validate_kind(const networking_v1::Ingress& o) { return validation::validate_ingress(o); }
inline ErrorList validate_kind_update(const networking_v1::Ingress& o, const networking_v1::Ingress& old) {
  return validation::validate_ingress_update(o, old);
}
inline ErrorList validate_kind(const networking_v1::IngressClass& o) { return validation::validate_ingress_class(o); }
inline ErrorList validate_kind_update(const networking_v1::IngressClass& o, const networking_v1::IngressClass& old) {
  return validation::validate_ingress_class_update(o, old);
}
inline ErrorList validate_kind(const networking_v1::NetworkPolicy& o) { return validation::validate_network_policy(o); }
inline ErrorList validate_kind(const discovery_v1::EndpointSlice& o) { return validation::validate_endpoint_slice(o); }
inline ErrorList validate_kind_update(const discovery_v1::EndpointSlice& o, const discovery_v1::EndpointSlice& old) {
  return validation::validate_endpoint_slice_update(o, old);
}
inline ErrorList validate_kind(const coordination_v1::Lease& o) { return validation::validate_lease(o); }
inline ErrorList validate_kind(const policy_v1::PodDisruptionBudget& o) {
  return validation::validate_pod_disruption_budget(o);
}

}  // namespace kubepp::api

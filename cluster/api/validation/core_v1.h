// core_v1.h — the rules of the core group's kinds other than pods: Services, Endpoints,
// Nodes, Namespaces, Events, ConfigMaps, Secrets, ReplicationControllers and
// PersistentVolumeClaims (upstream's ValidateService, ValidateNode … in
// pkg/apis/core/validation/validation.go and events.go), and the field formats they share
// with the other groups: ports, IP addresses, CIDRs, config keys (upstream's
// k8s.io/apimachinery/pkg/util/validation).
//
// Every function is pure and returns the broken rules in upstream's paths and words, in
// upstream's order; an empty list means valid. Values in messages are printed as
// upstream's field.Error prints them: strings quoted, numbers bare, Go slices and maps as
// Go's %#v writes them (`[]string{"a", "b"}`).
#pragma once

#include "cluster/api/label_selector.h"
#include "cluster/api/validation/pod.h"

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/api/field.h"
#include "cluster/api/quantity.h"
#include "cluster/api/types/core_v1.h"
#include "cluster/api/types/meta_v1.h"
#include "cluster/api/values.h"

namespace kubepp::api::validation {

// ---- field formats (util/validation) --------------------------------------------------

/// IsValidPortNum: "must be between 1 and 65535, inclusive" unless the port is in that range.
std::vector<std::string> is_valid_port_num(std::int64_t port);

// IsValidPortName (is_valid_port_name) and ValidatePortNumOrName
// (validate_port_num_or_name) are pod.h's.

/// IsConfigMapKey: the key of a ConfigMap's or Secret's data: at most 253 of
/// `[-._a-zA-Z0-9]`, and not `.`, `..` nor starting with `..`.
std::vector<std::string> is_config_map_key(std::string_view key);

/// IsValidPercent: digits followed by '%' ("25%").
std::vector<std::string> is_valid_percent(std::string_view percent);

/// IsWildcardDNS1123Subdomain: `*.` followed by a DNS subdomain ("*.example.com").
std::vector<std::string> is_wildcard_dns1123_subdomain(std::string_view value);

/// An IP address as Go's net.IP holds it: always 16 bytes, an IPv4 address in its
/// IPv4-mapped form: ten zero bytes, two 0xff bytes, then the four of the address.
struct IPAddress {
  std::array<std::uint8_t, 16> bytes{};
  /// True when the address is IPv4 or IPv4-mapped (Go's To4() != nil).
  bool is_v4() const;
  bool operator==(const IPAddress&) const = default;
};

/// A parsed CIDR, as Go's net.ParseCIDR returns it: the address as written and the
/// network (`bits` is 32 for an IPv4 CIDR, 128 for an IPv6 one).
struct IPNet {
  IPAddress ip;       // the address as written ("10.1.2.3" in "10.1.2.3/8")
  IPAddress network;  // ip with the bits past the prefix cleared
  int ones = 0;       // the prefix length
  int bits = 0;       // 32 or 128
  /// IPNet.Contains: whether `addr` lies in the network (an IPv4 network never contains
  /// an IPv6 address, nor the other way round).
  bool contains(const IPAddress& addr) const;
};

/// netutils.ParseIPSloppy: dotted IPv4 (leading zeros allowed, read as decimal) or IPv6
/// (with "::" and a trailing dotted IPv4); nothing for anything else.
std::optional<IPAddress> parse_ip_sloppy(std::string_view text);

/// netutils.ParseCIDRSloppy: an address, a slash and a prefix length ("10.0.0.0/8").
std::optional<IPNet> parse_cidr_sloppy(std::string_view text);

/// IsValidIP: `must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)`.
ErrorList is_valid_ip(const Path& path, std::string_view value);
/// IsValidIPv4Address: "must be a valid IPv4 address".
ErrorList is_valid_ipv4_address(const Path& path, std::string_view value);
/// IsValidIPv6Address: "must be a valid IPv6 address".
ErrorList is_valid_ipv6_address(const Path& path, std::string_view value);
/// IsValidCIDR: `must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)`.
ErrorList is_valid_cidr(const Path& path, std::string_view value);

/// ValidateNonSpecialIP (ValidateEndpointIP): an address that can be routed to — not
/// unspecified, loopback, link-local or link-local multicast.
ErrorList validate_non_special_ip(std::string_view ip, const Path& path);

/// ValidateDNS1123Label, ValidateDNS1123Subdomain and ValidateQualifiedName: one
/// `Invalid value` per message of names.h's rule.
ErrorList validate_dns1123_label(std::string_view value, const Path& path);
ErrorList validate_dns1123_subdomain(std::string_view value, const Path& path);
ErrorList validate_qualified_name(std::string_view value, const Path& path);

/// ValidateResourceQuantityValue: not negative, and whole for integer resources (`pods`,
/// `services` …, extended resources such as `example.com/gpu`).
ErrorList validate_resource_quantity_value(std::string_view resource, const Quantity& value, const Path& path);

// ---- printing Go values as field.Error does (%#v) --------------------------------------

/// `[]string{"a", "b"}` for `type` "string"; `[]string(nil)` when empty.
std::string go_slice(std::string_view type, const std::vector<std::string>& values);
/// `map[string]string{"a":"b"}`, keys sorted; `map[string]string(nil)` when empty.
std::string go_string_map(const std::map<std::string, std::string>& values);
/// `intstr.IntOrString{Type:1, IntVal:0, StrVal:"25%"}`.
std::string go_int_or_string(const IntOrString& value);

// ---- the kinds ----------------------------------------------------------------------

/// ValidateService: ports, type, cluster IPs and families, session affinity, external
/// IPs, source ranges, node ports, traffic policies, load-balancer class.
ErrorList validate_service(const core_v1::Service& service);
/// ValidateServiceUpdate: the service's rules, and cluster IPs, IP families,
/// loadBalancerClass and healthCheckNodePort that may not change.
ErrorList validate_service_update(const core_v1::Service& service, const core_v1::Service& old);

/// ValidateEndpoints: every subset has addresses, valid IPs, ports and names.
ErrorList validate_endpoints(const core_v1::Endpoints& endpoints);

/// ValidateNode: taints (reported under metadata.taints, as upstream does), pod CIDRs,
/// capacity and allocatable.
ErrorList validate_node(const core_v1::Node& node);
/// ValidateNodeUpdate: podCIDRs and providerID may only be set once, externalID never
/// changes, addresses are unique.
ErrorList validate_node_update(const core_v1::Node& node, const core_v1::Node& old);

/// ValidateNamespace: the finalizers in spec.
ErrorList validate_namespace(const core_v1::Namespace& ns);
/// ValidateNamespaceStatusUpdate (the status subresource): the phase is `Active` until
/// deletionTimestamp is set, `Terminating` after.
ErrorList validate_namespace_status_update(const core_v1::Namespace& ns, const core_v1::Namespace& old);

/// ValidateEventCreate for core/v1 (upstream's legacyValidateEvent): the involved
/// object's namespace, and for events with eventTime the reporting fields, action and
/// reason.
ErrorList validate_event(const core_v1::Event& event);

/// ValidateConfigMap: keys, keys in both data and binaryData, total size at most 1 MiB.
ErrorList validate_config_map(const core_v1::ConfigMap& cm);
/// ValidateConfigMapUpdate: an immutable ConfigMap keeps immutable, data and binaryData.
ErrorList validate_config_map_update(const core_v1::ConfigMap& cm, const core_v1::ConfigMap& old);

/// ValidateSecret: keys, total size, and the keys each secret type requires.
ErrorList validate_secret(const core_v1::Secret& secret);
/// ValidateSecretUpdate: type never changes; an immutable Secret keeps immutable and data.
ErrorList validate_secret_update(const core_v1::Secret& secret, const core_v1::Secret& old);

/// ValidateReplicationController: minReadySeconds, a non-empty selector, replicas, and a
/// template whose labels the selector matches (the template's own rules are pod.h's).
ErrorList validate_replication_controller(const core_v1::ReplicationController& rc);

/// ValidatePersistentVolumeClaim: access modes, storage request, class names, volume mode,
/// selector and data sources.
ErrorList validate_persistent_volume_claim(const core_v1::PersistentVolumeClaim& pvc);
/// ValidatePersistentVolumeClaimUpdate: the spec is immutable except volumeName (once),
/// and the storage request and volumeAttributesClassName of a bound claim.
ErrorList validate_persistent_volume_claim_update(const core_v1::PersistentVolumeClaim& pvc,
                                                  const core_v1::PersistentVolumeClaim& old);

}  // namespace kubepp::api::validation

namespace kubepp::api {

// The kinds' rules as rules.cpp finds them (validate_kind, validate_kind_update).
// ServiceAccount has none of its own: upstream validates only its metadata.

inline ErrorList validate_kind(const core_v1::Service& o) { return validation::validate_service(o); }
inline ErrorList validate_kind_update(const core_v1::Service& o, const core_v1::Service& old) {
  return validation::validate_service_update(o, old);
}
inline ErrorList validate_kind(const core_v1::Endpoints& o) { return validation::validate_endpoints(o); }
inline ErrorList validate_kind(const core_v1::Node& o) { return validation::validate_node(o); }
inline ErrorList validate_kind_update(const core_v1::Node& o, const core_v1::Node& old) {
  return validation::validate_node_update(o, old);
}
inline ErrorList validate_kind(const core_v1::Namespace& o) { return validation::validate_namespace(o); }
/// ValidateNamespaceUpdate checks nothing beyond the metadata.
inline ErrorList validate_kind_update(const core_v1::Namespace&, const core_v1::Namespace&) { return {}; }
inline ErrorList validate_kind(const core_v1::Event& o) { return validation::validate_event(o); }
inline ErrorList validate_kind(const core_v1::ConfigMap& o) { return validation::validate_config_map(o); }
inline ErrorList validate_kind_update(const core_v1::ConfigMap& o, const core_v1::ConfigMap& old) {
  return validation::validate_config_map_update(o, old);
}
inline ErrorList validate_kind(const core_v1::Secret& o) { return validation::validate_secret(o); }
inline ErrorList validate_kind_update(const core_v1::Secret& o, const core_v1::Secret& old) {
  return validation::validate_secret_update(o, old);
}
inline ErrorList validate_kind(const core_v1::ReplicationController& o) {
  return validation::validate_replication_controller(o);
}
inline ErrorList validate_kind(const core_v1::PersistentVolumeClaim& o) {
  return validation::validate_persistent_volume_claim(o);
}
inline ErrorList validate_kind_update(const core_v1::PersistentVolumeClaim& o, const core_v1::PersistentVolumeClaim& old) {
  return validation::validate_persistent_volume_claim_update(o, old);
}

}  // namespace kubepp::api

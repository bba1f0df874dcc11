// other.cpp — the rules of Ingresses, IngressClasses, NetworkPolicies, EndpointSlices,
// Leases and PodDisruptionBudgets, in upstream's order and words.
#include "cluster/api/validation/other.h"

#include <algorithm>
#include <set>
#include <utility>

#include "cluster/api/names.h"
#include "cluster/api/validation/apps_v1.h"
#include "cluster/api/validation/core_v1.h"
#include "cluster/api/validation/meta.h"

namespace kubepp::api::validation {

namespace {

ErrorList messages(const std::vector<std::string>& msgs, const Path& path, const std::string& shown) {
  ErrorList errs;
  for (const std::string& m : msgs) errs.push_back(invalid(path, shown, m));
  return errs;
}

bool contains(const std::vector<std::string>& set, std::string_view value) {
  return std::find(set.begin(), set.end(), value) != set.end();
}

// IsValidPathSegmentName: an object name that can stand in a URL path.
std::vector<std::string> is_path_segment_name(std::string_view name) {
  if (name == "." || name == "..") return {"may not be '" + std::string(name) + "'"};
  std::vector<std::string> errs;
  if (name.find('/') != std::string_view::npos) errs.push_back("may not contain '/'");
  if (name.find('%') != std::string_view::npos) errs.push_back("may not contain '%'");
  return errs;
}

// Kind and name of a reference to another object, both required path segments.
ErrorList validate_kind_and_name(const std::string& kind, const std::string& name, const Path& path) {
  ErrorList errs;
  if (kind.empty()) {
    errs.push_back(required(path.child("kind")));
  } else {
    append(errs, messages(is_path_segment_name(kind), path.child("kind"), quoted(kind)));
  }
  if (name.empty()) {
    errs.push_back(required(path.child("name")));
  } else {
    append(errs, messages(is_path_segment_name(name), path.child("name"), quoted(name)));
  }
  return errs;
}

ErrorList validate_api_group(const std::optional<std::string>& group, const Path& path) {
  if (!group) return {};
  return validate_dns1123_subdomain(*group, path);
}

// ---- Ingress --------------------------------------------------------------------------

ErrorList validate_ingress_backend(const networking_v1::IngressBackend& b, const Path& path) {
  if (b.resource && b.service) return {invalid(path, quoted(""), "cannot set both resource and service backends")};
  if (b.resource) {
    ErrorList errs = validate_api_group(b.resource->apiGroup, path.child("resource").child("apiGroup"));
    append(errs, validate_kind_and_name(b.resource->kind, b.resource->name, path.child("resource")));
    return errs;
  }
  if (!b.service) return {invalid(path, quoted(""), "resource or service backend is required")};
  ErrorList errs;
  const networking_v1::IngressServiceBackend& svc = *b.service;
  const Path service = path.child("service");
  if (svc.name.empty()) {
    errs.push_back(required(service.child("name")));
  } else {
    append(errs, messages(name_is_dns1035_label(svc.name, false), service.child("name"), quoted(svc.name)));
  }
  const bool has_name = !svc.port.name.empty(), has_number = svc.port.number != 0;
  if (has_name && has_number) {
    errs.push_back(invalid(path, quoted(""), "cannot set both port name & port number"));
  } else if (has_name) {
    append(errs, messages(is_valid_port_name(svc.port.name), service.child("port").child("name"), quoted(svc.port.name)));
  } else if (has_number) {
    append(errs, messages(is_valid_port_num(svc.port.number), service.child("port").child("number"),
                          std::to_string(svc.port.number)));
  } else {
    errs.push_back(required(path, "port name or number is required"));
  }
  return errs;
}

ErrorList validate_ingress_path_value(const std::string& p, const std::string& type, const Path& path) {
  ErrorList errs;
  const bool absolute = !p.empty() && p.front() == '/';
  if (type == "Exact" || type == "Prefix") {
    if (!absolute) errs.push_back(invalid(path, quoted(p), "must be an absolute path"));
    for (const char* seq : {"//", "/./", "/../", "%2f", "%2F"}) {
      if (p.find(seq) != std::string::npos) {
        errs.push_back(invalid(path, quoted(p), "must not contain '" + std::string(seq) + "'"));
      }
    }
    for (std::string_view suffix : {"/..", "/."}) {
      if (p.size() >= suffix.size() && p.compare(p.size() - suffix.size(), suffix.size(), suffix) == 0) {
        errs.push_back(invalid(path, quoted(p), "cannot end with '" + std::string(suffix) + "'"));
      }
    }
  } else if (!p.empty() && !absolute) {  // ImplementationSpecific
    errs.push_back(invalid(path, quoted(p), "must be an absolute path"));
  }
  return errs;
}

ErrorList validate_http_ingress_path(const networking_v1::HTTPIngressPath& p, const Path& path) {
  if (!p.pathType) return {required(path.child("pathType"), "pathType must be specified")};
  ErrorList errs;
  const std::string& type = *p.pathType;
  if (type == "Exact" || type == "Prefix" || type == "ImplementationSpecific") {
    errs = validate_ingress_path_value(p.path, type, path.child("path"));
  } else {
    errs.push_back(not_supported(path.child("pathType"), quoted(type), {"Exact", "ImplementationSpecific", "Prefix"}));
  }
  append(errs, validate_ingress_backend(p.backend, path.child("backend")));
  return errs;
}

ErrorList validate_ingress_rule_value(const networking_v1::IngressRuleValue& rule, const Path& path) {
  if (!rule.http) return {};
  ErrorList errs;
  const Path paths = path.child("http").child("paths");
  if (rule.http->paths.empty()) errs.push_back(required(paths));
  for (size_t i = 0; i < rule.http->paths.size(); i++) {
    append(errs, validate_http_ingress_path(rule.http->paths[i], paths.index(i)));
  }
  return errs;
}

ErrorList validate_ingress_rules(const std::vector<networking_v1::IngressRule>& rules, const Path& path,
                                 const IngressValidationOptions& options) {
  ErrorList errs;
  for (size_t i = 0; i < rules.size(); i++) {
    const std::string& host = rules[i].host;
    const Path host_path = path.index(i).child("host");
    bool wildcard = false;
    if (!host.empty()) {
      if (parse_ip_sloppy(host)) errs.push_back(invalid(host_path, quoted(host), "must be a DNS name, not an IP address"));
      wildcard = host.find('*') != std::string::npos;
      append(errs, messages(wildcard ? is_wildcard_dns1123_subdomain(host) : is_dns1123_subdomain(host), host_path,
                            quoted(host)));
    }
    if (!wildcard || !options.allow_invalid_wildcard_host_rule) {
      append(errs, validate_ingress_rule_value(rules[i], path.index(i)));
    }
  }
  return errs;
}

std::vector<std::string> tls_secret_name_errors(const std::string& name) {
  if (name.empty()) return {};
  return name_is_dns_subdomain(name, false);
}

ErrorList validate_ingress_tls(const std::vector<networking_v1::IngressTLS>& tls, const Path& path,
                               const IngressValidationOptions& options) {
  ErrorList errs;
  for (size_t i = 0; i < tls.size(); i++) {
    for (size_t j = 0; j < tls[i].hosts.size(); j++) {
      const std::string& host = tls[i].hosts[j];
      const bool wildcard = host.find('*') != std::string::npos;
      append(errs, messages(wildcard ? is_wildcard_dns1123_subdomain(host) : is_dns1123_subdomain(host),
                            path.index(i).child("hosts").index(j), quoted(host)));
    }
    if (!options.allow_invalid_secret_name) {
      append(errs, messages(tls_secret_name_errors(tls[i].secretName), path.index(i).child("secretName"),
                            quoted(tls[i].secretName)));
    }
  }
  return errs;
}

// The options an update gets from the object it replaces.
IngressValidationOptions ingress_update_options(const networking_v1::Ingress& old) {
  IngressValidationOptions options;
  for (const networking_v1::IngressTLS& t : old.spec.tls) {
    if (!tls_secret_name_errors(t.secretName).empty()) options.allow_invalid_secret_name = true;
  }
  for (const networking_v1::IngressRule& r : old.spec.rules) {
    if (r.host.find('*') != std::string::npos && !validate_ingress_rule_value(r, Path()).empty()) {
      options.allow_invalid_wildcard_host_rule = true;
    }
  }
  return options;
}

// ---- IngressClass ---------------------------------------------------------------------

constexpr std::size_t kMaxLenIngressClassController = 250;

ErrorList validate_ingress_class_parameters(const networking_v1::IngressClassParametersReference& p, const Path& path) {
  ErrorList errs = validate_api_group(p.apiGroup, path.child("apiGroup"));
  append(errs, validate_kind_and_name(p.kind, p.name, path));
  if (!p.scope) {
    errs.push_back(required(path.child("scope")));
    return errs;
  }
  const std::string& scope = *p.scope;
  if (scope != "Cluster" && scope != "Namespace") {
    errs.push_back(not_supported(path.child("scope"), quoted(scope), {"Cluster", "Namespace"}));
  } else if (scope == "Namespace") {
    if (!p.namespace_) {
      errs.push_back(required(path.child("namespace"), "`parameters.scope` is set to 'Namespace'"));
    } else {
      append(errs, messages(name_is_dns_label(*p.namespace_, false), path.child("namespace"), quoted(*p.namespace_)));
    }
  } else if (p.namespace_) {
    errs.push_back(forbidden(path.child("namespace"), "`parameters.scope` is set to 'Cluster'"));
  }
  return errs;
}

// ---- NetworkPolicy --------------------------------------------------------------------

ErrorList validate_network_policy_port(const networking_v1::NetworkPolicyPort& port, const Path& path) {
  ErrorList errs;
  if (port.protocol && !contains({"TCP", "UDP", "SCTP"}, *port.protocol)) {
    errs.push_back(not_supported(path.child("protocol"), quoted(*port.protocol), {"TCP", "UDP", "SCTP"}));
  }
  const Path end = path.child("endPort");
  if (!port.port) {
    if (port.endPort) {
      errs.push_back(invalid(end, std::to_string(*port.endPort), "may not be specified when `port` is not specified"));
    }
    return errs;
  }
  if (port.port->is_int()) {
    const std::int32_t p = port.port->int_value;
    append(errs, messages(is_valid_port_num(p), path.child("port"), std::to_string(p)));
    if (port.endPort) {
      if (*port.endPort < p) {
        errs.push_back(invalid(end, std::to_string(*port.endPort), "must be greater than or equal to `port`"));
      }
      append(errs, messages(is_valid_port_num(*port.endPort), end, std::to_string(*port.endPort)));
    }
  } else {
    if (port.endPort) {
      errs.push_back(invalid(end, std::to_string(*port.endPort), "may not be specified when `port` is non-numeric"));
    }
    append(errs, messages(is_valid_port_name(port.port->str_value), path.child("port"), quoted(port.port->str_value)));
  }
  return errs;
}

ErrorList validate_ip_block(const networking_v1::IPBlock& block, const Path& path) {
  if (block.cidr.empty()) return {required(path.child("cidr"))};
  ErrorList errs = is_valid_cidr(path.child("cidr"), block.cidr);
  std::optional<IPNet> cidr = parse_cidr_sloppy(block.cidr);
  if (!cidr) return errs;
  for (size_t i = 0; i < block.except.size(); i++) {
    const Path at = path.child("except").index(i);
    append(errs, is_valid_cidr(at, block.except[i]));
    std::optional<IPNet> except = parse_cidr_sloppy(block.except[i]);
    if (!except) continue;
    if (!cidr->contains(except->network) || cidr->ones >= except->ones) {
      errs.push_back(invalid(at, quoted(block.except[i]), "must be a strict subset of `cidr`"));
    }
  }
  return errs;
}

ErrorList validate_network_policy_peer(const networking_v1::NetworkPolicyPeer& peer, const Path& path) {
  ErrorList errs;
  int peers = 0;
  if (peer.podSelector) {
    peers++;
    append(errs, validate_label_selector(&*peer.podSelector, path.child("podSelector")));
  }
  if (peer.namespaceSelector) {
    peers++;
    append(errs, validate_label_selector(&*peer.namespaceSelector, path.child("namespaceSelector")));
  }
  if (peer.ipBlock) {
    peers++;
    append(errs, validate_ip_block(*peer.ipBlock, path.child("ipBlock")));
  }
  if (peers == 0) {
    errs.push_back(required(path, "must specify a peer"));
  } else if (peers > 1 && peer.ipBlock) {
    errs.push_back(forbidden(path, "may not specify both ipBlock and another peer"));
  }
  return errs;
}

// The ports and peers of one ingress or egress rule.
ErrorList validate_network_policy_rule(const std::vector<networking_v1::NetworkPolicyPort>& ports,
                                       const std::vector<networking_v1::NetworkPolicyPeer>& peers,
                                       std::string_view peers_name, const Path& path) {
  ErrorList errs;
  for (size_t i = 0; i < ports.size(); i++) {
    append(errs, validate_network_policy_port(ports[i], path.child("ports").index(i)));
  }
  for (size_t i = 0; i < peers.size(); i++) {
    append(errs, validate_network_policy_peer(peers[i], path.child(peers_name).index(i)));
  }
  return errs;
}

// ---- EndpointSlice ----------------------------------------------------------------------

constexpr std::size_t kMaxTopologyLabels = 16, kMaxAddresses = 100, kMaxPorts = 20000, kMaxEndpoints = 1000,
                      kMaxZoneHints = 8;

ErrorList validate_slice_addresses(const discovery_v1::Endpoint& ep, const std::string& type, const Path& path) {
  ErrorList errs;
  if (ep.addresses.empty()) {
    errs.push_back(required(path, "must contain at least 1 address"));
  } else if (ep.addresses.size() > kMaxAddresses) {
    errs.push_back(too_many(path, ep.addresses.size(), kMaxAddresses));
  }
  for (size_t i = 0; i < ep.addresses.size(); i++) {
    const std::string& a = ep.addresses[i];
    if (type == "IPv4") {
      append(errs, is_valid_ipv4_address(path.index(i), a));
      append(errs, validate_non_special_ip(a, path.index(i)));
    } else if (type == "IPv6") {
      append(errs, is_valid_ipv6_address(path.index(i), a));
      append(errs, validate_non_special_ip(a, path.index(i)));
    } else if (type == "FQDN") {
      append(errs, is_fully_qualified_domain_name(path.index(i), a));
    }
  }
  return errs;
}

ErrorList validate_hints(const discovery_v1::EndpointHints& hints, const Path& path) {
  const Path zones = path.child("forZones");
  if (hints.forZones.size() > kMaxZoneHints) return {too_many(zones, hints.forZones.size(), kMaxZoneHints)};
  ErrorList errs;
  std::set<std::string> seen;
  for (size_t i = 0; i < hints.forZones.size(); i++) {
    const std::string& name = hints.forZones[i].name;
    const Path at = zones.index(i).child("name");
    if (!seen.insert(name).second) errs.push_back(duplicate(at, quoted(name)));
    append(errs, messages(is_valid_label_value(name), at, quoted(name)));
  }
  return errs;
}

ErrorList validate_slice_endpoint(const discovery_v1::Endpoint& ep, const std::string& type, const Path& path) {
  ErrorList errs = validate_slice_addresses(ep, type, path.child("addresses"));
  if (ep.nodeName) {
    append(errs, messages(name_is_dns_subdomain(*ep.nodeName, false), path.child("nodeName"), quoted(*ep.nodeName)));
  }
  const Path topology = path.child("deprecatedTopology");
  if (ep.deprecatedTopology.size() > kMaxTopologyLabels) {
    errs.push_back(too_many(topology, ep.deprecatedTopology.size(), kMaxTopologyLabels));
  }
  append(errs, validate_labels(ep.deprecatedTopology, topology));
  if (ep.deprecatedTopology.count("topology.kubernetes.io/zone")) {
    errs.push_back({FieldError::Type::Internal, topology.key("topology.kubernetes.io/zone").str(), "",
                    "reserved key was not removed in conversion"});
  }
  if (ep.hostname) append(errs, validate_dns1123_label(*ep.hostname, path.child("hostname")));
  if (ep.hints) append(errs, validate_hints(*ep.hints, path.child("hints")));
  return errs;
}

ErrorList validate_slice_ports(const std::vector<discovery_v1::EndpointPort>& ports, const Path& path) {
  if (ports.size() > kMaxPorts) return {too_many(path, ports.size(), kMaxPorts)};
  ErrorList errs;
  std::set<std::string> names;
  const std::vector<std::string> protocols = {"SCTP", "TCP", "UDP"};
  for (size_t i = 0; i < ports.size(); i++) {
    const discovery_v1::EndpointPort& p = ports[i];
    const Path at = path.index(i);
    const std::string name = p.name.value_or("");  // defaulted to "" before validation
    if (!name.empty()) append(errs, validate_dns1123_label(name, at.child("name")));
    if (!names.insert(name).second) errs.push_back(duplicate(at.child("name"), quoted(name)));
    if (!p.protocol) {
      errs.push_back(required(at.child("protocol")));
    } else if (!contains(protocols, *p.protocol)) {
      errs.push_back(not_supported(at.child("protocol"), quoted(*p.protocol), protocols));
    }
    if (p.appProtocol) append(errs, validate_qualified_name(*p.appProtocol, at.child("appProtocol")));
  }
  return errs;
}

// ---- Lease ----------------------------------------------------------------------------

// ValidateCoordinatedLeaseStrategy. Upstream adds "strategy" to a path that already ends
// in it: spec.strategy.strategy.
ErrorList validate_lease_strategy(const std::string& strategy, const Path& path) {
  const Path at = path.child("strategy");
  if (strategy.find('/') == std::string::npos) {
    if (strategy != "OldestEmulationVersion") return {not_supported(at, quoted(strategy), {"OldestEmulationVersion"})};
    return {};
  }
  return messages(is_qualified_name(strategy), at, quoted(strategy));
}

}  // namespace

// ---- exported helpers -------------------------------------------------------------------

ErrorList is_domain_prefixed_path(const Path& path, std::string_view value) {
  if (value.empty()) return {required(path)};
  size_t slash = value.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == value.size()) {
    return {invalid(path, quoted(value), "must be a domain-prefixed path (such as \"acme.io/foo\")")};
  }
  std::string_view host = value.substr(0, slash), rest = value.substr(slash + 1);
  ErrorList errs = messages(is_dns1123_subdomain(host), path, quoted(host));
  static constexpr std::string_view kPathChars =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789/-._~%!$&'()*+,;=:";
  if (rest.find_first_not_of(kPathChars) != std::string_view::npos) {
    errs.push_back(invalid(path, quoted(rest), regex_error("Invalid path", "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+", {})));
  }
  return errs;
}

ErrorList is_fully_qualified_domain_name(const Path& path, std::string_view name) {
  if (name.empty()) return {required(path)};
  if (name.back() == '.') name.remove_suffix(1);
  auto joined = [](const std::vector<std::string>& msgs) {
    std::string out;
    for (const std::string& m : msgs) out += (out.empty() ? "" : ",") + m;
    return out;
  };
  if (std::vector<std::string> errs = is_dns1123_subdomain(name); !errs.empty()) {
    return {invalid(path, quoted(name), joined(errs))};
  }
  if (name.find('.') == std::string_view::npos) {
    return {invalid(path, quoted(name), "should be a domain with at least two segments separated by dots")};
  }
  for (size_t start = 0; start <= name.size();) {
    size_t dot = std::min(name.find('.', start), name.size());
    std::string_view label = name.substr(start, dot - start);
    if (std::vector<std::string> errs = is_dns1123_label(label); !errs.empty()) {
      return {invalid(path, quoted(label), joined(errs))};
    }
    start = dot + 1;
  }
  return {};
}

// ---- the kinds ----------------------------------------------------------------------

ErrorList validate_ingress_spec(const networking_v1::IngressSpec& spec, const Path& path,
                                IngressValidationOptions options) {
  ErrorList errs;
  if (spec.rules.empty() && !spec.defaultBackend) {
    errs.push_back(invalid(path, "[]networking.IngressRule(nil)", "either `defaultBackend` or `rules` must be specified"));
  }
  if (spec.defaultBackend) append(errs, validate_ingress_backend(*spec.defaultBackend, path.child("defaultBackend")));
  append(errs, validate_ingress_rules(spec.rules, path.child("rules"), options));
  append(errs, validate_ingress_tls(spec.tls, path.child("tls"), options));
  if (spec.ingressClassName) {
    append(errs, messages(name_is_dns_subdomain(*spec.ingressClassName, false), path.child("ingressClassName"),
                          quoted(*spec.ingressClassName)));
  }
  return errs;
}

ErrorList validate_ingress(const networking_v1::Ingress& ingress) {
  ErrorList errs = validate_ingress_spec(ingress.spec, Path("spec"));
  const std::string key = "kubernetes.io/ingress.class";
  auto annotation = ingress.metadata.annotations.find(key);
  if (annotation != ingress.metadata.annotations.end() && ingress.spec.ingressClassName &&
      annotation->second != *ingress.spec.ingressClassName) {
    // Upstream's path: "annotations.kubernetes.io/ingress.class".
    errs.push_back(invalid(Path("annotations").child(key), quoted(annotation->second),
                           "must match `ingressClassName` when both are specified"));
  }
  return errs;
}

ErrorList validate_ingress_update(const networking_v1::Ingress& ingress, const networking_v1::Ingress& old) {
  return validate_ingress_spec(ingress.spec, Path("spec"), ingress_update_options(old));
}

ErrorList validate_ingress_class(const networking_v1::IngressClass& ic) {
  ErrorList errs;
  const Path controller = Path("spec").child("controller");
  if (ic.spec.controller.empty()) {
    errs.push_back(required(controller));
  } else {
    if (ic.spec.controller.size() > kMaxLenIngressClassController) {
      errs.push_back(too_long(controller, "", kMaxLenIngressClassController));
    }
    append(errs, is_domain_prefixed_path(controller, ic.spec.controller));
  }
  if (ic.spec.parameters) {
    append(errs, validate_ingress_class_parameters(*ic.spec.parameters, Path("spec").child("parameters")));
  }
  return errs;
}

ErrorList validate_ingress_class_update(const networking_v1::IngressClass& ic, const networking_v1::IngressClass& old) {
  ErrorList errs = validate_immutable(ic.spec.controller == old.spec.controller, quoted(ic.spec.controller),
                                      Path("spec").child("controller"));
  append(errs, validate_ingress_class(ic));
  return errs;
}

ErrorList validate_network_policy(const networking_v1::NetworkPolicy& np) {
  const Path spec("spec");
  ErrorList errs = validate_label_selector(&np.spec.podSelector, spec.child("podSelector"));
  for (size_t i = 0; i < np.spec.ingress.size(); i++) {
    const auto& rule = np.spec.ingress[i];
    append(errs, validate_network_policy_rule(rule.ports, rule.from, "from", spec.child("ingress").index(i)));
  }
  for (size_t i = 0; i < np.spec.egress.size(); i++) {
    const auto& rule = np.spec.egress[i];
    append(errs, validate_network_policy_rule(rule.ports, rule.to, "to", spec.child("egress").index(i)));
  }
  const std::vector<std::string>& types = np.spec.policyTypes;
  if (types.size() > 2) {
    errs.push_back(invalid(spec.child("policyTypes"), go_slice("networking.PolicyType", types),
                           "may not specify more than two policyTypes"));
    return errs;
  }
  for (size_t i = 0; i < types.size(); i++) {
    if (types[i] != "Ingress" && types[i] != "Egress") {
      errs.push_back(not_supported(spec.child("policyTypes").index(i), quoted(types[i]), {"Ingress", "Egress"}));
    }
  }
  return errs;
}

ErrorList validate_endpoint_slice(const discovery_v1::EndpointSlice& slice) {
  ErrorList errs;
  const Path type("addressType");
  if (slice.addressType.empty()) {
    errs.push_back(required(type));
  } else if (!contains({"FQDN", "IPv4", "IPv6"}, slice.addressType)) {
    errs.push_back(not_supported(type, quoted(slice.addressType), {"FQDN", "IPv4", "IPv6"}));
  }
  const Path endpoints("endpoints");
  if (slice.endpoints.size() > kMaxEndpoints) {
    errs.push_back(too_many(endpoints, slice.endpoints.size(), kMaxEndpoints));
  } else {
    for (size_t i = 0; i < slice.endpoints.size(); i++) {
      append(errs, validate_slice_endpoint(slice.endpoints[i], slice.addressType, endpoints.index(i)));
    }
  }
  append(errs, validate_slice_ports(slice.ports, Path("ports")));
  return errs;
}

ErrorList validate_endpoint_slice_update(const discovery_v1::EndpointSlice& slice, const discovery_v1::EndpointSlice& old) {
  ErrorList errs = validate_endpoint_slice(slice);
  append(errs, validate_immutable(slice.addressType == old.addressType, quoted(slice.addressType), Path("addressType")));
  return errs;
}

ErrorList validate_lease(const coordination_v1::Lease& lease) {
  ErrorList errs;
  const Path spec("spec");
  const coordination_v1::LeaseSpec& s = lease.spec;
  if (s.leaseDurationSeconds && *s.leaseDurationSeconds <= 0) {
    errs.push_back(invalid(spec.child("leaseDurationSeconds"), std::to_string(*s.leaseDurationSeconds),
                           "must be greater than 0"));
  }
  if (s.leaseTransitions && *s.leaseTransitions < 0) {
    errs.push_back(invalid(spec.child("leaseTransitions"), std::to_string(*s.leaseTransitions),
                           "must be greater than or equal to 0"));
  }
  if (s.strategy) append(errs, validate_lease_strategy(*s.strategy, spec.child("strategy")));
  if (s.preferredHolder && !s.preferredHolder->empty() && (!s.strategy || s.strategy->empty())) {
    errs.push_back(forbidden(spec.child("preferredHolder"), "may only be specified if `strategy` is defined"));
  }
  return errs;
}

ErrorList validate_pod_disruption_budget(const policy_v1::PodDisruptionBudget& pdb) {
  ErrorList errs;
  const Path spec("spec");
  const policy_v1::PodDisruptionBudgetSpec& s = pdb.spec;
  if (s.minAvailable && s.maxUnavailable) {
    // Upstream prints the whole spec (with pointer addresses); kubepp leaves it out.
    errs.push_back(invalid(spec, "", "minAvailable and maxUnavailable cannot be both set"));
  }
  if (s.minAvailable) {
    append(errs, validate_positive_int_or_percent(*s.minAvailable, spec.child("minAvailable")));
    append(errs, is_not_more_than_100_percent(*s.minAvailable, spec.child("minAvailable")));
  }
  if (s.maxUnavailable) {
    append(errs, validate_positive_int_or_percent(*s.maxUnavailable, spec.child("maxUnavailable")));
    append(errs, is_not_more_than_100_percent(*s.maxUnavailable, spec.child("maxUnavailable")));
  }
  if (s.selector) append(errs, validate_label_selector(&*s.selector, spec.child("selector")));
  if (s.unhealthyPodEvictionPolicy && !contains({"AlwaysAllow", "IfHealthyBudget"}, *s.unhealthyPodEvictionPolicy)) {
    errs.push_back(not_supported(spec.child("unhealthyPodEvictionPolicy"), quoted(*s.unhealthyPodEvictionPolicy),
                                 {"AlwaysAllow", "IfHealthyBudget"}));
  }
  return errs;
}

}  // namespace kubepp::api::validation

// core_v1_service.cpp — a Service's rules, in upstream's order and words
// (ValidateService, ValidateServiceUpdate and their helpers in
// pkg/apis/core/validation/validation.go).
#include <algorithm>
#include <set>
#include <utility>

#include "cluster/api/names.h"
#include "cluster/api/validation/core_v1.h"

namespace kubepp::api::validation {

namespace {

using core_v1::Service;
using core_v1::ServicePort;

constexpr std::int32_t kMaxClientIPServiceAffinitySeconds = 86400;
constexpr std::string_view kTopologyAwareHints = "service.kubernetes.io/topology-aware-hints";
constexpr std::string_view kTopologyMode = "service.kubernetes.io/topology-mode";
constexpr std::string_view kLoadBalancerSourceRanges = "service.beta.kubernetes.io/load-balancer-source-ranges";

const std::vector<std::string> kProtocols = {"SCTP", "TCP", "UDP"};

bool contains(const std::vector<std::string>& set, std::string_view value) {
  return std::find(set.begin(), set.end(), value) != set.end();
}

std::string trim_space(std::string_view s) {
  const char* ws = " \t\n\r\v\f";
  size_t b = s.find_first_not_of(ws);
  if (b == std::string_view::npos) return "";
  return std::string(s.substr(b, s.find_last_not_of(ws) - b + 1));
}

// isHeadlessService: exactly one cluster IP, "None".
bool is_headless(const Service& s) { return s.spec.clusterIPs.size() == 1 && s.spec.clusterIPs[0] == "None"; }

// apiservice.ExternallyAccessible and NeedsHealthCheck.
bool externally_accessible(const Service& s) {
  return s.spec.type == "LoadBalancer" || s.spec.type == "NodePort" ||
         (s.spec.type == "ClusterIP" && !s.spec.externalIPs.empty());
}
bool needs_health_check(const Service& s) {
  return s.spec.type == "LoadBalancer" && s.spec.externalTrafficPolicy == "Local";
}

bool is_ipv6_string(std::string_view ip) {
  std::optional<IPAddress> parsed = parse_ip_sloppy(ip);
  return parsed && !parsed->is_v4();
}

// A ServicePort key as upstream prints it in a duplicate error (%#v of core.ServicePort
// with only Protocol and Port set).
std::string go_service_port_key(const ServicePort& p) {
  return "core.ServicePort{Name:\"\", Protocol:" + quoted(p.protocol) +
         ", AppProtocol:(*string)(nil), Port:" + std::to_string(p.port) +
         ", TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}";
}

std::string go_optional_string(const std::optional<std::string>& v) { return v ? quoted(*v) : "null"; }

ErrorList validate_service_port(const ServicePort& sp, bool require_name, std::set<std::string>& names,
                                const Path& path) {
  ErrorList errs;
  if (require_name && sp.name.empty()) {
    errs.push_back(required(path.child("name")));
  } else if (!sp.name.empty()) {
    append(errs, validate_dns1123_label(sp.name, path.child("name")));
    if (!names.insert(sp.name).second) errs.push_back(duplicate(path.child("name"), quoted(sp.name)));
  }
  for (std::string& m : is_valid_port_num(sp.port)) {
    errs.push_back(invalid(path.child("port"), std::to_string(sp.port), std::move(m)));
  }
  if (sp.protocol.empty()) {
    errs.push_back(required(path.child("protocol")));
  } else if (!contains(kProtocols, sp.protocol)) {
    errs.push_back(not_supported(path.child("protocol"), quoted(sp.protocol), kProtocols));
  }
  append(errs, validate_port_num_or_name(sp.targetPort, path.child("targetPort")));
  if (sp.appProtocol) append(errs, validate_qualified_name(*sp.appProtocol, path.child("appProtocol")));
  return errs;
}

ErrorList validate_client_ip_affinity_config(const std::optional<core_v1::SessionAffinityConfig>& config,
                                             const Path& path) {
  const std::string when = "when session affinity type is ClientIP";
  if (!config) return {required(path, when)};
  if (!config->clientIP) return {required(path.child("clientIP"), when)};
  const Path timeout_path = path.child("clientIP").child("timeoutSeconds");
  const std::optional<std::int32_t>& timeout = config->clientIP->timeoutSeconds;
  if (!timeout) return {required(timeout_path, when)};
  if (*timeout <= 0 || *timeout > kMaxClientIPServiceAffinitySeconds) {
    return {invalid(timeout_path, std::to_string(*timeout),
                    "must be greater than 0 and less than " + std::to_string(kMaxClientIPServiceAffinitySeconds))};
  }
  return {};
}

// The type-specific rules at the top of ValidateService.
ErrorList validate_service_type_fields(const Service& s, const Path& spec) {
  ErrorList errs;
  if (s.spec.type == "LoadBalancer" && is_headless(s)) {
    errs.push_back(invalid(spec.child("clusterIPs").index(0), quoted(s.spec.clusterIPs[0]),
                           "may not be set to 'None' for LoadBalancer services"));
  } else if (s.spec.type == "NodePort" && is_headless(s)) {
    errs.push_back(invalid(spec.child("clusterIPs").index(0), quoted(s.spec.clusterIPs[0]),
                           "may not be set to 'None' for NodePort services"));
  } else if (s.spec.type == "ExternalName") {
    const std::string may_not = "may not be set for ExternalName services";
    if (!s.spec.clusterIPs.empty()) errs.push_back(forbidden(spec.child("clusterIPs"), may_not));
    if (!s.spec.ipFamilies.empty()) errs.push_back(forbidden(spec.child("ipFamilies"), may_not));
    if (s.spec.ipFamilyPolicy) errs.push_back(forbidden(spec.child("ipFamilyPolicy"), may_not));
    // A CNAME may end in a dot, marking it fully qualified.
    std::string_view cname = s.spec.externalName;
    if (!cname.empty() && cname.back() == '.') cname.remove_suffix(1);
    if (!cname.empty()) {
      append(errs, validate_dns1123_subdomain(cname, spec.child("externalName")));
    } else {
      errs.push_back(required(spec.child("externalName")));
    }
  }
  return errs;
}

// The clusterIPs themselves: "None" only alone and first, valid IPs, at most two.
ErrorList validate_cluster_ips(const Service& s, const Path& field, bool& has_invalid) {
  ErrorList errs;
  const std::vector<std::string>& ips = s.spec.clusterIPs;
  for (size_t i = 0; i < ips.size(); i++) {
    if (i == 0 && ips[i] == "None") {
      if (ips.size() > 1) {
        has_invalid = true;
        errs.push_back(invalid(field, go_slice("string", ips), "'None' must be the first and only value"));
      }
      continue;
    }
    ErrorList bad = is_valid_ip(field.index(i), ips[i]);
    has_invalid = has_invalid || !bad.empty();
    append(errs, std::move(bad));
  }
  if (ips.size() > 2) errs.push_back(invalid(field, go_slice("string", ips), "may only hold up to 2 values"));
  return errs;
}

// Dual-stack: two cluster IPs are one of each family, and each matches its ipFamilies entry.
ErrorList validate_cluster_ip_families(const Service& s, const Path& field) {
  ErrorList errs;
  const std::vector<std::string>& ips = s.spec.clusterIPs;
  if (ips.size() > 1) {
    bool v4 = false, v6 = false;
    for (const std::string& ip : ips) (is_ipv6_string(ip) ? v6 : v4) = true;
    if (!(v4 && v6)) {
      errs.push_back(invalid(field, go_slice("string", ips), "may specify no more than one IP for each IP family"));
    }
  }
  if (is_headless(s) || ips.empty()) return errs;
  for (size_t i = 0; i < ips.size() && i < s.spec.ipFamilies.size(); i++) {
    const std::string at = "`ipFamilies[" + std::to_string(i) + "]`";
    if (s.spec.ipFamilies[i] == "IPv4" && is_ipv6_string(ips[i])) {
      errs.push_back(invalid(field.index(i), quoted(ips[i]), "expected an IPv4 value as indicated by " + at));
    }
    if (s.spec.ipFamilies[i] == "IPv6" && !is_ipv6_string(ips[i])) {
      errs.push_back(invalid(field.index(i), quoted(ips[i]), "expected an IPv6 value as indicated by " + at));
    }
  }
  return errs;
}

// ValidateServiceClusterIPsRelatedFields.
ErrorList validate_cluster_ips_related_fields(const Service& s) {
  if (s.spec.type == "ExternalName") return {};
  ErrorList errs;
  const Path spec("spec");
  const Path ips_field = spec.child("clusterIPs");
  if (!s.spec.clusterIP.empty()) {
    if (s.spec.clusterIPs.empty()) {
      errs.push_back(required(ips_field));
    } else if (s.spec.clusterIPs[0] != s.spec.clusterIP) {
      errs.push_back(invalid(ips_field, go_slice("string", s.spec.clusterIPs), "first value must match `clusterIP`"));
    }
  } else if (!s.spec.clusterIPs.empty()) {
    errs.push_back(invalid(ips_field, go_slice("string", s.spec.clusterIPs),
                           "must be empty when `clusterIP` is not specified"));
  }
  std::set<std::string> seen;
  for (size_t i = 0; i < s.spec.ipFamilies.size(); i++) {
    const std::string& family = s.spec.ipFamilies[i];
    if (family != "IPv4" && family != "IPv6") {
      errs.push_back(not_supported(spec.child("ipFamilies").index(i), quoted(family), {"IPv4", "IPv6"}));
    }
    if (!seen.insert(family).second) errs.push_back(duplicate(spec.child("ipFamilies").index(i), quoted(family)));
  }
  if (s.spec.ipFamilyPolicy && !contains({"PreferDualStack", "RequireDualStack", "SingleStack"}, *s.spec.ipFamilyPolicy)) {
    errs.push_back(not_supported(spec.child("ipFamilyPolicy"), quoted(*s.spec.ipFamilyPolicy),
                                 {"PreferDualStack", "RequireDualStack", "SingleStack"}));
  }
  bool has_invalid = false;
  append(errs, validate_cluster_ips(s, ips_field, has_invalid));
  if (has_invalid) return errs;  // family checks on bad addresses would only add noise
  append(errs, validate_cluster_ip_families(s, ips_field));
  return errs;
}

// Node ports only where nodes open them, and no (protocol, nodePort) or (protocol, port)
// pair twice.
ErrorList validate_service_node_ports(const Service& s, const Path& ports) {
  ErrorList errs;
  if (s.spec.type == "ClusterIP") {
    for (size_t i = 0; i < s.spec.ports.size(); i++) {
      if (s.spec.ports[i].nodePort != 0) {
        errs.push_back(forbidden(ports.index(i).child("nodePort"), "may not be used when `type` is 'ClusterIP'"));
      }
    }
  }
  std::set<std::pair<std::string, std::int32_t>> node_ports, service_ports;
  for (size_t i = 0; i < s.spec.ports.size(); i++) {
    const ServicePort& p = s.spec.ports[i];
    if (p.nodePort != 0 && !node_ports.insert({p.protocol, p.nodePort}).second) {
      errs.push_back(duplicate(ports.index(i).child("nodePort"), std::to_string(p.nodePort)));
    }
  }
  for (size_t i = 0; i < s.spec.ports.size(); i++) {
    const ServicePort& p = s.spec.ports[i];
    if (!service_ports.insert({p.protocol, p.port}).second) {
      errs.push_back(duplicate(ports.index(i), go_service_port_key(p)));
    }
  }
  return errs;
}

// loadBalancerSourceRanges (spelled with a capital L in upstream's path), or the older
// annotation when the field is empty.
ErrorList validate_source_ranges(const Service& s) {
  ErrorList errs;
  const std::string only_lb = "may only be used when `type` is 'LoadBalancer'";
  if (!s.spec.loadBalancerSourceRanges.empty()) {
    const Path field = Path("spec").child("LoadBalancerSourceRanges");
    if (s.spec.type != "LoadBalancer") errs.push_back(forbidden(field, only_lb));
    for (size_t i = 0; i < s.spec.loadBalancerSourceRanges.size(); i++) {
      append(errs, is_valid_cidr(field.index(i), trim_space(s.spec.loadBalancerSourceRanges[i])));
    }
    return errs;
  }
  auto annotation = s.metadata.annotations.find(std::string(kLoadBalancerSourceRanges));
  if (annotation == s.metadata.annotations.end()) return errs;
  const Path field = Path("metadata").child("annotations").key(kLoadBalancerSourceRanges);
  if (s.spec.type != "LoadBalancer") errs.push_back(forbidden(field, only_lb));
  std::string value = trim_space(annotation->second);
  for (size_t start = 0; !value.empty() && start <= value.size();) {
    size_t comma = value.find(',', start);
    if (comma == std::string::npos) comma = value.size();
    append(errs, is_valid_cidr(field, trim_space(std::string_view(value).substr(start, comma - start))));
    start = comma + 1;
  }
  return errs;
}

ErrorList validate_load_balancer_fields(const Service& s) {
  ErrorList errs;
  const bool lb = s.spec.type == "LoadBalancer";
  if (s.spec.allocateLoadBalancerNodePorts && !lb) {
    errs.push_back(forbidden(Path("spec").child("allocateLoadBalancerNodePorts"),
                             "may only be used when `type` is 'LoadBalancer'"));
  }
  // Upstream's path lacks "spec." here.
  if (lb && !s.spec.allocateLoadBalancerNodePorts) errs.push_back(required(Path("allocateLoadBalancerNodePorts")));
  return errs;
}

// validateLoadBalancerClassField: a qualified name, only for LoadBalancer services, fixed
// once set (with `old`, on update).
ErrorList validate_load_balancer_class(const Service* old, const Service& s) {
  ErrorList errs;
  const Path cls = Path("spec").child("loadBalancerClass");
  const bool lb = s.spec.type == "LoadBalancer";
  if (old != nullptr && old->spec.type == "LoadBalancer" && lb && old->spec.loadBalancerClass != s.spec.loadBalancerClass) {
    errs.push_back(invalid(cls, go_optional_string(s.spec.loadBalancerClass), "may not change once set"));
  }
  if (lb && s.spec.loadBalancerClass) {
    append(errs, validate_qualified_name(*s.spec.loadBalancerClass, cls));
  } else if (!lb && s.spec.loadBalancerClass) {
    errs.push_back(forbidden(cls, "may only be used when `type` is 'LoadBalancer'"));
  }
  return errs;
}

ErrorList validate_external_traffic_policy(const Service& s) {
  ErrorList errs;
  const Path spec("spec");
  const std::string& policy = s.spec.externalTrafficPolicy;
  if (!externally_accessible(s)) {
    if (!policy.empty()) {
      errs.push_back(invalid(spec.child("externalTrafficPolicy"), quoted(policy),
                             "may only be set for externally-accessible services"));
    }
  } else if (policy.empty()) {
    errs.push_back(required(spec.child("externalTrafficPolicy")));
  } else if (policy != "Cluster" && policy != "Local") {
    errs.push_back(not_supported(spec.child("externalTrafficPolicy"), quoted(policy), {"Cluster", "Local"}));
  }
  const Path hc = spec.child("healthCheckNodePort");
  const std::int32_t port = s.spec.healthCheckNodePort;
  if (!needs_health_check(s)) {
    if (port != 0) {
      errs.push_back(invalid(hc, std::to_string(port),
                             "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
    }
  } else if (port == 0) {
    errs.push_back(required(hc));
  } else {
    for (std::string& m : is_valid_port_num(port)) errs.push_back(invalid(hc, std::to_string(port), std::move(m)));
  }
  return errs;
}

ErrorList validate_internal_traffic_and_distribution(const Service& s) {
  ErrorList errs;
  const Path spec("spec");
  const std::optional<std::string>& policy = s.spec.internalTrafficPolicy;
  if (!policy && (s.spec.type == "NodePort" || s.spec.type == "LoadBalancer" || s.spec.type == "ClusterIP")) {
    errs.push_back(required(spec.child("internalTrafficPolicy")));
  }
  if (policy && *policy != "Cluster" && *policy != "Local") {
    errs.push_back(not_supported(spec.child("internalTrafficPolicy"), quoted(*policy), {"Cluster", "Local"}));
  }
  const std::vector<std::string> distributions = {"PreferClose", "PreferSameZone", "PreferSameNode"};
  if (s.spec.trafficDistribution && !contains(distributions, *s.spec.trafficDistribution)) {
    errs.push_back(not_supported(spec.child("trafficDistribution"), quoted(*s.spec.trafficDistribution), distributions));
  }
  return errs;
}

// The opening checks of ValidateService: annotations that must agree, ports required.
ErrorList validate_service_preamble(const Service& s) {
  ErrorList errs;
  const auto& annotations = s.metadata.annotations;
  auto hints = annotations.find(std::string(kTopologyAwareHints));
  auto mode = annotations.find(std::string(kTopologyMode));
  if (hints != annotations.end() && mode != annotations.end() && hints->second != mode->second) {
    errs.push_back(invalid(Path("metadata").child("annotations").key(kTopologyMode), quoted(mode->second),
                           "must match annotations[" + std::string(kTopologyAwareHints) + "] when both are specified"));
  }
  if (s.spec.ports.empty() && !is_headless(s) && s.spec.type != "ExternalName") {
    errs.push_back(required(Path("spec").child("ports")));
  }
  return errs;
}

ErrorList validate_session_affinity(const Service& s, const Path& spec) {
  ErrorList errs;
  const std::string& affinity = s.spec.sessionAffinity;
  if (affinity.empty()) {
    errs.push_back(required(spec.child("sessionAffinity")));
  } else if (affinity != "ClientIP" && affinity != "None") {
    errs.push_back(not_supported(spec.child("sessionAffinity"), quoted(affinity), {"ClientIP", "None"}));
  }
  if (affinity == "ClientIP") {
    append(errs, validate_client_ip_affinity_config(s.spec.sessionAffinityConfig, spec.child("sessionAffinityConfig")));
  } else if (affinity == "None" && s.spec.sessionAffinityConfig) {
    errs.push_back(forbidden(spec.child("sessionAffinityConfig"), "must not be set when session affinity is None"));
  }
  return errs;
}

ErrorList validate_service_type(const Service& s, const Path& spec) {
  const std::vector<std::string> types = {"ClusterIP", "ExternalName", "LoadBalancer", "NodePort"};
  if (s.spec.type.empty()) return {required(spec.child("type"))};
  if (!contains(types, s.spec.type)) return {not_supported(spec.child("type"), quoted(s.spec.type), types)};
  return {};
}

// validateUpgradeDowngradeClusterIPs: the primary cluster IP never changes; a secondary
// one may be added, or released with ipFamilyPolicy SingleStack.
ErrorList validate_cluster_ips_update(const Service& old, const Service& s) {
  ErrorList errs;
  if (s.spec.type == "ExternalName" || old.spec.type == "ExternalName") return errs;
  if (is_headless(old) && is_headless(s)) return errs;
  const std::vector<std::string>& before = old.spec.clusterIPs;
  const std::vector<std::string>& after = s.spec.clusterIPs;
  const Path field = Path("spec").child("clusterIPs");
  const std::string shown = go_slice("string", after);
  if (before.size() == after.size()) {
    for (size_t i = 0; i < before.size(); i++) {
      if (before[i] != after[i]) errs.push_back(invalid(field.index(i), shown, "may not change once set"));
    }
  } else if (before.size() > after.size()) {
    if (after.empty()) errs.push_back(invalid(field.index(0), shown, "primary clusterIP can not be unset"));
    if (!after.empty() && after[0] != before[0]) errs.push_back(invalid(field.index(0), shown, "may not change once set"));
    if (after.size() == 1 && s.spec.ipFamilyPolicy.value_or("") != "SingleStack") {
      errs.push_back(invalid(Path("spec").child("ipFamilyPolicy"), go_optional_string(s.spec.ipFamilyPolicy),
                             "must be set to 'SingleStack' when releasing the secondary clusterIP"));
    }
  } else if (!before.empty() && after[0] != before[0]) {
    errs.push_back(invalid(field.index(0), shown, "may not change once set"));
  }
  return errs;
}

// validateUpgradeDowngradeIPFamilies: the same for ipFamilies (headless services may
// change theirs). Upstream prints clusterIPs, not ipFamilies, in two of the messages.
ErrorList validate_ip_families_update(const Service& old, const Service& s) {
  ErrorList errs;
  if (s.spec.type == "ExternalName" || old.spec.type == "ExternalName") return errs;
  if (is_headless(old) || is_headless(s)) return errs;
  const std::vector<std::string>& before = old.spec.ipFamilies;
  const std::vector<std::string>& after = s.spec.ipFamilies;
  const Path first = Path("spec").child("ipFamilies").index(0);
  if (before.size() == after.size()) {
    for (size_t i = 0; i < before.size(); i++) {
      if (before[i] != after[i]) {
        errs.push_back(invalid(first, go_slice("core.IPFamily", after), "may not change once set"));
      }
    }
  } else if (before.size() > after.size()) {
    if (s.spec.clusterIPs.empty()) {
      errs.push_back(invalid(first, go_slice("core.IPFamily", after), "primary ipFamily can not be unset"));
    }
    if (!after.empty() && after[0] != before[0]) {
      errs.push_back(invalid(first, go_slice("string", s.spec.clusterIPs), "may not change once set"));
    }
    if (after.size() == 1 && s.spec.ipFamilyPolicy.value_or("") != "SingleStack") {
      errs.push_back(invalid(Path("spec").child("ipFamilyPolicy"), go_optional_string(s.spec.ipFamilyPolicy),
                             "must be set to 'SingleStack' when releasing the secondary ipFamily"));
    }
  } else if (!before.empty() && !after.empty() && after[0] != before[0]) {
    errs.push_back(invalid(first, go_slice("string", s.spec.clusterIPs), "may not change once set"));
  }
  return errs;
}

}  // namespace

ErrorList validate_service(const Service& s) {
  const Path spec("spec");
  ErrorList errs = validate_service_preamble(s);
  append(errs, validate_service_type_fields(s, spec));
  std::set<std::string> names;
  for (size_t i = 0; i < s.spec.ports.size(); i++) {
    append(errs, validate_service_port(s.spec.ports[i], s.spec.ports.size() > 1, names, spec.child("ports").index(i)));
  }
  append(errs, validate_labels(s.spec.selector, spec.child("selector")));
  append(errs, validate_session_affinity(s, spec));
  append(errs, validate_cluster_ips_related_fields(s));
  for (size_t i = 0; i < s.spec.externalIPs.size(); i++) {
    const Path at = spec.child("externalIPs").index(i);
    ErrorList bad = is_valid_ip(at, s.spec.externalIPs[i]);
    append(errs, bad.empty() ? validate_non_special_ip(s.spec.externalIPs[i], at) : std::move(bad));
  }
  append(errs, validate_service_type(s, spec));
  append(errs, validate_service_node_ports(s, spec.child("ports")));
  append(errs, validate_source_ranges(s));
  append(errs, validate_load_balancer_fields(s));
  append(errs, validate_load_balancer_class(nullptr, s));
  append(errs, validate_external_traffic_policy(s));
  append(errs, validate_internal_traffic_and_distribution(s));
  return errs;
}

ErrorList validate_service_update(const Service& s, const Service& old) {
  ErrorList errs = validate_cluster_ips_update(old, s);
  append(errs, validate_ip_families_update(old, s));
  // Upstream checks the class here and again in ValidateService: a bad class is reported twice.
  append(errs, validate_load_balancer_class(&old, s));
  if (needs_health_check(old) && needs_health_check(s) && old.spec.healthCheckNodePort != s.spec.healthCheckNodePort) {
    errs.push_back(forbidden(Path("spec").child("healthCheckNodePort"), "field is immutable"));
  }
  append(errs, validate_service(s));
  return errs;
}

}  // namespace kubepp::api::validation

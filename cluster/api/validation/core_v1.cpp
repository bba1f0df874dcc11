// core_v1.cpp — the rules of Endpoints, Nodes, Namespaces, Events, ConfigMaps, Secrets,
// and ReplicationControllers, in upstream's order and words
// (pkg/apis/core/validation/validation.go and events.go). Services are in
// core_v1_service.cpp, PersistentVolumeClaims in core_v1_claim.cpp, the shared field
// formats in core_v1_formats.cpp.
#include "cluster/api/validation/core_v1.h"

#include <algorithm>
#include <set>
#include <utility>

#include <nlohmann/json.hpp>

#include "cluster/api/labels.h"
#include "cluster/api/names.h"
#include "cluster/api/validation/meta.h"

namespace kubepp::api::validation {

namespace {

constexpr std::size_t kMaxSecretSize = 1024 * 1024;  // core.MaxSecretSize, also ConfigMaps'
const std::vector<std::string> kProtocols = {"SCTP", "TCP", "UDP"};

FieldError internal_error(const Path& p, std::string detail) {
  return {FieldError::Type::Internal, p.str(), "", std::move(detail)};
}

// ---- Endpoints ----------------------------------------------------------------------

ErrorList validate_endpoint_address(const core_v1::EndpointAddress& address, const Path& path) {
  ErrorList errs = is_valid_ip(path.child("ip"), address.ip);
  if (!address.hostname.empty()) append(errs, validate_dns1123_label(address.hostname, path.child("hostname")));
  if (address.nodeName) {
    for (std::string& m : name_is_dns_subdomain(*address.nodeName, false)) {
      errs.push_back(invalid(path.child("nodeName"), quoted(*address.nodeName), std::move(m)));
    }
  }
  append(errs, validate_non_special_ip(address.ip, path.child("ip")));
  return errs;
}

ErrorList validate_endpoint_port(const core_v1::EndpointPort& port, bool require_name, const Path& path) {
  ErrorList errs;
  if (require_name && port.name.empty()) {
    errs.push_back(required(path.child("name")));
  } else if (!port.name.empty()) {
    append(errs, validate_dns1123_label(port.name, path.child("name")));
  }
  for (std::string& m : is_valid_port_num(port.port)) {
    errs.push_back(invalid(path.child("port"), std::to_string(port.port), std::move(m)));
  }
  if (port.protocol.empty()) {
    errs.push_back(required(path.child("protocol")));
  } else if (std::find(kProtocols.begin(), kProtocols.end(), port.protocol) == kProtocols.end()) {
    errs.push_back(not_supported(path.child("protocol"), quoted(port.protocol), kProtocols));
  }
  if (port.appProtocol) append(errs, validate_qualified_name(*port.appProtocol, path.child("appProtocol")));
  return errs;
}

// ---- Node ---------------------------------------------------------------------------

// A taint as upstream prints it (%#v); with timeAdded set Go prints a pointer's address,
// and kubepp leaves the value out.
std::string go_taint(const core_v1::Taint& t) {
  if (t.timeAdded) return "";
  return "core.Taint{Key:" + quoted(t.key) + ", Value:" + quoted(t.value) + ", Effect:" + quoted(t.effect) +
         ", TimeAdded:(*v1.Time)(nil)}";
}

// validateTaintEffect (no empty effect allowed on nodes).
ErrorList validate_taint_effect(const std::string& effect, const Path& path) {
  if (effect.empty()) return {required(path)};
  if (effect == "NoSchedule" || effect == "PreferNoSchedule" || effect == "NoExecute") return {};
  return {not_supported(path, quoted(effect), {"NoSchedule", "PreferNoSchedule", "NoExecute"})};
}

ErrorList validate_node_taints(const std::vector<core_v1::Taint>& taints, const Path& path) {
  ErrorList errs;
  std::set<std::pair<std::string, std::string>> seen;  // (effect, key)
  for (size_t i = 0; i < taints.size(); i++) {
    const core_v1::Taint& t = taints[i];
    const Path at = path.index(i);
    append(errs, validate_label_name(t.key, at.child("key")));
    std::vector<std::string> value_errs = is_valid_label_value(t.value);
    if (!value_errs.empty()) {
      std::string joined;
      for (const std::string& m : value_errs) joined += (joined.empty() ? "" : ";") + m;
      errs.push_back(invalid(at.child("value"), quoted(t.value), joined));
    }
    append(errs, validate_taint_effect(t.effect, at.child("effect")));
    if (!seen.insert({t.effect, t.key}).second) {
      FieldError dup = duplicate(at, go_taint(t));
      dup.detail = "taints must be unique by key and effect pair";
      errs.push_back(std::move(dup));
    }
  }
  return errs;
}

// ValidateNodeResources: capacity and allocatable (paths use '.', not [key], as upstream).
ErrorList validate_node_resources(const core_v1::Node& node) {
  ErrorList errs;
  for (const auto& [name, q] : node.status.capacity) {
    append(errs, validate_resource_quantity_value(name, q, Path("status").child("capacity").child(name)));
  }
  for (const auto& [name, q] : node.status.allocatable) {
    append(errs, validate_resource_quantity_value(name, q, Path("status").child("allocatable").child(name)));
  }
  return errs;
}

// The pod CIDRs as upstream's internal type holds them: podCIDRs, or the legacy podCIDR.
std::vector<std::string> pod_cidrs(const core_v1::NodeSpec& spec) {
  if (spec.podCIDRs.empty() && !spec.podCIDR.empty()) return {spec.podCIDR};
  return spec.podCIDRs;
}

ErrorList validate_pod_cidrs(const std::vector<std::string>& cidrs) {
  ErrorList errs;
  const Path field = Path("spec").child("podCIDRs");
  for (size_t i = 0; i < cidrs.size(); i++) append(errs, is_valid_cidr(field.index(i), cidrs[i]));
  if (cidrs.size() <= 1) return errs;
  bool v4 = false, v6 = false, parsed = true;
  for (const std::string& c : cidrs) {
    std::optional<IPNet> net = parse_cidr_sloppy(c);
    if (!net) {
      errs.push_back(internal_error(field, "invalid PodCIDRs. failed to check with dual stack with error:failed to "
                                           "parse cidr value:" + quoted(c) + " with error:invalid CIDR address: " + c));
      parsed = false;
      break;
    }
    (net->network.is_v4() ? v4 : v6) = true;
  }
  if (!parsed || !(v4 && v6) || cidrs.size() > 2) {
    errs.push_back(invalid(field, go_slice("string", cidrs), "may specify no more than one CIDR for each IP family"));
  }
  std::set<std::string> seen;
  for (size_t i = 0; i < cidrs.size(); i++) {
    if (!seen.insert(cidrs[i]).second) errs.push_back(duplicate(field.index(i), quoted(cidrs[i])));
  }
  return errs;
}

// ---- Namespace ----------------------------------------------------------------------

// validateFinalizerName: a qualified name, and a standard one when it has no '/'.
ErrorList validate_finalizer_name(const std::string& name, const Path& path) {
  ErrorList errs;
  for (std::string& m : is_qualified_name(name)) errs.push_back(invalid(path, quoted(name), std::move(m)));
  if (name.find('/') == std::string::npos && name != "kubernetes" && name != "orphan" && name != "foregroundDeletion") {
    errs.push_back(invalid(path, quoted(name), "name is neither a standard finalizer name nor is it fully qualified"));
  }
  return errs;
}

// ---- Event --------------------------------------------------------------------------

constexpr std::size_t kReportingInstanceLengthLimit = 128, kActionLengthLimit = 128, kReasonLengthLimit = 128,
                      kNoteLengthLimit = 1024;

ErrorList required_and_limited(const std::string& value, std::size_t limit, const Path& path) {
  ErrorList errs;
  if (value.empty()) errs.push_back(required(path));
  if (value.size() > limit) {
    errs.push_back(invalid(path, quoted(""), "can have at most " + std::to_string(limit) + " characters"));
  }
  return errs;
}

// The fields an event with eventTime (a new-style event) must carry.
ErrorList validate_new_style_event(const core_v1::Event& e) {
  ErrorList errs;
  const std::string& ns = e.metadata.namespace_;
  if (e.involvedObject.namespace_.empty() && ns != "default" && ns != "kube-system") {
    errs.push_back(invalid(Path("involvedObject").child("namespace"), quoted(e.involvedObject.namespace_),
                           "does not match event.namespace"));
  }
  // reportingComponent in JSON; upstream names the path after its Go field.
  const Path controller("reportingController");
  if (e.reportingComponent.empty()) errs.push_back(required(controller));
  for (std::string& m : is_qualified_name(e.reportingComponent)) {
    errs.push_back(invalid(controller, quoted(e.reportingComponent), std::move(m)));
  }
  append(errs, required_and_limited(e.reportingInstance, kReportingInstanceLengthLimit, Path("reportingInstance")));
  append(errs, required_and_limited(e.action, kActionLengthLimit, Path("action")));
  append(errs, required_and_limited(e.reason, kReasonLengthLimit, Path("reason")));
  if (e.message.size() > kNoteLengthLimit) {
    errs.push_back(invalid(Path("message"), quoted(""),
                           "can have at most " + std::to_string(kNoteLengthLimit) + " characters"));
  }
  return errs;
}

// ---- ConfigMap and Secret -------------------------------------------------------------

// The outcome of Go's json.Unmarshal into a map[string]interface{}: its error, or "".
std::string go_json_object_error(const std::string& data) {
  nlohmann::json doc = nlohmann::json::parse(data, nullptr, false);
  if (doc.is_discarded()) {
    size_t first = data.find_first_not_of(" \t\r\n");
    if (first == std::string::npos) return "unexpected end of JSON input";
    char c = data[first];
    if (c != '{' && c != '[' && c != '"' && c != '-' && c != 't' && c != 'f' && c != 'n' && (c < '0' || c > '9')) {
      return "invalid character '" + std::string(1, c) + "' looking for beginning of value";
    }
    return "unexpected end of JSON input";
  }
  if (doc.is_object() || doc.is_null()) return "";
  const char* kind = doc.is_array() ? "array" : doc.is_string() ? "string" : doc.is_boolean() ? "bool" : "number";
  return std::string("json: cannot unmarshal ") + kind + " into Go value of type map[string]interface {}";
}

// The keys each type of Secret requires.
ErrorList validate_secret_type(const core_v1::Secret& s, const std::map<std::string, std::string>& data) {
  ErrorList errs;
  const Path path("data");
  auto has = [&](const char* key) { return data.count(key) > 0; };
  if (s.type == "kubernetes.io/service-account-token") {
    auto name = s.metadata.annotations.find("kubernetes.io/service-account.name");
    if (name == s.metadata.annotations.end() || name->second.empty()) {
      errs.push_back(required(Path("metadata").child("annotations").key("kubernetes.io/service-account.name")));
    }
  } else if (s.type == "kubernetes.io/dockercfg" || s.type == "kubernetes.io/dockerconfigjson") {
    const char* key = s.type == "kubernetes.io/dockercfg" ? ".dockercfg" : ".dockerconfigjson";
    if (!has(key)) {
      errs.push_back(required(path.key(key)));
    } else if (std::string err = go_json_object_error(data.at(key)); !err.empty()) {
      errs.push_back(invalid(path.key(key), quoted("<secret contents redacted>"), err));
    }
  } else if (s.type == "kubernetes.io/basic-auth") {
    if (!has("username") && !has("password")) {
      errs.push_back(required(path.key("username")));
      errs.push_back(required(path.key("password")));
    }
  } else if (s.type == "kubernetes.io/ssh-auth") {
    if (!has("ssh-privatekey") || data.at("ssh-privatekey").empty()) errs.push_back(required(path.key("ssh-privatekey")));
  } else if (s.type == "kubernetes.io/tls") {
    if (!has("tls.crt")) errs.push_back(required(path.key("tls.crt")));
    if (!has("tls.key")) errs.push_back(required(path.key("tls.key")));
  }
  return errs;
}

// A Secret's data as upstream validates it: stringData is merged over data on write.
std::map<std::string, std::string> secret_data(const core_v1::Secret& s) {
  std::map<std::string, std::string> data;
  for (const auto& [k, v] : s.data) data[k] = v.data;
  for (const auto& [k, v] : s.stringData) data[k] = v;
  return data;
}

ErrorList validate_immutable_data(const std::optional<bool>& now, const std::optional<bool>& before, bool data_equal,
                                  bool binary_equal, bool has_binary) {
  ErrorList errs;
  if (!before.value_or(false)) return errs;
  const std::string detail = "field is immutable when `immutable` is set";
  if (!now.value_or(false)) errs.push_back(forbidden(Path("immutable"), detail));
  if (!data_equal) errs.push_back(forbidden(Path("data"), detail));
  if (has_binary && !binary_equal) errs.push_back(forbidden(Path("binaryData"), detail));
  return errs;
}

// ---- ReplicationController --------------------------------------------------------------

// ValidatePodTemplateSpecForRC: present, labelled as the selector asks, restartPolicy
// Always, no activeDeadlineSeconds; the rest is the pod template's own rules.
ErrorList validate_rc_template(const core_v1::ReplicationControllerSpec& spec, const Path& path) {
  if (!spec.template_) return {required(path)};
  const core_v1::PodTemplateSpec& t = *spec.template_;
  ErrorList errs;
  if (!spec.selector.empty() && !selector_from_set(spec.selector).matches(t.metadata.labels)) {
    errs.push_back(invalid(path.child("metadata").child("labels"), go_string_map(t.metadata.labels),
                           "`selector` does not match template `labels`"));
  }
  append(errs, validate_pod_template_spec(t, path));
  if (t.spec.restartPolicy != "Always") {
    errs.push_back(not_supported(path.child("spec").child("restartPolicy"), quoted(t.spec.restartPolicy), {"Always"}));
  }
  if (t.spec.activeDeadlineSeconds) {
    errs.push_back(forbidden(path.child("spec").child("activeDeadlineSeconds"),
                             "activeDeadlineSeconds in ReplicationController is not Supported"));
  }
  return errs;
}

}  // namespace

// ---- the kinds ----------------------------------------------------------------------

ErrorList validate_endpoints(const core_v1::Endpoints& endpoints) {
  ErrorList errs;
  const Path subsets("subsets");
  for (size_t i = 0; i < endpoints.subsets.size(); i++) {
    const core_v1::EndpointSubset& ss = endpoints.subsets[i];
    const Path at = subsets.index(i);
    if (ss.addresses.empty() && ss.notReadyAddresses.empty()) {
      errs.push_back(required(at, "must specify `addresses` or `notReadyAddresses`"));
    }
    for (size_t j = 0; j < ss.addresses.size(); j++) {
      append(errs, validate_endpoint_address(ss.addresses[j], at.child("addresses").index(j)));
    }
    for (size_t j = 0; j < ss.notReadyAddresses.size(); j++) {
      append(errs, validate_endpoint_address(ss.notReadyAddresses[j], at.child("notReadyAddresses").index(j)));
    }
    for (size_t j = 0; j < ss.ports.size(); j++) {
      append(errs, validate_endpoint_port(ss.ports[j], ss.ports.size() > 1, at.child("ports").index(j)));
    }
  }
  return errs;
}

ErrorList validate_node(const core_v1::Node& node) {
  ErrorList errs;
  // Upstream reports the spec's taints under metadata.taints.
  append(errs, validate_node_taints(node.spec.taints, Path("metadata").child("taints")));
  append(errs, validate_node_resources(node));
  append(errs, validate_pod_cidrs(pod_cidrs(node.spec)));
  return errs;
}

ErrorList validate_node_update(const core_v1::Node& node, const core_v1::Node& old) {
  ErrorList errs = validate_node_resources(node);
  std::set<std::pair<std::string, std::string>> addresses;
  for (size_t i = 0; i < node.status.addresses.size(); i++) {
    const core_v1::NodeAddress& a = node.status.addresses[i];
    if (!addresses.insert({a.type, a.address}).second) {
      errs.push_back(duplicate(Path("status").child("addresses").index(i),
                               "core.NodeAddress{Type:" + quoted(a.type) + ", Address:" + quoted(a.address) + "}"));
    }
  }
  const std::vector<std::string> before = pod_cidrs(old.spec), after = pod_cidrs(node.spec);
  const std::string cidr_detail = "node updates may not change podCIDR except from \"\" to valid";
  if (!before.empty() && before.size() != after.size()) {
    errs.push_back(forbidden(Path("spec").child("podCIDRs"), cidr_detail));
  } else {
    for (size_t i = 0; i < before.size(); i++) {
      if (before[i] != after[i]) errs.push_back(forbidden(Path("spec").child("podCIDRs"), cidr_detail));
    }
  }
  if (!old.spec.providerID.empty() && old.spec.providerID != node.spec.providerID) {
    errs.push_back(forbidden(Path("spec").child("providerID"),
                             "node updates may not change providerID except from \"\" to valid"));
  }
  append(errs, validate_node_taints(node.spec.taints, Path("metadata").child("taints")));
  if (node.spec.externalID != old.spec.externalID) {
    errs.push_back(forbidden(Path("spec").child("externalID"), "may not be updated"));
  }
  return errs;
}

ErrorList validate_namespace(const core_v1::Namespace& ns) {
  ErrorList errs;
  // Upstream reports every entry on the list's path, without an index.
  for (const std::string& f : ns.spec.finalizers) {
    append(errs, validate_finalizer_name(f, Path("spec").child("finalizers")));
  }
  return errs;
}

ErrorList validate_namespace_status_update(const core_v1::Namespace& ns, const core_v1::Namespace&) {
  const Path phase = Path("status").child("Phase");
  if (!ns.metadata.deletionTimestamp) {
    if (ns.status.phase != "Active") {
      return {invalid(phase, quoted(ns.status.phase), "may only be 'Active' if `deletionTimestamp` is empty")};
    }
  } else if (ns.status.phase != "Terminating") {
    return {invalid(phase, quoted(ns.status.phase), "may only be 'Terminating' if `deletionTimestamp` is not empty")};
  }
  return {};
}

ErrorList validate_event(const core_v1::Event& e) {
  ErrorList errs;
  const std::string& ns = e.metadata.namespace_;
  const std::string& involved = e.involvedObject.namespace_;
  if (e.eventTime.is_zero()) {
    // An old-style event: its namespace is the involved object's ("default" or none for
    // cluster-scoped objects).
    const bool matches = involved.empty() ? (ns.empty() || ns == "default") : ns == involved;
    if (!matches) {
      errs.push_back(invalid(Path("involvedObject").child("namespace"), quoted(involved),
                             "does not match event.namespace"));
    }
  } else {
    append(errs, validate_new_style_event(e));
  }
  for (std::string& m : is_dns1123_subdomain(ns)) errs.push_back(invalid(Path("namespace"), quoted(ns), std::move(m)));
  return errs;
}

ErrorList validate_config_map(const core_v1::ConfigMap& cm) {
  ErrorList errs;
  std::size_t total = 0;
  for (const auto& [key, value] : cm.data) {
    const Path at = Path("data").key(key);
    for (std::string& m : is_config_map_key(key)) errs.push_back(invalid(at, quoted(key), std::move(m)));
    if (cm.binaryData.count(key)) errs.push_back(invalid(at, quoted(key), "duplicate of key present in binaryData"));
    total += value.size();
  }
  for (const auto& [key, value] : cm.binaryData) {
    for (std::string& m : is_config_map_key(key)) {
      errs.push_back(invalid(Path("binaryData").key(key), quoted(key), std::move(m)));
    }
    total += value.data.size();
  }
  // Upstream names the whole object with an empty path.
  if (total > kMaxSecretSize) errs.push_back(too_long(Path(""), "", kMaxSecretSize));
  return errs;
}

ErrorList validate_config_map_update(const core_v1::ConfigMap& cm, const core_v1::ConfigMap& old) {
  ErrorList errs = validate_immutable_data(cm.immutable, old.immutable, cm.data == old.data,
                                           cm.binaryData == old.binaryData, true);
  append(errs, validate_config_map(cm));
  return errs;
}

ErrorList validate_secret(const core_v1::Secret& s) {
  ErrorList errs;
  const std::map<std::string, std::string> data = secret_data(s);
  std::size_t total = 0;
  for (const auto& [key, value] : data) {
    for (std::string& m : is_config_map_key(key)) errs.push_back(invalid(Path("data").key(key), quoted(key), std::move(m)));
    total += value.size();
  }
  if (total > kMaxSecretSize) errs.push_back(too_long(Path("data"), "", kMaxSecretSize));
  append(errs, validate_secret_type(s, data));
  return errs;
}

ErrorList validate_secret_update(const core_v1::Secret& s, const core_v1::Secret& old) {
  ErrorList errs = validate_immutable(s.type == old.type, quoted(s.type), Path("type"));
  append(errs, validate_immutable_data(s.immutable, old.immutable, secret_data(s) == secret_data(old), true, false));
  append(errs, validate_secret(s));
  return errs;
}

ErrorList validate_replication_controller(const core_v1::ReplicationController& rc) {
  const Path spec("spec");
  ErrorList errs = validate_nonnegative(rc.spec.minReadySeconds, spec.child("minReadySeconds"));
  if (rc.spec.selector.empty()) errs.push_back(required(spec.child("selector")));
  append(errs, validate_nonnegative(rc.spec.replicas.value_or(0), spec.child("replicas")));
  append(errs, validate_rc_template(rc.spec, spec.child("template")));
  return errs;
}

}  // namespace kubepp::api::validation

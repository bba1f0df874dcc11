// pod_container.cpp — the rules of one container and of the three lists of them
// (validateContainers, validateInitContainers, validateEphemeralContainers): names, image,
// ports, environment, mounts, probes and lifecycle hooks. Resources are in
// pod_resources.cpp, security contexts in pod_security.cpp.
#include <algorithm>
#include <cctype>

#include "cluster/api/names.h"
#include "cluster/api/validation/core_v1.h"
#include "cluster/api/validation/meta.h"
#include "cluster/api/validation/pod_parts.h"

namespace kubepp::api::validation {

std::vector<std::string> is_valid_port_name(std::string_view port) {
  std::vector<std::string> errs;
  if (port.size() > 15) errs.push_back(max_len_error(15));
  auto allowed = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'; };
  if (port.empty() || !std::all_of(port.begin(), port.end(), allowed)) {
    errs.push_back("must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)");
  }
  if (std::none_of(port.begin(), port.end(), [](char c) { return c >= 'a' && c <= 'z'; })) {
    errs.push_back("must contain at least one letter (a-z)");
  }
  if (port.find("--") != std::string_view::npos) errs.push_back("must not contain consecutive hyphens");
  if (!port.empty() && (port.front() == '-' || port.back() == '-')) errs.push_back("must not begin or end with a hyphen");
  return errs;
}

ErrorList validate_port_num_or_name(const IntOrString& port, const Path& path) {
  ErrorList errs;
  if (port.is_int()) {
    for (std::string& msg : is_valid_port_num(port.int_value)) {
      errs.push_back(invalid(path, std::to_string(port.int_value), std::move(msg)));
    }
  } else {
    for (std::string& msg : is_valid_port_name(port.str_value)) errs.push_back(invalid(path, quoted(port.str_value), std::move(msg)));
  }
  return errs;
}

}  // namespace kubepp::api::validation

namespace kubepp::api::validation::podspec {

namespace {

using core_v1::Container;

bool contains(const std::vector<std::string>& values, std::string_view v) {
  return std::find(values.begin(), values.end(), v) != values.end();
}

// ---- ports ---------------------------------------------------------------------------------

const std::vector<std::string> kProtocols = {"SCTP", "TCP", "UDP"};

ErrorList validate_container_ports(const std::vector<core_v1::ContainerPort>& ports, const Path& path) {
  ErrorList errs;
  std::set<std::string> names;
  for (size_t i = 0; i < ports.size(); i++) {
    const core_v1::ContainerPort& port = ports[i];
    const Path at = path.index(i);
    if (!port.name.empty()) {
      std::vector<std::string> msgs = is_valid_port_name(port.name);
      for (std::string& msg : msgs) errs.push_back(invalid(at.child("name"), quoted(port.name), std::move(msg)));
      if (msgs.empty() && !names.insert(port.name).second) errs.push_back(duplicate(at.child("name"), quoted(port.name)));
    }
    if (port.containerPort == 0) {
      errs.push_back(required(at.child("containerPort")));
    } else {
      for (std::string& msg : is_valid_port_num(port.containerPort)) {
        errs.push_back(invalid(at.child("containerPort"), std::to_string(port.containerPort), std::move(msg)));
      }
    }
    if (port.hostPort != 0) {
      for (std::string& msg : is_valid_port_num(port.hostPort)) {
        errs.push_back(invalid(at.child("hostPort"), std::to_string(port.hostPort), std::move(msg)));
      }
    }
    if (port.protocol.empty()) {
      errs.push_back(required(at.child("protocol")));
    } else if (!contains(kProtocols, port.protocol)) {
      errs.push_back(not_supported(at.child("protocol"), quoted(port.protocol), kProtocols));
    }
  }
  return errs;
}

/// AccumulateUniqueHostPorts: a protocol/hostIP/hostPort may be used once.
ErrorList check_host_port_conflicts(const std::vector<const Container*>& containers, const Path& path) {
  ErrorList errs;
  std::set<std::string> seen;
  for (size_t ci = 0; ci < containers.size(); ci++) {
    const std::vector<core_v1::ContainerPort>& ports = containers[ci]->ports;
    for (size_t pi = 0; pi < ports.size(); pi++) {
      if (ports[pi].hostPort == 0) continue;
      std::string key = ports[pi].protocol + "/" + ports[pi].hostIP + "/" + std::to_string(ports[pi].hostPort);
      if (!seen.insert(key).second) {
        errs.push_back(duplicate(path.index(ci).child("ports").index(pi).child("hostPort"), quoted(key)));
      }
    }
  }
  return errs;
}

// ---- environment ---------------------------------------------------------------------------

// IsRelaxedEnvVarName (RelaxedEnvironmentVariableValidation, on by default): printable
// ASCII other than '='.
std::vector<std::string> is_relaxed_env_var_name(std::string_view name) {
  std::vector<std::string> errs;
  if (name.empty()) errs.push_back("environment variable name " + empty_error());
  for (unsigned char c : name) {
    if (c < 0x20 || c > 0x7e || c == '=') {
      errs.push_back("a valid environment variable name must consist only of printable ASCII characters other than '='");
      break;
    }
  }
  return errs;
}

/// validateConfigMapKeySelector and validateSecretKeySelector: the name as a DNS
/// subdomain (even when empty) and the key.
ErrorList validate_key_selector(const std::string& name, const std::string& key, const Path& path) {
  ErrorList errs;
  for (std::string& msg : name_is_dns_subdomain(name, false)) errs.push_back(invalid(path.child("name"), quoted(name), std::move(msg)));
  if (key.empty()) {
    errs.push_back(required(path.child("key")));
  } else {
    for (std::string& msg : is_config_map_key(key)) errs.push_back(invalid(path.child("key"), quoted(key), std::move(msg)));
  }
  return errs;
}

ErrorList validate_env_var_value_from(const core_v1::EnvVar& ev, const Path& path) {
  if (!ev.valueFrom) return {};
  const core_v1::EnvVarSource& from = *ev.valueFrom;
  ErrorList errs;
  int count = 0;
  if (from.fieldRef) {
    count++;
    append(errs, validate_object_field_selector(*from.fieldRef, env_field_paths(), path.child("fieldRef")));
  }
  if (from.resourceFieldRef) {
    count++;
    append(errs, validate_container_resource_field_selector(*from.resourceFieldRef, path.child("resourceFieldRef"), false));
  }
  if (from.configMapKeyRef) {
    count++;
    append(errs, validate_key_selector(from.configMapKeyRef->name, from.configMapKeyRef->key, path.child("configMapKeyRef")));
  }
  if (from.secretKeyRef) {
    count++;
    append(errs, validate_key_selector(from.secretKeyRef->name, from.secretKeyRef->key, path.child("secretKeyRef")));
  }
  if (count == 0) {
    errs.push_back(invalid(path, quoted(""), "must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`"));
  } else if (!ev.value.empty()) {
    errs.push_back(invalid(path, quoted(""), "may not be specified when `value` is not empty"));
  } else if (count > 1) {
    errs.push_back(invalid(path, quoted(""), "may not have more than one field specified at a time"));
  }
  return errs;
}

ErrorList validate_env(const std::vector<core_v1::EnvVar>& vars, const Path& path) {
  ErrorList errs;
  for (size_t i = 0; i < vars.size(); i++) {
    const Path at = path.index(i);
    if (vars[i].name.empty()) {
      errs.push_back(required(at.child("name")));
    } else {
      for (std::string& msg : is_relaxed_env_var_name(vars[i].name)) {
        errs.push_back(invalid(at.child("name"), quoted(vars[i].name), std::move(msg)));
      }
    }
    append(errs, validate_env_var_value_from(vars[i], at.child("valueFrom")));
  }
  return errs;
}

ErrorList validate_env_source_name(const std::string& name, const Path& path) {
  if (name.empty()) return {required(path)};
  ErrorList errs;
  for (std::string& msg : name_is_dns_subdomain(name, true)) errs.push_back(invalid(path, quoted(name), std::move(msg)));
  return errs;
}

ErrorList validate_env_from(const std::vector<core_v1::EnvFromSource>& sources, const Path& path) {
  ErrorList errs;
  for (size_t i = 0; i < sources.size(); i++) {
    const core_v1::EnvFromSource& s = sources[i];
    const Path at = path.index(i);
    if (!s.prefix.empty()) {
      for (std::string& msg : is_relaxed_env_var_name(s.prefix)) errs.push_back(invalid(at.child("prefix"), quoted(s.prefix), std::move(msg)));
    }
    int count = 0;
    if (s.configMapRef) {
      count++;
      append(errs, validate_env_source_name(s.configMapRef->name, at.child("configMapRef").child("name")));
    }
    if (s.secretRef) {
      count++;
      append(errs, validate_env_source_name(s.secretRef->name, at.child("secretRef").child("name")));
    }
    // Upstream reports these two at the list's path.
    if (count == 0) errs.push_back(invalid(path, quoted(""), "must specify one of: `configMapRef` or `secretRef`"));
    else if (count > 1) errs.push_back(invalid(path, quoted(""), "may not have more than one field specified at a time"));
  }
  return errs;
}

// ---- volume mounts and devices ---------------------------------------------------------------

ErrorList validate_mount_propagation(const std::string& propagation, const Container& c, const Path& path) {
  const std::vector<std::string> supported = {"Bidirectional", "HostToContainer", "None"};
  ErrorList errs;
  if (!contains(supported, propagation)) errs.push_back(not_supported(path, quoted(propagation), supported));
  const bool privileged = c.securityContext && c.securityContext->privileged.value_or(false);
  if (propagation == "Bidirectional" && !privileged) {
    errs.push_back(forbidden(path, "Bidirectional mount propagation is available only to privileged containers"));
  }
  return errs;
}

ErrorList validate_mount_recursive_read_only(const core_v1::VolumeMount& m, const Path& path) {
  if (!m.recursiveReadOnly) return {};
  const std::string& rro = *m.recursiveReadOnly;
  ErrorList errs;
  if (rro == "Enabled" || rro == "IfPossible") {
    if (!m.readOnly) errs.push_back(forbidden(path, "may only be specified when readOnly is true"));
    if (m.mountPropagation && *m.mountPropagation != "None") {
      errs.push_back(forbidden(path, "may only be specified when mountPropagation is None or not specified"));
    }
  } else if (rro != "Disabled") {
    errs.push_back(not_supported(path, quoted(rro), {"Disabled", "Enabled", "IfPossible"}));
  }
  return errs;
}

ErrorList validate_volume_mounts(const Container& c, const VolumeMap& volumes, const Path& path) {
  ErrorList errs;
  std::set<std::string> mount_points;
  auto in_devices = [&](auto member, const std::string& v) {
    return std::any_of(c.volumeDevices.begin(), c.volumeDevices.end(), [&](const auto& d) { return d.*member == v; });
  };
  for (size_t i = 0; i < c.volumeMounts.size(); i++) {
    const core_v1::VolumeMount& m = c.volumeMounts[i];
    const Path at = path.index(i);
    if (m.name.empty()) errs.push_back(required(at.child("name")));
    auto volume = volumes.find(m.name);
    if (volume == volumes.end()) errs.push_back(not_found(at.child("name"), quoted(m.name)));
    if (m.mountPath.empty()) errs.push_back(required(at.child("mountPath")));
    if (!mount_points.insert(m.mountPath).second) errs.push_back(invalid(at.child("mountPath"), quoted(m.mountPath), "must be unique"));
    if (in_devices(&core_v1::VolumeDevice::name, m.name)) {
      errs.push_back(invalid(at.child("name"), quoted(m.name), "must not already exist in volumeDevices"));
    }
    if (in_devices(&core_v1::VolumeDevice::devicePath, m.mountPath)) {
      errs.push_back(invalid(at.child("mountPath"), quoted(m.mountPath), "must not already exist as a path in volumeDevices"));
    }
    if (volume != volumes.end() && volume->second->image) {
      if (!m.subPath.empty()) errs.push_back(invalid(at.child("subPath"), quoted(m.subPath), "not allowed in image volume sources"));
      if (!m.subPathExpr.empty()) {
        errs.push_back(invalid(at.child("subPathExpr"), quoted(m.subPathExpr), "not allowed in image volume sources"));
      }
    }
    // Upstream checks the sub-paths at the list's path, without the mount's index.
    if (!m.subPath.empty()) append(errs, validate_local_descending_path(m.subPath, path.child("subPath")));
    if (!m.subPathExpr.empty()) {
      if (!m.subPath.empty()) {
        errs.push_back(invalid(at.child("subPathExpr"), quoted(m.subPathExpr), "subPathExpr and subPath are mutually exclusive"));
      }
      append(errs, validate_local_descending_path(m.subPathExpr, path.child("subPathExpr")));
    }
    if (m.mountPropagation) append(errs, validate_mount_propagation(*m.mountPropagation, c, path.child("mountPropagation")));
    append(errs, validate_mount_recursive_read_only(m, path.child("recursiveReadOnly")));
  }
  return errs;
}

ErrorList validate_volume_devices(const Container& c, const VolumeMap& volumes, const Path& path) {
  ErrorList errs;
  std::set<std::string> names, paths;
  for (size_t i = 0; i < c.volumeDevices.size(); i++) {
    const core_v1::VolumeDevice& d = c.volumeDevices[i];
    const Path at = path.index(i);
    auto volume = volumes.find(d.name);
    const bool matched = volume != volumes.end();
    const bool claim = matched && (volume->second->persistentVolumeClaim || volume->second->ephemeral);
    if (d.name.empty()) errs.push_back(required(at.child("name")));
    if (names.contains(d.name)) errs.push_back(invalid(at.child("name"), quoted(d.name), "must be unique"));
    if (matched && !claim) {
      errs.push_back(invalid(at.child("name"), quoted(d.name),
                             "can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode"));
    }
    if (!matched) errs.push_back(not_found(at.child("name"), quoted(d.name)));
    if (d.devicePath.empty()) errs.push_back(required(at.child("devicePath")));
    if (paths.contains(d.devicePath)) errs.push_back(invalid(at.child("devicePath"), quoted(d.devicePath), "must be unique"));
    if (!d.devicePath.empty() && !validate_path_no_backsteps(d.devicePath, at).empty()) {
      errs.push_back(invalid(at.child("devicePath"), quoted(d.devicePath), "can not contain backsteps ('..')"));
    } else {
      paths.insert(d.devicePath);
    }
    auto mounted = [&](auto member, const std::string& v) {
      return std::any_of(c.volumeMounts.begin(), c.volumeMounts.end(), [&](const auto& m) { return m.*member == v; });
    };
    if (mounted(&core_v1::VolumeMount::name, d.name)) {
      errs.push_back(invalid(at.child("name"), quoted(d.name), "must not already exist in volumeMounts"));
    }
    if (mounted(&core_v1::VolumeMount::mountPath, d.devicePath)) {
      errs.push_back(invalid(at.child("devicePath"), quoted(d.devicePath), "must not already exist as a path in volumeMounts"));
    }
    if (!d.name.empty()) names.insert(d.name);
  }
  return errs;
}

// ---- probes and lifecycle hooks ----------------------------------------------------------------

/// commonHandler: the actions a probe or a hook may hold.
struct Handler {
  const std::optional<core_v1::ExecAction>* exec = nullptr;
  const std::optional<core_v1::HTTPGetAction>* http_get = nullptr;
  const std::optional<core_v1::TCPSocketAction>* tcp_socket = nullptr;
  const std::optional<core_v1::GRPCAction>* grpc = nullptr;
  const std::optional<core_v1::SleepAction>* sleep = nullptr;
};

ErrorList validate_http_get_action(const core_v1::HTTPGetAction& http, const Path& path) {
  ErrorList errs;
  if (http.path.empty()) errs.push_back(required(path.child("path")));
  append(errs, validate_port_num_or_name(http.port, path.child("port")));
  if (http.scheme != "HTTP" && http.scheme != "HTTPS") {
    errs.push_back(not_supported(path.child("scheme"), quoted(http.scheme), {"HTTP", "HTTPS"}));
  }
  for (const core_v1::HTTPHeader& header : http.httpHeaders) {
    auto allowed = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-'; };
    if (header.name.empty() || !std::all_of(header.name.begin(), header.name.end(), allowed)) {
      errs.push_back(invalid(path.child("httpHeaders"), quoted(header.name),
                             regex_error("a valid HTTP header must consist of alphanumeric characters or '-'",
                                         "[-A-Za-z0-9]+", {"X-Header-Name"})));
    }
  }
  return errs;
}

ErrorList validate_sleep_action(const core_v1::SleepAction& sleep, std::optional<std::int64_t> grace, const Path& path) {
  // PodLifecycleSleepActionAllowZero is on by default: zero seconds is allowed.
  if (!grace || (sleep.seconds >= 0 && sleep.seconds <= *grace)) return {};
  return {invalid(path, std::to_string(sleep.seconds),
                  "must be non-negative and less than terminationGracePeriodSeconds (" + std::to_string(*grace) + ")")};
}

ErrorList validate_handler(const Handler& h, std::optional<std::int64_t> grace, const Path& path) {
  ErrorList errs;
  int count = 0;
  auto one = [&](bool set, std::string_view name, auto&& rules) {
    if (!set) return;
    if (count > 0) {
      errs.push_back(forbidden(path.child(name), "may not specify more than 1 handler type"));
      return;
    }
    count++;
    append(errs, rules(path.child(name)));
  };
  one(h.exec && h.exec->has_value(), "exec", [&](const Path& p) {
    return (*h.exec)->command.empty() ? ErrorList{required(p.child("command"))} : ErrorList{};
  });
  one(h.http_get && h.http_get->has_value(), "httpGet", [&](const Path& p) { return validate_http_get_action(**h.http_get, p); });
  one(h.tcp_socket && h.tcp_socket->has_value(), "tcpSocket",
      [&](const Path& p) { return validate_port_num_or_name((*h.tcp_socket)->port, p.child("port")); });
  one(h.grpc && h.grpc->has_value(), "grpc",
      [&](const Path& p) { return validate_port_num_or_name(IntOrString::from_int((*h.grpc)->port), p.child("port")); });
  one(h.sleep && h.sleep->has_value(), "sleep", [&](const Path& p) { return validate_sleep_action(**h.sleep, grace, p); });
  if (count == 0) errs.push_back(required(path, "must specify a handler type"));
  return errs;
}

ErrorList validate_probe(const core_v1::Probe& probe, std::optional<std::int64_t> grace, const Path& path) {
  ErrorList errs = validate_handler({&probe.exec, &probe.httpGet, &probe.tcpSocket, &probe.grpc, nullptr}, grace, path);
  append(errs, validate_nonnegative(probe.initialDelaySeconds, path.child("initialDelaySeconds")));
  append(errs, validate_nonnegative(probe.timeoutSeconds, path.child("timeoutSeconds")));
  append(errs, validate_nonnegative(probe.periodSeconds, path.child("periodSeconds")));
  append(errs, validate_nonnegative(probe.successThreshold, path.child("successThreshold")));
  append(errs, validate_nonnegative(probe.failureThreshold, path.child("failureThreshold")));
  if (probe.terminationGracePeriodSeconds && *probe.terminationGracePeriodSeconds <= 0) {
    errs.push_back(invalid(path.child("terminationGracePeriodSeconds"), std::to_string(*probe.terminationGracePeriodSeconds),
                           "must be greater than 0"));
  }
  return errs;
}

enum class ProbeKind { Liveness, Readiness, Startup };

ErrorList validate_probe_of(ProbeKind kind, const std::optional<core_v1::Probe>& probe, std::optional<std::int64_t> grace,
                            const Path& path) {
  if (!probe) return {};
  ErrorList errs = validate_probe(*probe, grace, path);
  if (kind != ProbeKind::Readiness && probe->successThreshold != 1) {
    errs.push_back(invalid(path.child("successThreshold"), std::to_string(probe->successThreshold), "must be 1"));
  }
  if (kind == ProbeKind::Readiness && probe->terminationGracePeriodSeconds) {
    errs.push_back(invalid(path.child("terminationGracePeriodSeconds"), std::to_string(*probe->terminationGracePeriodSeconds),
                           "must not be set for readinessProbes"));
  }
  return errs;
}

ErrorList validate_lifecycle(const core_v1::Lifecycle& lifecycle, std::optional<std::int64_t> grace, const Path& path) {
  ErrorList errs;
  for (auto [hook, name] : {std::pair{&lifecycle.postStart, "postStart"}, std::pair{&lifecycle.preStop, "preStop"}}) {
    if (!*hook) continue;
    const core_v1::LifecycleHandler& h = **hook;
    append(errs, validate_handler({&h.exec, &h.httpGet, &h.tcpSocket, nullptr, &h.sleep}, grace, path.child(name)));
  }
  return errs;
}

/// The lifecycle and the three probes of a regular container or a sidecar.
ErrorList validate_lifecycle_and_probes(const Container& c, std::optional<std::int64_t> grace, const Path& path) {
  ErrorList errs;
  if (c.lifecycle) append(errs, validate_lifecycle(*c.lifecycle, grace, path.child("lifecycle")));
  append(errs, validate_probe_of(ProbeKind::Liveness, c.livenessProbe, grace, path.child("livenessProbe")));
  append(errs, validate_probe_of(ProbeKind::Readiness, c.readinessProbe, grace, path.child("readinessProbe")));
  append(errs, validate_probe_of(ProbeKind::Startup, c.startupProbe, grace, path.child("startupProbe")));
  return errs;
}

// ---- the rest of a container ---------------------------------------------------------------------

ErrorList validate_resize_policy(const std::vector<core_v1::ContainerResizePolicy>& policies,
                                 std::string_view pod_restart_policy, const Path& path) {
  ErrorList errs;
  std::set<std::string> seen;
  for (size_t i = 0; i < policies.size(); i++) {
    const core_v1::ContainerResizePolicy& p = policies[i];
    if (!seen.insert(p.resourceName).second) errs.push_back(duplicate(path.index(i), quoted(p.resourceName)));
    if (p.resourceName.empty()) errs.push_back(required(path));
    else if (p.resourceName != "cpu" && p.resourceName != "memory") {
      errs.push_back(not_supported(path, quoted(p.resourceName), {"cpu", "memory"}));
    }
    if (p.restartPolicy.empty()) errs.push_back(required(path));
    else if (p.restartPolicy != "NotRequired" && p.restartPolicy != "RestartContainer") {
      errs.push_back(not_supported(path, quoted(p.restartPolicy), {"NotRequired", "RestartContainer"}));
    }
    if (pod_restart_policy == "Never" && p.restartPolicy != "NotRequired") {
      errs.push_back(invalid(path, quoted(p.restartPolicy), "must be 'NotRequired' when `restartPolicy` is 'Never'"));
    }
  }
  return errs;
}

/// validateContainerCommon: what every container, of any of the three lists, must satisfy.
ErrorList validate_container_common(const Container& c, const PodContext& pod, const Path& path) {
  ErrorList errs;
  if (c.name.empty()) {
    errs.push_back(required(path.child("name")));
  } else {
    for (std::string& msg : is_dns1123_label(c.name)) errs.push_back(invalid(path.child("name"), quoted(c.name), std::move(msg)));
  }
  if (c.image.empty()) errs.push_back(required(path.child("image")));
  const std::string& tmp = c.terminationMessagePolicy;
  if (tmp.empty()) {
    errs.push_back(required(path.child("terminationMessagePolicy")));
  } else if (tmp != "File" && tmp != "FallbackToLogsOnError") {
    errs.push_back(not_supported(path.child("terminationMessagePolicy"), quoted(tmp), {"File", "FallbackToLogsOnError"}));
  }
  append(errs, validate_container_ports(c.ports, path.child("ports")));
  append(errs, validate_env(c.env, path.child("env")));
  append(errs, validate_env_from(c.envFrom, path.child("envFrom")));
  append(errs, validate_volume_mounts(c, pod.volumes, path.child("volumeMounts")));
  append(errs, validate_volume_devices(c, pod.volumes, path.child("volumeDevices")));
  append(errs, validate_pull_policy(c.imagePullPolicy, path.child("imagePullPolicy")));
  append(errs, validate_container_resource_requirements(c.resources, pod.claim_names, path.child("resources")));
  append(errs, validate_resize_policy(c.resizePolicy, pod.spec.restartPolicy, path.child("resizePolicy")));
  append(errs, validate_security_context(c.securityContext, path.child("securityContext"), pod.host_users));
  return errs;
}

}  // namespace

core_v1::Container as_container(const core_v1::EphemeralContainerCommon& e) {
  return Container{.name = e.name,
                   .image = e.image,
                   .command = e.command,
                   .args = e.args,
                   .workingDir = e.workingDir,
                   .ports = e.ports,
                   .envFrom = e.envFrom,
                   .env = e.env,
                   .resources = e.resources,
                   .resizePolicy = e.resizePolicy,
                   .restartPolicy = e.restartPolicy,
                   .restartPolicyRules = e.restartPolicyRules,
                   .volumeMounts = e.volumeMounts,
                   .volumeDevices = e.volumeDevices,
                   .livenessProbe = e.livenessProbe,
                   .readinessProbe = e.readinessProbe,
                   .startupProbe = e.startupProbe,
                   .lifecycle = e.lifecycle,
                   .terminationMessagePath = e.terminationMessagePath,
                   .terminationMessagePolicy = e.terminationMessagePolicy,
                   .imagePullPolicy = e.imagePullPolicy,
                   .securityContext = e.securityContext,
                   .stdin = e.stdin,
                   .stdinOnce = e.stdinOnce,
                   .tty = e.tty};
}

ErrorList validate_pull_policy(std::string_view policy, const Path& path) {
  if (policy == "Always" || policy == "IfNotPresent" || policy == "Never") return {};
  if (policy.empty()) return {required(path)};
  return {not_supported(path, quoted(policy), {"Always", "IfNotPresent", "Never"})};
}

ErrorList validate_container_only_for_pod(const std::string& image, const Path& path) {
  auto space = [](unsigned char c) { return std::isspace(c) != 0; };
  if (image.empty() || (!space(image.front()) && !space(image.back()))) return {};
  return {invalid(path.child("image"), quoted(image), "must not have leading or trailing whitespace")};
}

ErrorList validate_containers(const PodContext& pod, const Path& path) {
  const std::vector<Container>& containers = pod.spec.containers;
  if (containers.empty()) return {required(path)};
  ErrorList errs;
  std::set<std::string> names;
  std::vector<const Container*> all;
  for (size_t i = 0; i < containers.size(); i++) {
    const Container& c = containers[i];
    const Path at = path.index(i);
    append(errs, validate_container_common(c, pod, at));
    if (!names.insert(c.name).second) errs.push_back(duplicate(at.child("name"), quoted(c.name)));
    append(errs, validate_lifecycle_and_probes(c, pod.grace_period, at));
    if (c.restartPolicy) errs.push_back(forbidden(at.child("restartPolicy"), "may not be set for non-init containers"));
    all.push_back(&c);
  }
  append(errs, check_host_port_conflicts(all, path));
  return errs;
}

ErrorList validate_init_containers(const PodContext& pod, const Path& path) {
  ErrorList errs;
  std::set<std::string> names;
  for (const Container& c : pod.spec.containers) names.insert(c.name);
  const char* const not_sidecar = "may not be set for init containers without restartPolicy=Always";
  for (size_t i = 0; i < pod.spec.initContainers.size(); i++) {
    const Container& c = pod.spec.initContainers[i];
    const Path at = path.index(i);
    append(errs, validate_container_common(c, pod, at));
    bool sidecar = false;
    if (c.restartPolicy) {
      if (*c.restartPolicy != "Always") errs.push_back(not_supported(at.child("restartPolicy"), quoted(*c.restartPolicy), {"Always"}));
      sidecar = *c.restartPolicy == "Always";
    }
    if (names.contains(c.name)) errs.push_back(duplicate(at.child("name"), quoted(c.name)));
    else if (!c.name.empty()) names.insert(c.name);
    // Init containers run one by one: each is checked alone, as the first of a list.
    append(errs, check_host_port_conflicts({&c}, path));
    if (sidecar) {
      append(errs, validate_lifecycle_and_probes(c, pod.grace_period, at));
    } else {
      if (c.lifecycle) errs.push_back(forbidden(at.child("lifecycle"), not_sidecar));
      if (c.livenessProbe) errs.push_back(forbidden(at.child("livenessProbe"), not_sidecar));
      if (c.readinessProbe) errs.push_back(forbidden(at.child("readinessProbe"), not_sidecar));
      if (c.startupProbe) errs.push_back(forbidden(at.child("startupProbe"), not_sidecar));
    }
  }
  return errs;
}

ErrorList validate_ephemeral_containers(const PodContext& pod, const Path& path) {
  ErrorList errs;
  std::set<std::string> others, all;
  for (const Container& c : pod.spec.containers) others.insert(c.name);
  for (const Container& c : pod.spec.initContainers) others.insert(c.name);
  all = others;
  const char* const not_allowed = "cannot be set for an Ephemeral Container";
  for (size_t i = 0; i < pod.spec.ephemeralContainers.size(); i++) {
    const core_v1::EphemeralContainer& e = pod.spec.ephemeralContainers[i];
    const Path at = path.index(i);
    const Container c = as_container(e);
    append(errs, validate_container_common(c, pod, at));
    append(errs, validate_container_only_for_pod(c.image, at));
    if (!all.insert(e.name).second) errs.push_back(duplicate(at.child("name"), quoted(e.name)));
    if (!e.targetContainerName.empty() && !others.contains(e.targetContainerName)) {
      errs.push_back(not_found(at.child("targetContainerName"), quoted(e.targetContainerName)));
    }
    // The fields an ephemeral container may not set, in the struct's order.
    const std::pair<bool, const char*> disallowed[] = {
        {!c.ports.empty(), "ports"},
        {c.resources != core_v1::ResourceRequirements{}, "resources"},
        {!c.resizePolicy.empty(), "resizePolicy"},
        {c.restartPolicy.has_value(), "restartPolicy"},
        {!c.restartPolicyRules.empty(), "restartPolicyRules"},
        {c.livenessProbe.has_value(), "livenessProbe"},
        {c.readinessProbe.has_value(), "readinessProbe"},
        {c.startupProbe.has_value(), "startupProbe"},
        {c.lifecycle.has_value(), "lifecycle"},
    };
    for (const auto& [set, name] : disallowed) {
      if (set) errs.push_back(forbidden(at.child(name), not_allowed));
    }
    for (size_t m = 0; m < e.volumeMounts.size(); m++) {
      const Path mount = at.child("volumeMounts").index(m);
      if (!e.volumeMounts[m].subPath.empty()) errs.push_back(forbidden(mount.child("subPath"), not_allowed));
      if (!e.volumeMounts[m].subPathExpr.empty()) errs.push_back(forbidden(mount.child("subPathExpr"), not_allowed));
    }
  }
  return errs;
}

}  // namespace kubepp::api::validation::podspec

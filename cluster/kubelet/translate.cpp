// translate.cpp — the kubelet's sysctl admission, generatePodSandboxConfig and
// generateContainerConfig (pkg/kubelet/kuberuntime: kuberuntime_sandbox.go,
// kuberuntime_container.go, kuberuntime_container_linux.go, security_context.go,
// labels.go; pkg/securitycontext; the kubelet's GeneratePodHostNameAndDomain).
//
// Left out, because the CRI structs of runtime/cri/api.h have no place for them: seccomp
// and AppArmor profiles, SELinux labels, procMount, user namespaces, devices, the image
// volume feature, the sandbox's run_as_group and supplemental groups, stdinOnce, and the
// stop signal. Also left out: hostnameOverride (an alpha feature, off by default) and
// setHostnameAsFQDN, which needs a cluster domain kubepp has none of yet.
#include "cluster/kubelet/translate.h"

#include <algorithm>
#include <cstdio>
#include <set>

#include <nlohmann/json.hpp>

#include "cluster/api/codec.h"
#include "cluster/api/field.h"
#include "cluster/api/names.h"
#include "cluster/kubelet/dns.h"
#include "cluster/kubelet/env.h"
#include "cluster/kubelet/sysctl.h"

namespace kubepp::kubelet {

using api::core_v1::Container;
using api::core_v1::Pod;
using runtime::cri::NamespaceMode;

namespace {

std::string pod_namespace(const Pod& pod) {
  return pod.metadata.namespace_.empty() ? "default" : pod.metadata.namespace_;
}

// Calls `visit` on every init, regular and ephemeral container (VisitContainers).
template <typename Visit>
void visit_containers(const Pod& pod, Visit&& visit) {
  for (const Container& c : pod.spec.initContainers) visit(c.securityContext);
  for (const Container& c : pod.spec.containers) visit(c.securityContext);
  for (const auto& c : pod.spec.ephemeralContainers) visit(c.securityContext);
}

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : std::string(separator)) + p;
  return out;
}

}  // namespace

// ---- admission ------------------------------------------------------------------------------------

std::optional<PodRejection> admit_pod(const Pod& pod, const SandboxOptions& options) {
  if (!pod.spec.securityContext || pod.spec.securityContext->sysctls.empty()) return std::nullopt;

  std::vector<std::string> patterns = safe_sysctls(options.kernel_version);
  patterns.insert(patterns.end(), options.allowed_unsafe_sysctls.begin(), options.allowed_unsafe_sysctls.end());
  auto allowlist = SysctlAllowlist::create(patterns);
  if (!allowlist) allowlist = SysctlAllowlist::create(safe_sysctls(options.kernel_version));

  for (const auto& sysctl : pod.spec.securityContext->sysctls) {
    Status allowed = allowlist.value().validate(sysctl.name, pod.spec.hostNetwork, pod.spec.hostIPC);
    if (!allowed) return PodRejection{kSysctlForbidden, "forbidden sysctl: " + allowed.error().message};
  }
  return std::nullopt;
}

// ---- the sandbox ----------------------------------------------------------------------------------

runtime::cri::NamespaceOption namespaces_for_pod(const Pod& pod) {
  runtime::cri::NamespaceOption ns;
  ns.network = pod.spec.hostNetwork ? NamespaceMode::NODE : NamespaceMode::POD;
  ns.ipc = pod.spec.hostIPC ? NamespaceMode::NODE : NamespaceMode::POD;
  if (pod.spec.hostPID) {
    ns.pid = NamespaceMode::NODE;
  } else if (pod.spec.shareProcessNamespace.value_or(false)) {
    ns.pid = NamespaceMode::POD;
  } else {
    ns.pid = NamespaceMode::CONTAINER;
  }
  return ns;
}

std::string format_pod(const Pod& pod) {
  return pod.metadata.name + "_" + pod.metadata.namespace_ + "(" + pod.metadata.uid + ")";
}

namespace {

// truncatePodHostnameIfNeeded: a host name holds at most 63 characters (64 bytes with
// the terminating NUL), and must not end with `-` or `.` once cut.
Result<std::string> truncate_hostname(const Pod& pod, const std::string& hostname) {
  constexpr size_t kHostnameMaxLen = 63;
  if (hostname.size() <= kHostnameMaxLen) return hostname;
  std::string cut = hostname.substr(0, kHostnameMaxLen);
  while (!cut.empty() && (cut.back() == '-' || cut.back() == '.')) cut.pop_back();
  if (cut.empty()) {
    return Error{ErrorCode::Invalid, "hostname for pod " + api::quoted(pod.metadata.name) + " was invalid: " +
                                         api::quoted(hostname)};
  }
  return cut;
}

// GeneratePodHostNameAndDomain, the host name half: spec.hostname or the pod's name. The
// subdomain is checked as upstream checks it, though without a cluster domain it names
// no domain yet.
Result<std::string> pod_hostname(const Pod& pod) {
  std::string hostname = pod.metadata.name;
  if (!pod.spec.hostname.empty()) {
    std::vector<std::string> errs = api::is_dns1123_label(pod.spec.hostname);
    if (!errs.empty()) {
      return Error{ErrorCode::Invalid, "pod Hostname " + api::quoted(pod.spec.hostname) +
                                           " is not a valid DNS label: " + join(errs, ";")};
    }
    hostname = pod.spec.hostname;
  }
  auto truncated = truncate_hostname(pod, hostname);
  if (!truncated) return truncated;
  if (!pod.spec.subdomain.empty()) {
    std::vector<std::string> errs = api::is_dns1123_label(pod.spec.subdomain);
    if (!errs.empty()) {
      return Error{ErrorCode::Invalid, "pod Subdomain " + api::quoted(pod.spec.subdomain) +
                                           " is not a valid DNS label: " + join(errs, ";")};
    }
  }
  return truncated;
}

// toRuntimeProtocol: TCP, UDP and SCTP pass; anything else (unset too) is TCP.
std::string runtime_protocol(const std::string& protocol) {
  return protocol == "UDP" || protocol == "SCTP" ? protocol : "TCP";
}

// MakePortMappings for every container, keeping those with a host port. Upstream passes
// every port and the runtime's port mapper skips hostPort 0; kubepp leaves those out here.
// A port is known by its name, or by family, protocol, host IP and both ports when it has
// none; a second port of a container with the same key is dropped.
std::vector<runtime::cri::PortMapping> port_mappings(const Pod& pod) {
  std::vector<runtime::cri::PortMapping> out;
  for (const Container& c : pod.spec.containers) {
    std::set<std::string> names;
    for (const auto& p : c.ports) {
      std::string name = p.name;
      if (name.empty()) {
        const char* family = p.hostIP.empty() ? "any" : (p.hostIP.find(':') != std::string::npos ? "v6" : "v4");
        name = std::string(family) + "-" + p.protocol + "-" + p.hostIP + ":" + std::to_string(p.containerPort) + ":" +
               std::to_string(p.hostPort);
      }
      if (!names.insert(name).second || p.hostPort == 0) continue;
      out.push_back({runtime_protocol(p.protocol), p.containerPort, p.hostPort, p.hostIP});
    }
  }
  return out;
}

// newPodLabels: the pod's labels and the three that tie a sandbox to its pod.
std::map<std::string, std::string> pod_labels(const Pod& pod) {
  std::map<std::string, std::string> labels = pod.metadata.labels;
  labels["io.kubernetes.pod.name"] = pod.metadata.name;
  labels["io.kubernetes.pod.namespace"] = pod_namespace(pod);
  labels["io.kubernetes.pod.uid"] = pod.metadata.uid;
  return labels;
}

// generatePodSandboxLinuxConfig, and applySandboxResources for the pod's cgroup.
runtime::cri::LinuxPodSandboxConfig sandbox_linux(const Pod& pod, const SandboxOptions& options) {
  runtime::cri::LinuxPodSandboxConfig linux;
  linux.cgroup_parent = (options.cgroup_root.empty() ? "" : options.cgroup_root + "/") + "pod" + pod.metadata.uid;
  linux.namespace_options = namespaces_for_pod(pod);
  // HasPrivilegedContainer: the sandbox is privileged when any container is, so that the
  // runtime sets the pod up (devices, sysfs) for a privileged container.
  visit_containers(pod, [&](const auto& sc) { linux.privileged |= sc && sc->privileged.value_or(false); });
  if (pod.spec.securityContext) {
    linux.run_as_user = pod.spec.securityContext->runAsUser;
    for (const auto& s : pod.spec.securityContext->sysctls) linux.sysctls[sysctl_to_dots(s.name)] = s.value;
  }
  linux.resources = pod_resources(pod);
  linux.resources.pids_limit = options.pod_pids_limit;
  return linux;
}

}  // namespace

Result<runtime::cri::PodSandboxConfig> make_sandbox_config(const Pod& pod, const SandboxOptions& options) {
  runtime::cri::PodSandboxConfig config;
  config.metadata = {pod.metadata.name, pod.metadata.uid, pod_namespace(pod), options.attempt};
  config.labels = pod_labels(pod);
  config.annotations = pod.metadata.annotations;
  config.dns_config = pod_dns_config(pod, options.host_dns);
  if (pod.spec.hostNetwork) {
    config.hostname = options.node_hostname;
  } else {
    auto hostname = pod_hostname(pod);
    if (!hostname) return hostname.error();
    config.hostname = std::move(hostname.value());
  }
  config.log_directory = options.log_root + "/" + pod_namespace(pod) + "_" + pod.metadata.name + "_" + pod.metadata.uid;
  config.port_mappings = port_mappings(pod);
  config.linux = sandbox_linux(pod, options);
  return config;
}

// ---- a container ----------------------------------------------------------------------------------

namespace {

// DetermineEffectiveSecurityContext: the pod's settings that a container can have too,
// overridden by those the container sets.
struct EffectiveSecurityContext {
  std::optional<api::core_v1::Capabilities> capabilities;
  std::optional<bool> privileged;
  std::optional<int64_t> run_as_user;
  std::optional<int64_t> run_as_group;
  std::optional<bool> run_as_non_root;
  std::optional<bool> read_only_root_filesystem;
  std::optional<bool> allow_privilege_escalation;
};

EffectiveSecurityContext effective_security_context(const Pod& pod, const Container& container) {
  EffectiveSecurityContext e;
  if (const auto& p = pod.spec.securityContext) {
    e.run_as_user = p->runAsUser;
    e.run_as_group = p->runAsGroup;
    e.run_as_non_root = p->runAsNonRoot;
  }
  if (const auto& c = container.securityContext) {
    if (c->capabilities) e.capabilities = c->capabilities;
    if (c->privileged) e.privileged = c->privileged;
    if (c->runAsUser) e.run_as_user = c->runAsUser;
    if (c->runAsGroup) e.run_as_group = c->runAsGroup;
    if (c->runAsNonRoot) e.run_as_non_root = c->runAsNonRoot;
    if (c->readOnlyRootFilesystem) e.read_only_root_filesystem = c->readOnlyRootFilesystem;
    if (c->allowPrivilegeEscalation) e.allow_privilege_escalation = c->allowPrivilegeEscalation;
  }
  return e;
}

// The image's user as the runtime's ImageStatus reports it: a uid when the part before
// any `:` is a number, else a name; no user at all is root (getImageUser).
struct ImageUser {
  std::optional<int64_t> uid;
  std::string name;
};

ImageUser parse_image_user(const std::string& image_user) {
  std::string user = image_user.substr(0, image_user.find(':'));
  if (user.empty()) return {0, ""};
  if (std::all_of(user.begin(), user.end(), [](unsigned char c) { return c >= '0' && c <= '9'; }) &&
      user.size() <= 18) {
    return {std::stoll(user), ""};
  }
  return {std::nullopt, user};
}

// FNV-1a, 32 bits: the hash HashContainer takes.
uint32_t fnv32a(const std::string& data) {
  uint32_t h = 2166136261u;
  for (unsigned char c : data) {
    h ^= c;
    h *= 16777619u;
  }
  return h;
}

// HashContainer: the hash of the fields whose change means a new container (the name
// and the image), over their JSON. Upstream hashes a debug dump of that JSON, so the
// numbers differ from a real kubelet's; they serve the same purpose.
std::string container_hash(const Container& c) {
  const nlohmann::json fields = {{"image", c.image}, {"name", c.name}};
  char buf[16];
  std::snprintf(buf, sizeof buf, "%x", fnv32a(fields.dump()));
  return buf;
}

// newContainerLabels.
std::map<std::string, std::string> container_labels(const Pod& pod, const Container& c) {
  return {{"io.kubernetes.container.name", c.name},
          {"io.kubernetes.pod.name", pod.metadata.name},
          {"io.kubernetes.pod.namespace", pod_namespace(pod)},
          {"io.kubernetes.pod.uid", pod.metadata.uid}};
}

// newContainerAnnotations: what the kubelet reads back from a running container to know
// what it started (its spec's hash, its restart count, how to stop it). The preStop
// handler and the ports are JSON with their keys sorted (nlohmann's objects are sorted
// maps), where Go's encoder writes them in the struct's order; a decoder reads both alike.
std::map<std::string, std::string> container_annotations(const Pod& pod, const Container& c, uint32_t attempt) {
  std::map<std::string, std::string> a = {
      {"io.kubernetes.container.hash", container_hash(c)},
      {"io.kubernetes.container.restartCount", std::to_string(attempt)},
      {"io.kubernetes.container.terminationMessagePath", c.terminationMessagePath},
      {"io.kubernetes.container.terminationMessagePolicy", c.terminationMessagePolicy},
  };
  if (pod.metadata.deletionGracePeriodSeconds) {
    a["io.kubernetes.pod.deletionGracePeriod"] = std::to_string(*pod.metadata.deletionGracePeriodSeconds);
  }
  if (pod.spec.terminationGracePeriodSeconds) {
    a["io.kubernetes.pod.terminationGracePeriod"] = std::to_string(*pod.spec.terminationGracePeriodSeconds);
  }
  if (c.lifecycle && c.lifecycle->preStop) {
    a["io.kubernetes.container.preStopHandler"] = api::to_json(*c.lifecycle->preStop).dump();
  }
  if (!c.ports.empty()) {
    nlohmann::json ports = nlohmann::json::array();
    for (const auto& p : c.ports) ports.push_back(api::to_json(p));
    a["io.kubernetes.container.ports"] = ports.dump();
  }
  return a;
}

// determineEffectiveSecurityContext: the runtime's security context of one container.
runtime::cri::LinuxContainerSecurityContext security_context(const Pod& pod, const Container& container,
                                                             const ImageUser& image_user) {
  const EffectiveSecurityContext e = effective_security_context(pod, container);
  runtime::cri::LinuxContainerSecurityContext sc;
  if (e.capabilities) {
    sc.capabilities.add_capabilities = e.capabilities->add;
    sc.capabilities.drop_capabilities = e.capabilities->drop;
  }
  sc.privileged = e.privileged.value_or(false);
  sc.readonly_rootfs = e.read_only_root_filesystem.value_or(false);
  sc.run_as_group = e.run_as_group;
  sc.run_as_user = e.run_as_user;
  if (!sc.run_as_user) {
    // The image's user, which the runtime would pick anyway; a name is for the runtime
    // to look up in the image's /etc/passwd.
    if (image_user.uid && *image_user.uid != 0) sc.run_as_user = image_user.uid;
    sc.run_as_username = image_user.name;
  }
  sc.namespace_options = namespaces_for_pod(pod);
  if (const auto& p = pod.spec.securityContext) {
    if (p->fsGroup) sc.supplemental_groups.push_back(*p->fsGroup);
    sc.supplemental_groups.insert(sc.supplemental_groups.end(), p->supplementalGroups.begin(),
                                  p->supplementalGroups.end());
  }
  // AddNoNewPrivileges: only an explicit false sets no_new_privs. The API server refuses
  // false together with privileged or CAP_SYS_ADMIN, which need to gain privileges.
  sc.no_new_privs = e.allow_privilege_escalation.has_value() && !*e.allow_privilege_escalation;
  return sc;
}

}  // namespace

Status verify_run_as_non_root(const Pod& pod, const Container& container, const std::string& image_user) {
  const EffectiveSecurityContext e = effective_security_context(pod, container);
  if (!e.run_as_non_root.value_or(false)) return {};
  const std::string where = "(pod: " + api::quoted(format_pod(pod)) + ", container: " + container.name + ")";
  if (e.run_as_user) {
    if (*e.run_as_user == 0) return Error{ErrorCode::Invalid, "container's runAsUser breaks non-root policy " + where};
    return {};
  }
  const ImageUser user = parse_image_user(image_user);
  if (user.uid && *user.uid == 0) {
    return Error{ErrorCode::Invalid, "container has runAsNonRoot and image will run as root " + where};
  }
  if (!user.uid) {
    return Error{ErrorCode::Invalid, "container has runAsNonRoot and image has non-numeric user (" + user.name +
                                         "), cannot verify user is non-root " + where};
  }
  // IsValidUserID: a uid beyond int32 is no user the kernel can run as.
  constexpr int64_t kMaxUserID = 2147483647;
  if (*user.uid > kMaxUserID) {
    return Error{ErrorCode::Invalid, "container has runAsNonRoot and image has an invalid user id (" +
                                         std::to_string(*user.uid) + "). (Must be 1-(2147483647)): must be between 0 "
                                         "and 2147483647, inclusive " + where};
  }
  return {};
}

Result<runtime::cri::ContainerConfig> make_container_config(const Pod& pod, const Container& container,
                                                            const ContainerOptions& options) {
  Status non_root = verify_run_as_non_root(pod, container, options.image_user);
  if (!non_root) return non_root.error();

  runtime::cri::ContainerConfig config;
  config.metadata = {container.name, options.attempt};
  config.image.image = options.image_ref.empty() ? container.image : options.image_ref;
  // ExpandContainerCommandAndArgs: a reference to an unknown variable stays as written.
  const ExpansionMapping mapping = mapping_for(options.envs);
  for (const std::string& s : container.command) config.command.push_back(expand(s, mapping));
  for (const std::string& s : container.args) config.args.push_back(expand(s, mapping));
  config.working_dir = container.workingDir;
  config.envs = options.envs;
  config.mounts = options.mounts;
  config.labels = container_labels(pod, container);
  config.annotations = container_annotations(pod, container, options.attempt);
  config.log_path = container.name + "/" + std::to_string(options.attempt) + ".log";
  config.stdin = container.stdin;
  config.tty = container.tty;
  config.linux.resources = container_resources(pod, container, options.node_memory_capacity);
  config.linux.security_context = security_context(pod, container, parse_image_user(options.image_user));
  return config;
}

}  // namespace kubepp::kubelet

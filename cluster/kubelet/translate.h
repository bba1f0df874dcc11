// translate.h — a Pod in the runtime's terms: the messages the kubelet sends over the CRI
// (runtime/cri/api.h) to run a pod's sandbox and each of its containers, and the checks
// it makes before it sends them.
//
// Upstream this is the kuberuntime manager (pkg/kubelet/kuberuntime):
//
//   Pod ──admit_pod──▶ admitted, or rejected (a sysctl the node does not allow)
//       ──make_sandbox_config──▶ PodSandboxConfig    RunPodSandbox   (generatePodSandboxConfig)
//   Pod, Container, env, mounts
//       ──make_container_config──▶ ContainerConfig   CreateContainer (generateContainerConfig)
//
// The environment (env.h) and the mounts (the volume code) are computed by the caller and
// passed in, so each is computed once per container: the mounts' subPathExpr expands
// against the same environment.
//
// Everything here is a pure function of its arguments — the node's facts (its host name,
// resolv.conf, kernel version, memory) arrive in the options — and is thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cluster/api/types/core_v1.h"
#include "cluster/kubelet/resources.h"
#include "runtime/base/result.h"
#include "runtime/cri/api.h"

namespace kubepp::kubelet {

// ---- admission ------------------------------------------------------------------------------------

/// Why the kubelet refused a pod (lifecycle.PodAdmitResult when Admit is false). The
/// kubelet then fails the pod without running it: status.phase Failed, status.reason the
/// reason, status.message "Pod was rejected: " followed by the message (rejectPod), and a
/// Warning event with the reason and message.
struct PodRejection {
  std::string reason;   ///< one CamelCase word: "SysctlForbidden"
  std::string message;  ///< for people: `forbidden sysctl: "kernel.msgmax" not allowlisted`
};

/// The reason of a rejection for a sysctl (sysctl.ForbiddenReason).
inline constexpr const char* kSysctlForbidden = "SysctlForbidden";

/// What the kubelet knows of its node and its configuration, for a pod's sandbox.
struct SandboxOptions {
  uint32_t attempt = 0;                     ///< how many sandboxes of this pod came before
  std::string log_root = "/var/log/pods";   ///< the kubelet's pod log directory
  std::string cgroup_root = "kubepods";     ///< the parent of every pod's cgroup
  std::string node_hostname;                ///< the node's host name: a hostNetwork pod's
  runtime::cri::DNSConfig host_dns;         ///< the node's resolv.conf (dns.h parse_resolv_conf)
  std::vector<std::string> allowed_unsafe_sysctls;  ///< --allowed-unsafe-sysctls: names, "kernel.msg*"
  std::string kernel_version;               ///< the node's kernel release ("6.1.0-18-amd64")
  int64_t pod_pids_limit = 0;               ///< --pod-max-pids; 0 for none
};

/// The kubelet's sysctl admission (patternAllowlist.Admit): each of the pod's sysctls
/// must be safe on this kernel (sysctl.h safe_sysctls) or match allowed_unsafe_sysctls,
/// and must not belong to a namespace the pod shares with the node (net.* with
/// hostNetwork; kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.* with hostIPC). The
/// first that fails rejects the pod with reason SysctlForbidden and the message
/// "forbidden sysctl: " and its reason. nullopt admits the pod. Invalid patterns in
/// allowed_unsafe_sysctls are ignored here; the kubelet checks them when it starts
/// (SysctlAllowlist::create), as upstream refuses to start with one.
std::optional<PodRejection> admit_pod(const api::core_v1::Pod& pod, const SandboxOptions& options);

// ---- the sandbox ----------------------------------------------------------------------------------

/// NamespacesForPod: the node's network, PID or IPC namespace for hostNetwork, hostPID
/// and hostIPC; one PID namespace for the pod with shareProcessNamespace; otherwise the
/// pod's network and IPC namespaces and a PID namespace per container.
runtime::cri::NamespaceOption namespaces_for_pod(const api::core_v1::Pod& pod);

/// format.Pod, the kubelet's name for a pod in messages: "NAME_NAMESPACE(UID)".
std::string format_pod(const api::core_v1::Pod& pod);

/// generatePodSandboxConfig:
///   metadata      the pod's name, uid and namespace ("default" when empty); options' attempt
///   hostname      with hostNetwork the node's; else spec.hostname or the pod's name, cut to
///                 63 characters without a trailing `-` or `.`
///   log_directory log_root, then a directory NAMESPACE_NAME_UID (as /var/log/pods has them)
///   dns_config    dns.h pod_dns_config over the node's resolv.conf
///   port_mappings every container port with a hostPort (protocol TCP when unset; a port
///                 named twice in a container counts once)
///   labels        the pod's, and io.kubernetes.pod.name, .namespace and .uid
///   annotations   the pod's
///   linux         cgroup_parent cgroup_root/podUID; the namespaces of namespaces_for_pod;
///                 privileged when any container is; run_as_user the pod's runAsUser;
///                 the pod's sysctls (written with dots); resources of the pod's cgroup
///                 (resources.h pod_resources) and the pids limit
/// Invalid when spec.hostname (or spec.subdomain) is not a DNS label, as upstream fails.
/// admit_pod is not repeated here: call it first.
Result<runtime::cri::PodSandboxConfig> make_sandbox_config(const api::core_v1::Pod& pod,
                                                           const SandboxOptions& options);

// ---- a container ----------------------------------------------------------------------------------

/// What the kubelet has ready for one container when it creates it.
struct ContainerOptions {
  uint32_t attempt = 0;                          ///< the container's restart count
  std::string image_ref;                         ///< the pulled image's reference; "" uses container.image
  std::string image_user;                        ///< the image config's User: "", "1000", "app", "1000:1000"
  std::vector<runtime::cri::KeyValue> envs;      ///< the environment, from env.h make_environment
  std::vector<runtime::cri::Mount> mounts;       ///< the volume mounts, from the volume code
  int64_t node_memory_capacity = 0;              ///< the node's memory in bytes (OOM scores)
};

/// verifyRunAsNonRoot: OK unless the effective runAsNonRoot (the container's, else the
/// pod's) is true and the process would, or might, run as root. Invalid, in upstream's
/// words, when the effective runAsUser is 0, or there is none and the image's user
/// (`image_user`, its part before any `:`) is root ("" or "0") or a name, which cannot be
/// checked:
///   container's runAsUser breaks non-root policy (pod: "web_default(UID)", container: app)
///   container has runAsNonRoot and image will run as root (pod: ..., container: app)
///   container has runAsNonRoot and image has non-numeric user (app), cannot verify user
///   is non-root (pod: ..., container: app)
/// and when the image's uid is beyond 2147483647 ("image has an invalid user id").
Status verify_run_as_non_root(const api::core_v1::Pod& pod, const api::core_v1::Container& container,
                              const std::string& image_user);

/// generateContainerConfig, after verify_run_as_non_root (whose error it returns):
///   metadata     the container's name and the options' attempt
///   image        image_ref, or the container's image
///   command/args the container's, with `$(VAR)` expanded from `envs`
///                (ExpandContainerCommandAndArgs)
///   working_dir, stdin, tty   the container's
///   envs, mounts              the options'
///   labels       io.kubernetes.container.name, io.kubernetes.pod.name, .namespace, .uid
///   annotations  io.kubernetes.container.hash, .restartCount, .terminationMessagePath,
///                .terminationMessagePolicy; io.kubernetes.pod.terminationGracePeriod and
///                .deletionGracePeriod when set; .preStopHandler and .ports as JSON (keys
///                sorted) when set
///   log_path     NAME/ATTEMPT.log, in the sandbox's log_directory
///   linux        resources (resources.h container_resources); the security context, the
///                pod's merged under the container's (the container's settings win):
///                run_as_user (else the image's numeric user), run_as_group, run_as_username
///                (the image's named user), supplemental groups (fsGroup first, then the
///                pod's supplementalGroups), capabilities as written, privileged,
///                readonly_rootfs, no_new_privs when allowPrivilegeEscalation is false, and
///                the namespaces of namespaces_for_pod
Result<runtime::cri::ContainerConfig> make_container_config(const api::core_v1::Pod& pod,
                                                            const api::core_v1::Container& container,
                                                            const ContainerOptions& options);

}  // namespace kubepp::kubelet

// api.h — the messages of Kubernetes' Container Runtime Interface, as C++ structs.
//
// The kubelet talks to a container runtime (containerd, CRI-O) through the CRI: a gRPC
// service whose messages are defined in k8s.io/cri-api's api.proto. kubepp's kubelet
// and its runtime live in one process, so the interface is a C++ class
// (runtime_service.h) rather than gRPC, but its messages keep the proto's names and
// fields — `PodSandboxConfig.port_mappings`, `Mount.host_path`,
// `LinuxContainerResources.cpu_quota` — so a reader can hold this file next to
// api.proto. Only what kubepp uses is here; each struct says what it leaves out.
//
// Plain data, no Kubernetes objects: the kubelet (cluster/kubelet/) turns a Pod into
// these messages, and nothing below runtime/ knows what a Pod is.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kubepp::runtime::cri {

/// How a container or sandbox gets a namespace (CRI NamespaceMode): its pod's
/// (POD), its own (CONTAINER), the node's (NODE), or another container's (TARGET,
/// for ephemeral containers; not supported).
enum class NamespaceMode { POD = 0, CONTAINER = 1, NODE = 2, TARGET = 3 };

/// Which namespaces are shared and with whom (CRI NamespaceOption). The defaults are a
/// pod's: network and IPC shared by the pod, a PID namespace per container.
struct NamespaceOption {
  NamespaceMode network = NamespaceMode::POD;
  NamespaceMode pid = NamespaceMode::CONTAINER;  ///< POD for shareProcessNamespace, NODE for hostPID
  NamespaceMode ipc = NamespaceMode::POD;
};

/// A hostPort (CRI PortMapping).
struct PortMapping {
  std::string protocol = "TCP";  ///< TCP or UDP (SCTP is refused)
  int32_t container_port = 0;
  int32_t host_port = 0;
  std::string host_ip;
};

/// Who a sandbox is for (CRI PodSandboxMetadata). `namespace_` has a trailing
/// underscore because `namespace` is a C++ keyword.
struct PodSandboxMetadata {
  std::string name;
  std::string uid;
  std::string namespace_;
  uint32_t attempt = 0;
};

/// The pod's DNS (CRI DNSConfig): becomes the sandbox's /etc/resolv.conf. Empty means
/// the host's resolv.conf, without loopback nameservers.
struct DNSConfig {
  std::vector<std::string> servers;
  std::vector<std::string> searches;
  std::vector<std::string> options;
};

/// Limits of a container's cgroup (CRI LinuxContainerResources), in the kernel's
/// units, as the kubelet computes them from requests and limits. Zero is unset.
struct LinuxContainerResources {
  int64_t cpu_period = 0;             ///< CFS period, microseconds
  int64_t cpu_quota = 0;              ///< CFS quota, microseconds per period
  int64_t cpu_shares = 0;             ///< relative weight (v1 shares)
  int64_t memory_limit_in_bytes = 0;
  int64_t oom_score_adj = 0;
  int64_t pids_limit = 0;             ///< kubepp's addition (CRI leaves it to the pod cgroup)
};

/// A sysctl is per pod: the sandbox's namespaces hold them (CRI LinuxPodSandboxConfig).
/// Left out: seccomp and AppArmor at pod level, user namespaces.
struct LinuxPodSandboxConfig {
  std::string cgroup_parent;                   ///< the pod's cgroup, relative to each hierarchy's root
  NamespaceOption namespace_options;           ///< security_context.namespace_options in the proto
  bool privileged = false;                     ///< security_context.privileged
  std::optional<int64_t> run_as_user;          ///< for the pause process (security_context.run_as_user)
  std::map<std::string, std::string> sysctls;  ///< already checked by the kubelet
  LinuxContainerResources resources;           ///< the pod cgroup's limits (sum of the containers')
};

/// Everything RunPodSandbox needs (CRI PodSandboxConfig). Left out: port forwarding's
/// network plugin options, Windows.
struct PodSandboxConfig {
  PodSandboxMetadata metadata;
  std::string hostname;                    ///< the pod's; "" means the sandbox id
  std::string log_directory;               ///< where containers' logs go, relative log_paths inside it
  DNSConfig dns_config;
  std::vector<PortMapping> port_mappings;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
  LinuxPodSandboxConfig linux;
};

/// CRI PodSandboxState.
enum class PodSandboxState { SANDBOX_READY = 0, SANDBOX_NOTREADY = 1 };

/// A sandbox as ListPodSandbox shows it (CRI PodSandbox). Times are nanoseconds since
/// the epoch, as the proto has them.
struct PodSandbox {
  std::string id;
  PodSandboxMetadata metadata;
  PodSandboxState state = PodSandboxState::SANDBOX_NOTREADY;
  int64_t created_at = 0;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
};

/// The sandbox's network (CRI PodSandboxNetworkStatus).
struct PodSandboxNetworkStatus {
  std::string ip;                              ///< "" with the host's network
  std::vector<std::string> additional_ips;
};

/// CRI PodSandboxStatus; `linux.namespaces.options` flattened to namespace_options.
struct PodSandboxStatus {
  std::string id;
  PodSandboxMetadata metadata;
  PodSandboxState state = PodSandboxState::SANDBOX_NOTREADY;
  int64_t created_at = 0;
  PodSandboxNetworkStatus network;
  NamespaceOption namespace_options;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
};

/// CRI PodSandboxFilter: every field that is set must match.
struct PodSandboxFilter {
  std::string id;
  std::optional<PodSandboxState> state;
  std::map<std::string, std::string> label_selector;
};

/// A bind mount into a container (CRI Mount). The kubelet prepares host_path (an
/// emptyDir, a configMap's files, a hostPath) before CreateContainer.
struct Mount {
  std::string container_path;
  std::string host_path;
  bool readonly = false;
  bool selinux_relabel = false;  ///< accepted, ignored: no SELinux here
};

/// An environment variable (CRI KeyValue).
struct KeyValue {
  std::string key;
  std::string value;
};

/// CRI Capability.
struct Capability {
  std::vector<std::string> add_capabilities;   ///< "NET_ADMIN" or "CAP_NET_ADMIN"; "ALL"
  std::vector<std::string> drop_capabilities;
};

/// CRI LinuxContainerSecurityContext. Left out: SELinux, AppArmor, seccomp profiles
/// other than the runtime's default.
struct LinuxContainerSecurityContext {
  Capability capabilities;
  bool privileged = false;
  NamespaceOption namespace_options;
  std::optional<int64_t> run_as_user;
  std::optional<int64_t> run_as_group;
  std::string run_as_username;              ///< for runAsNonRoot checks on named users
  bool readonly_rootfs = false;
  std::vector<int64_t> supplemental_groups; ///< fsGroup and supplementalGroups
  bool no_new_privs = false;                ///< allowPrivilegeEscalation: false
  std::vector<std::string> masked_paths;    ///< "" means the runtime's defaults
  std::vector<std::string> readonly_paths;
};

/// CRI LinuxContainerConfig.
struct LinuxContainerConfig {
  LinuxContainerResources resources;
  LinuxContainerSecurityContext security_context;
};

/// CRI ContainerMetadata: the name is the Pod's container name.
struct ContainerMetadata {
  std::string name;
  uint32_t attempt = 0;
};

/// CRI ImageSpec.
struct ImageSpec {
  std::string image;
};

/// Everything CreateContainer needs (CRI ContainerConfig). `command` replaces the
/// image's entrypoint, `args` its cmd, as the kubelet passes them through from the Pod.
struct ContainerConfig {
  ContainerMetadata metadata;
  ImageSpec image;
  std::vector<std::string> command;
  std::vector<std::string> args;
  std::string working_dir;
  std::vector<KeyValue> envs;
  std::vector<Mount> mounts;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
  std::string log_path;  ///< relative to the sandbox's log_directory
  bool stdin = false;
  bool tty = false;
  LinuxContainerConfig linux;
};

/// CRI ContainerState.
enum class ContainerState { CONTAINER_CREATED = 0, CONTAINER_RUNNING = 1, CONTAINER_EXITED = 2, CONTAINER_UNKNOWN = 3 };

/// A container as ListContainers shows it (CRI Container).
struct Container {
  std::string id;
  std::string pod_sandbox_id;
  ContainerMetadata metadata;
  ImageSpec image;
  std::string image_ref;  ///< the image's id, "sha256:…"
  ContainerState state = ContainerState::CONTAINER_UNKNOWN;
  int64_t created_at = 0;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
};

/// CRI ContainerStatus. Times in nanoseconds since the epoch; 0 when not yet.
struct ContainerStatus {
  std::string id;
  ContainerMetadata metadata;
  ContainerState state = ContainerState::CONTAINER_UNKNOWN;
  int64_t created_at = 0;
  int64_t started_at = 0;
  int64_t finished_at = 0;
  int32_t exit_code = 0;
  ImageSpec image;
  std::string image_ref;
  std::string reason;   ///< Completed, Error, OOMKilled
  std::string message;
  std::map<std::string, std::string> labels;
  std::map<std::string, std::string> annotations;
  std::vector<Mount> mounts;
  std::string log_path;  ///< absolute
};

/// CRI ContainerFilter: every field that is set must match.
struct ContainerFilter {
  std::string id;
  std::optional<ContainerState> state;
  std::string pod_sandbox_id;
  std::map<std::string, std::string> label_selector;
};

/// What ExecSync returns (CRI ExecSyncResponse).
struct ExecSyncResponse {
  std::string stdout_;  ///< trailing underscores: stdout and stderr are macros in `cstdio`
  std::string stderr_;
  int32_t exit_code = 0;
};

const char* to_string(PodSandboxState state);
const char* to_string(ContainerState state);
const char* to_string(NamespaceMode mode);

}  // namespace kubepp::runtime::cri

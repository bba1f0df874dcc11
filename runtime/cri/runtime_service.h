// runtime_service.h — kubepp's container runtime behind the CRI's RuntimeService.
//
// A pod is a *sandbox* and the containers in it. The sandbox is what the containers
// share: a network namespace with the pod's address (pinned at /run/netns/kubepp-<id>),
// the IPC and UTS namespaces held by a `pause` process, and the pod's cgroup:
//
//   RunPodSandbox ─▶ pod cgroup ─▶ netns + veth + IP (+ hostPorts) ─▶ pause ─▶ READY
//   CreateContainer ─▶ record ─▶ StartContainer ─▶ a container joining the sandbox's
//                                                 net, IPC, UTS (PID with shareProcessNamespace)
//   StopPodSandbox ─▶ containers and pause killed, IP released, netns gone ─▶ NOTREADY
//   RemovePodSandbox ─▶ containers' records, the pod cgroup, the sandbox's directory gone
//
// The methods carry the CRI's names (RunPodSandbox, ExecSync, …) and take its messages
// (api.h), so the kubelet's code reads like upstream's kuberuntime; errors are
// Results instead of gRPC statuses.
//
// Every fact lives on disk under `<lib>/sandboxes/<id>/` (the sandbox's record and its
// containers' records) and in each container's state (state.h, written by its
// monitor): a RuntimeService holds nothing of its own, so a restarted process — a new
// `kubepp play`, a new kubelet — lists and adopts what runs, and the names the CRI
// reserves (a sandbox per pod and attempt, a container per name and attempt in its
// sandbox) are refused twice. Operations on one sandbox hold its flock; creating a
// sandbox holds the flock of the sandboxes' directory.
//
// Not thread-safe, and call from a single-threaded process: starting a container forks
// its monitor (monitor.h).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "runtime/base/result.h"
#include "runtime/cri/api.h"
#include "runtime/exec.h"
#include "runtime/names.h"
#include "runtime/net/pod_network.h"

namespace kubepp::runtime::cri {

/// How the runtime is set up on this node.
struct RuntimeOptions {
  StateDirs dirs;
  net::NetworkConfig network;                          ///< the pod network (kubepp0, 10.244.0.0/24)
  std::string pause_image = "registry.k8s.io/pause:3.9";  ///< the kubelet's default since 1.27

  /// The defaults, with state under `dirs`.
  static RuntimeOptions under(const StateDirs& dirs) { return {dirs, net::NetworkConfig::under(dirs)}; }
};

/// kubepp's CRI runtime. Holds no state of its own (see the file's comment).
class RuntimeService {
 public:
  explicit RuntimeService(RuntimeOptions options);

  /// Creates and starts a sandbox: the pod's cgroup, network (unless the node's) and
  /// pause process. Returns its id. AlreadyExists when a sandbox of the same name,
  /// namespace, uid and attempt exists; on any failure nothing is left behind.
  Result<std::string> RunPodSandbox(const PodSandboxConfig& config);

  /// Kills every process of the sandbox (its containers without a grace period: the
  /// kubelet stopped them gracefully before) and releases its network. The sandbox
  /// stays listed, NOTREADY. A stopped sandbox stops again without error.
  Status StopPodSandbox(const std::string& pod_sandbox_id);

  /// Stops the sandbox if needed and removes it with its containers. A removed (or
  /// unknown) sandbox removes again without error, as the CRI asks.
  Status RemovePodSandbox(const std::string& pod_sandbox_id);

  /// The sandbox's status: READY while its pause process runs and it was not stopped.
  /// NotFound names the sandbox.
  Result<cri::PodSandboxStatus> PodSandboxStatus(const std::string& pod_sandbox_id);

  /// The sandboxes that match `filter`, oldest first.
  Result<std::vector<PodSandbox>> ListPodSandbox(const PodSandboxFilter& filter = {});

  /// Records a container in a READY sandbox: its image is resolved (NotFound names an
  /// unknown image: the kubelet reports ErrImagePull), its mounts' host paths checked.
  /// Nothing runs until StartContainer. AlreadyExists when the sandbox has a container
  /// of the same name and attempt.
  Result<std::string> CreateContainer(const std::string& pod_sandbox_id, const ContainerConfig& config,
                                      const PodSandboxConfig& sandbox_config);

  /// Starts a created container in its sandbox's namespaces and cgroup, under a
  /// monitor that writes its log and records its end. Returns once it runs, or with the
  /// error that stopped it (e.g. a missing program) — the container then counts as
  /// exited, with exit code 128 and reason StartError. Conflict unless CREATED.
  Status StartContainer(const std::string& container_id);

  /// SIGTERM, up to `timeout` seconds, then SIGKILL. A container that is not running
  /// stops without error.
  Status StopContainer(const std::string& container_id, int64_t timeout);

  /// Removes a container (killing it if it still runs), its record and state. An
  /// unknown container removes without error.
  Status RemoveContainer(const std::string& container_id);

  /// The containers that match `filter`, oldest first. Sandboxes' pause processes are
  /// not containers here, as in the CRI.
  Result<std::vector<Container>> ListContainers(const ContainerFilter& filter = {});

  /// The container's status. NotFound names the container.
  Result<cri::ContainerStatus> ContainerStatus(const std::string& container_id);

  /// Runs `cmd` in the running container and returns what it wrote and its exit code,
  /// as probes and exec hooks do. After `timeout` seconds (0: none) the command is
  /// killed and the result is Unavailable ("timed out").
  Result<ExecSyncResponse> ExecSync(const std::string& container_id, const std::vector<std::string>& cmd,
                                    int64_t timeout);

  /// Runs a command in the running container with our stdin, stdout and stderr (or a
  /// terminal): `kubectl exec`'s stream, here without a streaming server. Returns its
  /// exit code as a shell reports it.
  Result<int> Exec(const std::string& container_id, const ExecOptions& options);

  /// Where the container's CRI log is (ContainerStatus.log_path): readers parse it with
  /// cri_log.h, as the kubelet reads logs from the file rather than through the CRI.
  Result<std::string> ContainerLogs(const std::string& container_id);

  const RuntimeOptions& options() const { return options_; }

  /// Collects the monitors of containers this process started that have exited (they
  /// are its children). Every call above does it too; a caller that waits between
  /// calls may call it itself.
  static void reap_monitors();

 private:
  RuntimeOptions options_;
};

/// Kills and removes every sandbox recorded under `options.dirs` with its containers,
/// network and cgroups: what a crashed kubepp left behind (`kubepp cleanup`). Returns
/// the ids it removed.
Result<std::vector<std::string>> cleanup_sandboxes(const RuntimeOptions& options);

}  // namespace kubepp::runtime::cri

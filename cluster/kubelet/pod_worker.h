// pod_worker.h — one pod, kept running: the kubelet's SyncPod and KillPod.
//
// A PodWorker owns nothing but the pod's spec and a little memory between syncs (the
// restart back-off, why a container waits). Each sync() asks the runtime what runs
// (sandboxes and containers labelled with the pod's uid), decides with
// compute_pod_actions (pod_sync.h), acts through the CRI, and reports the pod's status
// as the kubelet would write it to the API server:
//
//   sync():  admit ─▶ volumes ─▶ [kill] ─▶ [sandbox] ─▶ next init container | containers
//            each start: image ─▶ env ─▶ mounts ─▶ CreateContainer ─▶ StartContainer ─▶ postStart
//   terminate(): preStop hooks ─▶ SIGTERM, grace, SIGKILL ─▶ StopPodSandbox
//   remove():    RemovePodSandbox for every sandbox ─▶ volumes torn down
//
// `kubepp play` runs workers standalone; the kubelet will run one per pod it is bound.
// Not thread-safe. Calls into the runtime fork (monitors, hooks): single-threaded caller.
#pragma once

#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cluster/api/types/core_v1.h"
#include "cluster/kubelet/downward_api.h"
#include "cluster/kubelet/objects.h"
#include "cluster/kubelet/pod_sync.h"
#include "cluster/kubelet/translate.h"
#include "cluster/kubelet/volumes.h"
#include "runtime/cri/runtime_service.h"

namespace kubepp::kubelet {

/// What the worker knows of its node.
struct NodeContext {
  std::string node_name;            ///< spec.nodeName for the downward API
  std::string host_ip;              ///< status.hostIP
  NodeAllocatable allocatable;      ///< for resourceFieldRef and Memory emptyDirs
  int64_t memory_capacity = 0;      ///< bytes, for OOM scores
  SandboxOptions sandbox;           ///< log and cgroup roots, sysctl allowlist, …
  std::filesystem::path pods_dir;   ///< `pods` under the state directory: each pod's volumes under its uid
};

/// Something that happened to the pod, as the kubelet records an Event.
struct PodEvent {
  std::string type;     ///< Normal or Warning
  std::string reason;   ///< Pulled, Created, Started, Killing, BackOff, Failed, …
  std::string message;
};

/// Keeps one pod running; see the file's comment.
class PodWorker {
 public:
  using EventSink = std::function<void(const PodEvent&)>;
  using Clock = std::function<int64_t()>;  ///< nanoseconds since the epoch

  /// `pod` is defaulted and validated already, with a uid. `objects` must outlive the
  /// worker. `clock` defaults to the system clock.
  PodWorker(runtime::cri::RuntimeService& runtime, api::core_v1::Pod pod, const ObjectSource& objects,
            NodeContext node, EventSink events, Clock clock = {});

  /// One round of SyncPod. Returns the status it observed after acting. Errors of one
  /// container (an image that is missing, a hook that fails) become that container's
  /// status; an error returned is one the whole pod hit (its sandbox could not be made).
  /// After a pod-level error (a volume, the sandbox) the next 10 s of calls do nothing
  /// and return the last status, as the kubelet's pod worker waits its backOffPeriod
  /// before it syncs a failed pod again.
  Result<api::core_v1::PodStatus> sync();

  /// KillPod: each running container's preStop hook, then SIGTERM and, after the grace
  /// period (terminationGracePeriodSeconds, or `grace_seconds`), SIGKILL; then the
  /// sandbox is stopped. The records stay, for logs and status, until remove().
  Status terminate(std::optional<int64_t> grace_seconds = std::nullopt);

  /// Removes the pod's sandboxes, containers and volumes. Terminates first if needed.
  Status remove();

  /// The status of the last sync (or terminate).
  const api::core_v1::PodStatus& status() const { return status_; }
  /// True once nothing of the pod runs nor will: Succeeded, Failed, or terminated.
  bool done() const { return done_; }
  const api::core_v1::Pod& pod() const { return pod_; }

 private:
  PodRuntimeState observe();
  Status create_sandbox(uint32_t attempt);
  void start_container(const api::core_v1::Container& container, const PodRuntimeState& state, bool init);
  Status run_hook(const api::core_v1::LifecycleHandler& hook, const std::string& container_id, int64_t timeout);
  api::core_v1::PodStatus make_status(const PodRuntimeState& state) const;
  void event(const std::string& type, const std::string& reason, const std::string& message);
  std::filesystem::path pod_dir() const;

  runtime::cri::RuntimeService& runtime_;
  api::core_v1::Pod pod_;
  const ObjectSource& objects_;
  NodeContext node_;
  EventSink events_;
  Clock clock_;
  BackOff backoff_;
  std::map<std::string, api::core_v1::ContainerStateWaiting> waiting_;  ///< why a container waits, by name
  std::map<std::string, int64_t> image_failures_;  ///< when each container's image was last missing
  PodVolumes volumes_;       ///< set up by the last sync
  bool admitted_ = false;
  std::optional<PodRejection> rejected_;
  std::string sandbox_id_;   ///< the current sandbox
  runtime::cri::PodSandboxConfig sandbox_config_;
  std::string pod_ip_;
  int64_t retry_at_ = 0;     ///< after a pod-level error (FailedMount, FailedCreatePodSandBox): no sync before
  bool done_ = false;
  api::core_v1::PodStatus status_;
};

}  // namespace kubepp::kubelet

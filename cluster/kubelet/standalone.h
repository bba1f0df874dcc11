// standalone.h — pods without a cluster: `kubepp play`, as the kubelet runs static pods.
//
// A manifest's Pods (with the ConfigMaps and Secrets they use) are decoded, defaulted and
// validated as the API server would, then each is recorded under <lib>/pods/<uid>/ and
// kept running by a *supervisor*: a process that runs a PodWorker's sync every second
// until the pod is done or the supervisor is told to stop (SIGTERM, SIGINT — `kubepp
// stop`, Ctrl-C), and then terminates the pod with its grace period. The record holds the
// Pod with its last status and the supervisor's pid, so `kubepp pods` needs no server,
// and a pod whose supervisor died (kill -9, a crash) is adopted by the next `kubepp play`:
// the runtime's records say what runs, nothing is started twice.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/api/types/core_v1.h"
#include "cluster/kubelet/pod_worker.h"
#include "runtime/base/result.h"
#include "runtime/names.h"

namespace kubepp::kubelet {

/// The objects of a manifest that play runs.
struct Manifest {
  std::vector<api::core_v1::Pod> pods;
  std::vector<api::core_v1::ConfigMap> config_maps;
  std::vector<api::core_v1::Secret> secrets;
};

/// Reads a manifest as `kubectl apply -f` would: YAML or JSON, several documents, Lists.
/// Each object is decoded strictly, defaulted and validated as the API server would; a
/// Pod gets a uid, a creation time, and the namespace "default" when it has none. Fails
/// with Invalid naming the source, the object and every field it breaks
/// (`pod.yaml: Pod "web" is invalid: spec.containers[1].image: Required value`), for a
/// kind other than Pod, ConfigMap and Secret, and for two Pods of one name.
Result<Manifest> load_manifest(std::string_view text, const std::string& source);

/// A played pod, as recorded in `pods/UID/pod.json` under the state directory.
struct PlayedPod {
  api::core_v1::Pod pod;  ///< with the status of its last sync
  std::vector<api::core_v1::ConfigMap> config_maps;
  std::vector<api::core_v1::Secret> secrets;
  std::vector<std::string> allowed_unsafe_sysctls;  ///< `kubepp play --allowed-unsafe-sysctls`
  pid_t supervisor = 0;          ///< the process that syncs it; 0 for none
  std::string supervisor_start;  ///< that process's start time, to tell it from a reused pid

  /// True while its supervisor runs.
  bool supervised() const;
};

/// The `pods` directory under the state directory: one directory per pod uid (the record, the pod's volumes).
std::filesystem::path pods_dir(const runtime::StateDirs& dirs);
Status write_played(const runtime::StateDirs& dirs, const PlayedPod& played);
/// NotFound names the uid.
Result<PlayedPod> read_played(const runtime::StateDirs& dirs, const std::string& uid);
/// Every played pod, oldest first.
std::vector<PlayedPod> list_played(const runtime::StateDirs& dirs);
/// The played pod `name` of namespace `ns`; NotFound says "pod \"NAME\" not found".
Result<PlayedPod> find_played(const runtime::StateDirs& dirs, const std::string& ns, const std::string& name);

/// This machine as the node of standalone pods: its hostname, an address, its CPUs and
/// memory, kernel and resolv.conf; logs and volumes under `dirs`.
NodeContext standalone_node(const runtime::StateDirs& dirs);

/// The supervisor's life (see the file's comment), in the calling process: syncs the
/// pod `uid` every second, writing each event to `events` and the status to the record,
/// until the pod is done or SIGTERM/SIGINT arrives. After its first sync it writes one
/// byte to `ready_fd` (when >= 0). Returns 0 when the pod ended Succeeded or was
/// stopped, 1 when it Failed.
int supervise_pod(const runtime::StateDirs& dirs, const std::string& uid, const PodWorker::EventSink& events,
                  int ready_fd);

/// Asks the pod's supervisor to stop it with `grace_seconds` instead of the pod's own
/// grace period (`kubepp stop -t`, `rm -f`): written beside the record, read when the
/// supervisor is told to stop.
Status request_grace(const runtime::StateDirs& dirs, const std::string& uid, int64_t grace_seconds);

/// Terminates a pod whose supervisor is gone, in this process. Grace as terminate's.
Status terminate_unsupervised(const runtime::StateDirs& dirs, const std::string& uid,
                              std::optional<int64_t> grace_seconds);

/// Removes a pod that is not running: its sandboxes, containers, volumes and record.
Status remove_played(const runtime::StateDirs& dirs, const std::string& uid);

/// kubectl's STATUS column for a pod (printPod): Init:0/2, Init:Error, CrashLoopBackOff,
/// ErrImagePull, ContainerCreating, Running, Completed, Error …
std::string pod_status_reason(const api::core_v1::Pod& pod);

}  // namespace kubepp::kubelet

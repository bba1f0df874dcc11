// pod_sync.h — the kubelet's decision for one pod: what to start, what to kill.
//
// Every sync, the kubelet compares the Pod's spec with what the runtime reports and
// acts on the difference — it never remembers what it did last time, so a crash, a
// restart or a container dying on its own all look alike (upstream:
// kuberuntime_manager.go, computePodActions). The decision is a pure function here, so
// it can be read and tested without a runtime; PodWorker (pod_worker.h) carries it out.
//
//   no ready sandbox ────────────▶ kill what is left, create a sandbox
//   init containers not all done ─▶ start the next one (in order, each to completion)
//   a container never started ───▶ start it
//   a container exited ──────────▶ restart it if restartPolicy says so (after a back-off)
//   nothing will run any more ───▶ the pod is done: Succeeded or Failed
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "cluster/api/types/core_v1.h"
#include "runtime/cri/api.h"

namespace kubepp::kubelet {

/// One container attempt as the runtime reports it.
struct ContainerRuntimeState {
  std::string name;
  std::string id;
  runtime::cri::ContainerState state = runtime::cri::ContainerState::CONTAINER_UNKNOWN;
  int32_t exit_code = 0;
  std::string reason;          ///< Completed, Error, OOMKilled
  int64_t started_at = 0;      ///< nanoseconds since the epoch; 0 when never
  int64_t finished_at = 0;
  uint32_t attempt = 0;        ///< the restart count when it was created
};

/// The pod as the runtime has it.
struct PodRuntimeState {
  std::string sandbox_id;      ///< the newest sandbox; "" when there is none
  bool sandbox_ready = false;
  uint32_t sandbox_attempt = 0;
  /// Every attempt of every container still recorded (the newest per name counts).
  std::vector<ContainerRuntimeState> containers;

  /// The newest attempt of container `name`, or null.
  const ContainerRuntimeState* latest(const std::string& name) const;
};

/// What this sync does.
struct PodActions {
  bool kill_pod = false;        ///< stop every container and the sandbox first
  bool create_sandbox = false;  ///< then make a new sandbox
  uint32_t sandbox_attempt = 0;
  std::string next_init_container;           ///< the init container to start now; "" for none
  std::vector<std::string> containers_to_start;  ///< by name, in spec order
  std::vector<std::string> containers_to_kill;   ///< by id: attempts that must go (none yet, later probes)
  bool pod_done = false;        ///< nothing runs and nothing will: the pod is Succeeded or Failed

  bool operator==(const PodActions&) const = default;
};

/// The kubelet's decision for `pod` given `state` (see the file's comment). Restart
/// back-off is not decided here: the worker checks it when it starts a container.
PodActions compute_pod_actions(const api::core_v1::Pod& pod, const PodRuntimeState& state);

/// The pod's restartPolicy, "Always" when unset.
const std::string& restart_policy(const api::core_v1::Pod& pod);

/// True when the attempt has ended (or its end is unknown: its monitor died).
bool has_exited(const ContainerRuntimeState& state);

/// Whether a container that exited with `exit_code` runs again under `restart_policy`
/// (Always, OnFailure, Never; "" is Always).
bool should_restart(const std::string& restart_policy, int32_t exit_code);

/// The pod's phase from its containers (upstream: getPhase): Pending until every init
/// container succeeded and the containers have run; Running while one runs or will
/// restart; Succeeded when all exited 0 for good; Failed when all exited for good and
/// one failed.
std::string pod_phase(const api::core_v1::Pod& pod, const PodRuntimeState& state);

/// Restart back-off per key (pod/container), as the kubelet's flowcontrol.Backoff. A
/// container that exits is restarted at once the first time; each later restart waits
/// twice as long as the one before — 10 s, 20 s, 40 s … at most 5 minutes — counted from
/// when the container finished; a key whose last failure is more than twice the maximum
/// ago starts over. Times are nanoseconds passed in by the caller, so tests need no clock.
class BackOff {
 public:
  static constexpr int64_t kInitial = 10'000'000'000;   ///< 10 s
  static constexpr int64_t kMax = 300'000'000'000;      ///< 5 min

  /// True while a restart of `key`, which last finished at `finished_at`, must wait.
  bool in_back_off_since(const std::string& key, int64_t finished_at, int64_t now) const;
  /// Records a restart of `key` after it finished at `finished_at`: the next one waits
  /// twice as long (10 s after the first).
  void next(const std::string& key, int64_t finished_at);
  /// The wait of `key`'s next restart; 0 before any.
  int64_t delay(const std::string& key) const;

 private:
  struct Entry {
    int64_t delay = 0;
    int64_t last = 0;  ///< finished_at of the last recorded restart
  };
  std::map<std::string, Entry> entries_;
};

}  // namespace kubepp::kubelet

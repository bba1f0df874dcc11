// state.h — a container's record on disk, so that no kubepp process needs to stay up.
//
// The monitor (monitor.h) writes `state.json` in the container's directory when the
// container starts and when it ends; `kubepp ps`, `logs`, `stop`, `rm` and `exec` only
// read it. Each write replaces the file atomically (write, fsync, rename), so a reader
// never sees half a record, and a monitor killed at any moment leaves the last whole one.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include "runtime/base/result.h"
#include "runtime/names.h"

namespace kubepp::runtime {

/// A container's lifecycle, as Kubernetes' CRI names it.
enum class ContainerPhase { Created, Running, Exited };

const char* to_string(ContainerPhase phase);

/// A container's own network on the node's bridge, as `kubepp run --net bridge` (or
/// `-p`) makes it: undone when the container ends, or by `kubepp rm` and cleanup.
struct ContainerNetwork {
  std::string netns;               ///< its network namespace, /run/netns/NETNS; "" when not on the bridge
  std::string ip;                  ///< eth0's address
  std::vector<std::string> ports;  ///< the published ports, as `docker ps` shows them: "0.0.0.0:8080->80/tcp"
};

struct ContainerState {
  std::string id;
  std::string image;                 ///< as the user named it
  std::string image_id;              ///< "sha256:…" of the image's config; "" for a directory
  std::vector<std::string> layers;   ///< the overlay's lower dirs: the image store keeps them while listed here
  std::vector<std::string> command;  ///< argv of the first process
  ContainerPhase phase = ContainerPhase::Created;
  pid_t pid = 0;                     ///< the first process, as the host sees it
  std::string pid_start;             ///< its start time (/proc/PID/stat), to tell it from a reused pid
  pid_t monitor_pid = 0;
  std::string created_at, started_at, finished_at;  ///< RFC 3339 with nanoseconds, UTC
  int exit_code = 0;
  int signal = 0;
  std::string reason;                ///< Completed, Error, OOMKilled
  std::string log_path;              ///< the CRI-format log
  std::string cgroup;                ///< relative to each hierarchy's root; "" for StateDirs::container_cgroup
  ContainerNetwork network;
};

/// The state file of container `id`.
std::filesystem::path state_path(const StateDirs& dirs, const std::string& id);

/// Writes `state` atomically.
Status write_state(const StateDirs& dirs, const ContainerState& state);

/// Reads the record of `id`; NotFound names the container.
Result<ContainerState> read_state(const StateDirs& dirs, const std::string& id);

/// Every container with a record, by id.
std::vector<ContainerState> list_states(const StateDirs& dirs);

/// True when `state` says Running and its process is still the one it started.
bool still_running(const ContainerState& state);

/// The start time of `pid` in clock ticks since boot (field 22 of /proc/PID/stat): with
/// the pid it names one process, even after the pid is reused. Empty when the process
/// is gone or a zombie.
std::string process_start_time(pid_t pid);

/// Now, as Kubernetes writes timestamps: "2026-11-26T22:41:14.123456789Z".
std::string rfc3339_nano_now();

}  // namespace kubepp::runtime

// monitor.h — the container monitor: one small process per container that owns it.
//
// `kubepp run` does not stay the container's parent: it forks a monitor (a shim, as
// containerd has), which starts the container, owns its stdout and stderr and writes
// them to the CRI log, waits for it, records how it ended (state.h), removes its
// cgroup (and its bridge network, MonitorOptions::bridge), and exits. Any kubepp
// process may come and go meanwhile — `kubepp run -d` returns at once, `kubepp ps` and
// `logs` read what the monitor wrote.
//
//   kubepp run ──fork──▶ monitor (own session) ──clone──▶ container
//        ▲                   │ stdout/stderr pipes → container.log (+ our terminal)
//        └── "started", then "exited CODE SIGNAL REASON" on the report pipe
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "runtime/base/result.h"
#include "runtime/base/unique_fd.h"
#include "runtime/container.h"
#include "runtime/net/pod_network.h"
#include "runtime/process.h"

namespace kubepp::runtime {

struct MonitorOptions {
  std::string image;            ///< the image as the user named it, for the record
  std::string image_id;         ///< its id in the image store ("" for a directory)
  bool attach = false;          ///< give the container our stdin, and copy its output to our stdout/stderr
  bool remove_on_exit = false;  ///< remove the container's directories when it ends (a foreground run)
  std::string log_path;         ///< the CRI log; "" means container.log in the container's directory
  /// Docker's bridge network: a network namespace of the container's own on the node's
  /// bridge (net/pod_network.h:connect_netns), made before it starts and undone when it
  /// ends. Without it the container has its own namespace with only `lo`, or the host's.
  bool bridge = false;
  std::vector<net::PortMapping> publish;  ///< ports published on the host (`-p`); needs `bridge`
};

/// A container started under a monitor, as the process that launched it sees it.
struct Launched {
  std::string id;
  pid_t pid = 0;          ///< the container's first process
  pid_t monitor_pid = 0;  ///< the monitor, a child of the caller
  UniqueFd report;        ///< where the monitor reports the container's end
};

/// Creates the container, forks its monitor and returns once the container runs (or
/// with the error that stopped it). Call from a single-threaded process.
Result<Launched> launch_container(ContainerConfig config, const StateDirs& dirs, const MonitorOptions& options);

/// Waits until the container ends and returns how. If the monitor died first, waits for
/// the container's process itself and answers Unavailable: its exit status is lost.
/// Reaps the monitor.
Result<ExitStatus> wait_for_exit(Launched& launched, const StateDirs& dirs);

/// Stops a running container as Kubernetes does: SIGTERM, up to `grace_seconds` for it
/// to exit, then SIGKILL; returns once the monitor has recorded the end (or is gone).
/// Conflict when the container is not running.
Status stop_container(const StateDirs& dirs, const std::string& id, int grace_seconds);

/// Removes a container: its directories, its cgroup, its record. A running container is
/// refused (Conflict) unless `force`, which kills it first.
Status remove_container(const StateDirs& dirs, const std::string& id, bool force);

/// Kills and removes every container recorded under `dirs` — what a crashed kubepp, or
/// an aborted test, left behind. Returns the ids it removed.
Result<std::vector<std::string>> cleanup_containers(const StateDirs& dirs);

}  // namespace kubepp::runtime

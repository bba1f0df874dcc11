// container.h — one container: a process in its own namespaces on its own root.
//
// Lifecycle: create() prepares the state directories and the files the container
// will see; start() clones the first process, which builds the root filesystem and
// execs the command; wait() reaps it. Destroying a Container kills a process that is
// still running and removes everything create() made, so nothing outlives the handle.
//
// Not thread-safe. start() clones the calling process: call it from a single-threaded
// process (`kubepp run` is one; the kubelet will go through a per-container monitor).
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include <memory>
#include <optional>

#include "runtime/base/result.h"
#include "runtime/cgroups.h"
#include "runtime/hardening.h"
#include "runtime/names.h"
#include "runtime/namespaces.h"
#include "runtime/process.h"
#include "runtime/rootfs.h"

namespace kubepp::runtime {

/// What to run and how to isolate it. Plain data: the runtime knows nothing of Pods.
struct ContainerConfig {
  std::string id;                      ///< unique on this host; generated when empty
  std::vector<std::filesystem::path> layers;  ///< the image's layers, top first: the overlay's read-only lower dirs
  std::vector<std::string> args;       ///< argv; args[0] is looked up in the container's PATH
  std::vector<std::string> env;        ///< KEY=VALUE, added to (and overriding) the defaults
  std::string working_dir = "/";       ///< cwd of the process, inside the container
  std::string hostname;                ///< defaults to the id (or the host's with host UTS)
  NamespaceOptions namespaces;         ///< which host namespaces to share
  ResourceLimits resources;            ///< cgroup limits; zero fields are unlimited
  SecurityConfig security;             ///< capabilities, user, no_new_privs, privileged
  /// Bind mounts after the image's root is built, parents before children: a pod's
  /// volumes, and its /etc/hosts, /etc/hostname, /etc/resolv.conf (which then replace the
  /// container's own).
  std::vector<FileMount> mounts;
  bool readonly_rootfs = false;        ///< "/" read-only (volumes keep their own mode)
  /// Written before the process runs; unset keeps ours, and so does a value below ours
  /// on a host that withholds CAP_SYS_RESOURCE.
  std::optional<int> oom_score_adj;
  /// The container's cgroup, relative to each hierarchy's root; "" means
  /// StateDirs::container_cgroup (a pod's containers live below the pod's cgroup).
  std::string cgroup;
  int stdin_fd = -1;                   ///< descriptors that become 0, 1, 2; -1 = inherit ours
  int stdout_fd = -1;
  int stderr_fd = -1;
};

class Container {
 public:
  /// Validates `config` and prepares the container's directories under `dirs`
  /// (upper and work layers, /etc/hosts, /etc/hostname, /etc/resolv.conf).
  static Result<Container> create(ContainerConfig config, const StateDirs& dirs);

  Container(Container&& other) noexcept;
  Container& operator=(Container&&) = delete;
  Container(const Container&) = delete;
  Container& operator=(const Container&) = delete;
  /// Kills the process if it still runs, reaps it, and removes the state directories.
  ~Container();

  /// Names the container by `ip` in its /etc/hosts instead of 127.0.1.1, as Docker does
  /// for a container on a bridge. Before start().
  Status set_address(const std::string& ip);

  /// Starts the process. Returns once it has exec'd the command, or with the error of
  /// the step that failed inside the container ("pivot_root `…`: EINVAL").
  Status start();

  /// Waits for the process to end and says why it ended (ExitStatus::reason). Call
  /// once, after a successful start().
  Result<ExitStatus> wait();

  /// What the container has used so far (NotFound before start and after wait).
  Result<ResourceUsage> usage();

  /// Sends `signal` to the container's first process.
  Status kill(int signal);

  /// Keeps the container's directories when the handle goes away (its record and log
  /// stay for `kubepp ps`, `logs` and `rm`); the process is still killed and its
  /// cgroup removed.
  void keep_state() { owns_state_ = false; }

  const std::string& id() const { return config_.id; }
  const ContainerConfig& config() const { return config_; }
  /// The container's cgroup, relative to each hierarchy's root.
  const std::string& cgroup() const { return config_.cgroup; }
  /// The first process's pid as the host sees it; 0 before start().
  pid_t pid() const { return pid_; }

 private:
  Container(ContainerConfig config, StateDirs dirs);
  Status start_unchecked();
  /// The root filesystem: the image's layers, the /etc files, the mounts.
  RootfsLayout rootfs_layout() const;
  /// Runs in the cloned child: sets the container up and execs. Returns only on error.
  Error child_main(int sync_fd, bool new_cgroup_ns);
  void destroy();

  ContainerConfig config_;
  StateDirs dirs_;
  pid_t pid_ = 0;
  bool reaped_ = false;
  bool owns_state_ = true;
  std::unique_ptr<CgroupDriver> cgroups_;  ///< set while the container's cgroup exists
  ProcessSecurity security_;               ///< resolved by create(), applied before exec
};

/// A new random container id: 12 lowercase hex digits, as Docker shortens its ids.
std::string new_container_id();


}  // namespace kubepp::runtime

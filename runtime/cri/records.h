// records.h — what the CRI runtime keeps on disk (internal to runtime/cri/).
//
//   <lib>/sandboxes/lock                      flock'd while a sandbox is being created
//   <lib>/sandboxes/<id>/sandbox.json          SandboxRecord
//   <lib>/sandboxes/<id>/lock                  flock'd by any change to the sandbox
//   <lib>/sandboxes/<id>/{hosts,hostname,resolv.conf}   the pod's /etc files
//   <lib>/sandboxes/<id>/containers/<cid>.json ContainerRecord
//
// The pause process and the containers are ordinary kubepp containers besides: their
// processes' states are in state.json under StateDirs::container_lib (monitor.h).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "runtime/base/result.h"
#include "runtime/cri/api.h"
#include "runtime/names.h"

namespace kubepp::runtime::cri {

/// A sandbox as RunPodSandbox made it.
struct SandboxRecord {
  std::string id;          ///< also the id of its pause container
  PodSandboxConfig config;
  int64_t created_at = 0;  ///< nanoseconds since the epoch
  bool ready = false;      ///< set once everything ran, cleared by StopPodSandbox
  std::string netns;       ///< the network namespace's name; "" with the node's network
  std::string ip;          ///< the pod's address; "" with the node's network
  std::string cgroup;      ///< the pod's cgroup, relative to each hierarchy's root
  pid_t pause_pid = 0;
};

/// A container as CreateContainer recorded it: everything StartContainer needs, the
/// image already resolved.
struct ContainerRecord {
  std::string id;
  std::string pod_sandbox_id;
  ContainerConfig config;
  int64_t created_at = 0;
  std::string image_ref;                ///< the image's id, "sha256:…"
  std::vector<std::string> layers;      ///< the overlay's lower dirs, top first
  std::vector<std::string> args;        ///< the image's entrypoint and cmd combined with config's
  std::vector<std::string> image_env;   ///< the image's Env, before config.envs
  std::string working_dir;              ///< config's, else the image's, else "/"
  std::string image_user;               ///< the image's User, when config sets no run_as_user
  std::string log_path;                 ///< absolute
  /// Why StartContainer failed ("" while it has not): the container counts as exited,
  /// with the kubelet's StartError and exit code 128.
  std::string start_error;
  int64_t start_failed_at = 0;
};

/// The directory of all sandboxes, and of one.
std::filesystem::path sandboxes_dir(const StateDirs& dirs);
std::filesystem::path sandbox_dir(const StateDirs& dirs, const std::string& id);

Status write_sandbox(const StateDirs& dirs, const SandboxRecord& record);
/// NotFound names the sandbox.
Result<SandboxRecord> read_sandbox(const StateDirs& dirs, const std::string& id);
/// Every sandbox with a record, oldest first.
std::vector<SandboxRecord> list_sandboxes(const StateDirs& dirs);

Status write_container(const StateDirs& dirs, const ContainerRecord& record);
/// NotFound names the container.
Result<ContainerRecord> read_container(const StateDirs& dirs, const std::string& id);
/// The containers of one sandbox (or of every sandbox, when `sandbox_id` is empty), oldest first.
std::vector<ContainerRecord> list_container_records(const StateDirs& dirs, const std::string& sandbox_id = "");
Status remove_container_record(const StateDirs& dirs, const ContainerRecord& record);

/// Nanoseconds since the epoch, now.
int64_t now_nanos();
/// An RFC 3339 time from state.h as nanoseconds since the epoch; 0 for "".
int64_t nanos_of(const std::string& rfc3339);

}  // namespace kubepp::runtime::cri

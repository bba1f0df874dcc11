// cgroups.h — control groups: what a container may use, and what it has used.
//
// Namespaces decide what a container can see; cgroups decide how much it can take:
// memory, CPU time, processes. A container's processes live in one cgroup,
// `<parent>/<id>` (parent `kubepp`, see names.h), whose files the kernel reads as
// limits and writes as counters.
//
// Two kernels' worth of interface sit behind one driver: cgroup v1 (one hierarchy
// per controller — this machine's hybrid layout; driven through libcgroup) and
// cgroup v2 (one unified tree; plain files). Limits become settings in two steps, so
// the conversion can be read and tested on its own:
//   ResourceLimits ──cgroup_v1_settings / cgroup_v2_settings──▶ [CgroupSetting]
//                  ──CgroupDriver::create──▶ files in the cgroup filesystem
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include "runtime/base/result.h"

namespace kubepp::runtime {

/// What a container may use, in plain integers (the runtime knows no "64Mi"). Zero
/// means "no limit" (for requests: "nothing asked for").
struct ResourceLimits {
  int64_t memory_bytes = 0;      ///< hard memory limit; above it the kernel OOM-kills
  int64_t cpu_limit_millis = 0;  ///< CPU limit in millicores (1000 = one CPU): a quota per period
  int64_t cpu_request_millis = 0;  ///< CPU request in millicores: a relative weight (shares)
  int64_t pids_max = 0;          ///< most processes (and threads) at once
  /// Every device (a privileged container); otherwise only the allow-list
  /// (kDeviceAllowList) may be opened or created, whatever nodes /dev holds.
  bool all_devices = false;
};

/// The devices a container may use (cgroup v1 devices.allow lines): creating any node
/// (mknod, "m") but opening only null, zero, full, random, urandom, tty, ptmx and its
/// terminals — Docker's default list. Without it CAP_MKNOD would let a container make
/// /dev/sda and read the host's disk.
inline constexpr const char* kDeviceAllowList[] = {
    "c *:* m",   "b *:* m",   "c 1:3 rwm", "c 1:5 rwm",   "c 1:7 rwm", "c 1:8 rwm",
    "c 1:9 rwm", "c 5:0 rwm", "c 5:1 rwm", "c 5:2 rwm", "c 136:* rwm",
};

/// One value to write into one file of one controller: ("memory", "memory.max", "67108864").
struct CgroupSetting {
  std::string controller;
  std::string file;
  std::string value;

  bool operator==(const CgroupSetting&) const = default;
};

/// Prints {controller, file, value}, so a failing test shows what differed.
std::ostream& operator<<(std::ostream& out, const CgroupSetting& setting);

/// True when `limits` asks for anything. A container that asks for nothing gets a cgroup
/// (for its counters) but no settings: the kernel's defaults, as `docker run` leaves them.
bool has_limits(const ResourceLimits& limits);

/// The CFS period kubepp uses, as Kubernetes does: 100 ms.
inline constexpr int64_t kCpuPeriodMicros = 100000;

/// The cgroup v1 settings for `limits`, in this order: memory.limit_in_bytes, cpu.shares,
/// cpu.cfs_period_us and cpu.cfs_quota_us, pids.max. Only limits that are set appear,
/// except cpu.shares, always there (2, the kernel's least, when nothing is requested —
/// as the kubelet does for a container without a CPU request).
std::vector<CgroupSetting> cgroup_v1_settings(const ResourceLimits& limits);

/// The cgroup v2 settings for `limits`: memory.max, cpu.max ("QUOTA PERIOD"),
/// cpu.weight (converted from v1 shares as Kubernetes converts them), pids.max.
std::vector<CgroupSetting> cgroup_v2_settings(const ResourceLimits& limits);

/// What a container has used so far.
struct ResourceUsage {
  int64_t memory_working_set = 0;  ///< bytes in use minus inactive page cache (what the kubelet reports)
  int64_t cpu_usage_nanos = 0;     ///< CPU time of all its processes
  int64_t oom_kills = 0;           ///< processes the kernel's OOM killer killed in this cgroup
  int64_t pids = 0;                ///< processes now
};

/// A cgroup driver: creates, fills, reads and removes cgroups. `path` is relative to
/// the root of each hierarchy, e.g. "kubepp/3f2a…". Not thread-safe.
class CgroupDriver {
 public:
  virtual ~CgroupDriver() = default;
  /// "v1" or "v2".
  virtual const char* version() const = 0;
  /// Creates the cgroup (and its parents) in every controller kubepp uses and writes
  /// `limits`. Fails with the file and value the kernel refused.
  virtual Status create(const std::string& path, const ResourceLimits& limits) = 0;
  /// Moves `pid` into the cgroup. Call before the process starts threads or execs:
  /// v1 moves one thread only.
  virtual Status attach(const std::string& path, pid_t pid) = 0;
  /// Reads the counters. NotFound when the cgroup does not exist.
  virtual Result<ResourceUsage> usage(const std::string& path) = 0;
  /// Kills what still runs in the cgroup and removes it; a missing cgroup is fine. The
  /// parent (`kubepp`) stays, as Docker's `docker` cgroup does: removing it while the
  /// next container is being created under it races (`kubepp cleanup` removes it).
  virtual Status destroy(const std::string& path) = 0;
};

/// The driver for this machine: v2 when /sys/fs/cgroup is a unified cgroup2 mount,
/// else v1 over libcgroup.
std::unique_ptr<CgroupDriver> make_cgroup_driver();

/// A v2 driver over the cgroup2 tree mounted at `root` (tests pass a fake tree).
std::unique_ptr<CgroupDriver> make_cgroup_v2_driver(const std::filesystem::path& root);

/// The v1 driver, over libcgroup (cgroups_v1.cpp).
std::unique_ptr<CgroupDriver> make_cgroup_v1_driver();

/// The value of `key` in a "key value" counter file (memory.stat, memory.events,
/// cpu.stat, memory.oom_control), or 0 when absent.
int64_t counter_value(const std::string& text, const std::string& key);

/// The pids listed in a cgroup.procs or tasks file.
std::vector<pid_t> parse_pids(const std::string& text);

/// SIGKILLs every pid listed in the files of `procs_files` until they are all empty
/// (at most ~2 s): a cgroup must be empty before it can be removed.
void kill_cgroup_members(const std::vector<std::filesystem::path>& procs_files);

}  // namespace kubepp::runtime

// cgroups_v2.cpp — the cgroup v2 driver: one unified tree of plain files.
//
// Not reachable on this project's machines (a v1/v2 hybrid cannot be booted v2-only
// here): tests/runtime/cgroups_test.cpp drives it over a fake cgroupfs tree. It has no
// device allow-list yet: v2 controls devices with an eBPF program attached to the
// cgroup (as runc and crun attach one), which kubepp does not write.
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "runtime/base/files.h"
#include "runtime/cgroups.h"

namespace kubepp::runtime {

namespace fs = std::filesystem;

namespace {

// Kubernetes' conversions (pkg/kubelet/cm): a CPU request becomes shares, with 2 the
// kernel's least; a quota is never below 1 ms per period.
constexpr int64_t kMinShares = 2;
constexpr int64_t kMaxShares = 262144;
constexpr int64_t kMinQuotaMicros = 1000;

int64_t cpu_shares(int64_t request_millis) {
  if (request_millis <= 0) return kMinShares;
  return std::clamp(request_millis * 1024 / 1000, kMinShares, kMaxShares);
}

int64_t cpu_quota_micros(int64_t limit_millis) {
  return std::max(limit_millis * kCpuPeriodMicros / 1000, kMinQuotaMicros);
}

}  // namespace

std::vector<CgroupSetting> cgroup_v2_settings(const ResourceLimits& limits) {
  std::vector<CgroupSetting> settings;
  if (limits.memory_bytes > 0) settings.push_back({"memory", "memory.max", std::to_string(limits.memory_bytes)});
  // v2 weighs 1..10000 where v1 shared 2..262144: the same line through both ranges.
  const int64_t weight = 1 + (cpu_shares(limits.cpu_request_millis) - kMinShares) * 9999 / (kMaxShares - kMinShares);
  settings.push_back({"cpu", "cpu.weight", std::to_string(weight)});
  if (limits.cpu_limit_millis > 0) {
    settings.push_back({"cpu", "cpu.max",
                        std::to_string(cpu_quota_micros(limits.cpu_limit_millis)) + " " +
                            std::to_string(kCpuPeriodMicros)});
  }
  if (limits.pids_max > 0) settings.push_back({"pids", "pids.max", std::to_string(limits.pids_max)});
  return settings;
}

namespace {

// cgroup v2: one tree, plain files. Controllers must be enabled in every ancestor's
// cgroup.subtree_control before a child can use them.
class CgroupV2 final : public CgroupDriver {
 public:
  explicit CgroupV2(fs::path root) : root_(std::move(root)) {}

  const char* version() const override { return "v2"; }

  Status create(const std::string& path, const ResourceLimits& limits) override {
    fs::path dir = root_;
    for (const fs::path& part : fs::path(path)) {
      if (Status s = write_file(dir / "cgroup.subtree_control", "+cpu +memory +pids"); !s) {
        return Error{s.error().code, "cgroup " + path + ": enable controllers: " + s.error().message};
      }
      dir /= part;
      if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) return sys_error("mkdir", dir, errno);
    }
    const std::vector<CgroupSetting> settings = has_limits(limits) ? cgroup_v2_settings(limits)
                                                                    : std::vector<CgroupSetting>{};
    for (const CgroupSetting& setting : settings) {
      if (Status s = write_file(dir / setting.file, setting.value); !s) {
        return Error{ErrorCode::Invalid,
                     "cgroup " + path + ": " + setting.file + " = " + setting.value + ": " + s.error().message};
      }
    }
    return {};
  }

  Status attach(const std::string& path, pid_t pid) override {
    return write_file(root_ / path / "cgroup.procs", std::to_string(pid));
  }

  Result<ResourceUsage> usage(const std::string& path) override {
    const fs::path dir = root_ / path;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return Error{ErrorCode::NotFound, "cgroup " + path + ": not found"};
    ResourceUsage usage;
    const int64_t current = counter_value("memory.current " + read_file(dir / "memory.current"), "memory.current");
    usage.memory_working_set =
        std::max<int64_t>(0, current - counter_value(read_file(dir / "memory.stat"), "inactive_file"));
    usage.cpu_usage_nanos = counter_value(read_file(dir / "cpu.stat"), "usage_usec") * 1000;
    usage.oom_kills = counter_value(read_file(dir / "memory.events"), "oom_kill");
    usage.pids = static_cast<int64_t>(parse_pids(read_file(dir / "cgroup.procs")).size());
    return usage;
  }

  Status destroy(const std::string& path) override {
    const fs::path dir = root_ / path;
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) return {};
    kill_cgroup_members({dir / "cgroup.procs"});
    if (::rmdir(dir.c_str()) != 0 && errno != ENOENT) return sys_error("rmdir", dir, errno);
    return {};
  }

 private:
  fs::path root_;
};

}  // namespace

std::unique_ptr<CgroupDriver> make_cgroup_v2_driver(const fs::path& root) { return std::make_unique<CgroupV2>(root); }

}  // namespace kubepp::runtime

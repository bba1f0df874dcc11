// cgroups_v1.cpp — the cgroup v1 driver, over libcgroup.
//
// v1 mounts one hierarchy per controller (/sys/fs/cgroup/memory, …/cpu, …/pids); a
// container's cgroup is the same relative path in each. libcgroup creates it in all
// of them at once, writes the values, moves tasks and removes it again. Only this file
// includes libcgroup.h.
#include <libcgroup.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <map>
#include <memory>

#include "runtime/base/files.h"
#include "runtime/cgroups.h"

namespace kubepp::runtime {

namespace fs = std::filesystem;

namespace {

// The v1 controllers a container's cgroup exists in: the three kubepp limits, cpuacct,
// whose counter is the CPU usage, and devices, the device allow-list.
constexpr const char* kControllers[] = {"memory", "cpu", "cpuacct", "pids", "devices"};

struct CgroupFree {
  void operator()(struct cgroup* cg) const { cgroup_free(&cg); }
};
using CgroupPtr = std::unique_ptr<struct cgroup, CgroupFree>;

Error libcgroup_error(const std::string& what, const std::string& path, int rc) {
  std::string message = "cgroup " + path + ": " + what + ": " + cgroup_strerror(rc);
  if (rc == ECGOTHER) message += " (" + errno_name(cgroup_get_last_errno()) + ")";
  return Error{ErrorCode::Internal, message};
}

// A libcgroup handle for `path` in every kubepp controller (values added by the caller).
Result<std::pair<CgroupPtr, std::map<std::string, cgroup_controller*>>> handle(const std::string& path) {
  CgroupPtr cg(cgroup_new_cgroup(path.c_str()));
  if (!cg) return Error{ErrorCode::Internal, "cgroup " + path + ": cgroup_new_cgroup failed"};
  std::map<std::string, cgroup_controller*> controllers;
  for (const char* name : kControllers) {
    controllers[name] = cgroup_add_controller(cg.get(), name);
    if (controllers[name] == nullptr) {
      return Error{ErrorCode::Internal, "cgroup " + path + ": controller " + name + " is not available"};
    }
  }
  return std::make_pair(std::move(cg), std::move(controllers));
}

class CgroupV1 final : public CgroupDriver {
 public:
  CgroupV1() {
    static const int rc = cgroup_init();  // libcgroup reads /proc/mounts once per process
    init_rc_ = rc;
  }

  const char* version() const override { return "v1"; }

  Status create(const std::string& path, const ResourceLimits& limits) override {
    if (init_rc_ != 0) return libcgroup_error("cgroup_init", path, init_rc_);
    auto h = handle(path);
    if (!h) return h.error();
    auto& [cg, controllers] = h.value();
    std::string written;
    const std::vector<CgroupSetting> settings = has_limits(limits) ? cgroup_v1_settings(limits)
                                                                    : std::vector<CgroupSetting>{};
    for (const CgroupSetting& s : settings) {
      if (int rc = cgroup_add_value_string(controllers.at(s.controller), s.file.c_str(), s.value.c_str()); rc != 0) {
        return libcgroup_error("add " + s.file, path, rc);
      }
      written += " " + s.file + "=" + s.value;
    }
    if (int rc = cgroup_create_cgroup(cg.get(), 0); rc != 0) {
      Error error = libcgroup_error("create with" + written, path, rc);
      (void)destroy(path);  // nothing half-created is left
      return error;
    }
    if (!limits.all_devices) {
      if (Status s = restrict_devices(path); !s) {
        (void)destroy(path);
        return s;
      }
    }
    return {};
  }

  // devices.allow takes one rule per write, which libcgroup's one-value-per-file model
  // cannot say: these go straight to the files. Deny everything, then allow the list.
  Status restrict_devices(const std::string& path) {
    const fs::path devices = dir("devices", path);
    if (Status s = write_file(devices / "devices.deny", "a"); !s) return s;
    for (const char* rule : kDeviceAllowList) {
      if (Status s = write_file(devices / "devices.allow", rule); !s) {
        return Error{s.error().code, "cgroup " + path + ": devices.allow `" + rule + "`: " + s.error().message};
      }
    }
    return {};
  }

  Status attach(const std::string& path, pid_t pid) override {
    auto h = handle(path);
    if (!h) return h.error();
    // Writes `pid` to each hierarchy's tasks file: one thread — the caller attaches a
    // process that has not started threads yet.
    if (int rc = cgroup_attach_task_pid(h.value().first.get(), pid); rc != 0) {
      return libcgroup_error("attach " + std::to_string(pid), path, rc);
    }
    return {};
  }

  Result<ResourceUsage> usage(const std::string& path) override {
    const fs::path memory = dir("memory", path);
    std::error_code ec;
    if (memory.empty() || !fs::is_directory(memory, ec)) {
      return Error{ErrorCode::NotFound, "cgroup " + path + ": not found"};
    }
    ResourceUsage usage;
    const int64_t in_use = std::atoll(read_file(memory / "memory.usage_in_bytes").c_str());
    usage.memory_working_set =
        std::max<int64_t>(0, in_use - counter_value(read_file(memory / "memory.stat"), "total_inactive_file"));
    usage.oom_kills = counter_value(read_file(memory / "memory.oom_control"), "oom_kill");
    usage.cpu_usage_nanos = std::atoll(read_file(dir("cpuacct", path) / "cpuacct.usage").c_str());
    usage.pids = std::atoll(read_file(dir("pids", path) / "pids.current").c_str());
    return usage;
  }

  Status destroy(const std::string& path) override {
    std::vector<fs::path> tasks;
    for (const char* controller : kControllers) {
      if (fs::path d = dir(controller, path); !d.empty()) tasks.push_back(d / "tasks");
    }
    kill_cgroup_members(tasks);
    // Gone from every hierarchy already: done. (libcgroup 2.0 would answer ECGOTHER with
    // errno ENOENT here, not ECGROUPNOTEXIST, and the loop below would spin for a second.)
    std::error_code ec;
    if (std::none_of(tasks.begin(), tasks.end(), [&](const fs::path& t) { return fs::exists(t.parent_path(), ec); })) {
      return {};
    }
    auto h = handle(path);
    if (!h) return h.error();
    // A cgroup whose last child was just removed may refuse for a moment (EBUSY) while
    // the kernel finishes taking the child down: memory cgroups linger.
    int rc = 0;
    for (int attempt = 0; attempt < 100; ++attempt) {
      rc = cgroup_delete_cgroup_ext(h.value().first.get(), CGFLAG_DELETE_IGNORE_MIGRATION);
      if (rc == 0 || rc == ECGROUPNOTEXIST) return {};
      ::usleep(10000);
    }
    if (rc != 0) return libcgroup_error("delete", path, rc);
    return {};
  }

 private:
  // The directory of `path` in `controller`'s hierarchy, or empty when not mounted.
  fs::path dir(const char* controller, const std::string& path) const {
    char* mount = nullptr;
    if (init_rc_ != 0 || cgroup_get_subsys_mount_point(controller, &mount) != 0 || mount == nullptr) return {};
    fs::path result = fs::path(mount) / path;
    std::free(mount);
    return result;
  }

  int init_rc_ = 0;
};

}  // namespace

std::unique_ptr<CgroupDriver> make_cgroup_v1_driver() { return std::make_unique<CgroupV1>(); }

}  // namespace kubepp::runtime

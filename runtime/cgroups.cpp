#include "runtime/cgroups.h"

#include <signal.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <linux/magic.h>
#include <ostream>
#include <sstream>
#include <thread>

#include "runtime/base/files.h"

namespace kubepp::runtime {

namespace fs = std::filesystem;

//> lab01 cgroup_v1_settings
std::vector<CgroupSetting> cgroup_v1_settings(const ResourceLimits& limits) {
  std::vector<CgroupSetting> settings;
  if (limits.memory_bytes > 0) {
    settings.push_back({"memory", "memory.limit_in_bytes", std::to_string(limits.memory_bytes)});
  }
  // A request becomes shares: 1024 per CPU, never below the kernel's least, 2.
  const int64_t shares = std::clamp<int64_t>(limits.cpu_request_millis * 1024 / 1000, 2, 262144);
  settings.push_back({"cpu", "cpu.shares", std::to_string(shares)});
  if (limits.cpu_limit_millis > 0) {
    // A limit becomes a quota of CPU time per period; never below 1 ms.
    const int64_t quota = std::max<int64_t>(limits.cpu_limit_millis * kCpuPeriodMicros / 1000, 1000);
    settings.push_back({"cpu", "cpu.cfs_period_us", std::to_string(kCpuPeriodMicros)});
    settings.push_back({"cpu", "cpu.cfs_quota_us", std::to_string(quota)});
  }
  if (limits.pids_max > 0) settings.push_back({"pids", "pids.max", std::to_string(limits.pids_max)});
  return settings;
}
//< lab01

std::ostream& operator<<(std::ostream& out, const CgroupSetting& s) {
  return out << "{" << s.controller << ", " << s.file << ", " << s.value << "}";
}

bool has_limits(const ResourceLimits& limits) {
  return limits.memory_bytes > 0 || limits.cpu_limit_millis > 0 || limits.cpu_request_millis > 0 ||
         limits.pids_max > 0;
}

int64_t counter_value(const std::string& text, const std::string& key) {
  std::istringstream in(text);
  std::string name;
  int64_t value = 0;
  while (in >> name >> value) {
    if (name == key) return value;
  }
  return 0;
}

std::vector<pid_t> parse_pids(const std::string& text) {
  std::vector<pid_t> pids;
  std::istringstream in(text);
  for (pid_t pid; in >> pid;) pids.push_back(pid);
  return pids;
}

void kill_cgroup_members(const std::vector<fs::path>& procs_files) {
  for (int attempt = 0; attempt < 200; ++attempt) {
    bool empty = true;
    for (const fs::path& file : procs_files) {
      for (pid_t pid : parse_pids(read_file(file))) {
        ::kill(pid, SIGKILL);
        empty = false;
      }
    }
    if (empty) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

std::unique_ptr<CgroupDriver> make_cgroup_driver() {
  struct statfs st{};
  if (::statfs("/sys/fs/cgroup", &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC) {
    return make_cgroup_v2_driver("/sys/fs/cgroup");
  }
  return make_cgroup_v1_driver();
}

}  // namespace kubepp::runtime

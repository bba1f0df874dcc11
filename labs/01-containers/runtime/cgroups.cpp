// Lab 01 starter, generated from runtime/cgroups.cpp by labs/tools/labgen.py — write the TODOs below.
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
#include "runtime/base/todo.h"

namespace kubepp::runtime {

namespace fs = std::filesystem;

//> lab01 cgroup_v1_settings
std::vector<CgroupSetting> cgroup_v1_settings(const ResourceLimits& limits) {
  // TODO(lab01): write cgroup_v1_settings — the task is in labs/01-containers/README.md
  (void)limits;
  kubepp::lab_todo("lab01", "cgroup_v1_settings");
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

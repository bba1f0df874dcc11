#include "runtime/state.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <ctime>
#include <nlohmann/json.hpp>
#include <sstream>

#include "runtime/base/files.h"
#include "runtime/base/unique_fd.h"

namespace kubepp::runtime {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

constexpr const char* kPhases[] = {"created", "running", "exited"};

json to_json(const ContainerState& s) {
  return {{"id", s.id},
          {"image", s.image},
          {"imageId", s.image_id},
          {"layers", s.layers},
          {"command", s.command},
          {"phase", to_string(s.phase)},
          {"pid", s.pid},
          {"pidStart", s.pid_start},
          {"monitorPid", s.monitor_pid},
          {"createdAt", s.created_at},
          {"startedAt", s.started_at},
          {"finishedAt", s.finished_at},
          {"exitCode", s.exit_code},
          {"signal", s.signal},
          {"reason", s.reason},
          {"logPath", s.log_path},
          {"cgroup", s.cgroup},
          {"network", {{"netns", s.network.netns}, {"ip", s.network.ip}, {"ports", s.network.ports}}}};
}

ContainerState from_json(const json& j) {
  ContainerState s;
  s.id = j.value("id", "");
  s.image = j.value("image", "");
  s.image_id = j.value("imageId", "");
  s.layers = j.value("layers", std::vector<std::string>{});
  s.command = j.value("command", std::vector<std::string>{});
  const std::string phase = j.value("phase", "created");
  for (int i = 0; i < 3; ++i) {
    if (phase == kPhases[i]) s.phase = static_cast<ContainerPhase>(i);
  }
  s.pid = j.value("pid", 0);
  s.pid_start = j.value("pidStart", "");
  s.monitor_pid = j.value("monitorPid", 0);
  s.created_at = j.value("createdAt", "");
  s.started_at = j.value("startedAt", "");
  s.finished_at = j.value("finishedAt", "");
  s.exit_code = j.value("exitCode", 0);
  s.signal = j.value("signal", 0);
  s.reason = j.value("reason", "");
  s.log_path = j.value("logPath", "");
  s.cgroup = j.value("cgroup", "");
  const json network = j.value("network", json::object());
  s.network.netns = network.value("netns", "");
  s.network.ip = network.value("ip", "");
  s.network.ports = network.value("ports", std::vector<std::string>{});
  return s;
}

}  // namespace

const char* to_string(ContainerPhase phase) { return kPhases[static_cast<int>(phase)]; }

fs::path state_path(const StateDirs& dirs, const std::string& id) { return dirs.container_lib(id) / "state.json"; }

Status write_state(const StateDirs& dirs, const ContainerState& state) {
  return write_file_atomic(state_path(dirs, state.id), to_json(state).dump(2) + "\n", 0600);
}

Result<ContainerState> read_state(const StateDirs& dirs, const std::string& id) {
  if (id.empty() || id.find('/') != std::string::npos || id.find("..") != std::string::npos) {
    return Error{ErrorCode::Invalid, "container name `" + id + "`: must not be empty or hold `/` or `..`"};
  }
  const std::string text = read_file(state_path(dirs, id));
  if (text.empty()) return Error{ErrorCode::NotFound, "no such container: " + id};
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return Error{ErrorCode::Internal, "container " + id + ": state.json is not JSON"};
  return from_json(j);
}

std::vector<ContainerState> list_states(const StateDirs& dirs) {
  std::vector<ContainerState> states;
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(dirs.lib / "containers", ec)) {
    if (Result<ContainerState> s = read_state(dirs, entry.path().filename()); s.ok()) states.push_back(s.value());
  }
  std::sort(states.begin(), states.end(), [](const auto& a, const auto& b) { return a.created_at < b.created_at; });
  return states;
}

std::string process_start_time(pid_t pid) {
  std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  size_t paren = stat.rfind(')');
  if (pid <= 0 || paren == std::string::npos) return "";
  std::istringstream rest(stat.substr(paren + 2));
  std::string field;
  for (int i = 3; i <= 22 && rest >> field; ++i) {
    if (i == 3 && field == "Z") return "";
  }
  return field;
}

bool still_running(const ContainerState& state) {
  return state.phase == ContainerPhase::Running && !state.pid_start.empty() &&
         process_start_time(state.pid) == state.pid_start;
}

std::string rfc3339_nano_now() {
  const auto now = std::chrono::system_clock::now();
  const auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()).count();
  const std::time_t seconds = static_cast<std::time_t>(nanos / 1000000000);
  std::tm tm{};
  ::gmtime_r(&seconds, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%09lldZ", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
                tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<long long>(nanos % 1000000000));
  return buf;
}

}  // namespace kubepp::runtime

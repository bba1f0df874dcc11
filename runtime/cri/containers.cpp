// The container half of RuntimeService: CreateContainer, StartContainer, StopContainer,
// RemoveContainer, ListContainers, ContainerStatus, ExecSync, Exec, ContainerLogs.
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "runtime/base/files.h"
#include "runtime/cri/internal.h"
#include "runtime/cri/records.h"
#include "runtime/cri/runtime_service.h"
#include "runtime/container.h"
#include "runtime/images.h"
#include "runtime/monitor.h"
#include "runtime/base/file_lock.h"
#include "runtime/state.h"

namespace kubepp::runtime::cri {

namespace fs = std::filesystem;

namespace {

std::vector<pid_t>& forgotten_monitors() {
  static std::vector<pid_t> pids;  // this process's children: one list per process
  return pids;
}

std::string container_name(const ContainerMetadata& m) { return m.name + "_" + std::to_string(m.attempt); }

// Who the container runs as: run_as_user[:run_as_group], else the image's user (with
// run_as_group replacing its group).
std::string user_of(const LinuxContainerSecurityContext& sc, const std::string& image_user) {
  std::string user = sc.run_as_user ? std::to_string(*sc.run_as_user) : image_user.substr(0, image_user.find(':'));
  if (sc.run_as_group) return (user.empty() ? "0" : user) + ":" + std::to_string(*sc.run_as_group);
  return sc.run_as_user ? user : image_user;
}

// The runtime's container for a CRI record in its sandbox.
runtime::ContainerConfig runtime_config(const SandboxRecord& sandbox, const ContainerRecord& record,
                                        const StateDirs& dirs) {
  const ContainerConfig& c = record.config;
  const NamespaceOption& pod = sandbox.config.linux.namespace_options;
  const std::string pause = "/proc/" + std::to_string(sandbox.pause_pid) + "/ns/";
  runtime::ContainerConfig config;
  config.id = record.id;
  for (const std::string& layer : record.layers) config.layers.push_back(layer);
  config.args = record.args;
  config.env = record.image_env;
  for (const KeyValue& kv : c.envs) config.env.push_back(kv.key + "=" + kv.value);
  config.working_dir = record.working_dir;
  config.hostname = read_file(sandbox_dir(dirs, sandbox.id) / "hostname");
  if (!config.hostname.empty() && config.hostname.back() == '\n') config.hostname.pop_back();
  // The namespaces, as the sandbox has them: network, IPC and UTS are the pod's (the
  // node's with hostNetwork/hostIPC); PID is the container's own unless the pod shares
  // one (POD) or the node's (NODE).
  NamespaceOptions& ns = config.namespaces;
  if (sandbox.netns.empty()) {
    ns.host_network = ns.host_uts = true;
  } else {
    ns.join.push_back({CLONE_NEWNET, net::netns_path(sandbox.netns).string()});
    ns.join.push_back({CLONE_NEWUTS, pause + "uts"});
  }
  if (pod.ipc == NamespaceMode::NODE) {
    ns.host_ipc = true;
  } else {
    ns.join.push_back({CLONE_NEWIPC, pause + "ipc"});
  }
  if (pod.pid == NamespaceMode::NODE) ns.host_pid = true;
  if (pod.pid == NamespaceMode::POD) ns.join.push_back({CLONE_NEWPID, pause + "pid"});
  // The pod's /etc files first; a volume mounted on one of them replaces it.
  const fs::path dir = sandbox_dir(dirs, sandbox.id);
  for (const char* file : {"hosts", "hostname", "resolv.conf"}) {
    config.mounts.push_back({dir / file, std::string("/etc/") + file, false});
  }
  for (const Mount& m : c.mounts) {
    std::erase_if(config.mounts, [&](const FileMount& f) { return f.target == m.container_path; });
    config.mounts.push_back({m.host_path, m.container_path, m.readonly});
  }
  const LinuxContainerSecurityContext& sc = c.linux.security_context;
  config.readonly_rootfs = sc.readonly_rootfs;
  config.resources = to_resource_limits(c.linux.resources);
  if (c.linux.resources.oom_score_adj != 0) config.oom_score_adj = static_cast<int>(c.linux.resources.oom_score_adj);
  config.security.privileged = sc.privileged;
  config.security.cap_add = sc.capabilities.add_capabilities;
  config.security.cap_drop = sc.capabilities.drop_capabilities;
  config.security.no_new_privs = sc.no_new_privs;
  config.security.user = user_of(sc, record.image_user);
  for (int64_t gid : sc.supplemental_groups) config.security.supplemental_groups.push_back(static_cast<gid_t>(gid));
  config.cgroup = sandbox.cgroup + "/" + record.id;
  return config;
}

ContainerState cri_state(const ContainerRecord& record, const Result<runtime::ContainerState>& state) {
  if (!record.start_error.empty()) return ContainerState::CONTAINER_EXITED;  // it never ran
  if (!state) return ContainerState::CONTAINER_CREATED;  // recorded, never started
  switch (state.value().phase) {
    case ContainerPhase::Created: return ContainerState::CONTAINER_CREATED;
    case ContainerPhase::Running:
      return still_running(state.value()) ? ContainerState::CONTAINER_RUNNING : ContainerState::CONTAINER_UNKNOWN;
    case ContainerPhase::Exited: return ContainerState::CONTAINER_EXITED;
  }
  return ContainerState::CONTAINER_UNKNOWN;
}

}  // namespace

ResourceLimits to_resource_limits(const LinuxContainerResources& r) {
  ResourceLimits limits;
  limits.memory_bytes = r.memory_limit_in_bytes;
  // shares = millis * 1024 / 1000, rounded down: rounding up undoes it exactly.
  if (r.cpu_shares > 2) limits.cpu_request_millis = (r.cpu_shares * 1000 + 1023) / 1024;
  if (r.cpu_quota > 0) {
    const int64_t period = r.cpu_period > 0 ? r.cpu_period : kCpuPeriodMicros;
    limits.cpu_limit_millis = (r.cpu_quota * 1000 + period - 1) / period;
  }
  limits.pids_max = r.pids_limit;
  return limits;
}

void forget_monitor(Launched& launched) {
  launched.report.reset();
  forgotten_monitors().push_back(launched.monitor_pid);
}

void RuntimeService::reap_monitors() {
  std::erase_if(forgotten_monitors(), [](pid_t pid) { return ::waitpid(pid, nullptr, WNOHANG) != 0; });
}

bool labels_match(const std::map<std::string, std::string>& selector, const std::map<std::string, std::string>& labels) {
  return std::all_of(selector.begin(), selector.end(), [&](const auto& kv) {
    auto it = labels.find(kv.first);
    return it != labels.end() && it->second == kv.second;
  });
}

Result<std::string> RuntimeService::CreateContainer(const std::string& pod_sandbox_id, const ContainerConfig& config,
                                                    const PodSandboxConfig& sandbox_config) {
  const StateDirs& dirs = options_.dirs;
  if (config.metadata.name.empty()) return Error{ErrorCode::Invalid, "container: metadata.name is empty"};
  if (config.image.image.empty()) return Error{ErrorCode::Invalid, "container " + config.metadata.name + ": no image"};
  // The record first: locking an unknown sandbox would create its directory.
  if (Result<SandboxRecord> known = read_sandbox(dirs, pod_sandbox_id); !known) return known.error();
  Result<FileLock> lock = FileLock::acquire(sandbox_dir(dirs, pod_sandbox_id) / "lock");
  if (!lock) return lock.error();
  Result<SandboxRecord> sandbox = ready_sandbox(dirs, pod_sandbox_id);
  if (!sandbox) return sandbox.error();
  for (const ContainerRecord& other : list_container_records(dirs, pod_sandbox_id)) {
    if (container_name(other.config.metadata) == container_name(config.metadata)) {
      return Error{ErrorCode::AlreadyExists, "container name `" + container_name(config.metadata) +
                                                 "` is reserved for container " + other.id + " in sandbox " +
                                                 pod_sandbox_id};
    }
  }
  for (const Mount& m : config.mounts) {
    std::error_code ec;
    if (!fs::path(m.container_path).is_absolute()) {
      return Error{ErrorCode::Invalid, "mount `" + m.container_path + "`: the container path is not absolute"};
    }
    if (!fs::exists(m.host_path, ec)) {
      return Error{ErrorCode::NotFound, "mount `" + m.container_path + "`: host path `" + m.host_path + "` does not exist"};
    }
  }
  Result<Image> image = resolve_image(dirs, config.image.image);
  if (!image) return image.error();

  ContainerRecord record;
  record.id = new_container_id();
  record.pod_sandbox_id = pod_sandbox_id;
  record.config = config;
  record.created_at = now_nanos();
  record.image_ref = image.value().id;
  for (const fs::path& layer : image.value().layers) record.layers.push_back(layer);
  record.args = container_command(image.value().config, config.command, config.args);
  if (record.args.empty()) {
    return Error{ErrorCode::Invalid, "container " + config.metadata.name + ": no command specified (the image `" +
                                         config.image.image + "` has none, and the container sets none)"};
  }
  record.image_env = image.value().config.env;
  record.working_dir = !config.working_dir.empty()             ? config.working_dir
                       : !image.value().config.working_dir.empty() ? image.value().config.working_dir
                                                                 : "/";
  record.image_user = image.value().config.user;
  const fs::path log_dir = sandbox_config.log_directory.empty() ? sandbox_dir(dirs, pod_sandbox_id) / "logs"
                                                                 : fs::path(sandbox_config.log_directory);
  record.log_path = (log_dir / (config.log_path.empty() ? record.id + ".log" : config.log_path)).string();
  if (Status s = write_container(dirs, record); !s) return s.error();
  return record.id;
}

Status RuntimeService::StartContainer(const std::string& id) {
  const StateDirs& dirs = options_.dirs;
  Result<ContainerRecord> record = read_container(dirs, id);
  if (!record) return record.error();
  Result<FileLock> lock = FileLock::acquire(sandbox_dir(dirs, record.value().pod_sandbox_id) / "lock");
  if (!lock) return lock.error();
  if (read_state(dirs, id).ok() || !record.value().start_error.empty()) {
    return Error{ErrorCode::Conflict, "container " + id + " was started already"};
  }
  Result<SandboxRecord> sandbox = ready_sandbox(dirs, record.value().pod_sandbox_id);
  if (!sandbox) return sandbox.error();
  std::error_code ec;
  fs::create_directories(fs::path(record.value().log_path).parent_path(), ec);
  MonitorOptions monitor;
  monitor.image = record.value().config.image.image;
  monitor.image_id = record.value().image_ref;
  monitor.log_path = record.value().log_path;
  Result<Launched> launched = launch_container(runtime_config(sandbox.value(), record.value(), dirs), dirs, monitor);
  if (!launched) {
    // Nothing ran (a missing program, a mount that failed): recorded as exited, so the
    // kubelet's restart policy applies to it as to any other exit.
    record.value().start_error = launched.error().message;
    record.value().start_failed_at = now_nanos();
    (void)write_container(dirs, record.value());
    return launched.error();
  }
  forget_monitor(launched.value());
  return {};
}

Status RuntimeService::StopContainer(const std::string& id, int64_t timeout) {
  if (Result<ContainerRecord> record = read_container(options_.dirs, id); !record) return record.error();
  Status stopped = stop_container(options_.dirs, id, static_cast<int>(std::max<int64_t>(timeout, 0)));
  reap_monitors();
  if (!stopped && stopped.error().code != ErrorCode::Conflict && stopped.error().code != ErrorCode::NotFound) {
    return stopped;
  }
  return {};
}

Status RuntimeService::RemoveContainer(const std::string& id) {
  Result<ContainerRecord> record = read_container(options_.dirs, id);
  if (!record) return record.error().code == ErrorCode::NotFound ? Status{} : Status(record.error());
  Result<FileLock> lock = FileLock::acquire(sandbox_dir(options_.dirs, record.value().pod_sandbox_id) / "lock");
  if (!lock) return lock.error();
  if (Status s = remove_container(options_.dirs, id, true); !s && s.error().code != ErrorCode::NotFound) return s;
  reap_monitors();
  return remove_container_record(options_.dirs, record.value());
}

Result<std::vector<Container>> RuntimeService::ListContainers(const ContainerFilter& filter) {
  reap_monitors();
  std::vector<Container> out;
  for (const ContainerRecord& r : list_container_records(options_.dirs, filter.pod_sandbox_id)) {
    Container c{r.id, r.pod_sandbox_id, r.config.metadata, r.config.image, r.image_ref,
                cri_state(r, read_state(options_.dirs, r.id)), r.created_at, r.config.labels, r.config.annotations};
    if (!filter.id.empty() && !c.id.starts_with(filter.id)) continue;
    if (filter.state && *filter.state != c.state) continue;
    if (!labels_match(filter.label_selector, c.labels)) continue;
    out.push_back(std::move(c));
  }
  return out;
}

Result<cri::ContainerStatus> RuntimeService::ContainerStatus(const std::string& id) {
  reap_monitors();
  Result<ContainerRecord> record = read_container(options_.dirs, id);
  if (!record) return record.error();
  const ContainerRecord& r = record.value();
  Result<runtime::ContainerState> state = read_state(options_.dirs, id);
  cri::ContainerStatus status;
  status.id = r.id;
  status.metadata = r.config.metadata;
  status.state = cri_state(r, state);
  status.created_at = r.created_at;
  status.image = r.config.image;
  status.image_ref = r.image_ref;
  status.labels = r.config.labels;
  status.annotations = r.config.annotations;
  status.mounts = r.config.mounts;
  status.log_path = r.log_path;
  if (!r.start_error.empty()) {
    // As the kubelet reports a container whose process could not be started.
    status.finished_at = r.start_failed_at;
    status.exit_code = 128;
    status.reason = "StartError";
    status.message = r.start_error;
  } else if (state.ok()) {
    const runtime::ContainerState& s = state.value();
    status.started_at = nanos_of(s.started_at);
    if (status.state == ContainerState::CONTAINER_EXITED) {
      status.finished_at = nanos_of(s.finished_at);
      status.exit_code = s.signal != 0 ? 128 + s.signal : s.exit_code;
      status.reason = s.reason;
    } else if (status.state == ContainerState::CONTAINER_UNKNOWN) {
      // Its monitor died before recording the end: the exit status is lost.
      status.reason = "Unknown";
      status.message = "the container's monitor is gone; its exit status is lost";
    }
  }
  return status;
}

Result<ExecSyncResponse> RuntimeService::ExecSync(const std::string& id, const std::vector<std::string>& cmd,
                                                  int64_t timeout) {
  if (cmd.empty()) return Error{ErrorCode::Invalid, "exec in " + id + ": no command"};
  int out[2], err[2];
  if (::pipe2(out, O_CLOEXEC) != 0 || ::pipe2(err, O_CLOEXEC) != 0) return sys_error("pipe2", "exec", errno);
  UniqueFd out_read(out[0]), out_write(out[1]), err_read(err[0]), err_write(err[1]);
  // A child of ours runs the exec with the pipes as its stdout and stderr, in a
  // process group of its own: on a timeout the whole group goes.
  pid_t child = ::fork();
  if (child < 0) return sys_error("fork", "exec", errno);
  if (child == 0) {
    ::setpgid(0, 0);
    int null = ::open("/dev/null", O_RDONLY);
    ::dup2(null, 0);
    ::dup2(out_write.get(), 1);
    ::dup2(err_write.get(), 2);
    ExecOptions options;
    options.args = cmd;
    Result<int> code = exec_in_container(options_.dirs, id, options);
    if (!code) {
      const std::string message = code.error().message + "\n";
      (void)!::write(2, message.data(), message.size());
    }
    ::_exit(code.ok() ? code.value() : 126);
  }
  ::setpgid(child, child);
  out_write.reset();
  err_write.reset();
  ExecSyncResponse response;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout);
  pollfd fds[2] = {{out_read.get(), POLLIN, 0}, {err_read.get(), POLLIN, 0}};
  std::string* sinks[2] = {&response.stdout_, &response.stderr_};
  bool timed_out = false;
  for (int open = 2; open > 0;) {
    int wait_ms = -1;
    if (timeout > 0) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) {
        timed_out = true;
        ::kill(-child, SIGKILL);
        break;
      }
      wait_ms = static_cast<int>(left.count());
    }
    if (::poll(fds, 2, wait_ms) < 0 && errno != EINTR) break;
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      char buf[4096];
      ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        fds[i].fd = -1;
        --open;
      } else {
        sinks[i]->append(buf, static_cast<size_t>(n));
      }
    }
  }
  Result<ExitStatus> status = wait_process(child);
  if (timed_out) {
    // The group's other members (the process that joined the container, the command)
    // die orphaned; if we are a subreaper they come to us: reap them, or their zombies
    // would keep the container's cgroup from being removed.
    for (int i = 0; i < 200 && ::kill(-child, 0) == 0; ++i) {
      while (::waitpid(-child, nullptr, WNOHANG) > 0) {
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  if (timed_out) return Error{ErrorCode::Unavailable, "exec in " + id + ": timed out after " + std::to_string(timeout) + "s"};
  if (!status) return status.error();
  response.exit_code = status.value().shell_code();
  return response;
}

Result<int> RuntimeService::Exec(const std::string& id, const ExecOptions& options) {
  if (Result<ContainerRecord> record = read_container(options_.dirs, id); !record) return record.error();
  return exec_in_container(options_.dirs, id, options);
}

Result<std::string> RuntimeService::ContainerLogs(const std::string& id) {
  Result<ContainerRecord> record = read_container(options_.dirs, id);
  if (!record) return record.error();
  return record.value().log_path;
}

}  // namespace kubepp::runtime::cri

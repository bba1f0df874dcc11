#include "runtime/monitor.h"

#include <fcntl.h>
#include <sched.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <functional>
#include <chrono>
#include <sstream>
#include <thread>

#include "runtime/base/files.h"
#include "runtime/cgroups.h"
#include "runtime/cri_log.h"
#include "runtime/state.h"

namespace kubepp::runtime {

namespace fs = std::filesystem;

namespace {

struct Pipe {
  UniqueFd read, write;
};

Result<Pipe> make_pipe(const char* what) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return sys_error("pipe2", what, errno);
  return Pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

void report(int fd, const std::string& line) {
  std::string text = line + "\n";
  (void)!::write(fd, text.data(), text.size());
}

void copy_to(int fd, const char* data, size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n <= 0) return;  // the terminal went away: the log still gets everything
    data += n;
    size -= static_cast<size_t>(n);
  }
}

// Copies the container's stdout and stderr into the log (and to our own stdout and
// stderr when attached) until both pipes are closed, that is until every process
// that held them has exited.
void pump(int out, int err, CriLogWriter& log, bool attach) {
  pollfd fds[2] = {{out, POLLIN, 0}, {err, POLLIN, 0}};
  const char* streams[2] = {"stdout", "stderr"};
  int open = 2;
  char buf[65536];
  while (open > 0) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    for (int i = 0; i < 2; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      ssize_t n = ::read(fds[i].fd, buf, sizeof buf);
      if (n <= 0) {
        fds[i].fd = -1;
        --open;
        continue;
      }
      (void)log.write(streams[i], std::string_view(buf, static_cast<size_t>(n)));
      if (attach) copy_to(i + 1, buf, static_cast<size_t>(n));
    }
  }
  (void)log.flush();
}

// After the start: log until the output ends, wait, record the end. Returns the
// exit report line, or "" when the container's status could not be had.
std::string supervise(Container& container, ContainerState& state, const StateDirs& dirs,
                      const MonitorOptions& options, Pipe& out, Pipe& err, CriLogWriter& log) {
  // The container has its copies of the pipes' write ends; ours would keep them open.
  out.write.reset();
  err.write.reset();
  if (!options.attach) {  // detached: hold no terminal
    int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    for (int fd = 0; fd < 3; ++fd) ::dup2(null, fd);
    ::close(null);
  }
  pump(out.read.get(), err.read.get(), log, options.attach);

  Result<ExitStatus> exit = container.wait();
  state.phase = ContainerPhase::Exited;
  state.finished_at = rfc3339_nano_now();
  state.reason = "Error";
  if (exit.ok()) {
    state.exit_code = exit.value().code;
    state.signal = exit.value().signal;
    state.reason = exit.value().reason;
  }
  (void)write_state(dirs, state);
  if (!exit.ok()) return "";
  std::ostringstream line;
  line << "X" << state.exit_code << " " << state.signal << " " << state.reason;
  return line.str();
}

// The monitor's whole life, in the forked child. Never returns.
// Closes every descriptor from 3 up except `keep`: the monitor lives as long as its
// container and must not hold what its launcher had open (a lock, a socket).
void close_inherited_fds(std::initializer_list<int> keep) {
  std::vector<int> open;
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator("/proc/self/fd", ec)) {
    open.push_back(std::stoi(entry.path().filename()));
  }
  for (int fd : open) {
    if (fd > 2 && std::find(keep.begin(), keep.end(), fd) == keep.end()) ::close(fd);
  }
}

// The container's own network on the bridge, made for the container `handle` before it
// starts: a namespace named after it, its address in its /etc/hosts, its ports.
Result<ContainerNetwork> connect_bridge(const StateDirs& dirs, Container& handle,
                                        const std::vector<net::PortMapping>& publish) {
  const net::NetworkConfig bridge = net::NetworkConfig::under(dirs);
  ContainerNetwork network;
  network.netns = std::string(kNetnsPrefix) + handle.id();
  Result<net::PodInterface> eth0 = net::connect_netns(bridge, handle.id(), network.netns, publish);
  if (!eth0) return eth0.error();
  network.ip = eth0.value().ip;
  for (const net::PortMapping& port : publish) network.ports.push_back(net::describe_published(port));
  if (Status s = handle.set_address(network.ip); !s) {
    (void)net::disconnect_netns(bridge, handle.id(), network.netns);
    return s.error();
  }
  return network;
}

void disconnect_bridge(const StateDirs& dirs, const std::string& id, const ContainerNetwork& network) {
  if (!network.netns.empty()) (void)net::disconnect_netns(net::NetworkConfig::under(dirs), id, network.netns);
}

[[noreturn]] void run_monitor(Container&& handle, const StateDirs& dirs, const MonitorOptions& options,
                              const ContainerNetwork& network, Pipe out, Pipe err, UniqueFd report_fd) {
  close_inherited_fds({out.read.get(), out.write.get(), err.read.get(), err.write.get(), report_fd.get()});
  ::setsid();  // no terminal's Ctrl-C reaches the monitor or its container
  ::signal(SIGPIPE, SIG_IGN);
  std::string last_report;
  const std::string id = handle.id();
  {
    Container container(std::move(handle));  // destroyed at the end of this block, before _exit
    ContainerState state;
    state.id = container.id();
    state.image = options.image;
    state.image_id = options.image_id;
    for (const fs::path& layer : container.config().layers) state.layers.push_back(layer);
    state.command = container.config().args;
    state.monitor_pid = ::getpid();
    state.created_at = rfc3339_nano_now();
    state.log_path = options.log_path.empty() ? (dirs.container_lib(state.id) / "container.log").string()
                                              : options.log_path;
    state.cgroup = container.cgroup();
    state.network = network;
    CriLogWriter log(UniqueFd(::open(state.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0640)));
    (void)write_state(dirs, state);

    if (Status started = container.start(); !started) {
      // One byte of ErrorCode, then the message; the container's directories go with
      // `container` below, as nothing ran.
      report(report_fd.get(),
             "E" + std::string(1, char('0' + static_cast<int>(started.error().code))) + started.error().message);
    } else {
      state.phase = ContainerPhase::Running;
      state.pid = container.pid();
      state.pid_start = process_start_time(state.pid);
      state.started_at = rfc3339_nano_now();
      (void)write_state(dirs, state);
      report(report_fd.get(), "S" + std::to_string(state.pid));
      last_report = supervise(container, state, dirs, options, out, err, log);
      if (!options.remove_on_exit) container.keep_state();
    }
  }  // `container` goes here: its cgroup, and for a foreground run its directories
  disconnect_bridge(dirs, id, network);  // as Docker releases a stopped container's address and ports
  if (!last_report.empty()) report(report_fd.get(), last_report);
  ::_exit(last_report.empty() ? 1 : 0);
}

}  // namespace

Result<Launched> launch_container(ContainerConfig config, const StateDirs& dirs, const MonitorOptions& options) {
  Result<Pipe> out = make_pipe("stdout"), err = make_pipe("stderr"), reports = make_pipe("report");
  if (!out) return out.error();
  if (!err) return err.error();
  if (!reports) return reports.error();
  config.stdout_fd = out.value().write.get();
  config.stderr_fd = err.value().write.get();
  if (!options.attach) config.stdin_fd = -1;  // the monitor points its own stdin at /dev/null
  if (options.bridge) {
    if (config.namespaces.host_network) return Error{ErrorCode::Invalid, "the bridge network or the host's: not both"};
    if (config.id.empty()) config.id = new_container_id();
    config.namespaces.join.push_back({CLONE_NEWNET, net::netns_path(kNetnsPrefix + config.id).string()});
  } else if (!options.publish.empty()) {
    return Error{ErrorCode::Invalid, "publishing ports needs the bridge network"};
  }

  Result<Container> container = Container::create(std::move(config), dirs);
  if (!container) return container.error();
  const std::string id = container.value().id();
  ContainerNetwork network;
  if (options.bridge) {
    Result<ContainerNetwork> connected = connect_bridge(dirs, container.value(), options.publish);
    if (!connected) return connected.error();
    network = connected.value();
  }

  pid_t monitor = ::fork();
  if (monitor < 0) {
    disconnect_bridge(dirs, id, network);
    return sys_error("fork", "monitor", errno);
  }
  if (monitor == 0) {
    reports.value().read.reset();
    if (!options.attach) {
      int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
      ::dup2(null, 0);
      ::close(null);
    }
    run_monitor(std::move(container.value()), dirs, options, network, std::move(out.value()), std::move(err.value()),
                std::move(reports.value().write));
  }
  // The monitor owns the container now: this copy of the handle must not remove it.
  container.value().keep_state();
  Launched launched{id, 0, monitor, std::move(reports.value().read)};
  reports.value().write.reset();

  std::string line;
  char c;
  while (::read(launched.report.get(), &c, 1) == 1 && c != '\n') line += c;
  if (line.size() > 1 && line[0] == 'S') {
    launched.pid = std::stoi(line.substr(1));
    return launched;
  }
  ::waitpid(monitor, nullptr, 0);
  if (line.size() > 2 && line[0] == 'E') return Error{static_cast<ErrorCode>(line[1] - '0'), line.substr(2)};
  return Error{ErrorCode::Internal, "container " + id + ": the monitor died before the container started"};
}

Result<ExitStatus> wait_for_exit(Launched& launched, const StateDirs& dirs) {
  std::string line;
  char c;
  while (::read(launched.report.get(), &c, 1) == 1 && c != '\n') line += c;
  ::waitpid(launched.monitor_pid, nullptr, 0);
  if (!line.empty() && line[0] == 'X') {
    ExitStatus status;
    std::istringstream in(line.substr(1));
    in >> status.code >> status.signal >> status.reason;
    return status;
  }
  // The monitor is gone: nobody will learn the exit status. Wait for the process.
  Result<ContainerState> state = read_state(dirs, launched.id);
  while (state.ok() && still_running(state.value())) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  return Error{ErrorCode::Unavailable, "container " + launched.id + ": its monitor died; the exit status is lost"};
}

namespace {

bool alive(pid_t pid) { return pid > 0 && !process_start_time(pid).empty(); }

// Waits up to `timeout` for `gone()`; true when it came true.
bool wait_until(const std::function<bool()>& gone, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!gone()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return true;
}

// The recorded pid and start time of the container's first process, from the pid file
// the container writes as it starts (also when its monitor never wrote a state).
std::pair<pid_t, std::string> recorded_process(const StateDirs& dirs, const std::string& id) {
  std::istringstream record(read_file(dirs.container_run(id) / "pid"));
  pid_t pid = 0;
  std::string started;
  record >> pid >> started;
  return {pid, started};
}

// SIGKILLs the container's first process — its pid namespace dies with it — and waits
// until it is gone and its monitor (if any) has finished.
void kill_container(const StateDirs& dirs, const std::string& id) {
  auto [pid, started] = recorded_process(dirs, id);
  if (pid > 0 && !started.empty() && process_start_time(pid) == started) {
    ::kill(pid, SIGKILL);
    wait_until([&] { return process_start_time(pid) != started; }, std::chrono::seconds(5));
  }
  if (Result<ContainerState> state = read_state(dirs, id); state.ok()) {
    wait_until([&] { return !alive(state.value().monitor_pid); }, std::chrono::seconds(2));
  }
}

}  // namespace

Status stop_container(const StateDirs& dirs, const std::string& id, int grace_seconds) {
  Result<ContainerState> state = read_state(dirs, id);
  if (!state) return state.error();
  if (!still_running(state.value())) return Error{ErrorCode::Conflict, "container " + id + " is not running"};
  const pid_t pid = state.value().pid;
  const std::string started = state.value().pid_start;
  auto gone = [&] { return process_start_time(pid) != started; };
  ::kill(pid, SIGTERM);
  if (!wait_until(gone, std::chrono::seconds(grace_seconds))) {
    ::kill(pid, SIGKILL);
    wait_until(gone, std::chrono::seconds(5));
  }
  // Let the monitor write down how it ended and release what the container had (its
  // cgroup, its bridge network): it exits when done.
  wait_until([&] { return !alive(state.value().monitor_pid); }, std::chrono::seconds(5));
  return {};
}

Status remove_container(const StateDirs& dirs, const std::string& id, bool force) {
  Result<ContainerState> state = read_state(dirs, id);
  std::error_code ec;
  if (!state && !fs::exists(dirs.container_lib(id), ec) && !fs::exists(dirs.container_run(id), ec)) {
    return state.error();
  }
  if (state.ok() && still_running(state.value()) && !force) {
    return Error{ErrorCode::Conflict, "container " + id + " is running: stop it first, or remove it with -f"};
  }
  kill_container(dirs, id);
  const std::string cgroup = state.ok() && !state.value().cgroup.empty() ? state.value().cgroup
                                                                         : dirs.container_cgroup(id);
  (void)make_cgroup_driver()->destroy(cgroup);  // and whatever still runs in it
  if (state.ok()) disconnect_bridge(dirs, id, state.value().network);  // if its monitor could not
  fs::remove_all(dirs.container_run(id), ec);
  fs::remove_all(dirs.container_lib(id), ec);
  return {};
}

Result<std::vector<std::string>> cleanup_containers(const StateDirs& dirs) {
  std::vector<std::string> ids;
  std::error_code ec;
  for (const fs::path& parent : {dirs.run / "containers", dirs.lib / "containers"}) {
    for (const fs::directory_entry& entry : fs::directory_iterator(parent, ec)) {
      const std::string id = entry.path().filename();
      if (std::find(ids.begin(), ids.end(), id) == ids.end()) ids.push_back(id);
    }
  }
  for (const std::string& id : ids) {
    if (Status s = remove_container(dirs, id, true); !s) return s.error();
  }
  (void)make_cgroup_driver()->destroy(dirs.cgroup_parent);  // empty now
  return ids;
}

}  // namespace kubepp::runtime

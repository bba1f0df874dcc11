#include "runtime/exec.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>

#include "runtime/base/files.h"
#include "runtime/base/unique_fd.h"
#include "runtime/cgroups.h"
#include "runtime/hardening.h"
#include "runtime/namespaces.h"
#include "runtime/process.h"
#include "runtime/state.h"

namespace kubepp::runtime {

namespace {

// The namespaces `kubepp exec` joins: all of the container's (join_namespaces enters
// them in order, the mount namespace last).
constexpr struct {
  const char* file;
  int flag;
} kExecNamespaces[] = {{"cgroup", CLONE_NEWCGROUP}, {"ipc", CLONE_NEWIPC}, {"uts", CLONE_NEWUTS},
                       {"net", CLONE_NEWNET},       {"pid", CLONE_NEWPID},  {"mnt", CLONE_NEWNS}};

// The environment of the container's first process (/proc/PID/environ), then `extra`.
std::vector<std::string> container_environment(pid_t pid, const std::vector<std::string>& extra) {
  std::vector<std::string> env;
  const std::string text = read_file("/proc/" + std::to_string(pid) + "/environ");
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\0', start);
    if (end == std::string::npos) end = text.size();
    if (end > start) env.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  env.insert(env.end(), extra.begin(), extra.end());
  return env;
}

// Everything after the fork, in the process that joins the container. Returns only on
// error; on success it ends in exec (or, for the joining parent, in _exit).
Error join_and_exec(const ContainerState& state, const StateDirs& dirs, const ExecOptions& options, int tty_slave) {
  // CVE-2019-5736: inside the container's pid namespace, this process — still the
  // kubepp binary — must not be open-able through /proc/PID/exe.
  if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) return sys_error("prctl", "PR_SET_DUMPABLE", errno);
  std::vector<NamespacePath> namespaces;
  for (const auto& ns : kExecNamespaces) {
    namespaces.push_back({ns.flag, "/proc/" + std::to_string(state.pid) + "/ns/" + ns.file});
  }
  const std::string cgroup = state.cgroup.empty() ? dirs.container_cgroup(state.id) : state.cgroup;
  if (Status s = make_cgroup_driver()->attach(cgroup, ::getpid()); !s) return s.error();
  const std::vector<std::string> env = container_environment(state.pid, options.env);
  Result<ProcessSecurity> security = read_process_security(dirs, state.id);
  if (!security) return security.error();
  if (Status s = join_namespaces(namespaces); !s) return s.error();
  // The pid namespace holds only our children: fork once more and wait for it.
  pid_t child = ::fork();
  if (child < 0) return sys_error("fork", "exec", errno);
  if (child > 0) {
    Result<ExitStatus> status = wait_process(child);
    ::_exit(status.ok() ? status.value().shell_code() : 127);
  }
  if (tty_slave >= 0) {
    ::setsid();
    if (::ioctl(tty_slave, TIOCSCTTY, 0) != 0) return sys_error("ioctl", "TIOCSCTTY", errno);
    for (int fd = 0; fd < 3; ++fd) ::dup2(tty_slave, fd);
  }
  if (::chdir(options.working_dir.c_str()) != 0) return sys_error("chdir", options.working_dir, errno);
  if (Status s = close_fds_on_exec(); !s) return s.error();
  if (Status s = apply_process_security(security.value()); !s) return s.error();
  return exec_command(options.args, env);
}

// Copies our stdin to the terminal's master and the master to our stdout until the
// command closes its terminal; our own terminal is raw meanwhile.
void relay_tty(int master) {
  termios saved{};
  const bool terminal = ::isatty(0) && ::tcgetattr(0, &saved) == 0;
  if (terminal) {
    winsize size{};
    if (::ioctl(0, TIOCGWINSZ, &size) == 0) ::ioctl(master, TIOCSWINSZ, &size);
    termios raw = saved;
    ::cfmakeraw(&raw);
    ::tcsetattr(0, TCSANOW, &raw);
  }
  pollfd fds[2] = {{0, POLLIN, 0}, {master, POLLIN, 0}};
  char buf[4096];
  for (;;) {
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (fds[1].revents != 0) {
      ssize_t n = ::read(master, buf, sizeof buf);
      if (n <= 0) break;  // EIO: the last holder of the terminal has gone
      (void)!::write(1, buf, static_cast<size_t>(n));
    }
    if (fds[0].revents != 0) {
      ssize_t n = ::read(0, buf, sizeof buf);
      if (n <= 0) {
        fds[0].fd = -1;  // our stdin ended; the command may still write
      } else {
        (void)!::write(master, buf, static_cast<size_t>(n));
      }
    }
  }
  if (terminal) ::tcsetattr(0, TCSANOW, &saved);
}

}  // namespace

Result<int> exec_in_container(const StateDirs& dirs, const std::string& id, const ExecOptions& options) {
  if (options.args.empty()) return Error{ErrorCode::Invalid, "exec: no command given"};
  Result<ContainerState> state = read_state(dirs, id);
  if (!state) return state.error();
  if (!still_running(state.value())) return Error{ErrorCode::Conflict, "container " + id + " is not running"};

  UniqueFd master, slave;
  if (options.tty) {
    master.reset(::posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (!master.valid() || ::grantpt(master.get()) != 0 || ::unlockpt(master.get()) != 0) {
      return sys_error("posix_openpt", "/dev/ptmx", errno);
    }
    slave.reset(::open(::ptsname(master.get()), O_RDWR | O_NOCTTY | O_CLOEXEC));
    if (!slave.valid()) return sys_error("open", "the terminal's slave", errno);
  }
  // Errors from the joining process come back as on a container's start.
  int errors[2];
  if (::pipe2(errors, O_CLOEXEC) != 0) return sys_error("pipe2", "errors", errno);
  UniqueFd errors_read(errors[0]), errors_write(errors[1]);

  pid_t joiner = ::fork();
  if (joiner < 0) return sys_error("fork", "exec", errno);
  if (joiner == 0) {
    errors_read.reset();
    master.reset();
    Error error = join_and_exec(state.value(), dirs, options, slave.get());
    const std::string message = char('0' + static_cast<int>(error.code)) + error.message;
    (void)!::write(errors_write.get(), message.data(), message.size());
    ::_exit(126);
  }
  errors_write.reset();
  slave.reset();
  if (options.tty) relay_tty(master.get());
  Result<ExitStatus> status = wait_process(joiner);
  std::string failure;
  char buf[512];
  for (ssize_t n; (n = ::read(errors_read.get(), buf, sizeof buf)) > 0;) failure.append(buf, static_cast<size_t>(n));
  if (!failure.empty()) {
    return Error{static_cast<ErrorCode>(failure[0] - '0'), "exec in " + id + ": " + failure.substr(1)};
  }
  if (!status) return status.error();
  return status.value().shell_code();
}

}  // namespace kubepp::runtime

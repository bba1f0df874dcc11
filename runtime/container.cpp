#include "runtime/container.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include "runtime/base/files.h"
#include "runtime/base/unique_fd.h"
#include "runtime/mounts.h"
#include "runtime/network.h"
#include "runtime/rootfs.h"

namespace kubepp::runtime {

namespace fs = std::filesystem;

namespace {

constexpr const char* kDefaultPath = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

bool valid_id(const std::string& id) {
  if (id.empty() || id.size() > 64) return false;
  for (size_t i = 0; i < id.size(); ++i) {
    char c = id[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (i > 0 && (c == '-' || c == '_' || c == '.'));
    if (!ok) return false;
  }
  return true;
}

std::string host_hostname() {
  char buf[256] = {};
  ::gethostname(buf, sizeof buf - 1);
  return buf;
}

// The host's resolv.conf without nameservers on loopback: those answer on the host's
// 127.0.0.1, which inside a network namespace of its own is the container itself.
std::string container_resolv_conf(bool host_network) {
  std::istringstream in(read_file("/etc/resolv.conf"));
  std::string out, line;
  while (std::getline(in, line)) {
    bool loopback = line.rfind("nameserver 127.", 0) == 0 || line.rfind("nameserver ::1", 0) == 0;
    if (host_network || !loopback) out += line + "\n";
  }
  return out;
}

// KEY=VALUE defaults, then the config's entries; a later entry replaces an earlier key.
std::vector<std::string> container_env(const ContainerConfig& config) {
  std::vector<std::string> order;
  std::map<std::string, std::string> values;
  auto add = [&](const std::string& entry) {
    std::string key = entry.substr(0, entry.find('='));
    if (!values.contains(key)) order.push_back(key);
    values[key] = entry;
  };
  add(kDefaultPath);
  add("HOSTNAME=" + config.hostname);
  add("HOME=/root");
  for (const std::string& entry : config.env) add(entry);
  std::vector<std::string> env;
  for (const std::string& key : order) env.push_back(values[key]);
  return env;
}

// The start time of `pid` in clock ticks since boot (field 22 of /proc/<pid>/stat):
// with the pid it names one process, even after the pid is reused. Empty when the
// process is gone or is a zombie (dead, waiting for its parent to reap it).
std::string process_start_time(pid_t pid) {
  std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  size_t paren = stat.rfind(')');
  if (paren == std::string::npos) return "";
  std::istringstream rest(stat.substr(paren + 2));
  std::string field;
  for (int i = 3; i <= 22 && rest >> field; ++i) {
    if (i == 3 && field == "Z") return "";
  }
  return field;
}

Status write_all(int fd, const std::string& data) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return sys_error("write", "pipe", errno);
    done += static_cast<size_t>(n);
  }
  return {};
}

std::string read_all(int fd) {
  std::string out;
  char buf[512];
  for (;;) {
    ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return out;
    out.append(buf, static_cast<size_t>(n));
  }
}

}  // namespace

std::string new_container_id() {
  unsigned char bytes[6];
  std::ifstream urandom("/dev/urandom", std::ios::binary);
  urandom.read(reinterpret_cast<char*>(bytes), sizeof bytes);
  static const char* hex = "0123456789abcdef";
  std::string id;
  for (unsigned char b : bytes) {
    id += hex[b >> 4];
    id += hex[b & 15];
  }
  return id;
}

Container::Container(ContainerConfig config, StateDirs dirs) : config_(std::move(config)), dirs_(std::move(dirs)) {}

Container::Container(Container&& other) noexcept
    : config_(std::move(other.config_)),
      dirs_(std::move(other.dirs_)),
      pid_(std::exchange(other.pid_, 0)),
      reaped_(other.reaped_),
      owns_state_(std::exchange(other.owns_state_, false)) {}

Container::~Container() { destroy(); }

Result<Container> Container::create(ContainerConfig config, const StateDirs& dirs) {
  if (config.id.empty()) config.id = new_container_id();
  if (!valid_id(config.id)) {
    return Error{ErrorCode::Invalid, "container id `" + config.id +
                                         "`: must be 1-64 of [a-z0-9_.-], starting with a letter or digit"};
  }
  if (config.args.empty()) return Error{ErrorCode::Invalid, "container " + config.id + ": no command"};
  if (config.hostname.empty()) config.hostname = config.namespaces.host_uts ? host_hostname() : config.id;
  if (config.hostname.size() > 64) {
    return Error{ErrorCode::Invalid, "hostname `" + config.hostname + "`: longer than 64 characters"};
  }
  std::error_code ec;
  if (!fs::is_directory(config.rootfs, ec)) {
    return Error{ErrorCode::NotFound, "root filesystem `" + config.rootfs.string() + "`: not a directory"};
  }
  if (fs::exists(dirs.container_lib(config.id), ec) || fs::exists(dirs.container_run(config.id), ec)) {
    return Error{ErrorCode::AlreadyExists, "container `" + config.id + "` already exists"};
  }

  Container c(std::move(config), dirs);
  const fs::path lib = dirs.container_lib(c.id());
  const fs::path run = dirs.container_run(c.id());
  const ContainerConfig& cfg = c.config_;
  std::string hosts = cfg.namespaces.host_network
                          ? read_file("/etc/hosts")
                          : "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n127.0.1.1\t" +
                                cfg.hostname + "\n";
  for (const fs::path& dir : {lib / "upper", lib / "work", lib / "merged", run}) {
    if (Status s = make_dirs(dir, 0700); !s) return s.error();  // c's destructor removes the rest
  }
  if (Status s = write_file(run / "hosts", hosts); !s) return s.error();
  if (Status s = write_file(run / "hostname", cfg.hostname + "\n"); !s) return s.error();
  if (Status s = write_file(run / "resolv.conf", container_resolv_conf(cfg.namespaces.host_network)); !s) {
    return s.error();
  }
  return c;
}

// [child-main]
Error Container::child_main(int sync_fd) {
  // Wait until the parent has done its part (later: cgroups, network). EOF means it died.
  char go = 0;
  if (::read(sync_fd, &go, 1) != 1) return Error{ErrorCode::Internal, "parent went away before start"};
  ::close(sync_fd);

  const NamespaceOptions& ns = config_.namespaces;
  if (!ns.host_uts && ::sethostname(config_.hostname.data(), config_.hostname.size()) != 0) {
    return sys_error("sethostname", config_.hostname, errno);
  }
  const fs::path lib = dirs_.container_lib(id());
  const fs::path run = dirs_.container_run(id());
  RootfsLayout layout{config_.rootfs, lib / "upper", lib / "work", lib / "merged",
                      {{run / "hosts", "/etc/hosts"},
                       {run / "hostname", "/etc/hostname"},
                       {run / "resolv.conf", "/etc/resolv.conf"}}};
  if (Status s = setup_rootfs(layout); !s) return s.error();
  if (!ns.host_network) {
    if (Status s = bring_loopback_up(); !s) return s.error();
  }
  if (::chdir(config_.working_dir.c_str()) != 0) return sys_error("chdir", config_.working_dir, errno);

  const int stdio[3] = {config_.stdin_fd, config_.stdout_fd, config_.stderr_fd};
  for (int target = 0; target < 3; ++target) {
    if (stdio[target] >= 0 && ::dup2(stdio[target], target) < 0) {
      return sys_error("dup2", std::to_string(stdio[target]), errno);
    }
  }
  if (Status s = close_fds_on_exec(); !s) return s.error();
  return exec_command(config_.args, container_env(config_));
}
// [child-main]

Status Container::start() {
  if (pid_ != 0) return Error{ErrorCode::Conflict, "container `" + id() + "` already started"};
  // sync: parent -> child "go"; errors: child -> parent, closed by a successful exec.
  int sync[2], errors[2];
  if (::pipe2(sync, O_CLOEXEC) != 0) return sys_error("pipe2", "sync", errno);
  UniqueFd sync_read(sync[0]), sync_write(sync[1]);
  if (::pipe2(errors, O_CLOEXEC) != 0) return sys_error("pipe2", "errors", errno);
  UniqueFd errors_read(errors[0]), errors_write(errors[1]);

  int flags = 0;
  try {
    flags = namespace_flags(config_.namespaces);
  } catch (const std::exception& e) {  // a lab's unwritten stub
    return Error{ErrorCode::Internal, e.what()};
  }
  // Without a mount namespace of its own, setup_rootfs would remount and pivot the
  // host's root: every process on the machine would find itself in the container.
  if ((flags & CLONE_NEWNS) == 0) {
    return Error{ErrorCode::Invalid, "namespace flags `" + describe_namespace_flags(flags) +
                                         "` lack CLONE_NEWNS: refusing to set up a root filesystem in the host's "
                                         "mount namespace"};
  }
  Result<pid_t> pid = clone_process(flags, [&]() -> int {
    sync_write.reset();
    errors_read.reset();
    Error error;
    try {
      error = child_main(sync_read.release());
    } catch (const std::exception& e) {
      error = Error{ErrorCode::Internal, e.what()};
    }
    // One byte of ErrorCode, then the message: the parent rebuilds the Error.
    (void)write_all(errors_write.get(), char('0' + static_cast<int>(error.code)) + error.message);
    ::_exit(127);
  });
  if (!pid) return pid.error();
  pid_ = pid.value();
  sync_read.reset();
  errors_write.reset();

  std::ofstream(dirs_.container_run(id()) / "pid") << pid_ << ' ' << process_start_time(pid_) << '\n';
  if (Status s = write_all(sync_write.get(), "g"); !s) return s;
  sync_write.reset();
  std::string failure = read_all(errors_read.get());
  if (!failure.empty()) {
    (void)wait_process(pid_);
    reaped_ = true;
    return Error{static_cast<ErrorCode>(failure[0] - '0'), "container " + id() + ": " + failure.substr(1)};
  }
  return {};
}

Result<ExitStatus> Container::wait() {
  if (pid_ == 0 || reaped_) return Error{ErrorCode::Invalid, "container `" + id() + "` is not running"};
  Result<ExitStatus> status = wait_process(pid_);
  reaped_ = status.ok();
  return status;
}

Status Container::kill(int signal) {
  if (pid_ == 0 || reaped_) return Error{ErrorCode::Invalid, "container `" + id() + "` is not running"};
  if (::kill(pid_, signal) != 0) return sys_error("kill", std::to_string(pid_), errno);
  return {};
}

void Container::destroy() {
  if (pid_ != 0 && !reaped_) {
    ::kill(pid_, SIGKILL);
    (void)wait_process(pid_);
    reaped_ = true;
  }
  if (!owns_state_ || config_.id.empty()) return;
  std::error_code ec;
  fs::remove_all(dirs_.container_lib(config_.id), ec);
  fs::remove_all(dirs_.container_run(config_.id), ec);
}

Result<std::vector<std::string>> cleanup_containers(const StateDirs& dirs) {
  std::vector<std::string> cleaned;
  std::error_code ec;
  for (const fs::path& parent : {dirs.run / "containers", dirs.lib / "containers"}) {
    if (!fs::is_directory(parent, ec)) continue;
    for (const fs::directory_entry& entry : fs::directory_iterator(parent, ec)) {
      const std::string id = entry.path().filename();
      std::istringstream record(read_file(dirs.container_run(id) / "pid"));
      pid_t pid = 0;
      std::string started;
      if (record >> pid >> started && pid > 0 && process_start_time(pid) == started) {
        ::kill(pid, SIGKILL);  // the first process: its pid namespace dies with it
        for (int i = 0; i < 100 && process_start_time(pid) == started; ++i) {
          std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
      }
      fs::remove_all(dirs.container_run(id), ec);
      fs::remove_all(dirs.container_lib(id), ec);
      if (std::find(cleaned.begin(), cleaned.end(), id) == cleaned.end()) cleaned.push_back(id);
    }
  }
  return cleaned;
}

}  // namespace kubepp::runtime

#include "runtime/container.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <map>
#include <optional>
#include <sstream>

#include "runtime/base/files.h"
#include "runtime/base/unique_fd.h"
#include "runtime/mounts.h"
#include "runtime/network.h"
#include "runtime/rootfs.h"
#include "runtime/state.h"

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

// /etc/hosts of a container with a network of its own, naming it by `address`.
std::string own_hosts(const std::string& address, const std::string& hostname) {
  return "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n" + address + "\t" + hostname + "\n";
}

std::string host_hostname() {
  char buf[256] = {};
  ::gethostname(buf, sizeof buf - 1);
  return buf;
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

// The layer the merged root shows `path` from: the topmost that holds it, unless a layer
// above deleted it (a whiteout, a 0/0 character device) or hid its directory
// (trusted.overlay.opaque). None when the root shows no such file.
std::optional<fs::path> layer_holding(const std::vector<fs::path>& layers, const fs::path& path) {
  for (const fs::path& layer : layers) {
    struct stat st {};
    if (::lstat((layer / path).c_str(), &st) == 0) {
      if (S_ISCHR(st.st_mode) && st.st_rdev == 0) return std::nullopt;
      return layer;
    }
    for (fs::path dir = path.parent_path(); !dir.empty(); dir = dir.parent_path()) {
      char opaque = 0;
      if (::lgetxattr((layer / dir).c_str(), "trusted.overlay.opaque", &opaque, 1) == 1 && opaque == 'y') {
        return std::nullopt;
      }
    }
  }
  return std::nullopt;
}

// While alive, our children are born in another PID namespace (a pod's, with
// shareProcessNamespace); leave() returns to our own. Without a PID namespace to join it
// does nothing.
class PidNamespaceSwitch {
 public:
  static Result<PidNamespaceSwitch> enter(const std::vector<NamespacePath>& join) {
    PidNamespaceSwitch s;
    for (const NamespacePath& ns : join) {
      if (ns.flag != CLONE_NEWPID) continue;
      s.ours_.reset(::open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC));
      if (!s.ours_.valid()) return sys_error("open", "/proc/self/ns/pid", errno);
      UniqueFd theirs(::open(ns.path.c_str(), O_RDONLY | O_CLOEXEC));
      if (!theirs.valid()) return sys_error("open", ns.path, errno);
      if (::setns(theirs.get(), CLONE_NEWPID) != 0) return sys_error("setns", ns.path, errno);
    }
    return s;
  }
  Status leave() {
    if (ours_.valid() && ::setns(ours_.get(), CLONE_NEWPID) != 0) return sys_error("setns", "/proc/self/ns/pid", errno);
    ours_.reset();
    return {};
  }
  PidNamespaceSwitch() = default;
  PidNamespaceSwitch(PidNamespaceSwitch&&) = default;
  ~PidNamespaceSwitch() { (void)leave(); }

 private:
  UniqueFd ours_;
};

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
      owns_state_(std::exchange(other.owns_state_, false)),
      cgroups_(std::move(other.cgroups_)),
      security_(std::move(other.security_)) {}

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
  if (config.layers.empty()) return Error{ErrorCode::Invalid, "container " + config.id + ": no root filesystem"};
  for (const fs::path& layer : config.layers) {
    if (!fs::is_directory(layer, ec)) {
      return Error{ErrorCode::NotFound, "root filesystem `" + layer.string() + "`: not a directory"};
    }
  }
  for (const FileMount& mount : config.mounts) {
    if (!fs::path(mount.target).is_absolute()) {
      return Error{ErrorCode::Invalid, "mount target `" + mount.target + "`: not an absolute path"};
    }
    if (!fs::exists(mount.source, ec)) {
      return Error{ErrorCode::NotFound, "mount source `" + mount.source.string() + "`: no such file or directory"};
    }
  }
  if (config.cgroup.empty()) config.cgroup = dirs.container_cgroup(config.id);
  if (fs::exists(dirs.container_lib(config.id), ec) || fs::exists(dirs.container_run(config.id), ec)) {
    return Error{ErrorCode::AlreadyExists, "container `" + config.id + "` already exists"};
  }
  // Users are looked up in the /etc/passwd and /etc/group the container will see: in the
  // layer that shows its /etc/passwd, or, when none does, in a directory that does not
  // exist yet (the upper layer: no file there, so only numeric users resolve).
  const fs::path users =
      layer_holding(config.layers, "etc/passwd").value_or(dirs.container_lib(config.id) / "upper");
  Result<ProcessSecurity> security = resolve_process_security(users, config.security);
  if (!security) return security.error();
  // A privileged container may use every device; any other only the allow-list.
  config.resources.all_devices = config.security.privileged;

  Container c(std::move(config), dirs);
  c.security_ = security.value();
  const fs::path lib = dirs.container_lib(c.id());
  const fs::path run = dirs.container_run(c.id());
  const ContainerConfig& cfg = c.config_;
  const std::string hosts =
      cfg.namespaces.host_network ? read_file("/etc/hosts") : own_hosts("127.0.1.1", cfg.hostname);
  // The container's directories are root's alone; the upper layer, whose root directory
  // becomes "/", must be 0755 or no other user in the container could reach anything.
  for (const fs::path& dir : {lib / "work", lib / "merged", run}) {
    if (Status s = make_dirs(dir, 0700); !s) return s.error();  // c's destructor removes the rest
  }
  if (::mkdir((lib / "upper").c_str(), 0755) != 0) return sys_error("mkdir", lib / "upper", errno);
  if (Status s = write_file(run / "hosts", hosts); !s) return s.error();
  if (Status s = write_file(run / "hostname", cfg.hostname + "\n"); !s) return s.error();
  if (Status s = write_process_security(dirs, c.id(), c.security_); !s) return s.error();
  if (Status s = write_file(run / "resolv.conf", host_resolv_conf(cfg.namespaces.host_network)); !s) {
    return s.error();
  }
  return c;
}

Status Container::set_address(const std::string& ip) {
  return write_file(dirs_.container_run(id()) / "hosts", own_hosts(ip, config_.hostname));
}

RootfsLayout Container::rootfs_layout() const {
  const fs::path lib = dirs_.container_lib(id());
  const fs::path run = dirs_.container_run(id());
  RootfsLayout layout{config_.layers, lib / "upper", lib / "work", lib / "merged", {}};
  // The container's own /etc files, unless a mount (its pod's) replaces them.
  for (const char* file : {"hosts", "hostname", "resolv.conf"}) {
    const std::string target = std::string("/etc/") + file;
    auto replaced = [&](const FileMount& m) { return fs::path(m.target).lexically_normal() == target; };
    if (std::none_of(config_.mounts.begin(), config_.mounts.end(), replaced)) {
      layout.files.push_back({run / file, target});
    }
  }
  // Parents before children, so /data/cache lands on the /data volume, not under it.
  std::vector<FileMount> mounts = config_.mounts;
  std::stable_sort(mounts.begin(), mounts.end(), [](const FileMount& a, const FileMount& b) {
    auto depth = [](const std::string& p) { return std::distance(fs::path(p).begin(), fs::path(p).end()); };
    return depth(a.target) < depth(b.target);
  });
  layout.files.insert(layout.files.end(), mounts.begin(), mounts.end());
  return layout;
}

// [child-main]
Error Container::child_main(int sync_fd, bool new_cgroup_ns) {
  // Wait until the parent has put us in our cgroup. EOF means it died.
  char go = 0;
  if (::read(sync_fd, &go, 1) != 1) return Error{ErrorCode::Internal, "parent went away before start"};
  ::close(sync_fd);
  // A pod's container enters its sandbox's namespaces before anything is mounted:
  // /sys shows the network devices, and /proc the processes, of the namespaces current
  // when they are mounted. (The PID namespace was entered by the parent: it applies
  // to children only.)
  const NamespaceOptions& ns = config_.namespaces;
  std::vector<NamespacePath> join;
  for (const NamespacePath& path : ns.join) {
    if (path.flag != CLONE_NEWPID) join.push_back(path);
  }
  // (Only with something to join: `kubepp run` works before lab 02's function does.)
  if (!join.empty()) {
    if (Status s = join_namespaces(join); !s) return s.error();
  }
  const int joined = joined_namespace_flags(ns.join);
  // Only now, inside the container's cgroup, does a cgroup namespace make that
  // cgroup the root of what the container sees in /proc/self/cgroup.
  if (new_cgroup_ns && ::unshare(CLONE_NEWCGROUP) != 0) return sys_error("unshare", "cgroup namespace", errno);

  // A joined UTS namespace has its hostname already: the pod's.
  if (!ns.host_uts && (joined & CLONE_NEWUTS) == 0 &&
      ::sethostname(config_.hostname.data(), config_.hostname.size()) != 0) {
    return sys_error("sethostname", config_.hostname, errno);
  }
  if (Status s = setup_rootfs(rootfs_layout()); !s) return s.error();
  // Docker's masked and read-only paths of /proc and /sys, on the new root.
  if (Status s = harden_mounts("/", security_.privileged); !s) return s.error();
  if (config_.readonly_rootfs && ::mount(nullptr, "/", nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY, nullptr) != 0) {
    return sys_error("remount read-only", "/", errno);
  }
  if (!ns.host_network && (joined & CLONE_NEWNET) == 0) {
    if (Status s = bring_loopback_up(); !s) return s.error();
  }
  if (::chdir(config_.working_dir.c_str()) != 0) return sys_error("chdir", config_.working_dir, errno);
  // A working directory like /proc/self/fd/7, through a descriptor of the host's that
  // leaked in, would put the process outside its root (CVE-2024-21626): the kernel
  // then has no path for it, and getcwd(3) fails.
  char cwd[4096];
  if (::getcwd(cwd, sizeof cwd) == nullptr || cwd[0] != '/') {
    return Error{ErrorCode::Invalid, "working directory `" + config_.working_dir + "` is outside the container's root"};
  }

  const int stdio[3] = {config_.stdin_fd, config_.stdout_fd, config_.stderr_fd};
  for (int target = 0; target < 3; ++target) {
    if (stdio[target] >= 0 && ::dup2(stdio[target], target) < 0) {
      return sys_error("dup2", std::to_string(stdio[target]), errno);
    }
  }
  if (Status s = close_fds_on_exec(); !s) return s.error();
  // Last: seccomp, then capabilities and ids. After this the process could not undo it.
  if (Status s = apply_process_security(security_); !s) return s.error();
  return exec_command(config_.args, container_env(config_));
}
// [child-main]

Status Container::start() {
  // A lab's unwritten stub throws (runtime/base/todo.h): report it, never crash.
  try {
    return start_unchecked();
  } catch (const std::exception& e) {
    return Error{ErrorCode::Internal, "container " + id() + ": " + e.what()};
  }
}

Status Container::start_unchecked() {
  if (pid_ != 0) return Error{ErrorCode::Conflict, "container `" + id() + "` already started"};
  // sync: parent -> child "go"; errors: child -> parent, closed by a successful exec.
  int sync[2], errors[2];
  if (::pipe2(sync, O_CLOEXEC) != 0) return sys_error("pipe2", "sync", errno);
  UniqueFd sync_read(sync[0]), sync_write(sync[1]);
  if (::pipe2(errors, O_CLOEXEC) != 0) return sys_error("pipe2", "errors", errno);
  UniqueFd errors_read(errors[0]), errors_write(errors[1]);

  // Joined namespaces are entered, not created.
  const int flags = namespace_flags(config_.namespaces) & ~joined_namespace_flags(config_.namespaces.join);
  // Without a mount namespace of its own, setup_rootfs would remount and pivot the
  // host's root: every process on the machine would find itself in the container.
  if ((flags & CLONE_NEWNS) == 0) {
    return Error{ErrorCode::Invalid, "namespace flags `" + describe_namespace_flags(flags) +
                                         "` lack CLONE_NEWNS: refusing to set up a root filesystem in the host's "
                                         "mount namespace"};
  }
  // The cgroup is made before the process, so a limit the kernel refuses fails the
  // start before anything runs.
  auto cgroups = make_cgroup_driver();
  const std::string& cgroup = config_.cgroup;
  if (Status s = cgroups->create(cgroup, config_.resources); !s) return s;
  cgroups_ = std::move(cgroups);
  // setns(CLONE_NEWPID) changes the PID namespace of our future children only: enter
  // the pod's for the clone below, and return to ours right after it.
  Result<PidNamespaceSwitch> pid_switch = PidNamespaceSwitch::enter(config_.namespaces.join);
  if (!pid_switch) return pid_switch.error();

  // The cgroup namespace is entered later, by the child, once it is in its cgroup.
  const bool new_cgroup_ns = (flags & CLONE_NEWCGROUP) != 0;
  Result<pid_t> pid = clone_process(flags & ~CLONE_NEWCGROUP, [&]() -> int {
    sync_write.reset();
    errors_read.reset();
    Error error;
    try {
      error = child_main(sync_read.release(), new_cgroup_ns);
    } catch (const std::exception& e) {
      error = Error{ErrorCode::Internal, e.what()};
    }
    // One byte of ErrorCode, then the message: the parent rebuilds the Error.
    (void)write_all(errors_write.get(), char('0' + static_cast<int>(error.code)) + error.message);
    ::_exit(127);
  });
  if (Status s = pid_switch.value().leave(); !s) return s;
  if (!pid) return pid.error();
  pid_ = pid.value();
  sync_read.reset();
  errors_write.reset();

  std::ofstream(dirs_.container_run(id()) / "pid") << pid_ << ' ' << process_start_time(pid_) << '\n';
  // The child is blocked on the sync pipe, one thread, nothing exec'd: attach it now
  // and everything it starts is born in the cgroup.
  if (Status s = cgroups_->attach(cgroup, pid_); !s) return s;
  if (config_.oom_score_adj) {
    // Lowering it below ours takes CAP_SYS_RESOURCE, which some hosts withhold even from
    // root (EACCES): the container then keeps our value, as it would without a request.
    const std::string file = "/proc/" + std::to_string(pid_) + "/oom_score_adj";
    UniqueFd fd(::open(file.c_str(), O_WRONLY | O_CLOEXEC));
    const std::string value = std::to_string(*config_.oom_score_adj) + "\n";
    if (!fd.valid()) return sys_error("open", file, errno);
    if (::write(fd.get(), value.data(), value.size()) < 0 && errno != EACCES) return sys_error("write", file, errno);
  }
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
  if (!status) return status;
  reaped_ = true;
  // OOMKilled comes from the cgroup's counter, never from the signal: a SIGKILL from
  // outside looks the same as the OOM killer's.
  Result<ResourceUsage> used = usage();
  ExitStatus& exit = status.value();
  if (used.ok() && used.value().oom_kills > 0) {
    exit.reason = "OOMKilled";
  } else {
    exit.reason = exit.signal == 0 && exit.code == 0 ? "Completed" : "Error";
  }
  if (cgroups_) {
    (void)cgroups_->destroy(cgroup());
    cgroups_.reset();
  }
  return status;
}

Result<ResourceUsage> Container::usage() {
  if (!cgroups_) return Error{ErrorCode::NotFound, "container `" + id() + "` has no cgroup"};
  return cgroups_->usage(cgroup());
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
  if (cgroups_) {
    (void)cgroups_->destroy(cgroup());
    cgroups_.reset();
  }
  if (!owns_state_ || config_.id.empty()) return;
  std::error_code ec;
  fs::remove_all(dirs_.container_lib(config_.id), ec);
  fs::remove_all(dirs_.container_run(config_.id), ec);
}

}  // namespace kubepp::runtime

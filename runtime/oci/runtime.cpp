#include "runtime/oci/runtime.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <functional>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "runtime/base/files.h"
#include "runtime/base/unique_fd.h"
#include "runtime/cgroups.h"
#include "runtime/mounts.h"
#include "runtime/network.h"
#include "runtime/oci/seccomp.h"
#include "runtime/rootfs.h"
#include "runtime/seccomp.h"
#include "runtime/security.h"
#include "runtime/state.h"

namespace kubepp::runtime::oci {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// ---- the record under the runtime's root ------------------------------------------------
//
//   <root>/<id>/state.json   what later commands read (Record)
//   <root>/<id>/config.json  the bundle's config as it was at create (exec reads it)
//   <root>/<id>/exec.fifo    exists from create until start

struct Record {
  std::string id, bundle, rootfs, created, cgroup, pid_start;
  pid_t pid = 0;
  std::map<std::string, std::string> annotations;
  std::vector<std::string> joined;  // cgroup directories made outside the driver (join_all_hierarchies)
};

fs::path dir_of(const fs::path& root, const std::string& id) { return root / id; }

Status valid_id(const std::string& id) {
  bool ok = !id.empty() && id.size() <= 1024 && id != "." && id != "..";
  for (char c : id) ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' || c == '.' || c == '+');
  if (!ok) return Error{ErrorCode::Invalid, "container id `" + id + "`: want letters, digits and _ - . + only"};
  return {};
}

Status write_record(const fs::path& root, const Record& r) {
  json j = {{"id", r.id},         {"pid", r.pid},         {"pidStart", r.pid_start}, {"bundle", r.bundle},
            {"rootfs", r.rootfs}, {"created", r.created}, {"cgroup", r.cgroup},      {"annotations", r.annotations},
            {"joined", r.joined}};
  return write_file_atomic(dir_of(root, r.id) / "state.json", j.dump(2) + "\n", 0600);
}

Result<Record> read_record(const fs::path& root, const std::string& id) {
  if (Status s = valid_id(id); !s) return s.error();
  const std::string text = read_file(dir_of(root, id) / "state.json");
  if (text.empty()) return Error{ErrorCode::NotFound, "container `" + id + "` does not exist"};
  try {
    json j = json::parse(text);
    Record r;
    r.id = j.at("id");
    r.pid = j.at("pid");
    r.pid_start = j.at("pidStart");
    r.bundle = j.at("bundle");
    r.rootfs = j.at("rootfs");
    r.created = j.at("created");
    r.cgroup = j.at("cgroup");
    r.annotations = j.at("annotations").get<std::map<std::string, std::string>>();
    r.joined = j.value("joined", std::vector<std::string>{});
    return r;
  } catch (const json::exception& e) {
    return Error{ErrorCode::Internal, "container `" + id + "`: state.json: " + e.what()};
  }
}

bool alive(const Record& r) { return r.pid > 0 && process_start_time(r.pid) == r.pid_start; }

std::string status_of(const fs::path& root, const Record& r) {
  if (!alive(r)) return "stopped";
  std::error_code ec;
  return fs::exists(dir_of(root, r.id) / "exec.fifo", ec) ? "created" : "running";
}

// ---- what the spec asks of the cgroup ---------------------------------------------------

// cgroupsPath "/a/b" or "a/b" → "a/b" under each hierarchy's root; none → the id, as runc.
std::string cgroup_path(const Spec& spec, const std::string& id) {
  std::string path = spec.linux ? spec.linux->cgroupsPath : "";
  while (!path.empty() && path.front() == '/') path.erase(0, 1);
  return path.empty() ? id : path;
}

ResourceLimits limits_of(const Spec& spec) {
  ResourceLimits l;
  if (!spec.linux || !spec.linux->resources) return l;
  const Resources& r = *spec.linux->resources;
  if (r.memory && r.memory->limit && *r.memory->limit > 0) l.memory_bytes = *r.memory->limit;
  if (r.cpu) {
    if (r.cpu->quota && *r.cpu->quota > 0) {
      const int64_t period = r.cpu->period && *r.cpu->period > 0 ? static_cast<int64_t>(*r.cpu->period) : kCpuPeriodMicros;
      l.cpu_limit_millis = *r.cpu->quota * 1000 / period;
    }
    if (r.cpu->shares && *r.cpu->shares > 0) l.cpu_request_millis = static_cast<int64_t>(*r.cpu->shares) * 1000 / 1024;
  }
  if (r.pids && r.pids->limit > 0) l.pids_max = r.pids->limit;
  // The devices cgroup: kubepp knows two lists, every device or Docker's allow-list. A
  // rule that allows every device ("a", any major and minor, rwm) picks the first.
  for (const DeviceRule& d : r.devices) {
    const bool everything = (d.type.empty() || d.type == "a") && !d.major && !d.minor && d.access == "rwm";
    if (everything) l.all_devices = d.allow;
  }
  return l;
}

// runc and crun put a container in every cgroup v1 hierarchy; the CgroupDriver makes its
// cgroup only in those kubepp sets limits in (cpu, cpuacct, memory, pids, devices). Here
// `pid` joins the container's cgroup in every hierarchy, and the missing ones (cpuset,
// freezer, blkio, name=systemd, …) are made. Returns the directories made, parents
// first, for leave_hierarchies. Nothing on v2, where the driver's one cgroup is all.
Result<std::vector<std::string>> join_all_hierarchies(const std::string& cgroup, pid_t pid) {
  std::vector<std::string> made;
  std::error_code ec;
  if (fs::exists("/sys/fs/cgroup/cgroup.controllers", ec)) return made;
  for (const fs::directory_entry& e : fs::directory_iterator("/sys/fs/cgroup", ec)) {
    const std::string name = e.path().filename();
    if (e.is_symlink(ec) || name == "unified") continue;
    fs::path dir = e.path();
    for (const fs::path& part : fs::path(cgroup)) {
      const fs::path parent = dir;
      dir /= part;
      if (fs::exists(dir, ec)) continue;
      if (::mkdir(dir.c_str(), 0755) != 0) return sys_error("mkdir", dir, errno);
      made.push_back(dir);
      // A new cpuset has no CPUs or memory nodes until it is given its parent's.
      for (const char* file : {"cpuset.cpus", "cpuset.mems"}) {
        if (fs::exists(dir / file, ec)) (void)write_file(dir / file, read_file(parent / file));
      }
    }
    if (Status s = write_file(dir / "cgroup.procs", std::to_string(pid)); !s) return s.error();
  }
  return made;
}

// Removes what join_all_hierarchies made, children first (empty by now: its processes
// are gone).
void leave_hierarchies(const std::vector<std::string>& made) {
  for (auto it = made.rbegin(); it != made.rend(); ++it) ::rmdir(it->c_str());
}

std::vector<pid_t> cgroup_procs(const std::string& path) {
  std::error_code ec;
  const bool v2 = fs::exists("/sys/fs/cgroup/cgroup.controllers", ec);
  std::ifstream in(fs::path("/sys/fs/cgroup") / (v2 ? "" : "pids") / path / "cgroup.procs");
  std::vector<pid_t> pids;
  for (pid_t pid; in >> pid;) pids.push_back(pid);
  return pids;
}

// ---- in the init: everything between clone and exec ------------------------------------

std::string fd_path(const UniqueFd& fd) { return "/proc/self/fd/" + std::to_string(fd.get()); }

// The v1 cgroup hierarchies as runc shows them: a tmpfs, and in it each controller's
// directory bound from the container's own cgroup (so the container sees its cgroup as
// the root), read-only if the mount says "ro"; the host's links (cpu -> cpu,cpuacct)
// copied. (runc also binds the hierarchies kubepp makes no cgroup in: cpuset, freezer,
// blkio, systemd.)
Status mount_cgroup_v1(const fs::path& target_root, const std::string& dest, const MountFlags& m,
                       const std::string& cgroup) {
  Result<UniqueFd> target = make_in_root(target_root, dest, false);
  if (!target) return target.error();
  if (::mount("tmpfs", fd_path(target.value()).c_str(), "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=755") != 0) {
    return sys_error("mount tmpfs on", target_root / fs::path(dest).relative_path(), errno);
  }
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator("/sys/fs/cgroup", ec)) {
    const std::string name = e.path().filename();
    const fs::path inside = fs::path(dest) / name;
    if (e.is_symlink(ec)) {
      Result<UniqueFd> parent = open_in_root(target_root, dest);
      if (!parent) return parent.error();
      const fs::path link = fs::read_symlink(e.path(), ec);
      if (::symlinkat(link.c_str(), parent.value().get(), name.c_str()) != 0) {
        return sys_error("symlink", target_root / inside.relative_path(), errno);
      }
      continue;
    }
    const fs::path source = e.path() / cgroup;
    if (!fs::is_directory(source, ec)) continue;  // a hierarchy the container has no cgroup in
    Result<UniqueFd> dir = make_in_root(target_root, inside.string(), false);
    if (!dir) return dir.error();
    if (::mount(source.c_str(), fd_path(dir.value()).c_str(), nullptr, MS_BIND, nullptr) != 0) {
      return sys_error("bind mount `" + source.string() + "` on", target_root / inside.relative_path(), errno);
    }
    Result<UniqueFd> mounted = open_in_root(target_root, inside.string());  // the new mount, not what it covers
    if (!mounted) return mounted.error();
    const unsigned long ro = (m.flags & MS_RDONLY) ? MS_RDONLY : 0;
    if (::mount(nullptr, fd_path(mounted.value()).c_str(), nullptr, MS_BIND | MS_REMOUNT | MS_NOSUID | MS_NODEV | MS_NOEXEC | ro,
                nullptr) != 0) {
      return sys_error("remount", target_root / inside.relative_path(), errno);
    }
  }
  return {};
}

// One entry of config.json's mounts, on the rootfs (before pivot_root: host paths of
// bind mounts are still reachable).
Status mount_one(const fs::path& rootfs, const fs::path& bundle, const Mount& mount, const std::string& cgroup) {
  const MountFlags m = parse_mount_options(mount.options);
  const std::string where = (rootfs / fs::path(mount.destination).relative_path()).string();
  if (mount.type == "cgroup" || mount.type == "cgroup2") {
    std::error_code ec;
    if (!fs::exists("/sys/fs/cgroup/cgroup.controllers", ec)) return mount_cgroup_v1(rootfs, mount.destination, m, cgroup);
  }
  fs::path source = mount.source;
  std::error_code ec;
  if (m.bind && source.is_relative()) source = bundle / source;
  const bool file = m.bind && !fs::is_directory(source, ec);
  Result<UniqueFd> target = make_in_root(rootfs, mount.destination, file);
  if (!target) return target.error();
  const std::string at = fd_path(target.value());
  const std::string type = mount.type == "cgroup" ? "cgroup2" : mount.type;
  if (m.bind) {
    if (::mount(source.c_str(), at.c_str(), nullptr, m.flags & (MS_BIND | MS_REC), nullptr) != 0) {
      return sys_error("bind mount `" + source.string() + "` on", where, errno);
    }
  } else if (::mount(mount.source.c_str(), at.c_str(), type.c_str(), m.flags, m.data.empty() ? nullptr : m.data.c_str()) != 0) {
    return sys_error("mount " + type + " on", where, errno);
  }
  // What follows acts on the new mount: reach it afresh (the descriptor above names the
  // directory under it).
  Result<UniqueFd> mounted = open_in_root(rootfs, mount.destination);
  if (!mounted) return mounted.error();
  const std::string top = fd_path(mounted.value());
  // A bind mount takes its flags only on a second, remounting call.
  const unsigned long rest = m.flags & ~(MS_BIND | MS_REC | MS_REMOUNT);
  if (m.bind && rest != 0 && ::mount(nullptr, top.c_str(), nullptr, MS_BIND | MS_REMOUNT | rest, nullptr) != 0) {
    return sys_error("remount", where, errno);
  }
  for (unsigned long p : m.propagation) {
    if (::mount(nullptr, top.c_str(), nullptr, p, nullptr) != 0) return sys_error("propagation of", where, errno);
  }
  return {};
}

// The process's side of the spec, resolved before clone so the init only applies it.
struct ProcessPlan {
  std::vector<std::string> env;  // process.env, with HOME added as runc adds it
  CapabilitySets caps;
  UserIds ids;
  bool no_new_privs = false;
  std::optional<SeccompProfile> seccomp;
};

// The home directory of `uid` in the image's /etc/passwd (read inside the root), or "/"
// as runc falls back.
std::string home_of(const fs::path& rootfs, uint32_t uid) {
  Result<UniqueFd> passwd = open_in_root(rootfs, "/etc/passwd");
  if (!passwd) return "/";
  std::istringstream in(read_file("/proc/self/fd/" + std::to_string(passwd.value().get())));
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> f;
    std::istringstream fields(line);
    for (std::string field; std::getline(fields, field, ':');) f.push_back(field);
    if (f.size() >= 6 && f[2] == std::to_string(uid)) return f[5].empty() ? "/" : f[5];
  }
  return "/";
}

Result<ProcessPlan> plan_process(const Spec& spec, const Process& process, const fs::path& rootfs) {
  ProcessPlan plan;
  plan.env = process.env;
  const bool has_home = std::any_of(plan.env.begin(), plan.env.end(), [](const std::string& e) { return e.starts_with("HOME="); });
  if (!has_home) plan.env.push_back("HOME=" + home_of(rootfs, process.user.uid));
  if (process.capabilities) {
    const Capabilities& c = *process.capabilities;
    const std::pair<uint64_t*, const std::vector<std::string>*> sets[] = {
        {&plan.caps.bounding, &c.bounding},   {&plan.caps.effective, &c.effective}, {&plan.caps.permitted, &c.permitted},
        {&plan.caps.inheritable, &c.inheritable}, {&plan.caps.ambient, &c.ambient}};
    for (const auto& [out, names] : sets) {
      Result<uint64_t> mask = capability_mask(*names);
      if (!mask) return mask.error();
      *out = mask.value();
    }
    // An ambient capability must also be permitted and inheritable; runc drops one that
    // is not (its default config lists ambient ones and no inheritable), and so do we.
    plan.caps.ambient &= plan.caps.permitted & plan.caps.inheritable;
  }  // no capabilities section: every set empty, as runc
  plan.ids.uid = process.user.uid;
  plan.ids.gid = process.user.gid;
  plan.ids.groups.assign(process.user.additionalGids.begin(), process.user.additionalGids.end());
  plan.no_new_privs = process.noNewPrivileges;
  if (spec.linux && spec.linux->seccomp) {
    Result<SeccompProfile> profile = seccomp_profile(*spec.linux->seccomp);
    if (!profile) return profile.error();
    plan.seccomp = profile.value();
  }
  return plan;
}

// The last steps of every process in the container, init or exec'd: rlimits, seccomp
// and capabilities in runc's order. Returns only on error.
Error finish_and_exec(const Process& process, const ProcessPlan& plan, const std::function<Status()>& before_exec) {
  for (const Rlimit& r : process.rlimits) {
    Result<int> resource = rlimit_resource(r.type);
    if (!resource) return resource.error();
    const struct rlimit limit {r.soft, r.hard};
    if (::setrlimit(resource.value(), &limit) != 0) return sys_error("setrlimit", r.type, errno);
  }
  if (process.user.umask) ::umask(*process.user.umask);
  if (process.oomScoreAdj) {
    if (Status s = write_file("/proc/self/oom_score_adj", std::to_string(*process.oomScoreAdj)); !s) return s.error();
  }
  if (::chdir(process.cwd.empty() ? "/" : process.cwd.c_str()) != 0) return sys_error("chdir", process.cwd, errno);
  if (Status s = close_fds_on_exec(); !s) return s.error();
  // Without no_new_privs a filter needs CAP_SYS_ADMIN: load it while we hold it.
  if (plan.seccomp && !plan.no_new_privs) {
    if (Status s = load_seccomp(*plan.seccomp); !s) return s.error();
  }
  if (Status s = drop_privileges(plan.caps, plan.ids, plan.no_new_privs); !s) return s.error();
  if (before_exec) {
    if (Status s = before_exec(); !s) return s.error();
  }
  // With no_new_privs, as late as possible: fewer of our own calls need allowing.
  if (plan.seccomp && plan.no_new_privs) {
    if (Status s = load_seccomp(*plan.seccomp); !s) return s.error();
  }
  return exec_command(process.args, plan.env);
}

// Messages from the init to the runtime, over a SOCK_SEQPACKET pair (MSG_NOSIGNAL: the
// runtime may be gone, and the init must not take SIGPIPE's disposition into exec):
// "R" — set up, waiting at the FIFO; "E<code><message>" — failed.
void tell(int fd, const std::string& message) { (void)::send(fd, message.data(), message.size(), MSG_NOSIGNAL); }

struct Init {
  const Spec& spec;
  fs::path bundle, rootfs;
  std::string cgroup;
  ProcessPlan plan;
  std::vector<std::pair<int, std::string>> join;  // namespaces to setns into: (flag, path)
  bool new_cgroup_ns = false;
  bool new_network_ns = false;
  int fifo = -1;  // O_PATH descriptor of exec.fifo, reopened for writing at the end

  Error run(int sync_fd, int report_fd) {
    // Until it execs, this process is the kubepp binary: not to be opened through
    // /proc/PID/exe from inside (CVE-2019-5736). execve makes the user's program dumpable again.
    if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) return sys_error("prctl", "PR_SET_DUMPABLE", errno);
    char go = 0;
    if (::read(sync_fd, &go, 1) != 1) return Error{ErrorCode::Internal, "the runtime went away before the start"};
    ::close(sync_fd);
    for (const auto& [flag, path] : join) {
      UniqueFd ns(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
      if (!ns.valid()) return sys_error("open", path, errno);
      if (::setns(ns.get(), flag) != 0) return sys_error("setns", path, errno);
    }
    if (new_cgroup_ns && ::unshare(CLONE_NEWCGROUP) != 0) return sys_error("unshare", "cgroup namespace", errno);
    if (!spec.hostname.empty() && ::sethostname(spec.hostname.data(), spec.hostname.size()) != 0) {
      return sys_error("sethostname", spec.hostname, errno);
    }
    if (!spec.domainname.empty() && ::setdomainname(spec.domainname.data(), spec.domainname.size()) != 0) {
      return sys_error("setdomainname", spec.domainname, errno);
    }
    if (new_network_ns) {
      if (Status s = bring_loopback_up(); !s) return s.error();
    }
    if (Status s = setup_root(); !s) return s.error();
    return finish_and_exec(spec.process, plan, [&]() -> Status {
      // A program that is not there fails create, not a later start (runc looks it up here too).
      if (Result<std::string> program = find_program(spec.process.args[0], plan.env); !program) return program.error();
      // Set up: tell the runtime, then wait for `start` at the FIFO.
      tell(report_fd, "R");
      const std::string path = "/proc/self/fd/" + std::to_string(fifo);
      UniqueFd w(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
      if (!w.valid()) return sys_error("open", "exec.fifo", errno);
      if (::write(w.get(), "0", 1) != 1) return sys_error("write", "exec.fifo", errno);
      ::close(fifo);
      return {};
    });
  }

  Status setup_root() {
    const Linux& linux_ = *spec.linux;
    unsigned long propagation = MS_REC | MS_PRIVATE;
    if (linux_.rootfsPropagation == "slave" || linux_.rootfsPropagation == "rslave") propagation = MS_REC | MS_SLAVE;
    if (linux_.rootfsPropagation == "shared" || linux_.rootfsPropagation == "rshared") propagation = MS_REC | MS_SHARED;
    if (::mount(nullptr, "/", nullptr, propagation, nullptr) != 0) return sys_error("mount propagation of", "/", errno);
    // pivot_root wants the new root to be a mount point: bind it onto itself.
    if (::mount(rootfs.c_str(), rootfs.c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0) {
      return sys_error("bind mount", rootfs, errno);
    }
    bool dev_mounted = false;
    for (const Mount& m : spec.mounts) {
      if (Status s = mount_one(rootfs, bundle, m, cgroup); !s) return s;
      dev_mounted = dev_mounted || fs::path(m.destination).lexically_normal() == "/dev";
    }
    if (dev_mounted) {
      // A fresh /dev gets the spec's default devices and links, as runc and crun make them.
      if (Status s = make_dev_nodes(rootfs / "dev"); !s) return s;
      if (Status s = make_dev_links(rootfs / "dev"); !s) return s;
    }
    for (const Device& d : linux_.devices) {
      const mode_t type = d.type == "b" ? S_IFBLK : d.type == "p" ? S_IFIFO : S_IFCHR;
      const fs::path node = rootfs / fs::path(d.path).relative_path();
      if (Status s = make_dirs(node.parent_path()); !s) return s;
      if (::mknod(node.c_str(), type | d.fileMode.value_or(0666),
                  makedev(static_cast<unsigned>(d.major), static_cast<unsigned>(d.minor))) != 0 &&
          errno != EEXIST) {
        return sys_error("mknod", node, errno);
      }
      if (::lchown(node.c_str(), d.uid.value_or(0), d.gid.value_or(0)) != 0) return sys_error("chown", node, errno);
    }
    if (Status s = pivot_to(rootfs); !s) return s;
    // Sysctls while /proc/sys is still writable, as runc writes them.
    for (const auto& [key, value] : linux_.sysctl) {
      std::string file = "/proc/sys/" + key;
      std::replace(file.begin() + 10, file.end(), '.', '/');
      if (Status s = write_file(file, value); !s) return s;
    }
    if (Status s = make_paths_readonly("/", linux_.readonlyPaths); !s) return s;
    if (Status s = mask_paths("/", linux_.maskedPaths); !s) return s;
    if (spec.root.readonly && ::mount(nullptr, "/", nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY | MS_REC, nullptr) != 0) {
      return sys_error("remount read-only", "/", errno);
    }
    return {};
  }
};

// Waits for a message from the init: "R" (ready), "E…" (an error), or the socket's end
// (it exec'd, or died).
Result<std::string> hear(int fd) {
  char buf[4096];
  for (;;) {
    ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return sys_error("recv", "init", errno);
    return std::string(buf, static_cast<size_t>(n));
  }
}

Error init_error(const std::string& id, const std::string& message) {
  if (message.size() < 2) return Error{ErrorCode::Internal, "container " + id + ": its init died during setup"};
  return Error{static_cast<ErrorCode>(message[1] - '0'), "container " + id + ": " + message.substr(2)};
}

// Everything create does up to the init's "ready"; `report` stays open for run.
struct Created {
  pid_t pid = 0;
  UniqueFd report;
};

Result<Created> create(const fs::path& root, const std::string& id, const CreateOptions& options) {
  if (Status s = valid_id(id); !s) return s.error();
  std::error_code ec;
  const fs::path bundle = fs::absolute(options.bundle, ec).lexically_normal();
  Result<Spec> loaded = load_spec(bundle);
  if (!loaded) return loaded.error();
  const Spec& spec = loaded.value();
  const std::string origin = (bundle / "config.json").string();
  auto unsupported = [&](const std::string& field, const std::string& why) {
    return Error{ErrorCode::Invalid, origin + ": `" + field + "`: " + why};
  };
  if (!spec.linux) return unsupported("linux", "missing: kubepp runs Linux containers");
  if (spec.process.terminal) {
    return unsupported("process.terminal", "true needs a console socket, which kubepp does not offer yet: set it to false");
  }
  const Hooks& h = spec.hooks;
  if (!h.prestart.empty() || !h.createRuntime.empty() || !h.createContainer.empty() || !h.startContainer.empty() ||
      !h.poststart.empty() || !h.poststop.empty()) {
    return unsupported("hooks", "kubepp does not run hooks yet: remove them");
  }
  if (!spec.linux->uidMappings.empty() || !spec.linux->gidMappings.empty()) {
    return unsupported("linux.uidMappings", "user namespaces are not supported");
  }
  Init init{spec, bundle, fs::path(spec.root.path).is_absolute() ? fs::path(spec.root.path) : bundle / spec.root.path,
            cgroup_path(spec, id), {}, {}, false, false, -1};
  init.rootfs = init.rootfs.lexically_normal();
  if (!fs::is_directory(init.rootfs, ec)) return unsupported("root.path", "`" + init.rootfs.string() + "` is not a directory");
  int flags = 0;
  std::optional<std::string> join_pid;
  for (const Namespace& ns : spec.linux->namespaces) {
    Result<int> flag = namespace_flag(ns.type);
    if (!flag) return flag.error();
    if (ns.type == "user") return unsupported("linux.namespaces", "user namespaces are not supported");
    if (ns.path.empty()) {
      flags |= flag.value();
    } else if (ns.type == "pid") {
      join_pid = ns.path;  // the runtime joins it, so the init is born there
    } else {
      init.join.emplace_back(flag.value(), ns.path);
    }
  }
  if (!(flags & CLONE_NEWNS)) {
    return unsupported("linux.namespaces", "kubepp needs a new mount namespace to set up the root filesystem");
  }
  init.new_cgroup_ns = flags & CLONE_NEWCGROUP;
  init.new_network_ns = flags & CLONE_NEWNET;
  Result<ProcessPlan> plan = plan_process(spec, spec.process, init.rootfs);
  if (!plan) return plan.error();
  init.plan = plan.value();

  // The record's directory: ours from here on, removed again unless create succeeds.
  const fs::path dir = dir_of(root, id);
  if (Status s = make_dirs(root, 0700); !s) return s.error();
  if (::mkdir(dir.c_str(), 0700) != 0) {
    if (errno == EEXIST) return Error{ErrorCode::AlreadyExists, "container `" + id + "` already exists"};
    return sys_error("mkdir", dir, errno);
  }
  auto cgroups = make_cgroup_driver();
  bool done = false;
  pid_t pid = 0;
  std::vector<std::string> extra;  // cgroups join_all_hierarchies made
  struct Cleanup {
    std::function<void()> fn;
    ~Cleanup() { fn(); }
  } cleanup{[&] {
    if (done) return;
    if (pid > 0) {
      ::kill(pid, SIGKILL);
      (void)wait_process(pid);
    }
    (void)cgroups->destroy(init.cgroup);
    leave_hierarchies(extra);
    fs::remove_all(dir, ec);
  }};
  if (Status s = write_file(dir / "config.json", read_file(bundle / "config.json"), 0600); !s) return s.error();
  if (::mkfifo((dir / "exec.fifo").c_str(), 0622) != 0) return sys_error("mkfifo", dir / "exec.fifo", errno);
  UniqueFd fifo(::open((dir / "exec.fifo").c_str(), O_PATH | O_CLOEXEC));
  if (!fifo.valid()) return sys_error("open", dir / "exec.fifo", errno);
  init.fifo = fifo.get();
  if (Status s = cgroups->create(init.cgroup, limits_of(spec)); !s) return s.error();

  int sync[2], report[2];
  if (::pipe2(sync, O_CLOEXEC) != 0) return sys_error("pipe2", "sync", errno);
  UniqueFd sync_read(sync[0]), sync_write(sync[1]);
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, report) != 0) return sys_error("socketpair", "report", errno);
  UniqueFd report_read(report[0]), report_write(report[1]);
  if (join_pid) {
    UniqueFd ns(::open(join_pid->c_str(), O_RDONLY | O_CLOEXEC));
    if (!ns.valid() || ::setns(ns.get(), CLONE_NEWPID) != 0) return sys_error("setns", *join_pid, errno);
  }
  Result<pid_t> cloned = clone_process(flags & ~CLONE_NEWCGROUP, [&]() -> int {
    sync_write.reset();
    report_read.reset();
    Error error;
    try {
      error = init.run(sync_read.release(), report_write.get());
    } catch (const std::exception& e) {
      error = Error{ErrorCode::Internal, e.what()};
    }
    tell(report_write.get(), "E" + std::string(1, char('0' + static_cast<int>(error.code))) + error.message);
    ::_exit(127);
  });
  if (!cloned) return cloned.error();
  pid = cloned.value();
  sync_read.reset();
  report_write.reset();
  fifo.reset();
  if (Status s = cgroups->attach(init.cgroup, pid); !s) return s.error();
  Result<std::vector<std::string>> joined = join_all_hierarchies(init.cgroup, pid);
  if (!joined) return joined.error();
  extra = joined.value();
  if (::write(sync_write.get(), "g", 1) != 1) return sys_error("write", "sync", errno);
  Result<std::string> heard = hear(report_read.get());
  if (!heard) return heard.error();
  if (heard.value() != "R") return init_error(id, heard.value());

  Record record{id, bundle.string(), init.rootfs.string(), rfc3339_nano(std::chrono::system_clock::now()),
                init.cgroup, process_start_time(pid), pid, spec.annotations, extra};
  if (Status s = write_record(root, record); !s) return s.error();
  if (!options.pid_file.empty()) {
    if (Status s = write_file_atomic(options.pid_file, std::to_string(pid)); !s) return s.error();
  }
  done = true;
  return Created{pid, std::move(report_read)};
}

}  // namespace

Result<pid_t> create_container(const fs::path& root, const std::string& id, const CreateOptions& options) {
  Result<Created> created = create(root, id, options);
  if (!created) return created.error();
  return created.value().pid;
}

Status start_container(const fs::path& root, const std::string& id) {
  Result<Record> r = read_record(root, id);
  if (!r) return r.error();
  const std::string status = status_of(root, r.value());
  if (status != "created") {
    return Error{ErrorCode::Conflict, "cannot start container `" + id + "`: it is " + status + ", not created"};
  }
  // O_NONBLOCK: the open succeeds even if the init died meanwhile; then wait for its
  // byte while checking that it lives.
  const fs::path fifo = dir_of(root, id) / "exec.fifo";
  UniqueFd read_end(::open(fifo.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC));
  if (!read_end.valid()) return sys_error("open", fifo, errno);
  for (;;) {
    struct pollfd p {read_end.get(), POLLIN, 0};
    int n = ::poll(&p, 1, 100);
    if (n < 0 && errno != EINTR) return sys_error("poll", fifo, errno);
    char byte;
    if (n > 0 && ::read(read_end.get(), &byte, 1) == 1) break;
    if (!alive(r.value())) return Error{ErrorCode::Conflict, "cannot start container `" + id + "`: its init died"};
  }
  std::error_code ec;
  fs::remove(fifo, ec);
  return {};
}

Result<State> container_state(const fs::path& root, const std::string& id) {
  Result<Record> r = read_record(root, id);
  if (!r) return r.error();
  State s;
  s.id = r.value().id;
  s.status = status_of(root, r.value());
  s.pid = s.status == "stopped" ? 0 : r.value().pid;
  s.bundle = r.value().bundle;
  s.rootfs = r.value().rootfs;
  s.created = r.value().created;
  s.annotations = r.value().annotations;
  return s;
}

std::vector<State> list_containers(const fs::path& root) {
  std::vector<State> out;
  std::vector<std::string> ids;
  std::error_code ec;
  for (const fs::directory_entry& e : fs::directory_iterator(root, ec)) ids.push_back(e.path().filename());
  std::sort(ids.begin(), ids.end());
  for (const std::string& id : ids) {
    if (Result<State> s = container_state(root, id); s) out.push_back(s.value());
  }
  return out;
}

Status kill_container(const fs::path& root, const std::string& id, int signal, bool all) {
  Result<Record> r = read_record(root, id);
  if (!r) return r.error();
  if (!alive(r.value())) return Error{ErrorCode::Conflict, "container `" + id + "` is not running"};
  if (all) {
    for (pid_t pid : cgroup_procs(r.value().cgroup)) ::kill(pid, signal);
    return {};
  }
  if (::kill(r.value().pid, signal) != 0) return sys_error("kill", std::to_string(r.value().pid), errno);
  return {};
}

Status delete_container(const fs::path& root, const std::string& id, bool force) {
  Result<Record> r = read_record(root, id);
  if (!r) return r.error();
  const std::string status = status_of(root, r.value());
  if (status != "stopped") {
    if (!force) return Error{ErrorCode::Conflict, "cannot delete container `" + id + "`: it is " + status + " (use --force)"};
    for (pid_t pid : cgroup_procs(r.value().cgroup)) ::kill(pid, SIGKILL);
    ::kill(r.value().pid, SIGKILL);
    // Not our child (create returned long ago): wait until it is gone or a zombie.
    for (int i = 0; i < 1000 && alive(r.value()); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  if (Status s = make_cgroup_driver()->destroy(r.value().cgroup); !s) return s;
  leave_hierarchies(r.value().joined);
  std::error_code ec;
  fs::remove_all(dir_of(root, id), ec);
  if (ec) return sys_error("remove", dir_of(root, id), ec.value());
  return {};
}

Result<std::vector<pid_t>> container_pids(const fs::path& root, const std::string& id) {
  Result<Record> r = read_record(root, id);
  if (!r) return r.error();
  return cgroup_procs(r.value().cgroup);
}

namespace {

pid_t g_forward_to = 0;
void forward(int signal) {
  if (g_forward_to > 0) ::kill(g_forward_to, signal);
}

}  // namespace

Result<ExitStatus> run_container(const fs::path& root, const std::string& id, const CreateOptions& options) {
  Result<Created> created = create(root, id, options);
  if (!created) return created.error();
  const pid_t pid = created.value().pid;
  g_forward_to = pid;
  struct sigaction sa {};
  sa.sa_handler = forward;
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2}) ::sigaction(sig, &sa, nullptr);
  Status started = start_container(root, id);
  // After start, the init either exec'd (the socket closes) or failed (a message).
  Result<std::string> heard = started ? hear(created.value().report.get()) : Result<std::string>(std::string());
  Result<ExitStatus> status = wait_process(pid);
  g_forward_to = 0;
  (void)delete_container(root, id, true);
  if (!started) return started.error();
  if (heard && !heard.value().empty()) return init_error(id, heard.value());
  return status;
}

Result<Spec> container_spec(const fs::path& root, const std::string& id) {
  Result<Record> r = read_record(root, id);
  if (!r) return r.error();
  return parse_spec(read_file(dir_of(root, id) / "config.json"), (dir_of(root, id) / "config.json").string());
}

Result<ExitStatus> exec_in_container(const fs::path& root, const std::string& id, const Process& process) {
  Result<Record> r = read_record(root, id);
  if (!r) return r.error();
  if (status_of(root, r.value()) != "running") return Error{ErrorCode::Conflict, "container `" + id + "` is not running"};
  Result<Spec> spec = container_spec(root, id);
  if (!spec) return spec.error();
  Result<ProcessPlan> plan = plan_process(spec.value(), process, r.value().rootfs);
  if (!plan) return plan.error();
  // Open every namespace of the init before joining any: after the mount namespace,
  // /proc is the container's.
  std::vector<std::pair<int, UniqueFd>> namespaces;
  for (const char* ns : {"cgroup", "ipc", "uts", "net", "pid", "mnt"}) {
    const std::string path = "/proc/" + std::to_string(r.value().pid) + "/ns/" + ns;
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) return sys_error("open", path, errno);
    namespaces.emplace_back(0, std::move(fd));
  }
  int report[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, report) != 0) return sys_error("socketpair", "report", errno);
  UniqueFd report_read(report[0]), report_write(report[1]);
  const std::string cgroup = r.value().cgroup;
  // A child joins; the pid namespace takes effect for its own child, which execs.
  pid_t child = ::fork();
  if (child < 0) return sys_error("fork", "exec", errno);
  if (child == 0) {
    report_read.reset();
    auto fail = [&](const Error& e) {
      tell(report_write.get(), "E" + std::string(1, char('0' + static_cast<int>(e.code))) + e.message);
      ::_exit(127);
    };
    if (::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) != 0) fail(sys_error("prctl", "PR_SET_DUMPABLE", errno));
    if (Status s = make_cgroup_driver()->attach(cgroup, ::getpid()); !s) fail(s.error());
    if (Result<std::vector<std::string>> joined = join_all_hierarchies(cgroup, ::getpid()); !joined) fail(joined.error());
    for (auto& [flag, fd] : namespaces) {
      if (::setns(fd.get(), 0) != 0) fail(sys_error("setns", "namespace", errno));
      fd.reset();
    }
    pid_t grandchild = ::fork();
    if (grandchild < 0) fail(sys_error("fork", "exec", errno));
    if (grandchild == 0) fail(finish_and_exec(process, plan.value(), nullptr));
    report_write.reset();
    Result<ExitStatus> status = wait_process(grandchild);
    if (!status) ::_exit(127);
    if (status.value().signal != 0) {
      ::signal(status.value().signal, SIG_DFL);
      ::kill(::getpid(), status.value().signal);
    }
    ::_exit(status.value().code);
  }
  report_write.reset();
  Result<std::string> heard = hear(report_read.get());
  Result<ExitStatus> status = wait_process(child);
  if (heard && !heard.value().empty()) return init_error(id, heard.value());
  return status;
}

}  // namespace kubepp::runtime::oci

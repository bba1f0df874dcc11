// crun_pod.h — bench_pod_start's peer: a pod started by hand with crun, the way a CRI
// runtime (containerd, CRI-O) drives an OCI runtime, on the same network, layers and
// seccomp profile as kubepp's RuntimeService:
//
//   pod n:  create_netns + attach_pod (kubepp's own, runtime/net/pod_network.h): netns, veth, IP
//           hosts, hostname, resolv.conf: the pod's /etc files, bind-mounted in both containers
//   pause:  overlay of the pause image's layers ─▶ config.json (new pid, ipc, uts, mount and
//           cgroup namespaces; the pod's netns by path) ─▶ crun create ─▶ crun start
//   app:    overlay of busybox's layers ─▶ config.json joining /proc/<pause>/ns/{net,ipc,uts}
//           ─▶ crun create ─▶ crun start
//
// crun refuses this machine's hybrid cgroup layout (DESIGN.md, "Facts measured"): every crun
// call runs in a private mount namespace of its own with /sys/fs/cgroup/unified unmounted,
// done by fork + unshare(2) + umount2(2) before exec (`unshare -m sh -c 'umount …'` without
// its two execs). The host's mounts never change.
//
// Everything of pod n has a name made from n, so remove(n) finds it again from any process
// and after any failure. Call from a single-threaded process (it forks). Header-only: one user.
#pragma once

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "runtime/base/files.h"
#include "runtime/net/pod_network.h"
#include "runtime/oci/spec.h"
#include "runtime/seccomp.h"
#include "runtime/security.h"

namespace kubepp::bench {

namespace fs = std::filesystem;
namespace net = runtime::net;
using json = nlohmann::json;

/// The mount points of every cgroup hierarchy (v1 and v2) this process sees.
inline std::vector<fs::path> cgroup_mounts() {
  std::vector<fs::path> out;
  std::ifstream in("/proc/self/mountinfo");
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    std::string id, parent, dev, root, point, field;
    fields >> id >> parent >> dev >> root >> point;
    while (fields >> field && field != "-") {
    }
    std::string fstype;
    fields >> fstype;
    if (fstype == "cgroup" || fstype == "cgroup2") out.emplace_back(point);
  }
  return out;
}

/// True when `path` is a mount point in this mount namespace.
inline bool is_mount_point(const fs::path& path) {
  std::ifstream in("/proc/self/mountinfo");
  for (std::string line; std::getline(in, line);) {
    std::istringstream fields(line);
    std::string id, parent, dev, root, point;
    fields >> id >> parent >> dev >> root >> point;
    if (point == path.string()) return true;
  }
  return false;
}

/// Removes the cgroup `relative` and everything below it, in every hierarchy, deepest
/// first. A process still inside (there should be none: ours were deleted before) is
/// SIGKILLed by the pid the cgroup lists. Best effort; false when something stayed.
inline bool remove_cgroup_tree(const std::string& relative) {
  bool all = true;
  for (const fs::path& mount : cgroup_mounts()) {
    const fs::path top = mount / relative;
    std::error_code ec;
    if (!fs::is_directory(top, ec)) continue;
    std::vector<fs::path> dirs = {top};
    for (auto it = fs::recursive_directory_iterator(top, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec)) {
      if (it->is_directory(ec) && !it->is_symlink(ec)) dirs.push_back(it->path());
    }
    std::sort(dirs.begin(), dirs.end(), [](const fs::path& a, const fs::path& b) { return a.string() > b.string(); });
    for (const fs::path& dir : dirs) {
      bool gone = false;
      for (int attempt = 0; attempt < 200 && !gone; ++attempt) {  // a memory cgroup lingers a moment
        gone = ::rmdir(dir.c_str()) == 0 || errno == ENOENT;
        if (gone) break;
        std::ifstream procs(dir / "cgroup.procs");
        for (pid_t pid; procs >> pid;) ::kill(pid, SIGKILL);
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      if (!gone) {
        std::fprintf(stderr, "rmdir `%s`: %s\n", dir.c_str(), std::strerror(errno));
        all = false;
      }
    }
  }
  return all;
}

/// kubepp's RuntimeDefault profile (runtime/seccomp.h: Docker's, for `caps`) as config.json's
/// linux.seccomp, so that crun loads the filter kubepp loads. Names the installed libseccomp
/// cannot resolve are left out (kubepp's loader skips them too); so are rules whose action is
/// the default one (kubepp's loader skips them, libseccomp refuses them).
inline json seccomp_json(uint64_t caps) {
  using runtime::SeccompAction;
  using Op = runtime::SeccompArg::Op;
  const runtime::SeccompProfile profile = runtime::default_seccomp_profile(caps);
  const std::vector<std::string> unresolved = runtime::unresolved_syscalls(profile);
  auto known = [&](const std::string& name) {
    return !std::binary_search(unresolved.begin(), unresolved.end(), name);
  };
  // In SeccompAction::Kind's order.
  static const char* const kActions[] = {"SCMP_ACT_ERRNO", "SCMP_ACT_ALLOW", "SCMP_ACT_KILL_THREAD",
                                         "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_TRAP", "SCMP_ACT_LOG", "SCMP_ACT_TRACE"};
  auto action = [](const SeccompAction& a, json& into, const char* action_key, const char* errno_key) {
    into[action_key] = kActions[a.kind];
    if (a.kind == SeccompAction::Errno || a.kind == SeccompAction::Trace) into[errno_key] = a.errno_ret;
  };
  // In SeccompArg::Op's order.
  static const char* const kOps[] = {"SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE",       "SCMP_CMP_EQ",
                                     "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ"};
  json out = json::object();
  action(profile.default_action, out, "defaultAction", "defaultErrnoRet");
  if (!profile.architectures.empty()) {
    out["architectures"] = profile.architectures;
  } else {
#if defined(__x86_64__)
    out["architectures"] = {"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"};  // as kubepp's loader judges
#endif
  }
  json flags = json::array();
  if (profile.flags.tsync) flags.push_back("SECCOMP_FILTER_FLAG_TSYNC");
  if (profile.flags.log) flags.push_back("SECCOMP_FILTER_FLAG_LOG");
  if (profile.flags.spec_allow) flags.push_back("SECCOMP_FILTER_FLAG_SPEC_ALLOW");
  out["flags"] = flags;  // present and empty: exactly kubepp's flags (none)
  json allowed = json::array();
  for (const std::string& name : profile.allowed) {
    if (known(name)) allowed.push_back(name);
  }
  json syscalls = json::array({{{"names", allowed}, {"action", "SCMP_ACT_ALLOW"}}});
  for (const runtime::SeccompRule& rule : profile.rules) {
    if (!known(rule.syscall) || rule.action == profile.default_action) continue;
    json entry = {{"names", {rule.syscall}}};
    action(rule.action, entry, "action", "errnoRet");
    json args = json::array();
    for (const runtime::SeccompArg& arg : rule.args) {
      // OCI ORs args of one index where kubepp ANDs them; Docker's rules test one arg each.
      const bool masked = arg.op == Op::MaskedEqual;  // OCI: value is the mask, valueTwo the datum
      args.push_back({{"index", arg.index},
                      {"value", masked ? arg.mask : arg.value},
                      {"valueTwo", masked ? arg.value : 0},
                      {"op", kOps[static_cast<int>(arg.op)]}});
    }
    if (!args.empty()) entry["args"] = args;
    syscalls.push_back(entry);
  }
  out["syscalls"] = syscalls;
  return out;
}

/// Where pod n's things go and what they are called.
struct CrunPodSetup {
  fs::path root;                        ///< pods/<n>/ and crun's --root (state/) live here
  std::string token;                    ///< unique to this run: in netns and container names
  net::NetworkConfig network;           ///< the bridge and IPAM kubepp's pods use too
  std::string cgroup_parent;            ///< pod n's cgroups: /<parent>/pod<n>/{pause,app}
  std::vector<fs::path> pause_layers;   ///< top first, as ImageStore::rootfs lists them
  std::vector<fs::path> app_layers;
  std::vector<std::string> app_args = {"sleep", "3600"};
};

/// How long each step of a start took, ms.
struct CrunSteps {
  double netns = 0, network = 0, files = 0, pause = 0, app = 0;  ///< network includes netns
};

/// Pods started by hand with crun (see the file's comment).
class CrunPods {
 public:
  explicit CrunPods(CrunPodSetup setup) : s_(std::move(setup)) {
    unified_ = is_mount_point("/sys/fs/cgroup/unified");
    const std::string caps = runtime::describe_capabilities(runtime::kDefaultCapabilities);
    std::vector<std::string> names;
    std::istringstream in(caps);
    for (std::string name; std::getline(in, name, ',');) names.push_back(name);
    base_ = json::parse(runtime::oci::default_spec_json());
    json& process = base_["process"];
    process["terminal"] = false;
    process["noNewPrivileges"] = false;  // kubepp's default for a CRI container
    process.erase("rlimits");            // kubepp sets none
    process["capabilities"] = {{"bounding", names}, {"effective", names}, {"permitted", names}};
    // kubepp mounts no cgroupfs in a container: drop `runc spec`'s /sys/fs/cgroup.
    json mounts = json::array();
    for (const json& m : base_["mounts"]) {
      if (m.value("destination", "") != "/sys/fs/cgroup") mounts.push_back(m);
    }
    base_["mounts"] = mounts;
    base_["linux"]["seccomp"] = seccomp_json(runtime::kDefaultCapabilities);
  }

  CrunPods(const CrunPods&) = delete;
  CrunPods& operator=(const CrunPods&) = delete;

  /// Starts pod n: network, /etc files, pause, app (see the file's comment). On failure
  /// the error is printed on stderr and what was made stays for remove(n).
  bool start(int n, CrunSteps* steps) {
    using Clock = std::chrono::steady_clock;
    auto ms = [](Clock::time_point since) {
      return std::chrono::duration<double, std::milli>(Clock::now() - since).count();
    };
    auto t = Clock::now();
    std::error_code ec;
    fs::create_directories(pod_dir(n), ec);  // first: exists() finds a pod from here on
    Result<fs::path> netns = net::create_netns(netns_name(n));
    if (!netns) return failed(n, "netns", netns.error().message);
    steps->netns = ms(t);
    Result<net::PodInterface> eth0 = net::attach_pod(s_.network, sandbox_id(n), netns.value());
    if (!eth0) return failed(n, "attach", eth0.error().message);
    steps->network = ms(t);

    t = Clock::now();
    const fs::path dir = pod_dir(n);
    const std::string hostname = "bench-crun-" + std::to_string(n);
    if (!write(dir / "hosts", "127.0.0.1\tlocalhost\n" + eth0.value().ip + "\t" + hostname + "\n") ||
        !write(dir / "hostname", hostname + "\n") || !write(dir / "resolv.conf", resolv_conf()) ||
        !overlay(n, "pause", s_.pause_layers)) {
      return false;
    }
    json pause = config(n, "pause", {"/pause"});
    pause["hostname"] = hostname;
    pause["linux"]["namespaces"] = {{{"type", "pid"}},   {{"type", "network"}, {"path", netns.value()}},
                                    {{"type", "ipc"}},   {{"type", "uts"}},
                                    {{"type", "mount"}}, {{"type", "cgroup"}}};
    if (!write(dir / "pause" / "config.json", pause.dump())) return false;
    steps->files = ms(t);

    t = Clock::now();
    const fs::path pid_file = dir / "pause.pid";
    if (!crun({"create", "--bundle", dir / "pause", "--pid-file", pid_file, container_id(n, "pause")})) {
      return failed(n, "crun create pause", "");
    }
    // kubepp's pause asks for the kubelet's -998 and keeps ours where the host withholds
    // CAP_SYS_RESOURCE (as this VM does). crun fails the start instead ("write to
    // /proc/self/oom_score_adj: Permission denied"): ask here, and let it be refused alike.
    const std::string proc = "/proc/" + std::to_string(std::atoi(kubepp::read_file(pid_file).c_str()));
    (void)kubepp::write_file(proc + "/oom_score_adj", "-998");
    if (!crun({"start", container_id(n, "pause")})) return failed(n, "crun start pause", "");
    steps->pause = ms(t);

    t = Clock::now();
    const std::string ns = proc + "/ns/";
    if (!overlay(n, "app", s_.app_layers)) return false;
    json app = config(n, "app", s_.app_args);
    app["linux"]["namespaces"] = {{{"type", "pid"}},
                                  {{"type", "network"}, {"path", ns + "net"}},
                                  {{"type", "ipc"}, {"path", ns + "ipc"}},
                                  {{"type", "uts"}, {"path", ns + "uts"}},
                                  {{"type", "mount"}},
                                  {{"type", "cgroup"}}};
    app.erase("hostname");  // the pod's UTS namespace has it
    if (!write(dir / "app" / "config.json", app.dump())) return false;
    if (!crun({"create", "--bundle", dir / "app", container_id(n, "app")})) return failed(n, "crun create app", "");
    if (!crun({"start", container_id(n, "app")})) return failed(n, "crun start app", "");
    steps->app = ms(t);
    return true;
  }

  /// Removes whatever of pod n exists: its containers (crun delete --force), overlays,
  /// veth and address, netns, cgroups and directory. Best effort; false when something stayed.
  bool remove(int n) {
    bool all = true;
    for (const char* name : {"app", "pause"}) {
      if (fs::exists(s_.root / "state" / container_id(n, name))) {
        all = crun({"delete", "--force", container_id(n, name)}) && all;
      }
      const fs::path rootfs = pod_dir(n) / name / "rootfs";
      if (is_mount_point(rootfs) && ::umount2(rootfs.c_str(), 0) != 0 && ::umount2(rootfs.c_str(), MNT_DETACH) != 0) {
        std::fprintf(stderr, "umount `%s`: %s\n", rootfs.c_str(), std::strerror(errno));
        all = false;
      }
    }
    if (Status s = net::detach_pod(s_.network, sandbox_id(n)); !s) {
      std::fprintf(stderr, "%s\n", s.error().message.c_str());
      all = false;
    }
    if (Status s = net::delete_netns(netns_name(n)); !s) {
      std::fprintf(stderr, "%s\n", s.error().message.c_str());
      all = false;
    }
    all = remove_cgroup_tree(s_.cgroup_parent + "/pod" + std::to_string(n)) && all;
    std::error_code ec;
    if (all) fs::remove_all(pod_dir(n), ec);  // never through a mount that stayed
    return all;
  }

  /// Runs `crun --root ROOT/state ARGS…` in a mount namespace of its own without the
  /// cgroup2 mount (see the file's comment). Its stdio is /dev/null but for stderr, which
  /// goes to a memfd printed when it fails (a pipe, held by the container crun starts,
  /// would never end). True when it exits 0.
  bool crun(const std::vector<std::string>& args) const {
    std::vector<std::string> argv = {"crun", "--root", s_.root / "state"};
    argv.insert(argv.end(), args.begin(), args.end());
    return run(argv);
  }

  /// The wrapper alone: fork, unshare, umount, exec /bin/true. True when it exits 0.
  bool wrapper_alone() const { return run({"/bin/true"}); }

  /// True when something of pod n may exist (its directory comes first, goes last).
  bool exists(int n) const { return fs::exists(pod_dir(n)); }

  std::string netns_name(int n) const { return "kubepp-bench-" + s_.token + "-" + std::to_string(n); }
  std::string container_id(int n, const char* name) const {
    return "kubepp-bench-" + s_.token + "-" + std::to_string(n) + "-" + name;
  }

 private:
  std::string sandbox_id(int n) const { return "crun-" + s_.token + "-" + std::to_string(n); }
  fs::path pod_dir(int n) const { return s_.root / "pods" / std::to_string(n); }

  bool failed(int n, const char* step, const std::string& message) const {
    std::fprintf(stderr, "crun pod %d: %s: %s\n", n, step, message.c_str());
    return false;
  }

  bool write(const fs::path& path, const std::string& text) const {
    Status s = kubepp::write_file(path, text);
    if (!s) std::fprintf(stderr, "%s\n", s.error().message.c_str());
    return s.ok();
  }

  // The host's resolv.conf without loopback nameservers, as kubepp's sandbox writes it.
  static std::string resolv_conf() {
    std::istringstream in(kubepp::read_file("/etc/resolv.conf"));
    std::string out;
    for (std::string line; std::getline(in, line);) {
      if (line.rfind("nameserver 127.", 0) != 0 && line.rfind("nameserver ::1", 0) != 0) out += line + "\n";
    }
    return out;
  }

  // The container's root: an overlay of the image's layers with an upper dir of its own,
  // mounted on the host, as containerd's overlayfs snapshotter does.
  bool overlay(int n, const char* name, const std::vector<fs::path>& layers) const {
    const fs::path dir = pod_dir(n) / name;
    std::error_code ec;
    for (const char* sub : {"rootfs", "upper", "work"}) fs::create_directories(dir / sub, ec);
    std::string lowers;
    for (const fs::path& layer : layers) lowers += (lowers.empty() ? "" : ":") + layer.string();
    const std::string options = "lowerdir=" + lowers + ",upperdir=" + (dir / "upper").string() +
                                ",workdir=" + (dir / "work").string();
    if (ec || ::mount("overlay", (dir / "rootfs").c_str(), "overlay", 0, options.c_str()) != 0) {
      return failed(n, "mount overlay", dir.string() + ": " + (ec ? ec.message() : std::strerror(errno)));
    }
    return true;
  }

  json config(int n, const char* name, const std::vector<std::string>& args) const {
    json c = base_;
    c["process"]["args"] = args;
    c["root"] = {{"path", pod_dir(n) / name / "rootfs"}, {"readonly", false}};
    for (const char* file : {"hosts", "hostname", "resolv.conf"}) {
      c["mounts"].push_back({{"destination", std::string("/etc/") + file},
                             {"type", "bind"},
                             {"source", pod_dir(n) / file},
                             {"options", {"rbind", "rw"}}});
    }
    c["linux"]["cgroupsPath"] = "/" + s_.cgroup_parent + "/pod" + std::to_string(n) + "/" + name;
    return c;
  }

  bool run(const std::vector<std::string>& argv) const {
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    const int err = ::memfd_create("crun-stderr", MFD_CLOEXEC);
    const pid_t pid = ::fork();
    if (pid == 0) {
      const int null = ::open("/dev/null", O_RDWR);
      ::dup2(null, 0);
      ::dup2(null, 1);
      ::dup2(err >= 0 ? err : null, 2);
      if (::unshare(CLONE_NEWNS) != 0 || ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
          (unified_ && ::umount2("/sys/fs/cgroup/unified", 0) != 0)) {
        ::_exit(125);
      }
      ::execvp(args[0], args.data());
      ::_exit(127);
    }
    int status = 0;
    const bool ok = pid > 0 && ::waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
    if (!ok && err >= 0) {
      std::string text;
      char buf[4096];
      for (ssize_t got; (got = ::pread(err, buf, sizeof buf, static_cast<off_t>(text.size()))) > 0;) {
        text.append(buf, static_cast<size_t>(got));
      }
      std::string command;
      for (const std::string& a : argv) command += (command.empty() ? "" : " ") + a;
      std::fprintf(stderr, "`%s`: wait status %#x: %s", command.c_str(), status, text.c_str());
      if (text.empty() || text.back() != '\n') std::fprintf(stderr, "\n");
    }
    if (err >= 0) ::close(err);
    return ok;
  }

  CrunPodSetup s_;
  bool unified_ = false;  ///< /sys/fs/cgroup/unified is a mount point: crun needs it gone
  json base_;             ///< `runc spec`'s config.json made like kubepp's containers
};

}  // namespace kubepp::bench

// One bundle, three runtimes: `kubepp runtime run`, `crun run` and `runc run` each run the
// probe on the same root filesystem and the same config.json, and the probe's reports are
// compared field by field. runc is the reference: kubepp must report what runc's container
// reports, and crun is the check on the comparison itself — where crun and runc differ
// legitimately, view() normalises it, with the reason beside it, and where kubepp does as
// crun does the comparison is still with runc.
//
// crun refuses this machine's hybrid cgroup layout (DESIGN.md, "Facts measured"), so every
// runtime runs in a private mount namespace without the cgroup2 mount at
// /sys/fs/cgroup/unified — kubepp and runc too, so that all three see the same host. The
// host's own mounts never change.
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "tests/support/containers.h"
#include "tests/support/leak_check.h"
#include "tests/support/temp_dir.h"

namespace fs = std::filesystem;
using kubepp::testing::CommandResult;
using kubepp::testing::kubepp_binary;
using kubepp::testing::probe_rootfs;
using kubepp::testing::run_command;
using kubepp::testing::TempDir;
using nlohmann::json;

namespace {

// `unshare -m` makes the new namespace's mounts private, so the umount stays in it. On a
// v2-only machine there is no /sys/fs/cgroup/unified and nothing to unmount.
const std::vector<std::string> kWithoutUnified = {
    "unshare", "-m", "sh", "-c",
    "if [ -d /sys/fs/cgroup/unified ]; then umount /sys/fs/cgroup/unified || exit 125; fi; exec \"$@\"", "sh"};

// One runtime under test: its command line, a --root of its own, and a container id that
// starts with "kubepp-" (so the leak check watches its cgroups).
struct Engine {
  std::string name;                  // "kubepp", "crun", "runc"
  std::vector<std::string> program;  // argv before --root
  TempDir root{"xrt-root"};

  std::string id() const { return "kubepp-xrt-" + name; }
  CommandResult operator()(const std::vector<std::string>& args) const {
    std::vector<std::string> argv = kWithoutUnified;
    argv.insert(argv.end(), program.begin(), program.end());
    argv.insert(argv.end(), {"--root", root.path().string()});
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv);
  }
};

// Fails (not skips) when a peer runtime is not installed.
void require_installed(const std::string& program) {
  CommandResult version = run_command({program, "--version"});
  INFO(program << " --version: " << version.err);
  if (version.status != 0) FAIL(program << " is missing: scripts/setup installs it (apt-get install " << program << ")");
}

// The bundle: a copy of the probe image and ONE config.json — `kubepp runtime spec`'s
// default with settings worth comparing.
struct Bundle {
  TempDir dir{"xrt-bundle"};
  json config;

  Bundle() {
    fs::copy(probe_rootfs(), dir / "rootfs", fs::copy_options::recursive | fs::copy_options::copy_symlinks);
    // The root is read-only, so the extra mount's mount point exists beforehand: no runtime
    // has to create it (and the first one to run would create it for the others).
    fs::create_directory(dir / "rootfs" / "scratch");
    CommandResult spec = run_command({kubepp_binary(), "runtime", "spec", "-b", dir.path()});
    INFO(spec.err);
    REQUIRE(spec.status == 0);
    config = json::parse(std::ifstream(dir / "config.json"));
    config["process"]["terminal"] = false;
    config["process"]["noNewPrivileges"] = true;
    config["process"]["rlimits"] = {{{"type", "RLIMIT_NOFILE"}, {"hard", 1024}, {"soft", 512}}};
    config["hostname"] = "xrt";
    config["root"]["readonly"] = true;
    config["linux"]["resources"]["memory"] = {{"limit", 64 << 20}};
    config["linux"]["resources"]["pids"] = {{"limit", 32}};
    config["mounts"].push_back(
        {{"destination", "/scratch"}, {"type", "tmpfs"}, {"source", "tmpfs"}, {"options", {"nosuid", "nodev", "size=1m"}}});
  }

  // Runs `args` in the bundle under `engine`. The one line that differs between the three
  // runs is linux.cgroupsPath: runc's default puts the cgroup under the caller's own cgroup
  // in each hierarchy (here memory:/<the test's cgroup>/<id>), crun's at /<id>; an absolute
  // path puts all three at /kubepp-xrt-<runtime> in every hierarchy, where the leak check
  // and view() find them.
  CommandResult run(const Engine& engine, const std::vector<std::string>& args) {
    config["process"]["args"] = args;
    config["linux"]["cgroupsPath"] = "/" + engine.id();
    std::ofstream(dir / "config.json") << config.dump(2);
    CommandResult r = engine({"run", "--bundle", dir.path().string(), engine.id()});
    (void)engine({"delete", "--force", engine.id()});  // in case run left it behind; run deletes it
    return r;
  }
};

// "dest fstype source flags [options]": the per-mount flags a process is bound by
// (ro, nosuid, nodev, noexec; relatime and the like are not compared) and the superblock
// options a config.json can set (size=, mode=, gid=, ptmxmode=).
std::string mount_line(const json& m) {
  std::string flags;
  std::istringstream options(m["options"].get<std::string>());
  for (std::string o; std::getline(options, o, ',');) {
    if (o == "ro" || o == "nosuid" || o == "nodev" || o == "noexec") flags += (flags.empty() ? "" : ",") + o;
  }
  std::string super;
  std::istringstream super_options(m["super_options"].get<std::string>());
  for (std::string o; std::getline(super_options, o, ',');) {
    for (const char* kept : {"size=", "mode=", "gid=", "ptmxmode="}) {
      if (o.starts_with(kept)) super += (super.empty() ? "" : ",") + o;
    }
  }
  return m["mount_point"].get<std::string>() + " " + m["fstype"].get<std::string>() + " " +
         m["source"].get<std::string>() + " " + (flags.empty() ? "rw" : flags) + (super.empty() ? "" : " [" + super + "]");
}

json mounts_view(const json& mounts, const json& config) {
  std::set<std::string> masked;
  for (const json& p : config["linux"]["maskedPaths"]) masked.insert(p.get<std::string>());
  std::vector<std::pair<std::string, std::string>> lines;  // (mount point, line)
  for (const json& m : mounts) {
    const std::string point = m["mount_point"];
    std::string line = mount_line(m);
    if (masked.count(point) != 0) {
      // A masked file is a bind of /dev/null: runc binds the container's own /dev/null (on
      // its /dev tmpfs: "tmpfs rw,nosuid"), crun the host's (devtmpfs, read-only). A masked
      // directory is an empty read-only tmpfs. What the process can read there is the point,
      // and the shell run below reads it; here only that a mount covers the path counts.
      line = point + " masked";
    } else if (point == "/sys/fs/cgroup" && m["fstype"] == "tmpfs") {
      // The tmpfs holding the v1 hierarchies is the runtime's own invention (config.json
      // asks for one "cgroup" mount): runc names it "tmpfs" with mode=755, crun names it
      // after the config's source ("cgroup") with size=1024k. The kernel ignores the name.
      json named = m;
      named["source"] = "tmpfs";
      named["super_options"] = "";
      line = mount_line(named);
    } else if (m["fstype"] == "cgroup" || m["fstype"] == "cgroup2") {
      // A cgroup mount's source is a name too: runc writes "cgroup" ("systemd" for the
      // name=systemd hierarchy), crun the host's path of the hierarchy.
      json named = m;
      named["source"] = "cgroup";
      line = mount_line(named);
    }
    lines.emplace_back(point, line);
  }
  // Sorted by mount point: crun mounts the v1 hierarchies in /proc/self/cgroup's order and
  // masks paths before it makes readonlyPaths read-only; runc does both the other way round.
  // The order is not observable except between mounts stacked on one point, and the stable
  // sort keeps that.
  std::stable_sort(lines.begin(), lines.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
  json out = json::array();
  for (const auto& [point, line] : lines) out.push_back(line);
  return out;
}

// The probe's report reduced to what must agree between runtimes, one JSON value per field.
// What names this run's objects (namespace inodes, descriptors' targets, the cgroup's name)
// is replaced by what it means.
json view(const json& report, const json& config, const std::string& cgroup, int exit_code) {
  json v;
  v["exit code"] = exit_code;
  for (const char* key : {"pid", "ppid", "uid", "gid", "euid", "egid", "groups", "umask", "hostname", "cwd",
                          "root_entries", "capabilities", "no_new_privs", "seccomp", "rlimits", "env", "interfaces",
                          "processes", "actions"}) {
    v[key] = report[key];
  }
  // Namespaces: new, or the host's (the test process's own).
  json ns = json::object();
  for (const auto& [name, target] : report["namespaces"].items()) {
    char host[256] = {};
    ssize_t n = ::readlink(("/proc/self/ns/" + name).c_str(), host, sizeof host - 1);
    ns[name] = n > 0 && target == std::string(host, static_cast<size_t>(n)) ? "host's" : "new";
  }
  v["namespaces"] = ns;
  v["mounts"] = mounts_view(report["mounts"], config);
  // Descriptors: which are open, not what they are. crun and kubepp hand the caller's stdin,
  // stdout and stderr to the process; runc's `run` in the foreground without a terminal
  // gives it pipes of its own and copies between them and its stdio.
  json fds = json::array();
  for (const json& fd : report["fds"]) fds.push_back(fd["fd"]);
  v["fds"] = fds;
  // /proc/self/cgroup: in the spec's cgroup namespace every line reads "/"; without one, each
  // shows this runtime's own cgroupsPath (Bundle::run).
  json cgroups = json::array();
  for (const json& line : report["cgroups"]) {
    std::string l = line;
    if (size_t at = l.find(cgroup); at != std::string::npos) l.replace(at, cgroup.size(), "<cgroupsPath>");
    cgroups.push_back(l);
  }
  v["/proc/self/cgroup"] = cgroups;
  return v;
}

// A value as the failure message shows it: arrays one element a line.
std::string show(const json& value) {
  if (!value.is_array()) return value.dump();
  std::string out;
  for (const json& e : value) out += "\n  " + (e.is_string() ? e.get<std::string>() : e.dump());
  return out;
}

// What the probe cannot report, read by a shell in the same container: the cgroup limits as
// the container sees them (v1: its own cgroup bound at each hierarchy's mount point; v2: at
// /sys/fs/cgroup), the masked paths (this kernel has no /proc/kcore: /proc/timer_list is
// the file that reads non-empty on the host), and whether readonlyPaths are read-only
// (writing the container's own hostname back to the UTS-namespaced /proc/sys entry).
constexpr const char* kInsideScript = R"sh(
first() { for f in "$@"; do [ -r "$f" ] && { cat "$f"; return; }; done; echo unreadable; }
echo "memory limit: $(first /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/memory.max)"
echo "pids limit: $(first /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/pids.max)"
for f in /proc/kcore /proc/keys /proc/timer_list; do
  if [ -e $f ]; then echo "$f: $(cat $f 2>/dev/null | wc -c) bytes"; else echo "$f: absent"; fi
done
for d in /proc/acpi /sys/firmware; do echo "$d: $(ls -A $d 2>/dev/null | wc -l) entries"; done
(echo xrt > /proc/sys/kernel/hostname) 2>/dev/null && echo "/proc/sys: writable" || echo "/proc/sys: read-only"
touch /x 2>/dev/null && echo "/: writable" || echo "/: read-only"
exit 5
)sh";

}  // namespace

ROOT_TEST_CASE("kubepp runtime, crun and runc run one bundle alike: the probe sees the same container",
               "[root][oci][cross_runtime]") {
  require_installed("crun");
  require_installed("runc");
  Engine kubepp{"kubepp", {kubepp_binary(), "runtime"}};
  Engine crun{"crun", {"crun"}};
  Engine runc{"runc", {"runc"}};
  Bundle bundle;

  std::map<std::string, json> views;        // runtime → view of the probe's report
  std::map<std::string, std::string> shell; // runtime → what the shell printed, and its exit code
  for (const Engine* e : {&runc, &crun, &kubepp}) {
    CommandResult probe = bundle.run(*e, {"/usr/bin/probe", "--touch", "/x", "--touch", "/scratch/x", "--exit", "3"});
    INFO(e->name << " run: exit " << probe.status << "\nstdout: " << probe.out << "\nstderr: " << probe.err);
    json report = json::parse(probe.out, nullptr, false);
    CHECK_FALSE(report.is_discarded());
    if (!report.is_discarded()) views[e->name] = view(report, bundle.config, "/" + e->id(), probe.status);
    CommandResult sh = bundle.run(*e, {"sh", "-c", kInsideScript});
    shell[e->name] = sh.out + "exit code: " + std::to_string(sh.status) + (sh.err.empty() ? "" : "\nstderr: " + sh.err);
  }
  REQUIRE(views.count("runc") == 1);

  // The settings took effect at all (in the reference): agreement alone would not show it.
  const json& ref = views["runc"];
  CHECK(ref["exit code"] == 3);
  CHECK(ref["hostname"] == "xrt");
  CHECK(ref["no_new_privs"] == 1);
  CHECK(ref["rlimits"]["nofile"] == json({512, 1024}));
  CHECK(ref["actions"][0]["errno"] == "EROFS");
  CHECK(ref["actions"][1]["ok"] == true);
  CHECK_THAT(shell["runc"], Catch::Contains("memory limit: 67108864\npids limit: 32\n"));
  CHECK_THAT(shell["runc"], Catch::Contains("/proc/timer_list: 0 bytes"));
  CHECK_THAT(shell["runc"], Catch::Contains("exit code: 5"));

  for (const std::string name : {"crun", "kubepp"}) {
    if (views.count(name) == 0) continue;
    for (const auto& [field, expected] : ref.items()) {
      INFO(name << " vs runc, field `" << field << "`");
      CHECK(show(views[name][field]) == show(expected));
    }
    INFO(name << " vs runc, what a shell in the container reads");
    CHECK(shell[name] == shell["runc"]);
  }
}

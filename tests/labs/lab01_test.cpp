// Lab 01 — containers: the namespaces of `run`, the order of the mounts (part 1) and
// the cgroup settings of resource limits (part 2).
//
// The student writes runtime/namespaces.cpp:namespace_flags,
// runtime/rootfs.cpp:setup_rootfs and runtime/cgroups.cpp:cgroup_v1_settings (see
// labs/01-containers/README.md). These tests start real containers with the probe
// inside and check what it sees, and what the kernel was told.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "runtime/base/files.h"
#include "runtime/cgroups.h"
#include "runtime/container.h"
#include "runtime/namespaces.h"
#include "tests/support/containers.h"
#include "tests/support/leak_check.h"

using namespace kubepp::runtime;
using kubepp::testing::find_mount;
using kubepp::testing::run_captured;
using kubepp::testing::run_probe;
using kubepp::testing::shell;
using kubepp::testing::TempRoot;

namespace {

std::string host_ns(const char* name) {
  return std::filesystem::read_symlink(std::string("/proc/self/ns/") + name).string();
}

std::string host_hostname() {
  char buf[256] = {};
  ::gethostname(buf, sizeof buf - 1);
  return buf;
}


std::string output_of(const std::string& script, const TempRoot& root) {
  auto run = run_captured(shell(script), root.dirs());
  if (!run) FAIL("the container did not start: " << run.error().message);
  INFO("stderr: " << run.value().err);
  CHECK(run.value().status.code == 0);
  return run.value().out;
}

}  // namespace

// ---- namespace flags ------------------------------------------------------------------

TEST_CASE("namespace_flags asks for a new mount, uts, ipc, pid, network and cgroup namespace",
          "[lab01][flags]") {
  const int all = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP;
  SECTION("by default") { CHECK(describe_namespace_flags(namespace_flags({})) == describe_namespace_flags(all)); }
  SECTION("no user namespace: kubepp's containers run as the host's root") {
    CHECK((namespace_flags({}) & CLONE_NEWUSER) == 0);
  }
  SECTION("each host option keeps exactly its namespace") {
    NamespaceOptions net, pid, ipc, uts;
    net.host_network = pid.host_pid = ipc.host_ipc = uts.host_uts = true;
    CHECK(namespace_flags(net) == (all & ~CLONE_NEWNET));
    CHECK(namespace_flags(pid) == (all & ~CLONE_NEWPID));
    CHECK(namespace_flags(ipc) == (all & ~CLONE_NEWIPC));
    CHECK(namespace_flags(uts) == (all & ~CLONE_NEWUTS));
  }
}

// ---- isolation seen from inside -------------------------------------------------------

ROOT_TEST_CASE("the container is pid 1 and sees only its own processes", "[root][lab01][namespaces]") {
  TempRoot root;
  auto report = run_probe(ContainerConfig{}, root.dirs());
  CHECK(report["pid"] == 1);
  CHECK(report["ppid"] == 0);
  CHECK(report["processes"] == nlohmann::json::array({1}));
}

ROOT_TEST_CASE("the container has its own hostname and the host keeps its own", "[root][lab01][namespaces]") {
  TempRoot root;
  const std::string before = host_hostname();
  ContainerConfig config;
  config.hostname = "lab01-box";
  auto report = run_probe(config, root.dirs());
  CHECK(report["hostname"] == "lab01-box");
  CHECK(host_hostname() == before);
}

ROOT_TEST_CASE("the container's network namespace holds only lo, and lo is up", "[root][lab01][namespaces]") {
  TempRoot root;
  auto report = run_probe(ContainerConfig{}, root.dirs());
  CHECK(report["interfaces"] == nlohmann::json::array({"lo"}));
  // IFF_UP|IFF_LOOPBACK: 0x9 when up, 0x8 when down.
  CHECK(output_of("cat /sys/class/net/lo/flags", root) == "0x9\n");
}

ROOT_TEST_CASE("every namespace but user and time differs from the host's", "[root][lab01][namespaces]") {
  TempRoot root;
  auto report = run_probe(ContainerConfig{}, root.dirs());
  for (const char* name : {"mnt", "uts", "ipc", "pid", "net", "cgroup"}) {
    INFO(name);
    CHECK(report["namespaces"][name] != host_ns(name));
  }
  for (const char* name : {"user", "time"}) {
    INFO(name);
    CHECK(report["namespaces"][name] == host_ns(name));
  }
}

ROOT_TEST_CASE("with host networking the container shares the host's network and nothing else", "[root][lab01][namespaces]") {
  TempRoot root;
  ContainerConfig config;
  config.namespaces.host_network = true;
  auto report = run_probe(config, root.dirs());
  CHECK(report["namespaces"]["net"] == host_ns("net"));
  CHECK(report["namespaces"]["pid"] != host_ns("pid"));
  CHECK(report["namespaces"]["mnt"] != host_ns("mnt"));
}

// ---- the root filesystem ----------------------------------------------------------------

ROOT_TEST_CASE("the root is an overlay of the image", "[root][lab01][rootfs]") {
  TempRoot root;
  auto report = run_probe(ContainerConfig{}, root.dirs());
  auto slash = find_mount(report, "/");
  REQUIRE_FALSE(slash.is_null());
  CHECK(slash["fstype"] == "overlay");
  CHECK_THAT(slash["super_options"].get<std::string>(),
             Catch::Contains("lowerdir=" + kubepp::testing::probe_rootfs().string()));
  CHECK_THAT(report["root_entries"].get<std::vector<std::string>>(), Catch::VectorContains(std::string("bin")));
}

ROOT_TEST_CASE("/proc, /sys and /dev are the container's own", "[root][lab01][rootfs]") {
  TempRoot root;
  auto report = run_probe(ContainerConfig{}, root.dirs(), {"--touch", "/sys/kernel/x"});
  SECTION("/proc is a procfs of the container's pid namespace") {
    CHECK(find_mount(report, "/proc")["fstype"] == "proc");
  }
  SECTION("/sys is sysfs, read-only") {
    auto sys = find_mount(report, "/sys");
    CHECK(sys["fstype"] == "sysfs");
    CHECK_THAT(sys["options"].get<std::string>(), Catch::StartsWith("ro"));
    CHECK(report["actions"][0]["errno"] == "EROFS");
  }
  SECTION("/dev is a tmpfs with a private devpts, /dev/shm and /dev/mqueue") {
    CHECK(find_mount(report, "/dev")["fstype"] == "tmpfs");
    CHECK(find_mount(report, "/dev/pts")["fstype"] == "devpts");
    CHECK(find_mount(report, "/dev/shm")["fstype"] == "tmpfs");
    CHECK(find_mount(report, "/dev/mqueue")["fstype"] == "mqueue");
  }
}

ROOT_TEST_CASE("/dev holds only the minimal devices", "[root][lab01][rootfs]") {
  TempRoot root;
  std::string listing = output_of("ls /dev", root);
  std::set<std::string> names;
  std::istringstream in(listing);
  for (std::string name; in >> name;) names.insert(name);
  CHECK(names == std::set<std::string>{"full", "fd", "mqueue", "null", "ptmx", "pts", "random", "shm", "stderr",
                                       "stdin", "stdout", "tty", "urandom", "zero"});
  CHECK(output_of("echo hi > /dev/null && head -c 4 /dev/zero | wc -c", root) == "4\n");
}

ROOT_TEST_CASE("nothing of the host's filesystem stays mounted inside", "[root][lab01][rootfs]") {
  TempRoot root;
  auto report = run_probe(ContainerConfig{}, root.dirs());
  const std::set<std::string> expected = {"/",          "/proc",      "/sys",           "/dev",
                                          "/dev/pts",   "/dev/shm",   "/dev/mqueue",    "/etc/hosts",
                                          "/etc/hostname", "/etc/resolv.conf"};
  for (const auto& mount : report["mounts"]) {
    INFO(mount.dump());
    const std::string point = mount["mount_point"];
    // Below /proc and /sys: the runtime's masked and read-only paths (hardening).
    const bool mask = point.starts_with("/proc/") || point.starts_with("/sys/");
    CHECK((expected.contains(point) || mask));
  }
}

ROOT_TEST_CASE("the old root is out of reach, even for a chroot escape", "[root][lab01][rootfs]") {
  TempRoot root;
  auto report = run_probe(ContainerConfig{}, root.dirs(), {"--chroot-escape", "/tmp/escape"});
  auto escaped = report["actions"][0]["root_entries"];
  INFO("the escape ended in a root holding " << escaped.dump());
  CHECK(escaped == report["root_entries"]);
}

ROOT_TEST_CASE("the container's mounts do not propagate to the host", "[root][lab01][rootfs]") {
  TempRoot root;
  ContainerConfig config = shell("sleep 30");
  config.id = "propagation";
  auto container = Container::create(config, root.dirs());
  REQUIRE(container.ok());
  REQUIRE(container.value().start().ok());
  // start() returns after the exec, so every mount of the container is made by now.
  std::ifstream mountinfo("/proc/self/mountinfo");
  std::string table((std::istreambuf_iterator<char>(mountinfo)), std::istreambuf_iterator<char>());
  CHECK_THAT(table, !Catch::Contains(root.dirs().container_lib("propagation").string()));
  CHECK_THAT(table, !Catch::Contains(" - overlay "));
  CHECK_THAT(table, !Catch::Contains("ptmxmode=666"));
}

// ---- part 2: resource limits as cgroup settings ------------------------------------------

TEST_CASE("cgroup_v1_settings turns limits into memory, cpu and pids files", "[lab01][cgroups]") {
  ResourceLimits limits;
  limits.memory_bytes = 64 << 20;
  limits.cpu_limit_millis = 500;
  limits.cpu_request_millis = 250;
  limits.pids_max = 64;
  CHECK(cgroup_v1_settings(limits) == std::vector<CgroupSetting>{
                                          {"memory", "memory.limit_in_bytes", "67108864"},
                                          {"cpu", "cpu.shares", "256"},
                                          {"cpu", "cpu.cfs_period_us", "100000"},
                                          {"cpu", "cpu.cfs_quota_us", "50000"},
                                          {"pids", "pids.max", "64"},
                                      });
}

TEST_CASE("cgroup_v1_settings follows Kubernetes at the edges", "[lab01][cgroups]") {
  SECTION("no limits: only cpu.shares, at the kernel's least, 2") {
    CHECK(cgroup_v1_settings({}) == std::vector<CgroupSetting>{{"cpu", "cpu.shares", "2"}});
  }
  SECTION("a tiny request still gets 2 shares; one CPU is 1024") {
    CHECK(cgroup_v1_settings({0, 0, 1, 0}) == std::vector<CgroupSetting>{{"cpu", "cpu.shares", "2"}});
    CHECK(cgroup_v1_settings({0, 0, 1000, 0}) == std::vector<CgroupSetting>{{"cpu", "cpu.shares", "1024"}});
  }
  SECTION("a tiny limit still gets a quota of 1 ms per 100 ms period") {
    auto settings = cgroup_v1_settings({0, 5, 0, 0});
    REQUIRE(settings.size() == 3);
    CHECK(settings[2] == CgroupSetting{"cpu", "cpu.cfs_quota_us", "1000"});
  }
}

ROOT_TEST_CASE("a container's limits reach the kernel", "[root][lab01][cgroups]") {
  TempRoot root;
  ContainerConfig config = shell("sleep 30");
  config.id = "limited";
  config.resources.memory_bytes = 48 << 20;
  config.resources.cpu_limit_millis = config.resources.cpu_request_millis = 300;
  config.resources.pids_max = 20;
  auto container = Container::create(config, root.dirs());
  REQUIRE(container.ok());
  REQUIRE(container.value().start().ok());
  const std::string cgroup = root.dirs().container_cgroup("limited");
  const std::filesystem::path v1 = "/sys/fs/cgroup";
  REQUIRE(std::filesystem::exists(v1 / "memory"));  // this lab's machines have cgroup v1 hierarchies
  CHECK(kubepp::read_file(v1 / "memory" / cgroup / "memory.limit_in_bytes") == "50331648\n");
  CHECK(kubepp::read_file(v1 / "cpu" / cgroup / "cpu.cfs_quota_us") == "30000\n");
  CHECK(kubepp::read_file(v1 / "cpu" / cgroup / "cpu.shares") == "307\n");
  CHECK(kubepp::read_file(v1 / "pids" / cgroup / "pids.max") == "20\n");
}

ROOT_TEST_CASE("a container over its memory limit is OOMKilled", "[root][lab01][cgroups]") {
  TempRoot root;
  ContainerConfig config = shell("dd if=/dev/zero of=/dev/null bs=64M count=1");
  config.resources.memory_bytes = 32 << 20;
  auto run = run_captured(config, root.dirs());
  REQUIRE(run.ok());
  CHECK(run.value().status.reason == "OOMKilled");
  CHECK(run.value().status.shell_code() == 137);
}

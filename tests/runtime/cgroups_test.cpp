// cgroups without root: the v2 settings, and the v2 driver over a fake cgroupfs tree
// (this machine is a v1/v2 hybrid and cannot boot v2-only; the tree stands in for it).
#include "runtime/cgroups.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "runtime/base/files.h"

using namespace kubepp;
using namespace kubepp::runtime;
namespace fs = std::filesystem;

namespace {

// A directory under /tmp that looks like a cgroup2 mount: files the kernel would
// provide are created by the test.
struct FakeCgroupTree {
  fs::path root = fs::temp_directory_path() / ("kubepp-fake-cgroup2-" + std::to_string(::getpid()));
  FakeCgroupTree() { fs::create_directories(root); }
  ~FakeCgroupTree() { fs::remove_all(root); }
  void put(const fs::path& file, const std::string& text) const {
    fs::create_directories((root / file).parent_path());
    std::ofstream(root / file) << text;
  }
};

}  // namespace

TEST_CASE("v2 settings: memory.max, cpu.max, cpu.weight and pids.max", "[unit][cgroups]") {
  SECTION("every limit") {
    ResourceLimits limits{64 << 20, 500, 250, 64};
    CHECK(cgroup_v2_settings(limits) == std::vector<CgroupSetting>{
                                            {"memory", "memory.max", "67108864"},
                                            {"cpu", "cpu.weight", "10"},
                                            {"cpu", "cpu.max", "50000 100000"},
                                            {"pids", "pids.max", "64"},
                                        });
  }
  SECTION("no limits: only the least weight") {
    CHECK(cgroup_v2_settings({}) == std::vector<CgroupSetting>{{"cpu", "cpu.weight", "1"}});
  }
  SECTION("a tiny CPU limit still gets the 1 ms least quota") {
    CHECK(cgroup_v2_settings({0, 1, 0, 0}).back() == CgroupSetting{"cpu", "cpu.max", "1000 100000"});
  }
  SECTION("a request of one CPU weighs as Kubernetes converts 1024 shares") {
    CHECK(cgroup_v2_settings({0, 0, 1000, 0}).front() == CgroupSetting{"cpu", "cpu.weight", "39"});
  }
}

TEST_CASE("the v2 driver writes limits and enables controllers in every ancestor", "[unit][cgroups]") {
  FakeCgroupTree tree;
  auto driver = make_cgroup_v2_driver(tree.root);
  CHECK(std::string(driver->version()) == "v2");
  REQUIRE(driver->create("kubepp/abc", {32 << 20, 200, 0, 10}).ok());
  CHECK(read_file(tree.root / "cgroup.subtree_control") == "+cpu +memory +pids");
  CHECK(read_file(tree.root / "kubepp/cgroup.subtree_control") == "+cpu +memory +pids");
  CHECK_FALSE(fs::exists(tree.root / "kubepp/abc/cgroup.subtree_control"));  // a leaf holds processes
  CHECK(read_file(tree.root / "kubepp/abc/memory.max") == "33554432");
  CHECK(read_file(tree.root / "kubepp/abc/cpu.max") == "20000 100000");
  CHECK(read_file(tree.root / "kubepp/abc/pids.max") == "10");

  REQUIRE(driver->attach("kubepp/abc", 4242).ok());
  CHECK(read_file(tree.root / "kubepp/abc/cgroup.procs") == "4242");
}

TEST_CASE("the v2 driver reads usage from the kernel's counters", "[unit][cgroups]") {
  FakeCgroupTree tree;
  auto driver = make_cgroup_v2_driver(tree.root);
  SECTION("a missing cgroup is NotFound") { CHECK(driver->usage("kubepp/none").error().code == ErrorCode::NotFound); }
  SECTION("counters") {
    tree.put("kubepp/abc/memory.current", "50000000\n");
    tree.put("kubepp/abc/memory.stat", "anon 1000\ninactive_file 8000000\nactive_file 2000\n");
    tree.put("kubepp/abc/cpu.stat", "usage_usec 1500\nuser_usec 1000\nsystem_usec 500\n");
    tree.put("kubepp/abc/memory.events", "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n");
    tree.put("kubepp/abc/cgroup.procs", "");
    auto usage = driver->usage("kubepp/abc");
    REQUIRE(usage.ok());
    CHECK(usage.value().memory_working_set == 42000000);
    CHECK(usage.value().cpu_usage_nanos == 1500000);
    CHECK(usage.value().oom_kills == 1);
    CHECK(usage.value().pids == 0);
  }
}

TEST_CASE("the v2 driver removes an empty cgroup, and keeps its parent", "[unit][cgroups]") {
  FakeCgroupTree tree;
  auto driver = make_cgroup_v2_driver(tree.root);
  fs::create_directories(tree.root / "kubepp/abc");
  tree.put("kubepp/abc/cgroup.procs", "");
  // A real cgroupfs removes its files with the directory; the fake tree needs help.
  fs::remove(tree.root / "kubepp/abc/cgroup.procs");
  REQUIRE(driver->destroy("kubepp/abc").ok());
  CHECK_FALSE(fs::exists(tree.root / "kubepp/abc"));
  CHECK(fs::exists(tree.root / "kubepp"));
  CHECK(driver->destroy("kubepp/abc").ok());  // already gone is fine
}

TEST_CASE("counter files are read by key", "[unit][cgroups]") {
  const std::string oom_control = "oom_kill_disable 0\nunder_oom 0\noom_kill 2\n";
  CHECK(counter_value(oom_control, "oom_kill") == 2);
  CHECK(counter_value(oom_control, "under_oom") == 0);
  CHECK(counter_value(oom_control, "absent") == 0);
  CHECK(parse_pids("12\n13\n") == std::vector<pid_t>{12, 13});
  CHECK(parse_pids("").empty());
}

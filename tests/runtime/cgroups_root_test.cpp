// cgroups on the real kernel: limits hold, counters count, reasons are right, and no
// cgroup outlives its container.
#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "runtime/container.h"
#include "tests/support/containers.h"
#include "tests/support/leak_check.h"

using namespace kubepp;
using namespace kubepp::runtime;
using kubepp::testing::run_captured;
using kubepp::testing::TempRoot;

namespace {

ContainerConfig shell(const std::string& script, ResourceLimits limits = {}) {
  ContainerConfig config = kubepp::testing::shell(script);
  config.resources = limits;
  return config;
}

void sleep_ms(int ms) { std::this_thread::sleep_for(std::chrono::milliseconds(ms)); }

}  // namespace

ROOT_TEST_CASE("a memory hog over its limit is OOMKilled with 137", "[root][cgroups]") {
  TempRoot root;
  ResourceLimits limits;
  limits.memory_bytes = 32 << 20;
  // dd's 64 MiB block buffer is touched as it reads: more than the container may have.
  auto run = run_captured(shell("dd if=/dev/zero of=/dev/null bs=64M count=1", limits), root.dirs());
  REQUIRE(run.ok());
  CHECK(run.value().status.shell_code() == 137);
  CHECK(run.value().status.reason == "OOMKilled");
}

ROOT_TEST_CASE("a SIGKILL from outside is an Error, not an OOM kill", "[root][cgroups]") {
  TempRoot root;
  ResourceLimits limits;
  limits.memory_bytes = 32 << 20;
  auto c = Container::create(shell("sleep 30", limits), root.dirs());
  REQUIRE(c.ok());
  REQUIRE(c.value().start().ok());
  REQUIRE(c.value().kill(SIGKILL).ok());
  auto status = c.value().wait();
  REQUIRE(status.ok());
  CHECK(status.value().shell_code() == 137);
  CHECK(status.value().reason == "Error");
}

ROOT_TEST_CASE("exit reasons: Completed and Error", "[root][cgroups]") {
  TempRoot root;
  CHECK(run_captured(shell("true"), root.dirs()).value().status.reason == "Completed");
  CHECK(run_captured(shell("exit 2"), root.dirs()).value().status.reason == "Error");
}

ROOT_TEST_CASE("a fork bomb stops at pids.max and the host stays responsive", "[root][cgroups]") {
  TempRoot root;
  ResourceLimits limits;
  limits.pids_max = 32;
  // The bomb forks until the kernel says no; ash gives up at the first failed fork,
  // so it runs in a subshell, and the container's pid 1 then becomes a sleep (exec
  // needs no new process) that keeps the bomb's children alive to be counted.
  auto c = Container::create(shell("(while :; do sleep 30 & done) 2>/tmp/bomb.err; cat /tmp/bomb.err >&2; exec sleep 30",
                                   limits),
                             root.dirs());
  REQUIRE(c.ok());
  REQUIRE(c.value().start().ok());
  int64_t most = 0;
  for (int i = 0; i < 40; ++i) {
    sleep_ms(25);
    auto usage = c.value().usage();
    REQUIRE(usage.ok());
    most = std::max(most, usage.value().pids);
  }
  CHECK(most <= 32);  // never more than the limit
  CHECK(most >= 30);  // and the bomb did reach it
  // The host can still fork, quickly.
  auto start = std::chrono::steady_clock::now();
  auto host = kubepp::testing::run_command({"true"});
  CHECK(host.status == 0);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(1));
  REQUIRE(c.value().kill(SIGKILL).ok());
  REQUIRE(c.value().wait().ok());
}

ROOT_TEST_CASE("a CPU quota throttles a busy loop to its share", "[root][cgroups]") {
  TempRoot root;
  ResourceLimits limits;
  limits.cpu_limit_millis = limits.cpu_request_millis = 200;
  auto c = Container::create(shell("while :; do :; done", limits), root.dirs());
  REQUIRE(c.ok());
  REQUIRE(c.value().start().ok());
  sleep_ms(200);
  const int64_t before = c.value().usage().value().cpu_usage_nanos;
  const auto t0 = std::chrono::steady_clock::now();
  sleep_ms(1000);
  const int64_t used = c.value().usage().value().cpu_usage_nanos - before;
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  const double share = static_cast<double>(used) / 1e9 / seconds;
  INFO("the busy loop used " << share << " CPUs under a 0.2 CPU quota");
  CHECK(share > 0.12);
  CHECK(share < 0.3);
  REQUIRE(c.value().kill(SIGKILL).ok());
  REQUIRE(c.value().wait().ok());
}

ROOT_TEST_CASE("usage counts a container's memory", "[root][cgroups]") {
  TempRoot root;
  ResourceLimits limits;
  limits.memory_bytes = 64 << 20;
  // 16 MiB in a tmpfs (/dev/shm) is charged to the container's memory.
  auto c = Container::create(shell("head -c 16777216 /dev/zero > /dev/shm/fill; touch /tmp/ready; sleep 30", limits),
                             root.dirs());
  REQUIRE(c.ok());
  REQUIRE(c.value().start().ok());
  int64_t working_set = 0;
  for (int i = 0; i < 100 && working_set < (16 << 20); ++i) {
    sleep_ms(20);
    working_set = c.value().usage().value().memory_working_set;
  }
  CHECK(working_set >= (16 << 20));
  CHECK(working_set < (64 << 20));
  REQUIRE(c.value().kill(SIGKILL).ok());
  REQUIRE(c.value().wait().ok());
  CHECK(c.value().usage().error().code == ErrorCode::NotFound);  // the cgroup went with it
}

ROOT_TEST_CASE("the container sees its own cgroup as the root of its cgroup namespace", "[root][cgroups]") {
  TempRoot root;
  auto run = run_captured(shell("cat /proc/self/cgroup"), root.dirs());
  REQUIRE(run.ok());
  INFO(run.value().out);
  CHECK_THAT(run.value().out, Catch::Contains(":memory:/\n"));
  CHECK_THAT(run.value().out, Catch::Contains(":pids:/\n"));
  CHECK_THAT(run.value().out, !Catch::Contains("kubepp"));
}

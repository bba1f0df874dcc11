// The container monitor, through the commands a user types: run -d, ps, logs, stop,
// rm, exec — and what survives when kubepp processes (or the monitor) go away.
#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <functional>
#include <thread>

#include "runtime/base/files.h"

#include "runtime/state.h"
#include "tests/support/containers.h"
#include "tests/support/leak_check.h"

using namespace kubepp::runtime;
using kubepp::testing::run_command;
using kubepp::testing::run_kubepp;
using kubepp::testing::TempRoot;

namespace {

double seconds_of(const std::function<void()>& f) {
  auto start = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

}  // namespace

ROOT_TEST_CASE("run -d returns at once; ps, logs and the record show the container", "[root][monitor]") {
  TempRoot root;
  auto run = run_kubepp(root, {"run", "-d", "--name", "talker", "busybox", "--", "sh", "-c",
                           "echo out; echo err >&2; exec sleep 30"});
  REQUIRE(run.status == 0);
  CHECK(run.out == "talker\n");
  auto state = read_state(root.dirs(), "talker");
  REQUIRE(state.ok());
  CHECK(state.value().phase == ContainerPhase::Running);
  CHECK(still_running(state.value()));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  auto ps = run_kubepp(root, {"ps"});
  CHECK_THAT(ps.out, Catch::Contains("talker") && Catch::Contains("Up "));
  // The log is CRI's format, and `kubepp logs` splits it back into the two streams.
  auto log = kubepp::read_file(state.value().log_path);
  CHECK_THAT(log, Catch::Matches(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z stdout F out\n[\s\S]*)"));
  CHECK_THAT(log, Catch::Contains(" stderr F err\n"));
  auto logs = run_kubepp(root, {"logs", "talker"});
  CHECK(logs.out == "out\n");
  CHECK(logs.err == "err\n");
  CHECK(run_kubepp(root, {"rm", "-f", "talker"}).status == 0);
  CHECK_FALSE(read_state(root.dirs(), "talker").ok());
  kubepp::testing::reap_children();
}

ROOT_TEST_CASE("logs and status outlive the kubepp that started the container", "[root][monitor]") {
  TempRoot root;
  REQUIRE(run_kubepp(root, {"run", "-d", "--name", "short", "busybox", "--", "sh", "-c", "echo one; echo two; exit 4"})
              .status == 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto state = read_state(root.dirs(), "short");
  REQUIRE(state.ok());
  CHECK(state.value().phase == ContainerPhase::Exited);
  CHECK(state.value().exit_code == 4);
  CHECK(state.value().reason == "Error");
  CHECK(run_kubepp(root, {"logs", "short"}).out == "one\ntwo\n");
  CHECK_THAT(run_kubepp(root, {"ps"}).out, Catch::Contains("Exited (4)"));
  CHECK(run_kubepp(root, {"rm", "short"}).status == 0);
  kubepp::testing::reap_children();
}

ROOT_TEST_CASE("logs -f follows a container until it exits", "[root][monitor]") {
  TempRoot root;
  REQUIRE(run_kubepp(root, {"run", "-d", "--name", "slow", "busybox", "--", "sh", "-c",
                    "for i in 1 2 3; do echo line $i; sleep 0.3; done"})
              .status == 0);
  double took = seconds_of([&] { CHECK(run_kubepp(root, {"logs", "-f", "slow"}).out == "line 1\nline 2\nline 3\n"); });
  CHECK(took >= 0.5);  // it waited for the lines still to come
  CHECK(run_kubepp(root, {"rm", "slow"}).status == 0);
  kubepp::testing::reap_children();
}

ROOT_TEST_CASE("a container whose monitor is killed keeps its recorded status and can be stopped",
               "[root][monitor]") {
  TempRoot root;
  REQUIRE(run_kubepp(root, {"run", "-d", "--name", "orphan", "busybox", "--", "sleep", "30"}).status == 0);
  auto state = read_state(root.dirs(), "orphan");
  REQUIRE(state.ok());
  REQUIRE(::kill(state.value().monitor_pid, SIGKILL) == 0);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  kubepp::testing::reap_children();
  auto after = read_state(root.dirs(), "orphan");
  REQUIRE(after.ok());
  CHECK(after.value().phase == ContainerPhase::Running);
  CHECK(still_running(after.value()));
  CHECK_THAT(run_kubepp(root, {"ps"}).out, Catch::Contains("Up "));
  CHECK(run_kubepp(root, {"stop", "-t", "1", "orphan"}).status == 0);
  CHECK_FALSE(still_running(read_state(root.dirs(), "orphan").value()));
  CHECK_THAT(run_kubepp(root, {"ps"}).out, Catch::Contains("its monitor died"));
  CHECK(run_kubepp(root, {"rm", "orphan"}).status == 0);
  kubepp::testing::reap_children();
}

ROOT_TEST_CASE("stop honours the grace period", "[root][monitor]") {
  TempRoot root;
  SECTION("a container that exits on SIGTERM exits cleanly, within the grace") {
    REQUIRE(run_kubepp(root, {"run", "-d", "--name", "polite", "busybox", "--", "sh", "-c",
                          "trap 'sleep 1; exit 0' TERM; while :; do sleep 0.1; done"})
                .status == 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    double took = seconds_of([&] { CHECK(run_kubepp(root, {"stop", "-t", "5", "polite"}).status == 0); });
    CHECK(took >= 0.9);
    CHECK(took < 4);
    auto state = read_state(root.dirs(), "polite").value();
    CHECK(state.exit_code == 0);
    CHECK(state.signal == 0);
    CHECK(state.reason == "Completed");
    CHECK(run_kubepp(root, {"rm", "polite"}).status == 0);
  }
  SECTION("a container that ignores SIGTERM is killed when the grace runs out") {
    REQUIRE(run_kubepp(root, {"run", "-d", "--name", "deaf", "busybox", "--", "sleep", "30"}).status == 0);
    double took = seconds_of([&] { CHECK(run_kubepp(root, {"stop", "-t", "1", "deaf"}).status == 0); });
    CHECK(took >= 0.9);
    CHECK(took < 3);
    auto state = read_state(root.dirs(), "deaf").value();
    CHECK(state.signal == SIGKILL);
    CHECK(state.reason == "Error");
    CHECK(run_kubepp(root, {"rm", "deaf"}).status == 0);
  }
  kubepp::testing::reap_children();
}

ROOT_TEST_CASE("rm refuses a running container unless forced", "[root][monitor]") {
  TempRoot root;
  REQUIRE(run_kubepp(root, {"run", "-d", "--name", "busy", "busybox", "--", "sleep", "30"}).status == 0);
  auto refused = run_kubepp(root, {"rm", "busy"});
  CHECK(refused.status == 1);
  CHECK_THAT(refused.err, Catch::Contains("is running"));
  CHECK(run_kubepp(root, {"rm", "-f", "busy"}).status == 0);
  CHECK(run_kubepp(root, {"ps", "-q"}).out.empty());
  kubepp::testing::reap_children();
}

ROOT_TEST_CASE("exec joins the container: its pids, hostname, cgroup and limits", "[root][monitor]") {
  TempRoot root;
  REQUIRE(run_kubepp(root, {"run", "-d", "--name", "host1", "--hostname", "inside", "--pids", "16", "busybox", "--",
                        "sleep", "30"})
              .status == 0);
  auto ps = run_kubepp(root, {"exec", "host1", "ps", "-o", "pid,comm"});
  CHECK(ps.status == 0);
  CHECK_THAT(ps.out, Catch::Contains("    1 sleep"));
  auto who = run_kubepp(root, {"exec", "host1", "sh", "-c", "hostname; grep -E 'CapEff|Seccomp:' /proc/self/status"});
  CHECK_THAT(who.out, Catch::StartsWith("inside\n"));
  CHECK_THAT(who.out, Catch::Contains("00000000a80425fb"));
  CHECK_THAT(who.out, Catch::Contains("Seccomp:\t2"));
  CHECK(run_kubepp(root, {"exec", "host1", "sh", "-c", "exit 5"}).status == 5);
  auto tty = run_kubepp(root, {"exec", "-t", "host1", "sh", "-c", "[ -t 0 ] && [ -t 1 ] && echo on-a-terminal"});
  CHECK(tty.status == 0);
  CHECK_THAT(tty.out, Catch::Contains("on-a-terminal"));
  CHECK(run_kubepp(root, {"exec", "host1", "no-such-command"}).status == 127);
  CHECK(run_kubepp(root, {"exec", "nobody-here", "true"}).status == 125);
  CHECK(run_kubepp(root, {"rm", "-f", "host1"}).status == 0);
  kubepp::testing::reap_children();
}

// Lab 02 — a pod's containers join their sandbox's namespaces.
//
// The student writes runtime/namespaces.cpp:join_namespaces (see labs/02-pods/README.md).
// The tests start a "sandbox" container (a shell that sleeps, with namespaces of its
// own), then a container of the probe image that joins some of them, and compare what
// the probe sees from inside with what the sandbox has. join_namespaces is also
// called on its own, in a forked child, for the edge cases.
#include <fcntl.h>
#include <sched.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "runtime/container.h"
#include "runtime/namespaces.h"
#include "tests/support/containers.h"
#include "tests/support/leak_check.h"

using namespace kubepp::runtime;
using kubepp::Status;
using kubepp::testing::run_probe;
using kubepp::testing::shell;
using kubepp::testing::TempRoot;

namespace {

std::string ns_of(pid_t pid, const char* name) {
  return std::filesystem::read_symlink("/proc/" + std::to_string(pid) + "/ns/" + name).string();
}

std::string ns_path(pid_t pid, const char* name) { return "/proc/" + std::to_string(pid) + "/ns/" + name; }

// A sleeping container with namespaces of its own and the hostname `my-pod`: what a
// pod's pause container is to its other containers.
Container start_sandbox(const TempRoot& root) {
  ContainerConfig config = shell("sleep 60");
  config.hostname = "my-pod";
  auto sandbox = Container::create(config, root.dirs());
  REQUIRE(sandbox.ok());
  Status started = sandbox.value().start();
  INFO((started.ok() ? "" : started.error().message));
  REQUIRE(started.ok());
  return std::move(sandbox.value());
}

// Runs join_namespaces(join) in a forked child and returns what the child found:
// "ok net:[…]" (the namespace `link` of /proc/self/ns it ended in) or
// "error <message> | net:[…]" (where it was left).
std::string join_in_child(const std::vector<NamespacePath>& join, const char* link = "net") {
  int fds[2];
  REQUIRE(::pipe(fds) == 0);
  pid_t child = ::fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    ::close(fds[0]);
    // Our own /proc/PID/ns, opened now: after joining a mount namespace, paths under
    // /proc would be looked up in the sandbox's /proc, where this process has no entry.
    const int ns_dir = ::open("/proc/self/ns", O_PATH | O_DIRECTORY | O_CLOEXEC);
    std::string result;
    try {
      Status s = join_namespaces(join);
      char target[128] = {};
      if (::readlinkat(ns_dir, link, target, sizeof target - 1) < 0) {
        result = std::string("error readlink /proc/self/ns/") + link;
      } else if (!s.ok()) {
        result = "error " + s.error().message + " | " + target;
      } else {
        result = "ok " + std::string(target);
      }
    } catch (const std::exception& e) {
      result = std::string("error (threw) ") + e.what();
    }
    (void)!::write(fds[1], result.data(), result.size());
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string out;
  char buf[512];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) out.append(buf, static_cast<size_t>(n));
  ::close(fds[0]);
  ::waitpid(child, nullptr, 0);
  return out;
}

}  // namespace

ROOT_TEST_CASE("a pod's container shares the sandbox's network, IPC and UTS namespaces",
               "[root][lab02][join]") {
  TempRoot root;
  Container sandbox = start_sandbox(root);
  const pid_t pid = sandbox.pid();
  ContainerConfig app;
  app.namespaces.join = {{CLONE_NEWNET, ns_path(pid, "net")},
                         {CLONE_NEWIPC, ns_path(pid, "ipc")},
                         {CLONE_NEWUTS, ns_path(pid, "uts")}};
  auto report = run_probe(app, root.dirs());
  SECTION("the joined ones are the sandbox's") {
    CHECK(report["namespaces"]["net"] == ns_of(pid, "net"));
    CHECK(report["namespaces"]["ipc"] == ns_of(pid, "ipc"));
    CHECK(report["namespaces"]["uts"] == ns_of(pid, "uts"));
  }
  SECTION("the pod's hostname comes with its UTS namespace") { CHECK(report["hostname"] == "my-pod"); }
  SECTION("the mount and PID namespaces stay the container's own") {
    CHECK(report["namespaces"]["mnt"] != ns_of(pid, "mnt"));
    CHECK(report["namespaces"]["pid"] != ns_of(pid, "pid"));
    CHECK(report["pid"] == 1);
  }
}

ROOT_TEST_CASE("with shareProcessNamespace the container is born in the sandbox's PID namespace",
               "[root][lab02][join]") {
  TempRoot root;
  Container sandbox = start_sandbox(root);
  const pid_t pid = sandbox.pid();
  ContainerConfig app;
  app.namespaces.join = {{CLONE_NEWNET, ns_path(pid, "net")}, {CLONE_NEWPID, ns_path(pid, "pid")}};
  auto report = run_probe(app, root.dirs());
  CHECK(report["namespaces"]["pid"] == ns_of(pid, "pid"));
  // The sandbox's shell is pid 1 there; the probe is another process beside it.
  CHECK(report["pid"] != 1);
  CHECK(report["processes"].size() >= 2);
}

ROOT_TEST_CASE("every namespace file is opened before the first setns, so the mount namespace may come first in the list",
               "[root][lab02][join]") {
  TempRoot root;
  Container sandbox = start_sandbox(root);
  const pid_t pid = sandbox.pid();
  // After setns into the sandbox's mount namespace, "/proc/PID/…" would be looked up in
  // the sandbox's own /proc, where PID means nothing.
  const std::string result = join_in_child({{CLONE_NEWNS, ns_path(pid, "mnt")}, {CLONE_NEWNET, ns_path(pid, "net")}});
  CHECK(result == "ok " + ns_of(pid, "net"));
}

ROOT_TEST_CASE("a namespace file of the wrong kind is refused, naming the path", "[root][lab02][join]") {
  TempRoot root;
  Container sandbox = start_sandbox(root);
  const std::string ipc = ns_path(sandbox.pid(), "ipc");
  const std::string result = join_in_child({{CLONE_NEWNET, ipc}});
  CHECK_THAT(result, Catch::StartsWith("error "));
  CHECK_THAT(result, Catch::Contains(ipc));
}

ROOT_TEST_CASE("a missing namespace file fails before any namespace is entered", "[root][lab02][join]") {
  TempRoot root;
  Container sandbox = start_sandbox(root);
  // The network namespace comes before the mount namespace in the order of entry: a
  // function that opened each file only when it got to it would have entered the
  // sandbox's network already when it found the second file missing.
  const std::string result =
      join_in_child({{CLONE_NEWNET, ns_path(sandbox.pid(), "net")}, {CLONE_NEWNS, "/run/netns/kubepp-no-such"}});
  CHECK_THAT(result, Catch::StartsWith("error "));
  CHECK_THAT(result, Catch::Contains("/run/netns/kubepp-no-such"));
  CHECK_THAT(result, Catch::EndsWith(" | " + ns_of(::getpid(), "net")));  // still ours
}

ROOT_TEST_CASE("a PID namespace is entered for the children to come", "[root][lab02][join]") {
  TempRoot root;
  Container sandbox = start_sandbox(root);
  const pid_t pid = sandbox.pid();
  // setns(CLONE_NEWPID) leaves the caller where it is and changes pid_for_children.
  CHECK(join_in_child({{CLONE_NEWPID, ns_path(pid, "pid")}}, "pid_for_children") == "ok " + ns_of(pid, "pid"));
  CHECK(join_in_child({{CLONE_NEWPID, ns_path(pid, "pid")}}, "pid") == "ok " + ns_of(::getpid(), "pid"));
}

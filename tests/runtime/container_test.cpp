// The runtime's own tests: what a container runs with and what it leaves behind.
// (Isolation itself — namespaces and the root filesystem — is lab 01's, in
// tests/labs/lab01_test.cpp.)
#include "runtime/container.h"

#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <fstream>

#include "tests/support/containers.h"
#include "tests/support/leak_check.h"

using namespace kubepp;
using namespace kubepp::runtime;
using kubepp::testing::run_captured;
using kubepp::testing::run_probe;
using kubepp::testing::shell;
using kubepp::testing::TempRoot;

ROOT_TEST_CASE("the command's exit status passes through", "[root][container]") {
  TempRoot root;
  SECTION("an exit code") {
    auto run = run_captured(shell("exit 3"), root.dirs());
    REQUIRE(run.ok());
    CHECK(run.value().status.code == 3);
    CHECK(run.value().status.signal == 0);
  }
  SECTION("a signal") {
    // Only an ancestor can kill a pid namespace's init (the kernel drops SIGKILL the
    // container sends itself), so the signal comes from outside, as `kubepp stop` will.
    ContainerConfig config = shell("sleep 30");
    config.id = "victim";
    auto c = Container::create(config, root.dirs());
    REQUIRE(c.ok());
    REQUIRE(c.value().start().ok());
    REQUIRE(c.value().kill(SIGKILL).ok());
    auto status = c.value().wait();
    REQUIRE(status.ok());
    CHECK(status.value().signal == SIGKILL);
    CHECK(status.value().shell_code() == 128 + SIGKILL);
    CHECK(status.value().describe() == "killed by signal 9 (SIGKILL)");
  }
}

ROOT_TEST_CASE("args, env and working directory reach the process", "[root][container]") {
  TempRoot root;
  ContainerConfig config;
  config.id = "envtest";
  config.env = {"GREETING=hello world", "HOME=/tmp"};
  config.working_dir = "/tmp";
  auto report = run_probe(config, root.dirs());
  auto env = report["env"].get<std::vector<std::string>>();
  CHECK_THAT(env, Catch::VectorContains(std::string("GREETING=hello world")));
  CHECK_THAT(env, Catch::VectorContains(std::string("HOME=/tmp")));  // overrides the default
  CHECK_THAT(env, Catch::VectorContains(std::string("HOSTNAME=envtest")));
  CHECK_THAT(env, Catch::VectorContains(std::string("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")));
  CHECK(report["cwd"] == "/tmp");
  CHECK(report["hostname"] == "envtest");
}

ROOT_TEST_CASE("the program starts with only stdin, stdout and stderr open", "[root][container]") {
  TempRoot root;
  auto report = run_probe(ContainerConfig{}, root.dirs());
  for (const auto& fd : report["fds"]) {
    INFO(fd.dump());
    CHECK(fd["fd"].get<int>() <= 2);
  }
}

ROOT_TEST_CASE("a start that fails reports the step and leaves nothing behind", "[root][container]") {
  TempRoot root;
  SECTION("a command that does not exist") {
    ContainerConfig config = shell("");
    config.args = {"no-such-command"};
    auto missing = run_captured(config, root.dirs());
    REQUIRE_FALSE(missing.ok());
    CHECK_THAT(missing.error().message, Catch::EndsWith("exec `no-such-command`: ENOENT"));
    CHECK(missing.error().code == ErrorCode::NotFound);
  }
  SECTION("a working directory that does not exist") {
    ContainerConfig config = shell("true");
    config.working_dir = "/no/such/dir";
    auto run = run_captured(config, root.dirs());
    REQUIRE_FALSE(run.ok());
    CHECK_THAT(run.error().message, Catch::EndsWith("chdir `/no/such/dir`: ENOENT"));
  }
  CHECK(std::filesystem::is_empty(root.dirs().lib / "containers"));
  CHECK(std::filesystem::is_empty(root.dirs().run / "containers"));
}

ROOT_TEST_CASE("invalid configurations are refused before anything is made", "[root][container]") {
  TempRoot root;
  ContainerConfig config = shell("true");
  SECTION("a bad id") {
    config.id = "Bad/Name";
    auto c = Container::create(config, root.dirs());
    REQUIRE_FALSE(c.ok());
    CHECK(c.error().code == ErrorCode::Invalid);
    CHECK_THAT(c.error().message, Catch::StartsWith("container id `Bad/Name`"));
  }
  SECTION("a missing root filesystem") {
    config.layers = {"/no/such/rootfs"};
    auto c = Container::create(config, root.dirs());
    REQUIRE_FALSE(c.ok());
    CHECK(c.error().code == ErrorCode::NotFound);
  }
  SECTION("a duplicate id") {
    config.id = "twin";
    auto first = Container::create(config, root.dirs());
    REQUIRE(first.ok());
    auto second = Container::create(config, root.dirs());
    REQUIRE_FALSE(second.ok());
    CHECK(second.error().code == ErrorCode::AlreadyExists);
  }
  CHECK_FALSE(std::filesystem::exists(root.dirs().container_lib("Bad/Name")));
}

ROOT_TEST_CASE("host networking keeps the host's network namespace", "[root][container]") {
  TempRoot root;
  ContainerConfig config;
  config.namespaces.host_network = true;
  auto report = run_probe(config, root.dirs());
  CHECK(report["namespaces"]["net"] == std::filesystem::read_symlink("/proc/self/ns/net").string());
  CHECK(report["namespaces"]["pid"] != std::filesystem::read_symlink("/proc/self/ns/pid").string());
}

ROOT_TEST_CASE("/etc/hosts, /etc/hostname and /etc/resolv.conf are the container's own", "[root][container]") {
  TempRoot root;
  ContainerConfig config = shell("cat /etc/hostname /etc/hosts; grep -c 'nameserver 127' /etc/resolv.conf");
  config.hostname = "web-1";
  auto run = run_captured(config, root.dirs());
  REQUIRE(run.ok());
  INFO(run.value().out << run.value().err);
  CHECK_THAT(run.value().out, Catch::StartsWith("web-1\n"));
  CHECK_THAT(run.value().out, Catch::Contains("127.0.0.1\tlocalhost"));
  CHECK_THAT(run.value().out, Catch::Contains("127.0.1.1\tweb-1"));
  CHECK_THAT(run.value().out, Catch::EndsWith("0\n"));  // no loopback nameserver of the host
}

ROOT_TEST_CASE("a Container handle kills its process and removes its state", "[root][container]") {
  TempRoot root;
  pid_t pid = 0;
  {
    ContainerConfig config = shell("sleep 60");
    config.id = "sleeper";
    auto c = Container::create(config, root.dirs());
    REQUIRE(c.ok());
    REQUIRE(c.value().start().ok());
    pid = c.value().pid();
    CHECK(::kill(pid, 0) == 0);
    CHECK(std::filesystem::exists(root.dirs().container_lib("sleeper") / "upper"));
  }
  CHECK(::kill(pid, 0) != 0);
  CHECK_FALSE(std::filesystem::exists(root.dirs().container_lib("sleeper")));
  CHECK_FALSE(std::filesystem::exists(root.dirs().container_run("sleeper")));
}

ROOT_TEST_CASE("writes go to the container's upper layer, never to the image", "[root][container]") {
  TempRoot root;
  ContainerConfig config = shell("echo hi > /etc/motd && cat /etc/motd && ls /etc/motd");
  config.id = "writer";
  auto c = Container::create(config, root.dirs());
  REQUIRE(c.ok());
  REQUIRE(c.value().start().ok());
  REQUIRE(c.value().wait().ok());
  CHECK(std::filesystem::exists(root.dirs().container_lib("writer") / "upper" / "etc" / "motd"));
  std::ifstream image_motd(kubepp::testing::probe_rootfs() / "etc" / "motd");
  std::string line;
  std::getline(image_motd, line);
  CHECK(line == "kubepp busybox image");
}

// Hardening, observed from inside with the probe: Docker's capabilities, its seccomp
// profile, masked and read-only paths, the device allow-list — and the escapes that
// hand-written runtimes reopen, each attempted and refused.
#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "runtime/container.h"
#include "runtime/security.h"
#include "tests/support/containers.h"
#include "tests/support/leak_check.h"

using namespace kubepp;
using namespace kubepp::runtime;
using kubepp::testing::run_captured;
using kubepp::testing::run_probe;
using kubepp::testing::shell;
using kubepp::testing::TempRoot;
namespace fs = std::filesystem;

namespace {

nlohmann::json syscall_result(const nlohmann::json& report, const std::string& name) {
  for (const auto& action : report["actions"]) {
    if (action.value("syscall", "") == name) return action;
  }
  return nullptr;
}

}  // namespace

ROOT_TEST_CASE("a container has Docker's 14 capabilities and nothing inheritable", "[root][hardening]") {
  TempRoot root;
  auto report = run_probe(ContainerConfig{}, root.dirs());
  CHECK(report["capabilities"]["effective"] == "00000000a80425fb");
  CHECK(report["capabilities"]["permitted"] == "00000000a80425fb");
  CHECK(report["capabilities"]["bounding"] == "00000000a80425fb");
  CHECK(report["capabilities"]["inheritable"] == "0000000000000000");
  CHECK(report["capabilities"]["ambient"] == "0000000000000000");
  CHECK(report["no_new_privs"] == 0);
}

ROOT_TEST_CASE("capabilities can be added and dropped, and unknown ones are refused", "[root][hardening]") {
  TempRoot root;
  SECTION("drop ALL, add NET_BIND_SERVICE") {
    ContainerConfig config;
    config.security.cap_drop = {"ALL"};
    config.security.cap_add = {"net_bind_service"};
    auto report = run_probe(config, root.dirs());
    CHECK(report["capabilities"]["effective"] == "0000000000000400");
  }
  SECTION("a missing capability is felt: lo cannot be set down without NET_ADMIN") {
    auto run = run_captured(shell("ip link set lo down"), root.dirs());
    REQUIRE(run.ok());
    CHECK(run.value().status.code != 0);
    CHECK_THAT(run.value().err, Catch::Contains("Operation not permitted"));
  }
  SECTION("an unknown name") {
    ContainerConfig config = shell("true");
    config.security.cap_add = {"CAP_FLY"};
    auto c = Container::create(config, root.dirs());
    REQUIRE_FALSE(c.ok());
    CHECK(c.error().code == ErrorCode::Invalid);
    CHECK_THAT(c.error().message, Catch::Contains("CAP_FLY"));
    CHECK_FALSE(fs::exists(root.dirs().lib / "containers"));  // nothing half-created
  }
}

ROOT_TEST_CASE("the seccomp filter is on and blocks what Docker's profile blocks", "[root][hardening]") {
  TempRoot root;
  auto report = run_probe(ContainerConfig{}, root.dirs(),
                          {"--syscall", "keyctl", "--syscall", "add_key", "--syscall", "open_by_handle_at",
                           "--syscall", "clone3", "--syscall", "unshare", "--syscall", "kexec_load", "--syscall",
                           "bpf"});
  CHECK(report["seccomp"] == 2);
  for (const char* blocked : {"keyctl", "add_key", "open_by_handle_at", "unshare", "kexec_load", "bpf"}) {
    INFO(blocked);
    CHECK(syscall_result(report, blocked)["errno"] == "EPERM");
  }
  CHECK(syscall_result(report, "clone3")["errno"] == "ENOSYS");  // so glibc falls back to clone
}

ROOT_TEST_CASE("masked paths read empty and read-only paths refuse writes", "[root][hardening]") {
  TempRoot root;
  // (/proc/sysrq-trigger, also read-only, is absent on kernels without magic SysRq.)
  auto report = run_probe(ContainerConfig{}, root.dirs(), {"--touch", "/proc/sys/kernel/hostname", "--touch",
                                                           "/proc/sys/vm/overcommit_memory"});
  CHECK(report["actions"][0]["errno"] == "EROFS");
  CHECK(report["actions"][1]["errno"] == "EROFS");
  CHECK(kubepp::testing::find_mount(report, "/proc/keys")["source"] != "proc");  // masked
  auto run = run_captured(shell("for f in /proc/keys /proc/timer_list /proc/sched_debug /proc/kcore; do "
                                "[ -e $f ] && wc -c < $f; done; ls /sys/firmware | wc -l"),
                          root.dirs());
  REQUIRE(run.ok());
  INFO(run.value().out << run.value().err);
  for (char c : run.value().out) CHECK((c == '0' || c == '\n'));  // every count is 0
}

ROOT_TEST_CASE("a disk node made with CAP_MKNOD cannot be opened", "[root][hardening]") {
  TempRoot root;
  auto run = run_captured(shell("mknod /tmp/sda b 8 0 && head -c 1 /tmp/sda"), root.dirs());
  REQUIRE(run.ok());
  CHECK(run.value().status.code != 0);
  CHECK_THAT(run.value().err, Catch::Contains("Operation not permitted"));
}

ROOT_TEST_CASE("a privileged container has it all lifted", "[root][hardening]") {
  TempRoot root;
  ContainerConfig config;
  config.security.privileged = true;
  auto report = run_probe(config, root.dirs(), {"--syscall", "keyctl"});
  CHECK(report["seccomp"] == 0);
  CHECK(report["capabilities"]["effective"] != "00000000a80425fb");
  CHECK(syscall_result(report, "keyctl")["errno"] != "EPERM");
  auto masked = kubepp::testing::find_mount(report, "/proc/keys");
  CHECK(masked.is_null());
}

ROOT_TEST_CASE("a user runs as given: numbers as they are, names from the image", "[root][hardening]") {
  TempRoot root;
  SECTION("numeric") {
    ContainerConfig config;
    config.security.user = "1000:1000";
    auto report = run_probe(config, root.dirs());
    CHECK(report["uid"] == 1000);
    CHECK(report["gid"] == 1000);
    CHECK(report["capabilities"]["effective"] == "0000000000000000");
  }
  SECTION("a name in the image's /etc/passwd") {
    ContainerConfig config;
    config.security.user = "nobody";
    auto report = run_probe(config, root.dirs());
    CHECK(report["uid"] == 65534);
  }
  SECTION("a name the image does not know") {
    ContainerConfig config = shell("true");
    config.security.user = "mallory";
    auto c = Container::create(config, root.dirs());
    REQUIRE_FALSE(c.ok());
    CHECK_THAT(c.error().message, Catch::Contains("mallory"));
  }
  SECTION("no_new_privs on request") {
    ContainerConfig config;
    config.security.no_new_privs = true;
    CHECK(run_probe(config, root.dirs())["no_new_privs"] == 1);
  }
}

// ---- escapes ----------------------------------------------------------------------------

ROOT_TEST_CASE("CVE-2024-21626: a leaked descriptor neither reaches the container nor serves as its cwd",
               "[root][hardening][escape]") {
  TempRoot root;
  // A descriptor of a host directory, open without close-on-exec, as runc leaked one.
  int leaked = ::open("/", O_RDONLY | O_DIRECTORY);
  REQUIRE(leaked >= 0);
  SECTION("it is not open in the container") {
    auto report = run_probe(ContainerConfig{}, root.dirs());
    for (const auto& fd : report["fds"]) CHECK(fd["fd"].get<int>() <= 2);
  }
  SECTION("a working directory through it is refused") {
    ContainerConfig config = shell("ls");
    config.working_dir = "/proc/self/fd/" + std::to_string(leaked);
    auto run = run_captured(config, root.dirs());
    REQUIRE_FALSE(run.ok());
    CHECK_THAT(run.error().message, Catch::Contains("is outside the container's root"));
  }
  ::close(leaked);
}

ROOT_TEST_CASE("CVE-2022-0492: no cgroupfs can be mounted to reach release_agent", "[root][hardening][escape]") {
  TempRoot root;
  auto report = run_probe(ContainerConfig{}, root.dirs(), {"--syscall", "mount"});
  CHECK(syscall_result(report, "mount")["errno"] == "EPERM");
  auto run = run_captured(shell("mkdir /tmp/cg && mount -t cgroup -o rdma cgroup /tmp/cg"), root.dirs());
  REQUIRE(run.ok());
  CHECK(run.value().status.code != 0);
}

ROOT_TEST_CASE("CVE-2021-30465: a symlink in the image cannot steer a mount out of the root",
               "[root][hardening][escape]") {
  TempRoot root;
  // An image whose /etc is a symlink to a directory of the host: the runtime's
  // /etc/hosts must not be created, or mounted, there.
  const fs::path victim = root.path() / "victim";
  const fs::path image = root.path() / "image";
  fs::create_directories(victim);
  fs::create_directories(image / "bin");
  fs::copy_file(kubepp::testing::probe_rootfs() / "bin/busybox", image / "bin/busybox");
  fs::create_symlink("busybox", image / "bin/sh");
  fs::create_symlink(victim, image / "etc");
  ContainerConfig config = shell("true");
  config.layers = {image};
  auto run = run_captured(config, root.dirs());
  CHECK(fs::is_empty(victim));  // nothing created on the host
  if (!run.ok()) CHECK_THAT(run.error().message, Catch::Contains("ENOENT"));
}

ROOT_TEST_CASE("CVE-2019-5736: a joining kubepp cannot be opened from inside through /proc/PID/exe",
               "[root][hardening][escape]") {
  TempRoot root;
  // The container watches for processes whose exe it can resolve to something that is
  // not its own busybox — a kubepp binary joining through `kubepp exec` — while the
  // host execs into it twenty times.
  auto started = kubepp::testing::run_kubepp(
      root, {"run", "-d", "--name", "target",
       kubepp::testing::probe_rootfs(), "--", "sh", "-c",
       "while :; do for p in /proc/[0-9]*; do readlink $p/exe; done 2>/dev/null | grep -v busybox | grep -v probe "
       ">> /tmp/seen; done"});
  REQUIRE(started.status == 0);
  for (int i = 0; i < 20; ++i) {
    auto exec = kubepp::testing::run_kubepp(root, {"exec", "target", "true"});
    CHECK(exec.status == 0);
  }
  auto seen = kubepp::testing::run_kubepp(root, {"exec", "target", "cat", "/tmp/seen"});
  CHECK(seen.out.empty());
  CHECK(kubepp::testing::run_kubepp(root, {"rm", "-f", "target"}).status == 0);
  kubepp::testing::reap_children();
}

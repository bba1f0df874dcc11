// `kubepp run` and `kubepp cleanup` as a user types them: the real binary, a temporary
// --root, exit codes as docker's.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "tests/support/containers.h"
#include "tests/support/leak_check.h"

using kubepp::testing::kubepp_binary;
using kubepp::testing::run_command;
using kubepp::testing::TempRoot;

namespace {

kubepp::testing::CommandResult kubepp_run(const TempRoot& root, std::vector<std::string> args) {
  args.insert(args.begin(), "run");
  return kubepp::testing::run_kubepp(root, args);
}

}  // namespace

ROOT_TEST_CASE("kubepp run passes the exit code through", "[root][cli]") {
  TempRoot root;
  auto run = kubepp_run(root, {"busybox", "--", "sh", "-c", "exit 7"});
  CHECK(run.status == 7);
}

ROOT_TEST_CASE("kubepp run shows the container its own pid 1 and hostname", "[root][cli]") {
  TempRoot root;
  auto run = kubepp_run(root, {"--hostname", "demo", "busybox", "sh", "-c", "echo $$; hostname"});
  INFO(run.err);
  CHECK(run.status == 0);
  CHECK(run.out == "1\ndemo\n");
}

ROOT_TEST_CASE("kubepp run answers errors with docker's exit codes", "[root][cli]") {
  TempRoot root;
  SECTION("125: an unknown image, named in the message") {
    auto run = kubepp_run(root, {"no-such-image"});
    CHECK(run.status == 125);
    CHECK_THAT(run.err, Catch::Contains("image `no-such-image` not found"));
  }
  SECTION("127: a command that does not exist") {
    auto run = kubepp_run(root, {"busybox", "--", "no-such-command"});
    CHECK(run.status == 127);
    CHECK_THAT(run.err, Catch::Contains("exec `no-such-command`: ENOENT"));
  }
  SECTION("125: bad input names the option and the rule") {
    auto cap = kubepp_run(root, {"--cap-add", "FLY", "busybox", "true"});
    CHECK(cap.status == 125);
    CHECK_THAT(cap.err, Catch::Contains("capability `CAP_FLY`: unknown (--cap-add)"));
    auto user = kubepp_run(root, {"--user", "mallory", "busybox", "true"});
    CHECK(user.status == 125);
    CHECK_THAT(user.err, Catch::Contains("user `mallory`: not found"));
    auto memory = kubepp_run(root, {"--memory", "1Mi", "busybox", "true"});
    CHECK(memory.status == 125);
    CHECK_THAT(memory.err, Catch::Contains("--memory `1Mi`: below the least memory limit, 6Mi"));
    auto name = kubepp_run(root, {"--name", "../escape", "busybox", "true"});
    CHECK(name.status == 125);
    CHECK_THAT(name.err, Catch::Contains("container id `../escape`"));
  }
  SECTION("125: an unknown flag") {
    auto run = kubepp_run(root, {"--no-such-flag", "busybox"});
    CHECK(run.status == 125);
    CHECK_THAT(run.err, Catch::Contains("unknown flag: --no-such-flag"));
  }
}

ROOT_TEST_CASE("kubepp cleanup removes what a killed kubepp left running", "[root][cli]") {
  TempRoot root;
  pid_t kubepp = ::fork();
  if (kubepp == 0) {
    std::string bin = kubepp_binary(), dir = root.path();
    ::execl(bin.c_str(), bin.c_str(), "--root", dir.c_str(), "run", "--name", "orphan", "busybox", "--", "sleep",
            "300", nullptr);
    ::_exit(127);
  }
  // Wait for the container's record, then kill kubepp itself: the container lives on.
  auto record = root.dirs().container_run("orphan") / "pid";
  for (int i = 0; i < 200 && !std::filesystem::exists(record); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  REQUIRE(std::filesystem::exists(record));
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ::kill(kubepp, SIGKILL);
  ::waitpid(kubepp, nullptr, 0);
  REQUIRE(std::filesystem::exists(root.dirs().container_lib("orphan")));

  auto cleanup = kubepp::testing::run_kubepp(root, {"cleanup"});
  CHECK(cleanup.status == 0);
  CHECK(cleanup.out == "removed container orphan\n");
  CHECK_FALSE(std::filesystem::exists(root.dirs().container_lib("orphan")));
  CHECK_FALSE(std::filesystem::exists(root.dirs().container_run("orphan")));
  // The orphaned container was reparented to this test (a subreaper): reap it.
  while (::waitpid(-1, nullptr, WNOHANG) > 0) {
  }
}

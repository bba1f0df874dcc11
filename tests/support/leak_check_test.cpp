// Tests of the leak-check fixture itself: it must see one thing of every kind a
// test can leave behind, remove all of them, and stay quiet for a clean test.
// Every test removes what it made through a Cleanup guard, also when it fails.

#include "tests/support/leak_check.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using kubepp::testing::HostSnapshot;
using kubepp::testing::LeakReport;
using kubepp::testing::leaks_between;
using kubepp::testing::remove_leaks;
using kubepp::testing::run_and_remove_leaks;
using kubepp::testing::run_command;
using kubepp::testing::take_snapshot;

const std::string kPid = std::to_string(getpid());

// Removes everything created since `before`, and a temporary directory, on scope exit.
struct Cleanup {
  HostSnapshot before = take_snapshot();
  std::string temp_dir;
  ~Cleanup() {
    remove_leaks(before);
    if (!temp_dir.empty()) rmdir(temp_dir.c_str());
  }
};

bool contains(const std::vector<std::string>& lines, const std::string& line) {
  return std::find(lines.begin(), lines.end(), line) != lines.end();
}

std::string indented(const std::vector<std::string>& lines) {
  std::string out;
  for (const std::string& line : lines) out += "  " + line + "\n";
  return out;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

bool exists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

bool process_gone(pid_t pid) { return kill(pid, 0) != 0 && errno == ESRCH; }

void run(const std::vector<std::string>& argv) {
  auto result = run_command(argv);
  INFO(argv[0] << " " << argv[1] << "...: " << result.err);
  REQUIRE(result.status == 0);
}

std::string make_temp_dir() {
  char path[] = "/tmp/kubepp-leaktest-XXXXXX";
  REQUIRE(mkdtemp(path) != nullptr);
  return path;
}

void mount_tmpfs(const std::string& dir) {
  REQUIRE(mount("kubepp-leaktest", dir.c_str(), "tmpfs", 0, "size=1m") == 0);
}

// A child that renames itself `name`, says so on `ready`, and sleeps until killed.
[[noreturn]] void sleep_as(const char* name, int ready) {
  prctl(PR_SET_NAME, name);
  pid_t self = getpid();
  (void)!write(ready, &self, sizeof self);
  for (;;) pause();
}

pid_t fork_sleeper() {
  int ready[2];
  REQUIRE(pipe(ready) == 0);
  pid_t pid = fork();
  if (pid == 0) sleep_as("kubepp-lt-child", ready[1]);
  pid_t got = -1;
  (void)!read(ready[0], &got, sizeof got);
  close(ready[0]), close(ready[1]);
  return pid;
}

// Double fork: the middle process exits at once, so the sleeper is reparented to
// this process (a child subreaper once a snapshot was taken).
pid_t fork_orphan() {
  int ready[2];
  REQUIRE(pipe(ready) == 0);
  pid_t middle = fork();
  if (middle == 0) {
    if (fork() == 0) sleep_as("kubepp-lt-orph", ready[1]);
    _exit(0);
  }
  waitpid(middle, nullptr, 0);
  pid_t orphan = -1;
  (void)!read(ready[0], &orphan, sizeof orphan);
  close(ready[0]), close(ready[1]);
  return orphan;
}

std::string pids_cgroup_dir() {
  std::string parent = exists("/sys/fs/cgroup/pids/cgroup.procs") ? "/sys/fs/cgroup/pids" : "/sys/fs/cgroup";
  return parent + "/kubepp-leaktest-" + kPid;
}

}  // namespace

ROOT_TEST_CASE("the leak check reports and removes one leak of every kind", "[root][leakcheck]") {
  Cleanup cleanup;
  const HostSnapshot& before = cleanup.before;
  const std::string dir = cleanup.temp_dir = make_temp_dir();
  const std::string cgroup = pids_cgroup_dir(), netns = "kubepp-leaktest-" + kPid;
  const std::string veth = "kubepp-lt" + std::to_string(getpid() % 10000), chain = "KUBEPP-LEAKTEST-" + kPid;

  mount_tmpfs(dir);
  REQUIRE(mkdir(cgroup.c_str(), 0755) == 0);
  run({"ip", "netns", "add", netns});
  run({"ip", "link", "add", veth + "a", "type", "veth", "peer", "name", veth + "b"});
  run({"iptables", "-w", "-N", chain});
  run({"iptables", "-w", "-A", chain, "-j", "RETURN"});
  run({"iptables", "-w", "-A", "FORWARD", "-m", "comment", "--comment", "kubepp leak test", "-j", chain});
  run({"ip", "route", "add", "unreachable", "10.244.255.0/24"});
  pid_t child = fork_sleeper();
  std::ofstream(cgroup + "/cgroup.procs") << child;
  pid_t orphan = fork_orphan();

  std::vector<std::string> leaks = leaks_between(before, take_snapshot());
  INFO("leaks reported:\n" << indented(leaks));
  CHECK(contains(leaks, "mount " + dir + " (tmpfs kubepp-leaktest)"));
  CHECK(contains(leaks, "cgroup " + cgroup));
  CHECK(contains(leaks, "netns " + netns));
  CHECK(contains(leaks, "link " + veth + "a"));
  CHECK(contains(leaks, "link " + veth + "b"));
  CHECK(contains(leaks, "iptables chain filter/" + chain));
  CHECK(contains(leaks, "route unreachable 10.244.255.0/24"));
  CHECK(contains(leaks, "process " + std::to_string(child) + " (kubepp-lt-child)"));
  CHECK(contains(leaks, "process " + std::to_string(orphan) + " (kubepp-lt-orph)"));

  remove_leaks(before);
  std::vector<std::string> left = leaks_between(before, take_snapshot());
  INFO("still there:\n" << indented(left));
  CHECK(left.empty());
  CHECK(read_file("/proc/self/mountinfo").find(" " + dir + " ") == std::string::npos);
  CHECK_FALSE(exists(cgroup));
  CHECK_FALSE(exists("/run/netns/" + netns));
  CHECK_FALSE(exists("/sys/class/net/" + veth + "a"));
  CHECK_FALSE(exists("/sys/class/net/" + veth + "b"));
  CHECK(run_command({"iptables-save"}).out.find(chain) == std::string::npos);
  CHECK(run_command({"ip", "-o", "route", "show", "table", "all"}).out.find("10.244.255.0/24") == std::string::npos);
  CHECK(process_gone(child));
  CHECK(process_gone(orphan));
}

ROOT_TEST_CASE("a body that cleans up after itself reports no leaks", "[root][leakcheck]") {
  Cleanup cleanup;
  const std::string dir = cleanup.temp_dir = make_temp_dir();
  LeakReport report = run_and_remove_leaks([&] {
    mount_tmpfs(dir);
    REQUIRE(umount2(dir.c_str(), 0) == 0);
    pid_t child = fork_sleeper();
    kill(child, SIGKILL);
    waitpid(child, nullptr, 0);
    run({"ip", "netns", "add", "kubepp-leaktest-" + kPid});
    run({"ip", "netns", "delete", "kubepp-leaktest-" + kPid});
  });
  CHECK_FALSE(report.error);
  for (const std::string& line : report.leaks) FAIL_CHECK("unexpected leak: " << line);
}

ROOT_TEST_CASE("a body that throws still has its leaks reported and removed", "[root][leakcheck]") {
  Cleanup cleanup;
  const std::string dir = cleanup.temp_dir = make_temp_dir();
  const std::string netns = "kubepp-leaktest-" + kPid;
  pid_t child = -1;
  LeakReport report = run_and_remove_leaks([&] {
    mount_tmpfs(dir);
    run({"ip", "netns", "add", netns});
    child = fork_sleeper();
    throw std::runtime_error("body failed");
  });
  REQUIRE(report.error);
  CHECK_THROWS_WITH(std::rethrow_exception(report.error), "body failed");
  CHECK(contains(report.leaks, "mount " + dir + " (tmpfs kubepp-leaktest)"));
  CHECK(contains(report.leaks, "netns " + netns));
  CHECK(contains(report.leaks, "process " + std::to_string(child) + " (kubepp-lt-child)"));
  CHECK(leaks_between(cleanup.before, take_snapshot()).empty());
  CHECK(read_file("/proc/self/mountinfo").find(" " + dir + " ") == std::string::npos);
  CHECK_FALSE(exists("/run/netns/" + netns));
  CHECK(process_gone(child));
}

ROOT_TEST_CASE("ROOT_TEST_CASE runs every SECTION, each under its own leak check", "[root][leakcheck]") {
  static std::vector<std::string> sections_run;
  SECTION("first") { sections_run.push_back("first"); }
  SECTION("second") {
    sections_run.push_back("second");
    CHECK(contains(sections_run, "first"));
  }
}

// Run by hand (`build/tests/root_tests "[leakcheck-demo]"`) to see what a leaking test prints: it
// fails with one "left behind:" line per leak, and the leaks are removed.
ROOT_TEST_CASE("a test that leaks fails and names each leak", "[.][leakcheck-demo]") {
  REQUIRE(mkdir(pids_cgroup_dir().c_str(), 0755) == 0);
  run({"ip", "netns", "add", "kubepp-leaktest-" + kPid});
  fork_sleeper();
}

// leak_check — the fixture every `root` test runs under: it proves that a test
// leaves the host as it found it, and cleans up when it does not.
//
// A HostSnapshot records everything a kubepp test may create on the host: mounts
// of this mount namespace, cgroup directories, named network namespaces, network
// links, iptables/ip6tables chains, routes, and this process's child processes
// (the process makes itself a child subreaper, so orphaned grandchildren count
// too). Cgroups count only when a path component starts with "kubepp": other
// managers on the host create cgroups at any time, and those are not ours to
// remove. leaks_between() names what appeared between two snapshots;
// remove_leaks() deletes it again, never touching what was there before.
//
//   ROOT_TEST_CASE("a container's mounts are private", "[runtime][root]") {
//     ...  // anything left behind fails the test, and is then removed
//   }
//
// The host is one shared resource: run_leak_checked() holds an exclusive flock on
// /run/lock/kubepp-root-tests.lock for the whole test, so root tests in different
// processes (ctest -j) run one at a time instead of "removing" each other's
// objects. Nested calls in one process take the lock once. Not thread-safe: call
// from the test's main thread.
#pragma once

#include <catch2/catch.hpp>

#include <exception>
#include <functional>
#include <set>
#include <string>
#include <vector>

namespace kubepp::testing {

// What exists on the host at one moment. Each set holds one string per object.
struct HostSnapshot {
  std::set<std::string> mounts;            // "mount_point (fstype source)"; " #2", " #3" for stacked repeats
  std::set<std::string> cgroups;           // directory paths under every cgroup mount below /sys/fs/cgroup;
                                           // only paths with a component kubepp* can be leaks
  std::set<std::string> netns;             // names in /run/netns
  std::set<std::string> links;             // names in /sys/class/net
  std::set<std::string> iptables_chains;   // "table/CHAIN" from iptables-save
  std::set<std::string> ip6tables_chains;  // "table/CHAIN" from ip6tables-save
  std::set<std::string> routes;            // lines of `ip -o -4 route show table all`
  std::set<std::string> routes6;           // lines of `ip -o -6 route show table all`
  std::set<std::string> processes;         // children of this process: "pid starttime comm"
};

// Records the host now (a few milliseconds). Makes this process a child subreaper.
// Throws std::runtime_error when iptables-save or ip is missing or fails; the
// message names the Debian package to install.
HostSnapshot take_snapshot();

// One line per object in `after` but not in `before`, e.g. "mount /tmp/x (tmpfs tmpfs)",
// "cgroup /sys/fs/cgroup/pids/kubepp/abc", "netns kubepp-x", "link kubepp-v0",
// "iptables chain filter/KUBEPP-X", "ip6tables chain filter/KUBEPP-X",
// "route unreachable 10.244.0.0/16", "route6 …", "process 1234 (sleep)".
// A process is the same process when pid and start time match (exec may rename it).
std::vector<std::string> leaks_between(const HostSnapshot& before, const HostSnapshot& after);

// Best effort, never throws: removes what exists now but not in `before`, in this
// order — SIGKILL and reap new child processes; unmount new mounts deepest first
// (MNT_DETACH); flush, unreference and delete new iptables chains; delete new
// routes, links and named network namespaces; kill the members of new cgroups
// and rmdir them deepest first. Problems are reported on stderr.
void remove_leaks(const HostSnapshot& before);

// The building blocks of run_leak_checked, without the Catch2 assertions.
struct LeakReport {
  std::vector<std::string> leaks;  // leaks_between(before body, after body)
  std::exception_ptr error;        // what the body threw, or null
};

// Takes the host lock and a snapshot, runs `body` catching any exception, takes a
// second snapshot, removes the leaks and returns them with the body's exception.
LeakReport run_and_remove_leaks(const std::function<void()>& body);

// run_and_remove_leaks, then FAIL_CHECK("left behind: …") per leak, then rethrows
// the body's exception if there was one.
void run_leak_checked(const std::function<void()>& body);

// Output of a command run without a shell. `status` is the exit code, 128+signal
// when killed, 127 when the program was not found, -1 when it could not be started.
struct CommandResult {
  int status = 0;
  std::string out;  // stdout
  std::string err;  // stderr
};
CommandResult run_command(const std::vector<std::string>& argv);

}  // namespace kubepp::testing

#define KUBEPP_LEAK_CHECK_CAT2(a, b) a##b
#define KUBEPP_LEAK_CHECK_CAT(a, b) KUBEPP_LEAK_CHECK_CAT2(a, b)
#define KUBEPP_ROOT_TEST_CASE_IMPL(body, ...)                             \
  static void body();                                                     \
  TEST_CASE(__VA_ARGS__) { ::kubepp::testing::run_leak_checked(&body); } \
  static void body()

// Like TEST_CASE(name, tags), with the body run under run_leak_checked. Callers
// pass tags that include [root]. SECTIONs work as usual: Catch2 runs the test
// case once per leaf section, and each run is checked on its own.
#define ROOT_TEST_CASE(...) \
  KUBEPP_ROOT_TEST_CASE_IMPL(KUBEPP_LEAK_CHECK_CAT(kubepp_root_test_body_, __COUNTER__), __VA_ARGS__)

// Tests of runtime/security: capabilities, users, masked paths and the last steps
// before exec, checked against Docker's numbers.
//
// [unit] cases need no privileges. [root] cases change credentials or mounts, so each
// runs that part in a forked child (whose credentials and mount namespace die with it)
// and the parent asserts on the child's key=value report; Catch2 stays in the parent.
#include "runtime/security.h"

#include <fcntl.h>
#include <linux/capability.h>
#include <linux/magic.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstdio>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include "runtime/base/files.h"
#include "tests/support/leak_check.h"
#include "tests/support/temp_dir.h"

using namespace kubepp;
using namespace kubepp::runtime;

using kubepp::testing::TempDir;

namespace {

constexpr uint64_t bit(int cap) { return uint64_t{1} << cap; }


void put(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

// ---- children and their reports ----------------------------------------------------

using Report = std::map<std::string, std::string>;

std::string entry(const std::string& key, const std::string& value) { return key + "=" + value + "\n"; }
std::string result_entry(const Status& s) { return entry("result", s ? "ok" : s.error().message); }

// /proc/self/status as key=value lines ("CapEff=00000000a80425fb", "Groups=10 100").
std::string status_entries() {
  std::istringstream in(read_file("/proc/self/status"));
  std::string out, line;
  while (std::getline(in, line)) {
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    size_t start = line.find_first_not_of(" \t", colon + 1), end = line.find_last_not_of(" \t");
    out += entry(line.substr(0, colon), start == std::string::npos ? "" : line.substr(start, end - start + 1));
  }
  return out;
}

// Runs `body` in a forked child and parses the key=value lines it returns. `body` must
// not use Catch2; the child _exits, so nothing of the parent is torn down twice.
Report in_child(const std::function<std::string()>& body) {
  int fds[2];
  REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
  UniqueFd read_end(fds[0]), write_end(fds[1]);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    read_end.reset();
    std::string out;
    try {
      out = body();
    } catch (const std::exception& e) {
      out = entry("exception", e.what());
    }
    for (size_t done = 0; done < out.size();) {
      ssize_t n = ::write(write_end.get(), out.data() + done, out.size() - done);
      if (n <= 0) break;
      done += static_cast<size_t>(n);
    }
    ::_exit(0);
  }
  write_end.reset();
  std::string text;
  char buf[4096];
  for (ssize_t n; (n = ::read(read_end.get(), buf, sizeof buf)) != 0;) {
    if (n > 0) text.append(buf, static_cast<size_t>(n));
    if (n < 0 && errno != EINTR) break;
  }
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  CHECK(WIFEXITED(status));
  INFO("child report:\n" << text);
  CHECK(text.find("exception=") == std::string::npos);
  Report report;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    size_t eq = line.find('=');
    if (eq != std::string::npos) report[line.substr(0, eq)] = line.substr(eq + 1);
  }
  return report;
}

// Raw capget/capset for the children's set-up (libcap is not linked).
struct Caps {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  Caps() { ::syscall(SYS_capget, &header, data); }
  bool set() { return ::syscall(SYS_capset, &header, data) == 0; }
};

int mountinfo_lines() {
  std::istringstream in(read_file("/proc/self/mountinfo"));
  int n = 0;
  for (std::string line; std::getline(in, line);) ++n;
  return n;
}

}  // namespace

// ---- capabilities -------------------------------------------------------------------

TEST_CASE("the capability table follows the kernel headers", "[unit][security]") {
  auto table = capability_table();
  REQUIRE(table.size() == CAP_LAST_CAP + 1);
  CHECK(table[CAP_CHOWN].name == "CAP_CHOWN");
  CHECK(table[CAP_NET_RAW].name == "CAP_NET_RAW");
  CHECK(table[CAP_SYS_ADMIN].name == "CAP_SYS_ADMIN");
  CHECK(table[CAP_LAST_CAP].name == "CAP_CHECKPOINT_RESTORE");
  CHECK(describe_capabilities(0).empty());
  CHECK(describe_capabilities(bit(CAP_KILL) | bit(CAP_CHOWN)) == "CAP_CHOWN,CAP_KILL");
}

TEST_CASE("the default capabilities are Docker's 14, 0xa80425fb", "[unit][security]") {
  auto caps = effective_capabilities(SecurityConfig{});
  REQUIRE(caps.ok());
  CHECK(caps.value() == 0xa80425fbULL);
  CHECK(describe_capabilities(caps.value()) ==
        "CAP_CHOWN,CAP_DAC_OVERRIDE,CAP_FOWNER,CAP_FSETID,CAP_KILL,CAP_SETGID,CAP_SETUID,CAP_SETPCAP,"
        "CAP_NET_BIND_SERVICE,CAP_NET_RAW,CAP_SYS_CHROOT,CAP_MKNOD,CAP_AUDIT_WRITE,CAP_SETFCAP");
  // The same set, built from Docker's list of names.
  SecurityConfig by_name;
  by_name.cap_drop = {"ALL"};
  by_name.cap_add = {"CHOWN", "DAC_OVERRIDE", "FSETID", "FOWNER", "MKNOD", "NET_RAW", "SETGID",
                     "SETUID", "SETFCAP", "SETPCAP", "NET_BIND_SERVICE", "SYS_CHROOT", "KILL", "AUDIT_WRITE"};
  REQUIRE(effective_capabilities(by_name).ok());
  CHECK(effective_capabilities(by_name).value() == kDefaultCapabilities);
}

TEST_CASE("cap_add and cap_drop change the defaults", "[unit][security]") {
  SecurityConfig config;
  uint64_t expected = 0;
  SECTION("an added capability joins them") {
    config.cap_add = {"NET_ADMIN"};
    expected = kDefaultCapabilities | bit(CAP_NET_ADMIN);
  }
  SECTION("a dropped capability leaves them") {
    config.cap_drop = {"CHOWN", "NET_RAW"};
    expected = kDefaultCapabilities & ~bit(CAP_CHOWN) & ~bit(CAP_NET_RAW);
  }
  SECTION("names with or without CAP_, in any case") {
    config.cap_add = {"cap_sys_time", "Sys_Nice", "CAP_SYS_PTRACE"};
    expected = kDefaultCapabilities | bit(CAP_SYS_TIME) | bit(CAP_SYS_NICE) | bit(CAP_SYS_PTRACE);
  }
  SECTION("drop ALL, then add one: only that one") {
    config.cap_drop = {"all"};
    config.cap_add = {"NET_BIND_SERVICE"};
    expected = bit(CAP_NET_BIND_SERVICE);
  }
  SECTION("add ALL, then drop one: all but that one") {
    config.cap_add = {"ALL"};
    config.cap_drop = {"SYS_ADMIN"};
    expected = all_capabilities() & ~bit(CAP_SYS_ADMIN);
  }
  SECTION("an add wins over a drop of the same capability") {
    config.cap_drop = {"KILL", "CHOWN"};
    config.cap_add = {"kill"};
    expected = kDefaultCapabilities & ~bit(CAP_CHOWN);
  }
  SECTION("add ALL and drop ALL: none") {
    config.cap_add = {"ALL"};
    config.cap_drop = {"ALL"};
    expected = 0;
  }
  auto caps = effective_capabilities(config);
  REQUIRE(caps.ok());
  INFO(describe_capabilities(caps.value()));
  CHECK(caps.value() == expected);
}

TEST_CASE("privileged gets every capability of this kernel, whatever is dropped", "[unit][security]") {
  int last = std::stoi(read_file("/proc/sys/kernel/cap_last_cap"));
  uint64_t every = last >= 63 ? ~uint64_t{0} : (uint64_t{1} << (last + 1)) - 1;
  SecurityConfig config;
  config.privileged = true;
  config.cap_drop = {"ALL"};
  auto caps = effective_capabilities(config);
  REQUIRE(caps.ok());
  CHECK(caps.value() == (every & ((uint64_t{1} << (CAP_LAST_CAP + 1)) - 1)));
  CHECK(all_capabilities() == caps.value());
}

TEST_CASE("an unknown capability is Invalid and named with its flag", "[unit][security]") {
  SecurityConfig config;
  std::string message;
  SECTION("in cap_add") {
    config.cap_add = {"NET_ADMIN", "foo"};
    message = "capability `CAP_FOO`: unknown (--cap-add)";
  }
  SECTION("in cap_drop") {
    config.cap_drop = {"cap_bogus"};
    message = "capability `CAP_BOGUS`: unknown (--cap-drop)";
  }
  SECTION("ALL takes no prefix") {
    config.cap_drop = {"CAP_ALL"};
    message = "capability `CAP_ALL`: unknown (--cap-drop)";
  }
  auto caps = effective_capabilities(config);
  REQUIRE_FALSE(caps.ok());
  CHECK(caps.error().code == ErrorCode::Invalid);
  CHECK(caps.error().message == message);
}

// ---- users --------------------------------------------------------------------------

namespace {

// A root filesystem with /etc/passwd and /etc/group, and a directory beside it.
struct UserRoot {
  TempDir dir;
  fs::path rootfs = dir.path() / "rootfs";
  UserRoot() {
    put(rootfs / "etc/passwd",
        "root:x:0:0:root:/root:/bin/sh\n"
        "# a comment\n"
        "daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\n"
        "alice:x:1000:1000:Alice:/home/alice:/bin/sh\n"
        "bob:x:1001:100::/home/bob:/bin/sh\n"
        "a malformed line\n");
    put(rootfs / "etc/group",
        "root:x:0:\n"
        "wheel:x:10:alice,bob\n"
        "audio:x:29:bob\n"
        "users:x:100:alice\n"
        "alice:x:1000:\n");
    put(dir.path() / "outside/passwd", "eve:x:666:666::/:/bin/sh\n");
  }
};

}  // namespace

TEST_CASE("resolve_user finds ids as Docker does", "[unit][security]") {
  UserRoot root;
  struct Case {
    std::string user;
    uid_t uid;
    gid_t gid;
    std::vector<gid_t> groups;
  };
  auto c = GENERATE(values<Case>({
      {"", 0, 0, {}},                // root, a member of no group
      {"1000", 1000, 1000, {10, 100}},  // a listed uid takes its gid and groups
      {"1000:1000", 1000, 1000, {}},    // an explicit group: no supplementary groups
      {"4242", 4242, 0, {}},            // an unlisted uid runs as given, with gid 0
      {"4242:4343", 4242, 4343, {}},
      {"alice", 1000, 1000, {10, 100}},
      {"bob", 1001, 100, {10, 29}},
      {"bob:audio", 1001, 29, {}},
      {"alice:0", 1000, 0, {}},
  }));
  INFO("user `" << c.user << "`");
  auto ids = resolve_user(root.rootfs, c.user);
  REQUIRE(ids.ok());
  CHECK(ids.value().uid == c.uid);
  CHECK(ids.value().gid == c.gid);
  CHECK(ids.value().groups == c.groups);
}

TEST_CASE("resolve_user refuses unknown and malformed names", "[unit][security]") {
  UserRoot root;
  SECTION("an unknown user names itself and /etc/passwd") {
    auto ids = resolve_user(root.rootfs, "mallory");
    REQUIRE_FALSE(ids.ok());
    CHECK(ids.error().code == ErrorCode::Invalid);
    CHECK(ids.error().message == "user `mallory`: not found in `" + (root.rootfs / "etc/passwd").string() + "`");
  }
  SECTION("an unknown group names itself and /etc/group") {
    auto ids = resolve_user(root.rootfs, "alice:nogroup");
    REQUIRE_FALSE(ids.ok());
    CHECK(ids.error().code == ErrorCode::Invalid);
    CHECK(ids.error().message == "group `nogroup`: not found in `" + (root.rootfs / "etc/group").string() + "`");
  }
  SECTION("names with '/', '..' or empty parts") {
    auto user = GENERATE(as<std::string>{}, "..", "../etc", "a/b", "alice:", ":100", "alice:../x", "a:b:c");
    INFO("user `" << user << "`");
    auto ids = resolve_user(root.rootfs, user);
    REQUIRE_FALSE(ids.ok());
    CHECK(ids.error().code == ErrorCode::Invalid);
    CHECK_THAT(ids.error().message, Catch::StartsWith("user `" + user + "`: "));
  }
}

TEST_CASE("resolve_user reads only the image's own files", "[unit][security]") {
  UserRoot root;
  SECTION("an /etc/passwd symlinked to a file outside the root is not followed out") {
    fs::remove(root.rootfs / "etc/passwd");
    fs::create_symlink(root.dir.path() / "outside/passwd", root.rootfs / "etc/passwd");
    auto ids = resolve_user(root.rootfs, "eve");  // eve is only in the outside file
    REQUIRE_FALSE(ids.ok());
    CHECK(ids.error().code == ErrorCode::Invalid);
  }
  SECTION("without /etc/passwd a number still runs, a name does not") {
    fs::remove(root.rootfs / "etc/passwd");
    auto ids = resolve_user(root.rootfs, "1000");
    REQUIRE(ids.ok());
    CHECK(ids.value().uid == 1000);
    CHECK(ids.value().gid == 0);
    CHECK_FALSE(resolve_user(root.rootfs, "alice").ok());
  }
  SECTION("a FIFO as /etc/passwd is refused, not read") {
    fs::remove(root.rootfs / "etc/passwd");
    REQUIRE(::mkfifo((root.rootfs / "etc/passwd").c_str(), 0644) == 0);
    auto ids = resolve_user(root.rootfs, "alice");
    REQUIRE_FALSE(ids.ok());
    CHECK(ids.error().message == "`" + (root.rootfs / "etc/passwd").string() + "`: not a regular file");
  }
}

// ---- open_in_root -------------------------------------------------------------------

TEST_CASE("open_in_root resolves every path as if the root were /", "[unit][security]") {
  TempDir dir;
  const fs::path root = dir.path() / "root";
  put(root / "etc/target", "inside");
  put(dir.path() / "outside/file", "outside");
  struct stat want{}, got{};
  SECTION("an absolute symlink lands inside the root") {
    fs::create_symlink("/etc/target", root / "link");
    auto fd = open_in_root(root, "/link");
    REQUIRE(fd.ok());
    REQUIRE(::stat((root / "etc/target").c_str(), &want) == 0);
    REQUIRE(::fstat(fd.value().get(), &got) == 0);
    CHECK(got.st_ino == want.st_ino);
    CHECK(got.st_dev == want.st_dev);
  }
  SECTION("a symlink to a file outside the root is NotFound") {
    fs::create_symlink(dir.path() / "outside/file", root / "link");
    auto fd = open_in_root(root, "/link");
    REQUIRE_FALSE(fd.ok());
    CHECK(fd.error().code == ErrorCode::NotFound);
    CHECK(fd.error().message == "open `/link` in `" + root.string() + "`: ENOENT");
  }
  SECTION("'..' stops at the root") {
    CHECK_FALSE(open_in_root(root, "../outside/file").ok());
    auto fd = open_in_root(root, "/../../..");
    REQUIRE(fd.ok());
    REQUIRE(::stat(root.c_str(), &want) == 0);
    REQUIRE(::fstat(fd.value().get(), &got) == 0);
    CHECK(got.st_ino == want.st_ino);
  }
  SECTION("magic links of /proc are refused") {
    auto fd = open_in_root("/", "/proc/self/root/etc");
    REQUIRE_FALSE(fd.ok());
    CHECK_THAT(fd.error().message, Catch::EndsWith(": ELOOP"));
  }
}

// ---- drop_privileges (root) ---------------------------------------------------------

ROOT_TEST_CASE("drop_privileges leaves root with Docker's capabilities and nothing else", "[root][security]") {
  Report r = in_child([] {
    // Start with an inheritable and an ambient capability, which must not survive.
    Caps caps;
    caps.data[0].inheritable |= bit(CAP_NET_BIND_SERVICE);
    if (!caps.set()) return entry("setup", "capset");
    ::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, CAP_NET_BIND_SERVICE, 0, 0);
    bool raised = ::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_IS_SET, CAP_NET_BIND_SERVICE, 0, 0) == 1;
    std::string before = entry("ambient raised", raised ? "yes" : "no");
    before += result_entry(drop_privileges(kDefaultCapabilities, UserIds{}, false));
    return before + status_entries();  // read after the drop: `+` does not order its operands
  });
  REQUIRE(r["result"] == "ok");
  REQUIRE(r["ambient raised"] == "yes");  // the set-up worked, so CapAmb 0 below means something
  CHECK(r["CapEff"] == "00000000a80425fb");
  CHECK(r["CapPrm"] == "00000000a80425fb");
  CHECK(r["CapBnd"] == "00000000a80425fb");
  CHECK(r["CapInh"] == "0000000000000000");
  CHECK(r["CapAmb"] == "0000000000000000");
  CHECK(r["Uid"] == "0\t0\t0\t0");
  CHECK(r["NoNewPrivs"] == "0");
}

ROOT_TEST_CASE("drop_privileges leaves a non-root user no capabilities but Docker's bounding set",
               "[root][security]") {
  Report r = in_child([] {
    UserIds ids{1000, 1000, {100, 10}};
    std::string out = result_entry(drop_privileges(kDefaultCapabilities, ids, false));
    return out + status_entries();
  });
  REQUIRE(r["result"] == "ok");
  CHECK(r["Uid"] == "1000\t1000\t1000\t1000");
  CHECK(r["Gid"] == "1000\t1000\t1000\t1000");
  CHECK(r["Groups"] == "10 100");
  CHECK(r["CapEff"] == "0000000000000000");
  CHECK(r["CapPrm"] == "0000000000000000");
  CHECK(r["CapInh"] == "0000000000000000");
  CHECK(r["CapBnd"] == "00000000a80425fb");
}

ROOT_TEST_CASE("drop_privileges sets no_new_privs only when asked", "[root][security]") {
  bool asked = GENERATE(true, false);
  Report r = in_child([asked] {
    std::string out = result_entry(drop_privileges(kDefaultCapabilities, UserIds{}, asked));
    return out + status_entries();
  });
  REQUIRE(r["result"] == "ok");
  CHECK(r["NoNewPrivs"] == (asked ? "1" : "0"));
}

ROOT_TEST_CASE("drop_privileges fails with the step that failed", "[root][security]") {
  SECTION("a capability the runtime does not hold") {
    Report r = in_child([] {
      ::prctl(PR_CAPBSET_DROP, CAP_SYS_ADMIN, 0, 0, 0);
      Caps caps;
      caps.data[0].permitted &= ~bit(CAP_SYS_ADMIN);
      caps.data[0].effective &= ~bit(CAP_SYS_ADMIN);
      if (!caps.set()) return entry("setup", "capset");
      return result_entry(drop_privileges(kDefaultCapabilities | bit(CAP_SYS_ADMIN), UserIds{}, false));
    });
    CHECK(r["result"] == "capset `CAP_SYS_ADMIN`: EPERM");
  }
  SECTION("a process that has dropped already cannot change its groups") {
    Report r = in_child([] {
      UserIds user{1000, 1000, {}};
      Status first = drop_privileges(0, user, false);
      return entry("first", first ? "ok" : first.error().message) +
             result_entry(drop_privileges(kDefaultCapabilities, UserIds{}, false));
    });
    REQUIRE(r["first"] == "ok");
    CHECK(r["result"] == "setgroups: EPERM");
  }
}

// ---- drop_privileges with an OCI process's five sets ----------------------------------

namespace {

// The sets of the OCI cases: bounding {CHOWN, KILL, NET_BIND_SERVICE}, the rest within it.
constexpr uint64_t kChown = bit(CAP_CHOWN), kKill = bit(CAP_KILL), kBind = bit(CAP_NET_BIND_SERVICE);

// The Cap* lines of /proc/self/status as a program run with exec (by `sh`, which runs
// grep) sees them, each as "exec CapEff=…". PATH alone for an environment.
std::string caps_after_exec() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return entry("exec", "pipe");
  pid_t pid = ::fork();
  if (pid == 0) {
    ::dup2(fds[1], STDOUT_FILENO);
    const char* argv[] = {"/bin/sh", "-c", "grep Cap /proc/self/status", nullptr};
    const char* envp[] = {"PATH=/usr/bin:/bin", nullptr};
    ::execve(argv[0], const_cast<char* const*>(argv), const_cast<char* const*>(envp));
    ::_exit(127);
  }
  ::close(fds[1]);
  std::string text;
  char buf[1024];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) text.append(buf, static_cast<size_t>(n));
  ::close(fds[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  std::string out = entry("exec status", std::to_string(status));
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    size_t colon = line.find(':');
    if (colon != std::string::npos) out += entry("exec " + line.substr(0, colon), line.substr(line.find_first_not_of(" \t", colon + 1)));
  }
  return out;
}

}  // namespace

ROOT_TEST_CASE("drop_privileges gives a non-root user exactly the sets it is given", "[root][security]") {
  Report r = in_child([] {
    CapabilitySets caps{kChown | kKill | kBind, kKill, kKill, 0, 0};
    std::string out = result_entry(drop_privileges(caps, UserIds{1000, 1000, {}}, false));
    out += entry("keepcaps", std::to_string(::prctl(PR_GET_KEEPCAPS, 0, 0, 0, 0)));
    return out + status_entries();
  });
  REQUIRE(r["result"] == "ok");
  CHECK(r["Uid"] == "1000\t1000\t1000\t1000");
  CHECK(r["CapBnd"] == "0000000000000421");
  CHECK(r["CapEff"] == "0000000000000020");  // KILL survived the change from uid 0
  CHECK(r["CapPrm"] == "0000000000000020");
  CHECK(r["CapInh"] == "0000000000000000");
  CHECK(r["CapAmb"] == "0000000000000000");
  CHECK(r["keepcaps"] == "0");  // set for the uid change only
}

ROOT_TEST_CASE("an ambient capability is raised, and survives the exec of an ordinary program",
               "[root][security]") {
  Report r = in_child([] {
    CapabilitySets caps{kChown | kKill | kBind, kKill, kKill | kBind, kBind, kBind};
    Status s = drop_privileges(caps, UserIds{1000, 1000, {}}, false);
    if (!s) return result_entry(s);
    std::string out = result_entry(s) + status_entries();
    return out + caps_after_exec();
  });
  REQUIRE(r["result"] == "ok");
  CHECK(r["CapAmb"] == "0000000000000400");
  CHECK(r["CapEff"] == "0000000000000020");
  CHECK(r["CapPrm"] == "0000000000000420");
  CHECK(r["CapInh"] == "0000000000000400");
  // After exec a non-root program keeps the ambient set, which joins permitted and
  // effective; KILL, permitted but neither inheritable nor ambient, is gone.
  REQUIRE(r["exec status"] == "0");
  CHECK(r["exec CapAmb"] == "0000000000000400");
  CHECK(r["exec CapEff"] == "0000000000000400");
  CHECK(r["exec CapPrm"] == "0000000000000400");
  CHECK(r["exec CapInh"] == "0000000000000400");
  CHECK(r["exec CapBnd"] == "0000000000000421");
}

TEST_CASE("drop_privileges refuses sets the kernel would refuse, before it changes anything",
          "[unit][security]") {
  CapabilitySets caps{kChown | kKill | kBind, kKill, kKill | kBind, 0, kBind};
  std::string message;
  SECTION("an ambient capability not in inheritable") {
    message = "capabilities: ambient `CAP_NET_BIND_SERVICE` is not in both permitted and inheritable";
  }
  SECTION("an ambient capability not in permitted") {
    caps.permitted = kKill;
    caps.inheritable = kBind;
    message = "capabilities: ambient `CAP_NET_BIND_SERVICE` is not in both permitted and inheritable";
  }
  SECTION("an effective capability not in permitted") {
    caps.ambient = 0;
    caps.effective = kKill | kChown;
    message = "capabilities: effective `CAP_CHOWN` is not in permitted";
  }
  // The credentials of /proc/self/status: ids, groups, the five sets, no_new_privs.
  auto credentials = [] {
    std::istringstream in(status_entries());
    std::string kept;
    for (std::string line; std::getline(in, line);) {
      for (const char* key : {"Uid=", "Gid=", "Groups=", "Cap", "NoNewPrivs="}) {
        if (line.starts_with(key)) kept += line + "\n";
      }
    }
    return kept;
  };
  Report r = in_child([caps, credentials] {
    std::string before = credentials();
    Status s = drop_privileges(caps, UserIds{1000, 1000, {}}, true);
    return entry("code", s ? "ok" : to_string(s.error().code)) + result_entry(s) +
           entry("unchanged", before == credentials() ? "yes" : "no");
  });
  CHECK(r["code"] == "Invalid");
  CHECK(r["result"] == message);
  CHECK(r["unchanged"] == "yes");
}

// ---- harden_mounts (root) -----------------------------------------------------------

namespace {

// Docker's lists, written out again: a test that read the implementation's table could
// not catch a wrong entry in it.
const std::vector<std::string> kMasked = {
    "/proc/acpi",        "/proc/asound",      "/proc/kcore", "/proc/keys",    "/proc/latency_stats",
    "/proc/timer_list",  "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware",
    "/sys/devices/virtual/powercap"};
const std::vector<std::string> kReadonly = {"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"};

// In the child: a private mount namespace (and UTS namespace, in case a test fails
// and writes a hostname), with a fresh proc and a read-only sysfs at `root`.
std::string enter_private_root(const fs::path& root) {
  if (::unshare(CLONE_NEWNS | CLONE_NEWUTS) != 0) return entry("setup", "unshare");
  if (::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) return entry("setup", "rprivate");
  if (::mount("proc", (root / "proc").c_str(), "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0) {
    return entry("setup", "mount proc");
  }
  if (::mount("sysfs", (root / "sys").c_str(), "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0) {
    return entry("setup", "mount sysfs");
  }
  return "";
}

// What a masked path is now: "null" (/dev/null, reads empty), "empty ro tmpfs", "absent",
// or what else it is.
std::string describe_masked(const fs::path& path) {
  struct stat st{};
  if (::lstat(path.c_str(), &st) != 0) return "absent";
  if (S_ISCHR(st.st_mode)) {
    char c;
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    bool empty = fd.valid() && ::read(fd.get(), &c, 1) == 0;
    return st.st_rdev == makedev(1, 3) && empty ? "null" : "another device";
  }
  struct statfs sfs{};
  struct statvfs svfs{};
  if (S_ISDIR(st.st_mode) && ::statfs(path.c_str(), &sfs) == 0 && ::statvfs(path.c_str(), &svfs) == 0) {
    bool tmpfs = sfs.f_type == TMPFS_MAGIC, ro = (svfs.f_flag & ST_RDONLY) != 0;
    bool empty = fs::is_empty(path);
    return tmpfs && ro && empty ? "empty ro tmpfs" : "a directory";
  }
  return "a file";
}

// What a read-only path is now: "absent", "rw", or its flags among ro,nosuid,nodev,noexec.
std::string describe_readonly(const fs::path& path) {
  struct statvfs svfs{};
  if (::statvfs(path.c_str(), &svfs) != 0) return "absent";
  std::string flags;
  if (svfs.f_flag & ST_RDONLY) flags += ",ro";
  if (svfs.f_flag & ST_NOSUID) flags += ",nosuid";
  if (svfs.f_flag & ST_NODEV) flags += ",nodev";
  if (svfs.f_flag & ST_NOEXEC) flags += ",noexec";
  return flags.empty() ? "rw" : flags.substr(1);
}

}  // namespace

ROOT_TEST_CASE("harden_mounts masks Docker's paths and makes the kernel's tunables read-only",
               "[root][security]") {
  TempDir dir;
  const fs::path root = dir.path();
  fs::create_directories(root / "proc");
  fs::create_directories(root / "sys");
  Report r = in_child([&] {
    std::string out = enter_private_root(root);
    if (!out.empty()) return out;
    out += result_entry(harden_mounts(root, false));
    for (const std::string& path : kMasked) out += entry(path, describe_masked(root / path.substr(1)));
    for (const std::string& path : kReadonly) out += entry(path, describe_readonly(root / path.substr(1)));
    UniqueFd fd(::open((root / "proc/sys/kernel/hostname").c_str(), O_WRONLY | O_CLOEXEC));
    return out + entry("open hostname for writing", fd.valid() ? "ok" : errno_name(errno));
  });
  REQUIRE(r["setup"] == "");
  REQUIRE(r["result"] == "ok");
  int masked = 0;
  for (const std::string& path : kMasked) {
    INFO(path);
    // A fresh proc and sysfs show what the host's do: a path there must be masked here.
    if (!fs::exists(path)) {
      CHECK(r[path] == "absent");
      continue;
    }
    CHECK(r[path] == (fs::is_directory(path) ? "empty ro tmpfs" : "null"));
    ++masked;
  }
  CHECK(masked > 0);  // the kernel has at least one of them, or the loop checked nothing
  for (const std::string& path : kReadonly) {
    INFO(path);
    CHECK(r[path] == (fs::exists(path) ? "ro,nosuid,nodev,noexec" : "absent"));
  }
  CHECK(r["open hostname for writing"] == "EROFS");
}

ROOT_TEST_CASE("harden_mounts masks nothing for a privileged container", "[root][security]") {
  TempDir dir;
  const fs::path root = dir.path();
  fs::create_directories(root / "proc");
  fs::create_directories(root / "sys");
  Report r = in_child([&] {
    std::string out = enter_private_root(root);
    if (!out.empty()) return out;
    int before = mountinfo_lines();
    out += result_entry(harden_mounts(root, true));
    UniqueFd fd(::open((root / "proc/sys/kernel/hostname").c_str(), O_WRONLY | O_CLOEXEC));
    out += entry("open hostname for writing", fd.valid() ? "ok" : errno_name(errno));
    return out + entry("new mounts", std::to_string(mountinfo_lines() - before));
  });
  REQUIRE(r["setup"] == "");
  REQUIRE(r["result"] == "ok");
  CHECK(r["new mounts"] == "0");
  CHECK(r["open hostname for writing"] == "ok");
}

ROOT_TEST_CASE("harden_mounts never mounts over a symlink's target outside the root", "[root][security]") {
  // CVE-2021-30465: an image (or a racing container) turns a mount target into a symlink
  // to a host path. Here proc/keys points at a host file, proc/sys and sys/firmware at a
  // host directory, absolutely and by '..'. All resolve inside the root, where nothing
  // exists, so harden_mounts skips them and mounts nothing at all.
  TempDir dir;
  const fs::path root = dir.path() / "root", outside = dir.path() / "outside";
  put(outside / "secret", "host secret");
  fs::create_directories(outside / "dir");
  fs::create_directories(root / "proc");
  fs::create_directories(root / "sys");
  fs::create_symlink(outside / "secret", root / "proc/keys");
  fs::create_symlink("../../outside/dir", root / "proc/sys");
  fs::create_symlink(outside / "dir", root / "sys/firmware");
  Report r = in_child([&] {
    if (::unshare(CLONE_NEWNS) != 0 || ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
      return entry("setup", "private mount namespace");
    }
    int before = mountinfo_lines();
    std::string out = result_entry(harden_mounts(root, false));
    out += entry("new mounts", std::to_string(mountinfo_lines() - before));
    out += entry("secret", read_file(outside / "secret"));
    struct statvfs svfs{};
    ::statvfs((outside / "dir").c_str(), &svfs);
    return out + entry("outside dir read-only", (svfs.f_flag & ST_RDONLY) ? "yes" : "no");
  });
  REQUIRE(r["setup"] == "");
  CHECK(r["result"] == "ok");
  CHECK(r["new mounts"] == "0");
  CHECK(r["secret"] == "host secret");
  CHECK(r["outside dir read-only"] == "no");
}

ROOT_TEST_CASE("mask_paths and make_paths_readonly apply a bundle's own lists", "[root][security]") {
  TempDir dir;
  const fs::path root = dir.path();
  put(root / "secret", "host secret");
  put(root / "private/key", "key");
  put(root / "data/file", "data");
  const std::vector<std::string> masked = {"/secret", "/private", "/missing"};
  const std::vector<std::string> readonly = {"/data", "/missing/too"};
  Report r = in_child([&] {
    if (::unshare(CLONE_NEWNS) != 0 || ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
      return entry("setup", "private mount namespace");
    }
    std::string out = entry("masked", mask_paths(root, masked) ? "ok" : "failed");
    out += entry("readonly", make_paths_readonly(root, readonly) ? "ok" : "failed");
    out += entry("/secret", describe_masked(root / "secret"));
    out += entry("/private", describe_masked(root / "private"));
    out += entry("/data", describe_readonly(root / "data"));
    UniqueFd fd(::open((root / "data/new").c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
    return out + entry("create in /data", fd.valid() ? "ok" : errno_name(errno));
  });
  REQUIRE(r["setup"] == "");
  CHECK(r["masked"] == "ok");
  CHECK(r["readonly"] == "ok");
  CHECK(r["/secret"] == "null");
  CHECK(r["/private"] == "empty ro tmpfs");
  CHECK_THAT(r["/data"], Catch::StartsWith("ro"));
  CHECK(r["create in /data"] == "EROFS");
  CHECK(read_file(root / "secret") == "host secret");  // the mounts died with the child's namespace
}

TEST_CASE("mask_paths and make_paths_readonly skip paths that do not exist", "[unit][security]") {
  TempDir dir;
  const std::vector<std::string> paths = {"/proc/kcore", "/no/such/dir"};
  CHECK(mask_paths(dir.path(), paths).ok());
  CHECK(make_paths_readonly(dir.path(), paths).ok());
  CHECK(mask_paths(dir.path(), {}).ok());
}

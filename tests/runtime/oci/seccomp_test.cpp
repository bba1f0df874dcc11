// Tests of runtime/oci/seccomp: linux.seccomp read as runc reads it ([unit]), and the
// filters it gives, loaded for real ([root]).
//
// A filter cannot be removed, so every [root] case forks a child that loads the profile,
// makes its calls and writes back what each answered (0, or the errno); Catch2 stays in
// the parent. Each profile is written as config.json would hold it and goes through
// parse_spec first, as a bundle's would.
#include "runtime/oci/seccomp.h"
#include "tests/support/temp_dir.h"

#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

using namespace kubepp;
using kubepp::runtime::SeccompAction;
using kubepp::runtime::SeccompProfile;
using kubepp::runtime::SeccompRule;
using Op = kubepp::runtime::SeccompArg::Op;
namespace oci = kubepp::runtime::oci;
using nlohmann::json;

using kubepp::testing::TempDir;

namespace {

// linux.seccomp as config.json holds it, parsed and checked by parse_spec.
oci::Seccomp parsed(const std::string& seccomp) {
  json config = json::parse(R"({"ociVersion": "1.0.2", "process": {"args": ["sh"], "cwd": "/"},
                                "root": {"path": "rootfs"}})");
  config["linux"]["seccomp"] = json::parse(seccomp);
  Result<oci::Spec> spec = oci::parse_spec(config.dump(), "config.json");
  INFO(seccomp);
  REQUIRE(spec.ok());
  REQUIRE(spec.value().linux->seccomp.has_value());
  return *spec.value().linux->seccomp;
}

// The profile of `seccomp`, which must convert.
SeccompProfile profile_of(const std::string& seccomp) {
  Result<SeccompProfile> profile = oci::seccomp_profile(parsed(seccomp));
  INFO(seccomp);
  REQUIRE(profile.ok());
  return profile.value();
}

// The message of converting `seccomp`, which must fail Invalid.
std::string error_of(const oci::Seccomp& seccomp) {
  Result<SeccompProfile> profile = oci::seccomp_profile(seccomp);
  REQUIRE_FALSE(profile.ok());
  CHECK(profile.error().code == ErrorCode::Invalid);
  return profile.error().message;
}

}  // namespace

// ---- conversion ---------------------------------------------------------------------

TEST_CASE("the default action: SCMP_ACT_ERRNO without defaultErrnoRet is EPERM", "[unit][oci][seccomp]") {
  CHECK(profile_of(R"({"defaultAction": "SCMP_ACT_ERRNO"})").default_action == SeccompAction::error(EPERM));
  CHECK(profile_of(R"({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38})").default_action ==
        SeccompAction::error(ENOSYS));
  CHECK(profile_of(R"({"defaultAction": "SCMP_ACT_ALLOW"})").default_action == SeccompAction::allow());
  SeccompProfile profile = profile_of(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": []})");
  CHECK(profile.rules.empty());
  CHECK(profile.allowed.empty());
}

TEST_CASE("every libseccomp action but NOTIFY has a kind; SCMP_ACT_KILL kills the thread", "[unit][oci][seccomp]") {
  struct Case {
    const char* name;
    SeccompAction::Kind kind;
  };
  auto c = GENERATE(values<Case>({
      {"SCMP_ACT_KILL", SeccompAction::KillThread},
      {"SCMP_ACT_KILL_THREAD", SeccompAction::KillThread},
      {"SCMP_ACT_KILL_PROCESS", SeccompAction::KillProcess},
      {"SCMP_ACT_TRAP", SeccompAction::Trap},
      {"SCMP_ACT_ERRNO", SeccompAction::Errno},
      {"SCMP_ACT_TRACE", SeccompAction::Trace},
      {"SCMP_ACT_ALLOW", SeccompAction::Allow},
      {"SCMP_ACT_LOG", SeccompAction::Log},
  }));
  INFO(c.name);
  SeccompProfile profile = profile_of(std::string(R"({"defaultAction": ")") + c.name +
                                      R"(", "syscalls": [{"names": ["getppid"], "action": ")" + c.name + R"("}]})");
  CHECK(profile.default_action.kind == c.kind);
  REQUIRE(profile.rules.size() == 1);
  CHECK(profile.rules[0].action.kind == c.kind);
}

TEST_CASE("errnoRet: ERRNO and TRACE take it, EPERM when absent; other actions ignore it", "[unit][oci][seccomp]") {
  SeccompProfile profile = profile_of(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
      {"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13},
      {"names": ["rmdir"], "action": "SCMP_ACT_ERRNO"},
      {"names": ["getppid"], "action": "SCMP_ACT_TRACE", "errnoRet": 7},
      {"names": ["getpid"], "action": "SCMP_ACT_LOG", "errnoRet": 13}]})");
  REQUIRE(profile.rules.size() == 4);
  CHECK(profile.rules[0].action == SeccompAction::error(EACCES));
  CHECK(profile.rules[1].action == SeccompAction::error(EPERM));
  CHECK(profile.rules[2].action.kind == SeccompAction::Trace);
  CHECK(profile.rules[2].action.errno_ret == 7);
  CHECK(profile.rules[3].action.kind == SeccompAction::Log);  // as runc: the errnoRet is dropped
}

TEST_CASE("each name of an entry gets a rule, in order, with the entry's args AND-ed", "[unit][oci][seccomp]") {
  SeccompProfile profile = profile_of(R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [
      {"names": ["socket", "socketpair"], "action": "SCMP_ACT_ALLOW",
       "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_EQ"},
                {"index": 1, "value": 2, "op": "SCMP_CMP_NE"}]},
      {"names": ["read"], "action": "SCMP_ACT_ALLOW"}]})");
  REQUIRE(profile.rules.size() == 3);
  CHECK(profile.rules[0].syscall == "socket");
  CHECK(profile.rules[1].syscall == "socketpair");
  CHECK(profile.rules[2].syscall == "read");
  for (int i : {0, 1}) {
    const SeccompRule& rule = profile.rules[i];
    INFO(rule.syscall);
    CHECK(rule.action == SeccompAction::allow());
    REQUIRE(rule.args.size() == 2);
    CHECK(rule.args[0].index == 0);
    CHECK(rule.args[0].op == Op::Equal);
    CHECK(rule.args[0].value == 1);
    CHECK(rule.args[1].index == 1);
    CHECK(rule.args[1].op == Op::NotEqual);
    CHECK(rule.args[1].value == 2);
    CHECK(rule.why == "linux.seccomp.syscalls[0]");
  }
  CHECK(profile.rules[2].args.empty());
}

TEST_CASE("args testing the same index give one rule each, OR-ed, as runc adds them", "[unit][oci][seccomp]") {
  // runc's matchCall: once two args share an index, *every* arg of the entry gets a rule
  // of its own, the one on index 1 included.
  SeccompProfile profile = profile_of(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
      {"names": ["getsid"], "action": "SCMP_ACT_ERRNO",
       "args": [{"index": 0, "value": 111, "op": "SCMP_CMP_EQ"},
                {"index": 0, "value": 222, "op": "SCMP_CMP_EQ"},
                {"index": 1, "value": 333, "op": "SCMP_CMP_EQ"}]}]})");
  REQUIRE(profile.rules.size() == 3);
  std::vector<std::pair<unsigned, uint64_t>> conditions;
  for (const SeccompRule& rule : profile.rules) {
    CHECK(rule.syscall == "getsid");
    REQUIRE(rule.args.size() == 1);
    conditions.emplace_back(rule.args[0].index, rule.args[0].value);
  }
  CHECK(conditions == std::vector<std::pair<unsigned, uint64_t>>{{0, 111}, {0, 222}, {1, 333}});
}

TEST_CASE("operators map to libseccomp's; MASKED_EQ's value is the mask, valueTwo the datum",
          "[unit][oci][seccomp]") {
  SeccompProfile profile = profile_of(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
      {"names": ["umask"], "action": "SCMP_ACT_ERRNO", "args": [
        {"index": 0, "value": 1, "op": "SCMP_CMP_NE"},
        {"index": 1, "value": 2, "op": "SCMP_CMP_LT"},
        {"index": 2, "value": 3, "op": "SCMP_CMP_LE"},
        {"index": 3, "value": 4, "op": "SCMP_CMP_EQ"},
        {"index": 4, "value": 5, "op": "SCMP_CMP_GE"},
        {"index": 5, "value": 6, "op": "SCMP_CMP_GT"}]},
      {"names": ["clone"], "action": "SCMP_ACT_ERRNO", "args": [
        {"index": 0, "value": 2114060288, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"}]}]})");
  REQUIRE(profile.rules.size() == 2);
  const std::vector<Op> ops = {Op::NotEqual, Op::Less, Op::LessOrEqual, Op::Equal, Op::GreaterOrEqual, Op::Greater};
  REQUIRE(profile.rules[0].args.size() == ops.size());
  for (size_t i = 0; i < ops.size(); ++i) {
    INFO("args[" << i << "]");
    CHECK(profile.rules[0].args[i].op == ops[i]);
    CHECK(profile.rules[0].args[i].value == i + 1);
  }
  // Docker's clone rule: no CLONE_NEW* flag, i.e. (flags & 0x7e020000) == 0.
  REQUIRE(profile.rules[1].args.size() == 1);
  CHECK(profile.rules[1].args[0].op == Op::MaskedEqual);
  CHECK(profile.rules[1].args[0].mask == 0x7e020000);
  CHECK(profile.rules[1].args[0].value == 0);
}

TEST_CASE("flags: absent is SPEC_ALLOW (runc's default), present is exactly the list", "[unit][oci][seccomp]") {
  SeccompProfile absent = profile_of(R"({"defaultAction": "SCMP_ACT_ALLOW"})");
  CHECK(absent.flags.spec_allow);
  CHECK_FALSE(absent.flags.log);
  CHECK_FALSE(absent.flags.tsync);
  SeccompProfile empty = profile_of(R"({"defaultAction": "SCMP_ACT_ALLOW", "flags": []})");
  CHECK_FALSE(empty.flags.spec_allow);
  SeccompProfile listed = profile_of(
      R"({"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_TSYNC"]})");
  CHECK(listed.flags.log);
  CHECK(listed.flags.tsync);
  CHECK_FALSE(listed.flags.spec_allow);
}

TEST_CASE("architectures are kept as config.json names them", "[unit][oci][seccomp]") {
  CHECK(profile_of(R"({"defaultAction": "SCMP_ACT_ALLOW"})").architectures.empty());
  SeccompProfile profile = profile_of(
      R"({"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"]})");
  CHECK(profile.architectures == std::vector<std::string>{"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"});
}

TEST_CASE("SCMP_ACT_NOTIFY is refused, naming the field", "[unit][oci][seccomp]") {
  SECTION("in a rule") {
    oci::Seccomp seccomp = parsed(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
        {"names": ["getpid"], "action": "SCMP_ACT_ERRNO"},
        {"names": ["mkdir"], "action": "SCMP_ACT_ERRNO"},
        {"names": ["openat"], "action": "SCMP_ACT_NOTIFY"}], "listenerPath": "/run/agent.sock"})");
    CHECK_THAT(error_of(seccomp), Catch::StartsWith("`linux.seccomp.syscalls[2].action`: SCMP_ACT_NOTIFY is not supported"));
  }
  SECTION("as the default") {
    oci::Seccomp seccomp = parsed(R"({"defaultAction": "SCMP_ACT_NOTIFY"})");
    CHECK_THAT(error_of(seccomp), Catch::StartsWith("`linux.seccomp.defaultAction`: SCMP_ACT_NOTIFY is not supported"));
  }
  SECTION("the flag that only matters to it") {
    oci::Seccomp seccomp =
        parsed(R"({"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"]})");
    CHECK_THAT(error_of(seccomp), Catch::StartsWith("`linux.seccomp.flags[0]`: not supported"));
  }
}

TEST_CASE("what parse_spec lets through, or a hand-built spec holds, fails naming its field", "[unit][oci][seccomp]") {
  oci::Seccomp seccomp;
  seccomp.defaultAction = "SCMP_ACT_ALLOW";
  oci::SeccompSyscall entry{{"mkdir"}, "SCMP_ACT_ERRNO", std::nullopt, {}};
  std::string message;
  SECTION("an errnoRet wider than the kernel's 16 bits") {
    entry.errnoRet = 65536 + EPERM;  // truncated, it would quietly become EPERM
    message = "`linux.seccomp.syscalls[0].errnoRet`: 65537 does not fit in 16 bits";
  }
  SECTION("a defaultErrnoRet likewise") {
    seccomp.defaultAction = "SCMP_ACT_ERRNO";
    seccomp.defaultErrnoRet = 70000;
    message = "`linux.seccomp.defaultErrnoRet`: 70000 does not fit in 16 bits";
  }
  SECTION("an unknown action") {
    entry.action = "SCMP_ACT_MAYBE";
    message = "`linux.seccomp.syscalls[0].action`: unknown action `SCMP_ACT_MAYBE`";
  }
  SECTION("an unknown operator") {
    entry.args = {{0, 1, 0, "SCMP_CMP_ALMOST"}};
    message = "`linux.seccomp.syscalls[0].args[0].op`: unknown operator `SCMP_CMP_ALMOST`";
  }
  SECTION("a seventh argument") {
    entry.args = {{1, 1, 0, "SCMP_CMP_EQ"}, {6, 1, 0, "SCMP_CMP_EQ"}};
    message = "`linux.seccomp.syscalls[0].args[1].index`: want 0 to 5, got 6";
  }
  SECTION("an empty name") {
    entry.names = {"mkdir", ""};
    message = "`linux.seccomp.syscalls[0].names[1]`: must not be empty";
  }
  SECTION("no default action") {
    seccomp.defaultAction = "";
    message = "`linux.seccomp.defaultAction`: missing (required)";
  }
  seccomp.syscalls = {entry};
  CHECK(error_of(seccomp) == message);
}

// ---- the filters, loaded ------------------------------------------------------------

namespace {


// 0 when the call succeeded, otherwise its errno.
int answer(long rc) { return rc < 0 ? errno : 0; }

// One call the child makes once the filter is loaded.
struct Call {
  std::string name;
  std::function<long()> call;  // the raw return value: -1 with errno on failure
};

// What a child answered: "load" when loading failed, one errno (0: success) per call;
// and how it ended ("exit 0", "signal 31").
struct Answers {
  std::map<std::string, std::string> by_name;
  std::string end;
  int operator[](const std::string& name) const {
    auto it = by_name.find(name);
    return it == by_name.end() ? -1 : std::stoi(it->second);
  }
};

// Forks a child that loads `profile`, makes `calls` in order and reports their answers
// through a pipe, line by line, so the answers before a fatal call survive it.
Answers run_under(const SeccompProfile& profile, const std::vector<Call>& calls) {
  int fds[2];
  REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(fds[0]);
    rlimit no_core{0, 0};  // a call killed with SIGSYS would dump core: not here
    ::setrlimit(RLIMIT_CORE, &no_core);
    ::prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);  // nor to a core_pattern pipe
    auto say = [&](const std::string& line) {
      if (::write(fds[1], line.data(), line.size()) != static_cast<ssize_t>(line.size())) ::_exit(2);
    };
    if (Status s = runtime::load_seccomp(profile); !s) {
      say("load\t" + s.error().message + "\n");
      ::_exit(1);
    }
    for (const Call& c : calls) {
      char line[256];  // formatted on the stack: the filter may deny what an allocation needs
      int err = answer(c.call());
      int n = std::snprintf(line, sizeof line, "%s\t%d\n", c.name.c_str(), err);
      if (::write(fds[1], line, static_cast<size_t>(n)) != n) ::_exit(2);
    }
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string text;
  char buf[4096];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) != 0;) {
    if (n > 0) text.append(buf, static_cast<size_t>(n));
    if (n < 0 && errno != EINTR) break;
  }
  ::close(fds[0]);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  Answers answers;
  answers.end = WIFEXITED(status) ? "exit " + std::to_string(WEXITSTATUS(status))
                                  : "signal " + std::to_string(WTERMSIG(status));
  std::istringstream in(text);
  for (std::string name, value; std::getline(in, name, '\t') && std::getline(in, value);) {
    answers.by_name[name] = value;
  }
  INFO("child's report:\n" << text << answers.end);
  REQUIRE(answers.by_name.count("load") == 0);
  return answers;
}

}  // namespace

TEST_CASE("under SCMP_ACT_ALLOW, a rule answers mkdir with errnoRet 13, EACCES", "[root][oci][seccomp]") {
  TempDir dir;
  const std::string made = dir.path() / "made", also = dir.path() / "also", missing = dir.path() / "missing";
  SeccompProfile profile = profile_of(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
      {"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 13}]})");
  Answers a = run_under(profile, {
      {"mkdir", [&] { return ::syscall(SYS_mkdir, made.c_str(), 0755); }},
      {"mkdirat", [&] { return ::syscall(SYS_mkdirat, AT_FDCWD, also.c_str(), 0755); }},
      {"rmdir", [&] { return ::rmdir(missing.c_str()); }},  // allowed: the kernel's own answer
      {"getpid", [] { return ::syscall(SYS_getpid); }},
  });
  CHECK(a.end == "exit 0");
  CHECK(a["mkdir"] == EACCES);
  CHECK(a["mkdirat"] == EACCES);
  CHECK(a["rmdir"] == ENOENT);
  CHECK(a["getpid"] == 0);
  CHECK_FALSE(std::filesystem::exists(made));  // refused before the kernel ran it
  CHECK_FALSE(std::filesystem::exists(also));
}

TEST_CASE("argument rules: GE, MASKED_EQ, two args AND-ed, one arg OR-ed", "[root][oci][seccomp]") {
  // Pids above PID_MAX_LIMIT (4194304) never exist: unfiltered, the kernel says ESRCH. The
  // rules answer with errnos these calls never give, so each answer shows who gave it.
  SeccompProfile profile = profile_of(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
      {"names": ["getpgid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 34,
       "args": [{"index": 0, "value": 5000000, "op": "SCMP_CMP_GE"}]},
      {"names": ["umask"], "action": "SCMP_ACT_ERRNO", "errnoRet": 33,
       "args": [{"index": 0, "value": 448, "valueTwo": 320, "op": "SCMP_CMP_MASKED_EQ"}]},
      {"names": ["getpriority"], "action": "SCMP_ACT_ERRNO", "errnoRet": 18,
       "args": [{"index": 0, "value": 2, "op": "SCMP_CMP_EQ"}, {"index": 1, "value": 4242, "op": "SCMP_CMP_EQ"}]},
      {"names": ["getsid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 25,
       "args": [{"index": 0, "value": 5000001, "op": "SCMP_CMP_EQ"}, {"index": 0, "value": 5000002, "op": "SCMP_CMP_EQ"}]}]})");
  Answers a = run_under(profile, {
      {"getpgid(0)", [] { return ::syscall(SYS_getpgid, 0); }},
      {"getpgid(4999999)", [] { return ::syscall(SYS_getpgid, 4999999); }},
      {"getpgid(5000000)", [] { return ::syscall(SYS_getpgid, 5000000); }},
      {"getpgid(6000000)", [] { return ::syscall(SYS_getpgid, 6000000); }},
      {"umask(0077)", [] { return ::syscall(SYS_umask, 0077); }},
      {"umask(0500)", [] { return ::syscall(SYS_umask, 0500); }},
      {"umask(0577)", [] { return ::syscall(SYS_umask, 0577); }},
      {"umask(0777)", [] { return ::syscall(SYS_umask, 0777); }},
      {"getpriority(PRIO_USER, 4242)", [] { return ::syscall(SYS_getpriority, PRIO_USER, 4242); }},
      {"getpriority(PRIO_USER, 4243)", [] { return ::syscall(SYS_getpriority, PRIO_USER, 4243); }},
      {"getpriority(PRIO_PROCESS, 4242)", [] { return ::syscall(SYS_getpriority, PRIO_PROCESS, 4242); }},
      {"getsid(5000001)", [] { return ::syscall(SYS_getsid, 5000001); }},
      {"getsid(5000002)", [] { return ::syscall(SYS_getsid, 5000002); }},
      {"getsid(5000003)", [] { return ::syscall(SYS_getsid, 5000003); }},
  });
  CHECK(a.end == "exit 0");
  CHECK(a["getpgid(0)"] == 0);
  CHECK(a["getpgid(4999999)"] == ESRCH);
  CHECK(a["getpgid(5000000)"] == ERANGE);
  CHECK(a["getpgid(6000000)"] == ERANGE);
  // (mask & 0700) == 0500: value 0700 is the mask, valueTwo 0500 the datum.
  CHECK(a["umask(0077)"] == 0);     // 0000
  CHECK(a["umask(0500)"] == EDOM);  // 0500
  CHECK(a["umask(0577)"] == EDOM);  // 0500
  CHECK(a["umask(0777)"] == 0);     // 0700
  CHECK(a["getpriority(PRIO_USER, 4242)"] == EXDEV);  // both args hold
  CHECK(a["getpriority(PRIO_USER, 4243)"] != EXDEV);  // one does not
  CHECK(a["getpriority(PRIO_PROCESS, 4242)"] != EXDEV);
  CHECK(a["getsid(5000001)"] == ENOTTY);  // either value
  CHECK(a["getsid(5000002)"] == ENOTTY);
  CHECK(a["getsid(5000003)"] == ESRCH);
}

TEST_CASE("default SCMP_ACT_ERRNO with an allow-list: listed calls run, the rest fail", "[root][oci][seccomp]") {
  // What the child itself needs after loading: its report (write), its end (exit_group).
  const std::string allow = R"({"names": ["write", "exit", "exit_group", "getpid", "brk", "mmap", "munmap",
      "rt_sigprocmask", "rt_sigreturn", "futex"], "action": "SCMP_ACT_ALLOW"})";
  std::vector<Call> calls = {
      {"getpid", [] { return ::syscall(SYS_getpid); }},
      {"getppid", [] { return ::syscall(SYS_getppid); }},
      {"mkdir", [] { return ::syscall(SYS_mkdir, "/nonexistent/kubepp", 0755); }},
  };
  SECTION("without defaultErrnoRet: EPERM") {
    Answers a = run_under(profile_of(R"({"defaultAction": "SCMP_ACT_ERRNO", "syscalls": [)" + allow + "]}"), calls);
    CHECK(a.end == "exit 0");
    CHECK(a["getpid"] == 0);
    CHECK(a["getppid"] == EPERM);
    CHECK(a["mkdir"] == EPERM);  // the kernel would have said ENOENT
  }
  SECTION("with defaultErrnoRet 38: ENOSYS") {
    Answers a = run_under(
        profile_of(R"({"defaultAction": "SCMP_ACT_ERRNO", "defaultErrnoRet": 38, "syscalls": [)" + allow + "]}"),
        calls);
    CHECK(a.end == "exit 0");
    CHECK(a["getpid"] == 0);
    CHECK(a["getppid"] == ENOSYS);
    CHECK(a["mkdir"] == ENOSYS);
  }
}

TEST_CASE("actions: KILL_PROCESS and KILL end the child with SIGSYS, TRACE without a tracer is ENOSYS, LOG runs",
          "[root][oci][seccomp]") {
  auto with_getppid = [](const std::string& action) {
    return profile_of(R"({"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["getppid"], "action": ")" +
                      action + R"("}]})");
  };
  const std::vector<Call> calls = {
      {"getpid", [] { return ::syscall(SYS_getpid); }},
      {"getppid", [] { return ::syscall(SYS_getppid); }},
  };
  SECTION("SCMP_ACT_KILL_PROCESS") {
    Answers a = run_under(with_getppid("SCMP_ACT_KILL_PROCESS"), calls);
    CHECK(a["getpid"] == 0);  // made before the fatal call
    CHECK(a.by_name.count("getppid") == 0);
    CHECK(a.end == "signal " + std::to_string(SIGSYS));
  }
  SECTION("SCMP_ACT_KILL: the only thread, so the process") {
    Answers a = run_under(with_getppid("SCMP_ACT_KILL"), calls);
    CHECK(a.by_name.count("getppid") == 0);
    CHECK(a.end == "signal " + std::to_string(SIGSYS));
  }
  SECTION("SCMP_ACT_TRACE") {
    Answers a = run_under(with_getppid("SCMP_ACT_TRACE"), calls);
    CHECK(a["getppid"] == ENOSYS);
    CHECK(a.end == "exit 0");
  }
  SECTION("SCMP_ACT_LOG") {
    Answers a = run_under(with_getppid("SCMP_ACT_LOG"), calls);
    CHECK(a["getppid"] == 0);
    CHECK(a.end == "exit 0");
  }
}

TEST_CASE("architectures and flags load; a rule with the default action is skipped, not refused",
          "[root][oci][seccomp]") {
  SeccompProfile profile = profile_of(R"({"defaultAction": "SCMP_ACT_ALLOW",
      "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
      "flags": ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW", "SECCOMP_FILTER_FLAG_TSYNC"],
      "syscalls": [{"names": ["getpid"], "action": "SCMP_ACT_ALLOW"},
                   {"names": ["getppid"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}]})");
  Answers a = run_under(profile, {
      {"getpid", [] { return ::syscall(SYS_getpid); }},
      {"getppid", [] { return ::syscall(SYS_getppid); }},
  });
  CHECK(a["getpid"] == 0);
  CHECK(a["getppid"] == ENOSYS);
}

TEST_CASE("load_seccomp names an architecture libseccomp does not know", "[root][oci][seccomp]") {
  SeccompProfile profile = profile_of(R"({"defaultAction": "SCMP_ACT_ALLOW"})");
  profile.architectures = {"SCMP_ARCH_X86_64", "SCMP_ARCH_PDP11"};
  int fds[2];
  REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {  // nothing is loaded when it fails, but a child keeps the parent safe if it did
    Status s = runtime::load_seccomp(profile);
    std::string message = s ? "loaded" : s.error().message;
    ssize_t n = ::write(fds[1], message.data(), message.size());
    ::_exit(n == static_cast<ssize_t>(message.size()) ? 0 : 1);
  }
  ::close(fds[1]);
  char buf[256];
  ssize_t n = ::read(fds[0], buf, sizeof buf);
  ::close(fds[0]);
  int status = 0;
  REQUIRE(::waitpid(pid, &status, 0) == pid);
  REQUIRE(n > 0);
  CHECK(std::string(buf, static_cast<size_t>(n)) == "seccomp_arch_add `SCMP_ARCH_PDP11`: unknown architecture");
}

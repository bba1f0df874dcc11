// The default seccomp profile: the tables (Docker's profile, Kubernetes' RuntimeDefault) and
// what a process meets once the filter is loaded.
//
// Loading a filter needs no root (the loader sets no_new_privs when it must), but it cannot be
// undone, so every behaviour case forks a child, loads the profile there, makes its calls and
// writes back what they answered. Each call runs twice, before and after loading, so a case
// also shows that the kernel alone would have answered differently.
#include "runtime/seccomp.h"

#include <fcntl.h>
#include <linux/capability.h>
#include <sched.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>
#include <system_error>
#include <thread>

using namespace kubepp::runtime;

namespace {

constexpr uint64_t kDockerDefaultCaps = 0x00000000a80425fbULL;
constexpr uint64_t kNamespaceFlags = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER |
                                     CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP;

uint64_t plus(uint64_t caps, int capability) { return caps | (uint64_t{1} << capability); }

// Syscalls of the profile that libseccomp learned late (kernels 5.11 to 5.17, libseccomp 2.5.2
// to 2.5.4). Debian's 2.5.4 knows them all; an older libseccomp skips these and only these.
const std::vector<std::string> kNamesOlderLibseccompLacks = {
    "epoll_pwait2", "futex_waitv",       "landlock_add_rule", "landlock_create_ruleset",
    "landlock_restrict_self", "memfd_secret", "mount_setattr", "process_madvise",
    "process_mrelease", "quotactl_fd", "set_mempolicy_home_node",
};

// 0 when the call succeeded, otherwise its errno.
int answer(long rc) { return rc < 0 ? errno : 0; }

// The number after `field:` in /proc/self/status, or -1.
int status_field(const std::string& field) {
  std::ifstream status("/proc/self/status");
  for (std::string line; std::getline(status, line);) {
    if (line.rfind(field + ":", 0) == 0) return std::stoi(line.substr(field.size() + 1));
  }
  return -1;
}

bool has_effective_capability(int capability) {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  if (::syscall(SYS_capget, &header, data) != 0) return false;
  return (data[capability / 32].effective >> (capability % 32)) & 1;
}

// Lowers the effective set by one capability (always permitted; the permitted set keeps it).
void drop_effective_capability(int capability) {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  if (::syscall(SYS_capget, &header, data) != 0) return;
  data[capability / 32].effective &= ~(1u << (capability % 32));
  (void)::syscall(SYS_capset, &header, data);
}

// Waits for a grandchild and answers 0 when it exited with `code`.
int reap(pid_t pid, int code) {
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid) return errno;
  return WIFEXITED(status) && WEXITSTATUS(status) == code ? 0 : -1;
}

// Runs `body` in a forked child and returns the text it returned.
std::string in_child(const std::function<std::string()>& body) {
  int fds[2];
  REQUIRE(::pipe2(fds, O_CLOEXEC) == 0);
  pid_t pid = ::fork();
  REQUIRE(pid >= 0);
  if (pid == 0) {
    ::close(fds[0]);
    std::string report;
    try {
      report = body();
    } catch (const std::exception& e) {
      report = std::string("exception: ") + e.what();
    }
    for (size_t done = 0; done < report.size();) {
      ssize_t n = ::write(fds[1], report.data() + done, report.size() - done);
      if (n <= 0) ::_exit(1);
      done += n;
    }
    ::_exit(0);
  }
  ::close(fds[1]);
  std::string report;
  char buf[4096];
  for (ssize_t n; (n = ::read(fds[0], buf, sizeof buf)) > 0;) report.append(buf, n);
  ::close(fds[0]);
  CHECK(reap(pid, 0) == 0);
  return report;
}

// A call made by the child, answering 0 or an errno (or a number it reads, for "seccomp").
struct Probe {
  std::string name;
  std::function<int()> call;
  bool run_unfiltered = true;  // false: making the call unfiltered would change the host
};

const std::vector<Probe>& probes() {
  static const std::vector<Probe> all = {
      {"seccomp", [] { return status_field("Seccomp"); }},
      // No such keyctl command: the kernel says EOPNOTSUPP, the filter EPERM.
      {"keyctl", [] { return answer(::syscall(SYS_keyctl, 0x7fffffff, 0, 0, 0, 0)); }},
      {"add_key", [] { return answer(::syscall(SYS_add_key, nullptr, nullptr, nullptr, 0, 0)); }},
      {"open_by_handle_at", [] { return answer(::syscall(SYS_open_by_handle_at, -1, nullptr, O_RDONLY)); }},
      {"clone3", [] { return answer(::syscall(SYS_clone3, nullptr, 0)); }},
      {"unshare(CLONE_NEWNS)", [] { return answer(::unshare(CLONE_NEWNS)); }},
      {"clone(CLONE_NEWUTS)", [] {
         long pid = ::syscall(SYS_clone, CLONE_NEWUTS | SIGCHLD, nullptr, nullptr, nullptr, 0);
         if (pid == 0) ::_exit(0);
         return pid < 0 ? errno : reap(static_cast<pid_t>(pid), 0);
       }},
      {"personality(ADDR_NO_RANDOMIZE)", [] {
         int old = ::personality(0xffffffff);
         int rc = ::personality(ADDR_NO_RANDOMIZE);
         if (rc >= 0) ::personality(old);
         return answer(rc);
       }},
      {"socket(AF_VSOCK)", [] {
         int fd = ::socket(AF_VSOCK, SOCK_STREAM | SOCK_CLOEXEC, 0);
         if (fd >= 0) ::close(fd);
         return answer(fd);
       },
       false},  // unfiltered, it could load the vsock module into the host's kernel
      {"getpid", [] { return answer(::syscall(SYS_getpid)); }},
      {"write", [] { return answer(::write(STDERR_FILENO, "", 0)); }},
      {"openat", [] {
         int fd = ::openat(AT_FDCWD, "/proc/self/status", O_RDONLY | O_CLOEXEC);
         if (fd >= 0) ::close(fd);
         return answer(fd);
       }},
      {"fork", [] {
         pid_t pid = ::fork();  // glibc's fork is clone(SIGCHLD | CLONE_CHILD_*): no namespace flag
         if (pid == 0) ::_exit(7);
         return pid < 0 ? errno : reap(pid, 7);
       }},
      {"thread", [] {  // glibc tries clone3 first and falls back to clone on ENOSYS only
         try {
           std::thread([] {}).join();
           return 0;
         } catch (const std::system_error& e) {
           return e.code().value();
         }
       }},
      {"personality(query)", [] { return answer(::personality(0xffffffff)); }},
      {"socket(AF_UNIX)", [] {
         int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
         if (fd >= 0) ::close(fd);
         return answer(fd);
       }},
  };
  return all;
}

// What each probe answered in a child before and after it loaded `profile`.
struct Answers {
  std::string load_error;  // empty when the profile loaded
  std::map<std::string, std::pair<int, int>> by_probe;
  int before(const std::string& probe) const { return by_probe.at(probe).first; }
  int after(const std::string& probe) const { return by_probe.at(probe).second; }
};

Answers run_probes(const SeccompProfile& profile) {
  std::string report = in_child([&profile] {
    std::vector<int> before;
    for (const Probe& p : probes()) before.push_back(p.run_unfiltered ? p.call() : -1);
    if (kubepp::Status s = load_seccomp(profile); !s) return "load\t" + s.error().message + "\n";
    std::ostringstream out;
    for (size_t i = 0; i < probes().size(); ++i) {
      out << probes()[i].name << '\t' << before[i] << '\t' << probes()[i].call() << '\n';
    }
    return out.str();
  });
  Answers answers;
  std::istringstream in(report);
  for (std::string name, rest; std::getline(in, name, '\t') && std::getline(in, rest);) {
    if (name == "load") {
      answers.load_error = rest;
      continue;
    }
    std::istringstream numbers(rest);
    int before = 0, after = 0;
    numbers >> before >> after;
    answers.by_probe[name] = {before, after};
  }
  INFO("child's report:\n" << report);
  REQUIRE(answers.load_error.empty());
  REQUIRE(answers.by_probe.size() == probes().size());
  return answers;
}

}  // namespace

TEST_CASE("the default profile allows what ordinary programs call", "[unit][seccomp]") {
  SeccompProfile profile = default_seccomp_profile(kDockerDefaultCaps);
  for (const char* name : {"read", "write", "openat", "close", "execve", "exit_group", "mmap", "futex",
                           "rt_sigaction", "getpid", "wait4", "arch_prctl", "setuid", "capset"}) {
    INFO(name);
    CHECK(profile.allows(name));
  }
  CHECK(profile.allows("chroot"));  // CAP_SYS_CHROOT is one of Docker's 14 defaults
  CHECK(profile.default_action == SeccompAction::error(EPERM));
}

TEST_CASE("the default profile denies the calls containers escape through", "[unit][seccomp]") {
  SeccompProfile profile = default_seccomp_profile(kDockerDefaultCaps);
  for (const char* name : {"keyctl", "add_key", "request_key", "kexec_load", "open_by_handle_at", "bpf",
                           "mount", "umount2", "unshare", "setns", "reboot", "init_module", "perf_event_open",
                           "clone", "clone3"}) {
    INFO(name);
    CHECK_FALSE(profile.allows(name));
  }
  for (const char* name : {"keyctl", "add_key", "kexec_load", "open_by_handle_at", "bpf", "mount"}) {
    INFO(name);
    CHECK(profile.rules_for(name).empty());
  }
  CHECK_FALSE(default_seccomp_profile(0).allows("chroot"));
}

TEST_CASE("argument rules: clone without namespace flags, clone3 ENOSYS, personality, socket",
          "[unit][seccomp]") {
  SeccompProfile profile = default_seccomp_profile(kDockerDefaultCaps);
  SECTION("clone passes only when no CLONE_NEW* flag is set") {
    auto rules = profile.rules_for("clone");
    REQUIRE(rules.size() == 1);
    REQUIRE(rules[0].args.size() == 1);
    CHECK(rules[0].args[0].index == 0);
    CHECK(rules[0].args[0].op == SeccompArg::Op::MaskedEqual);
    CHECK(rules[0].args[0].mask == kNamespaceFlags);
    CHECK(rules[0].args[0].value == 0);
    CHECK(rules[0].action == SeccompAction::allow());
  }
  SECTION("clone3 answers ENOSYS") {
    auto rules = profile.rules_for("clone3");
    REQUIRE(rules.size() == 1);
    CHECK(rules[0].args.empty());
    CHECK(rules[0].action == SeccompAction::error(ENOSYS));
  }
  SECTION("personality takes only Docker's five values") {
    std::vector<uint64_t> values;
    for (const SeccompRule& rule : profile.rules_for("personality")) {
      REQUIRE(rule.args.size() == 1);
      CHECK(rule.args[0].op == SeccompArg::Op::Equal);
      values.push_back(rule.args[0].value);
    }
    std::sort(values.begin(), values.end());
    CHECK(values == std::vector<uint64_t>{0x0, 0x8, 0x20000, 0x20008, 0xffffffff});
  }
  SECTION("socket takes any family but AF_VSOCK") {
    auto rules = profile.rules_for("socket");
    REQUIRE(rules.size() == 1);
    CHECK(rules[0].args[0].op == SeccompArg::Op::NotEqual);
    CHECK(rules[0].args[0].value == AF_VSOCK);
  }
}

TEST_CASE("capabilities unlock their groups of calls", "[unit][seccomp]") {
  SECTION("CAP_SYS_ADMIN: mount and namespaces; clone and clone3 lose their rules") {
    SeccompProfile profile = default_seccomp_profile(plus(kDockerDefaultCaps, CAP_SYS_ADMIN));
    for (const char* name : {"mount", "umount2", "unshare", "setns", "clone", "clone3", "bpf", "sethostname"}) {
      INFO(name);
      CHECK(profile.allows(name));
    }
    CHECK(profile.rules_for("clone").empty());
    CHECK(profile.rules_for("clone3").empty());
    CHECK_FALSE(profile.allows("keyctl"));
  }
  SECTION("CAP_SYS_PTRACE: kcmp and pidfd_getfd") {
    CHECK_FALSE(default_seccomp_profile(kDockerDefaultCaps).allows("kcmp"));
    SeccompProfile profile = default_seccomp_profile(plus(kDockerDefaultCaps, CAP_SYS_PTRACE));
    CHECK(profile.allows("kcmp"));
    CHECK(profile.allows("pidfd_getfd"));
  }
  SECTION("CAP_BPF alone: bpf but not mount") {
    SeccompProfile profile = default_seccomp_profile(plus(kDockerDefaultCaps, CAP_BPF));
    CHECK(profile.allows("bpf"));
    CHECK_FALSE(profile.allows("mount"));
  }
  SECTION("one capability, one group: CAP_SYS_TIME") {
    SeccompProfile profile = default_seccomp_profile(plus(0, CAP_SYS_TIME));
    CHECK(profile.allows("settimeofday"));
    CHECK(profile.allows("clock_settime"));
    CHECK_FALSE(profile.allows("reboot"));
  }
}

TEST_CASE("the tables are sorted, without duplicates, and name calls libseccomp knows", "[unit][seccomp]") {
  auto strictly_sorted = [](const auto& names) {
    return std::adjacent_find(names.begin(), names.end(), [](const auto& a, const auto& b) { return !(a < b); }) ==
           names.end();
  };
  CHECK(strictly_sorted(docker_allowed_syscalls()));
  CHECK(docker_allowed_syscalls().size() > 300);
  for (const CapabilityGroup& group : docker_capability_groups()) {
    INFO(group.name);
    CHECK(strictly_sorted(group.syscalls));
  }
  SeccompProfile everything = default_seccomp_profile(~uint64_t{0});
  CHECK(strictly_sorted(everything.allowed));
  for (const SeccompRule& rule : default_seccomp_profile(0).rules) {
    INFO(rule.syscall);
    CHECK_FALSE(default_seccomp_profile(0).allows(rule.syscall));
  }
  for (const std::string& name : unresolved_syscalls(everything)) {
    INFO(name << " is unknown to this libseccomp");
    CHECK(std::find(kNamesOlderLibseccompLacks.begin(), kNamesOlderLibseccompLacks.end(), name) !=
          kNamesOlderLibseccompLacks.end());
  }
  SeccompProfile with_typo = everything;
  with_typo.allowed.push_back("no_such_syscall");
  CHECK(unresolved_syscalls(with_typo).back() == "no_such_syscall");
}

TEST_CASE("under the default profile, escape calls fail and ordinary ones still work", "[unit][seccomp]") {
  Answers a = run_probes(default_seccomp_profile(kDockerDefaultCaps));

  CHECK(a.after("seccomp") == 2);  // SECCOMP_MODE_FILTER
  CHECK(a.after("keyctl") == EPERM);
  CHECK(a.after("add_key") == EPERM);
  CHECK(a.after("open_by_handle_at") == EPERM);
  CHECK(a.after("clone3") == ENOSYS);
  CHECK(a.after("unshare(CLONE_NEWNS)") == EPERM);
  CHECK(a.after("clone(CLONE_NEWUTS)") == EPERM);
  CHECK(a.after("personality(ADDR_NO_RANDOMIZE)") == EPERM);
  CHECK(a.after("socket(AF_VSOCK)") == EPERM);
  for (const char* allowed : {"getpid", "write", "openat", "fork", "thread", "personality(query)", "socket(AF_UNIX)"}) {
    INFO(allowed << " answered " << a.after(allowed) << " under the filter");
    CHECK(a.after(allowed) == 0);
  }

  // Unfiltered, the kernel answers differently: the checks above see the filter at work.
  if (a.before("seccomp") != 0) {
    WARN("this test already runs under a seccomp filter: the unfiltered answers are not checked");
    return;
  }
  CHECK(a.before("keyctl") == EOPNOTSUPP);
  CHECK(a.before("add_key") == EFAULT);
  CHECK(a.before("clone3") == EINVAL);
  CHECK(a.before("personality(ADDR_NO_RANDOMIZE)") == 0);
  if (has_effective_capability(CAP_SYS_ADMIN)) {  // without it, the kernel too says EPERM
    CHECK(a.before("unshare(CLONE_NEWNS)") == 0);
    CHECK(a.before("clone(CLONE_NEWUTS)") == 0);
  }
  if (has_effective_capability(CAP_DAC_READ_SEARCH)) {  // EBADF or EFAULT, as the kernel checks
    CHECK(a.before("open_by_handle_at") != EPERM);
  }
}

TEST_CASE("a call missing from the allow-list answers EPERM", "[unit][seccomp]") {
  SeccompProfile profile = default_seccomp_profile(kDockerDefaultCaps);
  std::erase(profile.allowed, "getpid");
  Answers a = run_probes(profile);
  CHECK(a.before("getpid") == 0);
  CHECK(a.after("getpid") == EPERM);
  CHECK(a.after("write") == 0);
}

TEST_CASE("names libseccomp does not know are skipped, never fatal", "[unit][seccomp]") {
  SeccompProfile profile = default_seccomp_profile(kDockerDefaultCaps);
  profile.allowed.insert(profile.allowed.begin(), "no_such_syscall");
  Answers a = run_probes(profile);  // REQUIREs that it loaded
  CHECK(a.after("seccomp") == 2);
  CHECK(a.after("getpid") == 0);
}

TEST_CASE("load_seccomp names the failing libseccomp call and errno", "[unit][seccomp]") {
  SeccompProfile profile = default_seccomp_profile(kDockerDefaultCaps);
  profile.rules.push_back({"personality", {{6, SeccompArg::Op::Equal, 0, 0}}, SeccompAction::allow(), "no seventh argument"});
  std::string message = in_child([&profile] {
    kubepp::Status s = load_seccomp(profile);
    return s ? std::string("loaded") : s.error().message;
  });
  CHECK(message == "seccomp_rule_add `personality`: EINVAL");
}

TEST_CASE("no_new_privs: set when the caller lacks CAP_SYS_ADMIN, left alone when it has it",
          "[unit][seccomp]") {
  auto no_new_privs_after_load = [](bool drop_sys_admin) {
    return in_child([drop_sys_admin] {
      if (drop_sys_admin) drop_effective_capability(CAP_SYS_ADMIN);
      kubepp::Status s = load_seccomp(default_seccomp_profile(kDockerDefaultCaps));
      return s ? "NoNewPrivs " + std::to_string(status_field("NoNewPrivs")) : s.error().message;
    });
  };
  SECTION("without CAP_SYS_ADMIN") { CHECK(no_new_privs_after_load(true) == "NoNewPrivs 1"); }
  SECTION("with CAP_SYS_ADMIN") {
    if (!has_effective_capability(CAP_SYS_ADMIN)) {
      WARN("not checked: this test runs without CAP_SYS_ADMIN");
      return;
    }
    REQUIRE(status_field("NoNewPrivs") == 0);
    CHECK(no_new_privs_after_load(false) == "NoNewPrivs 0");
  }
}

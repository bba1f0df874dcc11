// seccomp.cpp — Docker's default seccomp profile as tables, and its loader (libseccomp).
//
// The facts come from moby's profiles/seccomp/default.json (the profile Kubernetes calls
// RuntimeDefault), for an x86_64 host: which calls are allowed outright, which only with some
// argument values, which only with a capability. The loader hands them (or any other
// SeccompProfile, such as an OCI bundle's) to libseccomp, which compiles the BPF program the
// kernel runs on every system call of the container.
#include "runtime/seccomp.h"

#include <linux/capability.h>
#include <sched.h>
#include <seccomp.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <memory>

namespace kubepp::runtime {

namespace {

// Allowed whatever their arguments: what ordinary programs need (files, memory, signals,
// sockets, timers, threads, SysV and POSIX IPC, uid/gid changes within the capabilities the
// container kept). Names of the 32-bit ABIs (chown32, fcntl64, socketcall, ipc, *_time64...)
// are here too: on x86_64 the filter also judges the x86 ABI that 32-bit programs use.
// What is missing matters as much: keyctl/add_key/request_key (the kernel keyring is not
// namespaced), kexec_load, bpf, mount, unshare, setns, reboot, the module calls, and every
// call added to the kernel after the profile was written: unknown means EPERM.
constexpr std::string_view kAllowed[] = {
    "_llseek", "_newselect",
    "accept", "accept4", "access", "adjtimex", "alarm",
    "bind", "brk",
    "capget", "capset", "chdir", "chmod", "chown", "chown32", "clock_adjtime", "clock_adjtime64",
    "clock_getres", "clock_getres_time64", "clock_gettime", "clock_gettime64", "clock_nanosleep",
    "clock_nanosleep_time64", "close", "close_range", "connect", "copy_file_range", "creat",
    "dup", "dup2", "dup3",
    "epoll_create", "epoll_create1", "epoll_ctl", "epoll_ctl_old", "epoll_pwait", "epoll_pwait2",
    "epoll_wait", "epoll_wait_old", "eventfd", "eventfd2", "execve", "execveat", "exit",
    "exit_group",
    "faccessat", "faccessat2", "fadvise64", "fadvise64_64", "fallocate", "fanotify_mark",
    "fchdir", "fchmod", "fchmodat", "fchown", "fchown32", "fchownat", "fcntl", "fcntl64",
    "fdatasync", "fgetxattr", "flistxattr", "flock", "fork", "fremovexattr", "fsetxattr", "fstat",
    "fstat64", "fstatat64", "fstatfs", "fstatfs64", "fsync", "ftruncate", "ftruncate64", "futex",
    "futex_time64", "futex_waitv", "futimesat",
    "get_robust_list", "get_thread_area", "getcpu", "getcwd", "getdents", "getdents64", "getegid",
    "getegid32", "geteuid", "geteuid32", "getgid", "getgid32", "getgroups", "getgroups32",
    "getitimer", "getpeername", "getpgid", "getpgrp", "getpid", "getppid", "getpriority",
    "getrandom", "getresgid", "getresgid32", "getresuid", "getresuid32", "getrlimit", "getrusage",
    "getsid", "getsockname", "getsockopt", "gettid", "gettimeofday", "getuid", "getuid32",
    "getxattr",
    "inotify_add_watch", "inotify_init", "inotify_init1", "inotify_rm_watch", "io_cancel",
    "io_destroy", "io_getevents", "io_pgetevents", "io_pgetevents_time64", "io_setup",
    "io_submit", "io_uring_enter", "io_uring_register", "io_uring_setup", "ioctl", "ioprio_get",
    "ioprio_set", "ipc",
    "kill",
    "landlock_add_rule", "landlock_create_ruleset", "landlock_restrict_self", "lchown",
    "lchown32", "lgetxattr", "link", "linkat", "listen", "listxattr", "llistxattr",
    "lremovexattr", "lseek", "lsetxattr", "lstat", "lstat64",
    "madvise", "membarrier", "memfd_create", "memfd_secret", "mincore", "mkdir", "mkdirat",
    "mknod", "mknodat", "mlock", "mlock2", "mlockall", "mmap", "mmap2", "mprotect",
    "mq_getsetattr", "mq_notify", "mq_open", "mq_timedreceive", "mq_timedreceive_time64",
    "mq_timedsend", "mq_timedsend_time64", "mq_unlink", "mremap", "msgctl", "msgget", "msgrcv",
    "msgsnd", "msync", "munlock", "munlockall", "munmap",
    "name_to_handle_at", "nanosleep", "newfstatat",
    "open", "openat", "openat2",
    "pause", "pidfd_open", "pidfd_send_signal", "pipe", "pipe2", "pkey_alloc", "pkey_free",
    "pkey_mprotect", "poll", "ppoll", "ppoll_time64", "prctl", "pread64", "preadv", "preadv2",
    "prlimit64", "process_mrelease", "pselect6", "pselect6_time64", "pwrite64", "pwritev",
    "pwritev2",
    "read", "readahead", "readlink", "readlinkat", "readv", "recv", "recvfrom", "recvmmsg",
    "recvmmsg_time64", "recvmsg", "remap_file_pages", "removexattr", "rename", "renameat",
    "renameat2", "restart_syscall", "rmdir", "rseq", "rt_sigaction", "rt_sigpending",
    "rt_sigprocmask", "rt_sigqueueinfo", "rt_sigreturn", "rt_sigsuspend", "rt_sigtimedwait",
    "rt_sigtimedwait_time64", "rt_tgsigqueueinfo",
    "sched_get_priority_max", "sched_get_priority_min", "sched_getaffinity", "sched_getattr",
    "sched_getparam", "sched_getscheduler", "sched_rr_get_interval",
    "sched_rr_get_interval_time64", "sched_setaffinity", "sched_setattr", "sched_setparam",
    "sched_setscheduler", "sched_yield", "seccomp", "select", "semctl", "semget", "semop",
    "semtimedop", "semtimedop_time64", "send", "sendfile", "sendfile64", "sendmmsg", "sendmsg",
    "sendto", "set_robust_list", "set_thread_area", "set_tid_address", "setfsgid", "setfsgid32",
    "setfsuid", "setfsuid32", "setgid", "setgid32", "setgroups", "setgroups32", "setitimer",
    "setpgid", "setpriority", "setregid", "setregid32", "setresgid", "setresgid32", "setresuid",
    "setresuid32", "setreuid", "setreuid32", "setrlimit", "setsid", "setsockopt", "setuid",
    "setuid32", "setxattr", "shmat", "shmctl", "shmdt", "shmget", "shutdown", "sigaltstack",
    "signalfd", "signalfd4", "sigprocmask", "sigreturn", "socketcall", "socketpair", "splice",
    "stat", "stat64", "statfs", "statfs64", "statx", "symlink", "symlinkat", "sync",
    "sync_file_range", "syncfs", "sysinfo",
    "tee", "tgkill", "time", "timer_create", "timer_delete", "timer_getoverrun", "timer_gettime",
    "timer_gettime64", "timer_settime", "timer_settime64", "timerfd_create", "timerfd_gettime",
    "timerfd_gettime64", "timerfd_settime", "timerfd_settime64", "times", "tkill", "truncate",
    "truncate64",
    "ugetrlimit", "umask", "uname", "unlink", "unlinkat", "utime", "utimensat",
    "utimensat_time64", "utimes",
    "vfork", "vmsplice",
    "wait4", "waitid", "waitpid", "write", "writev",
};

#if defined(__x86_64__)
// Docker allows these on x86 hosts only: arch_prctl sets the FS/GS base (thread-local
// storage), modify_ldt the local descriptor table some 16-bit and Wine programs need.
constexpr std::string_view kAllowedOnX86[] = {"arch_prctl", "modify_ldt"};
#endif

// Allowed from Linux 4.8 on. Before 4.8 seccomp ran before a tracer could change a call, so a
// container that could ptrace its own processes could rewrite a checked call into a denied
// one; since 4.8 the filter runs again after the tracer. Older kernels need CAP_SYS_PTRACE.
constexpr std::string_view kAllowedSinceLinux48[] = {"process_vm_readv", "process_vm_writev", "ptrace"};

// The namespace flags a container without CAP_SYS_ADMIN may not pass to clone(2).
constexpr uint64_t kNamespaceFlags = CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER |
                                     CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP;

// Calls unlocked by a capability the container keeps, ordered by capability number. The
// capability alone would not be enough: these calls also need the filter to let them through.
const CapabilityGroup kCapabilityGroups[] = {
    {CAP_DAC_READ_SEARCH, "CAP_DAC_READ_SEARCH", {"open_by_handle_at"}},  // the "shocker" escape
    {CAP_SYS_MODULE, "CAP_SYS_MODULE", {"delete_module", "finit_module", "init_module"}},
    {CAP_SYS_RAWIO, "CAP_SYS_RAWIO", {"ioperm", "iopl"}},
    {CAP_SYS_CHROOT, "CAP_SYS_CHROOT", {"chroot"}},
    {CAP_SYS_PTRACE, "CAP_SYS_PTRACE",
     {"kcmp", "pidfd_getfd", "process_madvise", "process_vm_readv", "process_vm_writev", "ptrace"}},
    {CAP_SYS_PACCT, "CAP_SYS_PACCT", {"acct"}},
    {CAP_SYS_ADMIN, "CAP_SYS_ADMIN",
     {"bpf", "clone", "clone3", "fanotify_init", "fsconfig", "fsmount", "fsopen", "fspick",
      "lookup_dcookie", "mount", "mount_setattr", "move_mount", "open_tree", "perf_event_open",
      "quotactl", "quotactl_fd", "setdomainname", "sethostname", "setns", "syslog", "umount",
      "umount2", "unshare"}},
    {CAP_SYS_BOOT, "CAP_SYS_BOOT", {"reboot"}},
    {CAP_SYS_NICE, "CAP_SYS_NICE", {"get_mempolicy", "mbind", "set_mempolicy", "set_mempolicy_home_node"}},
    {CAP_SYS_TIME, "CAP_SYS_TIME", {"clock_settime", "clock_settime64", "settimeofday", "stime"}},
    {CAP_SYS_TTY_CONFIG, "CAP_SYS_TTY_CONFIG", {"vhangup"}},
    {CAP_SYSLOG, "CAP_SYSLOG", {"syslog"}},
    {CAP_PERFMON, "CAP_PERFMON", {"perf_event_open"}},
    {CAP_BPF, "CAP_BPF", {"bpf"}},
};

// Calls allowed only with some argument values, whatever the capabilities.
std::vector<SeccompRule> argument_rules() {
  using Op = SeccompArg::Op;
  const SeccompAction allow = SeccompAction::allow();
  return {
      {"personality", {{0, Op::Equal, PER_LINUX, 0}}, allow, "the ordinary Linux personality"},
      {"personality", {{0, Op::Equal, PER_LINUX32, 0}}, allow, "linux32: uname reports a 32-bit machine"},
      {"personality", {{0, Op::Equal, UNAME26, 0}}, allow, "uname26: uname reports a 2.6 kernel"},
      {"personality", {{0, Op::Equal, uint64_t{PER_LINUX32} | UNAME26, 0}}, allow, "linux32 and uname26 together"},
      {"personality", {{0, Op::Equal, 0xffffffff, 0}}, allow,
       "query the personality; other values (ADDR_NO_RANDOMIZE, READ_IMPLIES_EXEC...) weaken the process"},
      {"socket", {{0, Op::NotEqual, AF_VSOCK, 0}}, allow,
       "any address family but AF_VSOCK: vsock is not namespaced and talks to the hypervisor"},
  };
}

// Rules that apply only while the container lacks CAP_SYS_ADMIN (with it, clone and clone3
// are in the CAP_SYS_ADMIN group and allowed outright).
std::vector<SeccompRule> rules_without_sys_admin() {
  using Op = SeccompArg::Op;
  return {
      {"clone", {{0, Op::MaskedEqual, 0, kNamespaceFlags}}, SeccompAction::allow(),
       "threads and processes, but no CLONE_NEW* flag: new namespaces need CAP_SYS_ADMIN"},
      {"clone3", {}, SeccompAction::error(ENOSYS),
       "clone3 passes its flags in memory, out of the filter's reach: ENOSYS sends glibc back to clone"},
  };
}

bool kernel_at_least(int major, int minor) {
  utsname u{};
  int got_major = 0, got_minor = 0;
  if (::uname(&u) != 0 || std::sscanf(u.release, "%d.%d", &got_major, &got_minor) != 2) return false;
  return got_major > major || (got_major == major && got_minor >= minor);
}

bool has_effective_capability(int capability) {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  if (::syscall(SYS_capget, &header, data) != 0) return false;
  return (data[capability / 32].effective >> (capability % 32)) & 1;
}

// A libseccomp filter context, released when it goes out of scope.
struct FilterRelease {
  void operator()(void* ctx) const { seccomp_release(ctx); }
};
using FilterCtx = std::unique_ptr<void, FilterRelease>;

scmp_arg_cmp to_libseccomp(const SeccompArg& arg) {
  switch (arg.op) {
    case SeccompArg::Op::NotEqual: return {arg.index, SCMP_CMP_NE, arg.value, 0};
    case SeccompArg::Op::Less: return {arg.index, SCMP_CMP_LT, arg.value, 0};
    case SeccompArg::Op::LessOrEqual: return {arg.index, SCMP_CMP_LE, arg.value, 0};
    case SeccompArg::Op::Equal: return {arg.index, SCMP_CMP_EQ, arg.value, 0};
    case SeccompArg::Op::GreaterOrEqual: return {arg.index, SCMP_CMP_GE, arg.value, 0};
    case SeccompArg::Op::Greater: return {arg.index, SCMP_CMP_GT, arg.value, 0};
    case SeccompArg::Op::MaskedEqual: return {arg.index, SCMP_CMP_MASKED_EQ, arg.mask, arg.value};
  }
  return {};
}

// The SCMP_ACT_* word of an action; the errno (or trace message) rides in its low 16 bits.
// `where` starts the message: "seccomp_rule_add `mkdir`".
Result<uint32_t> to_libseccomp(const SeccompAction& action, const std::string& where) {
  const bool takes_errno = action.kind == SeccompAction::Errno || action.kind == SeccompAction::Trace;
  if (takes_errno && (action.errno_ret < 0 || action.errno_ret > 0xffff)) {
    return Error{ErrorCode::Invalid,
                 where + ": errno " + std::to_string(action.errno_ret) + " does not fit in 16 bits"};
  }
  const auto data = static_cast<uint16_t>(action.errno_ret);
  switch (action.kind) {
    case SeccompAction::Errno: return SCMP_ACT_ERRNO(data);
    case SeccompAction::Allow: return SCMP_ACT_ALLOW;
    case SeccompAction::KillThread: return SCMP_ACT_KILL_THREAD;
    case SeccompAction::KillProcess: return SCMP_ACT_KILL_PROCESS;
    case SeccompAction::Trap: return SCMP_ACT_TRAP;
    case SeccompAction::Log: return SCMP_ACT_LOG;
    case SeccompAction::Trace: return SCMP_ACT_TRACE(data);
  }
  return Error{ErrorCode::Invalid, where + ": unknown action " + std::to_string(action.kind)};
}

// Adds one rule; a name libseccomp does not know is skipped (and listed by unresolved_syscalls).
Status add_rule(scmp_filter_ctx ctx, const std::string& syscall, uint32_t action,
                const std::vector<SeccompArg>& args) {
  int nr = seccomp_syscall_resolve_name(syscall.c_str());
  if (nr == __NR_SCMP_ERROR) return {};
  std::vector<scmp_arg_cmp> cmps;
  for (const SeccompArg& arg : args) cmps.push_back(to_libseccomp(arg));
  int rc = seccomp_rule_add_array(ctx, action, nr, static_cast<unsigned>(cmps.size()), cmps.data());
  if (rc != 0) return sys_error("seccomp_rule_add", syscall, -rc);
  return {};
}

// libseccomp's token for "SCMP_ARCH_X86_64": its own name is the rest, in lower case
// ("x86_64", "aarch64", "mipsel64n32"). 0 when it knows no such architecture.
uint32_t arch_token(const std::string& name) {
  constexpr std::string_view kPrefix = "SCMP_ARCH_";
  if (!name.starts_with(kPrefix) || name.size() == kPrefix.size()) return 0;
  std::string lower = name.substr(kPrefix.size());
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return seccomp_arch_resolve_name(lower.c_str());
}

// The ABIs besides the native one (which seccomp_init always adds, hence EEXIST).
Status add_architectures(scmp_filter_ctx ctx, const std::vector<std::string>& names) {
  if (names.empty()) {
#if defined(__x86_64__)
    // As Docker: the same rules for the x86 (int 0x80) and x32 ABIs a 64-bit kernel also runs.
    for (auto [arch, name] : {std::pair{SCMP_ARCH_X86, "x86"}, std::pair{SCMP_ARCH_X32, "x32"}}) {
      if (int rc = seccomp_arch_add(ctx, arch); rc != 0 && rc != -EEXIST) return sys_error("seccomp_arch_add", name, -rc);
    }
#endif
    return {};
  }
  for (const std::string& name : names) {
    const uint32_t arch = arch_token(name);
    if (arch == 0) return Error{ErrorCode::Invalid, "seccomp_arch_add `" + name + "`: unknown architecture"};
    if (int rc = seccomp_arch_add(ctx, arch); rc != 0 && rc != -EEXIST) return sys_error("seccomp_arch_add", name, -rc);
  }
  return {};
}

// One filter attribute; the attribute's name for the message.
Status set_attr(scmp_filter_ctx ctx, scmp_filter_attr attr, const char* name, uint32_t value) {
  if (int rc = seccomp_attr_set(ctx, attr, value); rc != 0) return sys_error("seccomp_attr_set", name, -rc);
  return {};
}

}  // namespace

bool SeccompProfile::allows(std::string_view syscall) const {
  return std::binary_search(allowed.begin(), allowed.end(), syscall);
}

std::vector<SeccompRule> SeccompProfile::rules_for(std::string_view syscall) const {
  std::vector<SeccompRule> found;
  for (const SeccompRule& rule : rules) {
    if (rule.syscall == syscall) found.push_back(rule);
  }
  return found;
}

std::span<const std::string_view> docker_allowed_syscalls() { return kAllowed; }

std::span<const CapabilityGroup> docker_capability_groups() { return kCapabilityGroups; }

SeccompProfile default_seccomp_profile(uint64_t effective_caps) {
  auto kept = [effective_caps](int cap) { return cap >= 0 && cap < 64 && ((effective_caps >> cap) & 1) != 0; };
  SeccompProfile profile;
  auto allow = [&profile](const auto& names) {
    profile.allowed.insert(profile.allowed.end(), std::begin(names), std::end(names));
  };
  allow(kAllowed);
#if defined(__x86_64__)
  allow(kAllowedOnX86);
#endif
  if (kernel_at_least(4, 8)) allow(kAllowedSinceLinux48);
  for (const CapabilityGroup& group : kCapabilityGroups) {
    if (kept(group.capability)) allow(group.syscalls);
  }
  // A call may come from two groups (syslog: CAP_SYS_ADMIN and CAP_SYSLOG): keep it once.
  std::sort(profile.allowed.begin(), profile.allowed.end());
  profile.allowed.erase(std::unique(profile.allowed.begin(), profile.allowed.end()), profile.allowed.end());

  profile.rules = argument_rules();
  if (!kept(CAP_SYS_ADMIN)) {
    for (SeccompRule& rule : rules_without_sys_admin()) profile.rules.push_back(std::move(rule));
  }
  return profile;
}

std::vector<std::string> unresolved_syscalls(const SeccompProfile& profile) {
  std::vector<std::string> names = profile.allowed;
  for (const SeccompRule& rule : profile.rules) names.push_back(rule.syscall);
  std::erase_if(names, [](const std::string& name) {
    return seccomp_syscall_resolve_name(name.c_str()) != __NR_SCMP_ERROR;
  });
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  return names;
}

Status load_seccomp(const SeccompProfile& profile) {
  Result<uint32_t> default_action = to_libseccomp(profile.default_action, "seccomp_init");
  if (!default_action) return default_action.error();
  FilterCtx filter(seccomp_init(default_action.value()));
  if (!filter) return Error{ErrorCode::Internal, "seccomp_init: cannot create a filter"};
  scmp_filter_ctx ctx = filter.get();
  if (Status s = add_architectures(ctx, profile.architectures); !s) return s;
  // Without CAP_SYS_ADMIN the kernel takes a filter only under no_new_privs: let libseccomp set
  // it. With CAP_SYS_ADMIN leave no_new_privs to the caller (allowPrivilegeEscalation).
  const uint32_t set_nnp = has_effective_capability(CAP_SYS_ADMIN) ? 0 : 1;
  if (Status s = set_attr(ctx, SCMP_FLTATR_CTL_NNP, "SCMP_FLTATR_CTL_NNP", set_nnp); !s) return s;
  // Report the kernel's own errno from seccomp_load rather than libseccomp's ECANCELED.
  if (Status s = set_attr(ctx, SCMP_FLTATR_API_SYSRAWRC, "SCMP_FLTATR_API_SYSRAWRC", 1); !s) return s;
  // The flags seccomp(2) takes with the filter; libseccomp passes them as attributes.
  if (profile.flags.tsync) {
    if (Status s = set_attr(ctx, SCMP_FLTATR_CTL_TSYNC, "SCMP_FLTATR_CTL_TSYNC", 1); !s) return s;
  }
  if (profile.flags.log) {
    if (Status s = set_attr(ctx, SCMP_FLTATR_CTL_LOG, "SCMP_FLTATR_CTL_LOG", 1); !s) return s;
  }
  if (profile.flags.spec_allow) {
    if (Status s = set_attr(ctx, SCMP_FLTATR_CTL_SSB, "SCMP_FLTATR_CTL_SSB", 1); !s) return s;
  }

  // A rule with the default action changes nothing, and libseccomp refuses it: skip it.
  if (default_action.value() != SCMP_ACT_ALLOW) {
    for (const std::string& syscall : profile.allowed) {
      if (Status s = add_rule(ctx, syscall, SCMP_ACT_ALLOW, {}); !s) return s;
    }
  }
  for (const SeccompRule& rule : profile.rules) {
    Result<uint32_t> action = to_libseccomp(rule.action, "seccomp_rule_add `" + rule.syscall + "`");
    if (!action) return action.error();
    if (action.value() == default_action.value()) continue;
    if (Status s = add_rule(ctx, rule.syscall, action.value(), rule.args); !s) return s;
  }
  if (int rc = seccomp_load(ctx); rc != 0) return sys_error("seccomp_load", "", -rc);
  return {};
}

}  // namespace kubepp::runtime

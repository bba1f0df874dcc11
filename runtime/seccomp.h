// seccomp.h — kubepp's default seccomp profile (Kubernetes' `RuntimeDefault`) and its loader.
//
// The profile is Docker's default profile (moby's profiles/seccomp/default.json), kept here as
// C++ tables a student can read: an allow-list of system calls, a few rules on arguments
// (`clone` without namespace flags, `personality` with the values Docker allows, `socket`
// with any family but AF_VSOCK), and groups of calls unlocked by a capability the container
// keeps (CAP_SYS_ADMIN unlocks `mount`, `unshare`, `setns`...). Every other call fails with
// EPERM without reaching the kernel; `clone3` answers ENOSYS, so that glibc falls back to
// `clone`, whose flags a filter can read (clone3's live in memory, out of seccomp's reach).
//
// default_seccomp_profile() turns the tables into a SeccompProfile for one capability set;
// load_seccomp() compiles it with libseccomp into a BPF program and installs it. A
// SeccompProfile can say more than Docker's profile needs — any of libseccomp's actions as
// the default or per rule, every comparison on arguments, the architectures, the filter
// flags — so that an OCI bundle's linux.seccomp (runtime/oci/seccomp.h) loads through the
// same function. Plain data and free functions: no state, safe from any thread.
#pragma once

#include <cerrno>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/base/result.h"

namespace kubepp::runtime {

/// What the filter does with a call: one of libseccomp's SCMP_ACT_* actions.
struct SeccompAction {
  enum Kind {
    Errno,        ///< fail the call with `errno_ret`, without running it (SCMP_ACT_ERRNO)
    Allow,        ///< run the call (SCMP_ACT_ALLOW)
    KillThread,   ///< kill the calling thread with SIGSYS (SCMP_ACT_KILL_THREAD, alias SCMP_ACT_KILL)
    KillProcess,  ///< kill the whole process with SIGSYS (SCMP_ACT_KILL_PROCESS)
    Trap,         ///< send SIGSYS, which the thread may catch (SCMP_ACT_TRAP)
    Log,          ///< run the call and log it to the audit log (SCMP_ACT_LOG)
    Trace,        ///< stop for a ptrace(2) tracer, `errno_ret` its event message; without
                  ///< a tracer the call fails with ENOSYS (SCMP_ACT_TRACE)
  };
  Kind kind = Errno;
  int errno_ret = EPERM;  ///< Errno: the errno, 0 … 65535; Trace: the message; others: unused

  /// Run the call.
  static constexpr SeccompAction allow() { return {Allow, 0}; }
  /// Fail the call with `err` (ENOSYS, EPERM, …).
  static constexpr SeccompAction error(int err) { return {Errno, err}; }

  /// Same kind, and for Errno and Trace the same errno_ret (elsewhere it is ignored).
  bool operator==(const SeccompAction& other) const {
    return kind == other.kind && ((kind != Errno && kind != Trace) || errno_ret == other.errno_ret);
  }
};

/// A condition on one argument of a system call, compared as seccomp compares it (64 bits,
/// unsigned). libseccomp's SCMP_CMP_* operators.
struct SeccompArg {
  enum class Op {
    NotEqual,        ///< arg != value
    Less,            ///< arg < value
    LessOrEqual,     ///< arg <= value
    Equal,           ///< arg == value
    GreaterOrEqual,  ///< arg >= value
    Greater,         ///< arg > value
    MaskedEqual,     ///< (arg & mask) == value
  };
  unsigned index = 0;  ///< which argument, 0 to 5
  Op op = Op::Equal;
  uint64_t value = 0;
  uint64_t mask = 0;  ///< MaskedEqual only
};

/// One rule beyond the plain allow-list: when all `args` hold, `syscall` gets `action`
/// (Docker's profile uses two: allow, or fail with an errno).
struct SeccompRule {
  std::string syscall;
  std::vector<SeccompArg> args;  ///< all must hold; several rules for one call are OR-ed
  SeccompAction action = SeccompAction::allow();
  std::string why;  ///< one line for the reader
};

/// A row of Docker's profile: calls allowed only when the container keeps `capability`.
struct CapabilityGroup {
  int capability = 0;     ///< CAP_* number: bit `capability` of the effective set
  std::string_view name;  ///< "CAP_SYS_ADMIN"
  std::vector<std::string_view> syscalls;
};

/// The filter flags of seccomp(2) that a profile may ask for (SECCOMP_FILTER_FLAG_*).
struct SeccompFlags {
  bool tsync = false;       ///< TSYNC: install on every thread of the process, not only the caller
  bool log = false;         ///< LOG: log every action but ALLOW to the audit log
  bool spec_allow = false;  ///< SPEC_ALLOW: leave Speculative Store Bypass mitigation as it is
                            ///< (without it, the kernel's default policy turns it on)
};

/// A filter ready to load: a call in `allowed` runs, a call with rules gets the action of
/// the rule that matches, any other call — or a call no rule of it matches — gets
/// `default_action`.
struct SeccompProfile {
  SeccompAction default_action;  ///< Errno EPERM, as Docker's profile
  std::vector<std::string> allowed;  ///< allowed whatever their arguments: sorted, no duplicates
  std::vector<SeccompRule> rules;    ///< none of them names a call in `allowed`
  /// libseccomp's names of the ABIs the filter judges ("SCMP_ARCH_X86_64", "SCMP_ARCH_X86",
  /// "SCMP_ARCH_X32", "SCMP_ARCH_AARCH64", …), besides the native one, which it always
  /// judges. Empty: the native one, and on x86_64 also x86 and x32, as Docker's profile.
  /// A call made through an ABI the filter does not judge kills the calling thread.
  std::vector<std::string> architectures;
  SeccompFlags flags;  ///< none for Docker's profile

  /// True when `syscall` is in `allowed` (allowed with any arguments).
  bool allows(std::string_view syscall) const;
  /// The rules that name `syscall`, in order; empty when it has none.
  std::vector<SeccompRule> rules_for(std::string_view syscall) const;
};

/// Docker's unconditional allow-list (the profile's big first entry), in ASCII order.
std::span<const std::string_view> docker_allowed_syscalls();

/// Docker's capability-gated groups, one per capability, as the profile has them for x86_64.
std::span<const CapabilityGroup> docker_capability_groups();

/// The default profile for a container whose effective capability set is `effective_caps`
/// (bit i set = capability i kept; Docker's 14 defaults are 0x00000000a80425fb).
SeccompProfile default_seccomp_profile(uint64_t effective_caps);

/// The names in `profile` (allowed or in rules) that the installed libseccomp cannot resolve
/// on this architecture; load_seccomp() skips them. Sorted, no duplicates.
std::vector<std::string> unresolved_syscalls(const SeccompProfile& profile);

/// Compiles `profile` and installs it on the calling thread, which must be the only thread
/// unless flags.tsync is set (the filter is not synchronised to others). With no
/// architectures listed, on x86_64 the filter also covers the x86 and x32 ABIs, as Docker's
/// does, so a 32-bit program meets the same rules.
///
/// no_new_privs: the kernel accepts a filter from a process without CAP_SYS_ADMIN only once
/// no_new_privs is set, so when CAP_SYS_ADMIN is not in the caller's effective set, loading
/// sets it (libseccomp's default, SCMP_FLTATR_CTL_NNP). A caller that still holds
/// CAP_SYS_ADMIN keeps no_new_privs as it was, so allowPrivilegeEscalation stays its choice.
///
/// Names unknown to libseccomp are skipped (see unresolved_syscalls), and so is a rule (or,
/// under a default of Allow, the allow-list) whose action is the default action: libseccomp
/// refuses such a rule, and runc skips it too. Fails with the libseccomp call and errno:
/// "seccomp_load: EINVAL", "seccomp_rule_add `socket`: EINVAL", "seccomp_arch_add
/// `SCMP_ARCH_S390X`: EDOM"; Invalid for an architecture libseccomp does not know or an
/// errno_ret outside 0 … 65535.
Status load_seccomp(const SeccompProfile& profile);

}  // namespace kubepp::runtime

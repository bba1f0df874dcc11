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
// load_seccomp() compiles it with libseccomp into a BPF program and installs it. Plain data
// and free functions: no state, safe from any thread.
#pragma once

#include <cerrno>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/base/result.h"

namespace kubepp::runtime {

/// A condition on one argument of a system call, compared as seccomp compares it (64 bits).
struct SeccompArg {
  enum class Op {
    Equal,        ///< arg == value
    NotEqual,     ///< arg != value
    MaskedEqual,  ///< (arg & mask) == value
  };
  unsigned index = 0;  ///< which argument, 0 to 5
  Op op = Op::Equal;
  uint64_t value = 0;
  uint64_t mask = 0;  ///< MaskedEqual only
};

/// One rule beyond the plain allow-list: allow `syscall` when all `args` hold, or, with
/// errno_ret set, answer it with that errno without running it.
struct SeccompRule {
  std::string syscall;
  std::vector<SeccompArg> args;  ///< all must hold; several rules for one call are OR-ed
  int errno_ret = 0;             ///< 0: allow; otherwise fail the call with this errno
  std::string why;               ///< one line for the reader
};

/// A row of Docker's profile: calls allowed only when the container keeps `capability`.
struct CapabilityGroup {
  int capability = 0;     ///< CAP_* number: bit `capability` of the effective set
  std::string_view name;  ///< "CAP_SYS_ADMIN"
  std::vector<std::string_view> syscalls;
};

/// A filter ready to load: a call in `allowed` runs, a call with rules runs (or fails) as
/// its rules say, any other call fails with `default_errno`.
struct SeccompProfile {
  int default_errno = EPERM;
  std::vector<std::string> allowed;  ///< allowed whatever their arguments: sorted, no duplicates
  std::vector<SeccompRule> rules;    ///< none of them names a call in `allowed`

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
/// (the filter is not synchronised to others). On x86_64 the filter also covers the x86 and
/// x32 ABIs, as Docker's does, so a 32-bit program meets the same rules.
///
/// no_new_privs: the kernel accepts a filter from a process without CAP_SYS_ADMIN only once
/// no_new_privs is set, so when CAP_SYS_ADMIN is not in the caller's effective set, loading
/// sets it (libseccomp's default, SCMP_FLTATR_CTL_NNP). A caller that still holds
/// CAP_SYS_ADMIN keeps no_new_privs as it was, so allowPrivilegeEscalation stays its choice.
///
/// Names unknown to libseccomp are skipped (see unresolved_syscalls). Fails with the libseccomp
/// call and errno: "seccomp_load: EINVAL", "seccomp_rule_add `socket`: EINVAL".
Status load_seccomp(const SeccompProfile& profile);

}  // namespace kubepp::runtime

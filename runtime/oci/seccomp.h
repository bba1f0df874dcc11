// seccomp.h — config.json's linux.seccomp turned into a SeccompProfile, with runc's rules.
//
// parse_spec() checks the section's shape and names; seccomp_profile() says what it means,
// as runc's specconv.SetupSeccomp and seccomp.InitSeccomp read it, and load_seccomp()
// (runtime/seccomp.h) installs the result:
//   - defaultAction and each syscalls[].action become a SeccompAction; SCMP_ACT_KILL is
//     SCMP_ACT_KILL_THREAD; SCMP_ACT_ERRNO and SCMP_ACT_TRACE take errnoRet (defaultErrnoRet
//     for the default), EPERM when it is absent; other actions ignore it, as runc does;
//   - each syscalls[] entry gives one rule per name, in order, its args AND-ed; but when two
//     args of an entry test the same argument index, runc adds one rule per arg instead
//     (the args are then OR-ed — "arg 0 is 1 or 2"), and so does kubepp;
//   - SCMP_CMP_MASKED_EQ reads `value` as the mask and `valueTwo` as what the masked
//     argument must equal (libseccomp's datum_a and datum_b);
//   - architectures are kept as named; with none, load_seccomp() judges the native ABI
//     and, on x86_64, x86 and x32 too (runc judges the native one only, and kills a call
//     from another ABI);
//   - flags absent means SECCOMP_FILTER_FLAG_SPEC_ALLOW (runc's default), present means
//     exactly those flags.
// Not done: runc's patchbpf, which makes calls newer than any the profile names answer
// ENOSYS instead of the default action.
// Pure functions, no state.
#pragma once

#include "runtime/base/result.h"
#include "runtime/oci/spec.h"
#include "runtime/seccomp.h"

namespace kubepp::runtime::oci {

/// The filter `spec` describes. Every syscalls[] entry becomes rules (in order; `allowed`
/// stays empty); a rule whose action is the default action is left for load_seccomp() to
/// skip. Fails Invalid naming the field by its JSON path:
///   "`linux.seccomp.syscalls[2].action`: SCMP_ACT_NOTIFY is not supported (…)",
///   "`linux.seccomp.syscalls[0].errnoRet`: 70000 does not fit in 16 bits".
/// SCMP_ACT_NOTIFY is refused anywhere (kubepp has no seccomp agent), and so is the flag
/// SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV, which only matters to it (runc's setFlag knows
/// TSYNC, LOG and SPEC_ALLOW only).
Result<runtime::SeccompProfile> seccomp_profile(const Seccomp& spec);

}  // namespace kubepp::runtime::oci

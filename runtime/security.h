// security.h — hardening a container's first process, equal to Docker's defaults.
//
// Four steps, in the order a container's first process takes them (Container::child_main
// calls them once it is wired up):
//   1. before clone (in the runtime): effective_capabilities() and resolve_user() turn
//      the user's request (--cap-add, --user, privileged) into numbers;
//   2. once /proc, /sys and /dev are mounted (the runtime: right after pivot_root):
//      harden_mounts() masks the kernel files a container must not read and makes the
//      tunables read-only;
//   3. last before exec: drop_privileges() sets the groups, the ids and the five
//      capability sets, and no_new_privs (Docker's sets from one mask, or an OCI
//      bundle's five sets as they are);
//   4. (runtime/seccomp.*) the seccomp filter; see drop_privileges() for the order.
// Everything here is a kernel fact kept in a table (capability names, masked paths),
// or one system call wrapped so its failure names the call and the object:
// "capset: EPERM", "bind mount /dev/null on `/…/rootfs/proc/keys`: EPERM".
// Functions without state. drop_privileges changes the calling process's credentials
// (capset and prctl act on the calling thread alone): call it in the single-threaded child.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/base/result.h"
#include "runtime/base/unique_fd.h"

namespace kubepp::runtime {

namespace fs = std::filesystem;

/// One Linux capability: "CAP_CHOWN" is bit 0 of a capability set.
struct Capability {
  std::string_view name;
  int number;
};

/// Every capability of the kernel headers kubepp was built with, by number:
/// CAP_CHOWN (0) … CAP_CHECKPOINT_RESTORE (CAP_LAST_CAP).
std::span<const Capability> capability_table();

/// Docker's 14 default capabilities: CHOWN, DAC_OVERRIDE, FSETID, FOWNER, MKNOD, NET_RAW,
/// SETGID, SETUID, SETFCAP, SETPCAP, NET_BIND_SERVICE, SYS_CHROOT, KILL, AUDIT_WRITE.
inline constexpr uint64_t kDefaultCapabilities = 0x00000000a80425fbULL;

/// The capabilities of the table that the running kernel knows (probed with
/// PR_CAPBSET_READ): what a privileged container gets.
uint64_t all_capabilities();

/// "CAP_CHOWN,CAP_KILL" for a set (ascending; a bit outside the table prints as its
/// number); "" for the empty set. For logs and messages.
std::string describe_capabilities(uint64_t caps);

/// What the user asked for; the fields of `docker run` and a Kubernetes securityContext.
struct SecurityConfig {
  bool privileged = false;
  std::vector<std::string> cap_add, cap_drop;  // "NET_ADMIN", "cap_net_admin", "ALL"
  bool no_new_privs = false;                   // allowPrivilegeEscalation: false
  std::string user;  // "", "1000", "1000:1000", "name", "name:group"
  std::vector<gid_t> supplemental_groups;  // added to the user's groups (a Pod's fsGroup, supplementalGroups)
};

/// The capability set of the container: Docker's defaults, plus cap_add, minus cap_drop.
/// Names are accepted with or without "CAP_", in any case. "ALL" in cap_add starts from
/// every capability, "ALL" in cap_drop from none; then the other drops are removed and
/// the other adds added, so `drop ALL, add NET_BIND_SERVICE` leaves exactly that one, and
/// an add wins over a drop of the same name (containerd's rule, which Kubernetes uses;
/// add ALL + drop ALL gives the empty set). privileged → all_capabilities().
/// Fails Invalid on an unknown name: "capability `CAP_FOO`: unknown (--cap-add)".
Result<uint64_t> effective_capabilities(const SecurityConfig& config);

/// The ids the container's process runs with.
struct UserIds {
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;  // supplementary groups, for setgroups(2)
};

/// Resolves "user[:group]" against `rootfs`/etc/passwd and /etc/group, parsed here and
/// read through open_in_root (never NSS: the host's users are not the container's).
/// Numbers are taken as given, listed or not, as Docker and Kubernetes do; without a
/// group the gid is the passwd entry's, or 0 when the uid is not listed. Supplementary
/// groups are those of /etc/group that list the user's name, and only when no group is
/// given (runc's rule). "" means root. Fails Invalid on an unknown name (naming it and
/// the file) and on a name that is empty or holds '/' or "..".
Result<UserIds> resolve_user(const fs::path& rootfs, const std::string& user);

/// Opens `path` (absolute or not, taken inside `root`) as an O_PATH descriptor, resolving
/// every component — symlinks and ".." included — as if `root` were "/": nothing outside
/// `root` can be reached, and magic links (/proc/self/fd/N) are refused. A mount onto
/// "/proc/self/fd/<fd>" then hits exactly the file that was checked, which closes the
/// symlink-swap race of CVE-2021-30465. Uses openat2(RESOLVE_IN_ROOT) (Linux 5.6+).
/// Fails NotFound when the path does not exist: "open `/proc/keys` in `/…/rootfs`: ENOENT".
Result<UniqueFd> open_in_root(const fs::path& root, const std::string& path);

/// Masks each of `paths` (absolute, taken inside `root`): a file gets /dev/null bind-mounted
/// over it, a directory an empty read-only tmpfs, so the container reads nothing there
/// (linux.maskedPaths). Paths are resolved with open_in_root and the mount goes onto the
/// opened file; a path that does not exist is skipped. Call inside the container's mount
/// namespace. Fails with the mount that failed: "bind mount /dev/null on `/…/proc/kcore`: EPERM".
Status mask_paths(const fs::path& root, std::span<const std::string> paths);

/// Makes each of `paths` (inside `root`) read-only: bound onto itself, then remounted
/// read-only, keeping the nosuid/nodev/noexec of the mount it was on (linux.readonlyPaths).
/// A path that does not exist is skipped. Fails like mask_paths: "remount read-only `…`: EPERM".
Status make_paths_readonly(const fs::path& root, std::span<const std::string> paths);

/// Docker's read-only paths (/proc/bus, /proc/fs, /proc/irq, /proc/sys, /proc/sysrq-trigger)
/// through make_paths_readonly, then Docker's masked paths (/proc/kcore, /proc/keys, …,
/// /sys/firmware) through mask_paths. Call once /proc, /sys and /dev are mounted under
/// `root`; the runtime calls it right after pivot_root, with `root` "/" and the container's
/// own /dev/null as the mask. privileged → does nothing.
Status harden_mounts(const fs::path& root, bool privileged);

/// The five capability sets of a process (bit i = capability i), as an OCI bundle's
/// process.capabilities gives them.
struct CapabilitySets {
  uint64_t bounding = 0;     ///< the ceiling of every later exec (and of inheritable)
  uint64_t effective = 0;    ///< what the kernel checks now; within permitted
  uint64_t permitted = 0;    ///< what the process may make effective
  uint64_t inheritable = 0;  ///< what an exec may keep (with file capabilities or ambient)
  uint64_t ambient = 0;      ///< what an exec of an ordinary program keeps; within
                             ///< permitted and inheritable
};

/// The last steps before exec, as runc takes them for an OCI process: drops every
/// capability outside caps.bounding from the bounding set and clears the ambient set;
/// sets PR_SET_KEEPCAPS, then setgroups/setresgid/setresuid to `ids` (so a change from
/// uid 0 keeps the permitted set), then clears it; capset(effective, permitted,
/// inheritable); raises each ambient capability (PR_CAP_AMBIENT_RAISE); `no_new_privs` →
/// PR_SET_NO_NEW_PRIVS. Unlike Docker's drop below, a non-root user keeps what it is given.
/// Before changing anything it fails Invalid on sets the kernel would refuse: "capabilities:
/// effective `CAP_KILL` is not in permitted", "capabilities: ambient `CAP_NET_BIND_SERVICE`
/// is not in both permitted and inheritable" (runc only warns about an ambient capability it
/// cannot raise). Order with seccomp: as for the overload below. A later failure names its
/// step ("setgroups: EPERM"; "capset `CAP_SYS_ADMIN`: EPERM" when the caller does not hold a
/// capability of caps.permitted itself); the process is then half-dropped: the caller must
/// exit, never exec.
Status drop_privileges(const CapabilitySets& caps, const UserIds& ids, bool no_new_privs);

/// Docker's last steps before exec: the general drop_privileges with bounding `caps` and
/// for uid 0 permitted = effective = `caps`; for any other uid none (that is what Docker's
/// non-root process has after exec, CapEff 0, so it holds none before either; its bounding
/// set is still `caps`, which limits setuid and file-capability binaries). Inheritable and
/// ambient are always empty. `no_new_privs` → PR_SET_NO_NEW_PRIVS.
/// Order with seccomp: installing a filter needs no_new_privs or CAP_SYS_ADMIN, so
/// without no_new_privs load the filter *before* this call (as runc does).
/// Fails as the general drop_privileges does: "capset `CAP_SYS_ADMIN`: EPERM" when the
/// caller does not hold a capability of `caps`, "setgroups: EPERM", …
Status drop_privileges(uint64_t caps, const UserIds& ids, bool no_new_privs);

}  // namespace kubepp::runtime

// sysctl.h — which kernel parameters a pod may set, as the kubelet's sysctl allowlist
// decides (upstream: pkg/kubelet/sysctl, allowlist.go, safe_sysctls.go, and
// component-helpers' NamespacedBy).
//
// A pod sets sysctls for its sandbox (spec.securityContext.sysctls). Only a sysctl that
// the kernel keeps per namespace can be set for one pod without changing the node:
//
//   kernel.shm*, kernel.msg*, kernel.sem, fs.mqueue.*   per IPC namespace
//   net.*                                             per network namespace
//
// and of those, only the "safe" ones — isolated from other pods — are allowed by
// default. The node's administrator may allow more (the kubelet's
// --allowed-unsafe-sysctls, exact names or prefixes ending in `*`). A pod that shares the
// node's network (or IPC) namespace may set none of that namespace's sysctls: it would
// set them for the node. Any other sysctl keeps the pod from being admitted.
//
// All functions are pure and thread-safe; a SysctlAllowlist is immutable once made.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/base/result.h"

namespace kubepp::kubelet {

/// The namespace a sysctl belongs to (utilsysctl.Namespace).
enum class SysctlNamespace { Unknown, Ipc, Net };

/// "ipc", "net" or "" — the words of upstream's messages.
const char* to_string(SysctlNamespace ns);

/// NamespacedBy: kernel.sem and the kernel.shm, kernel.msg, fs.mqueue. prefixes are IPC;
/// the net. prefix is network; anything else is Unknown (not namespaced).
SysctlNamespace namespaced_by(std::string_view sysctl);

/// ConvertSysctlVariableToDotsSeparator: a name whose first separator is `/` is written
/// with `/` between its parts ("net/ipv4/conf/eth0.100/forwarding"); it becomes
/// "net.ipv4.conf.eth0/100.forwarding" (dots and slashes swap). Others are returned as is.
std::string sysctl_to_dots(std::string_view sysctl);

/// The safe sysctls for a kernel `kernel_version` ("6.1.0-18-amd64"): the legacy list
/// (kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, net.ipv4.tcp_syncookies,
/// net.ipv4.ping_group_range, net.ipv4.ip_unprivileged_port_start,
/// net.ipv4.tcp_keepalive_time, net.ipv4.tcp_fin_timeout, net.ipv4.tcp_keepalive_intvl,
/// net.ipv4.tcp_keepalive_probes), then those namespaced only by newer kernels:
/// net.ipv4.ip_local_reserved_ports (3.16), net.ipv4.tcp_rmem and net.ipv4.tcp_wmem
/// (4.15). A version that does not parse gives the legacy list only.
std::vector<std::string> safe_sysctls(std::string_view kernel_version);

/// IsValidSysctlPattern: at most 253 characters, segments of [a-z0-9_-] (starting and
/// ending alphanumeric) joined by `.` or `/`, the last one possibly ending in `*`.
bool is_valid_sysctl_pattern(std::string_view pattern);

/// The sysctls a node allows (the kubelet's patternAllowlist): exact names and prefixes.
class SysctlAllowlist {
 public:
  /// NewAllowlist from names and prefix patterns ("kernel.msg*"). Invalid, in upstream's
  /// words, for a pattern that is not valid or whose sysctls are not namespaced:
  ///   sysctl "Kernel.msg*" must have at most 253 characters and match regex ...
  ///   the sysctls "kernel.*" are not known to be namespaced
  static Result<SysctlAllowlist> create(const std::vector<std::string>& patterns);

  /// validateSysctl: OK when `sysctl` is allowed for a pod with the given host
  /// namespaces; else Invalid with the reason, quoted as upstream quotes it:
  ///   "kernel.msgmax" not allowlisted
  ///   "net.ipv4.tcp_syncookies" not allowed with host net enabled
  Status validate(std::string_view sysctl, bool host_network, bool host_ipc) const;

 private:
  std::map<std::string, SysctlNamespace, std::less<>> sysctls_;
  std::map<std::string, SysctlNamespace, std::less<>> prefixes_;
};

}  // namespace kubepp::kubelet

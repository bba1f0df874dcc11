#include "runtime/namespaces.h"

namespace kubepp::runtime {

namespace {

// The kernel's namespaces as a table (crun keeps the same table): name, the file under
// /proc/self/ns, and the clone flag.
// [namespace-table]
constexpr NamespaceKind kKinds[] = {
    {"user", "user", CLONE_NEWUSER},       {"cgroup", "cgroup", CLONE_NEWCGROUP},
    {"ipc", "ipc", CLONE_NEWIPC},          {"uts", "uts", CLONE_NEWUTS},
    {"network", "net", CLONE_NEWNET},      {"pid", "pid", CLONE_NEWPID},
    {"mount", "mnt", CLONE_NEWNS},         {"time", "time", CLONE_NEWTIME},
};
// [namespace-table]

}  // namespace

std::span<const NamespaceKind> namespace_kinds() { return kKinds; }

//> lab01 namespace_flags
int namespace_flags(const NamespaceOptions& options) {
  // Mount and cgroup namespaces are never shared: the container's root filesystem and
  // its view of /sys/fs/cgroup are its own.
  int flags = CLONE_NEWNS | CLONE_NEWCGROUP;
  if (!options.host_uts) flags |= CLONE_NEWUTS;
  if (!options.host_ipc) flags |= CLONE_NEWIPC;
  if (!options.host_pid) flags |= CLONE_NEWPID;
  if (!options.host_network) flags |= CLONE_NEWNET;
  return flags;
}
//< lab01

std::string describe_namespace_flags(int flags) {
  std::string out;
  for (const NamespaceKind& kind : kKinds) {
    if ((flags & kind.flag) == 0) continue;
    if (!out.empty()) out += ',';
    out += kind.name;
  }
  return out;
}

}  // namespace kubepp::runtime

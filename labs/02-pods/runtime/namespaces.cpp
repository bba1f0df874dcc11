// Lab 02 starter, generated from runtime/namespaces.cpp by labs/tools/labgen.py — write the TODOs below.
#include "runtime/namespaces.h"

#include <fcntl.h>

#include <cerrno>
#include <utility>

#include "runtime/base/unique_fd.h"
#include "runtime/base/todo.h"

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

// The order in which join_namespaces enters namespaces. A user namespace would come
// first (it decides what the rest may do); kubepp joins none.
constexpr int kJoinOrder[] = {CLONE_NEWCGROUP, CLONE_NEWIPC, CLONE_NEWUTS, CLONE_NEWNET, CLONE_NEWPID, CLONE_NEWNS};

}  // namespace

std::span<const NamespaceKind> namespace_kinds() { return kKinds; }

int joined_namespace_flags(const std::vector<NamespacePath>& join) {
  int flags = 0;
  for (const NamespacePath& ns : join) flags |= ns.flag;
  return flags;
}

//> lab02 join_namespaces
Status join_namespaces(const std::vector<NamespacePath>& join) {
  // TODO(lab02): write join_namespaces — the task is in labs/02-pods/README.md
  (void)join;
  kubepp::lab_todo("lab02", "join_namespaces");
}
//< lab02

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

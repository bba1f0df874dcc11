// Lab 01 starter, generated from runtime/namespaces.cpp by labs/tools/labgen.py — write the TODOs below.
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
  // 1. Open every file first. Once we are in another mount namespace, "/proc/42/ns/net"
  //    and "/run/netns/kubepp-…" would be looked up in *its* filesystem, where they
  //    mean something else or nothing at all.
  std::vector<std::pair<const NamespacePath*, UniqueFd>> files;
  for (const NamespacePath& ns : join) {
    bool known = false;
    for (int flag : kJoinOrder) known = known || flag == ns.flag;
    if (!known) {
      return Error{ErrorCode::Invalid, "namespace `" + ns.path + "`: kind " + describe_namespace_flags(ns.flag) +
                                           " cannot be joined"};
    }
    UniqueFd fd(::open(ns.path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) return sys_error("open", ns.path, errno);
    files.emplace_back(&ns, std::move(fd));
  }
  // 2. Enter them in a fixed order, the mount namespace last: setns(CLONE_NEWNS) also
  //    moves our root and working directory into the new namespace, and nothing after
  //    it should depend on where we were. Passing the expected kind makes the kernel
  //    refuse a file of another kind (EINVAL) instead of silently joining it.
  for (int flag : kJoinOrder) {
    for (auto& [ns, fd] : files) {
      if (ns->flag == flag && ::setns(fd.get(), flag) != 0) return sys_error("setns", ns->path, errno);
    }
  }
  return {};
}
//< lab02

//> lab01 namespace_flags
int namespace_flags(const NamespaceOptions& options) {
  // TODO(lab01): write namespace_flags — the task is in labs/01-containers/README.md
  (void)options;
  kubepp::lab_todo("lab01", "namespace_flags");
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

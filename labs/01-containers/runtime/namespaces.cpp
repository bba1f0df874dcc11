// Lab 01 starter, generated from runtime/namespaces.cpp by labs/tools/labgen.py — write the TODOs below.
#include "runtime/namespaces.h"
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

}  // namespace

std::span<const NamespaceKind> namespace_kinds() { return kKinds; }

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

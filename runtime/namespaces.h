// namespaces.h — Linux namespaces: which ones a container gets.
//
// A container is an ordinary process that the kernel shows a private view of the
// system: its own process ids, mount table, hostname, IPC objects, network stack and
// cgroup root. Each view is a namespace, asked for with a CLONE_NEW* flag when the
// process is created (clone(2)) — see chapters/01-containers/README.md.
#pragma once

#include <sched.h>

#include <span>
#include <string>

namespace kubepp::runtime {

/// One kind of namespace, as the kernel names it: `proc_name` is the file under
/// /proc/PID/ns/, `flag` the clone(2)/unshare(2)/setns(2) flag.
struct NamespaceKind {
  const char* name;       ///< what we call it: "mount", "network", …
  const char* proc_name;  ///< "mnt", "net", …
  int flag;               ///< CLONE_NEWNS, CLONE_NEWNET, …
};

/// Every namespace kind Linux has.
std::span<const NamespaceKind> namespace_kinds();

/// Which of the host's namespaces a container shares instead of getting its own
/// (`kubepp run --net=host`, later a Pod's hostNetwork/hostPID/hostIPC).
struct NamespaceOptions {
  bool host_network = false;  ///< keep the host's network stack
  bool host_pid = false;      ///< see the host's processes
  bool host_ipc = false;      ///< share the host's System V IPC and POSIX message queues
  bool host_uts = false;      ///< keep the host's hostname
};

/// The clone(2) flags for a new container: a new mount, UTS, IPC, PID, network and
/// cgroup namespace, minus the ones `options` shares with the host. (No user
/// namespace: kubepp's containers run as the host's root, as Docker's do by default.)
int namespace_flags(const NamespaceOptions& options);

/// "cgroup,ipc,uts,network,pid,mount" — the kinds named by `flags` in the order of
/// namespace_kinds(), for messages.
std::string describe_namespace_flags(int flags);

}  // namespace kubepp::runtime

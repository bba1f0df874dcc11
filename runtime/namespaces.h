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
#include <vector>

#include "runtime/base/result.h"

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

/// An existing namespace to enter, by its file: /proc/PID/ns/net of a pod's pause
/// process, or a named network namespace pinned at /run/netns/NAME.
struct NamespacePath {
  int flag = 0;      ///< which kind it must be: CLONE_NEWNET, CLONE_NEWIPC, …
  std::string path;  ///< the namespace's file
};

/// Which of the host's namespaces a container shares instead of getting its own
/// (`kubepp run --net=host`, a Pod's hostNetwork/hostPID/hostIPC), and which existing
/// namespaces it joins (a pod's containers join their sandbox's network, IPC and UTS
/// namespaces, and its PID namespace with shareProcessNamespace).
struct NamespaceOptions {
  bool host_network = false;  ///< keep the host's network stack
  bool host_pid = false;      ///< see the host's processes
  bool host_ipc = false;      ///< share the host's System V IPC and POSIX message queues
  bool host_uts = false;      ///< keep the host's hostname
  std::vector<NamespacePath> join;  ///< entered instead of created: not in namespace_flags' new ones
};

/// The clone(2) flags for a new container: a new mount, UTS, IPC, PID, network and
/// cgroup namespace, minus the ones `options` shares with the host. (No user
/// namespace: kubepp's containers run as the host's root, as Docker's do by default.)
int namespace_flags(const NamespaceOptions& options);

/// "cgroup,ipc,uts,network,pid,mount" — the kinds named by `flags` in the order of
/// namespace_kinds(), for messages.
std::string describe_namespace_flags(int flags);

/// The CLONE_NEW* flags of the namespaces in `join`, or-ed.
int joined_namespace_flags(const std::vector<NamespacePath>& join);

/// Moves the calling process into each namespace of `join` with setns(2): every file is
/// opened first, then entered in a fixed order — cgroup, IPC, UTS, network, PID, mount
/// last — each checked to be of the kind its `flag` names. A PID namespace applies to
/// the caller's future children only. Fails with the step and the path
/// ("setns `/proc/42/ns/net`: EINVAL"); the process may then be partly moved and
/// must exit. Call in a single-threaded process (setns of a mount namespace requires it).
Status join_namespaces(const std::vector<NamespacePath>& join);

}  // namespace kubepp::runtime

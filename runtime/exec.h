// exec.h — running one more process inside a running container (`kubepp exec`).
//
// A container is a set of namespaces and a cgroup, so "entering" it is: join its
// cgroup, setns(2) into each of its namespaces, fork once more (a pid namespace
// applies to children only), and exec with the container's environment, under the
// same capabilities and seccomp filter as its first process.
//
// The process that joins is the kubepp binary, and so is the child it forks into the
// container's pid namespace, until that child execs: for that moment a process of the
// container could open /proc/PID/exe and overwrite the host's kubepp (CVE-2019-5736,
// which hit runc). The joiner makes itself non-dumpable first, and its child inherits
// that, so /proc/PID/exe is closed to the container.
#pragma once

#include <string>
#include <vector>

#include "runtime/base/result.h"
#include "runtime/names.h"

namespace kubepp::runtime {

struct ExecOptions {
  std::vector<std::string> args;  ///< the command; args[0] looked up in the container's PATH
  std::vector<std::string> env;   ///< KEY=VALUE added to the container's environment
  std::string working_dir = "/";
  bool tty = false;               ///< a pseudo-terminal for the command (`-t`)
};

/// Runs `options.args` in the running container `id` with our stdin, stdout and stderr
/// (or a terminal relayed to them), waits for it, and returns its exit status as a
/// shell reports it. Conflict when the container is not running.
Result<int> exec_in_container(const StateDirs& dirs, const std::string& id, const ExecOptions& options);

}  // namespace kubepp::runtime

// process.h — creating, running and reaping the container's first process.
#pragma once

#include <sys/types.h>

#include <functional>
#include <string>
#include <vector>

#include "runtime/base/result.h"

namespace kubepp::runtime {

/// How a process ended: an exit code, or the signal that killed it.
struct ExitStatus {
  int code = 0;    ///< exit code; meaningful when signal == 0
  int signal = 0;  ///< the terminating signal, or 0 when the process exited
  /// Why, in Kubernetes' words, for a container: Completed (code 0), Error, or
  /// OOMKilled (the cgroup's OOM killer struck — whatever the exit status says).
  std::string reason;

  /// What a shell would report as $?: the code, or 128 + signal.
  int shell_code() const { return signal != 0 ? 128 + signal : code; }
  /// "exited with code 3" / "killed by signal 9 (SIGKILL)".
  std::string describe() const;
};

/// clone(2)s a child with `flags` (CLONE_NEW*) that runs `fn` on a stack of its own
/// and exits with its return value. The child is a copy of the caller: call this from
/// a single-threaded process (the runtime's callers are; a multi-threaded caller would
/// copy locks held by other threads).
Result<pid_t> clone_process(int flags, const std::function<int()>& fn);

/// Waits for `pid` to end (retrying on EINTR) and reaps it.
Result<ExitStatus> wait_process(pid_t pid);

/// The program `name` names: itself when it has a slash, else the first executable
/// regular file of that name in the PATH of `env` (not of the caller). Fails as execve
/// would: "exec `nosuch`: ENOENT", or EACCES when only files without x were found.
Result<std::string> find_program(const std::string& name, const std::vector<std::string>& env);

/// Replaces the calling process with `args`, found by find_program, with exactly `env`
/// as its environment. Returns only on failure: "exec `nosuch`: ENOENT".
Error exec_command(const std::vector<std::string>& args, const std::vector<std::string>& env);

/// Marks every descriptor from 3 up close-on-exec, so the container's program starts
/// with only stdin, stdout and stderr.
Status close_fds_on_exec();

}  // namespace kubepp::runtime

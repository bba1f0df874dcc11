// runtime.h — the OCI runtime: a bundle (config.json + rootfs/) becomes a container,
// with runc's lifecycle, so `kubepp runtime` can stand in for runc and crun.
//
//   create ──▶ created ──start──▶ running ──(the process ends)──▶ stopped ──delete──▶ gone
//
// create sets everything up — namespaces, cgroup, mounts, pivot_root, hardening — and
// leaves the container's first process (its *init*) blocked on a FIFO, `exec.fifo`,
// just before execve. start opens the FIFO's other end: the init reads the go-ahead and
// execs the user's program. Nothing of kubepp stays running between the commands: the
// init is the container, and the record under the runtime's root (state.json) is all
// the later commands read, as with runc.
//
// The setup follows runc's order (libcontainer's standard_init_linux.go): join or
// create namespaces, enter the cgroup, mount (the bundle's rootfs bound onto itself,
// then config.json's mounts in order, with devices in /dev), pivot_root, masked and
// read-only paths, sysctls, rlimits; seccomp (before dropping capabilities unless
// noNewPrivileges), capabilities and ids; the FIFO; exec. Hooks are not run yet: a
// config.json with hooks is refused.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include "runtime/base/result.h"
#include "runtime/oci/spec.h"
#include "runtime/process.h"

namespace kubepp::runtime::oci {

/// Where `kubepp runtime` keeps its containers unless --root says otherwise (runc's is
/// /run/runc).
inline constexpr const char* kDefaultRuntimeRoot = "/run/kubepp-runtime";

struct CreateOptions {
  std::filesystem::path bundle = ".";  ///< holds config.json
  std::filesystem::path pid_file;      ///< if set, the init's pid is written there
};

/// Creates container `id` from the bundle: on success its init waits at the FIFO and
/// the container is "created". AlreadyExists when `root` has a container of that id;
/// Invalid for what kubepp does not run (user namespaces, a terminal) naming the field.
/// The init keeps our stdin, stdout and stderr, as runc's does without a terminal.
Result<pid_t> create_container(const std::filesystem::path& root, const std::string& id,
                               const CreateOptions& options);

/// Lets a created container's init exec its program. Conflict when it is not "created".
Status start_container(const std::filesystem::path& root, const std::string& id);

/// The state `runc state` prints. NotFound names the container.
Result<State> container_state(const std::filesystem::path& root, const std::string& id);

/// Every container under `root`, by id.
std::vector<State> list_containers(const std::filesystem::path& root);

/// Sends `signal` to the init, or with `all` to every process in the container's cgroup.
Status kill_container(const std::filesystem::path& root, const std::string& id, int signal, bool all);

/// Removes a stopped container: its cgroup and its record. A created or running one
/// only with `force`, which kills it first. NotFound names the container.
Status delete_container(const std::filesystem::path& root, const std::string& id, bool force);

/// The config.json the container was created from: a copy kept under `root`, so that
/// later changes to the bundle change nothing (runc keeps it in its state too).
Result<Spec> container_spec(const std::filesystem::path& root, const std::string& id);

/// The pids in the container's cgroup.
Result<std::vector<pid_t>> container_pids(const std::filesystem::path& root, const std::string& id);

/// create + start, then waits for the init (we are its parent) and deletes the
/// container: `runc run`. Signals we receive (SIGINT, SIGTERM, SIGHUP, SIGQUIT,
/// SIGUSR1, SIGUSR2) are passed on to the init meanwhile.
Result<ExitStatus> run_container(const std::filesystem::path& root, const std::string& id, const CreateOptions& options);

/// Runs `process` (args, env, cwd, user, capabilities, noNewPrivileges) in the running
/// container: its namespaces and cgroup, its seccomp profile. Waits and returns how it
/// ended.
Result<ExitStatus> exec_in_container(const std::filesystem::path& root, const std::string& id, const Process& process);

}  // namespace kubepp::runtime::oci

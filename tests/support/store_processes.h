// store_processes.h — store servers for tests, as child processes on 127.0.0.1: real etcd
// 3.4 and `kubepp store`, each with its data in a fresh temporary directory.
//
// StoreProcess::etcd() or ::kubepp_store() starts one and returns once it answers
// POST /v3/kv/range; talk to endpoint() with EtcdStore. etcd spends most of its start
// waiting for its first election (0.1–1 s: its election timeout is random), so etcd()
// keeps two more members starting in the background; a test waits for one election at
// most, and usually for less. Letting the handle go stops the
// process — SIGTERM to the pid it started, a wait, SIGKILL after a timeout — and removes
// its directory, also when the test failed (RAII). A child also dies with the test
// process (PR_SET_PDEATHSIG), so a crashed test leaves no server behind.
//
// Each process logs to <dir>/log. A failure to start fails the test with the log's tail;
// a missing /usr/bin/etcd fails it too (never skips), saying to run scripts/setup.
// Thread safety: none; a test owns its handles. Copying is deleted.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

namespace kubepp::testing {

/// A child process a test started, stopped and reaped when destroyed.
class ChildProcess {
 public:
  /// Starts argv (argv[0] a path) with stdin from /dev/null and stdout and stderr
  /// appended to `log`, in this process's environment plus `env` ("NAME=value").
  /// Fails the test when it cannot fork.
  ChildProcess(const std::vector<std::string>& argv, const std::string& log,
               const std::vector<std::string>& env = {});
  ~ChildProcess() { stop(); }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  pid_t pid() const { return pid_; }

  /// Whether it has exited (reaping it if so); how, in exit_status().
  bool exited();
  /// "exit status 1", "killed by SIGSEGV", or "running".
  std::string exit_status() const;

  /// SIGTERM, then up to `grace` for it to exit, then SIGKILL; reaps it. Idempotent.
  void stop(std::chrono::milliseconds grace = std::chrono::seconds(5));

 private:
  pid_t pid_ = -1;
  int status_ = 0;
  bool reaped_ = false;
};

/// A store server process and its temporary directory.
class StoreProcess {
 public:
  /// Real etcd (/usr/bin/etcd) as a one-member cluster on free loopback client and peer
  /// ports, --data-dir in a fresh temporary directory. Every call gets a new member.
  static std::unique_ptr<StoreProcess> etcd();
  /// `kubepp store` (this build's binary) on a free loopback port (it binds port 0 and
  /// prints the address), --data-dir in a fresh temporary directory.
  static std::unique_ptr<StoreProcess> kubepp_store();

  /// `kubepp store` on a data directory the caller keeps (crash tests restart it there),
  /// with more flags and environment (KUBEPP_STORE_FAILPOINT, cluster/store/failpoint.h).
  struct KubeppStoreOptions {
    std::string data_dir;
    std::vector<std::string> args;
    std::vector<std::string> env;
  };
  static std::unique_ptr<StoreProcess> kubepp_store(const KubeppStoreOptions& opts);

  ~StoreProcess();  // stops the process, then removes the directory
  StoreProcess(const StoreProcess&) = delete;
  StoreProcess& operator=(const StoreProcess&) = delete;

  /// "http://127.0.0.1:PORT".
  const std::string& endpoint() const { return endpoint_; }
  /// The last `lines` lines of the process's log.
  std::string log_tail(size_t lines = 40) const;

  /// Waits up to `timeout` for the process to exit by itself; true when it did.
  bool wait_for_exit(std::chrono::milliseconds timeout);
  /// As ChildProcess::exit_status.
  std::string exit_status() const { return process_->exit_status(); }
  pid_t pid() const { return process_->pid(); }
  /// Stops the process now (ChildProcess::stop); the directory stays until destruction.
  void stop() { process_->stop(); }

 private:
  explicit StoreProcess(const std::string& name);
  static std::unique_ptr<StoreProcess> launch_etcd();  // started, not waited for
  void launch(const std::vector<std::string>& argv, const std::vector<std::string>& env = {});
  bool wait_ready();  // false: it exited first (a port taken meanwhile?)

  std::string name_;  // "etcd", "kubepp store": for messages
  std::string dir_;
  std::string log_;
  std::string endpoint_;                   // empty until known: from the log, for kubepp store
  std::unique_ptr<ChildProcess> process_;
  std::chrono::steady_clock::time_point started_;
};

}  // namespace kubepp::testing

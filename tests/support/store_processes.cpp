// store_processes.cpp — etcd and `kubepp store` as child processes of a test.
#include "tests/support/store_processes.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <deque>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>

#include "cluster/store/etcd/etcd_store.h"
#include "runtime/base/result.h"
#include "tests/support/containers.h"

extern char** environ;

namespace kubepp::testing {

namespace {

namespace fs = std::filesystem;
using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;

constexpr const char* kEtcd = "/usr/bin/etcd";
constexpr auto kStartTimeout = std::chrono::seconds(20);
constexpr int kStartAttempts = 3;
constexpr size_t kEtcdSpares = 2;  // members starting in the background (see the header)
constexpr std::string_view kServingAt = "serving etcd's v3 JSON gateway at ";  // cluster/cmd/store.cpp

// A free TCP port on 127.0.0.1. It is bound and released, so another process could take
// it before the server binds it: etcd() sees that as an early exit, and tries again.
int free_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) FAIL("socket: " << errno_name(errno));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  bool ok = ::bind(fd, reinterpret_cast<sockaddr*>(&addr), len) == 0 &&
            ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0;
  int err = errno;
  ::close(fd);
  if (!ok) FAIL("bind 127.0.0.1:0: " << errno_name(err));
  return ntohs(addr.sin_port);
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

// --- ChildProcess --------------------------------------------------------------------

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const std::string& log,
                           const std::vector<std::string>& env) {
  // Everything the child needs is prepared before fork: after it, in a process with
  // threads, the child may only make async-signal-safe calls until exec.
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  std::vector<char*> envp;
  for (char** e = environ; *e != nullptr; e++) envp.push_back(*e);
  for (const std::string& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  envp.push_back(nullptr);
  const pid_t parent = ::getpid();
  pid_ = ::fork();
  if (pid_ < 0) FAIL("fork: " << errno_name(errno));
  if (pid_ > 0) return;

  ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // die with the test, even when it crashes
  if (::getppid() != parent) ::_exit(127);
  int in = ::open("/dev/null", O_RDONLY);
  int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (in < 0 || out < 0) ::_exit(127);
  ::dup2(in, 0);
  ::dup2(out, 1);
  ::dup2(out, 2);
  ::close_range(3, ~0U, 0);  // no test sockets or files leak into the server
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int sig : {SIGTERM, SIGINT, SIGPIPE}) ::signal(sig, SIG_DFL);
  ::execve(args[0], args.data(), envp.data());
  static const char kFailed[] = "store_processes: execve failed\n";
  (void)!::write(2, kFailed, sizeof kFailed - 1);
  ::_exit(127);
}

bool ChildProcess::exited() {
  if (reaped_) return true;
  if (::waitpid(pid_, &status_, WNOHANG) == pid_) reaped_ = true;
  return reaped_;
}

std::string ChildProcess::exit_status() const {
  if (!reaped_) return "running";
  if (WIFEXITED(status_)) return "exit status " + std::to_string(WEXITSTATUS(status_));
  if (WIFSIGNALED(status_)) return std::string("killed by SIG") + ::sigabbrev_np(WTERMSIG(status_));
  return "status " + std::to_string(status_);
}

void ChildProcess::stop(milliseconds grace) {
  if (pid_ <= 0 || exited()) return;
  ::kill(pid_, SIGTERM);
  for (auto deadline = Clock::now() + grace; Clock::now() < deadline;) {
    if (exited()) return;
    std::this_thread::sleep_for(milliseconds(5));
  }
  ::kill(pid_, SIGKILL);
  if (::waitpid(pid_, &status_, 0) == pid_) reaped_ = true;
}

// --- StoreProcess --------------------------------------------------------------------

StoreProcess::StoreProcess(const std::string& name) : name_(name) {
  std::string pattern = (fs::temp_directory_path() / "kubepp-store-process-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) FAIL("mkdtemp " << pattern << ": " << errno_name(errno));
  dir_ = pattern;
  log_ = dir_ + "/log";
}

StoreProcess::~StoreProcess() {
  process_.reset();  // stops it before its files go
  std::error_code ec;
  fs::remove_all(dir_, ec);
}

std::string StoreProcess::log_tail(size_t lines) const {
  std::string log = slurp(log_);
  size_t at = log.size();
  for (size_t n = 0; at > 0 && n <= lines;) {
    if (log[--at] == '\n') n++;
  }
  return log.substr(at == 0 ? 0 : at + 1);
}

std::unique_ptr<StoreProcess> StoreProcess::launch_etcd() {
  std::unique_ptr<StoreProcess> p(new StoreProcess("etcd"));
  const std::string client = "http://127.0.0.1:" + std::to_string(free_port());
  const std::string peer = "http://127.0.0.1:" + std::to_string(free_port());
  p->endpoint_ = client;
  p->launch({kEtcd, "--name", "kubepp-test", "--data-dir", p->dir_ + "/data",
             "--listen-client-urls", client, "--advertise-client-urls", client,
             "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer,
             "--initial-cluster", "kubepp-test=" + peer, "--initial-cluster-state", "new",
             "--logger", "zap", "--log-outputs", "stderr"});
  return p;
}

std::unique_ptr<StoreProcess> StoreProcess::etcd() {
  if (::access(kEtcd, X_OK) != 0) {
    FAIL("real etcd is not installed (" << kEtcd << ": " << errno_name(errno)
                                        << "). Run scripts/setup: it installs the Debian package etcd-server.");
  }
  // Members launched and not yet waited for; stopped at exit with the other statics.
  static std::deque<std::unique_ptr<StoreProcess>> starting;
  for (int attempt = 1;; attempt++) {
    while (starting.size() < 1 + kEtcdSpares) starting.push_back(launch_etcd());
    std::unique_ptr<StoreProcess> p = std::move(starting.front());
    starting.pop_front();
    starting.push_back(launch_etcd());  // it starts while this test runs
    if (p->wait_ready()) return p;
    if (attempt == kStartAttempts) {
      FAIL("etcd exited while starting (" << p->process_->exit_status() << "), " << attempt
                                          << " times; the end of " << p->log_ << ":\n" << p->log_tail());
    }
  }
}

std::unique_ptr<StoreProcess> StoreProcess::kubepp_store() {
  std::unique_ptr<StoreProcess> p(new StoreProcess("kubepp store"));
  p->launch({kubepp_binary().string(), "store", "--listen-client-urls", "http://127.0.0.1:0",
             "--data-dir", p->dir_ + "/data"});
  if (!p->wait_ready()) {
    FAIL("kubepp store exited while starting (" << p->process_->exit_status() << "); the end of " << p->log_
                                                << ":\n" << p->log_tail());
  }
  return p;
}

std::unique_ptr<StoreProcess> StoreProcess::kubepp_store(const KubeppStoreOptions& opts) {
  std::unique_ptr<StoreProcess> p(new StoreProcess("kubepp store"));
  std::vector<std::string> argv{kubepp_binary().string(), "store", "--listen-client-urls", "http://127.0.0.1:0",
                                "--data-dir", opts.data_dir};
  argv.insert(argv.end(), opts.args.begin(), opts.args.end());
  p->launch(argv, opts.env);
  if (!p->wait_ready()) {
    FAIL("kubepp store exited while starting (" << p->process_->exit_status() << "); the end of " << p->log_
                                                << ":\n" << p->log_tail());
  }
  return p;
}

bool StoreProcess::wait_for_exit(milliseconds timeout) {
  for (auto deadline = Clock::now() + timeout; Clock::now() < deadline;) {
    if (process_->exited()) return true;
    std::this_thread::sleep_for(milliseconds(2));
  }
  return process_->exited();
}

void StoreProcess::launch(const std::vector<std::string>& argv, const std::vector<std::string>& env) {
  process_ = std::make_unique<ChildProcess>(argv, log_, env);
  started_ = Clock::now();
}

// Waits until the process serves: its log names the URL (when endpoint_ is not known
// yet) and a range answers. False when it exited first; fails the test on timeout.
bool StoreProcess::wait_ready() {
  const auto deadline = started_ + kStartTimeout;
  store::EtcdStore::Options quick;
  quick.connect_timeout = milliseconds(200);
  quick.request_timeout = milliseconds(1000);  // etcd holds requests until its election
  std::unique_ptr<store::EtcdStore> probe;
  std::string last_error = "no address in the log yet";
  while (Clock::now() < deadline) {
    if (process_->exited()) return false;
    if (endpoint_.empty()) {
      std::string log = slurp(log_);
      if (size_t at = log.find(kServingAt); at != std::string::npos && log.find('\n', at) != std::string::npos) {
        at += kServingAt.size();
        endpoint_ = log.substr(at, log.find('\n', at) - at);
      }
    }
    if (!endpoint_.empty() && !probe) {
      Result<std::unique_ptr<store::EtcdStore>> s = store::EtcdStore::open(endpoint_, quick);
      if (!s) FAIL(name_ << " serves at `" << endpoint_ << "`, which is no endpoint: " << s.error().message);
      probe = std::move(s).value();
    }
    if (probe) {
      store::RangeRequest req;
      req.key = std::string(1, '\0');
      req.count_only = true;
      Result<store::RangeResponse> r = probe->range(req);
      if (r) return true;
      last_error = r.error().message;
    }
    std::this_thread::sleep_for(milliseconds(10));
  }
  FAIL(name_ << " did not answer within " << kStartTimeout.count() << " s (" << last_error << "); the end of "
             << log_ << ":\n" << log_tail());
  return false;
}

}  // namespace kubepp::testing

#include "runtime/process.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>

namespace kubepp::runtime {

std::string ExitStatus::describe() const {
  if (signal == 0) return "exited with code " + std::to_string(code);
  const char* name = sigabbrev_np(signal);
  return "killed by signal " + std::to_string(signal) + (name ? " (SIG" + std::string(name) + ")" : "");
}

namespace {

constexpr size_t kStackSize = 1 << 20;

int run_function(void* arg) { return (*static_cast<const std::function<int()>*>(arg))(); }

}  // namespace

Result<pid_t> clone_process(int flags, const std::function<int()>& fn) {
  // The child runs on its own stack in a copy of our address space (no CLONE_VM), so
  // the mapping is unmapped here as soon as clone returns; the child keeps its copy.
  void* stack = ::mmap(nullptr, kStackSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK,
                       -1, 0);
  if (stack == MAP_FAILED) return sys_error("mmap", "clone stack", errno);
  void* top = static_cast<char*>(stack) + kStackSize;
  pid_t pid = ::clone(run_function, top, flags | SIGCHLD, const_cast<std::function<int()>*>(&fn));
  int err = errno;
  ::munmap(stack, kStackSize);
  if (pid < 0) return sys_error("clone", "", err);
  return pid;
}

Result<ExitStatus> wait_process(pid_t pid) {
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return sys_error("waitpid", std::to_string(pid), errno);
  }
  if (WIFSIGNALED(status)) return ExitStatus{0, WTERMSIG(status), ""};
  return ExitStatus{WEXITSTATUS(status), 0, ""};
}

Result<std::string> find_program(const std::string& name, const std::vector<std::string>& env) {
  if (name.find('/') != std::string::npos) {
    if (::access(name.c_str(), X_OK) != 0) return sys_error("exec", name, errno);
    return name;
  }
  // Search the container's PATH, as a shell inside it would (execvp would use ours).
  std::string path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
  for (const std::string& e : env) {
    if (e.rfind("PATH=", 0) == 0) path = e.substr(5);
  }
  int err = ENOENT;
  for (size_t start = 0; start <= path.size();) {
    size_t end = path.find(':', start);
    if (end == std::string::npos) end = path.size();
    const std::string dir = path.substr(start, end - start);
    const std::string candidate = (dir.empty() ? "." : dir) + "/" + name;
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
      if (::access(candidate.c_str(), X_OK) == 0) return candidate;
      err = EACCES;  // remember, keep looking
    }
    start = end + 1;
  }
  return sys_error("exec", name, err);
}

Error exec_command(const std::vector<std::string>& args, const std::vector<std::string>& env) {
  if (args.empty()) return Error{ErrorCode::Invalid, "exec: no command given"};
  Result<std::string> program = find_program(args[0], env);
  if (!program) return program.error();
  std::vector<char*> argv, envp;
  for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  for (const std::string& e : env) envp.push_back(const_cast<char*>(e.c_str()));
  argv.push_back(nullptr);
  envp.push_back(nullptr);
  ::execve(program.value().c_str(), argv.data(), envp.data());
  return sys_error("exec", args[0], errno);
}

Status close_fds_on_exec() {
  if (::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) != 0) return sys_error("close_range", "3..", errno);
  return {};
}

}  // namespace kubepp::runtime

#include "runtime/net/iptables.h"

#include <fcntl.h>
#include <spawn.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "runtime/base/unique_fd.h"

extern char** environ;

namespace kubepp::runtime::net {

namespace {

struct CommandOutput {
  int status = 0;   ///< exit code, or 128 + the signal that killed it
  std::string out;  ///< stdout
  std::string err;  ///< stderr
};

std::string join(const std::vector<std::string>& words) {
  std::string text;
  for (const std::string& word : words) text += (text.empty() ? "" : " ") + word;
  return text;
}

// The binary: root's PATH has /usr/sbin, but a test runner's or a service's may not.
const char* iptables_binary() {
  for (const char* path : {"/usr/sbin/iptables", "/sbin/iptables"}) {
    if (::access(path, X_OK) == 0) return path;
  }
  return "iptables";  // posix_spawnp searches PATH
}

std::string read_all(int fd) {
  std::string data;
  char buffer[4096];
  for (;;) {
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return data;
    data.append(buffer, static_cast<size_t>(n));
  }
}

// fork+exec of `argv`, the posix_spawn way: safe in a process with threads (a kubelet
// is one), where a plain fork() would copy locks other threads hold. stdout comes back
// through a pipe; stderr goes to a memory file read after the exit, so neither can fill
// up and stall the child while we read the other.
Result<CommandOutput> run(const std::vector<std::string>& argv) {
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return sys_error("pipe2", argv[0], errno);
  UniqueFd out_read(pipe_fds[0]), out_write(pipe_fds[1]);
  UniqueFd err_file(::memfd_create("kubepp-iptables-stderr", MFD_CLOEXEC));
  if (!err_file.valid()) return sys_error("memfd_create", argv[0], errno);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, out_write.get(), STDOUT_FILENO);  // dup2 clears close-on-exec
  posix_spawn_file_actions_adddup2(&actions, err_file.get(), STDERR_FILENO);
  std::vector<char*> args;
  for (const std::string& arg : argv) args.push_back(const_cast<char*>(arg.c_str()));
  args.push_back(nullptr);
  pid_t pid = 0;
  const int err = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (err != 0) return sys_error("exec", join(argv), err);
  out_write.reset();  // the child holds the only write end now: EOF when it exits

  CommandOutput output;
  output.out = read_all(out_read.get());
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) return sys_error("waitpid", join(argv), errno);
  }
  output.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  ::lseek(err_file.get(), 0, SEEK_SET);
  output.err = read_all(err_file.get());
  while (!output.err.empty() && output.err.back() == '\n') output.err.pop_back();
  return output;
}

std::vector<std::string> iptables_argv(const std::vector<std::string>& args) {
  std::vector<std::string> argv = {iptables_binary(), "-w"};
  argv.insert(argv.end(), args.begin(), args.end());
  return argv;
}

Error command_error(const std::vector<std::string>& argv, const CommandOutput& output) {
  return Error{ErrorCode::Internal, "`" + join(argv) + "`: exit status " + std::to_string(output.status) +
                                        (output.err.empty() ? "" : ": " + output.err)};
}

// Runs a query whose exit status 1 means "no" (the chain or rule is not there), 0 "yes".
Result<bool> ask(const std::vector<std::string>& args) {
  const std::vector<std::string> argv = iptables_argv(args);
  Result<CommandOutput> output = run(argv);
  if (!output) return output.error();
  if (output.value().status == 0) return true;
  if (output.value().status == 1) return false;
  return command_error(argv, output.value());
}

std::vector<std::string> with_rule(std::vector<std::string> args, const IptablesRule& rule) {
  args.insert(args.end(), rule.spec.begin(), rule.spec.end());
  return args;
}

}  // namespace

std::string IptablesRule::str() const { return join(with_rule({"-t", table, "-A", chain}, *this)); }

Result<std::string> run_iptables(const std::vector<std::string>& args) {
  const std::vector<std::string> argv = iptables_argv(args);
  Result<CommandOutput> output = run(argv);
  if (!output) return output.error();
  if (output.value().status != 0) return command_error(argv, output.value());
  return std::move(output.value().out);
}

Result<bool> chain_exists(const std::string& table, const std::string& chain) {
  return ask({"-t", table, "-S", chain});
}

Status ensure_chain(const std::string& table, const std::string& chain) {
  Result<bool> exists = chain_exists(table, chain);
  if (!exists) return exists.error();
  if (exists.value()) return {};
  if (Result<std::string> r = run_iptables({"-t", table, "-N", chain}); !r) return r.error();
  return {};
}

Status delete_chain(const std::string& table, const std::string& chain) {
  Result<bool> exists = chain_exists(table, chain);
  if (!exists) return exists.error();
  if (!exists.value()) return {};
  if (Result<std::string> r = run_iptables({"-t", table, "-F", chain}); !r) return r.error();
  if (Result<std::string> r = run_iptables({"-t", table, "-X", chain}); !r) return r.error();
  return {};
}

Result<std::vector<std::string>> chain_rules(const std::string& table, const std::string& chain) {
  Result<bool> exists = chain_exists(table, chain);
  if (!exists) return exists.error();
  std::vector<std::string> rules;
  if (!exists.value()) return rules;
  Result<std::string> listed = run_iptables({"-t", table, "-S", chain});
  if (!listed) return listed.error();
  size_t at = 0;
  const std::string& text = listed.value();
  while (at < text.size()) {
    size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(at, end - at);
    if (line.rfind("-A ", 0) == 0) rules.push_back(std::move(line));
    at = end + 1;
  }
  return rules;
}

Result<bool> rule_exists(const IptablesRule& rule) { return ask(with_rule({"-t", rule.table, "-C", rule.chain}, rule)); }

Status ensure_rule(const IptablesRule& rule, RulePosition position) {
  Result<bool> exists = rule_exists(rule);
  if (!exists) return exists.error();
  if (exists.value()) return {};
  std::vector<std::string> args = position == RulePosition::First ? std::vector<std::string>{"-t", rule.table, "-I", rule.chain, "1"}
                                                                  : std::vector<std::string>{"-t", rule.table, "-A", rule.chain};
  if (Result<std::string> r = run_iptables(with_rule(args, rule)); !r) return r.error();
  return {};
}

Status delete_rule(const IptablesRule& rule) {
  for (;;) {
    Result<bool> exists = rule_exists(rule);
    if (!exists) return exists.error();
    if (!exists.value()) return {};
    if (Result<std::string> r = run_iptables(with_rule({"-t", rule.table, "-D", rule.chain}, rule)); !r) return r.error();
  }
}

Status remove_chain(const std::string& table, const std::string& chain, const std::vector<IptablesRule>& jumps) {
  Result<bool> exists = chain_exists(table, chain);
  if (!exists) return exists.error();
  if (!exists.value()) return {};
  for (const IptablesRule& jump : jumps) {
    if (Status s = delete_rule(jump); !s) return s;
  }
  return delete_chain(table, chain);
}

Status remove_chain_if_empty(const std::string& table, const std::string& chain,
                             const std::vector<IptablesRule>& jumps) {
  Result<std::vector<std::string>> rules = chain_rules(table, chain);  // none for a missing chain
  if (!rules) return rules.error();
  if (!rules.value().empty()) return {};
  return remove_chain(table, chain, jumps);
}

}  // namespace kubepp::runtime::net

// `kubepp exec [-it] NAME [--] COMMAND [ARG...]` — run a command inside a running
// container: its namespaces, its cgroup, its capabilities and seccomp filter.
#include <cstdint>
#include <iostream>

#include "runtime/cli/flags.h"
#include "runtime/cli/verbs.h"
#include "runtime/exec.h"

namespace kubepp::cli {

int exec_main(const GlobalOptions& global, const std::vector<std::string>& args) {
  runtime::ExecOptions options;
  bool interactive = false;
  FlagSet flags("kubepp exec [-i] [-t] NAME [--] COMMAND [ARG...]");
  flags.add_bool("i,interactive", &interactive, "keep stdin open (it always is: accepted for docker's -it)");
  flags.add_bool("t,tty", &options.tty, "run the command on a pseudo-terminal");
  flags.add_list("e,env", &options.env, "set an environment variable KEY=VALUE (repeatable)");
  flags.add_string("w,workdir", &options.working_dir, "working directory inside the container");
  // -it is the usual spelling: split combined short flags before parsing.
  std::vector<std::string> expanded;
  for (const std::string& arg : args) {
    if (arg == "-it" || arg == "-ti") {
      expanded.insert(expanded.end(), {"-i", "-t"});
    } else {
      expanded.push_back(arg);
    }
  }
  FlagSet::Parsed parsed = flags.parse_verb("exec", expanded, 2, SIZE_MAX, "want a container name and a command");
  if (parsed.exit_now) return *parsed.exit_now;
  std::vector<std::string>& positional = parsed.args;
  const size_t first = positional[1] == "--" ? 2 : 1;
  options.args.assign(positional.begin() + static_cast<long>(first), positional.end());
  Result<int> status = runtime::exec_in_container(global.dirs, positional[0], options);
  if (!status) {
    std::cerr << "kubepp exec: " << status.error().message << "\n";
    // As docker exec: 127 for a command that is not there, 126 for one that cannot run.
    if (status.error().message.find("exec `") == std::string::npos) return 125;
    return status.error().code == ErrorCode::NotFound ? 127 : 126;
  }
  return status.value();
}

}  // namespace kubepp::cli

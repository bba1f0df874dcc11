// main.cpp — the single `kubepp` binary. Like busybox and k3s, one executable holds
// every command; this file reads the global options and dispatches to the verb.
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "cluster/cmd/commands.h"
#include "runtime/cli/verbs.h"

namespace {

struct Verb {
  const char* name;
  kubepp::cli::VerbMain main;
  const char* summary;
};

// Local verbs (runtime/cli/); the cluster's components join this table as they arrive.
constexpr Verb kVerbs[] = {
    {"run", kubepp::cli::run_main, "run a command in a new container"},
    {"play", kubepp::cmd::play_main, "run the Pods of a manifest, without a cluster"},
    {"pods", kubepp::cmd::pods_main, "list the played pods"},
    {"ps", kubepp::cli::ps_main, "list the containers"},
    {"logs", kubepp::cmd::logs_main, "print a container's (or a pod's) output"},
    {"stop", kubepp::cmd::stop_main, "stop pods or containers (SIGTERM, grace, SIGKILL)"},
    {"rm", kubepp::cmd::rm_main, "remove pods or containers"},
    {"exec", kubepp::cmd::exec_main, "run a command in a running container (or pod)"},
    {"image", kubepp::cli::image_main, "list, import, inspect and remove images"},
    {"runtime", kubepp::cli::runtime_main, "the OCI runtime over bundles, with runc's commands"},
    {"cleanup", kubepp::cmd::cleanup_main, "remove what a crashed kubepp left behind"},
    {"store", kubepp::cmd::store_main, "serve the watchable store over etcd's v3 JSON gateway"},
};

int usage(std::ostream& out, int code) {
  out << "Usage: kubepp [--root DIR] [-v=N] COMMAND [ARGS...]\n\n"
         "Kubernetes' core, rebuilt in C++ for teaching.\n\nCommands:\n";
  for (const Verb& verb : kVerbs) {
    out << "  " << verb.name << std::string(12 - std::strlen(verb.name), ' ') << verb.summary << "\n";
  }
  out << "\nGlobal options:\n"
         "  --root DIR   keep state in DIR/lib and DIR/run (default /var/lib/kubepp, /run/kubepp)\n"
         "  -v=N         log verbosity\n";
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  kubepp::cli::GlobalOptions global;
  std::vector<std::string> args(argv + 1, argv + argc);
  size_t i = 0;
  for (; i < args.size() && args[i].starts_with("-"); ++i) {
    const std::string& arg = args[i];
    if (arg == "--root" && i + 1 < args.size()) {
      global.dirs = kubepp::runtime::StateDirs::under(args[++i]);
    } else if (arg.starts_with("--root=")) {
      global.dirs = kubepp::runtime::StateDirs::under(arg.substr(7));
    } else if (arg.starts_with("-v=") || arg.starts_with("--v=")) {
      const std::string level = arg.substr(arg.find('=') + 1);
      if (level.empty() || level.find_first_not_of("0123456789") != std::string::npos) {
        std::cerr << "kubepp: -v wants a number, got `" << level << "`\n";
        return 2;
      }
      global.verbosity = std::stoi(level);
    } else if (arg == "-h" || arg == "--help") {
      return usage(std::cout, 0);
    } else {
      std::cerr << "kubepp: unknown global option " << arg << "\n";
      return usage(std::cerr, 2);
    }
  }
  if (i == args.size()) return usage(std::cerr, 2);
  for (const Verb& verb : kVerbs) {
    if (args[i] == verb.name) return verb.main(global, std::vector<std::string>(args.begin() + static_cast<long>(i) + 1, args.end()));
  }
  std::cerr << "kubepp: unknown command `" << args[i] << "`\n";
  return usage(std::cerr, 2);
}

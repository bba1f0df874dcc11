// `kubepp cleanup` — remove what a crashed kubepp (or an aborted lab test) left behind,
// as recorded in the state directories: containers' processes and directories.
#include <iostream>

#include "runtime/cli/flags.h"
#include "runtime/cli/verbs.h"
#include "runtime/monitor.h"

namespace kubepp::cli {

int cleanup_main(const GlobalOptions& global, const std::vector<std::string>& args) {
  FlagSet flags("kubepp [--root DIR] cleanup");
  FlagSet::Parsed parsed = flags.parse_verb("cleanup", args, 0, 0, "takes no arguments");
  if (parsed.exit_now) return *parsed.exit_now;
  Result<std::vector<std::string>> cleaned = runtime::cleanup_containers(global.dirs);
  if (!cleaned) {
    std::cerr << "kubepp cleanup: " << cleaned.error().message << "\n";
    return 1;
  }
  for (const std::string& id : cleaned.value()) std::cout << "removed container " << id << "\n";
  return 0;
}

}  // namespace kubepp::cli

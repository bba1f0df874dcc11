// `kubepp cleanup` — remove what a crashed kubepp (or an aborted lab test) left behind,
// as recorded in the state directories: sandboxes (their network namespaces, veths,
// addresses and hostPorts), containers' processes and directories, and the node's pod
// network once nothing uses it.
#include <iostream>

#include "runtime/cli/flags.h"
#include "runtime/cli/verbs.h"
#include "runtime/cri/runtime_service.h"
#include "runtime/monitor.h"

namespace kubepp::cli {

int cleanup_main(const GlobalOptions& global, const std::vector<std::string>& args) {
  FlagSet flags("kubepp [--root DIR] cleanup");
  FlagSet::Parsed parsed = flags.parse_verb("cleanup", args, 0, 0, "takes no arguments");
  if (parsed.exit_now) return *parsed.exit_now;
  const runtime::cri::RuntimeOptions options = runtime::cri::RuntimeOptions::under(global.dirs);
  Result<std::vector<std::string>> sandboxes = runtime::cri::cleanup_sandboxes(options);
  if (!sandboxes) {
    std::cerr << "kubepp cleanup: " << sandboxes.error().message << "\n";
    return 1;
  }
  for (const std::string& id : sandboxes.value()) std::cout << "removed sandbox " << id << "\n";
  Result<std::vector<std::string>> cleaned = runtime::cleanup_containers(global.dirs);
  if (!cleaned) {
    std::cerr << "kubepp cleanup: " << cleaned.error().message << "\n";
    return 1;
  }
  for (const std::string& id : cleaned.value()) std::cout << "removed container " << id << "\n";
  if (Status s = runtime::net::teardown_node_network(options.network); !s && s.error().code != ErrorCode::Conflict) {
    std::cerr << "kubepp cleanup: " << s.error().message << "\n";
    return 1;
  }
  return 0;
}

}  // namespace kubepp::cli

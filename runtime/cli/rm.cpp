// `kubepp rm [-f] NAME…` — remove containers: their directories, log, cgroup and record.
#include <iostream>

#include "runtime/cli/flags.h"
#include "runtime/cli/verbs.h"
#include "runtime/monitor.h"

namespace kubepp::cli {

int rm_main(const GlobalOptions& global, const std::vector<std::string>& args) {
  bool force = false;
  FlagSet flags("kubepp rm [-f] NAME...");
  flags.add_bool("f,force", &force, "kill a running container first");
  Result<std::vector<std::string>> rest = flags.parse(args);
  if (flags.help_requested()) {
    std::cout << flags.help();
    return 0;
  }
  if (!rest || rest.value().empty()) {
    std::cerr << "kubepp rm: " << (rest ? "want a container name" : rest.error().message) << "\n";
    return 2;
  }
  int failed = 0;
  for (const std::string& id : rest.value()) {
    if (Status s = runtime::remove_container(global.dirs, id, force); !s) {
      std::cerr << "kubepp rm: " << s.error().message << "\n";
      failed = 1;
      continue;
    }
    std::cout << id << "\n";
  }
  return failed;
}

}  // namespace kubepp::cli

// `kubepp rm [-f] NAME…` — remove containers: their directories, log, cgroup and record.
#include <cstdint>
#include <iostream>

#include "runtime/cli/flags.h"
#include "runtime/cli/verbs.h"
#include "runtime/monitor.h"

namespace kubepp::cli {

int rm_main(const GlobalOptions& global, const std::vector<std::string>& args) {
  bool force = false;
  FlagSet flags("kubepp rm [-f] NAME...");
  flags.add_bool("f,force", &force, "kill a running container first");
  FlagSet::Parsed parsed = flags.parse_verb("rm", args, 1, SIZE_MAX, "want a container name");
  if (parsed.exit_now) return *parsed.exit_now;
  int failed = 0;
  for (const std::string& id : parsed.args) {
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

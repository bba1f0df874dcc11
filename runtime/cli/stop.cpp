// `kubepp stop [-t SECONDS] NAME…` — SIGTERM, a grace period, then SIGKILL, as the
// kubelet stops a container (terminationGracePeriodSeconds; docker stop's -t).
#include <cstdint>
#include <iostream>

#include "runtime/cli/flags.h"
#include "runtime/cli/limits.h"
#include "runtime/cli/verbs.h"
#include "runtime/monitor.h"

namespace kubepp::cli {

int stop_main(const GlobalOptions& global, const std::vector<std::string>& args) {
  std::string grace = "10";
  FlagSet flags("kubepp stop [-t SECONDS] NAME...");
  flags.add_string("t,time", &grace, "seconds to wait after SIGTERM before SIGKILL (default 10)");
  FlagSet::Parsed parsed = flags.parse_verb("stop", args, 1, SIZE_MAX, "want a container name");
  if (parsed.exit_now) return *parsed.exit_now;
  int seconds = 0;
  if (grace != "0") {
    Result<int64_t> count = parse_count("time", grace);
    if (!count) {
      std::cerr << "kubepp stop: " << count.error().message << "\n";
      return 2;
    }
    seconds = static_cast<int>(count.value());
  }
  int failed = 0;
  for (const std::string& id : parsed.args) {
    if (Status s = runtime::stop_container(global.dirs, id, seconds); !s) {
      std::cerr << "kubepp stop: " << s.error().message << "\n";
      failed = 1;
      continue;
    }
    std::cout << id << "\n";
  }
  return failed;
}

}  // namespace kubepp::cli

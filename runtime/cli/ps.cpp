// `kubepp ps` — the containers on this machine, as `docker ps -a` lists them.
#include <iostream>

#include "runtime/cli/flags.h"
#include "runtime/cli/humanize.h"
#include "runtime/cli/table.h"
#include "runtime/cli/verbs.h"
#include "runtime/state.h"

namespace kubepp::cli {

namespace {

// "Up 3 seconds", "Exited (137) 2 minutes ago, OOMKilled", "Exited (unknown): monitor lost".
std::string status_of(const runtime::ContainerState& s) {
  switch (s.phase) {
    case runtime::ContainerPhase::Created: return "Created";
    case runtime::ContainerPhase::Running:
      if (!runtime::still_running(s)) return "Exited (unknown): its monitor died";
      return "Up " + human_duration(seconds_since(s.started_at));
    case runtime::ContainerPhase::Exited: {
      const int code = s.signal != 0 ? 128 + s.signal : s.exit_code;
      return "Exited (" + std::to_string(code) + ") " + human_duration(seconds_since(s.finished_at)) + " ago" +
             (s.reason == "OOMKilled" ? ", OOMKilled" : "");
    }
  }
  return "";
}

}  // namespace

int ps_main(const GlobalOptions& global, const std::vector<std::string>& args) {
  bool quiet = false;
  FlagSet flags("kubepp ps [-q]");
  flags.add_bool("q,quiet", &quiet, "print the names only");
  FlagSet::Parsed parsed = flags.parse_verb("ps", args, 0, 0, "takes no arguments");
  if (parsed.exit_now) return *parsed.exit_now;
  std::vector<std::vector<std::string>> rows = {{"NAME", "IMAGE", "PID", "STATUS", "COMMAND", "PORTS"}};
  for (const runtime::ContainerState& s : runtime::list_states(global.dirs)) {
    if (quiet) {
      std::cout << s.id << "\n";
      continue;
    }
    std::string command;
    for (const std::string& word : s.command) command += (command.empty() ? "" : " ") + word;
    if (command.size() > 40) command = command.substr(0, 37) + "...";
    const bool running = runtime::still_running(s);
    std::string ports;  // published while it runs, as docker ps shows them
    for (const std::string& port : s.network.ports) ports += (ports.empty() ? "" : ", ") + port;
    rows.push_back({s.id, s.image, running ? std::to_string(s.pid) : "-", status_of(s), command, running ? ports : ""});
  }
  if (!quiet) print_table(std::cout, rows);
  return 0;
}

}  // namespace kubepp::cli

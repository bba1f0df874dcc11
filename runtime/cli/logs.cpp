// `kubepp logs [-f] NAME` — what a container wrote, from its CRI log: stdout to our
// stdout, stderr to our stderr. With -f, follows until the container has exited.
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <thread>

#include "runtime/cli/flags.h"
#include "runtime/cli/verbs.h"
#include "runtime/cri_log.h"
#include "runtime/state.h"

namespace kubepp::cli {

namespace {

// Prints the whole records in `in` from where it stands; keeps an unfinished last line
// for the next call (the monitor may be writing it right now).
void print_records(std::ifstream& in, std::string& partial_line) {
  std::string chunk;
  char buf[65536];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) chunk.append(buf, static_cast<size_t>(in.gcount()));
  in.clear();
  partial_line += chunk;
  size_t start = 0;
  for (size_t newline; (newline = partial_line.find('\n', start)) != std::string::npos; start = newline + 1) {
    auto record = runtime::parse_cri_record(std::string_view(partial_line).substr(start, newline - start));
    if (!record) continue;
    std::ostream& out = record->stream == "stderr" ? std::cerr : std::cout;
    out << record->text;
    if (!record->partial) out << '\n';
    out.flush();
  }
  partial_line.erase(0, start);
}

}  // namespace

int logs_main(const GlobalOptions& global, const std::vector<std::string>& args) {
  bool follow = false;
  FlagSet flags("kubepp logs [-f] NAME");
  flags.add_bool("f,follow", &follow, "keep printing what the container writes until it exits");
  FlagSet::Parsed parsed = flags.parse_verb("logs", args, 1, 1, "want one container name");
  if (parsed.exit_now) return *parsed.exit_now;
  Result<runtime::ContainerState> state = runtime::read_state(global.dirs, parsed.args[0]);
  if (!state) {
    std::cerr << "kubepp logs: " << state.error().message << "\n";
    return 1;
  }
  std::ifstream in(state.value().log_path, std::ios::binary);
  std::string partial_line;
  print_records(in, partial_line);
  while (follow) {
    Result<runtime::ContainerState> now = runtime::read_state(global.dirs, state.value().id);
    const bool running = now.ok() && runtime::still_running(now.value());
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    print_records(in, partial_line);
    if (!running) break;  // read once more after it ended: the monitor flushes last
  }
  return 0;
}

}  // namespace kubepp::cli

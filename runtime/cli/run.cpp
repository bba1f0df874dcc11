// `kubepp run` — run a command in a new container, in the foreground, and pass its
// exit status through (docker run --rm, without the daemon).
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <iostream>

#include "runtime/cli/flags.h"
#include "runtime/cli/verbs.h"
#include "runtime/container.h"
#include "runtime/images.h"

namespace kubepp::cli {

namespace {

// Exit codes of `kubepp run` itself, as docker run uses them.
constexpr int kRuntimeFailed = 125;  // kubepp could not create or start the container
constexpr int kCannotExecute = 126;  // the command exists but cannot be executed
constexpr int kNotFound = 127;       // the command was not found

volatile sig_atomic_t g_container_pid = 0;

// The container's first process is pid 1 of its namespace: the kernel drops signals
// it has no handler for, so Ctrl-C is passed on, and the second one kills.
void forward_signal(int signal) {
  static volatile sig_atomic_t interrupts = 0;
  if (g_container_pid == 0) return;
  if (signal == SIGINT) {
    interrupts = interrupts + 1;
    if (interrupts > 1) signal = SIGKILL;
  }
  ::kill(g_container_pid, signal);
}

void install_forwarding() {
  struct sigaction sa{};
  sa.sa_handler = forward_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_RESTART;
  for (int signal : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) sigaction(signal, &sa, nullptr);
}

int fail(const Error& error) {
  std::cerr << "kubepp run: " << error.message << "\n";
  if (error.message.find("exec `") != std::string::npos) {
    return error.code == ErrorCode::NotFound ? kNotFound : kCannotExecute;
  }
  return kRuntimeFailed;
}

}  // namespace

int run_main(const GlobalOptions& global, const std::vector<std::string>& args) {
  runtime::ContainerConfig config;
  std::string network = "none";
  FlagSet flags("kubepp run [flags] IMAGE|ROOTFS-DIR [--] [COMMAND [ARG...]]");
  flags.add_string("name", &config.id, "container name (default: a random id)");
  flags.add_string("hostname", &config.hostname, "hostname inside the container (default: the name)");
  flags.add_string("net,network", &network, "none: own network namespace with lo; host: the host's");
  flags.add_list("e,env", &config.env, "set an environment variable KEY=VALUE (repeatable)");
  flags.add_string("w,workdir", &config.working_dir, "working directory inside the container");

  Result<std::vector<std::string>> rest = flags.parse(args);
  if (!rest) return fail(rest.error());
  if (flags.help_requested()) {
    std::cout << flags.help();
    return 0;
  }
  std::vector<std::string>& positional = rest.value();
  if (positional.empty()) {
    std::cerr << flags.help();
    return kRuntimeFailed;
  }
  if (network != "none" && network != "host") return fail({ErrorCode::Invalid, "--net: want none or host, got `" + network + "`"});
  config.namespaces.host_network = network == "host";

  Result<runtime::Image> image = runtime::resolve_image(positional[0]);
  if (!image) return fail(image.error());
  config.rootfs = image.value().rootfs;
  size_t first = positional.size() > 1 && positional[1] == "--" ? 2 : 1;
  config.args.assign(positional.begin() + static_cast<long>(first), positional.end());
  if (config.args.empty()) config.args = image.value().command;

  Result<runtime::Container> container = runtime::Container::create(std::move(config), global.dirs);
  if (!container) return fail(container.error());
  install_forwarding();
  if (Status started = container.value().start(); !started) return fail(started.error());
  g_container_pid = container.value().pid();

  Result<runtime::ExitStatus> status = container.value().wait();
  g_container_pid = 0;
  if (!status) return fail(status.error());
  if (global.verbosity > 0) std::cerr << "container " << container.value().id() << " " << status.value().describe() << "\n";
  return status.value().shell_code();
}

}  // namespace kubepp::cli

// `kubepp run` — run a command in a new container: in the foreground, passing its exit
// status through (docker run --rm, without a daemon), or detached with -d.
#include <signal.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <iostream>

#include "runtime/base/strings.h"
#include "runtime/cli/flags.h"
#include "runtime/cli/limits.h"
#include "runtime/cli/verbs.h"
#include "runtime/container.h"
#include "runtime/images.h"
#include "runtime/monitor.h"

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

// --memory, --cpus, --pids into the container's limits; an empty flag is no limit.
Status parse_limits(const std::string& memory, const std::string& cpus, const std::string& pids,
                    runtime::ResourceLimits& limits) {
  if (!memory.empty()) {
    Result<int64_t> bytes = parse_memory("memory", memory);
    if (!bytes) return bytes.error();
    limits.memory_bytes = bytes.value();
  }
  if (!cpus.empty()) {
    Result<int64_t> millis = parse_cpus("cpus", cpus);
    if (!millis) return millis.error();
    // A limit with no request asks for as much as it may use, as Kubernetes defaults it.
    limits.cpu_limit_millis = limits.cpu_request_millis = millis.value();
  }
  if (!pids.empty()) {
    Result<int64_t> count = parse_count("pids", pids);
    if (!count) return count.error();
    limits.pids_max = count.value();
  }
  return {};
}

// A -p flag as `docker run` reads it: [IP:]HOST:CONTAINER[/tcp|/udp]. (Docker's random
// host port, `-p CONTAINER`, and port ranges are not supported.)
Result<runtime::net::PortMapping> parse_publish(const std::string& spec) {
  auto invalid = [&](const std::string& why) {
    return Error{ErrorCode::Invalid, "-p `" + spec + "`: " + why + " (want [IP:]HOST:CONTAINER[/tcp|udp])"};
  };
  runtime::net::PortMapping mapping;
  std::string ports = spec;
  if (size_t slash = ports.find('/'); slash != std::string::npos) {
    std::string protocol = ports.substr(slash + 1);
    for (char& c : protocol) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    if (protocol != "TCP" && protocol != "UDP") return invalid("protocol `" + ports.substr(slash + 1) + "`");
    mapping.protocol = protocol;
    ports.resize(slash);
  }
  std::vector<std::string_view> parts = split(ports, ':');
  if (parts.size() == 3) {
    mapping.host_ip = std::string(parts[0]);
    parts.erase(parts.begin());
  }
  if (parts.size() != 2) return invalid("a host port and a container port");
  int* targets[2] = {&mapping.host_port, &mapping.container_port};
  for (int i = 0; i < 2; ++i) {
    Result<int64_t> port = parse_count("port", std::string(parts[static_cast<size_t>(i)]));
    if (!port || port.value() < 1 || port.value() > 65535) return invalid("ports go from 1 to 65535");
    *targets[i] = static_cast<int>(port.value());
  }
  return mapping;
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
  std::string network;
  std::vector<std::string> publish;
  FlagSet flags("kubepp run [flags] IMAGE|ROOTFS-DIR [--] [COMMAND [ARG...]]");
  bool detach = false;
  flags.add_string("name", &config.id, "container name (default: a random id)");
  flags.add_bool("d,detach", &detach, "run in the background and print the container's name");
  flags.add_string("hostname", &config.hostname, "hostname inside the container (default: the name)");
  flags.add_string("net,network", &network,
                   "none: own network namespace with lo (the default); bridge: an address on kubepp0; "
                   "host: the host's");
  flags.add_list("p,publish", &publish, "publish a port on the bridge: [IP:]HOST:CONTAINER[/udp] (repeatable)");
  flags.add_list("e,env", &config.env, "set an environment variable KEY=VALUE (repeatable)");
  std::string workdir, entrypoint;
  flags.add_string("w,workdir", &workdir, "working directory inside the container (default: the image's)");
  flags.add_string("entrypoint", &entrypoint, "run this program instead of the image's entrypoint");
  std::string memory, cpus, pids;
  flags.add_string("m,memory", &memory, "memory limit: 64Mi, 1G, or bytes (at least 6Mi)");
  flags.add_string("cpus", &cpus, "CPU limit: 0.5, 2, or millicores 500m");
  flags.add_string("pids", &pids, "most processes at once: a fork bomb stops there");
  flags.add_list("cap-add", &config.security.cap_add, "add a capability (NET_ADMIN, or ALL)");
  flags.add_list("cap-drop", &config.security.cap_drop, "drop a capability (NET_RAW, or ALL)");
  flags.add_string("u,user", &config.security.user, "run as USER[:GROUP], names or numbers (default: the image's)");
  flags.add_bool("privileged", &config.security.privileged, "lift the hardening: all capabilities, no seccomp");
  flags.add_bool("no-new-privileges", &config.security.no_new_privs,
                 "setuid programs gain nothing (Kubernetes' allowPrivilegeEscalation: false)");

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
  runtime::MonitorOptions options;
  for (const std::string& spec : publish) {
    Result<runtime::net::PortMapping> mapping = parse_publish(spec);
    if (!mapping) return fail(mapping.error());
    options.publish.push_back(mapping.value());
  }
  if (network.empty()) network = publish.empty() ? "none" : "bridge";  // -p alone asks for the bridge
  if (network != "none" && network != "bridge" && network != "host") {
    return fail({ErrorCode::Invalid, "--net: want none, bridge or host, got `" + network + "`"});
  }
  if (!publish.empty() && network != "bridge") {
    return fail({ErrorCode::Invalid, "-p publishes ports of the bridge network, not with --net " + network});
  }
  config.namespaces.host_network = network == "host";
  options.bridge = network == "bridge";
  if (Status s = parse_limits(memory, cpus, pids, config.resources); !s) return fail(s.error());

  Result<runtime::Image> image = runtime::resolve_image(global.dirs, positional[0]);
  if (!image) return fail(image.error());
  const runtime::ImageConfig& from_image = image.value().config;
  config.layers = image.value().layers;
  // As `docker run`: the words after the image replace its Cmd, --entrypoint its
  // Entrypoint; its Env comes first (-e overrides), its WorkingDir and User are defaults.
  size_t first = positional.size() > 1 && positional[1] == "--" ? 2 : 1;
  std::vector<std::string> words(positional.begin() + static_cast<long>(first), positional.end());
  std::vector<std::string> command;
  if (!entrypoint.empty()) command = {entrypoint};
  config.args = runtime::container_command(from_image, command, words);
  if (config.args.empty()) return fail({ErrorCode::Invalid, "image `" + positional[0] + "` says no command: give one"});
  std::vector<std::string> env = from_image.env;
  env.insert(env.end(), config.env.begin(), config.env.end());
  config.env = env;
  if (!workdir.empty()) config.working_dir = workdir;
  else if (!from_image.working_dir.empty()) config.working_dir = from_image.working_dir;
  if (config.security.user.empty()) config.security.user = from_image.user;

  // The container runs under a monitor of its own (runtime/monitor.h). In the
  // foreground we stay attached — its output on our terminal, our stdin its — and
  // remove it when it ends, as `docker run --rm`; with -d it keeps running after we
  // return, until `kubepp stop` and `kubepp rm`.
  options.image = positional[0];
  options.image_id = image.value().id;
  options.attach = options.remove_on_exit = !detach;
  Result<runtime::Launched> launched = runtime::launch_container(std::move(config), global.dirs, options);
  if (!launched) return fail(launched.error());
  if (detach) {
    std::cout << launched.value().id << "\n";
    return 0;
  }
  g_container_pid = launched.value().pid;
  install_forwarding();
  Result<runtime::ExitStatus> status = runtime::wait_for_exit(launched.value(), global.dirs);
  g_container_pid = 0;
  if (!status) return fail(status.error());
  if (global.verbosity > 0) {
    std::cerr << "container " << launched.value().id << " " << status.value().describe() << " ("
              << status.value().reason << ")\n";
  }
  return status.value().shell_code();
}

}  // namespace kubepp::cli

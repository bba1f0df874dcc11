// The pod verbs: `kubepp play` runs a manifest's Pods without a cluster, `kubepp pods`
// lists them, and `stop`, `rm`, `logs` and `exec` take a pod's name as well as a
// container's (for a container they hand over to runtime/cli's verbs). The pods
// themselves are the kubelet's business: cluster/kubelet/standalone.h.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <fcntl.h>

#include <chrono>
#include <csignal>
#include <iomanip>
#include <iostream>
#include <iterator>
#include <sstream>
#include <thread>

#include "cluster/cmd/commands.h"
#include "cluster/kubelet/standalone.h"
#include "runtime/base/files.h"
#include "runtime/cli/flags.h"
#include "runtime/cli/humanize.h"
#include "runtime/cli/limits.h"
#include "runtime/cli/table.h"
#include "runtime/cri/runtime_service.h"
#include "runtime/state.h"

namespace kubepp::cmd {

namespace fs = std::filesystem;
using kubelet::PlayedPod;

namespace {

int fail(const std::string& verb, const std::string& message, int code = 1) {
  std::cerr << "kubepp " << verb << ": " << message << "\n";
  return code;
}

// Prints an event as `kubectl get events` would show it, prefixed by the pod.
void print_event(const std::string& pod, const kubelet::PodEvent& e) {
  std::ostringstream line;
  line << std::left << std::setw(24) << ("pod/" + pod) << std::setw(9) << e.type << std::setw(24) << e.reason
       << " " << e.message << "\n";
  std::cout << line.str() << std::flush;
}

volatile std::sig_atomic_t g_signal = 0;
extern "C" void remember_signal(int signal) { g_signal = signal; }

// Forks the supervisor of `uid`. Detached: in a session of its own, its events appended
// to the pod's events.log. Returns its pid and the read end of its "first sync done" pipe.
Result<std::pair<pid_t, int>> fork_supervisor(const cli::GlobalOptions& global, const PlayedPod& played,
                                              bool detach) {
  int ready[2];
  if (::pipe2(ready, O_CLOEXEC) != 0) return sys_error("pipe2", "supervisor", errno);
  std::cout.flush();
  pid_t pid = ::fork();
  if (pid < 0) return sys_error("fork", "supervisor", errno);
  if (pid == 0) {
    ::close(ready[0]);
    const std::string name = played.pod.metadata.name;
    if (detach) {
      ::setsid();
      const fs::path log = kubelet::pods_dir(global.dirs) / played.pod.metadata.uid / "events.log";
      int out = ::open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
      int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
      ::dup2(null, 0);
      ::dup2(out, 1);
      ::dup2(out, 2);
    }
    const int code = kubelet::supervise_pod(global.dirs, played.pod.metadata.uid,
                                            [&](const kubelet::PodEvent& e) { print_event(name, e); }, ready[1]);
    std::cout.flush();
    ::_exit(code);
  }
  ::close(ready[1]);
  return std::pair{pid, ready[0]};
}

// The newest container `container` of pod `played` (its first container when empty).
Result<std::string> pod_container(const cli::GlobalOptions& global, const PlayedPod& played, std::string container) {
  if (container.empty()) {
    if (played.pod.spec.containers.empty()) return Error{ErrorCode::NotFound, "pod has no containers"};
    container = played.pod.spec.containers.front().name;
  }
  runtime::cri::RuntimeService runtime(runtime::cri::RuntimeOptions::under(global.dirs));
  runtime::cri::ContainerFilter filter;
  filter.label_selector = {{"io.kubernetes.pod.uid", played.pod.metadata.uid}};
  Result<std::vector<runtime::cri::Container>> listed = runtime.ListContainers(filter);
  if (!listed) return listed.error();
  const runtime::cri::Container* newest = nullptr;
  for (const runtime::cri::Container& c : listed.value()) {
    if (c.metadata.name == container && (newest == nullptr || c.metadata.attempt >= newest->metadata.attempt)) {
      newest = &c;
    }
  }
  if (newest == nullptr) {
    return Error{ErrorCode::NotFound, "container " + container + " is not valid for pod " + played.pod.metadata.name};
  }
  return newest->id;
}

// Waits until the supervisor of `uid` has gone (it terminates its pod first).
bool wait_unsupervised(const cli::GlobalOptions& global, const std::string& uid, std::chrono::seconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    Result<PlayedPod> now = kubelet::read_played(global.dirs, uid);
    if (!now.ok() || !now.value().supervised()) return true;
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

// Stops a played pod: its supervisor terminates it; without one, this process does.
Status stop_pod(const cli::GlobalOptions& global, const PlayedPod& played, std::optional<int64_t> grace) {
  if (!played.supervised()) return kubelet::terminate_unsupervised(global.dirs, played.pod.metadata.uid, grace);
  if (grace) {
    if (Status s = kubelet::request_grace(global.dirs, played.pod.metadata.uid, *grace); !s) return s;
  }
  if (::kill(played.supervisor, SIGTERM) != 0) return sys_error("kill", std::to_string(played.supervisor), errno);
  const int64_t wait = grace.value_or(played.pod.spec.terminationGracePeriodSeconds.value_or(30)) + 30;
  if (!wait_unsupervised(global, played.pod.metadata.uid, std::chrono::seconds(wait))) {
    return Error{ErrorCode::Unavailable, "pod " + played.pod.metadata.name + ": its supervisor (pid " +
                                             std::to_string(played.supervisor) + ") did not stop"};
  }
  return {};
}

std::string age_of(const api::Time& created) {
  if (created.is_zero()) return "<unknown>";
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(api::Time::Clock::now() - created.at());
  const int64_t s = seconds.count();
  if (s < 120) return std::to_string(s) + "s";
  if (s < 3600) return std::to_string(s / 60) + "m" + (s < 600 ? std::to_string(s % 60) + "s" : "");
  if (s < 86400) return std::to_string(s / 3600) + "h" + (s < 36000 ? std::to_string((s % 3600) / 60) + "m" : "");
  return std::to_string(s / 86400) + "d";
}

// A played pod's name as the verbs take it: NAME, or NAMESPACE/NAME.
Result<PlayedPod> find_pod(const cli::GlobalOptions& global, const std::string& arg) {
  const size_t slash = arg.find('/');
  if (slash == std::string::npos) return kubelet::find_played(global.dirs, "default", arg);
  return kubelet::find_played(global.dirs, arg.substr(0, slash), arg.substr(slash + 1));
}

}  // namespace

int play_main(const cli::GlobalOptions& global, const std::vector<std::string>& args) {
  bool detach = false;
  std::string sysctls;
  cli::FlagSet flags("kubepp play [-d] [--allowed-unsafe-sysctls LIST] FILE");
  flags.add_bool("d,detach", &detach, "start the pods and return; `kubepp stop` ends them");
  flags.add_string("allowed-unsafe-sysctls", &sysctls,
                   "sysctls beyond the safe set a pod may set, comma-separated; `kernel.msg*` patterns (as the "
                   "kubelet's flag)");
  cli::FlagSet::Parsed parsed = flags.parse_verb("play", args, 1, 1, "want one manifest file (- for stdin)");
  if (parsed.exit_now) return *parsed.exit_now;
  const std::string& file = parsed.args[0];
  std::string text;
  if (file == "-") {
    text.assign(std::istreambuf_iterator<char>(std::cin), std::istreambuf_iterator<char>());
  } else {
    std::error_code ec;
    if (!fs::is_regular_file(file, ec)) return fail("play", "`" + file + "`: no such file");
    text = read_file(file);
  }
  Result<kubelet::Manifest> manifest = kubelet::load_manifest(text, file);
  if (!manifest) return fail("play", manifest.error().message);
  std::vector<std::string> allowed;
  for (std::istringstream in(sysctls); std::getline(in, sysctls, ',');) {
    if (!sysctls.empty()) allowed.push_back(sysctls);
  }

  // Each pod: a new record, or the one a dead supervisor left (adopted: the runtime's
  // records say what runs, so nothing starts twice).
  std::vector<PlayedPod> pods;
  for (const api::core_v1::Pod& pod : manifest.value().pods) {
    Result<PlayedPod> existing = kubelet::find_played(global.dirs, pod.metadata.namespace_, pod.metadata.name);
    if (existing.ok() && existing.value().supervised()) {
      return fail("play", "pod " + pod.metadata.namespace_ + "/" + pod.metadata.name +
                              " is already playing (supervisor pid " + std::to_string(existing.value().supervisor) +
                              "): `kubepp stop` or `kubepp rm -f` it first");
    }
    if (existing.ok()) {
      std::cout << "pod/" << pod.metadata.name << " adopted\n";
      pods.push_back(std::move(existing.value()));
      continue;
    }
    PlayedPod played;
    played.pod = pod;
    played.config_maps = manifest.value().config_maps;
    played.secrets = manifest.value().secrets;
    played.allowed_unsafe_sysctls = allowed;
    if (Status s = kubelet::write_played(global.dirs, played); !s) return fail("play", s.error().message);
    pods.push_back(std::move(played));
  }

  struct sigaction forward {};
  forward.sa_handler = remember_signal;
  if (!detach) {
    ::sigaction(SIGINT, &forward, nullptr);
    ::sigaction(SIGTERM, &forward, nullptr);
  }
  std::vector<pid_t> supervisors;
  for (const PlayedPod& played : pods) {
    Result<std::pair<pid_t, int>> supervisor = fork_supervisor(global, played, detach);
    if (!supervisor) return fail("play", supervisor.error().message);
    supervisors.push_back(supervisor.value().first);
    // Wait for the first sync (or the supervisor's end) before going on.
    char byte;
    while (::read(supervisor.value().second, &byte, 1) < 0 && errno == EINTR) {
    }
    ::close(supervisor.value().second);
    if (detach) std::cout << "pod/" << played.pod.metadata.name << " created\n";
  }
  if (detach) return 0;
  // In the foreground: until every supervisor has ended; Ctrl-C and SIGTERM are passed on
  // (a Ctrl-C from the terminal reaches them too: they share our process group).
  int code = 0;
  size_t left = supervisors.size();
  bool forwarded = false;
  while (left > 0) {
    int status = 0;
    pid_t done = ::waitpid(-1, &status, 0);
    if (done < 0 && errno == EINTR) {
      if (g_signal != 0 && !forwarded) {
        for (pid_t pid : supervisors) ::kill(pid, SIGTERM);
        forwarded = true;
      }
      continue;
    }
    if (done < 0) break;
    if (std::find(supervisors.begin(), supervisors.end(), done) == supervisors.end()) continue;
    --left;
    if (WIFEXITED(status) && WEXITSTATUS(status) > code) code = WEXITSTATUS(status);
  }
  return code;
}

int pods_main(const cli::GlobalOptions& global, const std::vector<std::string>& args) {
  bool quiet = false;
  cli::FlagSet flags("kubepp pods [-q]");
  flags.add_bool("q,quiet", &quiet, "print the names only");
  cli::FlagSet::Parsed parsed = flags.parse_verb("pods", args, 0, 0, "takes no arguments");
  if (parsed.exit_now) return *parsed.exit_now;
  std::vector<std::vector<std::string>> rows = {{"NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP"}};
  for (const PlayedPod& played : kubelet::list_played(global.dirs)) {
    const api::core_v1::Pod& pod = played.pod;
    const std::string name = pod.metadata.namespace_ == "default" ? pod.metadata.name
                                                                  : pod.metadata.namespace_ + "/" + pod.metadata.name;
    if (quiet) {
      std::cout << name << "\n";
      continue;
    }
    int ready = 0, restarts = 0;
    for (const auto& c : pod.status.containerStatuses) {
      ready += c.ready ? 1 : 0;
      restarts += c.restartCount;
    }
    rows.push_back({name, std::to_string(ready) + "/" + std::to_string(pod.spec.containers.size()),
                    kubelet::pod_status_reason(pod), std::to_string(restarts), age_of(pod.metadata.creationTimestamp),
                    pod.status.podIP.empty() ? "<none>" : pod.status.podIP});
  }
  if (!quiet) cli::print_table(std::cout, rows);
  return 0;
}

int stop_main(const cli::GlobalOptions& global, const std::vector<std::string>& args) {
  std::string grace;
  cli::FlagSet flags("kubepp stop [-t SECONDS] NAME...");
  flags.add_string("t,time", &grace, "seconds to wait after SIGTERM before SIGKILL (a pod's default: its "
                                     "terminationGracePeriodSeconds; a container's: 10)");
  cli::FlagSet::Parsed parsed = flags.parse_verb("stop", args, 1, SIZE_MAX, "want a pod or container name");
  if (parsed.exit_now) return *parsed.exit_now;
  std::optional<int64_t> seconds;
  if (grace == "0") {
    seconds = 0;
  } else if (!grace.empty()) {
    Result<int64_t> count = cli::parse_count("time", grace);
    if (!count) return fail("stop", count.error().message, 2);
    seconds = count.value();
  }
  int code = 0;
  for (const std::string& name : parsed.args) {
    Result<PlayedPod> played = find_pod(global, name);
    if (!played) {
      std::vector<std::string> forward = {name};
      if (!grace.empty()) forward = {"-t", grace, name};
      code = std::max(code, cli::stop_main(global, forward));
      continue;
    }
    if (Status s = stop_pod(global, played.value(), seconds); !s) {
      code = fail("stop", s.error().message);
      continue;
    }
    std::cout << name << "\n";
  }
  return code;
}

int rm_main(const cli::GlobalOptions& global, const std::vector<std::string>& args) {
  bool force = false;
  cli::FlagSet flags("kubepp rm [-f] NAME...");
  flags.add_bool("f,force", &force, "stop a running pod or container first");
  cli::FlagSet::Parsed parsed = flags.parse_verb("rm", args, 1, SIZE_MAX, "want a pod or container name");
  if (parsed.exit_now) return *parsed.exit_now;
  int code = 0;
  for (const std::string& name : parsed.args) {
    Result<PlayedPod> played = find_pod(global, name);
    if (!played) {
      code = std::max(code, cli::rm_main(global, force ? std::vector<std::string>{"-f", name}
                                                       : std::vector<std::string>{name}));
      continue;
    }
    if (played.value().supervised()) {
      if (!force) {
        code = fail("rm", "pod " + name + " is running: stop it first, or remove it with -f");
        continue;
      }
      if (Status s = stop_pod(global, played.value(), 0); !s) {
        code = fail("rm", s.error().message);
        continue;
      }
    }
    if (Status s = kubelet::remove_played(global.dirs, played.value().pod.metadata.uid); !s) {
      code = fail("rm", s.error().message);
      continue;
    }
    std::cout << name << "\n";
  }
  return code;
}

int logs_main(const cli::GlobalOptions& global, const std::vector<std::string>& args) {
  // `-c NAME` picks a pod's container; everything else is the container verb's.
  std::vector<std::string> rest;
  std::string container;
  for (size_t i = 0; i < args.size(); ++i) {
    if ((args[i] == "-c" || args[i] == "--container") && i + 1 < args.size()) {
      container = args[++i];
    } else if (args[i].starts_with("--container=")) {
      container = args[i].substr(12);
    } else {
      rest.push_back(args[i]);
    }
  }
  for (std::string& arg : rest) {
    if (arg.starts_with("-")) continue;
    if (Result<PlayedPod> played = find_pod(global, arg); played.ok()) {
      Result<std::string> id = pod_container(global, played.value(), container);
      if (!id) return fail("logs", id.error().message);
      arg = id.value();
    }
    break;
  }
  return cli::logs_main(global, rest);
}

int exec_main(const cli::GlobalOptions& global, const std::vector<std::string>& args) {
  // As logs: `-c NAME` picks a pod's container, the first word that is no flag (or a
  // flag's value) names the pod or container. With `--` (kubectl's form) a `-c` may stand
  // anywhere before it; without, only before the name — after it begins the command.
  const auto dashes = std::find(args.begin(), args.end(), "--");
  const bool has_dashes = dashes != args.end();
  std::vector<std::string> rest;
  std::string container;
  size_t name_at = SIZE_MAX;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    const bool ours = args.begin() + static_cast<long>(i) < dashes && (has_dashes || name_at == SIZE_MAX);
    if (ours && (arg == "-c" || arg == "--container") && i + 1 < args.size()) {
      container = args[++i];
      continue;
    }
    rest.push_back(arg);
    if (name_at != SIZE_MAX || !ours) continue;
    if (arg == "-e" || arg == "--env" || arg == "-w" || arg == "--workdir") {
      if (i + 1 < args.size()) rest.push_back(args[++i]);
    } else if (!arg.starts_with("-")) {
      name_at = rest.size() - 1;
    }
  }
  if (name_at != SIZE_MAX) {
    if (Result<PlayedPod> played = find_pod(global, rest[name_at]); played.ok()) {
      Result<std::string> id = pod_container(global, played.value(), container);
      if (!id) return fail("exec", id.error().message);
      rest[name_at] = id.value();
    }
  }
  return cli::exec_main(global, rest);
}

int cleanup_main(const cli::GlobalOptions& global, const std::vector<std::string>& args) {
  // Played pods first: their supervisors, then what each pod holds (volumes' mounts too).
  for (const PlayedPod& played : kubelet::list_played(global.dirs)) {
    if (played.supervised()) {
      ::kill(played.supervisor, SIGKILL);
      wait_unsupervised(global, played.pod.metadata.uid, std::chrono::seconds(5));
    }
    if (Status s = kubelet::remove_played(global.dirs, played.pod.metadata.uid); !s) {
      return fail("cleanup", s.error().message);
    }
    std::cout << "removed pod " << played.pod.metadata.namespace_ << "/" << played.pod.metadata.name << "\n";
  }
  return cli::cleanup_main(global, args);
}

}  // namespace kubepp::cmd

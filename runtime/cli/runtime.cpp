// `kubepp runtime` — the OCI runtime over bundles, with runc's command line, so that
// what drives runc (a shell, a benchmark, containerd's shim) can drive kubepp:
//
//   kubepp runtime [--root DIR] create|start|state|kill|delete|run|exec|list|ps|spec …
//
// The work is in runtime/oci/runtime.h; this file reads runc's flags and prints what
// runc prints.
#include <signal.h>
#include <string.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <nlohmann/json.hpp>

#include "runtime/base/files.h"
#include "runtime/cli/flags.h"
#include "runtime/cli/verbs.h"
#include "runtime/oci/runtime.h"

namespace kubepp::cli {

namespace {

namespace fs = std::filesystem;
namespace oci = runtime::oci;

constexpr const char* kUsage =
    "kubepp runtime [--root DIR] COMMAND — an OCI runtime with runc's command line\n"
    "  create [-b BUNDLE] [--pid-file F] ID   set up a container; its process waits for start\n"
    "  start ID                               run the created container's process\n"
    "  state ID                               its state, as JSON\n"
    "  kill [-a] ID [SIGNAL]                  signal its process (default SIGTERM), or all of them\n"
    "  delete [-f] ID                         remove a stopped container (-f: kill it first)\n"
    "  run [-b BUNDLE] [-d] [--pid-file F] ID create and start, wait, delete; exits as the process did\n"
    "  exec [-e K=V] [--cwd D] [-u UID[:GID]] [-p process.json] ID [CMD...]\n"
    "                                         run another process in the container\n"
    "  list [-q] [-f table|json]              the containers\n"
    "  ps [-f table|json] ID                  the container's processes\n"
    "  spec [-b BUNDLE]                       write a default config.json\n";

int fail(const std::string& verb, const Error& error) {
  std::cerr << "kubepp runtime " << verb << ": " << error.message << "\n";
  return 1;
}

// "KILL", "SIGKILL" or "9".
Result<int> parse_signal(const std::string& text) {
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos) {
    const int n = std::stoi(text);
    if (n > 0 && n < NSIG) return n;
  }
  const std::string name = text.starts_with("SIG") ? text.substr(3) : text;
  for (int n = 1; n < NSIG; ++n) {
    if (const char* abbrev = ::sigabbrev_np(n); abbrev && name == abbrev) return n;
  }
  return Error{ErrorCode::Invalid, "unknown signal `" + text + "`"};
}

int create(const fs::path& root, const std::vector<std::string>& args, bool run) {
  const std::string verb = run ? "run" : "create";
  std::string bundle = ".", pid_file, console_socket;
  bool detach = false, no_pivot = false, no_new_keyring = false;
  FlagSet flags("kubepp runtime " + verb + " [-b BUNDLE] [--pid-file FILE] ID");
  flags.add_string("b,bundle", &bundle, "the bundle: config.json and the root filesystem (default: .)");
  flags.add_string("pid-file", &pid_file, "write the container's pid to FILE");
  flags.add_string("console-socket", &console_socket, "(runc's; not supported: config.json's terminal must be false)");
  flags.add_bool("no-pivot", &no_pivot, "(runc's; kubepp always uses pivot_root)");
  flags.add_bool("no-new-keyring", &no_new_keyring, "(runc's; kubepp creates no session keyring)");
  if (run) flags.add_bool("d,detach", &detach, "return once the process runs");
  FlagSet::Parsed parsed = flags.parse_verb("runtime " + verb, args, 1, 1, "want a container id");
  if (parsed.exit_now) return *parsed.exit_now;
  if (!console_socket.empty()) return fail(verb, {ErrorCode::Invalid, "--console-socket is not supported"});
  const std::string& id = parsed.args[0];
  oci::CreateOptions options{bundle, pid_file};
  if (!run || detach) {
    Result<pid_t> pid = oci::create_container(root, id, options);
    if (!pid) return fail(verb, pid.error());
    if (run) {
      if (Status s = oci::start_container(root, id); !s) return fail(verb, s.error());
    }
    return 0;
  }
  Result<runtime::ExitStatus> status = oci::run_container(root, id, options);
  if (!status) return fail(verb, status.error());
  return status.value().shell_code();
}

int start(const fs::path& root, const std::vector<std::string>& args) {
  FlagSet flags("kubepp runtime start ID");
  FlagSet::Parsed parsed = flags.parse_verb("runtime start", args, 1, 1, "want a container id");
  if (parsed.exit_now) return *parsed.exit_now;
  if (Status s = oci::start_container(root, parsed.args[0]); !s) return fail("start", s.error());
  return 0;
}

int state(const fs::path& root, const std::vector<std::string>& args) {
  FlagSet flags("kubepp runtime state ID");
  FlagSet::Parsed parsed = flags.parse_verb("runtime state", args, 1, 1, "want a container id");
  if (parsed.exit_now) return *parsed.exit_now;
  Result<oci::State> s = oci::container_state(root, parsed.args[0]);
  if (!s) return fail("state", s.error());
  std::cout << oci::state_json(s.value()) << "\n";
  return 0;
}

int kill(const fs::path& root, const std::vector<std::string>& args) {
  bool all = false;
  FlagSet flags("kubepp runtime kill [-a] ID [SIGNAL]");
  flags.add_bool("a,all", &all, "signal every process in the container");
  FlagSet::Parsed parsed = flags.parse_verb("runtime kill", args, 1, 2, "want a container id and a signal");
  if (parsed.exit_now) return *parsed.exit_now;
  Result<int> signal = parse_signal(parsed.args.size() > 1 ? parsed.args[1] : "SIGTERM");
  if (!signal) return fail("kill", signal.error());
  if (Status s = oci::kill_container(root, parsed.args[0], signal.value(), all); !s) return fail("kill", s.error());
  return 0;
}

int remove(const fs::path& root, const std::vector<std::string>& args) {
  bool force = false;
  FlagSet flags("kubepp runtime delete [-f] ID...");
  flags.add_bool("f,force", &force, "kill a created or running container first");
  FlagSet::Parsed parsed = flags.parse_verb("runtime delete", args, 1, SIZE_MAX, "want a container id");
  if (parsed.exit_now) return *parsed.exit_now;
  int status = 0;
  for (const std::string& id : parsed.args) {
    if (Status s = oci::delete_container(root, id, force); !s) status = fail("delete", s.error());
  }
  return status;
}

int exec(const fs::path& root, const std::vector<std::string>& args) {
  std::vector<std::string> env;
  std::string cwd, user, process_file;
  bool tty = false, detach = false;
  FlagSet flags("kubepp runtime exec [flags] ID [COMMAND [ARG...]]");
  flags.add_list("e,env", &env, "add an environment variable KEY=VALUE");
  flags.add_string("cwd", &cwd, "the working directory (default: config.json's)");
  flags.add_string("u,user", &user, "UID[:GID] (default: config.json's)");
  flags.add_string("p,process", &process_file, "a process.json (config.json's process object) instead of a command");
  flags.add_bool("t,tty", &tty, "(runc's; not supported)");
  flags.add_bool("d,detach", &detach, "(runc's; not supported)");
  FlagSet::Parsed parsed = flags.parse_verb("runtime exec", args, 1, SIZE_MAX, "want a container id and a command");
  if (parsed.exit_now) return *parsed.exit_now;
  if (tty || detach) return fail("exec", {ErrorCode::Invalid, "--tty and --detach are not supported"});
  const std::string& id = parsed.args[0];
  // The container's own process is the template, as runc does: a command replaces its
  // args, -e adds to its environment.
  Result<oci::Spec> spec = oci::container_spec(root, id);
  if (!spec) return fail("exec", spec.error());
  oci::Process process = spec.value().process;
  if (!process_file.empty()) {
    const std::string text = read_file(process_file);
    Result<oci::Spec> wrapped = oci::parse_spec(
        "{\"ociVersion\": \"1.0.2\", \"root\": {\"path\": \"rootfs\"}, \"process\": " + (text.empty() ? "null" : text) + "}",
        process_file);
    if (!wrapped) return fail("exec", wrapped.error());
    process = wrapped.value().process;
  } else {
    if (parsed.args.size() < 2) return fail("exec", {ErrorCode::Invalid, "want a command"});
    process.args.assign(parsed.args.begin() + 1, parsed.args.end());
  }
  process.env.insert(process.env.end(), env.begin(), env.end());
  if (!cwd.empty()) process.cwd = cwd;
  if (!user.empty()) {
    const size_t colon = user.find(':');
    try {
      process.user.uid = static_cast<uint32_t>(std::stoul(user.substr(0, colon)));
      if (colon != std::string::npos) process.user.gid = static_cast<uint32_t>(std::stoul(user.substr(colon + 1)));
    } catch (const std::exception&) {
      return fail("exec", {ErrorCode::Invalid, "--user `" + user + "`: want UID[:GID] numbers"});
    }
  }
  process.terminal = false;
  Result<runtime::ExitStatus> status = oci::exec_in_container(root, id, process);
  if (!status) return fail("exec", status.error());
  return status.value().shell_code();
}

int list(const fs::path& root, const std::vector<std::string>& args) {
  bool quiet = false;
  std::string format = "table";
  FlagSet flags("kubepp runtime list [-q] [-f table|json]");
  flags.add_bool("q,quiet", &quiet, "the ids only");
  flags.add_string("f,format", &format, "table or json");
  FlagSet::Parsed parsed = flags.parse_verb("runtime list", args, 0, 0, "takes no arguments");
  if (parsed.exit_now) return *parsed.exit_now;
  const std::vector<oci::State> states = oci::list_containers(root);
  if (format == "json") {
    nlohmann::json out = nlohmann::json::array();
    for (const oci::State& s : states) {
      out.push_back({{"ociVersion", s.ociVersion}, {"id", s.id}, {"pid", s.pid}, {"status", s.status},
                     {"bundle", s.bundle}, {"rootfs", s.rootfs}, {"created", s.created}, {"owner", "root"}});
    }
    std::cout << out.dump() << "\n";
    return 0;
  }
  if (format != "table") return fail("list", {ErrorCode::Invalid, "--format: want table or json, got `" + format + "`"});
  int width = 12;  // the ID column fits the longest id, as runc's tabwriter does
  for (const oci::State& s : states) width = std::max(width, static_cast<int>(s.id.size()));
  if (!quiet) std::printf("%-*s %-10s %-10s %-40s %-30s %s\n", width, "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER");
  for (const oci::State& s : states) {
    if (quiet) {
      std::cout << s.id << "\n";
      continue;
    }
    std::printf("%-*s %-10d %-10s %-40s %-30s %s\n", width, s.id.c_str(), s.pid, s.status.c_str(), s.bundle.c_str(),
                s.created.c_str(), "root");
  }
  return 0;
}

int ps(const fs::path& root, const std::vector<std::string>& args) {
  std::string format = "table";
  FlagSet flags("kubepp runtime ps [-f table|json] ID");
  flags.add_string("f,format", &format, "table or json");
  FlagSet::Parsed parsed = flags.parse_verb("runtime ps", args, 1, 1, "want a container id");
  if (parsed.exit_now) return *parsed.exit_now;
  Result<std::vector<pid_t>> pids = oci::container_pids(root, parsed.args[0]);
  if (!pids) return fail("ps", pids.error());
  if (format == "json") {
    std::cout << nlohmann::json(pids.value()).dump() << "\n";
    return 0;
  }
  std::printf("%-8s %s\n", "PID", "CMD");
  for (pid_t pid : pids.value()) {
    std::string cmdline = read_file("/proc/" + std::to_string(pid) + "/cmdline");
    for (char& c : cmdline) c = c == '\0' ? ' ' : c;
    std::printf("%-8d %s\n", pid, cmdline.c_str());
  }
  return 0;
}

int spec(const std::vector<std::string>& args) {
  std::string bundle = ".";
  bool rootless = false;
  FlagSet flags("kubepp runtime spec [-b BUNDLE]");
  flags.add_string("b,bundle", &bundle, "where to write config.json (default: .)");
  flags.add_bool("rootless", &rootless, "(runc's; not supported)");
  FlagSet::Parsed parsed = flags.parse_verb("runtime spec", args, 0, 0, "takes no arguments");
  if (parsed.exit_now) return *parsed.exit_now;
  if (rootless) return fail("spec", {ErrorCode::Invalid, "--rootless is not supported"});
  const fs::path path = fs::path(bundle) / "config.json";
  std::error_code ec;
  if (fs::exists(path, ec)) return fail("spec", {ErrorCode::AlreadyExists, "`" + path.string() + "` exists: remove it first"});
  if (Status s = write_file(path, oci::default_spec_json(), 0644); !s) return fail("spec", s.error());
  return 0;
}

}  // namespace

int runtime_main(const GlobalOptions&, const std::vector<std::string>& args) {
  // runc's global flags come before the command: --root, and a few accepted and ignored.
  fs::path root = oci::kDefaultRuntimeRoot;
  size_t i = 0;
  for (; i < args.size() && args[i].starts_with("-"); ++i) {
    const std::string& a = args[i];
    if ((a == "--root" || a == "--log" || a == "--log-format") && i + 1 < args.size()) {
      if (a == "--root") root = args[i + 1];
      ++i;
    } else if (a.starts_with("--root=")) {
      root = a.substr(7);
    } else if (a == "--help" || a == "-h") {
      std::cout << kUsage;
      return 0;
    } else if (a == "--debug" || a.starts_with("--log=") || a.starts_with("--log-format=")) {
      continue;
    } else {
      std::cerr << "kubepp runtime: unknown global flag `" << a << "`\n" << kUsage;
      return 2;
    }
  }
  if (i == args.size()) {
    std::cerr << kUsage;
    return 2;
  }
  const std::string& command = args[i];
  const std::vector<std::string> rest(args.begin() + static_cast<long>(i) + 1, args.end());
  if (command == "create") return create(root, rest, false);
  if (command == "run") return create(root, rest, true);
  if (command == "start") return start(root, rest);
  if (command == "state") return state(root, rest);
  if (command == "kill") return kill(root, rest);
  if (command == "delete") return remove(root, rest);
  if (command == "exec") return exec(root, rest);
  if (command == "list") return list(root, rest);
  if (command == "ps") return ps(root, rest);
  if (command == "spec") return spec(rest);
  std::cerr << "kubepp runtime: unknown command `" << command << "`\n" << kUsage;
  return 2;
}

}  // namespace kubepp::cli

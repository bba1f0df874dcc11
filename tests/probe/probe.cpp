// probe — a static binary that runs INSIDE test containers and reports, as one
// JSON object on stdout, what the process sees: ids, namespaces, mounts,
// capabilities, limits, descriptors, environment, cgroups, interfaces and pids.
//
// Runtime tests start it as the container's command and compare its report with
// what the container spec asked for. A field that cannot be read (a container
// may lack /proc or /sys) is null, or left out of a map; the probe never fails
// because something is missing.
//
// Usage: probe [--touch PATH]... [--chroot-escape DIR] [--sleep SECONDS] [--exit CODE]
//   --touch PATH     open PATH for writing (O_CREAT) before reporting; the result
//                    goes under "actions" as {action, path, ok, errno}
//   --syscall NAME   make one system call the seccomp profile cares about (keyctl,
//                    add_key, open_by_handle_at, clone3, unshare, mount, bpf, kexec_load)
//                    with harmless arguments; reports {action, syscall, ok, errno}
//   --chroot-escape DIR  try the classic escape from a chroot (in a child process)
//                    and report the names in "/" where it ended: {action, dir, root_entries}
//   --sleep SECONDS  after printing, sleep (stdout is flushed first)
//   --exit CODE      after printing (and sleeping), exit with CODE
//
// Linked with -static: no NSS calls (no getpwnam), only system calls and /proc.

#include <dirent.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

extern char** environ;

namespace {

using nlohmann::json;

// ---- small helpers ---------------------------------------------------------

std::optional<std::vector<std::string>> read_lines(const std::string& path) {
  std::ifstream in(path);
  if (!in) return std::nullopt;
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

// Names in a directory, without "." and "..", sorted; nullopt if unreadable.
std::optional<std::vector<std::string>> list_dir(const std::string& path) {
  DIR* dir = opendir(path.c_str());
  if (dir == nullptr) return std::nullopt;
  std::vector<std::string> names;
  while (dirent* e = readdir(dir)) {
    std::string name = e->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  closedir(dir);
  std::sort(names.begin(), names.end());
  return names;
}

std::optional<std::string> read_link(const std::string& path) {
  char buf[4096];
  ssize_t n = readlink(path.c_str(), buf, sizeof buf);
  if (n < 0) return std::nullopt;
  return std::string(buf, static_cast<size_t>(n));
}

std::string errno_name(int err) {
  const char* name = strerrorname_np(err);
  return name != nullptr ? name : std::to_string(err);
}

bool is_octal(char c) { return c >= '0' && c <= '7'; }

// /proc/self/mountinfo escapes space, tab, newline and backslash as \ooo.
std::string unescape_octal(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    bool escape = s[i] == '\\' && i + 3 < s.size() && is_octal(s[i + 1]) && is_octal(s[i + 2]) &&
                  is_octal(s[i + 3]);
    if (escape) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 3), nullptr, 8));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

// "Key:\tvalue" lines of /proc/self/status as a map.
std::optional<std::map<std::string, std::string>> read_status() {
  auto lines = read_lines("/proc/self/status");
  if (!lines) return std::nullopt;
  std::map<std::string, std::string> fields;
  for (const std::string& line : *lines) {
    size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    size_t start = line.find_first_not_of(" \t", colon + 1);
    fields[line.substr(0, colon)] = start == std::string::npos ? "" : line.substr(start);
  }
  return fields;
}

template <typename T>
json or_null(const std::optional<T>& value) {
  return value ? json(*value) : json(nullptr);
}

// ---- one function per field ------------------------------------------------

json groups() {
  int n = getgroups(0, nullptr);
  if (n < 0) return nullptr;
  std::vector<gid_t> list(static_cast<size_t>(n));
  n = getgroups(n, list.data());
  if (n < 0) return nullptr;
  list.resize(static_cast<size_t>(n));
  return list;
}

json current_umask() {
  mode_t mask = umask(0);
  umask(mask);
  return static_cast<unsigned>(mask);
}

json hostname() {
  utsname u{};
  if (uname(&u) != 0) return nullptr;
  return u.nodename;
}

json cwd() {
  char buf[4096];
  if (getcwd(buf, sizeof buf) == nullptr) return nullptr;
  return buf;
}

json namespaces() {
  json out = json::object();
  for (const char* name : {"cgroup", "ipc", "mnt", "net", "pid", "user", "uts", "time"}) {
    if (auto target = read_link(std::string("/proc/self/ns/") + name)) out[name] = *target;
  }
  return out;
}

// mountinfo line: id parent maj:min root mount_point options [optional...] - fstype source super
json parse_mount(const std::string& line) {
  std::istringstream in(line);
  std::string id, parent, devno, root, mount_point, options, word;
  in >> id >> parent >> devno >> root >> mount_point >> options;
  while (in >> word && word != "-") {
  }
  std::string fstype, source, super_options;
  in >> fstype >> source >> super_options;
  return {{"mount_point", unescape_octal(mount_point)},
          {"fstype", fstype},
          {"source", unescape_octal(source)},
          {"options", options},
          {"super_options", super_options}};
}

json mounts() {
  auto lines = read_lines("/proc/self/mountinfo");
  if (!lines) return nullptr;
  json out = json::array();
  for (const std::string& line : *lines) out.push_back(parse_mount(line));
  return out;
}

json capabilities(const std::map<std::string, std::string>& status) {
  static const std::pair<const char*, const char*> kSets[] = {
      {"inheritable", "CapInh"}, {"permitted", "CapPrm"}, {"effective", "CapEff"},
      {"bounding", "CapBnd"},    {"ambient", "CapAmb"}};
  json out = json::object();
  for (const auto& [name, key] : kSets) {
    auto it = status.find(key);
    out[name] = it != status.end() ? json(it->second) : json(nullptr);
  }
  return out;
}

json status_int(const std::map<std::string, std::string>& status, const std::string& key) {
  auto it = status.find(key);
  if (it == status.end()) return nullptr;
  return std::strtol(it->second.c_str(), nullptr, 10);
}

json rlimits() {
  static const std::pair<const char*, decltype(RLIMIT_NOFILE)> kLimits[] = {
      {"nofile", RLIMIT_NOFILE}, {"nproc", RLIMIT_NPROC}, {"core", RLIMIT_CORE},
      {"memlock", RLIMIT_MEMLOCK}, {"stack", RLIMIT_STACK}, {"as", RLIMIT_AS},
      {"fsize", RLIMIT_FSIZE}};
  auto number = [](rlim_t v) { return v == RLIM_INFINITY ? json(-1) : json(uint64_t{v}); };
  json out = json::object();
  for (const auto& [name, resource] : kLimits) {
    rlimit r{};
    if (getrlimit(resource, &r) == 0)
      out[name] = {number(r.rlim_cur), number(r.rlim_max)};
  }
  return out;
}

json fds() {
  DIR* dir = opendir("/proc/self/fd");
  if (dir == nullptr) return nullptr;
  std::vector<std::pair<int, std::string>> list;
  while (dirent* e = readdir(dir)) {
    if (e->d_name[0] == '.') continue;
    int fd = std::atoi(e->d_name);
    if (fd == dirfd(dir)) continue;
    list.emplace_back(fd, read_link(std::string("/proc/self/fd/") + e->d_name).value_or(""));
  }
  closedir(dir);
  std::sort(list.begin(), list.end());
  json out = json::array();
  for (const auto& [fd, target] : list) out.push_back({{"fd", fd}, {"target", target}});
  return out;
}

json env() {
  json out = json::array();
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) out.push_back(*e);
  return out;
}

json interfaces() {
  if (auto names = list_dir("/sys/class/net")) return *names;
  auto lines = read_lines("/proc/net/dev");  // two header lines, then "  name: counters"
  if (!lines) return nullptr;
  std::vector<std::string> names;
  for (size_t i = 2; i < lines->size(); ++i) {
    const std::string& line = (*lines)[i];
    size_t start = line.find_first_not_of(' '), colon = line.find(':');
    if (start != std::string::npos && colon != std::string::npos && start < colon)
      names.push_back(line.substr(start, colon - start));
  }
  std::sort(names.begin(), names.end());
  return names;
}

json processes() {
  auto names = list_dir("/proc");
  if (!names) return nullptr;
  std::vector<long> pids;
  for (const std::string& name : *names) {
    if (!name.empty() && name.find_first_not_of("0123456789") == std::string::npos)
      pids.push_back(std::stol(name));
  }
  std::sort(pids.begin(), pids.end());
  return pids;
}

// ---- actions and the report --------------------------------------------------

json touch(const std::string& path) {
  int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  int err = errno;
  if (fd >= 0) close(fd);
  return {{"action", "touch"},
          {"path", path},
          {"ok", fd >= 0},
          {"errno", fd >= 0 ? json(nullptr) : json(errno_name(err))}};
}

// The classic chroot escape: chroot into a subdirectory while the working directory
// stays outside it, climb with "..", and chroot(".") where the climb stops. Under a
// runtime that only chroot(2)s, that is the host's root; after pivot_root(2) with the
// old root detached, ".." stops at the container's own root. It runs in a child so
// the probe's own root stays as it was.
json chroot_escape(const std::string& dir) {
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0) return {{"action", "chroot-escape"}, {"dir", dir}, {"root_entries", nullptr}};
  pid_t pid = fork();
  if (pid == 0) {
    close(pipe_fds[0]);
    mkdir(dir.c_str(), 0755);
    std::string names;
    if (chroot(dir.c_str()) == 0) {
      for (int i = 0; i < 64; ++i) (void)!chdir("..");
      if (chroot(".") == 0) {
        for (const std::string& name : list_dir("/").value_or(std::vector<std::string>{})) names += name + "\n";
      }
    }
    (void)!write(pipe_fds[1], names.data(), names.size());
    _exit(0);
  }
  close(pipe_fds[1]);
  std::string names;
  char buf[4096];
  for (ssize_t n; (n = read(pipe_fds[0], buf, sizeof buf)) > 0;) names.append(buf, static_cast<size_t>(n));
  close(pipe_fds[0]);
  waitpid(pid, nullptr, 0);
  json entries = json::array();
  std::istringstream in(names);
  for (std::string name; std::getline(in, name);) entries.push_back(name);
  return {{"action", "chroot-escape"}, {"dir", dir}, {"root_entries", entries}};
}

// One system call with arguments that do nothing harmful when allowed: what matters is
// whether the filter lets it reach the kernel (EPERM, ENOSYS from seccomp) or not.
json try_syscall(const std::string& name) {
  long rc = -1;
  errno = 0;
  if (name == "keyctl") {
    rc = syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -1 /* thread keyring */, 0);
  } else if (name == "add_key") {
    rc = syscall(SYS_add_key, "user", "kubepp-probe", "x", 1, -1);
  } else if (name == "open_by_handle_at") {
    rc = syscall(SYS_open_by_handle_at, -1, nullptr, 0);
  } else if (name == "clone3") {
    rc = syscall(SYS_clone3, nullptr, 0);
  } else if (name == "unshare") {
    rc = syscall(SYS_unshare, 0x00020000 /* CLONE_NEWNS */);
  } else if (name == "mount") {
    rc = syscall(SYS_mount, "none", "/tmp", "tmpfs", 0, nullptr);
  } else if (name == "bpf") {
    rc = syscall(SYS_bpf, 0, nullptr, 0);
  } else if (name == "kexec_load") {
    rc = syscall(SYS_kexec_load, 0, 0, nullptr, 0);
  } else {
    return {{"action", "syscall"}, {"syscall", name}, {"ok", false}, {"errno", "unknown to the probe"}};
  }
  int err = errno;
  return {{"action", "syscall"},
          {"syscall", name},
          {"ok", rc >= 0},
          {"errno", rc >= 0 ? json(nullptr) : json(errno_name(err))}};
}

// Runs one field's function; any exception it throws makes the field null.
json safely(const std::function<json()>& field) {
  try {
    return field();
  } catch (const std::exception&) {
    return nullptr;
  }
}

json report(const json& actions) {
  auto status = read_status();
  json r;
  r["pid"] = getpid();
  r["ppid"] = getppid();
  r["uid"] = getuid();
  r["gid"] = getgid();
  r["euid"] = geteuid();
  r["egid"] = getegid();
  r["groups"] = safely(groups);
  r["umask"] = safely(current_umask);
  r["hostname"] = safely(hostname);
  r["cwd"] = safely(cwd);
  r["root_entries"] = safely([] { return or_null(list_dir("/")); });
  r["namespaces"] = safely(namespaces);
  r["mounts"] = safely(mounts);
  r["capabilities"] = status ? safely([&] { return capabilities(*status); }) : json(nullptr);
  r["no_new_privs"] = status ? status_int(*status, "NoNewPrivs") : json(nullptr);
  r["seccomp"] = status ? status_int(*status, "Seccomp") : json(nullptr);
  r["rlimits"] = safely(rlimits);
  r["fds"] = safely(fds);
  r["env"] = safely(env);
  r["cgroups"] = safely([] { return or_null(read_lines("/proc/self/cgroup")); });
  r["interfaces"] = safely(interfaces);
  r["processes"] = safely(processes);
  r["actions"] = actions;
  return r;
}

void sleep_seconds(double seconds) {
  timespec left{static_cast<time_t>(seconds),
                static_cast<long>((seconds - static_cast<time_t>(seconds)) * 1e9)};
  while (nanosleep(&left, &left) != 0 && errno == EINTR) {
  }
}

int usage(const char* argv0) {
  std::fprintf(stderr, "usage: %s [--touch PATH]... [--chroot-escape DIR] [--sleep SECONDS] [--exit CODE]\n",
               argv0);
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  json actions = json::array();
  double sleep_for = 0;
  int exit_code = 0;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (i + 1 >= argc) return usage(argv[0]);
    std::string value = argv[++i];
    if (arg == "--touch") {
      actions.push_back(touch(value));
    } else if (arg == "--syscall") {
      actions.push_back(try_syscall(value));
    } else if (arg == "--chroot-escape") {
      actions.push_back(chroot_escape(value));
    } else if (arg == "--sleep") {
      sleep_for = std::strtod(value.c_str(), nullptr);
      actions.push_back({{"action", "sleep"}, {"seconds", sleep_for}});
    } else if (arg == "--exit") {
      exit_code = std::atoi(value.c_str());
      actions.push_back({{"action", "exit"}, {"code", exit_code}});
    } else {
      return usage(argv[0]);
    }
  }
  // Replace invalid UTF-8 (odd file names, environment) instead of throwing.
  std::string out = report(actions).dump(-1, ' ', false, json::error_handler_t::replace);
  std::fputs((out + "\n").c_str(), stdout);
  std::fflush(stdout);
  if (sleep_for > 0) sleep_seconds(sleep_for);
  return exit_code;
}

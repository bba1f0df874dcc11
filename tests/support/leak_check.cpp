// leak_check — snapshots of host state, the difference between two, and removal
// of what a test left behind. See leak_check.h for the contract.
//
// Everything is read from /proc, /sys and /run, except iptables chains and routes,
// which come from iptables-save, ip6tables-save and ip; take_snapshot starts those
// four commands at once and reads the files while they run.

#include "tests/support/leak_check.h"

#include "runtime/base/files.h"
#include "runtime/base/result.h"

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <thread>

namespace kubepp::testing {

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kRemoveTimeout = std::chrono::seconds(5);

void warn(const std::string& message) { std::cerr << "remove_leaks: " << message << "\n"; }

std::string join(const std::vector<std::string>& words) {
  std::string out;
  for (const std::string& w : words) out += (out.empty() ? "" : " ") + w;
  return out;
}

std::vector<std::string> split(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> words;
  for (std::string w; in >> w;) words.push_back(w);
  return words;
}

std::vector<std::string> list_dir(const std::string& path) {
  std::vector<std::string> names;
  if (DIR* dir = opendir(path.c_str())) {
    while (dirent* e = readdir(dir)) {
      if (std::strcmp(e->d_name, ".") != 0 && std::strcmp(e->d_name, "..") != 0) names.push_back(e->d_name);
    }
    closedir(dir);
  }
  return names;
}

bool exists(const std::string& path) { return access(path.c_str(), F_OK) == 0; }

size_t depth(const std::string& path) { return static_cast<size_t>(std::count(path.begin(), path.end(), '/')); }

// ---- commands ------------------------------------------------------------------

struct Spawned {
  std::string command;
  pid_t pid = -1;
  int out = -1;  // read end of the stdout pipe
  int err = -1;  // memfd holding stderr
};

Spawned spawn(const std::vector<std::string>& argv) {
  Spawned s{join(argv)};
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  int out[2];
  if (pipe2(out, O_CLOEXEC) != 0) return s;
  s.err = memfd_create("kubepp-leak-check", MFD_CLOEXEC);
  s.pid = fork();
  if (s.pid == 0) {
    dup2(out[1], STDOUT_FILENO);
    if (s.err >= 0) dup2(s.err, STDERR_FILENO);
    execvp(args[0], args.data());
    _exit(127);
  }
  close(out[1]);
  if (s.pid < 0) close(out[0]);
  else s.out = out[0];
  return s;
}

std::string drain(int fd) {
  std::string data;
  char buf[65536];
  for (ssize_t n; (n = read(fd, buf, sizeof buf)) != 0;) {
    if (n > 0) data.append(buf, static_cast<size_t>(n));
    else if (errno != EINTR) break;
  }
  return data;
}

CommandResult finish(Spawned& s) {
  CommandResult r{s.pid < 0 ? -1 : 0, "", ""};  // -1: could not start
  if (s.out >= 0) r.out = drain(s.out), close(s.out);
  int status = 0;
  while (s.pid > 0 && waitpid(s.pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (s.pid > 0) r.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  if (s.err >= 0) lseek(s.err, 0, SEEK_SET), r.err = drain(s.err), close(s.err);
  return r;
}

// Output of a command the snapshot cannot do without; throws naming the package.
std::string checked_output(const Spawned& s, const CommandResult& r, const std::string& package) {
  if (r.status == 127)
    throw std::runtime_error("leak check: `" + s.command + "` not found: install the Debian package `" + package + "`");
  if (r.status != 0)
    throw std::runtime_error("leak check: `" + s.command + "` exited with " + std::to_string(r.status) + ": " + r.err);
  return r.out;
}

void run_best_effort(const std::vector<std::string>& argv) {
  CommandResult r = run_command(argv);
  if (r.status != 0) warn("`" + join(argv) + "`: " + r.err);
}

// ---- mounts --------------------------------------------------------------------

struct Mount {
  std::string point, fstype, source;
};

std::string unescape_octal(const std::string& s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && i + 3 < s.size() && std::all_of(&s[i + 1], &s[i + 4], [](char c) { return c >= '0' && c <= '7'; })) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 3), nullptr, 8));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

// mountinfo: id parent maj:min root mount_point options [optional...] - fstype source super
std::vector<Mount> read_mounts() {
  std::vector<Mount> mounts;
  std::ifstream in("/proc/self/mountinfo");
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> w = split(line);
    auto dash = std::find(w.begin(), w.end(), "-");
    if (w.size() < 5 || w.end() - dash < 3) continue;
    mounts.push_back({unescape_octal(w[4]), dash[1], unescape_octal(dash[2])});
  }
  return mounts;
}

// One key per mount, in mountinfo order; a repeated key gets " #2", " #3", ...
std::vector<std::string> mount_keys(const std::vector<Mount>& mounts) {
  std::vector<std::string> keys;
  std::set<std::string> seen;
  for (const Mount& m : mounts) {
    std::string key = m.point + " (" + m.fstype + " " + m.source + ")";
    for (int n = 2; seen.count(key) != 0; ++n) key = m.point + " (" + m.fstype + " " + m.source + ") #" + std::to_string(n);
    seen.insert(key);
    keys.push_back(key);
  }
  return keys;
}

// ---- cgroups -------------------------------------------------------------------

void walk_cgroup(const std::string& dir, std::set<std::string>& out) {
  out.insert(dir);
  DIR* d = opendir(dir.c_str());
  if (d == nullptr) return;
  while (dirent* e = readdir(d)) {
    if (e->d_type != DT_DIR || std::strcmp(e->d_name, ".") == 0 || std::strcmp(e->d_name, "..") == 0) continue;
    walk_cgroup(dir + "/" + e->d_name, out);
  }
  closedir(d);
}

std::set<std::string> read_cgroups(const std::vector<Mount>& mounts) {
  std::set<std::string> dirs;
  for (const Mount& m : mounts) {
    bool below = m.point == "/sys/fs/cgroup" || m.point.rfind("/sys/fs/cgroup/", 0) == 0;
    if (below && (m.fstype == "cgroup" || m.fstype == "cgroup2")) walk_cgroup(m.point, dirs);
  }
  return dirs;
}

// The host's own managers (systemd, a sandbox's process manager) create and
// remove cgroups at any time; only kubepp's tests' count: a path with a component
// that starts with "kubepp-" — the parents of temporary state roots (`kubepp-<hash>`,
// runtime/names.h) and the tests' own `kubepp-*` groups. The default parent `kubepp`
// belongs to the machine's real containers: a test never creates anything there, and
// its leak check must never remove what a user started meanwhile.
std::set<std::string> kubepp_cgroups(const std::set<std::string>& dirs) {
  std::set<std::string> out;
  for (const std::string& dir : dirs) {
    if (dir.find("/kubepp-") != std::string::npos) out.insert(dir);
  }
  return out;
}

// ---- processes -----------------------------------------------------------------

struct Child {
  pid_t pid;
  std::string starttime, comm;
  std::string key() const { return std::to_string(pid) + " " + starttime; }
};

// Children of this process, zombies included, from /proc/<pid>/stat.
std::vector<Child> read_children() {
  std::vector<Child> children;
  const std::string self = std::to_string(getpid());
  for (const std::string& name : list_dir("/proc")) {
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::string stat = read_file("/proc/" + name + "/stat");
    size_t open = stat.find('('), close = stat.rfind(')');
    if (open == std::string::npos || close == std::string::npos) continue;
    std::vector<std::string> f = split(stat.substr(close + 1));  // f[0] is field 3 (state)
    if (f.size() < 20 || f[1] != self) continue;
    children.push_back({std::stoi(name), f[19], stat.substr(open + 1, close - open - 1)});
  }
  return children;
}

// "pid starttime comm" -> "pid starttime"
std::string process_key(const std::string& entry) {
  return entry.substr(0, entry.find(' ', entry.find(' ') + 1));
}

// ---- iptables and routes ---------------------------------------------------------

// User-defined chains of iptables-save output. Built-in chains are left out: with
// iptables-nft they appear on first use of a table and stay, which is no leak.
std::set<std::string> parse_chains(const std::string& save) {
  std::set<std::string> chains;
  std::istringstream in(save);
  std::string table;
  for (std::string line; std::getline(in, line);) {
    if (line.rfind('*', 0) == 0) table = line.substr(1);
    std::vector<std::string> w = split(line);  // ":NAME POLICY [packets:bytes]"; POLICY is "-" for user chains
    if (w.size() >= 2 && w[0].size() > 1 && w[0][0] == ':' && w[1] == "-") chains.insert(table + "/" + w[0].substr(1));
  }
  return chains;
}

// One route per line, whitespace collapsed, the ageing "expires 123sec" dropped.
std::set<std::string> parse_routes(const std::string& text) {
  std::set<std::string> routes;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> w = split(line), kept;
    for (size_t i = 0; i < w.size(); ++i) {
      if (w[i] == "expires") ++i;
      else kept.push_back(w[i]);
    }
    if (!kept.empty()) routes.insert(join(kept));
  }
  return routes;
}

template <typename Set>
std::vector<std::string> added(const Set& before, const Set& after) {
  std::vector<std::string> out;
  std::set_difference(after.begin(), after.end(), before.begin(), before.end(), std::back_inserter(out));
  return out;
}

// ---- removal, one kind at a time ---------------------------------------------------

void thaw(const std::string& cgroup) {
  if (exists(cgroup + "/freezer.state")) std::ofstream(cgroup + "/freezer.state") << "THAWED";
  if (exists(cgroup + "/cgroup.freeze")) std::ofstream(cgroup + "/cgroup.freeze") << "0";
}

void kill_children(const HostSnapshot& before) {
  std::set<std::string> known;
  for (const std::string& p : before.processes) known.insert(process_key(p));
  for (auto deadline = Clock::now() + kRemoveTimeout;; std::this_thread::sleep_for(std::chrono::milliseconds(1))) {
    std::vector<Child> leaked;
    for (const Child& c : read_children()) {
      if (known.count(c.key()) == 0) leaked.push_back(c);
    }
    if (leaked.empty()) return;
    if (Clock::now() > deadline) return warn("child process " + std::to_string(leaked[0].pid) + " would not die");
    for (const Child& c : leaked) kill(c.pid, SIGKILL);  // a child's pid cannot be reused until we reap it
    for (const Child& c : leaked) waitpid(c.pid, nullptr, WNOHANG);
  }
}

void unmount_new(const HostSnapshot& before) {
  std::vector<Mount> mounts = read_mounts();
  std::vector<std::string> keys = mount_keys(mounts);
  std::vector<size_t> leaked;
  for (size_t i = 0; i < mounts.size(); ++i) {
    if (before.mounts.count(keys[i]) == 0) leaked.push_back(i);
  }
  // Deepest first; among equal depths the later (upper) mount first.
  std::stable_sort(leaked.begin(), leaked.end(), [&](size_t a, size_t b) {
    return depth(mounts[a].point) != depth(mounts[b].point) ? depth(mounts[a].point) > depth(mounts[b].point) : a > b;
  });
  for (size_t i : leaked) {
    int err = umount2(mounts[i].point.c_str(), MNT_DETACH) == 0 ? 0 : errno;
    if (err != 0 && err != EINVAL && err != ENOENT) warn("umount2 `" + mounts[i].point + "`: " + errno_name(err));
  }
}

// Splits an `iptables -S` rule into words, keeping "quoted strings" together.
std::vector<std::string> rule_words(const std::string& rule) {
  std::vector<std::string> words;
  std::string word;
  bool quoted = false, any = false;
  for (size_t i = 0; i < rule.size(); ++i) {
    char c = rule[i];
    if (c == '"') quoted = !quoted, any = true;
    else if (c == '\\' && quoted && i + 1 < rule.size()) word += rule[++i];
    else if (c == ' ' && !quoted) {
      if (any || !word.empty()) words.push_back(word);
      word.clear(), any = false;
    } else word += c;
  }
  if (any || !word.empty()) words.push_back(word);
  return words;
}

// Flush every new chain, delete rules elsewhere that jump to one, then delete them.
void delete_chains(const std::string& tool, const std::set<std::string>& before, const std::set<std::string>& now) {
  std::vector<std::string> leaked = added(before, now);
  std::map<std::string, std::set<std::string>> by_table;  // table -> new chains
  for (const std::string& tc : leaked) by_table[tc.substr(0, tc.find('/'))].insert(tc.substr(tc.find('/') + 1));
  for (const auto& [table, chains] : by_table) {
    for (const std::string& chain : chains) run_best_effort({tool, "-w", "-t", table, "-F", chain});
    std::istringstream rules(run_command({tool, "-w", "-t", table, "-S"}).out);
    for (std::string rule; std::getline(rules, rule);) {
      std::vector<std::string> w = rule_words(rule);
      if (w.size() < 2 || w[0] != "-A" || chains.count(w[1]) != 0) continue;
      for (size_t i = 2; i + 1 < w.size(); ++i) {
        if ((w[i] == "-j" || w[i] == "-g") && chains.count(w[i + 1]) != 0) {
          std::vector<std::string> del = {tool, "-w", "-t", table, "-D"};
          del.insert(del.end(), w.begin() + 1, w.end());
          run_best_effort(del);
          break;
        }
      }
    }
    for (const std::string& chain : chains) run_best_effort({tool, "-w", "-t", table, "-X", chain});
  }
}

// `ip route del` does not accept the state flags `ip route show` prints.
void delete_route(const std::string& family, const std::string& route) {
  static const std::set<std::string> kFlags = {"linkdown", "dead", "offload", "trap", "rt_offload", "rt_trap",
                                               "rt_offload_failed", "pervasive", "notify", "unresolved"};
  std::vector<std::string> argv = {"ip", family, "route", "del"};
  std::vector<std::string> w = split(route);
  for (size_t i = 0; i < w.size(); ++i) {
    if (w[i] == "error") ++i;
    else if (kFlags.count(w[i]) == 0) argv.push_back(w[i]);
  }
  run_best_effort(argv);
}

void delete_netns(const std::string& name) {
  run_command({"ip", "netns", "delete", name});
  std::string path = "/run/netns/" + name;
  if (exists(path)) umount2(path.c_str(), MNT_DETACH), unlink(path.c_str());
  if (exists(path)) warn("netns `" + name + "` is still there");
}

void kill_members(const std::string& cgroup) {
  std::string list = exists(cgroup + "/tasks") ? cgroup + "/tasks" : cgroup + "/cgroup.procs";
  for (auto deadline = Clock::now() + kRemoveTimeout; Clock::now() < deadline;
       std::this_thread::sleep_for(std::chrono::milliseconds(1))) {
    std::istringstream in(read_file(list));
    std::vector<pid_t> pids;
    for (pid_t pid; in >> pid;) pids.push_back(pid);
    if (pids.empty()) return;
    for (pid_t pid : pids) kill(pid, SIGKILL), waitpid(pid, nullptr, WNOHANG);
  }
  warn("processes in `" + cgroup + "` would not die");
}

void remove_cgroups(const std::vector<std::string>& leaked) {
  std::vector<std::string> dirs = leaked;
  std::stable_sort(dirs.begin(), dirs.end(), [](const std::string& a, const std::string& b) { return depth(a) > depth(b); });
  for (const std::string& dir : dirs) {
    kill_members(dir);
    int err = 0;
    for (auto deadline = Clock::now() + kRemoveTimeout; rmdir(dir.c_str()) != 0; std::this_thread::sleep_for(std::chrono::milliseconds(1))) {
      err = errno;
      if (err != EBUSY || Clock::now() > deadline) break;
    }
    if (exists(dir)) warn("rmdir `" + dir + "`: " + errno_name(err));
  }
}

// The parts of a snapshot read from /proc, /sys and /run (no commands needed).
void read_files(HostSnapshot& snap) {
  std::vector<Mount> mounts = read_mounts();
  for (const std::string& key : mount_keys(mounts)) snap.mounts.insert(key);
  snap.cgroups = read_cgroups(mounts);
  for (const std::string& name : list_dir("/run/netns")) snap.netns.insert(name);
  for (const std::string& name : list_dir("/sys/class/net")) snap.links.insert(name);
}

// Runs one removal step; a step that throws must not stop the others.
void step(const char* what, const std::function<void()>& fn) {
  try {
    fn();
  } catch (const std::exception& e) {
    warn(std::string(what) + ": " + e.what());
  }
}

// Serialises root tests of all processes on this host (see leak_check.h).
class HostLock {
 public:
  HostLock() {
    if (depth_++ > 0) return;
    fd_ = open("/run/lock/kubepp-root-tests.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ >= 0 && flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      std::cerr << "leak check: waiting for another root test (/run/lock/kubepp-root-tests.lock)\n";
      flock(fd_, LOCK_EX);
    }
  }
  ~HostLock() {
    if (--depth_ == 0 && fd_ >= 0) close(fd_), fd_ = -1;
  }
  HostLock(const HostLock&) = delete;
  HostLock& operator=(const HostLock&) = delete;

 private:
  static inline int depth_ = 0;
  static inline int fd_ = -1;
};

}  // namespace

CommandResult run_command(const std::vector<std::string>& argv) {
  Spawned s = spawn(argv);
  return finish(s);
}

HostSnapshot take_snapshot() {
  prctl(PR_SET_CHILD_SUBREAPER, 1);
  HostSnapshot snap;
  for (const Child& c : read_children()) snap.processes.insert(c.key() + " " + c.comm);  // before spawning helpers
  std::vector<Spawned> running = {spawn({"iptables-save"}), spawn({"ip6tables-save"}),
                                  spawn({"ip", "-o", "-4", "route", "show", "table", "all"}),
                                  spawn({"ip", "-o", "-6", "route", "show", "table", "all"})};
  read_files(snap);
  std::vector<CommandResult> done;
  for (Spawned& s : running) done.push_back(finish(s));  // all reaped before any throw
  snap.iptables_chains = parse_chains(checked_output(running[0], done[0], "iptables"));
  snap.ip6tables_chains = parse_chains(checked_output(running[1], done[1], "iptables"));
  snap.routes = parse_routes(checked_output(running[2], done[2], "iproute2"));
  snap.routes6 = parse_routes(checked_output(running[3], done[3], "iproute2"));
  return snap;
}

std::vector<std::string> leaks_between(const HostSnapshot& before, const HostSnapshot& after) {
  std::vector<std::string> lines;
  auto report = [&](const std::string& prefix, const std::set<std::string>& b, const std::set<std::string>& a) {
    for (const std::string& x : added(b, a)) lines.push_back(prefix + x);
  };
  // ip(8) makes /run/netns a mount of itself on first use: no leak, though
  // remove_leaks still unmounts it when it is new.
  std::set<std::string> after_mounts;
  std::copy_if(after.mounts.begin(), after.mounts.end(), std::inserter(after_mounts, after_mounts.end()),
               [](const std::string& key) { return key.rfind("/run/netns (", 0) != 0; });
  report("mount ", before.mounts, after_mounts);
  report("cgroup ", before.cgroups, kubepp_cgroups(after.cgroups));
  report("netns ", before.netns, after.netns);
  report("link ", before.links, after.links);
  report("iptables chain ", before.iptables_chains, after.iptables_chains);
  report("ip6tables chain ", before.ip6tables_chains, after.ip6tables_chains);
  report("route ", before.routes, after.routes);
  report("route6 ", before.routes6, after.routes6);
  std::set<std::string> known;
  for (const std::string& p : before.processes) known.insert(process_key(p));
  for (const std::string& p : after.processes) {
    std::string key = process_key(p);
    if (known.count(key) == 0)
      lines.push_back("process " + key.substr(0, key.find(' ')) + " (" + p.substr(key.size() + 1) + ")");
  }
  return lines;
}

void remove_leaks(const HostSnapshot& before) {
  HostSnapshot now;
  try {
    now = take_snapshot();
  } catch (const std::exception& e) {
    warn(e.what());  // still remove what needs no iptables/ip
    now = HostSnapshot{};
    read_files(now);
  }
  std::vector<std::string> new_cgroups = added(before.cgroups, kubepp_cgroups(now.cgroups));
  step("thaw", [&] { for (const std::string& cg : new_cgroups) thaw(cg); });
  step("processes", [&] { kill_children(before); });
  step("mounts", [&] { unmount_new(before); });
  step("iptables", [&] { delete_chains("iptables", before.iptables_chains, now.iptables_chains); });
  step("ip6tables", [&] { delete_chains("ip6tables", before.ip6tables_chains, now.ip6tables_chains); });
  step("routes", [&] {
    for (const std::string& r : added(before.routes, now.routes)) delete_route("-4", r);
    for (const std::string& r : added(before.routes6, now.routes6)) delete_route("-6", r);
  });
  step("links", [&] {
    for (const std::string& link : added(before.links, now.links)) {
      if (exists("/sys/class/net/" + link)) run_best_effort({"ip", "link", "del", link});  // a veth peer goes with its pair
    }
  });
  step("netns", [&] { for (const std::string& name : added(before.netns, now.netns)) delete_netns(name); });
  step("cgroups", [&] { remove_cgroups(new_cgroups); });
}

LeakReport run_and_remove_leaks(const std::function<void()>& body) {
  HostLock lock;
  HostSnapshot before = take_snapshot();
  LeakReport report;
  try {
    body();
  } catch (...) {
    report.error = std::current_exception();
  }
  try {
    report.leaks = leaks_between(before, take_snapshot());
  } catch (const std::exception& e) {
    report.leaks.push_back(std::string("(no second snapshot: ") + e.what() + ")");
  }
  remove_leaks(before);
  return report;
}

void run_leak_checked(const std::function<void()>& body) {
  LeakReport report = run_and_remove_leaks(body);
  for (const std::string& line : report.leaks) FAIL_CHECK("left behind: " << line);
  if (report.error) std::rethrow_exception(report.error);
}

}  // namespace kubepp::testing

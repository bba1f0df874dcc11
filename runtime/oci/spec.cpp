#include "runtime/oci/spec.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <ctime>
#include <limits>
#include <nlohmann/json.hpp>
#include <type_traits>

#include "runtime/base/unique_fd.h"
#include "runtime/namespaces.h"
#include "runtime/security.h"

namespace kubepp::runtime::oci {

namespace {

using nlohmann::json;

// ---- kernel and libseccomp names, as tables ---------------------------------------------

struct Named {
  std::string_view name;
  int value;
};

#define KUBEPP_RLIMIT(name) Named{#name, name}
constexpr Named kRlimits[] = {
    KUBEPP_RLIMIT(RLIMIT_AS),      KUBEPP_RLIMIT(RLIMIT_CORE),       KUBEPP_RLIMIT(RLIMIT_CPU),
    KUBEPP_RLIMIT(RLIMIT_DATA),    KUBEPP_RLIMIT(RLIMIT_FSIZE),      KUBEPP_RLIMIT(RLIMIT_LOCKS),
    KUBEPP_RLIMIT(RLIMIT_MEMLOCK), KUBEPP_RLIMIT(RLIMIT_MSGQUEUE),   KUBEPP_RLIMIT(RLIMIT_NICE),
    KUBEPP_RLIMIT(RLIMIT_NOFILE),  KUBEPP_RLIMIT(RLIMIT_NPROC),      KUBEPP_RLIMIT(RLIMIT_RSS),
    KUBEPP_RLIMIT(RLIMIT_RTPRIO),  KUBEPP_RLIMIT(RLIMIT_RTTIME),     KUBEPP_RLIMIT(RLIMIT_SIGPENDING),
    KUBEPP_RLIMIT(RLIMIT_STACK),
};
#undef KUBEPP_RLIMIT

// The spec's namespace types, in the spec's order (for messages); the flags come from
// namespace_kinds(), whose names are the same.
constexpr std::string_view kNamespaceTypes[] = {"pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time"};

// What libseccomp (and so runc and crun) knows, as the runtime-spec lists it.
constexpr std::string_view kSeccompActions[] = {
    "SCMP_ACT_KILL",  "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP", "SCMP_ACT_ERRNO",
    "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW",        "SCMP_ACT_LOG",         "SCMP_ACT_NOTIFY",
};
constexpr std::string_view kSeccompOperators[] = {
    "SCMP_CMP_NE", "SCMP_CMP_LT", "SCMP_CMP_LE", "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_MASKED_EQ",
};
constexpr std::string_view kSeccompArchitectures[] = {
    "SCMP_ARCH_X86",      "SCMP_ARCH_X86_64",      "SCMP_ARCH_X32",     "SCMP_ARCH_ARM",
    "SCMP_ARCH_AARCH64",  "SCMP_ARCH_MIPS",        "SCMP_ARCH_MIPS64",  "SCMP_ARCH_MIPS64N32",
    "SCMP_ARCH_MIPSEL",   "SCMP_ARCH_MIPSEL64",    "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC",
    "SCMP_ARCH_PPC64",    "SCMP_ARCH_PPC64LE",     "SCMP_ARCH_S390",    "SCMP_ARCH_S390X",
    "SCMP_ARCH_PARISC",   "SCMP_ARCH_PARISC64",    "SCMP_ARCH_RISCV64",
};
constexpr std::string_view kSeccompFlags[] = {
    "SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
    "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV",
};

// Mount options that are mount(2) flags: set, or (clear) turned off. runc's table.
struct MountOption {
  std::string_view name;
  bool clear;
  unsigned long flag;
};
constexpr MountOption kMountOptions[] = {
    {"async", true, MS_SYNCHRONOUS},       {"atime", true, MS_NOATIME},
    {"bind", false, MS_BIND},              {"defaults", false, 0},
    {"dev", true, MS_NODEV},               {"diratime", true, MS_NODIRATIME},
    {"dirsync", false, MS_DIRSYNC},        {"exec", true, MS_NOEXEC},
    {"iversion", false, MS_I_VERSION},     {"lazytime", false, MS_LAZYTIME},
    {"loud", true, MS_SILENT},             {"mand", false, MS_MANDLOCK},
    {"noatime", false, MS_NOATIME},        {"nodev", false, MS_NODEV},
    {"nodiratime", false, MS_NODIRATIME},  {"noexec", false, MS_NOEXEC},
    {"noiversion", true, MS_I_VERSION},    {"nolazytime", true, MS_LAZYTIME},
    {"nomand", true, MS_MANDLOCK},         {"norelatime", true, MS_RELATIME},
    {"nostrictatime", true, MS_STRICTATIME}, {"nosuid", false, MS_NOSUID},
    {"nosymfollow", false, MS_NOSYMFOLLOW}, {"rbind", false, MS_BIND | MS_REC},
    {"relatime", false, MS_RELATIME},      {"remount", false, MS_REMOUNT},
    {"ro", false, MS_RDONLY},              {"rw", true, MS_RDONLY},
    {"silent", false, MS_SILENT},          {"strictatime", false, MS_STRICTATIME},
    {"suid", true, MS_NOSUID},             {"sync", false, MS_SYNCHRONOUS},
    {"symfollow", true, MS_NOSYMFOLLOW},
};

// Propagation types: mount options, and linux.rootfsPropagation.
constexpr MountOption kPropagations[] = {
    {"private", false, MS_PRIVATE},         {"rprivate", false, MS_PRIVATE | MS_REC},
    {"shared", false, MS_SHARED},           {"rshared", false, MS_SHARED | MS_REC},
    {"slave", false, MS_SLAVE},             {"rslave", false, MS_SLAVE | MS_REC},
    {"unbindable", false, MS_UNBINDABLE},   {"runbindable", false, MS_UNBINDABLE | MS_REC},
};

// Recursive mount attributes (mount_setattr(2) with AT_RECURSIVE).
constexpr MountOption kRecursiveAttributes[] = {
    {"rro", false, MOUNT_ATTR_RDONLY},           {"rrw", true, MOUNT_ATTR_RDONLY},
    {"rnosuid", false, MOUNT_ATTR_NOSUID},       {"rsuid", true, MOUNT_ATTR_NOSUID},
    {"rnodev", false, MOUNT_ATTR_NODEV},         {"rdev", true, MOUNT_ATTR_NODEV},
    {"rnoexec", false, MOUNT_ATTR_NOEXEC},       {"rexec", true, MOUNT_ATTR_NOEXEC},
    {"rnodiratime", false, MOUNT_ATTR_NODIRATIME}, {"rdiratime", true, MOUNT_ATTR_NODIRATIME},
    {"rrelatime", false, MOUNT_ATTR_RELATIME},   {"rnorelatime", true, MOUNT_ATTR_RELATIME},
    {"rnoatime", false, MOUNT_ATTR_NOATIME},     {"ratime", true, MOUNT_ATTR_NOATIME},
    {"rstrictatime", false, MOUNT_ATTR_STRICTATIME}, {"rnostrictatime", true, MOUNT_ATTR_STRICTATIME},
    {"rnosymfollow", false, MOUNT_ATTR_NOSYMFOLLOW}, {"rsymfollow", true, MOUNT_ATTR_NOSYMFOLLOW},
};

template <typename Table>
auto find_named(const Table& table, std::string_view name) -> decltype(&table[0]) {
  for (const auto& entry : table) {
    if (entry.name == name) return &entry;
  }
  return nullptr;
}

template <size_t N>
bool known(const std::string_view (&names)[N], std::string_view name) {
  return std::find(std::begin(names), std::end(names), name) != std::end(names);
}

template <size_t N>
std::string join(const std::string_view (&names)[N]) {
  std::string out;
  for (std::string_view name : names) out += (out.empty() ? "" : ", ") + std::string(name);
  return out;
}

std::optional<int> capability_number(std::string_view name) {
  for (const Capability& cap : capability_table()) {
    if (cap.name == name) return cap.number;
  }
  return std::nullopt;
}

// ---- reading JSON: a failed check throws Bad, parse_spec turns it into an Error ---------

// Where (the JSON path, "linux.namespaces[2].type") and which rule. Never leaves this file.
struct Bad {
  std::string path;
  std::string rule;
};

[[noreturn]] void fail(const std::string& path, std::string rule) { throw Bad{path, std::move(rule)}; }

std::string key(const std::string& path, std::string_view name) {
  return path.empty() ? std::string(name) : path + "." + std::string(name);
}
std::string item(const std::string& path, size_t index) { return path + "[" + std::to_string(index) + "]"; }

std::string type_of(const json& v) { return v.type_name(); }  // "number", "array", …

void expect_object(const json& v, const std::string& path) {
  if (!v.is_object()) fail(path, "want an object, got " + type_of(v));
}

// The member `name` of the object `v`, or nullptr when it is absent or null.
const json* member(const json& v, std::string_view name) {
  auto it = v.find(name);
  if (it == v.end() || it->is_null()) return nullptr;
  return &*it;
}

// convert(): one JSON value into one C++ value, or fail naming `path`. Every overload is
// declared before the templates that call them (they live in an unnamed namespace, which
// argument-dependent lookup does not search).
void convert(const json& v, const std::string& path, std::string& out) {
  if (!v.is_string()) fail(path, "want a string, got " + type_of(v));
  out = v.get<std::string>();
}

void convert(const json& v, const std::string& path, bool& out) {
  if (!v.is_boolean()) fail(path, "want a boolean, got " + type_of(v));
  out = v.get<bool>();
}

template <typename T>
  requires(std::is_integral_v<T> && !std::is_same_v<T, bool>)
void convert(const json& v, const std::string& path, T& out) {
  using Limits = std::numeric_limits<T>;
  const auto out_of_range = [&] {
    fail(path, "want an integer from " + std::to_string(Limits::min()) + " to " + std::to_string(Limits::max()) +
                   ", got " + v.dump());
  };
  if (v.is_number_unsigned()) {  // nlohmann keeps every non-negative integer here
    const uint64_t n = v.get<uint64_t>();
    if (n > static_cast<uint64_t>(Limits::max())) out_of_range();
    out = static_cast<T>(n);
  } else if (v.is_number_integer()) {  // negative
    const int64_t n = v.get<int64_t>();
    if (!Limits::is_signed || n < static_cast<int64_t>(Limits::min())) out_of_range();
    out = static_cast<T>(n);
  } else {
    fail(path, "want an integer, got " + (v.is_number() ? v.dump() : type_of(v)));
  }
}

void convert(const json& v, const std::string& path, std::map<std::string, std::string>& out) {
  if (!v.is_object()) fail(path, "want an object of strings, got " + type_of(v));
  for (const auto& [name, value] : v.items()) convert(value, path + "[\"" + name + "\"]", out[name]);
}

void convert(const json& v, const std::string& path, ConsoleSize& out);
void convert(const json& v, const std::string& path, User& out);
void convert(const json& v, const std::string& path, Capabilities& out);
void convert(const json& v, const std::string& path, Rlimit& out);
void convert(const json& v, const std::string& path, Process& out);
void convert(const json& v, const std::string& path, Root& out);
void convert(const json& v, const std::string& path, Mount& out);
void convert(const json& v, const std::string& path, Hook& out);
void convert(const json& v, const std::string& path, Hooks& out);
void convert(const json& v, const std::string& path, Namespace& out);
void convert(const json& v, const std::string& path, IdMapping& out);
void convert(const json& v, const std::string& path, Memory& out);
void convert(const json& v, const std::string& path, Cpu& out);
void convert(const json& v, const std::string& path, Pids& out);
void convert(const json& v, const std::string& path, DeviceRule& out);
void convert(const json& v, const std::string& path, Resources& out);
void convert(const json& v, const std::string& path, SeccompArg& out);
void convert(const json& v, const std::string& path, SeccompSyscall& out);
void convert(const json& v, const std::string& path, Seccomp& out);
void convert(const json& v, const std::string& path, Device& out);
void convert(const json& v, const std::string& path, Linux& out);

template <typename T>
constexpr const char* plural() {
  if constexpr (std::is_same_v<T, std::string>) return "strings";
  else if constexpr (std::is_integral_v<T>) return "integers";
  else return "objects";
}

template <typename T>
void convert(const json& v, const std::string& path, std::vector<T>& out) {
  if (!v.is_array()) fail(path, std::string("want an array of ") + plural<T>() + ", got " + type_of(v));
  out.assign(v.size(), T{});
  for (size_t i = 0; i < v.size(); ++i) convert(v[i], item(path, i), out[i]);
}

template <typename T>
void convert(const json& v, const std::string& path, std::optional<T>& out) {
  T value{};
  convert(v, path, value);
  out = std::move(value);
}

// Reads the member `name` of `v` into `out` when it is there (and not null).
template <typename T>
void read(const json& v, const std::string& path, std::string_view name, T& out) {
  if (const json* m = member(v, name)) convert(*m, key(path, name), out);
}

// Reads the member `name` of `v` into `out`; fails when it is absent.
template <typename T>
void need(const json& v, const std::string& path, std::string_view name, T& out) {
  const json* m = member(v, name);
  if (m == nullptr) fail(key(path, name), "missing (required)");
  convert(*m, key(path, name), out);
}

void expect_absolute(const std::string& value, const std::string& path) {
  if (!value.starts_with('/')) fail(path, "must be absolute");
}

template <size_t N>
void expect_known(const std::string_view (&names)[N], const std::string& value, const std::string& path,
                  const char* what) {
  if (!known(names, value)) fail(path, std::string("unknown ") + what + " `" + value + "`");
}

// ---- the spec's objects ---------------------------------------------------------------

void convert(const json& v, const std::string& path, ConsoleSize& out) {
  expect_object(v, path);
  need(v, path, "height", out.height);
  need(v, path, "width", out.width);
}

void convert(const json& v, const std::string& path, User& out) {
  expect_object(v, path);
  read(v, path, "uid", out.uid);
  read(v, path, "gid", out.gid);
  read(v, path, "umask", out.umask);
  read(v, path, "additionalGids", out.additionalGids);
}

void convert(const json& v, const std::string& path, Capabilities& out) {
  expect_object(v, path);
  // runc 1.1 warns about an unknown name and drops it; crun and youki refuse the
  // bundle. kubepp refuses it too: a typo would otherwise silently drop a capability.
  auto set = [&](std::string_view name, std::vector<std::string>& caps) {
    read(v, path, name, caps);
    for (size_t i = 0; i < caps.size(); ++i) {
      if (!capability_number(caps[i])) fail(item(key(path, name), i), "unknown capability `" + caps[i] + "`");
    }
  };
  set("bounding", out.bounding);
  set("effective", out.effective);
  set("inheritable", out.inheritable);
  set("permitted", out.permitted);
  set("ambient", out.ambient);
}

void convert(const json& v, const std::string& path, Rlimit& out) {
  expect_object(v, path);
  need(v, path, "type", out.type);
  if (!find_named(kRlimits, out.type)) fail(key(path, "type"), "unknown rlimit `" + out.type + "`");
  need(v, path, "hard", out.hard);
  need(v, path, "soft", out.soft);
  if (out.soft > out.hard) {
    fail(key(path, "soft"), std::to_string(out.soft) + " is above the hard limit " + std::to_string(out.hard));
  }
}

void convert(const json& v, const std::string& path, Process& out) {
  expect_object(v, path);
  read(v, path, "terminal", out.terminal);
  read(v, path, "consoleSize", out.consoleSize);
  read(v, path, "user", out.user);  // absent: root, as runc and crun take it
  need(v, path, "args", out.args);
  if (out.args.empty()) fail(key(path, "args"), "must not be empty");
  read(v, path, "env", out.env);
  for (size_t i = 0; i < out.env.size(); ++i) {
    const size_t eq = out.env[i].find('=');
    if (eq == std::string::npos || eq == 0) fail(item(key(path, "env"), i), "want KEY=VALUE, got `" + out.env[i] + "`");
  }
  need(v, path, "cwd", out.cwd);
  expect_absolute(out.cwd, key(path, "cwd"));
  read(v, path, "capabilities", out.capabilities);
  read(v, path, "rlimits", out.rlimits);
  for (size_t i = 0; i < out.rlimits.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (out.rlimits[j].type != out.rlimits[i].type) continue;
      fail(key(item(key(path, "rlimits"), i), "type"),
           "duplicate rlimit `" + out.rlimits[i].type + "` (also in " + item(key(path, "rlimits"), j) + ")");
    }
  }
  read(v, path, "noNewPrivileges", out.noNewPrivileges);
  read(v, path, "oomScoreAdj", out.oomScoreAdj);
  if (out.oomScoreAdj && (*out.oomScoreAdj < -1000 || *out.oomScoreAdj > 1000)) {
    fail(key(path, "oomScoreAdj"), "want an integer from -1000 to 1000, got " + std::to_string(*out.oomScoreAdj));
  }
  read(v, path, "apparmorProfile", out.apparmorProfile);
  read(v, path, "selinuxLabel", out.selinuxLabel);
}

void convert(const json& v, const std::string& path, Root& out) {
  expect_object(v, path);
  need(v, path, "path", out.path);
  if (out.path.empty()) fail(key(path, "path"), "must not be empty");
  read(v, path, "readonly", out.readonly);
}

void convert(const json& v, const std::string& path, Mount& out) {
  expect_object(v, path);
  // runc 1.1 only warns about a relative destination; the spec says MUST be absolute.
  need(v, path, "destination", out.destination);
  expect_absolute(out.destination, key(path, "destination"));
  read(v, path, "type", out.type);
  read(v, path, "source", out.source);
  read(v, path, "options", out.options);
}

void convert(const json& v, const std::string& path, Hook& out) {
  expect_object(v, path);
  need(v, path, "path", out.path);
  expect_absolute(out.path, key(path, "path"));
  read(v, path, "args", out.args);
  read(v, path, "env", out.env);
  read(v, path, "timeout", out.timeout);
  if (out.timeout && *out.timeout <= 0) {
    fail(key(path, "timeout"), "must be greater than zero, got " + std::to_string(*out.timeout));
  }
}

void convert(const json& v, const std::string& path, Hooks& out) {
  expect_object(v, path);
  read(v, path, "prestart", out.prestart);
  read(v, path, "createRuntime", out.createRuntime);
  read(v, path, "createContainer", out.createContainer);
  read(v, path, "startContainer", out.startContainer);
  read(v, path, "poststart", out.poststart);
  read(v, path, "poststop", out.poststop);
}

void convert(const json& v, const std::string& path, Namespace& out) {
  expect_object(v, path);
  need(v, path, "type", out.type);
  if (Result<int> flag = namespace_flag(out.type); !flag) fail(key(path, "type"), flag.error().message);
  read(v, path, "path", out.path);
  if (!out.path.empty()) expect_absolute(out.path, key(path, "path"));
}

void convert(const json& v, const std::string& path, IdMapping& out) {
  expect_object(v, path);
  need(v, path, "containerID", out.containerID);
  need(v, path, "hostID", out.hostID);
  need(v, path, "size", out.size);
}

void convert(const json& v, const std::string& path, Memory& out) {
  expect_object(v, path);
  read(v, path, "limit", out.limit);
  read(v, path, "reservation", out.reservation);
  read(v, path, "swap", out.swap);
  read(v, path, "swappiness", out.swappiness);
  read(v, path, "disableOOMKiller", out.disableOOMKiller);
}

void convert(const json& v, const std::string& path, Cpu& out) {
  expect_object(v, path);
  read(v, path, "shares", out.shares);
  read(v, path, "quota", out.quota);
  read(v, path, "period", out.period);
  read(v, path, "cpus", out.cpus);
  read(v, path, "mems", out.mems);
}

void convert(const json& v, const std::string& path, Pids& out) {
  expect_object(v, path);
  need(v, path, "limit", out.limit);
}

void convert(const json& v, const std::string& path, DeviceRule& out) {
  expect_object(v, path);
  need(v, path, "allow", out.allow);
  read(v, path, "type", out.type);
  if (out.type != "" && out.type != "a" && out.type != "b" && out.type != "c") {
    fail(key(path, "type"), "unknown device type `" + out.type + "` (want a, b or c)");
  }
  read(v, path, "major", out.major);
  read(v, path, "minor", out.minor);
  // The spec makes access optional; runc refuses an empty one ("device access at 0
  // field cannot be empty"), and so do we.
  read(v, path, "access", out.access);
  if (out.access.empty()) fail(key(path, "access"), "must not be empty");
  if (out.access.find_first_not_of("rwm") != std::string::npos) {
    fail(key(path, "access"), "want some of `rwm`, got `" + out.access + "`");
  }
}

void convert(const json& v, const std::string& path, Resources& out) {
  expect_object(v, path);
  read(v, path, "memory", out.memory);
  read(v, path, "cpu", out.cpu);
  read(v, path, "pids", out.pids);
  read(v, path, "devices", out.devices);
}

void convert(const json& v, const std::string& path, SeccompArg& out) {
  expect_object(v, path);
  need(v, path, "index", out.index);
  if (out.index > 5) fail(key(path, "index"), "want an integer from 0 to 5, got " + std::to_string(out.index));
  need(v, path, "value", out.value);
  read(v, path, "valueTwo", out.valueTwo);
  need(v, path, "op", out.op);
  expect_known(kSeccompOperators, out.op, key(path, "op"), "operator");
}

void convert(const json& v, const std::string& path, SeccompSyscall& out) {
  expect_object(v, path);
  need(v, path, "names", out.names);
  if (out.names.empty()) fail(key(path, "names"), "must not be empty");
  need(v, path, "action", out.action);
  expect_known(kSeccompActions, out.action, key(path, "action"), "action");
  read(v, path, "errnoRet", out.errnoRet);
  read(v, path, "args", out.args);
}

void convert(const json& v, const std::string& path, Seccomp& out) {
  expect_object(v, path);
  read(v, path, "defaultAction", out.defaultAction);
  read(v, path, "syscalls", out.syscalls);
  // Neither a default action nor a rule: runc takes the section as "no filter" (the
  // caller drops it). Rules without a default action are an error.
  if (out.defaultAction.empty() && !out.syscalls.empty()) fail(key(path, "defaultAction"), "missing (required)");
  if (!out.defaultAction.empty()) {
    expect_known(kSeccompActions, out.defaultAction, key(path, "defaultAction"), "action");
  }
  read(v, path, "defaultErrnoRet", out.defaultErrnoRet);
  read(v, path, "architectures", out.architectures);
  for (size_t i = 0; i < out.architectures.size(); ++i) {
    expect_known(kSeccompArchitectures, out.architectures[i], item(key(path, "architectures"), i), "architecture");
  }
  read(v, path, "flags", out.flags);
  for (size_t i = 0; out.flags && i < out.flags->size(); ++i) {
    expect_known(kSeccompFlags, (*out.flags)[i], item(key(path, "flags"), i), "flag");
  }
  read(v, path, "listenerPath", out.listenerPath);
}

void convert(const json& v, const std::string& path, Device& out) {
  expect_object(v, path);
  need(v, path, "type", out.type);
  if (out.type != "c" && out.type != "b" && out.type != "u" && out.type != "p") {
    fail(key(path, "type"), "unknown device type `" + out.type + "` (want c, b, u or p)");
  }
  need(v, path, "path", out.path);
  expect_absolute(out.path, key(path, "path"));
  if (out.type == "p") {  // a FIFO has no device numbers
    read(v, path, "major", out.major);
    read(v, path, "minor", out.minor);
  } else {
    need(v, path, "major", out.major);
    need(v, path, "minor", out.minor);
  }
  read(v, path, "fileMode", out.fileMode);
  read(v, path, "uid", out.uid);
  read(v, path, "gid", out.gid);
}

void convert(const json& v, const std::string& path, Linux& out) {
  expect_object(v, path);
  read(v, path, "namespaces", out.namespaces);
  for (size_t i = 0; i < out.namespaces.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (out.namespaces[j].type != out.namespaces[i].type) continue;
      fail(key(item(key(path, "namespaces"), i), "type"), "duplicate namespace type `" + out.namespaces[i].type +
                                                              "` (also in " + item(key(path, "namespaces"), j) + ")");
    }
  }
  read(v, path, "uidMappings", out.uidMappings);
  read(v, path, "gidMappings", out.gidMappings);
  read(v, path, "resources", out.resources);
  read(v, path, "cgroupsPath", out.cgroupsPath);
  read(v, path, "sysctl", out.sysctl);
  read(v, path, "seccomp", out.seccomp);
  if (out.seccomp && out.seccomp->defaultAction.empty()) out.seccomp.reset();  // see convert(Seccomp)
  read(v, path, "maskedPaths", out.maskedPaths);
  read(v, path, "readonlyPaths", out.readonlyPaths);
  read(v, path, "rootfsPropagation", out.rootfsPropagation);
  if (!out.rootfsPropagation.empty() && !find_named(kPropagations, out.rootfsPropagation)) {
    fail(key(path, "rootfsPropagation"),
         "unknown propagation `" + out.rootfsPropagation +
             "` (want private, rprivate, shared, rshared, slave, rslave, unbindable or runbindable)");
  }
  read(v, path, "mountLabel", out.mountLabel);
  read(v, path, "devices", out.devices);
}

// "1.0.2", "1.1.0-rc.1", "1.0.2-dev": a 1.0.x or 1.1.x version, any suffix.
bool supported_version(std::string_view version) {
  for (std::string_view prefix : {"1.0.", "1.1."}) {
    if (!version.starts_with(prefix)) continue;
    std::string_view rest = version.substr(prefix.size());
    size_t digits = 0;
    while (digits < rest.size() && std::isdigit(static_cast<unsigned char>(rest[digits]))) ++digits;
    if (digits == 0) return false;
    rest.remove_prefix(digits);
    return rest.empty() || rest.front() == '-' || rest.front() == '+';
  }
  return false;
}

void convert_spec(const json& v, Spec& out) {
  const std::string top;
  need(v, top, "ociVersion", out.ociVersion);
  if (!supported_version(out.ociVersion)) {
    fail("ociVersion", "unsupported version `" + out.ociVersion + "` (want 1.0.x or 1.1.x)");
  }
  need(v, top, "root", out.root);
  need(v, top, "process", out.process);
  read(v, top, "hostname", out.hostname);
  read(v, top, "domainname", out.domainname);
  read(v, top, "mounts", out.mounts);
  read(v, top, "hooks", out.hooks);
  read(v, top, "annotations", out.annotations);
  read(v, top, "linux", out.linux);
}

// "syntax error while parsing value - invalid literal; last read: 'x'" out of
// nlohmann's "[json.exception.parse_error.101] parse error at line 1, column 9: …".
std::string parse_reason(const json::parse_error& e) {
  const std::string what = e.what();
  const size_t column = what.find("column ");
  const size_t colon = what.find(": ", column == std::string::npos ? 0 : column);
  return colon == std::string::npos ? what : what.substr(colon + 2);
}

}  // namespace

// ---- public functions -----------------------------------------------------------------

Result<Spec> parse_spec(std::string_view text, std::string_view origin) {
  const std::string where(origin);
  json doc;
  try {
    doc = json::parse(text.begin(), text.end());
  } catch (const json::parse_error& e) {
    return Error{ErrorCode::Invalid,
                 where + ": invalid JSON at byte " + std::to_string(e.byte) + ": " + parse_reason(e)};
  }
  if (!doc.is_object()) return Error{ErrorCode::Invalid, where + ": want a JSON object, got " + type_of(doc)};
  try {
    Spec spec;
    convert_spec(doc, spec);
    return spec;
  } catch (const Bad& bad) {
    return Error{ErrorCode::Invalid, where + ": `" + bad.path + "`: " + bad.rule};
  }
}

Result<Spec> load_spec(const std::filesystem::path& bundle) {
  const std::filesystem::path file = bundle / "config.json";
  UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return sys_error("open", file, errno);
  std::string text;
  char buffer[65536];
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return sys_error("read", file, errno);
    if (n == 0) break;
    text.append(buffer, static_cast<size_t>(n));
  }
  return parse_spec(text, file.string());
}

MountFlags parse_mount_options(const std::vector<std::string>& options) {
  MountFlags out;
  std::string_view separator;
  for (const std::string& option : options) {
    if (const MountOption* f = find_named(kMountOptions, option)) {
      if (f->clear) {
        out.flags &= ~f->flag;
        out.cleared |= f->flag;
      } else {
        out.flags |= f->flag;
        out.cleared &= ~f->flag;
      }
    } else if (const MountOption* p = find_named(kPropagations, option)) {
      out.propagation.push_back(p->flag);
    } else if (const MountOption* r = find_named(kRecursiveAttributes, option)) {
      if (r->clear) {
        out.rec_attr_clr |= r->flag;
        out.rec_attr_set &= ~uint64_t{r->flag};
      } else {
        out.rec_attr_set |= r->flag;
        out.rec_attr_clr &= ~uint64_t{r->flag};
        // mount_setattr(2): an atime setting in attr_set needs MOUNT_ATTR__ATIME in attr_clr.
        if ((r->flag & MOUNT_ATTR__ATIME) == r->flag) out.rec_attr_clr |= MOUNT_ATTR__ATIME;
      }
    } else if (option == "tmpcopyup") {
      out.tmpcopyup = true;
    } else {
      out.data += separator;
      out.data += option;
      separator = ",";
    }
  }
  out.bind = (out.flags & MS_BIND) != 0;
  return out;
}

Result<int> rlimit_resource(std::string_view name) {
  if (const Named* r = find_named(kRlimits, name)) return r->value;
  return Error{ErrorCode::Invalid, "unknown rlimit `" + std::string(name) + "`"};
}

Result<int> namespace_flag(std::string_view type) {
  if (known(kNamespaceTypes, type)) {
    for (const NamespaceKind& kind : namespace_kinds()) {
      if (kind.name == type) return kind.flag;
    }
  }
  return Error{ErrorCode::Invalid,
               "unknown namespace type `" + std::string(type) + "` (want " + join(kNamespaceTypes) + ")"};
}

Result<uint64_t> capability_mask(const std::vector<std::string>& names) {
  uint64_t mask = 0;
  for (const std::string& name : names) {
    const std::optional<int> number = capability_number(name);
    if (!number) return Error{ErrorCode::Invalid, "unknown capability `" + name + "`"};
    mask |= uint64_t{1} << *number;
  }
  return mask;
}

}  // namespace kubepp::runtime::oci

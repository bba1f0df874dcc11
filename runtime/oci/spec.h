// spec.h — an OCI bundle's config.json (runtime-spec 1.0.2 / 1.1), parsed and checked.
//
// A bundle is a directory holding config.json and, usually, rootfs/. config.json says
// what to run (process), on which root (root, mounts) and how to isolate it (linux:
// namespaces, cgroup resources, seccomp, masked paths). `runc spec` writes a default one;
// `kubepp runtime create|start|state|…` reads it, so that one bundle runs under kubepp,
// crun and runc alike.
//
// The structs below mirror the spec's JSON field by field, with the spec's names, so a
// reader can hold config.json beside them. Absent and empty differ where the spec gives
// them different meanings (std::optional): no `linux.seccomp` means no filter at all, no
// `process.capabilities` means a process without any capability.
//
// parse_spec() checks what the spec and runc check (types, required fields, names from
// the kernel's tables, absolute paths, duplicates) and stops at the first problem, with a
// message that names the field by its JSON path and the rule:
//   "config.json: `linux.namespaces[2].type`: unknown namespace type `foo` (want …)".
// Unknown fields are ignored, as runc's Go decoder ignores them. A JSON null counts as
// absent (Go's decoder leaves the field unset too).
//
// Plain data and pure functions: no state, safe from any thread. No JSON types here;
// nlohmann/json stays inside spec.cpp.
#pragma once

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/base/result.h"

// `linux` is the spec's name for the Linux section, and GNU dialects (-std=gnu++20)
// predefine it as a macro. kubepp builds with -std=c++20 (CMAKE_CXX_EXTENSIONS OFF).
#if defined(linux)
#error "runtime/oci/spec.h needs -std=c++20 (with -std=gnu++20 `linux` is a macro)"
#endif

namespace kubepp::runtime::oci {

/// The ociVersion kubepp writes (default_spec_json, State). Read: any 1.0.x or 1.1.x,
/// with or without a suffix ("1.0.2-dev" is what runc 1.1 writes).
inline constexpr const char* kOciVersion = "1.0.2";

// ---- process --------------------------------------------------------------------------

/// The size of the terminal, in characters (process.terminal true only).
struct ConsoleSize {
  uint32_t height = 0;
  uint32_t width = 0;
};

/// Whom the process runs as. Numbers only: the spec has no user names.
struct User {
  uint32_t uid = 0;  ///< absent: 0, as runc and crun take it (the spec says REQUIRED)
  uint32_t gid = 0;  ///< absent: 0, likewise
  std::optional<uint32_t> umask;        ///< absent: the runtime's default (runc: 0022)
  std::vector<uint32_t> additionalGids;  ///< supplementary groups, for setgroups(2)
};

/// The five capability sets, as "CAP_*" names (each checked against capability_table()).
/// An absent list and an empty list are the same: an empty set.
struct Capabilities {
  std::vector<std::string> bounding;
  std::vector<std::string> effective;
  std::vector<std::string> inheritable;
  std::vector<std::string> permitted;
  std::vector<std::string> ambient;
};

/// One setrlimit(2) call: "RLIMIT_NOFILE" with its hard and soft limits.
struct Rlimit {
  std::string type;  ///< "RLIMIT_NOFILE"; see rlimit_resource()
  uint64_t hard = 0;
  uint64_t soft = 0;  ///< not above hard
};

/// The container's first process.
struct Process {
  bool terminal = false;  ///< give it a pseudo-terminal (the console socket's)
  std::optional<ConsoleSize> consoleSize;
  User user;
  std::vector<std::string> args;  ///< argv; not empty (runc refuses an empty one)
  std::vector<std::string> env;   ///< "KEY=VALUE", KEY not empty
  std::string cwd;                ///< absolute, inside the container
  /// Absent: the process gets no capability at all — runc's finalizeNamespace (init)
  /// applies an empty configs.Capabilities when the spec has none, so every set is
  /// cleared, bounding included. Present: exactly these sets.
  std::optional<Capabilities> capabilities;
  std::vector<Rlimit> rlimits;  ///< one entry per type at most
  bool noNewPrivileges = false;  ///< PR_SET_NO_NEW_PRIVS before exec
  std::optional<int> oomScoreAdj;  ///< -1000 … 1000; absent: inherit the runtime's
  std::string apparmorProfile;     ///< kept; kubepp applies no AppArmor profile
  std::string selinuxLabel;        ///< kept; kubepp applies no SELinux label
};

// ---- filesystem -----------------------------------------------------------------------

/// The container's root filesystem.
struct Root {
  std::string path;  ///< relative paths are relative to the bundle ("rootfs")
  bool readonly = false;
};

/// One mount, made inside the container's mount namespace in the order listed.
struct Mount {
  std::string destination;  ///< absolute, inside the container
  std::string type;         ///< "proc", "tmpfs", "bind", … (ignored for bind mounts)
  std::string source;       ///< a device, a host path (bind), or a name ("proc")
  std::vector<std::string> options;  ///< see parse_mount_options()
};

/// What one mount's options mean to mount(2): runc's table, in runc's order of rules.
struct MountFlags {
  unsigned long flags = 0;  ///< MS_* set by the options (MS_RDONLY, MS_NOSUID, MS_BIND|MS_REC, …)
  unsigned long cleared = 0;  ///< MS_* an option turned off ("rw", "suid", "dev", …)
  /// MS_PRIVATE, MS_SLAVE|MS_REC, …: one mount(2) each after the mount, in order.
  std::vector<unsigned long> propagation;
  /// mount_setattr(2) attributes set and cleared recursively ("rro", "rnosuid", …).
  uint64_t rec_attr_set = 0;
  uint64_t rec_attr_clr = 0;
  bool bind = false;       ///< "bind" or "rbind": a bind mount (the type is then ignored)
  bool tmpcopyup = false;  ///< runc's extension: copy the directory's files into the tmpfs
  std::string data;        ///< every other option, comma-joined: "mode=755,size=65536k"
};

// ---- hooks ----------------------------------------------------------------------------

/// A program the runtime runs at a point of the container's life, with the container's
/// runtime-spec state on its stdin (ociVersion, id, status, pid, bundle, annotations:
/// state_json's fields without runc's rootfs, created and owner).
struct Hook {
  std::string path;  ///< absolute, on the host
  std::vector<std::string> args;  ///< argv, args[0] included
  std::vector<std::string> env;
  std::optional<int> timeout;  ///< seconds, > 0; absent: no timeout
};

/// The hooks, by the point they run at (runtime-spec "POSIX-platform Hooks").
struct Hooks {
  std::vector<Hook> prestart;         ///< deprecated: after create, in the runtime namespace
  std::vector<Hook> createRuntime;    ///< after the namespaces exist, in the runtime namespace
  std::vector<Hook> createContainer;  ///< same point, in the container's namespaces
  std::vector<Hook> startContainer;   ///< in the container, just before the user's program
  std::vector<Hook> poststart;        ///< after start, in the runtime namespace
  std::vector<Hook> poststop;         ///< after delete, in the runtime namespace
};

// ---- linux ----------------------------------------------------------------------------

/// A namespace the container gets: a new one (path empty) or the one at `path`.
struct Namespace {
  std::string type;  ///< "pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time"
  std::string path;  ///< "/proc/1234/ns/net": join it; "": create a new one
};

/// One line of /proc/PID/uid_map or gid_map.
struct IdMapping {
  uint32_t containerID = 0;
  uint32_t hostID = 0;
  uint32_t size = 0;
};

/// linux.resources.memory, in bytes; -1 means unlimited.
struct Memory {
  std::optional<int64_t> limit;        ///< memory.max / memory.limit_in_bytes
  std::optional<int64_t> reservation;  ///< memory.low / memory.soft_limit_in_bytes
  std::optional<int64_t> swap;         ///< memory + swap (runc's, v1's meaning)
  std::optional<uint64_t> swappiness;  ///< 0 … 100 (cgroup v1)
  std::optional<bool> disableOOMKiller;
};

/// linux.resources.cpu.
struct Cpu {
  std::optional<uint64_t> shares;  ///< relative weight (v1 cpu.shares; v2 weight from it)
  std::optional<int64_t> quota;    ///< µs of CPU time per period; -1: none
  std::optional<uint64_t> period;  ///< µs
  std::string cpus;                ///< cpuset: "0-3,7"
  std::string mems;                ///< cpuset memory nodes
};

/// linux.resources.pids.
struct Pids {
  int64_t limit = 0;  ///< most tasks at once; 0 or -1: unlimited
};

/// One devices-cgroup rule (linux.resources.devices[]).
struct DeviceRule {
  bool allow = false;
  std::string type;             ///< "a" (all; also when empty), "b" or "c"
  std::optional<int64_t> major;  ///< absent: any (-1 in runc)
  std::optional<int64_t> minor;
  std::string access;  ///< some of "rwm", not empty (runc refuses an empty one)
};

/// linux.resources: what the container's cgroup may use.
struct Resources {
  std::optional<Memory> memory;
  std::optional<Cpu> cpu;
  std::optional<Pids> pids;
  std::vector<DeviceRule> devices;  ///< in order; the last matching rule wins
};

/// A condition on one argument of a system call (linux.seccomp.syscalls[].args[]).
struct SeccompArg {
  uint32_t index = 0;     ///< 0 … 5
  uint64_t value = 0;     ///< compared with the argument; for SCMP_CMP_MASKED_EQ the mask
  uint64_t valueTwo = 0;  ///< SCMP_CMP_MASKED_EQ only: what (argument & value) must equal
  std::string op;         ///< "SCMP_CMP_EQ", "SCMP_CMP_MASKED_EQ", …
};

/// A rule: `action` for the calls in `names` when all `args` hold.
struct SeccompSyscall {
  std::vector<std::string> names;  ///< not empty
  std::string action;              ///< "SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", …
  std::optional<uint32_t> errnoRet;  ///< the errno of SCMP_ACT_ERRNO/TRACE; absent: EPERM
  std::vector<SeccompArg> args;
};

/// linux.seccomp: a filter as libseccomp builds it.
struct Seccomp {
  std::string defaultAction;  ///< for every call no rule names
  std::optional<uint32_t> defaultErrnoRet;
  std::vector<std::string> architectures;  ///< "SCMP_ARCH_X86_64", …; empty: the native one
  /// Absent: runc's default, SECCOMP_FILTER_FLAG_SPEC_ALLOW when the kernel has it.
  /// Present (even empty): exactly these flags.
  std::optional<std::vector<std::string>> flags;
  std::string listenerPath;  ///< the socket SCMP_ACT_NOTIFY's fd is sent to
  std::vector<SeccompSyscall> syscalls;
};

/// A device node to create in the container's /dev (linux.devices[]).
struct Device {
  std::string type;  ///< "c", "b", "u" (unbuffered char) or "p" (FIFO)
  std::string path;  ///< absolute, inside the container
  int64_t major = 0;  ///< c, b, u only
  int64_t minor = 0;
  std::optional<uint32_t> fileMode;  ///< permission bits; absent: 0666 (runc)
  std::optional<uint32_t> uid;
  std::optional<uint32_t> gid;
};

/// The Linux section. Absent fields mean "as the host is": no namespace listed = the
/// runtime's own.
struct Linux {
  std::vector<Namespace> namespaces;  ///< no type twice
  std::vector<IdMapping> uidMappings;  ///< parsed; kubepp refuses user namespaces later
  std::vector<IdMapping> gidMappings;
  std::optional<Resources> resources;  ///< absent: no limit set
  std::string cgroupsPath;             ///< "" = the runtime picks one
  std::map<std::string, std::string> sysctl;  ///< "net.ipv4.ip_forward" → "1"
  /// Absent: no seccomp filter. A section with neither defaultAction nor syscalls is
  /// also no filter (runc's rule), so it is read as absent.
  std::optional<Seccomp> seccomp;
  std::vector<std::string> maskedPaths;    ///< made unreadable (/dev/null or an empty tmpfs)
  std::vector<std::string> readonlyPaths;  ///< remounted read-only
  std::string rootfsPropagation;  ///< "", "private", "rslave", … (runc's table)
  std::string mountLabel;         ///< kept; SELinux only
  std::vector<Device> devices;
};

// ---- the spec -------------------------------------------------------------------------

/// config.json.
struct Spec {
  std::string ociVersion;  ///< "1.0.x" or "1.1.x"
  /// The spec makes it optional until `start`; runc (and kubepp) refuse a bundle
  /// without it at create, so it is required here.
  Process process;
  Root root;  ///< required (runc: "root must be specified")
  std::string hostname;
  std::string domainname;
  std::vector<Mount> mounts;  ///< in order
  Hooks hooks;  ///< absent: no hooks
  std::map<std::string, std::string> annotations;
  /// Absent: a Linux runtime still runs the container, in the runtime's namespaces.
  std::optional<Linux> linux;
};

/// Parses and checks config.json's text. `origin` starts every message ("config.json",
/// or a path). Fails Invalid naming the field and the rule; invalid JSON names the byte
/// offset where the parser stopped.
Result<Spec> parse_spec(std::string_view json, std::string_view origin);

/// Reads `bundle`/config.json and parses it, with the file's path as the origin. Fails
/// NotFound naming the file when it is missing.
Result<Spec> load_spec(const std::filesystem::path& bundle);

/// What `runc spec` writes (runc's specconv.Example), tab-indented as runc writes it,
/// with hostname "kubepp" and a cgroup namespace always (kubepp's containers always
/// get one; runc adds it on cgroup v2 hosts only). Parses back with parse_spec().
std::string default_spec_json();

// ---- kernel tables --------------------------------------------------------------------

/// The MS_* flags, propagation, recursive attributes and data string of a mount's
/// options, by runc's table: ro/rw, nosuid/suid, nodev/dev, noexec/exec, sync/async,
/// remount, bind/rbind, mand/nomand, dirsync, the atime family, silent/loud, iversion,
/// lazytime, nosymfollow/symfollow; [r]private/[r]shared/[r]slave/[r]unbindable;
/// rro, rnosuid, … (mount_setattr); tmpcopyup. A later option overrides an earlier
/// one. Everything else is filesystem data, in order. "defaults" sets nothing (runc
/// would pass it on as data, which tmpfs refuses).
MountFlags parse_mount_options(const std::vector<std::string>& options);

/// RLIMIT_NOFILE for "RLIMIT_NOFILE"; every RLIMIT_* of setrlimit(2). Fails Invalid:
/// "unknown rlimit `RLIMIT_FOO`".
Result<int> rlimit_resource(std::string_view name);

/// CLONE_NEWPID for "pid", … (namespace_kinds()'s table; the spec's names are the
/// same). Fails Invalid: "unknown namespace type `foo` (want pid, network, …)".
Result<int> namespace_flag(std::string_view type);

/// The capability set (bit i = capability i) of "CAP_*" names. Fails Invalid:
/// "unknown capability `CAP_FOO`".
Result<uint64_t> capability_mask(const std::vector<std::string>& names);

// ---- state ----------------------------------------------------------------------------

/// What `runc state` prints (runc's containerState): the runtime-spec's state plus
/// runc's rootfs, created and owner.
struct State {
  std::string ociVersion = kOciVersion;
  std::string id;
  int pid = 0;  ///< the first process as the host sees it; 0 once stopped (runc's rule)
  std::string status;  ///< "creating", "created", "running", "stopped" (runc: "paused")
  std::string bundle;  ///< absolute path of the bundle
  std::string rootfs;  ///< absolute path of the root filesystem
  std::string created;  ///< RFC 3339 with nanoseconds, UTC (rfc3339_nano)
  std::map<std::string, std::string> annotations;  ///< printed only when not empty
  std::string owner;  ///< runc state prints "" here (only runc list fills it)
};

/// The state as `runc state` prints it: Go's json.MarshalIndent(state, "", "  "), keys in
/// runc's order (ociVersion, id, pid, status, bundle, rootfs, created, annotations,
/// owner), Go's string escaping (`<`, `>`, `&` as `\u003c` …), no newline at the end.
std::string state_json(const State& state);

/// `time` as Go's time.RFC3339Nano prints a UTC time: "2024-05-01T12:00:00.1234Z"
/// (trailing zeros of the fraction dropped, and the dot with them when it is zero).
std::string rfc3339_nano(std::chrono::system_clock::time_point time);

}  // namespace kubepp::runtime::oci

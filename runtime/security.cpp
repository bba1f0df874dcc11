#include "runtime/security.h"

#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>  // the raw capget/capset structs; libcap is not used
#include <linux/openat2.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <optional>

namespace kubepp::runtime {

namespace {

// ---- capabilities -------------------------------------------------------------------

#define KUBEPP_CAP(name) Capability{#name, name}
constexpr Capability kCapabilities[] = {
    KUBEPP_CAP(CAP_CHOWN),           KUBEPP_CAP(CAP_DAC_OVERRIDE),   KUBEPP_CAP(CAP_DAC_READ_SEARCH),
    KUBEPP_CAP(CAP_FOWNER),          KUBEPP_CAP(CAP_FSETID),         KUBEPP_CAP(CAP_KILL),
    KUBEPP_CAP(CAP_SETGID),          KUBEPP_CAP(CAP_SETUID),         KUBEPP_CAP(CAP_SETPCAP),
    KUBEPP_CAP(CAP_LINUX_IMMUTABLE), KUBEPP_CAP(CAP_NET_BIND_SERVICE), KUBEPP_CAP(CAP_NET_BROADCAST),
    KUBEPP_CAP(CAP_NET_ADMIN),       KUBEPP_CAP(CAP_NET_RAW),        KUBEPP_CAP(CAP_IPC_LOCK),
    KUBEPP_CAP(CAP_IPC_OWNER),       KUBEPP_CAP(CAP_SYS_MODULE),     KUBEPP_CAP(CAP_SYS_RAWIO),
    KUBEPP_CAP(CAP_SYS_CHROOT),      KUBEPP_CAP(CAP_SYS_PTRACE),     KUBEPP_CAP(CAP_SYS_PACCT),
    KUBEPP_CAP(CAP_SYS_ADMIN),       KUBEPP_CAP(CAP_SYS_BOOT),       KUBEPP_CAP(CAP_SYS_NICE),
    KUBEPP_CAP(CAP_SYS_RESOURCE),    KUBEPP_CAP(CAP_SYS_TIME),       KUBEPP_CAP(CAP_SYS_TTY_CONFIG),
    KUBEPP_CAP(CAP_MKNOD),           KUBEPP_CAP(CAP_LEASE),          KUBEPP_CAP(CAP_AUDIT_WRITE),
    KUBEPP_CAP(CAP_AUDIT_CONTROL),   KUBEPP_CAP(CAP_SETFCAP),        KUBEPP_CAP(CAP_MAC_OVERRIDE),
    KUBEPP_CAP(CAP_MAC_ADMIN),       KUBEPP_CAP(CAP_SYSLOG),         KUBEPP_CAP(CAP_WAKE_ALARM),
    KUBEPP_CAP(CAP_BLOCK_SUSPEND),   KUBEPP_CAP(CAP_AUDIT_READ),     KUBEPP_CAP(CAP_PERFMON),
    KUBEPP_CAP(CAP_BPF),             KUBEPP_CAP(CAP_CHECKPOINT_RESTORE),
};
#undef KUBEPP_CAP

// The table is indexed by number and ends at the headers' last capability.
constexpr bool table_is_complete() {
  for (size_t i = 0; i < std::size(kCapabilities); ++i) {
    if (kCapabilities[i].number != static_cast<int>(i)) return false;
  }
  return std::size(kCapabilities) == CAP_LAST_CAP + 1;
}
static_assert(table_is_complete(), "kCapabilities: one entry per capability, CAP_CHOWN … CAP_LAST_CAP");

constexpr uint64_t bit(int cap) { return cap >= 0 && cap < 64 ? uint64_t{1} << cap : 0; }

std::string capability_name(int cap) {
  if (cap >= 0 && cap < static_cast<int>(std::size(kCapabilities))) return std::string(kCapabilities[cap].name);
  return std::to_string(cap);
}

// A --cap-add or --cap-drop list: its capabilities, and whether it said "ALL".
struct CapRequest {
  uint64_t caps = 0;
  bool all = false;
};

Result<CapRequest> parse_capabilities(const std::vector<std::string>& names, const char* flag) {
  CapRequest request;
  for (const std::string& name : names) {
    std::string upper = name;
    std::transform(upper.begin(), upper.end(), upper.begin(), [](unsigned char c) { return std::toupper(c); });
    if (upper == "ALL") {
      request.all = true;
      continue;
    }
    if (!upper.starts_with("CAP_")) upper = "CAP_" + upper;
    auto known = std::find_if(std::begin(kCapabilities), std::end(kCapabilities),
                              [&](const Capability& cap) { return cap.name == upper; });
    if (known == std::end(kCapabilities)) {
      return Error{ErrorCode::Invalid, "capability `" + upper + "`: unknown (" + flag + ")"};
    }
    request.caps |= bit(known->number);
  }
  return request;
}

// The three per-thread sets capget/capset take (ambient and bounding have prctl calls).
struct CapSets {
  uint64_t effective = 0, permitted = 0, inheritable = 0;
};

// Raw capget/capset, which libcap wraps: version 3 splits each set into two 32-bit words.
// No library: the calls are two lines each, and the sets stay visible to the reader.
Result<CapSets> get_caps() {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  if (::syscall(SYS_capget, &header, data) != 0) return sys_error("capget", "", errno);
  auto join = [&](uint32_t __user_cap_data_struct::*set) { return data[0].*set | uint64_t{data[1].*set} << 32; };
  return CapSets{join(&__user_cap_data_struct::effective), join(&__user_cap_data_struct::permitted),
                 join(&__user_cap_data_struct::inheritable)};
}

Status set_caps(const CapSets& sets) {
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3] = {};
  for (int word = 0; word < 2; ++word) {
    data[word].effective = static_cast<uint32_t>(sets.effective >> (32 * word));
    data[word].permitted = static_cast<uint32_t>(sets.permitted >> (32 * word));
    data[word].inheritable = static_cast<uint32_t>(sets.inheritable >> (32 * word));
  }
  if (::syscall(SYS_capset, &header, data) != 0) return sys_error("capset", "", errno);
  return {};
}

// Removes from the bounding set every capability the kernel knows that `keep` lacks.
// Needs CAP_SETPCAP in the effective set.
Status drop_bounding_set(uint64_t keep) {
  for (int cap = 0;; ++cap) {
    int held = ::prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
    if (held < 0 && errno == EINVAL) return {};  // past the running kernel's last capability
    if (held < 0) return sys_error("prctl PR_CAPBSET_READ", capability_name(cap), errno);
    if (held == 1 && (keep & bit(cap)) == 0 && ::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0) {
      return sys_error("prctl PR_CAPBSET_DROP", capability_name(cap), errno);
    }
  }
}

// ---- paths inside a root ------------------------------------------------------------

// Docker's (and runc's) lists: what a container must not read, and must not change.
const std::string kMaskedPaths[] = {
    "/proc/acpi",        "/proc/asound",     "/proc/kcore",       "/proc/keys",
    "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
    "/proc/scsi",        "/sys/firmware",    "/sys/devices/virtual/powercap",
};
const std::string kReadonlyPaths[] = {
    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};

// The largest /etc/passwd or /etc/group read from an image.
constexpr size_t kMaxIdFile = 4 << 20;

Result<UniqueFd> open_beneath(const fs::path& root, const std::string& path, uint64_t flags) {
  UniqueFd dir(::open(root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!dir.valid()) return sys_error("open", root, errno);
  open_how how{};
  how.flags = flags | O_CLOEXEC;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  const std::string relative = fs::path(path).relative_path();  // "/proc/keys" → "proc/keys"
  for (int attempt = 0;; ++attempt) {
    long fd = ::syscall(SYS_openat2, dir.get(), relative.empty() ? "." : relative.c_str(), &how, sizeof how);
    if (fd >= 0) return UniqueFd(static_cast<int>(fd));
    // EAGAIN: a rename elsewhere in the tree raced the lookup, and the kernel asks to retry.
    if ((errno == EAGAIN || errno == EINTR) && attempt < 16) continue;
    return sys_error("open `" + path + "` in", root, errno);
  }
}

// The contents of `path` inside `rootfs`, "" when it does not exist. Anything but a
// small regular file is refused: a FIFO would block the runtime, /dev/zero never end.
Result<std::string> read_in_root(const fs::path& rootfs, const std::string& path) {
  Result<UniqueFd> fd = open_beneath(rootfs, path, O_RDONLY | O_NONBLOCK | O_NOCTTY);
  if (!fd) return fd.error().code == ErrorCode::NotFound ? Result<std::string>(std::string()) : fd.error();
  const std::string where = rootfs / fs::path(path).relative_path();
  struct stat st{};
  if (::fstat(fd.value().get(), &st) != 0) return sys_error("stat", where, errno);
  if (!S_ISREG(st.st_mode)) return Error{ErrorCode::Invalid, "`" + where + "`: not a regular file"};
  std::string text;
  char buf[4096];
  for (;;) {
    ssize_t n = ::read(fd.value().get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return sys_error("read", where, errno);
    if (n == 0) return text;
    text.append(buf, static_cast<size_t>(n));
    if (text.size() > kMaxIdFile) return Error{ErrorCode::Invalid, "`" + where + "`: larger than 4 MiB"};
  }
}

// "/proc/self/fd/N": a mount onto it lands on the very file `fd` holds.
std::string fd_path(const UniqueFd& fd) { return "/proc/self/fd/" + std::to_string(fd.get()); }

// Files: /dev/null bound over them. Directories: an empty read-only tmpfs.
Status mask_path(const fs::path& root, const std::string& path) {
  Result<UniqueFd> fd = open_in_root(root, path);
  if (!fd) return fd.error().code == ErrorCode::NotFound ? Status() : Status(fd.error());
  const std::string where = root / fs::path(path).relative_path();
  struct stat st{};
  if (::fstat(fd.value().get(), &st) != 0) return sys_error("stat", where, errno);
  const std::string target = fd_path(fd.value());
  if (S_ISDIR(st.st_mode)) {
    if (::mount("tmpfs", target.c_str(), "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC, nullptr) != 0) {
      return sys_error("mount read-only tmpfs on", where, errno);
    }
  } else if (::mount("/dev/null", target.c_str(), nullptr, MS_BIND, nullptr) != 0) {
    return sys_error("bind mount /dev/null on", where, errno);
  }
  return {};
}

// A bind mount of `path` onto itself, remounted read-only. The remount keeps the
// nosuid/nodev/noexec of the mount below (a remount sets all per-mount flags anew).
Status make_readonly(const fs::path& root, const std::string& path) {
  Result<UniqueFd> fd = open_in_root(root, path);
  if (!fd) return fd.error().code == ErrorCode::NotFound ? Status() : Status(fd.error());
  const std::string where = root / fs::path(path).relative_path();
  const std::string target = fd_path(fd.value());
  if (::mount(target.c_str(), target.c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0) {
    return sys_error("bind mount", where, errno);
  }
  // The descriptor still holds the file *under* the new mount; open it again to reach it.
  Result<UniqueFd> top = open_in_root(root, path);
  if (!top) return top.error();
  struct statvfs vfs{};
  if (::fstatvfs(top.value().get(), &vfs) != 0) return sys_error("statvfs", where, errno);
  unsigned long kept = 0;
  if (vfs.f_flag & ST_NOSUID) kept |= MS_NOSUID;
  if (vfs.f_flag & ST_NODEV) kept |= MS_NODEV;
  if (vfs.f_flag & ST_NOEXEC) kept |= MS_NOEXEC;
  if (::mount(nullptr, fd_path(top.value()).c_str(), nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY | kept, nullptr) != 0) {
    return sys_error("remount read-only", where, errno);
  }
  return {};
}

// ---- users and groups ---------------------------------------------------------------

// A line of /etc/passwd (name:x:uid:gid:…) or of /etc/group (name:x:gid:member,member).
struct IdEntry {
  std::string name;
  uint32_t id = 0;   // uid, or gid for a group
  uint32_t gid = 0;  // passwd: the primary group
  std::vector<std::string> members;  // group: the users listed
};

std::vector<std::string> split(const std::string& text, char separator) {
  std::vector<std::string> parts;
  size_t start = 0;
  for (size_t end; (end = text.find(separator, start)) != std::string::npos; start = end + 1) {
    parts.push_back(text.substr(start, end - start));
  }
  parts.push_back(text.substr(start));
  return parts;
}

// A uid or gid: decimal digits only, below 2^32 - 1 (which means "no id" to the kernel).
std::optional<uint32_t> parse_id(const std::string& text) {
  uint32_t id = 0;
  if (text.empty() || !std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c); })) {
    return std::nullopt;
  }
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (ec != std::errc() || id == UINT32_MAX) return std::nullopt;
  return id;
}

// The entries of a passwd (`group` false) or group file; comments, blank and malformed
// lines are skipped, as getpwent(3) skips them.
std::vector<IdEntry> parse_id_file(const std::string& text, bool group) {
  std::vector<IdEntry> entries;
  for (const std::string& line : split(text, '\n')) {
    std::vector<std::string> f = split(line, ':');
    if (line.empty() || line[0] == '#' || f.size() < (group ? 3u : 4u) || f[0].empty()) continue;
    std::optional<uint32_t> id = parse_id(f[2]);
    std::optional<uint32_t> gid = group ? id : parse_id(f[3]);
    if (!id || !gid) continue;
    IdEntry entry{f[0], *id, *gid, {}};
    if (group && f.size() > 3 && !f[3].empty()) entry.members = split(f[3], ',');
    entries.push_back(std::move(entry));
  }
  return entries;
}

bool valid_name(const std::string& name) {
  return !name.empty() && name.find('/') == std::string::npos && name.find("..") == std::string::npos &&
         name.find(':') == std::string::npos;
}

// The gid of `group` (a number as given, or a name of /etc/group).
Result<gid_t> find_gid(const std::vector<IdEntry>& groups, const std::string& group, const fs::path& rootfs) {
  if (std::optional<uint32_t> gid = parse_id(group)) return *gid;
  for (const IdEntry& entry : groups) {
    if (entry.name == group) return entry.id;
  }
  return Error{ErrorCode::Invalid, "group `" + group + "`: not found in `" + (rootfs / "etc/group").string() + "`"};
}

// The gids of the groups that list `user` as a member, each once.
std::vector<gid_t> member_gids(const std::vector<IdEntry>& groups, const std::string& user) {
  std::vector<gid_t> gids;
  for (const IdEntry& entry : groups) {
    bool member = std::find(entry.members.begin(), entry.members.end(), user) != entry.members.end();
    if (member && std::find(gids.begin(), gids.end(), entry.id) == gids.end()) gids.push_back(entry.id);
  }
  return gids;
}

}  // namespace

std::span<const Capability> capability_table() { return kCapabilities; }

uint64_t all_capabilities() {
  uint64_t all = 0;
  for (const Capability& cap : kCapabilities) {
    if (::prctl(PR_CAPBSET_READ, cap.number, 0, 0, 0) >= 0) all |= bit(cap.number);  // EINVAL: unknown here
  }
  return all;
}

std::string describe_capabilities(uint64_t caps) {
  std::string out;
  for (int cap = 0; cap < 64; ++cap) {
    if (caps & bit(cap)) out += (out.empty() ? "" : ",") + capability_name(cap);
  }
  return out;
}

Result<uint64_t> effective_capabilities(const SecurityConfig& config) {
  if (config.privileged) return all_capabilities();
  Result<CapRequest> add = parse_capabilities(config.cap_add, "--cap-add");
  if (!add) return add.error();
  Result<CapRequest> drop = parse_capabilities(config.cap_drop, "--cap-drop");
  if (!drop) return drop.error();
  uint64_t caps = kDefaultCapabilities;
  if (add.value().all) caps = all_capabilities();
  if (drop.value().all) caps = 0;
  return (caps & ~drop.value().caps) | add.value().caps;
}

Result<UserIds> resolve_user(const fs::path& rootfs, const std::string& user) {
  const std::string spec = user.empty() ? "0" : user;
  const size_t colon = spec.find(':');
  const std::string user_part = spec.substr(0, colon);
  const std::optional<std::string> group_part =
      colon == std::string::npos ? std::nullopt : std::optional(spec.substr(colon + 1));
  if (!valid_name(user_part) || (group_part && !valid_name(*group_part))) {
    return Error{ErrorCode::Invalid,
                 "user `" + user + "`: a user or group must be non-empty, without '/', '..' or ':'"};
  }
  Result<std::string> passwd = read_in_root(rootfs, "/etc/passwd");
  if (!passwd) return passwd.error();
  const std::vector<IdEntry> users = parse_id_file(passwd.value(), false);
  const std::optional<uint32_t> uid = parse_id(user_part);
  auto entry = std::find_if(users.begin(), users.end(),
                            [&](const IdEntry& e) { return uid ? e.id == *uid : e.name == user_part; });
  if (entry == users.end() && !uid) {
    return Error{ErrorCode::Invalid,
                 "user `" + user_part + "`: not found in `" + (rootfs / "etc/passwd").string() + "`"};
  }
  UserIds ids;  // a number not in /etc/passwd runs as given, with gid 0
  ids.uid = entry != users.end() ? entry->id : *uid;
  ids.gid = entry != users.end() ? entry->gid : 0;
  const std::string name = entry != users.end() ? entry->name : "";
  if (!group_part && name.empty()) return ids;
  Result<std::string> group_file = read_in_root(rootfs, "/etc/group");
  if (!group_file) return group_file.error();
  const std::vector<IdEntry> groups = parse_id_file(group_file.value(), true);
  if (!group_part) {
    ids.groups = member_gids(groups, name);  // only in the implicit form, as runc does
    return ids;
  }
  Result<gid_t> gid = find_gid(groups, *group_part, rootfs);
  if (!gid) return gid.error();
  ids.gid = gid.value();
  return ids;
}

Result<UniqueFd> open_in_root(const fs::path& root, const std::string& path) {
  return open_beneath(root, path, O_PATH);
}

Status mask_paths(const fs::path& root, std::span<const std::string> paths) {
  for (const std::string& path : paths) {
    if (Status s = mask_path(root, path); !s) return s;
  }
  return {};
}

Status make_paths_readonly(const fs::path& root, std::span<const std::string> paths) {
  for (const std::string& path : paths) {
    if (Status s = make_readonly(root, path); !s) return s;
  }
  return {};
}

Status harden_mounts(const fs::path& root, bool privileged) {
  if (privileged) return {};  // Docker and Kubernetes mask nothing for a privileged container
  if (Status s = make_paths_readonly(root, kReadonlyPaths); !s) return s;
  return mask_paths(root, kMaskedPaths);
}

Status drop_privileges(const CapabilitySets& caps, const UserIds& ids, bool no_new_privs) {
  // 0. What the kernel would refuse halfway, refused before anything changes.
  if (uint64_t stray = caps.effective & ~caps.permitted) {
    return Error{ErrorCode::Invalid, "capabilities: effective `" + describe_capabilities(stray) +
                                         "` is not in permitted"};
  }
  if (uint64_t stray = caps.ambient & ~(caps.permitted & caps.inheritable)) {
    return Error{ErrorCode::Invalid, "capabilities: ambient `" + describe_capabilities(stray) +
                                         "` is not in both permitted and inheritable"};
  }
  // 1. While CAP_SETPCAP is still effective: the bounding set, the ceiling of every later exec.
  if (Status s = drop_bounding_set(caps.bounding); !s) return s;
  if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0) {
    return sys_error("prctl PR_CAP_AMBIENT_CLEAR_ALL", "", errno);
  }
  // 2. The ids, while CAP_SETGID and CAP_SETUID are still effective (`caps` may lack them).
  //    A change from uid 0 empties effective, and permitted too unless PR_SET_KEEPCAPS is
  //    set; it is cleared again at once, so that a later setuid in the container drops as usual.
  if (::prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0) return sys_error("prctl PR_SET_KEEPCAPS", "", errno);
  if (::setgroups(ids.groups.size(), ids.groups.data()) != 0) return sys_error("setgroups", "", errno);
  if (::setresgid(ids.gid, ids.gid, ids.gid) != 0) return sys_error("setresgid", std::to_string(ids.gid), errno);
  if (::setresuid(ids.uid, ids.uid, ids.uid) != 0) return sys_error("setresuid", std::to_string(ids.uid), errno);
  if (::prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) != 0) return sys_error("prctl PR_SET_KEEPCAPS", "", errno);
  // 3. The three sets capset takes, then the ambient set, which the kernel takes only from
  //    capabilities already in permitted and inheritable.
  Result<CapSets> held = get_caps();
  if (!held) return held.error();
  if (uint64_t missing = caps.permitted & ~held.value().permitted) {
    return sys_error("capset", describe_capabilities(missing), EPERM);  // the runtime itself lacks them
  }
  if (Status s = set_caps(CapSets{caps.effective, caps.permitted, caps.inheritable}); !s) return s;
  for (int cap = 0; cap < 64; ++cap) {
    if ((caps.ambient & bit(cap)) && ::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) != 0) {
      return sys_error("prctl PR_CAP_AMBIENT_RAISE", capability_name(cap), errno);
    }
  }
  if (no_new_privs && ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    return sys_error("prctl PR_SET_NO_NEW_PRIVS", "", errno);
  }
  return {};
}

Status drop_privileges(uint64_t caps, const UserIds& ids, bool no_new_privs) {
  // A non-root process keeps none, as after exec in Docker; root keeps `caps`.
  const uint64_t held = ids.uid == 0 ? caps : 0;
  return drop_privileges(CapabilitySets{caps, held, held, 0, 0}, ids, no_new_privs);
}

}  // namespace kubepp::runtime

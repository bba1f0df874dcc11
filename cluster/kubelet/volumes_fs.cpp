// volumes_fs.cpp — resolution beneath a volume, the fsGroup walk, mountinfo and the
// one-filesystem removal declared in volumes_fs.h.
#include "cluster/kubelet/volumes_fs.h"

#include <dirent.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <fstream>
#include <sstream>

#include "runtime/base/strings.h"

namespace kubepp::kubelet {

namespace fs = std::filesystem;

namespace {

// SetVolumeOwnership's masks: what a group member may do with a file of the volume.
constexpr mode_t kReadWriteMask = 0660;
constexpr mode_t kReadOnlyMask = 0440;
constexpr mode_t kExecMask = 0110;  // directories: the group may enter them

// One file's part of set_volume_ownership (upstream's changeFilePermission).
Status change_permission(const fs::path& path, gid_t group, bool read_only) {
  struct stat st{};
  if (::lstat(path.c_str(), &st) != 0) return sys_error("stat", path, errno);
  if (::lchown(path.c_str(), static_cast<uid_t>(-1), group) != 0) return sys_error("chown", path, errno);
  // chmod would follow a symlink to its target, and a symlink's own mode means nothing.
  if (S_ISLNK(st.st_mode)) return {};
  mode_t mask = read_only ? kReadOnlyMask : kReadWriteMask;
  if (S_ISDIR(st.st_mode)) mask |= S_ISGID | kExecMask;
  if (::chmod(path.c_str(), (st.st_mode & 07777) | mask) != 0) return sys_error("chmod", path, errno);
  return {};
}

// mountinfo writes a space, tab, newline or backslash in a path as a backslash and its
// three octal digits (a space is 040).
std::string unescape_octal(const std::string& s) {
  auto octal = [&s](size_t i) { return i < s.size() && s[i] >= '0' && s[i] <= '7'; };
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\\' && octal(i + 1) && octal(i + 2) && octal(i + 3)) {
      out += static_cast<char>(std::stoi(s.substr(i + 1, 3), nullptr, 8));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

// The entries of the directory `fd`, "." and ".." left out.
Result<std::vector<std::string>> list_dir(int fd, const fs::path& where) {
  int copy = ::fcntl(fd, F_DUPFD_CLOEXEC, 0);
  if (copy < 0) return sys_error("dup", where, errno);
  DIR* dir = ::fdopendir(copy);
  if (dir == nullptr) {
    ::close(copy);
    return sys_error("opendir", where, errno);
  }
  std::vector<std::string> names;
  while (dirent* e = ::readdir(dir)) {
    const std::string name = e->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  ::closedir(dir);
  return names;
}

// Empties the directory `fd`, which is on device `dev`.
Status empty_dir(int fd, dev_t dev, const fs::path& where) {
  Result<std::vector<std::string>> names = list_dir(fd, where);
  if (!names) return names.error();
  for (const std::string& name : names.value()) {
    struct stat st{};
    if (::fstatat(fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
      if (errno == ENOENT) continue;
      return sys_error("stat", where / name, errno);
    }
    if (S_ISDIR(st.st_mode)) {
      if (st.st_dev != dev) return sys_error("remove (a filesystem is still mounted)", where / name, EBUSY);
      UniqueFd child(::openat(fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (!child.valid()) return sys_error("open", where / name, errno);
      if (Status s = empty_dir(child.get(), dev, where / name); !s) return s;
    }
    if (::unlinkat(fd, name.c_str(), S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0) != 0 && errno != ENOENT) {
      return sys_error("remove", where / name, errno);
    }
  }
  return {};
}

}  // namespace

Result<UniqueFd> open_beneath(int root, const std::string& rel, const fs::path& where, int flags) {
  open_how how{};
  how.flags = static_cast<uint64_t>(flags | O_CLOEXEC);
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  const char* path = rel.empty() ? "." : rel.c_str();
  long fd = -1;
  for (int attempt = 0; attempt < 16; ++attempt) {
    fd = ::syscall(SYS_openat2, root, path, &how, sizeof how);
    // EAGAIN: a rename elsewhere raced the lookup, and the kernel asks for a retry.
    if (fd >= 0 || (errno != EAGAIN && errno != EINTR)) break;
  }
  if (fd >= 0) return UniqueFd(static_cast<int>(fd));
  if (errno == EXDEV) return Error{ErrorCode::Invalid, "`" + rel + "` leads outside `" + where.string() + "`"};
  return sys_error("open", where / rel, errno);
}

Status make_dirs_beneath(int root, const std::string& rel, mode_t mode, const fs::path& where) {
  std::string done;  // the part that exists, relative to root
  for (std::string_view part : split(rel, '/')) {
    if (part.empty() || part == ".") continue;
    const std::string name(part);
    const std::string next = done.empty() ? name : done + "/" + name;
    Result<UniqueFd> existing = open_beneath(root, next, where);
    if (!existing && existing.error().code != ErrorCode::NotFound) return existing.error();
    if (!existing) {
      Result<UniqueFd> parent = open_beneath(root, done, where, O_PATH | O_DIRECTORY);
      if (!parent) return parent.error();
      if (::mkdirat(parent.value().get(), name.c_str(), mode) != 0) return sys_error("mkdir", where / next, errno);
      UniqueFd made(::openat(parent.value().get(), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (!made.valid()) return sys_error("open", where / next, errno);
      if (::fchmod(made.get(), mode) != 0) return sys_error("chmod", where / next, errno);
    }
    done = next;
  }
  return {};
}

Result<fs::path> fd_path(int fd) {
  const std::string link = "/proc/self/fd/" + std::to_string(fd);
  char buf[PATH_MAX];
  ssize_t n = ::readlink(link.c_str(), buf, sizeof buf - 1);
  if (n < 0) return sys_error("readlink", link, errno);
  return fs::path(std::string(buf, static_cast<size_t>(n)));
}

Status set_volume_ownership(const fs::path& dir, int64_t fs_group, bool read_only) {
  const gid_t group = static_cast<gid_t>(fs_group);
  if (Status s = change_permission(dir, group, read_only); !s) return s;
  std::error_code ec;
  // The iterator does not follow symlinks into directories (no follow_directory_symlink).
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    if (Status s = change_permission(it->path(), group, read_only); !s) return s;
  }
  if (ec) return sys_error("walk", dir, ec.value());
  return {};
}

std::vector<MountPoint> mounts_below(const fs::path& dir) {
  // mountinfo: id parent major:minor root mount_point options [optional…] - fstype source …
  std::vector<MountPoint> found;
  const std::string prefix = dir.string() + "/";
  std::ifstream in("/proc/self/mountinfo");
  for (std::string line; std::getline(in, line);) {
    std::istringstream words(line);
    std::vector<std::string> w;
    for (std::string word; words >> word;) w.push_back(word);
    auto dash = std::find(w.begin(), w.end(), "-");
    if (w.size() < 5 || w.end() - dash < 2) continue;
    fs::path point = unescape_octal(w[4]);
    if (point == dir || point.string().starts_with(prefix)) found.push_back({point, dash[1]});
  }
  // Later lines are mounted on top of earlier ones: reverse, then deepest first.
  std::reverse(found.begin(), found.end());
  std::stable_sort(found.begin(), found.end(), [](const MountPoint& a, const MountPoint& b) {
    auto depth = [](const MountPoint& m) { return std::count(m.path.native().begin(), m.path.native().end(), '/'); };
    return depth(a) > depth(b);
  });
  return found;
}

Status remove_tree(const fs::path& dir) {
  struct stat st{};
  if (::lstat(dir.c_str(), &st) != 0) return errno == ENOENT ? Status() : Status(sys_error("stat", dir, errno));
  if (S_ISDIR(st.st_mode)) {
    UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!fd.valid()) return sys_error("open", dir, errno);
    if (Status s = empty_dir(fd.get(), st.st_dev, dir); !s) return s;
  }
  if (::remove(dir.c_str()) != 0 && errno != ENOENT) return sys_error("remove", dir, errno);
  return {};
}

}  // namespace kubepp::kubelet

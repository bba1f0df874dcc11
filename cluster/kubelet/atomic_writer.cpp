// atomic_writer.cpp — AtomicWriter::write() and the payload checks, in the steps of
// upstream's AtomicWriter.Write (numbered as there):
//    1  validate the payload and clean its paths
//    2  read `..data`: the current version, if any
//    3  list the paths of the current version the new payload no longer has
//    4  compare: when no byte changed and nothing is to go, keep the current version
//    5  make a new version directory `..<UTC time>.<random>`
//    6  write the payload into it
//    7  set_perms (fsGroup) on the whole volume
//    8  point a new symlink `..data_tmp` at the new version
//    9  rename `..data_tmp` over `..data`: the atomic step
//   10  add a user-visible link for each new top-level name
//   11  remove the user-visible links of names that went away
//   12  remove the old version
// Every step works relative to a descriptor of the target directory, and nothing is
// created through a symlink (O_NOFOLLOW, O_EXCL): the links are the writer's own.
#include "cluster/kubelet/atomic_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <ctime>
#include <optional>
#include <random>
#include <set>
#include <vector>

#include "runtime/base/strings.h"
#include "runtime/base/unique_fd.h"

namespace kubepp::kubelet {

namespace {

namespace fs = std::filesystem;

constexpr const char* kDataDir = "..data";
constexpr const char* kNewDataDir = "..data_tmp";
constexpr size_t kMaxPathLength = 4096;
constexpr size_t kMaxFileNameLength = 255;

Error invalid(const std::string& message) { return Error{ErrorCode::Invalid, message}; }

// path.Clean for a path validate_payload_path accepted: "./a//b/" → "a/b".
std::string clean(const std::string& path) {
  std::string out;
  for (std::string_view part : split(path, '/')) {
    if (part.empty() || part == ".") continue;
    out += (out.empty() ? "" : "/") + std::string(part);
  }
  return out;
}

// "a/b/c" → "a"; the name the user-visible link of "a/b/c" has.
std::string top_level(const std::string& path) { return path.substr(0, path.find('/')); }

Status write_all(int fd, const std::string& data, const fs::path& where) {
  size_t done = 0;
  while (done < data.size()) {
    ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return sys_error("write", where, errno);
    done += static_cast<size_t>(n);
  }
  return {};
}

// The whole of the regular file `rel` below `dir`, or nullopt when there is none.
Result<std::optional<std::string>> read_at(int dir, const std::string& rel, const fs::path& where) {
  UniqueFd fd(::openat(dir, rel.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd.valid()) {
    if (errno == ENOENT) return std::optional<std::string>();
    return sys_error("open", where, errno);
  }
  std::string data;
  char buf[16384];
  for (ssize_t n; (n = ::read(fd.get(), buf, sizeof buf)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return sys_error("read", where, errno);
    data.append(buf, static_cast<size_t>(n));
  }
  return std::optional<std::string>(std::move(data));
}

// The directory `rel` below `dir`, made (mode 0755) with its parents where missing.
Result<UniqueFd> make_dirs_at(int dir, const std::string& rel, const fs::path& where) {
  UniqueFd current(::fcntl(dir, F_DUPFD_CLOEXEC, 0));
  if (!current.valid()) return sys_error("dup", where, errno);
  for (std::string_view part : split(rel, '/')) {
    if (part.empty()) continue;
    const std::string name(part);
    if (::mkdirat(current.get(), name.c_str(), 0755) == 0) {
      ::fchmodat(current.get(), name.c_str(), 0755, 0);  // whatever the umask
    } else if (errno != EEXIST) {
      return sys_error("mkdir", where / rel, errno);
    }
    UniqueFd next(::openat(current.get(), name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!next.valid()) return sys_error("open", where / rel, errno);
    current = std::move(next);
  }
  return current;
}

// Step 2: the version `..data` points at, "" when there is none yet.
Result<std::string> current_version(int target, const fs::path& where) {
  char buf[PATH_MAX];
  ssize_t n = ::readlinkat(target, kDataDir, buf, sizeof buf - 1);
  if (n < 0) {
    if (errno == ENOENT) return std::string();
    return sys_error("readlink", where / kDataDir, errno);
  }
  std::string version(buf, static_cast<size_t>(n));
  // The link is the writer's own; anything but "..<name>" means someone else wrote it.
  if (!version.starts_with("..") || version.find('/') != std::string::npos || version == "..") {
    return invalid("atomic writer: `" + (where / kDataDir).string() + "` points at `" + version +
                   "`, not at a version directory");
  }
  return version;
}

// Step 3: the paths of version `old` that are neither in `payload` nor a directory of
// one of its paths.
Result<std::set<std::string>> paths_to_remove(const Payload& payload, const fs::path& old) {
  std::set<std::string> keep;
  for (const auto& [path, file] : payload) {
    std::string p = path;
    while (!p.empty()) {
      keep.insert(p);
      const size_t slash = p.rfind('/');
      p = slash == std::string::npos ? "" : p.substr(0, slash);
    }
  }
  std::set<std::string> remove;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(old, ec); !ec && it != fs::recursive_directory_iterator();
       it.increment(ec)) {
    std::string rel = it->path().lexically_relative(old).string();
    if (keep.count(rel) == 0) remove.insert(rel);
  }
  if (ec) return sys_error("walk", old, ec.value());
  return remove;
}

// Step 4: whether some file of `payload` is missing from version `old` or differs.
Result<bool> payload_changed(int target, const Payload& payload, const std::string& old, const fs::path& where) {
  for (const auto& [path, file] : payload) {
    Result<std::optional<std::string>> have = read_at(target, old + "/" + path, where / old / path);
    if (!have) return have.error();
    if (!have.value() || *have.value() != file.data) return true;
  }
  return false;
}

// Step 5: "..2024_05_01_12_00_00." and a random number, as Go's os.MkdirTemp names it.
Result<std::string> make_version_dir(int target, const fs::path& where) {
  std::time_t now = std::time(nullptr);
  std::tm utc{};
  ::gmtime_r(&now, &utc);
  char prefix[40];
  std::strftime(prefix, sizeof prefix, "..%Y_%m_%d_%H_%M_%S.", &utc);
  thread_local std::mt19937 random{std::random_device{}()};
  for (int attempt = 0; attempt < 10000; ++attempt) {
    std::string name = prefix + std::to_string(static_cast<uint32_t>(random()));
    if (::mkdirat(target, name.c_str(), 0755) == 0) {
      // 0755 whatever the umask: group and others must be able to reach the files.
      if (::fchmodat(target, name.c_str(), 0755, 0) != 0) return sys_error("chmod", where / name, errno);
      return name;
    }
    if (errno != EEXIST) return sys_error("mkdir", where / name, errno);
  }
  return sys_error("mkdir", where / prefix, EEXIST);
}

// Step 6: each file created anew (O_EXCL) with exactly its mode.
Status write_payload(int version_dir, const Payload& payload, const fs::path& where) {
  for (const auto& [path, file] : payload) {
    const size_t slash = path.rfind('/');
    const std::string dir = slash == std::string::npos ? "" : path.substr(0, slash);
    const std::string leaf = path.substr(slash + 1);
    Result<UniqueFd> parent = make_dirs_at(version_dir, dir, where);
    if (!parent) return parent.error();
    UniqueFd fd(::openat(parent.value().get(), leaf.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
                         file.mode));
    if (!fd.valid()) return sys_error("create", where / path, errno);
    if (Status s = write_all(fd.get(), file.data, where / path); !s) return s;
    // open(2) applied the umask; the mode asked for is the mode the file gets.
    if (::fchmod(fd.get(), file.mode) != 0) return sys_error("chmod", where / path, errno);
  }
  return {};
}

// Steps 5 to 9 undone when one of them fails: the new version and its link go away.
class NewVersion {
 public:
  NewVersion(int target, fs::path where) : target_(target), where_(std::move(where)) {}
  ~NewVersion() {
    if (published_ || name_.empty()) return;
    ::unlinkat(target_, kNewDataDir, 0);
    std::error_code ec;
    fs::remove_all(where_ / name_, ec);
  }
  NewVersion(const NewVersion&) = delete;
  NewVersion& operator=(const NewVersion&) = delete;

  Status create() {
    Result<std::string> name = make_version_dir(target_, where_);
    if (!name) return name.error();
    name_ = name.value();
    return {};
  }
  const std::string& name() const { return name_; }
  void published() { published_ = true; }

 private:
  int target_;
  fs::path where_;
  std::string name_;
  bool published_ = false;
};

}  // namespace

Status validate_payload_path(const std::string& path) {
  if (path.empty()) return invalid("invalid path: must not be empty: \"\"");
  if (path.starts_with('/')) return invalid("invalid path: must be relative path: " + path);
  if (path.size() > kMaxPathLength) {
    return invalid("invalid path: must be less than or equal to " + std::to_string(kMaxPathLength) + " characters");
  }
  const std::vector<std::string_view> items = split(path, '/');
  for (std::string_view item : items) {
    if (item == "..") return invalid("invalid path: must not contain '..': " + path);
    if (item.size() > kMaxFileNameLength) {
      return invalid("invalid path: filenames must be less than or equal to " + std::to_string(kMaxFileNameLength) +
                     " characters");
    }
  }
  if (items[0].starts_with("..") && items[0].size() > 2) {
    return invalid("invalid path: must not start with '..': " + path);
  }
  // "." or "./": upstream would try to write the volume itself; say why instead.
  if (clean(path).empty()) return invalid("invalid path: must name a file: " + path);
  return {};
}

Status validate_payload(const Payload& payload) {
  std::set<std::string> files;
  for (const auto& [path, file] : payload) {
    if (Status s = validate_payload_path(path); !s) return s;
    files.insert(clean(path));
  }
  for (const std::string& path : files) {
    for (size_t slash = path.find('/'); slash != std::string::npos; slash = path.find('/', slash + 1)) {
      if (files.count(path.substr(0, slash)) != 0) {
        return invalid("invalid path: " + path.substr(0, slash) + " is a file, and the directory of " + path);
      }
    }
  }
  return {};
}

Status AtomicWriter::write(const Payload& payload, const std::function<Status()>& set_perms) const {
  // 1
  if (Status s = validate_payload(payload); !s) return s;
  Payload files;
  for (const auto& [path, file] : payload) files[clean(path)] = file;

  UniqueFd target(::open(target_.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!target.valid()) return sys_error("open", target_, errno);
  const int dir = target.get();

  // 2, 3, 4
  Result<std::string> old = current_version(dir, target_);
  if (!old) return old.error();
  std::set<std::string> gone;
  bool changed = true;
  if (!old.value().empty()) {
    Result<std::set<std::string>> remove = paths_to_remove(files, target_ / old.value());
    if (!remove) return remove.error();
    gone = std::move(remove.value());
    Result<bool> differs = payload_changed(dir, files, old.value(), target_);
    if (!differs) return differs.error();
    changed = differs.value() || !gone.empty();
    if (!changed) old.value().clear();  // the current version stays: nothing to remove in 12
  }

  if (changed) {
    // 5, 6
    NewVersion version(dir, target_);
    if (Status s = version.create(); !s) return s;
    UniqueFd version_dir(::openat(dir, version.name().c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
    if (!version_dir.valid()) return sys_error("open", target_ / version.name(), errno);
    if (Status s = write_payload(version_dir.get(), files, target_ / version.name()); !s) return s;
    // 7
    if (set_perms) {
      if (Status s = set_perms(); !s) return s;
    }
    // 8, 9
    ::unlinkat(dir, kNewDataDir, 0);  // a leftover of a write that crashed half-way
    if (::symlinkat(version.name().c_str(), dir, kNewDataDir) != 0) {
      return sys_error("symlink", target_ / kNewDataDir, errno);
    }
    if (::renameat(dir, kNewDataDir, dir, kDataDir) != 0) return sys_error("rename", target_ / kNewDataDir, errno);
    version.published();
  }

  // 10
  for (const auto& [path, file] : files) {
    const std::string name = top_level(path);
    struct stat st{};
    if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) continue;
    if (errno != ENOENT) return sys_error("stat", target_ / name, errno);
    const std::string link = std::string(kDataDir) + "/" + name;
    if (::symlinkat(link.c_str(), dir, name.c_str()) != 0) return sys_error("symlink", target_ / name, errno);
  }
  // 11: only the top-level links are the writer's; deeper paths went with the old version.
  for (const std::string& path : gone) {
    if (path.find('/') != std::string::npos) continue;
    if (::unlinkat(dir, path.c_str(), 0) != 0 && errno != ENOENT) return sys_error("remove", target_ / path, errno);
  }
  // 12
  if (!old.value().empty()) {
    std::error_code ec;
    fs::remove_all(target_ / old.value(), ec);
    if (ec) return sys_error("remove", target_ / old.value(), ec.value());
  }
  return {};
}

}  // namespace kubepp::kubelet

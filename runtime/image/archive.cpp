// archive.cpp — the tar extractor behind extract_archive().
//
// The last of three stages, each reading from the one before (tar.h has the first two):
//   TarStream  the archive's bytes, inflated when gzip, hashed as they pass (the DiffID);
//   TarReader  blocks → entries: ustar headers, pax records ('x', 'g') and GNU long
//              names ('L', 'K') folded into the entry they describe;
//   Extractor  entries → files under dest. Every path is resolved with openat2(2)
//              RESOLVE_IN_ROOT from a descriptor of dest, and the last component is
//              created with *at() calls that never follow it: `..` and symlinks met on
//              the way stop at dest, as they would at "/" in a container.
// File contents pass through one 64 KiB buffer; nothing holds a whole file.
#include "runtime/image/archive.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <functional>
#include <map>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/base/unique_fd.h"
#include "runtime/image/tar.h"

namespace kubepp::runtime {

namespace {

namespace fs = std::filesystem;
using tar::Entry;
using tar::kBufferSize;
using tar::printable;
using tar::TarReader;
using tar::TarStream;

Error invalid(const std::string& message) { return Error{ErrorCode::Invalid, message}; }

// ---- Extractor: entries to files ---------------------------------------------------------

// What each entry type is called in messages; a type not here is refused.
struct EntryType {
  char type;
  const char* name;
};
constexpr EntryType kEntryTypes[] = {
    {'0', "regular file"},  {'\0', "regular file"}, {'7', "regular file"},  // '7': contiguous, a file
    {'1', "hard link"},     {'2', "symbolic link"}, {'3', "character device"},
    {'4', "block device"},  {'5', "directory"},     {'6', "FIFO"},
};

const char* type_name(char type) {
  for (const EntryType& t : kEntryTypes) {
    if (t.type == type) return t.name;
  }
  return nullptr;
}

bool is_file(char type) { return type == '0' || type == '\0' || type == '7'; }

// The entry's name as a path relative to dest: "./a//b/" → "a/b", "." and "./" → "".
// nullopt for an absolute name or one with a ".." component.
std::optional<std::string> clean_path(std::string_view name) {
  if (name.starts_with('/')) return std::nullopt;
  std::string out;
  size_t start = 0;
  while (start <= name.size()) {
    const size_t slash = std::min(name.find('/', start), name.size());
    const std::string_view part = name.substr(start, slash - start);
    if (part == "..") return std::nullopt;
    if (!part.empty() && part != ".") out += (out.empty() ? "" : "/") + std::string(part);
    start = slash + 1;
  }
  return out;
}

// "a/b/c" → {"a/b", "c"}; "c" → {"", "c"}.
std::pair<std::string, std::string> split_parent(const std::string& rel) {
  const size_t slash = rel.rfind('/');
  if (slash == std::string::npos) return {"", rel};
  return {rel.substr(0, slash), rel.substr(slash + 1)};
}

// openat2(2) with RESOLVE_IN_ROOT: `rel` is looked up as if `root` were "/", so ".."
// and absolute symlinks met on the way stop at root; magic links (/proc/…/fd) are
// refused. Returns the descriptor, or -1 with errno set.
int open_in_root(int root, const std::string& rel, uint64_t flags) {
  open_how how{};
  how.flags = flags | O_CLOEXEC;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  for (int attempt = 0;; ++attempt) {
    long fd = ::syscall(SYS_openat2, root, rel.empty() ? "." : rel.c_str(), &how, sizeof how);
    // EAGAIN: a rename elsewhere raced the lookup, and the kernel asks for a retry.
    if (fd >= 0 || (errno != EAGAIN && errno != EINTR) || attempt == 16) return static_cast<int>(fd);
  }
}

Status write_all(int fd, const char* data, size_t size, const std::string& where) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return sys_error("write", where, errno);
    data += n;
    size -= static_cast<size_t>(n);
  }
  return {};
}

// Creates entries under dest. Directories get their metadata last (finish()).
class Extractor {
 public:
  Extractor(std::string archive, fs::path dest, ArchiveKind kind, TarReader& reader)
      : archive_(std::move(archive)), dest_(std::move(dest)), kind_(kind), reader_(reader) {}

  // Opens dest. NotFound names it.
  Status open();
  // Creates `entry`, reading its contents from the reader.
  Status extract(const Entry& entry);
  // Sets the directories' owners, modes and times, deepest first.
  Status finish();

  uint64_t entries() const { return entries_; }
  uint64_t bytes() const { return bytes_; }

 private:
  Result<UniqueFd> open_dir(const std::string& rel, bool create);
  Result<bool> make_room(int parent, const std::string& leaf, const std::string& rel, bool keep_dir);
  Status make_file(int parent, const std::string& leaf, const std::string& rel, const Entry& e);
  Status make_dir(int parent, const std::string& leaf, const std::string& rel, const Entry& e);
  Status make_symlink(int parent, const std::string& leaf, const std::string& rel, const Entry& e);
  Status make_hardlink(int parent, const std::string& leaf, const std::string& rel, const Entry& e);
  Status make_fifo(int parent, const std::string& leaf, const std::string& rel, const Entry& e);
  Status whiteout(const std::string& dir, const std::string& leaf);
  Status set_metadata(int fd, const Entry& e, const std::string& rel, bool dir);
  Status set_xattr(const std::string& rel, const std::string& name, const std::string& value,
                   const std::function<int(const char*, const void*, size_t)>& set);

  // Errors name the archive and the entry being extracted (entry_).
  Error bad(const std::string& why) const {
    return invalid("archive `" + archive_ + "`: entry `" + entry_ + "`: " + why);
  }
  Error failed(const std::string& call, const std::string& rel, int err) const {
    Error e = sys_error(call, printable((dest_ / rel).string()), err);
    e.message = "archive `" + archive_ + "`: entry `" + entry_ + "`: " + e.message;
    return e;
  }

  std::string archive_;
  fs::path dest_;
  ArchiveKind kind_;
  TarReader& reader_;
  UniqueFd root_;       // dest, the root every path is resolved in
  std::string entry_;   // the current entry's name, printable
  std::map<std::string, Entry> dirs_;  // directory → its latest entry, for finish()
  std::vector<char> buf_ = std::vector<char>(kBufferSize);
  uint64_t entries_ = 0, bytes_ = 0;
};

Status Extractor::open() {
  root_.reset(::open(dest_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!root_.valid()) return sys_error("open destination", dest_, errno);
  return {};
}

Status Extractor::extract(const Entry& e) {
  entry_ = printable(e.name);
  ++entries_;
  const char* what = type_name(e.type);
  if (what == nullptr) return bad("entry type `" + printable(std::string(1, e.type)) + "` is not supported");
  if (e.type == '3' || e.type == '4') return bad(std::string(what) + "s are refused");
  if (kind_ == ArchiveKind::Layout && !is_file(e.type) && e.type != '5') {
    return bad(std::string(what) + " in an image layout (only directories and regular files)");
  }
  if (e.name.find('\0') != std::string::npos || e.link.find('\0') != std::string::npos) {
    return bad("a name with a NUL byte");
  }
  std::optional<std::string> rel = clean_path(e.name);
  if (!rel) return bad("path leaves the directory");
  if (rel->empty()) {  // "." or "./": dest itself, which only a directory entry may describe
    if (e.type != '5') return bad(std::string(what) + " named as the directory itself");
    dirs_[""] = e;
    return {};
  }
  auto [parent_rel, leaf] = split_parent(*rel);
  if (kind_ == ArchiveKind::Layer) {
    if (rel->starts_with(".wh..wh.") && *rel != ".wh..wh..opq") return {};  // AUFS's, at the root: see whiteout()
    if (leaf.starts_with(".wh.")) return whiteout(parent_rel, leaf);
  }
  Result<UniqueFd> parent = open_dir(parent_rel, true);
  if (!parent) return parent.error();
  const int dir = parent.value().get();
  switch (e.type) {
    case '5': return make_dir(dir, leaf, *rel, e);
    case '1': return make_hardlink(dir, leaf, *rel, e);
    case '2': return make_symlink(dir, leaf, *rel, e);
    case '6': return make_fifo(dir, leaf, *rel, e);
    default: return make_file(dir, leaf, *rel, e);
  }
}

// Directory `rel` in root, opened for reading. With `create`, the directories missing
// on the way are made (0755). Each step resolves the whole prefix in-root again, so a
// symlink an earlier entry made is followed the way it will be inside the container.
Result<UniqueFd> Extractor::open_dir(const std::string& rel, bool create) {
  UniqueFd dir(open_in_root(root_.get(), rel, O_RDONLY | O_DIRECTORY));
  if (dir.valid()) return dir;
  if (errno != ENOENT || !create) return failed("open directory", rel, errno);
  dir.reset(open_in_root(root_.get(), "", O_RDONLY | O_DIRECTORY));
  for (size_t start = 0; start <= rel.size();) {
    const size_t slash = std::min(rel.find('/', start), rel.size());
    const std::string prefix = rel.substr(0, slash), name = rel.substr(start, slash - start);
    start = slash + 1;
    UniqueFd next(open_in_root(root_.get(), prefix, O_RDONLY | O_DIRECTORY));
    bool made = false;
    if (!next.valid() && errno == ENOENT) {
      made = ::mkdirat(dir.get(), name.c_str(), 0755) == 0;
      if (!made && errno != EEXIST) return failed("mkdir", prefix, errno);
      next.reset(open_in_root(root_.get(), prefix, O_RDONLY | O_DIRECTORY));
    }
    if (!next.valid()) return failed("open directory", prefix, errno);
    if (made && ::fchmod(next.get(), 0755) != 0) return failed("chmod", prefix, errno);  // whatever the umask
    dir = std::move(next);
  }
  return dir;
}

// Clears the way for a new `leaf` in `parent`: a later entry replaces an earlier one of
// the same name. A non-directory is unlinked, an empty directory removed; a directory
// with contents stays and fails the entry, unless `keep_dir` (a directory entry over a
// directory), when it is kept and true returned.
Result<bool> Extractor::make_room(int parent, const std::string& leaf, const std::string& rel, bool keep_dir) {
  struct stat st{};
  if (::fstatat(parent, leaf.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return false;
    return failed("stat", rel, errno);
  }
  if (S_ISDIR(st.st_mode) && keep_dir) return true;
  if (::unlinkat(parent, leaf.c_str(), S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0) == 0) return false;
  if (errno == ENOTEMPTY || errno == EEXIST) return bad("would replace a directory that is not empty");
  return failed("remove", rel, errno);
}

Status Extractor::make_file(int parent, const std::string& leaf, const std::string& rel, const Entry& e) {
  if (Result<bool> r = make_room(parent, leaf, rel, false); !r) return r.error();
  UniqueFd fd(::openat(parent, leaf.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!fd.valid()) return failed("create", rel, errno);
  for (;;) {
    Result<size_t> n = reader_.read(buf_.data(), buf_.size());
    if (!n) return n.error();
    if (n.value() == 0) break;
    if (Status s = write_all(fd.get(), buf_.data(), n.value(), printable((dest_ / rel).string())); !s) {
      return Error{s.error().code, "archive `" + archive_ + "`: entry `" + entry_ + "`: " + s.error().message};
    }
    bytes_ += n.value();
  }
  return set_metadata(fd.get(), e, rel, false);
}

// A directory over a directory keeps it (and its contents); either way its metadata
// waits for finish(): entries created in it later would move its mtime, and a
// read-only mode set now could stop them.
Status Extractor::make_dir(int parent, const std::string& leaf, const std::string& rel, const Entry& e) {
  Result<bool> kept = make_room(parent, leaf, rel, true);
  if (!kept) return kept.error();
  if (!kept.value() && ::mkdirat(parent, leaf.c_str(), 0700) != 0) return failed("mkdir", rel, errno);
  dirs_[rel] = e;
  return {};
}

// The target is stored as written: it is resolved later, inside the container's root.
Status Extractor::make_symlink(int parent, const std::string& leaf, const std::string& rel, const Entry& e) {
  if (Result<bool> r = make_room(parent, leaf, rel, false); !r) return r.error();
  if (::symlinkat(e.link.c_str(), parent, leaf.c_str()) != 0) return failed("symlink", rel, errno);
  if (kind_ != ArchiveKind::Layer) return {};
  // A symlink cannot be opened for writing: its metadata is set by name, never following it.
  if (::fchownat(parent, leaf.c_str(), e.uid, e.gid, AT_SYMLINK_NOFOLLOW) != 0) return failed("chown", rel, errno);
  const std::string path = "/proc/self/fd/" + std::to_string(parent) + "/" + leaf;
  for (const auto& [name, value] : e.xattrs) {
    if (Status s = set_xattr(rel, name, value,
                             [&](const char* n, const void* v, size_t size) {
                               return ::lsetxattr(path.c_str(), n, v, size, 0);
                             });
        !s) {
      return s;
    }
  }
  const timespec times[2] = {e.mtime, e.mtime};
  if (::utimensat(parent, leaf.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0) return failed("set times of", rel, errno);
  return {};
}

// The target is an earlier entry, looked up in-root like any name; linkat() without
// AT_SYMLINK_FOLLOW links the target itself, even when it is a symlink.
Status Extractor::make_hardlink(int parent, const std::string& leaf, const std::string& rel, const Entry& e) {
  std::optional<std::string> target = clean_path(e.link);
  if (!target || target->empty()) return bad("hard link target `" + printable(e.link) + "` leaves the directory");
  const std::string missing = "hard link to `" + printable(e.link) + "`, which no earlier entry created";
  auto [target_dir_rel, target_leaf] = split_parent(*target);
  Result<UniqueFd> target_dir = open_dir(target_dir_rel, false);
  if (!target_dir) return target_dir.error().code == ErrorCode::NotFound ? bad(missing) : target_dir.error();
  struct stat there{}, here{};
  if (::fstatat(target_dir.value().get(), target_leaf.c_str(), &there, AT_SYMLINK_NOFOLLOW) != 0) {
    return errno == ENOENT ? bad(missing) : failed("stat", *target, errno);
  }
  if (S_ISDIR(there.st_mode)) return bad("hard link to the directory `" + printable(e.link) + "`");
  if (::fstatat(parent, leaf.c_str(), &here, AT_SYMLINK_NOFOLLOW) == 0 && here.st_dev == there.st_dev &&
      here.st_ino == there.st_ino) {
    return {};  // already that very file (a link to itself, or the same link twice)
  }
  if (Result<bool> r = make_room(parent, leaf, rel, false); !r) return r.error();
  if (::linkat(target_dir.value().get(), target_leaf.c_str(), parent, leaf.c_str(), 0) != 0) {
    return failed("link", rel, errno);
  }
  return {};
}

Status Extractor::make_fifo(int parent, const std::string& leaf, const std::string& rel, const Entry& e) {
  if (Result<bool> r = make_room(parent, leaf, rel, false); !r) return r.error();
  if (::mknodat(parent, leaf.c_str(), S_IFIFO | 0600, 0) != 0) return failed("mknod", rel, errno);
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
  UniqueFd fd(::openat(parent, leaf.c_str(), O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC));
  if (!fd.valid()) return failed("open", rel, errno);
  return set_metadata(fd.get(), e, rel, false);
}

// OCI's deletion markers, in overlayfs' form: `.wh.NAME` becomes a 0/0 character device
// NAME, `.wh..wh..opq` the xattr trusted.overlay.opaque="y" on its directory. Other
// `.wh..wh.` names are AUFS's own bookkeeping (e.g. the hard-link directory
// `.wh..wh.plnk` at the layer's root, and what it holds): skipped, as Docker skips them.
Status Extractor::whiteout(const std::string& dir_rel, const std::string& leaf) {
  if (leaf.starts_with(".wh..wh.") && leaf != ".wh..wh..opq") return {};
  Result<UniqueFd> dir = open_dir(dir_rel, true);
  if (!dir) return dir.error();
  if (leaf == ".wh..wh..opq") {
    if (::fsetxattr(dir.value().get(), "trusted.overlay.opaque", "y", 1, 0) != 0) {
      return failed("set trusted.overlay.opaque on", dir_rel, errno);
    }
    return {};
  }
  const std::string name = leaf.substr(4);
  if (name.empty() || name == "." || name == "..") return bad("a whiteout that names no file");
  const std::string rel = dir_rel.empty() ? name : dir_rel + "/" + name;
  // A whiteout hides what the layers *below* hold (image-spec, layer.md): a file this
  // same layer wrote stays, and overlayfs cannot show both, so the whiteout goes.
  struct stat st {};
  if (::fstatat(dir.value().get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) return {};
  if (::mknodat(dir.value().get(), name.c_str(), S_IFCHR | 0, makedev(0, 0)) != 0) {
    return failed("mknod whiteout", rel, errno);
  }
  return {};
}

Status Extractor::finish() {
  // Deepest first: a parent's read-only mode must not stop its children's updates.
  std::vector<const std::pair<const std::string, Entry>*> order;
  for (const auto& dir : dirs_) order.push_back(&dir);
  auto depth = [](const std::string& rel) { return rel.empty() ? 0 : 1 + std::count(rel.begin(), rel.end(), '/'); };
  std::stable_sort(order.begin(), order.end(), [&](auto* a, auto* b) { return depth(a->first) > depth(b->first); });
  for (const auto* dir : order) {
    const auto& [rel, e] = *dir;
    entry_ = printable(e.name);
    // O_NOFOLLOW: a later entry may have put a symlink, a file or nothing in its place.
    UniqueFd fd(open_in_root(root_.get(), rel, O_RDONLY | O_DIRECTORY | O_NOFOLLOW));
    if (!fd.valid() && (errno == ENOENT || errno == ENOTDIR || errno == ELOOP)) continue;
    if (!fd.valid()) return failed("open directory", rel, errno);
    if (Status s = set_metadata(fd.get(), e, rel, true); !s) return s;
  }
  return {};
}

// A layer keeps owner, mode (setuid, setgid and sticky too), xattrs and mtime; chown
// goes first, since it clears setuid, setgid and security.capability. A layout keeps
// only the permission bits, and always lets its owner read, write and remove.
Status Extractor::set_metadata(int fd, const Entry& e, const std::string& rel, bool dir) {
  if (kind_ == ArchiveKind::Layout) {
    if (::fchmod(fd, (e.mode & 0777) | (dir ? 0700 : 0600)) != 0) return failed("chmod", rel, errno);
    return {};
  }
  if (::fchown(fd, e.uid, e.gid) != 0) return failed("chown", rel, errno);
  if (::fchmod(fd, e.mode & 07777) != 0) return failed("chmod", rel, errno);
  for (const auto& [name, value] : e.xattrs) {
    if (Status s = set_xattr(rel, name, value,
                             [&](const char* n, const void* v, size_t size) { return ::fsetxattr(fd, n, v, size, 0); });
        !s) {
      return s;
    }
  }
  const timespec times[2] = {e.mtime, e.mtime};  // atime as mtime, as tar and containerd set it
  if (::futimens(fd, times) != 0) return failed("set times of", rel, errno);
  return {};
}

// One xattr from SCHILY.xattr.NAME. trusted.overlay.* is overlayfs' own state (opaque
// dirs, redirects): a layer may not set it except through whiteouts. A failure matters
// only for security.capability (a binary's file capabilities); others, like user.*
// on a filesystem without them, are dropped as Docker drops them.
Status Extractor::set_xattr(const std::string& rel, const std::string& name, const std::string& value,
                            const std::function<int(const char*, const void*, size_t)>& set) {
  if (name.starts_with("trusted.overlay.") || name.find('\0') != std::string::npos) return {};
  if (set(name.c_str(), value.data(), value.size()) != 0 && name == "security.capability") {
    return failed("set xattr " + name + " on", rel, errno);
  }
  return {};
}

}  // namespace

Result<ExtractStats> extract_archive(const fs::path& archive, const fs::path& dest, ArchiveKind kind) {
  TarStream in(archive.string());
  if (Status s = in.open(); !s) return s.error();
  TarReader reader(in, archive.string());
  Extractor out(archive.string(), dest, kind, reader);
  if (Status s = out.open(); !s) return s.error();
  Entry entry;
  for (;;) {
    Result<bool> more = reader.next(entry);
    if (!more) return more.error();
    if (!more.value()) break;
    if (Status s = out.extract(entry); !s) return s.error();
  }
  if (Status s = out.finish(); !s) return s.error();
  if (Status s = in.drain(); !s) return s.error();
  ExtractStats stats;
  stats.diff_id = in.digest();
  stats.entries = out.entries();
  stats.bytes = out.bytes();
  return stats;
}

}  // namespace kubepp::runtime

// host_path.cpp — check_host_path_type(), following pkg/volume/hostpath/host_path.go:
// checkType and typeMatchedOrError, with the file types of hostutil's getFileType.
#include "cluster/kubelet/host_path.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>

#include "runtime/base/unique_fd.h"
#include "runtime/mounts.h"

namespace kubepp::kubelet {

namespace {

// The types a path can have, by the HostPathType word and the words the messages use.
struct FileType {
  mode_t format;            // S_IFDIR …
  const char* name;         // "Directory", as HostPathType and getFileType spell it
  const char* description;  // "directory", as the "is not a …" message says
};
constexpr FileType kFileTypes[] = {
    {S_IFDIR, "Directory", "directory"},   {S_IFREG, "File", "file"},
    {S_IFSOCK, "Socket", "socket file"},   {S_IFCHR, "CharDevice", "character device"},
    {S_IFBLK, "BlockDevice", "block device"},
};

const FileType* type_named(const std::string& name) {
  for (const FileType& t : kFileTypes) {
    if (name == t.name) return &t;
  }
  return nullptr;
}

const FileType* type_of(mode_t mode) {
  for (const FileType& t : kFileTypes) {
    if ((mode & S_IFMT) == t.format) return &t;
  }
  return nullptr;  // a FIFO: the one kind a hostPath type cannot name
}

// Whether something is at `path`, symlinks followed (a dangling symlink is nothing).
bool exists(const std::string& path) {
  struct stat st{};
  return ::stat(path.c_str(), &st) == 0;
}

// typeMatchedOrError: `path` exists and is of type `want`.
Status type_matches(const std::string& path, const FileType& want) {
  struct stat st{};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno == ENOENT || errno == ENOTDIR) return Error{ErrorCode::NotFound, "hostPath " + path + " doesn't exist"};
    return sys_error("stat", path, errno);
  }
  const FileType* have = type_of(st.st_mode);
  if (have == nullptr) {
    return Error{ErrorCode::Invalid, "hostPath type check failed, " + path + " is not a " + want.description +
                                         ", unable to determine its type: only recognise file, directory, socket, "
                                         "block device and character device"};
  }
  if (have != &want) {
    return Error{ErrorCode::Invalid, "hostPath type check failed: " + path + " is not a " + want.description +
                                         ", it's a " + have->name};
  }
  return {};
}

// makeFile: an empty file, mode 0644 less the umask, as os.OpenFile(O_CREATE) makes it.
// Something already there, of whatever type, is fine.
Status make_file(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CREAT | O_CLOEXEC, 0644));
  if (!fd.valid() && errno != EEXIST) return sys_error("create", path, errno);
  return {};
}

}  // namespace

Status check_host_path_type(const std::string& path, const std::string& type) {
  if (type.empty()) return {};
  if (type == "DirectoryOrCreate") {
    if (!exists(path)) return runtime::make_dirs(path, 0755);
    return type_matches(path, *type_named("Directory"));
  }
  if (type == "FileOrCreate") {
    if (!exists(path)) return make_file(path);
    return type_matches(path, *type_named("File"));
  }
  if (const FileType* want = type_named(type)) return type_matches(path, *want);
  return Error{ErrorCode::Invalid, type + " is an invalid volume type"};
}

}  // namespace kubepp::kubelet

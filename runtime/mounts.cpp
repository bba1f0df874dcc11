#include "runtime/mounts.h"

#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>


namespace kubepp::runtime {

Status mount_fs(const std::string& source, const fs::path& target, const std::string& fstype,
                unsigned long flags, const std::string& data) {
  if (::mount(source.c_str(), target.c_str(), fstype.c_str(), flags,
              data.empty() ? nullptr : data.c_str()) != 0) {
    return sys_error("mount " + fstype, target, errno);
  }
  return {};
}

Status make_rprivate(const fs::path& path) {
  if (::mount(nullptr, path.c_str(), nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
    return sys_error("make rprivate", path, errno);
  }
  return {};
}

Status make_dirs(const fs::path& path, mode_t mode) {
  if (path.empty() || path == path.root_path()) return {};
  struct stat st{};
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) return {};
    return sys_error("mkdir", path, ENOTDIR);
  }
  if (Status parent = make_dirs(path.parent_path(), mode); !parent) return parent;
  if (::mkdir(path.c_str(), mode) != 0 && errno != EEXIST) return sys_error("mkdir", path, errno);
  return {};
}

}  // namespace kubepp::runtime

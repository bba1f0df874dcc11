#include "runtime/base/file_lock.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>

#include <cerrno>

namespace kubepp {

namespace fs = std::filesystem;

Result<FileLock> FileLock::acquire(const fs::path& path, Mode mode) {
  for (;;) {
    std::error_code ec;
    fs::create_directories(path.parent_path(), ec);
    if (ec) return sys_error("mkdir", path.parent_path(), ec.value());
    UniqueFd fd(::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600));
    if (!fd.valid()) return sys_error("open", path, errno);
    while (::flock(fd.get(), mode == Mode::Exclusive ? LOCK_EX : LOCK_SH) != 0) {
      if (errno != EINTR) return sys_error("flock", path, errno);
    }
    // Still the file the path names? If the previous holder removed it, ours is an
    // orphan that nobody else can lock: try again with the file that is there now.
    struct stat held{}, named{};
    if (::fstat(fd.get(), &held) != 0) return sys_error("fstat", path, errno);
    if (::stat(path.c_str(), &named) == 0 && named.st_dev == held.st_dev && named.st_ino == held.st_ino) {
      return FileLock(std::move(fd));
    }
  }
}

}  // namespace kubepp

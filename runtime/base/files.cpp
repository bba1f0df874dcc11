#include "runtime/base/files.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <fstream>
#include <sstream>

#include "runtime/base/unique_fd.h"

namespace kubepp {

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

Status write_file(const std::filesystem::path& path, const std::string& contents, mode_t mode) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, mode));
  if (!fd.valid()) return sys_error("open", path, errno);
  size_t done = 0;
  while (done < contents.size()) {
    ssize_t n = ::write(fd.get(), contents.data() + done, contents.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return sys_error("write", path, errno);
    done += static_cast<size_t>(n);
  }
  return {};
}

Status write_file_atomic(const std::filesystem::path& path, const std::string& contents, mode_t mode) {
  const std::filesystem::path tmp = path.string() + ".tmp";
  if (Status s = write_file(tmp, contents, mode); !s) return s;
  UniqueFd fd(::open(tmp.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid() || ::fsync(fd.get()) != 0) return sys_error("fsync", tmp, errno);
  if (::rename(tmp.c_str(), path.c_str()) != 0) return sys_error("rename", path, errno);
  return {};
}

}  // namespace kubepp

// file_layer.cpp — PosixFileSystem: the file layer on real files.
#include "cluster/store/file_layer.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>

namespace kubepp::store {

namespace {

// An fd that closes itself.
class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  int get() const { return fd_; }

 private:
  int fd_;
};

class PosixFile final : public File {
 public:
  PosixFile(std::string path, int fd, uint64_t size) : path_(std::move(path)), fd_(fd), size_(size) {}
  Status append(std::string_view data) override {
    while (!data.empty()) {
      ssize_t n = ::write(fd_.get(), data.data(), data.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return sys_error("write", path_, errno);
      data.remove_prefix(static_cast<size_t>(n));
      size_ += static_cast<uint64_t>(n);
    }
    return {};
  }
  Status datasync() override {
    if (::fdatasync(fd_.get()) != 0) return sys_error("fdatasync", path_, errno);
    return {};
  }
  uint64_t size() const override { return size_; }

 private:
  std::string path_;
  Fd fd_;
  uint64_t size_;
};

class PosixLock final : public FileLock {
 public:
  explicit PosixLock(int fd) : fd_(fd) {}  // closing the fd releases the flock

 private:
  Fd fd_;
};

}  // namespace

Result<std::unique_ptr<File>> PosixFileSystem::open_append(const std::string& path) {
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return sys_error("open", path, errno);
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    int err = errno;
    ::close(fd);
    return sys_error("fstat", path, err);
  }
  return std::unique_ptr<File>(std::make_unique<PosixFile>(path, fd, static_cast<uint64_t>(st.st_size)));
}

Result<std::string> PosixFileSystem::read(const std::string& path) {
  Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    Error e = sys_error("open", path, errno);
    if (errno == ENOENT) e.code = ErrorCode::NotFound;
    return e;
  }
  std::string out;
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return sys_error("read", path, errno);
    if (n == 0) return out;
    out.append(buf, static_cast<size_t>(n));
  }
}

Status PosixFileSystem::truncate(const std::string& path, uint64_t size) {
  Fd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
  if (fd.get() < 0) return sys_error("open", path, errno);
  if (::ftruncate(fd.get(), static_cast<off_t>(size)) != 0) return sys_error("ftruncate", path, errno);
  if (::fsync(fd.get()) != 0) return sys_error("fsync", path, errno);
  return {};
}

Status PosixFileSystem::rename(const std::string& from, const std::string& to) {
  if (::rename(from.c_str(), to.c_str()) != 0) return sys_error("rename", from + "` to `" + to, errno);
  return {};
}

Status PosixFileSystem::remove(const std::string& path) {
  if (::unlink(path.c_str()) != 0) return sys_error("unlink", path, errno);
  return {};
}

Status PosixFileSystem::sync_dir(const std::string& dir) {
  Fd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return sys_error("open", dir, errno);
  if (::fsync(fd.get()) != 0) return sys_error("fsync", dir, errno);
  return {};
}

Status PosixFileSystem::mkdirs(const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return sys_error("mkdir", dir, ec.value());
  return {};
}

Result<std::vector<std::string>> PosixFileSystem::list(const std::string& dir) {
  std::vector<std::string> names;
  DIR* d = ::opendir(dir.c_str());
  if (d == nullptr) {
    if (errno == ENOENT) return names;
    return sys_error("opendir", dir, errno);
  }
  while (dirent* e = ::readdir(d)) {
    std::string name = e->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

Result<std::unique_ptr<FileLock>> PosixFileSystem::lock(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0) return sys_error("open", path, errno);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    Error e = sys_error("flock", path, errno);
    ::close(fd);
    e.code = ErrorCode::Unavailable;
    return e;
  }
  return std::unique_ptr<FileLock>(std::make_unique<PosixLock>(fd));
}

FileSystem& posix_file_system() {
  static PosixFileSystem fs;
  return fs;
}

}  // namespace kubepp::store

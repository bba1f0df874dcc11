// file_layer.h — the few file operations the WAL needs, behind an interface, so that tests
// can cut the power (SimFileSystem, sim_file_system.h) and the store runs on POSIX files
// (PosixFileSystem) otherwise.
//
// Durability rules the WAL relies on (POSIX, and what SimFileSystem models):
//  - bytes appended to a file are durable once File::datasync() returned;
//  - a file's name (create, rename, remove) is durable once sync_dir() of its directory
//    returned.
// Everything else may be lost when the power goes.
//
// Thread safety: a FileSystem may be used from any thread; one File from one thread at a
// time. Handles delete their copies; destroying one closes it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/base/result.h"

namespace kubepp::store {

/// A file open for appending.
class File {
 public:
  File() = default;
  File(const File&) = delete;
  File& operator=(const File&) = delete;
  virtual ~File() = default;

  /// Appends all of `data` at the end. Fails with the write's errno.
  virtual Status append(std::string_view data) = 0;
  /// fdatasync(2): the appended bytes are durable when it returns.
  virtual Status datasync() = 0;
  /// The file's size, appended bytes included.
  virtual uint64_t size() const = 0;
};

/// An exclusive lock on a path (flock(2)), held until destroyed.
class FileLock {
 public:
  FileLock() = default;
  FileLock(const FileLock&) = delete;
  FileLock& operator=(const FileLock&) = delete;
  virtual ~FileLock() = default;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  /// Opens `path` for appending, creating it (empty) when missing.
  virtual Result<std::unique_ptr<File>> open_append(const std::string& path) = 0;
  /// The whole content of `path`; NotFound when missing.
  virtual Result<std::string> read(const std::string& path) = 0;
  /// Cuts `path` to `size` bytes and makes that durable.
  virtual Status truncate(const std::string& path, uint64_t size) = 0;
  virtual Status rename(const std::string& from, const std::string& to) = 0;
  virtual Status remove(const std::string& path) = 0;
  /// fsync(2) of a directory: its entries (creates, renames, removes) become durable.
  virtual Status sync_dir(const std::string& dir) = 0;
  /// Creates `dir` and its parents when missing.
  virtual Status mkdirs(const std::string& dir) = 0;
  /// The names in `dir`, sorted; empty when it does not exist.
  virtual Result<std::vector<std::string>> list(const std::string& dir) = 0;
  /// Takes the exclusive lock on `path` (created when missing) without waiting;
  /// Unavailable when someone else holds it.
  virtual Result<std::unique_ptr<FileLock>> lock(const std::string& path) = 0;
};

/// The real thing: open(2), write(2), fdatasync(2), rename(2), fsync(2) of the directory,
/// flock(2). Errors read "fdatasync `path`: EIO".
class PosixFileSystem final : public FileSystem {
 public:
  Result<std::unique_ptr<File>> open_append(const std::string& path) override;
  Result<std::string> read(const std::string& path) override;
  Status truncate(const std::string& path, uint64_t size) override;
  Status rename(const std::string& from, const std::string& to) override;
  Status remove(const std::string& path) override;
  Status sync_dir(const std::string& dir) override;
  Status mkdirs(const std::string& dir) override;
  Result<std::vector<std::string>> list(const std::string& dir) override;
  Result<std::unique_ptr<FileLock>> lock(const std::string& path) override;
};

/// The process-wide PosixFileSystem.
FileSystem& posix_file_system();

}  // namespace kubepp::store

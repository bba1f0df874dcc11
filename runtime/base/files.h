// files.h — whole-file reads and writes, for the small files kubepp keeps
// (/etc/hosts of a container, records in the state directories, /proc entries).
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>

#include "runtime/base/result.h"

namespace kubepp {

/// The contents of `path`, or "" when it cannot be read (a missing /proc/PID/stat
/// means the process is gone: callers treat both alike).
std::string read_file(const std::filesystem::path& path);

/// Writes `contents` to `path`, replacing it; never follows a symlink at `path`.
Status write_file(const std::filesystem::path& path, const std::string& contents, mode_t mode = 0644);

/// Replaces `path` with `contents` so that a reader, or the file after a crash, is
/// either the old whole file or the new whole one: write `path`.tmp, fsync, rename.
Status write_file_atomic(const std::filesystem::path& path, const std::string& contents, mode_t mode = 0644);

}  // namespace kubepp

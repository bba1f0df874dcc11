// file_lock.h — a lock that several processes share through a file.
//
// Two kubepp processes may set up pods on one node at once (two `kubepp play`, a kubelet
// and a CLI): the address records and the iptables chains must change one process at a
// time, and an image must not be deleted while another process reads it. flock(2) on a
// lock file does that — exclusive for writers, shared for readers — and the kernel drops
// the lock when its holder dies, so a crash never leaves anything locked.
//
// One catch: a holder may delete the lock file (teardown_node_network removes the whole
// records directory). A process that was waiting then holds a lock on a file nobody else
// can open, while a newcomer creates a fresh file and locks that one. So acquire()
// checks, once it has the lock, that the path still names the file it locked, and
// starts again when it does not.
#pragma once

#include <filesystem>

#include "runtime/base/result.h"
#include "runtime/base/unique_fd.h"

namespace kubepp {

/// An flock(2)ed file: the lock is held from acquire() until the handle is destroyed.
/// Movable, not copyable. Locks of one process through two handles exclude each other
/// too (each acquire opens the file anew): never acquire a lock you already hold.
class FileLock {
 public:
  enum class Mode { Exclusive, Shared };

  /// Creates `path` (and its directory) if missing and waits until this process holds
  /// its lock: alone (Exclusive), or beside other Shared holders. Fails when the file
  /// cannot be created or opened.
  static Result<FileLock> acquire(const std::filesystem::path& path, Mode mode = Mode::Exclusive);

  FileLock(FileLock&&) = default;
  FileLock& operator=(FileLock&&) = default;

 private:
  explicit FileLock(UniqueFd fd) : fd_(std::move(fd)) {}
  UniqueFd fd_;
};

}  // namespace kubepp

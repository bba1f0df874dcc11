// sim_file_system.h — an in-memory FileSystem that can lose power, for crash tests.
//
// Each file keeps two contents: what was written, and what was durable (as of its last
// datasync). Each directory keeps two sets of names: the current ones and the durable
// ones (as of its last sync_dir). power_cut() throws away everything not durable — the
// bytes appended since the last datasync, the names created, renamed or removed since
// the last sync_dir — as a machine that loses power does. kill -9 cannot test this: the
// page cache survives a process.
//
// Failpoints: fail_at(op, n, when) cuts the power at the n-th call of `op` from now (n = 1:
// the next one) — "append", "datasync", "sync_dir" or "rename" — before or after the call
// does its work. From then on
// every operation fails with EIO (the machine is off) until restart(). A test then
// destroys the store, calls restart(), and opens it again.
//
// Thread-safe: one mutex guards everything.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "cluster/store/file_layer.h"

namespace kubepp::store {

class SimFileSystem final : public FileSystem {
 public:
  enum class When { Before, After };

  Result<std::unique_ptr<File>> open_append(const std::string& path) override;
  Result<std::string> read(const std::string& path) override;
  Status truncate(const std::string& path, uint64_t size) override;
  Status rename(const std::string& from, const std::string& to) override;
  Status remove(const std::string& path) override;
  Status sync_dir(const std::string& dir) override;
  Status mkdirs(const std::string& dir) override;
  Result<std::vector<std::string>> list(const std::string& dir) override;
  Result<std::unique_ptr<FileLock>> lock(const std::string& path) override;

  /// Cuts the power at the n-th call of `op` from now, before or after it does its work.
  void fail_at(const std::string& op, int n, When when);
  /// True once the power is off.
  bool powered_off() const;
  /// Drops everything not durable and turns the power back on (locks are released: the
  /// processes died).
  void restart();
  /// How many times `op` was called since construction.
  int calls(const std::string& op) const;

  /// Writes `data` as the whole, durable content of `path` (tests corrupt files with it).
  void overwrite(const std::string& path, const std::string& data);

 private:
  struct Inode {
    std::string data;
    std::string durable;
  };
  class SimFile;
  class SimLock;

  Status step_locked(const std::string& op, const std::string& object, When phase);

  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<Inode>> names_;    // guarded by mu_: path → inode
  std::map<std::string, std::shared_ptr<Inode>> durable_;  // guarded by mu_: as of sync_dir
  std::set<std::string> locks_;                            // guarded by mu_
  std::map<std::string, int> calls_;                       // guarded by mu_
  std::string fail_op_;                                    // guarded by mu_
  int fail_n_ = 0;                                         // guarded by mu_
  When fail_when_ = When::Before;                          // guarded by mu_
  bool off_ = false;                                       // guarded by mu_
};

}  // namespace kubepp::store

// sim_file_system.cpp — files and directory entries that are durable only when synced.
#include "cluster/store/sim_file_system.h"

#include <cerrno>

namespace kubepp::store {

namespace {

std::string parent(const std::string& path) {
  size_t slash = path.rfind('/');
  return slash == std::string::npos ? "." : path.substr(0, slash);
}

}  // namespace

class SimFileSystem::SimFile final : public File {
 public:
  SimFile(SimFileSystem* fs, std::string path, std::shared_ptr<Inode> inode)
      : fs_(fs), path_(std::move(path)), inode_(std::move(inode)) {}
  Status append(std::string_view data) override {
    std::lock_guard lock(fs_->mu_);
    if (Status st = fs_->step_locked("append", path_, When::Before); !st) return st;
    inode_->data.append(data);
    return fs_->step_locked("append", path_, When::After);
  }
  Status datasync() override {
    std::lock_guard lock(fs_->mu_);
    if (Status st = fs_->step_locked("datasync", path_, When::Before); !st) return st;
    inode_->durable = inode_->data;
    return fs_->step_locked("datasync", path_, When::After);
  }
  uint64_t size() const override {
    std::lock_guard lock(fs_->mu_);
    return inode_->data.size();
  }

 private:
  SimFileSystem* fs_;
  std::string path_;
  std::shared_ptr<Inode> inode_;
};

class SimFileSystem::SimLock final : public FileLock {
 public:
  SimLock(SimFileSystem* fs, std::string path) : fs_(fs), path_(std::move(path)) {}
  ~SimLock() override {
    std::lock_guard lock(fs_->mu_);
    fs_->locks_.erase(path_);
  }

 private:
  SimFileSystem* fs_;
  std::string path_;
};

// Counts the call; cuts the power when it is the failpoint. Fails once the power is off.
Status SimFileSystem::step_locked(const std::string& op, const std::string& object, When phase) {
  if (off_) return sys_error(op, object, EIO);
  if (phase == When::Before) calls_[op]++;
  if (op == fail_op_ && calls_[op] == fail_n_ && phase == fail_when_) {
    off_ = true;
    return sys_error(op, object, EIO);
  }
  return {};
}

Result<std::unique_ptr<File>> SimFileSystem::open_append(const std::string& path) {
  std::lock_guard lock(mu_);
  if (off_) return sys_error("open", path, EIO);
  std::shared_ptr<Inode>& inode = names_[path];
  if (!inode) inode = std::make_shared<Inode>();
  return std::unique_ptr<File>(std::make_unique<SimFile>(this, path, inode));
}

Result<std::string> SimFileSystem::read(const std::string& path) {
  std::lock_guard lock(mu_);
  if (off_) return sys_error("open", path, EIO);
  auto it = names_.find(path);
  if (it == names_.end()) return Error{ErrorCode::NotFound, "open `" + path + "`: ENOENT"};
  return it->second->data;
}

Status SimFileSystem::truncate(const std::string& path, uint64_t size) {
  std::lock_guard lock(mu_);
  if (off_) return sys_error("ftruncate", path, EIO);
  auto it = names_.find(path);
  if (it == names_.end()) return sys_error("open", path, ENOENT);
  it->second->data.resize(size);
  it->second->durable = it->second->data;
  return {};
}

Status SimFileSystem::rename(const std::string& from, const std::string& to) {
  std::lock_guard lock(mu_);
  if (Status st = step_locked("rename", from, When::Before); !st) return st;
  auto it = names_.find(from);
  if (it == names_.end()) return sys_error("rename", from, ENOENT);
  names_[to] = it->second;
  names_.erase(from);
  return step_locked("rename", from, When::After);
}

Status SimFileSystem::remove(const std::string& path) {
  std::lock_guard lock(mu_);
  if (off_) return sys_error("unlink", path, EIO);
  if (names_.erase(path) == 0) return sys_error("unlink", path, ENOENT);
  return {};
}

// The directory's entries, as they are now, become the durable ones.
Status SimFileSystem::sync_dir(const std::string& dir) {
  std::lock_guard lock(mu_);
  if (Status st = step_locked("sync_dir", dir, When::Before); !st) return st;
  for (auto it = durable_.begin(); it != durable_.end();) {
    it = parent(it->first) == dir ? durable_.erase(it) : std::next(it);
  }
  for (const auto& [path, inode] : names_) {
    if (parent(path) == dir) durable_[path] = inode;
  }
  return step_locked("sync_dir", dir, When::After);
}

Status SimFileSystem::mkdirs(const std::string& dir) {  // directories are implied by paths
  std::lock_guard lock(mu_);
  if (off_) return sys_error("mkdir", dir, EIO);
  return {};
}

Result<std::vector<std::string>> SimFileSystem::list(const std::string& dir) {
  std::lock_guard lock(mu_);
  if (off_) return sys_error("opendir", dir, EIO);
  std::vector<std::string> names;
  for (const auto& [path, inode] : names_) {
    if (parent(path) == dir) names.push_back(path.substr(dir.size() + 1));
  }
  return names;  // the map is sorted by path, so by name within one directory
}

Result<std::unique_ptr<FileLock>> SimFileSystem::lock(const std::string& path) {
  std::lock_guard lock(mu_);
  if (off_) return sys_error("flock", path, EIO);
  if (!locks_.insert(path).second) return Error{ErrorCode::Unavailable, "flock `" + path + "`: EWOULDBLOCK"};
  return std::unique_ptr<FileLock>(std::make_unique<SimLock>(this, path));
}

void SimFileSystem::fail_at(const std::string& op, int n, When when) {
  std::lock_guard lock(mu_);
  fail_op_ = op;
  fail_n_ = calls_[op] + n;
  fail_when_ = when;
}

bool SimFileSystem::powered_off() const {
  std::lock_guard lock(mu_);
  return off_;
}

int SimFileSystem::calls(const std::string& op) const {
  std::lock_guard lock(mu_);
  auto it = calls_.find(op);
  return it == calls_.end() ? 0 : it->second;
}

void SimFileSystem::restart() {
  std::lock_guard lock(mu_);
  names_ = durable_;
  for (auto& [path, inode] : names_) inode->data = inode->durable;
  off_ = false;
  fail_op_.clear();
  locks_.clear();
}

void SimFileSystem::overwrite(const std::string& path, const std::string& data) {
  std::lock_guard lock(mu_);
  std::shared_ptr<Inode>& inode = names_[path];
  if (!inode) inode = std::make_shared<Inode>();
  inode->data = inode->durable = data;
  durable_[path] = inode;
}

}  // namespace kubepp::store

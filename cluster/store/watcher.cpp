// watcher.cpp — a watcher's response buffer, and watcher groups.
#include "cluster/store/watcher.h"

#include <utility>

namespace kubepp::store {

bool WatchBuffer::try_push(WatchResponse&& resp) {
  {
    std::lock_guard lock(mu_);
    if (closed_ || size_locked() >= capacity_) return false;
    items_.push_back(std::move(resp));
  }
  cv_.notify_one();
  return true;
}

bool WatchBuffer::has_room() const {
  std::lock_guard lock(mu_);
  return !closed_ && size_locked() < capacity_;
}

void WatchBuffer::close(std::optional<WatchResponse> last) {
  {
    std::lock_guard lock(mu_);
    if (closed_) return;
    if (last) items_.push_back(std::move(*last));
    closed_ = true;
  }
  cv_.notify_all();
}

bool WatchBuffer::closed() const {
  std::lock_guard lock(mu_);
  return closed_;
}

std::optional<WatchResponse> WatchBuffer::pop(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  if (!cv_.wait_for(lock, timeout, [&] { return size_locked() > 0 || closed_; })) return std::nullopt;
  if (size_locked() == 0) return std::nullopt;  // closed and drained
  WatchResponse resp = std::move(items_[head_++]);
  if (head_ == items_.size()) {  // drained: reuse the storage from the start
    items_.clear();
    head_ = 0;
  }
  return resp;
}

void WatcherGroup::add(WatcherRecord* w) {
  all_[w->id] = w;
  if (w->req.range_end.empty()) {
    by_key_[w->req.key][w->id] = w;
  } else {
    ranges_[w->id] = w;
  }
}

void WatcherGroup::remove(WatcherRecord* w) {
  if (all_.erase(w->id) == 0) return;
  if (!w->req.range_end.empty()) {
    ranges_.erase(w->id);
    return;
  }
  auto it = by_key_.find(w->req.key);
  if (it == by_key_.end()) return;
  it->second.erase(w->id);
  if (it->second.empty()) by_key_.erase(it);
}

std::vector<WatcherRecord*> WatcherGroup::list() const {
  std::vector<WatcherRecord*> out;
  out.reserve(all_.size());
  for (const auto& [id, w] : all_) out.push_back(w);
  return out;
}

}  // namespace kubepp::store

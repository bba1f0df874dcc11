// watcher.cpp — a watcher's response buffer, and watcher groups.
#include "cluster/store/watcher.h"

#include <algorithm>
#include <cstdint>
#include <utility>

namespace kubepp::store {

// 1,024 stripes (90 KiB in all): with a thousand watch streams waiting at once, a push
// still wakes about one waiter besides its own.
WatchBuffer::Stripe& WatchBuffer::stripe() const {
  constexpr size_t kStripes = 1024;
  static Stripe stripes[kStripes];
  return stripes[(reinterpret_cast<uintptr_t>(this) >> 4) % kStripes];
}

bool WatchBuffer::try_push(WatchResponse&& resp) {
  Stripe& s = stripe();
  {
    std::lock_guard lock(s.mu);
    if (closed_ || size_locked() >= capacity_) return false;
    items_.push_back(std::move(resp));
  }
  s.cv.notify_all();
  return true;
}

bool WatchBuffer::has_room() const {
  std::lock_guard lock(stripe().mu);
  return !closed_ && size_locked() < capacity_;
}

void WatchBuffer::close(std::optional<WatchResponse> last) {
  Stripe& s = stripe();
  {
    std::lock_guard lock(s.mu);
    if (closed_) return;
    if (last) items_.push_back(std::move(*last));
    closed_ = true;
  }
  s.cv.notify_all();
}

bool WatchBuffer::closed() const {
  std::lock_guard lock(stripe().mu);
  return closed_;
}

std::optional<WatchResponse> WatchBuffer::pop(std::chrono::milliseconds timeout) {
  Stripe& s = stripe();
  std::unique_lock lock(s.mu);
  if (!s.cv.wait_for(lock, timeout, [&] { return size_locked() > 0 || closed_; })) return std::nullopt;
  if (size_locked() == 0) return std::nullopt;  // closed and drained
  WatchResponse resp = std::move(items_[head_++]);
  if (head_ == items_.size()) {  // drained: reuse the storage from the start
    items_.clear();
    head_ = 0;
  }
  return resp;
}

void WatcherGroup::add(WatcherRecord* w) {
  w->group = this;
  if (w->req.range_end.empty()) {
    by_key_.emplace(std::string_view(w->req.key), w);
  } else {
    ranges_[w->id] = w;
  }
}

void WatcherGroup::remove(WatcherRecord* w) {
  if (w->group != this) return;
  w->group = nullptr;
  if (!w->req.range_end.empty()) {
    ranges_.erase(w->id);
    return;
  }
  auto [first, last] = by_key_.equal_range(w->req.key);
  for (auto it = first; it != last; ++it) {
    if (it->second == w) {
      by_key_.erase(it);
      return;
    }
  }
}

std::vector<WatcherRecord*> WatcherGroup::list() const {
  std::vector<WatcherRecord*> out;
  out.reserve(size());
  for (const auto& [key, w] : by_key_) out.push_back(w);
  for (const auto& [id, w] : ranges_) out.push_back(w);
  std::sort(out.begin(), out.end(), [](const WatcherRecord* a, const WatcherRecord* b) { return a->id < b->id; });
  return out;
}

}  // namespace kubepp::store

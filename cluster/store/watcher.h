// watcher.h — one watcher of the embedded store, and groups of them (etcd: mvcc/watcher.go,
// watcher_group.go).
//
// A watcher is a request (which keys), a place in history (next_rev: the first revision
// it has not been given) and a buffer of responses between the store and the watcher's
// owner. The store puts responses in without ever waiting (try_push); the owner takes
// them out with a timeout (pop). A full buffer is how a slow owner shows: the store then
// moves the watcher out of the synced group and it catches up from history later.
//
// WatchableStore keeps every watcher in exactly one group: synced (caught up: new events
// go straight to it), unsynced (behind: replayed from history) or victims (buffer full).
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "cluster/store/kv.h"

namespace kubepp::store {

/// A bounded queue of WatchResponses with one producer side that never blocks and one
/// consumer that waits with a timeout. Thread-safe. Shared (shared_ptr) by the store and
/// the owner's Watcher handle, so either may go first.
class WatchBuffer {
 public:
  explicit WatchBuffer(size_t capacity) : capacity_(capacity) {}
  WatchBuffer(const WatchBuffer&) = delete;
  WatchBuffer& operator=(const WatchBuffer&) = delete;

  /// Queues `resp` unless the buffer is full or closed; never waits. False when not queued.
  bool try_push(WatchResponse&& resp);

  /// True when try_push would queue a response now.
  bool has_room() const;

  /// Ends the stream: `last` (if any) is queued even when the buffer is full; later
  /// pushes fail; pop drains what is queued, then returns nullopt at once. Idempotent.
  void close(std::optional<WatchResponse> last);
  bool closed() const;

  /// The oldest queued response, waiting up to `timeout`; nullopt on timeout, or when the
  /// buffer is closed and empty.
  std::optional<WatchResponse> pop(std::chrono::milliseconds timeout);

 private:
  size_t size_locked() const { return items_.size() - head_; }

  const size_t capacity_;
  mutable std::mutex mu_;
  std::condition_variable cv_;           // signaled on push and close
  std::vector<WatchResponse> items_;     // guarded by mu_; items_[head_..] are queued
  size_t head_ = 0;                      // guarded by mu_
  bool closed_ = false;                  // guarded by mu_
};

/// One watcher's state inside WatchableStore (etcd: watcher). Fields other than the
/// buffer are guarded by WatchableStore::mu_.
struct WatcherRecord {
  int64_t id = 0;
  WatchRequest req;
  int64_t next_rev = 0;  // the first revision not yet delivered (etcd: minRev)
  std::shared_ptr<WatchBuffer> buffer;

  bool matches(const std::string& key) const { return in_range(key, req.key, req.range_end); }
};

/// A set of watchers, indexed so that an event finds its watchers without a scan of all
/// of them: single-key watchers by key; range watchers in a list (etcd keeps those in an
/// interval tree). Not thread-safe; the store guards it. Holds no ownership.
class WatcherGroup {
 public:
  void add(WatcherRecord* w);
  void remove(WatcherRecord* w);
  bool contains(const WatcherRecord* w) const { return all_.count(w->id) != 0; }
  size_t size() const { return all_.size(); }
  bool empty() const { return all_.empty(); }

  /// Every watcher, in id order.
  std::vector<WatcherRecord*> list() const;

  /// Calls fn(w) for each watcher whose range holds `key`.
  template <typename Fn>
  void for_each_matching(const std::string& key, Fn&& fn) const {
    if (auto it = by_key_.find(key); it != by_key_.end()) {
      for (const auto& [id, w] : it->second) fn(w);
    }
    for (const auto& [id, w] : ranges_) {
      if (w->matches(key)) fn(w);
    }
  }

 private:
  std::map<int64_t, WatcherRecord*> all_;
  std::unordered_map<std::string, std::map<int64_t, WatcherRecord*>> by_key_;  // range_end empty
  std::map<int64_t, WatcherRecord*> ranges_;                                  // the others
};

}  // namespace kubepp::store

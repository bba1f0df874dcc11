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
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "cluster/store/kv.h"

namespace kubepp::store {

/// A bounded queue of WatchResponses with one producer side that never blocks and one
/// consumer that waits with a timeout. Thread-safe.
///
/// Small on purpose (a store may hold 100,000 of them): the lock and the condition
/// variable are not the buffer's own but one of a fixed set of stripes, chosen by the
/// buffer's address. Buffers sharing a stripe share its waits — a push wakes every
/// waiter of the stripe, and each checks its own buffer — which costs little because few
/// owners wait at once (one per served watch stream), while 88 bytes per watcher are saved.
class WatchBuffer {
 public:
  explicit WatchBuffer(size_t capacity) : capacity_(static_cast<uint32_t>(capacity)) {}
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
  struct Stripe {
    std::mutex mu;
    std::condition_variable cv;  // signaled on push and close of any buffer of the stripe
  };
  Stripe& stripe() const;
  size_t size_locked() const { return items_.size() - head_; }

  const uint32_t capacity_;
  uint32_t head_ = 0;                  // guarded by the stripe; items_[head_..] are queued
  bool closed_ = false;                // guarded by the stripe
  std::vector<WatchResponse> items_;   // guarded by the stripe
};

/// One watcher's state inside WatchableStore (etcd: watcher). It lives inside the owner's
/// Watcher handle (one allocation per watch), so the store holds it by pointer and lets
/// go of it — out of every group and map — before it closes the buffer: a handle that
/// finds its buffer closed may be destroyed at once. Fields other than the buffer are
/// guarded by WatchableStore::mu_.
struct WatcherRecord {
  WatcherRecord(int64_t id_, WatchRequest req_, size_t buffer_capacity)
      : id(id_), req(std::move(req_)), buffer(buffer_capacity) {}

  const int64_t id;
  const WatchRequest req;
  int64_t next_rev = 0;  // the first revision not yet delivered (etcd: minRev)
  WatchBuffer buffer;
  const class WatcherGroup* group = nullptr;  // the group it is in (WatcherGroup::add)

  bool matches(const std::string& key) const { return in_range(key, req.key, req.range_end); }
};

/// A set of watchers, indexed so that an event finds its watchers without a scan of all
/// of them: single-key watchers by key (a hash multimap keyed by a view of the watcher's
/// own key, so the key is stored once); range watchers in a list (etcd keeps those in an
/// interval tree). A store may hold 100,000 watchers, so every byte per watcher counts:
/// membership is the record's `group` field, not a third index. Not thread-safe; the
/// store guards it. Holds no ownership.
class WatcherGroup {
 public:
  /// Adds `w`, which must be in no group.
  void add(WatcherRecord* w);
  /// Removes `w` if it is in this group.
  void remove(WatcherRecord* w);
  bool contains(const WatcherRecord* w) const { return w->group == this; }
  size_t size() const { return by_key_.size() + ranges_.size(); }
  bool empty() const { return size() == 0; }

  /// Every watcher, in id order.
  std::vector<WatcherRecord*> list() const;

  /// Calls fn(w) for each watcher whose range holds `key`.
  template <typename Fn>
  void for_each_matching(const std::string& key, Fn&& fn) const {
    auto [first, last] = by_key_.equal_range(key);
    for (auto it = first; it != last; ++it) fn(it->second);
    for (const auto& [id, w] : ranges_) {
      if (w->matches(key)) fn(w);
    }
  }

 private:
  std::unordered_multimap<std::string_view, WatcherRecord*> by_key_;  // range_end empty; views of req.key
  std::map<int64_t, WatcherRecord*> ranges_;                         // the others
};

}  // namespace kubepp::store

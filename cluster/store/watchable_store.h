// watchable_store.h — the embedded store: MvccStore plus watch (etcd: mvcc/watchable_store.go).
//
// Watchers live in three groups, as in etcd:
//   synced     caught up. Each committed write calls notify(), which hands its events to
//              the matching synced watchers at once — under the write lock, so every
//              watcher sees revisions in commit order.
//   unsynced   behind: created with a start revision in the past, or back from victims.
//              sync_watchers() replays their events from history, then moves them to
//              synced.
//   victims    their buffer was full when notify() came (a slow owner). notify() never
//              waits: it moves the watcher here and goes on. When the owner has made
//              room, sync_watchers() moves it to unsynced, and history fills the gap.
// A watcher's next_rev is the first revision it has not been given; it moves forward
// only when a response is queued, so nothing is skipped or given twice. A watcher whose
// next_rev falls below the compacted revision gets a last response with
// compact_revision set and is canceled.
//
// Steps: sync_watchers(), expire_leases() and send_progress() run on a background thread
// (Options::background), or — for tests — only when called, one step at a time.
//
// Thread safety: all public methods may be called from any thread. Locks, always taken
// in this order: the MvccStore's lock (held by writers across notify(); taken for reading
// by watch() and sync_watchers(), so no write commits while a watcher joins or catches
// up), then mu_ (the groups), then a WatchBuffer's own lock. Watcher handles must be
// destroyed before the store (a handle destroyed after it is harmless, not concurrently).
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "cluster/store/background_loop.h"
#include "cluster/store/clock.h"
#include "cluster/store/mvcc_store.h"
#include "cluster/store/store.h"
#include "cluster/store/watcher.h"

namespace kubepp::store {

class WatchableStore final : public Store {
 public:
  struct Options {
    const Clock* clock = nullptr;          // leases' time; null: steady_clock. Outlives the store.
    size_t watch_buffer = 128;             // responses a watcher's buffer holds (etcd: chanBufLen)
    int64_t max_revs_per_response = 1000;  // revisions in one catch-up response (etcd: same)
    bool background = true;                // run the steps below on a thread
    std::chrono::milliseconds sync_interval{100};       // sync_watchers (etcd: 100 ms)
    std::chrono::milliseconds lease_interval{500};      // expire_leases (etcd: 500 ms)
    std::chrono::milliseconds progress_interval{600'000};  // send_progress (etcd: 10 min)
  };

  WatchableStore();  // the default Options
  explicit WatchableStore(Options opts);
  ~WatchableStore() override;
  WatchableStore(const WatchableStore&) = delete;
  WatchableStore& operator=(const WatchableStore&) = delete;

  // Store (see store.h for the contracts)
  Result<RangeResponse> range(const RangeRequest& req) override { return kv_.range(req); }
  Result<PutResponse> put(const PutRequest& req) override { return kv_.put(req); }
  Result<DeleteRangeResponse> delete_range(const DeleteRangeRequest& req) override {
    return kv_.delete_range(req);
  }
  Result<TxnResponse> txn(const TxnRequest& req) override { return kv_.txn(req); }
  Result<CompactionResponse> compact(int64_t revision) override { return kv_.compact(revision); }
  Result<std::unique_ptr<Watcher>> watch(const WatchRequest& req) override;
  Result<LeaseGrantResponse> lease_grant(const LeaseGrantRequest& req) override {
    return kv_.lease_grant(req);
  }
  Result<LeaseKeepAliveResponse> lease_keep_alive(int64_t id) override { return kv_.lease_keep_alive(id); }
  Result<LeaseRevokeResponse> lease_revoke(int64_t id) override { return kv_.lease_revoke(id); }

  /// One catch-up step (etcd: syncWatchers): victims with room rejoin unsynced; each
  /// unsynced watcher is told of compaction, or given history up to the current revision
  /// (as much as its buffer takes) and moved to synced. Returns how many stay unsynced.
  size_t sync_watchers();

  /// Revokes the leases that expired on the clock (MvccStore::expire_leases).
  size_t expire_leases() { return kv_.expire_leases(); }

  /// Hook for DurableStore: the expired leases, not revoked (MvccStore::expired_leases).
  std::vector<int64_t> expired_leases() const { return kv_.expired_leases(); }

  /// Hooks for DurableStore's snapshots (MvccStore::snapshot, MvccStore::restore);
  /// restore only before the first watch.
  MvccState snapshot() const { return kv_.snapshot(); }
  Status restore(MvccState state) { return kv_.restore(std::move(state)); }

  /// Sends every synced watcher that asked for progress_notify an empty response with the
  /// current revision (etcd: progressAll). Best effort: a full buffer gets none.
  void send_progress();

  struct WatcherCounts {
    size_t synced = 0, unsynced = 0, victims = 0;
  };
  WatcherCounts watcher_counts() const;

  int64_t current_revision() const { return kv_.current_revision(); }
  int64_t compact_revision() const { return kv_.compact_revision(); }

 private:
  class Handle;

  void notify(int64_t revision, const std::vector<Event>& events);
  bool catch_up_locked(WatcherRecord* w, const std::vector<Event>& history, int64_t current);
  void cancel(int64_t id);
  void kick();

  std::unique_ptr<Clock> own_clock_;  // when Options::clock is null
  const Options opts_;
  MvccStore kv_;

  mutable std::mutex mu_;
  int64_t next_watch_id_ = 1;                                     // guarded by mu_
  std::unordered_map<int64_t, WatcherRecord*> watchers_;          // guarded by mu_; owned by the handles
  WatcherGroup synced_;                                           // guarded by mu_
  WatcherGroup unsynced_;                                         // guarded by mu_
  WatcherGroup victims_;                                          // guarded by mu_

  std::unique_ptr<BackgroundLoop> loop_;  // the background steps, when Options::background; last
};

}  // namespace kubepp::store

// durable_store.h — the embedded store made durable: a WatchableStore behind a
// write-ahead log (etcd: the raft log in front of mvcc, on one machine).
//
// A write goes: encode the request as a record (wal_record.h) → queue it → the group
// commit leader writes every queued record and datasyncs once (Wal::append) → the leader
// applies them, in log order, to the in-memory store, which gives each its revision and
// notifies watchers → each writer gets its Result. So a write is acknowledged, seen by
// reads and sent to watchers only after its record is on disk; a crash before that loses
// only writes nobody was told about.
//
// Group commit: writers that arrive while a leader is in its datasync wait in the queue;
// when the leader is done, the first of them leads the next batch, carrying all of them
// with one datasync. One writer pays one datasync; sixteen share one.
//
// Snapshots (snapshot.h): after Options::snapshot_count logged writes, the leader — with
// no batch in flight — cuts the WAL (Wal::cut), writes the store's whole state to
// <dir>/snap/<segment>.snap and drops the segments the snapshot covers. Writers wait
// meanwhile, as they wait for any batch; etcd writes its snapshot in the background from
// a bbolt read transaction, which a student need not meet in chapter 05.
//
// Recovery (open): take the data directory's lock (flock <dir>/LOCK: a second opener gets
// Unavailable), load the newest snapshot, if any, then replay <dir>/wal from the segment
// the snapshot stops at (Wal::open).
//
// Thread safety: every method may be called from any thread. mu_ guards the queue and
// the leader flag; only the leader touches the Wal and applies writes. Reads go straight
// to the in-memory store.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "cluster/store/background_loop.h"
#include "cluster/store/file_layer.h"
#include "cluster/store/store.h"
#include "cluster/store/wal.h"
#include "cluster/store/wal_record.h"
#include "cluster/store/watchable_store.h"

namespace kubepp::store {

class DurableStore final : public Store {
 public:
  struct Options {
    std::string data_dir;            // holds LOCK and wal/
    FileSystem* fs = nullptr;        // null: the real files (posix_file_system())
    bool fsync = true;               // false: never datasync — fast, and loses writes on power loss
    uint64_t segment_bytes = 64ull << 20;  // WAL segment size
    int64_t snapshot_count = 100'000;      // logged writes between snapshots (etcd's --snapshot-count)
    WatchableStore::Options store;   // clock, watch buffers, and the background steps' cadence
  };

  /// Locks the data directory and recovers the store from it. Unavailable when another
  /// store holds the directory; Internal when the WAL or the newest snapshot is damaged
  /// (the message names the file, and for the WAL the offset); the file layer's error
  /// otherwise.
  static Result<std::unique_ptr<DurableStore>> open(Options opts);
  ~DurableStore() override;
  DurableStore(const DurableStore&) = delete;
  DurableStore& operator=(const DurableStore&) = delete;

  // Store (store.h). Writes fail with Unavailable once a WAL write failed: the store
  // stops accepting writes rather than acknowledge one it may not have kept.
  Result<RangeResponse> range(const RangeRequest& req) override { return store_->range(req); }
  Result<PutResponse> put(const PutRequest& req) override;
  Result<DeleteRangeResponse> delete_range(const DeleteRangeRequest& req) override;
  Result<TxnResponse> txn(const TxnRequest& req) override;
  Result<CompactionResponse> compact(int64_t revision) override;
  /// As WatchableStore::watch; a watch from the past wakes the background steps at once.
  Result<std::unique_ptr<Watcher>> watch(const WatchRequest& req) override;
  Result<LeaseGrantResponse> lease_grant(const LeaseGrantRequest& req) override;
  Result<LeaseKeepAliveResponse> lease_keep_alive(int64_t id) override { return store_->lease_keep_alive(id); }
  Result<LeaseRevokeResponse> lease_revoke(int64_t id) override;

  /// The background steps (WatchableStore's), for tests that step by hand. Expired leases
  /// are revoked through the log, one write each.
  size_t sync_watchers() { return store_->sync_watchers(); }
  size_t expire_leases();
  void send_progress() { store_->send_progress(); }

  int64_t current_revision() const { return store_->current_revision(); }
  int64_t compact_revision() const { return store_->compact_revision(); }

  /// Writes a snapshot now (as the leader would after snapshot_count writes): for tests
  /// and `kubepp store`'s shutdown.
  Status snapshot_now();

 private:
  struct Pending;

  explicit DurableStore(Options opts);
  Status replay(uint8_t type, std::string_view payload);
  Status commit(const WriteRecord& record, const std::function<void()>& apply);
  Status snapshot();

  const Options opts_;
  FileSystem& fs_;
  std::unique_ptr<FileLock> lock_;
  std::unique_ptr<WatchableStore> store_;  // background off: this class runs the steps
  std::unique_ptr<Wal> wal_;               // used by the leader only
  int64_t since_snapshot_ = 0;             // leader only: records logged since the last snapshot
  std::atomic<int64_t> next_lease_id_;

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Pending*> queue_;   // guarded by mu_: records waiting for the next batch
  bool leading_ = false;          // guarded by mu_: a leader is writing a batch
  std::optional<Error> failed_;   // guarded by mu_: the WAL write that failed

  std::unique_ptr<BackgroundLoop> loop_;  // the background steps, when Options::store.background; last
};

}  // namespace kubepp::store

// mvcc_store.h — the multi-version key-value store (etcd: mvcc/kvstore.go).
//
// Two structures hold the data:
//   backend_   revision → KeyValue: every version of every key, in revision order. A
//              delete writes a tombstone. This is the history; a watch replays it.
//   index_     key → its revisions (TreeIndex): which version was live at revision R.
// A read at revision R asks the index for each key's revision at R, then reads the
// backend. A write takes the next revision, appends to the backend, updates the index,
// then hands its events to the commit hook (WatchableStore::notify).
//
// Compaction at R drops every version no read at R or later can see; a read below R is
// then Gone (kErrCompacted).
//
// Thread safety: all methods may be called concurrently. One readers-writer lock (mu_)
// guards all state: reads share it; a write (put, delete, a whole txn, a lease revoke,
// a compaction) holds it alone, so a txn is atomic and revisions are handed out in the
// order writes commit. The commit hook runs under the write lock, so hooks are called in
// revision order; it must not call back into the store.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <shared_mutex>
#include <string>
#include <vector>

#include "cluster/store/clock.h"
#include "cluster/store/key_index.h"
#include "cluster/store/kv.h"
#include "cluster/store/lessor.h"
#include "cluster/store/revision.h"
#include "cluster/store/snapshot.h"
#include "runtime/base/result.h"

namespace kubepp::store {

class MvccStore {
 public:
  /// Called once per committed write with its revision and its changes, in order; every
  /// event carries prev_kv when the key existed before.
  using CommitHook = std::function<void(int64_t revision, const std::vector<Event>& events)>;

  /// `clock` (for leases) must outlive the store.
  explicit MvccStore(const Clock& clock, CommitHook on_commit = {});
  MvccStore(const MvccStore&) = delete;
  MvccStore& operator=(const MvccStore&) = delete;

  // The operations of Store (store.h), with the same contracts.
  Result<RangeResponse> range(const RangeRequest& req) const;
  Result<PutResponse> put(const PutRequest& req);
  Result<DeleteRangeResponse> delete_range(const DeleteRangeRequest& req);
  Result<TxnResponse> txn(const TxnRequest& req);
  Result<CompactionResponse> compact(int64_t revision);
  Result<LeaseGrantResponse> lease_grant(const LeaseGrantRequest& req);
  Result<LeaseKeepAliveResponse> lease_keep_alive(int64_t id);
  Result<LeaseRevokeResponse> lease_revoke(int64_t id);

  /// Revokes every lease whose deadline has passed on the clock, each as its own write
  /// (etcd's lessor does the same). Returns how many were revoked.
  size_t expire_leases();

  /// Hook for DurableStore (durable_store.h): the leases whose deadline has passed, in id
  /// order, without revoking them — it logs each revoke before applying it.
  std::vector<int64_t> expired_leases() const {
    std::shared_lock lock(mu_);
    return lessor_.expired();
  }

  /// A consistent read view (etcd: TxnRead): holds the read lock until destroyed, so no
  /// write commits meanwhile. Keep it short — writers wait. Movable, not copyable.
  class ReadTxn {
   public:
    int64_t revision() const { return s_->current_rev_; }
    int64_t compact_revision() const { return s_->compact_rev_; }
    Result<RangeResponse> range(const RangeRequest& req) const;
    /// Every change with a main revision in [from, to], in revision order, with prev_kv
    /// (when asked and history still holds it). `from` must not be below the compacted
    /// revision.
    std::vector<Event> history(int64_t from, int64_t to, bool prev_kv) const;

   private:
    friend class MvccStore;
    explicit ReadTxn(const MvccStore& s) : s_(&s), lock_(s.mu_) {}
    const MvccStore* s_;
    std::shared_lock<std::shared_mutex> lock_;
  };
  ReadTxn read() const { return ReadTxn(*this); }

  /// The whole state, for a snapshot (snapshot.h): history from the compacted revision
  /// on, the revisions, the leases. Holds the read lock while it copies.
  MvccState snapshot() const;

  /// Loads `state` into this store, which must be new (no write yet): rebuilds the key
  /// index from the history and re-attaches live keys to their leases, whose TTLs start
  /// again in full (as etcd's do after a restart). No commit hook runs. Invalid when the
  /// store is not new or the state does not hold together (history out of order, a key
  /// on an unknown lease); the store must then be thrown away.
  Status restore(MvccState state);

  /// How many versions (values and tombstones) history holds: what compaction frees.
  size_t history_size() const {
    std::shared_lock lock(mu_);
    return backend_.size();
  }

  int64_t current_revision() const { return read().revision(); }
  int64_t compact_revision() const { return read().compact_revision(); }

 private:
  struct Record {  // one backend entry
    KeyValue kv;
    bool tombstone = false;
  };
  // One write in progress, under the write lock (etcd: storeTxnWrite). Its changes get
  // revision `rev` and sub-revisions from 0; commit() makes them the current revision.
  struct WriteTxn {
    int64_t rev = 0;
    int64_t next_sub = 0;
    std::vector<Event> events;
  };

  Result<RangeResponse> range_locked(const RangeRequest& req, int64_t current) const;
  KeyValue value_locked(const KeyAt& at) const;
  std::optional<KeyValue> prev_locked(const std::string& key, int64_t before) const;
  bool compare_locked(const Compare& c) const;
  Status check_locked(const RangeRequest& r) const;
  Status check_locked(const PutRequest& p) const;
  Status check_locked(const DeleteRangeRequest& d) const;
  Status check_ops_locked(const std::vector<RequestOp>& ops) const;
  WriteTxn begin_locked() const { return WriteTxn{current_rev_ + 1, 0, {}}; }
  PutResponse put_locked(WriteTxn& w, const PutRequest& req);
  DeleteRangeResponse delete_locked(WriteTxn& w, const DeleteRangeRequest& req);
  ResponseOp apply_locked(WriteTxn& w, const RequestOp& op);
  void revoke_locked(int64_t id);
  void commit_locked(WriteTxn& w);

  const CommitHook on_commit_;
  mutable std::shared_mutex mu_;
  std::map<Revision, Record> backend_;  // guarded by mu_
  TreeIndex index_;                     // guarded by mu_
  Lessor lessor_;                       // guarded by mu_
  int64_t current_rev_ = 1;             // guarded by mu_: the last committed revision (etcd starts at 1)
  int64_t compact_rev_ = 0;             // guarded by mu_: reads below it are Gone
};

}  // namespace kubepp::store

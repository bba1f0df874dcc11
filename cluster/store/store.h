// store.h — the store interface: etcd's v3 KV, Watch and Lease services.
//
// The API server is the only user. Implementations: WatchableStore (embedded, in memory),
// DurableStore (the same behind a write-ahead log) and EtcdStore (etcd/etcd_store.h: a
// client of etcd's v3 JSON gateway, so of real etcd or of `kubepp store`). One contract
// test suite runs against all of them; where they could differ, etcd 3.4 is right.
//
// Contract
//  - Revision: an empty store is at revision 1, as etcd is. Every committed write
//    advances the store's revision by exactly one (a txn is one write); reads and failed
//    or no-op writes do not. Responses carry the revision in header.revision.
//  - Atomicity: a txn's compares and ops happen as one step; a failing request writes
//    nothing.
//  - History: range at any revision from the compacted revision to the current one;
//    below it → Gone (kErrCompacted); above the current → Invalid (kErrFutureRev).
//  - Watch: events of each watcher arrive in revision order, without gaps or duplicates,
//    from start_revision on. A watch whose next revision is compacted away gets one
//    last response with compact_revision set and canceled.
//  - Thread safety: every method may be called from any thread at the same time. Writes
//    are linearizable; a range sees every write acknowledged before it started.
//  - Errors: Invalid (empty key, future revision, too large a TTL, duplicate key in a
//    txn, empty watch range), Gone (compacted), NotFound (lease), AlreadyExists (lease
//    id), Unavailable (backend).
#pragma once

#include <chrono>
#include <memory>
#include <optional>

#include "cluster/store/kv.h"
#include "runtime/base/result.h"

namespace kubepp::store {

/// A watch in progress: a handle on one watcher's stream of WatchResponses. Destroying it
/// cancels the watch. Move it by its unique_ptr; copies are deleted.
///
/// Delivery: responses queue up in the watcher's buffer and the owner polls with
/// next(timeout) from one thread. The store never waits for a slow owner: a watcher whose
/// buffer is full falls behind and later catches up from history (WatchableStore).
class Watcher {
 public:
  Watcher() = default;
  Watcher(const Watcher&) = delete;
  Watcher& operator=(const Watcher&) = delete;
  virtual ~Watcher() = default;

  /// The id the store gave this watch (WatchResponse::watch_id).
  virtual int64_t id() const = 0;

  /// The next response, waiting up to `timeout` for one. nullopt on timeout, and at once
  /// after the watch ended (its canceling response, if any, was already returned).
  virtual std::optional<WatchResponse> next(std::chrono::milliseconds timeout) = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  /// The keys of the range at req.revision. Invalid on an empty key or a future revision;
  /// Gone below the compacted revision.
  virtual Result<RangeResponse> range(const RangeRequest& req) = 0;

  /// Creates or replaces one key. Invalid on an empty key; NotFound on an unknown lease.
  virtual Result<PutResponse> put(const PutRequest& req) = 0;

  /// Deletes the keys of the range (deleted = 0 when none: no new revision). Invalid on
  /// an empty key.
  virtual Result<DeleteRangeResponse> delete_range(const DeleteRangeRequest& req) = 0;

  /// The compares, then one branch, atomically. Fails (writing nothing) when an op of the
  /// chosen branch would fail, or a key is written twice in it (Invalid, kErrDuplicateKey).
  virtual Result<TxnResponse> txn(const TxnRequest& req) = 0;

  /// Drops history below `revision`, keeping each live key's version at `revision`. Gone
  /// when `revision` is not above the compacted revision; Invalid when in the future.
  virtual Result<CompactionResponse> compact(int64_t revision) = 0;

  /// Starts a watch. An empty key is "\0", the smallest key, as in etcd. Invalid on a
  /// range with no key in it (kErrEmptyWatcherRange) or a negative start_revision. A start
  /// revision below the compacted one is accepted and answered in the stream (etcd).
  virtual Result<std::unique_ptr<Watcher>> watch(const WatchRequest& req) = 0;

  /// Grants a lease of req.ttl seconds, raised to etcd's minimum (kMinLeaseTTL, 2 s) when
  /// below; the response tells the TTL granted. Invalid on too large a TTL; AlreadyExists
  /// on a used id.
  virtual Result<LeaseGrantResponse> lease_grant(const LeaseGrantRequest& req) = 0;

  /// Restarts the lease's TTL from now. NotFound when it does not exist or has expired.
  virtual Result<LeaseKeepAliveResponse> lease_keep_alive(int64_t id) = 0;

  /// Ends the lease and deletes its keys in one write. NotFound when it does not exist.
  virtual Result<LeaseRevokeResponse> lease_revoke(int64_t id) = 0;
};

}  // namespace kubepp::store

// durable_store.cpp — group commit in front of the in-memory store; recovery by replay.
#include "cluster/store/durable_store.h"

#include <chrono>

#include "cluster/store/failpoint.h"
#include "cluster/store/snapshot.h"

namespace kubepp::store {

// A writer waiting for its record to be durable and applied.
struct DurableStore::Pending {
  std::string record;                  // encoded, ready to append
  const std::function<void()>* apply;  // runs on the leader, after the datasync
  bool done = false;                   // guarded by mu_
  Status status;                       // guarded by mu_
};

namespace {

WatchableStore::Options inner_options(WatchableStore::Options o) {
  o.background = false;  // DurableStore runs the steps, so lease expiry goes through the log
  return o;
}

// Lease ids chosen before logging (etcd's reqIDGen does the same): time-based, positive.
int64_t first_lease_id() {
  auto now = std::chrono::system_clock::now().time_since_epoch();
  return (std::chrono::duration_cast<std::chrono::milliseconds>(now).count() << 16) & INT64_MAX;
}

}  // namespace

DurableStore::DurableStore(Options opts)
    : opts_(std::move(opts)),
      fs_(opts_.fs != nullptr ? *opts_.fs : posix_file_system()),
      store_(std::make_unique<WatchableStore>(inner_options(opts_.store))),
      next_lease_id_(first_lease_id()) {}

Result<std::unique_ptr<DurableStore>> DurableStore::open(Options opts) {
  std::unique_ptr<DurableStore> s(new DurableStore(std::move(opts)));
  if (Status st = s->fs_.mkdirs(s->opts_.data_dir); !st) return st.error();
  Result<std::unique_ptr<FileLock>> lock = s->fs_.lock(s->opts_.data_dir + "/LOCK");
  if (!lock) {
    Error e = lock.error();
    e.message = "data dir `" + s->opts_.data_dir + "` is in use by another store: " + e.message;
    return e;
  }
  s->lock_ = std::move(lock).value();
  Result<std::optional<LoadedSnapshot>> snap = read_latest_snapshot(s->fs_, s->opts_.data_dir + "/snap");
  if (!snap) return snap.error();
  uint64_t first_segment = 1;
  if (snap.value()) {
    if (Status st = s->store_->restore(std::move(snap.value()->state)); !st) return st.error();
    first_segment = snap.value()->segment;
  }
  Wal::Options wo{s->opts_.fsync, s->opts_.segment_bytes, first_segment};
  Result<std::unique_ptr<Wal>> wal = Wal::open(s->fs_, s->opts_.data_dir + "/wal", wo,
                                               [&](uint8_t type, std::string_view payload) {
                                                 return s->replay(type, payload);
                                               });
  if (!wal) return wal.error();
  s->wal_ = std::move(wal).value();
  if (const WatchableStore::Options& o = s->opts_.store; o.background) {
    DurableStore* p = s.get();  // lease expiry goes through the log: DurableStore's own step
    s->loop_ = std::make_unique<BackgroundLoop>(
        BackgroundLoop::Cadence{o.sync_interval, o.lease_interval, o.progress_interval},
        BackgroundLoop::Steps{[p] { p->sync_watchers(); }, [p] { p->expire_leases(); }, [p] { p->send_progress(); }});
  }
  return s;
}

DurableStore::~DurableStore() { loop_.reset(); }  // no step runs from here on

// Applies one recovered request. Its result is the one the client got (or would have):
// replay is deterministic, so a request that failed then fails again, writing nothing.
Status DurableStore::replay(uint8_t type, std::string_view payload) {
  Result<WriteRecord> rec = decode_record(type, payload);
  if (!rec) return rec.error();
  since_snapshot_++;
  WatchableStore& s = *store_;
  std::visit(
      [&](const auto& r) {
        using T = std::decay_t<decltype(r)>;
        if constexpr (std::is_same_v<T, PutRequest>) (void)s.put(r);
        if constexpr (std::is_same_v<T, DeleteRangeRequest>) (void)s.delete_range(r);
        if constexpr (std::is_same_v<T, TxnRequest>) (void)s.txn(r);
        if constexpr (std::is_same_v<T, CompactRecord>) (void)s.compact(r.revision);
        if constexpr (std::is_same_v<T, LeaseGrantRequest>) (void)s.lease_grant(r);
        if constexpr (std::is_same_v<T, LeaseRevokeRecord>) (void)s.lease_revoke(r.id);
      },
      rec.value());
  return {};
}

// Logs `record`, waits until it is durable, and has `apply` run (in log order) before
// returning. The first waiter finding no leader becomes it and commits the whole queue.
Status DurableStore::commit(const WriteRecord& record, const std::function<void()>& apply) {
  Pending me{Wal::encode(static_cast<uint8_t>(record_type(record)), encode_payload(record)), &apply, false, {}};
  std::unique_lock lock(mu_);
  if (failed_) return *failed_;
  queue_.push_back(&me);
  while (!me.done) {
    if (leading_) {
      cv_.wait(lock);
      continue;
    }
    leading_ = true;
    std::vector<Pending*> batch;
    batch.swap(queue_);
    std::optional<Error> failed = failed_;
    lock.unlock();
    if (!failed) {
      std::vector<const std::string*> records;
      for (Pending* p : batch) records.push_back(&p->record);
      failpoint("wal-before-append");
      if (Status st = wal_->append(records); !st) {
        failed = Error{ErrorCode::Unavailable, "wal: " + st.error().message + " (the store takes no more writes)"};
      } else {
        failpoint("wal-after-append");
        for (Pending* p : batch) (*p->apply)();  // in log order: revisions follow the log
        since_snapshot_ += static_cast<int64_t>(batch.size());
        if (since_snapshot_ >= opts_.snapshot_count) {
          if (Status snap = snapshot(); !snap) {
            failed = Error{ErrorCode::Unavailable, "snapshot: " + snap.error().message + " (the store takes no more writes)"};
          }
        }
      }
    }
    lock.lock();
    if (failed) failed_ = failed;
    for (Pending* p : batch) {
      if (failed) p->status = *failed;
      p->done = true;
    }
    leading_ = false;
    cv_.notify_all();
  }
  return me.status;
}

// Each write: its Result comes from applying it, after commit() made it durable.
Result<PutResponse> DurableStore::put(const PutRequest& req) {
  std::optional<Result<PutResponse>> out;
  Status st = commit(req, [&] { out = store_->put(req); });
  if (!st) return st.error();
  return std::move(*out);
}

Result<DeleteRangeResponse> DurableStore::delete_range(const DeleteRangeRequest& req) {
  std::optional<Result<DeleteRangeResponse>> out;
  Status st = commit(req, [&] { out = store_->delete_range(req); });
  if (!st) return st.error();
  return std::move(*out);
}

Result<TxnResponse> DurableStore::txn(const TxnRequest& req) {
  std::optional<Result<TxnResponse>> out;
  Status st = commit(req, [&] { out = store_->txn(req); });
  if (!st) return st.error();
  return std::move(*out);
}

Result<CompactionResponse> DurableStore::compact(int64_t revision) {
  std::optional<Result<CompactionResponse>> out;
  Status st = commit(CompactRecord{revision}, [&] {
    failpoint("compact-before-apply");
    out = store_->compact(revision);
  });
  if (!st) return st.error();
  return std::move(*out);
}

Result<LeaseGrantResponse> DurableStore::lease_grant(const LeaseGrantRequest& req) {
  LeaseGrantRequest r = req;
  if (r.id == 0) r.id = next_lease_id_++;  // chosen before logging, so replay picks the same
  std::optional<Result<LeaseGrantResponse>> out;
  Status st = commit(r, [&] { out = store_->lease_grant(r); });
  if (!st) return st.error();
  return std::move(*out);
}

Result<LeaseRevokeResponse> DurableStore::lease_revoke(int64_t id) {
  std::optional<Result<LeaseRevokeResponse>> out;
  Status st = commit(LeaseRevokeRecord{id}, [&] { out = store_->lease_revoke(id); });
  if (!st) return st.error();
  return std::move(*out);
}

// Runs on the leader, between batches: every logged record is applied, so the state is
// exactly that of the segments before the cut. Until the snapshot is durable the WAL
// still holds everything; only then do the covered segments go.
Status DurableStore::snapshot() {
  Result<uint64_t> segment = wal_->cut();
  if (!segment) return segment.error();
  if (Status st = write_snapshot(fs_, opts_.data_dir + "/snap", segment.value(), store_->snapshot()); !st) return st;
  failpoint("snapshot-before-drop");
  if (Status st = wal_->drop_before(segment.value()); !st) return st;
  since_snapshot_ = 0;
  return {};
}

Status DurableStore::snapshot_now() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [&] { return !leading_; });
  if (failed_) return *failed_;
  leading_ = true;
  lock.unlock();
  Status st = snapshot();
  lock.lock();
  if (!st) failed_ = Error{ErrorCode::Unavailable, "snapshot: " + st.error().message + " (the store takes no more writes)"};
  leading_ = false;
  cv_.notify_all();
  return st;
}

Result<std::unique_ptr<Watcher>> DurableStore::watch(const WatchRequest& req) {
  Result<std::unique_ptr<Watcher>> w = store_->watch(req);
  if (w && req.start_revision != 0 && loop_) loop_->kick();
  return w;
}

size_t DurableStore::expire_leases() {
  size_t revoked = 0;
  for (int64_t id : store_->expired_leases()) {
    if (lease_revoke(id).ok()) revoked++;
  }
  return revoked;
}

}  // namespace kubepp::store

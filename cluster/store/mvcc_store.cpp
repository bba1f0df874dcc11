// mvcc_store.cpp — reads at a revision, writes that take the next one, txn, compaction.
#include "cluster/store/mvcc_store.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <utility>

namespace kubepp::store {

namespace {

Error invalid(const char* message) { return Error{ErrorCode::Invalid, message}; }

// Where a txn's compare of one key lands: <0, 0, >0 as the key's field is below, equal
// to or above the compare's value.
int compare_field(const Compare& c, const KeyValue& kv) {
  auto three_way = [](auto a, auto b) { return a < b ? -1 : (a > b ? 1 : 0); };
  switch (c.target) {
    case Compare::Target::Version: return three_way(kv.version, c.version);
    case Compare::Target::CreateRevision: return three_way(kv.create_revision, c.create_revision);
    case Compare::Target::ModRevision: return three_way(kv.mod_revision, c.mod_revision);
    case Compare::Target::Value: return three_way(kv.value.compare(c.value), 0);
    case Compare::Target::Lease: return three_way(kv.lease, c.lease);
  }
  return 0;
}

bool holds(Compare::Result result, int cmp) {
  switch (result) {
    case Compare::Result::Equal: return cmp == 0;
    case Compare::Result::Greater: return cmp > 0;
    case Compare::Result::Less: return cmp < 0;
    case Compare::Result::NotEqual: return cmp != 0;
  }
  return false;
}

}  // namespace

MvccStore::MvccStore(const Clock& clock, CommitHook on_commit)
    : on_commit_(std::move(on_commit)), lessor_(clock) {}

// --- reads -------------------------------------------------------------------------

Result<RangeResponse> MvccStore::range(const RangeRequest& req) const { return read().range(req); }

Result<RangeResponse> MvccStore::ReadTxn::range(const RangeRequest& req) const {
  return s_->range_locked(req, s_->current_rev_);
}

// `current` is the revision a read of "now" sees: the last commit, or inside a txn that
// has written, the txn's own revision.
Result<RangeResponse> MvccStore::range_locked(const RangeRequest& req, int64_t current) const {
  if (req.key.empty()) return invalid(kErrEmptyKey);
  int64_t at = req.revision > 0 ? req.revision : current;
  if (at > current) return invalid(kErrFutureRev);
  if (at < compact_rev_) return Error{ErrorCode::Gone, kErrCompacted};

  RangeResponse resp;
  resp.header.revision = current;
  std::vector<TreeIndex::Entry> found;
  const int64_t limit = std::max<int64_t>(req.limit, 0);  // etcd reads a negative limit as none
  resp.count = index_.range(req.key, req.range_end, at, limit, req.count_only ? nullptr : &found);
  resp.more = limit > 0 && resp.count > limit;
  for (const TreeIndex::Entry& e : found) {
    resp.kvs.push_back(value_locked(e.at));
    if (req.keys_only) resp.kvs.back().value.clear();
  }
  return resp;
}

// The backend's version at a revision the index gave. Missing means index and backend
// disagree: a bug, never a condition to carry on from.
KeyValue MvccStore::value_locked(const KeyAt& at) const {
  auto it = backend_.find(at.modified);
  if (it == backend_.end()) {
    std::fprintf(stderr, "kubepp store: revision %s is in the index but not in the backend\n",
                 at.modified.str().c_str());
    std::abort();
  }
  return it->second.kv;
}

// The version of `key` live just before main revision `before`, if history has it.
std::optional<KeyValue> MvccStore::prev_locked(const std::string& key, int64_t before) const {
  std::optional<KeyAt> at = index_.get(key, before - 1);
  if (!at) return std::nullopt;
  return value_locked(*at);
}

//> lab05 history
std::vector<Event> MvccStore::ReadTxn::history(int64_t from, int64_t to, bool prev_kv) const {
  std::vector<Event> events;
  for (auto it = s_->backend_.lower_bound(first_of(from)); it != s_->backend_.end(); ++it) {
    const auto& [rev, record] = *it;
    if (rev.main > to) break;
    Event ev{record.tombstone ? Event::Type::Delete : Event::Type::Put, record.kv, std::nullopt};
    if (prev_kv) ev.prev_kv = s_->prev_locked(record.kv.key, rev.main);
    events.push_back(std::move(ev));
  }
  return events;
}
//< lab05

// --- writes ------------------------------------------------------------------------

Result<PutResponse> MvccStore::put(const PutRequest& req) {
  std::unique_lock lock(mu_);
  if (Status st = check_locked(req); !st) return st.error();
  WriteTxn w = begin_locked();
  PutResponse resp = put_locked(w, req);
  commit_locked(w);
  resp.header.revision = current_rev_;
  return resp;
}

Result<DeleteRangeResponse> MvccStore::delete_range(const DeleteRangeRequest& req) {
  std::unique_lock lock(mu_);
  if (Status st = check_locked(req); !st) return st.error();
  WriteTxn w = begin_locked();
  DeleteRangeResponse resp = delete_locked(w, req);
  commit_locked(w);
  resp.header.revision = current_rev_;
  return resp;
}

PutResponse MvccStore::put_locked(WriteTxn& w, const PutRequest& req) {
  Revision rev{w.rev, w.next_sub++};
  std::optional<KeyAt> live = index_.get(req.key, w.rev);
  std::optional<KeyValue> prev;
  if (live) prev = value_locked(*live);

  KeyValue kv{req.key, req.value, live ? live->created.main : w.rev, w.rev,
              live ? live->version + 1 : 1, req.lease};
  backend_[rev] = Record{kv, false};
  index_.put(req.key, rev);
  if (prev && prev->lease != 0 && prev->lease != req.lease) lessor_.detach(prev->lease, req.key);
  if (req.lease != 0) lessor_.attach(req.lease, req.key);

  w.events.push_back(Event{Event::Type::Put, std::move(kv), prev});
  PutResponse resp;
  if (req.prev_kv) resp.prev_kv = std::move(prev);
  return resp;
}

DeleteRangeResponse MvccStore::delete_locked(WriteTxn& w, const DeleteRangeRequest& req) {
  std::vector<TreeIndex::Entry> live;
  DeleteRangeResponse resp;
  resp.deleted = index_.range(req.key, req.range_end, w.rev, 0, &live);
  for (const TreeIndex::Entry& e : live) {
    Revision rev{w.rev, w.next_sub++};
    KeyValue prev = value_locked(e.at);
    KeyValue tomb;  // a tombstone names only the key and the delete's revision
    tomb.key = e.key;
    tomb.mod_revision = w.rev;
    backend_[rev] = Record{tomb, true};
    index_.tombstone(e.key, rev);
    if (prev.lease != 0) lessor_.detach(prev.lease, e.key);
    if (req.prev_kv) resp.prev_kvs.push_back(prev);
    w.events.push_back(Event{Event::Type::Delete, std::move(tomb), std::move(prev)});
  }
  return resp;
}

// A write that changed nothing (a delete of no keys) takes no revision.
void MvccStore::commit_locked(WriteTxn& w) {
  if (w.events.empty()) return;
  current_rev_ = w.rev;
  if (on_commit_) on_commit_(w.rev, w.events);
}

// --- txn ---------------------------------------------------------------------------

// Everything that could make an op fail is checked before the first op runs, so a txn
// either applies whole or not at all.
Status MvccStore::check_locked(const RangeRequest& r) const {
  if (r.key.empty()) return invalid(kErrEmptyKey);
  if (r.revision > current_rev_) return invalid(kErrFutureRev);
  if (r.revision > 0 && r.revision < compact_rev_) return Error{ErrorCode::Gone, kErrCompacted};
  return {};
}

Status MvccStore::check_locked(const PutRequest& p) const {
  if (p.key.empty()) return invalid(kErrEmptyKey);
  if (p.lease != 0 && !lessor_.exists(p.lease)) return Error{ErrorCode::NotFound, kErrLeaseNotFound};
  return {};
}

Status MvccStore::check_locked(const DeleteRangeRequest& d) const {
  if (d.key.empty()) return invalid(kErrEmptyKey);
  return {};
}

Status MvccStore::check_ops_locked(const std::vector<RequestOp>& ops) const {
  std::vector<const PutRequest*> puts;
  std::vector<const DeleteRangeRequest*> deletes;
  for (const RequestOp& op : ops) {
    if (Status st = std::visit([&](const auto& one) { return check_locked(one); }, op); !st) return st;
    if (const auto* p = std::get_if<PutRequest>(&op)) puts.push_back(p);
    if (const auto* d = std::get_if<DeleteRangeRequest>(&op)) deletes.push_back(d);
  }
  // One key written twice in a txn would need two versions at one revision.
  for (size_t i = 0; i < puts.size(); i++) {
    for (size_t j = i + 1; j < puts.size(); j++) {
      if (puts[i]->key == puts[j]->key) return invalid(kErrDuplicateKey);
    }
    for (const DeleteRangeRequest* d : deletes) {
      if (in_range(puts[i]->key, d->key, d->range_end)) return invalid(kErrDuplicateKey);
    }
  }
  return {};
}

bool MvccStore::compare_locked(const Compare& c) const {
  std::vector<TreeIndex::Entry> live;
  index_.range(c.key, c.range_end, current_rev_, 0, &live);
  if (live.empty()) {
    // A missing key compares as zeros; there is no "missing" value, so Value fails.
    if (c.target == Compare::Target::Value) return false;
    return holds(c.result, compare_field(c, KeyValue{}));
  }
  for (const TreeIndex::Entry& e : live) {
    if (!holds(c.result, compare_field(c, value_locked(e.at)))) return false;
  }
  return true;
}

// Each op's response header tells the revision the op saw, as etcd's do: the store's
// until the txn first writes, the txn's own from then on.
ResponseOp MvccStore::apply_locked(WriteTxn& w, const RequestOp& op) {
  ResponseOp resp;
  if (const auto* p = std::get_if<PutRequest>(&op)) {
    resp = put_locked(w, *p);
  } else if (const auto* d = std::get_if<DeleteRangeRequest>(&op)) {
    resp = delete_locked(w, *d);
  } else {
    // A range sees the txn's own earlier writes: they are already in index and backend.
    int64_t current = w.events.empty() ? current_rev_ : w.rev;
    resp = range_locked(std::get<RangeRequest>(op), current).value();  // checked: cannot fail
  }
  std::visit([&](auto& one) { one.header.revision = w.events.empty() ? current_rev_ : w.rev; }, resp);
  return resp;
}

Result<TxnResponse> MvccStore::txn(const TxnRequest& req) {
  std::unique_lock lock(mu_);
  TxnResponse resp;
  resp.succeeded = true;
  for (const Compare& c : req.compare) {
    if (c.key.empty()) return invalid(kErrEmptyKey);
    if (resp.succeeded && !compare_locked(c)) resp.succeeded = false;
  }
  const std::vector<RequestOp>& ops = resp.succeeded ? req.success : req.failure;
  if (Status st = check_ops_locked(ops); !st) return st.error();

  WriteTxn w = begin_locked();
  for (const RequestOp& op : ops) resp.responses.push_back(apply_locked(w, op));
  commit_locked(w);
  resp.header.revision = current_rev_;
  return resp;
}

// --- compaction --------------------------------------------------------------------

Result<CompactionResponse> MvccStore::compact(int64_t revision) {
  std::unique_lock lock(mu_);
  if (revision <= compact_rev_) return Error{ErrorCode::Gone, kErrCompacted};
  if (revision > current_rev_) return invalid(kErrFutureRev);
  std::set<Revision> keep = index_.compact(revision);
  for (auto it = backend_.begin(); it != backend_.end() && it->first.main <= revision;) {
    it = keep.count(it->first) != 0 ? std::next(it) : backend_.erase(it);
  }
  compact_rev_ = revision;
  CompactionResponse resp;
  resp.header.revision = current_rev_;
  return resp;
}

// --- leases ------------------------------------------------------------------------

Result<LeaseGrantResponse> MvccStore::lease_grant(const LeaseGrantRequest& req) {
  std::unique_lock lock(mu_);
  Result<int64_t> id = lessor_.grant(req.id, req.ttl);
  if (!id) return id.error();
  return LeaseGrantResponse{{current_rev_}, id.value(), std::max(req.ttl, kMinLeaseTTL)};  // the TTL granted
}

Result<LeaseKeepAliveResponse> MvccStore::lease_keep_alive(int64_t id) {
  std::unique_lock lock(mu_);
  Result<int64_t> ttl = lessor_.renew(id);
  if (!ttl) return ttl.error();
  return LeaseKeepAliveResponse{{current_rev_}, id, ttl.value()};
}

Result<LeaseRevokeResponse> MvccStore::lease_revoke(int64_t id) {
  std::unique_lock lock(mu_);
  if (!lessor_.exists(id)) return Error{ErrorCode::NotFound, kErrLeaseNotFound};
  revoke_locked(id);
  return LeaseRevokeResponse{{current_rev_}};
}

// Deletes the lease's keys as one write, then forgets the lease.
void MvccStore::revoke_locked(int64_t id) {
  WriteTxn w = begin_locked();
  for (const std::string& key : lessor_.keys(id)) delete_locked(w, DeleteRangeRequest{key, "", false});
  commit_locked(w);
  lessor_.remove(id);
}

size_t MvccStore::expire_leases() {
  std::unique_lock lock(mu_);
  std::vector<int64_t> expired = lessor_.expired();
  for (int64_t id : expired) revoke_locked(id);
  return expired.size();
}

// --- snapshots ---------------------------------------------------------------------

MvccState MvccStore::snapshot() const {
  std::shared_lock lock(mu_);
  MvccState state;
  state.revision = current_rev_;
  state.compact_revision = compact_rev_;
  state.history.reserve(backend_.size());
  for (const auto& [rev, record] : backend_) state.history.push_back({rev, record.kv, record.tombstone});
  for (auto [id, ttl] : lessor_.ttls()) state.leases.push_back({id, ttl});
  return state;
}

Status MvccStore::restore(MvccState state) {
  std::unique_lock lock(mu_);
  if (!backend_.empty() || current_rev_ != 1 || compact_rev_ != 0) {
    return invalid("restore: the store already holds data");
  }
  for (const MvccState::Lease& l : state.leases) {
    if (Result<int64_t> id = lessor_.grant(l.id, l.ttl); !id) return Error{ErrorCode::Invalid, "restore: lease " + std::to_string(l.id) + ": " + id.error().message};
  }
  Revision last{};
  for (MvccState::Version& v : state.history) {
    if (v.rev <= last || v.rev.main > state.revision) {
      return Error{ErrorCode::Invalid, "restore: history out of order at revision " + v.rev.str()};
    }
    last = v.rev;
    index_.restore(v.kv.key, v.rev, first_of(v.kv.create_revision), v.kv.version, v.tombstone);
    backend_[v.rev] = Record{std::move(v.kv), v.tombstone};
  }
  // Leases hold the keys whose live version names them.
  std::vector<TreeIndex::Entry> live;
  index_.range(std::string(1, '\0'), std::string(1, '\0'), state.revision, 0, &live);
  for (const TreeIndex::Entry& e : live) {
    const KeyValue& kv = backend_.at(e.at.modified).kv;
    if (kv.lease == 0) continue;
    if (!lessor_.exists(kv.lease)) {
      return Error{ErrorCode::Invalid, "restore: key `" + kv.key + "` is on unknown lease " + std::to_string(kv.lease)};
    }
    lessor_.attach(kv.lease, kv.key);
  }
  current_rev_ = state.revision;
  compact_rev_ = state.compact_revision;
  return {};
}

}  // namespace kubepp::store

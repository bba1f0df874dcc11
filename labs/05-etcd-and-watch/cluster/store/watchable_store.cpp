// Lab 05 starter, generated from cluster/store/watchable_store.cpp by labs/tools/labgen.py — write the TODOs below.
// watchable_store.cpp — synced, unsynced and victim watchers; notify and catch-up.
#include "cluster/store/watchable_store.h"

#include <algorithm>
#include <unordered_map>
#include <utility>
#include "runtime/base/todo.h"

namespace kubepp::store {

// The owner's end of a watch, holding the watcher itself: reads the buffer; destroying it
// cancels the watch. A closed buffer means the store already let go of the watcher
// (compacted, canceled, or the store is gone): nothing to cancel.
class WatchableStore::Handle final : public Watcher {
 public:
  Handle(WatchableStore* store, int64_t id, const WatchRequest& req, size_t buffer)
      : store_(store), record_(id, req, buffer) {}
  ~Handle() override {
    if (!record_.buffer.closed()) store_->cancel(record_.id);
  }
  int64_t id() const override { return record_.id; }
  std::optional<WatchResponse> next(std::chrono::milliseconds timeout) override {
    return record_.buffer.pop(timeout);
  }
  WatcherRecord& record() { return record_; }

 private:
  WatchableStore* store_;
  WatcherRecord record_;
};

WatchableStore::WatchableStore() : WatchableStore(Options{}) {}

WatchableStore::WatchableStore(Options opts)
    : own_clock_(opts.clock != nullptr ? nullptr : std::make_unique<SystemClock>()),
      opts_(opts),
      kv_(opts.clock != nullptr ? *opts.clock : *own_clock_,
          [this](int64_t rev, const std::vector<Event>& events) { notify(rev, events); }) {
  if (opts_.background) {
    loop_ = std::make_unique<BackgroundLoop>(
        BackgroundLoop::Cadence{opts_.sync_interval, opts_.lease_interval, opts_.progress_interval},
        BackgroundLoop::Steps{[this] { sync_watchers(); }, [this] { expire_leases(); }, [this] { send_progress(); }});
  }
}

WatchableStore::~WatchableStore() {
  loop_.reset();  // no step runs from here on
  // Handles that outlive the store find their buffer closed and leave the store alone.
  std::lock_guard lock(mu_);
  for (auto& [id, w] : watchers_) w->buffer.close(std::nullopt);
}

Result<std::unique_ptr<Watcher>> WatchableStore::watch(const WatchRequest& req) {
  // As etcd: an empty key is "\0", the smallest key (so {"", "\0"} watches every key), and
  // a range with no key in it is refused.
  const std::string key = req.key.empty() ? std::string(1, '\0') : req.key;
  if (!req.range_end.empty() && req.range_end != std::string_view("\0", 1) && req.range_end <= key) {
    return Error{ErrorCode::Invalid, kErrEmptyWatcherRange};
  }
  if (req.start_revision < 0) return Error{ErrorCode::Invalid, "start_revision must not be negative"};

  MvccStore::ReadTxn txn = kv_.read();  // no write commits while the watcher joins a group
  std::lock_guard lock(mu_);
  WatchRequest r = req;
  r.key = key;
  auto handle = std::make_unique<Handle>(this, next_watch_id_++, r, opts_.watch_buffer);
  WatcherRecord* w = &handle->record();
  int64_t current = txn.revision();
  bool past = req.start_revision != 0 && req.start_revision <= current;
  // From now (0), or from the future (which is accepted and waits, as in etcd): synced.
  // From the past: unsynced, until sync_watchers replays history.
  w->next_rev = req.start_revision == 0 ? current + 1 : req.start_revision;
  (past ? unsynced_ : synced_).add(w);
  watchers_[w->id] = w;
  if (past) kick();
  return std::unique_ptr<Watcher>(std::move(handle));
}

void WatchableStore::cancel(int64_t id) {
  std::lock_guard lock(mu_);
  auto it = watchers_.find(id);
  if (it == watchers_.end()) return;
  WatcherRecord* w = it->second;
  synced_.remove(w);
  unsynced_.remove(w);
  victims_.remove(w);
  watchers_.erase(it);
  w->buffer.close(std::nullopt);  // the last touch: the handle may go from here on
}

// Called by MvccStore with each committed write, under its write lock.
void WatchableStore::notify(int64_t revision, const std::vector<Event>& events) {
  std::lock_guard lock(mu_);
  std::unordered_map<WatcherRecord*, WatchResponse> batches;
  for (const Event& ev : events) {
    synced_.for_each_matching(ev.kv.key, [&](WatcherRecord* w) {
      if (revision < w->next_rev) return;  // a watch that starts in the future
      std::vector<Event>& out = batches[w].events;
      out.push_back(ev);
      if (!w->req.prev_kv) out.back().prev_kv.reset();
    });
  }
  for (auto& [w, resp] : batches) {
    resp.header.revision = revision;
    resp.watch_id = w->id;
    if (w->buffer.try_push(std::move(resp))) {
      w->next_rev = revision + 1;
    } else {  // a slow owner: never wait for it; history will fill the gap
      w->next_rev = revision;
      synced_.remove(w);
      victims_.add(w);
    }
  }
}

size_t WatchableStore::sync_watchers() {
  MvccStore::ReadTxn txn = kv_.read();  // no write commits until every watcher is placed
  std::lock_guard lock(mu_);
  for (WatcherRecord* w : victims_.list()) {
    if (!w->buffer.has_room()) continue;
    victims_.remove(w);
    unsynced_.add(w);
  }
  if (unsynced_.empty()) return 0;

  int64_t current = txn.revision();
  int64_t compacted = txn.compact_revision();
  int64_t from = current + 1;
  bool prev_kv = false;
  for (WatcherRecord* w : unsynced_.list()) {
    if (w->next_rev < compacted) {  // its history is gone: say so, and end the watch
      WatchResponse last;
      last.header.revision = current;
      last.watch_id = w->id;
      last.compact_revision = compacted;
      last.canceled = true;
      last.cancel_reason = kErrCompacted;
      unsynced_.remove(w);
      watchers_.erase(w->id);
      w->buffer.close(std::move(last));  // the last touch: the handle may go from here on
      continue;
    }
    from = std::min(from, w->next_rev);
    prev_kv = prev_kv || w->req.prev_kv;
  }
  // One read of history serves every unsynced watcher.
  std::vector<Event> history = from <= current ? txn.history(from, current, prev_kv) : std::vector<Event>{};
  for (WatcherRecord* w : unsynced_.list()) {
    if (!catch_up_locked(w, history, current)) continue;
    unsynced_.remove(w);
    synced_.add(w);
  }
  return unsynced_.size();
}

// Queues w's events of `history` from its next_rev, in responses of at most
// max_revs_per_response revisions. True when it got everything up to `current`; false
// when its buffer filled (it becomes a victim, next_rev at the first revision not queued).
//> lab05 catch_up_locked
bool WatchableStore::catch_up_locked(WatcherRecord* w, const std::vector<Event>& history,
                                     int64_t current) {
  // TODO(lab05): write catch_up_locked — the task is in labs/05-etcd-and-watch/README.md
  (void)w;
  (void)history;
  (void)current;
  kubepp::lab_todo("lab05", "catch_up_locked");
}
//< lab05

void WatchableStore::send_progress() {
  MvccStore::ReadTxn txn = kv_.read();  // synced watchers hold every event up to this revision
  std::lock_guard lock(mu_);
  for (WatcherRecord* w : synced_.list()) {
    if (!w->req.progress_notify) continue;
    WatchResponse resp;
    resp.header.revision = txn.revision();
    resp.watch_id = w->id;
    w->buffer.try_push(std::move(resp));
  }
}

WatchableStore::WatcherCounts WatchableStore::watcher_counts() const {
  std::lock_guard lock(mu_);
  return WatcherCounts{synced_.size(), unsynced_.size(), victims_.size()};
}

void WatchableStore::kick() {
  if (loop_) loop_->kick();
}

}  // namespace kubepp::store

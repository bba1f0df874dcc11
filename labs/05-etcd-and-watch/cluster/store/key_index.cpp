// Lab 05 starter, generated from cluster/store/key_index.cpp by labs/tools/labgen.py — write the TODOs below.
// key_index.cpp — generations of revisions per key, and the tree of all keys.
#include "cluster/store/key_index.h"

#include <cstdio>
#include <cstdlib>
#include "runtime/base/todo.h"

namespace kubepp::store {

namespace {

// The index is only written by MvccStore under its lock, after it checked the request:
// a broken ordering here is a bug in the store, and it must not go on silently.
void check(bool ok, const char* what, Revision rev) {
  if (ok) return;
  std::fprintf(stderr, "kubepp store: key index: %s (revision %s)\n", what, rev.str().c_str());
  std::abort();
}

}  // namespace

void KeyIndex::put(Revision rev) {
  check(generations_.empty() || modified_ < rev, "put older than the key's last revision", rev);
  if (generations_.empty()) generations_.emplace_back();
  Generation& g = generations_.back();
  if (g.empty()) g.created = rev;
  g.revs.push_back(rev);
  g.version++;
  modified_ = rev;
}

void KeyIndex::tombstone(Revision rev) {
  check(!generations_.empty() && !generations_.back().empty(), "tombstone of a key that is not live",
        rev);
  put(rev);
  generations_.emplace_back();
}

void KeyIndex::restore(Revision created, Revision rev, int64_t version) {
  check(generations_.empty(), "restore of a key already indexed", rev);
  generations_.push_back(Generation{version, created, {rev}});
  modified_ = rev;
}

void KeyIndex::restore_tombstone(Revision rev) {
  restore(Revision{}, rev, 1);
  generations_.emplace_back();
}

// The generation holding the key's value at `at`, or null when the key was not live.
//> lab05 find_generation
const Generation* KeyIndex::find_generation(int64_t at) const {
  // TODO(lab05): write find_generation — the task is in labs/05-etcd-and-watch/README.md
  (void)at;
  kubepp::lab_todo("lab05", "find_generation");
}
//< lab05

//> lab05 get
std::optional<KeyAt> KeyIndex::get(int64_t at) const {
  // TODO(lab05): write get — the task is in labs/05-etcd-and-watch/README.md
  (void)at;
  kubepp::lab_todo("lab05", "get");
}
//< lab05

void KeyIndex::compact(int64_t at, std::set<Revision>& keep) {
  if (generations_.empty()) return;
  // Generations deleted before `at` are history no read can reach any more. The current
  // generation has no tombstone and stays. A tombstone exactly at `at` stays, so a watch
  // from the compacted revision still sees that delete.
  size_t drop = 0;
  while (drop + 1 < generations_.size() && generations_[drop].revs.back().main < at) drop++;
  generations_.erase(generations_.begin(), generations_.begin() + static_cast<ptrdiff_t>(drop));

  // Later generations start after `at`: only the first can hold revisions <= at. Keep the
  // newest of them (the value a read at `at` sees) and drop the older ones.
  std::vector<Revision>& revs = generations_.front().revs;
  size_t n = revs.size();
  while (n > 0 && revs[n - 1].main > at) n--;
  if (n == 0) return;  // created after `at`
  revs.erase(revs.begin(), revs.begin() + static_cast<ptrdiff_t>(n - 1));
  keep.insert(revs.front());
}

bool KeyIndex::empty() const {
  return generations_.empty() || (generations_.size() == 1 && generations_.front().empty());
}

std::optional<KeyAt> TreeIndex::get(const std::string& key, int64_t at) const {
  auto it = keys_.find(key);
  if (it == keys_.end()) return std::nullopt;
  return it->second.get(at);
}

int64_t TreeIndex::range(const std::string& key, const std::string& range_end, int64_t at,
                         int64_t limit, std::vector<Entry>* out) const {
  int64_t count = 0;
  auto visit = [&](const std::string& k, const KeyIndex& ki) {
    std::optional<KeyAt> found = ki.get(at);
    if (!found) return;
    count++;
    if (out != nullptr && (limit == 0 || count <= limit)) out->push_back(Entry{k, *found});
  };
  if (range_end.empty()) {
    auto it = keys_.find(key);
    if (it != keys_.end()) visit(it->first, it->second);
    return count;
  }
  bool to_the_end = range_end == std::string(1, '\0');
  for (auto it = keys_.lower_bound(key); it != keys_.end(); ++it) {
    if (!to_the_end && it->first >= range_end) break;
    visit(it->first, it->second);
  }
  return count;
}

void TreeIndex::put(const std::string& key, Revision rev) { keys_[key].put(rev); }

void TreeIndex::restore(const std::string& key, Revision rev, Revision created, int64_t version,
                        bool tombstone) {
  auto [it, first] = keys_.try_emplace(key);
  KeyIndex& ki = it->second;
  if (first && tombstone) return ki.restore_tombstone(rev);
  if (first) return ki.restore(created, rev, version);
  if (tombstone) return ki.tombstone(rev);
  ki.put(rev);
}

void TreeIndex::tombstone(const std::string& key, Revision rev) {
  auto it = keys_.find(key);
  check(it != keys_.end(), "tombstone of a key never written", rev);
  it->second.tombstone(rev);
}

std::set<Revision> TreeIndex::compact(int64_t at) {
  std::set<Revision> keep;
  for (auto it = keys_.begin(); it != keys_.end();) {
    it->second.compact(at, keep);
    it = it->second.empty() ? keys_.erase(it) : std::next(it);
  }
  return keep;
}

}  // namespace kubepp::store

// key_index.h — which revisions of a key exist: etcd's keyIndex and treeIndex.
//
// History is stored by revision (MvccStore's backend map revision → KeyValue); the key
// index answers "which revision of key K was live at revision R?" without scanning it.
//
// A KeyIndex holds a key's revisions in generations. A generation is one life of the key:
// it starts at the put that created the key and ends with the tombstone of its delete.
// The last generation is the current one; it is empty while the key is deleted.
//
//   put a@1, put a@2, delete a@3, put a@5 →  generations {1,2,3(tombstone)} {5}
//   get(a, at 2) = rev 2, version 2    get(a, at 4) = none    get(a, at 5) = rev 5, version 1
//
// Compaction at R drops what no read at R or later can need: generations whose tombstone
// is below R, and in the generation live at R every revision older than the newest one
// <= R. It reports the revisions <= R it kept, so the backend can delete the rest.
//
// Not thread-safe: MvccStore guards its index with its own lock.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cluster/store/revision.h"

namespace kubepp::store {

/// One life of a key, from its creating put to its tombstone.
struct Generation {
  int64_t version = 0;         // the key's version at revs.back() (counts the tombstone)
  Revision created;            // the put that started this generation
  std::vector<Revision> revs;  // ascending; a closed generation ends with its tombstone

  bool empty() const { return revs.empty(); }
};

/// What the index knows of a key live at some revision.
struct KeyAt {
  Revision modified;  // the revision holding the value (the backend key)
  Revision created;   // the put that created this life of the key
  int64_t version = 0;
};

/// The revisions of one key (etcd: keyIndex).
class KeyIndex {
 public:
  /// Records a put at `rev`. Aborts unless rev is newer than every recorded revision.
  void put(Revision rev);

  /// Records the delete at `rev` and starts a new, empty generation. Aborts when the key
  /// is not live or `rev` is not newer than every recorded revision.
  void tombstone(Revision rev);

  /// Starts the key's index from a snapshot whose history begins with a version of it
  /// (MvccStore::restore): a live generation created at `created` whose first kept
  /// revision is `rev`, with version `version` there. Earlier revisions were compacted.
  void restore(Revision created, Revision rev, int64_t version);

  /// As restore, when the first kept revision is the key's tombstone (a compaction at
  /// exactly the delete's revision keeps it): what created it is unknown, and no read
  /// at or after the tombstone sees the key (etcd: restoreTombstone).
  void restore_tombstone(Revision rev);

  /// The revision live at main revision `at`; nullopt when the key did not exist then
  /// (never created, deleted, or its history at `at` compacted away).
  std::optional<KeyAt> get(int64_t at) const;

  /// Compacts at `at` (see the top of the file), adding the kept revisions <= at to `keep`.
  void compact(int64_t at, std::set<Revision>& keep);

  /// True when no revision is left: the key can leave the tree.
  bool empty() const;

  /// The latest recorded revision.
  Revision modified() const { return modified_; }

  const std::vector<Generation>& generations() const { return generations_; }

 private:
  const Generation* find_generation(int64_t at) const;

  Revision modified_;
  std::vector<Generation> generations_;  // oldest first; the last is the current one
};

/// All keys' indexes, in key order (etcd: treeIndex). Not thread-safe.
class TreeIndex {
 public:
  struct Entry {
    std::string key;
    KeyAt at;
  };

  /// The revision of `key` live at `at`, as KeyIndex::get.
  std::optional<KeyAt> get(const std::string& key, int64_t at) const;

  /// Counts the keys of {key, range_end} live at `at`, appending the first `limit` of
  /// them (all when limit is 0) to `out` in key order; `out` may be null.
  int64_t range(const std::string& key, const std::string& range_end, int64_t at,
                int64_t limit, std::vector<Entry>* out) const;

  void put(const std::string& key, Revision rev);

  /// Adds one version of history read back from a snapshot, in revision order: the first
  /// version of a key starts its index (KeyIndex::restore), later ones are put/tombstone.
  void restore(const std::string& key, Revision rev, Revision created, int64_t version, bool tombstone);

  /// Aborts when the key is not live (the caller ranges first).
  void tombstone(const std::string& key, Revision rev);

  /// Compacts every key at `at`, drops the keys left empty, and returns the revisions
  /// <= at that history must keep.
  std::set<Revision> compact(int64_t at);

  /// Keys with any revision left, live or not.
  size_t size() const { return keys_.size(); }

 private:
  std::map<std::string, KeyIndex> keys_;
};

}  // namespace kubepp::store

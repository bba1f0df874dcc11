// revision.h — the clock of the store.
//
// Every committed write (a put, a delete, or a txn with any of them) advances the store's
// revision by one: the revision is a logical clock that orders all changes to all keys.
// The API server's resourceVersion is this number.
//
// Inside one write, each change gets a sub-revision, so a txn that puts three keys at
// revision 7 writes {7,0}, {7,1}, {7,2}. The pair {main, sub} names one version of one key
// in the store's history (the backend map is keyed by it), as in etcd's mvcc/revision.go.
// Keys' KeyValue.create_revision and mod_revision are main revisions.
#pragma once

#include <compare>
#include <cstdint>
#include <limits>
#include <string>

namespace kubepp::store {

struct Revision {
  int64_t main = 0;  // the store revision of the write
  int64_t sub = 0;   // the change's position inside that write, from 0

  friend auto operator<=>(const Revision&, const Revision&) = default;
  friend bool operator==(const Revision&, const Revision&) = default;

  /// "7.2", for messages and test output.
  std::string str() const { return std::to_string(main) + "." + std::to_string(sub); }
};

/// The smallest revision of a main revision: where a walk of history from `main` starts.
inline Revision first_of(int64_t main) { return Revision{main, 0}; }

/// The largest revision of a main revision: everything at or before `main` sorts before it.
inline Revision last_of(int64_t main) { return Revision{main, std::numeric_limits<int64_t>::max()}; }

}  // namespace kubepp::store

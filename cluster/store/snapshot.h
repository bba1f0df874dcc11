// snapshot.h — the store's whole state at one revision, in a file, so recovery need not
// replay the log from the beginning (etcd: the raft snapshot plus the bbolt backend).
//
// The WAL logs requests, and a request may read history (a txn's range at an old
// revision), so a snapshot must hold everything a later request can see: every version
// from the compacted revision on (values and tombstones, in revision order), the compacted
// and current revisions, and the leases (id and TTL; their keys are found again from the
// live keys' lease field). Restoring is MvccStore::restore; the key index is rebuilt from
// the history, as etcd rebuilds its treeIndex by scanning the backend.
//
// Files: <data-dir>/snap/<N>.snap, where N is the WAL segment where the snapshot's log
// position is: the snapshot holds exactly the records of every segment below N, so
// recovery loads it and replays segments N and later. A snapshot is written to
// <N>.snap.tmp, datasynced, renamed into place and the directory synced: a crash leaves
// either no snapshot or a whole one (a stray .tmp is removed at open). The file is one
// WAL-framed record (length, type, CRC-32C, payload), so damage is detected, not loaded.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/store/file_layer.h"
#include "cluster/store/kv.h"
#include "cluster/store/revision.h"
#include "runtime/base/result.h"

namespace kubepp::store {

/// An MvccStore's state (MvccStore::snapshot, MvccStore::restore).
struct MvccState {
  struct Version {  // one entry of history
    Revision rev;
    KeyValue kv;
    bool tombstone = false;
  };
  struct Lease {
    int64_t id = 0;
    int64_t ttl = 0;
  };
  int64_t revision = 1;          // the last committed revision
  int64_t compact_revision = 0;  // reads below it are Gone
  std::vector<Version> history;  // ascending by rev
  std::vector<Lease> leases;     // ascending by id
};

std::string encode_snapshot(const MvccState& state);
/// Invalid when the payload does not parse.
Result<MvccState> decode_snapshot(std::string_view payload);

/// A snapshot found on disk.
struct LoadedSnapshot {
  uint64_t segment = 0;  // the first WAL segment it does not cover
  MvccState state;
};

/// Writes `state` as `DIR/SEGMENT.snap`, durably (see the top of the file), then
/// removes older snapshots.
Status write_snapshot(FileSystem& fs, const std::string& dir, uint64_t segment, const MvccState& state);

/// The newest snapshot in `dir`, or nullopt when there is none; removes leftover .tmp
/// files. Internal when the newest snapshot is damaged (naming it): the WAL segments it
/// covered are gone, so there is nothing to fall back on.
Result<std::optional<LoadedSnapshot>> read_latest_snapshot(FileSystem& fs, const std::string& dir);

}  // namespace kubepp::store

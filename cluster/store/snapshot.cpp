// snapshot.cpp — MvccState to bytes and back; snapshot files written whole or not at all.
#include "cluster/store/snapshot.h"

#include <cinttypes>
#include <cstdio>

#include "cluster/store/codec.h"
#include "cluster/store/failpoint.h"
#include "cluster/store/wal.h"

namespace kubepp::store {

namespace {

constexpr uint8_t kSnapshotType = 0x53;  // 'S': the record type of a snapshot file
constexpr int64_t kFormat = 1;           // bumped when the payload changes

std::string snapshot_name(uint64_t segment) {
  char name[40];
  std::snprintf(name, sizeof name, "%016" PRIu64 ".snap", segment);
  return name;
}

// "0000000000000007.snap" → 7; 0 when the name is not a snapshot's.
uint64_t snapshot_segment(const std::string& name) {
  if (name.size() != 21 || !name.ends_with(".snap")) return 0;
  uint64_t n = 0;
  for (char c : name.substr(0, 16)) {
    if (c < '0' || c > '9') return 0;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  return n;
}

}  // namespace

std::string encode_snapshot(const MvccState& state) {
  ByteWriter w;
  w.i64(kFormat);
  w.i64(state.revision);
  w.i64(state.compact_revision);
  w.i64(static_cast<int64_t>(state.history.size()));
  for (const MvccState::Version& v : state.history) {
    w.i64(v.rev.main), w.i64(v.rev.sub), w.u8(v.tombstone);
    w.str(v.kv.key), w.str(v.kv.value);
    w.i64(v.kv.create_revision), w.i64(v.kv.mod_revision), w.i64(v.kv.version), w.i64(v.kv.lease);
  }
  w.i64(static_cast<int64_t>(state.leases.size()));
  for (const MvccState::Lease& l : state.leases) w.i64(l.id), w.i64(l.ttl);
  return w.take();
}

Result<MvccState> decode_snapshot(std::string_view payload) {
  ByteReader r(payload);
  MvccState s;
  if (int64_t format = r.i64(); format != kFormat) {
    return Error{ErrorCode::Invalid, "snapshot format " + std::to_string(format) + " (this kubepp reads " +
                                         std::to_string(kFormat) + ")"};
  }
  s.revision = r.i64();
  s.compact_revision = r.i64();
  for (int64_t n = r.i64(); n > 0 && !r.bad(); n--) {
    MvccState::Version v;
    v.rev.main = r.i64(), v.rev.sub = r.i64(), v.tombstone = r.flag();
    v.kv.key = r.str(), v.kv.value = r.str();
    v.kv.create_revision = r.i64(), v.kv.mod_revision = r.i64(), v.kv.version = r.i64(), v.kv.lease = r.i64();
    s.history.push_back(std::move(v));
  }
  for (int64_t n = r.i64(); n > 0 && !r.bad(); n--) {
    MvccState::Lease l;
    l.id = r.i64(), l.ttl = r.i64();
    s.leases.push_back(l);
  }
  if (!r.ok()) return Error{ErrorCode::Invalid, "snapshot payload does not parse"};
  return s;
}

Status write_snapshot(FileSystem& fs, const std::string& dir, uint64_t segment, const MvccState& state) {
  if (Status st = fs.mkdirs(dir); !st) return st;
  const std::string path = dir + "/" + snapshot_name(segment);
  const std::string tmp = path + ".tmp";
  {
    (void)fs.remove(tmp);  // a leftover of a crash, if any
    Result<std::unique_ptr<File>> f = fs.open_append(tmp);
    if (!f) return f.error();
    if (Status st = f.value()->append(Wal::encode(kSnapshotType, encode_snapshot(state))); !st) return st;
    if (Status st = f.value()->datasync(); !st) return st;
  }
  failpoint("snapshot-before-rename");
  if (Status st = fs.rename(tmp, path); !st) return st;
  if (Status st = fs.sync_dir(dir); !st) return st;
  // The new snapshot is durable: the older ones cover less, and nothing needs them.
  Result<std::vector<std::string>> names = fs.list(dir);
  if (!names) return names.error();
  for (const std::string& name : names.value()) {
    uint64_t n = snapshot_segment(name);
    if (n != 0 && n < segment) {
      if (Status st = fs.remove(dir + "/" + name); !st) return st;
    }
  }
  return {};
}

Result<std::optional<LoadedSnapshot>> read_latest_snapshot(FileSystem& fs, const std::string& dir) {
  Result<std::vector<std::string>> names = fs.list(dir);
  if (!names) return names.error();
  uint64_t newest = 0;
  for (const std::string& name : names.value()) {
    if (name.ends_with(".snap.tmp")) {
      if (Status st = fs.remove(dir + "/" + name); !st) return st.error();
    }
    newest = std::max(newest, snapshot_segment(name));
  }
  if (newest == 0) return std::optional<LoadedSnapshot>();
  const std::string path = dir + "/" + snapshot_name(newest);
  Result<std::string> data = fs.read(path);
  if (!data) return data.error();
  auto damaged = [&](const std::string& why) {
    return Error{ErrorCode::Internal, "snapshot `" + path + "` is damaged: " + why +
                                          " (the log it replaced is gone; refusing to open)"};
  };
  Result<std::string_view> payload = Wal::decode(data.value(), kSnapshotType);
  if (!payload) return damaged(payload.error().message);
  Result<MvccState> state = decode_snapshot(payload.value());
  if (!state) return damaged(state.error().message);
  return std::optional<LoadedSnapshot>(LoadedSnapshot{newest, std::move(state).value()});
}

}  // namespace kubepp::store

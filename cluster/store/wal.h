// wal.h — the write-ahead log: every write is a record here, durable before it is applied
// (etcd: server/storage/wal).
//
// The log is a directory of segments, <dir>/0000000000000001.wal, ...0002.wal, appended to
// in order; a segment is closed when it passes Options::segment_bytes. A segment is a
// sequence of records:
//
//   offset 0   u32 length of the payload (little-endian)
//          4   u8  type (what the payload is: the caller's business)
//          5   u32 CRC-32C of the type byte and the payload
//          9   payload
//
// Recovery (open) reads every record in order and hands it to the replay callback. What
// it finds at the end tells it what happened:
//  - a torn last record (short header, short payload, or a bad checksum on the record that
//    ends the file) is a write that was cut by a crash before its datasync returned: it
//    was never acknowledged, so it is truncated away and the log opens;
//  - anything else that does not check out — a bad record with good records after it, or
//    a bad record in an older segment — is damage to acknowledged writes: open refuses,
//    naming the file and the offset.
//
// Thread safety: none; DurableStore calls append() from one group-commit leader at a time.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/store/file_layer.h"
#include "runtime/base/result.h"

namespace kubepp::store {

/// CRC-32C (Castagnoli), as etcd's WAL and ext4 use, continuing from `crc`.
uint32_t crc32c(std::string_view data, uint32_t crc = 0);

class Wal {
 public:
  struct Options {
    bool fsync = true;                     // false: never datasync (loses writes on power loss)
    uint64_t segment_bytes = 64ull << 20;  // start a new segment past this size
    uint64_t first_segment = 1;            // a snapshot covers the segments below: skip and remove them
  };
  /// Applies one recovered record; an error stops open (it names the file and offset).
  using Replay = std::function<Status(uint8_t type, std::string_view payload)>;

  /// Opens (creating when missing) the log in `dir`, replaying every record of the segments
  /// from Options::first_segment on (removing older ones, left by a crash between a
  /// snapshot and drop_before). Internal when
  /// a record before the end is damaged; the message names the segment and offset.
  static Result<std::unique_ptr<Wal>> open(FileSystem& fs, const std::string& dir, Options opts,
                                           const Replay& replay);
  Wal(const Wal&) = delete;
  Wal& operator=(const Wal&) = delete;

  /// One record in its on-disk form.
  static std::string encode(uint8_t type, std::string_view payload);

  /// The payload of `record`, which must be exactly one whole record of `type` (a
  /// snapshot file is one). Invalid, saying what is wrong, otherwise.
  static Result<std::string_view> decode(std::string_view record, uint8_t type);

  /// Appends already-encoded records, then datasyncs once: when it returns ok, every one
  /// of them is durable. Fails with the file layer's error; the log is then unusable.
  Status append(const std::vector<const std::string*>& records);

  /// Closes the current segment and starts the next (durably). Returns the new segment's
  /// number: every earlier segment holds only records written before this call.
  Result<uint64_t> cut();

  /// Removes the segments numbered below `segment` (after a snapshot covers them).
  Status drop_before(uint64_t segment);

  /// The path of segment `n`.
  std::string segment_path(uint64_t n) const;

 private:
  Wal(FileSystem& fs, std::string dir, Options opts) : fs_(fs), dir_(std::move(dir)), opts_(opts) {}
  Status recover(const std::vector<uint64_t>& segments, const Replay& replay);
  Status start_segment(uint64_t n);

  FileSystem& fs_;
  const std::string dir_;
  const Options opts_;
  std::vector<uint64_t> segments_;  // the segment numbers on disk, ascending
  std::unique_ptr<File> tail_;      // the last segment, open for appending
};

}  // namespace kubepp::store

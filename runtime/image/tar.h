// tar.h — reading a tar stream: its bytes (plain or gzip) and the entries in them.
//
// Two stages, each reading from the one before:
//   TarStream  the archive's bytes, inflated when gzip, hashed as they pass (the DiffID);
//   TarReader  blocks → entries: ustar headers, pax records ('x', 'g') and GNU long
//              names ('L', 'K') folded into the entry they describe.
// Internal to runtime/image: archive.cpp turns the entries into files.
#pragma once

#include <zlib.h>

#include <ctime>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/base/result.h"
#include "runtime/base/unique_fd.h"
#include "runtime/image/digest.h"

namespace kubepp::runtime::tar {

inline constexpr size_t kBlock = 512;             // tar's unit: headers and padded contents
inline constexpr size_t kBufferSize = 64 << 10;   // reads of the file and of contents
inline constexpr uint64_t kMaxMetadata = 1 << 20; // the largest pax header or GNU long name held

// A name for messages: printable bytes as they are, others as \xNN, so a hostile entry
// name can neither split a log line nor send escape sequences to a terminal.
std::string printable(std::string_view text);

// ---- TarStream: the uncompressed bytes --------------------------------------------------

// The archive as a tar stream: the file's bytes, or what they inflate to when they start
// with gzip's magic (1f 8b). Every byte read() returns is fed to the DiffID's hash.
// Holds a z_stream, which points at itself: neither copied nor moved.
class TarStream {
 public:
  explicit TarStream(std::string archive) : archive_(std::move(archive)) {}
  ~TarStream() {
    if (gzip_) ::inflateEnd(&z_);
  }
  TarStream(const TarStream&) = delete;
  TarStream& operator=(const TarStream&) = delete;

  // Opens the file and looks at its first bytes. NotFound names the archive.
  Status open();
  // Fills `out` with the next `size` bytes; fewer only at the end of the stream.
  Result<size_t> read(char* out, size_t size);
  // Reads to the end, for the hash: whatever follows the end-of-archive blocks is part
  // of the uncompressed tar, and of its DiffID, as sha256sum would see it.
  Status drain();
  // Bytes read() has returned so far: the offset of the next one in the tar stream.
  uint64_t offset() const { return offset_; }
  Digest digest() { return hash_.digest(); }

 private:
  Status refill();
  Result<size_t> inflate_some(char* out, size_t size, bool& done);

  std::string archive_;
  UniqueFd fd_;
  std::vector<unsigned char> in_ = std::vector<unsigned char>(kBufferSize);
  const unsigned char* next_ = nullptr;  // the unread part of in_
  size_t avail_ = 0;
  bool eof_ = false;          // read(2) has returned 0
  bool gzip_ = false;
  bool member_done_ = false;  // inflate() finished a gzip member; another may follow
  z_stream z_{};
  Sha256 hash_;
  uint64_t offset_ = 0;
};

// One archive member, with the pax and GNU records before it applied.
struct Entry {
  char type = '0';
  std::string name;  // as the archive spells it
  std::string link;  // a link's target
  uint64_t size = 0; // bytes of contents after the header
  uint32_t mode = 0, uid = 0, gid = 0;
  timespec mtime{};
  std::vector<std::pair<std::string, std::string>> xattrs;  // from SCHILY.xattr.NAME
};

struct Overrides;  // what pax and GNU headers say of the next entry (tar.cpp)

// Reads entries from a tar stream: next() returns each header's entry, read() its
// contents; next() skips whatever contents were not read.
class TarReader {
 public:
  TarReader(TarStream& in, std::string archive) : in_(in), archive_(std::move(archive)) {}

  // The next entry into `entry`: true, or false at the end-of-archive blocks. Invalid
  // for a bad header, naming its offset, and for a stream that stops early.
  Result<bool> next(Entry& entry);
  // Up to `size` bytes of the current entry's contents; 0 when all are read.
  Result<size_t> read(char* out, size_t size);

 private:
  Result<bool> read_block(char* block, uint64_t offset);
  Result<std::string> read_metadata(uint64_t size, uint64_t offset);
  Status apply_pax(std::string_view records, Overrides& over, uint64_t offset);
  Status skip_rest();
  Error at(uint64_t offset, const std::string& why) const {
    return Error{ErrorCode::Invalid, "archive `" + archive_ + "`: header at offset " + std::to_string(offset) + ": " + why};
  }

  TarStream& in_;
  std::string archive_;
  std::string current_;    // the current entry's name, for messages
  uint64_t remaining_ = 0; // its unread contents
  uint64_t padding_ = 0;   // and the zeros that fill its last block
  std::vector<char> scratch_ = std::vector<char>(kBufferSize);
};

}  // namespace kubepp::runtime::tar

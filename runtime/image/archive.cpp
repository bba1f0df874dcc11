// archive.cpp — the tar extractor behind extract_archive().
//
// Three stages, each reading from the one before:
//   TarStream  the archive's bytes, inflated when gzip, hashed as they pass (the DiffID);
//   TarReader  blocks → entries: ustar headers, pax records ('x', 'g') and GNU long
//              names ('L', 'K') folded into the entry they describe;
//   Extractor  entries → files under dest. Every path is resolved with openat2(2)
//              RESOLVE_IN_ROOT from a descriptor of dest, and the last component is
//              created with *at() calls that never follow it: `..` and symlinks met on
//              the way stop at dest, as they would at "/" in a container.
// File contents pass through one 64 KiB buffer; nothing holds a whole file.
#include "runtime/image/archive.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <functional>
#include <map>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "runtime/base/unique_fd.h"

namespace kubepp::runtime {

namespace {

namespace fs = std::filesystem;

constexpr size_t kBlock = 512;             // tar's unit: headers and padded contents
constexpr size_t kBufferSize = 64 << 10;   // reads of the file and of contents
constexpr uint64_t kMaxMetadata = 1 << 20; // the largest pax header or GNU long name held

// A name for messages: printable bytes as they are, others as \xNN, so a hostile entry
// name can neither split a log line nor send escape sequences to a terminal.
std::string printable(std::string_view text) {
  static const char* digits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : text) {
    if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      out += "\\x";
      out += digits[c >> 4];
      out += digits[c & 15];
    }
  }
  return out;
}

Error invalid(const std::string& message) { return Error{ErrorCode::Invalid, message}; }

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

Status TarStream::open() {
  fd_.reset(::open(archive_.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd_.valid()) return sys_error("open archive", archive_, errno);
  if (Status s = refill(); !s) return s;
  auto starts_with = [&](std::initializer_list<unsigned char> magic) {
    return avail_ >= magic.size() && std::equal(magic.begin(), magic.end(), next_);
  };
  if (starts_with({0x28, 0xb5, 0x2f, 0xfd})) {
    return invalid("archive `" + archive_ + "`: zstd compression is not supported (only gzip)");
  }
  if (starts_with({0x1f, 0x8b})) {
    // 16 + MAX_WBITS: expect a gzip header and trailer (not zlib's, not raw deflate).
    if (::inflateInit2(&z_, 16 + MAX_WBITS) != Z_OK) {
      return Error{ErrorCode::Internal, "archive `" + archive_ + "`: zlib could not start inflating"};
    }
    gzip_ = true;
  }
  return {};
}

Status TarStream::refill() {
  for (;;) {
    ssize_t n = ::read(fd_.get(), in_.data(), in_.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return sys_error("read archive", archive_, errno);
    next_ = in_.data();
    avail_ = static_cast<size_t>(n);
    eof_ = n == 0;
    return {};
  }
}

Result<size_t> TarStream::read(char* out, size_t size) {
  size_t got = 0;
  while (got < size) {
    if (avail_ == 0 && !eof_) {
      if (Status s = refill(); !s) return s.error();
    }
    size_t n = 0;
    if (gzip_) {
      bool done = false;
      Result<size_t> inflated = inflate_some(out + got, size - got, done);
      if (!inflated) return inflated.error();
      if (done) break;
      n = inflated.value();
    } else {
      if (avail_ == 0) break;  // the end of the file
      n = std::min(avail_, size - got);
      std::memcpy(out + got, next_, n);
      next_ += n;
      avail_ -= n;
    }
    got += n;
  }
  hash_.update(out, got);
  offset_ += got;
  return got;
}

// One inflate() step over the input at hand. `done` is set at the clean end: a whole
// member inflated and no input after it. A stream that stops inside a member is
// truncated; bytes after a member that are not another gzip member are corrupt.
Result<size_t> TarStream::inflate_some(char* out, size_t size, bool& done) {
  if (member_done_) {
    if (avail_ == 0) {  // read() refilled first, so this is the end of the file
      done = true;
      return size_t{0};
    }
    ::inflateReset(&z_);  // gzip allows members one after another (`cat a.gz b.gz`)
    member_done_ = false;
  }
  z_.next_in = const_cast<unsigned char*>(next_);
  z_.avail_in = static_cast<uInt>(avail_);
  z_.next_out = reinterpret_cast<unsigned char*>(out);
  z_.avail_out = static_cast<uInt>(std::min<size_t>(size, kBufferSize));
  const uInt room = z_.avail_out;
  const int rc = ::inflate(&z_, Z_NO_FLUSH);
  next_ = z_.next_in;
  avail_ = z_.avail_in;
  const size_t produced = room - z_.avail_out;
  if (rc == Z_STREAM_END) {
    member_done_ = true;
  } else if (rc == Z_BUF_ERROR && avail_ == 0 && eof_) {
    return invalid("archive `" + archive_ + "`: truncated gzip stream");
  } else if (rc != Z_OK && !(rc == Z_BUF_ERROR && avail_ == 0)) {  // Z_BUF_ERROR: wants input
    return invalid("archive `" + archive_ + "`: corrupt gzip stream" + (z_.msg ? std::string(": ") + z_.msg : ""));
  }
  return produced;
}

Status TarStream::drain() {
  std::vector<char> buf(kBufferSize);
  for (;;) {
    Result<size_t> n = read(buf.data(), buf.size());
    if (!n) return n.error();
    if (n.value() < buf.size()) return {};
  }
}

// ---- TarReader: headers and entries ------------------------------------------------------

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

// What 'x' and 'L'/'K' headers say about the entry that follows them.
struct Overrides {
  std::optional<std::string> name, link;
  std::optional<uint64_t> size, uid, gid;
  std::optional<timespec> mtime;
  std::vector<std::pair<std::string, std::string>> xattrs;
};

// The ustar header: name, mode, uid, gid, size, mtime, chksum, typeflag, linkname,
// magic, …, prefix. Offsets and widths in bytes.
struct Field {
  size_t offset, size;
};
constexpr Field kName{0, 100}, kMode{100, 8}, kUid{108, 8}, kGid{116, 8}, kSize{124, 12}, kMtime{136, 12},
    kChecksum{148, 8}, kLinkname{157, 100}, kMagic{257, 8}, kPrefix{345, 155};
constexpr size_t kTypeflag = 156;

// A text field: its bytes up to the first NUL.
std::string text_field(const char* block, Field f) {
  const char* start = block + f.offset;
  return std::string(start, strnlen(start, f.size));
}

// A numeric field: octal digits, space- or NUL-padded; or, for values octal cannot
// hold, GNU's base-256: the first byte's top bit set, the rest a big-endian number.
// nullopt for anything else, and for negative numbers, which no field here may hold.
std::optional<uint64_t> number_field(const char* block, Field f) {
  const auto* p = reinterpret_cast<const unsigned char*>(block + f.offset);
  if (p[0] & 0x80) {
    if (p[0] & 0x40) return std::nullopt;  // base-256, negative
    uint64_t value = p[0] & 0x3f;
    for (size_t i = 1; i < f.size; ++i) {
      if (value >> 55) return std::nullopt;  // beyond int64
      value = value << 8 | p[i];
    }
    return value;
  }
  size_t i = 0;
  while (i < f.size && (p[i] == ' ' || p[i] == '\0')) ++i;
  uint64_t value = 0;
  for (; i < f.size && p[i] >= '0' && p[i] <= '7'; ++i) value = value * 8 + (p[i] - '0');
  for (; i < f.size; ++i) {
    if (p[i] != ' ' && p[i] != '\0') return std::nullopt;
  }
  return value;
}

// A header's checksum holds the sum of its bytes, the checksum field counted as
// spaces. Old tars summed signed chars: either sum is accepted, as GNU tar does.
bool checksum_ok(const char* block) {
  std::optional<uint64_t> stored = number_field(block, kChecksum);
  if (!stored) return false;
  int64_t sum_unsigned = 0, sum_signed = 0;
  for (size_t i = 0; i < kBlock; ++i) {
    const bool in_field = i >= kChecksum.offset && i < kChecksum.offset + kChecksum.size;
    sum_unsigned += in_field ? ' ' : static_cast<unsigned char>(block[i]);
    sum_signed += in_field ? ' ' : static_cast<signed char>(block[i]);
  }
  return static_cast<int64_t>(*stored) == sum_unsigned || static_cast<int64_t>(*stored) == sum_signed;
}

bool all_zero(const char* block) {
  return std::all_of(block, block + kBlock, [](char c) { return c == 0; });
}

// Decimal digits only, as pax writes sizes and ids.
std::optional<uint64_t> parse_decimal(std::string_view text) {
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// A pax time: "[-]SECONDS[.FRACTION]".
std::optional<timespec> parse_pax_time(std::string_view text) {
  const bool negative = text.starts_with('-');
  if (negative) text.remove_prefix(1);
  const size_t dot = text.find('.');
  std::optional<uint64_t> seconds = parse_decimal(text.substr(0, dot));
  if (!seconds || *seconds > INT64_MAX - 1) return std::nullopt;
  long nanos = 0;
  if (dot != std::string_view::npos) {
    std::string_view fraction = text.substr(dot + 1);
    if (!std::all_of(fraction.begin(), fraction.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return std::nullopt;
    }
    for (size_t i = 0; i < 9; ++i) nanos = nanos * 10 + (i < fraction.size() ? fraction[i] - '0' : 0);
  }
  timespec t{static_cast<time_t>(*seconds), nanos};
  if (negative) t = nanos ? timespec{-t.tv_sec - 1, 1000000000 - nanos} : timespec{-t.tv_sec, 0};
  return t;
}

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
    return invalid("archive `" + archive_ + "`: header at offset " + std::to_string(offset) + ": " + why);
  }

  TarStream& in_;
  std::string archive_;
  std::string current_;    // the current entry's name, for messages
  uint64_t remaining_ = 0; // its unread contents
  uint64_t padding_ = 0;   // and the zeros that fill its last block
  std::vector<char> scratch_ = std::vector<char>(kBufferSize);
};

// A whole block: true; false at the end of the stream; Invalid when it ends inside one.
Result<bool> TarReader::read_block(char* block, uint64_t offset) {
  Result<size_t> n = in_.read(block, kBlock);
  if (!n) return n.error();
  if (n.value() == 0) return false;
  if (n.value() < kBlock) return at(offset, "truncated: the archive ends inside the header");
  return true;
}

Result<bool> TarReader::next(Entry& entry) {
  if (Status s = skip_rest(); !s) return s.error();
  Overrides over;
  for (;;) {
    const uint64_t offset = in_.offset();
    char block[kBlock];
    Result<bool> got = read_block(block, offset);
    if (!got) return got.error();
    // The stream may end at a header instead of with zero blocks: Go's archive/tar (and so
    // Docker and containerd) takes that as the end, and `umoci insert` (0.4) writes its layers so,
    // without the end blocks or even the last entry's padding. A cut there is still
    // caught: a layer's DiffID and a blob's digest cover every byte.
    if (!got.value()) {
      if (offset == 0) return at(offset, "truncated: the archive is empty");
      return false;
    }
    if (all_zero(block)) {
      // The end: two zero blocks, or one and the end of the stream (GNU tar accepts
      // that too). A zero block followed by more headers is refused: tools disagree on
      // whether they belong to the archive.
      Result<bool> second = read_block(block, offset + kBlock);
      if (!second) return second.error();
      if (second.value() && !all_zero(block)) return at(offset, "a zero block in the middle of the archive");
      return false;
    }
    if (!checksum_ok(block)) return at(offset, "bad checksum");
    std::optional<uint64_t> mode = number_field(block, kMode), uid = number_field(block, kUid),
                            gid = number_field(block, kGid), size = number_field(block, kSize),
                            mtime = number_field(block, kMtime);
    if (!mode || !uid || !gid || !size || !mtime || *size > INT64_MAX || *uid > UINT32_MAX || *gid > UINT32_MAX ||
        *mtime > INT64_MAX) {
      return at(offset, "a numeric field is malformed or out of range");
    }
    const char type = block[kTypeflag];
    // 'x' and 'L'/'K' describe the entry that follows; 'g' (pax global) is ignored.
    if (type == 'x' || type == 'g' || type == 'L' || type == 'K') {
      Result<std::string> data = read_metadata(*size, offset);
      if (!data) return data.error();
      if (type == 'x') {
        if (Status s = apply_pax(data.value(), over, offset); !s) return s.error();
      } else if (type != 'g') {
        std::string text = data.value().substr(0, data.value().find('\0'));
        (type == 'L' ? over.name : over.link) = std::move(text);
      }
      continue;
    }
    entry = Entry{};
    entry.type = type;
    entry.name = text_field(block, kName);
    // POSIX ustar ("ustar\0" "00") splits long names into prefix "/" name; GNU's magic
    // ("ustar  \0") keeps other fields there.
    const std::string prefix = text_field(block, kPrefix);
    if (std::memcmp(block + kMagic.offset, "ustar\0", 6) == 0 && !prefix.empty()) {
      entry.name = prefix + "/" + entry.name;
    }
    entry.link = text_field(block, kLinkname);
    entry.size = over.size.value_or(*size);
    entry.mode = static_cast<uint32_t>(*mode & 07777);
    entry.uid = static_cast<uint32_t>(over.uid.value_or(*uid));
    entry.gid = static_cast<uint32_t>(over.gid.value_or(*gid));
    entry.mtime = over.mtime.value_or(timespec{static_cast<time_t>(*mtime), 0});
    if (over.name) entry.name = *over.name;
    if (over.link) entry.link = *over.link;
    entry.xattrs = std::move(over.xattrs);
    // Links, devices, directories and FIFOs have no contents, whatever their size
    // field says (a hard link's may give its target's size): as Go's archive/tar reads.
    if (std::string_view("123456").find(type) != std::string_view::npos) entry.size = 0;
    current_ = entry.name;
    remaining_ = entry.size;
    padding_ = (kBlock - entry.size % kBlock) % kBlock;
    return true;
  }
}

// The contents of a metadata header (pax records, a GNU long name), held in memory:
// bounded by kMaxMetadata.
Result<std::string> TarReader::read_metadata(uint64_t size, uint64_t offset) {
  if (size > kMaxMetadata) return at(offset, "a pax or GNU long-name header larger than 1 MiB");
  std::string data(size, '\0');
  Result<size_t> n = in_.read(data.data(), data.size());
  if (!n) return n.error();
  const size_t padding = (kBlock - size % kBlock) % kBlock;
  char zeros[kBlock];
  Result<size_t> p = in_.read(zeros, padding);
  if (!p) return p.error();
  if (n.value() < size || p.value() < padding) return at(offset, "truncated: the archive ends inside its contents");
  return data;
}

// The records of a pax extended header, each "LENGTH KEY=VALUE\n" with LENGTH counting
// the whole record. Keys not listed here (atime, uname, comment, …) change nothing.
Status TarReader::apply_pax(std::string_view records, Overrides& over, uint64_t offset) {
  while (!records.empty()) {
    const size_t space = records.find(' ');
    std::optional<uint64_t> length = parse_decimal(records.substr(0, space));
    if (space == std::string_view::npos || !length || *length <= space + 1 || *length > records.size() ||
        records[*length - 1] != '\n') {
      return at(offset, "malformed pax record");
    }
    std::string_view record = records.substr(space + 1, *length - space - 2);
    records.remove_prefix(*length);
    const size_t eq = record.find('=');
    if (eq == std::string_view::npos) return at(offset, "malformed pax record");
    const std::string_view key = record.substr(0, eq), value = record.substr(eq + 1);
    std::optional<uint64_t> number;
    if (key == "path") {
      over.name = std::string(value);
    } else if (key == "linkpath") {
      over.link = std::string(value);
    } else if (key == "size" || key == "uid" || key == "gid") {
      number = parse_decimal(value);
      if (!number || *number > (key == "size" ? uint64_t{INT64_MAX} : uint64_t{UINT32_MAX})) {
        return at(offset, "pax record `" + printable(key) + "`: not a number in range");
      }
      (key == "size" ? over.size : key == "uid" ? over.uid : over.gid) = number;
    } else if (key == "mtime") {
      over.mtime = parse_pax_time(value);
      if (!over.mtime) return at(offset, "pax record `mtime`: not a time");
    } else if (key.starts_with("SCHILY.xattr.")) {
      over.xattrs.emplace_back(key.substr(13), value);
    } else if (key.starts_with("GNU.sparse.")) {
      // Sparse files keep a map of holes in their contents: written as they are they
      // would be wrong, so they are refused.
      return at(offset, "GNU sparse files are not supported");
    }
  }
  return {};
}

Result<size_t> TarReader::read(char* out, size_t size) {
  const size_t want = static_cast<size_t>(std::min<uint64_t>(size, remaining_));
  Result<size_t> n = in_.read(out, want);
  if (!n) return n.error();
  if (n.value() < want) {
    return invalid("archive `" + archive_ + "`: entry `" + printable(current_) +
                   "`: truncated: the archive ends inside its contents");
  }
  remaining_ -= want;
  return want;
}

Status TarReader::skip_rest() {
  while (remaining_ > 0) {
    Result<size_t> n = read(scratch_.data(), scratch_.size());
    if (!n) return n.error();
  }
  Result<size_t> p = in_.read(scratch_.data(), padding_);
  if (!p) return p.error();
  if (p.value() > 0 && p.value() < padding_) {  // none at all: the end (see next())
    return invalid("archive `" + archive_ + "`: entry `" + printable(current_) +
                   "`: truncated: the archive ends inside its contents");
  }
  padding_ = 0;
  return {};
}

// ---- Extractor: entries to files ---------------------------------------------------------

// What each entry type is called in messages; a type not here is refused.
struct EntryType {
  char type;
  const char* name;
};
constexpr EntryType kEntryTypes[] = {
    {'0', "regular file"},  {'\0', "regular file"}, {'7', "regular file"},  // '7': contiguous, a file
    {'1', "hard link"},     {'2', "symbolic link"}, {'3', "character device"},
    {'4', "block device"},  {'5', "directory"},     {'6', "FIFO"},
};

const char* type_name(char type) {
  for (const EntryType& t : kEntryTypes) {
    if (t.type == type) return t.name;
  }
  return nullptr;
}

bool is_file(char type) { return type == '0' || type == '\0' || type == '7'; }

// The entry's name as a path relative to dest: "./a//b/" → "a/b", "." and "./" → "".
// nullopt for an absolute name or one with a ".." component.
std::optional<std::string> clean_path(std::string_view name) {
  if (name.starts_with('/')) return std::nullopt;
  std::string out;
  size_t start = 0;
  while (start <= name.size()) {
    const size_t slash = std::min(name.find('/', start), name.size());
    const std::string_view part = name.substr(start, slash - start);
    if (part == "..") return std::nullopt;
    if (!part.empty() && part != ".") out += (out.empty() ? "" : "/") + std::string(part);
    start = slash + 1;
  }
  return out;
}

// "a/b/c" → {"a/b", "c"}; "c" → {"", "c"}.
std::pair<std::string, std::string> split_parent(const std::string& rel) {
  const size_t slash = rel.rfind('/');
  if (slash == std::string::npos) return {"", rel};
  return {rel.substr(0, slash), rel.substr(slash + 1)};
}

// openat2(2) with RESOLVE_IN_ROOT: `rel` is looked up as if `root` were "/", so ".."
// and absolute symlinks met on the way stop at root; magic links (/proc/…/fd) are
// refused. Returns the descriptor, or -1 with errno set.
int open_in_root(int root, const std::string& rel, uint64_t flags) {
  open_how how{};
  how.flags = flags | O_CLOEXEC;
  how.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  for (int attempt = 0;; ++attempt) {
    long fd = ::syscall(SYS_openat2, root, rel.empty() ? "." : rel.c_str(), &how, sizeof how);
    // EAGAIN: a rename elsewhere raced the lookup, and the kernel asks for a retry.
    if (fd >= 0 || (errno != EAGAIN && errno != EINTR) || attempt == 16) return static_cast<int>(fd);
  }
}

Status write_all(int fd, const char* data, size_t size, const std::string& where) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return sys_error("write", where, errno);
    data += n;
    size -= static_cast<size_t>(n);
  }
  return {};
}

// Creates entries under dest. Directories get their metadata last (finish()).
class Extractor {
 public:
  Extractor(std::string archive, fs::path dest, ArchiveKind kind, TarReader& reader)
      : archive_(std::move(archive)), dest_(std::move(dest)), kind_(kind), reader_(reader) {}

  // Opens dest. NotFound names it.
  Status open();
  // Creates `entry`, reading its contents from the reader.
  Status extract(const Entry& entry);
  // Sets the directories' owners, modes and times, deepest first.
  Status finish();

  uint64_t entries() const { return entries_; }
  uint64_t bytes() const { return bytes_; }

 private:
  Result<UniqueFd> open_dir(const std::string& rel, bool create);
  Result<bool> make_room(int parent, const std::string& leaf, const std::string& rel, bool keep_dir);
  Status make_file(int parent, const std::string& leaf, const std::string& rel, const Entry& e);
  Status make_dir(int parent, const std::string& leaf, const std::string& rel, const Entry& e);
  Status make_symlink(int parent, const std::string& leaf, const std::string& rel, const Entry& e);
  Status make_hardlink(int parent, const std::string& leaf, const std::string& rel, const Entry& e);
  Status make_fifo(int parent, const std::string& leaf, const std::string& rel, const Entry& e);
  Status whiteout(const std::string& dir, const std::string& leaf);
  Status set_metadata(int fd, const Entry& e, const std::string& rel, bool dir);
  Status set_xattr(const std::string& rel, const std::string& name, const std::string& value,
                   const std::function<int(const char*, const void*, size_t)>& set);

  // Errors name the archive and the entry being extracted (entry_).
  Error bad(const std::string& why) const {
    return invalid("archive `" + archive_ + "`: entry `" + entry_ + "`: " + why);
  }
  Error failed(const std::string& call, const std::string& rel, int err) const {
    Error e = sys_error(call, printable((dest_ / rel).string()), err);
    e.message = "archive `" + archive_ + "`: entry `" + entry_ + "`: " + e.message;
    return e;
  }

  std::string archive_;
  fs::path dest_;
  ArchiveKind kind_;
  TarReader& reader_;
  UniqueFd root_;       // dest, the root every path is resolved in
  std::string entry_;   // the current entry's name, printable
  std::map<std::string, Entry> dirs_;  // directory → its latest entry, for finish()
  std::vector<char> buf_ = std::vector<char>(kBufferSize);
  uint64_t entries_ = 0, bytes_ = 0;
};

Status Extractor::open() {
  root_.reset(::open(dest_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!root_.valid()) return sys_error("open destination", dest_, errno);
  return {};
}

Status Extractor::extract(const Entry& e) {
  entry_ = printable(e.name);
  ++entries_;
  const char* what = type_name(e.type);
  if (what == nullptr) return bad("entry type `" + printable(std::string(1, e.type)) + "` is not supported");
  if (e.type == '3' || e.type == '4') return bad(std::string(what) + "s are refused");
  if (kind_ == ArchiveKind::Layout && !is_file(e.type) && e.type != '5') {
    return bad(std::string(what) + " in an image layout (only directories and regular files)");
  }
  if (e.name.find('\0') != std::string::npos || e.link.find('\0') != std::string::npos) {
    return bad("a name with a NUL byte");
  }
  std::optional<std::string> rel = clean_path(e.name);
  if (!rel) return bad("path leaves the directory");
  if (rel->empty()) {  // "." or "./": dest itself, which only a directory entry may describe
    if (e.type != '5') return bad(std::string(what) + " named as the directory itself");
    dirs_[""] = e;
    return {};
  }
  auto [parent_rel, leaf] = split_parent(*rel);
  if (kind_ == ArchiveKind::Layer) {
    if (rel->starts_with(".wh..wh.") && *rel != ".wh..wh..opq") return {};  // AUFS's, at the root: see whiteout()
    if (leaf.starts_with(".wh.")) return whiteout(parent_rel, leaf);
  }
  Result<UniqueFd> parent = open_dir(parent_rel, true);
  if (!parent) return parent.error();
  const int dir = parent.value().get();
  switch (e.type) {
    case '5': return make_dir(dir, leaf, *rel, e);
    case '1': return make_hardlink(dir, leaf, *rel, e);
    case '2': return make_symlink(dir, leaf, *rel, e);
    case '6': return make_fifo(dir, leaf, *rel, e);
    default: return make_file(dir, leaf, *rel, e);
  }
}

// Directory `rel` in root, opened for reading. With `create`, the directories missing
// on the way are made (0755). Each step resolves the whole prefix in-root again, so a
// symlink an earlier entry made is followed the way it will be inside the container.
Result<UniqueFd> Extractor::open_dir(const std::string& rel, bool create) {
  UniqueFd dir(open_in_root(root_.get(), rel, O_RDONLY | O_DIRECTORY));
  if (dir.valid()) return dir;
  if (errno != ENOENT || !create) return failed("open directory", rel, errno);
  dir.reset(open_in_root(root_.get(), "", O_RDONLY | O_DIRECTORY));
  for (size_t start = 0; start <= rel.size();) {
    const size_t slash = std::min(rel.find('/', start), rel.size());
    const std::string prefix = rel.substr(0, slash), name = rel.substr(start, slash - start);
    start = slash + 1;
    UniqueFd next(open_in_root(root_.get(), prefix, O_RDONLY | O_DIRECTORY));
    bool made = false;
    if (!next.valid() && errno == ENOENT) {
      made = ::mkdirat(dir.get(), name.c_str(), 0755) == 0;
      if (!made && errno != EEXIST) return failed("mkdir", prefix, errno);
      next.reset(open_in_root(root_.get(), prefix, O_RDONLY | O_DIRECTORY));
    }
    if (!next.valid()) return failed("open directory", prefix, errno);
    if (made && ::fchmod(next.get(), 0755) != 0) return failed("chmod", prefix, errno);  // whatever the umask
    dir = std::move(next);
  }
  return dir;
}

// Clears the way for a new `leaf` in `parent`: a later entry replaces an earlier one of
// the same name. A non-directory is unlinked, an empty directory removed; a directory
// with contents stays and fails the entry, unless `keep_dir` (a directory entry over a
// directory), when it is kept and true returned.
Result<bool> Extractor::make_room(int parent, const std::string& leaf, const std::string& rel, bool keep_dir) {
  struct stat st{};
  if (::fstatat(parent, leaf.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return false;
    return failed("stat", rel, errno);
  }
  if (S_ISDIR(st.st_mode) && keep_dir) return true;
  if (::unlinkat(parent, leaf.c_str(), S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0) == 0) return false;
  if (errno == ENOTEMPTY || errno == EEXIST) return bad("would replace a directory that is not empty");
  return failed("remove", rel, errno);
}

Status Extractor::make_file(int parent, const std::string& leaf, const std::string& rel, const Entry& e) {
  if (Result<bool> r = make_room(parent, leaf, rel, false); !r) return r.error();
  UniqueFd fd(::openat(parent, leaf.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!fd.valid()) return failed("create", rel, errno);
  for (;;) {
    Result<size_t> n = reader_.read(buf_.data(), buf_.size());
    if (!n) return n.error();
    if (n.value() == 0) break;
    if (Status s = write_all(fd.get(), buf_.data(), n.value(), printable((dest_ / rel).string())); !s) {
      return Error{s.error().code, "archive `" + archive_ + "`: entry `" + entry_ + "`: " + s.error().message};
    }
    bytes_ += n.value();
  }
  return set_metadata(fd.get(), e, rel, false);
}

// A directory over a directory keeps it (and its contents); either way its metadata
// waits for finish(): entries created in it later would move its mtime, and a
// read-only mode set now could stop them.
Status Extractor::make_dir(int parent, const std::string& leaf, const std::string& rel, const Entry& e) {
  Result<bool> kept = make_room(parent, leaf, rel, true);
  if (!kept) return kept.error();
  if (!kept.value() && ::mkdirat(parent, leaf.c_str(), 0700) != 0) return failed("mkdir", rel, errno);
  dirs_[rel] = e;
  return {};
}

// The target is stored as written: it is resolved later, inside the container's root.
Status Extractor::make_symlink(int parent, const std::string& leaf, const std::string& rel, const Entry& e) {
  if (Result<bool> r = make_room(parent, leaf, rel, false); !r) return r.error();
  if (::symlinkat(e.link.c_str(), parent, leaf.c_str()) != 0) return failed("symlink", rel, errno);
  if (kind_ != ArchiveKind::Layer) return {};
  // A symlink cannot be opened for writing: its metadata is set by name, never following it.
  if (::fchownat(parent, leaf.c_str(), e.uid, e.gid, AT_SYMLINK_NOFOLLOW) != 0) return failed("chown", rel, errno);
  const std::string path = "/proc/self/fd/" + std::to_string(parent) + "/" + leaf;
  for (const auto& [name, value] : e.xattrs) {
    if (Status s = set_xattr(rel, name, value,
                             [&](const char* n, const void* v, size_t size) {
                               return ::lsetxattr(path.c_str(), n, v, size, 0);
                             });
        !s) {
      return s;
    }
  }
  const timespec times[2] = {e.mtime, e.mtime};
  if (::utimensat(parent, leaf.c_str(), times, AT_SYMLINK_NOFOLLOW) != 0) return failed("set times of", rel, errno);
  return {};
}

// The target is an earlier entry, looked up in-root like any name; linkat() without
// AT_SYMLINK_FOLLOW links the target itself, even when it is a symlink.
Status Extractor::make_hardlink(int parent, const std::string& leaf, const std::string& rel, const Entry& e) {
  std::optional<std::string> target = clean_path(e.link);
  if (!target || target->empty()) return bad("hard link target `" + printable(e.link) + "` leaves the directory");
  const std::string missing = "hard link to `" + printable(e.link) + "`, which no earlier entry created";
  auto [target_dir_rel, target_leaf] = split_parent(*target);
  Result<UniqueFd> target_dir = open_dir(target_dir_rel, false);
  if (!target_dir) return target_dir.error().code == ErrorCode::NotFound ? bad(missing) : target_dir.error();
  struct stat there{}, here{};
  if (::fstatat(target_dir.value().get(), target_leaf.c_str(), &there, AT_SYMLINK_NOFOLLOW) != 0) {
    return errno == ENOENT ? bad(missing) : failed("stat", *target, errno);
  }
  if (S_ISDIR(there.st_mode)) return bad("hard link to the directory `" + printable(e.link) + "`");
  if (::fstatat(parent, leaf.c_str(), &here, AT_SYMLINK_NOFOLLOW) == 0 && here.st_dev == there.st_dev &&
      here.st_ino == there.st_ino) {
    return {};  // already that very file (a link to itself, or the same link twice)
  }
  if (Result<bool> r = make_room(parent, leaf, rel, false); !r) return r.error();
  if (::linkat(target_dir.value().get(), target_leaf.c_str(), parent, leaf.c_str(), 0) != 0) {
    return failed("link", rel, errno);
  }
  return {};
}

Status Extractor::make_fifo(int parent, const std::string& leaf, const std::string& rel, const Entry& e) {
  if (Result<bool> r = make_room(parent, leaf, rel, false); !r) return r.error();
  if (::mknodat(parent, leaf.c_str(), S_IFIFO | 0600, 0) != 0) return failed("mknod", rel, errno);
  // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
  UniqueFd fd(::openat(parent, leaf.c_str(), O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC));
  if (!fd.valid()) return failed("open", rel, errno);
  return set_metadata(fd.get(), e, rel, false);
}

// OCI's deletion markers, in overlayfs' form: `.wh.NAME` becomes a 0/0 character device
// NAME, `.wh..wh..opq` the xattr trusted.overlay.opaque="y" on its directory. Other
// `.wh..wh.` names are AUFS's own bookkeeping (e.g. the hard-link directory
// `.wh..wh.plnk` at the layer's root, and what it holds): skipped, as Docker skips them.
Status Extractor::whiteout(const std::string& dir_rel, const std::string& leaf) {
  if (leaf.starts_with(".wh..wh.") && leaf != ".wh..wh..opq") return {};
  Result<UniqueFd> dir = open_dir(dir_rel, true);
  if (!dir) return dir.error();
  if (leaf == ".wh..wh..opq") {
    if (::fsetxattr(dir.value().get(), "trusted.overlay.opaque", "y", 1, 0) != 0) {
      return failed("set trusted.overlay.opaque on", dir_rel, errno);
    }
    return {};
  }
  const std::string name = leaf.substr(4);
  if (name.empty() || name == "." || name == "..") return bad("a whiteout that names no file");
  const std::string rel = dir_rel.empty() ? name : dir_rel + "/" + name;
  // A whiteout hides what the layers *below* hold (image-spec, layer.md): a file this
  // same layer wrote stays, and overlayfs cannot show both, so the whiteout goes.
  struct stat st {};
  if (::fstatat(dir.value().get(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) return {};
  if (::mknodat(dir.value().get(), name.c_str(), S_IFCHR | 0, makedev(0, 0)) != 0) {
    return failed("mknod whiteout", rel, errno);
  }
  return {};
}

Status Extractor::finish() {
  // Deepest first: a parent's read-only mode must not stop its children's updates.
  std::vector<const std::pair<const std::string, Entry>*> order;
  for (const auto& dir : dirs_) order.push_back(&dir);
  auto depth = [](const std::string& rel) { return rel.empty() ? 0 : 1 + std::count(rel.begin(), rel.end(), '/'); };
  std::stable_sort(order.begin(), order.end(), [&](auto* a, auto* b) { return depth(a->first) > depth(b->first); });
  for (const auto* dir : order) {
    const auto& [rel, e] = *dir;
    entry_ = printable(e.name);
    // O_NOFOLLOW: a later entry may have put a symlink, a file or nothing in its place.
    UniqueFd fd(open_in_root(root_.get(), rel, O_RDONLY | O_DIRECTORY | O_NOFOLLOW));
    if (!fd.valid() && (errno == ENOENT || errno == ENOTDIR || errno == ELOOP)) continue;
    if (!fd.valid()) return failed("open directory", rel, errno);
    if (Status s = set_metadata(fd.get(), e, rel, true); !s) return s;
  }
  return {};
}

// A layer keeps owner, mode (setuid, setgid and sticky too), xattrs and mtime; chown
// goes first, since it clears setuid, setgid and security.capability. A layout keeps
// only the permission bits, and always lets its owner read, write and remove.
Status Extractor::set_metadata(int fd, const Entry& e, const std::string& rel, bool dir) {
  if (kind_ == ArchiveKind::Layout) {
    if (::fchmod(fd, (e.mode & 0777) | (dir ? 0700 : 0600)) != 0) return failed("chmod", rel, errno);
    return {};
  }
  if (::fchown(fd, e.uid, e.gid) != 0) return failed("chown", rel, errno);
  if (::fchmod(fd, e.mode & 07777) != 0) return failed("chmod", rel, errno);
  for (const auto& [name, value] : e.xattrs) {
    if (Status s = set_xattr(rel, name, value,
                             [&](const char* n, const void* v, size_t size) { return ::fsetxattr(fd, n, v, size, 0); });
        !s) {
      return s;
    }
  }
  const timespec times[2] = {e.mtime, e.mtime};  // atime as mtime, as tar and containerd set it
  if (::futimens(fd, times) != 0) return failed("set times of", rel, errno);
  return {};
}

// One xattr from SCHILY.xattr.NAME. trusted.overlay.* is overlayfs' own state (opaque
// dirs, redirects): a layer may not set it except through whiteouts. A failure matters
// only for security.capability (a binary's file capabilities); others, like user.*
// on a filesystem without them, are dropped as Docker drops them.
Status Extractor::set_xattr(const std::string& rel, const std::string& name, const std::string& value,
                            const std::function<int(const char*, const void*, size_t)>& set) {
  if (name.starts_with("trusted.overlay.") || name.find('\0') != std::string::npos) return {};
  if (set(name.c_str(), value.data(), value.size()) != 0 && name == "security.capability") {
    return failed("set xattr " + name + " on", rel, errno);
  }
  return {};
}

}  // namespace

Result<ExtractStats> extract_archive(const fs::path& archive, const fs::path& dest, ArchiveKind kind) {
  TarStream in(archive.string());
  if (Status s = in.open(); !s) return s.error();
  TarReader reader(in, archive.string());
  Extractor out(archive.string(), dest, kind, reader);
  if (Status s = out.open(); !s) return s.error();
  Entry entry;
  for (;;) {
    Result<bool> more = reader.next(entry);
    if (!more) return more.error();
    if (!more.value()) break;
    if (Status s = out.extract(entry); !s) return s.error();
  }
  if (Status s = out.finish(); !s) return s.error();
  if (Status s = in.drain(); !s) return s.error();
  ExtractStats stats;
  stats.diff_id = in.digest();
  stats.entries = out.entries();
  stats.bytes = out.bytes();
  return stats;
}

}  // namespace kubepp::runtime

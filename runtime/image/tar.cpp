#include "runtime/image/tar.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <optional>

namespace kubepp::runtime::tar {

namespace {

Error invalid(const std::string& message) { return Error{ErrorCode::Invalid, message}; }

}  // namespace

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

}  // namespace kubepp::runtime::tar

// tar_writer.h — tar archives built in memory, for tests of image layers and layouts.
//
// TarWriter writes what an honest tar writes: POSIX ustar headers, the prefix field or
// a pax 'x' header (or GNU 'L'/'K' headers) for names ustar cannot hold, pax records
// for big ids and xattrs. raw_header() and raw() write what a hostile one might: any
// name, type, size or checksum. gzip() compresses the result as image layers are.
//
//   TarWriter w;
//   w.dir("etc").file("etc/passwd", "root:x:0:0::/root:/bin/sh\n", 0644).symlink("bin", "usr/bin");
//   w.whiteout("etc/shadow");               // an empty file etc/.wh.shadow
//   std::string layer = gzip(w.tar());
//
// Header-only, with zlib; no kubepp code, so any test binary can include it.
#pragma once

#include <zlib.h>

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <map>
#include <optional>
#include <stdexcept>
#include <string>

namespace kubepp::testing {

/// The mtime of entries that give none: 2023-11-14, a fixed time keeps archives
/// byte-for-byte reproducible.
constexpr int64_t kTarMtime = 1700000000;

/// Mode, owner, time and xattrs of an entry, set in a chain:
///   TarAttrs(04755).owner(1000, 1000).mtime(1234567890).xattr("trusted.x", "y")
/// An owner left out is the writer's (TarWriter::owner), 0:0 unless set.
struct TarAttrs {
  explicit TarAttrs(uint32_t mode_bits = 0644) : mode(mode_bits) {}
  TarAttrs& owner(uint32_t user, uint32_t group) {
    uid = user;
    gid = group;
    return *this;
  }
  TarAttrs& mtime(int64_t seconds) {
    time = seconds;
    return *this;
  }
  /// Written as a pax SCHILY.xattr.NAME record.
  TarAttrs& xattr(const std::string& name, const std::string& value) {
    xattrs[name] = value;
    return *this;
  }

  uint32_t mode;
  std::optional<uint32_t> uid, gid;
  int64_t time = kTarMtime;
  std::map<std::string, std::string> xattrs;
};

/// Every field of one header, written as given by raw_header(): nothing is checked,
/// split or moved to pax records.
struct TarHeader {
  std::string name;      ///< cut at 100 bytes
  char type = '0';
  std::string link;      ///< cut at 100 bytes
  uint32_t mode = 0644;
  uint64_t uid = 0, gid = 0;
  int64_t mtime = kTarMtime;
  std::optional<uint64_t> size;      ///< the size field; by default the data's size
  std::string prefix;                ///< ustar's prefix field (155 bytes)
  std::optional<uint32_t> checksum;  ///< by default the right one
  bool gnu = false;                  ///< GNU magic "ustar  \0" rather than POSIX "ustar\0" "00"
  bool base256 = false;              ///< numbers in GNU base-256, not octal
  uint32_t dev_major = 0, dev_minor = 0;
};

/// How names longer than ustar holds are written.
enum class LongNames { Pax, Gnu };

class TarWriter {
 public:
  explicit TarWriter(LongNames long_names = LongNames::Pax) : long_names_(long_names) {}

  /// The owner of later entries whose attrs give none.
  TarWriter& owner(uint32_t uid, uint32_t gid) {
    uid_ = uid;
    gid_ = gid;
    return *this;
  }

  TarWriter& file(const std::string& name, const std::string& data, uint32_t mode = 0644) {
    return file(name, data, TarAttrs(mode));
  }
  TarWriter& file(const std::string& name, const std::string& data, const TarAttrs& attrs) {
    return entry('0', name, "", data, attrs);
  }
  TarWriter& dir(const std::string& name, uint32_t mode = 0755) { return dir(name, TarAttrs(mode)); }
  TarWriter& dir(const std::string& name, const TarAttrs& attrs) { return entry('5', name, "", "", attrs); }
  TarWriter& symlink(const std::string& name, const std::string& target, const TarAttrs& attrs = TarAttrs(0777)) {
    return entry('2', name, target, "", attrs);
  }
  /// A hard link `name` to the earlier entry `target`.
  TarWriter& hardlink(const std::string& name, const std::string& target) {
    return entry('1', name, target, "", TarAttrs(0644));
  }
  TarWriter& fifo(const std::string& name, uint32_t mode = 0644) { return entry('6', name, "", "", TarAttrs(mode)); }
  /// A character ('3') or block ('4') device.
  TarWriter& device(const std::string& name, char type, uint32_t major = 1, uint32_t minor = 3) {
    TarHeader h = header(type, name, "", 0, TarAttrs(0600));
    h.dev_major = major;
    h.dev_minor = minor;
    return raw_header(h);
  }
  /// OCI's mark that `path` ("dir/name") was deleted: an empty file "dir/.wh.name".
  TarWriter& whiteout(const std::string& path) {
    const size_t slash = path.rfind('/');
    const std::string dir = slash == std::string::npos ? "" : path.substr(0, slash + 1);
    return file(dir + ".wh." + path.substr(slash + 1), "", 0644);
  }
  /// OCI's mark that `dir` hides what lower layers had in it: "dir/.wh..wh..opq".
  TarWriter& opaque(const std::string& dir) { return file(dir + "/.wh..wh..opq", "", 0644); }

  /// A pax 'x' header with `records` (key → value), which apply to the next entry.
  TarWriter& pax(const std::map<std::string, std::string>& records, char type = 'x') {
    std::string data;
    for (const auto& [key, value] : records) data += pax_record(key, value);
    TarHeader h = header(type, "PaxHeaders/entry", "", data.size(), TarAttrs(0644));
    return raw_header(h, data);
  }
  /// A header written exactly as given, then `data` padded to a whole block.
  TarWriter& raw_header(const TarHeader& h, const std::string& data = "") {
    out_ += encode(h, data.size());
    out_ += data;
    out_.append(padding(data.size()), '\0');
    return *this;
  }
  /// Bytes appended as they are.
  TarWriter& raw(const std::string& bytes) {
    out_ += bytes;
    return *this;
  }

  /// The archive: the entries, then the two zero blocks that end it.
  std::string tar() const { return out_ + std::string(1024, '\0'); }
  /// The entries alone, with no end-of-archive blocks.
  const std::string& entries() const { return out_; }

 private:
  TarWriter& entry(char type, const std::string& name, const std::string& link, const std::string& data,
                   const TarAttrs& attrs) {
    TarHeader h = header(type, name, link, data.size(), attrs);
    std::map<std::string, std::string> records;
    for (const auto& [key, value] : attrs.xattrs) records["SCHILY.xattr." + key] = value;
    if (h.uid > 07777777) records["uid"] = std::to_string(h.uid);
    if (h.gid > 07777777) records["gid"] = std::to_string(h.gid);
    if (h.mtime < 0 || h.mtime > 077777777777) records["mtime"] = std::to_string(h.mtime);
    if (!split_name(name, h)) {
      if (long_names_ == LongNames::Gnu) {
        gnu_long('L', name);
      } else {
        records["path"] = name;
      }
    }
    if (link.size() > 100) {
      if (long_names_ == LongNames::Gnu) {
        gnu_long('K', link);
      } else {
        records["linkpath"] = link;
      }
    }
    if (!records.empty()) pax(records);
    return raw_header(h, data);
  }

  TarHeader header(char type, const std::string& name, const std::string& link, uint64_t size,
                   const TarAttrs& attrs) const {
    TarHeader h;
    h.type = type;
    h.name = name;
    h.link = link;
    h.size = size;
    h.mode = attrs.mode;
    h.uid = attrs.uid.value_or(uid_);
    h.gid = attrs.gid.value_or(gid_);
    h.mtime = attrs.time;
    h.gnu = long_names_ == LongNames::Gnu;
    return h;
  }

  // Fits `name` in the header: whole, or (POSIX ustar) split at a '/' into prefix and
  // name. False when it fits neither way and needs a long-name record.
  static bool split_name(const std::string& name, TarHeader& h) {
    if (name.size() <= 100) return true;
    if (h.gnu) return false;
    for (size_t slash = name.find('/'); slash != std::string::npos; slash = name.find('/', slash + 1)) {
      if (slash <= 155 && name.size() - slash - 1 <= 100 && slash + 1 < name.size()) {
        h.prefix = name.substr(0, slash);
        h.name = name.substr(slash + 1);
        return true;
      }
    }
    return false;
  }

  void gnu_long(char type, const std::string& text) {
    TarHeader h;
    h.name = "././@LongLink";
    h.type = type;
    h.mode = 0;
    h.mtime = 0;
    h.gnu = true;
    raw_header(h, text + '\0');
  }

  // "LENGTH KEY=VALUE\n", LENGTH counting its own digits.
  static std::string pax_record(const std::string& key, const std::string& value) {
    const size_t rest = 1 + key.size() + 1 + value.size() + 1;
    size_t length = rest + 1;
    while (std::to_string(length).size() + rest != length) ++length;
    return std::to_string(length) + " " + key + "=" + value + "\n";
  }

  static size_t padding(size_t size) { return (512 - size % 512) % 512; }

  // A number in a field of `width` bytes: octal digits and a NUL, or base-256.
  static void number(char* field, size_t width, uint64_t value, bool base256) {
    if (base256) {
      std::memset(field, 0, width);
      field[0] = static_cast<char>(0x80);
      for (size_t i = width - 1; i > 0 && value > 0; --i, value >>= 8) field[i] = static_cast<char>(value & 0xff);
      return;
    }
    field[width - 1] = '\0';  // width - 1 octal digits, zero-filled; higher digits are lost
    for (size_t i = width - 1; i > 0; --i, value >>= 3) field[i - 1] = static_cast<char>('0' + (value & 7));
  }

  // `text` in a field of `width` bytes, cut there, NUL-filled.
  static void text(char* field, size_t width, const std::string& value) {
    std::memcpy(field, value.data(), std::min(width, value.size()));
  }

  static std::string encode(const TarHeader& h, size_t data_size) {
    char b[512] = {};
    text(b, 100, h.name);
    number(b + 100, 8, h.mode, h.base256);
    number(b + 108, 8, h.uid, h.base256);
    number(b + 116, 8, h.gid, h.base256);
    number(b + 124, 12, h.size.value_or(data_size), h.base256);
    number(b + 136, 12, static_cast<uint64_t>(h.mtime), h.base256);
    b[156] = h.type;
    text(b + 157, 100, h.link);
    std::memcpy(b + 257, h.gnu ? "ustar  \0" : "ustar\0" "00", 8);
    number(b + 329, 8, h.dev_major, false);
    number(b + 337, 8, h.dev_minor, false);
    text(b + 345, 155, h.prefix);
    std::memset(b + 148, ' ', 8);
    unsigned sum = 0;
    for (unsigned char c : b) sum += c;
    number(b + 148, 7, h.checksum.value_or(sum), false);  // six digits and a NUL; the space stays
    return std::string(b, sizeof b);
  }

  LongNames long_names_;
  uint32_t uid_ = 0, gid_ = 0;
  std::string out_;
};

/// `data` as a gzip member (RFC 1952), as `gzip -6` writes it.
inline std::string gzip(const std::string& data) {
  z_stream z{};
  if (deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    throw std::runtime_error("gzip: deflateInit2 failed");
  }
  std::string out(deflateBound(&z, data.size()), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  z.avail_in = static_cast<uInt>(data.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) throw std::runtime_error("gzip: deflate did not finish");
  return out;
}

}  // namespace kubepp::testing

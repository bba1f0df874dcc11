// wal.cpp — segments of checksummed records; recovery that tells a torn end from damage.
#include "cluster/store/wal.h"

#include <algorithm>
#include <array>
#include <cinttypes>
#include <cstdio>
#include <cstring>

namespace kubepp::store {

namespace {

constexpr size_t kHeader = 9;  // u32 length, u8 type, u32 crc

std::array<uint32_t, 256> make_crc_table() {
  std::array<uint32_t, 256> t{};
  for (uint32_t i = 0; i < 256; i++) {
    uint32_t c = i;
    for (int k = 0; k < 8; k++) c = (c & 1) ? 0x82F63B78u ^ (c >> 1) : c >> 1;
    t[i] = c;
  }
  return t;
}

void put_u32(std::string& out, uint32_t v) {
  for (int i = 0; i < 4; i++) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint32_t get_u32(std::string_view in, size_t at) {
  uint32_t v = 0;
  for (int i = 3; i >= 0; i--) v = (v << 8) | static_cast<uint8_t>(in[at + static_cast<size_t>(i)]);
  return v;
}

// "0000000000000001.wal" → 1; 0 when the name is not a segment's.
uint64_t segment_number(const std::string& name) {
  if (name.size() != 20 || name.substr(16) != ".wal") return 0;
  uint64_t n = 0;
  for (char c : name.substr(0, 16)) {
    if (c < '0' || c > '9') return 0;
    n = n * 10 + static_cast<uint64_t>(c - '0');
  }
  return n;
}

uint32_t record_crc(uint8_t type, std::string_view payload) {
  char t = static_cast<char>(type);
  return crc32c(payload, crc32c(std::string_view(&t, 1)));
}

}  // namespace

uint32_t crc32c(std::string_view data, uint32_t crc) {
  static const std::array<uint32_t, 256> table = make_crc_table();
  crc = ~crc;
  for (char ch : data) crc = table[(crc ^ static_cast<uint8_t>(ch)) & 0xff] ^ (crc >> 8);
  return ~crc;
}

std::string Wal::encode(uint8_t type, std::string_view payload) {
  std::string out;
  out.reserve(kHeader + payload.size());
  put_u32(out, static_cast<uint32_t>(payload.size()));
  out.push_back(static_cast<char>(type));
  put_u32(out, record_crc(type, payload));
  out.append(payload);
  return out;
}

Result<std::string_view> Wal::decode(std::string_view record, uint8_t type) {
  auto bad = [](const std::string& why) { return Error{ErrorCode::Invalid, why}; };
  if (record.size() < kHeader) return bad("short record header");
  size_t len = get_u32(record, 0);
  if (record.size() - kHeader != len) return bad("record length " + std::to_string(len) + " does not match the file");
  if (static_cast<uint8_t>(record[4]) != type) return bad("record type " + std::to_string(static_cast<uint8_t>(record[4])));
  std::string_view payload = record.substr(kHeader);
  if (record_crc(type, payload) != get_u32(record, 5)) return bad("checksum mismatch");
  return payload;
}

std::string Wal::segment_path(uint64_t n) const {
  char name[32];
  std::snprintf(name, sizeof name, "%016" PRIu64 ".wal", n);
  return dir_ + "/" + name;
}

Result<std::unique_ptr<Wal>> Wal::open(FileSystem& fs, const std::string& dir, Options opts,
                                       const Replay& replay) {
  if (Status st = fs.mkdirs(dir); !st) return st.error();
  Result<std::vector<std::string>> names = fs.list(dir);
  if (!names) return names.error();
  std::vector<uint64_t> segments, covered;
  for (const std::string& name : names.value()) {
    uint64_t n = segment_number(name);
    if (n != 0) (n < opts.first_segment ? covered : segments).push_back(n);
  }
  std::unique_ptr<Wal> wal(new Wal(fs, dir, opts));
  if (Status st = wal->recover(segments, replay); !st) return st.error();
  for (uint64_t n : covered) {
    if (Status st = fs.remove(wal->segment_path(n)); !st) return st.error();
  }
  if (!covered.empty() && opts.fsync) {
    if (Status st = fs.sync_dir(dir); !st) return st.error();
  }
  return wal;
}

// Replays every segment; truncates a torn end of the last one; opens it for appending.
Status Wal::recover(const std::vector<uint64_t>& segments, const Replay& replay) {
  for (size_t i = 0; i < segments.size(); i++) {
    bool last = i + 1 == segments.size();
    std::string path = segment_path(segments[i]);
    Result<std::string> data = fs_.read(path);
    if (!data) return data.error();
    std::string_view in = data.value();
    size_t at = 0;
    while (at < in.size()) {
      const char* damage = nullptr;
      size_t len = in.size() - at >= kHeader ? get_u32(in, at) : 0;
      if (in.size() - at < kHeader) {
        damage = "short record header";
      } else if (in.size() - at - kHeader < len) {
        damage = "short record payload";
      } else if (record_crc(static_cast<uint8_t>(in[at + 4]), in.substr(at + kHeader, len)) !=
                 get_u32(in, at + 5)) {
        damage = "checksum mismatch";
      }
      bool at_end = damage != nullptr && (std::strcmp(damage, "checksum mismatch") != 0 ||
                                          at + kHeader + len == in.size());
      if (damage != nullptr && last && at_end) {  // a torn last write: never acknowledged
        std::fprintf(stderr, "kubepp store: wal: dropping a torn last record in `%s` at offset %zu (%s)\n",
                     path.c_str(), at, damage);
        if (Status st = fs_.truncate(path, at); !st) return st;
        break;
      }
      if (damage != nullptr) {
        return Error{ErrorCode::Internal, "wal: corrupted record in `" + path + "` at offset " +
                                              std::to_string(at) + ": " + damage +
                                              " (acknowledged writes follow it; refusing to open)"};
      }
      if (Status st = replay(static_cast<uint8_t>(in[at + 4]), in.substr(at + kHeader, len)); !st) {
        return Error{ErrorCode::Internal, "wal: record in `" + path + "` at offset " + std::to_string(at) +
                                              " does not replay: " + st.error().message};
      }
      at += kHeader + len;
    }
  }
  segments_ = segments;
  if (segments_.empty()) {  // a new log: make its directory's own entry durable too
    size_t slash = dir_.rfind('/');
    if (opts_.fsync && slash != std::string::npos && slash > 0) {
      if (Status st = fs_.sync_dir(dir_.substr(0, slash)); !st) return st;
    }
    return start_segment(std::max<uint64_t>(opts_.first_segment, 1));
  }
  Result<std::unique_ptr<File>> f = fs_.open_append(segment_path(segments_.back()));
  if (!f) return f.error();
  tail_ = std::move(f).value();
  return {};
}

// Creates segment n and makes its name durable before any record goes in.
Status Wal::start_segment(uint64_t n) {
  Result<std::unique_ptr<File>> f = fs_.open_append(segment_path(n));
  if (!f) return f.error();
  if (opts_.fsync) {
    if (Status st = fs_.sync_dir(dir_); !st) return st;
  }
  tail_ = std::move(f).value();
  segments_.push_back(n);
  return {};
}

Status Wal::append(const std::vector<const std::string*>& records) {
  if (tail_->size() >= opts_.segment_bytes) {
    if (Status st = start_segment(segments_.back() + 1); !st) return st;
  }
  std::string batch;  // one write(2) for the whole group
  for (const std::string* r : records) batch += *r;
  if (Status st = tail_->append(batch); !st) return st;
  if (opts_.fsync) return tail_->datasync();
  return {};
}

Result<uint64_t> Wal::cut() {
  if (Status st = start_segment(segments_.back() + 1); !st) return st.error();
  return segments_.back();
}

Status Wal::drop_before(uint64_t segment) {
  while (!segments_.empty() && segments_.front() < segment) {
    if (Status st = fs_.remove(segment_path(segments_.front())); !st) return st;
    segments_.erase(segments_.begin());
  }
  if (opts_.fsync) return fs_.sync_dir(dir_);
  return {};
}

}  // namespace kubepp::store

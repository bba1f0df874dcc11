// codec.h — the store's on-disk encoding of numbers and strings, shared by WAL records
// (wal_record.cpp) and snapshots (snapshot.cpp).
//
// Integers are 8 bytes little-endian, booleans and small enums 1 byte, strings a u32
// length and the bytes. Framing and checksums are the caller's (Wal::encode).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace kubepp::store {

class ByteWriter {
 public:
  void u8(uint8_t v) { out_.push_back(static_cast<char>(v)); }
  void i64(int64_t v) {
    for (int i = 0; i < 8; i++) out_.push_back(static_cast<char>((static_cast<uint64_t>(v) >> (8 * i)) & 0xff));
  }
  void str(const std::string& s) {
    for (int i = 0; i < 4; i++) out_.push_back(static_cast<char>((s.size() >> (8 * i)) & 0xff));
    out_ += s;
  }
  std::string take() { return std::move(out_); }

 private:
  std::string out_;
};

/// Reads what ByteWriter wrote; a read past the end marks the input bad and returns zeros,
/// so a decoder reads everything and asks ok() once at the end.
class ByteReader {
 public:
  explicit ByteReader(std::string_view in) : in_(in) {}
  /// True when every read succeeded and the input is used up.
  bool ok() const { return !bad_ && at_ == in_.size(); }
  bool bad() const { return bad_; }
  void set_bad() { bad_ = true; }
  uint8_t u8() { return need(1) ? static_cast<uint8_t>(in_[at_++]) : 0; }
  bool flag() { return u8() != 0; }
  int64_t i64() {
    if (!need(8)) return 0;
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = (v << 8) | static_cast<uint8_t>(in_[at_ + static_cast<size_t>(i)]);
    at_ += 8;
    return static_cast<int64_t>(v);
  }
  std::string str() {
    if (!need(4)) return {};
    size_t n = 0;
    for (int i = 3; i >= 0; i--) n = (n << 8) | static_cast<uint8_t>(in_[at_ + static_cast<size_t>(i)]);
    at_ += 4;
    if (!need(n)) return {};
    std::string s(in_.substr(at_, n));
    at_ += n;
    return s;
  }

 private:
  bool need(size_t n) {
    if (bad_ || in_.size() - at_ < n) bad_ = true;
    return !bad_;
  }
  std::string_view in_;
  size_t at_ = 0;
  bool bad_ = false;
};

}  // namespace kubepp::store

// base64.cpp — standard base64, as Go's base64.StdEncoding.
#include "runtime/base/base64.h"

#include <cstdint>
#include <cstring>

namespace kubepp {

namespace {
constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
}  // namespace

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t n = uint32_t(uint8_t(bytes[i])) << 16 | uint32_t(uint8_t(bytes[i + 1])) << 8 | uint8_t(bytes[i + 2]);
    for (int shift = 18; shift >= 0; shift -= 6) out += kAlphabet[(n >> shift) & 63];
  }
  if (size_t rest = bytes.size() - i; rest > 0) {
    uint32_t n = uint32_t(uint8_t(bytes[i])) << 16 | (rest == 2 ? uint32_t(uint8_t(bytes[i + 1])) << 8 : 0);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += rest == 2 ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

Result<std::string> base64_decode(std::string_view text) {
  auto bad = [](size_t at) { return Error{ErrorCode::Invalid, "illegal base64 data at input byte " + std::to_string(at)}; };
  if (text.size() % 4 != 0) return bad(text.size() / 4 * 4);
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    uint32_t n = 0;
    int pad = 0;
    for (size_t j = 0; j < 4; j++) {
      const char c = text[i + j];
      uint32_t six = 0;
      if (c == '=') {
        if (!last || j < 2) return bad(i + j);  // padding only ends the last group
        pad++;
      } else {
        const char* p = c == '\0' ? nullptr : std::strchr(kAlphabet, c);
        if (!p || pad) return bad(i + j);
        six = static_cast<uint32_t>(p - kAlphabet);
      }
      n = n << 6 | six;
    }
    out += static_cast<char>(n >> 16 & 0xff);
    if (pad < 2) out += static_cast<char>(n >> 8 & 0xff);
    if (pad < 1) out += static_cast<char>(n & 0xff);
  }
  return out;
}

}  // namespace kubepp

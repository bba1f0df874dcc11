#include "runtime/image/digest.h"

#include <fcntl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>

#include "runtime/base/unique_fd.h"

namespace kubepp::runtime {

Result<Digest> Digest::parse(std::string_view text) {
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos) {
    return Error{ErrorCode::Invalid, "digest `" + std::string(text) + "`: want ALGORITHM:HEX, e.g. sha256:…"};
  }
  Digest d{std::string(text.substr(0, colon)), std::string(text.substr(colon + 1))};
  if (d.algorithm != "sha256") {
    return Error{ErrorCode::Invalid, "digest `" + std::string(text) + "`: algorithm `" + d.algorithm +
                                         "` is not supported (only sha256)"};
  }
  bool hex = d.hex.size() == 64;
  for (char c : d.hex) hex = hex && ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'));
  if (!hex) {
    return Error{ErrorCode::Invalid, "digest `" + std::string(text) + "`: want 64 lowercase hex digits after `sha256:`"};
  }
  return d;
}

struct Sha256::State {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~State() { EVP_MD_CTX_free(ctx); }
};

Sha256::Sha256() : state_(std::make_unique<State>()) {
  if (state_->ctx == nullptr || EVP_DigestInit_ex(state_->ctx, EVP_sha256(), nullptr) != 1) {
    throw std::runtime_error("sha256: OpenSSL could not initialise a digest");
  }
}

Sha256::~Sha256() = default;

void Sha256::update(const void* data, size_t size) { EVP_DigestUpdate(state_->ctx, data, size); }

Digest Sha256::digest() {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  EVP_DigestFinal_ex(state_->ctx, out, &size);
  static const char* digits = "0123456789abcdef";
  Digest d;
  for (unsigned int i = 0; i < size; ++i) {
    d.hex += digits[out[i] >> 4];
    d.hex += digits[out[i] & 15];
  }
  return d;
}

Digest sha256(std::string_view data) {
  Sha256 h;
  h.update(data);
  return h.digest();
}

Result<Digest> sha256_file(const std::filesystem::path& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return sys_error("open", path, errno);
  Sha256 h;
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return sys_error("read", path, errno);
    if (n == 0) break;
    h.update(buf, static_cast<size_t>(n));
  }
  return h.digest();
}

}  // namespace kubepp::runtime

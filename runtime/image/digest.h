// digest.h — content addresses: the sha256 of a blob, as OCI writes it ("sha256:<64 hex>").
//
// An image store names every blob (layer, config, manifest) by the hash of its bytes, so
// a name can be checked against what it names and two images that share a layer share
// the file. The hashing itself is OpenSSL's (libcrypto), kept out of this header.
#pragma once

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "runtime/base/result.h"

namespace kubepp::runtime {

/// A digest as OCI descriptors write it: "sha256:" and 64 lowercase hex digits.
struct Digest {
  std::string algorithm = "sha256";
  std::string hex;

  /// Parses "sha256:<64 hex>". Invalid names the text and the rule; sha512 and other
  /// algorithms the spec allows are refused as unsupported.
  static Result<Digest> parse(std::string_view text);

  std::string str() const { return algorithm + ":" + hex; }
  bool operator==(const Digest&) const = default;
};

/// A running sha256: feed it bytes with update(), read the result with digest().
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void update(const void* data, size_t size);
  void update(std::string_view data) { update(data.data(), data.size()); }
  /// The digest of everything fed so far; the hasher is spent afterwards.
  Digest digest();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

/// The digest of `data`.
Digest sha256(std::string_view data);

/// The digest of the file at `path`, read in blocks. NotFound names the file.
Result<Digest> sha256_file(const std::filesystem::path& path);

}  // namespace kubepp::runtime

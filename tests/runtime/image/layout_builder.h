// layout_builder.h — OCI image layouts written by a test, honest or not.
//
//   LayoutBuilder b(dir);
//   auto base = b.layer(TarWriter().dir("etc").file("etc/passwd", "root:x:0:0::/root:/bin/sh\n"));
//   b.image({base}, {{"Cmd", {"sh"}}}, "docker.io/library/tiny:v1");
//   b.write();                          // oci-layout and index.json
//
// Each blob is written under blobs/sha256/ by its digest, as umoci and skopeo write
// them; tests then break what they want (a byte of a blob, a descriptor's size, …).
#pragma once

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "runtime/image/digest.h"
#include "tests/runtime/image/tar_writer.h"

namespace kubepp::testing {

struct BuiltLayer {
  nlohmann::json descriptor;  ///< for the manifest's layers
  std::string diff_id;        ///< for the config's rootfs.diff_ids
};

class LayoutBuilder {
 public:
  explicit LayoutBuilder(std::filesystem::path dir) : dir_(std::move(dir)) {
    std::filesystem::create_directories(dir_ / "blobs" / "sha256");
  }

  /// Writes `data` as a blob; returns its descriptor.
  nlohmann::json blob(const std::string& media_type, const std::string& data) {
    const runtime::Digest d = runtime::sha256(data);
    std::ofstream(dir_ / "blobs" / "sha256" / d.hex, std::ios::binary) << data;
    return {{"mediaType", media_type}, {"digest", d.str()}, {"size", data.size()}};
  }

  /// A gzip-compressed layer of `tar`'s entries.
  BuiltLayer layer(const TarWriter& tar) {
    const std::string bytes = tar.tar();
    return {blob("application/vnd.oci.image.layer.v1.tar+gzip", gzip(bytes)), runtime::sha256(bytes).str()};
  }

  /// A config (with `config` as its "config" object, `platform` "os/arch") and a
  /// manifest over `layers`; the manifest's descriptor joins index.json with the
  /// annotations given (`name` as io.containerd.image.name, `tag` as ref.name, when set).
  nlohmann::json image(const std::vector<BuiltLayer>& layers, const nlohmann::json& config,
                       const std::string& name = "", const std::string& tag = "",
                       const std::string& platform = "linux/amd64") {
    nlohmann::json diff_ids = nlohmann::json::array(), descriptors = nlohmann::json::array();
    for (const BuiltLayer& l : layers) {
      diff_ids.push_back(l.diff_id);
      descriptors.push_back(l.descriptor);
    }
    const std::string os = platform.substr(0, platform.find('/'));
    const std::string arch = platform.substr(platform.find('/') + 1);
    const nlohmann::json config_blob = {{"created", "2024-01-02T03:04:05Z"},
                                        {"os", os},
                                        {"architecture", arch},
                                        {"config", config},
                                        {"rootfs", {{"type", "layers"}, {"diff_ids", diff_ids}}}};
    const nlohmann::json manifest = {
        {"schemaVersion", 2},
        {"mediaType", "application/vnd.oci.image.manifest.v1+json"},
        {"config", blob("application/vnd.oci.image.config.v1+json", config_blob.dump())},
        {"layers", descriptors}};
    nlohmann::json descriptor = blob("application/vnd.oci.image.manifest.v1+json", manifest.dump());
    nlohmann::json annotations = nlohmann::json::object();
    if (!name.empty()) annotations["io.containerd.image.name"] = name;
    if (!tag.empty()) annotations["org.opencontainers.image.ref.name"] = tag;
    if (!annotations.empty()) descriptor["annotations"] = annotations;
    manifests_.push_back(descriptor);
    return descriptor;
  }

  /// Adds a descriptor to index.json as it is (a nested index, another platform, …).
  void add_to_index(const nlohmann::json& descriptor) { manifests_.push_back(descriptor); }

  /// Writes oci-layout and index.json.
  void write() const {
    std::ofstream(dir_ / "oci-layout") << R"({"imageLayoutVersion": "1.0.0"})";
    std::ofstream(dir_ / "index.json") << nlohmann::json{{"schemaVersion", 2}, {"manifests", manifests_}}.dump(2);
  }

  /// The path of the blob a descriptor names.
  std::filesystem::path path_of(const nlohmann::json& descriptor) const {
    const std::string digest = descriptor["digest"];
    return dir_ / "blobs" / "sha256" / digest.substr(7);
  }

  const std::filesystem::path& dir() const { return dir_; }

 private:
  std::filesystem::path dir_;
  nlohmann::json manifests_ = nlohmann::json::array();
};

}  // namespace kubepp::testing

// store.h — the image store: OCI images on this machine, content-addressed.
//
// An OCI image is three kinds of JSON and some tarballs, each a *blob* named by its
// sha256 (image-spec):
//
//   index.json ──▶ manifest ──▶ config   (how to run it: Entrypoint, Cmd, Env, …;
//                     │                   the DiffIDs of its layers)
//                     └──────▶ layer, layer, …   (tar streams, bottom first)
//
// The store keeps, under its root (StateDirs::lib/images):
//
//   blobs/sha256/<hex>   every blob, as imported, checked against its name
//   layers/<hex>/        each layer blob unpacked once, whiteouts in overlayfs' form;
//                        a container's root is an overlay of these, shared by every
//                        image and container that uses the layer
//   index.json           references → manifest digests, and the layers' sizes
//   lock                 flock'd: shared to read, exclusive to change
//
// Images come in through one door, import(): an OCI image layout (directory or tar, as
// umoci and skopeo write them). The built-in images are such layouts, written at build
// time (images/), and pull() imports one the first time it is asked for, as `docker
// run` pulls a missing image. Nothing half-imported stays behind: new blobs and layers
// are removed again if any step fails, and the references change last, in one rename.
#pragma once

#include <cstdint>
#include <filesystem>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/base/result.h"
#include "runtime/image/digest.h"

namespace kubepp::runtime {

/// How to run an image: the `config` object of an OCI image config (Docker's names).
struct ImageConfig {
  std::vector<std::string> entrypoint;
  std::vector<std::string> cmd;
  std::vector<std::string> env;            ///< KEY=VALUE
  std::string working_dir;
  std::string user;
  std::string stop_signal;
  std::vector<std::string> exposed_ports;  ///< "80/tcp"
  std::map<std::string, std::string> labels;
};

/// One image in the store.
struct StoredImage {
  Digest id;                            ///< the config blob's digest: Docker's IMAGE ID
  Digest manifest;                      ///< the manifest blob's digest
  std::vector<std::string> references;  ///< canonical references naming it, sorted
  std::string created;                  ///< RFC 3339, from the config
  std::string os, architecture;
  ImageConfig config;
  std::vector<Digest> layers;           ///< layer blobs, bottom first
  std::vector<Digest> diff_ids;         ///< digests of the uncompressed layers
  uint64_t size = 0;                    ///< bytes of the unpacked files, all layers
};

/// The store's answer to "what runs": the directories to stack, top layer first (the
/// order overlayfs' lowerdir= wants).
struct ImageRootfs {
  std::vector<std::filesystem::path> layers;
};

class ImageStore {
 public:
  /// A store rooted at `root` (created on first write).
  explicit ImageStore(std::filesystem::path root);

  /// The store of the state directories in `lib`: lib/images.
  static ImageStore under(const std::filesystem::path& lib) { return ImageStore(lib / "images"); }

  /// Imports the OCI image layout at `path` (a directory, or a tar of one): every
  /// manifest in its index.json for this machine's platform (linux/amd64 here), by the
  /// names its annotations give — `io.containerd.image.name` (a whole reference), or
  /// `org.opencontainers.image.ref.name`, a tag to go with `name` (else a whole
  /// reference itself). `name` (a reference) names images whose layout does not.
  /// Every blob is checked against its digest and size, and every layer's DiffID
  /// against the config. Returns the images imported.
  Result<std::vector<StoredImage>> import(const std::filesystem::path& path, const std::string& name = "");

  /// The image that `name` names: a reference ("busybox", "nginx:alpine"), or an image
  /// id or a unique prefix of one ("sha256:3f2a…", "3f2a"). NotFound names it.
  Result<StoredImage> find(std::string_view name) const;

  /// find(), and when the reference is not in the store but is one of the built-in
  /// images (builtin_layouts()), imports it first. NotFound: "image `x` not found".
  Result<StoredImage> pull(std::string_view reference);

  /// Every image, ordered by reference (an image without references last, by id).
  std::vector<StoredImage> list() const;

  /// The unpacked layers of `image`, top first.
  ImageRootfs rootfs(const StoredImage& image) const;

  /// Removes the reference `name` — or, given an image id, every reference of that
  /// image (only with `force` when there are several). An image left without
  /// references is deleted, with each blob and layer no other image uses. Layers in
  /// `in_use` (the lower dirs of containers) stay; without `force`, removing the last
  /// reference of an image whose layers are in use is a Conflict naming a layer.
  /// Returns what happened, a line each: "Untagged: busybox:latest", "Deleted: sha256:…".
  Result<std::vector<std::string>> remove(std::string_view name, const std::set<std::filesystem::path>& in_use,
                                          bool force);

  const std::filesystem::path& root() const { return root_; }

 private:
  std::filesystem::path root_;
};

/// The directory of the built-in images' OCI layouts (one per image name):
/// $KUBEPP_IMAGES if set, else the build's (build/images/oci).
std::filesystem::path builtin_layouts();

/// This machine's platform as OCI names it: "linux/amd64", "linux/arm64".
std::string host_platform();

}  // namespace kubepp::runtime

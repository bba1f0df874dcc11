#include "runtime/image/store.h"

#include <fcntl.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <nlohmann/json.hpp>

#include "runtime/base/file_lock.h"
#include "runtime/base/files.h"
#include "runtime/base/unique_fd.h"
#include "runtime/image/archive.h"
#include "runtime/image/reference.h"
#include "runtime/mounts.h"

#ifndef KUBEPP_BUILTIN_LAYOUTS
#error "the build defines KUBEPP_BUILTIN_LAYOUTS, the directory of the built-in images' OCI layouts"
#endif

namespace kubepp::runtime {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// The media types kubepp reads. Docker's v2 schema 2 types are what `skopeo copy` and
// older tools still write; they mean the same as the OCI ones.
constexpr const char* kOciIndex = "application/vnd.oci.image.index.v1+json";
constexpr const char* kOciManifest = "application/vnd.oci.image.manifest.v1+json";
constexpr const char* kOciConfig = "application/vnd.oci.image.config.v1+json";
constexpr const char* kDockerList = "application/vnd.docker.distribution.manifest.list.v2+json";
constexpr const char* kDockerManifest = "application/vnd.docker.distribution.manifest.v2+json";
constexpr const char* kDockerConfig = "application/vnd.docker.container.image.v1+json";
constexpr const char* kLayerTypes[] = {
    "application/vnd.oci.image.layer.v1.tar",
    "application/vnd.oci.image.layer.v1.tar+gzip",
    "application/vnd.oci.image.layer.nondistributable.v1.tar",
    "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip",
    "application/vnd.docker.image.rootfs.diff.tar.gzip",
    "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip",
};
// Manifests and configs are small; a "manifest" of gigabytes is an attack.
constexpr uintmax_t kMaxJsonBlob = 4 << 20;
constexpr const char* kNameAnnotation = "io.containerd.image.name";
constexpr const char* kRefAnnotation = "org.opencontainers.image.ref.name";

Error invalid(const std::string& message) { return Error{ErrorCode::Invalid, message}; }

// The store's lock: shared while reading, exclusive while changing. flock(2) on a file
// of its own, so readers in other processes (`kubepp image ls` while a kubelet pulls)
// see the store before or after a change, never during.
Result<FileLock> lock_store(const fs::path& root, bool exclusive) {
  Result<FileLock> lock =
      FileLock::acquire(root / "lock", exclusive ? FileLock::Mode::Exclusive : FileLock::Mode::Shared);
  if (!lock) return lock.error();
  // The skeleton, so that a failed import leaves the store exactly as it found it.
  for (const char* dir : {"blobs/sha256", "layers"}) {
    if (std::error_code ec; exclusive && !fs::create_directories(root / dir, ec) && ec) {
      return sys_error("mkdir", root / dir, ec.value());
    }
  }
  return lock;
}

// index.json: the store's only mutable file.
struct Index {
  std::map<std::string, Digest> references;  // canonical reference → manifest
  std::map<std::string, uint64_t> layer_sizes;  // layer blob hex → unpacked bytes
};

Result<Index> load_index(const fs::path& root) {
  Index index;
  const fs::path path = root / "index.json";
  std::error_code ec;
  if (!fs::exists(path, ec)) return index;
  try {
    json j = json::parse(read_file(path));
    for (const auto& [ref, digest] : j.at("references").items()) {
      Result<Digest> d = Digest::parse(digest.get<std::string>());
      if (!d) return Error{ErrorCode::Internal, path.string() + ": " + d.error().message};
      index.references[ref] = d.value();
    }
    const json layers = j.value("layers", json::object());
    for (const auto& [hex, size] : layers.items()) index.layer_sizes[hex] = size.get<uint64_t>();
  } catch (const json::exception& e) {
    return Error{ErrorCode::Internal, "image store index `" + path.string() + "`: " + e.what()};
  }
  return index;
}

Status save_index(const fs::path& root, const Index& index) {
  json refs = json::object(), layers = json::object();
  for (const auto& [ref, digest] : index.references) refs[ref] = digest.str();
  for (const auto& [hex, size] : index.layer_sizes) layers[hex] = size;
  return write_file_atomic(root / "index.json", json{{"references", refs}, {"layers", layers}}.dump(2) + "\n");
}

fs::path blob_path(const fs::path& root, const Digest& d) { return root / "blobs" / d.algorithm / d.hex; }
fs::path layer_path(const fs::path& root, const Digest& d) { return root / "layers" / d.hex; }

// A descriptor (image-spec): what a blob is, its digest and its size.
struct Descriptor {
  std::string media_type;
  Digest digest;
  uint64_t size = 0;
  std::map<std::string, std::string> annotations;
  std::string platform;  // "linux/amd64"; "" when the descriptor does not say
};

Result<Descriptor> parse_descriptor(const json& j, const std::string& where) {
  if (!j.is_object()) return invalid(where + ": want a descriptor object");
  Descriptor d;
  if (!j.contains("mediaType") || !j["mediaType"].is_string()) return invalid(where + ".mediaType: missing");
  d.media_type = j["mediaType"];
  if (!j.contains("digest") || !j["digest"].is_string()) return invalid(where + ".digest: missing");
  Result<Digest> digest = Digest::parse(j["digest"].get<std::string>());
  if (!digest) return invalid(where + ".digest: " + digest.error().message);
  d.digest = digest.value();
  if (!j.contains("size") || !j["size"].is_number_unsigned()) return invalid(where + ".size: want a byte count");
  d.size = j["size"];
  if (j.contains("annotations") && j["annotations"].is_object()) {
    for (const auto& [k, v] : j["annotations"].items()) {
      if (v.is_string()) d.annotations[k] = v;
    }
  }
  if (j.contains("platform") && j["platform"].is_object()) {
    d.platform = j["platform"].value("os", "") + "/" + j["platform"].value("architecture", "");
  }
  return d;
}

std::vector<std::string> strings_of(const json& j, const char* key) {
  std::vector<std::string> out;
  if (j.contains(key) && j[key].is_array()) {
    for (const json& v : j[key]) {
      if (v.is_string()) out.push_back(v);
    }
  }
  return out;
}

// Reads what a manifest names, from blobs already in the store.
Result<StoredImage> load_image(const fs::path& root, const Digest& manifest_digest) {
  StoredImage image;
  image.manifest = manifest_digest;
  try {
    json manifest = json::parse(read_file(blob_path(root, manifest_digest)));
    Result<Digest> id = Digest::parse(manifest.at("config").at("digest").get<std::string>());
    if (!id) return id.error();
    image.id = id.value();
    for (const json& layer : manifest.at("layers")) {
      Result<Digest> d = Digest::parse(layer.at("digest").get<std::string>());
      if (!d) return d.error();
      image.layers.push_back(d.value());
    }
    json config = json::parse(read_file(blob_path(root, image.id)));
    image.created = config.value("created", "");
    image.os = config.value("os", "");
    image.architecture = config.value("architecture", "");
    for (const std::string& d : strings_of(config.value("rootfs", json::object()), "diff_ids")) {
      Result<Digest> diff = Digest::parse(d);
      if (!diff) return diff.error();
      image.diff_ids.push_back(diff.value());
    }
    const json c = config.value("config", json::object());
    ImageConfig& out = image.config;
    out.entrypoint = strings_of(c, "Entrypoint");
    out.cmd = strings_of(c, "Cmd");
    out.env = strings_of(c, "Env");
    out.working_dir = c.value("WorkingDir", "");
    out.user = c.value("User", "");
    out.stop_signal = c.value("StopSignal", "");
    if (c.contains("ExposedPorts") && c["ExposedPorts"].is_object()) {
      for (const auto& [port, _] : c["ExposedPorts"].items()) out.exposed_ports.push_back(port);
    }
    if (c.contains("Labels") && c["Labels"].is_object()) {
      for (const auto& [k, v] : c["Labels"].items()) {
        if (v.is_string()) out.labels[k] = v;
      }
    }
  } catch (const json::exception& e) {
    return Error{ErrorCode::Internal, "image " + manifest_digest.str() + " in the store: " + e.what()};
  }
  return image;
}

// Fills references and size from the index.
void annotate(StoredImage& image, const Index& index) {
  for (const auto& [ref, manifest] : index.references) {
    if (manifest == image.manifest) image.references.push_back(ref);
  }
  for (const Digest& layer : image.layers) {
    if (auto it = index.layer_sizes.find(layer.hex); it != index.layer_sizes.end()) image.size += it->second;
  }
}

Status make_dirs_for(const fs::path& file) {
  std::error_code ec;
  fs::create_directories(file.parent_path(), ec);
  if (ec) return sys_error("mkdir", file.parent_path(), ec.value());
  return {};
}

// Copies `from` into the store as blob `want`, checking size and digest on the way.
// A blob already present is left as it is: its name is its content.
Result<bool> copy_blob(const fs::path& root, const fs::path& from, const Descriptor& want, const std::string& where) {
  const fs::path to = blob_path(root, want.digest);
  std::error_code ec;
  if (fs::exists(to, ec)) return false;
  UniqueFd in(::open(from.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  if (!in.valid()) {
    if (errno == ENOENT) return Error{ErrorCode::NotFound, where + ": blob " + want.digest.str() + " is missing"};
    return sys_error("open", from, errno);
  }
  if (Status s = make_dirs_for(to); !s) return s.error();
  const fs::path tmp = to.string() + ".tmp";
  UniqueFd out(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644));
  if (!out.valid()) return sys_error("open", tmp, errno);
  Sha256 hash;
  uint64_t total = 0;
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(in.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return sys_error("read", from, errno);
    if (n == 0) break;
    hash.update(buf, static_cast<size_t>(n));
    total += static_cast<uint64_t>(n);
    for (ssize_t done = 0; done < n;) {
      ssize_t w = ::write(out.get(), buf + done, static_cast<size_t>(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) {
        int err = errno;
        fs::remove(tmp, ec);
        return sys_error("write", tmp, err);
      }
      done += w;
    }
  }
  const Digest got = hash.digest();
  if (total != want.size || got != want.digest) {
    fs::remove(tmp, ec);
    return invalid(where + ": blob " + want.digest.str() + " does not match its descriptor: " +
                   std::to_string(total) + " bytes with digest " + got.str() + ", want " + std::to_string(want.size) +
                   " bytes with digest " + want.digest.str());
  }
  if (::fsync(out.get()) != 0 || ::rename(tmp.c_str(), to.c_str()) != 0) {
    int err = errno;
    fs::remove(tmp, ec);
    return sys_error("rename", to, err);
  }
  return true;
}

// One import, step by step; what it added is undone unless commit() is reached.
class Importer {
 public:
  Importer(const fs::path& root, const fs::path& layout, std::string name)
      : root_(root), layout_(layout), name_(std::move(name)), where_("image layout `" + layout.string() + "`") {}

  ~Importer() {
    if (committed_) return;
    std::error_code ec;
    for (const fs::path& p : created_) fs::remove_all(p, ec);
  }

  Result<std::vector<StoredImage>> run(Index& index) {
    // 1. The layout's marker and its index.
    const std::string marker = read_file(layout_ / "oci-layout");
    try {
      if (marker.empty() || !json::parse(marker).at("imageLayoutVersion").is_string()) throw std::exception();
    } catch (const std::exception&) {
      return invalid(where_ + ": no valid `oci-layout` file (want {\"imageLayoutVersion\": \"1.0.0\"})");
    }
    Result<json> top = read_json(layout_ / "index.json", "index.json");
    if (!top) return top.error();
    // 2. The manifests for this platform, each with the names it goes by.
    std::vector<std::pair<Descriptor, std::vector<std::string>>> chosen;
    std::set<std::string> other_platforms;
    if (Status s = choose(top.value(), "index.json", {}, chosen, other_platforms, 0); !s) return s.error();
    if (chosen.empty()) {
      std::string found;
      for (const std::string& p : other_platforms) found += (found.empty() ? "" : ", ") + p;
      return invalid(where_ + ": no image for " + host_platform() +
                     (found.empty() ? " (its index.json lists no manifests)" : " (it has " + found + ")"));
    }
    // 3. Each manifest's blobs, checked, into the store; its layers unpacked.
    std::vector<StoredImage> images;
    for (const auto& [descriptor, names] : chosen) {
      if (Status s = import_manifest(descriptor, index); !s) return s.error();
      for (const std::string& ref : names) index.references[ref] = descriptor.digest;
      Result<StoredImage> image = load_image(root_, descriptor.digest);
      if (!image) return image.error();
      images.push_back(image.value());
    }
    // 4. The references, last and in one step.
    if (Status s = save_index(root_, index); !s) return s.error();
    committed_ = true;
    for (size_t i = 0; i < images.size(); ++i) {
      annotate(images[i], index);
      images[i].references = chosen[i].second;  // what this layout named, not older names too
      std::sort(images[i].references.begin(), images[i].references.end());
    }
    return images;
  }

 private:
  Result<json> read_json(const fs::path& path, const std::string& what) {
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) return invalid(where_ + ": " + what + " is missing");
    if (fs::file_size(path, ec) > kMaxJsonBlob) return invalid(where_ + ": " + what + " is larger than 4 MiB");
    try {
      return json::parse(read_file(path));
    } catch (const json::exception& e) {
      return invalid(where_ + ": " + what + ": not JSON: " + e.what());
    }
  }

  Result<json> read_blob_json(const Descriptor& d, const std::string& what) {
    if (d.size > kMaxJsonBlob) return invalid(where_ + ": " + what + " " + d.digest.str() + " is larger than 4 MiB");
    Result<bool> copied = copy_blob(root_, blob_path(layout_, d.digest), d, where_);
    if (!copied) return copied.error();
    if (copied.value()) created_.push_back(blob_path(root_, d.digest));
    return read_json(blob_path(root_, d.digest), what + " " + d.digest.str());
  }

  // Walks an index (nested indexes too: a multi-platform image) for the manifests of
  // this platform. `names` are those of the enclosing descriptor.
  Status choose(const json& index, const std::string& what, const std::vector<std::string>& names,
                std::vector<std::pair<Descriptor, std::vector<std::string>>>& chosen,
                std::set<std::string>& other_platforms, int depth) {
    if (depth > 4) return invalid(where_ + ": indexes nested deeper than 4");
    if (!index.is_object() || !index.contains("manifests") || !index["manifests"].is_array()) {
      return invalid(where_ + ": " + what + ": `manifests`: want an array of descriptors");
    }
    const json& manifests = index["manifests"];
    for (size_t i = 0; i < manifests.size(); ++i) {
      const std::string at = what + ": manifests[" + std::to_string(i) + "]";
      Result<Descriptor> d = parse_descriptor(manifests[i], at);
      if (!d) return invalid(where_ + ": " + d.error().message);
      if (!d.value().platform.empty() && d.value().platform != host_platform()) {
        other_platforms.insert(d.value().platform);
        continue;
      }
      Result<std::vector<std::string>> these = names_of(d.value(), at);
      if (!these) return these.error();
      std::vector<std::string> all = names;
      all.insert(all.end(), these.value().begin(), these.value().end());
      const std::string& type = d.value().media_type;
      if (type == kOciIndex || type == kDockerList) {
        Result<json> nested = read_blob_json(d.value(), "index");
        if (!nested) return nested.error();
        if (Status s = choose(nested.value(), "index " + d.value().digest.str(), all, chosen, other_platforms, depth + 1); !s) {
          return s;
        }
      } else if (type == kOciManifest || type == kDockerManifest) {
        if (all.empty()) {
          return invalid(where_ + ": " + at + " has no name: give one (kubepp image import --name NAME)");
        }
        chosen.emplace_back(d.value(), all);
      } else {
        return invalid(where_ + ": " + at + ": unsupported media type `" + type + "`");
      }
    }
    return {};
  }

  // The references a descriptor's annotations give it (with `name_` filling gaps).
  Result<std::vector<std::string>> names_of(const Descriptor& d, const std::string& at) {
    auto canonical = [&](const std::string& text) -> Result<std::string> {
      Result<ImageReference> ref = parse_reference(text);
      if (!ref) return invalid(where_ + ": " + at + ": " + ref.error().message);
      return ref.value().str();
    };
    std::vector<std::string> out;
    auto full = d.annotations.find(kNameAnnotation);
    auto tag = d.annotations.find(kRefAnnotation);
    if (!name_.empty()) {
      // --name: its repository, with the layout's tag when it gives one.
      Result<ImageReference> base = parse_reference(name_);
      if (!base) return base.error();
      ImageReference ref = base.value();
      if (tag != d.annotations.end() && tag->second.find_first_of("/:@") == std::string::npos) {
        Result<std::string> r = canonical(ref.name() + ":" + tag->second);
        if (!r) return r.error();
        out.push_back(r.value());
      } else {
        out.push_back(ref.str());
      }
    } else if (full != d.annotations.end()) {
      Result<std::string> r = canonical(full->second);
      if (!r) return r.error();
      out.push_back(r.value());
    } else if (tag != d.annotations.end() && tag->second.find_first_of("/:") != std::string::npos) {
      Result<std::string> r = canonical(tag->second);
      if (!r) return r.error();
      out.push_back(r.value());
    } else if (tag != d.annotations.end()) {
      return invalid(where_ + ": " + at + " names only the tag `" + tag->second +
                     "`: give the repository (kubepp image import --name NAME)");
    }
    return out;
  }

  Status import_manifest(const Descriptor& d, Index& index) {
    const std::string what = "manifest " + d.digest.str();
    Result<json> manifest = read_blob_json(d, "manifest");
    if (!manifest) return manifest.error();
    const json& m = manifest.value();
    if (!m.is_object() || m.value("schemaVersion", 0) != 2) return invalid(where_ + ": " + what + ": want schemaVersion 2");
    if (!m.contains("config")) return invalid(where_ + ": " + what + ": `config` is missing");
    Result<Descriptor> config_d = parse_descriptor(m["config"], what + ": config");
    if (!config_d) return invalid(where_ + ": " + config_d.error().message);
    const std::string& config_type = config_d.value().media_type;
    if (config_type != kOciConfig && config_type != kDockerConfig) {
      return invalid(where_ + ": " + what + ": config: unsupported media type `" + config_type + "`");
    }
    Result<json> config = read_blob_json(config_d.value(), "config");
    if (!config) return config.error();
    const json& c = config.value();
    const std::string platform = c.value("os", "") + "/" + c.value("architecture", "");
    if (platform != host_platform()) {
      return invalid(where_ + ": " + what + " is an image for " + platform + ", and this machine is " + host_platform());
    }
    std::vector<std::string> diff_ids = strings_of(c.value("rootfs", json::object()), "diff_ids");
    if (!m.contains("layers") || !m["layers"].is_array()) return invalid(where_ + ": " + what + ": `layers`: want an array");
    const json& layers = m["layers"];
    if (diff_ids.size() != layers.size()) {
      return invalid(where_ + ": " + what + ": " + std::to_string(layers.size()) + " layers, but its config lists " +
                     std::to_string(diff_ids.size()) + " diff_ids");
    }
    for (size_t i = 0; i < layers.size(); ++i) {
      const std::string at = what + ": layers[" + std::to_string(i) + "]";
      Result<Descriptor> layer = parse_descriptor(layers[i], at);
      if (!layer) return invalid(where_ + ": " + layer.error().message);
      const std::string& type = layer.value().media_type;
      if (std::find(std::begin(kLayerTypes), std::end(kLayerTypes), type) == std::end(kLayerTypes)) {
        return invalid(where_ + ": " + at + ": unsupported media type `" + type + "`" +
                       (type.ends_with("zstd") ? " (zstd layers are not supported)" : ""));
      }
      if (Status s = import_layer(layer.value(), diff_ids[i], at, index); !s) return s;
    }
    return {};
  }

  Status import_layer(const Descriptor& d, const std::string& diff_id, const std::string& at, Index& index) {
    Result<bool> copied = copy_blob(root_, blob_path(layout_, d.digest), d, where_);
    if (!copied) return copied.error();
    if (copied.value()) created_.push_back(blob_path(root_, d.digest));
    const fs::path dir = layer_path(root_, d.digest);
    std::error_code ec;
    if (fs::is_directory(dir, ec)) return {};  // unpacked before: layers are shared
    // Unpack beside the final place, then rename: a layer dir exists only whole.
    const fs::path tmp = dir.string() + ".tmp-" + std::to_string(::getpid());
    fs::remove_all(tmp, ec);
    if (Status s = make_dirs(tmp, 0755); !s) return s;
    created_.push_back(tmp);
    Result<ExtractStats> stats = extract_archive(blob_path(root_, d.digest), tmp, ArchiveKind::Layer);
    if (!stats) return invalid(where_ + ": " + at + ": " + stats.error().message);
    if (stats.value().diff_id.str() != diff_id) {
      return invalid(where_ + ": " + at + ": the unpacked layer's digest is " + stats.value().diff_id.str() +
                     ", but the config's diff_id is " + diff_id);
    }
    if (::rename(tmp.c_str(), dir.c_str()) != 0) return sys_error("rename", dir, errno);
    created_.back() = dir;
    index.layer_sizes[d.digest.hex] = stats.value().bytes;
    return {};
  }

  fs::path root_, layout_;
  std::string name_, where_;
  std::vector<fs::path> created_;  // blobs and layer dirs this import added
  bool committed_ = false;
};

}  // namespace

std::string host_platform() {
  struct utsname u {};
  ::uname(&u);
  const std::string machine = u.machine;
  if (machine == "x86_64") return "linux/amd64";
  if (machine == "aarch64") return "linux/arm64";
  if (machine.size() == 4 && machine[0] == 'i' && machine.ends_with("86")) return "linux/386";
  return "linux/" + machine;
}

fs::path builtin_layouts() {
  if (const char* dir = std::getenv("KUBEPP_IMAGES"); dir && *dir) return dir;
  return KUBEPP_BUILTIN_LAYOUTS;
}

ImageStore::ImageStore(fs::path root) : root_(std::move(root)) {}

Result<std::vector<StoredImage>> ImageStore::import(const fs::path& path, const std::string& name) {
  Result<FileLock> lock = lock_store(root_, true);
  if (!lock) return lock.error();
  Result<Index> index = load_index(root_);
  if (!index) return index.error();
  std::error_code ec;
  if (fs::is_directory(path, ec)) return Importer(root_, path, name).run(index.value());
  if (!fs::is_regular_file(path, ec)) {
    return Error{ErrorCode::NotFound, "image layout `" + path.string() + "`: no such directory or tar file"};
  }
  // A tar of a layout: unpacked (files and directories only) into the store's scratch
  // space, imported from there, removed either way. What an import killed midway left
  // there is stale: we hold the lock, so no other import is running.
  fs::remove_all(root_ / "tmp", ec);
  const fs::path tmp = root_ / "tmp" / ("import-" + std::to_string(::getpid()));
  if (Status s = make_dirs(tmp, 0700); !s) return s.error();
  Result<ExtractStats> unpacked = extract_archive(path, tmp, ArchiveKind::Layout);
  Result<std::vector<StoredImage>> imported =
      unpacked ? Importer(root_, tmp, name).run(index.value())
               : Result<std::vector<StoredImage>>(invalid("image layout `" + path.string() + "`: " + unpacked.error().message));
  fs::remove_all(tmp, ec);
  return imported;
}

namespace {

// The manifest `name` names in `index`: a reference by tag or by digest, then an image id
// or a unique prefix of one (Docker's order: a repository may be named `cafe`).
Result<Digest> lookup(const fs::path& root, const Index& index, std::string_view name) {
  Result<ImageReference> ref = parse_reference(name);
  if (ref && ref.value().digest) {
    // name@sha256:…: the manifest itself, if some reference of that repository has it.
    for (const auto& [r, manifest] : index.references) {
      Result<ImageReference> known = parse_reference(r);
      if (known && known.value().name() == ref.value().name() && manifest == *ref.value().digest) return manifest;
    }
  } else if (ref) {
    if (auto it = index.references.find(ref.value().str()); it != index.references.end()) return it->second;
  }
  std::string_view hex = name.starts_with("sha256:") ? name.substr(7) : name;
  if (!hex.empty() && hex.size() <= 64 && hex.find_first_not_of("0123456789abcdef") == std::string_view::npos) {
    std::map<std::string, Digest> matches;  // image id → a manifest of it
    for (const auto& [r, manifest] : index.references) {
      Result<StoredImage> image = load_image(root, manifest);
      if (image && image.value().id.hex.starts_with(hex)) matches.emplace(image.value().id.hex, manifest);
    }
    if (matches.size() > 1) {
      return Error{ErrorCode::Conflict, "image id prefix `" + std::string(name) + "` is ambiguous (" +
                                            std::to_string(matches.size()) + " images)"};
    }
    if (matches.size() == 1) return matches.begin()->second;
  }
  if (!ref && !name.starts_with("sha256:")) return ref.error();
  return Error{ErrorCode::NotFound, "image `" + std::string(name) + "` not found"};
}

}  // namespace

Result<StoredImage> ImageStore::find(std::string_view name) const {
  Result<FileLock> lock = lock_store(root_, false);
  if (!lock) return lock.error();
  Result<Index> index = load_index(root_);
  if (!index) return index.error();
  Result<Digest> manifest = lookup(root_, index.value(), name);
  if (!manifest) return manifest.error();
  Result<StoredImage> image = load_image(root_, manifest.value());
  if (image) annotate(image.value(), index.value());
  return image;
}

Result<StoredImage> ImageStore::pull(std::string_view reference) {
  Result<StoredImage> found = find(reference);
  if (found || found.error().code != ErrorCode::NotFound) return found;
  Result<ImageReference> ref = parse_reference(reference);
  if (!ref) return ref.error();
  // The built-in layout of the repository, if there is one (build/images/oci/docker.io/
  // library/busybox holds busybox's tags), and only when it has the tag (or the manifest
  // digest) asked for.
  const fs::path layout = builtin_layouts() / ref.value().name();
  try {
    json index = json::parse(read_file(layout / "index.json"));
    for (const json& m : index.at("manifests")) {
      const bool named = ref.value().digest ? m.value("digest", "") == ref.value().digest->str()
                                            : m.value("annotations", json::object()).value(kNameAnnotation, "") ==
                                                  ref.value().str();
      if (named) {
        Result<std::vector<StoredImage>> imported = import(layout);
        if (!imported) return imported.error();
        return find(reference);
      }
    }
  } catch (const json::exception&) {
    // no such layout (read_file gave ""), or not one: not a built-in image
  }
  return Error{ErrorCode::NotFound, "image `" + std::string(reference) + "` not found: not in the store (" +
                                        root_.string() + ") and not a built-in image (" + builtin_layouts().string() +
                                        "); import it with `kubepp image import`"};
}

std::vector<StoredImage> ImageStore::list() const {
  std::vector<StoredImage> out;
  Result<FileLock> lock = lock_store(root_, false);
  if (!lock) return out;
  Result<Index> index = load_index(root_);
  if (!index) return out;
  std::set<std::string> seen;
  for (const auto& [ref, manifest] : index.value().references) {
    if (!seen.insert(manifest.hex).second) continue;
    Result<StoredImage> image = load_image(root_, manifest);
    if (!image) continue;
    annotate(image.value(), index.value());
    out.push_back(image.value());
  }
  return out;
}

ImageRootfs ImageStore::rootfs(const StoredImage& image) const {
  ImageRootfs out;
  for (auto it = image.layers.rbegin(); it != image.layers.rend(); ++it) out.layers.push_back(layer_path(root_, *it));
  return out;
}

Result<std::vector<std::string>> ImageStore::remove(std::string_view name, const std::set<fs::path>& in_use,
                                                    bool force) {
  Result<FileLock> lock = lock_store(root_, true);
  if (!lock) return lock.error();
  Result<Index> loaded = load_index(root_);
  if (!loaded) return loaded.error();
  Index& index = loaded.value();
  Result<Digest> manifest = lookup(root_, index, name);
  if (!manifest) return manifest.error();
  Result<StoredImage> image = load_image(root_, manifest.value());
  if (!image) return image.error();
  annotate(image.value(), index);

  // Which references go: the one named, or all of the image's for an id.
  std::vector<std::string> untag;
  Result<ImageReference> ref = parse_reference(name);
  if (ref && index.references.contains(ref.value().str())) {
    untag.push_back(ref.value().str());
  } else {
    untag = image.value().references;
    if (untag.size() > 1 && !force) {
      return Error{ErrorCode::Conflict, "image " + image.value().id.hex.substr(0, 12) + " is referenced by " +
                                            std::to_string(untag.size()) + " names: remove them one by one, or use --force"};
    }
  }
  const bool last = untag.size() == image.value().references.size();
  if (last && !force) {
    for (const fs::path& layer : rootfs(image.value()).layers) {
      if (in_use.contains(layer)) {
        return Error{ErrorCode::Conflict, "image `" + std::string(name) + "` is used by a container (layer " +
                                              layer.filename().string() + "): remove the container first, or use --force"};
      }
    }
  }
  std::vector<std::string> report;
  for (const std::string& r : untag) {
    index.references.erase(r);
    Result<ImageReference> parsed = parse_reference(r);
    report.push_back("Untagged: " + (parsed ? parsed.value().familiar() : r));
  }
  if (Status s = save_index(root_, index); !s) return s.error();

  // Collect garbage: every blob and layer no remaining reference reaches.
  std::set<std::string> live;  // hex digests
  for (const auto& [r, kept] : index.references) {
    live.insert(kept.hex);
    if (Result<StoredImage> other = load_image(root_, kept); other) {
      live.insert(other.value().id.hex);
      for (const Digest& l : other.value().layers) live.insert(l.hex);
    }
  }
  std::error_code ec;
  if (last) report.push_back("Deleted: " + image.value().id.str());
  for (const fs::directory_entry& blob : fs::directory_iterator(root_ / "blobs" / "sha256", ec)) {
    if (!live.contains(blob.path().filename().string())) fs::remove(blob.path(), ec);
  }
  for (const fs::directory_entry& layer : fs::directory_iterator(root_ / "layers", ec)) {
    const std::string hex = layer.path().filename().string();
    if (live.contains(hex) || in_use.contains(layer.path())) continue;
    fs::remove_all(layer.path(), ec);
    index.layer_sizes.erase(hex);
  }
  if (Status s = save_index(root_, index); !s) return s.error();
  return report;
}

}  // namespace kubepp::runtime

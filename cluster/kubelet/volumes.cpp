// volumes.cpp — set_up_volumes() and tear_down_volumes(): each plugin's SetUp, and the
// TearDown of them all. container_mounts() is in volumes_mounts.cpp, the payloads of the
// file-projecting plugins in volumes_payload.cpp.
//
// set_up_volumes first checks the whole spec (check_volume), so that nothing is made for
// a pod kubepp cannot run, then sets the volumes up in order. Whatever it creates — a
// directory, a tmpfs — is recorded in an Undo, which takes it back, newest first, unless
// the call succeeds.
#include "cluster/kubelet/volumes.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <optional>
#include <set>

#include "cluster/api/field.h"
#include "cluster/kubelet/atomic_writer.h"
#include "cluster/kubelet/host_path.h"
#include "cluster/kubelet/resources.h"
#include "cluster/kubelet/volumes_fs.h"
#include "cluster/kubelet/volumes_payload.h"
#include "runtime/base/strings.h"
#include "runtime/mounts.h"

namespace kubepp::kubelet {

namespace {

namespace fs = std::filesystem;
using namespace api::core_v1;
using api::Path;

constexpr mode_t kPodDirMode = 0750;     // <pod_dir> and <pod_dir>/volumes, as the kubelet makes them
constexpr mode_t kPluginDirMode = 0755;  // <pod_dir>/volumes/<plugin>
constexpr mode_t kEmptyDirMode = 0777;   // emptyDir's perm: any user of any container may write
constexpr mode_t kMaxFileMode = 0777;    // the largest defaultMode or item mode validation allows

// ---- taking back what a failed call made --------------------------------------------------

class Undo {
 public:
  Undo() = default;
  ~Undo() {
    if (!kept_) roll_back();
  }
  Undo(const Undo&) = delete;
  Undo& operator=(const Undo&) = delete;

  // The directory `dir` did not exist before. A parent (<pod_dir>/volumes …) is removed only
  // while empty: another pod's set-up may have put its own volumes there meanwhile.
  void made_parent(fs::path dir) { steps_.push_back({Step::Rmdir, std::move(dir)}); }
  // The volume directory `dir` did not exist before: remove it with all it holds.
  void made_volume(fs::path dir) { steps_.push_back({Step::RemoveTree, std::move(dir)}); }
  // A filesystem was mounted on `dir`.
  void mounted(fs::path dir) { steps_.push_back({Step::Unmount, std::move(dir)}); }
  // The call succeeded: keep everything.
  void keep() { kept_ = true; }

 private:
  struct Step {
    enum Kind { Rmdir, RemoveTree, Unmount } kind;
    fs::path path;
  };
  // Best effort, newest first: a mount goes before the directory it is on.
  void roll_back() {
    for (auto it = steps_.rbegin(); it != steps_.rend(); ++it) {
      switch (it->kind) {
        case Step::Rmdir: ::rmdir(it->path.c_str()); break;
        case Step::RemoveTree: (void)remove_tree(it->path); break;
        case Step::Unmount: ::umount2(it->path.c_str(), MNT_DETACH); break;
      }
    }
  }

  std::vector<Step> steps_;
  bool kept_ = false;
};

// Makes `dir`, and its missing parents, with `mode`; records what it made, `dir` itself as
// a volume when `volume`. Returns whether `dir` was made (false: it was there).
Result<bool> make_dir(const fs::path& dir, mode_t mode, Undo& undo, bool volume = false) {
  std::vector<fs::path> missing;
  for (fs::path p = dir; !p.empty() && p != p.root_path(); p = p.parent_path()) {
    struct stat st{};
    if (::stat(p.c_str(), &st) == 0) {
      if (!S_ISDIR(st.st_mode)) return sys_error("mkdir", p, ENOTDIR);
      break;
    }
    missing.push_back(p);
  }
  for (auto it = missing.rbegin(); it != missing.rend(); ++it) {
    if (::mkdir(it->c_str(), mode) != 0) {
      if (errno == EEXIST) continue;  // made meanwhile, by someone else: not ours to remove
      return sys_error("mkdir", *it, errno);
    }
    if (volume && *it == dir) undo.made_volume(*it);
    else undo.made_parent(*it);
  }
  return !missing.empty();
}

// ---- emptyDir ------------------------------------------------------------------------------

// The size of a Memory emptyDir's tmpfs (calculateEmptyDirMemorySize): the smallest of the
// node's allocatable memory, the pod's memory limit (its cgroup's, as pod_resources gives
// it: set only when every container has one) and the volume's sizeLimit, of those that
// are set. Upstream counts the node's always; kubepp's node may not know its own
// (NodeAllocatable without memory), and then the other two still count. nullopt: no limit
// at all, and tmpfs takes its own default (half the node's RAM).
std::optional<int64_t> tmpfs_size(const Pod& pod, const NodeAllocatable& node,
                                  const std::optional<api::Quantity>& size_limit) {
  std::optional<int64_t> size;
  auto cap = [&size](int64_t bytes) {
    if (bytes > 0 && (!size || bytes <= *size)) size = bytes;
  };
  if (auto it = node.resources.find("memory"); it != node.resources.end()) cap(it->second.value());
  cap(pod_resources(pod).memory_limit_in_bytes);
  if (size_limit) cap(size_limit->value());
  return size;
}

// Whether a tmpfs is mounted right on `dir` (a Memory volume set up by an earlier sync).
bool is_tmpfs_mount(const fs::path& dir) {
  std::error_code ec;
  const fs::path real = fs::canonical(dir, ec);
  if (ec) return false;
  for (const MountPoint& m : mounts_below(real)) {
    if (m.path == real && m.fstype == "tmpfs") return true;
  }
  return false;
}

// setupTmpfs's mount: `size=` when known, and `noswap` (Linux 6.4 and later) so that the
// pages never reach the swap device — upstream asks for it when the kernel has it; an
// older kernel refuses the option (EINVAL), and the mount is made without it.
Status mount_tmpfs(const fs::path& dir, std::optional<int64_t> size) {
  const std::string options = size ? "size=" + std::to_string(*size) : "";
  Status s = runtime::mount_fs("tmpfs", dir, "tmpfs", 0, options + (options.empty() ? "" : ",") + "noswap");
  if (!s && s.error().code == ErrorCode::Invalid) s = runtime::mount_fs("tmpfs", dir, "tmpfs", 0, options);
  return s;
}

// SetUp of emptyDir, and of the emptyDir that the other directory plugins wrap: `dir` with
// mode 0777 whatever the umask, and on it a tmpfs of `size` for the Memory medium. Returns
// whether anything was made now (false: an earlier sync made it all).
Result<bool> set_up_empty_dir(const fs::path& dir, bool memory, std::optional<int64_t> size, Undo& undo) {
  Result<bool> made = make_dir(dir, kEmptyDirMode, undo, true);
  if (!made) return made.error();
  struct stat st{};
  if (::stat(dir.c_str(), &st) != 0) return sys_error("stat", dir, errno);
  if ((st.st_mode & 0777) != kEmptyDirMode && ::chmod(dir.c_str(), kEmptyDirMode) != 0) {
    return sys_error("chmod", dir, errno);
  }
  if (!memory || is_tmpfs_mount(dir)) return made.value();
  if (Status s = mount_tmpfs(dir, size); !s) return s.error();
  undo.mounted(dir);
  return true;
}

// ---- mount points of nested volumes --------------------------------------------------------

// Go's filepath.Clean: "/a//b/./../c/" → "/a/c"; "" → ".".
std::string clean_path(const std::string& path) {
  const bool rooted = path.starts_with('/');
  std::vector<std::string> parts;
  for (std::string_view part : split(path, '/')) {
    if (part.empty() || part == ".") continue;
    if (part != "..") parts.emplace_back(part);
    else if (!parts.empty() && parts.back() != "..") parts.pop_back();
    else if (!rooted) parts.emplace_back("..");
  }
  std::string out = rooted ? "/" : "";
  for (size_t i = 0; i < parts.size(); ++i) out += (i == 0 ? "" : "/") + parts[i];
  return out.empty() ? "." : out;
}

// getNestedMountpoints: where a container mounts another volume below a mount of volume
// `name`, the path of that mount point relative to the volume — only the outermost of
// nested ones (for /dir/nested and /dir/nested/other, "nested").
Result<std::vector<std::string>> nested_mountpoints(const Pod& pod, const std::string& name) {
  std::vector<std::string> found;
  auto check = [&](const std::vector<VolumeMount>& mounts) -> Status {
    std::vector<std::string> all, mine;
    for (const VolumeMount& m : mounts) {
      all.push_back(clean_path(m.mountPath));
      if (m.name == name) mine.push_back(all.back());
    }
    std::sort(all.begin(), all.end());
    for (const std::string& point : mine) {
      // A relative mount path could climb out of the container's root: refuse it.
      if (point.starts_with("../")) return Error{ErrorCode::Invalid, "invalid container mount point " + point};
      const std::string below = point + "/";
      std::string previous;  // the last nested mount point found, with a trailing slash
      for (const std::string& other : all) {
        if (!other.starts_with(below) || (!previous.empty() && other.starts_with(previous))) continue;
        previous = other + "/";
        found.push_back(other.substr(below.size()));
      }
    }
    return {};
  };
  for (const Container& c : pod.spec.initContainers) {
    if (Status s = check(c.volumeMounts); !s) return s.error();
  }
  for (const Container& c : pod.spec.containers) {
    if (Status s = check(c.volumeMounts); !s) return s.error();
  }
  for (const EphemeralContainer& c : pod.spec.ephemeralContainers) {
    if (Status s = check(c.volumeMounts); !s) return s.error();
  }
  return found;
}

// MakeNestedMountpoints: the directories a read-only volume must already hold for the
// runtime to mount other volumes on (it cannot make them in a read-only bind mount).
Status make_nested_mountpoints(const Pod& pod, const std::string& name, const fs::path& dir) {
  Result<std::vector<std::string>> points = nested_mountpoints(pod, name);
  if (!points) return points.error();
  if (points.value().empty()) return {};
  UniqueFd root(::open(dir.c_str(), O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!root.valid()) return sys_error("open", dir, errno);
  for (const std::string& point : points.value()) {
    if (Status s = make_dirs_beneath(root.get(), point, 0755, dir); !s) {
      return Error{s.error().code, "unable to create nested volume mountpoints: " + s.error().message};
    }
  }
  return {};
}

// ---- the plugins' SetUp ------------------------------------------------------------------

// What every plugin's SetUp needs.
struct Context {
  const Pod& pod;
  const fs::path& pod_dir;
  const ObjectSource& objects;
  const NodeAllocatable& node;
  std::string ns;                   // the pod's namespace, "default" when unset
  std::optional<int64_t> fs_group;  // spec.securityContext.fsGroup
  Undo& undo;
};

// The directory of a volume, with <pod_dir>/volumes/<plugin> made as needed.
Result<fs::path> volume_parent(const Context& c, const char* plugin) {
  const fs::path parent = c.pod_dir / "volumes" / plugin;
  if (Result<bool> made = make_dir(parent.parent_path(), kPodDirMode, c.undo); !made) return made.error();
  if (Result<bool> made = make_dir(parent, kPluginDirMode, c.undo); !made) return made.error();
  return parent;
}

// SetUp of emptyDir. fsGroup is applied once, when the volume is new: later syncs find files
// the containers made, and leave their owners alone (upstream's ready file does the same).
Result<VolumeInfo> set_up_empty_dir_volume(const Context& c, const Volume& v) {
  const EmptyDirVolumeSource source = v.emptyDir.value_or(EmptyDirVolumeSource{});
  const bool memory = source.medium == "Memory";
  Result<fs::path> parent = volume_parent(c, kEmptyDirPlugin);
  if (!parent) return parent.error();
  const fs::path dir = parent.value() / v.name;
  const std::optional<int64_t> size = memory ? tmpfs_size(c.pod, c.node, source.sizeLimit) : std::nullopt;
  Result<bool> fresh = set_up_empty_dir(dir, memory, size, c.undo);
  if (!fresh) return fresh.error();
  if (fresh.value() && c.fs_group) {
    if (Status s = set_volume_ownership(dir, *c.fs_group, false); !s) return s.error();
  }
  return VolumeInfo{kEmptyDirPlugin, dir, false};
}

// SetUp of configMap, secret, downwardAPI and projected volumes: the emptyDir they wrap (a
// tmpfs for secret and projected), the mount points of volumes nested in their mounts,
// then the payload through the AtomicWriter, given to fsGroup before it is published.
Result<VolumeInfo> set_up_projection(const Context& c, const Volume& v, const char* plugin, bool memory,
                                     const Result<Payload>& payload) {
  if (!payload) return payload.error();
  if (Status s = validate_payload(payload.value()); !s) return s.error();  // before anything is made
  Result<fs::path> parent = volume_parent(c, plugin);
  if (!parent) return parent.error();
  const fs::path dir = parent.value() / v.name;
  std::optional<int64_t> size = memory ? tmpfs_size(c.pod, c.node, std::nullopt) : std::nullopt;
  if (Result<bool> fresh = set_up_empty_dir(dir, memory, size, c.undo); !fresh) return fresh.error();
  if (Status s = make_nested_mountpoints(c.pod, v.name, dir); !s) return s.error();
  auto set_perms = [&]() -> Status { return c.fs_group ? set_volume_ownership(dir, *c.fs_group, true) : Status(); };
  if (Status s = AtomicWriter(dir).write(payload.value(), set_perms); !s) return s.error();
  return VolumeInfo{plugin, dir, true};
}

mode_t mode_or_default(const std::optional<int32_t>& mode) {
  return mode ? static_cast<mode_t>(*mode) & kMaxFileMode : kDefaultFileMode;
}

// One volume's SetUp, by the source it has (check_volume made sure it has one kubepp knows).
Result<VolumeInfo> set_up_volume(const Context& c, const Volume& v) {
  if (v.hostPath) {
    if (Status s = check_host_path_type(v.hostPath->path, v.hostPath->type.value_or("")); !s) return s.error();
    return VolumeInfo{kHostPathPlugin, v.hostPath->path, false};
  }
  if (v.configMap) {
    const bool optional = v.configMap->optional.value_or(false);
    Result<ConfigMap> object = volume_config_map(c.objects, c.ns, v.configMap->name, optional);
    if (!object) return object.error();
    return set_up_projection(
        c, v, kConfigMapPlugin, false,
        config_map_payload(v.configMap->items, object.value(), mode_or_default(v.configMap->defaultMode), optional));
  }
  if (v.secret) {
    const bool optional = v.secret->optional.value_or(false);
    Result<Secret> object = volume_secret(c.objects, c.ns, v.secret->secretName, optional);
    if (!object) return object.error();
    return set_up_projection(
        c, v, kSecretPlugin, true,
        secret_payload(v.secret->items, object.value(), mode_or_default(v.secret->defaultMode), optional));
  }
  if (v.downwardAPI) {
    return set_up_projection(c, v, kDownwardAPIPlugin, false,
                             downward_api_payload(v.downwardAPI->items, c.pod, c.node,
                                                  mode_or_default(v.downwardAPI->defaultMode)));
  }
  if (v.projected) {
    return set_up_projection(c, v, kProjectedPlugin, true, projected_payload(*v.projected, c.pod, c.objects, c.node));
  }
  return set_up_empty_dir_volume(c, v);  // emptyDir, or no source at all, which means emptyDir
}

// ---- what kubepp refuses before setting anything up --------------------------------------

// The names of the sources `v` has, in VolumeSource's order.
std::vector<std::string> sources_of(const VolumeSource& v) {
  std::vector<std::string> names;
  auto add = [&names](bool set, const char* name) {
    if (set) names.emplace_back(name);
  };
  add(v.hostPath.has_value(), "hostPath");
  add(v.emptyDir.has_value(), "emptyDir");
  add(v.gcePersistentDisk.has_value(), "gcePersistentDisk");
  add(v.awsElasticBlockStore.has_value(), "awsElasticBlockStore");
  add(v.gitRepo.has_value(), "gitRepo");
  add(v.secret.has_value(), "secret");
  add(v.nfs.has_value(), "nfs");
  add(v.iscsi.has_value(), "iscsi");
  add(v.glusterfs.has_value(), "glusterfs");
  add(v.persistentVolumeClaim.has_value(), "persistentVolumeClaim");
  add(v.rbd.has_value(), "rbd");
  add(v.flexVolume.has_value(), "flexVolume");
  add(v.cinder.has_value(), "cinder");
  add(v.cephfs.has_value(), "cephfs");
  add(v.flocker.has_value(), "flocker");
  add(v.downwardAPI.has_value(), "downwardAPI");
  add(v.fc.has_value(), "fc");
  add(v.azureFile.has_value(), "azureFile");
  add(v.configMap.has_value(), "configMap");
  add(v.vsphereVolume.has_value(), "vsphereVolume");
  add(v.quobyte.has_value(), "quobyte");
  add(v.azureDisk.has_value(), "azureDisk");
  add(v.photonPersistentDisk.has_value(), "photonPersistentDisk");
  add(v.projected.has_value(), "projected");
  add(v.portworxVolume.has_value(), "portworxVolume");
  add(v.scaleIO.has_value(), "scaleIO");
  add(v.storageos.has_value(), "storageos");
  add(v.csi.has_value(), "csi");
  add(v.ephemeral.has_value(), "ephemeral");
  add(v.image.has_value(), "image");
  return names;
}

// The sources kubepp has a plugin for.
constexpr const char* kSupported[] = {"emptyDir", "hostPath", "configMap", "secret", "downwardAPI", "projected"};

// A defaultMode or an item's mode: permission bits only (validateVolumeMode).
void check_mode(const std::optional<int32_t>& mode, const Path& field, api::ErrorList& errors) {
  if (mode && (*mode < 0 || *mode > static_cast<int32_t>(kMaxFileMode))) {
    errors.push_back(
        api::invalid(field, std::to_string(*mode), "must be a number between 0 and 0777 (octal), both inclusive"));
  }
}

// The modes of items of either kind: KeyToPath, DownwardAPIVolumeFile.
template <typename Item>
void check_item_modes(const std::vector<Item>& items, const Path& field, api::ErrorList& errors) {
  for (size_t i = 0; i < items.size(); ++i) check_mode(items[i].mode, field.index(i).child("mode"), errors);
}

// What kubepp cannot set up, or must not: the rules API validation has too (never trusted
// here: a static pod's manifest is not validated) and kubepp's own limits.
void check_volume(const Volume& v, const Path& field, std::set<std::string>& names, api::ErrorList& errors) {
  // The name becomes a directory name.
  if (v.name.empty() || v.name == "." || v.name == ".." || v.name.find('/') != std::string::npos) {
    errors.push_back(api::invalid(field.child("name"), api::quoted(v.name), "must be a DNS label"));
  } else if (!names.insert(v.name).second) {
    errors.push_back(api::duplicate(field.child("name"), api::quoted(v.name)));
  }
  const std::vector<std::string> sources = sources_of(v);
  if (sources.size() > 1) {
    errors.push_back(api::forbidden(field, "may not specify more than 1 volume type"));
    return;
  }
  const std::string source = sources.empty() ? "emptyDir" : sources[0];
  if (std::find(std::begin(kSupported), std::end(kSupported), source) == std::end(kSupported)) {
    errors.push_back(api::forbidden(field.child(source), source + " volumes are not supported yet (supported: "
                                                                  "emptyDir, hostPath, configMap, secret, "
                                                                  "downwardAPI, projected)"));
    return;
  }
  if (v.emptyDir && !v.emptyDir->medium.empty() && v.emptyDir->medium != "Memory") {
    errors.push_back(api::not_supported(field.child("emptyDir").child("medium"), api::quoted(v.emptyDir->medium),
                                        {"", "Memory"}));
  }
  if (v.hostPath) {
    const Path path = field.child("hostPath").child("path");
    const std::string& p = v.hostPath->path;
    if (!p.starts_with('/')) errors.push_back(api::invalid(path, api::quoted(p), "must be an absolute path"));
    for (std::string_view part : split(p, '/')) {
      if (part == "..") {
        errors.push_back(api::invalid(path, api::quoted(p), "must not contain '..'"));
        break;
      }
    }
  }
  if (v.configMap) {
    check_mode(v.configMap->defaultMode, field.child("configMap").child("defaultMode"), errors);
    check_item_modes(v.configMap->items, field.child("configMap").child("items"), errors);
  }
  if (v.secret) {
    check_mode(v.secret->defaultMode, field.child("secret").child("defaultMode"), errors);
    check_item_modes(v.secret->items, field.child("secret").child("items"), errors);
  }
  if (v.downwardAPI) {
    check_mode(v.downwardAPI->defaultMode, field.child("downwardAPI").child("defaultMode"), errors);
    check_item_modes(v.downwardAPI->items, field.child("downwardAPI").child("items"), errors);
  }
  if (v.projected) {
    const Path projected = field.child("projected");
    check_mode(v.projected->defaultMode, projected.child("defaultMode"), errors);
    for (size_t i = 0; i < v.projected->sources.size(); ++i) {
      const VolumeProjection& s = v.projected->sources[i];
      const Path at = projected.child("sources").index(i);
      if (s.serviceAccountToken) errors.push_back(api::forbidden(at.child("serviceAccountToken"), "not supported yet"));
      if (s.clusterTrustBundle) errors.push_back(api::forbidden(at.child("clusterTrustBundle"), "not supported yet"));
      if (s.podCertificate) errors.push_back(api::forbidden(at.child("podCertificate"), "not supported yet"));
      if (s.configMap) check_item_modes(s.configMap->items, at.child("configMap").child("items"), errors);
      if (s.secret) check_item_modes(s.secret->items, at.child("secret").child("items"), errors);
      if (s.downwardAPI) check_item_modes(s.downwardAPI->items, at.child("downwardAPI").child("items"), errors);
    }
  }
}

}  // namespace

fs::path volume_dir(const fs::path& pod_dir, const std::string& plugin, const std::string& name) {
  return pod_dir / "volumes" / plugin / name;
}

Result<PodVolumes> set_up_volumes(const Pod& pod, const fs::path& pod_dir, const ObjectSource& objects,
                                  const NodeAllocatable& node) {
  api::ErrorList errors;
  std::set<std::string> names;
  for (size_t i = 0; i < pod.spec.volumes.size(); ++i) {
    check_volume(pod.spec.volumes[i], Path("spec").child("volumes").index(i), names, errors);
  }
  if (!errors.empty()) return Error{ErrorCode::Invalid, api::to_string(errors)};

  Undo undo;
  const PodSecurityContext security = pod.spec.securityContext.value_or(PodSecurityContext{});
  const Context c{pod,
                  pod_dir,
                  objects,
                  node,
                  pod.metadata.namespace_.empty() ? "default" : pod.metadata.namespace_,
                  security.fsGroup,
                  undo};
  PodVolumes volumes;
  for (const Volume& v : pod.spec.volumes) {
    Result<VolumeInfo> info = set_up_volume(c, v);
    if (!info) {
      const std::string prefix = "MountVolume.SetUp failed for volume \"" + v.name + "\" : ";
      return Error{info.error().code, prefix + info.error().message};
    }
    volumes[v.name] = std::move(info.value());
  }
  undo.keep();
  return volumes;
}

Status tear_down_volumes(const fs::path& pod_dir) {
  // The pinned subPaths first: they are bind mounts of files inside the volumes.
  for (const fs::path& dir : {pod_dir / kSubPathsDir, pod_dir / "volumes"}) {
    std::error_code ec;
    if (!fs::exists(fs::symlink_status(dir, ec))) continue;
    const fs::path real = fs::canonical(dir, ec);  // mountinfo has real paths
    if (ec) return sys_error("resolve", dir, ec.value());
    for (const MountPoint& m : mounts_below(real)) {
      // EINVAL: no longer a mount point (another teardown was first); fine.
      if (::umount2(m.path.c_str(), MNT_DETACH) != 0 && errno != EINVAL && errno != ENOENT) {
        return sys_error("unmount", m.path, errno);
      }
    }
    if (Status s = remove_tree(dir); !s) return s;
  }
  return {};
}

}  // namespace kubepp::kubelet

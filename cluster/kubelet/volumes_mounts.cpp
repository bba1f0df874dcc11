// volumes_mounts.cpp — container_mounts(): a container's volumeMounts as the runtime's bind
// mounts (the kubelet's makeMounts, pkg/kubelet/kubelet_pods.go), with a subPath resolved
// inside its volume as upstream's subpath package does (pkg/volume/util/subpath).
//
// A subPath is the one place where the kubelet, root on the host, follows a path that a
// container may have written: a container mounting an emptyDir can leave a symlink
// `data -> /etc` in it, and a later container mounting subPath `data` must get an error,
// not the host's /etc. The path is looked up with openat2(2) RESOLVE_BENEATH from a
// descriptor of the volume (volumes_fs.h), so the kernel stops any step outside it. The
// runtime mounts later, by path; so the kubelet first bind-mounts the descriptor it
// checked at a path no container can reach (pin_sub_path) and hands the runtime that.
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <set>

#include "cluster/api/field.h"
#include "cluster/kubelet/env.h"
#include "cluster/kubelet/volumes.h"
#include "cluster/kubelet/volumes_fs.h"
#include "runtime/base/strings.h"

namespace kubepp::kubelet {

namespace {

namespace fs = std::filesystem;
using namespace api::core_v1;
using api::Path;

Error invalid(const api::FieldError& e) { return Error{ErrorCode::Invalid, e.str()}; }

// Where `container` is in the pod, as a field path ("spec.initContainers[0]"): found by
// address, else by name. A container of no list of the pod is named by its name.
Path container_field(const Pod& pod, const Container& container) {
  const Path spec("spec");
  for (size_t i = 0; i < pod.spec.containers.size(); ++i) {
    if (&pod.spec.containers[i] == &container) return spec.child("containers").index(i);
  }
  for (size_t i = 0; i < pod.spec.initContainers.size(); ++i) {
    if (&pod.spec.initContainers[i] == &container) return spec.child("initContainers").index(i);
  }
  for (size_t i = 0; i < pod.spec.containers.size(); ++i) {
    if (pod.spec.containers[i].name == container.name) return spec.child("containers").index(i);
  }
  for (size_t i = 0; i < pod.spec.initContainers.size(); ++i) {
    if (pod.spec.initContainers[i].name == container.name) return spec.child("initContainers").index(i);
  }
  for (size_t i = 0; i < pod.spec.ephemeralContainers.size(); ++i) {
    if (pod.spec.ephemeralContainers[i].name == container.name) return spec.child("ephemeralContainers").index(i);
  }
  return Path("container").key(container.name);
}

// ExpandContainerVolumeMounts: `expr` with each `$(VAR)` replaced from `env`. A variable
// that is unset, or set to "", is an error naming all of them ("missing value for A, B").
Result<std::string> expand_sub_path(const std::string& expr, const std::map<std::string, std::string>& env,
                                    const Path& field) {
  std::set<std::string> missing;
  std::string expanded = expand(expr, [&](const std::string& name) {
    auto it = env.find(name);
    if (it == env.end() || it->second.empty()) {
      missing.insert(name);
      return std::string();
    }
    return it->second;
  });
  if (missing.empty()) return expanded;
  std::string names;
  for (const std::string& name : missing) names += (names.empty() ? "" : ", ") + name;
  return invalid(api::invalid(field, api::quoted(expr), "missing value for " + names));
}

// A subPath as resolve_sub_path found it: the file open (O_PATH), and its path then.
struct SubPathTarget {
  UniqueFd fd;
  std::string path;
};

// Subpath `sub` of the volume at `volume`: resolved beneath the volume, and made as a
// directory with the mode of the volume's root when nothing is there yet (so that a
// container of fsGroup can write to it; SafeMakeDir). `field` names the subPath or
// subPathExpr in errors; `what` says whose mount it is, as upstream's messages do.
Result<SubPathTarget> resolve_sub_path(const fs::path& volume, const std::string& sub, const Path& field,
                                       const std::string& what) {
  if (sub.starts_with('/')) return invalid(api::invalid(field, api::quoted(sub), "must not be an absolute path"));
  for (std::string_view part : split(sub, '/')) {
    if (part == "..") return invalid(api::invalid(field, api::quoted(sub), "must not contain '..'"));
  }
  // The volume's own path may be a symlink (a hostPath): it is followed, as upstream does.
  UniqueFd root(::open(volume.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  if (!root.valid()) return sys_error("open volume", volume, errno);
  Result<UniqueFd> target = open_beneath(root.get(), sub, volume);
  if (!target && target.error().code == ErrorCode::NotFound) {
    struct stat st{};
    if (::fstat(root.get(), &st) != 0) return sys_error("stat", volume, errno);
    if (Status s = make_dirs_beneath(root.get(), sub, st.st_mode & 07777, volume); !s) {
      if (s.error().code == ErrorCode::Invalid) {
        return invalid(api::invalid(field, api::quoted(sub), "leads outside the volume"));
      }
      return Error{s.error().code, "failed to create subPath directory for " + what + ": " + s.error().message};
    }
    target = open_beneath(root.get(), sub, volume);
  }
  if (!target && target.error().code == ErrorCode::Invalid) {
    return invalid(api::invalid(field, api::quoted(sub), "leads outside the volume"));
  }
  if (!target) {
    return Error{target.error().code, "failed to prepare subPath for " + what + ": " + target.error().message};
  }
  // What the kernel resolved: the file itself, not a symlink to it (a configMap key).
  Result<fs::path> resolved = fd_path(target.value().get());
  Result<fs::path> base = fd_path(root.get());
  if (!resolved) return resolved.error();
  if (!base) return base.error();
  const std::string& r = resolved.value().native();
  if (r != base.value().native() && !r.starts_with(base.value().native() + "/")) {
    return invalid(api::invalid(field, api::quoted(sub), "leads outside the volume"));
  }
  return SubPathTarget{std::move(target.value()), r};
}

// Bind-mounts the file or directory open at `target` on `at` — made to match, a
// directory or an empty file, after unmounting what an earlier start of the container
// pinned there — and returns `at`. The mount comes from the descriptor, not a path:
// whatever a container does to the volume from now on, what was checked is mounted.
Result<std::string> pin_sub_path(const SubPathTarget& target, const fs::path& at) {
  struct stat st{};
  if (::fstat(target.fd.get(), &st) != 0) return sys_error("stat", target.path, errno);
  if (std::error_code ec; !fs::create_directories(at.parent_path(), ec) && ec) {
    return sys_error("mkdir", at.parent_path(), ec.value());
  }
  // EINVAL: not a mount point (a first start). The earlier container keeps its own copy.
  if (::umount2(at.c_str(), MNT_DETACH) != 0 && errno != EINVAL && errno != ENOENT) {
    return sys_error("unmount", at, errno);
  }
  struct stat there{};
  if (::lstat(at.c_str(), &there) == 0 && (there.st_mode & S_IFMT) != (S_ISDIR(st.st_mode) ? S_IFDIR : S_IFREG)) {
    std::error_code ec;
    fs::remove_all(at, ec);  // the subPath changed kind since the last start
  }
  if (S_ISDIR(st.st_mode)) {
    if (::mkdir(at.c_str(), 0750) != 0 && errno != EEXIST) return sys_error("mkdir", at, errno);
  } else {
    UniqueFd file(::open(at.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640));
    if (!file.valid()) return sys_error("create", at, errno);
  }
  const std::string source = "/proc/self/fd/" + std::to_string(target.fd.get());
  if (::mount(source.c_str(), at.c_str(), nullptr, MS_BIND, nullptr) != 0) {
    return sys_error("bind-mount subPath " + target.path + " on", at, errno);
  }
  return at.string();
}

}  // namespace

Result<std::vector<runtime::cri::Mount>> container_mounts(const Pod& pod, const Container& container,
                                                          const PodVolumes& volumes,
                                                          const std::map<std::string, std::string>& env,
                                                          const fs::path& pod_dir) {
  const Path at = container_field(pod, container);
  std::vector<runtime::cri::Mount> mounts;
  for (size_t j = 0; j < container.volumeMounts.size(); ++j) {
    const VolumeMount& m = container.volumeMounts[j];
    const Path field = at.child("volumeMounts").index(j);
    auto volume = volumes.find(m.name);
    if (volume == volumes.end()) {
      api::FieldError e = api::not_found(field.child("name"), api::quoted(m.name));
      e.detail = "no volume of this name in spec.volumes to mount into container \"" + container.name + "\"";
      return invalid(e);
    }
    // The runtime's mounts are private and, read-only, read-only at their top only.
    if (m.mountPropagation && *m.mountPropagation != "None") {
      return invalid(api::not_supported(field.child("mountPropagation"), api::quoted(*m.mountPropagation), {"None"}));
    }
    if (m.recursiveReadOnly.value_or("Disabled") == "Enabled") {
      return invalid(api::not_supported(field.child("recursiveReadOnly"), api::quoted("Enabled"),
                                        {"Disabled", "IfPossible"}));
    }

    std::string host_path = volume->second.path.string();
    std::string sub = m.subPath;
    Path sub_field = field.child("subPath");
    if (!m.subPathExpr.empty()) {
      sub_field = field.child("subPathExpr");
      Result<std::string> expanded = expand_sub_path(m.subPathExpr, env, sub_field);
      if (!expanded) return expanded.error();
      sub = expanded.value();
    }
    if (!sub.empty()) {
      const std::string what = "volumeMount \"" + m.name + "\" of container \"" + container.name + "\"";
      Result<SubPathTarget> resolved = resolve_sub_path(volume->second.path, sub, sub_field, what);
      if (!resolved) return resolved.error();
      host_path = resolved.value().path;
      if (!pod_dir.empty()) {
        Result<std::string> pinned =
            pin_sub_path(resolved.value(), pod_dir / kSubPathsDir / m.name / container.name / std::to_string(j));
        if (!pinned) return Error{pinned.error().code, "failed to prepare subPath for " + what + ": " +
                                                           pinned.error().message};
        host_path = pinned.value();
      }
    }
    // A relative mountPath is taken from the container's root, as upstream makes it absolute.
    const std::string container_path = m.mountPath.starts_with('/') ? m.mountPath : "/" + m.mountPath;
    mounts.push_back(runtime::cri::Mount{container_path, host_path, m.readOnly || volume->second.read_only});
  }
  return mounts;
}

}  // namespace kubepp::kubelet

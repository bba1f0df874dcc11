// volumes.h — a pod's volumes on the node: set up before its containers start, bind-mounted
// into each container that mounts them, torn down when the pod is gone.
//
// Kubernetes does this with one volume plugin per source type, each with SetUp and
// TearDown (pkg/volume/<plugin>/). Each volume gets a directory under the pod's
//
//   <pod_dir>/volumes/<plugin>/<volume name>      e.g. volumes/kubernetes.io~configmap/cfg
//
// and the container runtime bind-mounts that directory at the container's mountPath. A
// subPath — a path inside a volume — is first bind-mounted by the kubelet, from the
// descriptor it opened and checked, at
//
//   <pod_dir>/volume-subpaths/<volume name>/<container>/<mount index>
//
// and the runtime mounts that (container_mounts). The plugins kubepp has:
//
//   kubernetes.io~empty-dir     emptyDir: a directory of mode 0777; `medium: Memory` mounts
//                               a tmpfs on it, sized by sizeLimit, the pod's memory limit
//                               and the node's allocatable memory, whichever is smallest
//   kubernetes.io~configmap     configMap: the ConfigMap's keys as files, written by the
//   kubernetes.io~downward-api  AtomicWriter (atomic_writer.h); downwardAPI: fields of
//                               the pod; both on the node's disk
//   kubernetes.io~secret        secret and projected: the same, on a tmpfs of their own,
//   kubernetes.io~projected     so that a secret never reaches the node's disk
//   kubernetes.io~host-path     hostPath: a path of the node, type-checked (host_path.h);
//                               no directory of ours
//
// configMap, secret, downwardAPI and projected volumes are always mounted read-only
// (their files are the kubelet's to change). With spec.securityContext.fsGroup, every
// volume but hostPath is given to that group (volumes_fs.h: set_volume_ownership).
//
// Left out, and refused by name (Invalid): persistent volumes and claims, network and
// cloud disks, csi, ephemeral, image and gitRepo volumes; emptyDir on HugePages; the
// serviceAccountToken, clusterTrustBundle and podCertificate sources of projected
// volumes; mount propagation other than None; recursiveReadOnly: Enabled.
//
// Nothing here keeps state in memory: tear_down_volumes finds what to unmount in the
// kernel's mount table, so a kubelet restarted after a crash cleans up as well.
// Thread-safety: calls for different pods may run concurrently; one pod's calls must not.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "cluster/api/types/core_v1.h"
#include "cluster/kubelet/downward_api.h"
#include "cluster/kubelet/objects.h"
#include "runtime/base/result.h"
#include "runtime/cri/api.h"

namespace kubepp::kubelet {

/// The plugins' directory names under `<pod_dir>/volumes`: upstream's plugin names with
/// `/` escaped as `~` (kubernetes.io/empty-dir → kubernetes.io~empty-dir).
inline constexpr const char* kSubPathsDir = "volume-subpaths";  ///< under the pod's directory: pinned subPaths
inline constexpr const char* kEmptyDirPlugin = "kubernetes.io~empty-dir";
inline constexpr const char* kConfigMapPlugin = "kubernetes.io~configmap";  ///< configMap volumes
inline constexpr const char* kSecretPlugin = "kubernetes.io~secret";        ///< secret volumes
inline constexpr const char* kDownwardAPIPlugin = "kubernetes.io~downward-api";  ///< downwardAPI volumes
inline constexpr const char* kProjectedPlugin = "kubernetes.io~projected";  ///< projected volumes
inline constexpr const char* kHostPathPlugin = "kubernetes.io~host-path";   ///< hostPath (no directory)

/// One volume of a pod, set up on the node (upstream's kubecontainer.VolumeInfo).
struct VolumeInfo {
  std::string plugin;          ///< kConfigMapPlugin …
  std::filesystem::path path;  ///< what containers bind-mount: the volume's directory, or the hostPath
  bool read_only = false;      ///< the plugin's own: every mount of it is read-only
};

/// The volumes of one pod by name, as set_up_volumes made them.
using PodVolumes = std::map<std::string, VolumeInfo>;

/// The directory of volume `name` of plugin `plugin`: `<pod_dir>/volumes/<plugin>/<name>`.
std::filesystem::path volume_dir(const std::filesystem::path& pod_dir, const std::string& plugin,
                                 const std::string& name);

/// Sets up every volume of pod.spec.volumes under `pod_dir` (SetUp of each plugin, in
/// order), reading ConfigMaps and Secrets of the pod's namespace from `objects` and, for
/// downwardAPI resource fields and Memory emptyDirs, the node's allocatable resources from
/// `node`. A volume set up by an earlier call is brought up to date, not made anew (an
/// emptyDir keeps its files). Fails, after taking back whatever this call created (mounts
/// and directories), with:
///  - Invalid naming the field for a volume kubepp cannot set up: a type it does not
///    support (`spec.volumes[2].nfs: Forbidden: …`), a hostPath that is relative or holds
///    `..`, a medium or projected source it does not support, a bad volume name or mode;
///  - NotFound for a missing ConfigMap, Secret or key the volume does not mark optional,
///    in the kubelet's words: `MountVolume.SetUp failed for volume "cfg" : configmap "app"
///    not found`;
///  - the same prefix and the plugin's error for anything else (a hostPath type check, a
///    payload path, a mount or file that could not be made).
Result<PodVolumes> set_up_volumes(const api::core_v1::Pod& pod, const std::filesystem::path& pod_dir,
                                  const ObjectSource& objects, const NodeAllocatable& node);

/// The bind mounts of `container` (one of the pod's init, regular or ephemeral containers),
/// one per volumeMount, in order: the volume's path at mountPath, read-only when the mount
/// or the volume says so. A subPath, or a subPathExpr expanded with `env` (the container's
/// environment: `$(VAR)`, `$$` for a dollar), selects a path inside the volume instead. It
/// is resolved inside the volume — symlinks followed only while they stay inside — and the
/// resolved path is what gets mounted (a configMap key's file, not its link); a missing
/// one is made as a directory with the mode of the volume's root. Invalid, naming the
/// field (`spec.containers[0].volumeMounts[1].name`), for a mount of no volume of the pod,
/// an absolute subPath or one with `..`, a subPath leading out of the volume, a subPathExpr
/// naming an unset variable, unsupported mountPropagation or recursiveReadOnly.
///
/// With `pod_dir`, each subPath is then pinned: bind-mounted from the descriptor that was
/// checked (/proc/self/fd/N) at `<pod_dir>/volume-subpaths/<volume>/<container>/<index>`,
/// which is what the runtime gets. The runtime mounts by path, later; without the pin, a
/// container sharing the volume could swap a directory of the path for a symlink to `/`
/// in between and have the host's root mounted (CVE-2017-1002101, fixed upstream this
/// way). With an empty `pod_dir` the resolved paths themselves are returned and nothing
/// is mounted: a look at the mounts, never what to hand a runtime.
Result<std::vector<runtime::cri::Mount>> container_mounts(const api::core_v1::Pod& pod,
                                                          const api::core_v1::Container& container,
                                                          const PodVolumes& volumes,
                                                          const std::map<std::string, std::string>& env,
                                                          const std::filesystem::path& pod_dir);

/// Tears down every volume of the pod at `pod_dir` (TearDown of each plugin): unmounts
/// every mount below `<pod_dir>/volume-subpaths` and `<pod_dir>/volumes` (lazily,
/// MNT_DETACH: a container still holding one keeps its copy), found in
/// /proc/self/mountinfo, then removes both directories without leaving their filesystem. hostPath volumes are not touched. Idempotent: what is already
/// gone is fine. Errors name the unmount or removal that failed.
Status tear_down_volumes(const std::filesystem::path& pod_dir);

}  // namespace kubepp::kubelet

// volumes_fs.h — the filesystem work behind pod volumes that must hold even when a
// container has written into the volume before: paths resolved beneath a volume's
// directory, directories made inside one, the fsGroup ownership walk, the mounts below a
// pod's directory (read from the kernel's table, so that a fresh process finds them), and
// a removal that never leaves its filesystem.
//
// Once a pod has run, its emptyDir holds whatever the container put there — symlinks to
// /etc included — and the kubelet, running as root on the host, must not be led by them.
// Everything that goes *into* a volume is therefore resolved relative to a descriptor of
// the volume's directory with openat2(2) RESOLVE_BENEATH, which the kernel enforces.
#pragma once

#include <fcntl.h>
#include <sys/types.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "runtime/base/result.h"
#include "runtime/base/unique_fd.h"

namespace kubepp::kubelet {

/// Opens `rel` ("" for the directory itself) beneath the directory `root` with openat2(2)
/// RESOLVE_BENEATH and RESOLVE_NO_MAGICLINKS: symlinks are followed while they stay below
/// `root`; an absolute symlink, or a `..` that climbs above `root`, stops the lookup.
/// `flags` are open(2)'s, O_PATH by default. `where` is root's path, for messages.
/// Invalid "`rel` leads outside `where`" for an escape, NotFound when nothing is there,
/// else the system error.
Result<UniqueFd> open_beneath(int root, const std::string& rel, const std::filesystem::path& where,
                              int flags = O_PATH);

/// mkdir -p of `rel` beneath `root`: the part that exists is resolved as open_beneath
/// does, each missing directory is made with `mode` exactly (the umask does not narrow
/// it; upstream's SafeMakeDir). Errors as open_beneath's, or the mkdir that failed.
Status make_dirs_beneath(int root, const std::string& rel, mode_t mode, const std::filesystem::path& where);

/// The path the kernel gives the file behind `fd` (the link /proc/self/fd/N): symlinks
/// resolved, as it was when it was opened.
Result<std::filesystem::path> fd_path(int fd);

/// Kubernetes' SetVolumeOwnership (pkg/volume/volume_linux.go) for fsGroup: everything
/// at and below `dir` gets group `fs_group` (symlinks too, with lchown), and each file that
/// is not a symlink gains group read and write — read only when `read_only` (the volume is
/// mounted read-only: configMap, secret, downwardAPI, projected) — and each directory also
/// group execute and setgid, so that files made later inherit the group. Symlinks are never
/// followed. Errors name the path and call that failed.
Status set_volume_ownership(const std::filesystem::path& dir, int64_t fs_group, bool read_only);

/// One mount of this process's mount namespace.
struct MountPoint {
  std::filesystem::path path;  ///< where it is mounted
  std::string fstype;          ///< "tmpfs" …
};

/// The mounts at or below `dir`, read from /proc/self/mountinfo, deepest first (and, at
/// one path, the topmost first), so that unmounting in this order always works. `dir` must
/// be absolute and free of symlinks, as the kernel's table has paths.
std::vector<MountPoint> mounts_below(const std::filesystem::path& dir);

/// Removes `dir` and everything below it, like `rm -r --one-file-system`: a directory of
/// another filesystem below it (a mount still there) stops the removal with EBUSY naming
/// it, rather than being emptied. A missing `dir` is fine.
Status remove_tree(const std::filesystem::path& dir);

}  // namespace kubepp::kubelet

// rootfs.h — the container's root filesystem, built inside its own mount namespace.
//
// An image is a stack of read-only directory trees, its layers (the overlay's lower
// dirs). Each container gets a writable upper dir on top, so many containers share
// one image and none can change it. Everything here runs in the container's first process, after clone(2)
// and before exec: the mounts live in the container's mount namespace and vanish
// with it, so the host never sees them.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "runtime/base/result.h"
#include "runtime/base/unique_fd.h"

namespace kubepp::runtime {

namespace fs = std::filesystem;

/// A file or directory of the host bind-mounted into the container: /etc/hosts,
/// /etc/hostname and /etc/resolv.conf, written for this container (or its pod), and a
/// pod's volumes.
struct FileMount {
  fs::path source;        ///< on the host
  std::string target;     ///< absolute path inside the container
  bool readonly = false;  ///< remounted read-only after the bind
};

/// Where the pieces of one container's root filesystem are.
struct RootfsLayout {
  std::vector<fs::path> lowers;  ///< the image's layers, top first; never written
  fs::path upper;   ///< the container's writable layer
  fs::path work;    ///< overlayfs' scratch directory (same filesystem as upper)
  fs::path merged;  ///< mount point of the overlay: the future "/"
  std::vector<FileMount> files;
};

/// Mounts the lowers and upper as an overlay at layout.merged: `lowerdir=top:…:bottom`.
Status mount_overlay(const RootfsLayout& layout);

/// Mounts a fresh procfs at `root`/proc: it shows the processes of the calling
/// process's pid namespace.
Status mount_proc(const fs::path& root);

/// Mounts sysfs read-only at `root`/sys.
Status mount_sys(const fs::path& root);

/// Creates the device nodes every container gets in `dev` (null, zero, full, random,
/// urandom, tty; mode 0666), as the OCI runtime spec lists them.
Status make_dev_nodes(const fs::path& dev);

/// Creates the links programs expect in `dev`: fd, stdin, stdout, stderr (into
/// /proc/self/fd) and ptmx (into pts/).
Status make_dev_links(const fs::path& dev);

/// Builds a minimal /dev at `root`/dev: a tmpfs with null, zero, full, random,
/// urandom and tty, a private devpts (with /dev/ptmx), /dev/shm, /dev/mqueue and the
/// fd/stdin/stdout/stderr links. The host's /dev (disks, kmsg, mem) is never visible.
Status mount_dev(const fs::path& root);

/// Opens `path` under `root` as open_in_root() does, creating what is missing first:
/// the directories, and the last component as an empty file when `file` (something to
/// bind a file over) or else as a directory. Each component is made and resolved inside
/// `root`, so a symlink in the image cannot send a mount onto the host. Returns an
/// O_PATH descriptor: mount onto "/proc/self/fd/N".
Result<UniqueFd> make_in_root(const fs::path& root, const std::string& path, bool file);

/// Bind-mounts each FileMount over its target under `root`, creating the target (and
/// its directories: the pause image has no /etc) as a directory when the source is one
/// (then recursively, with the mounts below it), else as a file.
Status mount_files(const fs::path& root, const std::vector<FileMount>& files);

/// Makes `new_root` the process's "/" with pivot_root(2) and detaches the old root,
/// so nothing of the host's filesystem stays reachable (chroot would leave it so).
Status pivot_to(const fs::path& new_root);

/// Builds the whole root filesystem in the mount namespace of the calling process
/// and switches to it. On return "/" is the container's root.
Status setup_rootfs(const RootfsLayout& layout);

}  // namespace kubepp::runtime

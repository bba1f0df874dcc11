// Lab 01 starter, generated from runtime/rootfs.cpp by labs/tools/labgen.py — write the TODOs below.
#include "runtime/rootfs.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <cerrno>

#include "runtime/base/unique_fd.h"
#include "runtime/mounts.h"
#include "runtime/security.h"
#include "runtime/base/todo.h"

namespace kubepp::runtime {

namespace {

// The device nodes every container gets, as Docker and the OCI spec list them.
struct DeviceNode {
  const char* name;
  unsigned major, minor;
};
constexpr DeviceNode kDevices[] = {
    {"null", 1, 3}, {"zero", 1, 5}, {"full", 1, 7}, {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0},
};

// Links in /dev that programs expect.
constexpr const char* kDevLinks[][2] = {
    {"fd", "/proc/self/fd"},       {"stdin", "/proc/self/fd/0"}, {"stdout", "/proc/self/fd/1"},
    {"stderr", "/proc/self/fd/2"}, {"ptmx", "pts/ptmx"},
};

Status make_device(const fs::path& path, const DeviceNode& dev) {
  if (::mknod(path.c_str(), S_IFCHR | 0666, makedev(dev.major, dev.minor)) != 0) {
    return sys_error("mknod", path, errno);
  }
  // mknod's mode is filtered by the umask; devices must be 0666 whatever it is.
  if (::chmod(path.c_str(), 0666) != 0) return sys_error("chmod", path, errno);
  return {};
}

}  // namespace

Status mount_overlay(const RootfsLayout& layout) {
  for (const fs::path& dir : {layout.upper, layout.work, layout.merged}) {
    if (Status s = make_dirs(dir); !s) return s;
  }
  if (layout.lowers.empty()) return Error{ErrorCode::Invalid, "overlay at `" + layout.merged.string() + "`: no lower dir"};
  // lowerdir= lists the layers top first, separated by ':' (a ':' or ',' in a path
  // would need escaping; kubepp's paths have none, and refuses them).
  std::string lowers;
  for (const fs::path& lower : layout.lowers) {
    if (lower.string().find_first_of(":,") != std::string::npos) {
      return Error{ErrorCode::Invalid, "overlay lower dir `" + lower.string() + "`: holds ':' or ','"};
    }
    lowers += (lowers.empty() ? "" : ":") + lower.string();
  }
  std::string options = "lowerdir=" + lowers + ",upperdir=" + layout.upper.string() + ",workdir=" + layout.work.string();
  return mount_fs("overlay", layout.merged, "overlay", 0, options);
}

Status mount_proc(const fs::path& root) {
  if (Status s = make_dirs(root / "proc"); !s) return s;
  return mount_fs("proc", root / "proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC);
}

Status mount_sys(const fs::path& root) {
  if (Status s = make_dirs(root / "sys"); !s) return s;
  return mount_fs("sysfs", root / "sys", "sysfs", MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC);
}

Status make_dev_nodes(const fs::path& dev) {
  for (const DeviceNode& node : kDevices) {
    if (Status s = make_device(dev / node.name, node); !s) return s;
  }
  return {};
}

Status make_dev_links(const fs::path& dev) {
  for (const auto& [name, target] : kDevLinks) {
    if (::symlink(target, (dev / name).c_str()) != 0) return sys_error("symlink", dev / name, errno);
  }
  return {};
}

Status mount_dev(const fs::path& root) {
  const fs::path dev = root / "dev";
  if (Status s = make_dirs(dev); !s) return s;
  if (Status s = mount_fs("tmpfs", dev, "tmpfs", MS_NOSUID | MS_STRICTATIME, "mode=755,size=65536k"); !s) {
    return s;
  }
  if (Status s = make_dev_nodes(dev); !s) return s;
  // A devpts of its own (newinstance): the container sees only the terminals it opened.
  if (Status s = make_dirs(dev / "pts"); !s) return s;
  if (Status s = mount_fs("devpts", dev / "pts", "devpts", MS_NOSUID | MS_NOEXEC,
                          "newinstance,ptmxmode=0666,mode=0620,gid=5");
      !s) {
    return s;
  }
  if (Status s = make_dirs(dev / "shm", 01777); !s) return s;
  if (Status s = mount_fs("shm", dev / "shm", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC,
                          "mode=1777,size=65536k");
      !s) {
    return s;
  }
  if (Status s = make_dirs(dev / "mqueue"); !s) return s;
  if (Status s = mount_fs("mqueue", dev / "mqueue", "mqueue", MS_NOSUID | MS_NODEV | MS_NOEXEC); !s) {
    return s;
  }
  return make_dev_links(dev);
}

Result<UniqueFd> make_in_root(const fs::path& root, const std::string& path, bool file) {
  fs::path done;
  const fs::path rel = fs::path(path).relative_path();
  size_t left = std::distance(rel.begin(), rel.end());
  for (const fs::path& part : rel) {
    --left;
    Result<UniqueFd> parent = open_in_root(root, done.empty() ? "/" : "/" + done.string());
    if (!parent) return parent.error();
    done /= part;
    if (open_in_root(root, "/" + done.string())) continue;
    const int dir = parent.value().get();  // an O_PATH descriptor serves as the *at() calls' directory
    if (left == 0 && file) {
      UniqueFd f(::openat(dir, part.c_str(), O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644));
      if (!f.valid() && errno != EEXIST) return sys_error("create", root / done, errno);
    } else if (::mkdirat(dir, part.c_str(), 0755) != 0 && errno != EEXIST) {
      return sys_error("mkdir", root / done, errno);
    }
  }
  return open_in_root(root, path);
}

Status mount_files(const fs::path& root, const std::vector<FileMount>& files) {
  for (const FileMount& file : files) {
    // The image decides what /etc/hosts is: if it is a symlink to /etc/shadow of the
    // host, a mount by path would land there. The target is resolved inside the root
    // (symlinks included) and mounted on through its descriptor, so it cannot be
    // swapped in between either (CVE-2021-30465).
    std::error_code ec;
    const bool directory = fs::is_directory(file.source, ec);
    Result<UniqueFd> target = make_in_root(root, file.target, !directory);
    if (!target) return target.error();
    const std::string through = "/proc/self/fd/" + std::to_string(target.value().get());
    const fs::path shown = root / fs::path(file.target).relative_path();
    const unsigned long recursive = directory ? MS_REC : 0;
    if (::mount(file.source.c_str(), through.c_str(), nullptr, MS_BIND | recursive, nullptr) != 0) {
      return sys_error("bind mount `" + file.source.string() + "` on", shown, errno);
    }
    // A bind mount takes its flags from the first mount call only: read-only needs a
    // remount of the new mount (the descriptor still names the covered directory, so
    // the remount goes by the path, resolved inside the root once more).
    if (file.readonly) {
      Result<UniqueFd> mounted = open_in_root(root, file.target);
      if (!mounted) return mounted.error();
      const std::string again = "/proc/self/fd/" + std::to_string(mounted.value().get());
      if (::mount(nullptr, again.c_str(), nullptr, MS_REMOUNT | MS_BIND | MS_RDONLY, nullptr) != 0) {
        return sys_error("remount read-only", shown, errno);
      }
    }
  }
  return {};
}

Status pivot_to(const fs::path& new_root) {
  // pivot_root(".", ".") stacks the old root on top of the new one at "/"; unmounting
  // "." then removes exactly the old root (the trick runc uses: no put_old directory).
  if (::chdir(new_root.c_str()) != 0) return sys_error("chdir", new_root, errno);
  if (::syscall(SYS_pivot_root, ".", ".") != 0) return sys_error("pivot_root", new_root, errno);
  if (::umount2(".", MNT_DETACH) != 0) return sys_error("umount old root", new_root, errno);
  if (::chdir("/") != 0) return sys_error("chdir", "/", errno);
  return {};
}

//> lab01 setup_rootfs
Status setup_rootfs(const RootfsLayout& layout) {
  // TODO(lab01): write setup_rootfs — the task is in labs/01-containers/README.md
  (void)layout;
  kubepp::lab_todo("lab01", "setup_rootfs");
}
//< lab01

}  // namespace kubepp::runtime

// netns.cpp — named network namespaces, as `ip netns` makes them, and running code
// inside one (netns.h).
//
// A network namespace lives while something refers to it: a process in it, an open
// /proc/PID/ns/net, or a bind mount of that file. `ip netns add NAME` pins a new one by
// bind-mounting it on /run/netns/NAME, so it outlives the process that made it and any
// process can join it by path; kubepp does the same, so `ip netns exec NAME …` works on
// kubepp's pods too.
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

#include "runtime/base/unique_fd.h"
#include "runtime/net/netns.h"
#include "runtime/net/pod_network.h"
#include "runtime/network.h"

namespace kubepp::runtime::net {

namespace fs = std::filesystem;

namespace {

constexpr const char* kNetnsDir = "/run/netns";

// Runs `work` on a thread of its own and waits for it: whatever namespace the thread
// joins, the caller's threads stay where they are.
Status on_new_thread(const std::function<Status()>& work) {
  Status result;
  std::thread([&] { result = work(); }).join();
  return result;
}

// A name is one file name under /run/netns: never "", "..", or a path that leads elsewhere.
Status check_name(const std::string& name) {
  if (name.empty() || name == "." || name == ".." || name.find('/') != std::string::npos) {
    return Error{ErrorCode::Invalid, "network namespace name `" + name + "`: must be a file name"};
  }
  return {};
}

}  // namespace

Status run_in_netns(const fs::path& netns, const std::function<Status()>& work) {
  return on_new_thread([&]() -> Status {
    UniqueFd fd(::open(netns.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd.valid()) return sys_error("open", netns, errno);
    if (::setns(fd.get(), CLONE_NEWNET) != 0) return sys_error("setns", netns, errno);
    return work();
  });
}

fs::path netns_path(const std::string& name) { return fs::path(kNetnsDir) / name; }

Result<fs::path> create_netns(const std::string& name) {
  if (Status s = check_name(name); !s) return s.error();
  if (::mkdir(kNetnsDir, 0755) != 0 && errno != EEXIST) return sys_error("mkdir", kNetnsDir, errno);
  const fs::path path = netns_path(name);
  // The mount point: an empty file, made here and only here (O_EXCL), so two callers
  // cannot both think they made the namespace.
  UniqueFd file(::open(path.c_str(), O_RDONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0));
  if (!file.valid() && errno == EEXIST) {
    return Error{ErrorCode::AlreadyExists, "network namespace `" + name + "` already exists"};
  }
  if (!file.valid()) return sys_error("create", path, errno);
  file.reset();

  bool mounted = false;
  Status made = on_new_thread([&]() -> Status {
    // unshare moves only this thread into the new namespace; the bind mount pins it
    // before the thread (its last user) ends.
    if (::unshare(CLONE_NEWNET) != 0) return sys_error("unshare", "CLONE_NEWNET", errno);
    const std::string self = "/proc/self/task/" + std::to_string(::gettid()) + "/ns/net";
    if (::mount(self.c_str(), path.c_str(), nullptr, MS_BIND, nullptr) != 0) return sys_error("mount", path, errno);
    mounted = true;
    return bring_loopback_up();  // a new namespace's `lo` is down: not even 127.0.0.1 would answer
  });
  if (!made) {
    if (mounted) (void)::umount2(path.c_str(), MNT_DETACH);
    (void)::unlink(path.c_str());
    return made.error();
  }
  return path;
}

Status delete_netns(const std::string& name) {
  if (Status s = check_name(name); !s) return s;
  const fs::path path = netns_path(name);
  // EINVAL: not a mount point (a crash between creating the file and mounting on it).
  if (::umount2(path.c_str(), MNT_DETACH) != 0 && errno != EINVAL && errno != ENOENT) {
    return sys_error("umount2", path, errno);
  }
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return sys_error("unlink", path, errno);
  return {};
}

}  // namespace kubepp::runtime::net

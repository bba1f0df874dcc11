// container_start — how long a container takes from nothing to its command's exit.
//
// Runs /bin/true in the busybox image N times with kubepp (the library, and the
// `kubepp run` binary) and with a peer run in the same process: `unshare` + `chroot`,
// the least a namespaced start can cost (no overlay, no pivot_root, no /dev). Later
// chapters add crun and runc on the same bundle. Prints medians and ratios; never fails
// on time. Usage: bench_container_start [--runs N] (root).
#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "runtime/container.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

struct Figures {
  double median_ms, p90_ms;
};

Figures measure(int runs, const std::function<bool()>& once) {
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    auto start = Clock::now();
    if (!once()) {
      std::fprintf(stderr, "a run failed\n");
      return {-1, -1};
    }
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
  std::sort(ms.begin(), ms.end());
  return {ms[ms.size() / 2], ms[std::min(ms.size() - 1, ms.size() * 9 / 10)]};
}

bool spawn(const std::vector<std::string>& argv) {
  pid_t pid = ::fork();
  if (pid == 0) {
    int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 1);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid) return false;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return true;
  std::fprintf(stderr, "%s: wait status %#x\n", argv[0].c_str(), status);
  return false;
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 25;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string(argv[i]) == "--runs") runs = std::max(1, std::atoi(argv[i + 1]));
  }
  const fs::path rootfs = fs::path(KUBEPP_IMAGE_DIR) / "busybox" / "rootfs";
  const fs::path kubepp = fs::path(KUBEPP_IMAGE_DIR).parent_path() / "kubepp";
  char tmpl[] = "/tmp/kubepp-bench-XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) return 1;
  const fs::path root = tmpl;
  const auto dirs = kubepp::runtime::StateDirs::under(root);

  Figures library = measure(runs, [&] {
    kubepp::runtime::ContainerConfig config;
    config.layers = {rootfs};
    config.args = {"/bin/true"};
    auto c = kubepp::runtime::Container::create(config, dirs);
    if (!c) {
      std::fprintf(stderr, "%s\n", c.error().message.c_str());
      return false;
    }
    if (auto started = c.value().start(); !started) {
      std::fprintf(stderr, "%s\n", started.error().message.c_str());
      return false;
    }
    auto status = c.value().wait();
    return status.ok() && status.value().code == 0;
  });
  Figures binary = measure(runs, [&] { return spawn({kubepp, "--root", root, "run", rootfs, "/bin/true"}); });
  Figures peer = measure(runs, [&] {
    return spawn({"unshare", "--fork", "--pid", "--mount", "--uts", "--ipc", "--net", "--cgroup", "chroot", rootfs,
                  "/bin/true"});
  });
  fs::remove_all(root);
  (void)kubepp::runtime::make_cgroup_driver()->destroy(dirs.cgroup_parent);

  std::printf("container start to exit of /bin/true in busybox, %d runs (median / p90, ms)\n", runs);
  std::printf("  kubepp library (Container)  %7.2f / %7.2f\n", library.median_ms, library.p90_ms);
  std::printf("  kubepp run (the binary)     %7.2f / %7.2f\n", binary.median_ms, binary.p90_ms);
  std::printf("  peer: unshare + chroot      %7.2f / %7.2f\n", peer.median_ms, peer.p90_ms);
  std::printf("  ratio kubepp run / peer     %7.2f\n", binary.median_ms / peer.median_ms);
  return 0;
}

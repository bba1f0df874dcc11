// container_start — how long a container takes from nothing to its command's exit.
//
// Runs /bin/true in the busybox image N times with kubepp (the library, and the
// `kubepp run` binary) and with a peer run in the same process: `unshare` + `chroot`,
// the least a namespaced start can cost (no overlay, no pivot_root, no /dev). Then the OCI
// runtimes race on one bundle (the busybox root filesystem and `kubepp runtime spec`'s
// config.json running /bin/true): `kubepp runtime run`, `crun run` and `runc run`,
// interleaved so that a slow moment of the machine falls on all three. Prints medians, p90
// and ratios; never fails on time (a run that fails makes the exit code 1).
// Usage: bench_container_start [--runs N] (default 50; root; crun and runc installed).
#include <fcntl.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "runtime/container.h"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace {

struct Figures {
  double median_ms, p90_ms;
};

Figures figures(std::vector<double> ms) {
  std::sort(ms.begin(), ms.end());
  return {ms[ms.size() / 2], ms[std::min(ms.size() - 1, ms.size() * 9 / 10)]};
}

bool any_failed = false;

Figures measure(int runs, const std::function<bool()>& once) {
  std::vector<double> ms;
  for (int i = 0; i < runs; ++i) {
    auto start = Clock::now();
    if (!once()) {
      std::fprintf(stderr, "a run failed\n");
      any_failed = true;
      return {-1, -1};
    }
    ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
  }
  return figures(ms);
}

// One runner of the race: a command line, timed start to exit, and its times so far.
struct Contender {
  const char* label;
  std::vector<std::string> argv;
  std::vector<double> ms = {};
  bool failed = false;
};

// Runs each contender once per round, in turn (a, b, c, a, b, c, …); a contender that
// fails once runs no more.
void race(int runs, std::vector<Contender>& contenders, const std::function<bool(const std::vector<std::string>&)>& run) {
  for (int i = 0; i < runs; ++i) {
    for (Contender& c : contenders) {
      if (c.failed) continue;
      auto start = Clock::now();
      if (!run(c.argv)) {
        std::fprintf(stderr, "%s: a run failed\n", c.label);
        c.failed = any_failed = true;
        continue;
      }
      c.ms.push_back(std::chrono::duration<double, std::milli>(Clock::now() - start).count());
    }
  }
}

// Runs argv with stdout to /dev/null (and stderr too when `quiet`); true when it exits 0.
bool spawn(const std::vector<std::string>& argv, bool quiet = false) {
  pid_t pid = ::fork();
  if (pid == 0) {
    int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 1);
    if (quiet) ::dup2(null, 2);
    std::vector<char*> args;
    for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execvp(args[0], args.data());
    ::_exit(127);
  }
  int status = 0;
  if (::waitpid(pid, &status, 0) != pid) return false;
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0) return true;
  if (!quiet) std::fprintf(stderr, "%s: wait status %#x\n", argv[0].c_str(), status);
  return false;
}

// crun refuses this machine's hybrid cgroup layout (DESIGN.md, "Facts measured"): it runs
// in a private mount namespace without the cgroup2 mount at /sys/fs/cgroup/unified, and so
// does kubepp, so that both pay the same. The host's mounts never change.
const std::vector<std::string> kWithoutUnified = {
    "unshare", "-m", "sh", "-c",
    "if [ -d /sys/fs/cgroup/unified ]; then umount /sys/fs/cgroup/unified || exit 125; fi; exec \"$@\"", "sh"};

std::vector<std::string> operator+(std::vector<std::string> a, const std::vector<std::string>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

// The bundle every OCI runtime runs: a copy of the busybox root filesystem and
// `kubepp runtime spec`'s config.json with args ["/bin/true"] and no terminal.
bool make_bundle(const fs::path& kubepp, const fs::path& rootfs, const fs::path& bundle) {
  std::error_code ec;
  fs::create_directories(bundle, ec);
  fs::copy(rootfs, bundle / "rootfs", fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
  if (ec || !spawn({kubepp, "runtime", "spec", "-b", bundle})) {
    std::fprintf(stderr, "cannot make the bundle in %s: %s\n", bundle.c_str(), ec.message().c_str());
    return false;
  }
  nlohmann::json config = nlohmann::json::parse(std::ifstream(bundle / "config.json"));
  config["process"]["terminal"] = false;
  config["process"]["args"] = {"/bin/true"};
  std::ofstream(bundle / "config.json") << config.dump(2);
  return true;
}

// The OCI runtimes' race, printed. Each runtime has its own --root under `root`.
void race_oci_runtimes(int runs, const fs::path& kubepp, const fs::path& rootfs, const fs::path& root) {
  const fs::path bundle = root / "bundle";
  if (!make_bundle(kubepp, rootfs, bundle)) {
    any_failed = true;
    return;
  }
  auto command = [&](const std::string& name, const std::vector<std::string>& program, const std::string& verb) {
    std::vector<std::string> argv = program + std::vector<std::string>{"--root", root / ("oci-" + name), verb};
    if (verb == "run") argv = argv + std::vector<std::string>{"--bundle", bundle};
    if (verb == "delete") argv.push_back("--force");
    argv.push_back("kubepp-bench-" + name);
    return name == "runc" ? argv : kWithoutUnified + argv;
  };
  const std::vector<std::pair<std::string, std::vector<std::string>>> runtimes = {
      {"kubepp", {kubepp, "runtime"}}, {"crun", {"crun"}}, {"runc", {"runc"}}};
  std::vector<Contender> contenders = {
      {"kubepp runtime run *", command("kubepp", runtimes[0].second, "run")},
      {"crun run *", command("crun", runtimes[1].second, "run")},
      {"runc run", command("runc", runtimes[2].second, "run")},
      {"* the wrapper alone", kWithoutUnified + std::vector<std::string>{"/bin/true"}},
  };
  race(runs, contenders, [](const std::vector<std::string>& argv) { return spawn(argv); });
  // `run` deletes its container; a failed run may not have.
  for (const auto& [name, program] : runtimes) (void)spawn(command(name, program, "delete"), true);

  std::printf("\nOCI runtimes on one bundle (busybox, /bin/true), %d interleaved runs each (median / p90, ms)\n",
              runs);
  std::vector<Figures> f;
  for (const Contender& c : contenders) {
    f.push_back(c.failed || c.ms.empty() ? Figures{-1, -1} : figures(c.ms));
    if (c.failed) {
      std::printf("  %-28s   failed after %zu runs\n", c.label, c.ms.size());
    } else {
      std::printf("  %-28s%7.2f / %7.2f\n", c.label, f.back().median_ms, f.back().p90_ms);
    }
  }
  std::printf("  * kubepp and crun both run inside `unshare -m sh -c 'umount /sys/fs/cgroup/unified; exec …'`\n"
              "    (crun refuses the hybrid cgroup layout); runc runs as is. Subtract the wrapper alone\n"
              "    to compare with runc.\n");
  if (f[0].median_ms < 0 || f[1].median_ms < 0 || f[2].median_ms < 0 || f[3].median_ms < 0) {
    std::printf("  (no ratios: a runtime failed)\n");
    return;
  }
  std::printf("  ratio kubepp / crun         %7.2f  (both wrapped)\n", f[0].median_ms / f[1].median_ms);
  std::printf("  ratio kubepp / runc         %7.2f  (%.2f with the wrapper's median taken off kubepp)\n",
              f[0].median_ms / f[2].median_ms, (f[0].median_ms - f[3].median_ms) / f[2].median_ms);
}

// Waits for and holds the root tests' host lock (tests/support/leak_check.h) until exit: a
// root test running meanwhile would take every new kubepp* cgroup — this bench's too — for
// its own leak, and kill and remove it mid-run.
void lock_host() {
  int fd = ::open("/run/lock/kubepp-root-tests.lock", O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd >= 0 && ::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    std::fprintf(stderr, "waiting for the root tests (/run/lock/kubepp-root-tests.lock)\n");
    ::flock(fd, LOCK_EX);
  }
}

}  // namespace

int main(int argc, char** argv) {
  int runs = 50;
  for (int i = 1; i + 1 < argc; ++i) {
    if (std::string(argv[i]) == "--runs") runs = std::max(1, std::atoi(argv[i + 1]));
  }
  lock_host();
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
  (void)kubepp::runtime::make_cgroup_driver()->destroy(dirs.cgroup_parent);

  std::printf("container start to exit of /bin/true in busybox, %d runs (median / p90, ms)\n", runs);
  std::printf("  kubepp library (Container)  %7.2f / %7.2f\n", library.median_ms, library.p90_ms);
  std::printf("  kubepp run (the binary)     %7.2f / %7.2f\n", binary.median_ms, binary.p90_ms);
  std::printf("  peer: unshare + chroot      %7.2f / %7.2f\n", peer.median_ms, peer.p90_ms);
  std::printf("  ratio kubepp run / peer     %7.2f\n", binary.median_ms / peer.median_ms);
  std::fflush(stdout);

  race_oci_runtimes(runs, kubepp, rootfs, root);
  fs::remove_all(root);
  return any_failed ? 1 : 0;
}

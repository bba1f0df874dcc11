// pod_start — how long a pod takes from nothing to its container running.
//
// kubepp: RuntimeService::RunPodSandbox + CreateContainer + StartContainer of one container
// (busybox `sleep 3600`), timed from before RunPodSandbox until StartContainer returns. The
// peer, in the same program: the same pod started by hand with crun (crun_pod.h). Each runs
//   latency     --pods N (default 100) pods one after another, kubepp's and crun's interleaved
//               (pod i of kubepp, then pod i of crun) so that a slow moment of the shared
//               machine falls on both: p50 and p99. The pods stay until 20 of each run,
//               then that batch is removed, untimed, by W processes at once (kubepp's
//               RemovePodSandbox takes ≈ 2 s here: libcgroup reports a cgroup the monitor
//               already removed as ECGOTHER/ENOENT, and CgroupV1::destroy retries it for 1 s);
//   throughput  --parallel-pods M (default N, at most 240: they all hold an address at once)
//               started by --workers W (default 8) forked processes, pod i by worker i mod W,
//               all kept running until the batch is done: M / the wall time from the
//               workers' start signal to the last one's exit. Removed afterwards, untimed.
// RuntimeService forks, so every caller of it is a single-threaded process, and so is every
// crun driver. Both runners share one bridge (kubepp-b0), the pod CIDR 10.244.251.0/24 and
// its IPAM (an flock across processes) under a temporary state root. Everything made is
// removed at the end, also after a failure, an exception or SIGINT/SIGTERM. Prints figures
// and ratios; never fails on time (a pod that fails to start makes the exit code 1).
// Usage: bench_pod_start [--pods N] [--parallel-pods M] [--workers W]  (root; crun installed)
#include <fcntl.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "runtime/cri/runtime_service.h"
#include "runtime/image/store.h"
#include "tests/bench/crun_pod.h"

namespace fs = std::filesystem;
namespace cri = kubepp::runtime::cri;
namespace net = kubepp::runtime::net;
using Clock = std::chrono::steady_clock;
using kubepp::bench::CrunPods;
using kubepp::bench::CrunSteps;

namespace {

volatile std::sig_atomic_t g_stop = 0;  // SIGINT/SIGTERM: stop starting pods, clean up, exit
bool any_failed = false;
constexpr int kBatch = 20;  // sequential pods of each runner that stay up before removal

double ms_since(Clock::time_point start) {
  return std::chrono::duration<double, std::milli>(Clock::now() - start).count();
}

// One line on stderr per phase, with the seconds since the bench began.
void progress(const char* what) {
  static const Clock::time_point began = Clock::now();
  std::fprintf(stderr, "[%6.1f s] %s\n", ms_since(began) / 1000, what);
}

// The nearest-rank percentile `p` (0 < p <= 1) of `ms`; -1 when empty.
double percentile(std::vector<double> ms, double p) {
  if (ms.empty()) return -1;
  std::sort(ms.begin(), ms.end());
  const auto rank = static_cast<size_t>(std::ceil(p * static_cast<double>(ms.size()) - 1e-9));
  return ms[std::clamp<size_t>(rank, 1, ms.size()) - 1];
}

// ---- kubepp's pods ----------------------------------------------------------------------

struct KubeppSteps {
  double sandbox = 0, create = 0, start = 0;  // ms
};

cri::PodSandboxConfig kubepp_pod(const std::string& name) {
  cri::PodSandboxConfig config;
  config.metadata = {name, "uid-" + name, "default", 0};
  config.hostname = name;
  return config;
}

// Starts pod `name`: sandbox, then its container running `sleep 3600`. Its sandbox id goes
// to `id` as soon as there is one. False (and the error on stderr) when a step failed.
bool start_kubepp_pod(cri::RuntimeService& service, const std::string& name, KubeppSteps* steps, std::string* id) {
  auto t = Clock::now();
  const cri::PodSandboxConfig pod = kubepp_pod(name);
  kubepp::Result<std::string> sandbox = service.RunPodSandbox(pod);
  if (!sandbox) {
    std::fprintf(stderr, "kubepp pod %s: RunPodSandbox: %s\n", name.c_str(), sandbox.error().message.c_str());
    return false;
  }
  *id = sandbox.value();
  steps->sandbox = ms_since(t);
  t = Clock::now();
  cri::ContainerConfig app;
  app.metadata = {"app", 0};
  app.image.image = "busybox";
  app.command = {"sleep", "3600"};
  app.log_path = "app/0.log";
  kubepp::Result<std::string> container = service.CreateContainer(*id, app, pod);
  if (!container) {
    std::fprintf(stderr, "kubepp pod %s: CreateContainer: %s\n", name.c_str(), container.error().message.c_str());
    return false;
  }
  steps->create = ms_since(t);
  t = Clock::now();
  if (kubepp::Status s = service.StartContainer(container.value()); !s) {
    std::fprintf(stderr, "kubepp pod %s: StartContainer: %s\n", name.c_str(), s.error().message.c_str());
    return false;
  }
  steps->start = ms_since(t);
  return true;
}

// ---- processes and host objects --------------------------------------------------------

// Reaps every child that has ended: the monitors of kubepp's containers are our children.
// Only call while no worker runs (in_parallel waits for those by pid).
void reap_children() {
  while (::waitpid(-1, nullptr, WNOHANG) > 0) {
  }
}

// Forks `workers` processes; worker w calls `work` for w, w + workers, … below `count` and
// exits 0 when every call returned true (pods a worker starts stay after it). They begin
// together when a pipe closes. Returns the wall time in ms from then to the last worker's
// exit; -1 when a worker failed.
double in_parallel(int count, int workers, const std::function<bool(int)>& work) {
  int go[2];
  if (::pipe2(go, O_CLOEXEC) != 0) return -1;
  std::fflush(nullptr);
  std::vector<pid_t> pids;
  for (int w = 0; w < workers && w < count; ++w) {
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::close(go[1]);
      char c;
      (void)!::read(go[0], &c, 1);  // EOF: go
      bool ok = true;
      try {
        for (int i = w; ok && i < count && !g_stop; i += workers) ok = work(i);
      } catch (const std::exception& e) {
        std::fprintf(stderr, "worker %d: %s\n", w, e.what());
        ok = false;
      }
      std::fflush(nullptr);
      ::_exit(ok && !g_stop ? 0 : 1);  // never the parent's destructors: they clean up
    }
    if (pid > 0) pids.push_back(pid);
  }
  ::close(go[0]);
  const auto t = Clock::now();
  ::close(go[1]);
  bool ok = static_cast<int>(pids.size()) == std::min(workers, count);
  for (pid_t pid : pids) {
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    ok = ok && WIFEXITED(status) && WEXITSTATUS(status) == 0;
  }
  const double wall = ms_since(t);
  return ok ? wall : -1;
}

// Everything the bench creates: a temporary state root (kubepp's lib and run, crun's
// state and bundles), kubepp's sandboxes, crun's pods, the node network (bridge kubepp-b0,
// its guard routes and KUBEPP-* rules), the cgroups below two kubepp-* parents. The
// destructor removes all of it, whatever happened before.
class Bench {
 public:
  Bench() {
    char tmpl[] = "/tmp/kubepp-bench-pods-XXXXXX";
    if (::mkdtemp(tmpl) == nullptr) throw std::runtime_error("mkdtemp: " + std::string(std::strerror(errno)));
    root_ = tmpl;
    token_ = root_.filename().string().substr(root_.filename().string().size() - 6);
    options_ = cri::RuntimeOptions::under(kubepp::runtime::StateDirs::under(root_ / "kubepp"));
    options_.network.bridge = "kubepp-b0";  // cri_test's Node has kubepp-c0, 10.244.250.0/24
    options_.network.pod_cidr = "10.244.251.0/24";
  }
  Bench(const Bench&) = delete;
  Bench& operator=(const Bench&) = delete;
  ~Bench() { cleanup(); }

  cri::RuntimeService kubepp() const { return cri::RuntimeService(options_); }

  // The crun driver, on kubepp's network and image layers (pulled by kubepp's warm-up).
  kubepp::Status make_crun() {
    kubepp::runtime::ImageStore store = kubepp::runtime::ImageStore::under(options_.dirs.lib);
    kubepp::Result<kubepp::runtime::StoredImage> pause = store.pull(options_.pause_image);
    if (!pause) return pause.error();
    kubepp::Result<kubepp::runtime::StoredImage> busybox = store.pull("busybox");
    if (!busybox) return busybox.error();
    kubepp::bench::CrunPodSetup setup;
    setup.root = root_ / "crun";
    setup.token = token_;
    setup.network = options_.network;
    setup.cgroup_parent = crun_cgroup_parent();
    setup.pause_layers = store.rootfs(pause.value()).layers;
    setup.app_layers = store.rootfs(busybox.value()).layers;
    crun_ = std::make_unique<CrunPods>(std::move(setup));
    return {};
  }
  CrunPods& crun() { return *crun_; }

  // A number for a new crun pod: its names (netns, containers, cgroups) are made from it.
  int next_crun_pod() { return crun_pods_++; }

  // kubepp's sandboxes, workers' too (from their records).
  std::vector<std::string> kubepp_pods() const {
    std::vector<std::string> ids;
    if (auto sandboxes = kubepp().ListPodSandbox(); sandboxes.ok()) {
      for (const cri::PodSandbox& s : sandboxes.value()) ids.push_back(s.id);
    }
    return ids;
  }

  // Removes kubepp's sandboxes `ids` and crun's pods `crun`, `workers` processes at a time
  // (RemovePodSandbox takes ≈ 2 s here: see the file's comment).
  void remove_in_parallel(const std::vector<std::string>& ids, const std::vector<int>& crun, int workers) {
    const int kubepp_count = static_cast<int>(ids.size());
    (void)in_parallel(kubepp_count + static_cast<int>(crun.size()), workers, [&](int i) {
      if (i < kubepp_count) {
        if (kubepp::Status s = kubepp().RemovePodSandbox(ids[i]); !s) {
          std::fprintf(stderr, "kubepp: RemovePodSandbox %s: %s\n", ids[i].c_str(), s.error().message.c_str());
        }
      } else {
        (void)crun_->remove(crun[i - kubepp_count]);
      }
      return true;  // what stays, cleanup() removes
    });
    reap_children();
  }

  // Removes kubepp's sandboxes (all of them: workers' too, from their records), one by one.
  bool remove_kubepp_pods() {
    kubepp::Result<std::vector<std::string>> removed = cri::cleanup_sandboxes(options_);
    if (!removed) std::fprintf(stderr, "kubepp cleanup: %s\n", removed.error().message.c_str());
    reap_children();
    return removed.ok();
  }

  // Removes crun's pods numbered from `first` on.
  bool remove_crun_pods(int first) {
    bool all = true;
    for (int n = first; crun_ && n < crun_pods_; ++n) {
      if (crun_->exists(n)) all = crun_->remove(n) && all;
    }
    return all;
  }

  // Idempotent, never throws: pods, network, cgroups, leftover mounts, the state root.
  void cleanup() {
    if (root_.empty()) return;
    bool all = remove_crun_pods(0);
    all = remove_kubepp_pods() && all;
    if (kubepp::Status s = net::teardown_node_network(options_.network); !s) {
      std::fprintf(stderr, "teardown of the node network: %s\n", s.error().message.c_str());
      all = false;
    }
    all = kubepp::bench::remove_cgroup_tree(options_.dirs.cgroup_parent) && all;
    all = kubepp::bench::remove_cgroup_tree(crun_cgroup_parent()) && all;
    // Mounts under the root (an overlay a failed step left), deepest first, before its removal.
    std::vector<std::string> mounts;
    std::ifstream in("/proc/self/mountinfo");
    for (std::string line; std::getline(in, line);) {
      std::istringstream fields(line);
      std::string id, parent, dev, root, point;
      fields >> id >> parent >> dev >> root >> point;
      if (point.rfind(root_.string() + "/", 0) == 0) mounts.push_back(point);
    }
    std::sort(mounts.rbegin(), mounts.rend());
    bool unmounted = true;
    for (const std::string& m : mounts) unmounted = ::umount2(m.c_str(), MNT_DETACH) == 0 && unmounted;
    std::error_code ec;
    if (unmounted) fs::remove_all(root_, ec);  // never through a mount
    if (!all || !unmounted || ec) {
      std::fprintf(stderr, "cleanup: not everything went (see above)%s%s\n", unmounted ? "" : "; left ",
                   unmounted ? "" : root_.c_str());
    }
    reap_children();
    root_.clear();
  }

 private:
  std::string crun_cgroup_parent() const { return options_.dirs.cgroup_parent + "-crun"; }

  fs::path root_;
  std::string token_;
  cri::RuntimeOptions options_;
  std::unique_ptr<CrunPods> crun_;
  int crun_pods_ = 0;
};

// ---- figures -----------------------------------------------------------------------------

// What one runner measured.
struct Runner {
  const char* label;
  std::vector<double> ms = {};  // the sequential pods' start times
  bool failed = false;          // a sequential pod failed: it ran no more
  int parallel_pods = 0;
  double parallel_ms = -1;      // -1: not run, or a worker failed
  double pods_per_second() const { return parallel_ms > 0 ? parallel_pods * 1000.0 / parallel_ms : -1; }
};

// Waits for and holds the root tests' host lock (tests/support/leak_check.h) until exit:
// a root test running meanwhile would take this bench's kubepp* cgroups, netns and links
// for its own leaks. Run under `flock /run/lock/kubepp-root-tests.lock …`, the lock is held
// already, through a descriptor we inherited: taking it anew would wait for ourselves.
void lock_host() {
  const fs::path lock = "/run/lock/kubepp-root-tests.lock";
  std::error_code ec;
  for (const fs::directory_entry& fd : fs::directory_iterator("/proc/self/fd", ec)) {
    if (fs::read_symlink(fd.path(), ec) != lock) continue;
    const int n = std::atoi(fd.path().filename().c_str());
    if (::flock(n, LOCK_EX | LOCK_NB) == 0) {
      ::fcntl(n, F_SETFD, FD_CLOEXEC);  // crun and the containers need not hold it
      return;
    }
  }
  int fd = ::open(lock.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
  if (fd >= 0 && ::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    std::fprintf(stderr, "waiting for the root tests (%s)\n", lock.c_str());
    ::flock(fd, LOCK_EX);
  }
}

std::string fmt(double v, const char* format = "%8.1f") {
  if (v < 0) return "       -";
  char buf[32];
  std::snprintf(buf, sizeof buf, format, v);
  return buf;
}

void print(const Runner& k, const Runner& c, int workers, const KubeppSteps& ks, const CrunSteps& cs, double wrapper) {
  std::printf("\npod start: a sandbox (pause, netns, veth, IP) and one container (busybox `sleep 3600`) running\n");
  std::printf("  %-14s %9s %11s %8s %8s  %s\n", "runner", "pods seq", "pods par", "p50 ms", "p99 ms",
              ("pods/s (" + std::to_string(workers) + " parallel)").c_str());
  for (const Runner* r : {&k, &c}) {
    std::printf("  %-14s %9zu %11d %s %s  %s%s\n", r->label, r->ms.size(), r->parallel_ms > 0 ? r->parallel_pods : 0,
                fmt(percentile(r->ms, 0.5)).c_str(), fmt(percentile(r->ms, 0.99)).c_str(),
                fmt(r->pods_per_second()).c_str(), r->failed ? "  (failed: stopped early)" : "");
  }
  auto ratio = [](double a, double b) { return a > 0 && b > 0 ? fmt(a / b, "%8.2f") : std::string("       -"); };
  std::printf("  %-14s %9s %11s %s %s  %s\n", "kubepp / crun", "", "", ratio(percentile(k.ms, 0.5), percentile(c.ms, 0.5)).c_str(),
              ratio(percentile(k.ms, 0.99), percentile(c.ms, 0.99)).c_str(),
              ratio(k.pods_per_second(), c.pods_per_second()).c_str());
  std::printf("  (latency ratios below 1 and a pods/s ratio above 1 mean kubepp is faster)\n");

  std::printf("\nwhere the time goes, sequential pods (medians of each step, ms)\n");
  std::printf("  kubepp  RunPodSandbox %.1f  CreateContainer %.1f  StartContainer %.1f\n", ks.sandbox, ks.create,
              ks.start);
  std::printf("  crun    netns + veth + IP %.1f (create_netns %.1f)  /etc files + overlay + config %.1f\n"
              "          pause create+start %.1f  app overlay + config + create+start %.1f\n",
              cs.network, cs.netns, cs.files, cs.pause, cs.app);
  std::printf("  each of crun's 4 calls per pod pays the mount-namespace wrapper: %.2f ms (median, /bin/true)\n",
              wrapper);

  std::printf(
      "\nwhat each side does\n"
      "  kubepp  RuntimeService, in this process (workers: forked processes): RunPodSandbox makes the pod\n"
      "          cgroup, a netns pinned in /run/netns, a veth on kubepp-b0 with an address from the IPAM,\n"
      "          hosts/hostname/resolv.conf, and starts pause under a monitor process; CreateContainer\n"
      "          resolves busybox and writes a record; StartContainer starts `sleep 3600` under a monitor,\n"
      "          joining the pod's net/ipc/uts namespaces, and returns once it has exec'd.\n"
      "  crun    by hand, the crun on PATH: the same netns + veth + address with kubepp's create_netns and\n"
      "          attach_pod (same bridge and IPAM); the same /etc files; an overlay of the same image layers\n"
      "          per container, mounted on the host (as containerd's snapshotter); `runc spec`'s config with\n"
      "          kubepp's capabilities and seccomp profile (Docker's), no /sys/fs/cgroup mount, cgroups\n"
      "          below /kubepp-<hash>-crun; `crun create` + `crun start` for pause (the pinned netns by path),\n"
      "          then for the app (pause's /proc/<pid>/ns/{net,ipc,uts}); `crun start` returns once it has\n"
      "          released the process to exec. No monitor or log: a containerd-shim or conmon would add one\n"
      "          process per container.\n"
      "  Both: overlay roots, new pid/mount/cgroup namespaces per container, proc, sys, dev, masked paths.\n");
}

}  // namespace

int main(int argc, char** argv) {
  int pods = 100, parallel_pods = -1, workers = 8;
  for (int i = 1; i + 1 < argc; ++i) {
    const std::string flag = argv[i];
    if (flag == "--pods") pods = std::max(1, std::atoi(argv[i + 1]));
    if (flag == "--parallel-pods") parallel_pods = std::atoi(argv[i + 1]);
    if (flag == "--workers") workers = std::max(1, std::atoi(argv[i + 1]));
  }
  parallel_pods = std::clamp(parallel_pods < 0 ? pods : parallel_pods, 1, 240);  // one /24, all at once
  struct sigaction stop = {};
  stop.sa_handler = [](int) { g_stop = 1; };
  stop.sa_flags = SA_RESTART;
  ::sigaction(SIGINT, &stop, nullptr);
  ::sigaction(SIGTERM, &stop, nullptr);
  lock_host();
  progress("holding the host lock");

  Runner k{"kubepp"}, c{"crun by hand"};
  KubeppSteps kubepp_steps;
  CrunSteps crun_steps;
  double wrapper = -1;
  try {
    Bench bench;
    cri::RuntimeService service = bench.kubepp();
    std::vector<KubeppSteps> ksteps;
    std::vector<CrunSteps> csteps;

    // Warm-up, untimed: kubepp imports the images into its store; crun's pod warms the caches.
    KubeppSteps ks;
    std::string id;
    if (!start_kubepp_pod(service, "warm-up", &ks, &id)) throw std::runtime_error("kubepp's warm-up pod failed");
    bench.remove_kubepp_pods();
    if (kubepp::Status s = bench.make_crun(); !s) throw std::runtime_error(s.error().message);
    CrunSteps cs;
    const int warm = bench.next_crun_pod();
    if (!bench.crun().start(warm, &cs)) throw std::runtime_error("crun's warm-up pod failed");
    bench.crun().remove(warm);
    std::vector<double> wrapper_ms;
    for (int i = 0; i < 25; ++i) {
      auto t = Clock::now();
      if (bench.crun().wrapper_alone()) wrapper_ms.push_back(ms_since(t));
    }
    wrapper = percentile(wrapper_ms, 0.5);
    progress("warm-up pods started and removed");

    // Latency: one pod at a time, kubepp's and crun's in turn. The pods stay until
    // kBatch of each run, then go together, untimed, `workers` processes at a time.
    std::vector<std::string> kubepp_batch;
    std::vector<int> crun_batch;
    for (int i = 0; i < pods && !g_stop && !(k.failed && c.failed); ++i) {
      if (!k.failed) {
        auto t = Clock::now();
        id.clear();
        bool ok = start_kubepp_pod(service, "seq-" + std::to_string(i), &ks, &id);
        const double ms = ms_since(t);
        if (!id.empty()) kubepp_batch.push_back(id);
        if (ok) k.ms.push_back(ms), ksteps.push_back(ks);
        k.failed = !ok;
      }
      if (!c.failed && !g_stop) {
        const int n = bench.next_crun_pod();
        auto t = Clock::now();
        bool ok = bench.crun().start(n, &cs);
        const double ms = ms_since(t);
        crun_batch.push_back(n);
        if (ok) c.ms.push_back(ms), csteps.push_back(cs);
        c.failed = !ok;
      }
      if (static_cast<int>(std::max(kubepp_batch.size(), crun_batch.size())) >= kBatch || i + 1 == pods) {
        bench.remove_in_parallel(kubepp_batch, crun_batch, workers);
        kubepp_batch.clear();
        crun_batch.clear();
      }
    }
    progress("sequential pods done");
    auto median = [](const auto& steps, auto field) {
      std::vector<double> v;
      for (const auto& s : steps) v.push_back(s.*field);
      return percentile(v, 0.5);
    };
    kubepp_steps = {median(ksteps, &KubeppSteps::sandbox), median(ksteps, &KubeppSteps::create),
                    median(ksteps, &KubeppSteps::start)};
    crun_steps = {median(csteps, &CrunSteps::netns), median(csteps, &CrunSteps::network), median(csteps, &CrunSteps::files),
                  median(csteps, &CrunSteps::pause), median(csteps, &CrunSteps::app)};

    // Throughput: `workers` processes in parallel, kubepp's batch, then crun's.
    if (!g_stop) {
      k.parallel_pods = parallel_pods;
      k.parallel_ms = in_parallel(parallel_pods, workers, [&](int i) {
        cri::RuntimeService own = bench.kubepp();  // the worker's: a process of its own
        KubeppSteps unused;
        std::string sandbox;
        return start_kubepp_pod(own, "par-" + std::to_string(i), &unused, &sandbox);
      });
      progress("kubepp's parallel pods started");
      bench.remove_in_parallel(bench.kubepp_pods(), {}, workers);
      progress("kubepp's parallel pods removed");
    }
    if (!g_stop) {
      const int first = bench.next_crun_pod();
      for (int i = 1; i < parallel_pods; ++i) (void)bench.next_crun_pod();
      c.parallel_pods = parallel_pods;
      c.parallel_ms = in_parallel(parallel_pods, workers, [&](int i) {
        CrunSteps unused;
        return bench.crun().start(first + i, &unused);
      });
      progress("crun's parallel pods started");
      std::vector<int> numbers;
      for (int i = 0; i < parallel_pods; ++i) numbers.push_back(first + i);
      bench.remove_in_parallel({}, numbers, workers);
      progress("crun's parallel pods removed");
    }
    any_failed = any_failed || k.failed || c.failed || k.parallel_ms < 0 || c.parallel_ms < 0;
    bench.cleanup();
    progress("cleaned up");
  } catch (const std::exception& e) {
    std::fprintf(stderr, "bench_pod_start: %s\n", e.what());
    any_failed = true;
  }
  if (g_stop) {
    std::fprintf(stderr, "bench_pod_start: interrupted; cleaned up\n");
    return 1;
  }
  std::printf("pods started: kubepp %zu one at a time + %d in parallel; crun %zu + %d (and a warm-up pod each)\n",
              k.ms.size(), k.parallel_ms > 0 ? k.parallel_pods : 0, c.ms.size(), c.parallel_ms > 0 ? c.parallel_pods : 0);
  print(k, c, workers, kubepp_steps, crun_steps, wrapper);
  return any_failed ? 1 : 0;
}

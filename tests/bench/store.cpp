// bench_store — the store against real etcd 3.4 on this machine, with the same client.
//
//   gateway, durable   puts/s with 1 and 64 clients: kubepp store --data-dir vs etcd, both
//                      behind their v3 JSON gateway, both datasyncing every write batch,
//                      spoken to by the same EtcdStore client; ranges/s of one key; the
//                      servers' RSS afterwards
//   watch over HTTP    W watchers (one /v3/watch stream each) on one key; the time from a
//                      put's start until each watcher has its event, p50 and p99
//   in-process         the embedded store's puts/s (memory and durable), and the bytes
//                      each of 100,000 watchers costs (heap, counted by malloc)
// Prints figures and kubepp/etcd ratios; never fails on time. A Catch2 test case so that
// it can use the tests' process helpers: `bench_store` runs a smoke-sized run (what ctest
// runs); `BENCH_FULL=1 bench_store` the full one (seconds per figure, 1,000 watchers).
#include <malloc.h>

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cluster/store/durable_store.h"
#include "cluster/store/etcd/etcd_store.h"
#include "cluster/store/watchable_store.h"
#include "tests/cluster/store/store_fixtures.h"
#include "tests/support/store_processes.h"

using namespace kubepp;
using namespace kubepp::store;
using kubepp::testing::StoreProcess;
using SteadyClock = std::chrono::steady_clock;

namespace {

struct Scale {
  std::chrono::milliseconds per_figure;  // how long each throughput figure runs
  int watchers;                          // over HTTP
  int watch_rounds;
  int memory_watchers;                   // in process
};

Scale scale() {
  if (const char* full = std::getenv("BENCH_FULL"); full != nullptr && *full == '1') {
    return {std::chrono::milliseconds(3000), 1000, 20, 100'000};
  }
  return {std::chrono::milliseconds(300), 50, 3, 10'000};
}

double seconds(SteadyClock::duration d) { return std::chrono::duration<double>(d).count(); }

// Runs `op(client, i)` from `clients` threads for `length`; returns operations per second.
// `op` returns a Result; failures are counted and the first one printed.
template <typename Op>
double rate(int clients, std::chrono::milliseconds length, Op op) {
  std::atomic<bool> stop{false};
  std::atomic<long> done{0}, failed{0};
  std::mutex mu;
  std::string first_error;
  std::vector<std::thread> threads;
  SteadyClock::time_point start = SteadyClock::now();
  for (int c = 0; c < clients; c++) {
    threads.emplace_back([&, c] {
      for (long i = 0; !stop; i++) {
        auto r = op(c, i);
        if (r) {
          done++;
        } else if (failed++ == 0) {
          std::lock_guard lock(mu);
          first_error = r.error().message;
        }
      }
    });
  }
  std::this_thread::sleep_for(length);
  stop = true;
  for (std::thread& t : threads) t.join();
  if (failed > 0) std::printf("    (%ld operations failed; the first: %s)\n", failed.load(), first_error.c_str());
  return static_cast<double>(done) / seconds(SteadyClock::now() - start);
}

double put_rate(Store& s, int clients, std::chrono::milliseconds length) {
  const std::string value(256, 'v');  // a small object, as a Pod's is a few KiB at most
  return rate(clients, length, [&](int c, long i) {
    return s.put(PutRequest{"bench/" + std::to_string(c) + "/" + std::to_string(i % 1000), value, 0, false});
  });
}

double range_rate(Store& s, int clients, std::chrono::milliseconds length) {
  REQUIRE(s.put(PutRequest{"bench/range", std::string(256, 'r'), 0, false}).ok());
  return rate(clients, length, [&](int, long) {
    RangeRequest r;
    r.key = "bench/range";
    return s.range(r);
  });
}

std::unique_ptr<EtcdStore> client_of(const StoreProcess& p) {
  Result<std::unique_ptr<EtcdStore>> s = EtcdStore::open(p.endpoint());
  REQUIRE(s.ok());
  return std::move(s).value();
}

// VmRSS of a process, in MiB.
double rss_mib(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  for (std::string line; std::getline(in, line);) {
    if (line.starts_with("VmRSS:")) return std::atof(line.c_str() + 6) / 1024.0;
  }
  return 0;
}

struct Latency {
  double p50_ms = 0, p99_ms = 0;
  size_t missed = 0;
};

// `watchers` streams on one key; `rounds` puts; each put's delivery time to every watcher.
Latency watch_latency(Store& s, int watchers, int rounds) {
  std::vector<std::unique_ptr<Watcher>> ws;
  for (int i = 0; i < watchers; i++) {
    Result<std::unique_ptr<Watcher>> w = s.watch(WatchRequest{"bench/watched", "", 0, false, false});
    REQUIRE(w.ok());
    ws.push_back(std::move(w).value());
  }
  std::vector<double> ms;
  size_t missed = 0;
  for (int r = 0; r < rounds; r++) {
    std::vector<SteadyClock::time_point> got(ws.size());
    std::vector<std::thread> readers;
    std::atomic<int> ready{0};
    SteadyClock::time_point start;
    for (size_t i = 0; i < ws.size(); i++) {
      readers.emplace_back([&, i] {
        ready++;
        while (true) {
          std::optional<WatchResponse> resp = ws[i]->next(std::chrono::seconds(5));
          if (!resp) return;  // missed: no event in 5 s
          if (!resp->events.empty()) {
            got[i] = SteadyClock::now();
            return;
          }
        }
      });
    }
    while (ready < watchers) std::this_thread::yield();
    start = SteadyClock::now();
    REQUIRE(s.put(PutRequest{"bench/watched", std::to_string(r), 0, false}).ok());
    for (std::thread& t : readers) t.join();
    for (SteadyClock::time_point t : got) {
      if (t == SteadyClock::time_point{}) {
        missed++;
      } else {
        ms.push_back(std::chrono::duration<double, std::milli>(t - start).count());
      }
    }
  }
  std::sort(ms.begin(), ms.end());
  Latency out;
  out.missed = missed;
  if (!ms.empty()) {
    out.p50_ms = ms[ms.size() / 2];
    out.p99_ms = ms[std::min(ms.size() - 1, ms.size() * 99 / 100)];
  }
  return out;
}

void ratio_line(const char* what, double kubepp, double etcd, const char* unit) {
  std::printf("  %-34s kubepp store %10.0f %-8s etcd %10.0f %-8s ratio %.2f\n", what, kubepp, unit, etcd, unit,
              etcd > 0 ? kubepp / etcd : 0.0);
}

}  // namespace

TEST_CASE("the store against etcd 3.4: puts, ranges, watch fan-out, memory", "[bench][store]") {
  const Scale sc = scale();
  std::printf("== bench_store (%s run; BENCH_FULL=1 for the full one)\n",
              sc.per_figure.count() >= 1000 ? "full" : "smoke");

  // --- over the gateway: kubepp store vs etcd ---
  kubepp::store::testing::TempDir data;  // outlives the server
  auto ks = StoreProcess::kubepp_store({data.path, {"--gateway-threads", std::to_string(sc.watchers + 80)}, {}});
  auto et = StoreProcess::etcd();
  auto kc = client_of(*ks);
  auto ec = client_of(*et);
  std::printf("gateway, durable (256-byte values; both fsync; one EtcdStore client each):\n");
  for (int clients : {1, 64}) {
    double k = put_rate(*kc, clients, sc.per_figure);
    double e = put_rate(*ec, clients, sc.per_figure);
    ratio_line(("puts/s, " + std::to_string(clients) + " client" + (clients > 1 ? "s" : "")).c_str(), k, e, "/s");
  }
  for (int clients : {1, 16}) {
    double k = range_rate(*kc, clients, sc.per_figure);
    double e = range_rate(*ec, clients, sc.per_figure);
    ratio_line(("ranges/s, " + std::to_string(clients) + " client" + (clients > 1 ? "s" : "")).c_str(), k, e, "/s");
  }
  Latency kl = watch_latency(*kc, sc.watchers, sc.watch_rounds);
  Latency el = watch_latency(*ec, sc.watchers, sc.watch_rounds);
  std::printf("watch over HTTP, %d streams on one key, %d puts:\n", sc.watchers, sc.watch_rounds);
  ratio_line("delivery p50", kl.p50_ms * 1000, el.p50_ms * 1000, "us");
  ratio_line("delivery p99", kl.p99_ms * 1000, el.p99_ms * 1000, "us");
  if (kl.missed + el.missed > 0) std::printf("  missed deliveries: kubepp store %zu, etcd %zu\n", kl.missed, el.missed);
  ratio_line("server RSS", rss_mib(ks->pid()), rss_mib(et->pid()), "MiB");

  // --- in process ---
  std::printf("in process:\n");
  {
    WatchableStore memory;
    std::printf("  %-34s %10.0f /s\n", "embedded puts/s, 1 thread", put_rate(memory, 1, sc.per_figure));
    std::printf("  %-34s %10.0f /s\n", "embedded puts/s, 8 threads", put_rate(memory, 8, sc.per_figure));
  }
  {
    kubepp::store::testing::TempDir dir;
    DurableStore::Options o;
    o.data_dir = dir.path;
    auto durable = DurableStore::open(o);
    REQUIRE(durable.ok());
    std::printf("  %-34s %10.0f /s\n", "durable puts/s, 1 thread", put_rate(*durable.value(), 1, sc.per_figure));
    std::printf("  %-34s %10.0f /s\n", "durable puts/s, 64 threads", put_rate(*durable.value(), 64, sc.per_figure));
  }
  {
    WatchableStore::Options o;
    o.background = false;
    WatchableStore s(o);
    std::vector<std::unique_ptr<Watcher>> ws;
    ws.reserve(static_cast<size_t>(sc.memory_watchers));
    size_t before = mallinfo2().uordblks;
    for (int i = 0; i < sc.memory_watchers; i++) {
      WatchRequest r;
      r.key = "/registry/pods/default/pod-" + std::to_string(i);  // as an API server's keys
      ws.push_back(std::move(s.watch(r)).value());
    }
    double per = static_cast<double>(mallinfo2().uordblks - before) / sc.memory_watchers;
    std::printf("  %-34s %10.0f bytes (etcd's own figure: ~350)\n",
                ("heap per watcher, " + std::to_string(sc.memory_watchers) + " watchers").c_str(), per);
  }
}

// crash_test.cpp — `kubepp store` killed with SIGKILL at its failpoints (failpoint.h),
// hundreds of times, under concurrent writers, a compactor and a watcher, all over the
// JSON gateway; restarted on the same data directory each time.
//
// What must hold after every restart:
//  - every write a client was told succeeded is there, with its value (none lost);
//  - every key there is one some client tried to write, with that value (none invented);
//  - the watch, resumed after each restart from the revision after the last event it
//    saw, delivered revisions in order, without gaps or duplicates — except a gap a
//    compaction explains, announced by a canceled response with compact_revision (every
//    tenth round the watcher comes late, after a compaction, to make one) — and every
//    acknowledged write among them at the revision it was acknowledged with.
// kill -9 leaves the page cache alone, so this tests the process, not fsync; the power
// cuts of durable_store_test.cpp test fsync.
#include <catch2/catch.hpp>

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "cluster/store/etcd/etcd_store.h"
#include "tests/cluster/store/store_fixtures.h"
#include "tests/support/store_processes.h"

using namespace kubepp;
using namespace kubepp::store;
using kubepp::testing::StoreProcess;

namespace {

const std::string kPrefix = "crash/";

struct Acked {
  std::string value;
  int64_t revision = 0;
};

// Everything the clients did, over all rounds.
struct Ledger {
  std::mutex mu;
  std::map<std::string, std::string> attempted;  // key → the value tried
  std::map<std::string, Acked> acked;             // key → the value and revision acknowledged
};

// What the watcher saw, over all rounds.
struct WatchLog {
  std::vector<Event> events;
  int64_t next_rev = 0;            // where the next round resumes
  int compaction_gaps = 0;         // resumes that found next_rev compacted away
  std::vector<std::string> errors; // order, gap and duplicate violations
  std::vector<std::string> watch_errors;  // watches refused (the store died first)
};

std::unique_ptr<EtcdStore> client_of(const StoreProcess& p) {
  EtcdStore::Options o;
  o.connect_timeout = std::chrono::milliseconds(500);
  o.request_timeout = std::chrono::milliseconds(2000);
  Result<std::unique_ptr<EtcdStore>> s = EtcdStore::open(p.endpoint(), o);
  REQUIRE(s.ok());
  return std::move(s).value();
}

// Reads the watch until the store dies (the stream ends or stays silent), checking order.
void watch_until_dead(Store& s, WatchLog& log, const std::atomic<bool>& dead) {
  WatchRequest req{kPrefix, prefix_end(kPrefix), log.next_rev, false, false};
  Result<std::unique_ptr<Watcher>> w = s.watch(req);
  if (!w) {  // died before the watch began: the next round resumes from the same place
    log.watch_errors.push_back(w.error().message);
    return;
  }
  while (true) {
    std::optional<WatchResponse> r = w.value()->next(std::chrono::milliseconds(50));
    if (!r) {
      if (dead) return;
      continue;
    }
    if (r->compact_revision != 0) {  // resumed below the compacted revision: a legal gap
      log.compaction_gaps++;
      log.next_rev = r->compact_revision;
      return;
    }
    for (const Event& ev : r->events) {
      int64_t rev = ev.kv.mod_revision;
      if (rev < log.next_rev) {
        log.errors.push_back("revision " + std::to_string(rev) + " delivered again or out of order (expected " +
                             std::to_string(log.next_rev) + ")");
      } else if (rev > log.next_rev && !log.events.empty()) {
        log.errors.push_back("gap: revisions " + std::to_string(log.next_rev) + ".." + std::to_string(rev - 1) +
                             " never delivered");
      }
      log.events.push_back(ev);
      log.next_rev = rev + 1;
    }
  }
}

struct Round {
  const char* failpoint;
  int hit;  // the pass of the failpoint that kills
};

}  // namespace

TEST_CASE("kubepp store killed at its failpoints loses no acknowledged write, invents none, and its watch resumes",
          "[unit][store][crash]") {
  kubepp::store::testing::TempDir dir;
  const std::string data = dir.path + "/data";
  Ledger ledger;
  WatchLog watched;
  watched.next_rev = 2;  // the first write of a fresh store
  int rounds = 0, killed = 0;

  std::vector<Round> plan;
  for (int i = 0; i < 40; i++) {
    plan.push_back({"wal-before-append", 1 + i % 13});
    plan.push_back({"wal-after-append", 1 + i % 11});
    plan.push_back({"compact-before-apply", 1 + i % 3});
    plan.push_back({"snapshot-before-rename", 1});
    plan.push_back({"snapshot-before-drop", 1});
  }

  for (const Round& round : plan) {
    rounds++;
    // Every tenth round the watcher comes late: only after 60 writes and a compaction
    // that has gone past where it resumes. Its watch must be canceled with the compacted
    // revision, and the next round resumes from there. Such a round crashes later.
    const bool late = rounds % 10 == 0;
    const std::string failpoint =
        late ? "wal-before-append:150" : std::string(round.failpoint) + ":" + std::to_string(round.hit);
    auto server = StoreProcess::kubepp_store({data, {"--snapshot-count", "25"}, {"KUBEPP_STORE_FAILPOINT=" + failpoint}});
    auto client = client_of(*server);
    std::atomic<bool> dead{false};
    std::atomic<int> round_acks{0};

    std::thread watcher([&] {
      if (late) {
        while (round_acks < 60 && !dead) std::this_thread::sleep_for(std::chrono::milliseconds(1));
        RangeRequest now;
        now.key = kPrefix;
        now.count_only = true;
        if (Result<RangeResponse> r = client->range(now)) (void)client->compact(r.value().header.revision - 5);
      }
      watch_until_dead(*client, watched, dead);
    });
    std::vector<std::thread> writers;
    for (int t = 0; t < 4; t++) {
      writers.emplace_back([&, t] {
        for (int i = 0; i < 60 && !dead; i++) {
          std::string key = kPrefix + std::to_string(rounds) + "/" + std::to_string(t) + "/" + std::to_string(i);
          std::string value = "v" + std::to_string(rounds * 1000 + t * 100 + i);
          {
            std::lock_guard lock(ledger.mu);
            ledger.attempted[key] = value;
          }
          Result<PutResponse> r = client->put(PutRequest{key, value, 0, false});
          if (!r) return;  // the store died under this write: it may or may not be there
          round_acks++;
          std::lock_guard lock(ledger.mu);
          ledger.acked[key] = Acked{value, r.value().header.revision};
        }
      });
    }
    std::thread compactor([&] {
      for (int i = 0; i < 20 && !dead; i++) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        RangeRequest now;
        now.key = kPrefix;
        now.count_only = true;
        Result<RangeResponse> r = client->range(now);
        if (!r) return;
        (void)client->compact(r.value().header.revision - 40);  // Gone or Invalid is fine
      }
    });
    for (std::thread& w : writers) w.join();
    compactor.join();

    // The failpoint may not have been reached (few writes, no compaction due): end the
    // round with a clean stop then. Either way the process is gone before the next one.
    bool sigkilled = server->wait_for_exit(late ? std::chrono::milliseconds(0) : std::chrono::milliseconds(2000));
    dead = true;
    watcher.join();
    if (sigkilled) {
      killed++;
      INFO("round " << rounds << " " << round.failpoint << ":" << round.hit << ": " << server->exit_status());
      CHECK(server->exit_status() == "killed by SIGKILL");
    }
    client.reset();  // its connections close: the server need not wait for them to idle out
    server->stop();
  }

  // The last restart: everything acknowledged, nothing invented.
  auto server = StoreProcess::kubepp_store({data, {}, {}});
  auto client = client_of(*server);
  RangeRequest all;
  all.key = kPrefix;
  all.range_end = prefix_end(kPrefix);
  Result<RangeResponse> r = client->range(all);
  REQUIRE(r.ok());
  std::map<std::string, std::string> after;
  for (const KeyValue& kv : r.value().kvs) after[kv.key] = kv.value;
  size_t lost = 0, invented = 0;
  std::string examples;
  for (const auto& [key, a] : ledger.acked) {
    if (after.count(key) == 0 || after[key] != a.value) {
      lost++;
      if (lost <= 3) examples += " lost " + key + "=" + a.value + ";";
    }
  }
  for (const auto& [key, value] : after) {
    if (ledger.attempted.count(key) == 0 || ledger.attempted[key] != value) {
      invented++;
      if (invented <= 3) examples += " invented " + key + "=" + value + ";";
    }
  }
  // Every acknowledged write the watch covered arrived at its acknowledged revision.
  std::map<std::string, int64_t> seen;
  for (const Event& ev : watched.events) seen[ev.kv.key] = ev.kv.mod_revision;
  size_t watch_missed = 0;
  for (const auto& [key, a] : ledger.acked) {
    auto it = seen.find(key);
    if (it != seen.end() && it->second != a.revision) watch_missed++;
  }
  INFO(rounds << " rounds, " << killed << " killed at their failpoint; " << ledger.acked.size() << " of "
              << ledger.attempted.size() << " writes acknowledged, " << after.size() << " keys after the last restart; "
              << watched.events.size() << " events watched, " << watched.compaction_gaps
              << " resumes past a compaction;" << examples);
  for (const std::string& e : watched.errors) INFO("watch: " << e);
  INFO(watched.watch_errors.size() << " watches refused" << (watched.watch_errors.empty() ? "" : ", first: " + watched.watch_errors[0]));
  CHECK(killed >= rounds * 3 / 4);
  CHECK(ledger.acked.size() > 1000);
  CHECK(lost == 0);
  CHECK(invented == 0);
  CHECK(watched.errors.empty());
  CHECK(watch_missed == 0);
  CHECK(watched.events.size() >= 1000);  // the watch did its share between the late rounds
  CHECK(watched.compaction_gaps > 0);  // the late rounds took the compacted path
}

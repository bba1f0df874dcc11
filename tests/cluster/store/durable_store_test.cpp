// durable_store_test.cpp — the durable store: acknowledged writes survive a reopen, a
// torn end is dropped, damage refuses to open, the data directory is locked, watches
// resume, and power cuts at failpoints lose nothing acknowledged (simulated file layer).
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <thread>

#include "cluster/store/durable_store.h"
#include "cluster/store/sim_file_system.h"
#include "tests/cluster/store/store_fixtures.h"

using namespace kubepp;
using namespace kubepp::store;
using namespace kubepp::store::testing;

namespace {

const std::string kAll(1, '\0');

Result<std::unique_ptr<DurableStore>> open_store(const std::string& dir, const Clock& clock,
                                                 FileSystem* fs = nullptr, bool fsync = true,
                                                 uint64_t segment_bytes = 64ull << 20,
                                                 int64_t snapshot_count = 100'000) {
  DurableStore::Options o;
  o.data_dir = dir;
  o.fs = fs;
  o.fsync = fsync;
  o.segment_bytes = segment_bytes;
  o.snapshot_count = snapshot_count;
  o.store = EmbeddedStore::options(clock);
  return DurableStore::open(o);
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void spit(const std::string& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << data;
}

std::map<std::string, std::string> all_keys(Store& s) {
  std::map<std::string, std::string> out;
  RangeRequest req;
  req.key = kAll;
  req.range_end = kAll;
  Result<RangeResponse> r = s.range(req);
  REQUIRE(r.ok());
  for (const KeyValue& kv : r.value().kvs) out[kv.key] = kv.value;
  return out;
}

}  // namespace

TEST_CASE("acknowledged writes survive a reopen and revisions continue", "[unit][store]") {
  TempDir dir;
  FakeClock clock;
  int64_t lease = 0;
  {
    auto s = open_store(dir.path, clock);
    REQUIRE(s.ok());
    Store& st = *s.value();
    put(st, "a", "1");                              // 2
    put(st, "a", "2");                              // 3
    put(st, "b", "1");                              // 4
    del(st, "b");                                   // 5
    lease = st.lease_grant({60, 0}).value().id;
    put(st, "l", "x", lease);                       // 6
    REQUIRE(st.txn(TxnRequest{{}, {PutRequest{"c", "1"}, PutRequest{"d", "1"}}, {}}).ok());  // 7
    put(st, "a", "3");                              // 8
    REQUIRE(st.compact(4).ok());
  }
  auto s = open_store(dir.path, clock);
  REQUIRE(s.ok());
  Store& st = *s.value();
  CHECK(s.value()->current_revision() == 8);
  CHECK(s.value()->compact_revision() == 4);
  CHECK(pairs(st.range({"a", "e"}).value().kvs) == "a=3,c=1,d=1");
  std::optional<KeyValue> a = get(st, "a");
  REQUIRE(a);
  CHECK(a->create_revision == 2);
  CHECK(a->version == 3);
  CHECK(get(st, "a", 4)->value == "2");  // history from the compacted revision on
  CHECK_FALSE(get(st, "b"));
  CHECK(get(st, "l")->lease == lease);
  CHECK(st.lease_keep_alive(lease).ok());
  CHECK(put(st, "e", "1") == 9);  // revisions continue
  SECTION("a revoke and an expiry are writes too") {
    REQUIRE(st.lease_revoke(lease).ok());
    int64_t short_lease = st.lease_grant({5, 0}).value().id;
    put(st, "s", "1", short_lease);
    clock.advance(std::chrono::seconds(6));
    CHECK(s.value()->expire_leases() == 1);
    s.value().reset();
    auto again = open_store(dir.path, clock);
    REQUIRE(again.ok());
    CHECK_FALSE(get(*again.value(), "l"));
    CHECK_FALSE(get(*again.value(), "s"));
    CHECK(again.value()->current_revision() == 12);
  }
}

TEST_CASE("a torn last record is dropped and the store opens", "[unit][store]") {
  TempDir dir;
  FakeClock clock;
  std::string seg = dir.path + "/wal/0000000000000001.wal";
  {
    auto s = open_store(dir.path, clock);
    REQUIRE(s.ok());
    put(*s.value(), "a", "1");
    put(*s.value(), "b", "2");
  }
  std::string good = slurp(seg);
  std::string torn = Wal::encode(static_cast<uint8_t>(RecordType::Put), encode_payload(PutRequest{"c", "3"}));
  spit(seg, good + torn.substr(0, torn.size() - 2));  // the crash cut the last write short
  auto s = open_store(dir.path, clock);
  REQUIRE(s.ok());
  CHECK(all_keys(*s.value()) == std::map<std::string, std::string>{{"a", "1"}, {"b", "2"}});
  CHECK(slurp(seg) == good);
  CHECK(put(*s.value(), "c", "4") == 4);
}

TEST_CASE("a store with a corrupted record in the middle of its wal refuses to open, naming file and offset",
          "[unit][store]") {
  TempDir dir;
  FakeClock clock;
  std::string seg = dir.path + "/wal/0000000000000001.wal";
  {
    auto s = open_store(dir.path, clock);
    REQUIRE(s.ok());
    put(*s.value(), "a", "1");
    put(*s.value(), "b", "2");
  }
  std::string data = slurp(seg);
  data[data.size() / 2 - 3] ^= 0x10;  // inside the first record's payload
  spit(seg, data);
  auto s = open_store(dir.path, clock);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().code == ErrorCode::Internal);
  CHECK_THAT(s.error().message, Catch::Contains("`" + seg + "` at offset 0") && Catch::Contains("refusing"));
  CHECK(slurp(seg) == data);
}

TEST_CASE("a second store on the same data directory fails with a clear error", "[unit][store]") {
  TempDir dir;
  FakeClock clock;
  auto first = open_store(dir.path, clock);
  REQUIRE(first.ok());
  auto second = open_store(dir.path, clock);
  REQUIRE_FALSE(second.ok());
  CHECK(second.error().code == ErrorCode::Unavailable);
  CHECK_THAT(second.error().message,
             Catch::Contains("in use by another store") && Catch::Contains("flock `" + dir.path + "/LOCK`"));
  first.value().reset();
  CHECK(open_store(dir.path, clock).ok());
}

TEST_CASE("a watch resumes from a revision across a reopen", "[unit][store]") {
  TempDir dir;
  FakeClock clock;
  {
    auto s = open_store(dir.path, clock);
    REQUIRE(s.ok());
    for (int i = 1; i <= 5; i++) put(*s.value(), "k" + std::to_string(i), "v");  // k<i> @i+1
  }
  DurableStoreOnDisk f;  // for collect(): settle() steps the reopened store
  f.durable.reset();
  f.durable = open_store(dir.path, clock).value();
  auto w = watch(*f.durable, WatchRequest{"k", prefix_end("k"), 4});
  put(*f.durable, "k6", "v");
  CHECK(describe(collect(f, *w, 4)) == "PUT k3=v @4, PUT k4=v @5, PUT k5=v @6, PUT k6=v @7");
}

// --- power cuts --------------------------------------------------------------------

namespace {

struct CrashOutcome {
  size_t acked = 0;    // writes acknowledged before the power went
  size_t lost = 0;     // acknowledged writes missing after recovery
  size_t phantom = 0;  // keys after recovery that no one wrote
  bool crashed = false;  // the failpoint was reached
};

// Writers put unique keys until the power goes (at the failpoint) or they are done; then
// the machine restarts and the store recovers. Counts what recovery kept and invented.
CrashOutcome crash_at(const std::string& op, int n, SimFileSystem::When when, bool fsync, int threads,
                      int64_t snapshot_count = 100'000) {
  SimFileSystem fs;
  FakeClock clock;
  std::mutex mu;
  std::map<std::string, std::string> acked, attempted;
  std::once_flag armed;
  {
    auto s = open_store("/data", clock, &fs, fsync, 128, snapshot_count);  // small segments: rotations too
    REQUIRE(s.ok());
    std::vector<std::thread> writers;
    for (int t = 0; t < threads; t++) {
      writers.emplace_back([&, t] {
        for (int i = 0; i < 40; i++) {
          std::string key = "t" + std::to_string(t) + "/" + std::to_string(i);
          std::string value = "v" + std::to_string(t * 1000 + i);
          {
            std::lock_guard lock(mu);
            attempted[key] = value;
          }
          if (i == 20) std::call_once(armed, [&] { fs.fail_at(op, n, when); });  // mid-run: some are acked
          if (!s.value()->put(PutRequest{key, value}).ok()) return;
          std::lock_guard lock(mu);
          acked[key] = value;
        }
      });
    }
    for (std::thread& w : writers) w.join();
  }
  bool crashed = fs.powered_off();
  fs.restart();
  auto s = open_store("/data", clock, &fs, fsync, 128, snapshot_count);
  INFO("recovery: " << (s ? "" : s.error().message));
  REQUIRE(s.ok());
  std::map<std::string, std::string> after = all_keys(*s.value());
  CrashOutcome out;
  out.acked = acked.size();
  out.crashed = crashed;
  for (const auto& [k, v] : acked) out.lost += after.count(k) == 0 || after[k] != v;
  for (const auto& [k, v] : after) out.phantom += attempted.count(k) == 0 || attempted[k] != v;
  return out;
}

}  // namespace

TEST_CASE("a power cut at a failpoint loses no acknowledged write and invents none", "[unit][store]") {
  using When = SimFileSystem::When;
  struct Point {
    const char* op;
    When when;
  };
  int threads = GENERATE(1, 4);
  for (Point p : {Point{"datasync", When::Before}, Point{"datasync", When::After}, Point{"append", When::Before},
                  Point{"append", When::After}, Point{"sync_dir", When::Before}, Point{"sync_dir", When::After}}) {
    for (int n : {1, 2, 3, 9}) {
      if (std::string(p.op) == "sync_dir" && n == 9) continue;  // fewer segment rotations than that
      CrashOutcome o = crash_at(p.op, n, p.when, true, threads);
      INFO(p.op << (p.when == When::Before ? " before" : " after") << " #" << n << ", " << threads
                << " writers: " << o.acked << " acked, " << o.lost << " lost, " << o.phantom << " phantom");
      CHECK(o.crashed);
      CHECK(o.acked >= 20);
      CHECK(o.lost == 0);
      CHECK(o.phantom == 0);
    }
  }
}

TEST_CASE("a power cut while a snapshot is written or the log it covers dropped loses nothing", "[unit][store]") {
  // A snapshot every 7 writes: its .tmp file's append and datasync, its rename, the
  // directory syncs and the removal of covered segments all fall among the failpoints.
  using When = SimFileSystem::When;
  int threads = GENERATE(1, 4);
  for (const char* op : {"rename", "sync_dir", "datasync", "append"}) {
    for (When when : {When::Before, When::After}) {
      for (int n : {1, 2, 3}) {  // a single writer's last 20 writes take 3 snapshots
        CrashOutcome o = crash_at(op, n, when, true, threads, 7);
        INFO(op << (when == When::Before ? " before" : " after") << " #" << n << ", " << threads << " writers: "
                << o.acked << " acked, " << o.lost << " lost, " << o.phantom << " phantom");
        CHECK(o.crashed);
        CHECK(o.lost == 0);
        CHECK(o.phantom == 0);
      }
    }
  }
}

TEST_CASE("a store without fsync loses acknowledged writes in a power cut: the test can fail",
          "[unit][store]") {
  // No datasync ever happens, so the failpoint is an append; every acknowledged write
  // was only in the (simulated) page cache.
  CrashOutcome o = crash_at("append", 5, SimFileSystem::When::After, false, 1);
  INFO(o.acked << " acked, " << o.lost << " lost");
  CHECK(o.crashed);
  CHECK(o.acked >= 20);
  CHECK(o.lost > 0);
  CHECK(o.phantom == 0);
}

TEST_CASE("durable put throughput on this disk", "[.][bench][durable]") {
  for (int threads : {1, 16}) {
    TempDir dir;
    FakeClock clock;
    auto s = open_store(dir.path, clock);
    REQUIRE(s.ok());
    std::atomic<bool> stop{false};
    std::atomic<int64_t> done{0};
    std::vector<std::thread> writers;
    for (int t = 0; t < threads; t++) {
      writers.emplace_back([&, t] {
        for (int i = 0; !stop; i++) {
          REQUIRE(s.value()->put(PutRequest{"k" + std::to_string(t) + "/" + std::to_string(i), "value"}).ok());
          done++;
        }
      });
    }
    std::this_thread::sleep_for(std::chrono::seconds(2));
    stop = true;
    for (std::thread& w : writers) w.join();
    std::printf("durable puts/s with %2d threads: %lld\n", threads, static_cast<long long>(done.load() / 2));
  }
}

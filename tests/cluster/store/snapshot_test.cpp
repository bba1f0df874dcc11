// snapshot_test.cpp — snapshots: a store recovered from a snapshot and the log after it
// answers every read at every revision as the store before did, the WAL it covers goes,
// and a damaged snapshot refuses to open.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "cluster/store/durable_store.h"
#include "cluster/store/mvcc_store.h"
#include "cluster/store/snapshot.h"
#include "tests/cluster/store/store_fixtures.h"

using namespace kubepp;
using namespace kubepp::store;
using namespace kubepp::store::testing;

namespace {

const std::string kAll(1, '\0');

std::unique_ptr<DurableStore> open_durable(const std::string& dir, const Clock& clock, int64_t snapshot_count) {
  DurableStore::Options o;
  o.data_dir = dir;
  o.snapshot_count = snapshot_count;
  o.store = EmbeddedStore::options(clock);
  Result<std::unique_ptr<DurableStore>> r = DurableStore::open(o);
  INFO("open " << dir << ": " << (r ? "" : r.error().message));
  REQUIRE(r.ok());
  return std::move(r).value();
}

std::vector<std::string> names_in(const std::string& dir) {
  std::vector<std::string> out;
  if (!std::filesystem::exists(dir)) return out;
  for (const auto& e : std::filesystem::directory_iterator(dir)) out.push_back(e.path().filename());
  std::sort(out.begin(), out.end());
  return out;
}

// Everything a client can read: every key with all its fields, at every revision from the
// compacted one to the current one, as text.
std::string every_read(Store& s, int64_t from, int64_t to) {
  std::ostringstream out;
  for (int64_t rev = from; rev <= to; rev++) {
    RangeRequest req;
    req.key = kAll;
    req.range_end = kAll;
    req.revision = rev;
    Result<RangeResponse> r = s.range(req);
    REQUIRE(r.ok());
    out << "@" << rev << ":";
    for (const KeyValue& kv : r.value().kvs) {
      out << " " << kv.key << "=" << kv.value << "(c" << kv.create_revision << ",m" << kv.mod_revision << ",v"
          << kv.version << ",l" << kv.lease << ")";
    }
    out << "\n";
  }
  return out.str();
}

// A workload touching every kind of record: puts, deletes, a txn, a lease with a key,
// recreated keys, and a compaction at exactly a delete's revision.
int64_t write_history(DurableStore& s) {
  put(s, "a", "1");
  put(s, "a", "2");
  put(s, "b", "1");
  int64_t deleted = del(s, "b");
  put(s, "b", "again");
  int64_t lease = s.lease_grant({600, 0}).value().id;
  put(s, "l", "leased", lease);
  REQUIRE(s.txn(TxnRequest{{}, {PutRequest{"c", "1"}, PutRequest{"d", "1"}}, {}}).ok());
  put(s, "e", "1");
  del(s, "e");
  REQUIRE(s.compact(deleted).ok());
  put(s, "a", "3");
  del(s, "d");
  return lease;
}

}  // namespace

TEST_CASE("a store recovered from a snapshot and the log after it reads the same at every revision",
          "[unit][store][snapshot]") {
  TempDir dir;
  FakeClock clock;
  int64_t snapshot_count = GENERATE(2, 3, 5, 1000);  // 1000: no snapshot at all, the log alone
  std::string before;
  int64_t compacted = 0, current = 0, lease = 0;
  {
    auto s = open_durable(dir.path, clock, snapshot_count);
    lease = write_history(*s);
    compacted = s->compact_revision();
    current = s->current_revision();
    before = every_read(*s, compacted, current);
  }
  INFO("snapshot every " << snapshot_count << " writes; files: snap " << names_in(dir.path + "/snap").size()
                         << ", wal " << names_in(dir.path + "/wal").size());
  if (snapshot_count < 1000) {
    CHECK(names_in(dir.path + "/snap").size() == 1);  // older snapshots are removed
    CHECK(names_in(dir.path + "/wal").size() <= 2);   // the covered segments are dropped
  }
  auto s = open_durable(dir.path, clock, snapshot_count);
  CHECK(s->current_revision() == current);
  CHECK(s->compact_revision() == compacted);
  CHECK(every_read(*s, compacted, current) == before);
  RangeRequest below;
  below.key = "a";
  below.revision = compacted - 1;
  CHECK(s->range(below).error().code == ErrorCode::Gone);

  SECTION("the lease still holds its key, and revisions continue") {
    REQUIRE(s->lease_revoke(lease).ok());
    CHECK_FALSE(get(*s, "l"));
    CHECK(put(*s, "z", "1") == current + 2);
  }
  SECTION("a watch from the compacted revision replays the same history") {
    DurableStoreOnDisk f;  // for collect(): settle() steps the reopened store
    f.durable = std::move(s);
    auto w = watch(*f.durable, WatchRequest{"a", prefix_end("e"), compacted});
    std::vector<Event> events = collect(f, *w, 8);
    auto at = [&](int64_t offset) { return " @" + std::to_string(compacted + offset); };
    CHECK(describe(events) == "DELETE b" + at(0) + ", PUT b=again" + at(1) + ", PUT c=1" + at(3) + ", PUT d=1" +
                                  at(3) + ", PUT e=1" + at(4) + ", DELETE e" + at(5) + ", PUT a=3" + at(6) +
                                  ", DELETE d" + at(7));
  }
}

TEST_CASE("a crash between writing a snapshot and dropping the log it covers recovers once, not twice",
          "[unit][store][snapshot]") {
  TempDir dir;
  FakeClock clock;
  const std::string seg1 = dir.path + "/wal/0000000000000001.wal";
  std::string before;
  int64_t current = 0;
  {
    auto s = open_durable(dir.path, clock, 1000);
    write_history(*s);
    std::filesystem::copy_file(seg1, dir.path + "/seg1");
    REQUIRE(s->snapshot_now().ok());  // cuts to segment 2, writes snap 2, drops segment 1
    current = s->current_revision();
    before = every_read(*s, s->compact_revision(), current);
  }
  CHECK_FALSE(std::filesystem::exists(seg1));
  std::filesystem::rename(dir.path + "/seg1", seg1);  // as if the crash came before the drop
  auto s = open_durable(dir.path, clock, 1000);
  CHECK(s->current_revision() == current);  // replaying segment 1 again would move it on
  CHECK(every_read(*s, s->compact_revision(), current) == before);
  CHECK(names_in(dir.path + "/wal") == std::vector<std::string>{"0000000000000002.wal"});
}

TEST_CASE("a damaged snapshot refuses to open, naming the file", "[unit][store][snapshot]") {
  TempDir dir;
  FakeClock clock;
  {
    auto s = open_durable(dir.path, clock, 2);
    write_history(*s);
  }
  std::vector<std::string> snaps = names_in(dir.path + "/snap");
  REQUIRE(snaps.size() == 1);
  std::string path = dir.path + "/snap/" + snaps[0];
  std::string data;
  {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    data = ss.str();
  }
  data[data.size() / 2] ^= 0x01;
  std::ofstream(path, std::ios::binary | std::ios::trunc) << data;
  DurableStore::Options o;
  o.data_dir = dir.path;
  o.store = EmbeddedStore::options(clock);
  Result<std::unique_ptr<DurableStore>> r = DurableStore::open(o);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::Internal);
  CHECK_THAT(r.error().message, Catch::Contains("snapshot `" + path + "` is damaged: checksum mismatch") &&
                                    Catch::Contains("refusing to open"));
}

TEST_CASE("a leftover temporary snapshot is removed at open", "[unit][store][snapshot]") {
  TempDir dir;
  FakeClock clock;
  {
    auto s = open_durable(dir.path, clock, 1000);
    put(*s, "a", "1");
  }
  std::filesystem::create_directories(dir.path + "/snap");
  std::ofstream(dir.path + "/snap/0000000000000009.snap.tmp") << "half a snapshot";
  auto s = open_durable(dir.path, clock, 1000);
  CHECK(get(*s, "a")->value == "1");
  CHECK(names_in(dir.path + "/snap").empty());
}

TEST_CASE("restore refuses a store that already holds data", "[unit][store][snapshot]") {
  FakeClock clock;
  MvccStore a(clock), b(clock);
  REQUIRE(a.put(PutRequest{"k", "v", 0, false}).ok());
  MvccState state = a.snapshot();
  CHECK(b.restore(state).ok());
  RangeRequest k;
  k.key = "k";
  CHECK(b.range(k).value().kvs.at(0).value == "v");
  Status again = b.restore(state);
  REQUIRE_FALSE(again.ok());
  CHECK_THAT(again.error().message, Catch::Contains("already holds data"));
}

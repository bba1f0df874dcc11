// Lab 05 — etcd and watch: the MVCC history and watch from a revision.
//
// The student writes cluster/store/key_index.cpp:KeyIndex::get (with its helper
// KeyIndex::find_generation), cluster/store/mvcc_store.cpp:MvccStore::ReadTxn::history and
// cluster/store/watchable_store.cpp:WatchableStore::catch_up_locked (see
// labs/05-etcd-and-watch/README.md). The tests drive the store through its public
// interfaces, in memory, one step at a time: no background thread (sync_watchers is called
// by hand), a fake clock, no sleeping.
//
// A new store is at revision 1, as etcd's is: its first write gets revision 2.
#include <catch2/catch.hpp>

#include <chrono>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cluster/store/key_index.h"
#include "cluster/store/mvcc_store.h"
#include "cluster/store/watchable_store.h"
#include "tests/cluster/store/store_fixtures.h"

using namespace kubepp::store;
using kubepp::store::testing::del;
using kubepp::store::testing::describe;
using kubepp::store::testing::EmbeddedStore;
using kubepp::store::testing::put;
using kubepp::store::testing::watch;

namespace {

// ---- helpers -----------------------------------------------------------------------

// KeyIndex::get(at) as text, "3.0 v2 (created 2.0)": the revision holding the value, the
// key's version there, and the put that created this life of the key; or "none".
std::string live_at(const KeyIndex& ki, int64_t at) {
  std::optional<KeyAt> got = ki.get(at);
  if (!got) return "none";
  return got->modified.str() + " v" + std::to_string(got->version) + " (created " + got->created.str() + ")";
}

void check_at(const KeyIndex& ki, int64_t at, const std::string& want, const std::string& why) {
  INFO("KeyIndex::get(" << at << "): " << why);
  CHECK(live_at(ki, at) == want);
}

// A read of one key at a revision, as "a=2 v2 (created 2, modified 3)", or "none".
std::string read_at(Store& s, const std::string& key, int64_t revision) {
  std::optional<KeyValue> kv = kubepp::store::testing::get(s, key, revision);
  if (!kv) return "none";
  return kv->key + "=" + kv->value + " v" + std::to_string(kv->version) + " (created " +
         std::to_string(kv->create_revision) + ", modified " + std::to_string(kv->mod_revision) + ")";
}

WatchRequest from(const std::string& key, int64_t start, bool prev_kv = false) {
  WatchRequest req;
  req.key = key;
  req.start_revision = start;
  req.prev_kv = prev_kv;
  return req;
}

WatchRequest prefix(const std::string& p, int64_t start) {
  WatchRequest req = from(p, start);
  req.range_end = prefix_end(p);
  return req;
}

// Every response queued for the watcher right now, without waiting.
std::vector<WatchResponse> drain(Watcher& w) {
  std::vector<WatchResponse> out;
  while (std::optional<WatchResponse> r = w.next(std::chrono::milliseconds(0))) out.push_back(std::move(*r));
  return out;
}

// Responses as text, one [...] per response: "[PUT a=1 @2, PUT a=2 @3] [DELETE a @4]".
// An empty response shows as [].
std::string batches(const std::vector<WatchResponse>& responses) {
  std::string out;
  for (const WatchResponse& r : responses) out += (out.empty() ? "[" : " [") + describe(r.events) + "]";
  return out.empty() ? "(no response)" : out;
}

// Every response's header.revision, as "5 5 5".
std::string header_revisions(const std::vector<WatchResponse>& responses) {
  std::string out;
  for (const WatchResponse& r : responses) out += (out.empty() ? "" : " ") + std::to_string(r.header.revision);
  return out;
}

// Every field of a version, so that a failed comparison shows which one is wrong.
std::string fields(const std::optional<KeyValue>& kv) {
  if (!kv) return "no version";
  return "key `" + kv->key + "`, value `" + kv->value + "`, create_revision " + std::to_string(kv->create_revision) +
         ", mod_revision " + std::to_string(kv->mod_revision) + ", version " + std::to_string(kv->version) +
         ", lease " + std::to_string(kv->lease);
}

std::string groups(const WatchableStore& s) {
  WatchableStore::WatcherCounts c = s.watcher_counts();
  return "synced " + std::to_string(c.synced) + ", unsynced " + std::to_string(c.unsynced) + ", victims " +
         std::to_string(c.victims);
}

// The embedded store with a small watch buffer and a small catch-up batch.
struct SmallStore {
  static WatchableStore::Options options(const Clock& clock, size_t buffer, int64_t max_revs) {
    WatchableStore::Options o = EmbeddedStore::options(clock);
    o.watch_buffer = buffer;
    o.max_revs_per_response = max_revs;
    return o;
  }
  SmallStore(size_t buffer, int64_t max_revs) : store(options(clock, buffer, max_revs)) {}
  FakeClock clock;
  WatchableStore store;
};

}  // namespace

// ---- which revision of a key is live at a revision: KeyIndex::get ---------------------

TEST_CASE("get finds the newest revision at or before the one asked, and the key's version there",
          "[lab05][index]") {
  KeyIndex ki;
  check_at(ki, 5, "none", "a key never written has no revision");
  ki.put({2, 0});
  ki.put({3, 0});
  ki.put({5, 0});
  INFO("the key was put at revisions 2, 3 and 5");
  check_at(ki, 1, "none", "before its first put the key did not exist");
  check_at(ki, 2, "2.0 v1 (created 2.0)", "the first put: version 1");
  check_at(ki, 3, "3.0 v2 (created 2.0)", "the second put: version 2");
  check_at(ki, 4, "3.0 v2 (created 2.0)", "nothing changed it at 4: the put of 3 is still live");
  check_at(ki, 5, "5.0 v3 (created 2.0)", "the third put: version 3");
  check_at(ki, 99, "5.0 v3 (created 2.0)", "after its last put, the last put is live");
}

TEST_CASE("a delete ends the key's life until a put starts a new one, counting versions from 1 again",
          "[lab05][index]") {
  KeyIndex ki;
  ki.put({2, 0});
  ki.put({3, 0});
  ki.tombstone({4, 0});
  ki.put({6, 0});
  ki.put({7, 0});
  INFO("the key was put at 2 and 3, deleted at 4 (its tombstone), put again at 6 and 7");
  check_at(ki, 3, "3.0 v2 (created 2.0)", "a read before the delete still sees the first life");
  check_at(ki, 4, "none", "at the tombstone's own revision the key is already deleted");
  check_at(ki, 5, "none", "between the delete and the next put the key does not exist");
  check_at(ki, 6, "6.0 v1 (created 6.0)", "a put after a delete starts a new generation: version 1, created here");
  check_at(ki, 7, "7.0 v2 (created 6.0)", "the second put of the new life: version 2, still created at 6");
  ki.tombstone({8, 0});
  INFO("then deleted again at 8");
  check_at(ki, 7, "7.0 v2 (created 6.0)", "the read before the second delete is unchanged");
  check_at(ki, 8, "none", "deleted at 8");
  check_at(ki, 50, "none", "and still deleted later");
}

TEST_CASE("get compares main revisions: a change of a txn at 4.1 is what a read at 4 sees",
          "[lab05][index]") {
  KeyIndex ki;
  ki.put({2, 0});
  ki.put({4, 1});        // the second change of the txn at revision 4
  ki.tombstone({6, 2});  // the third change of the txn at revision 6
  INFO("the key was put at 2.0, put again at 4.1 (inside a txn), deleted at 6.2");
  check_at(ki, 3, "2.0 v1 (created 2.0)", "revision 4 had not happened yet at 3");
  check_at(ki, 4, "4.1 v2 (created 2.0)",
           "a read at main revision 4 sees every change of revision 4, whatever its sub-revision");
  check_at(ki, 5, "4.1 v2 (created 2.0)", "nothing changed it at 5");
  check_at(ki, 6, "none", "the delete at 6.2 is part of revision 6");
}

TEST_CASE("after compaction get still counts the key's versions from its creation", "[lab05][index]") {
  KeyIndex ki;
  for (int64_t rev : {2, 3, 4, 5}) ki.put({rev, 0});
  std::set<Revision> keep;
  ki.compact(4, keep);
  INFO("the key was put at 2, 3, 4 and 5 (versions 1 to 4), then compacted at 4: the index "
       "keeps only the revisions 4 and 5, but Generation::version still says 4");
  check_at(ki, 4, "4.0 v3 (created 2.0)",
           "the put of 4 is the key's third version, although the first two left the index");
  check_at(ki, 5, "5.0 v4 (created 2.0)", "the put of 5 is its fourth version");
  check_at(ki, 3, "none", "what was live at 3 was compacted away: the index cannot tell any more");
}

TEST_CASE("a read of the store at an old revision sees the value that was live then", "[lab05][index]") {
  EmbeddedStore f;
  put(f.store, "a", "1");  // 2
  put(f.store, "a", "2");  // 3
  del(f.store, "a");       // 4
  put(f.store, "a", "3");  // 5
  put(f.store, "b", "1");  // 6
  INFO("writes: @2 put a=1, @3 put a=2, @4 delete a, @5 put a=3, @6 put b=1; each range "
       "below asks the store for `a` at one revision (MvccStore::range asks the index)");
  CHECK(read_at(f.store, "a", 2) == "a=1 v1 (created 2, modified 2)");
  CHECK(read_at(f.store, "a", 3) == "a=2 v2 (created 2, modified 3)");
  CHECK(read_at(f.store, "a", 4) == "none");
  CHECK(read_at(f.store, "a", 5) == "a=3 v1 (created 5, modified 5)");
  CHECK(read_at(f.store, "a", 6) == "a=3 v1 (created 5, modified 5)");
  CHECK(read_at(f.store, "b", 5) == "none");
}

// ---- history between two revisions: MvccStore::ReadTxn::history ------------------------

namespace {

// The history every test of this group reads.
constexpr const char* kWrites =
    "writes: @2 put a=1, @3 put b=1, @4 put a=2, @5 delete a, "
    "@6 txn {put c=1, put a=3, delete b}, @7 put a=4";

void write_history(MvccStore& kv) {
  REQUIRE(kv.put({"a", "1", 0, false}).ok());                  // 2
  REQUIRE(kv.put({"b", "1", 0, false}).ok());                  // 3
  REQUIRE(kv.put({"a", "2", 0, false}).ok());                  // 4
  REQUIRE(kv.delete_range({"a", "", false}).ok());             // 5
  REQUIRE(kv.txn(TxnRequest{{},                                // 6
                            {PutRequest{"c", "1"}, PutRequest{"a", "3"}, DeleteRangeRequest{"b", ""}},
                            {}})
              .ok());
  REQUIRE(kv.put({"a", "4", 0, false}).ok());  // 7
  REQUIRE(kv.current_revision() == 7);
}

}  // namespace

TEST_CASE("history lists every change of every key from `from` to `to`, both included, in revision order",
          "[lab05][history]") {
  FakeClock clock;
  MvccStore kv(clock);
  write_history(kv);
  INFO(kWrites);
  MvccStore::ReadTxn view = kv.read();
  SECTION("a middle stretch") {
    CHECK(describe(view.history(3, 5, false)) == "PUT b=1 @3, PUT a=2 @4, DELETE a @5");
  }
  SECTION("one revision") { CHECK(describe(view.history(4, 4, false)) == "PUT a=2 @4"); }
  SECTION("the whole history") {
    CHECK(describe(view.history(2, 7, false)) ==
          "PUT a=1 @2, PUT b=1 @3, PUT a=2 @4, DELETE a @5, PUT c=1 @6, PUT a=3 @6, DELETE b @6, PUT a=4 @7");
  }
  SECTION("the last revision") { CHECK(describe(view.history(7, 7, false)) == "PUT a=4 @7"); }
}

TEST_CASE("the changes of one txn come at one revision, in the order of its ops", "[lab05][history]") {
  FakeClock clock;
  MvccStore kv(clock);
  write_history(kv);
  INFO(kWrites << "; the txn's changes are 6.0, 6.1 and 6.2");
  CHECK(describe(kv.read().history(6, 6, false)) == "PUT c=1 @6, PUT a=3 @6, DELETE b @6");
}

TEST_CASE("a delete comes as a Delete event whose kv names only the key and the delete's revision",
          "[lab05][history]") {
  FakeClock clock;
  MvccStore kv(clock);
  write_history(kv);
  INFO(kWrites);
  std::vector<Event> events = kv.read().history(5, 5, false);
  REQUIRE(events.size() == 1);
  CHECK(events[0].type == Event::Type::Delete);
  CHECK(fields(events[0].kv) == "key `a`, value ``, create_revision 0, mod_revision 5, version 0, lease 0");
  CHECK_FALSE(events[0].prev_kv.has_value());
}

TEST_CASE("with prev_kv each event carries the version live just before it", "[lab05][history]") {
  FakeClock clock;
  MvccStore kv(clock);
  write_history(kv);
  INFO(kWrites);
  MvccStore::ReadTxn view = kv.read();
  SECTION("asked for: the value before each change; none before a key's first put") {
    std::vector<Event> events = view.history(2, 7, true);
    CHECK(describe(events) ==
          "PUT a=1 @2, PUT b=1 @3, PUT a=2 @4 (was 1), DELETE a @5 (was 2), PUT c=1 @6, PUT a=3 @6, "
          "DELETE b @6 (was 1), PUT a=4 @7 (was 3)");
    REQUIRE(events.size() == 8);
    INFO("the prev_kv of DELETE a @5 is the whole version of `a` live at 4");
    CHECK(fields(events[3].prev_kv) == "key `a`, value `2`, create_revision 2, mod_revision 4, version 2, lease 0");
  }
  SECTION("not asked for: no event carries one") {
    for (const Event& ev : view.history(2, 7, false)) {
      INFO(describe({ev}));
      CHECK_FALSE(ev.prev_kv.has_value());
    }
  }
}

TEST_CASE("history from the compacted revision starts with what compaction kept", "[lab05][history]") {
  FakeClock clock;
  MvccStore kv(clock);
  write_history(kv);
  REQUIRE(kv.compact(5).ok());
  INFO(kWrites << "; then compacted at 5: the backend still holds b=1 @3 (b's value at 5) and the "
                  "tombstone of a @5, but not a=2 @4");
  SECTION("nothing before `from`, although the backend still holds b=1 @3") {
    CHECK(describe(kv.read().history(5, 7, false)) ==
          "DELETE a @5, PUT c=1 @6, PUT a=3 @6, DELETE b @6, PUT a=4 @7");
  }
  SECTION("no prev_kv where history no longer holds the version before") {
    CHECK(describe(kv.read().history(5, 7, true)) ==
          "DELETE a @5, PUT c=1 @6, PUT a=3 @6, DELETE b @6 (was 1), PUT a=4 @7 (was 3)");
  }
}

// ---- a watch from the past catches up: WatchableStore::catch_up_locked -------------------

TEST_CASE("a watch from a past revision gets every change of its key from there, then goes live",
          "[lab05][catchup]") {
  EmbeddedStore f;
  put(f.store, "a", "1");  // 2
  put(f.store, "b", "1");  // 3
  put(f.store, "a", "2");  // 4
  SECTION("from a revision that changed another key") {
    auto w = watch(f.store, from("a", 3));
    del(f.store, "a");       // 5: after the watch began, before it caught up: not lost
    put(f.store, "b", "2");  // 6
    INFO("writes: @2 put a=1, @3 put b=1, @4 put a=2; watch `a` from 3; @5 delete a, @6 put b=2; "
         "then one sync_watchers step");
    REQUIRE(groups(f.store) == "synced 0, unsynced 1, victims 0");
    CHECK(f.store.sync_watchers() == 0);
    std::vector<WatchResponse> got = drain(*w);
    CHECK(batches(got) == "[PUT a=2 @4, DELETE a @5]");
    INFO("header.revision is the store's revision when the response was made, not its last event's");
    CHECK(header_revisions(got) == "6");
    if (!got.empty()) CHECK(got[0].watch_id == w->id());
    CHECK(groups(f.store) == "synced 1, unsynced 0, victims 0");
    put(f.store, "a", "3");  // 7
    INFO("then @7 put a=3: a synced watcher gets it from the write itself (notify), if its "
         "next_rev is 7");
    CHECK(batches(drain(*w)) == "[PUT a=3 @7]");
  }
  SECTION("from a revision that changed the key: that change is the first event") {
    auto w = watch(f.store, from("a", 4));
    INFO("writes: @2 put a=1, @3 put b=1, @4 put a=2; watch `a` from 4");
    f.store.sync_watchers();
    CHECK(batches(drain(*w)) == "[PUT a=2 @4]");
  }
  SECTION("from the first revision") {
    auto w = watch(f.store, from("a", 1));
    INFO("writes: @2 put a=1, @3 put b=1, @4 put a=2; watch `a` from 1");
    f.store.sync_watchers();
    CHECK(batches(drain(*w)) == "[PUT a=1 @2, PUT a=2 @4]");
  }
}

TEST_CASE("catch-up gives each watcher only the keys of its own key or range", "[lab05][catchup]") {
  EmbeddedStore f;
  put(f.store, "a/1", "x");  // 2
  put(f.store, "b", "x");    // 3
  put(f.store, "a/2", "x");  // 4
  put(f.store, "a", "x");    // 5: the prefix without its slash
  put(f.store, "a0", "x");   // 6: prefix_end("a/")
  REQUIRE(f.store.txn(TxnRequest{{}, {PutRequest{"a/3", "y"}, PutRequest{"b", "y"}}, {}}).ok());  // 7
  auto under_a = watch(f.store, prefix("a/", 2));
  auto just_b = watch(f.store, from("b", 2));
  INFO("writes: @2 a/1, @3 b, @4 a/2, @5 a, @6 a0, @7 txn {a/3, b}; a watch of the prefix a/ "
       "and one of the key b, both from 2, caught up by one sync_watchers step");
  CHECK(f.store.sync_watchers() == 0);
  CHECK(batches(drain(*under_a)) == "[PUT a/1=x @2, PUT a/2=x @4, PUT a/3=y @7]");
  CHECK(batches(drain(*just_b)) == "[PUT b=x @3, PUT b=y @7]");
}

TEST_CASE("watchers from different revisions each get their own part of the one history read",
          "[lab05][catchup]") {
  EmbeddedStore f;
  for (const char* v : {"1", "2", "3", "4"}) put(f.store, "a", v);  // a=1 @2 … a=4 @5
  auto early = watch(f.store, from("a", 2));
  auto late = watch(f.store, from("a", 4));
  INFO("writes: a=1 @2, a=2 @3, a=3 @4, a=4 @5; one watcher from 2, one from 4. sync_watchers "
       "reads history once, from 2, and hands it to both");
  f.store.sync_watchers();
  CHECK(batches(drain(*early)) == "[PUT a=1 @2, PUT a=2 @3, PUT a=3 @4, PUT a=4 @5]");
  CHECK(batches(drain(*late)) == "[PUT a=3 @4, PUT a=4 @5]");
}

TEST_CASE("a watcher with nothing to catch up gets no empty response, and is synced", "[lab05][catchup]") {
  EmbeddedStore f;
  put(f.store, "a", "1");  // 2
  put(f.store, "a", "2");  // 3
  auto w = watch(f.store, from("z", 2));
  INFO("writes: a=1 @2, a=2 @3; a watch of `z` from 2, which no write touched. An empty "
       "response would read as a progress notification");
  CHECK(f.store.sync_watchers() == 0);
  CHECK(batches(drain(*w)) == "(no response)");
  CHECK(groups(f.store) == "synced 1, unsynced 0, victims 0");
  put(f.store, "z", "1");  // 4
  INFO("then @4 put z=1, delivered live");
  CHECK(batches(drain(*w)) == "[PUT z=1 @4]");
}

TEST_CASE("catch-up gives prev_kv to the watchers that asked for it, and only to them", "[lab05][catchup]") {
  EmbeddedStore f;
  put(f.store, "a", "1");  // 2
  put(f.store, "a", "2");  // 3
  del(f.store, "a");       // 4
  auto with = watch(f.store, from("a", 2, true));
  auto without = watch(f.store, from("a", 2, false));
  INFO("writes: a=1 @2, a=2 @3, delete a @4; two watches of `a` from 2, the first with "
       "prev_kv. History is read once, with prev_kv, for both");
  f.store.sync_watchers();
  CHECK(batches(drain(*with)) == "[PUT a=1 @2, PUT a=2 @3 (was 1), DELETE a @4 (was 2)]");
  CHECK(batches(drain(*without)) == "[PUT a=1 @2, PUT a=2 @3, DELETE a @4]");
}

TEST_CASE("a watch from exactly the compacted revision is not canceled: it replays what compaction kept",
          "[lab05][catchup]") {
  EmbeddedStore f;
  put(f.store, "k/a", "1");  // 2
  put(f.store, "k/b", "1");  // 3
  del(f.store, "k/b");       // 4
  put(f.store, "k/a", "2");  // 5
  REQUIRE(f.store.compact(4).ok());
  auto w = watch(f.store, prefix("k/", 4));
  INFO("writes: @2 k/a=1, @3 k/b=1, @4 delete k/b, @5 k/a=2; compacted at 4; a watch of k/ "
       "from 4. Compaction keeps the tombstone at 4, so the delete is still told");
  f.store.sync_watchers();
  std::vector<WatchResponse> got = drain(*w);
  CHECK(batches(got) == "[DELETE k/b @4, PUT k/a=2 @5]");
  for (const WatchResponse& r : got) CHECK_FALSE(r.canceled);
}

// ---- catch-up in batches, and slow watchers ----------------------------------------------

TEST_CASE("catch-up comes in responses of at most max_revs_per_response revisions, never splitting one",
          "[lab05][slow]") {
  SmallStore s(16, 2);
  put(s.store, "k/a", "1");  // 2
  put(s.store, "k/b", "1");  // 3
  REQUIRE(s.store.txn(TxnRequest{{}, {PutRequest{"k/c", "1"}, PutRequest{"k/d", "1"}}, {}}).ok());  // 4
  put(s.store, "k/a", "2");  // 5
  put(s.store, "k/b", "2");  // 6
  auto w = watch(s.store, prefix("k/", 2));
  INFO("max_revs_per_response = 2. writes: @2 k/a, @3 k/b, @4 txn {k/c, k/d}, @5 k/a, @6 k/b; "
       "a watch of k/ from 2. Two revisions per response; the txn's two events are one revision");
  CHECK(s.store.sync_watchers() == 0);
  std::vector<WatchResponse> got = drain(*w);
  CHECK(batches(got) ==
        "[PUT k/a=1 @2, PUT k/b=1 @3] [PUT k/c=1 @4, PUT k/d=1 @4, PUT k/a=2 @5] [PUT k/b=2 @6]");
  CHECK(header_revisions(got) == "6 6 6");
}

TEST_CASE("the revision limit counts only revisions that hold the watcher's keys", "[lab05][slow]") {
  SmallStore s(16, 2);
  for (const char* key : {"a", "x", "a", "x", "a"}) put(s.store, key, "v");  // @2 … @6
  auto w = watch(s.store, from("a", 2));
  INFO("max_revs_per_response = 2. writes: @2 a, @3 x, @4 a, @5 x, @6 a; a watch of `a` from 2. "
       "The revisions of x are none of its business");
  s.store.sync_watchers();
  CHECK(batches(drain(*w)) == "[PUT a=v @2, PUT a=v @4] [PUT a=v @6]");
}

TEST_CASE("a watcher whose buffer fills during catch-up waits as a victim and resumes where it stopped",
          "[lab05][slow]") {
  SmallStore s(2, 1);
  for (const char* v : {"1", "2", "3", "4", "5"}) put(s.store, "a", v);  // a=1 @2 … a=5 @6
  auto w = watch(s.store, from("a", 2));
  INFO("watch_buffer = 2 responses, max_revs_per_response = 1. writes: a=1 @2 … a=5 @6; a watch "
       "of `a` from 2");
  {
    INFO("step 1: two responses fit; the third does not, so the watcher becomes a victim whose "
         "next revision is 4");
    CHECK(s.store.sync_watchers() == 0);
    CHECK(groups(s.store) == "synced 0, unsynced 0, victims 1");
    CHECK(batches(drain(*w)) == "[PUT a=1 @2] [PUT a=2 @3]");
  }
  {
    INFO("step 2: the owner made room; catch-up resumes at 4, and fills the buffer again at 6");
    s.store.sync_watchers();
    CHECK(groups(s.store) == "synced 0, unsynced 0, victims 1");
    CHECK(batches(drain(*w)) == "[PUT a=3 @4] [PUT a=4 @5]");
  }
  {
    INFO("step 3: the last revision fits; the watcher is synced");
    s.store.sync_watchers();
    CHECK(groups(s.store) == "synced 1, unsynced 0, victims 0");
    CHECK(batches(drain(*w)) == "[PUT a=5 @6]");
  }
  put(s.store, "a", "6");  // 7
  INFO("then @7 put a=6, delivered live");
  CHECK(batches(drain(*w)) == "[PUT a=6 @7]");
}

TEST_CASE("a watcher that fell behind live writes catches up from history without gaps or duplicates",
          "[lab05][slow]") {
  SmallStore s(1, 1000);
  auto w = watch(s.store, from("a", 0));  // from now: synced at once
  put(s.store, "a", "1");                 // 2: queued by the write itself
  put(s.store, "a", "2");                 // 3: the buffer is full: a victim, next revision 3
  put(s.store, "a", "3");                 // 4: a victim gets nothing live
  INFO("watch_buffer = 1. a watch of `a` from now; writes a=1 @2 (queued live), a=2 @3 (the "
       "buffer is full: the watcher becomes a victim), a=3 @4");
  REQUIRE(groups(s.store) == "synced 0, unsynced 0, victims 1");
  CHECK(batches(drain(*w)) == "[PUT a=1 @2]");
  INFO("the owner read it; one sync_watchers step catches the watcher up from 3");
  s.store.sync_watchers();
  CHECK(batches(drain(*w)) == "[PUT a=2 @3, PUT a=3 @4]");
  CHECK(groups(s.store) == "synced 1, unsynced 0, victims 0");
  put(s.store, "a", "4");  // 5
  CHECK(batches(drain(*w)) == "[PUT a=4 @5]");
}

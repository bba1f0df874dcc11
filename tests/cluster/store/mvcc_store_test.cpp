// mvcc_store_test.cpp — MvccStore underneath the Store interface: the commit hook that
// feeds watchers, read views, and what compaction frees.
#include <catch2/catch.hpp>

#include "cluster/store/mvcc_store.h"
#include "tests/cluster/store/store_fixtures.h"

using namespace kubepp;
using namespace kubepp::store;
using kubepp::store::testing::describe;

TEST_CASE("the commit hook gets each write's events once, in revision order", "[unit][store]") {
  FakeClock clock;
  std::vector<std::pair<int64_t, std::string>> commits;
  MvccStore kv(clock, [&](int64_t rev, const std::vector<Event>& events) {
    commits.emplace_back(rev, describe(events));
  });
  REQUIRE(kv.put({"a", "1", 0, false}).ok());  // 2
  REQUIRE(kv.put({"a", "2", 0, false}).ok());  // 3
  SECTION("a put's event carries the version it replaced") {
    REQUIRE(commits.size() == 2);
    CHECK(commits[1] == std::make_pair(int64_t{3}, std::string("PUT a=2 @3 (was 1)")));
  }
  SECTION("a txn is one commit with its events in op order") {
    REQUIRE(kv.txn(TxnRequest{{}, {PutRequest{"c", "1"}, DeleteRangeRequest{"a", ""}, PutRequest{"b", "1"}}, {}})
                .ok());
    REQUIRE(commits.size() == 3);
    CHECK(commits[2] == std::make_pair(int64_t{4}, std::string("PUT c=1 @4, DELETE a @4 (was 2), PUT b=1 @4")));
  }
  SECTION("writes that change nothing are not committed") {
    REQUIRE(kv.delete_range({"zzz", "", false}).ok());
    REQUIRE(kv.txn(TxnRequest{{}, {RangeRequest{"a", ""}}, {}}).ok());
    CHECK(commits.size() == 2);
  }
  SECTION("failed writes are not committed") {
    REQUIRE_FALSE(kv.put({"", "1", 0, false}).ok());
    REQUIRE_FALSE(kv.put({"b", "1", 99, false}).ok());
    CHECK(commits.size() == 2);
  }
}

TEST_CASE("a read view replays history by revision", "[unit][store]") {
  FakeClock clock;
  MvccStore kv(clock);
  REQUIRE(kv.put({"a", "1", 0, false}).ok());       // 2
  REQUIRE(kv.put({"b", "1", 0, false}).ok());       // 3
  REQUIRE(kv.put({"a", "2", 0, false}).ok());       // 4
  REQUIRE(kv.delete_range({"a", "", false}).ok());  // 5
  MvccStore::ReadTxn view = kv.read();
  CHECK(view.revision() == 5);
  SECTION("every key's changes between two revisions") {
    CHECK(describe(view.history(3, 4, false)) == "PUT b=1 @3, PUT a=2 @4");
  }
  SECTION("with the versions before them") {
    CHECK(describe(view.history(4, 5, true)) == "PUT a=2 @4 (was 1), DELETE a @5 (was 2)");
  }
}

TEST_CASE("compaction frees the versions no read can reach any more", "[unit][store]") {
  FakeClock clock;
  MvccStore kv(clock);
  for (const char* v : {"1", "2", "3"}) REQUIRE(kv.put({"a", v, 0, false}).ok());  // 2-4
  REQUIRE(kv.put({"b", "1", 0, false}).ok());                                        // 5
  REQUIRE(kv.delete_range({"b", "", false}).ok());                                   // 6
  REQUIRE(kv.put({"c", "1", 0, false}).ok());                                        // 7
  CHECK(kv.history_size() == 6);
  SECTION("older versions of a live key go, its newest stays") {
    REQUIRE(kv.compact(5).ok());
    CHECK(kv.history_size() == 4);  // a@4, b@5, b's tombstone @6, c@7
  }
  SECTION("a key deleted before the compaction goes whole") {
    REQUIRE(kv.compact(7).ok());
    CHECK(kv.history_size() == 2);  // a@4, c@7
    CHECK(kv.compact_revision() == 7);
  }
}

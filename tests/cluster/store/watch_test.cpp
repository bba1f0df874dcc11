// watch_test.cpp — the store contract: watch (every Store).
#include <catch2/catch.hpp>

#include "tests/cluster/store/store_fixtures.h"

using namespace kubepp;
using namespace kubepp::store;
using namespace kubepp::store::testing;

namespace {

WatchRequest from(const std::string& key, int64_t start_revision, bool prev_kv = false) {
  WatchRequest req;
  req.key = key;
  req.start_revision = start_revision;
  req.prev_kv = prev_kv;
  return req;
}

WatchRequest prefix(const std::string& p, int64_t start_revision = 0) {
  WatchRequest req = from(p, start_revision);
  req.range_end = prefix_end(p);
  return req;
}

}  // namespace

TEMPLATE_TEST_CASE("a watch from now sees the later writes of its key in order", "[unit][store]",
                   KUBEPP_STORES) {
  TestType f;
  Store& s = f.store;
  put(s, "a", "0");  // before the watch: not seen
  auto w = watch(s, from("a", 0));
  put(s, "a", "1");
  put(s, "b", "1");  // another key: not seen
  del(s, "a");
  CHECK(describe(collect(f, *w, 2)) == "PUT a=1 @2, DELETE a @4");
  CHECK_FALSE(next_response(f, *w));
}

TEMPLATE_TEST_CASE("a watch from a past revision replays history in order, then goes on live",
                   "[unit][store]", KUBEPP_STORES) {
  TestType f;
  Store& s = f.store;
  put(s, "a", "1");  // 1
  put(s, "a", "2");  // 2
  put(s, "b", "1");  // 3
  put(s, "a", "3");  // 4
  del(s, "a");       // 5
  SECTION("from a middle revision") {
    auto w = watch(s, from("a", 2));
    CHECK(describe(collect(f, *w, 3)) == "PUT a=2 @2, PUT a=3 @4, DELETE a @5");
    put(s, "a", "4");
    CHECK(describe(collect(f, *w, 1)) == "PUT a=4 @6");
  }
  SECTION("from revision 1, the whole history") {
    auto w = watch(s, from("a", 1));
    CHECK(describe(collect(f, *w, 4)) == "PUT a=1 @1, PUT a=2 @2, PUT a=3 @4, DELETE a @5");
  }
  SECTION("from the current revision, its write only") {
    auto w = watch(s, from("a", 5));
    CHECK(describe(collect(f, *w, 1)) == "DELETE a @5");
  }
  SECTION("the replay carries the events' own versions") {
    auto w = watch(s, from("a", 4));
    std::vector<Event> events = collect(f, *w, 1);
    REQUIRE(!events.empty());
    CHECK(events[0].kv.version == 3);
    CHECK(events[0].kv.create_revision == 1);
  }
}

TEMPLATE_TEST_CASE("a watch with prev_kv gets the version before each change", "[unit][store]",
                   KUBEPP_STORES) {
  TestType f;
  Store& s = f.store;
  SECTION("live") {
    auto w = watch(s, from("a", 0, true));
    put(s, "a", "1");
    put(s, "a", "2");
    del(s, "a");
    CHECK(describe(collect(f, *w, 3)) == "PUT a=1 @1, PUT a=2 @2 (was 1), DELETE a @3 (was 2)");
  }
  SECTION("replayed from history") {
    put(s, "a", "1");
    put(s, "a", "2");
    del(s, "a");
    auto w = watch(s, from("a", 1, true));
    CHECK(describe(collect(f, *w, 3)) == "PUT a=1 @1, PUT a=2 @2 (was 1), DELETE a @3 (was 2)");
  }
  SECTION("without prev_kv there is none") {
    put(s, "a", "1");
    auto w = watch(s, from("a", 0, false));
    put(s, "a", "2");
    CHECK(describe(collect(f, *w, 1)) == "PUT a=2 @2");
  }
}

TEMPLATE_TEST_CASE("a prefix watch sees only the keys under its prefix", "[unit][store]", KUBEPP_STORES) {
  TestType f;
  Store& s = f.store;
  auto w = watch(s, prefix("a/"));
  put(s, "a", "x");    // the prefix without its slash
  put(s, "a/1", "x");  // 2
  put(s, "a0", "x");   // prefix_end("a/") itself
  put(s, "b", "x");
  put(s, "a/2/z", "x");  // 5
  CHECK(describe(collect(f, *w, 2)) == "PUT a/1=x @2, PUT a/2/z=x @5");
  CHECK_FALSE(next_response(f, *w));
}

TEMPLATE_TEST_CASE("the events of one txn arrive together at one revision", "[unit][store]", KUBEPP_STORES) {
  TestType f;
  Store& s = f.store;
  put(s, "t/old", "x");
  auto w = watch(s, prefix("t/"));
  REQUIRE(s.txn(TxnRequest{{}, {PutRequest{"t/a", "1"}, PutRequest{"t/b", "1"}, DeleteRangeRequest{"t/old", ""}}, {}})
              .ok());
  std::optional<WatchResponse> r = next_response(f, *w);
  REQUIRE(r);
  CHECK(describe(r->events) == "PUT t/a=1 @2, PUT t/b=1 @2, DELETE t/old @2");
  CHECK(r->header.revision == 2);
  CHECK(r->watch_id == w->id());
}

TEMPLATE_TEST_CASE("a watch from a compacted revision is told compact_revision and canceled",
                   "[unit][store]", KUBEPP_STORES) {
  TestType f;
  Store& s = f.store;
  for (int i = 1; i <= 5; i++) put(s, "a", std::to_string(i));
  REQUIRE(s.compact(4).ok());
  SECTION("below the compacted revision") {
    auto w = watch(s, from("a", 2));
    std::optional<WatchResponse> r = next_response(f, *w);
    REQUIRE(r);
    CHECK(r->compact_revision == 4);
    CHECK(r->canceled);
    CHECK(r->events.empty());
    CHECK(r->cancel_reason == kErrCompacted);
    put(s, "a", "6");
    CHECK_FALSE(next_response(f, *w));  // canceled: nothing more, and at once
  }
  SECTION("at the compacted revision history is still whole") {
    auto w = watch(s, from("a", 4));
    CHECK(describe(collect(f, *w, 2)) == "PUT a=4 @4, PUT a=5 @5");
  }
}

TEMPLATE_TEST_CASE("a watch from a future revision is accepted and waits for it", "[unit][store]",
                   KUBEPP_STORES) {
  TestType f;
  Store& s = f.store;
  put(s, "a", "1");  // 1
  auto w = watch(s, from("a", 3));
  put(s, "a", "2");  // 2: before the start
  CHECK_FALSE(next_response(f, *w, std::chrono::milliseconds(50)));
  put(s, "a", "3");  // 3
  CHECK(describe(collect(f, *w, 1)) == "PUT a=3 @3");
}

TEMPLATE_TEST_CASE("a watch of an empty key or a negative revision is Invalid", "[unit][store]",
                   KUBEPP_STORES) {
  TestType f;
  Store& s = f.store;
  SECTION("empty key") {
    Result<std::unique_ptr<Watcher>> r = s.watch(from("", 0));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::Invalid);
  }
  SECTION("negative start revision") {
    Result<std::unique_ptr<Watcher>> r = s.watch(from("a", -1));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::Invalid);
  }
}

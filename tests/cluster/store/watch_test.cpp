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
  put(s, "a", "0");  // 2: before the watch, not seen
  auto w = watch(s, from("a", 0));
  put(s, "a", "1");  // 3
  put(s, "b", "1");  // 4: another key, not seen
  del(s, "a");       // 5
  CHECK(describe(collect(f, *w, 2)) == "PUT a=1 @3, DELETE a @5");
  CHECK_FALSE(next_response(f, *w));
}

TEMPLATE_TEST_CASE("a watch from a past revision replays history in order, then goes on live",
                   "[unit][store]", KUBEPP_STORES) {
  TestType f;
  Store& s = f.store;
  put(s, "a", "1");  // 2
  put(s, "a", "2");  // 3
  put(s, "b", "1");  // 4
  put(s, "a", "3");  // 5
  del(s, "a");       // 6
  SECTION("from a middle revision") {
    auto w = watch(s, from("a", 3));
    CHECK(describe(collect(f, *w, 3)) == "PUT a=2 @3, PUT a=3 @5, DELETE a @6");
    put(s, "a", "4");
    CHECK(describe(collect(f, *w, 1)) == "PUT a=4 @7");
  }
  SECTION("from revision 1, the whole history") {
    auto w = watch(s, from("a", 1));
    CHECK(describe(collect(f, *w, 4)) == "PUT a=1 @2, PUT a=2 @3, PUT a=3 @5, DELETE a @6");
  }
  SECTION("from the current revision, its write only") {
    auto w = watch(s, from("a", 6));
    CHECK(describe(collect(f, *w, 1)) == "DELETE a @6");
  }
  SECTION("the replay carries the events' own versions") {
    auto w = watch(s, from("a", 5));
    std::vector<Event> events = collect(f, *w, 1);
    REQUIRE(!events.empty());
    CHECK(events[0].kv.version == 3);
    CHECK(events[0].kv.create_revision == 2);
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
    CHECK(describe(collect(f, *w, 3)) == "PUT a=1 @2, PUT a=2 @3 (was 1), DELETE a @4 (was 2)");
  }
  SECTION("replayed from history") {
    put(s, "a", "1");
    put(s, "a", "2");
    del(s, "a");
    auto w = watch(s, from("a", 2, true));
    CHECK(describe(collect(f, *w, 3)) == "PUT a=1 @2, PUT a=2 @3 (was 1), DELETE a @4 (was 2)");
  }
  SECTION("without prev_kv there is none") {
    put(s, "a", "1");
    auto w = watch(s, from("a", 0, false));
    put(s, "a", "2");
    CHECK(describe(collect(f, *w, 1)) == "PUT a=2 @3");
  }
}

TEMPLATE_TEST_CASE("a prefix watch sees only the keys under its prefix", "[unit][store]", KUBEPP_STORES) {
  TestType f;
  Store& s = f.store;
  auto w = watch(s, prefix("a/"));
  put(s, "a", "x");    // the prefix without its slash
  put(s, "a/1", "x");  // 3
  put(s, "a0", "x");   // prefix_end("a/") itself
  put(s, "b", "x");
  put(s, "a/2/z", "x");  // 6
  CHECK(describe(collect(f, *w, 2)) == "PUT a/1=x @3, PUT a/2/z=x @6");
  CHECK_FALSE(next_response(f, *w));
}

TEMPLATE_TEST_CASE("the events of one txn arrive together at one revision", "[unit][store]", KUBEPP_STORES) {
  TestType f;
  Store& s = f.store;
  put(s, "t/old", "x");  // 2
  auto w = watch(s, prefix("t/"));
  REQUIRE(s.txn(TxnRequest{{}, {PutRequest{"t/a", "1"}, PutRequest{"t/b", "1"}, DeleteRangeRequest{"t/old", ""}}, {}})
              .ok());
  std::optional<WatchResponse> r = next_response(f, *w);
  REQUIRE(r);
  CHECK(describe(r->events) == "PUT t/a=1 @3, PUT t/b=1 @3, DELETE t/old @3");
  CHECK(r->header.revision == 3);
  CHECK(r->watch_id == w->id());
}

TEMPLATE_TEST_CASE("a watch from a compacted revision is told compact_revision and canceled",
                   "[unit][store]", KUBEPP_STORES) {
  TestType f;
  Store& s = f.store;
  for (int i = 1; i <= 5; i++) put(s, "a", std::to_string(i));  // a=i @i+1
  REQUIRE(s.compact(5).ok());
  SECTION("below the compacted revision") {
    auto w = watch(s, from("a", 3));
    std::optional<WatchResponse> r = next_response(f, *w);
    REQUIRE(r);
    CHECK(r->compact_revision == 5);
    CHECK(r->canceled);
    CHECK(r->events.empty());
    CHECK(r->cancel_reason == kErrCompacted);
    put(s, "a", "6");
    CHECK_FALSE(next_response(f, *w));  // canceled: nothing more, and at once
  }
  SECTION("at the compacted revision history is still whole") {
    auto w = watch(s, from("a", 5));
    CHECK(describe(collect(f, *w, 2)) == "PUT a=4 @5, PUT a=5 @6");
  }
}

TEMPLATE_TEST_CASE("a watch from a future revision is accepted and waits for it", "[unit][store]",
                   KUBEPP_STORES) {
  TestType f;
  Store& s = f.store;
  put(s, "a", "1");  // 2
  auto w = watch(s, from("a", 4));
  put(s, "a", "2");  // 3: before the start
  CHECK_FALSE(next_response(f, *w, std::chrono::milliseconds(50)));
  put(s, "a", "3");  // 4
  CHECK(describe(collect(f, *w, 1)) == "PUT a=3 @4");
}

TEMPLATE_TEST_CASE("a watch of an empty key watches \"\\0\", the smallest key, as etcd", "[unit][store]",
                   KUBEPP_STORES) {
  TestType f;
  Store& s = f.store;
  const std::string nul(1, '\0');
  put(s, "a", "1");  // 2
  put(s, nul, "0");  // 3
  SECTION("alone, the one key \"\\0\"") {
    auto w = watch(s, from("", 1));
    CHECK(describe(collect(f, *w, 1)) == "PUT " + nul + "=0 @3");
    CHECK_FALSE(next_response(f, *w));
  }
  SECTION("with range_end \"\\0\", every key") {
    WatchRequest all = from("", 1);
    all.range_end = nul;
    auto w = watch(s, all);
    CHECK(describe(collect(f, *w, 2)) == "PUT a=1 @2, PUT " + nul + "=0 @3");
  }
}

TEMPLATE_TEST_CASE("a watch of an empty range or a negative revision is Invalid", "[unit][store]",
                   KUBEPP_STORES) {
  TestType f;
  Store& s = f.store;
  SECTION("a range_end not above the key") {
    for (const char* end : {"a", "b"}) {
      WatchRequest req = from("b", 0);
      req.range_end = end;
      Result<std::unique_ptr<Watcher>> r = s.watch(req);
      REQUIRE_FALSE(r.ok());
      CHECK(r.error().code == ErrorCode::Invalid);
      CHECK(r.error().message == kErrEmptyWatcherRange);
    }
  }
  SECTION("negative start revision") {
    Result<std::unique_ptr<Watcher>> r = s.watch(from("a", -1));
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::Invalid);
  }
}

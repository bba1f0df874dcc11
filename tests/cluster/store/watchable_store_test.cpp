// watchable_store_test.cpp — the embedded store's watcher groups: catch-up, slow watchers,
// concurrent writers, progress, cancel, the background loop.
#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <future>
#include <set>
#include <thread>

#include "tests/cluster/store/store_fixtures.h"

using namespace kubepp;
using namespace kubepp::store;
using namespace kubepp::store::testing;
using std::chrono::milliseconds;

namespace {

WatchableStore::Options stepped(const Clock& clock, size_t buffer, int64_t max_revs = 1000) {
  WatchableStore::Options o = EmbeddedStore::options(clock);
  o.watch_buffer = buffer;
  o.max_revs_per_response = max_revs;
  return o;
}

WatchRequest key(const std::string& k, int64_t start = 0) {
  WatchRequest req;
  req.key = k;
  req.start_revision = start;
  return req;
}

// Checks that `events` are exactly the revisions first..last, once each, in order.
void check_gapless(const std::vector<Event>& events, int64_t first, int64_t last) {
  REQUIRE(events.size() == static_cast<size_t>(last - first + 1));
  for (size_t i = 0; i < events.size(); i++) {
    INFO("event " << i);
    REQUIRE(events[i].kv.mod_revision == first + static_cast<int64_t>(i));
  }
}

}  // namespace

TEST_CASE("a watcher from the past stays unsynced until sync_watchers catches it up", "[unit][store]") {
  EmbeddedStore f;
  put(f.store, "a", "1");  // 2
  put(f.store, "a", "2");  // 3
  auto w = watch(f.store, key("a", 2));
  CHECK(f.store.watcher_counts().unsynced == 1);
  CHECK_FALSE(w->next(milliseconds(0)));
  put(f.store, "a", "3");  // 4, while unsynced: not pushed, but not lost either
  CHECK(f.store.sync_watchers() == 0);
  CHECK(f.store.watcher_counts().synced == 1);
  std::optional<WatchResponse> r = w->next(milliseconds(0));
  REQUIRE(r);
  CHECK(describe(r->events) == "PUT a=1 @2, PUT a=2 @3, PUT a=3 @4");
  CHECK(r->header.revision == 4);
  put(f.store, "a", "4");  // synced now: pushed by the write itself, no step needed
  r = w->next(milliseconds(0));
  REQUIRE(r);
  CHECK(describe(r->events) == "PUT a=4 @5");
}

TEST_CASE("a slow watcher does not block writers and later receives every event in order",
          "[unit][store]") {
  FakeClock clock;
  WatchableStore store(stepped(clock, 4, 3));
  auto w = watch(store, key("k"));
  // 4 responses fill the buffer; the writes after them must not wait for the owner.
  auto writer = std::async(std::launch::async, [&] {  // no Catch2 macros off the main thread
    int ok = 0;
    for (int i = 1; i <= 50; i++) ok += store.put({"k", std::to_string(i), 0, false}).ok() ? 1 : 0;
    return ok;
  });
  REQUIRE(writer.wait_for(std::chrono::seconds(10)) == std::future_status::ready);
  CHECK(writer.get() == 50);
  CHECK(store.watcher_counts().victims == 1);
  CHECK(store.current_revision() == 51);  // the 50 puts after revision 1

  std::vector<Event> events;
  for (int round = 0; round < 100 && events.size() < 50; round++) {
    while (std::optional<WatchResponse> r = w->next(milliseconds(0))) {
      std::set<int64_t> revs;
      for (const Event& ev : r->events) revs.insert(ev.kv.mod_revision);
      CHECK(revs.size() <= 3);  // catch-up comes in responses of max_revs_per_response
      events.insert(events.end(), r->events.begin(), r->events.end());
    }
    store.sync_watchers();
  }
  check_gapless(events, 2, 51);
  CHECK(store.watcher_counts().synced == 1);
}

TEST_CASE("a slow watcher whose history is compacted meanwhile is told so and canceled", "[unit][store]") {
  FakeClock clock;
  WatchableStore store(stepped(clock, 1));
  auto w = watch(store, key("k"));
  for (int i = 1; i <= 5; i++) put(store, "k", std::to_string(i));  // k=i @i+1
  REQUIRE(store.compact(5).ok());
  std::optional<WatchResponse> r = w->next(milliseconds(0));
  REQUIRE(r);
  CHECK(describe(r->events) == "PUT k=1 @2");  // what fit before it fell behind
  store.sync_watchers();
  r = w->next(milliseconds(0));
  REQUIRE(r);
  CHECK(r->canceled);
  CHECK(r->compact_revision == 5);
  CHECK(store.watcher_counts().victims + store.watcher_counts().unsynced + store.watcher_counts().synced == 0);
}

TEST_CASE("concurrent writers produce gapless revisions that a watcher sees in order", "[unit][store]") {
  FakeClock clock;
  WatchableStore store(stepped(clock, 8, 5));  // a small buffer: the watcher falls behind often
  auto w = watch(store, [] {
    WatchRequest req = key("w/");
    req.range_end = prefix_end("w/");
    return req;
  }());
  constexpr int kWriters = 4, kPuts = 200;
  std::atomic<int> done{0};
  std::vector<std::vector<int64_t>> revs(kWriters);
  std::vector<std::thread> writers;
  for (int t = 0; t < kWriters; t++) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < kPuts; i++) {
        Result<PutResponse> r = store.put({"w/" + std::to_string(t) + "/" + std::to_string(i), "x", 0, false});
        if (r) revs[t].push_back(r.value().header.revision);
      }
      done++;
    });
  }
  std::vector<Event> events;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (events.size() < kWriters * kPuts && std::chrono::steady_clock::now() < deadline) {
    if (std::optional<WatchResponse> r = w->next(milliseconds(5))) {
      events.insert(events.end(), r->events.begin(), r->events.end());
    } else {
      store.sync_watchers();
    }
  }
  for (std::thread& t : writers) t.join();
  CHECK(done == kWriters);
  CHECK(store.current_revision() == 1 + kWriters * kPuts);
  for (const std::vector<int64_t>& mine : revs) {
    REQUIRE(mine.size() == kPuts);
    CHECK(std::is_sorted(mine.begin(), mine.end()));
  }
  check_gapless(events, 2, 1 + kWriters * kPuts);
}

TEST_CASE("progress notifications tell synced watchers the revision reached", "[unit][store]") {
  EmbeddedStore f;
  WatchRequest with = key("a");
  with.progress_notify = true;
  auto w = watch(f.store, with);
  auto quiet = watch(f.store, key("a"));
  put(f.store, "b", "1");  // 2: another key, no event for them, but the revision moves
  put(f.store, "b", "2");  // 3
  SECTION("a synced watcher that asked gets the current revision") {
    f.store.send_progress();
    std::optional<WatchResponse> r = w->next(milliseconds(0));
    REQUIRE(r);
    CHECK(r->is_progress_notify());
    CHECK(r->header.revision == 3);
    CHECK_FALSE(quiet->next(milliseconds(0)));
  }
  SECTION("an unsynced watcher gets none: it has not seen everything up to now") {
    WatchRequest behind = key("b", 2);
    behind.progress_notify = true;
    auto u = watch(f.store, behind);
    f.store.send_progress();
    CHECK_FALSE(u->next(milliseconds(0)));
  }
}

TEST_CASE("destroying a watcher handle cancels its watch", "[unit][store]") {
  EmbeddedStore f;
  auto synced = watch(f.store, key("a"));
  put(f.store, "a", "1");  // 2
  auto unsynced = watch(f.store, key("a", 2));
  CHECK(f.store.watcher_counts().synced == 1);
  CHECK(f.store.watcher_counts().unsynced == 1);
  synced.reset();
  unsynced.reset();
  CHECK(f.store.watcher_counts().synced == 0);
  CHECK(f.store.watcher_counts().unsynced == 0);
  put(f.store, "a", "2");  // no watcher left to hand it to
}

TEST_CASE("a watcher handle that outlives its store ends at once", "[unit][store]") {
  FakeClock clock;
  auto store = std::make_unique<WatchableStore>(EmbeddedStore::options(clock));
  auto w = watch(*store, key("a"));
  store.reset();
  auto t0 = std::chrono::steady_clock::now();
  CHECK_FALSE(w->next(std::chrono::seconds(5)));
  CHECK(std::chrono::steady_clock::now() - t0 < std::chrono::seconds(1));
  w.reset();  // must not touch the store
}

TEST_CASE("the background loop catches watchers up and expires leases by itself", "[unit][store]") {
  FakeClock clock;
  WatchableStore::Options o;
  o.clock = &clock;
  o.sync_interval = milliseconds(10);
  o.lease_interval = milliseconds(10);
  WatchableStore store(o);
  put(store, "a", "1");  // 2
  SECTION("a watcher from the past") {
    auto w = watch(store, key("a", 2));
    std::optional<WatchResponse> r = w->next(std::chrono::seconds(5));
    REQUIRE(r);
    CHECK(describe(r->events) == "PUT a=1 @2");
  }
  SECTION("an expired lease") {
    Result<LeaseGrantResponse> lease = store.lease_grant({5, 0});
    REQUIRE(lease.ok());
    put(store, "l", "1", lease.value().id);  // 3
    auto w = watch(store, key("l"));
    clock.advance(std::chrono::seconds(5));
    std::optional<WatchResponse> r = w->next(std::chrono::seconds(5));
    REQUIRE(r);
    CHECK(describe(r->events) == "DELETE l @4");
  }
}

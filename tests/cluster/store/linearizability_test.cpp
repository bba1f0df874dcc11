// linearizability_test.cpp — the linearizability checker on histories written by hand and
// simulated (it passes what is linearizable and, just as important, fails what is not),
// then the stores: 8 clients reading, writing and compare-and-swapping 4 keys at once
// must leave a linearizable history.
#include <catch2/catch.hpp>

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "tests/cluster/store/store_fixtures.h"
#include "tests/cluster/store/store_history.h"
#include "tests/support/linearizability.h"

using namespace kubepp;
using namespace kubepp::store;
using namespace kubepp::store::testing;
using kubepp::testing::check_linearizable;
using kubepp::testing::CheckResult;
using kubepp::testing::Operation;
using kubepp::testing::Value;

// A failing CHECK on operations prints them as the checker's reports do.
namespace Catch {
template <>
struct StringMaker<kubepp::testing::Operation> {
  static std::string convert(const kubepp::testing::Operation& op) { return kubepp::testing::describe(op); }
};
}  // namespace Catch

namespace {

const Value kNone = std::nullopt;

Operation rd(int client, const std::string& key, Value out, int64_t t0, int64_t t1) {
  return Operation::read(client, key, std::move(out), t0, t1);
}
Operation wr(int client, const std::string& key, Value in, int64_t t0, int64_t t1) {
  return Operation::write(client, key, std::move(in), t0, t1);
}

// The lines of a result's unplaced operations, to compare with describe() of the culprits.
[[maybe_unused]] std::vector<std::string> unplaced(const CheckResult& r) {
  std::vector<std::string> out;
  for (const Operation& op : r.unplaced) out.push_back(kubepp::testing::describe(op));
  return out;
}

// A linearizable history by construction: `clients` clients call operations on `keys`
// registers, and each operation takes effect at one moment between its call and its
// return (each step of the loop is one tick: a call, an effect, or a return).
[[maybe_unused]] std::vector<Operation> simulate_registers(int clients, int keys, size_t n_ops, uint32_t seed) {
  std::mt19937 rng(seed);
  std::map<std::string, Value> reg;                         // the registers
  std::map<std::string, std::vector<std::string>> written;  // each key's values so far
  struct Running {
    Operation op;
    bool applied = false;
  };
  std::vector<std::optional<Running>> running(static_cast<size_t>(clients));
  std::vector<Operation> done;
  size_t started = 0;
  for (int64_t t = 0; done.size() < n_ops; t++) {
    int c = static_cast<int>(rng() % static_cast<uint32_t>(clients));
    std::optional<Running>& r = running[static_cast<size_t>(c)];
    if (!r && started < n_ops) {  // call
      std::string key = "k" + std::to_string(rng() % static_cast<uint32_t>(keys));
      std::string value = "c" + std::to_string(c) + "-" + std::to_string(started++);
      uint32_t dice = rng() % 3;
      if (dice == 0) {
        r = Running{rd(c, key, kNone, t, t)};
      } else if (dice == 1) {
        r = Running{wr(c, key, value, t, t)};
      } else {  // expect the current value, or now and then an older one
        const std::vector<std::string>& old = written[key];
        Value expected = reg[key];
        if (!old.empty() && rng() % 3 == 0) expected = old[rng() % old.size()];
        r = Running{Operation::cas(c, key, expected, value, false, t, t)};
      }
    } else if (r && !r->applied) {  // its linearization point
      Operation& op = r->op;
      Value& v = reg[op.key];
      if (op.kind == Operation::Kind::Read) op.output = v;
      if (op.kind == Operation::Kind::CompareAndSwap) op.succeeded = v == op.expected;
      if (op.kind == Operation::Kind::Write || op.succeeded) {
        v = op.input;
        written[op.key].push_back(*op.input);
      }
      r->applied = true;
    } else if (r) {  // return
      r->op.complete = t;
      done.push_back(r->op);
      r.reset();
    }
  }
  return done;
}

// How many operations overlap in time with another client's operation on the same key:
// the ones whose order the store had to decide while they raced.
size_t overlapping(const std::vector<Operation>& h) {
  size_t n = 0;
  for (const Operation& a : h) {
    for (const Operation& b : h) {
      if (a.key == b.key && a.client != b.client && a.invoke < b.complete && b.invoke < a.complete) {
        n++;
        break;
      }
    }
  }
  return n;
}

bool writes(const Operation& op) {
  return op.kind == Operation::Kind::Write || (op.kind == Operation::Kind::CompareAndSwap && op.succeeded);
}

// The write on `key` that completed before `t` and was called last (nullptr if none).
const Operation* last_write_before(const std::vector<Operation>& h, const std::string& key, int64_t t) {
  const Operation* last = nullptr;
  for (const Operation& w : h) {
    if (writes(w) && w.key == key && w.complete < t && (!last || w.invoke > last->invoke)) last = &w;
  }
  return last;
}

// Makes one read of the second half of the history stale, one write behind: it returns
// the value of a write w0 that a later write w1 overwrote, where w0 completed before w1
// was called and w1 completed before the read was called — so no order can put the read
// between them. Returns the read's index.
[[maybe_unused]] size_t make_one_read_stale(std::vector<Operation>& h) {
  for (size_t r = h.size() / 2; r < h.size(); r++) {
    if (h[r].kind != Operation::Kind::Read) continue;
    const Operation* w1 = last_write_before(h, h[r].key, h[r].invoke);
    const Operation* w0 = w1 ? last_write_before(h, h[r].key, w1->invoke) : nullptr;
    if (w0 && w0->input != h[r].output) {
      h[r].output = w0->input;
      return r;
    }
  }
  FAIL("no read with two writes completed before it");
  return 0;
}

// A broken store, to show that the store test can fail: it answers every get from a few
// revisions ago, as a lagging replica would, and forwards everything else.
class LaggingReads final : public Store {
 public:
  LaggingReads(Store& inner, int64_t lag) : inner_(inner), lag_(lag) {}
  Result<RangeResponse> range(const RangeRequest& req) override {
    Result<RangeResponse> now = inner_.range(req);
    if (!now || req.revision != 0 || now.value().header.revision <= lag_ + 1) return now;
    RangeRequest old = req;
    old.revision = now.value().header.revision - lag_;
    return inner_.range(old);
  }
  Result<PutResponse> put(const PutRequest& req) override { return inner_.put(req); }
  Result<DeleteRangeResponse> delete_range(const DeleteRangeRequest& req) override {
    return inner_.delete_range(req);
  }
  Result<TxnResponse> txn(const TxnRequest& req) override { return inner_.txn(req); }
  Result<CompactionResponse> compact(int64_t revision) override { return inner_.compact(revision); }
  Result<std::unique_ptr<Watcher>> watch(const WatchRequest& req) override { return inner_.watch(req); }
  Result<LeaseGrantResponse> lease_grant(const LeaseGrantRequest& req) override { return inner_.lease_grant(req); }
  Result<LeaseKeepAliveResponse> lease_keep_alive(int64_t id) override { return inner_.lease_keep_alive(id); }
  Result<LeaseRevokeResponse> lease_revoke(int64_t id) override { return inner_.lease_revoke(id); }

 private:
  Store& inner_;
  const int64_t lag_;
};

}  // namespace

// The checker's own tests run once, in unit_tests; store_backend_tests compiles this file
// again for the store test below, against kubepp store and etcd (store_fixtures.h).
#ifndef KUBEPP_STORE_BACKENDS
TEST_CASE("a read overlapping a write may see the old value or the new", "[unit][linearizability]") {
  // client 1  |--write(a, 1)----------|
  // client 2       |--read(a) -> ?--|
  SECTION("the new value") {
    CheckResult r = check_linearizable({wr(1, "a", "1", 0, 10), rd(2, "a", "1", 2, 5)});
    INFO(r.explanation);
    CHECK(r.ok());
  }
  SECTION("the old value: the key was absent") {
    CheckResult r = check_linearizable({wr(1, "a", "1", 0, 10), rd(2, "a", kNone, 2, 5)});
    INFO(r.explanation);
    CHECK(r.ok());
  }
  SECTION("an empty history") { CHECK(check_linearizable({}).ok()); }
}

TEST_CASE("a stale read after a completed write is not linearizable", "[unit][linearizability]") {
  // client 1  |--write(a, 1)--|  |--write(a, 2)--|
  // client 3                                       |--read(a) -> 1--|
  Operation stale = rd(3, "a", "1", 4, 5);
  CheckResult r = check_linearizable({wr(1, "a", "1", 0, 1), wr(1, "a", "2", 2, 3), stale});
  INFO(r.explanation);
  REQUIRE(r.verdict == CheckResult::Verdict::NotLinearizable);
  CHECK(r.key == "a");
  CHECK(r.longest_prefix == std::vector<Operation>{wr(1, "a", "1", 0, 1), wr(1, "a", "2", 2, 3)});
  CHECK(r.state_after_prefix == Value("2"));
  CHECK(unplaced(r) == std::vector<std::string>{"client 3: read(a) -> 1 [t=4..5]"});
  CHECK_THAT(r.explanation, Catch::Contains("key a is not linearizable: at most 2 of its 3 operations") &&
                                Catch::Contains("client 3: read(a) -> 1 [t=4..5]: it read 1, but a holds 2"));
}

TEST_CASE("a read of a value never written is not linearizable", "[unit][linearizability]") {
  CheckResult r = check_linearizable({wr(1, "a", "1", 0, 10), rd(2, "a", "7", 2, 5)});
  INFO(r.explanation);
  REQUIRE(r.verdict == CheckResult::Verdict::NotLinearizable);
  CHECK(r.longest_prefix == std::vector<Operation>{wr(1, "a", "1", 0, 10)});
  CHECK(unplaced(r) == std::vector<std::string>{"client 2: read(a) -> 7 [t=2..5]"});
}

TEST_CASE("two reads in real-time order that see the new value, then the old, are not linearizable",
          "[unit][linearizability]") {
  // The seeded non-linearizable history: each read alone overlaps write(a, 2) and could
  // see either value, but once client 2 saw 2, client 3 — who started later — must too.
  // client 1  |--write(a, 1)--|  |--write(a, 2)------------------------|
  // client 2                          |--read(a) -> 2--|
  // client 3                                              |--read(a) -> ?--|
  SECTION("new, then old: not linearizable") {
    CheckResult r = check_linearizable(
        {wr(1, "a", "1", 0, 1), wr(1, "a", "2", 2, 10), rd(2, "a", "2", 3, 4), rd(3, "a", "1", 5, 6)});
    INFO(r.explanation);
    REQUIRE(r.verdict == CheckResult::Verdict::NotLinearizable);
    CHECK(r.key == "a");
    CHECK(unplaced(r) == std::vector<std::string>{"client 3: read(a) -> 1 [t=5..6]"});
  }
  SECTION("old, then new: linearizable") {
    CheckResult r = check_linearizable(
        {wr(1, "a", "1", 0, 1), wr(1, "a", "2", 2, 10), rd(2, "a", "1", 3, 4), rd(3, "a", "2", 5, 6)});
    INFO(r.explanation);
    CHECK(r.ok());
  }
}

TEST_CASE("a compare-and-swap succeeds exactly when the register holds the expected value",
          "[unit][linearizability]") {
  // Two clients create the key at the same time: exactly one may succeed.
  Operation first = Operation::cas(1, "a", kNone, "1", true, 0, 10);
  SECTION("one succeeds, the other fails: linearizable") {
    CheckResult r = check_linearizable({first, Operation::cas(2, "a", kNone, "2", false, 1, 9)});
    INFO(r.explanation);
    CHECK(r.ok());
  }
  SECTION("both succeed: not linearizable") {
    CheckResult r = check_linearizable({first, Operation::cas(2, "a", kNone, "2", true, 1, 9)});
    INFO(r.explanation);
    CHECK(r.verdict == CheckResult::Verdict::NotLinearizable);
    CHECK_THAT(r.explanation, Catch::Contains("it swapped, but a holds"));
  }
  SECTION("one fails though the key was absent all along: not linearizable") {
    CheckResult r = check_linearizable({Operation::cas(2, "a", kNone, "2", false, 1, 9)});
    INFO(r.explanation);
    CHECK(r.verdict == CheckResult::Verdict::NotLinearizable);
    CHECK_THAT(r.explanation, Catch::Contains("client 2: cas(a, (none) -> 2) -> failed [t=1..9]: it failed"));
  }
}

TEST_CASE("each key is checked on its own and the report names the key that failed", "[unit][linearizability]") {
  // Across keys there is no order to keep: b read absent after a was written is fine.
  std::vector<Operation> h = {wr(1, "a", "1", 0, 1), rd(2, "b", kNone, 2, 3)};
  CHECK(check_linearizable(h).ok());
  h.push_back(wr(1, "c", "1", 4, 5));
  h.push_back(rd(2, "c", kNone, 6, 7));
  CheckResult r = check_linearizable(h);
  INFO(r.explanation);
  REQUIRE(r.verdict == CheckResult::Verdict::NotLinearizable);
  CHECK(r.key == "c");
}

TEST_CASE("an operation that completes before it is invoked is refused", "[unit][linearizability]") {
  CHECK_THROWS_AS(check_linearizable({rd(1, "a", kNone, 5, 4)}), std::invalid_argument);
}

TEST_CASE("a simulated linearizable register passes, and fails once one read is made stale",
          "[unit][linearizability]") {
  // 1,000 operations of 8 clients on 4 keys, as the store tests below produce.
  std::vector<Operation> h = simulate_registers(8, 4, 1000, 42);
  auto t0 = std::chrono::steady_clock::now();
  CheckResult r = check_linearizable(h);
  auto ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  INFO(r.explanation);
  INFO("checked " << h.size() << " operations in " << ms << " ms, " << r.states << " configurations");
  REQUIRE(r.ok());  // within CheckOptions::max_states: the effort is bounded by states, not time

  size_t stale = make_one_read_stale(h);
  r = check_linearizable(h);
  INFO("made stale: " << kubepp::testing::describe(h[stale]));
  INFO(r.explanation);
  REQUIRE(r.verdict == CheckResult::Verdict::NotLinearizable);
  CHECK(r.key == h[stale].key);
}

TEST_CASE("a search that runs out of its budget answers Unknown, not a verdict", "[unit][linearizability]") {
  std::vector<Operation> h = simulate_registers(8, 4, 1000, 42);
  kubepp::testing::CheckOptions few;
  few.max_states = 10;
  CheckResult r = check_linearizable(h, few);
  INFO(r.explanation);
  CHECK(r.verdict == CheckResult::Verdict::Unknown);
  CHECK_THAT(r.explanation, Catch::StartsWith("key k0: gave up after 10 configurations"));
}

#endif  // KUBEPP_STORE_BACKENDS

TEMPLATE_TEST_CASE("concurrent gets, puts and compare-and-swaps on a store are linearizable",
                   "[unit][linearizability]", KUBEPP_STORES) {
  TestType f;
  RegisterWorkload w;  // 8 clients × 150 operations on 4 keys
  auto t0 = std::chrono::steady_clock::now();
  RecordedHistory h = record_register_history(f.store, w);
  auto t1 = std::chrono::steady_clock::now();
  CheckResult r = check_linearizable(h.ops);
  auto t2 = std::chrono::steady_clock::now();

  using ms = std::chrono::duration<double, std::milli>;
  size_t swapped = 0, cas = 0;
  for (const Operation& op : h.ops) {
    cas += op.kind == Operation::Kind::CompareAndSwap;
    swapped += op.succeeded;
  }
  INFO(h.ops.size() << " operations (" << swapped << " of " << cas << " compare-and-swaps succeeded) recorded in "
                    << ms(t1 - t0).count() << " ms, checked in " << ms(t2 - t1).count() << " ms, "
                    << r.states << " configurations; " << overlapping(h.ops)
                    << " overlap another client's operation on their key");
  INFO(r.explanation);
  CHECK(h.errors.empty());
  CHECK(h.ops.size() == static_cast<size_t>(w.clients * w.ops_per_client));
  CHECK(swapped > 0);
  CHECK(r.ok());
}

#ifndef KUBEPP_STORE_BACKENDS
TEST_CASE("a store whose reads lag a few revisions behind is caught: the store test can fail",
          "[unit][linearizability]") {
  EmbeddedStore f;
  LaggingReads lagging(f.store, 3);
  RecordedHistory h = record_register_history(lagging, RegisterWorkload{});
  CheckResult r = check_linearizable(h.ops);
  INFO(r.explanation);
  CHECK(h.errors.empty());
  CHECK(r.verdict == CheckResult::Verdict::NotLinearizable);
}
#endif  // KUBEPP_STORE_BACKENDS

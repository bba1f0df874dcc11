// txn_test.cpp — the store contract: txn and compaction (every Store).
#include <catch2/catch.hpp>

#include "tests/cluster/store/store_fixtures.h"

using namespace kubepp;
using namespace kubepp::store;
using namespace kubepp::store::testing;

namespace {

using Target = Compare::Target;
using Res = Compare::Result;

Compare cmp(Target target, Res result, const std::string& key) {
  Compare c;
  c.target = target;
  c.result = result;
  c.key = key;
  return c;
}

// A txn of one compare that puts then=1 on success and else=1 on failure; returns
// whether it succeeded, after checking that exactly the matching branch ran.
bool branch(Store& s, Compare c) {
  static int n = 0;
  std::string tag = std::to_string(++n);
  Result<TxnResponse> r = s.txn(TxnRequest{{c}, {PutRequest{"then" + tag, "1"}}, {PutRequest{"else" + tag, "1"}}});
  INFO("txn: " << (r ? "" : r.error().message));
  REQUIRE(r.ok());
  bool ok = r.value().succeeded;
  CHECK(get(s, "then" + tag).has_value() == ok);
  CHECK(get(s, "else" + tag).has_value() == !ok);
  return ok;
}

}  // namespace

TEMPLATE_TEST_CASE("a txn compares each target of a key", "[unit][store]", KUBEPP_STORES) {
  TestType f;
  Store& s = f.store;
  Result<LeaseGrantResponse> lease = s.lease_grant({60, 0});
  REQUIRE(lease.ok());
  int64_t id = lease.value().id;
  put(s, "x", "0");             // 2
  put(s, "k", "v1");            // 3: created
  put(s, "k", "v2", id);        // 4: version 2, mod 4, lease id
  Compare c;
  SECTION("version") {
    c = cmp(Target::Version, Res::Equal, "k");
    c.version = 2;
    CHECK(branch(s, c));
    c.version = 1;
    CHECK_FALSE(branch(s, c));
  }
  SECTION("create_revision") {
    c = cmp(Target::CreateRevision, Res::Equal, "k");
    c.create_revision = 3;
    CHECK(branch(s, c));
    c.create_revision = 4;
    CHECK_FALSE(branch(s, c));
  }
  SECTION("mod_revision") {
    c = cmp(Target::ModRevision, Res::Equal, "k");
    c.mod_revision = 4;
    CHECK(branch(s, c));
    c.mod_revision = 3;
    CHECK_FALSE(branch(s, c));
  }
  SECTION("value") {
    c = cmp(Target::Value, Res::Equal, "k");
    c.value = "v2";
    CHECK(branch(s, c));
    c.value = "v1";
    CHECK_FALSE(branch(s, c));
  }
  SECTION("lease") {
    c = cmp(Target::Lease, Res::Equal, "k");
    c.lease = id;
    CHECK(branch(s, c));
    c.lease = 0;
    CHECK_FALSE(branch(s, c));
  }
  SECTION("Greater, Less and NotEqual put the key's field on the left") {
    c = cmp(Target::ModRevision, Res::Greater, "k");
    c.mod_revision = 3;
    CHECK(branch(s, c));
    c.mod_revision = 4;
    CHECK_FALSE(branch(s, c));  // equal is not greater
    c.mod_revision = 3;
    c.result = Res::Less;
    CHECK_FALSE(branch(s, c));
    c.mod_revision = 5;
    CHECK(branch(s, c));
    c.result = Res::NotEqual;
    CHECK(branch(s, c));
    c.mod_revision = 4;
    CHECK_FALSE(branch(s, c));
  }
  SECTION("a missing key compares as zeros, except that its value never matches") {
    c = cmp(Target::Version, Res::Equal, "missing");
    CHECK(branch(s, c));  // version 0: "create only if absent"
    c = cmp(Target::Value, Res::Equal, "missing");
    CHECK_FALSE(branch(s, c));
  }
  SECTION("a compare over a range needs every key to hold") {
    put(s, "r/1", "a");
    put(s, "r/2", "a");
    c = cmp(Target::Value, Res::Equal, "r/");
    c.range_end = prefix_end("r/");
    c.value = "a";
    CHECK(branch(s, c));
    put(s, "r/2", "b");
    CHECK_FALSE(branch(s, c));
  }
  SECTION("all compares must hold") {
    Compare ok = cmp(Target::Version, Res::Equal, "k");
    ok.version = 2;
    Compare bad = cmp(Target::Value, Res::Equal, "k");
    bad.value = "nope";
    Result<TxnResponse> r = s.txn(TxnRequest{{ok, bad}, {PutRequest{"then", "1"}}, {}});
    REQUIRE(r.ok());
    CHECK_FALSE(r.value().succeeded);
    CHECK_FALSE(get(s, "then"));
  }
}

TEMPLATE_TEST_CASE("a failing compare runs the failure branch and returns its responses", "[unit][store]",
                   KUBEPP_STORES) {
  TestType f;
  Store& s = f.store;
  put(s, "k", "old");  // 2
  Compare c = cmp(Target::Value, Res::Equal, "k");
  c.value = "other";
  Result<TxnResponse> r = s.txn(TxnRequest{
      {c}, {PutRequest{"k", "new"}}, {RangeRequest{"k", ""}, DeleteRangeRequest{"k", "", true}}});
  REQUIRE(r.ok());
  CHECK_FALSE(r.value().succeeded);
  REQUIRE(r.value().responses.size() == 2);
  const auto& read = std::get<RangeResponse>(r.value().responses[0]);
  CHECK(pairs(read.kvs) == "k=old");
  const auto& deleted = std::get<DeleteRangeResponse>(r.value().responses[1]);
  CHECK(pairs(deleted.prev_kvs) == "k=old");
  CHECK_FALSE(get(s, "k"));
  CHECK(r.value().header.revision == 3);
}

TEMPLATE_TEST_CASE("a txn is one revision and all or nothing", "[unit][store]", KUBEPP_STORES) {
  TestType f;
  Store& s = f.store;
  put(s, "gone", "1");  // 2
  SECTION("its writes share one revision") {
    Result<TxnResponse> r = s.txn(TxnRequest{
        {}, {PutRequest{"a", "1"}, PutRequest{"b", "1"}, DeleteRangeRequest{"gone", ""}}, {}});
    REQUIRE(r.ok());
    CHECK(r.value().succeeded);
    CHECK(r.value().header.revision == 3);
    CHECK(get(s, "a")->mod_revision == 3);
    CHECK(get(s, "b")->mod_revision == 3);
    CHECK_FALSE(get(s, "gone"));
  }
  SECTION("a txn that only reads takes no revision") {
    Result<TxnResponse> r = s.txn(TxnRequest{{}, {RangeRequest{"gone", ""}}, {}});
    REQUIRE(r.ok());
    CHECK(r.value().header.revision == 2);
    CHECK(put(s, "a", "1") == 3);
  }
  SECTION("each op's header tells the revision it saw: the txn's own from its first write on") {
    Result<TxnResponse> r = s.txn(TxnRequest{
        {}, {RangeRequest{"gone", ""}, DeleteRangeRequest{"nothing", ""}, PutRequest{"a", "1"}, RangeRequest{"a", ""}}, {}});
    REQUIRE(r.ok());
    REQUIRE(r.value().responses.size() == 4);
    auto seen = [&](size_t i) { return std::visit([](const auto& one) { return one.header.revision; }, r.value().responses[i]); };
    CHECK(seen(0) == 2);  // before any write
    CHECK(seen(1) == 2);  // a delete of no key writes nothing
    CHECK(seen(2) == 3);
    CHECK(seen(3) == 3);
    CHECK(r.value().header.revision == 3);
  }
  SECTION("an op sees the writes of the ops before it") {
    Result<TxnResponse> r = s.txn(TxnRequest{{}, {PutRequest{"a", "1"}, RangeRequest{"a", ""}}, {}});
    REQUIRE(r.ok());
    CHECK(pairs(std::get<RangeResponse>(r.value().responses[1]).kvs) == "a=1");
  }
  SECTION("a key put twice is Invalid and nothing is written") {
    Result<TxnResponse> r = s.txn(TxnRequest{{}, {PutRequest{"a", "1"}, PutRequest{"a", "2"}}, {}});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::Invalid);
    CHECK(r.error().message == kErrDuplicateKey);
    CHECK_FALSE(get(s, "a"));
  }
  SECTION("a key put inside a range the txn deletes is Invalid") {
    Result<TxnResponse> r =
        s.txn(TxnRequest{{}, {DeleteRangeRequest{"a", "z"}, PutRequest{"gone", "2"}}, {}});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message == kErrDuplicateKey);
    CHECK(get(s, "gone")->value == "1");
  }
  SECTION("a put with an unknown lease fails the txn before its first op") {
    Result<TxnResponse> r = s.txn(TxnRequest{{}, {PutRequest{"a", "1"}, PutRequest{"b", "1", 4242}}, {}});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::NotFound);
    CHECK_FALSE(get(s, "a"));
    CHECK(put(s, "c", "1") == 3);
  }
  SECTION("a compare of an empty key is Invalid") {
    Result<TxnResponse> r = s.txn(TxnRequest{{cmp(Target::Version, Res::Equal, "")}, {}, {}});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::Invalid);
  }
}

TEMPLATE_TEST_CASE("compaction drops history below its revision and keeps the newest live values",
                   "[unit][store]", KUBEPP_STORES) {
  TestType f;
  Store& s = f.store;
  put(s, "a", "1");  // 2
  put(s, "a", "2");  // 3
  put(s, "b", "1");  // 4
  del(s, "b");       // 5
  put(s, "c", "1");  // 6
  REQUIRE(s.compact(4).ok());
  SECTION("a range below the compacted revision is Gone") {
    Result<RangeResponse> r = s.range({"a", "", 3});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::Gone);
    CHECK(r.error().message == kErrCompacted);
  }
  SECTION("a range at the compacted revision still sees the store as it was") {
    CHECK(get(s, "a", 4)->value == "2");
    CHECK(get(s, "b", 4)->value == "1");
  }
  SECTION("the newest value of a key last written before the compaction is kept") {
    std::optional<KeyValue> a = get(s, "a");
    REQUIRE(a);
    CHECK(a->value == "2");
    CHECK(a->mod_revision == 3);
    CHECK(a->version == 2);
  }
  SECTION("a key keeps counting its version and its create_revision after compaction") {
    put(s, "a", "3");
    CHECK(get(s, "a")->version == 3);
    CHECK(get(s, "a")->create_revision == 2);
  }
  SECTION("a compaction past a delete forgets the key") {
    REQUIRE(s.compact(6).ok());
    CHECK_FALSE(get(s, "b"));
    CHECK(pairs(s.range({"a", std::string(1, '\0'), 6}).value().kvs) == "a=2,c=1");
  }
  SECTION("compacting again at or below the compacted revision is Gone") {
    Result<CompactionResponse> r = s.compact(4);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::Gone);
  }
  SECTION("compacting at a future revision is Invalid") {
    Result<CompactionResponse> r = s.compact(7);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::Invalid);
    CHECK(r.error().message == kErrFutureRev);
  }
  SECTION("a txn that reads below the compacted revision fails whole") {
    Result<TxnResponse> r = s.txn(TxnRequest{{}, {PutRequest{"d", "1"}, RangeRequest{"a", "", 2}}, {}});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::Gone);
    CHECK_FALSE(get(s, "d"));
  }
}

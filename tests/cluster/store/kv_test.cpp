// kv_test.cpp — the store contract: range, put, delete and revisions (every Store).
#include <catch2/catch.hpp>

#include "tests/cluster/store/store_fixtures.h"

using namespace kubepp;
using namespace kubepp::store;
using namespace kubepp::store::testing;

namespace {

RangeResponse range(Store& s, RangeRequest req) {
  Result<RangeResponse> r = s.range(req);
  INFO("range " << req.key << ": " << (r ? "" : r.error().message));
  REQUIRE(r.ok());
  return r.value();
}

const std::string kAll(1, '\0');

}  // namespace

TEMPLATE_TEST_CASE("every write advances the revision by one and nothing else does", "[unit][store]",
                   KUBEPP_STORES) {
  TestType f;
  Store& s = f.store;
  CHECK(range(s, {"a", kAll}).header.revision == 1);  // an empty store is at revision 1, as etcd
  CHECK(put(s, "a", "1") == 2);
  CHECK(put(s, "b", "1") == 3);
  SECTION("a read does not") { CHECK(range(s, {"a", kAll}).header.revision == 3); }
  SECTION("a delete of a missing key does not") {
    Result<DeleteRangeResponse> r = s.delete_range({"zzz", "", false});
    REQUIRE(r.ok());
    CHECK(r.value().deleted == 0);
    CHECK(r.value().header.revision == 3);
    CHECK(put(s, "c", "1") == 4);
  }
  SECTION("a delete of two keys is one revision") {
    Result<DeleteRangeResponse> r = s.delete_range({"a", kAll, false});
    REQUIRE(r.ok());
    CHECK(r.value().deleted == 2);
    CHECK(r.value().header.revision == 4);
  }
}

TEMPLATE_TEST_CASE("range reads the keys that key and range_end name, as etcd", "[unit][store]",
                   KUBEPP_STORES) {
  TestType f;
  Store& s = f.store;
  for (const char* k : {"a", "a/1", "a/2", "a0", "b", "c"}) put(s, k, std::string("v") + k);
  auto keys = [&](RangeRequest req) {
    std::string out;
    for (const KeyValue& kv : range(s, req).kvs) out += (out.empty() ? "" : ",") + kv.key;
    return out;
  };
  SECTION("an empty range_end names one key") { CHECK(keys({"a/1", ""}) == "a/1"); }
  SECTION("a missing key is an empty answer, not an error") {
    RangeResponse r = range(s, {"a/3", ""});
    CHECK(r.kvs.empty());
    CHECK(r.count == 0);
  }
  SECTION("range_end \"\\0\" names every key from key on") { CHECK(keys({"a0", kAll}) == "a0,b,c"); }
  SECTION("key and range_end both \"\\0\" name every key") {
    CHECK(keys({kAll, kAll}) == "a,a/1,a/2,a0,b,c");
  }
  SECTION("prefix_end makes a prefix range, excluding the prefix's successor") {
    CHECK(keys({"a/", prefix_end("a/")}) == "a/1,a/2");
  }
  SECTION("range_end is exclusive") { CHECK(keys({"a", "b"}) == "a,a/1,a/2,a0"); }
  SECTION("a range_end not above key names nothing") { CHECK(keys({"b", "a"}).empty()); }
  SECTION("values come back with the keys") {
    CHECK(pairs(range(s, {"a/", prefix_end("a/")}).kvs) == "a/1=va/1,a/2=va/2");
  }
  SECTION("an empty key is Invalid") {
    Result<RangeResponse> r = s.range({"", ""});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::Invalid);
    CHECK(r.error().message == kErrEmptyKey);
  }
}

TEMPLATE_TEST_CASE("range limits, counts and leaves values out when asked", "[unit][store]", KUBEPP_STORES) {
  TestType f;
  Store& s = f.store;
  for (const char* k : {"k1", "k2", "k3"}) put(s, k, "value");
  RangeRequest req{"k", prefix_end("k")};
  SECTION("a limit below the count returns the first keys, the full count and more") {
    req.limit = 2;
    RangeResponse r = range(s, req);
    CHECK(pairs(r.kvs) == "k1=value,k2=value");
    CHECK(r.count == 3);
    CHECK(r.more);
  }
  SECTION("a limit at the count leaves nothing more") {
    req.limit = 3;
    RangeResponse r = range(s, req);
    CHECK(r.kvs.size() == 3);
    CHECK_FALSE(r.more);
  }
  SECTION("a negative limit is no limit, as etcd reads it") {
    req.limit = -1;
    RangeResponse r = range(s, req);
    CHECK(r.kvs.size() == 3);
    CHECK(r.count == 3);
    CHECK_FALSE(r.more);
  }
  SECTION("count_only counts without kvs") {
    req.count_only = true;
    RangeResponse r = range(s, req);
    CHECK(r.kvs.empty());
    CHECK(r.count == 3);
  }
  SECTION("keys_only returns keys without values") {
    req.keys_only = true;
    RangeResponse r = range(s, req);
    REQUIRE(r.kvs.size() == 3);
    CHECK(r.kvs[0].key == "k1");
    CHECK(r.kvs[0].value.empty());
    CHECK(r.kvs[0].mod_revision == 2);
  }
}

TEMPLATE_TEST_CASE("a range at an old revision sees the store as it was then", "[unit][store]", KUBEPP_STORES) {
  TestType f;
  Store& s = f.store;
  put(s, "a", "1");  // 2
  put(s, "a", "2");  // 3
  put(s, "b", "1");  // 4
  del(s, "a");       // 5
  auto at = [&](int64_t rev) { return pairs(range(s, {"a", kAll, rev}).kvs); };
  SECTION("each revision shows the values written up to it") {
    CHECK(at(1).empty());  // the empty store, before the first write
    CHECK(at(2) == "a=1");
    CHECK(at(3) == "a=2");
    CHECK(at(4) == "a=2,b=1");
    CHECK(at(5) == "b=1");
  }
  SECTION("revision 0 is the current revision") { CHECK(at(0) == "b=1"); }
  SECTION("an old version keeps its own version and mod_revision") {
    std::optional<KeyValue> a = get(s, "a", 2);
    REQUIRE(a);
    CHECK(a->version == 1);
    CHECK(a->mod_revision == 2);
  }
  SECTION("the header tells the current revision, not the one read") {
    CHECK(range(s, {"a", "", 2}).header.revision == 5);
  }
  SECTION("a future revision is Invalid") {
    Result<RangeResponse> r = s.range({"a", "", 6});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::Invalid);
    CHECK(r.error().message == kErrFutureRev);
  }
}

TEMPLATE_TEST_CASE("put returns the version it replaced when asked for prev_kv", "[unit][store]",
                   KUBEPP_STORES) {
  TestType f;
  Store& s = f.store;
  SECTION("a put of a new key has no prev_kv") {
    Result<PutResponse> r = s.put({"a", "1", 0, true});
    REQUIRE(r.ok());
    CHECK_FALSE(r.value().prev_kv);
  }
  SECTION("a put over a key returns the old version") {
    put(s, "a", "1");
    Result<PutResponse> r = s.put({"a", "2", 0, true});
    REQUIRE(r.ok());
    REQUIRE(r.value().prev_kv);
    CHECK(r.value().prev_kv->value == "1");
    CHECK(r.value().prev_kv->mod_revision == 2);
    CHECK(r.value().header.revision == 3);
  }
  SECTION("without prev_kv nothing is returned") {
    put(s, "a", "1");
    Result<PutResponse> r = s.put({"a", "2", 0, false});
    REQUIRE(r.ok());
    CHECK_FALSE(r.value().prev_kv);
  }
  SECTION("a put of an empty key is Invalid and writes nothing") {
    Result<PutResponse> r = s.put({"", "1", 0, false});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::Invalid);
    CHECK(put(s, "a", "1") == 2);
  }
}

TEMPLATE_TEST_CASE("version and create_revision follow a key across delete and re-create", "[unit][store]",
                   KUBEPP_STORES) {
  TestType f;
  Store& s = f.store;
  put(s, "x", "0");  // 2: another key, so revisions and versions differ
  put(s, "a", "1");  // 3
  put(s, "a", "2");  // 4
  std::optional<KeyValue> a = get(s, "a");
  REQUIRE(a);
  CHECK(a->version == 2);
  CHECK(a->create_revision == 3);
  CHECK(a->mod_revision == 4);
  del(s, "a");  // 5
  CHECK_FALSE(get(s, "a"));
  put(s, "a", "3");  // 6
  a = get(s, "a");
  REQUIRE(a);
  CHECK(a->version == 1);
  CHECK(a->create_revision == 6);
  CHECK(a->mod_revision == 6);
}

TEMPLATE_TEST_CASE("delete_range deletes a key or a range and returns prev_kvs", "[unit][store]",
                   KUBEPP_STORES) {
  TestType f;
  Store& s = f.store;
  for (const char* k : {"p/1", "p/2", "q"}) put(s, k, std::string("v") + k);  // 2, 3, 4
  SECTION("one key") {
    Result<DeleteRangeResponse> r = s.delete_range({"q", "", false});
    REQUIRE(r.ok());
    CHECK(r.value().deleted == 1);
    CHECK(r.value().prev_kvs.empty());
    CHECK_FALSE(get(s, "q"));
    CHECK(get(s, "p/1"));
  }
  SECTION("a prefix, with the deleted versions in key order") {
    Result<DeleteRangeResponse> r = s.delete_range({"p/", prefix_end("p/"), true});
    REQUIRE(r.ok());
    CHECK(r.value().deleted == 2);
    CHECK(pairs(r.value().prev_kvs) == "p/1=vp/1,p/2=vp/2");
    CHECK(pairs(range(s, {"a", kAll}).kvs) == "q=vq");
  }
  SECTION("a deleted key is still there at an older revision") {
    del(s, "q");  // 5
    std::optional<KeyValue> q = get(s, "q", 4);
    REQUIRE(q);
    CHECK(q->value == "vq");
  }
}

// lease_test.cpp — leases: grant, keep-alive and revoke (every Store), expiry on the clock
// (the embedded store).
#include <catch2/catch.hpp>

#include "cluster/store/lessor.h"
#include "tests/cluster/store/store_fixtures.h"

using namespace kubepp;
using namespace kubepp::store;
using namespace kubepp::store::testing;

namespace {

int64_t grant(Store& s, int64_t ttl) {
  Result<LeaseGrantResponse> r = s.lease_grant({ttl, 0});
  REQUIRE(r.ok());
  CHECK(r.value().ttl == ttl);
  return r.value().id;
}

}  // namespace

TEMPLATE_TEST_CASE("a lease grant gives an id; bad TTLs and taken ids are refused", "[unit][store]",
                   KUBEPP_STORES) {
  TestType f;
  Store& s = f.store;
  SECTION("two grants get two ids") { CHECK(grant(s, 10) != grant(s, 10)); }
  SECTION("a chosen id is kept, and taken once") {
    Result<LeaseGrantResponse> r = s.lease_grant({10, 777});
    REQUIRE(r.ok());
    CHECK(r.value().id == 777);
    Result<LeaseGrantResponse> again = s.lease_grant({10, 777});
    REQUIRE_FALSE(again.ok());
    CHECK(again.error().code == ErrorCode::AlreadyExists);
    CHECK(again.error().message == kErrLeaseExist);
  }
  SECTION("a TTL below etcd's minimum, 0 and negative ones too, is raised to it") {
    for (int64_t ttl : {1, 0, -5}) {
      Result<LeaseGrantResponse> r = s.lease_grant({ttl, 0});
      INFO("ttl " << ttl << ": " << (r ? "" : r.error().message));
      REQUIRE(r.ok());
      CHECK(r.value().ttl == kMinLeaseTTL);
    }
  }
  SECTION("a TTL above etcd's maximum is Invalid") {
    Result<LeaseGrantResponse> r = s.lease_grant({kMaxLeaseTTL + 1, 0});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::Invalid);
    CHECK(r.error().message == kErrLeaseTTLTooLarge);
  }
  SECTION("keep-alive and revoke of an unknown lease are NotFound") {
    CHECK(s.lease_keep_alive(4242).error().code == ErrorCode::NotFound);
    CHECK(s.lease_revoke(4242).error().code == ErrorCode::NotFound);
    CHECK(s.lease_revoke(4242).error().message == kErrLeaseNotFound);
  }
  SECTION("a keep-alive answers the lease's id and its full TTL") {
    int64_t id = grant(s, 10);
    Result<LeaseKeepAliveResponse> r = s.lease_keep_alive(id);
    REQUIRE(r.ok());
    CHECK(r.value().id == id);
    CHECK(r.value().ttl == 10);
  }
  SECTION("a put with an unknown lease is NotFound and writes nothing") {
    Result<PutResponse> r = s.put({"a", "1", 4242, false});
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::NotFound);
    CHECK(r.error().message == kErrLeaseNotFound);
    CHECK_FALSE(get(s, "a"));
  }
  SECTION("a lease grant takes no revision") {
    grant(s, 10);
    CHECK(put(s, "a", "1") == 2);
  }
}

TEMPLATE_TEST_CASE("revoking a lease deletes its keys in one write with Delete events", "[unit][store]",
                   KUBEPP_STORES) {
  TestType f;
  Store& s = f.store;
  int64_t id = grant(s, 60);
  put(s, "l/a", "1", id);  // 2
  put(s, "l/b", "1", id);  // 3
  put(s, "l/c", "1");      // 4: no lease
  WatchRequest req;
  req.key = "l/";
  req.range_end = prefix_end("l/");
  auto w = watch(s, req);
  SECTION("its keys go, the others stay") {
    Result<LeaseRevokeResponse> r = s.lease_revoke(id);
    REQUIRE(r.ok());
    CHECK(r.value().header.revision == 5);
    CHECK(describe(collect(f, *w, 2)) == "DELETE l/a @5, DELETE l/b @5");
    CHECK(pairs(s.range({"l/", prefix_end("l/")}).value().kvs) == "l/c=1");
    CHECK(s.lease_keep_alive(id).error().code == ErrorCode::NotFound);
  }
  SECTION("a key put again without the lease leaves it") {
    put(s, "l/a", "2");  // 5
    REQUIRE(s.lease_revoke(id).ok());
    CHECK(describe(collect(f, *w, 2)) == "PUT l/a=2 @5, DELETE l/b @6");
    CHECK(get(s, "l/a"));
  }
  SECTION("a deleted key does not come back as a second delete") {
    del(s, "l/a");  // 5
    REQUIRE(s.lease_revoke(id).ok());
    CHECK(describe(collect(f, *w, 2)) == "DELETE l/a @5, DELETE l/b @6");
  }
  SECTION("a key deleted and put again without the lease leaves it") {
    del(s, "l/a");       // 5
    put(s, "l/a", "2");  // 6
    REQUIRE(s.lease_revoke(id).ok());
    CHECK(describe(collect(f, *w, 3)) == "DELETE l/a @5, PUT l/a=2 @6, DELETE l/b @7");
    CHECK(get(s, "l/a"));
  }
  SECTION("a key carries its lease") { CHECK(get(s, "l/a")->lease == id); }
}

// Expiry steps a FakeClock, which no server shares: the embedded store only (see
// store_fixtures.h), not compiled into store_backend_tests.
#ifndef KUBEPP_STORE_BACKENDS
TEST_CASE("a lease expires when its TTL passes on the clock, deleting its keys", "[unit][store]") {
  EmbeddedStore f;
  Store& s = f.store;
  int64_t id = grant(s, 10);
  put(s, "a", "1", id);  // 2
  SECTION("not before its TTL") {
    f.clock.advance(std::chrono::milliseconds(9999));
    CHECK(f.store.expire_leases() == 0);
    CHECK(get(s, "a"));
  }
  SECTION("at its TTL") {
    f.clock.advance(std::chrono::seconds(10));
    CHECK(f.store.expire_leases() == 1);
    CHECK_FALSE(get(s, "a"));
    CHECK(s.lease_revoke(id).error().code == ErrorCode::NotFound);
    CHECK(f.store.current_revision() == 3);  // the expiry's delete
  }
  SECTION("a keep-alive restarts the TTL from now") {
    f.clock.advance(std::chrono::seconds(8));
    Result<LeaseKeepAliveResponse> r = s.lease_keep_alive(id);
    REQUIRE(r.ok());
    CHECK(r.value().ttl == 10);
    f.clock.advance(std::chrono::seconds(8));  // 16 s after the grant, 8 after the keep-alive
    CHECK(f.store.expire_leases() == 0);
    CHECK(get(s, "a"));
    f.clock.advance(std::chrono::seconds(2));
    CHECK(f.store.expire_leases() == 1);
    CHECK_FALSE(get(s, "a"));
  }
  SECTION("a keep-alive after the deadline is too late, even before the lease is revoked") {
    f.clock.advance(std::chrono::seconds(11));
    CHECK(s.lease_keep_alive(id).error().code == ErrorCode::NotFound);
  }
}
#endif  // KUBEPP_STORE_BACKENDS

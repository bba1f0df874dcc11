// etcd_store_test.cpp — the client's side of the gateway: EtcdStore's endpoint, connection
// failures and broken watch streams, and gateway_json's request encoders and response and
// error decoders, checked on etcd 3.4's own bytes. The whole Store contract against
// `kubepp store` and real etcd is store_backend_tests (store_fixtures.h).
#include <catch2/catch.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cluster/store/etcd/etcd_store.h"
#include "cluster/store/server/gateway_json.h"
#include "cluster/store/server/server.h"
#include "tests/cluster/store/store_fixtures.h"

using namespace kubepp;
using namespace kubepp::store;
using namespace kubepp::store::testing;
namespace gw = kubepp::store::gateway;

namespace {

// A loopback port nothing listens on (bound, then released).
int closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), len) == 0);
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  ::close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace

TEST_CASE("EtcdStore takes an endpoint of the form http://HOST:PORT", "[unit][store][etcd]") {
  CHECK(EtcdStore::open("http://127.0.0.1:2379").ok());
  CHECK(EtcdStore::open("http://[::1]:2379/").ok());
  for (const char* bad : {"127.0.0.1:2379", "https://127.0.0.1:2379", "http://127.0.0.1", "http://127.0.0.1:0",
                          "http://127.0.0.1:99999", "http://127.0.0.1:2379/v3"}) {
    Result<std::unique_ptr<EtcdStore>> r = EtcdStore::open(bad);
    INFO(bad);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::Invalid);
    CHECK_THAT(r.error().message, Catch::Contains(bad));
  }
}

TEST_CASE("EtcdStore with no server at its endpoint is Unavailable, naming the endpoint", "[unit][store][etcd]") {
  const std::string endpoint = "http://127.0.0.1:" + std::to_string(closed_port());
  std::unique_ptr<EtcdStore> s = EtcdStore::open(endpoint).value();
  Result<PutResponse> put = s->put({"a", "1", 0, false});
  REQUIRE_FALSE(put.ok());
  CHECK(put.error().code == ErrorCode::Unavailable);
  CHECK_THAT(put.error().message, Catch::Contains("`" + endpoint + "`") && Catch::Contains("/v3/kv/put"));
  Result<std::unique_ptr<Watcher>> w = s->watch(WatchRequest{"a", "", 0});
  REQUIRE_FALSE(w.ok());
  CHECK(w.error().code == ErrorCode::Unavailable);
}

TEST_CASE("an EtcdStore watch whose stream breaks ends with a canceled response saying so", "[unit][store][etcd]") {
  FakeClock clock;
  WatchableStore::Options o;
  o.clock = &clock;
  o.sync_interval = std::chrono::milliseconds(10);
  WatchableStore embedded(o);
  GatewayServer server(embedded);
  Result<int> port = server.start("127.0.0.1", 0);
  REQUIRE(port.ok());
  const std::string endpoint = "http://127.0.0.1:" + std::to_string(port.value());
  std::unique_ptr<EtcdStore> s = EtcdStore::open(endpoint).value();
  auto w = watch(*s, WatchRequest{"a", "", 0});
  put(*s, "a", "1");  // 2
  std::optional<WatchResponse> r = w->next(std::chrono::seconds(5));
  REQUIRE(r);
  CHECK(describe(r->events) == "PUT a=1 @2");
  server.stop();
  r = w->next(std::chrono::seconds(5));
  REQUIRE(r);
  CHECK(r->canceled);
  CHECK(r->events.empty());
  CHECK_THAT(r->cancel_reason, Catch::Contains("`" + endpoint + "`") && Catch::Contains("stream ended"));
  CHECK_FALSE(w->next(std::chrono::milliseconds(0)));
}

TEST_CASE("etcd's error answers become the ErrorCodes the embedded stores give", "[unit][store][etcd]") {
  struct Case {
    int status;
    const char* body;  // as etcd 3.4.23's gateway sends it
    ErrorCode code;
    std::string message;
  };
  for (const Case& c : {
           Case{400, R"({"error":"etcdserver: mvcc: required revision has been compacted","message":"etcdserver: mvcc: required revision has been compacted","code":11})", ErrorCode::Gone, kErrCompacted},
           Case{400, R"({"error":"etcdserver: mvcc: required revision is a future revision","message":"etcdserver: mvcc: required revision is a future revision","code":11})", ErrorCode::Invalid, kErrFutureRev},
           Case{400, R"({"error":"etcdserver: key is not provided","message":"etcdserver: key is not provided","code":3})", ErrorCode::Invalid, kErrEmptyKey},
           Case{400, R"({"error":"etcdserver: duplicate key given in txn request","message":"etcdserver: duplicate key given in txn request","code":3})", ErrorCode::Invalid, kErrDuplicateKey},
           Case{404, R"({"error":"etcdserver: requested lease not found","message":"etcdserver: requested lease not found","code":5})", ErrorCode::NotFound, kErrLeaseNotFound},
           Case{412, R"({"error":"etcdserver: lease already exists","message":"etcdserver: lease already exists","code":9})", ErrorCode::AlreadyExists, kErrLeaseExist},
           Case{400, R"({"error":"etcdserver: too large lease TTL","message":"etcdserver: too large lease TTL","code":11})", ErrorCode::Invalid, kErrLeaseTTLTooLarge},
           Case{503, R"({"error":"etcdserver: request timed out","message":"etcdserver: request timed out","code":14})", ErrorCode::Unavailable, "request timed out"},
           Case{400, R"({"error":"illegal base64 data at input byte 3","message":"illegal base64 data at input byte 3","code":3})", ErrorCode::Invalid, "illegal base64 data at input byte 3"},
           Case{502, "<html>Bad Gateway</html>", ErrorCode::Unavailable, "HTTP 502: <html>Bad Gateway</html>"},
       }) {
    Error e = gw::decode_error(c.status, c.body);
    INFO(c.body);
    CHECK(e.code == c.code);
    CHECK(e.message == c.message);
  }
  SECTION("a refused watch's cancel_reason too") {
    Error e = gw::error_from_etcd("mvcc: watcher range is empty");
    CHECK(e.code == ErrorCode::Invalid);
    CHECK(e.message == kErrEmptyWatcherRange);
  }
}

TEST_CASE("the client decodes etcd's watch lines, reading a compaction cancel as kErrCompacted", "[unit][store][etcd]") {
  Result<gw::WatchResult> created = gw::decode_watch_result(
      R"({"result":{"header":{"cluster_id":"1","member_id":"2","revision":"4","raft_term":"2"},"watch_id":"7","created":true}})");
  REQUIRE(created.ok());
  CHECK(created.value().created);
  CHECK(created.value().response.watch_id == 7);
  CHECK(created.value().response.header.revision == 4);

  Result<gw::WatchResult> events = gw::decode_watch_result(
      R"({"result":{"header":{"revision":"4"},"events":[{"kv":{"key":"YQ==","create_revision":"2","mod_revision":"3","version":"2","value":"Mg=="}},)"
      R"({"type":"DELETE","kv":{"key":"YQ==","mod_revision":"4"},"prev_kv":{"key":"YQ==","create_revision":"2","mod_revision":"3","version":"2","value":"Mg=="}}]}})");
  REQUIRE(events.ok());
  CHECK_FALSE(events.value().created);
  CHECK(describe(events.value().response.events) == "PUT a=2 @3, DELETE a @4 (was 2)");

  Result<gw::WatchResult> compacted =
      gw::decode_watch_result(R"({"result":{"header":{"raft_term":"2"},"canceled":true,"compact_revision":"3"}})");
  REQUIRE(compacted.ok());
  CHECK(compacted.value().response.canceled);
  CHECK(compacted.value().response.compact_revision == 3);
  CHECK(compacted.value().response.cancel_reason == kErrCompacted);

  Result<gw::WatchResult> failed =
      gw::decode_watch_result(R"({"error":{"grpc_code":14,"http_code":503,"message":"etcdserver: no leader","http_status":"Service Unavailable"}})");
  REQUIRE_FALSE(failed.ok());
  CHECK(failed.error().code == ErrorCode::Unavailable);
  CHECK(failed.error().message == "no leader");
}

TEST_CASE("the client's request encoders write what the server's decoders read", "[unit][store][etcd]") {
  SECTION("a txn with every kind of compare and op") {
    Compare create;
    create.target = Compare::Target::CreateRevision;
    create.key = "k";
    create.create_revision = 0;  // a oneof: written even at its default
    Compare value;
    value.result = Compare::Result::NotEqual;
    value.target = Compare::Target::Value;
    value.key = "r/";
    value.range_end = prefix_end("r/");
    value.value = std::string("\0\xff", 2);
    TxnRequest txn{{create, value},
                   {PutRequest{"k", "v", 7, true}, DeleteRangeRequest{"d", "e", true}},
                   {RangeRequest{"k", "", 3, 10, true, true}}};
    const std::string body = gw::encode(txn);
    CHECK_THAT(body, Catch::Contains(R"({"target":"CREATE","key":"aw==","create_revision":"0"})"));
    Result<TxnRequest> back = gw::decode_txn(body);
    REQUIRE(back.ok());
    REQUIRE(back.value().compare.size() == 2);
    CHECK(back.value().compare[1].result == Compare::Result::NotEqual);
    CHECK(back.value().compare[1].range_end == "r0");
    CHECK(back.value().compare[1].value == value.value);
    const auto& p = std::get<PutRequest>(back.value().success[0]);
    CHECK((p.key == "k" && p.value == "v" && p.lease == 7 && p.prev_kv));
    const auto& d = std::get<DeleteRangeRequest>(back.value().success[1]);
    CHECK((d.key == "d" && d.range_end == "e" && d.prev_kv));
    const auto& r = std::get<RangeRequest>(back.value().failure[0]);
    CHECK((r.key == "k" && r.revision == 3 && r.limit == 10 && r.count_only && r.keys_only));
  }
  SECTION("a watch") {
    gw::WatchCreate w;
    w.request = WatchRequest{"a", "b", 5, true, true};
    w.watch_id = 9;
    w.no_delete = true;
    Result<gw::WatchCreate> back = gw::decode_watch(gw::encode(w));
    REQUIRE(back.ok());
    CHECK((back.value().request.key == "a" && back.value().request.range_end == "b"));
    CHECK(back.value().request.start_revision == 5);
    CHECK((back.value().request.prev_kv && back.value().request.progress_notify));
    CHECK(back.value().watch_id == 9);
    CHECK((back.value().no_delete && !back.value().no_put));
  }
  SECTION("leases and compaction") {
    CHECK(gw::decode_lease_grant(gw::encode(LeaseGrantRequest{30, 12})).value().ttl == 30);
    CHECK(gw::decode_lease_grant(gw::encode(LeaseGrantRequest{30, 12})).value().id == 12);
    CHECK(gw::decode_lease_id(gw::encode_lease_id(12)).value() == 12);
    CHECK(gw::decode_compaction(gw::encode_compaction(8)).value() == 8);
  }
}

// server_test.cpp — `kubepp store`'s server: the embedded store over etcd 3.4's v3 JSON
// gateway, spoken to with cpp-httplib's client on 127.0.0.1 (a free port per test).
// Expected shapes are etcd's, as its gateway documentation and protojson give them:
// base64 keys and values, int64 as strings, default fields left out.
#include <catch2/catch.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "cluster/store/server/gateway_json.h"
#include "cluster/store/server/server.h"
#include "tests/cluster/store/store_fixtures.h"

using namespace kubepp;
using namespace kubepp::store;
using json = nlohmann::json;

namespace {

std::string b64(const std::string& s) { return kubepp::base64_encode(s); }

// The embedded store behind a GatewayServer on 127.0.0.1:0; the background loop runs
// (watchers catch up by themselves), leases use a fake clock that never moves.
struct ServedStore {
  static WatchableStore::Options options(const Clock& clock) {
    WatchableStore::Options o;
    o.clock = &clock;
    o.sync_interval = std::chrono::milliseconds(10);
    return o;
  }
  FakeClock clock;
  WatchableStore store{options(clock)};
  GatewayServer server{store};
  int port = 0;

  ServedStore() {
    Result<int> p = server.start("127.0.0.1", 0);
    INFO((p ? "" : p.error().message));
    REQUIRE(p.ok());
    port = p.value();
  }

  struct Reply {
    int status = 0;
    std::string body;
    json doc;
  };
  Reply post(const std::string& path, const std::string& body) {
    httplib::Client client("127.0.0.1", port);
    httplib::Result r = client.Post(path.c_str(), body, "application/json");
    INFO("POST " << path << " " << body);
    REQUIRE(r);
    Reply out{r->status, r->body, json::parse(r->body, nullptr, false)};
    INFO("answer " << r->status << " " << r->body);
    REQUIRE_FALSE(out.doc.is_discarded());
    return out;
  }
  Reply post(const std::string& path, const json& body) { return post(path, body.dump()); }
};

// A /v3/watch stream read on a thread of its own: the lines arrive in `lines`.
class WatchStream {
 public:
  WatchStream(int port, const json& create) : client_("127.0.0.1", port) {
    client_.set_read_timeout(10, 0);
    thread_ = std::thread([this, body = create.dump()] {
      httplib::Request req;
      req.method = "POST";
      req.path = "/v3/watch";
      req.body = body;
      req.set_header("Content-Type", "application/json");
      req.content_receiver = [this](const char* data, size_t n, uint64_t, uint64_t) {
        std::lock_guard lock(mu_);
        partial_.append(data, n);
        for (size_t nl; (nl = partial_.find('\n')) != std::string::npos; partial_.erase(0, nl + 1)) {
          lines_.push_back(partial_.substr(0, nl));
        }
        cv_.notify_all();
        return true;
      };
      client_.send(req);
      std::lock_guard lock(mu_);
      ended_ = true;
      cv_.notify_all();
    });
  }
  ~WatchStream() { thread_.join(); }  // the server's stop() ends the stream first

  /// Waits up to 5 s for `n` lines and returns those seen.
  std::vector<json> wait_lines(size_t n) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, std::chrono::seconds(5), [&] { return lines_.size() >= n || ended_; });
    std::vector<json> out;
    for (const std::string& line : lines_) out.push_back(json::parse(line));
    return out;
  }

 private:
  httplib::Client client_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::string partial_;             // guarded by mu_
  std::vector<std::string> lines_;  // guarded by mu_
  bool ended_ = false;              // guarded by mu_
  std::thread thread_;
};

}  // namespace

TEST_CASE("base64 follows Go's StdEncoding", "[unit][store][server]") {
  CHECK(b64("foo") == "Zm9v");
  CHECK(b64("fo") == "Zm8=");
  CHECK(b64("f") == "Zg==");
  CHECK(b64(std::string("\0\xff", 2)) == "AP8=");
  CHECK(kubepp::base64_decode("Zm8=").value() == "fo");
  CHECK(kubepp::base64_decode("AP8=").value() == std::string("\0\xff", 2));
  CHECK_FALSE(kubepp::base64_decode("Zm9"));
  CHECK_FALSE(kubepp::base64_decode("Zm=v"));
  CHECK_FALSE(kubepp::base64_decode("Zm9v!A=="));
}

TEST_CASE("put then range round-trips base64 keys and values with etcd's header", "[unit][store][server]") {
  ServedStore s;
  ServedStore::Reply put = s.post("/v3/kv/put", json{{"key", "Zm9v"}, {"value", "YmFy"}});
  CHECK(put.status == 200);
  const json& h = put.doc["header"];
  CHECK(h["revision"] == "2");  // int64 as a string; the first write of an empty store
  CHECK(h["cluster_id"].is_string());
  CHECK(h["member_id"].is_string());
  CHECK(h["raft_term"] == "1");
  CHECK(put.doc.size() == 1);  // no prev_kv: left out

  ServedStore::Reply got = s.post("/v3/kv/range", json{{"key", "Zm9v"}});
  CHECK(got.status == 200);
  REQUIRE(got.doc["kvs"].size() == 1);
  CHECK(got.doc["kvs"][0] == json{{"key", "Zm9v"}, {"create_revision", "2"}, {"mod_revision", "2"}, {"version", "1"}, {"value", "YmFy"}});
  CHECK(got.doc["count"] == "1");
  CHECK_FALSE(got.doc.contains("more"));
  // Fields in .proto order, as etcd's gateway writes them.
  CHECK(got.body.find(R"("kvs":[{"key":"Zm9v","create_revision":"2","mod_revision":"2","version":"1","value":"YmFy"}],"count":"1"})") != std::string::npos);

  SECTION("binary keys and values survive") {
    const std::string key("k\0\xff", 3), value("\x01\x02\x80", 3);
    CHECK(s.post("/v3/kv/put", json{{"key", b64(key)}, {"value", b64(value)}}).status == 200);
    ServedStore::Reply bin = s.post("/v3/kv/range", json{{"key", b64(key)}});
    REQUIRE(bin.doc["kvs"].size() == 1);
    CHECK(kubepp::base64_decode(bin.doc["kvs"][0]["value"].get<std::string>()).value() == value);
  }
  SECTION("prev_kv returns the replaced version") {
    ServedStore::Reply again = s.post("/v3/kv/put", json{{"key", "Zm9v"}, {"value", b64("baz")}, {"prev_kv", true}});
    CHECK(again.doc["prev_kv"]["value"] == "YmFy");
    CHECK(again.doc["header"]["revision"] == "3");
  }
  SECTION("a missing key has no kvs and no count") {
    ServedStore::Reply none = s.post("/v3/kv/range", json{{"key", b64("nope")}});
    CHECK(none.status == 200);
    CHECK_FALSE(none.doc.contains("kvs"));
    CHECK_FALSE(none.doc.contains("count"));
  }
}

TEST_CASE("range with range_end and limit returns the first keys with more and the full count", "[unit][store][server]") {
  ServedStore s;
  for (const char* k : {"a/3", "a/1", "b", "a/2"}) s.post("/v3/kv/put", json{{"key", b64(k)}, {"value", b64("v")}});
  ServedStore::Reply r = s.post("/v3/kv/range", json{{"key", b64("a/")}, {"range_end", b64("a0")}, {"limit", "2"}});
  REQUIRE(r.doc["kvs"].size() == 2);
  CHECK(r.doc["kvs"][0]["key"] == b64("a/1"));
  CHECK(r.doc["kvs"][1]["key"] == b64("a/2"));
  CHECK(r.doc["more"] == true);
  CHECK(r.doc["count"] == "3");

  SECTION("lowerCamelCase names and numbers are accepted, as protojson accepts them") {
    ServedStore::Reply c = s.post("/v3/kv/range", json{{"key", b64("a/")}, {"rangeEnd", b64("a0")}, {"limit", 5}, {"countOnly", true}});
    CHECK_FALSE(c.doc.contains("kvs"));
    CHECK(c.doc["count"] == "3");
  }
  SECTION("deleterange over the prefix") {
    ServedStore::Reply d = s.post("/v3/kv/deleterange", json{{"key", b64("a/")}, {"range_end", b64("a0")}});
    CHECK(d.doc["deleted"] == "3");
    CHECK(s.post("/v3/kv/range", json{{"key", b64("a/")}, {"range_end", b64("a0")}}).doc.count("kvs") == 0);
  }
}

TEST_CASE("txn runs the success branch when compares hold and the failure branch when not", "[unit][store][server]") {
  ServedStore s;
  s.post("/v3/kv/put", json{{"key", b64("k")}, {"value", b64("v1")}});  // revision 2
  const json txn = {
      {"compare", {{{"result", "EQUAL"}, {"target", "MOD"}, {"key", b64("k")}, {"mod_revision", "2"}}}},
      {"success", {{{"request_put", {{"key", b64("k")}, {"value", b64("v2")}}}}}},
      {"failure", {{{"request_range", {{"key", b64("k")}}}}}},
  };
  ServedStore::Reply won = s.post("/v3/kv/txn", txn);
  CHECK(won.status == 200);
  CHECK(won.doc["succeeded"] == true);
  CHECK(won.doc["header"]["revision"] == "3");
  CHECK(won.doc["responses"] == json::parse(R"([{"response_put":{"header":{"revision":"3"}}}])"));

  ServedStore::Reply lost = s.post("/v3/kv/txn", txn);  // mod_revision is 3 now
  CHECK(lost.status == 200);
  CHECK_FALSE(lost.doc.contains("succeeded"));  // false: left out
  CHECK(lost.doc["header"]["revision"] == "3");
  REQUIRE(lost.doc["responses"].size() == 1);
  CHECK(lost.doc["responses"][0]["response_range"]["kvs"][0]["value"] == b64("v2"));

  SECTION("etcd's documented camelCase txn: create if absent") {
    const json create = json::parse(R"({"compare":[{"target":"CREATE","key":")" + b64("new") +
                                    R"(","createRevision":"0"}],"success":[{"requestPut":{"key":")" + b64("new") +
                                    R"(","value":"YmFy"}}]})");
    CHECK(s.post("/v3/kv/txn", create).doc["succeeded"] == true);
    CHECK_FALSE(s.post("/v3/kv/txn", create).doc.contains("succeeded"));
  }
}

TEST_CASE("a range below the compacted revision answers etcd's OutOfRange error", "[unit][store][server]") {
  ServedStore s;
  for (const char* v : {"1", "2", "3"}) s.post("/v3/kv/put", json{{"key", b64("c")}, {"value", b64(v)}});  // 2-4
  ServedStore::Reply compacted = s.post("/v3/kv/compaction", json{{"revision", "3"}});
  CHECK(compacted.status == 200);
  CHECK(compacted.doc["header"]["revision"] == "4");

  ServedStore::Reply old = s.post("/v3/kv/range", json{{"key", b64("c")}, {"revision", "2"}});
  CHECK(old.status == 400);
  CHECK(old.body ==  // etcd 3.4's body, byte for byte
        R"({"error":"etcdserver: mvcc: required revision has been compacted",)"
        R"("message":"etcdserver: mvcc: required revision has been compacted","code":11})");
  CHECK(s.post("/v3/kv/range", json{{"key", b64("c")}, {"revision", "3"}}).doc["kvs"][0]["value"] == b64("2"));

  SECTION("compacting again at the same revision is Compacted too") {
    CHECK(s.post("/v3/kv/compaction", json{{"revision", "3"}}).doc["code"] == 11);
  }
  SECTION("a future revision is OutOfRange with etcd's text") {
    ServedStore::Reply future = s.post("/v3/kv/range", json{{"key", b64("c")}, {"revision", "9"}});
    CHECK(future.status == 400);
    CHECK(future.doc["message"] == "etcdserver: mvcc: required revision is a future revision");
  }
  SECTION("malformed input is InvalidArgument and the store keeps serving") {
    CHECK(s.post("/v3/kv/put", std::string("{not json")).doc["code"] == 3);
    CHECK(s.post("/v3/kv/put", json{{"key", "not base64!"}}).doc["code"] == 3);
    ServedStore::Reply empty = s.post("/v3/kv/put", json{{"value", b64("x")}});
    CHECK(empty.doc["message"] == "etcdserver: key is not provided");
    CHECK(s.post("/v3/kv/range", json{{"key", b64("c")}}).doc["kvs"][0]["value"] == b64("3"));
  }
}

TEST_CASE("lease grant and keepalive answer the TTL and revoke deletes the lease's keys", "[unit][store][server]") {
  ServedStore s;
  ServedStore::Reply grant = s.post("/v3/lease/grant", json{{"TTL", "30"}});
  CHECK(grant.status == 200);
  REQUIRE(grant.doc["ID"].is_string());
  const std::string lease = grant.doc["ID"];
  CHECK(lease != "0");
  CHECK(grant.doc["TTL"] == "30");

  s.post("/v3/kv/put", json{{"key", b64("l/a")}, {"value", b64("1")}, {"lease", lease}});
  s.post("/v3/kv/put", json{{"key", b64("l/b")}, {"value", b64("2")}, {"lease", lease}});
  ServedStore::Reply held = s.post("/v3/kv/range", json{{"key", b64("l/")}, {"range_end", b64("l0")}});
  REQUIRE(held.doc["kvs"].size() == 2);
  CHECK(held.doc["kvs"][0]["lease"] == lease);

  ServedStore::Reply alive = s.post("/v3/lease/keepalive", json{{"ID", lease}});
  CHECK(alive.doc["result"]["ID"] == lease);
  CHECK(alive.doc["result"]["TTL"] == "30");

  ServedStore::Reply revoked = s.post("/v3/lease/revoke", json{{"ID", lease}});
  CHECK(revoked.status == 200);
  CHECK(revoked.doc["header"]["revision"] == "4");  // the two puts, then one write for both deletes
  CHECK_FALSE(s.post("/v3/kv/range", json{{"key", b64("l/")}, {"range_end", b64("l0")}}).doc.contains("kvs"));

  ServedStore::Reply again = s.post("/v3/lease/revoke", json{{"ID", lease}});
  CHECK(again.status == 404);
  CHECK(again.doc == json{{"error", "etcdserver: requested lease not found"}, {"code", 5}, {"message", "etcdserver: requested lease not found"}});
  // A keep-alive of a lease that is gone answers TTL 0 (left out), as etcd does.
  ServedStore::Reply gone = s.post("/v3/lease/keepalive", json{{"ID", lease}});
  CHECK(gone.doc["result"]["ID"] == lease);
  CHECK_FALSE(gone.doc["result"].contains("TTL"));
}

TEST_CASE("a watch stream answers created and then the events in revision order", "[unit][store][server]") {
  ServedStore s;
  s.post("/v3/kv/put", json{{"key", b64("other")}, {"value", b64("x")}});  // revision 2
  {
    WatchStream stream(s.port, json{{"create_request", {{"key", b64("w/")}, {"range_end", b64("w0")}}}});
    std::vector<json> lines = stream.wait_lines(1);
    REQUIRE(lines.size() == 1);
    CHECK(lines[0]["result"]["created"] == true);
    CHECK(lines[0]["result"]["header"]["revision"] == "2");
    CHECK_FALSE(lines[0]["result"].contains("events"));

    s.post("/v3/kv/put", json{{"key", b64("w/a")}, {"value", b64("1")}});   // 3
    s.post("/v3/kv/put", json{{"key", b64("zz")}, {"value", b64("no")}});   // 4: not watched
    s.post("/v3/kv/put", json{{"key", b64("w/b")}, {"value", b64("2")}});   // 5
    s.post("/v3/kv/deleterange", json{{"key", b64("w/a")}});                // 6
    lines = stream.wait_lines(4);
    std::vector<json> events;
    for (size_t i = 1; i < lines.size(); i++) {
      for (const json& ev : lines[i]["result"]["events"]) events.push_back(ev);
    }
    INFO("stream: " << json(lines).dump());
    REQUIRE(events.size() == 3);
    CHECK(events[0] == json{{"kv", {{"key", b64("w/a")}, {"create_revision", "3"}, {"mod_revision", "3"}, {"version", "1"}, {"value", b64("1")}}}});
    CHECK(events[1]["kv"]["key"] == b64("w/b"));
    CHECK(events[1]["kv"]["mod_revision"] == "5");
    CHECK(events[2] == json{{"type", "DELETE"}, {"kv", {{"key", b64("w/a")}, {"mod_revision", "6"}}}});
    s.server.stop();  // ends the stream, so the reader thread returns
  }
}

TEST_CASE("a watch from a compacted revision is created and then canceled with compact_revision", "[unit][store][server]") {
  ServedStore s;
  for (const char* v : {"1", "2", "3"}) s.post("/v3/kv/put", json{{"key", b64("c")}, {"value", b64(v)}});  // 2-4
  s.post("/v3/kv/compaction", json{{"revision", "4"}});
  {
    WatchStream stream(s.port, json{{"create_request", {{"key", b64("c")}, {"start_revision", "2"}}}});
    std::vector<json> lines = stream.wait_lines(2);
    INFO("stream: " << json(lines).dump());
    REQUIRE(lines.size() == 2);
    CHECK(lines[0]["result"]["created"] == true);
    CHECK(lines[1]["result"]["canceled"] == true);
    CHECK(lines[1]["result"]["compact_revision"] == "4");
    s.server.stop();
  }
}

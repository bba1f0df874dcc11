// bad_input_test.cpp — bad requests to `kubepp store` and to real etcd 3.4, side by side:
// each gets the answer etcd gives (HTTP status, gRPC code and, where etcd's own text is
// meant for clients, the message), and afterwards the store still serves and has lost
// nothing. Raw HTTP, as curl sends it, so the gateway itself is what is tested.
#include <catch2/catch.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <functional>
#include <string>
#include <thread>

#include "cluster/store/server/gateway_json.h"
#include "tests/support/store_processes.h"

using json = nlohmann::json;
using kubepp::base64_encode;
using kubepp::testing::StoreProcess;

namespace {

struct Answer {
  int status = 0;
  json doc;
};

struct Client {
  explicit Client(const std::string& endpoint) : http(endpoint) {
    http.set_read_timeout(std::chrono::seconds(5));
  }
  // The status and body as they arrive: etcd ends an error answer with HTTP trailers,
  // which cpp-httplib 0.11 reports as a read error after the whole body.
  Answer post(const std::string& path, const std::string& body,
              const std::string& content_type = "application/json") {
    httplib::Request req;
    req.method = "POST";
    req.path = path;
    req.body = body;
    req.set_header("Content-Type", content_type);
    int status = 0;
    std::string text;
    req.response_handler = [&](const httplib::Response& r) {
      status = r.status;
      return true;
    };
    req.content_receiver = [&](const char* data, size_t len, uint64_t, uint64_t) {
      text.append(data, len);
      return true;
    };
    (void)http.send(req);
    INFO("POST " << path << ": answer " << status << " " << text.substr(0, 300));
    Answer a{status, json::parse(text, nullptr, false)};
    REQUIRE(status != 0);
    REQUIRE_FALSE(a.doc.is_discarded());
    return a;
  }
  Answer put(const std::string& key, const std::string& value) {
    return post("/v3/kv/put", json{{"key", base64_encode(key)}, {"value", base64_encode(value)}}.dump());
  }
  httplib::Client http;
};

// The first `n` lines of a watch stream opened with `body` (at most 3 s without a line),
// while `during` runs once the watch is created (it writes what the watch should see).
std::vector<json> watch_lines(const std::string& endpoint, const json& body, size_t n,
                              const std::function<void()>& during = {}) {
  std::vector<json> lines;
  std::string buffer;
  std::thread reader([&] {
    httplib::Client http(endpoint);
    http.set_read_timeout(std::chrono::seconds(3));
    httplib::Request req;
    req.method = "POST";
    req.path = "/v3/watch";
    req.body = body.dump();
    req.set_header("Content-Type", "application/json");
    req.content_receiver = [&](const char* data, size_t len, uint64_t, uint64_t) {
      buffer.append(data, len);
      for (size_t nl; (nl = buffer.find('\n')) != std::string::npos;) {
        lines.push_back(json::parse(buffer.substr(0, nl), nullptr, false));
        buffer.erase(0, nl + 1);
      }
      return lines.size() < n;  // false ends the stream
    };
    (void)http.send(req);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the watch is created
  if (during) during();
  reader.join();
  return lines;
}

}  // namespace

TEST_CASE("bad requests get etcd's answers from kubepp store as from etcd, and nothing is lost",
          "[unit][store][bad-input]") {
  auto server = GENERATE(as<std::string>{}, "kubepp store", "etcd");
  std::unique_ptr<StoreProcess> p = server == "etcd" ? StoreProcess::etcd() : StoreProcess::kubepp_store();
  INFO(server << " at " << p->endpoint());
  Client c(p->endpoint());
  REQUIRE(c.put("kept", "1").status == 200);  // revision 2
  REQUIRE(c.put("kept", "2").status == 200);  // revision 3

  SECTION("a request over 1.5 MiB is refused as too large") {
    Answer a = c.put("big", std::string(1600 * 1024, 'x'));
    CHECK(a.status == 400);
    CHECK(a.doc["code"] == 3);
    CHECK(a.doc["message"] == "etcdserver: request is too large");
  }
  SECTION("a body sent as a form, as `curl -d` sends it, is read as JSON all the same") {
    json body{{"key", base64_encode("form")}, {"value", base64_encode(std::string(100 * 1024, 'f'))}};
    CHECK(c.post("/v3/kv/put", body.dump(), "application/x-www-form-urlencoded").status == 200);
  }
  SECTION("a range at a future revision is refused") {
    Answer a = c.post("/v3/kv/range", json{{"key", base64_encode("kept")}, {"revision", "100"}}.dump());
    CHECK(a.status == 400);
    CHECK(a.doc["code"] == 11);  // OutOfRange
    CHECK(a.doc["message"] == "etcdserver: mvcc: required revision is a future revision");
  }
  SECTION("malformed JSON is an InvalidArgument") {
    for (const char* body : {"{\"key\":", "[1,2]", "{\"key\":5}", "{\"key\":\"not base64!\"}"}) {
      Answer a = c.post("/v3/kv/range", body);
      INFO(body);
      CHECK(a.status == 400);
      CHECK(a.doc["code"] == 3);
    }
  }
  SECTION("a watch on a compacted revision is created, then canceled naming the compacted revision") {
    REQUIRE(c.post("/v3/kv/compaction", json{{"revision", "3"}}.dump()).status == 200);
    std::vector<json> lines =
        watch_lines(p->endpoint(), json{{"create_request", {{"key", base64_encode("kept")}, {"start_revision", "2"}}}}, 2);
    REQUIRE(lines.size() == 2);
    CHECK(lines[0]["result"]["created"] == true);
    CHECK(lines[1]["result"]["canceled"] == true);
    CHECK(lines[1]["result"]["compact_revision"] == "3");
  }
  SECTION("a watch from a future revision is accepted and waits for it") {
    std::vector<json> lines = watch_lines(
        p->endpoint(), json{{"create_request", {{"key", base64_encode("kept")}, {"start_revision", "5"}}}}, 2, [&] {
          REQUIRE(c.put("kept", "3").status == 200);  // revision 4: before the watch's start
          REQUIRE(c.put("kept", "4").status == 200);  // revision 5
        });
    REQUIRE(lines.size() == 2);
    CHECK(lines[0]["result"]["created"] == true);
    REQUIRE(lines[1]["result"]["events"].size() == 1);
    CHECK(lines[1]["result"]["events"][0]["kv"]["mod_revision"] == "5");
  }

  // Whatever came before, the store serves and has lost nothing.
  Answer kept = c.post("/v3/kv/range", json{{"key", base64_encode("kept")}}.dump());
  REQUIRE(kept.status == 200);
  CHECK(kept.doc["kvs"][0]["create_revision"] == "2");
  CHECK(c.put("after", "1").status == 200);
}

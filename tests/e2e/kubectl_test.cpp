// Real kubectl against a stub API server, on what the schema gives the API server:
// - what `kubectl create deployment` sends (protobuf from 1.32, JSON before) decodes to
//   what the user asked for, and the protobuf kubepp writes for that object is the bytes
//   kubectl wrote;
// - `kubectl explain` reads the OpenAPI v3 documents and prints the schema's descriptions.
//
// The stub answers only what these commands need — /version, legacy discovery, /openapi/v3
// and the POST. kubectl runs
// from its versioned binary beside the dispatcher (/usr/bin/kubectl → …/kubectl.1.NN); a
// missing binary fails the test.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <mutex>
#include <thread>

#include <catch2/catch.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "cluster/api/codec.h"
#include "cluster/api/openapi.h"
#include "cluster/api/protobuf.h"
#include "cluster/api/registry.h"
#include "cluster/api/rules.h"
#include "cluster/api/types/apps_v1.h"

using namespace kubepp::api;
using nlohmann::json;

namespace {

/// The stub API server on 127.0.0.1, a free port.
class StubApiServer {
 public:
  explicit StubApiServer(std::string minor) : minor_(std::move(minor)) {
    http_.Get("/version", [this](const httplib::Request&, httplib::Response& res) {
      res.set_content(json{{"major", "1"}, {"minor", minor_}, {"gitVersion", "v1." + minor_ + ".0"}}.dump(),
                      "application/json");
    });
    http_.Get("/api", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(R"({"kind":"APIVersions","versions":["v1"],"serverAddressByClientCIDRs":[]})", "application/json");
    });
    http_.Get("/apis", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(R"({"kind":"APIGroupList","apiVersion":"v1","groups":[{"name":"apps",
          "versions":[{"groupVersion":"apps/v1","version":"v1"}],
          "preferredVersion":{"groupVersion":"apps/v1","version":"v1"}}]})", "application/json");
    });
    http_.Get("/api/v1", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(R"({"kind":"APIResourceList","apiVersion":"v1","groupVersion":"v1","resources":[
          {"name":"pods","singularName":"pod","namespaced":true,"kind":"Pod",
           "verbs":["create","delete","get","list","patch","update","watch"],"shortNames":["po"]}]})",
                      "application/json");
    });
    // /openapi/v3 lists a document per group version; kubectl fetches each URL as given.
    http_.Get("/openapi/v3", [](const httplib::Request&, httplib::Response& res) {
      json index = {{"paths", json::object()}};
      for (const std::string& gv : openapi_group_versions()) {
        const std::string key = api_path(gv).substr(1);
        index["paths"][key] = {{"serverRelativeURL", "/openapi/v3/" + key + "?hash=1"}};
      }
      res.set_content(index.dump(), "application/json");
    });
    http_.Get(R"(/openapi/v3/apis?/(.+))", [this](const httplib::Request& req, httplib::Response& res) {
      // "/openapi/v3/api/v1" → "v1"; "/openapi/v3/apis/apps/v1" → "apps/v1"
      const std::string gv = req.matches[1];
      res.set_content(openapi_v3_document(gv, "v1." + minor_ + ".0").dump(), "application/json");
    });
    http_.Get("/apis/apps/v1", [](const httplib::Request&, httplib::Response& res) {
      res.set_content(R"({"kind":"APIResourceList","apiVersion":"v1","groupVersion":"apps/v1","resources":[
          {"name":"deployments","singularName":"deployment","namespaced":true,"kind":"Deployment",
           "verbs":["create","delete","get","list","patch","update","watch"],"shortNames":["deploy"]}]})",
                      "application/json");
    });
    http_.Post("/apis/apps/v1/namespaces/default/deployments", [this](const httplib::Request& req, httplib::Response& res) {
      std::lock_guard lock(mu_);
      content_type_ = req.get_header_value("Content-Type");
      body_ = req.body;
      res.status = 201;
      res.set_content(reply_.dump(), "application/json");
    });
    port_ = http_.bind_to_any_port("127.0.0.1");
    // Bound already: kubectl's connections queue until the thread accepts them.
    thread_ = std::thread([this] { http_.listen_after_bind(); });
  }
  ~StubApiServer() {
    http_.stop();
    thread_.join();
  }

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  void set_reply(json reply) {
    std::lock_guard lock(mu_);
    reply_ = std::move(reply);
  }
  std::pair<std::string, std::string> request() {
    std::lock_guard lock(mu_);
    return {content_type_, body_};
  }

 private:
  std::string minor_;
  httplib::Server http_;
  int port_ = 0;
  std::thread thread_;
  std::mutex mu_;
  std::string content_type_, body_;
  json reply_ = json::object();
};

/// The kubectl of minor version `minor`, beside the dispatcher.
std::string kubectl(const std::string& minor) {
  std::error_code ec;
  const auto dir = std::filesystem::canonical("/usr/bin/kubectl", ec).parent_path();
  const auto path = dir / ("kubectl.1." + minor);
  INFO("kubectl 1." << minor << " is part of this machine; looked for " << path);
  REQUIRE(std::filesystem::exists(path));
  return path.string();
}

/// Runs a shell command; its output and exit status.
std::pair<int, std::string> run(const std::string& command) {
  std::string out;
  FILE* p = popen((command + " 2>&1").c_str(), "r");
  REQUIRE(p != nullptr);
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  const int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

/// `kubectl create deployment web …` of minor version `minor` against a stub; the decoded
/// Deployment and the request's content type and body.
struct Created {
  apps_v1::Deployment deployment;
  std::string content_type, body, output;
};

Created create_deployment(const std::string& minor) {
  StubApiServer server(minor);
  const std::string cache = std::filesystem::temp_directory_path() / ("kubepp-kubectl-cache-" + std::to_string(getpid()));
  auto [rc, output] = run(kubectl(minor) + " --server=" + server.url() + " --cache-dir=" + cache +
                          " create deployment web --image=nginx:1.25 --replicas=3 --port=80");
  std::filesystem::remove_all(cache);
  auto [content_type, body] = server.request();
  Created c{{}, content_type, body, output};
  INFO(output);
  // The reply does not matter to what was sent; an empty object makes kubectl print a
  // blank name, which this test does not look at.
  REQUIRE(!body.empty());
  if (content_type == kProtobufContentType) {
    auto o = unwrap_protobuf(body);
    REQUIRE(o.ok());
    CHECK(o.value().api_version == "apps/v1");
    CHECK(o.value().kind == "Deployment");
    kubepp::Status s = decode_protobuf(o.value().raw, schema::type_of<apps_v1::Deployment>(), &c.deployment);
    INFO((s.ok() ? std::string() : s.error().message));
    REQUIRE(s.ok());
  } else {
    auto r = from_json(json::parse(body), c.deployment, FieldValidation::Strict);
    INFO((r.ok() ? std::string() : r.error().message));
    REQUIRE(r.ok());
  }
  return c;
}

void check_web(const apps_v1::Deployment& d) {
  CHECK(d.metadata.name == "web");
  CHECK(d.metadata.labels == std::map<std::string, std::string>{{"app", "web"}});
  REQUIRE(d.spec.replicas.has_value());
  CHECK(*d.spec.replicas == 3);
  REQUIRE(d.spec.selector.has_value());
  CHECK(d.spec.selector->matchLabels == std::map<std::string, std::string>{{"app", "web"}});
  CHECK(d.spec.template_.metadata.labels == std::map<std::string, std::string>{{"app", "web"}});
  REQUIRE(d.spec.template_.spec.containers.size() == 1);
  const core_v1::Container& c = d.spec.template_.spec.containers[0];
  CHECK(c.name == "nginx");
  CHECK(c.image == "nginx:1.25");
  REQUIRE(c.ports.size() == 1);
  CHECK(c.ports[0].containerPort == 80);
}

}  // namespace

TEST_CASE("kubectl 1.32 and 1.33 send create deployment as protobuf, which decodes", "[unit][kubectl]") {
  for (const std::string minor : {"32", "33"}) {
    INFO("kubectl 1." << minor);
    Created c = create_deployment(minor);
    CHECK(c.content_type == kProtobufContentType);
    check_web(c.deployment);
    // What kubepp writes for the decoded object is what kubectl wrote.
    auto o = unwrap_protobuf(c.body);
    REQUIRE(o.ok());
    CHECK(encode_protobuf(schema::type_of<apps_v1::Deployment>(), &c.deployment) == o.value().raw);
  }
}

TEST_CASE("kubectl 1.27 to 1.31 send create deployment as JSON, which decodes strictly", "[unit][kubectl]") {
  for (const std::string minor : {"27", "31"}) {
    INFO("kubectl 1." << minor);
    Created c = create_deployment(minor);
    CHECK(c.content_type == "application/json");
    check_web(c.deployment);
  }
}

TEST_CASE("kubectl explain prints the schema's descriptions from /openapi/v3", "[unit][kubectl]") {
  StubApiServer server("33");
  const std::string cache = std::filesystem::temp_directory_path() / ("kubepp-kubectl-cache-" + std::to_string(getpid()));
  auto [rc, output] = run(kubectl("33") + " --server=" + server.url() + " --cache-dir=" + cache +
                          " explain pods.spec.containers.imagePullPolicy");
  std::filesystem::remove_all(cache);
  INFO(output);
  CHECK(rc == 0);
  CHECK(output.find("FIELD: imagePullPolicy <string>") != std::string::npos);
  // The description and the values, as cluster/api/schema/core_v1_pod.schema gives them.
  CHECK(output.find("When the image is pulled") != std::string::npos);
  CHECK(output.find("IfNotPresent") != std::string::npos);
}

TEST_CASE("a created deployment defaults and validates clean", "[unit][kubectl]") {
  Created c = create_deployment("33");
  c.deployment.apiVersion = "apps/v1";
  c.deployment.kind = "Deployment";
  c.deployment.metadata.namespace_ = "default";
  const schema::KindInfo* kind = find_kind("apps/v1", "Deployment");
  REQUIRE(kind != nullptr);
  set_defaults(*kind, &c.deployment);
  CHECK(c.deployment.spec.revisionHistoryLimit == 10);
  CHECK(c.deployment.spec.template_.spec.restartPolicy == "Always");
  CHECK(c.deployment.spec.template_.spec.containers[0].ports[0].protocol == "TCP");
  const ErrorList errs = validate(*kind, &c.deployment);
  INFO(to_string(errs));
  CHECK(errs.empty());
}

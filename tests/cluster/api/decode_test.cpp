// decode_test.cpp — manifests in, JSON documents out, as kubectl and sigs.k8s.io/yaml
// turn them: documents, scalar types, keys, anchors and merges, duplicates, and the
// bounds that keep hostile input (billion laughs, deep nesting, huge bodies) cheap.
#include <catch2/catch.hpp>

#include <cstdint>
#include <string>

#include <nlohmann/json.hpp>

#include "cluster/api/decode.h"

using namespace kubepp;
using namespace kubepp::api;
using nlohmann::json;

namespace {

std::vector<json> decode_ok(const std::string& text) {
  auto r = decode_documents(text);
  INFO(text);
  INFO((r.ok() ? std::string() : r.error().message));
  REQUIRE(r.ok());
  return r.value();
}

json one(const std::string& text) {
  std::vector<json> docs = decode_ok(text);
  REQUIRE(docs.size() == 1);
  return docs[0];
}

// The value of `v: <scalar>`.
json scalar(const std::string& yaml) { return one("v: " + yaml + "\n")["v"]; }

std::string rejected(const std::string& text, const DecodeLimits& limits = {}) {
  auto r = decode_documents(text, limits);
  INFO(text.substr(0, 200));
  REQUIRE_FALSE(r.ok());
  CHECK(r.error().code == ErrorCode::Invalid);
  return r.error().message;
}

std::string nested(int levels, const char* open, const char* close) {
  std::string s;
  for (int i = 0; i < levels; ++i) s += open;
  for (int i = 0; i < levels; ++i) s += close;
  return s;
}

}  // namespace

TEST_CASE("a Pod with probes and resources decodes to one object with JSON's types", "[unit][api][decode]") {
  json pod = one(R"(# A web server that two probes watch.
apiVersion: v1
kind: Pod
metadata:
  name: web
  labels:
    app: web
    tier: "frontend"
spec:
  containers:
  - name: nginx
    image: nginx:1.25
    args: ["--port", "8080", --verbose]
    ports:
    - containerPort: 8080
      protocol: TCP
    env:
    - name: DEBUG
      value: "true"
    resources:
      requests:
        cpu: 250m
        memory: 64Mi
      limits:
        cpu: 0.5
        memory: 128Mi
    livenessProbe:
      httpGet:
        path: /healthz
        port: 8080
      initialDelaySeconds: 15
      periodSeconds: 5
    readinessProbe:
      exec:
        command: [sh, -c, 'test -f /tmp/ready']
      failureThreshold: 3
)");
  CHECK(pod["kind"] == "Pod");
  CHECK(pod["metadata"]["labels"] == json{{"app", "web"}, {"tier", "frontend"}});
  const json& c = pod["spec"]["containers"][0];
  CHECK(c["image"] == "nginx:1.25");
  CHECK(c["args"] == json{"--port", "8080", "--verbose"});
  CHECK(c["ports"][0]["containerPort"].is_number_integer());
  CHECK(c["ports"][0]["containerPort"] == 8080);
  CHECK(c["env"][0]["value"] == "true");
  CHECK(c["resources"]["requests"] == json{{"cpu", "250m"}, {"memory", "64Mi"}});
  CHECK(c["resources"]["limits"]["cpu"] == 0.5);
  CHECK(c["livenessProbe"]["httpGet"] == json{{"path", "/healthz"}, {"port", 8080}});
  CHECK(c["readinessProbe"]["exec"]["command"] == json{"sh", "-c", "test -f /tmp/ready"});
  CHECK(c["readinessProbe"]["failureThreshold"] == 3);
}

TEST_CASE("a Deployment and a Service in one file are two documents, empty ones skipped", "[unit][api][decode]") {
  std::vector<json> docs = decode_ok(R"(---
# The web tier: three replicas behind one Service.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.25   # pinned
---
# A document of comments only: skipped, as kubectl skips it.
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  selector:
    app: web
  ports:
  - port: 80
    targetPort: 80
    nodePort: 30080
---
)");
  REQUIRE(docs.size() == 2);
  CHECK(docs[0]["kind"] == "Deployment");
  CHECK(docs[0]["spec"]["replicas"] == 3);
  CHECK(docs[0]["spec"]["selector"]["matchLabels"]["app"] == "web");
  CHECK(docs[1]["kind"] == "Service");
  CHECK(docs[1]["spec"]["ports"][0]["nodePort"] == 30080);

  SECTION("input with no document decodes to none") {
    for (const char* text : {"", "\n\n", "# only a comment\n", "---\n", "---\n---\n", "null\n", "~\n", "  \n"})
      CHECK(decode_ok(text).empty());
  }
  SECTION("content on the separator line is a document, as the YAML spec has it") {
    CHECK(decode_ok("--- {a: 1}\n--- {b: 2}\n") == std::vector<json>{{{"a", 1}}, {{"b", 2}}});
  }
  SECTION("a byte order mark is skipped") {
    CHECK(one("\xEF\xBB\xBF" "a: 1\n") == json{{"a", 1}});
  }
}

TEST_CASE("a List stays one document: the caller expands it", "[unit][api][decode]") {
  json list = one(R"(apiVersion: v1
kind: List
items:
- {apiVersion: v1, kind: ConfigMap, metadata: {name: a}}
- {apiVersion: v1, kind: ConfigMap, metadata: {name: b}}
)");
  CHECK(list["kind"] == "List");
  CHECK(list["items"].size() == 2);
  json from_json = one(R"({"apiVersion": "v1", "kind": "ConfigMapList", "items": [{"kind": "ConfigMap"}]})");
  CHECK(from_json["items"].size() == 1);
}

TEST_CASE("plain scalars resolve as go-yaml v2 resolves them", "[unit][api][decode]") {
  SECTION("YAML 1.1 booleans, which Kubernetes keeps") {
    for (const char* t : {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"})
      CHECK(scalar(t) == json(true));
    for (const char* f : {"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"})
      CHECK(scalar(f) == json(false));
    CHECK(scalar("yEs") == "yEs");
    CHECK(scalar("tRUE") == "tRUE");
  }
  SECTION("nulls") {
    for (const char* n : {"~", "null", "Null", "NULL", ""}) CHECK(scalar(n).is_null());
  }
  SECTION("quoted scalars stay strings") {
    CHECK(scalar("\"true\"") == "true");
    CHECK(scalar("'yes'") == "yes");
    CHECK(scalar("\"3\"") == "3");
    CHECK(scalar("'null'") == "null");
    CHECK(scalar("'~'") == "~");
    CHECK(scalar("\"1.5\"") == "1.5");
    CHECK(scalar("\"\"") == "");
  }
  SECTION("integers: decimal, hex, octal, binary, underscores, both ends of 64 bits") {
    CHECK(scalar("42") == 42);
    CHECK(scalar("-17") == -17);
    CHECK(scalar("+12") == 12);
    CHECK(scalar("0x1F") == 31);
    CHECK(scalar("0o17") == 15);
    CHECK(scalar("0755") == 493);
    CHECK(scalar("-0755") == -493);
    CHECK(scalar("0b101") == 5);
    CHECK(scalar("1_000_000") == 1000000);
    CHECK(scalar("9223372036854775807") == INT64_MAX);
    CHECK(scalar("-9223372036854775808") == INT64_MIN);
    CHECK(scalar("18446744073709551615").is_number_unsigned());
    CHECK(scalar("18446744073709551615") == UINT64_MAX);
    CHECK(scalar("42").is_number_integer());
  }
  SECTION("floats; an integral one is an integer, as json.Marshal writes it") {
    CHECK(scalar("1.5") == 1.5);
    CHECK(scalar(".5") == 0.5);
    CHECK(scalar("-.5") == -0.5);
    CHECK(scalar("6.02e23") == 6.02e23);
    CHECK(scalar("6.02e23").is_number_float());
    CHECK(scalar("3.0").is_number_integer());
    CHECK(scalar("3.0") == 3);
    CHECK(scalar("1e3") == 1000);
    CHECK(scalar("+1.5e3") == 1500);
    CHECK(scalar("1.") == 1);
    CHECK(scalar("08") == 8);  // not octal, not an int: a float, 8
    CHECK(scalar("18446744073709551616").is_number_float());
    CHECK(scalar("1e400") == "1e400");  // out of float64's range: Go's ParseFloat fails too
  }
  SECTION("infinities and NaN have no JSON form") {
    for (const char* v : {".inf", "-.inf", "+.Inf", ".nan", ".NaN"})
      CHECK_THAT(rejected(std::string("v: ") + v), Catch::Contains("json: unsupported value"));
    CHECK_THAT(rejected("v: .inf"), Catch::Contains("+Inf"));
  }
  SECTION("everything else is a string") {
    for (const char* s : {"2024-01-02", "2001-12-14t21:59:43.10-05:00", "1.2.3", "8080:80", "12:30", "0x",
                          "0o", "+", ".", "1e", "v1.25", "nginx:latest", "a b c", "yes please", "0xZZ"})
      CHECK(scalar(s) == s);
  }
}

TEST_CASE("explicit tags convert or check, others leave the text", "[unit][api][decode]") {
  CHECK(scalar("!!str 123") == "123");
  CHECK(scalar("!!str true") == "true");
  CHECK(scalar("!!str") == "");
  CHECK(scalar("!!int \"42\"") == 42);
  CHECK(scalar("!!float 1.5") == 1.5);
  CHECK(scalar("!!float 2") == 2);
  CHECK(scalar("!!bool yes") == true);
  CHECK(scalar("!!null ~").is_null());
  CHECK(scalar("!!binary aGVsbG8=") == "hello");
  CHECK(scalar("!!timestamp 2024-01-02") == "2024-01-02");
  CHECK(scalar("!local text") == "text");
  CHECK(scalar("! 12") == "12");
  CHECK_THAT(rejected("v: !!int abc"), Catch::Contains("cannot decode !!str `abc` as a !!int"));
  CHECK_THAT(rejected("v: !!int 1.5"), Catch::Contains("cannot decode !!float `1.5` as a !!int"));
  CHECK_THAT(rejected("v: !!bool 1"), Catch::Contains("cannot decode !!int `1` as a !!bool"));
  CHECK_THAT(rejected("v: !!binary '%%%'"), Catch::Contains("invalid base64"));
}

TEST_CASE("map keys become strings as sigs.k8s.io/yaml makes them", "[unit][api][decode]") {
  CHECK(one("1: a\n") == json{{"1", "a"}});
  CHECK(one("0x10: a\n") == json{{"16", "a"}});
  CHECK(one("on: push\n") == json{{"true", "push"}});  // the YAML 1.1 trap, kept
  CHECK(one("no: x\n") == json{{"false", "x"}});
  CHECK(one("1.5: a\n") == json{{"1.5", "a"}});
  CHECK(one("1e6: a\n") == json{{"1e+06", "a"}});  // Go's FormatFloat(k, 'g', -1, 32)
  CHECK(one("3.0: a\n") == json{{"3", "a"}});
  CHECK(one("'1': a\n") == json{{"1", "a"}});
  CHECK_THAT(rejected("~: a\n"), Catch::Contains("unsupported map key: null"));
  CHECK_THAT(rejected("? [a, b]\n: c\n"), Catch::Contains("invalid map key"));
  CHECK_THAT(rejected("? {a: 1}\n: c\n"), Catch::Contains("invalid map key"));
  CHECK_THAT(rejected("k: .inf\n"), Catch::Contains("unsupported value"));
}

TEST_CASE("anchors, aliases and merge keys are expanded", "[unit][api][decode]") {
  SECTION("an alias is a copy of its anchor's value") {
    json doc = one("base: &base {image: nginx, ports: [80, 443]}\ncopy: *base\nport: &p 8080\nagain: *p\n");
    CHECK(doc["copy"] == doc["base"]);
    CHECK(doc["again"] == 8080);
  }
  SECTION("explicit keys win over merged ones, wherever `<<` stands") {
    json doc = one(R"(defaults: &defaults
  restartPolicy: Always
  dnsPolicy: ClusterFirst
after:
  <<: *defaults
  dnsPolicy: Default
before:
  dnsPolicy: Default
  <<: *defaults
)");
    json want = {{"restartPolicy", "Always"}, {"dnsPolicy", "Default"}};
    CHECK(doc["after"] == want);
    CHECK(doc["before"] == want);
  }
  SECTION("in a list of maps to merge, earlier maps win") {
    json doc = one("a: &a {p: 1, q: 1}\nb: &b {q: 2, r: 2}\nm:\n  <<: [*a, *b, {s: 3}]\n");
    CHECK(doc["m"] == json{{"p", 1}, {"q", 1}, {"r", 2}, {"s", 3}});
  }
  SECTION("merged entries nest no deeper: a chain of 150 merges is fine") {
    std::string chain = "m0: &m0 {k0: 0}\n";
    for (int i = 1; i < 150; ++i) {
      std::string n = std::to_string(i);
      chain += "m" + n + ": &m" + n + " {<<: *m" + std::to_string(i - 1) + ", k" + n + ": " + n + "}\n";
    }
    json doc = one(chain);
    CHECK(doc["m149"].size() == 150);
    CHECK(doc["m149"]["k0"] == 0);
  }
  SECTION("a quoted `<<` is an ordinary key") {
    CHECK(one("'<<': 1\n") == json{{"<<", 1}});
  }
  SECTION("merging what is not a map fails") {
    CHECK_THAT(rejected("s: &s hello\nm:\n  <<: *s\n"), Catch::Contains("map merge requires map or sequence of maps"));
    CHECK_THAT(rejected("m:\n  <<: [1, 2]\n"), Catch::Contains("map merge requires map or sequence of maps"));
  }
  SECTION("an anchor inside its own value fails") {
    CHECK_THAT(rejected("a: &a [1, *a]\n"), Catch::Contains("anchor 'a' value contains itself"));
  }
  SECTION("an unknown alias fails, and anchors do not cross documents") {
    CHECK_THAT(rejected("a: *nope\n"), Catch::Contains("unknown anchor 'nope' referenced"));
    std::string msg = rejected("a: &x 1\n---\nb: *x\n");
    CHECK_THAT(msg, Catch::Contains("line 3") && Catch::Contains("document 2") && Catch::Contains("'x'"));
  }
}

TEST_CASE("a duplicate key fails, naming the key and its line", "[unit][api][decode]") {
  std::string msg = rejected(R"(apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  mode: fast
  mode: slow
)");
  CHECK(msg == "error converting YAML to JSON: yaml: line 7, column 3 (document 1): key \"mode\" already set in map");
  CHECK_THAT(rejected("m: {a: 1, b: 2, a: 3}\n"), Catch::Contains("key \"a\" already set in map"));
  CHECK_THAT(rejected("1: x\n'1': y\n"), Catch::Contains("key \"1\" already set in map"));
  CHECK_THAT(rejected("ok: 1\n---\nx: {y: 1, y: 2}\n"), Catch::Contains("line 3") && Catch::Contains("document 2"));
}

TEST_CASE("a billion-laughs document is rejected quickly, never expanded", "[unit][api][decode]") {
  std::string lol = "a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n";
  for (char c = 'b'; c <= 'i'; ++c) {
    std::string prev(1, static_cast<char>(c - 1)), alias = "*" + prev;
    lol += std::string(1, c) + ": &" + std::string(1, c) + " [" + alias;
    for (int i = 0; i < 8; ++i) lol += ", " + alias;
    lol += "]\n";
  }
  // Rejected by the alias rule while building (≈10,000 values), not by running out of
  // time or memory: the message says which rule.
  std::string msg = rejected(lol);  // 10^9 strings if expanded
  CHECK_THAT(msg, Catch::Contains("document contains excessive aliasing"));

  SECTION("the same with mappings") {
    std::string maps = "a: &a {k1: lol, k2: lol, k3: lol, k4: lol, k5: lol, k6: lol, k7: lol, k8: lol}\n";
    for (char c = 'b'; c <= 'i'; ++c) {
      std::string prev = "*" + std::string(1, static_cast<char>(c - 1));
      maps += std::string(1, c) + ": &" + std::string(1, c) + " {";
      for (int i = 1; i <= 8; ++i) maps += (i > 1 ? ", k" : "k") + std::to_string(i) + ": " + prev;
      maps += "}\n";
    }
    CHECK_THAT(rejected(maps), Catch::Contains("document contains excessive aliasing"));
  }
  SECTION("a few aliases in a larger document are fine") {
    std::string doc = "base: &base {image: nginx, ports: [80, 443]}\nlist:\n";
    for (int i = 0; i < 50; ++i) doc += "- {name: c" + std::to_string(i) + ", spec: *base}\n";
    CHECK(one(doc)["list"].size() == 50);
  }
  SECTION("values made, anchors' copies included, are capped for the whole input") {
    DecodeLimits small;
    small.max_nodes = 10'000;
    std::string wide = "items: [1";
    for (int i = 0; i < 12'000; ++i) wide += ",1";
    wide += "]\n";
    CHECK_THAT(rejected(wide, small), Catch::Contains("more than 10000 values"));
    std::string anchors = "v:";
    for (int i = 0; i < 40; ++i) anchors += " &a" + std::to_string(i) + " [";
    anchors += "1";
    for (int i = 0; i < 500; ++i) anchors += ",1";
    anchors += std::string(40, ']') + "\n";
    CHECK_THAT(rejected(anchors, small), Catch::Contains("more than 10000 values"));
    CHECK(decode_documents(anchors).ok());
  }
}

TEST_CASE("nesting deeper than the limit fails, YAML or JSON", "[unit][api][decode]") {
  CHECK(decode_documents(nested(100, "[", "]")).ok());
  CHECK_THAT(rejected(nested(101, "[", "]")), Catch::Contains("line 1, column 101") &&
                                                 Catch::Contains("nesting deeper than 100 levels"));
  CHECK(decode_documents("{\"a\":" + nested(99, "[", "]") + "}").ok());
  CHECK_THAT(rejected("{\"a\":" + nested(100, "[", "]") + "}"), Catch::Contains("json: line 1, column 105") &&
                                                                    Catch::Contains("nesting deeper than 100"));

  SECTION("block mappings count the same") {
    std::string deep;
    for (int i = 0; i < 101; ++i) deep += std::string(i, ' ') + "a:\n";
    deep += std::string(101, ' ') + "x\n";
    CHECK_THAT(rejected(deep), Catch::Contains("nesting deeper than 100 levels"));
  }
  SECTION("an alias may not carry a value deeper than the limit") {
    std::string doc = "deep: &d " + nested(60, "[", "]") + "\nhere: " + nested(50, "[", "") + "*d" + nested(50, "", "]") + "\n";
    CHECK_THAT(rejected(doc), Catch::Contains("nesting deeper than 100 levels"));
  }
  SECTION("a million open brackets fail fast, without exhausting the stack") {
    CHECK_THAT(rejected(std::string(1'000'000, '[')), Catch::Contains("nesting deeper"));
    CHECK_THAT(rejected("{" + std::string(1'000'000, '[')), Catch::Contains("nesting deeper"));
  }
}

TEST_CASE("a flow collection yaml-cpp would hold whole is bounded before it parses", "[unit][api][decode]") {
  std::string items = "1";
  for (int i = 0; i < 150'000; ++i) items += ",1";  // 300 KB
  CHECK_THAT(rejected("[" + items + "]\n"), Catch::Contains("line 1, column 1: a flow collection") &&
                                                Catch::Contains("longer than 262144 bytes"));
  CHECK_THAT(rejected("list:\n- [" + items + "]\n"), Catch::Contains("line 2, column 3: a flow collection"));
  CHECK_THAT(rejected("list:\n  [" + items + "]\n"), Catch::Contains("line 2, column 3: a flow collection"));

  SECTION("after `key: ` a flow collection is cheap, and any length") {
    CHECK(one("v: [" + items + "]\n")["v"].size() == 150'001);
  }
  SECTION("block and quoted scalars holding brackets are text, not collections") {
    std::string block = "data:\n  big.json: |\n    [" + items + "\n  other: \"[" + items + "\"\n";
    json doc = one(block);
    CHECK(doc["data"]["big.json"].get<std::string>().size() == items.size() + 2);
    CHECK(doc["data"]["other"].get<std::string>().size() == items.size() + 1);
    CHECK(one("- |\n  [[[\n- '[[[ '' [[['\n- \"[\\\"[\"\n") == json{"[[[\n", "[[[ ' [[[", "[\"["});
  }
}

TEST_CASE("input over the API server's 3 MiB body limit fails before parsing", "[unit][api][decode]") {
  std::string big = "apiVersion: v1\nkind: ConfigMap\ndata:\n  blob: " + std::string(2 * 1024 * 1024, 'x') + "\n";
  CHECK(one(big)["data"]["blob"].get<std::string>().size() == 2 * 1024 * 1024);
  std::string msg = rejected(std::string(3 * 1024 * 1024 + 1, ' '));
  CHECK(msg == "manifest of 3145729 bytes is over the limit of 3145728 bytes (the API server's request body limit)");
}

TEST_CASE("invalid YAML fails with its line, column and document", "[unit][api][decode]") {
  CHECK_THAT(rejected("apiVersion: v1\nkind: Pod\nmetadata: name: web\n"),
             Catch::StartsWith("error converting YAML to JSON: yaml: line 3"));
  CHECK_THAT(rejected("a: [1, 2\n"), Catch::StartsWith("error converting YAML to JSON: yaml: line "));
  CHECK_THAT(rejected("a: 1\n---\nb: 1\nc: 2\n d: 3\n"), Catch::Contains("document 2"));
  CHECK(rejected("kind: Pod\nname: caf\xFF\n") ==
        "error converting YAML to JSON: yaml: line 2, column 10: invalid leading UTF-8 octet");
  CHECK_THAT(rejected("a: b\x01\n"), Catch::Contains("line 1, column 5: control characters are not allowed"));
}

TEST_CASE("a stream that starts with { is JSON, one document per value", "[unit][api][decode]") {
  std::vector<json> docs = decode_ok(R"(
  {"apiVersion": "v1", "kind": "ConfigMap", "data": {"on": "yes", "n": 3.0}}
  {"apiVersion": "v1", "kind": "Secret"} [1, 2]
)");
  REQUIRE(docs.size() == 3);
  CHECK(docs[0]["data"]["on"] == "yes");
  CHECK(docs[0]["data"]["n"].is_number_float());  // JSON's own numbers are kept as written
  CHECK(docs[1]["kind"] == "Secret");
  CHECK(docs[2] == json{1, 2});
  CHECK(one("{\"s\": \"a]}[{\\\"b\"}") == json{{"s", "a]}[{\"b"}});

  SECTION("syntax errors name the line, column and document") {
    std::string msg = rejected("{\"a\": 1}\n{\n  \"b\": 1,\n  \"c\": x\n}\n");
    CHECK_THAT(msg, Catch::StartsWith("error decoding JSON: json: line 4, column 8 (document 2): syntax error"));
    CHECK_THAT(rejected("{} x"), Catch::Contains("(document 2): invalid character 'x' looking for beginning of value"));
    CHECK_THAT(rejected("{\"a\": 1"), Catch::Contains("unexpected end of input"));
    CHECK_THAT(rejected("{\"a\": \"caf\xE9\"}"), Catch::Contains("json: line 1"));
  }
}

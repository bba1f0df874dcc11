// env_test.cpp — a container's environment: `$(VAR)` expansion, envFrom with prefixes and
// skipped keys, env overriding envFrom, and every kind of valueFrom with its errors.
#include <catch2/catch.hpp>

#include <string>
#include <utility>
#include <vector>

#include "cluster/kubelet/env.h"
#include "tests/cluster/api/fixtures.h"

using namespace kubepp;
using namespace kubepp::kubelet;
using api::core_v1::ConfigMap;
using api::core_v1::Pod;
using api::core_v1::Secret;
using api::testing::decode_as;
using api::testing::defaulted;
using runtime::cri::KeyValue;

namespace {

using Vars = std::vector<std::pair<std::string, std::string>>;

Vars vars(const std::vector<KeyValue>& env) {
  Vars out;
  for (const KeyValue& kv : env) out.emplace_back(kv.key, kv.value);
  return out;
}

// A pod whose only container has the given `env:`/`envFrom:` lines (indented 4).
Pod pod_with(const std::string& container_yaml) {
  return defaulted<Pod>(R"y(
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, uid: u-1, labels: {app: web}}
spec:
  nodeName: node-1
  containers:
  - name: app
    image: nginx
    resources:
      requests: {cpu: 250m, memory: 64Mi}
      limits: {memory: 128Mi}
)y" + container_yaml);
}

StaticObjects objects() {
  StaticObjects o;
  o.add(decode_as<ConfigMap>(R"y(
apiVersion: v1
kind: ConfigMap
metadata: {name: settings, namespace: shop}
data: {LOG_LEVEL: debug, PORT: "8080", index.html: "<html>"}
binaryData: {blob: AAEC}
)y"));
  o.add(decode_as<Secret>(R"y(
apiVersion: v1
kind: Secret
metadata: {name: creds, namespace: shop}
data: {password: c2VjcmV0AAE=}
stringData: {user: admin}
)y"));
  return o;
}

Result<EnvResult> environment(const Pod& p, const ObjectSource& o, const NodeAllocatable& node = {}) {
  return make_environment(p, p.spec.containers[0], o, PodRuntimeInfo{"", "10.0.0.5", {"10.244.0.7"}}, node);
}

Vars env_of(const std::string& container_yaml) {
  const Pod p = pod_with(container_yaml);
  auto env = environment(p, objects());
  INFO((env ? "" : env.error().message));
  REQUIRE(env.ok());
  return vars(env.value().env);
}

std::string error_of(const std::string& container_yaml) {
  const Pod p = pod_with(container_yaml);
  auto env = environment(p, objects());
  REQUIRE_FALSE(env.ok());
  return env.error().message;
}

}  // namespace

TEST_CASE("$(VAR) expands from the mapping, $$ escapes, the rest stays", "[unit][kubelet]") {
  const std::vector<KeyValue> env = {{"A", "a"}, {"B", "$(A)"}, {"EMPTY", ""}};
  const ExpansionMapping mapping = mapping_for(env);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"$(A)", "a"},
      {"x$(A)y$(A)z", "xayaz"},
      {"$(B)", "$(A)"},            // one pass: a value is not expanded again
      {"$$(A)", "$(A)"},           // escaped
      {"$$$(A)", "$a"},
      {"$$", "$"},
      {"$(UNSET)", "$(UNSET)"},    // unresolved: left as written
      {"$(EMPTY)", ""},
      {"$(A", "$(A"},              // no closing parenthesis
      {"$A", "$A"},                // not a reference
      {"cost: 5$", "cost: 5$"},    // a trailing operator
      {"$()", "$()"},
      {"", ""},
      {"no references", "no references"},
  };
  for (const auto& [in, want] : cases) {
    CAPTURE(in);
    CHECK(expand(in, mapping) == want);
  }
  CHECK(syntax_wrap("X") == "$(X)");
}

TEST_CASE("envFrom adds every key with its prefix, before env", "[unit][kubelet]") {
  CHECK(env_of(R"y(
    envFrom:
    - configMapRef: {name: settings}
      prefix: CFG_
    - secretRef: {name: creds}
    env:
    - {name: FIRST, value: one}
)y") == Vars{{"CFG_LOG_LEVEL", "debug"},
            {"CFG_PORT", "8080"},
            {"CFG_index.html", "<html>"},
            {"password", std::string("secret\0\1", 8)},  // a Secret's bytes, as they are
            {"user", "admin"},
            {"FIRST", "one"}});
}

TEST_CASE("env overrides envFrom, and a later entry an earlier one, in place", "[unit][kubelet]") {
  CHECK(env_of(R"y(
    envFrom:
    - configMapRef: {name: settings}
    env:
    - {name: A, value: first}
    - {name: PORT, value: "9090"}
    - {name: A, value: second}
)y") == Vars{{"LOG_LEVEL", "debug"}, {"PORT", "9090"}, {"index.html", "<html>"}, {"A", "second"}});
}

TEST_CASE("a value refers to the variables defined before it", "[unit][kubelet]") {
  CHECK(env_of(R"y(
    envFrom:
    - configMapRef: {name: settings}
    env:
    - {name: URL, value: "http://localhost:$(PORT)/$(PATH_PART)"}
    - {name: PATH_PART, value: api}
    - {name: AGAIN, value: "$(PATH_PART)"}
    - {name: LITERAL, value: "$$(PORT) costs $$5"}
)y") == Vars{{"LOG_LEVEL", "debug"},
            {"PORT", "8080"},
            {"index.html", "<html>"},
            {"URL", "http://localhost:8080/$(PATH_PART)"},
            {"PATH_PART", "api"},
            {"AGAIN", "api"},
            {"LITERAL", "$(PORT) costs $5"}});
}

TEST_CASE("envFrom keys that cannot be variable names are skipped and reported", "[unit][kubelet]") {
  StaticObjects o = objects();
  ConfigMap odd;
  odd.metadata.name = "odd";
  odd.metadata.namespace_ = "shop";
  odd.data = {{"GOOD", "1"}, {"has=equals", "2"}, {"tab\tkey", "3"}, {"1starts-with-digit", "4"}};
  o.add(odd);
  const Pod p = pod_with(R"y(
    envFrom:
    - configMapRef: {name: odd}
      prefix: X_
)y");
  auto env = environment(p, o);
  REQUIRE(env.ok());
  // Since 1.34 any printable ASCII but `=` is a name: a leading digit is fine.
  CHECK(vars(env.value().env) == Vars{{"X_1starts-with-digit", "4"}, {"X_GOOD", "1"}});
  REQUIRE(env.value().skipped.size() == 1);
  const SkippedEnvKeys& skipped = env.value().skipped[0];
  CHECK(skipped.keys == std::vector<std::string>{"X_has=equals", "X_tab\tkey"});
  CHECK(skipped.message() ==
        "Keys [X_has=equals, X_tab\tkey] from the EnvFrom configMap shop/odd were skipped since they are "
        "considered invalid environment variable names.");
  CHECK(std::string(kInvalidEnvironmentVariableNames) == "InvalidEnvironmentVariableNames");
}

TEST_CASE("valueFrom reads the pod, its resources, ConfigMaps and Secrets", "[unit][kubelet]") {
  NodeAllocatable node;
  node.resources["cpu"] = api::Quantity::parse("4").value();
  const Pod p = pod_with(R"y(
    env:
    - name: POD_NAME
      valueFrom: {fieldRef: {fieldPath: metadata.name}}
    - name: APP
      valueFrom: {fieldRef: {fieldPath: "metadata.labels['app']"}}
    - name: POD_IP
      valueFrom: {fieldRef: {fieldPath: status.podIP}}
    - name: MEM_MI
      valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1Mi}}
    - name: CPU_LIMIT_M
      valueFrom: {resourceFieldRef: {containerName: app, resource: limits.cpu, divisor: 1m}}
    - name: LEVEL
      valueFrom: {configMapKeyRef: {name: settings, key: LOG_LEVEL}}
    - name: USER
      valueFrom: {secretKeyRef: {name: creds, key: user}}
    - name: BLANK
)y");
  auto env = environment(p, objects(), node);
  INFO((env ? "" : env.error().message));
  REQUIRE(env.ok());
  CHECK(vars(env.value().env) == Vars{{"POD_NAME", "web"},
                                      {"APP", "web"},
                                      {"POD_IP", "10.244.0.7"},
                                      {"MEM_MI", "128"},
                                      {"CPU_LIMIT_M", "4000"},  // no limit: the node's 4 cores
                                      {"LEVEL", "debug"},
                                      {"USER", "admin"},
                                      {"BLANK", ""}});
}

TEST_CASE("a missing ConfigMap, Secret or key fails unless optional", "[unit][kubelet]") {
  SECTION("configMapKeyRef") {
    CHECK(error_of("    env:\n    - {name: X, valueFrom: {configMapKeyRef: {name: nope, key: k}}}\n") ==
          "configmap \"nope\" not found");
    CHECK(error_of("    env:\n    - {name: X, valueFrom: {configMapKeyRef: {name: settings, key: k}}}\n") ==
          "couldn't find key k in ConfigMap shop/settings");
    CHECK(error_of("    env:\n    - {name: X, valueFrom: {configMapKeyRef: {name: settings, key: blob}}}\n") ==
          "couldn't find key blob in ConfigMap shop/settings");  // binaryData is not read
  }
  SECTION("secretKeyRef") {
    CHECK(error_of("    env:\n    - {name: X, valueFrom: {secretKeyRef: {name: nope, key: k}}}\n") ==
          "secret \"nope\" not found");
    CHECK(error_of("    env:\n    - {name: X, valueFrom: {secretKeyRef: {name: creds, key: k}}}\n") ==
          "couldn't find key k in Secret shop/creds");
  }
  SECTION("envFrom") {
    CHECK(error_of("    envFrom:\n    - configMapRef: {name: nope}\n") == "configmap \"nope\" not found");
    CHECK(error_of("    envFrom:\n    - secretRef: {name: nope}\n") == "secret \"nope\" not found");
  }
  SECTION("optional: the variable is left out, even one envFrom set") {
    CHECK(env_of(R"y(
    envFrom:
    - configMapRef: {name: nope, optional: true}
    - secretRef: {name: nope, optional: true}
    - configMapRef: {name: settings}
    env:
    - {name: A, valueFrom: {configMapKeyRef: {name: nope, key: k, optional: true}}}
    - {name: PORT, valueFrom: {configMapKeyRef: {name: settings, key: missing, optional: true}}}
    - {name: C, valueFrom: {secretKeyRef: {name: creds, key: missing, optional: true}}}
    - {name: D, value: "$(A)"}
)y") == Vars{{"LOG_LEVEL", "debug"}, {"PORT", "8080"}, {"index.html", "<html>"}, {"D", "$(A)"}});
  }
}

TEST_CASE("a fieldRef env may not read fails the environment", "[unit][kubelet]") {
  CHECK(error_of("    env:\n    - {name: X, valueFrom: {fieldRef: {fieldPath: metadata.labels}}}\n")
            .starts_with("unsupported fieldPath: metadata.labels: supported values: "));
  Pod p = pod_with("    env:\n    - {name: X, valueFrom: {fieldRef: {fieldPath: metadata.name}}}\n");
  p.spec.containers[0].env[0].valueFrom->fieldRef->apiVersion = "v2";
  auto env = environment(p, objects());
  REQUIRE_FALSE(env.ok());
  CHECK(env.error().message == "unsupported pod version: v2");
}

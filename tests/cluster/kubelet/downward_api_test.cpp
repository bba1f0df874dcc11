// downward_api_test.cpp — what a container learns of its own pod: the fields env and
// volumes may read (and the ones each refuses), and resource values in the divisor's
// units, rounded up, with an unset limit read from the node.
#include <catch2/catch.hpp>

#include <string>

#include "cluster/kubelet/downward_api.h"
#include "tests/cluster/api/fixtures.h"

using namespace kubepp;
using namespace kubepp::kubelet;
using api::core_v1::Pod;
using api::testing::defaulted;

namespace {

const char* const kPod = R"y(
apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
  uid: 6f1c2b3a-0000-4000-8000-000000000001
  labels: {app: web, tier: front}
  annotations:
    example.com/Owner: "team \"blue\""
    note: "two\nlines"
spec:
  nodeName: node-1
  serviceAccountName: builder
  initContainers:
  - name: setup
    image: busybox
    resources:
      limits: {cpu: 500m, memory: 32Mi}
  containers:
  - name: app
    image: nginx
    resources:
      requests: {cpu: 250m, memory: 50M, ephemeral-storage: 1Gi}
      limits: {cpu: 1500m, memory: 64Mi, hugepages-2Mi: 4Mi}
  - name: sidecar
    image: busybox
status:
  hostIP: 10.0.0.5
  hostIPs: [{ip: 10.0.0.5}, {ip: "fd00::5"}]
  podIP: 10.244.0.7
  podIPs: [{ip: 10.244.0.7}, {ip: "fd00:244::7"}]
)y";

Pod pod() { return defaulted<Pod>(kPod); }

std::string env_value(const Pod& p, const std::string& path, const PodRuntimeInfo& info = {}) {
  auto v = env_field_value(p, info, path);
  INFO(path << ": " << (v ? "" : v.error().message));
  REQUIRE(v.ok());
  return v.value();
}

api::core_v1::ResourceFieldSelector selector(const std::string& resource, const std::string& divisor = "") {
  api::core_v1::ResourceFieldSelector s;
  s.resource = resource;
  if (!divisor.empty()) s.divisor = api::Quantity::parse(divisor).value();
  return s;
}

std::string resource_value(const Pod& p, const std::string& container, const std::string& resource,
                           const std::string& divisor = "", const NodeAllocatable& node = {}) {
  auto v = resource_field_value(p, container, selector(resource, divisor), node);
  INFO(resource << " / " << divisor << ": " << (v ? "" : v.error().message));
  REQUIRE(v.ok());
  return v.value();
}

}  // namespace

TEST_CASE("env reads every field the API server lets it name", "[unit][kubelet]") {
  const Pod p = pod();
  CHECK(env_value(p, "metadata.name") == "web");
  CHECK(env_value(p, "metadata.namespace") == "shop");
  CHECK(env_value(p, "metadata.uid") == "6f1c2b3a-0000-4000-8000-000000000001");
  CHECK(env_value(p, "metadata.labels['app']") == "web");
  CHECK(env_value(p, "metadata.labels['missing']") == "");
  CHECK(env_value(p, "metadata.annotations['example.com/Owner']") == "team \"blue\"");
  CHECK(env_value(p, "spec.nodeName") == "node-1");
  CHECK(env_value(p, "spec.host") == "node-1");
  CHECK(env_value(p, "spec.serviceAccountName") == "builder");

  SECTION("the node's and the pod's addresses come from the kubelet first") {
    PodRuntimeInfo info{"node-2", "192.168.1.9", {"10.1.0.3", "fd00::3"}};
    CHECK(env_value(p, "status.hostIP", info) == "192.168.1.9");
    CHECK(env_value(p, "status.hostIPs", info) == "192.168.1.9");
    CHECK(env_value(p, "status.podIP", info) == "10.1.0.3");
    CHECK(env_value(p, "status.podIPs", info) == "10.1.0.3,fd00::3");
    CHECK(env_value(p, "spec.nodeName", info) == "node-1");  // the Pod's own wins
  }
  SECTION("and from the Pod's status when the kubelet has none") {
    CHECK(env_value(p, "status.hostIP") == "10.0.0.5");
    CHECK(env_value(p, "status.hostIPs") == "10.0.0.5,fd00::5");
    CHECK(env_value(p, "status.podIP") == "10.244.0.7");
    CHECK(env_value(p, "status.podIPs") == "10.244.0.7,fd00:244::7");
  }
  SECTION("a pod without a node reads the kubelet's node name") {
    Pod unbound = p;
    unbound.spec.nodeName.clear();
    CHECK(env_value(unbound, "spec.nodeName", {"node-2", "", {}}) == "node-2");
  }
}

TEST_CASE("env refuses fields only a volume may read, and fields nobody may", "[unit][kubelet]") {
  const Pod p = pod();
  for (const char* path : {"metadata.labels", "metadata.annotations", "spec.containers", "status.phase", ""}) {
    CAPTURE(path);
    auto v = env_field_value(p, {}, path);
    REQUIRE_FALSE(v.ok());
    CHECK(v.error().code == ErrorCode::Invalid);
  }
  auto v = env_field_value(p, {}, "spec.containers");
  CHECK(v.error().message ==
        "unsupported fieldPath: spec.containers: supported values: \"metadata.name\", \"metadata.namespace\", "
        "\"metadata.uid\", \"spec.nodeName\", \"spec.serviceAccountName\", \"status.hostIP\", \"status.hostIPs\", "
        "\"status.podIP\", \"status.podIPs\", \"metadata.labels['KEY']\", \"metadata.annotations['KEY']\"");
}

TEST_CASE("a subscript is for labels and annotations, with a qualified key", "[unit][kubelet]") {
  const Pod p = pod();
  auto name = env_field_value(p, {}, "metadata.name['x']");
  REQUIRE_FALSE(name.ok());
  CHECK(name.error().message == "fieldPath \"metadata.name['x']\" does not support subscript");

  auto key = volume_field_value(p, "metadata.labels['-bad']");
  REQUIRE_FALSE(key.ok());
  CHECK(key.error().message.starts_with("invalid key subscript in metadata.labels['-bad']: name part must consist of"));
}

TEST_CASE("a volume reads whole label and annotation maps, one sorted line each", "[unit][kubelet]") {
  const Pod p = pod();
  CHECK(volume_field_value(p, "metadata.labels").value() == "app=\"web\"\ntier=\"front\"");
  CHECK(volume_field_value(p, "metadata.annotations").value() ==
        "example.com/Owner=\"team \\\"blue\\\"\"\nnote=\"two\\nlines\"");
  CHECK(volume_field_value(p, "metadata.labels['tier']").value() == "front");
  CHECK(volume_field_value(p, "metadata.name").value() == "web");
  CHECK(volume_field_value(p, "metadata.namespace").value() == "shop");
  CHECK(volume_field_value(p, "metadata.uid").value() == "6f1c2b3a-0000-4000-8000-000000000001");

  Pod bare = p;
  bare.metadata.labels.clear();
  CHECK(volume_field_value(bare, "metadata.labels").value() == "");

  SECTION("but not what only env may read") {
    for (const char* path : {"spec.nodeName", "status.podIP", "spec.serviceAccountName"}) {
      CAPTURE(path);
      auto v = volume_field_value(p, path);
      REQUIRE_FALSE(v.ok());
      CHECK(v.error().message.starts_with(std::string("unsupported fieldPath: ") + path));
    }
  }
}

TEST_CASE("a resource reads in the divisor's units, rounded up", "[unit][kubelet]") {
  const Pod p = pod();
  CHECK(resource_value(p, "app", "limits.cpu") == "2");          // 1.5 cores, divisor 1
  CHECK(resource_value(p, "app", "limits.cpu", "1m") == "1500");
  CHECK(resource_value(p, "app", "requests.cpu", "1m") == "250");
  CHECK(resource_value(p, "app", "requests.cpu") == "1");        // 0.25 rounds up to 1
  CHECK(resource_value(p, "app", "limits.memory") == "67108864");
  CHECK(resource_value(p, "app", "limits.memory", "1Mi") == "64");
  CHECK(resource_value(p, "app", "requests.memory", "1Mi") == "48");  // 47.68 MiB
  CHECK(resource_value(p, "app", "requests.memory", "1M") == "50");
  CHECK(resource_value(p, "app", "requests.ephemeral-storage", "1Mi") == "1024");
  CHECK(resource_value(p, "setup", "limits.memory", "1Ki") == "32768");  // an init container
  CHECK(resource_value(p, "app", "limits.hugepages-2Mi", "1Mi") == "4");
  CHECK(resource_value(p, "app", "requests.hugepages-2Mi", "1Mi") == "4");  // defaulted from the limit

  SECTION("a limit the container does not set is the node's allocatable") {
    NodeAllocatable node;
    node.resources["cpu"] = api::Quantity::parse("2").value();
    node.resources["memory"] = api::Quantity::parse("4Gi").value();
    CHECK(resource_value(p, "sidecar", "limits.cpu", "1m", node) == "2000");
    CHECK(resource_value(p, "sidecar", "limits.memory", "1Gi", node) == "4");
    CHECK(resource_value(p, "app", "limits.cpu", "1m", node) == "1500");  // its own limit
    CHECK(resource_value(p, "sidecar", "requests.cpu", "1m", node) == "0");  // requests are not
    CHECK(resource_value(p, "sidecar", "limits.ephemeral-storage", "", node) == "0");  // node has none
  }
  SECTION("an unknown container or resource is an error") {
    auto missing = resource_field_value(p, "db", selector("limits.cpu"), {});
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().code == ErrorCode::NotFound);
    CHECK(missing.error().message == "container db not found");
    auto gpu = resource_field_value(p, "app", selector("limits.nvidia.com/gpu"), {});
    REQUIRE_FALSE(gpu.ok());
    CHECK(gpu.error().code == ErrorCode::Invalid);
    CHECK(gpu.error().message == "unsupported container resource : limits.nvidia.com/gpu");
  }
}

// translate_resources_test.cpp — requests and limits in the kernel's units: CPU shares and
// CFS quota, QoS classes, OOM score adjustments, and the limits of the pod's cgroup.
#include <catch2/catch.hpp>

#include <string>

#include "cluster/kubelet/resources.h"
#include "tests/cluster/api/fixtures.h"

using namespace kubepp;
using namespace kubepp::kubelet;
using api::core_v1::Pod;
using api::testing::decode_as;
using api::testing::defaulted;

namespace {

constexpr int64_t kGi = 1024LL * 1024 * 1024;

// A pod from its `spec:` lines (indented 2).
Pod pod(const std::string& spec) {
  return defaulted<Pod>("apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: default, uid: u}\nspec:\n" + spec);
}

// A pod of one container `app` with the given `resources:` body (a flow mapping).
Pod one(const std::string& resources) {
  return pod("  containers:\n  - name: app\n    image: nginx\n    resources: " + resources + "\n");
}

int64_t milli(const char* q) { return api::Quantity::parse(q).value().milli_value(); }

}  // namespace

TEST_CASE("CPU requests become shares and limits a CFS quota", "[unit][kubelet]") {
  struct Case {
    const char* cpu;
    int64_t shares, quota;
  };
  const Case cases[] = {
      {"100m", 102, 10000}, {"250m", 256, 25000}, {"1", 1024, 100000}, {"2.5", 2560, 250000},
      {"1m", 2, 1000},      // the kernel's least shares; a quota of at least 1 ms
      {"5m", 5, 1000},
      {"300", 262144, 30000000},  // shares stop at the kernel's most
  };
  for (const Case& c : cases) {
    CAPTURE(c.cpu);
    CHECK(milli_cpu_to_shares(milli(c.cpu)) == c.shares);
    CHECK(milli_cpu_to_quota(milli(c.cpu)) == c.quota);
  }
  CHECK(milli_cpu_to_shares(0) == 2);
  CHECK(milli_cpu_to_quota(0) == 0);  // no limit, no quota
  CHECK(milli_cpu_to_quota(500, 50000) == 25000);
}

TEST_CASE("the QoS class follows from cpu and memory requests and limits", "[unit][kubelet]") {
  SECTION("nothing asked: BestEffort") {
    CHECK(qos_class(one("{}")) == "BestEffort");
    CHECK(qos_class(one("{requests: {ephemeral-storage: 1Gi}}")) == "BestEffort");  // not cpu or memory
  }
  SECTION("limits equal to requests for both, in every container: Guaranteed") {
    CHECK(qos_class(one("{limits: {cpu: 500m, memory: 64Mi}}")) == "Guaranteed");  // requests defaulted
    CHECK(qos_class(one("{requests: {cpu: 500m, memory: 64Mi}, limits: {cpu: 500m, memory: 64Mi}}")) ==
          "Guaranteed");
  }
  SECTION("anything between: Burstable") {
    CHECK(qos_class(one("{requests: {cpu: 100m}}")) == "Burstable");
    CHECK(qos_class(one("{requests: {cpu: 100m, memory: 64Mi}, limits: {cpu: 500m, memory: 64Mi}}")) ==
          "Burstable");
    CHECK(qos_class(one("{limits: {memory: 64Mi}}")) == "Burstable");
    // Without the API server's defaults the requests are missing, which is not Guaranteed.
    CHECK(qos_class(decode_as<Pod>(R"y(
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: app, image: nginx, resources: {limits: {cpu: 500m, memory: 64Mi}}}]
)y")) == "Burstable");
  }
  SECTION("an init container counts too") {
    CHECK(qos_class(pod(R"y(
  initContainers: [{name: init, image: busybox}]
  containers: [{name: app, image: nginx, resources: {limits: {cpu: 1, memory: 1Gi}}}]
)y")) == "Burstable");
  }
  SECTION("pod-level resources decide when set") {
    CHECK(qos_class(pod(R"y(
  resources: {limits: {cpu: 1, memory: 1Gi}}
  containers: [{name: app, image: nginx}]
)y")) == "Guaranteed");
  }
  SECTION("the status's class wins") {
    Pod p = one("{}");
    p.status.qosClass = "Burstable";
    CHECK(qos_class(p) == "Burstable");
  }
}

TEST_CASE("the OOM score adjustment follows the QoS class and the memory request", "[unit][kubelet]") {
  const int64_t capacity = 4 * kGi;
  auto adj = [&](const Pod& p) { return oom_score_adj(p, p.spec.containers[0], capacity); };
  CHECK(adj(one("{limits: {cpu: 1, memory: 1Gi}}")) == -997);
  CHECK(adj(one("{}")) == 1000);
  CHECK(adj(one("{requests: {memory: 1Gi}}")) == 750);  // a quarter of the node's memory
  CHECK(adj(one("{requests: {cpu: 100m}}")) == 999);    // below BestEffort
  CHECK(adj(one("{requests: {memory: 8Gi}}")) == 3);    // above Guaranteed

  SECTION("a node-critical pod is kept like a Guaranteed one") {
    Pod p = one("{}");
    p.spec.priorityClassName = "system-node-critical";
    p.spec.priority = 2000001000;
    CHECK(adj(p) == -997);
  }
  SECTION("a sidecar scores no higher than the regular container requesting least") {
    const Pod p = pod(R"y(
  initContainers: [{name: proxy, image: envoy, restartPolicy: Always, resources: {requests: {memory: 128Mi}}}]
  containers: [{name: app, image: nginx, resources: {requests: {memory: 1Gi}}}]
)y");
    CHECK(oom_score_adj(p, p.spec.initContainers[0], capacity) == 750);
    CHECK(oom_score_adj(p, p.spec.containers[0], capacity) == 750);
  }
}

TEST_CASE("a container's cgroup gets shares, a quota and a memory limit", "[unit][kubelet]") {
  const Pod p = one("{requests: {cpu: 250m, memory: 64Mi}, limits: {cpu: 500m, memory: 128Mi}}");
  auto r = container_resources(p, p.spec.containers[0], 4 * kGi);
  CHECK(r.cpu_shares == 256);
  CHECK(r.cpu_period == 100000);
  CHECK(r.cpu_quota == 50000);
  CHECK(r.memory_limit_in_bytes == 128 * 1024 * 1024);
  CHECK(r.oom_score_adj == 1000 - (1000 * 64) / 4096);

  SECTION("a request alone: shares, no quota, no memory limit") {
    const Pod q = one("{requests: {cpu: 100m}}");
    auto rq = container_resources(q, q.spec.containers[0], 4 * kGi);
    CHECK(rq.cpu_shares == 102);
    CHECK(rq.cpu_quota == 0);
    CHECK(rq.memory_limit_in_bytes == 0);
  }
  SECTION("a limit without a request (no defaults applied) gives shares from the limit") {
    const Pod q = decode_as<Pod>(R"y(
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: app, image: nginx, resources: {limits: {cpu: 2500m}}}]
)y");
    auto rq = container_resources(q, q.spec.containers[0], 4 * kGi);
    CHECK(rq.cpu_shares == 2560);
    CHECK(rq.cpu_quota == 250000);
  }
  SECTION("nothing asked: the least shares") {
    const Pod q = one("{}");
    CHECK(container_resources(q, q.spec.containers[0], 4 * kGi).cpu_shares == 2);
  }
}

TEST_CASE("the pod's cgroup is limited only where every container is", "[unit][kubelet]") {
  SECTION("two limited containers: the sums") {
    auto r = pod_resources(pod(R"y(
  containers:
  - {name: a, image: nginx, resources: {limits: {cpu: 500m, memory: 64Mi}}}
  - {name: b, image: nginx, resources: {limits: {cpu: 250m, memory: 64Mi}}}
)y"));
    CHECK(r.cpu_shares == 768);
    CHECK(r.cpu_period == 100000);
    CHECK(r.cpu_quota == 75000);
    CHECK(r.memory_limit_in_bytes == 128 * 1024 * 1024);
  }
  SECTION("one container without a memory limit: no memory limit for the pod") {
    auto r = pod_resources(pod(R"y(
  containers:
  - {name: a, image: nginx, resources: {limits: {cpu: 500m, memory: 64Mi}}}
  - {name: b, image: nginx, resources: {limits: {cpu: 250m}}}
)y"));
    CHECK(r.cpu_quota == 75000);
    CHECK(r.memory_limit_in_bytes == 0);
  }
  SECTION("an init container's limit counts when it is the larger") {
    auto r = pod_resources(pod(R"y(
  initContainers:
  - {name: init, image: busybox, resources: {limits: {cpu: "2", memory: 256Mi}}}
  containers:
  - {name: a, image: nginx, resources: {limits: {cpu: 500m, memory: 64Mi}}}
  - {name: b, image: nginx, resources: {limits: {cpu: 250m, memory: 64Mi}}}
)y"));
    CHECK(r.cpu_shares == 2048);  // requests follow the same rule
    CHECK(r.cpu_quota == 200000);
    CHECK(r.memory_limit_in_bytes == 256 * 1024 * 1024);
  }
  SECTION("a sidecar runs beside the containers: its limits add up") {
    auto r = pod_resources(pod(R"y(
  initContainers:
  - {name: proxy, image: envoy, restartPolicy: Always, resources: {limits: {cpu: 100m, memory: 32Mi}}}
  containers:
  - {name: a, image: nginx, resources: {limits: {cpu: 500m, memory: 64Mi}}}
)y"));
    CHECK(r.cpu_quota == 60000);
    CHECK(r.memory_limit_in_bytes == 96 * 1024 * 1024);
  }
  SECTION("BestEffort: the least shares and nothing else") {
    auto r = pod_resources(pod("  containers: [{name: a, image: nginx}]\n"));
    CHECK(r.cpu_shares == 2);
    CHECK(r.cpu_period == 0);
    CHECK(r.cpu_quota == 0);
    CHECK(r.memory_limit_in_bytes == 0);
  }
  SECTION("the overhead adds to requests, and to limits that are set") {
    const Pod p = pod(R"y(
  overhead: {cpu: 100m, memory: 16Mi}
  containers:
  - {name: a, image: nginx, resources: {requests: {cpu: 500m}, limits: {memory: 64Mi}}}
)y");
    CHECK(pod_requests(p).at("cpu") == api::Quantity::parse("600m").value());
    CHECK(pod_limits(p).at("memory") == api::Quantity::parse("80Mi").value());
    CHECK_FALSE(pod_limits(p).contains("cpu"));
    auto r = pod_resources(p);
    CHECK(r.cpu_shares == milli_cpu_to_shares(600));
    CHECK(r.cpu_quota == 0);
    CHECK(r.memory_limit_in_bytes == 80 * 1024 * 1024);
  }
}

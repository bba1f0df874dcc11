// pod_defaults_test.cpp — what the API server fills in on a Pod and a PodTemplate before it
// validates them: the schema's defaults and the ones that depend on other fields (the pull
// policy from the image's tag, requests from limits, host ports under hostNetwork …).
#include <catch2/catch.hpp>

#include <string>

#include "cluster/api/defaults/pod.h"
#include "cluster/api/types/core_v1.h"
#include "tests/cluster/api/fixtures.h"

using namespace kubepp::api;
using namespace kubepp::api::testing;
using core_v1::Pod;

namespace {

Pod defaulted_pod(const std::string& spec_yaml) {
  return defaulted<Pod>("apiVersion: v1\nkind: Pod\nmetadata: {name: p, namespace: default}\nspec:\n" + spec_yaml);
}

}  // namespace

TEST_CASE("the pull policy follows the image's tag", "[unit][defaults]") {
  struct Case {
    const char* image;
    const char* policy;
  };
  const std::string digest = "sha256:" + std::string(64, 'a');
  const Case cases[] = {
      {"nginx", "Always"},
      {"nginx:latest", "Always"},
      {"nginx:1.27", "IfNotPresent"},
      {"library/nginx:1.27-alpine", "IfNotPresent"},
      {"registry.example.com:5000/team/app", "Always"},
      {"registry.example.com:5000/team/app:v2", "IfNotPresent"},
      {"localhost/app", "Always"},
      {"Nginx", "IfNotPresent"},  // does not parse: upstream ignores the error
      {"", "IfNotPresent"},
  };
  for (const Case& c : cases) {
    DYNAMIC_SECTION(c.image) { CHECK(defaults::default_pull_policy(c.image) == c.policy); }
  }
  SECTION("a digest counts as a tag, unless the tag is latest") {
    CHECK(defaults::default_pull_policy("nginx@" + digest) == "IfNotPresent");
    CHECK(defaults::default_pull_policy("nginx:latest@" + digest) == "Always");
  }
}

TEST_CASE("a pod's containers get pull policies and the schema's defaults", "[unit][defaults]") {
  Pod pod = defaulted_pod(R"(
  initContainers:
  - {name: init, image: busybox}
  containers:
  - name: app
    image: nginx:1.27
    ports: [{containerPort: 80}]
    livenessProbe: {httpGet: {port: 80}}
    env: [{name: NODE, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}]
  - {name: pinned, image: nginx, imagePullPolicy: Never}
)");
  CHECK(pod.spec.initContainers[0].imagePullPolicy == "Always");
  CHECK(pod.spec.containers[0].imagePullPolicy == "IfNotPresent");
  CHECK(pod.spec.containers[1].imagePullPolicy == "Never");  // set: kept
  // The schema's own defaults are there too.
  CHECK(pod.spec.restartPolicy == "Always");
  CHECK(pod.spec.dnsPolicy == "ClusterFirst");
  CHECK(pod.spec.schedulerName == "default-scheduler");
  CHECK(pod.spec.terminationGracePeriodSeconds == 30);
  CHECK(pod.spec.containers[0].terminationMessagePath == "/dev/termination-log");
  CHECK(pod.spec.containers[0].terminationMessagePolicy == "File");
  CHECK(pod.spec.containers[0].ports[0].protocol == "TCP");
  const core_v1::Probe& probe = *pod.spec.containers[0].livenessProbe;
  CHECK((probe.timeoutSeconds == 1 && probe.periodSeconds == 10 && probe.successThreshold == 1 && probe.failureThreshold == 3));
  CHECK((probe.httpGet->path == "/" && probe.httpGet->scheme == "HTTP"));
  CHECK(pod.spec.containers[0].env[0].valueFrom->fieldRef->apiVersion == "v1");
  // And the spec-wide ones.
  REQUIRE(pod.spec.securityContext.has_value());
  CHECK(*pod.spec.securityContext == core_v1::PodSecurityContext{});
  CHECK(pod.spec.enableServiceLinks == true);
}

TEST_CASE("a pod's requests default to its limits", "[unit][defaults]") {
  Pod pod = defaulted_pod(R"(
  initContainers:
  - name: init
    image: busybox
    resources: {limits: {cpu: 500m}}
  containers:
  - name: app
    image: nginx
    resources:
      limits: {cpu: "2", memory: 1Gi}
      requests: {cpu: 250m}
)");
  const core_v1::ResourceRequirements& app = pod.spec.containers[0].resources;
  CHECK(app.requests.at("cpu").str() == "250m");  // set: kept
  CHECK(app.requests.at("memory").str() == "1Gi");  // copied from the limit
  CHECK(pod.spec.initContainers[0].resources.requests.at("cpu").str() == "500m");
}

TEST_CASE("host ports follow container ports under hostNetwork", "[unit][defaults]") {
  Pod pod = defaulted_pod(R"(
  hostNetwork: true
  initContainers:
  - {name: init, image: busybox, ports: [{containerPort: 7000}]}
  containers:
  - name: app
    image: nginx
    ports: [{containerPort: 80}, {containerPort: 443, hostPort: 443}]
)");
  CHECK(pod.spec.initContainers[0].ports[0].hostPort == 7000);
  CHECK(pod.spec.containers[0].ports[0].hostPort == 80);
  CHECK(pod.spec.containers[0].ports[1].hostPort == 443);

  Pod off = defaulted_pod("  containers: [{name: app, image: nginx, ports: [{containerPort: 80}]}]\n");
  CHECK(off.spec.containers[0].ports[0].hostPort == 0);
}

TEST_CASE("a pod's volumes are completed", "[unit][defaults]") {
  Pod pod = defaulted_pod(R"(
  containers: [{name: app, image: nginx}]
  volumes:
  - name: bare
  - name: host
    hostPath: {path: /var/log}
  - name: cm
    configMap: {name: web}
  - name: img
    image: {reference: "quay.io/tools/data:latest"}
  - name: img-pinned
    image: {reference: "quay.io/tools/data:v1"}
)");
  const auto& v = pod.spec.volumes;
  CHECK(v[0].emptyDir == core_v1::EmptyDirVolumeSource{});
  CHECK_FALSE(v[1].emptyDir.has_value());
  CHECK(v[1].hostPath->type == std::optional<std::string>(""));
  CHECK(v[2].configMap->defaultMode == 420);  // the schema's 0644
  CHECK(v[3].image->pullPolicy == "Always");
  CHECK(v[4].image->pullPolicy == "IfNotPresent");
}

TEST_CASE("resource quantities are rounded up to a thousandth", "[unit][defaults]") {
  Pod pod = defaulted_pod(R"(
  containers:
  - name: app
    image: nginx
    resources:
      limits: {cpu: "0.0001", memory: "1.5Gi"}
      requests: {cpu: "0.0011"}
  overhead: {cpu: "0.00001"}
)");
  const core_v1::ResourceRequirements& r = pod.spec.containers[0].resources;
  CHECK(r.limits.at("cpu").str() == "1m");
  CHECK(r.requests.at("cpu").str() == "2m");
  CHECK(r.limits.at("memory").str() == "1536Mi");  // already whole: unchanged
  CHECK(pod.spec.overhead.at("cpu").str() == "1m");
}

TEST_CASE("ephemeral containers get pull policies too", "[unit][defaults]") {
  Pod pod = defaulted_pod(R"(
  containers: [{name: app, image: nginx:1.27}]
  ephemeralContainers: [{name: debug, image: busybox}]
)");
  CHECK(pod.spec.ephemeralContainers[0].imagePullPolicy == "Always");
  CHECK(pod.spec.ephemeralContainers[0].terminationMessagePolicy == "File");
}

TEST_CASE("pod-level limits give pod-level requests", "[unit][defaults]") {
  Pod pod = defaulted_pod(R"(
  resources: {limits: {cpu: "4", memory: 2Gi}}
  containers:
  - {name: a, image: nginx, resources: {requests: {cpu: "1"}}}
  - {name: b, image: nginx, resources: {requests: {cpu: 500m}}}
)");
  const core_v1::ResourceRequirements& r = *pod.spec.resources;
  CHECK(r.requests.at("cpu").str() == "1500m");  // the containers' sum
  CHECK(r.requests.at("memory").str() == "2Gi");  // no container asks: the limit
}

TEST_CASE("a pod template gets the spec's defaults but not the pod's", "[unit][defaults]") {
  auto t = defaulted<core_v1::PodTemplate>(R"(
apiVersion: v1
kind: PodTemplate
metadata: {name: t, namespace: default}
template:
  spec:
    hostNetwork: true
    containers:
    - name: app
      image: nginx
      ports: [{containerPort: 80}]
      resources: {limits: {cpu: "1"}}
)");
  const core_v1::PodSpec& spec = t.template_.spec;
  CHECK(spec.containers[0].imagePullPolicy == "Always");
  CHECK(spec.securityContext.has_value());
  CHECK(spec.containers[0].resources.requests.empty());  // requests from limits: pods only
  CHECK(spec.containers[0].ports[0].hostPort == 0);      // host ports: pods only
  CHECK_FALSE(spec.enableServiceLinks.has_value());      // service links: pods only
}

TEST_CASE("set_pod_template_defaults is what other kinds call for their templates", "[unit][defaults]") {
  core_v1::PodTemplateSpec tpl;
  core_v1::Container c;
  c.name = "app";
  c.image = "nginx:1.27";
  tpl.spec.containers.push_back(c);
  core_v1::Volume v;
  v.name = "scratch";
  tpl.spec.volumes.push_back(v);
  defaults::set_pod_template_defaults(tpl);
  CHECK(tpl.spec.containers[0].imagePullPolicy == "IfNotPresent");
  CHECK(tpl.spec.volumes[0].emptyDir.has_value());
  CHECK(tpl.spec.securityContext.has_value());
}

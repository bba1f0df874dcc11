// core_defaults_test.cpp — what the API server fills in for Services, Namespaces, Nodes,
// ReplicationControllers, Secrets and claims (upstream's SetDefaults_*), and for
// NetworkPolicies and EndpointSlices: each default where it applies, and not where it
// does not.
#include <catch2/catch.hpp>

#include <map>
#include <string>

#include "cluster/api/types/core_v1.h"
#include "cluster/api/types/discovery_v1.h"
#include "cluster/api/types/networking_v1.h"
#include "tests/cluster/api/fixtures.h"

using namespace kubepp::api;
using namespace kubepp::api::testing;

namespace {

core_v1::Service service(const std::string& spec) {
  return defaulted<core_v1::Service>("apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: d}\nspec: " + spec + "\n");
}

std::string str(const Quantity& q) { return q.str(); }

}  // namespace

TEST_CASE("Service defaults: target ports, affinity, traffic policies, node ports", "[unit][defaults]") {
  SECTION("targetPort is the port unless given") {
    auto s = service("{ports: [{port: 80}, {port: 443, targetPort: https}, {port: 53, targetPort: 0, protocol: UDP}]}");
    CHECK(s.spec.ports[0].targetPort == IntOrString::from_int(80));
    CHECK(s.spec.ports[0].protocol == "TCP");
    CHECK(s.spec.ports[1].targetPort == IntOrString::from_string("https"));
    CHECK(s.spec.ports[2].targetPort == IntOrString::from_int(53));
    CHECK(s.spec.ports[2].protocol == "UDP");
  }
  SECTION("a ClusterIP service") {
    auto s = service("{ports: [{port: 80}]}");
    CHECK(s.spec.type == "ClusterIP");
    CHECK(s.spec.sessionAffinity == "None");
    CHECK_FALSE(s.spec.sessionAffinityConfig);
    CHECK(s.spec.internalTrafficPolicy == "Cluster");
    CHECK(s.spec.externalTrafficPolicy.empty());
    CHECK_FALSE(s.spec.allocateLoadBalancerNodePorts);
  }
  SECTION("ClientIP affinity sticks for three hours unless told otherwise") {
    auto s = service("{sessionAffinity: ClientIP}");
    REQUIRE(s.spec.sessionAffinityConfig);
    CHECK(s.spec.sessionAffinityConfig->clientIP->timeoutSeconds == 10800);
    s = service("{sessionAffinity: ClientIP, sessionAffinityConfig: {clientIP: {timeoutSeconds: 60}}}");
    CHECK(s.spec.sessionAffinityConfig->clientIP->timeoutSeconds == 60);
  }
  SECTION("a None affinity drops its config") {
    auto s = service("{sessionAffinity: None, sessionAffinityConfig: {clientIP: {timeoutSeconds: 60}}}");
    CHECK_FALSE(s.spec.sessionAffinityConfig);
  }
  SECTION("externally reachable services get externalTrafficPolicy Cluster") {
    CHECK(service("{type: NodePort}").spec.externalTrafficPolicy == "Cluster");
    CHECK(service("{externalIPs: [192.0.2.1]}").spec.externalTrafficPolicy == "Cluster");
    CHECK(service("{type: LoadBalancer, externalTrafficPolicy: Local}").spec.externalTrafficPolicy == "Local");
  }
  SECTION("LoadBalancer services allocate node ports unless told not to") {
    CHECK(service("{type: LoadBalancer}").spec.allocateLoadBalancerNodePorts == true);
    CHECK(service("{type: LoadBalancer, allocateLoadBalancerNodePorts: false}").spec.allocateLoadBalancerNodePorts == false);
  }
  SECTION("a load balancer's IP is a VIP") {
    auto s = defaulted<core_v1::Service>(
        "apiVersion: v1\nkind: Service\nmetadata: {name: s, namespace: d}\nspec: {type: LoadBalancer}\n"
        "status: {loadBalancer: {ingress: [{ip: 192.0.2.1}, {hostname: lb.example.com}]}}\n");
    CHECK(s.status.loadBalancer.ingress[0].ipMode == "VIP");
    CHECK_FALSE(s.status.loadBalancer.ingress[1].ipMode);
  }
  SECTION("ExternalName services get no internalTrafficPolicy") {
    CHECK_FALSE(service("{type: ExternalName, externalName: db.example.com}").spec.internalTrafficPolicy);
  }
  SECTION("clusterIP alone becomes clusterIPs") {
    CHECK(service("{clusterIP: None}").spec.clusterIPs == std::vector<std::string>{"None"});
    CHECK(service("{clusterIP: 10.96.0.1, clusterIPs: [10.96.0.1, 'fd00::1']}").spec.clusterIPs.size() == 2);
    CHECK(service("{}").spec.clusterIPs.empty());
  }
}

TEST_CASE("ReplicationController defaults: selector and labels from the template", "[unit][defaults]") {
  const std::string head = "apiVersion: v1\nkind: ReplicationController\nmetadata: {name: r, namespace: d";
  const std::string tmpl = "template: {metadata: {labels: {app: web}}, spec: {containers: [{name: c, image: nginx}]}}";
  auto rc = defaulted<core_v1::ReplicationController>(head + "}\nspec: {" + tmpl + "}\n");
  CHECK(rc.spec.selector == std::map<std::string, std::string>{{"app", "web"}});
  CHECK(rc.metadata.labels == std::map<std::string, std::string>{{"app", "web"}});
  CHECK(rc.spec.replicas == 1);
  // The pod template's own defaults: `nginx` has no tag, so it is pulled always.
  CHECK(rc.spec.template_->spec.containers[0].imagePullPolicy == "Always");

  rc = defaulted<core_v1::ReplicationController>(head + ", labels: {team: a}}\nspec: {selector: {app: web, v: '2'}, " +
                                                  tmpl + "}\n");
  CHECK(rc.spec.selector == std::map<std::string, std::string>{{"app", "web"}, {"v", "2"}});
  CHECK(rc.metadata.labels == std::map<std::string, std::string>{{"team", "a"}});

  rc = defaulted<core_v1::ReplicationController>(head + "}\nspec: {replicas: 0}\n");
  CHECK(rc.spec.selector.empty());
  CHECK(rc.spec.replicas == 0);
}

TEST_CASE("Namespace defaults: the metadata.name label and the Active phase", "[unit][defaults]") {
  auto ns = defaulted<core_v1::Namespace>("apiVersion: v1\nkind: Namespace\nmetadata: {name: team-a, labels: {x: z}}\n");
  CHECK(ns.metadata.labels == std::map<std::string, std::string>{{"kubernetes.io/metadata.name", "team-a"}, {"x", "z"}});
  CHECK(ns.status.phase == "Active");
  ns = defaulted<core_v1::Namespace>("apiVersion: v1\nkind: Namespace\nmetadata: {name: b, labels: {kubernetes.io/metadata.name: a}}\n");
  CHECK(ns.metadata.labels.at("kubernetes.io/metadata.name") == "b");
  ns = defaulted<core_v1::Namespace>("apiVersion: v1\nkind: Namespace\nmetadata: {generateName: team-}\n");
  CHECK(ns.metadata.labels.empty());
}

TEST_CASE("Node defaults: allocatable from capacity, milli rounding, pod CIDRs", "[unit][defaults]") {
  auto node = defaulted<core_v1::Node>(
      "apiVersion: v1\nkind: Node\nmetadata: {name: node-1}\nspec: {podCIDR: 10.244.0.0/24}\n"
      "status: {capacity: {cpu: '0.0001', memory: 1Gi}}\n");
  CHECK(str(node.status.capacity.at("cpu")) == "1m");
  CHECK(str(node.status.allocatable.at("cpu")) == "1m");
  CHECK(str(node.status.allocatable.at("memory")) == "1Gi");
  CHECK(node.spec.podCIDRs == std::vector<std::string>{"10.244.0.0/24"});

  node = defaulted<core_v1::Node>(
      "apiVersion: v1\nkind: Node\nmetadata: {name: node-1}\nspec: {podCIDRs: [10.244.0.0/24, 'fd00::/64']}\n"
      "status: {capacity: {cpu: '4'}, allocatable: {cpu: 3500m}}\n");
  CHECK(str(node.status.allocatable.at("cpu")) == "3500m");
  CHECK(node.spec.podCIDR == "10.244.0.0/24");
}

TEST_CASE("Secret and claim defaults: stringData into data, Opaque, rounded requests", "[unit][defaults]") {
  auto s = defaulted<core_v1::Secret>("apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: d}\n"
                                      "data: {a: YQ==, b: Yg==}\nstringData: {b: new, c: see}\n");
  CHECK(s.type == "Opaque");
  CHECK(s.stringData.empty());
  CHECK(s.data.at("a").data == "a");
  CHECK(s.data.at("b").data == "new");
  CHECK(s.data.at("c").data == "see");

  auto pvc = defaulted<core_v1::PersistentVolumeClaim>(
      "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: c, namespace: d}\n"
      "spec: {accessModes: [ReadWriteOnce], resources: {requests: {storage: '1.0001m'}}}\n");
  CHECK(str(pvc.spec.resources.requests.at("storage")) == "2m");
  CHECK(pvc.spec.volumeMode == "Filesystem");
  CHECK(pvc.status.phase == "Pending");
}

TEST_CASE("NetworkPolicy and EndpointSlice defaults", "[unit][defaults]") {
  const std::string head = "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: p, namespace: d}\n";
  CHECK(defaulted<networking_v1::NetworkPolicy>(head + "spec: {podSelector: {}}\n").spec.policyTypes ==
        std::vector<std::string>{"Ingress"});
  CHECK(defaulted<networking_v1::NetworkPolicy>(head + "spec: {podSelector: {}, egress: [{}]}\n").spec.policyTypes ==
        std::vector<std::string>{"Ingress", "Egress"});
  CHECK(defaulted<networking_v1::NetworkPolicy>(head + "spec: {podSelector: {}, egress: [{}], policyTypes: [Egress]}\n")
            .spec.policyTypes == std::vector<std::string>{"Egress"});
  auto np = defaulted<networking_v1::NetworkPolicy>(head + "spec: {podSelector: {}, ingress: [{ports: [{port: 80}]}]}\n");
  CHECK(np.spec.ingress[0].ports[0].protocol == "TCP");

  auto slice = defaulted<discovery_v1::EndpointSlice>(
      "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata: {name: e, namespace: d}\naddressType: IPv4\n"
      "endpoints: []\nports: [{port: 80}, {name: dns, port: 53, protocol: UDP}]\n");
  CHECK(slice.ports[0].name == "");
  CHECK(slice.ports[0].protocol == "TCP");
  CHECK(slice.ports[1].name == "dns");
  CHECK(slice.ports[1].protocol == "UDP");

  auto ic = defaulted<networking_v1::IngressClass>(
      "apiVersion: networking.k8s.io/v1\nkind: IngressClass\nmetadata: {name: c}\n"
      "spec: {controller: example.com/c, parameters: {kind: K, name: params}}\n");
  CHECK(ic.spec.parameters->scope == "Cluster");
}

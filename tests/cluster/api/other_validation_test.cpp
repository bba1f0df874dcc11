// other_validation_test.cpp — Ingresses, IngressClasses, NetworkPolicies, EndpointSlices,
// Leases and PodDisruptionBudgets are judged as upstream's networking, discovery,
// coordination and policy validation judge them. Each table starts from a valid,
// defaulted object and breaks one rule per row.
#include <catch2/catch.hpp>

#include <functional>
#include <string>
#include <vector>

#include "cluster/api/registry.h"
#include "cluster/api/rules.h"
#include "cluster/api/validation/other.h"
#include "tests/cluster/api/fixtures.h"
#include "tests/cluster/api/upstream_messages.h"

using namespace kubepp::api;
using namespace kubepp::api::testing;

namespace {

const std::string kWildcardRule =
    "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist of "
    "lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character (e.g. '*.example.com', "
    "regex used for validation is '\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

networking_v1::HTTPIngressPath& first_path(networking_v1::Ingress& i) { return i.spec.rules[0].http->paths[0]; }

const char* const kIngress = R"(
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: web, namespace: default}
spec:
  ingressClassName: nginx
  rules:
  - host: www.example.com
    http:
      paths:
      - {path: /, pathType: Prefix, backend: {service: {name: web, port: {number: 80}}}}
  tls:
  - {hosts: [www.example.com], secretName: web-tls}
)";

}  // namespace

// ---- Ingress ------------------------------------------------------------------------------

TEST_CASE("Ingress: hosts, paths and path types", "[unit][validation]") {
  using I = networking_v1::Ingress;
  const I base = defaulted<I>(kIngress);
  const std::string p = "spec.rules[0].http.paths[0]";
  auto path = [](std::string type, std::string value) {
    return [type, value](I& i) { first_path(i).pathType = type; first_path(i).path = value; };
  };
  check_cases<I>(base, {
      {"pathType required", [](I& i) { first_path(i).pathType.reset(); },
       {p + ".pathType: Required value: pathType must be specified"}},
      {"pathType value", path("Regex", "/"),
       {p + ".pathType: Unsupported value: \"Regex\": supported values: \"Exact\", \"ImplementationSpecific\", \"Prefix\""}},
      {"Exact needs an absolute path", path("Exact", "api"), {p + ".path: Invalid value: \"api\": must be an absolute path"}},
      {"Prefix needs a path", path("Prefix", ""), {p + ".path: Invalid value: \"\": must be an absolute path"}},
      {"no //", path("Prefix", "/a//b"), {p + ".path: Invalid value: \"/a//b\": must not contain '//'"}},
      {"no /../", path("Exact", "/a/../b"), {p + ".path: Invalid value: \"/a/../b\": must not contain '/../'"}},
      {"no %2F", path("Exact", "/a%2Fb"), {p + ".path: Invalid value: \"/a%2Fb\": must not contain '%2F'"}},
      {"no trailing /..", path("Prefix", "/a/.."), {p + ".path: Invalid value: \"/a/..\": cannot end with '/..'"}},
      {"no trailing /.", path("Prefix", "/a/."), {p + ".path: Invalid value: \"/a/.\": cannot end with '/.'"}},
      {"ImplementationSpecific may be empty", path("ImplementationSpecific", ""), {}},
      {"ImplementationSpecific takes anything absolute", path("ImplementationSpecific", "/a//b/.."), {}},
      {"but nothing relative", path("ImplementationSpecific", "a"), {p + ".path: Invalid value: \"a\": must be an absolute path"}},
      {"paths required", [](I& i) { i.spec.rules[0].http->paths.clear(); }, {"spec.rules[0].http.paths: Required value"}},
      {"a rule without http", [](I& i) { i.spec.rules[0].http.reset(); }, {}},
      {"no rules and no default backend", [](I& i) { i.spec.rules.clear(); },
       {"spec: Invalid value: []networking.IngressRule(nil): either `defaultBackend` or `rules` must be specified"}},
      {"a host is not an IP", [](I& i) { i.spec.rules[0].host = "192.0.2.1"; },
       {"spec.rules[0].host: Invalid value: \"192.0.2.1\": must be a DNS name, not an IP address"}},
      {"a host is a DNS subdomain", [](I& i) { i.spec.rules[0].host = "WWW.example.com"; },
       {"spec.rules[0].host: Invalid value: \"WWW.example.com\": " + kDNS1123SubdomainRule}},
      {"a wildcard host", [](I& i) { i.spec.rules[0].host = "*.example.com"; }, {}},
      {"one wildcard label only", [](I& i) { i.spec.rules[0].host = "*.*.example.com"; },
       {"spec.rules[0].host: Invalid value: \"*.*.example.com\": " + kWildcardRule}},
      {"TLS hosts", [](I& i) { i.spec.tls[0].hosts = {"*.example.com", "bad_host"}; },
       {"spec.tls[0].hosts[1]: Invalid value: \"bad_host\": " + kDNS1123SubdomainRule}},
      {"TLS secret name", [](I& i) { i.spec.tls[0].secretName = "Web-TLS"; },
       {"spec.tls[0].secretName: Invalid value: \"Web-TLS\": " + kDNS1123SubdomainRule}},
      {"TLS without a secret", [](I& i) { i.spec.tls[0].secretName = ""; }, {}},
      {"ingressClassName", [](I& i) { i.spec.ingressClassName = "Nginx"; },
       {"spec.ingressClassName: Invalid value: \"Nginx\": " + kDNS1123SubdomainRule}},
      {"the class annotation must agree", [](I& i) { i.metadata.annotations["kubernetes.io/ingress.class"] = "traefik"; },
       {"annotations.kubernetes.io/ingress.class: Invalid value: \"traefik\": must match `ingressClassName` when both "
        "are specified"}},
  });
}

TEST_CASE("Ingress: backends", "[unit][validation]") {
  using I = networking_v1::Ingress;
  const I base = defaulted<I>(kIngress);
  const std::string b = "spec.rules[0].http.paths[0].backend";
  auto svc = [](I& i) -> networking_v1::IngressServiceBackend& { return *first_path(i).backend.service; };
  check_cases<I>(base, {
      {"a named port", [&](I& i) { svc(i).port = {"http", 0}; }, {}},
      {"port 65535", [&](I& i) { svc(i).port.number = 65535; }, {}},
      {"port 65536", [&](I& i) { svc(i).port.number = 65536; },
       {b + ".service.port.number: Invalid value: 65536: " + kPortRange}},
      {"a port name", [&](I& i) { svc(i).port = {"HTTP", 0}; },
       {b + ".service.port.name: Invalid value: \"HTTP\": must contain only alpha-numeric characters (a-z, 0-9), and "
            "hyphens (-)",
        b + ".service.port.name: Invalid value: \"HTTP\": must contain at least one letter (a-z)"}},
      {"a port is required", [&](I& i) { svc(i).port = {}; }, {b + ": Required value: port name or number is required"}},
      {"not both name and number", [&](I& i) { svc(i).port = {"http", 80}; },
       {b + ": Invalid value: \"\": cannot set both port name & port number"}},
      {"a service name", [&](I& i) { svc(i).name = ""; }, {b + ".service.name: Required value"}},
      {"a service name is a DNS-1035 label", [&](I& i) { svc(i).name = "1web"; },
       {b + ".service.name: Invalid value: \"1web\": " + kDNS1035LabelRule}},
      {"a backend is required", [](I& i) { first_path(i).backend.service.reset(); },
       {b + ": Invalid value: \"\": resource or service backend is required"}},
      {"a resource backend", [](I& i) {
         first_path(i).backend.service.reset();
         auto& r = first_path(i).backend.resource.emplace();
         r.apiGroup = "storage.example.com";
         r.kind = "Bucket";
         r.name = "static";
       }, {}},
      {"a resource's kind and name", [](I& i) {
         first_path(i).backend.service.reset();
         first_path(i).backend.resource.emplace().name = "a/b";
       }, {b + ".resource.kind: Required value", b + ".resource.name: Invalid value: \"a/b\": may not contain '/'"}},
      {"not both", [](I& i) { first_path(i).backend.resource.emplace(); },
       {b + ": Invalid value: \"\": cannot set both resource and service backends"}},
      {"the default backend", [](I& i) { i.spec.defaultBackend.emplace(); },
       {"spec.defaultBackend: Invalid value: \"\": resource or service backend is required"}},
  });
}

TEST_CASE("Ingress updates tolerate what the old object already had", "[unit][validation]") {
  using I = networking_v1::Ingress;
  I old = defaulted<I>(kIngress);
  old.spec.tls[0].secretName = "Web-TLS";
  old.metadata.annotations["kubernetes.io/ingress.class"] = "traefik";
  CHECK(validate_kind(old).size() == 2);
  CHECK(lines(validate_kind_update(old, old)) == Lines{});
  I fresh = defaulted<I>(kIngress);
  I now = fresh;
  now.spec.tls[0].secretName = "Web-TLS";
  CHECK(lines(validate_kind_update(now, fresh)) ==
        Lines{"spec.tls[0].secretName: Invalid value: \"Web-TLS\": " + kDNS1123SubdomainRule});
}

// ---- IngressClass -------------------------------------------------------------------------

TEST_CASE("IngressClass: controller and parameters", "[unit][validation]") {
  using IC = networking_v1::IngressClass;
  const IC base = defaulted<IC>(R"(
apiVersion: networking.k8s.io/v1
kind: IngressClass
metadata: {name: nginx}
spec:
  controller: k8s.io/ingress-nginx
  parameters: {apiGroup: k8s.example.com, kind: IngressParameters, name: external-lb}
)");
  REQUIRE(base.spec.parameters->scope == "Cluster");  // the schema's default
  const std::string c = "spec.controller";
  auto params = [](IC& i) -> networking_v1::IngressClassParametersReference& { return *i.spec.parameters; };
  check_cases<IC>(base, {
      {"controller required", [](IC& i) { i.spec.controller = ""; }, {c + ": Required value"}},
      {"a domain-prefixed path", [](IC& i) { i.spec.controller = "nginx"; },
       {c + ": Invalid value: \"nginx\": must be a domain-prefixed path (such as \"acme.io/foo\")"}},
      {"nothing after the slash", [](IC& i) { i.spec.controller = "example.com/"; },
       {c + ": Invalid value: \"example.com/\": must be a domain-prefixed path (such as \"acme.io/foo\")"}},
      {"the domain", [](IC& i) { i.spec.controller = "Example.com/x"; },
       {c + ": Invalid value: \"Example.com\": " + kDNS1123SubdomainRule}},
      {"the path", [](IC& i) { i.spec.controller = "example.com/a b"; },
       {c + ": Invalid value: \"a b\": Invalid path (regex used for validation is '[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+')"}},
      {"250 bytes", [](IC& i) { i.spec.controller = "example.com/" + std::string(238, 'a'); }, {}},
      {"251 bytes", [](IC& i) { i.spec.controller = "example.com/" + std::string(239, 'a'); },
       {c + ": Too long: must have at most 250 bytes"}},
      {"parameters need a kind", [&](IC& i) { params(i).kind = ""; }, {"spec.parameters.kind: Required value"}},
      {"a name is a path segment", [&](IC& i) { params(i).name = ".."; },
       {"spec.parameters.name: Invalid value: \"..\": may not be '..'"}},
      {"scope", [&](IC& i) { params(i).scope = "Global"; },
       {"spec.parameters.scope: Unsupported value: \"Global\": supported values: \"Cluster\", \"Namespace\""}},
      {"scope required", [&](IC& i) { params(i).scope.reset(); }, {"spec.parameters.scope: Required value"}},
      {"Namespace scope needs a namespace", [&](IC& i) { params(i).scope = "Namespace"; },
       {"spec.parameters.namespace: Required value: `parameters.scope` is set to 'Namespace'"}},
      {"Namespace scope", [&](IC& i) { params(i).scope = "Namespace"; params(i).namespace_ = "ingress"; }, {}},
      {"Cluster scope has no namespace", [&](IC& i) { params(i).namespace_ = "ingress"; },
       {"spec.parameters.namespace: Forbidden: `parameters.scope` is set to 'Cluster'"}},
  });
  IC changed = base;
  changed.spec.controller = "example.com/other";
  CHECK(lines(validate_kind_update(changed, base)) ==
        Lines{"spec.controller: Invalid value: \"example.com/other\": field is immutable"});
}

// ---- NetworkPolicy --------------------------------------------------------------------------

TEST_CASE("NetworkPolicy: ports, peers, ipBlocks and policyTypes", "[unit][validation]") {
  using NP = networking_v1::NetworkPolicy;
  const NP base = defaulted<NP>(R"(
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db, namespace: default}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from: [{podSelector: {matchLabels: {app: web}}}]
    ports: [{port: 5432}]
  egress:
  - to: [{ipBlock: {cidr: 10.0.0.0/16, except: [10.0.1.0/24]}}]
)");
  REQUIRE(base.spec.policyTypes == Lines{"Ingress", "Egress"});
  const std::string port = "spec.ingress[0].ports[0]";
  auto the_port = [](NP& n) -> networking_v1::NetworkPolicyPort& { return n.spec.ingress[0].ports[0]; };
  auto block = [](NP& n) -> networking_v1::IPBlock& { return *n.spec.egress[0].to[0].ipBlock; };
  check_cases<NP>(base, {
      {"port 0", [&](NP& n) { the_port(n).port = IntOrString::from_int(0); }, {port + ".port: Invalid value: 0: " + kPortRange}},
      {"a port range", [&](NP& n) { the_port(n).endPort = 5433; }, {}},
      {"endPort below port", [&](NP& n) { the_port(n).endPort = 5431; },
       {port + ".endPort: Invalid value: 5431: must be greater than or equal to `port`"}},
      {"endPort 65536", [&](NP& n) { the_port(n).endPort = 65536; }, {port + ".endPort: Invalid value: 65536: " + kPortRange}},
      {"endPort with a named port", [&](NP& n) { the_port(n).port = IntOrString::from_string("pg"); the_port(n).endPort = 5433; },
       {port + ".endPort: Invalid value: 5433: may not be specified when `port` is non-numeric"}},
      {"endPort without a port", [&](NP& n) { the_port(n).port.reset(); the_port(n).endPort = 5433; },
       {port + ".endPort: Invalid value: 5433: may not be specified when `port` is not specified"}},
      {"a named port", [&](NP& n) { the_port(n).port = IntOrString::from_string("postgres-primary"); },
       {port + ".port: Invalid value: \"postgres-primary\": must be no more than 15 characters"}},
      {"protocol", [&](NP& n) { the_port(n).protocol = "ICMP"; },
       {port + ".protocol: Unsupported value: \"ICMP\": supported values: \"TCP\", \"UDP\", \"SCTP\""}},
      {"an empty peer", [](NP& n) { n.spec.ingress[0].from[0].podSelector.reset(); },
       {"spec.ingress[0].from[0]: Required value: must specify a peer"}},
      {"pods in other namespaces", [](NP& n) { n.spec.ingress[0].from[0].namespaceSelector.emplace(); }, {}},
      {"an ipBlock with a selector", [](NP& n) { n.spec.ingress[0].from[0].ipBlock.emplace().cidr = "10.0.0.0/8"; },
       {"spec.ingress[0].from[0]: Forbidden: may not specify both ipBlock and another peer"}},
      {"a bad selector", [](NP& n) { n.spec.ingress[0].from[0].podSelector->matchLabels = {{"app", "-x"}}; },
       {"spec.ingress[0].from[0].podSelector.matchLabels: Invalid value: \"-x\": " + kLabelValueRule}},
      {"cidr required", [&](NP& n) { block(n).cidr = ""; }, {"spec.egress[0].to[0].ipBlock.cidr: Required value"}},
      {"a bad cidr", [&](NP& n) { block(n).cidr = "10.0.0.0/33"; },
       {"spec.egress[0].to[0].ipBlock.cidr: Invalid value: \"10.0.0.0/33\": " + kBadCIDR}},
      {"except outside cidr", [&](NP& n) { block(n).except = {"10.1.0.0/24"}; },
       {"spec.egress[0].to[0].ipBlock.except[0]: Invalid value: \"10.1.0.0/24\": must be a strict subset of `cidr`"}},
      {"except equal to cidr", [&](NP& n) { block(n).except = {"10.0.0.0/16"}; },
       {"spec.egress[0].to[0].ipBlock.except[0]: Invalid value: \"10.0.0.0/16\": must be a strict subset of `cidr`"}},
      {"an IPv6 except in an IPv4 cidr", [&](NP& n) { block(n).except = {"fd00::/64"}; },
       {"spec.egress[0].to[0].ipBlock.except[0]: Invalid value: \"fd00::/64\": must be a strict subset of `cidr`"}},
      {"policyTypes", [](NP& n) { n.spec.policyTypes = {"Both"}; },
       {"spec.policyTypes[0]: Unsupported value: \"Both\": supported values: \"Ingress\", \"Egress\""}},
      {"three policyTypes", [](NP& n) { n.spec.policyTypes = {"Ingress", "Egress", "Ingress"}; },
       {"spec.policyTypes: Invalid value: []networking.PolicyType{\"Ingress\", \"Egress\", \"Ingress\"}: may not "
        "specify more than two policyTypes"}},
  });
}

// ---- EndpointSlice --------------------------------------------------------------------------

TEST_CASE("EndpointSlice: address type, endpoints and ports", "[unit][validation]") {
  using ES = discovery_v1::EndpointSlice;
  const ES base = defaulted<ES>(R"(
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata: {name: web-abc, namespace: default}
addressType: IPv4
endpoints:
- addresses: [10.1.2.3]
  hostname: web-0
  nodeName: node-1
  hints: {forZones: [{name: zone-a}]}
ports: [{name: http, port: 8080}]
)");
  auto addresses = [](size_t n) {
    return [n](ES& e) {
      e.endpoints[0].addresses.clear();
      for (size_t i = 0; i < n; i++) e.endpoints[0].addresses.push_back("10.1.0." + std::to_string(i % 250 + 1));
    };
  };
  auto endpoints = [](size_t n) {
    return [n](ES& e) { e.endpoints.resize(n, e.endpoints[0]); };
  };
  auto add_port = [](ES& e, std::string name) {
    discovery_v1::EndpointPort p;
    p.name = std::move(name);
    p.protocol = "TCP";
    e.ports.push_back(p);
  };
  check_cases<ES>(base, {
      {"addressType", [](ES& e) { e.addressType = "IP"; },
       {"addressType: Unsupported value: \"IP\": supported values: \"FQDN\", \"IPv4\", \"IPv6\""}},
      {"addressType required", [](ES& e) { e.addressType = ""; }, {"addressType: Required value"}},
      {"no addresses", addresses(0), {"endpoints[0].addresses: Required value: must contain at least 1 address"}},
      {"100 addresses", addresses(100), {}},
      {"101 addresses", addresses(101), {"endpoints[0].addresses: Too many: 101: must have at most 100 items"}},
      {"1000 endpoints", endpoints(1000), {}},
      {"1001 endpoints", endpoints(1001), {"endpoints: Too many: 1001: must have at most 1000 items"}},
      {"an IPv6 address in an IPv4 slice", [](ES& e) { e.endpoints[0].addresses = {"fd00::1"}; },
       {"endpoints[0].addresses[0]: Invalid value: \"fd00::1\": must be a valid IPv4 address"}},
      {"an IPv6 slice", [](ES& e) { e.addressType = "IPv6"; e.endpoints[0].addresses = {"fd00::1"}; }, {}},
      {"a loopback address", [](ES& e) { e.endpoints[0].addresses = {"127.0.0.1"}; },
       {"endpoints[0].addresses[0]: Invalid value: \"127.0.0.1\": may not be in the loopback range (127.0.0.0/8, ::1/128)"}},
      {"FQDN", [](ES& e) { e.addressType = "FQDN"; e.endpoints[0].addresses = {"web.example.com."}; }, {}},
      {"an FQDN of one label", [](ES& e) { e.addressType = "FQDN"; e.endpoints[0].addresses = {"web"}; },
       {"endpoints[0].addresses[0]: Invalid value: \"web\": should be a domain with at least two segments separated by dots"}},
      {"hostname", [](ES& e) { e.endpoints[0].hostname = "Web-0"; },
       {"endpoints[0].hostname: Invalid value: \"Web-0\": " + kDNS1123LabelRule}},
      {"nodeName", [](ES& e) { e.endpoints[0].nodeName = "Node_1"; },
       {"endpoints[0].nodeName: Invalid value: \"Node_1\": " + kDNS1123SubdomainRule}},
      {"a zone twice", [](ES& e) { e.endpoints[0].hints->forZones.push_back({"zone-a"}); },
       {"endpoints[0].hints.forZones[1].name: Duplicate value: \"zone-a\""}},
      {"nine zones", [](ES& e) { e.endpoints[0].hints->forZones.resize(9); },
       {"endpoints[0].hints.forZones: Too many: 9: must have at most 8 items"}},
      {"an unnamed second port", [&](ES& e) { add_port(e, ""); }, {}},
      {"a port name twice", [&](ES& e) { add_port(e, "http"); }, {"ports[1].name: Duplicate value: \"http\""}},
      {"a port name", [](ES& e) { e.ports[0].name = "HTTP"; },
       {"ports[0].name: Invalid value: \"HTTP\": " + kDNS1123LabelRule}},
      {"protocol", [](ES& e) { e.ports[0].protocol = "ICMP"; },
       {"ports[0].protocol: Unsupported value: \"ICMP\": supported values: \"SCTP\", \"TCP\", \"UDP\""}},
      {"appProtocol", [](ES& e) { e.ports[0].appProtocol = "-h2c"; },
       {"ports[0].appProtocol: Invalid value: \"-h2c\": name part " + kQualifiedNameRule}},
  });
  ES changed = base;
  changed.addressType = "IPv6";
  changed.endpoints[0].addresses = {"fd00::1"};
  CHECK(lines(validate_kind_update(changed, base)) == Lines{"addressType: Invalid value: \"IPv6\": field is immutable"});
}

// ---- Lease and PodDisruptionBudget ----------------------------------------------------------

TEST_CASE("Lease: duration, transitions, strategy", "[unit][validation]") {
  using L = coordination_v1::Lease;
  const L base = defaulted<L>(R"(
apiVersion: coordination.k8s.io/v1
kind: Lease
metadata: {name: kube-scheduler, namespace: kube-system}
spec: {holderIdentity: node-1, leaseDurationSeconds: 15, leaseTransitions: 0}
)");
  check_cases<L>(base, {
      {"duration 0", [](L& l) { l.spec.leaseDurationSeconds = 0; },
       {"spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0"}},
      {"duration 1", [](L& l) { l.spec.leaseDurationSeconds = 1; }, {}},
      {"transitions -1", [](L& l) { l.spec.leaseTransitions = -1; },
       {"spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0"}},
      {"a known strategy", [](L& l) { l.spec.strategy = "OldestEmulationVersion"; l.spec.preferredHolder = "node-2"; }, {}},
      {"an unknown strategy", [](L& l) { l.spec.strategy = "Newest"; },
       {"spec.strategy.strategy: Unsupported value: \"Newest\": supported values: \"OldestEmulationVersion\""}},
      {"a custom strategy", [](L& l) { l.spec.strategy = "example.com/newest"; }, {}},
      {"preferredHolder needs a strategy", [](L& l) { l.spec.preferredHolder = "node-2"; },
       {"spec.preferredHolder: Forbidden: may only be specified if `strategy` is defined"}},
  });
}

TEST_CASE("PodDisruptionBudget: minAvailable or maxUnavailable, selector, policy", "[unit][validation]") {
  using PDB = policy_v1::PodDisruptionBudget;
  const PDB base = defaulted<PDB>(R"(
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: web, namespace: default}
spec: {minAvailable: 2, selector: {matchLabels: {app: web}}}
)");
  auto min = [](IntOrString v) { return [v](PDB& p) { p.spec.minAvailable = v; }; };
  check_cases<PDB>(base, {
      {"0", min(IntOrString::from_int(0)), {}},
      {"-1", min(IntOrString::from_int(-1)), {"spec.minAvailable: Invalid value: -1: must be greater than or equal to 0"}},
      {"100%", min(IntOrString::from_string("100%")), {}},
      {"101%", min(IntOrString::from_string("101%")),
       {"spec.minAvailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"101%\"}: must not be greater "
        "than 100%"}},
      {"not a percentage", min(IntOrString::from_string("half")),
       {"spec.minAvailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"half\"}: " + kPercentRule}},
      {"maxUnavailable instead", [](PDB& p) { p.spec.minAvailable.reset(); p.spec.maxUnavailable = IntOrString::from_string("25%"); }, {}},
      {"not both", [](PDB& p) { p.spec.maxUnavailable = IntOrString::from_int(1); },
       {"spec: Invalid value: minAvailable and maxUnavailable cannot be both set"}},
      {"a bad selector", [](PDB& p) { p.spec.selector->matchExpressions.push_back({"tier", "In", {}}); },
       {"spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'"}},
      {"unhealthyPodEvictionPolicy", [](PDB& p) { p.spec.unhealthyPodEvictionPolicy = "Never"; },
       {"spec.unhealthyPodEvictionPolicy: Unsupported value: \"Never\": supported values: \"AlwaysAllow\", "
        "\"IfHealthyBudget\""}},
  });
}

TEST_CASE("rules.cpp runs the other groups' rules", "[unit][validation]") {
  auto lease = defaulted<coordination_v1::Lease>(
      "apiVersion: coordination.k8s.io/v1\nkind: Lease\nmetadata: {name: l, namespace: d}\nspec: {leaseDurationSeconds: 0}\n");
  CHECK(lines(validate(*find_kind("coordination.k8s.io/v1", "Lease"), &lease)) ==
        Lines{"spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0"});
  auto pdb = defaulted<policy_v1::PodDisruptionBudget>(
      "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata: {name: p}\nspec: {minAvailable: 150%}\n");
  CHECK(lines(validate(*find_kind("policy/v1", "PodDisruptionBudget"), &pdb)) ==
        Lines{"metadata.namespace: Required value",
              "spec.minAvailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"150%\"}: must not be "
              "greater than 100%"});
}

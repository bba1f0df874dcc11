// core_validation_test.cpp — the core group's kinds other than pods are judged as
// upstream's ValidateService, ValidateNode, ValidateSecret … judge them: same paths, same
// words, same boundaries. Each table starts from a valid, defaulted object and breaks one
// rule per row.
#include <catch2/catch.hpp>

#include <functional>
#include <string>
#include <vector>

#include "cluster/api/registry.h"
#include "cluster/api/rules.h"
#include "cluster/api/validation/core_v1.h"
#include "tests/cluster/api/fixtures.h"
#include "tests/cluster/api/upstream_messages.h"

using namespace kubepp::api;
using namespace kubepp::api::testing;

namespace {

template <typename T>
void check_update(const T& old, const std::vector<LineCase<T>>& cases) {
  for (const LineCase<T>& c : cases) {
    CAPTURE(c.name);
    T o = old;
    c.change(o);
    CHECK(lines(validate_kind_update(o, old)) == c.want);
  }
}

const char* const kService = R"(
apiVersion: v1
kind: Service
metadata: {name: web, namespace: default}
spec:
  selector: {app: web}
  ports:
  - {name: http, port: 80, targetPort: 8080}
)";

core_v1::ServicePort port(std::string name, std::int32_t number, std::string protocol = "TCP") {
  core_v1::ServicePort p;
  p.name = std::move(name);
  p.port = number;
  p.protocol = std::move(protocol);
  p.targetPort = IntOrString::from_int(number);
  return p;
}

void load_balancer(core_v1::Service& s) {
  s.spec.type = "LoadBalancer";
  s.spec.externalTrafficPolicy = "Cluster";
  s.spec.allocateLoadBalancerNodePorts = true;
}

}  // namespace

// ---- field formats ----------------------------------------------------------------------

TEST_CASE("IP addresses parse as Go's ParseIPSloppy reads them", "[unit][validation]") {
  using validation::parse_ip_sloppy;
  for (const char* ok : {"1.2.3.4", "0.0.0.0", "255.255.255.255", "010.001.002.003", "::", "::1", "2001:db8::ffff",
                         "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7::", "::ffff:1.2.3.4", "FE80::0abc", "0:0:0:0:0:0:1.2.3.4"}) {
    CAPTURE(ok);
    CHECK(parse_ip_sloppy(ok).has_value());
  }
  for (const char* bad : {"", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.-4", "abc", "1:2:3:4:5:6:7:8:9", "1::2::3",
                          "1:2:3:4:5:6:7:8::", "fe80::1%eth0", "::ffff:1.2.3", "12345::", " 1.2.3.4", "1.2.3.4/32"}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_ip_sloppy(bad).has_value());
  }
  CHECK(parse_ip_sloppy("::ffff:1.2.3.4")->is_v4());
  CHECK(parse_ip_sloppy("010.1.1.1") == parse_ip_sloppy("10.1.1.1"));
  CHECK_FALSE(parse_ip_sloppy("::1")->is_v4());
}

TEST_CASE("CIDRs parse as Go's ParseCIDRSloppy reads them, and contain their addresses", "[unit][validation]") {
  using validation::parse_cidr_sloppy;
  using validation::parse_ip_sloppy;
  for (const char* ok : {"10.0.0.0/8", "10.1.2.3/8", "0.0.0.0/0", "10.0.0.0/32", "10.0.0.0/08", "::/0", "fd00::/128"}) {
    CAPTURE(ok);
    CHECK(parse_cidr_sloppy(ok).has_value());
  }
  for (const char* bad : {"10.0.0.0", "10.0.0.0/", "10.0.0.0/33", "::/129", "10.0.0.0/-1", "10.0.0/8", "10.0.0.0/8 "}) {
    CAPTURE(bad);
    CHECK_FALSE(parse_cidr_sloppy(bad).has_value());
  }
  auto net = parse_cidr_sloppy("10.1.2.3/16");
  CHECK(net->network == *parse_ip_sloppy("10.1.0.0"));
  CHECK(net->contains(*parse_ip_sloppy("10.1.255.255")));
  CHECK_FALSE(net->contains(*parse_ip_sloppy("10.2.0.0")));
  CHECK_FALSE(parse_cidr_sloppy("::/0")->contains(*parse_ip_sloppy("10.0.0.1")));
}

TEST_CASE("special addresses are refused where traffic must be routable", "[unit][validation]") {
  const Path p("ip");
  struct Row {
    const char* ip;
    Lines want;
  };
  const std::vector<Row> rows = {
      {"8.8.8.8", {}},
      {"2001:db8::1", {}},
      {"0.0.0.0", {"ip: Invalid value: \"0.0.0.0\": may not be unspecified (0.0.0.0)"}},
      {"::", {"ip: Invalid value: \"::\": may not be unspecified (::)"}},
      {"127.0.0.1", {"ip: Invalid value: \"127.0.0.1\": may not be in the loopback range (127.0.0.0/8, ::1/128)"}},
      {"::1", {"ip: Invalid value: \"::1\": may not be in the loopback range (127.0.0.0/8, ::1/128)"}},
      {"169.254.169.254",
       {"ip: Invalid value: \"169.254.169.254\": may not be in the link-local range (169.254.0.0/16, fe80::/10)"}},
      {"fe80::1", {"ip: Invalid value: \"fe80::1\": may not be in the link-local range (169.254.0.0/16, fe80::/10)"}},
      {"224.0.0.251",
       {"ip: Invalid value: \"224.0.0.251\": may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"}},
      {"224.0.1.1", {}},
      {"ff02::1", {"ip: Invalid value: \"ff02::1\": may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"}},
      {"1.2.3", {"ip: Invalid value: \"1.2.3\": must be a valid IP address"}},
  };
  for (const Row& r : rows) {
    CAPTURE(r.ip);
    CHECK(lines(validation::validate_non_special_ip(r.ip, p)) == r.want);
  }
}

TEST_CASE("config keys, percentages and wildcard hosts follow util/validation", "[unit][validation]") {
  using validation::is_config_map_key;
  CHECK(is_config_map_key("key.name_1-X").empty());
  CHECK(is_config_map_key(std::string(253, 'k')).empty());
  CHECK(is_config_map_key(std::string(254, 'k')) == Lines{"must be no more than 253 characters"});
  CHECK(is_config_map_key("a b") == Lines{kConfigKeyRule});
  CHECK(is_config_map_key("") == Lines{kConfigKeyRule});
  CHECK(is_config_map_key(".") == Lines{"must not be '.'"});
  CHECK(is_config_map_key("..") == Lines{"must not be '..'"});
  CHECK(is_config_map_key("..a") == Lines{"must not start with '..'"});
  CHECK(is_config_map_key(".a").empty());
  CHECK(validation::is_valid_percent("25%").empty());
  CHECK(validation::is_valid_percent("2.5%") == Lines{kPercentRule});
  CHECK(validation::is_wildcard_dns1123_subdomain("*.example.com").empty());
  CHECK(validation::is_wildcard_dns1123_subdomain("*.*.example.com").size() == 1);
  CHECK(validation::is_wildcard_dns1123_subdomain("example.com").size() == 1);
  CHECK(validation::is_valid_port_num(0) == Lines{kPortRange});
  CHECK(validation::is_valid_port_num(1).empty());
  CHECK(validation::is_valid_port_num(65535).empty());
  CHECK(validation::is_valid_port_num(65536) == Lines{kPortRange});
}

TEST_CASE("Go values print as field.Error prints them", "[unit][validation]") {
  CHECK(validation::go_slice("string", {"a", "b"}) == "[]string{\"a\", \"b\"}");
  CHECK(validation::go_slice("string", {}) == "[]string(nil)");
  CHECK(validation::go_string_map({{"b", "2"}, {"a", "1"}}) == "map[string]string{\"a\":\"1\", \"b\":\"2\"}");
  CHECK(validation::go_int_or_string(IntOrString::from_string("5%")) == "intstr.IntOrString{Type:1, IntVal:0, StrVal:\"5%\"}");
}

// ---- Service ------------------------------------------------------------------------------

TEST_CASE("Service: ports, type and names", "[unit][validation]") {
  using S = core_v1::Service;
  const S base = defaulted<S>(kService);
  check_cases<S>(base, {
      {"ports are required", [](S& s) { s.spec.ports.clear(); }, {"spec.ports: Required value"}},
      {"a headless service needs no ports",
       [](S& s) { s.spec.ports.clear(); s.spec.clusterIP = "None"; s.spec.clusterIPs = {"None"}; }, {}},
      {"an ExternalName service needs no ports",
       [](S& s) { s.spec.ports.clear(); s.spec.type = "ExternalName"; s.spec.externalName = "db.example.com"; }, {}},
      {"port 0", [](S& s) { s.spec.ports[0].port = 0; }, {"spec.ports[0].port: Invalid value: 0: " + kPortRange}},
      {"port 1", [](S& s) { s.spec.ports[0].port = 1; }, {}},
      {"port 65535", [](S& s) { s.spec.ports[0].port = 65535; }, {}},
      {"port 65536", [](S& s) { s.spec.ports[0].port = 65536; },
       {"spec.ports[0].port: Invalid value: 65536: " + kPortRange}},
      {"the second port needs a name", [](S& s) { s.spec.ports.push_back(port("", 443)); },
       {"spec.ports[1].name: Required value"}},
      {"port names are unique", [](S& s) { s.spec.ports.push_back(port("http", 443)); },
       {"spec.ports[1].name: Duplicate value: \"http\""}},
      {"a port name is a DNS label", [](S& s) { s.spec.ports[0].name = "HTTP"; },
       {"spec.ports[0].name: Invalid value: \"HTTP\": " + kDNS1123LabelRule}},
      {"protocol", [](S& s) { s.spec.ports[0].protocol = "HTTP"; },
       {"spec.ports[0].protocol: Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\""}},
      {"protocol required", [](S& s) { s.spec.ports[0].protocol = ""; }, {"spec.ports[0].protocol: Required value"}},
      {"a named targetPort", [](S& s) { s.spec.ports[0].targetPort = IntOrString::from_string("web"); }, {}},
      {"\"8080\" is a name, not a number", [](S& s) { s.spec.ports[0].targetPort = IntOrString::from_string("8080"); },
       {"spec.ports[0].targetPort: Invalid value: \"8080\": must contain at least one letter (a-z)"}},
      {"a target port name of 16 characters",
       [](S& s) { s.spec.ports[0].targetPort = IntOrString::from_string("abcdefghijklmnop"); },
       {"spec.ports[0].targetPort: Invalid value: \"abcdefghijklmnop\": must be no more than 15 characters"}},
      {"targetPort 65536", [](S& s) { s.spec.ports[0].targetPort = IntOrString::from_int(65536); },
       {"spec.ports[0].targetPort: Invalid value: 65536: " + kPortRange}},
      {"appProtocol", [](S& s) { s.spec.ports[0].appProtocol = "kubernetes.io/h2c"; }, {}},
      {"appProtocol is a qualified name", [](S& s) { s.spec.ports[0].appProtocol = "-h2c"; },
       {"spec.ports[0].appProtocol: Invalid value: \"-h2c\": name part " + kQualifiedNameRule}},
      {"the same port twice", [](S& s) { s.spec.ports.push_back(port("other", 80)); },
       {"spec.ports[1]: Duplicate value: core.ServicePort{Name:\"\", Protocol:\"TCP\", AppProtocol:(*string)(nil), "
        "Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}"}},
      {"the same port over UDP", [](S& s) { s.spec.ports.push_back(port("dns", 80, "UDP")); }, {}},
      {"type", [](S& s) { s.spec.type = "Foo"; },
       {"spec.type: Unsupported value: \"Foo\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", "
        "\"NodePort\""}},
      {"type required", [](S& s) { s.spec.type = ""; }, {"spec.type: Required value"}},
      {"node ports are not for ClusterIP", [](S& s) { s.spec.ports[0].nodePort = 30080; },
       {"spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"}},
      {"selector values are label values", [](S& s) { s.spec.selector = {{"app", "-x"}}; },
       {"spec.selector: Invalid value: \"-x\": " + kLabelValueRule}},
  });
}

TEST_CASE("Service: node ports, load balancers and traffic policies", "[unit][validation]") {
  using S = core_v1::Service;
  const S base = defaulted<S>(kService);
  auto node_port = [](S& s) {
    s.spec.type = "NodePort";
    s.spec.externalTrafficPolicy = "Cluster";
  };
  check_cases<S>(base, {
      {"NodePort", node_port, {}},
      {"NodePort without externalTrafficPolicy", [](S& s) { s.spec.type = "NodePort"; },
       {"spec.externalTrafficPolicy: Required value"}},
      {"duplicate node ports", [&](S& s) {
         node_port(s);
         s.spec.ports.push_back(port("https", 443));
         s.spec.ports[0].nodePort = s.spec.ports[1].nodePort = 30080;
       }, {"spec.ports[1].nodePort: Duplicate value: 30080"}},
      {"externalTrafficPolicy value", [&](S& s) { node_port(s); s.spec.externalTrafficPolicy = "Global"; },
       {"spec.externalTrafficPolicy: Unsupported value: \"Global\": supported values: \"Cluster\", \"Local\""}},
      {"externalTrafficPolicy on an internal service", [](S& s) { s.spec.externalTrafficPolicy = "Cluster"; },
       {"spec.externalTrafficPolicy: Invalid value: \"Cluster\": may only be set for externally-accessible services"}},
      {"external IPs make a ClusterIP service external", [](S& s) { s.spec.externalIPs = {"192.0.2.10"}; },
       {"spec.externalTrafficPolicy: Required value"}},
      {"external IPs", [](S& s) { s.spec.externalIPs = {"1.2.3", "127.0.0.1"}; s.spec.externalTrafficPolicy = "Local"; },
       {"spec.externalIPs[0]: Invalid value: \"1.2.3\": " + kBadIP,
        "spec.externalIPs[1]: Invalid value: \"127.0.0.1\": may not be in the loopback range (127.0.0.0/8, ::1/128)"}},
      {"LoadBalancer", load_balancer, {}},
      {"LoadBalancer needs allocateLoadBalancerNodePorts",
       [](S& s) { load_balancer(s); s.spec.allocateLoadBalancerNodePorts.reset(); },
       {"allocateLoadBalancerNodePorts: Required value"}},
      {"allocateLoadBalancerNodePorts only for LoadBalancer", [](S& s) { s.spec.allocateLoadBalancerNodePorts = true; },
       {"spec.allocateLoadBalancerNodePorts: Forbidden: may only be used when `type` is 'LoadBalancer'"}},
      {"a headless LoadBalancer",
       [](S& s) { load_balancer(s); s.spec.clusterIP = "None"; s.spec.clusterIPs = {"None"}; },
       {"spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for LoadBalancer services"}},
      {"a headless NodePort", [&](S& s) { node_port(s); s.spec.clusterIP = "None"; s.spec.clusterIPs = {"None"}; },
       {"spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services"}},
      {"source ranges", [](S& s) { load_balancer(s); s.spec.loadBalancerSourceRanges = {" 10.0.0.0/8 ", "10.0.0.0/33"}; },
       {"spec.LoadBalancerSourceRanges[1]: Invalid value: \"10.0.0.0/33\": " + kBadCIDR}},
      {"source ranges only for LoadBalancer", [](S& s) { s.spec.loadBalancerSourceRanges = {"10.0.0.0/8"}; },
       {"spec.LoadBalancerSourceRanges: Forbidden: may only be used when `type` is 'LoadBalancer'"}},
      {"source ranges in the annotation", [](S& s) {
         load_balancer(s);
         s.metadata.annotations["service.beta.kubernetes.io/load-balancer-source-ranges"] = "10.0.0.0/8, 1.2.3.4";
       }, {"metadata.annotations[service.beta.kubernetes.io/load-balancer-source-ranges]: Invalid value: \"1.2.3.4\": " +
           kBadCIDR}},
      {"a health check port for Local", [](S& s) { load_balancer(s); s.spec.externalTrafficPolicy = "Local"; },
       {"spec.healthCheckNodePort: Required value"}},
      {"a health check port only for Local LoadBalancers", [](S& s) { s.spec.healthCheckNodePort = 30000; },
       {"spec.healthCheckNodePort: Invalid value: 30000: may only be set when `type` is 'LoadBalancer' and "
        "`externalTrafficPolicy` is 'Local'"}},
      {"loadBalancerClass", [](S& s) { load_balancer(s); s.spec.loadBalancerClass = "example.com/internal"; }, {}},
      {"loadBalancerClass only for LoadBalancer", [](S& s) { s.spec.loadBalancerClass = "example.com/internal"; },
       {"spec.loadBalancerClass: Forbidden: may only be used when `type` is 'LoadBalancer'"}},
      {"internalTrafficPolicy required", [](S& s) { s.spec.internalTrafficPolicy.reset(); },
       {"spec.internalTrafficPolicy: Required value"}},
      {"internalTrafficPolicy value", [](S& s) { s.spec.internalTrafficPolicy = "Node"; },
       {"spec.internalTrafficPolicy: Unsupported value: \"Node\": supported values: \"Cluster\", \"Local\""}},
      {"trafficDistribution", [](S& s) { s.spec.trafficDistribution = "PreferSameZone"; }, {}},
      {"trafficDistribution value", [](S& s) { s.spec.trafficDistribution = "Nearest"; },
       {"spec.trafficDistribution: Unsupported value: \"Nearest\": supported values: \"PreferClose\", "
        "\"PreferSameZone\", \"PreferSameNode\""}},
  });
}

TEST_CASE("Service: cluster IPs, families, session affinity and ExternalName", "[unit][validation]") {
  using S = core_v1::Service;
  const S base = defaulted<S>(kService);
  auto ips = [](std::vector<std::string> v) {
    return [v](S& s) { s.spec.clusterIP = v[0]; s.spec.clusterIPs = v; };
  };
  auto client_ip = [](std::int32_t timeout) {
    return [timeout](S& s) {
      s.spec.sessionAffinity = "ClientIP";
      s.spec.sessionAffinityConfig.emplace().clientIP.emplace().timeoutSeconds = timeout;
    };
  };
  const std::string timeout_path = "spec.sessionAffinityConfig.clientIP.timeoutSeconds";
  check_cases<S>(base, {
      {"one cluster IP", ips({"10.96.0.10"}), {}},
      {"dual stack", [&](S& s) { ips({"10.96.0.10", "fd00::10"})(s); s.spec.ipFamilies = {"IPv4", "IPv6"}; }, {}},
      {"a bad cluster IP", ips({"10.96.0.999"}), {"spec.clusterIPs[0]: Invalid value: \"10.96.0.999\": " + kBadIP}},
      {"clusterIPs must start with clusterIP", [](S& s) { s.spec.clusterIP = "10.96.0.1"; s.spec.clusterIPs = {"10.96.0.2"}; },
       {"spec.clusterIPs: Invalid value: []string{\"10.96.0.2\"}: first value must match `clusterIP`"}},
      {"clusterIPs without clusterIP", [](S& s) { s.spec.clusterIPs = {"10.96.0.2"}; },
       {"spec.clusterIPs: Invalid value: []string{\"10.96.0.2\"}: must be empty when `clusterIP` is not specified"}},
      {"clusterIP without clusterIPs", [](S& s) { s.spec.clusterIP = "10.96.0.1"; }, {"spec.clusterIPs: Required value"}},
      {"two IPv4 cluster IPs", ips({"10.96.0.1", "10.96.0.2"}),
       {"spec.clusterIPs: Invalid value: []string{\"10.96.0.1\", \"10.96.0.2\"}: may specify no more than one IP for "
        "each IP family"}},
      {"three cluster IPs", ips({"10.96.0.1", "fd00::1", "10.96.0.2"}),
       {"spec.clusterIPs: Invalid value: []string{\"10.96.0.1\", \"fd00::1\", \"10.96.0.2\"}: may only hold up to 2 values"}},
      {"None with another IP", ips({"None", "10.96.0.1"}),
       {"spec.clusterIPs: Invalid value: []string{\"None\", \"10.96.0.1\"}: 'None' must be the first and only value"}},
      {"an IP of the wrong family", [&](S& s) { ips({"fd00::1"})(s); s.spec.ipFamilies = {"IPv4"}; },
       {"spec.clusterIPs[0]: Invalid value: \"fd00::1\": expected an IPv4 value as indicated by `ipFamilies[0]`"}},
      {"an unknown family", [](S& s) { s.spec.ipFamilies = {"IPv5"}; },
       {"spec.ipFamilies[0]: Unsupported value: \"IPv5\": supported values: \"IPv4\", \"IPv6\""}},
      {"a family twice", [](S& s) { s.spec.ipFamilies = {"IPv4", "IPv4"}; },
       {"spec.ipFamilies[1]: Duplicate value: \"IPv4\""}},
      {"ipFamilyPolicy", [](S& s) { s.spec.ipFamilyPolicy = "Dual"; },
       {"spec.ipFamilyPolicy: Unsupported value: \"Dual\": supported values: \"PreferDualStack\", \"RequireDualStack\", "
        "\"SingleStack\""}},
      {"sessionAffinity", [](S& s) { s.spec.sessionAffinity = "Sticky"; },
       {"spec.sessionAffinity: Unsupported value: \"Sticky\": supported values: \"ClientIP\", \"None\""}},
      {"sessionAffinity required", [](S& s) { s.spec.sessionAffinity = ""; }, {"spec.sessionAffinity: Required value"}},
      {"ClientIP needs its config", [](S& s) { s.spec.sessionAffinity = "ClientIP"; },
       {"spec.sessionAffinityConfig: Required value: when session affinity type is ClientIP"}},
      {"timeout 0", client_ip(0), {timeout_path + ": Invalid value: 0: must be greater than 0 and less than 86400"}},
      {"timeout 1", client_ip(1), {}},
      {"timeout 86400", client_ip(86400), {}},
      {"timeout 86401", client_ip(86401), {timeout_path + ": Invalid value: 86401: must be greater than 0 and less than 86400"}},
      {"config with None", [&](S& s) { client_ip(10)(s); s.spec.sessionAffinity = "None"; },
       {"spec.sessionAffinityConfig: Forbidden: must not be set when session affinity is None"}},
      {"ExternalName needs a name", [](S& s) { s.spec.type = "ExternalName"; }, {"spec.externalName: Required value"}},
      {"ExternalName with a trailing dot", [](S& s) { s.spec.type = "ExternalName"; s.spec.externalName = "db.example.com."; }, {}},
      {"ExternalName is a DNS subdomain", [](S& s) { s.spec.type = "ExternalName"; s.spec.externalName = "db_1.example.com"; },
       {"spec.externalName: Invalid value: \"db_1.example.com\": " + kDNS1123SubdomainRule}},
      {"ExternalName has no cluster IPs", [&](S& s) {
         ips({"10.96.0.1"})(s);
         s.spec.type = "ExternalName";
         s.spec.externalName = "db.example.com";
         s.spec.ipFamilyPolicy = "SingleStack";
       }, {"spec.clusterIPs: Forbidden: may not be set for ExternalName services",
           "spec.ipFamilyPolicy: Forbidden: may not be set for ExternalName services"}},
  });
}

TEST_CASE("Service updates keep cluster IPs, families, class and health check port", "[unit][validation]") {
  using S = core_v1::Service;
  S old = defaulted<S>(kService);
  old.spec.clusterIP = "10.96.0.10";
  old.spec.clusterIPs = {"10.96.0.10"};
  old.spec.ipFamilies = {"IPv4"};
  old.spec.ipFamilyPolicy = "SingleStack";
  check_update<S>(old, {
      {"no change", [](S&) {}, {}},
      {"a new selector", [](S& s) { s.spec.selector = {{"app", "web2"}}; }, {}},
      {"clusterIP changed", [](S& s) { s.spec.clusterIP = "10.96.0.11"; s.spec.clusterIPs = {"10.96.0.11"}; },
       {"spec.clusterIPs[0]: Invalid value: []string{\"10.96.0.11\"}: may not change once set"}},
      {"a secondary IP added", [](S& s) {
         s.spec.clusterIPs = {"10.96.0.10", "fd00::10"};
         s.spec.ipFamilies = {"IPv4", "IPv6"};
         s.spec.ipFamilyPolicy = "PreferDualStack";
       }, {}},
      {"primary family changed", [](S& s) { s.spec.ipFamilies = {"IPv6"}; },
       {"spec.ipFamilies[0]: Invalid value: []core.IPFamily{\"IPv6\"}: may not change once set",
        "spec.clusterIPs[0]: Invalid value: \"10.96.0.10\": expected an IPv6 value as indicated by `ipFamilies[0]`"}},
  });

  S dual = old;
  dual.spec.clusterIPs = {"10.96.0.10", "fd00::10"};
  dual.spec.ipFamilies = {"IPv4", "IPv6"};
  dual.spec.ipFamilyPolicy = "PreferDualStack";
  check_update<S>(dual, {
      {"secondary released without SingleStack", [](S& s) { s.spec.clusterIPs = {"10.96.0.10"}; s.spec.ipFamilies = {"IPv4"}; },
       {"spec.ipFamilyPolicy: Invalid value: \"PreferDualStack\": must be set to 'SingleStack' when releasing the "
        "secondary clusterIP",
        "spec.ipFamilyPolicy: Invalid value: \"PreferDualStack\": must be set to 'SingleStack' when releasing the "
        "secondary ipFamily"}},
      {"secondary released", [](S& s) {
         s.spec.clusterIPs = {"10.96.0.10"};
         s.spec.ipFamilies = {"IPv4"};
         s.spec.ipFamilyPolicy = "SingleStack";
       }, {}},
  });

  S lb = old;
  load_balancer(lb);
  lb.spec.externalTrafficPolicy = "Local";
  lb.spec.healthCheckNodePort = 30000;
  lb.spec.loadBalancerClass = "example.com/a";
  check_update<S>(lb, {
      {"health check port changed", [](S& s) { s.spec.healthCheckNodePort = 30001; },
       {"spec.healthCheckNodePort: Forbidden: field is immutable"}},
      {"class changed", [](S& s) { s.spec.loadBalancerClass = "example.com/b"; },
       {"spec.loadBalancerClass: Invalid value: \"example.com/b\": may not change once set"}},
      {"class removed", [](S& s) { s.spec.loadBalancerClass.reset(); },
       {"spec.loadBalancerClass: Invalid value: null: may not change once set"}},
  });
}

// ---- Endpoints ------------------------------------------------------------------------

TEST_CASE("Endpoints: addresses, ports and names", "[unit][validation]") {
  using E = core_v1::Endpoints;
  const E base = defaulted<E>(R"(
apiVersion: v1
kind: Endpoints
metadata: {name: web, namespace: default}
subsets:
- addresses: [{ip: 10.1.2.3, hostname: web-0, nodeName: node-1}]
  notReadyAddresses: [{ip: "fd00::3"}]
  ports: [{name: http, port: 8080}]
)");
  auto add_port = [](E& e, std::string name, std::int32_t number) {
    core_v1::EndpointPort p;
    p.name = std::move(name);
    p.port = number;
    p.protocol = "TCP";
    e.subsets[0].ports.push_back(p);
  };
  check_cases<E>(base, {
      {"no addresses", [](E& e) { e.subsets[0].addresses.clear(); e.subsets[0].notReadyAddresses.clear(); },
       {"subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`"}},
      {"only not-ready addresses", [](E& e) { e.subsets[0].addresses.clear(); }, {}},
      {"a bad IP is reported twice, as upstream does", [](E& e) { e.subsets[0].addresses[0].ip = "10.1.2"; },
       {"subsets[0].addresses[0].ip: Invalid value: \"10.1.2\": " + kBadIP,
        "subsets[0].addresses[0].ip: Invalid value: \"10.1.2\": must be a valid IP address"}},
      {"a loopback address", [](E& e) { e.subsets[0].notReadyAddresses[0].ip = "::1"; },
       {"subsets[0].notReadyAddresses[0].ip: Invalid value: \"::1\": may not be in the loopback range (127.0.0.0/8, ::1/128)"}},
      {"hostname", [](E& e) { e.subsets[0].addresses[0].hostname = "Web-0"; },
       {"subsets[0].addresses[0].hostname: Invalid value: \"Web-0\": " + kDNS1123LabelRule}},
      {"nodeName", [](E& e) { e.subsets[0].addresses[0].nodeName = "Node_1"; },
       {"subsets[0].addresses[0].nodeName: Invalid value: \"Node_1\": " + kDNS1123SubdomainRule}},
      {"port 0", [](E& e) { e.subsets[0].ports[0].port = 0; }, {"subsets[0].ports[0].port: Invalid value: 0: " + kPortRange}},
      {"port 65536", [](E& e) { e.subsets[0].ports[0].port = 65536; },
       {"subsets[0].ports[0].port: Invalid value: 65536: " + kPortRange}},
      {"a second port needs a name", [&](E& e) { add_port(e, "", 9090); }, {"subsets[0].ports[1].name: Required value"}},
      {"one port may be unnamed", [](E& e) { e.subsets[0].ports[0].name = ""; }, {}},
      {"protocol", [](E& e) { e.subsets[0].ports[0].protocol = "ICMP"; },
       {"subsets[0].ports[0].protocol: Unsupported value: \"ICMP\": supported values: \"SCTP\", \"TCP\", \"UDP\""}},
  });
}

// ---- Node -------------------------------------------------------------------------------

TEST_CASE("Node: taints, pod CIDRs and resources", "[unit][validation]") {
  using N = core_v1::Node;
  const N base = defaulted<N>(R"(
apiVersion: v1
kind: Node
metadata: {name: node-1}
spec:
  podCIDR: 10.244.1.0/24
  taints: [{key: dedicated, value: gpu, effect: NoSchedule}]
status:
  capacity: {cpu: "4", memory: 8Gi, pods: "110"}
)");
  auto taint = [](N& n, std::string key, std::string effect) {
    core_v1::Taint t;
    t.key = std::move(key);
    t.value = "gpu";
    t.effect = std::move(effect);
    n.spec.taints.push_back(t);
  };
  check_cases<N>(base, {
      {"effect required", [](N& n) { n.spec.taints[0].effect = ""; }, {"metadata.taints[0].effect: Required value"}},
      {"effect value", [](N& n) { n.spec.taints[0].effect = "Never"; },
       {"metadata.taints[0].effect: Unsupported value: \"Never\": supported values: \"NoSchedule\", "
        "\"PreferNoSchedule\", \"NoExecute\""}},
      {"key", [](N& n) { n.spec.taints[0].key = "-gpu"; },
       {"metadata.taints[0].key: Invalid value: \"-gpu\": name part " + kQualifiedNameRule}},
      {"value", [](N& n) { n.spec.taints[0].value = "-x"; },
       {"metadata.taints[0].value: Invalid value: \"-x\": " + kLabelValueRule}},
      {"the same key and effect twice", [&](N& n) { taint(n, "dedicated", "NoSchedule"); },
       {"metadata.taints[1]: Duplicate value: core.Taint{Key:\"dedicated\", Value:\"gpu\", Effect:\"NoSchedule\", "
        "TimeAdded:(*v1.Time)(nil)}: taints must be unique by key and effect pair"}},
      {"the same key with another effect", [&](N& n) { taint(n, "dedicated", "NoExecute"); }, {}},
      {"dual-stack pod CIDRs", [](N& n) { n.spec.podCIDRs = {"10.244.1.0/24", "fd00:1::/64"}; }, {}},
      {"a bad pod CIDR", [](N& n) { n.spec.podCIDRs = {"10.244.1.0/33"}; },
       {"spec.podCIDRs[0]: Invalid value: \"10.244.1.0/33\": " + kBadCIDR}},
      {"two IPv4 pod CIDRs", [](N& n) { n.spec.podCIDRs = {"10.244.1.0/24", "10.244.2.0/24"}; },
       {"spec.podCIDRs: Invalid value: []string{\"10.244.1.0/24\", \"10.244.2.0/24\"}: may specify no more than one "
        "CIDR for each IP family"}},
      {"a pod CIDR twice", [](N& n) { n.spec.podCIDRs = {"10.244.1.0/24", "fd00:1::/64", "10.244.1.0/24"}; },
       {"spec.podCIDRs: Invalid value: []string{\"10.244.1.0/24\", \"fd00:1::/64\", \"10.244.1.0/24\"}: may specify no "
        "more than one CIDR for each IP family",
        "spec.podCIDRs[2]: Duplicate value: \"10.244.1.0/24\""}},
      {"negative capacity", [](N& n) { n.status.capacity["cpu"] = Quantity::parse("-1").value(); },
       {"status.capacity.cpu: Invalid value: \"-1\": must be greater than or equal to 0"}},
      {"a fraction of a pod", [](N& n) { n.status.allocatable["pods"] = Quantity::parse("1.5").value(); },
       {"status.allocatable.pods: Invalid value: \"1500m\": must be an integer"}},
      {"an extended resource is whole", [](N& n) { n.status.capacity["example.com/gpu"] = Quantity::parse("500m").value(); },
       {"status.capacity.example.com/gpu: Invalid value: \"500m\": must be an integer"}},
  });

  N old = base;
  old.spec.providerID = "kubepp://node-1";
  check_update<N>(old, {
      {"cordon", [](N& n) { n.spec.unschedulable = true; }, {}},
      {"podCIDRs fixed once set", [](N& n) { n.spec.podCIDR = "10.244.9.0/24"; n.spec.podCIDRs = {"10.244.9.0/24"}; },
       {"spec.podCIDRs: Forbidden: node updates may not change podCIDR except from \"\" to valid"}},
      {"providerID fixed once set", [](N& n) { n.spec.providerID = "other://node-1"; },
       {"spec.providerID: Forbidden: node updates may not change providerID except from \"\" to valid"}},
      {"externalID", [](N& n) { n.spec.externalID = "x"; }, {"spec.externalID: Forbidden: may not be updated"}},
      {"an address twice", [](N& n) {
         core_v1::NodeAddress a;
         a.type = "InternalIP";
         a.address = "10.0.0.5";
         n.status.addresses = {a, a};
       }, {"status.addresses[1]: Duplicate value: core.NodeAddress{Type:\"InternalIP\", Address:\"10.0.0.5\"}"}},
  });
  N unassigned = base;
  unassigned.spec.podCIDR.clear();
  unassigned.spec.podCIDRs.clear();
  check_update<N>(unassigned, {{"podCIDR assigned", [](N& n) { n.spec.podCIDRs = {"10.244.3.0/24"}; }, {}}});
}

// ---- Namespace and Event ----------------------------------------------------------------

TEST_CASE("Namespace: finalizers, and the phase of a status update", "[unit][validation]") {
  using NS = core_v1::Namespace;
  const NS base = defaulted<NS>("apiVersion: v1\nkind: Namespace\nmetadata: {name: team-a}\nspec: {finalizers: [kubernetes]}\n");
  check_cases<NS>(base, {
      {"a qualified finalizer", [](NS& n) { n.spec.finalizers = {"example.com/cleanup"}; }, {}},
      {"a non-standard finalizer", [](NS& n) { n.spec.finalizers = {"cleanup"}; },
       {"spec.finalizers: Invalid value: \"cleanup\": name is neither a standard finalizer name nor is it fully qualified"}},
      {"a malformed finalizer", [](NS& n) { n.spec.finalizers = {"-x"}; },
       {"spec.finalizers: Invalid value: \"-x\": name part " + kQualifiedNameRule,
        "spec.finalizers: Invalid value: \"-x\": name is neither a standard finalizer name nor is it fully qualified"}},
  });
  CHECK(lines(validate_kind_update(base, base)) == Lines{});

  NS terminating = base;
  CHECK(base.status.phase == "Active");
  CHECK(lines(validation::validate_namespace_status_update(base, base)) == Lines{});
  terminating.status.phase = "Terminating";
  CHECK(lines(validation::validate_namespace_status_update(terminating, base)) ==
        Lines{"status.Phase: Invalid value: \"Terminating\": may only be 'Active' if `deletionTimestamp` is empty"});
  terminating.metadata.deletionTimestamp = Time::parse("2026-01-02T03:04:05Z").value();
  CHECK(lines(validation::validate_namespace_status_update(terminating, base)) == Lines{});
}

TEST_CASE("Event: namespaces and, for events with eventTime, the reporting fields", "[unit][validation]") {
  using Ev = core_v1::Event;
  const Ev base = defaulted<Ev>(R"(
apiVersion: v1
kind: Event
metadata: {name: web.1, namespace: default}
involvedObject: {kind: Pod, name: web, namespace: default}
reason: Scheduled
message: assigned
type: Normal
)");
  auto new_style = [](Ev& e) {
    e.eventTime = Time::parse("2026-01-02T03:04:05Z").value();
    e.reportingComponent = "kubepp.io/scheduler";
    e.reportingInstance = "scheduler-1";
    e.action = "Binding";
  };
  check_cases<Ev>(base, {
      {"another namespace", [](Ev& e) { e.involvedObject.namespace_ = "prod"; },
       {"involvedObject.namespace: Invalid value: \"prod\": does not match event.namespace"}},
      {"a cluster-scoped object in default", [](Ev& e) { e.involvedObject.namespace_ = ""; }, {}},
      {"a cluster-scoped object elsewhere", [](Ev& e) { e.involvedObject.namespace_ = ""; e.metadata.namespace_ = "prod"; },
       {"involvedObject.namespace: Invalid value: \"\": does not match event.namespace"}},
      {"the event's namespace", [](Ev& e) { e.involvedObject.namespace_ = e.metadata.namespace_ = "Prod"; },
       {"namespace: Invalid value: \"Prod\": " + kDNS1123SubdomainRule}},
      {"a new-style event", new_style, {}},
      {"a new-style event without reporting fields", [&](Ev& e) {
         new_style(e);
         e.reportingInstance = e.action = e.reason = "";
       }, {"reportingInstance: Required value", "action: Required value", "reason: Required value"}},
      {"reportingController is a qualified name", [&](Ev& e) { new_style(e); e.reportingComponent = "-x"; },
       {"reportingController: Invalid value: \"-x\": name part " + kQualifiedNameRule}},
      {"128-character action", [&](Ev& e) { new_style(e); e.action = std::string(128, 'a'); }, {}},
      {"129-character action", [&](Ev& e) { new_style(e); e.action = std::string(129, 'a'); },
       {"action: Invalid value: \"\": can have at most 128 characters"}},
      {"1025-character message", [&](Ev& e) { new_style(e); e.message = std::string(1025, 'm'); },
       {"message: Invalid value: \"\": can have at most 1024 characters"}},
  });
}

// ---- ConfigMap and Secret ---------------------------------------------------------------

TEST_CASE("ConfigMap: keys, overlap with binaryData, size, immutability", "[unit][validation]") {
  using CM = core_v1::ConfigMap;
  const CM base = defaulted<CM>("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, namespace: default}\n"
                                "data: {app.properties: 'a=b', KEY_1: x}\n");
  check_cases<CM>(base, {
      {"a bad key", [](CM& c) { c.data["a b"] = "x"; }, {"data[a b]: Invalid value: \"a b\": " + kConfigKeyRule}},
      {"..", [](CM& c) { c.data[".."] = "x"; }, {"data[..]: Invalid value: \"..\": must not be '..'"}},
      {"a bad binary key", [](CM& c) { c.binaryData["..x"] = Bytes{"x"}; },
       {"binaryData[..x]: Invalid value: \"..x\": must not start with '..'"}},
      {"a key in both", [](CM& c) { c.binaryData["KEY_1"] = Bytes{"x"}; },
       {"data[KEY_1]: Invalid value: \"KEY_1\": duplicate of key present in binaryData"}},
      {"exactly 1 MiB", [](CM& c) { c.data = {{"a", std::string(1024 * 1024 - 1, 'x')}}; c.binaryData = {{"b", Bytes{"y"}}}; }, {}},
      {"1 MiB and a byte", [](CM& c) { c.data = {{"a", std::string(1024 * 1024, 'x')}}; c.binaryData = {{"b", Bytes{"y"}}}; },
       {": Too long: must have at most 1048576 bytes"}},
  });
  CM immutable = base;
  immutable.immutable = true;
  check_update<CM>(immutable, {
      {"labels may change", [](CM& c) { c.metadata.labels["x"] = "y"; }, {}},
      {"data may not", [](CM& c) { c.data["KEY_1"] = "z"; }, {"data: Forbidden: field is immutable when `immutable` is set"}},
      {"binaryData may not", [](CM& c) { c.binaryData["b"] = Bytes{"z"}; },
       {"binaryData: Forbidden: field is immutable when `immutable` is set"}},
      {"nor immutable itself", [](CM& c) { c.immutable = false; },
       {"immutable: Forbidden: field is immutable when `immutable` is set"}},
  });
  check_update<CM>(base, {{"a mutable ConfigMap changes", [](CM& c) { c.data["KEY_1"] = "z"; c.immutable = true; }, {}}});
}

TEST_CASE("Secret: keys, size and what each type requires", "[unit][validation]") {
  using Sec = core_v1::Secret;
  const Sec base = defaulted<Sec>("apiVersion: v1\nkind: Secret\nmetadata: {name: s, namespace: default}\n"
                                  "data: {password: c2VjcmV0}\n");
  auto typed = [](std::string type, std::map<std::string, std::string> data) {
    return [type, data](Sec& s) {
      s.type = type;
      s.data.clear();
      for (const auto& [k, v] : data) s.data[k] = Bytes{v};
    };
  };
  check_cases<Sec>(base, {
      {"a bad key", [](Sec& s) { s.data["a/b"] = Bytes{"x"}; }, {"data[a/b]: Invalid value: \"a/b\": " + kConfigKeyRule}},
      {"a bad key in stringData", [](Sec& s) { s.stringData["a b"] = "x"; },
       {"data[a b]: Invalid value: \"a b\": " + kConfigKeyRule}},
      {"exactly 1 MiB", [](Sec& s) { s.data = {{"a", Bytes{std::string(1024 * 1024, 'x')}}}; }, {}},
      {"1 MiB and a byte", [](Sec& s) { s.data = {{"a", Bytes{std::string(1024 * 1024 + 1, 'x')}}}; },
       {"data: Too long: must have at most 1048576 bytes"}},
      {"tls", typed("kubernetes.io/tls", {{"tls.crt", "c"}, {"tls.key", "k"}}), {}},
      {"tls without its keys", typed("kubernetes.io/tls", {}), {"data[tls.crt]: Required value", "data[tls.key]: Required value"}},
      {"tls keys from stringData", [&](Sec& s) {
         typed("kubernetes.io/tls", {})(s);
         s.stringData = {{"tls.crt", "c"}, {"tls.key", "k"}};
       }, {}},
      {"dockerconfigjson", typed("kubernetes.io/dockerconfigjson", {{".dockerconfigjson", R"({"auths":{}})"}}), {}},
      {"dockerconfigjson without its key", typed("kubernetes.io/dockerconfigjson", {}),
       {"data[.dockerconfigjson]: Required value"}},
      {"dockerconfigjson that is not JSON", typed("kubernetes.io/dockerconfigjson", {{".dockerconfigjson", "{"}}),
       {"data[.dockerconfigjson]: Invalid value: \"<secret contents redacted>\": unexpected end of JSON input"}},
      {"dockerconfigjson that is not an object", typed("kubernetes.io/dockerconfigjson", {{".dockerconfigjson", "[]"}}),
       {"data[.dockerconfigjson]: Invalid value: \"<secret contents redacted>\": json: cannot unmarshal array into Go "
        "value of type map[string]interface {}"}},
      {"dockercfg without its key", typed("kubernetes.io/dockercfg", {}), {"data[.dockercfg]: Required value"}},
      {"basic-auth with a username", typed("kubernetes.io/basic-auth", {{"username", ""}}), {}},
      {"basic-auth with neither", typed("kubernetes.io/basic-auth", {}),
       {"data[username]: Required value", "data[password]: Required value"}},
      {"ssh-auth with an empty key", typed("kubernetes.io/ssh-auth", {{"ssh-privatekey", ""}}),
       {"data[ssh-privatekey]: Required value"}},
      {"a service-account token needs its account", typed("kubernetes.io/service-account-token", {}),
       {"metadata.annotations[kubernetes.io/service-account.name]: Required value"}},
      {"a custom type", typed("example.com/custom", {}), {}},
  });
  Sec immutable = base;
  immutable.immutable = true;
  check_update<Sec>(immutable, {
      {"type may not change", [](Sec& s) { s.type = "kubernetes.io/basic-auth"; },
       {"type: Invalid value: \"kubernetes.io/basic-auth\": field is immutable"}},
      {"data may not change", [](Sec& s) { s.data["password"] = Bytes{"new"}; },
       {"data: Forbidden: field is immutable when `immutable` is set"}},
      {"nor immutable itself", [](Sec& s) { s.immutable.reset(); },
       {"immutable: Forbidden: field is immutable when `immutable` is set"}},
  });
}

// ---- ReplicationController -------------------------------------------------------------

TEST_CASE("ReplicationController: selector, replicas and template", "[unit][validation]") {
  using RC = core_v1::ReplicationController;
  const RC base = defaulted<RC>(R"(
apiVersion: v1
kind: ReplicationController
metadata: {name: web, namespace: default}
spec:
  replicas: 2
  template:
    metadata: {labels: {app: web, tier: front}}
    spec:
      containers: [{name: web, image: "nginx:1.27", imagePullPolicy: IfNotPresent}]
)");
  REQUIRE(base.spec.selector == std::map<std::string, std::string>{{"app", "web"}, {"tier", "front"}});
  check_cases<RC>(base, {
      {"a narrower selector", [](RC& r) { r.spec.selector = {{"app", "web"}}; }, {}},
      {"a selector the template does not match", [](RC& r) { r.spec.selector = {{"app", "api"}}; },
       {"spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\", \"tier\":\"front\"}: " +
        kNotMatching}},
      {"selector required", [](RC& r) { r.spec.selector.clear(); }, {"spec.selector: Required value"}},
      {"0 replicas", [](RC& r) { r.spec.replicas = 0; }, {}},
      {"-1 replicas", [](RC& r) { r.spec.replicas = -1; }, {"spec.replicas: Invalid value: -1: must be greater than or equal to 0"}},
      {"minReadySeconds -1", [](RC& r) { r.spec.minReadySeconds = -1; },
       {"spec.minReadySeconds: Invalid value: -1: must be greater than or equal to 0"}},
      {"template required", [](RC& r) { r.spec.template_.reset(); }, {"spec.template: Required value"}},
      {"restartPolicy Always only", [](RC& r) { r.spec.template_->spec.restartPolicy = "OnFailure"; },
       {"spec.template.spec.restartPolicy: Unsupported value: \"OnFailure\": supported values: \"Always\""}},
      {"no activeDeadlineSeconds", [](RC& r) { r.spec.template_->spec.activeDeadlineSeconds = 30; },
       {"spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicationController is not "
        "Supported"}},
  });
}

// ---- PersistentVolumeClaim -------------------------------------------------------------

TEST_CASE("PersistentVolumeClaim: access modes, storage, class, mode, sources", "[unit][validation]") {
  using PVC = core_v1::PersistentVolumeClaim;
  const PVC base = defaulted<PVC>(R"(
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: data, namespace: default}
spec:
  accessModes: [ReadWriteOnce]
  resources: {requests: {storage: 1Gi}}
)");
  auto storage = [](const char* q) {
    return [q](PVC& p) { p.spec.resources.requests["storage"] = Quantity::parse(q).value(); };
  };
  check_cases<PVC>(base, {
      {"access modes required", [](PVC& p) { p.spec.accessModes.clear(); },
       {"spec.accessModes: Required value: at least 1 access mode is required"}},
      {"an unknown access mode", [](PVC& p) { p.spec.accessModes = {"ReadWriteSometimes"}; },
       {"spec.accessModes: Unsupported value: \"ReadWriteSometimes\": supported values: \"ReadOnlyMany\", "
        "\"ReadWriteMany\", \"ReadWriteOnce\", \"ReadWriteOncePod\""}},
      {"ReadWriteOncePod alone", [](PVC& p) { p.spec.accessModes = {"ReadWriteOncePod", "ReadOnlyMany"}; },
       {"spec.accessModes: Forbidden: may not use ReadWriteOncePod with other access modes"}},
      {"storage required", [](PVC& p) { p.spec.resources.requests.clear(); }, {"spec.resources[storage]: Required value"}},
      {"storage 0", storage("0"), {"spec.resources[storage]: Invalid value: \"0\": must be greater than zero"}},
      {"storage 1", storage("1"), {}},
      {"negative storage", storage("-1Gi"), {"spec.resources[storage]: Invalid value: \"-1Gi\": must be greater than zero"}},
      {"volumeMode", [](PVC& p) { p.spec.volumeMode = "Raw"; },
       {"spec.volumeMode: Unsupported value: \"Raw\": supported values: \"Block\", \"Filesystem\""}},
      {"storageClassName", [](PVC& p) { p.spec.storageClassName = "Fast_SSD"; },
       {"spec.storageClassName: Invalid value: \"Fast_SSD\": " + kDNS1123SubdomainRule}},
      {"an empty storageClassName", [](PVC& p) { p.spec.storageClassName = ""; }, {}},
      {"a selector", [](PVC& p) {
         p.spec.selector.emplace().matchExpressions.push_back({"tier", "Foo", {"a"}});
       }, {"spec.selector.matchExpressions[0].operator: Invalid value: \"Foo\": not a valid selector operator"}},
      {"a snapshot needs its group", [](PVC& p) {
         p.spec.dataSource.emplace();
         p.spec.dataSource->kind = "VolumeSnapshot";
         p.spec.dataSource->name = "snap";
       }, {"spec.dataSource: Invalid value: \"VolumeSnapshot\": must be 'PersistentVolumeClaim' when referencing the "
           "default apiGroup"}},
      {"a claim as source", [](PVC& p) {
         p.spec.dataSource.emplace();
         p.spec.dataSource->kind = "PersistentVolumeClaim";
       }, {"spec.dataSource.name: Required value"}},
  });

  PVC old = base;
  old.spec.storageClassName = "standard";
  check_update<PVC>(old, {
      {"storage grows while unbound", storage("2Gi"),
       {"spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for "
        "bound claims"}},
      {"volumeName set once", [](PVC& p) { p.spec.volumeName = "pv-1"; }, {}},
      {"class changed", [](PVC& p) { p.spec.storageClassName = "fast"; },
       {"spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for "
        "bound claims"}},
  });
  PVC bound = old;
  bound.spec.volumeName = "pv-1";
  bound.status.phase = "Bound";
  bound.status.capacity["storage"] = Quantity::parse("1Gi").value();
  check_update<PVC>(bound, {
      {"a bound claim grows", storage("2Gi"), {}},
      {"a bound claim shrinks", storage("512Mi"),
       {"spec.resources.requests.storage: Forbidden: field can not be less than status.capacity"}},
      {"volumeMode fixed", [](PVC& p) { p.spec.volumeMode = "Block"; },
       {"spec: Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for "
        "bound claims",
        "volumeMode: Invalid value: \"Block\": field is immutable"}},
  });
}

// ---- the rules as the API server runs them ------------------------------------------------

TEST_CASE("rules.cpp runs the core kinds' rules after the metadata's", "[unit][validation]") {
  auto svc = defaulted<core_v1::Service>(kService);
  svc.metadata.name = "Web";
  svc.spec.ports[0].port = 0;
  CHECK(lines(validate(*find_kind("v1", "Service"), &svc)) ==
        Lines{"metadata.name: Invalid value: \"Web\": " + kDNS1035LabelRule,
              "spec.ports[0].port: Invalid value: 0: " + kPortRange});

  auto cm = defaulted<core_v1::ConfigMap>("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: d}\n"
                                          "immutable: true\ndata: {a: b}\n");
  auto changed = cm;
  changed.data["a"] = "c";
  CHECK(lines(validate_update(*find_kind("v1", "ConfigMap"), &changed, &cm)) ==
        Lines{"data: Forbidden: field is immutable when `immutable` is set"});

  // A headless service written the old way (clusterIP only) is normalized and accepted.
  auto headless = defaulted<core_v1::Service>(
      "apiVersion: v1\nkind: Service\nmetadata: {name: db, namespace: default}\nspec: {clusterIP: None}\n");
  CHECK(lines(validate(*find_kind("v1", "Service"), &headless)) == Lines{});
  // ServiceAccounts have only metadata rules.
  auto sa = defaulted<core_v1::ServiceAccount>("apiVersion: v1\nkind: ServiceAccount\nmetadata: {name: sa, namespace: d}\n");
  CHECK(lines(validate(*find_kind("v1", "ServiceAccount"), &sa)) == Lines{});
}

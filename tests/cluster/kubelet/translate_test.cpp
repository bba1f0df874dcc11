// translate_test.cpp — a Pod as CRI messages: the sandbox's config (namespaces, host name,
// logs, DNS, host ports, cgroup), each container's config (command expansion, labels,
// annotations, security context), and the runAsNonRoot check.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "cluster/kubelet/dns.h"
#include "cluster/kubelet/translate.h"
#include "tests/cluster/api/fixtures.h"

using namespace kubepp;
using namespace kubepp::kubelet;
using api::core_v1::Pod;
using api::testing::defaulted;
using runtime::cri::NamespaceMode;

namespace {

constexpr const char* kUid = "6f1c2b3a-0000-4000-8000-000000000001";

// A pod named web in namespace shop from its `spec:` lines (indented 2).
Pod pod(const std::string& spec) {
  return defaulted<Pod>(std::string(R"y(
apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
  uid: )y") + kUid + R"y(
  labels: {app: web}
  annotations: {note: hello}
spec:
)y" + spec);
}

const std::string kOneContainer = "  containers: [{name: app, image: nginx}]\n";

SandboxOptions options() {
  SandboxOptions o;
  o.attempt = 2;
  o.node_hostname = "node-1";
  o.host_dns = parse_resolv_conf("nameserver 192.168.1.1\nsearch lan\noptions ndots:2\n");
  return o;
}

runtime::cri::PodSandboxConfig sandbox(const Pod& p, const SandboxOptions& o = options()) {
  auto config = make_sandbox_config(p, o);
  INFO((config ? "" : config.error().message));
  REQUIRE(config.ok());
  return config.value();
}

runtime::cri::ContainerConfig container(const Pod& p, const ContainerOptions& o, size_t index = 0) {
  auto config = make_container_config(p, p.spec.containers[index], o);
  INFO((config ? "" : config.error().message));
  REQUIRE(config.ok());
  return config.value();
}

}  // namespace

TEST_CASE("the sandbox is named for the pod and keeps its logs by namespace, name and uid", "[unit][kubelet]") {
  auto s = sandbox(pod(kOneContainer));
  CHECK(s.metadata.name == "web");
  CHECK(s.metadata.namespace_ == "shop");
  CHECK(s.metadata.uid == kUid);
  CHECK(s.metadata.attempt == 2);
  CHECK(s.hostname == "web");
  CHECK(s.log_directory == std::string("/var/log/pods/shop_web_") + kUid);
  CHECK(s.labels == std::map<std::string, std::string>{{"app", "web"},
                                                       {"io.kubernetes.pod.name", "web"},
                                                       {"io.kubernetes.pod.namespace", "shop"},
                                                       {"io.kubernetes.pod.uid", kUid}});
  CHECK(s.annotations == std::map<std::string, std::string>{{"note", "hello"}});
  CHECK(s.linux.cgroup_parent == std::string("kubepods/pod") + kUid);
  CHECK_FALSE(s.linux.privileged);
  CHECK_FALSE(s.linux.run_as_user.has_value());
}

TEST_CASE("the sandbox's host name", "[unit][kubelet]") {
  CHECK(sandbox(pod("  hostname: db-0\n" + kOneContainer)).hostname == "db-0");
  CHECK(sandbox(pod("  hostNetwork: true\n" + kOneContainer)).hostname == "node-1");

  SECTION("a long name is cut to 63 characters, without a trailing dash") {
    Pod p = pod(kOneContainer);
    p.metadata.name = std::string(62, 'a') + "-bcd";
    CHECK(sandbox(p).hostname == std::string(62, 'a'));
  }
  SECTION("an invalid hostname fails, as upstream fails it") {
    Pod p = pod(kOneContainer);
    p.spec.hostname = "Not_A_Label";
    auto s = make_sandbox_config(p, options());
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().message.starts_with("pod Hostname \"Not_A_Label\" is not a valid DNS label: "));
  }
}

TEST_CASE("the sandbox's namespaces follow hostNetwork, hostPID, hostIPC and shareProcessNamespace",
          "[unit][kubelet]") {
  struct Case {
    const char* spec;
    NamespaceMode network, pid, ipc;
  };
  const Case cases[] = {
      {"", NamespaceMode::POD, NamespaceMode::CONTAINER, NamespaceMode::POD},
      {"  hostNetwork: true\n", NamespaceMode::NODE, NamespaceMode::CONTAINER, NamespaceMode::POD},
      {"  hostPID: true\n", NamespaceMode::POD, NamespaceMode::NODE, NamespaceMode::POD},
      {"  hostIPC: true\n", NamespaceMode::POD, NamespaceMode::CONTAINER, NamespaceMode::NODE},
      {"  shareProcessNamespace: true\n", NamespaceMode::POD, NamespaceMode::POD, NamespaceMode::POD},
      {"  hostPID: true\n  shareProcessNamespace: true\n", NamespaceMode::POD, NamespaceMode::NODE,
       NamespaceMode::POD},
  };
  for (const Case& c : cases) {
    CAPTURE(c.spec);
    const Pod p = pod(c.spec + kOneContainer);
    auto ns = sandbox(p).linux.namespace_options;
    CHECK(ns.network == c.network);
    CHECK(ns.pid == c.pid);
    CHECK(ns.ipc == c.ipc);
    // Every container shares them as the sandbox does.
    auto cns = container(p, {}).linux.security_context.namespace_options;
    CHECK(cns.network == c.network);
    CHECK(cns.pid == c.pid);
    CHECK(cns.ipc == c.ipc);
  }
}

TEST_CASE("every container port with a hostPort becomes a port mapping", "[unit][kubelet]") {
  auto s = sandbox(pod(R"y(
  containers:
  - name: web
    image: nginx
    ports:
    - {name: http, containerPort: 80, hostPort: 8080}
    - {name: metrics, containerPort: 9090}
    - {name: dns, containerPort: 53, hostPort: 5353, protocol: UDP, hostIP: 127.0.0.1}
  - name: side
    image: busybox
    ports: [{containerPort: 7000, hostPort: 7000}]
)y"));
  REQUIRE(s.port_mappings.size() == 3);
  CHECK(s.port_mappings[0].protocol == "TCP");
  CHECK(s.port_mappings[0].container_port == 80);
  CHECK(s.port_mappings[0].host_port == 8080);
  CHECK(s.port_mappings[1].protocol == "UDP");
  CHECK(s.port_mappings[1].host_port == 5353);
  CHECK(s.port_mappings[1].host_ip == "127.0.0.1");
  CHECK(s.port_mappings[2].container_port == 7000);

  SECTION("protocol TCP when unset (no defaults applied)") {
    Pod p = pod(kOneContainer);
    api::core_v1::ContainerPort port;
    port.containerPort = 80;
    port.hostPort = 80;
    p.spec.containers[0].ports = {port};
    CHECK(sandbox(p).port_mappings.at(0).protocol == "TCP");
  }
}

TEST_CASE("the sandbox is privileged when any container is, and carries the pod's settings", "[unit][kubelet]") {
  auto s = sandbox(pod(R"y(
  securityContext:
    runAsUser: 1000
    sysctls: [{name: net/ipv4/tcp_syncookies, value: "1"}, {name: kernel.shm_rmid_forced, value: "1"}]
  initContainers: [{name: setup, image: busybox, securityContext: {privileged: true}}]
  containers: [{name: app, image: nginx, resources: {limits: {cpu: 500m, memory: 64Mi}}}]
)y"));
  CHECK(s.linux.privileged);
  CHECK(s.linux.run_as_user == 1000);
  CHECK(s.linux.sysctls == std::map<std::string, std::string>{{"net.ipv4.tcp_syncookies", "1"},
                                                              {"kernel.shm_rmid_forced", "1"}});
  // The init container sets no limits, so neither does the pod's cgroup.
  CHECK(s.linux.resources.cpu_shares == 512);
  CHECK(s.linux.resources.cpu_quota == 0);
  CHECK(s.linux.resources.memory_limit_in_bytes == 0);

  SECTION("the pod's pids limit comes from the node") {
    SandboxOptions o = options();
    o.pod_pids_limit = 1024;
    o.cgroup_root = "kubepp/pods";
    auto limited = sandbox(pod(kOneContainer), o);
    CHECK(limited.linux.resources.pids_limit == 1024);
    CHECK(limited.linux.cgroup_parent == std::string("kubepp/pods/pod") + kUid);
  }
}

TEST_CASE("the pod's DNS: the node's, its own, or both", "[unit][kubelet]") {
  SECTION("Default and ClusterFirst (no cluster DNS yet) use the node's resolv.conf") {
    for (const char* policy : {"Default", "ClusterFirst", "ClusterFirstWithHostNet"}) {
      CAPTURE(policy);
      auto dns = sandbox(pod(std::string("  dnsPolicy: ") + policy + "\n" + kOneContainer)).dns_config;
      CHECK(dns.servers == std::vector<std::string>{"192.168.1.1"});
      CHECK(dns.searches == std::vector<std::string>{"lan"});
      CHECK(dns.options == std::vector<std::string>{"ndots:2"});
    }
  }
  SECTION("None takes dnsConfig alone") {
    auto dns = sandbox(pod(R"y(
  dnsPolicy: None
  dnsConfig: {nameservers: [1.1.1.1], searches: [example.com], options: [{name: edns0}]}
)y" + kOneContainer)).dns_config;
    CHECK(dns.servers == std::vector<std::string>{"1.1.1.1"});
    CHECK(dns.searches == std::vector<std::string>{"example.com"});
    CHECK(dns.options == std::vector<std::string>{"edns0"});
  }
  SECTION("dnsConfig merges in: duplicates dropped, options replaced by name, at most 3 servers") {
    auto dns = sandbox(pod(R"y(
  dnsConfig:
    nameservers: [192.168.1.1, 8.8.8.8, 8.8.4.4, 9.9.9.9]
    searches: [lan, svc.example]
    options: [{name: ndots, value: "5"}, {name: timeout, value: "2"}, {name: rotate}]
)y" + kOneContainer)).dns_config;
    CHECK(dns.servers == std::vector<std::string>{"192.168.1.1", "8.8.8.8", "8.8.4.4"});
    CHECK(dns.searches == std::vector<std::string>{"lan", "svc.example"});
    CHECK(dns.options == std::vector<std::string>{"ndots:5", "timeout:2", "rotate"});
  }
  SECTION("resolv.conf as the kubelet reads it") {
    auto host = parse_resolv_conf(
        "# generated\nnameserver 10.0.0.2\nnameserver 10.0.0.3\nsearch old.example\n"
        "search example.com. corp.example .\noptions ndots:1 attempts:2\noptions ndots:3\nnameserver\n");
    CHECK(host.servers == std::vector<std::string>{"10.0.0.2", "10.0.0.3"});
    CHECK(host.searches == std::vector<std::string>{"example.com", "corp.example"});
    CHECK(host.options == std::vector<std::string>{"ndots:3", "attempts:2"});
  }
}

TEST_CASE("a container's command and args expand $(VAR) from its environment", "[unit][kubelet]") {
  const Pod p = pod(R"y(
  containers:
  - name: app
    image: busybox
    command: [sh, -c, "echo $(GREETING) $(UNSET) $$(GREETING)"]
    args: ["--port=$(PORT)"]
    workingDir: /srv
    stdin: true
    tty: true
)y");
  ContainerOptions o;
  o.attempt = 3;
  o.envs = {{"GREETING", "hello"}, {"PORT", "8080"}};
  o.mounts = {{"/data", "/var/lib/kubepp/pods/x/volumes/data", false, false}};
  o.image_ref = "docker.io/library/busybox:latest";
  auto c = container(p, o);
  CHECK(c.command == std::vector<std::string>{"sh", "-c", "echo hello $(UNSET) $(GREETING)"});
  CHECK(c.args == std::vector<std::string>{"--port=8080"});
  CHECK(c.metadata.name == "app");
  CHECK(c.metadata.attempt == 3);
  CHECK(c.image.image == "docker.io/library/busybox:latest");
  CHECK(c.working_dir == "/srv");
  CHECK(c.stdin);
  CHECK(c.tty);
  CHECK(c.envs.size() == 2);
  REQUIRE(c.mounts.size() == 1);
  CHECK(c.mounts[0].container_path == "/data");
  CHECK(c.log_path == "app/3.log");
}

TEST_CASE("a container is labelled for its pod and annotated with what the kubelet reads back",
          "[unit][kubelet]") {
  const Pod p = pod(R"y(
  terminationGracePeriodSeconds: 30
  containers:
  - name: app
    image: nginx
    ports: [{name: http, containerPort: 80}]
    lifecycle: {preStop: {exec: {command: [nginx, -s, quit]}}}
)y");
  ContainerOptions o;
  o.attempt = 1;
  auto c = container(p, o);
  CHECK(c.labels == std::map<std::string, std::string>{{"io.kubernetes.container.name", "app"},
                                                       {"io.kubernetes.pod.name", "web"},
                                                       {"io.kubernetes.pod.namespace", "shop"},
                                                       {"io.kubernetes.pod.uid", kUid}});
  CHECK(c.annotations.at("io.kubernetes.container.restartCount") == "1");
  CHECK(c.annotations.at("io.kubernetes.container.terminationMessagePath") == "/dev/termination-log");
  CHECK(c.annotations.at("io.kubernetes.container.terminationMessagePolicy") == "File");
  CHECK(c.annotations.at("io.kubernetes.pod.terminationGracePeriod") == "30");
  CHECK(c.annotations.at("io.kubernetes.container.preStopHandler") == R"y({"exec":{"command":["nginx","-s","quit"]}})y");
  CHECK(c.annotations.at("io.kubernetes.container.ports") ==
        R"y([{"containerPort":80,"name":"http","protocol":"TCP"}])y");  // keys sorted, unlike Go's
  CHECK_FALSE(c.annotations.contains("io.kubernetes.pod.deletionGracePeriod"));

  SECTION("the hash changes with the image, not with the restart count") {
    const std::string hash = c.annotations.at("io.kubernetes.container.hash");
    CHECK(hash.size() <= 8);
    ContainerOptions again = o;
    again.attempt = 2;
    CHECK(container(p, again).annotations.at("io.kubernetes.container.hash") == hash);
    Pod other = p;
    other.spec.containers[0].image = "nginx:1.27";
    CHECK(container(other, o).annotations.at("io.kubernetes.container.hash") != hash);
  }
}

TEST_CASE("a container gets its resources and an OOM score", "[unit][kubelet]") {
  const Pod p = pod("  containers: [{name: app, image: nginx, resources: {limits: {cpu: 250m, memory: 64Mi}}}]\n");
  ContainerOptions o;
  o.node_memory_capacity = 4LL << 30;
  auto r = container(p, o).linux.resources;
  CHECK(r.cpu_shares == 256);
  CHECK(r.cpu_quota == 25000);
  CHECK(r.cpu_period == 100000);
  CHECK(r.memory_limit_in_bytes == 64 * 1024 * 1024);
  CHECK(r.oom_score_adj == -997);
}

TEST_CASE("the container's security context wins over the pod's", "[unit][kubelet]") {
  const Pod p = pod(R"y(
  securityContext: {runAsUser: 1000, runAsGroup: 3000, fsGroup: 2000, supplementalGroups: [4000, 5000]}
  containers:
  - name: app
    image: nginx
    securityContext:
      runAsUser: 1001
      capabilities: {add: [NET_ADMIN, CAP_SYS_TIME], drop: [ALL]}
      readOnlyRootFilesystem: true
      allowPrivilegeEscalation: false
  - name: plain
    image: nginx
)y");
  auto sc = container(p, {}).linux.security_context;
  CHECK(sc.run_as_user == 1001);
  CHECK(sc.run_as_group == 3000);
  CHECK(sc.supplemental_groups == std::vector<int64_t>{2000, 4000, 5000});
  CHECK(sc.capabilities.add_capabilities == std::vector<std::string>{"NET_ADMIN", "CAP_SYS_TIME"});
  CHECK(sc.capabilities.drop_capabilities == std::vector<std::string>{"ALL"});
  CHECK(sc.readonly_rootfs);
  CHECK(sc.no_new_privs);
  CHECK_FALSE(sc.privileged);

  auto plain = container(p, {}, 1).linux.security_context;
  CHECK(plain.run_as_user == 1000);  // the pod's
  CHECK(plain.capabilities.add_capabilities.empty());
  CHECK_FALSE(plain.readonly_rootfs);
  CHECK_FALSE(plain.no_new_privs);  // unset is not false

  SECTION("privileged, and the image's user when nobody sets one") {
    const Pod q = pod("  containers: [{name: app, image: nginx, securityContext: {privileged: true}}]\n");
    ContainerOptions o;
    o.image_user = "101:101";
    auto s = container(q, o).linux.security_context;
    CHECK(s.privileged);
    CHECK(s.run_as_user == 101);
    o.image_user = "nginx";
    s = container(q, o).linux.security_context;
    CHECK_FALSE(s.run_as_user.has_value());
    CHECK(s.run_as_username == "nginx");
  }
}

TEST_CASE("runAsNonRoot refuses a container that would run as root", "[unit][kubelet]") {
  const std::string where = std::string("(pod: \"web_shop(") + kUid + ")\", container: app)";
  auto check = [](const Pod& p, const std::string& image_user) {
    return verify_run_as_non_root(p, p.spec.containers[0], image_user);
  };
  const Pod pod_level = pod("  securityContext: {runAsNonRoot: true}\n" + kOneContainer);

  SECTION("an image that runs as root, or as nobody in particular") {
    for (const char* user : {"", "0", "0:0", "root"}) {
      CAPTURE(user);
      Status s = check(pod_level, user);
      REQUIRE_FALSE(s.ok());
      if (std::string(user) == "root") {
        CHECK(s.error().message == "container has runAsNonRoot and image has non-numeric user (root), cannot verify "
                                   "user is non-root " + where);
      } else {
        CHECK(s.error().message == "container has runAsNonRoot and image will run as root " + where);
      }
    }
    auto config = make_container_config(pod_level, pod_level.spec.containers[0], {});
    REQUIRE_FALSE(config.ok());
    CHECK(config.error().message == "container has runAsNonRoot and image will run as root " + where);
  }
  SECTION("a numeric user other than 0 passes, if the kernel can run as it") {
    CHECK(check(pod_level, "1000").ok());
    CHECK(check(pod_level, "1000:1000").ok());
    Status s = check(pod_level, "4294967296");
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().message == "container has runAsNonRoot and image has an invalid user id (4294967296). (Must be "
                               "1-(2147483647)): must be between 0 and 2147483647, inclusive " + where);
  }
  SECTION("runAsUser decides when set") {
    const Pod zero = pod("  securityContext: {runAsNonRoot: true, runAsUser: 0}\n" + kOneContainer);
    Status s = check(zero, "1000");
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().message == "container's runAsUser breaks non-root policy " + where);
    const Pod nonzero = pod("  securityContext: {runAsNonRoot: true, runAsUser: 1000}\n" + kOneContainer);
    CHECK(check(nonzero, "").ok());
  }
  SECTION("the container's setting wins, and without it nothing is checked") {
    const Pod off = pod(R"y(
  securityContext: {runAsNonRoot: true}
  containers: [{name: app, image: nginx, securityContext: {runAsNonRoot: false}}]
)y");
    CHECK(check(off, "").ok());
    CHECK(check(pod(kOneContainer), "").ok());
    CHECK(format_pod(pod_level) == std::string("web_shop(") + kUid + ")");
  }
}

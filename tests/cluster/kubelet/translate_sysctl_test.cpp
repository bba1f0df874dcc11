// translate_sysctl_test.cpp — the kubelet's sysctl admission: safe sysctls pass, unsafe
// ones only when the node allows them, and none of a namespace the pod shares with the
// node.
#include <catch2/catch.hpp>

#include <optional>
#include <string>
#include <vector>

#include "cluster/kubelet/sysctl.h"
#include "cluster/kubelet/translate.h"
#include "tests/cluster/api/fixtures.h"

using namespace kubepp;
using namespace kubepp::kubelet;
using api::core_v1::Pod;
using api::testing::defaulted;

namespace {

// A pod that sets one sysctl, with extra `spec:` lines (indented 2).
Pod pod_setting(const std::string& sysctl, const std::string& spec = "") {
  return defaulted<Pod>(R"y(
apiVersion: v1
kind: Pod
metadata: {name: tuned, namespace: default, uid: u-1}
spec:
  securityContext:
    sysctls: [{name: ")y" + sysctl + R"y(", value: "1"}]
  containers: [{name: app, image: nginx}]
)y" + spec);
}

SandboxOptions node(std::vector<std::string> allowed = {}, std::string kernel = "6.1.0-18-amd64") {
  SandboxOptions o;
  o.allowed_unsafe_sysctls = std::move(allowed);
  o.kernel_version = std::move(kernel);
  return o;
}

// The rejection's message, or "" when the pod is admitted.
std::string rejection(const Pod& pod, const SandboxOptions& options) {
  std::optional<PodRejection> r = admit_pod(pod, options);
  if (!r) return "";
  CHECK(r->reason == "SysctlForbidden");
  return r->message;
}

}  // namespace

TEST_CASE("safe sysctls are admitted on any node", "[unit][kubelet]") {
  for (const char* s : {"kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies",
                        "net.ipv4.ping_group_range", "net.ipv4.ip_unprivileged_port_start",
                        "net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl",
                        "net.ipv4.tcp_keepalive_probes", "net.ipv4.ip_local_reserved_ports", "net.ipv4.tcp_rmem",
                        "net.ipv4.tcp_wmem", "net/ipv4/tcp_syncookies"}) {
    CAPTURE(s);
    CHECK(rejection(pod_setting(s), node()) == "");
  }
  CHECK(rejection(defaulted<Pod>("apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, "
                                 "image: nginx}]\n"),
                  node()) == "");
}

TEST_CASE("some safe sysctls need a newer kernel", "[unit][kubelet]") {
  CHECK(safe_sysctls("").size() == 9);
  CHECK(safe_sysctls("3.10.0-1160.el7.x86_64").size() == 9);
  CHECK(safe_sysctls("4.14.0") == std::vector<std::string>{
                                      "kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range",
                                      "net.ipv4.tcp_syncookies", "net.ipv4.ping_group_range",
                                      "net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_keepalive_time",
                                      "net.ipv4.tcp_fin_timeout", "net.ipv4.tcp_keepalive_intvl",
                                      "net.ipv4.tcp_keepalive_probes", "net.ipv4.ip_local_reserved_ports"});
  CHECK(safe_sysctls("4.15").size() == 12);
  CHECK(rejection(pod_setting("net.ipv4.tcp_rmem"), node({}, "4.14.0")) ==
        "forbidden sysctl: \"net.ipv4.tcp_rmem\" not allowlisted");
}

TEST_CASE("unsafe sysctls are refused unless the node allows them", "[unit][kubelet]") {
  CHECK(rejection(pod_setting("kernel.msgmax"), node()) == "forbidden sysctl: \"kernel.msgmax\" not allowlisted");
  CHECK(rejection(pod_setting("net.core.somaxconn"), node()) ==
        "forbidden sysctl: \"net.core.somaxconn\" not allowlisted");
  CHECK(rejection(pod_setting("vm.swappiness"), node({"kernel.msg*"})) ==
        "forbidden sysctl: \"vm.swappiness\" not allowlisted");

  SECTION("by name or by a prefix pattern") {
    CHECK(rejection(pod_setting("kernel.msgmax"), node({"kernel.msg*"})) == "");
    CHECK(rejection(pod_setting("kernel.msgmnb"), node({"kernel.msg*"})) == "");
    CHECK(rejection(pod_setting("net.core.somaxconn"), node({"net.core.somaxconn"})) == "");
    CHECK(rejection(pod_setting("net.core.rmem_max"), node({"net.core.somaxconn"})) ==
          "forbidden sysctl: \"net.core.rmem_max\" not allowlisted");
  }
}

TEST_CASE("a pod on the node's namespaces may set none of their sysctls", "[unit][kubelet]") {
  CHECK(rejection(pod_setting("net.ipv4.tcp_syncookies", "  hostNetwork: true\n"), node()) ==
        "forbidden sysctl: \"net.ipv4.tcp_syncookies\" not allowed with host net enabled");
  CHECK(rejection(pod_setting("kernel.shm_rmid_forced", "  hostIPC: true\n"), node()) ==
        "forbidden sysctl: \"kernel.shm_rmid_forced\" not allowed with host ipc enabled");
  CHECK(rejection(pod_setting("kernel.msgmax", "  hostIPC: true\n"), node({"kernel.msg*"})) ==
        "forbidden sysctl: \"kernel.msgmax\" not allowed with host ipc enabled");
  // The other namespace is still the pod's own.
  CHECK(rejection(pod_setting("kernel.shm_rmid_forced", "  hostNetwork: true\n"), node()) == "");
  CHECK(rejection(pod_setting("net.ipv4.tcp_syncookies", "  hostIPC: true\n"), node()) == "");
}

TEST_CASE("sysctls belong to the IPC or the network namespace, or to none", "[unit][kubelet]") {
  CHECK(namespaced_by("kernel.sem") == SysctlNamespace::Ipc);
  CHECK(namespaced_by("kernel.shmmax") == SysctlNamespace::Ipc);
  CHECK(namespaced_by("kernel.msgmax") == SysctlNamespace::Ipc);
  CHECK(namespaced_by("fs.mqueue.msg_max") == SysctlNamespace::Ipc);
  CHECK(namespaced_by("net.ipv4.ip_forward") == SysctlNamespace::Net);
  CHECK(namespaced_by("kernel.semaphores") == SysctlNamespace::Unknown);
  CHECK(namespaced_by("vm.swappiness") == SysctlNamespace::Unknown);
  CHECK(sysctl_to_dots("net/ipv4/conf/eth0.100/forwarding") == "net.ipv4.conf.eth0/100.forwarding");
  CHECK(sysctl_to_dots("net.ipv4.conf.eth0/100.forwarding") == "net.ipv4.conf.eth0/100.forwarding");
}

TEST_CASE("the node's allowlist refuses patterns that are malformed or not namespaced", "[unit][kubelet]") {
  CHECK(SysctlAllowlist::create({"kernel.msg*", "net.*", "kernel.sem", "net/ipv4/tcp_syncookies"}).ok());
  CHECK(is_valid_sysctl_pattern("kernel.msg*"));
  CHECK(is_valid_sysctl_pattern("net.ipv4.conf.eth0/100.forwarding"));
  CHECK_FALSE(is_valid_sysctl_pattern("Kernel.msg*"));
  CHECK_FALSE(is_valid_sysctl_pattern("kernel.*.msg"));
  CHECK_FALSE(is_valid_sysctl_pattern("kernel..msg"));
  CHECK_FALSE(is_valid_sysctl_pattern(std::string(254, 'a')));

  auto bad = SysctlAllowlist::create({"Kernel.msg*"});
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().message ==
        "sysctl \"Kernel.msg*\" must have at most 253 characters and match regex "
        "([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*([a-z0-9][-_a-z0-9]*)?[a-z0-9*]");
  auto wide = SysctlAllowlist::create({"kernel.*"});
  REQUIRE_FALSE(wide.ok());
  CHECK(wide.error().message == "the sysctls \"kernel.*\" are not known to be namespaced");
  auto vm = SysctlAllowlist::create({"vm.swappiness"});
  REQUIRE_FALSE(vm.ok());
  CHECK(vm.error().message == "the sysctl \"vm.swappiness\" are not known to be namespaced");

  SECTION("admission ignores a malformed pattern; the safe list still applies") {
    CHECK(rejection(pod_setting("net.ipv4.tcp_syncookies"), node({"Kernel.msg*"})) == "");
    CHECK(rejection(pod_setting("kernel.msgmax"), node({"Kernel.msg*"})) ==
          "forbidden sysctl: \"kernel.msgmax\" not allowlisted");
  }
}

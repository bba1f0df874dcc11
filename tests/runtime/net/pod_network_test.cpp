// Tests of runtime/net/pod_network and netns: real namespaces, a real bridge and veths,
// real routes and iptables rules — each case under the leak check, which fails it if
// anything of that is left behind.
#include "runtime/net/pod_network.h"

#include <catch2/catch.hpp>
#include <filesystem>

#include "runtime/base/files.h"
#include "runtime/net/net_names.h"
#include "runtime/net/netlink.h"
#include "runtime/net/netns.h"
#include "tests/runtime/net/sockets.h"
#include "tests/runtime/net/test_network.h"
#include "tests/support/leak_check.h"

using namespace kubepp;
using namespace kubepp::runtime::net;
using namespace kubepp::testing;
namespace fs = std::filesystem;

namespace {

std::string trimmed(const std::string& text) { return text.substr(0, text.find_last_not_of("\n") + 1); }

}  // namespace

ROOT_TEST_CASE("create_netns pins a namespace with lo up, and a taken name is AlreadyExists", "[root][net]") {
  Result<fs::path> path = create_netns("kubepp-t-ns");
  REQUIRE(path.ok());
  CHECK(path.value() == "/run/netns/kubepp-t-ns");
  CHECK(netns_path("kubepp-t-ns") == path.value());
  Result<fs::path> again = create_netns("kubepp-t-ns");
  CHECK(again.error().code == ErrorCode::AlreadyExists);
  CHECK(create_netns("../etc").error().code == ErrorCode::Invalid);
  // Inside, lo is up: 127.0.0.1 answers.
  Result<UniqueFd> listener = listen_in(path.value(), 0);
  REQUIRE(listener.ok());
  Status inside = run_in_netns(path.value(), [&]() -> Status {
    Result<UniqueFd> client = connect_from("", "127.0.0.1", bound_port(listener.value().get()));
    if (!client) return client.error();
    CHECK(ping_pong(client.value().get(), listener.value().get()) == "pong");
    return {};
  });
  CHECK(inside.ok());
  CHECK(delete_netns("kubepp-t-ns").ok());
  CHECK_FALSE(fs::exists(path.value()));
  CHECK(delete_netns("kubepp-t-ns").ok());  // gone is fine
}

ROOT_TEST_CASE("pods reach each other over the bridge, the host reaches them, nothing leaves", "[root][net]") {
  const std::string ip_forward = read_file("/proc/sys/net/ipv4/ip_forward");
  TestNetwork net;
  const PodInterface a = net.add_pod("a");
  const PodInterface b = net.add_pod("b");

  SECTION("each pod has its own address, a MAC from it, and a veth on the bridge") {
    CHECK(a.ip != b.ip);
    CHECK(a.gateway == "10.244.250.1");
    CHECK(a.prefix_length == 24);
    CHECK_THAT(a.ip, Catch::StartsWith("10.244.250."));
    CHECK_THAT(a.host_veth, Catch::Matches("kubepp-[0-9a-f]{8}"));
    CHECK(a.mac == format_mac({0x0a, 0x58, 10, 244, 250, static_cast<uint8_t>(std::stoi(a.ip.substr(11)))}));
    CHECK(fs::read_symlink("/sys/class/net/" + a.host_veth + "/master").filename() == "kubepp-t0");
    CHECK(trimmed(read_file("/sys/class/net/" + a.host_veth + "/brport/hairpin_mode")) == "1");
    // Forwarding is on for the bridge alone; the host's switch is as it was.
    CHECK(trimmed(read_file("/proc/sys/net/ipv4/conf/kubepp-t0/forwarding")) == "1");
    CHECK(read_file("/proc/sys/net/ipv4/ip_forward") == ip_forward);

    Result<Netlink> inside = Netlink::open_in(netns_path("kubepp-t-a"));
    REQUIRE(inside.ok());
    CHECK(inside.value().link_index("eth0").ok());
    CHECK_FALSE(inside.value().link_index(a.host_veth).ok());
    // Rules: pod traffic may stay on the bridge, and goes nowhere else.
    CommandResult rules = run_command({"iptables", "-w", "-S", "KUBEPP-FORWARD"});
    CHECK_THAT(rules.out, Catch::Contains("-A KUBEPP-FORWARD -i kubepp-t0 -o kubepp-t0 -j ACCEPT\n"
                                          "-A KUBEPP-FORWARD -i kubepp-t0 -j DROP"));
    CHECK_THAT(run_command({"iptables", "-w", "-S", "FORWARD"}).out, Catch::Contains("-A FORWARD -j KUBEPP-FORWARD"));
  }

  SECTION("a pod reaches another pod's address, over the bridge") {
    Result<UniqueFd> listener = listen_in(netns_path("kubepp-t-a"), 8080);
    REQUIRE(listener.ok());
    Result<UniqueFd> client = connect_from(netns_path("kubepp-t-b"), a.ip, 8080);
    REQUIRE(client.ok());
    CHECK(ping_pong(client.value().get(), listener.value().get()) == "pong");
  }

  SECTION("the host reaches a pod's address") {
    Result<UniqueFd> listener = listen_in(netns_path("kubepp-t-a"), 8080);
    REQUIRE(listener.ok());
    Result<UniqueFd> client = connect_from("", a.ip, 8080);
    REQUIRE(client.ok());
    CHECK(ping_pong(client.value().get(), listener.value().get()) == "pong");
  }

  SECTION("an address of the cluster outside the node is unreachable, not routed out") {
    CommandResult route = run_command({"ip", "-o", "route", "get", "10.244.1.5"});
    CHECK(route.status != 0);
    CHECK_THAT(route.err, Catch::Contains("No route to host"));
    CHECK(run_command({"ip", "-o", "route", "get", "10.100.0.1"}).status != 0);  // the service CIDR's guard
    CHECK_THAT(run_command({"ip", "route", "show", "10.244.0.0/16"}).out, Catch::Contains("unreachable 10.244.0.0/16"));
    // From a pod: the host answers for the guard route at once.
    Result<UniqueFd> client = connect_from(netns_path("kubepp-t-a"), "10.244.1.5", 80);
    REQUIRE_FALSE(client.ok());
    CHECK_THAT(client.error().message, Catch::Contains("EHOSTUNREACH"));
  }

  SECTION("attach is idempotent: the same sandbox keeps its address and veth") {
    Result<PodInterface> again = attach_pod(net.config, "sandbox-a", netns_path("kubepp-t-a"));
    REQUIRE(again.ok());
    CHECK(again.value().ip == a.ip);
    CHECK(again.value().host_veth == a.host_veth);
    CHECK(again.value().mac == a.mac);
  }

  SECTION("teardown is refused while pods hold addresses, and removes everything after") {
    Status early = teardown_node_network(net.config);
    REQUIRE_FALSE(early.ok());
    CHECK(early.error().code == ErrorCode::Conflict);
    CHECK_THAT(early.error().message, Catch::Contains(a.ip) && Catch::Contains("sandbox-b"));
    CHECK(fs::exists("/sys/class/net/kubepp-t0"));

    CHECK(detach_pod(net.config, "sandbox-a").ok());
    CHECK(detach_pod(net.config, "sandbox-a").ok());  // gone is fine
    CHECK_FALSE(fs::exists("/sys/class/net/" + a.host_veth));
    CHECK(detach_pod(net.config, "sandbox-b").ok());
    CHECK(teardown_node_network(net.config).ok());
    CHECK_FALSE(fs::exists("/sys/class/net/kubepp-t0"));
    CHECK_FALSE(fs::exists(net.config.ipam_dir));
    CHECK(run_command({"iptables", "-w", "-S", "KUBEPP-FORWARD"}).status != 0);
    CHECK(run_command({"ip", "route", "show", "10.244.0.0/16"}).out.empty());
  }
}

ROOT_TEST_CASE("a failed attach leaves no veth and no address behind", "[root][net]") {
  TestNetwork net;
  net.sandboxes.push_back("sandbox-x");
  Result<PodInterface> pod = attach_pod(net.config, "sandbox-x", "/run/netns/kubepp-t-missing");
  REQUIRE_FALSE(pod.ok());
  CHECK_THAT(pod.error().message, Catch::Contains("/run/netns/kubepp-t-missing"));
  Result<Netlink> host = Netlink::open();
  REQUIRE(host.ok());
  CHECK_FALSE(host.value().link_index(host_veth_name("sandbox-x")).ok());
  CHECK_FALSE(host.value().link_index(temporary_veth_name("sandbox-x")).ok());
  CHECK(teardown_node_network(net.config).ok());  // no address is held
}

ROOT_TEST_CASE("teardown leaves the bridge to another state root's pods", "[root][net]") {
  // Two roots, one bridge: `mine` holds no address, `theirs` has a pod plugged in.
  TestNetwork mine, theirs;
  const PodInterface pod = theirs.add_pod("c");
  Status early = teardown_node_network(mine.config);
  REQUIRE_FALSE(early.ok());
  CHECK(early.error().code == ErrorCode::Conflict);
  CHECK_THAT(early.error().message, Catch::Contains("another state root") && Catch::Contains(pod.host_veth));
  CHECK(fs::exists("/sys/class/net/kubepp-t0"));

  CHECK(detach_pod(theirs.config, "sandbox-c").ok());
  CHECK(teardown_node_network(mine.config).ok());
  CHECK_FALSE(fs::exists("/sys/class/net/kubepp-t0"));
}

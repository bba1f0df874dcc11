// Tests of runtime/net/host_ports: a pod's port published on the node, reached through
// the DNAT rules from another pod and through the forwarder on 127.0.0.1, and removed
// without a trace (the leak check counts chains, rules' chains and child processes).
#include <signal.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "runtime/net/net_names.h"
#include "runtime/net/pod_network.h"
#include "runtime/state.h"
#include "tests/runtime/net/sockets.h"
#include "tests/runtime/net/test_network.h"
#include "tests/support/leak_check.h"

using namespace kubepp;
using namespace kubepp::runtime::net;
using namespace kubepp::testing;
namespace fs = std::filesystem;

ROOT_TEST_CASE("a hostPort leads to the pod from other pods, from 127.0.0.1 and from the pod itself",
               "[root][net]") {
  TestNetwork net;
  const PodInterface a = net.add_pod("a");
  net.add_pod("b");
  Result<UniqueFd> listener = listen_in(netns_path("kubepp-t-a"), 8080);
  REQUIRE(listener.ok());
  const int host_port = free_loopback_port();

  Result<pid_t> forwarder = add_host_ports(net.config, "sandbox-a", a.ip, {{"TCP", 8080, host_port, ""}});
  REQUIRE(forwarder.ok());
  REQUIRE(forwarder.value() > 0);
  CHECK_FALSE(runtime::process_start_time(forwarder.value()).empty());
  CHECK_THAT(run_command({"iptables", "-w", "-t", "nat", "-S", hostport_chain("sandbox-a")}).out,
             Catch::Contains("--dport " + std::to_string(host_port) + " -j DNAT --to-destination " + a.ip + ":8080"));
  CHECK(fs::exists(net.dir / "lib/networks/hostports/sandbox-a.json"));

  SECTION("from another pod, at the gateway's address: DNAT, then the bridge") {
    Result<UniqueFd> client = connect_from(netns_path("kubepp-t-b"), a.gateway, host_port);
    REQUIRE(client.ok());
    CHECK(ping_pong(client.value().get(), listener.value().get()) == "pong");
  }

  SECTION("from the host, at 127.0.0.1: the forwarder") {
    Result<UniqueFd> client = connect_from("", "127.0.0.1", host_port);
    REQUIRE(client.ok());
    CHECK(ping_pong(client.value().get(), listener.value().get()) == "pong");
  }

  SECTION("from the pod itself: hairpin and MASQUERADE") {
    Result<UniqueFd> client = connect_from(netns_path("kubepp-t-a"), a.gateway, host_port);
    REQUIRE(client.ok());
    CHECK(ping_pong(client.value().get(), listener.value().get()) == "pong");
  }

  SECTION("another sandbox cannot publish the same port; it gets a Conflict naming the holder") {
    Result<pid_t> second = add_host_ports(net.config, "sandbox-b", "10.244.250.99", {{"TCP", 9090, host_port, ""}});
    REQUIRE_FALSE(second.ok());
    CHECK(second.error().code == ErrorCode::Conflict);
    CHECK_THAT(second.error().message,
               Catch::Contains("host port " + std::to_string(host_port) + "/TCP") && Catch::Contains("`sandbox-a`"));
    CHECK(run_command({"iptables", "-w", "-t", "nat", "-S", hostport_chain("sandbox-b")}).status != 0);
    CHECK_FALSE(fs::exists(net.dir / "lib/networks/hostports/sandbox-b.json"));
  }

  SECTION("a port another program holds on 127.0.0.1 is a Conflict, and nothing is left of the attempt") {
    Result<UniqueFd> squatter = listen_in("", 0);
    REQUIRE(squatter.ok());
    const int taken = bound_port(squatter.value().get());
    Result<pid_t> second = add_host_ports(net.config, "sandbox-b", "10.244.250.99", {{"TCP", 9090, taken, ""}});
    REQUIRE_FALSE(second.ok());
    CHECK(second.error().code == ErrorCode::Conflict);
    CHECK_THAT(second.error().message, Catch::Contains("EADDRINUSE") && Catch::Contains(std::to_string(taken)));
    CHECK(run_command({"iptables", "-w", "-t", "nat", "-S", hostport_chain("sandbox-b")}).status != 0);
  }

  SECTION("publishing again replaces the forwarder; removing stops it and the rules go") {
    Result<pid_t> again = add_host_ports(net.config, "sandbox-a", a.ip, {{"TCP", 8080, host_port, ""}});
    REQUIRE(again.ok());
    CHECK(again.value() != forwarder.value());
    CHECK(::kill(forwarder.value(), 0) != 0);  // stopped and reaped

    REQUIRE(remove_host_ports(net.config, "sandbox-a").ok());
    CHECK(::kill(again.value(), 0) != 0);
    CHECK(run_command({"iptables", "-w", "-t", "nat", "-S", hostport_chain("sandbox-a")}).status != 0);
    CHECK_FALSE(fs::exists(net.dir / "lib/networks/hostports/sandbox-a.json"));
    CHECK(remove_host_ports(net.config, "sandbox-a").ok());  // gone is fine
    Result<UniqueFd> refused = connect_from("", "127.0.0.1", host_port);
    CHECK_FALSE(refused.ok());

    // The last pod out takes the shared chains along.
    CHECK(detach_pod(net.config, "sandbox-a").ok());
    CHECK(detach_pod(net.config, "sandbox-b").ok());
    CHECK(teardown_node_network(net.config).ok());
    CHECK(run_command({"iptables", "-w", "-t", "nat", "-S", "KUBEPP-HOSTPORTS"}).status != 0);
    CHECK(run_command({"iptables", "-w", "-t", "nat", "-S", "KUBEPP-POSTROUTING"}).status != 0);
    CHECK_FALSE(fs::exists(net.dir / "lib/networks/hostports"));
  }
}

ROOT_TEST_CASE("bad hostPort mappings are Invalid and change nothing", "[root][net]") {
  TestNetwork net;
  net.sandboxes.push_back("sandbox-x");
  for (const PortMapping& bad : {PortMapping{"SCTP", 80, 30080, ""}, PortMapping{"TCP", 0, 30080, ""},
                                 PortMapping{"TCP", 80, 70000, ""}, PortMapping{"TCP", 80, 30080, "localhost"}}) {
    Result<pid_t> added = add_host_ports(net.config, "sandbox-x", "10.244.250.5", {bad});
    REQUIRE_FALSE(added.ok());
    CHECK(added.error().code == ErrorCode::Invalid);
  }
  Result<pid_t> twice = add_host_ports(net.config, "sandbox-x", "10.244.250.5",
                                       {{"TCP", 80, 30080, ""}, {"TCP", 81, 30080, "127.0.0.1"}});
  REQUIRE_FALSE(twice.ok());
  CHECK_THAT(twice.error().message, Catch::Contains("published twice"));
  // UDP needs no forwarder: rules only.
  Result<pid_t> udp = add_host_ports(net.config, "sandbox-x", "10.244.250.5", {{"UDP", 53, free_loopback_port(), ""}});
  REQUIRE(udp.ok());
  CHECK(udp.value() == 0);
  CHECK(remove_host_ports(net.config, "sandbox-x").ok());
}

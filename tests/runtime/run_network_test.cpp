// `kubepp run --net bridge` and `-p`: Docker's default bridge network for a container of
// its own — an address on kubepp0, ports published for 127.0.0.1 (the forwarder) and for
// other network namespaces (DNAT), and nothing of it left once the container ends.
#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <thread>

#include "runtime/state.h"
#include "tests/support/containers.h"
#include "tests/support/leak_check.h"

using namespace kubepp::runtime;
using kubepp::testing::run_command;
using kubepp::testing::run_kubepp;
using kubepp::testing::TempRoot;
namespace fs = std::filesystem;

namespace {

constexpr int kHostPort = 18473;

// GET / from the host's 127.0.0.1:PORT; "" when nothing answers.
std::string get_from_loopback(int port) {
  const std::string tcp = "/dev/tcp/127.0.0.1/" + std::to_string(port);
  const std::string get = "printf 'GET / HTTP/1.0\\r\\n\\r\\n' >&3 && cat <&3";
  return run_command({"bash", "-c", "exec 3<>" + tcp + " 2>/dev/null && " + get}).out;
}

}  // namespace

ROOT_TEST_CASE("run -p publishes a container's port for 127.0.0.1 and for other network namespaces",
               "[root][run-net]") {
  TempRoot root;
  const std::string port = std::to_string(kHostPort);
  auto web = run_kubepp(root, {"run", "-d", "--name", "web", "-p", port + ":80", "busybox", "sh", "-c",
                       "mkdir /www && echo published > /www/index.html && exec httpd -f -p 80 -h /www"});
  REQUIRE(web.status == 0);
  kubepp::Result<ContainerState> state = read_state(root.dirs(), "web");
  REQUIRE(state.ok());
  const ContainerNetwork network = state.value().network;
  CHECK(network.netns == "kubepp-web");
  CHECK_THAT(network.ip, Catch::StartsWith("10.244.0."));
  CHECK(network.ports == std::vector<std::string>{"0.0.0.0:" + port + "->80/tcp"});
  CHECK(fs::exists("/run/netns/kubepp-web"));
  CHECK_THAT(run_kubepp(root, {"ps"}).out, Catch::Contains("0.0.0.0:" + port + "->80/tcp"));
  // Docker's /etc/hosts for a container on a bridge: its name at its address.
  CHECK_THAT(run_kubepp(root, {"exec", "web", "cat", "/etc/hosts"}).out, Catch::Contains(network.ip + "\tweb\n"));

  // From the host's loopback, through the forwarder.
  std::string got;
  for (int i = 0; i < 50 && got.find("published") == std::string::npos; ++i) {
    got = get_from_loopback(kHostPort);
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK_THAT(got, Catch::Contains("published"));

  // From another network namespace: a second container on the bridge, to the node's
  // address there (the gateway), which the DNAT sends on to the first. And straight to
  // the first container's address. (busybox 1.35's `wget -T` crashes: hence timeout.)
  for (const std::string& url : {"http://10.244.0.1:" + port + "/", "http://" + network.ip + "/"}) {
    auto client = run_kubepp(root, {"run", "--net", "bridge", "busybox", "timeout", "10", "wget", "-q", "-O-", url});
    CHECK(client.status == 0);
    CHECK(client.out == "published\n");
  }

  // The port is taken: a second container cannot have it, and leaves nothing behind.
  auto second = run_kubepp(root, {"run", "-d", "--name", "web2", "-p", port + ":80", "busybox", "sleep", "60"});
  CHECK(second.status == 125);
  CHECK_THAT(second.err, Catch::Contains("host port " + port + "/TCP is already published for `web`"));
  CHECK_FALSE(fs::exists("/run/netns/kubepp-web2"));
  CHECK_FALSE(fs::exists(root.dirs().container_lib("web2")));

  // Stopped, the container gives back its address, namespace, rules and port at once.
  REQUIRE(run_kubepp(root, {"stop", "-t", "1", "web"}).status == 0);  // httpd, pid 1, ignores SIGTERM
  CHECK_FALSE(fs::exists("/run/netns/kubepp-web"));
  CHECK_THAT(run_command({"iptables", "-w", "-t", "nat", "-S"}).out, !Catch::Contains("--dport " + port));
  CHECK(get_from_loopback(kHostPort).empty());
  CHECK_THAT(run_kubepp(root, {"ps"}).out, !Catch::Contains("->80/tcp"));
  CHECK(run_kubepp(root, {"rm", "web"}).status == 0);
  CHECK(run_kubepp(root, {"cleanup"}).status == 0);
  kubepp::testing::reap_children();
}

ROOT_TEST_CASE("a foreground run on the bridge leaves nothing; -p wants the bridge and says how to write it",
               "[root][run-net]") {
  TempRoot root;
  auto run =
      run_kubepp(root, {"run", "-p", "127.0.0.1:18474:8080/tcp", "busybox", "ip", "-4", "-o", "addr", "show", "eth0"});
  CHECK(run.status == 0);
  CHECK_THAT(run.out, Catch::Contains("inet 10.244.0."));
  CHECK(run_kubepp(root, {"ps", "-q"}).out.empty());
  CHECK(run_command({"bash", "-c", "ls /run/netns | grep -c '^kubepp-'"}).out == "0\n");

  auto host = run_kubepp(root, {"run", "--net", "host", "-p", "18474:80", "busybox", "true"});
  CHECK(host.status == 125);
  CHECK_THAT(host.err, Catch::Contains("-p publishes ports of the bridge network, not with --net host"));
  auto bad = run_kubepp(root, {"run", "-p", "80", "busybox", "true"});
  CHECK(bad.status == 125);
  CHECK_THAT(bad.err, Catch::Contains("-p `80`: a host port and a container port"));
  CHECK_THAT(bad.err, Catch::Contains("(want [IP:]HOST:CONTAINER[/tcp|udp])"));
  auto sctp = run_kubepp(root, {"run", "-p", "80:80/sctp", "busybox", "true"});
  CHECK_THAT(sctp.err, Catch::Contains("protocol `sctp`"));
  auto range = run_kubepp(root, {"run", "-p", "8080:70000", "busybox", "true"});
  CHECK_THAT(range.err, Catch::Contains("ports go from 1 to 65535"));
  CHECK(run_kubepp(root, {"cleanup"}).status == 0);
  kubepp::testing::reap_children();  // the forwarder, killed, was `kubepp run`'s child: ours now
}

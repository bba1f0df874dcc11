// Tests of runtime/net/port_forwarder: the relay process behind a hostPort on 127.0.0.1,
// here relaying from one loopback port to another, so it needs no privileges.
#include "runtime/net/port_forwarder.h"

#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include <catch2/catch.hpp>

#include "tests/runtime/net/sockets.h"

using namespace kubepp;
using namespace kubepp::runtime::net;
using namespace kubepp::testing;

namespace {

const Ipv4Address kLoopback{0x7f000001};

// Kills and reaps the forwarder however the test ends.
struct ForwarderGuard {
  pid_t pid = 0;
  ~ForwarderGuard() {
    if (pid > 0) ::kill(pid, SIGKILL), ::waitpid(pid, nullptr, 0);
  }
};

}  // namespace

TEST_CASE("the forwarder relays both ways and passes a half-close on", "[unit][net]") {
  Result<UniqueFd> server = listen_tcp(kLoopback, 0);  // stands in for the pod
  REQUIRE(server.ok());
  Result<UniqueFd> front = listen_tcp(kLoopback, 0);   // stands in for the host port
  REQUIRE(front.ok());
  const int front_port = bound_port(front.value().get());
  std::vector<ForwardedPort> ports;
  ports.push_back({std::move(front.value()), kLoopback, bound_port(server.value().get())});
  ForwarderGuard forwarder;
  Result<pid_t> pid = start_port_forwarder(std::move(ports));
  REQUIRE(pid.ok());
  forwarder.pid = pid.value();

  for (int round = 0; round < 2; ++round) {  // the forwarder serves connection after connection
    Result<UniqueFd> client = connect_from("", "127.0.0.1", front_port);
    REQUIRE(client.ok());
    // A request, then the client's end of sending: an HTTP/1.0-style exchange.
    const std::string request(200000, 'x');  // more than one buffer's worth
    REQUIRE(send_all(client.value().get(), request));
    ::shutdown(client.value().get(), SHUT_WR);
    Result<UniqueFd> accepted = accept_within(server.value().get());
    REQUIRE(accepted.ok());
    CHECK(read_some(accepted.value().get(), request.size() + 1) == request);  // then EOF: the half-close came through
    REQUIRE(send_all(accepted.value().get(), "answer"));
    accepted.value().reset();
    CHECK(read_some(client.value().get(), 100) == "answer");
  }
}

TEST_CASE("a connection to a pod that refuses is closed, and the forwarder goes on", "[unit][net]") {
  const int dead_port = free_loopback_port();  // nobody listens there
  Result<UniqueFd> front = listen_tcp(kLoopback, 0);
  REQUIRE(front.ok());
  const int front_port = bound_port(front.value().get());
  std::vector<ForwardedPort> ports;
  ports.push_back({std::move(front.value()), kLoopback, dead_port});
  ForwarderGuard forwarder;
  forwarder.pid = start_port_forwarder(std::move(ports)).value();

  for (int round = 0; round < 2; ++round) {
    Result<UniqueFd> client = connect_from("", "127.0.0.1", front_port);
    REQUIRE(client.ok());
    CHECK(read_some(client.value().get(), 1).empty());  // closed without a byte
  }
  CHECK(::kill(forwarder.pid, 0) == 0);
}

TEST_CASE("a port another socket listens on is a Conflict naming it", "[unit][net]") {
  Result<UniqueFd> first = listen_tcp(kLoopback, 0);
  REQUIRE(first.ok());
  const int port = bound_port(first.value().get());
  Result<UniqueFd> second = listen_tcp(kLoopback, port);
  REQUIRE_FALSE(second.ok());
  CHECK(second.error().code == ErrorCode::Conflict);
  CHECK(second.error().message == "bind `127.0.0.1:" + std::to_string(port) + "`: EADDRINUSE");
}

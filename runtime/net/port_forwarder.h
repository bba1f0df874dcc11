// port_forwarder.h — the userspace half of hostPorts: a process that accepts TCP
// connections on 127.0.0.1:<hostPort> and relays each one to <podIP>:<containerPort>.
//
// The DNAT rules of add_host_ports (pod_network.h) serve every address of the node but
// loopback: the kernel drops a packet from 127.0.0.1 that a DNAT sends out of the
// bridge, unless net.ipv4.conf.*.route_localnet is on, and that is a host setting kubepp
// leaves alone. So for `curl 127.0.0.1:<hostPort>` a small relay listens there instead,
// as kube-proxy's userspace mode once did for Services.
//
// The forwarder is a process of its own, not a thread: it outlives the kubepp command
// that published the ports (`kubepp play` returns; the pod keeps its hostPort) and is
// stopped by its pid when the ports are removed. It keeps nothing but its sockets, so
// SIGKILL is a fine way to stop it.
#pragma once

#include <sys/types.h>

#include <vector>

#include "runtime/base/result.h"
#include "runtime/base/unique_fd.h"
#include "runtime/net/ipv4.h"

namespace kubepp::runtime::net {

/// One relayed port: where connections arrive and where they go.
struct ForwardedPort {
  UniqueFd listener;    ///< a listening TCP socket (listen_tcp)
  Ipv4Address target;   ///< the pod's address
  int target_port = 0;  ///< the container's port
};

/// A TCP socket listening on `address`:`port`, with SO_REUSEADDR (a port whose last
/// connections linger in TIME_WAIT may be bound again). Conflict, naming the address
/// and port, when another socket has it.
Result<UniqueFd> listen_tcp(Ipv4Address address, int port);

/// Forks the forwarder for `ports` and returns its pid; the caller reaps it (or leaves
/// that to init when the caller ends first). The child runs in a session of its own,
/// with all signals unblocked, stdin, stdout and stderr on /dev/null and no descriptor
/// of the caller's but the listeners, and relays until it is killed. The listeners are
/// closed in the caller. Call from a single-threaded process: the child of a fork gets
/// only the forking thread, and the locks other threads held stay locked in it.
Result<pid_t> start_port_forwarder(std::vector<ForwardedPort> ports);

}  // namespace kubepp::runtime::net

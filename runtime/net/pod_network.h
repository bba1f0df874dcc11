// pod_network.h — the node's pod network: one bridge, a veth pair per pod, and the
// pod's address from the node's pod CIDR.
//
//        host                               pod's network namespace (/run/netns/kubepp-<sandbox>)
//   ┌────────────────────────────┐         ┌──────────────────────────────┐
//   │ kubepp0 10.244.0.1/24      │         │ eth0 10.244.0.7/24           │
//   │   └─ kubepp-3f2a1b2c ◀═════╪═ veth ══╪═▶ default via 10.244.0.1     │
//   │ unreachable 10.244.0.0/16  │         │ lo 127.0.0.1                 │
//   │ unreachable 10.96.0.0/12   │         └──────────────────────────────┘
//   └────────────────────────────┘
//
// Every pod on the node hangs off one Linux bridge, `kubepp0`, which holds the gateway
// address (the CIDR's first). Pods reach each other through the bridge, the host reaches
// them through the route the bridge's address makes, and the guard routes send anything
// else for a cluster address nowhere: no packet for 10.244.0.0/16 or 10.96.0.0/12 ever
// leaves the machine. This is what Kubernetes' `bridge` CNI plugin with `host-local`
// IPAM does; kubepp does it in-process over rtnetlink (netlink.h), without CNI's exec
// protocol.
//
// Everything here is idempotent and safe to call again after a crash: attach_pod for a
// sandbox that already has an address returns the same one, detach_pod of what is gone
// succeeds. Not thread-safe within a process; across processes an flock under
// `ipam_dir` serialises address allocation and the bridge's creation.
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

#include "runtime/base/result.h"
#include "runtime/names.h"

namespace kubepp::runtime::net {

/// The node's pod network.
struct NetworkConfig {
  std::string bridge = kBridgeName;        ///< the bridge every pod's veth joins
  std::string pod_cidr = "10.244.0.0/24";  ///< this node's pods; the bridge takes the first address
  /// Host routes of type `unreachable`: nothing for these leaves the machine.
  std::vector<std::string> guard_cidrs = {"10.244.0.0/16", "10.96.0.0/12"};
  std::filesystem::path ipam_dir;          ///< the address records: LIB/networks/BRIDGE (StateDirs::lib, the bridge)
  int mtu = 1500;

  /// The defaults, with the records under `dirs.lib`.
  static NetworkConfig under(const StateDirs& dirs) {
    NetworkConfig config;
    config.ipam_dir = dirs.lib / "networks" / config.bridge;
    return config;
  }
};

/// A pod's side of the network, as attach_pod made it.
struct PodInterface {
  std::string ip;          ///< "10.244.0.7"
  int prefix_length = 24;
  std::string gateway;     ///< "10.244.0.1"
  std::string host_veth;   ///< the host's end: "kubepp-" + 8 hex digits
  std::string mac;         ///< eth0's hardware address, "0a:58:…"
};

/// Creates a named network namespace, as `ip netns add NAME` does: a new namespace
/// pinned by a bind mount on /run/netns/NAME, with `lo` up. Returns its path.
/// AlreadyExists when the name is taken.
Result<std::filesystem::path> create_netns(const std::string& name);

/// Unpins and removes /run/netns/NAME; a missing one is fine. The namespace itself
/// lives on while a process is in it.
Status delete_netns(const std::string& name);

/// The path of the named network namespace NAME: /run/netns/NAME.
std::filesystem::path netns_path(const std::string& name);

/// Makes sure the bridge is up with the gateway address, forwarding is on for the
/// bridge alone (so a pod can reach another pod through a hostPort DNAT), and the guard
/// routes and the KUBEPP-FORWARD rules (nothing from the bridge leaves it) exist.
Status ensure_node_network(const NetworkConfig& config);

/// Gives the sandbox an address (the one it already has, if any), creates its veth
/// pair, moves one end into `netns` as eth0 with that address and a default route via
/// the gateway, and plugs the other into the bridge (hairpin on, so a pod may reach
/// itself through a DNAT). Calls ensure_node_network first. Unavailable when the CIDR
/// has no free address; on any failure nothing new is left behind.
Result<PodInterface> attach_pod(const NetworkConfig& config, const std::string& sandbox_id,
                                const std::filesystem::path& netns);

/// Deletes the sandbox's veth and releases its address. What is already gone is fine.
Status detach_pod(const NetworkConfig& config, const std::string& sandbox_id);

/// When no address is held any more: removes the bridge, the guard routes and the
/// KUBEPP-* chains. Returns Conflict (and removes nothing) while a pod holds an address,
/// or while any veth is still plugged into the bridge (pods of another state root).
Status teardown_node_network(const NetworkConfig& config);

/// A hostPort: traffic for the node's `host_port` goes to the pod's `container_port`.
struct PortMapping {
  std::string protocol = "TCP";  ///< TCP or UDP
  int container_port = 0;
  int host_port = 0;
  std::string host_ip;           ///< "" (every address of the node) or one address
};

/// Publishes the sandbox's hostPorts: a DNAT rule per mapping in the sandbox's chain
/// (KUBEPP-HP-<8 hex>) under KUBEPP-HOSTPORTS, which PREROUTING and OUTPUT jump to for
/// local destinations — for traffic from other network namespaces (pods), from other
/// hosts (where the host forwards: net.ipv4.ip_forward, which kubepp leaves as it is),
/// and from the host to any of its addresses but 127.0.0.0/8. For 127.0.0.1, where a
/// DNAT would need route_localnet (a host sysctl kubepp does not touch), a userspace
/// forwarder process (TCP) accepts and relays. Returns the forwarder's pid (0 when no
/// TCP mapping needs one). Conflict when a host port is already published by another
/// sandbox or bound on 127.0.0.1. Call from a single-threaded process (it forks).
Result<pid_t> add_host_ports(const NetworkConfig& config, const std::string& sandbox_id, const std::string& pod_ip,
                             const std::vector<PortMapping>& mappings);

/// Removes the sandbox's DNAT chain and stops its forwarder. What is gone is fine.
Status remove_host_ports(const NetworkConfig& config, const std::string& sandbox_id);

/// A network namespace of its own on the bridge, as a pod sandbox has it and a
/// container of `kubepp run --net bridge`: create_netns(`netns`), attach_pod(`key`) and,
/// when there are mappings, add_host_ports(`key`). On failure nothing of it is left;
/// a namespace that already existed (AlreadyExists) is not touched. Call from a
/// single-threaded process (add_host_ports forks).
Result<PodInterface> connect_netns(const NetworkConfig& config, const std::string& key, const std::string& netns,
                                   const std::vector<PortMapping>& mappings);

/// Undoes connect_netns: hostPorts, veth and address, namespace. Tries every step and
/// returns the first failure; what is already gone is fine.
Status disconnect_netns(const NetworkConfig& config, const std::string& key, const std::string& netns);

/// A published port as `docker ps` shows it: "0.0.0.0:8080->80/tcp".
std::string describe_published(const PortMapping& mapping);

}  // namespace kubepp::runtime::net

// pod_network.cpp — the node's bridge, a veth pair per pod, and the rules that keep pod
// traffic on the machine (pod_network.h has the picture).
//
// Every function here converges: it looks at what exists, makes what is missing and
// tolerates what is already there (AlreadyExists from the kernel, a rule iptables -C
// finds), so a call after a crash finishes what the crashed one began. The address
// records' lock (ipam.h) is held throughout each call, so two kubepp processes never
// build or tear down the node's network at the same time.
#include <fcntl.h>

#include <cctype>
#include <cerrno>

#include "runtime/base/files.h"
#include "runtime/net/host_ports.h"
#include "runtime/net/ipam.h"
#include "runtime/net/iptables.h"
#include "runtime/net/net_names.h"
#include "runtime/net/netlink.h"
#include "runtime/net/pod_network.h"

namespace kubepp::runtime::net {

namespace fs = std::filesystem;

namespace {

constexpr const char* kPodInterface = "eth0";

// The configuration, parsed once per call.
struct NodeNetwork {
  Ipv4Cidr pod_cidr;
  Ipv4Address gateway;
  std::vector<Ipv4Cidr> guards;
};

Result<NodeNetwork> parse_config(const NetworkConfig& config) {
  if (config.ipam_dir.empty()) return Error{ErrorCode::Invalid, "network `" + config.bridge + "`: ipam_dir is empty"};
  Result<Ipv4Cidr> pods = Ipv4Cidr::parse(config.pod_cidr);
  if (!pods) return Error{ErrorCode::Invalid, "network `" + config.bridge + "`: " + pods.error().message};
  NodeNetwork node{pods.value(), {pods.value().network.value + 1}, {}};
  for (const std::string& text : config.guard_cidrs) {
    Result<Ipv4Cidr> guard = Ipv4Cidr::parse(text);
    if (!guard) return Error{ErrorCode::Invalid, "network `" + config.bridge + "`: guard " + guard.error().message};
    node.guards.push_back(guard.value());
  }
  return node;
}

// What converging code does with "it is already there" or "it is already gone".
Status unless(ErrorCode expected, Status status) {
  if (!status && status.error().code == expected) return {};
  return status;
}

Route guard_route(const Ipv4Cidr& cidr) { return Route{cidr, Route::Type::Unreachable, {}, ""}; }

// FORWARD jumps to KUBEPP-FORWARD, which holds two rules per bridge: what comes in
// from the bridge may go out to the bridge (pod to pod, also after a DNAT) and nowhere
// else. Bridged frames pass FORWARD too (bridge-nf-call-iptables=1), hence the ACCEPT.
IptablesRule forward_jump() { return {"filter", "FORWARD", {"-j", kForwardChain}}; }
IptablesRule accept_within(const std::string& bridge) {
  return {"filter", kForwardChain, {"-i", bridge, "-o", bridge, "-j", "ACCEPT"}};
}
IptablesRule drop_leaving(const std::string& bridge) { return {"filter", kForwardChain, {"-i", bridge, "-j", "DROP"}}; }

Status ensure_forward_rules(const std::string& bridge) {
  if (Status s = ensure_chain("filter", kForwardChain); !s) return s;
  if (Status s = ensure_rule(accept_within(bridge), RulePosition::First); !s) return s;  // before the DROP
  if (Status s = ensure_rule(drop_leaving(bridge)); !s) return s;
  return ensure_rule(forward_jump(), RulePosition::First);  // before whatever else accepts
}

// The bridge, up, with the gateway address: the address also makes the route that
// sends the host's packets for the pod CIDR to the bridge.
Status ensure_bridge(Netlink& host, const NetworkConfig& config, const NodeNetwork& node) {
  if (!host.link_index(config.bridge)) {
    if (Status s = unless(ErrorCode::AlreadyExists, host.create_bridge(config.bridge, config.mtu)); !s) return s;
  }
  Status address = host.add_address(config.bridge, node.gateway, node.pod_cidr.prefix_length);
  if (Status s = unless(ErrorCode::AlreadyExists, address); !s) return s;
  return host.set_link_up(config.bridge);
}

// Routing between pods through a DNAT needs forwarding on the bridge. Only the bridge's
// own switch is turned on: net.ipv4.ip_forward (all interfaces) stays as the host has
// it, so the host routes nothing else than it did.
Status enable_forwarding(const std::string& bridge) {
  return write_file("/proc/sys/net/ipv4/conf/" + bridge + "/forwarding", "1");
}

// ensure_node_network's work, for a caller that holds the records' lock.
Status ensure_node_network_locked(Netlink& host, const NetworkConfig& config, const NodeNetwork& node) {
  if (Status s = ensure_bridge(host, config, node); !s) return s;
  if (Status s = enable_forwarding(config.bridge); !s) return s;
  for (const Ipv4Cidr& guard : node.guards) {
    if (Status s = unless(ErrorCode::AlreadyExists, host.add_route(guard_route(guard))); !s) return s;
  }
  return ensure_forward_rules(config.bridge);
}

// 0a:58 and the pod's address, as the bridge CNI plugin makes them: a locally
// administered unicast address, different for every pod, the same on every attach.
MacAddress pod_mac(Ipv4Address ip) {
  const std::array<uint8_t, 4> b = ip.bytes();
  return {0x0a, 0x58, b[0], b[1], b[2], b[3]};
}

// True when an earlier attach_pod finished: the host's end exists and the pod's eth0
// has the address.
bool already_attached(Netlink& host, const fs::path& netns, const PodInterface& pod, Ipv4Address ip) {
  if (!host.link_index(pod.host_veth)) return false;
  Result<Netlink> inside = Netlink::open_in(netns);
  if (!inside) return false;
  Result<int> eth0 = inside.value().link_index(kPodInterface);
  Result<std::vector<LinkAddress>> addresses = inside.value().addresses();
  if (!eth0 || !addresses) return false;
  for (const LinkAddress& address : addresses.value()) {
    if (address.link_index == eth0.value() && address.address == ip) return true;
  }
  return false;
}

// The veth pair, made on the host and half moved into the pod:
//   host: kubepp-<hash> ── plugged into the bridge, hairpin on, up
//   pod:  kubepp_<hash> ── moved into `netns`, renamed eth0, MAC, address, up,
//                          default route via the gateway
// `ns` is the namespace open at `netns`.
Status plug(Netlink& host, const NetworkConfig& config, const NodeNetwork& node, const std::string& sandbox_id,
            const fs::path& netns, int ns, Ipv4Address ip) {
  const std::string host_end = host_veth_name(sandbox_id), pod_end = temporary_veth_name(sandbox_id);
  // Half-made leftovers of a crashed attach: deleting an end deletes its peer.
  if (Status s = unless(ErrorCode::NotFound, host.delete_link(host_end)); !s) return s;
  if (Status s = unless(ErrorCode::NotFound, host.delete_link(pod_end)); !s) return s;
  if (Status s = host.create_veth(host_end, pod_end, config.mtu); !s) return s;
  if (Status s = host.set_master(host_end, config.bridge); !s) return s;
  if (Status s = host.set_hairpin(host_end, true); !s) return s;
  if (Status s = host.set_link_up(host_end); !s) return s;

  if (Status s = host.set_netns(pod_end, ns); !s) return s;
  Result<Netlink> inside = Netlink::open_in(netns);
  if (!inside) return inside.error();
  Netlink& pod = inside.value();
  if (Status s = pod.rename_link(pod_end, kPodInterface); !s) return s;
  if (Status s = pod.set_mac(kPodInterface, pod_mac(ip)); !s) return s;
  if (Status s = pod.add_address(kPodInterface, ip, node.pod_cidr.prefix_length); !s) return s;
  if (Status s = pod.set_link_up(kPodInterface); !s) return s;
  if (Status s = pod.set_link_up("lo"); !s) return s;
  return pod.add_route(Route{Ipv4Cidr{}, Route::Type::Unicast, node.gateway, kPodInterface});
}

}  // namespace

Status ensure_node_network(const NetworkConfig& config) {
  Result<NodeNetwork> node = parse_config(config);
  if (!node) return node.error();
  Result<Ipam> ipam = Ipam::open(config.ipam_dir, config.pod_cidr);  // for its lock
  if (!ipam) return ipam.error();
  Result<Netlink> host = Netlink::open();
  if (!host) return host.error();
  return ensure_node_network_locked(host.value(), config, node.value());
}

Result<PodInterface> attach_pod(const NetworkConfig& config, const std::string& sandbox_id, const fs::path& netns) {
  Result<NodeNetwork> node = parse_config(config);
  if (!node) return node.error();
  Result<Ipam> ipam = Ipam::open(config.ipam_dir, config.pod_cidr);
  if (!ipam) return ipam.error();
  Result<Netlink> host = Netlink::open();
  if (!host) return host.error();
  if (Status s = ensure_node_network_locked(host.value(), config, node.value()); !s) return s.error();

  const bool had_address = ipam.value().lookup(sandbox_id).ok();
  Result<Ipv4Address> ip = ipam.value().allocate(sandbox_id);
  if (!ip) return ip.error();
  const PodInterface pod{ip.value().str(), node.value().pod_cidr.prefix_length, node.value().gateway.str(),
                         host_veth_name(sandbox_id), format_mac(pod_mac(ip.value()))};
  if (had_address && already_attached(host.value(), netns, pod, ip.value())) return pod;

  UniqueFd ns(::open(netns.c_str(), O_RDONLY | O_CLOEXEC));
  if (!ns.valid()) {
    const Error error = sys_error("open", netns, errno);
    if (!had_address) (void)ipam.value().release(sandbox_id);
    return error;
  }
  if (Status s = plug(host.value(), config, node.value(), sandbox_id, netns, ns.get(), ip.value()); !s) {
    // Nothing new stays: the host's end takes the pod's along, and an address this
    // call reserved goes back.
    (void)host.value().delete_link(pod.host_veth);
    if (!had_address) (void)ipam.value().release(sandbox_id);
    return s.error();
  }
  return pod;
}

Status detach_pod(const NetworkConfig& config, const std::string& sandbox_id) {
  Result<Ipam> ipam = Ipam::open(config.ipam_dir, config.pod_cidr);
  if (!ipam) return ipam.error();
  Result<Netlink> host = Netlink::open();
  if (!host) return host.error();
  if (Status s = unless(ErrorCode::NotFound, host.value().delete_link(host_veth_name(sandbox_id))); !s) return s;
  if (Status s = unless(ErrorCode::NotFound, host.value().delete_link(temporary_veth_name(sandbox_id))); !s) return s;
  return ipam.value().release(sandbox_id);
}

Result<PodInterface> connect_netns(const NetworkConfig& config, const std::string& key, const std::string& netns,
                                   const std::vector<PortMapping>& mappings) {
  Result<fs::path> path = create_netns(netns);
  if (!path) return path.error();  // AlreadyExists: someone else's, not ours to delete
  Result<PodInterface> pod = attach_pod(config, key, path.value());
  if (pod && !mappings.empty()) {
    if (Result<pid_t> published = add_host_ports(config, key, pod.value().ip, mappings); !published) {
      pod = published.error();
    }
  }
  if (!pod) (void)disconnect_netns(config, key, netns);
  return pod;
}

Status disconnect_netns(const NetworkConfig& config, const std::string& key, const std::string& netns) {
  Status first;
  for (Status s : {remove_host_ports(config, key), detach_pod(config, key), delete_netns(netns)}) {
    if (!s && first.ok()) first = s;
  }
  return first;
}

std::string describe_published(const PortMapping& m) {
  std::string protocol = m.protocol;
  for (char& c : protocol) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return (m.host_ip.empty() ? "0.0.0.0" : m.host_ip) + ":" + std::to_string(m.host_port) + "->" +
         std::to_string(m.container_port) + "/" + protocol;
}

Status teardown_node_network(const NetworkConfig& config) {
  Result<NodeNetwork> node = parse_config(config);
  if (!node) return node.error();
  Result<Ipam> ipam = Ipam::open(config.ipam_dir, config.pod_cidr);
  if (!ipam) return ipam.error();
  if (std::vector<Lease> held = ipam.value().held(); !held.empty()) {
    std::string holders;
    for (const Lease& lease : held) holders += (holders.empty() ? "" : ", ") + lease.address.str() + " (" + lease.id + ")";
    return Error{ErrorCode::Conflict, "teardown of network `" + config.bridge + "`: " + std::to_string(held.size()) +
                                          " pod address(es) still held: " + holders};
  }
  // Another state root (a test's --root, a second kubepp) may have pods on the same
  // bridge, with addresses these records do not know: their veths are its ports.
  std::string ports;
  std::error_code ec;
  for (const fs::directory_entry& port : fs::directory_iterator("/sys/class/net/" + config.bridge + "/brif", ec)) {
    ports += (ports.empty() ? "" : ", ") + port.path().filename().string();
  }
  if (!ports.empty()) {
    return Error{ErrorCode::Conflict, "teardown of network `" + config.bridge + "`: pods of another state root " +
                                          "are still plugged into it: " + ports};
  }
  Result<Netlink> host = Netlink::open();
  if (!host) return host.error();
  // The bridge goes with its address, its routes and its forwarding switch.
  if (Status s = unless(ErrorCode::NotFound, host.value().delete_link(config.bridge)); !s) return s;

  // A guard route stays while another bridge (another node on this machine) still has
  // an address in its range: it guards that node's pods too.
  Result<std::vector<LinkAddress>> addresses = host.value().addresses();
  if (!addresses) return addresses.error();
  for (const Ipv4Cidr& guard : node.value().guards) {
    bool in_use = false;
    for (const LinkAddress& address : addresses.value()) in_use = in_use || guard.contains(address.address);
    if (in_use) continue;
    if (Status s = unless(ErrorCode::NotFound, host.value().delete_route(guard_route(guard))); !s) return s;
  }

  // This bridge's forward rules; the chain and its jump once no bridge has any.
  if (Status s = delete_rule(accept_within(config.bridge)); !s) return s;
  if (Status s = delete_rule(drop_leaving(config.bridge)); !s) return s;
  if (Status s = remove_chain_if_empty("filter", kForwardChain, {forward_jump()}); !s) return s;
  if (Status s = teardown_host_ports(config, node.value().pod_cidr); !s) return s;

  // Last, the records with their lock file: a process waiting for the lock finds the
  // file gone and starts over (file_lock.h).
  fs::remove_all(config.ipam_dir, ec);
  if (ec) return sys_error("remove", config.ipam_dir, ec.value());
  return {};
}

}  // namespace kubepp::runtime::net

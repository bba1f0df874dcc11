// netlink.h — a small rtnetlink client: the links, addresses and routes of one network
// namespace, changed the way `ip link`, `ip addr` and `ip route` change them.
//
// A Netlink is a socket bound to the network namespace it was opened in: Netlink::open()
// talks to the caller's namespace, open_in() to another one, through a thread that
// enters that namespace only to create the socket (netns.h:run_in_netns). Each
// operation sends one request and waits for the kernel's answer; a refusal comes back
// as an Error that names the request and its object, as crun words its errors:
//
//   RTM_NEWLINK `kubepp0`: EEXIST
//   RTM_NEWLINK `kubepp-3f2a1b2c`: EOPNOTSUPP (Unknown device type)
//
// (the part in parentheses is the kernel's own explanation, when it gives one). Codes:
// a missing link or route is NotFound (ENODEV, ESRCH), one that exists AlreadyExists.
// Links are named by their names; the client looks up the index the kernel wants.
// Not thread-safe: one thread per Netlink.
#pragma once

#include <array>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "runtime/base/result.h"
#include "runtime/base/unique_fd.h"
#include "runtime/net/ipv4.h"
#include "runtime/net/netlink_message.h"

namespace kubepp::runtime::net {

/// A hardware (MAC) address.
using MacAddress = std::array<uint8_t, 6>;

/// "0a:58:0a:f4:00:07".
std::string format_mac(const MacAddress& mac);

/// A route of the main table.
struct Route {
  /// What the kernel does with a packet for `destination`: send it on (Unicast), or
  /// answer "no route to host" at once (Unreachable, `ip route add unreachable …`).
  enum class Type { Unicast, Unreachable };

  Ipv4Cidr destination;                 ///< 0.0.0.0/0 is the default route
  Type type = Type::Unicast;
  std::optional<Ipv4Address> gateway;   ///< "via"; none for a route to the link itself
  std::string device;                   ///< "dev"; none for an unreachable route

  /// As `ip route` prints it: "unreachable 10.96.0.0/12", "default via 10.244.0.1 dev eth0".
  std::string str() const;
};

/// An IPv4 address on a link.
struct LinkAddress {
  int link_index = 0;
  Ipv4Address address;
  int prefix_length = 0;
};

/// An rtnetlink socket of one network namespace. Movable, not copyable.
class Netlink {
 public:
  /// A socket in the calling thread's network namespace.
  static Result<Netlink> open();
  /// A socket in the network namespace pinned at `netns` (/run/netns/NAME, /proc/PID/ns/net).
  static Result<Netlink> open_in(const std::filesystem::path& netns);

  /// Sends `request` and reads the answer up to the ACK, or to NLMSG_DONE for a dump.
  /// Returns the payloads of the messages before it. The Error names the request's type
  /// and `object`.
  Result<std::vector<std::string>> transact(NetlinkMessage& request, const std::string& object);

  // Links.
  /// The index of link `name`; NotFound when there is none.
  Result<int> link_index(const std::string& name);
  /// Creates a bridge (`ip link add NAME mtu MTU type bridge`), down.
  Status create_bridge(const std::string& name, int mtu);
  /// Creates a veth pair: two links joined like the ends of a cable, both down.
  Status create_veth(const std::string& name, const std::string& peer, int mtu);
  /// Sets the link up (or down).
  Status set_link_up(const std::string& name, bool up = true);
  /// Plugs the link into the bridge `master` (`ip link set NAME master MASTER`).
  Status set_master(const std::string& name, const std::string& master);
  /// Moves the link into the network namespace open at `netns_fd`; it vanishes from this one.
  Status set_netns(const std::string& name, int netns_fd);
  /// Renames a link; it must be down.
  Status rename_link(const std::string& name, const std::string& new_name);
  /// Sets the link's MTU.
  Status set_mtu(const std::string& name, int mtu);
  /// Sets the link's hardware address.
  Status set_mac(const std::string& name, const MacAddress& mac);
  /// Turns hairpin mode of a bridge port on or off: with it on, the bridge may send a
  /// frame back out of the port it came in by (a pod reaching itself through a DNAT).
  Status set_hairpin(const std::string& name, bool on);
  /// Deletes the link (a veth takes its peer along, wherever that is).
  Status delete_link(const std::string& name);

  // Addresses.
  /// Adds `address`/`prefix_length` to the link, with the block's broadcast address.
  Status add_address(const std::string& name, Ipv4Address address, int prefix_length);
  /// Every IPv4 address of every link of the namespace.
  Result<std::vector<LinkAddress>> addresses();

  // Routes (main table).
  /// Adds `route`; AlreadyExists when it is there.
  Status add_route(const Route& route);
  /// Deletes `route`; NotFound when it is not there.
  Status delete_route(const Route& route);

  Netlink(Netlink&&) = default;
  Netlink& operator=(Netlink&&) = default;

 private:
  explicit Netlink(UniqueFd fd) : fd_(std::move(fd)) {}
  /// transact() for requests whose answer is an ACK alone.
  Status send(NetlinkMessage& request, const std::string& object);
  Status route_request(uint16_t type, uint16_t flags, const Route& route);

  UniqueFd fd_;
  uint32_t sequence_ = 0;
};

}  // namespace kubepp::runtime::net

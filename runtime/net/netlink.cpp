#include "runtime/net/netlink.h"

#include <arpa/inet.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <linux/veth.h>
#include <net/if.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstdio>
#include <optional>

#include "runtime/net/netns.h"

namespace kubepp::runtime::net {

namespace {

// Every request wants an answer: the kernel sends an ACK (or the error) for NLM_F_ACK.
constexpr uint16_t kRequest = NLM_F_REQUEST | NLM_F_ACK;
// Create, and fail with EEXIST rather than change what is there (`ip link add`).
constexpr uint16_t kCreate = kRequest | NLM_F_CREATE | NLM_F_EXCL;

Error netlink_error(uint16_t type, const std::string& object, const NetlinkStatus& status) {
  Error error = sys_error(message_type_name(type), object, status.error);
  if (status.error == ENODEV || status.error == ESRCH) error.code = ErrorCode::NotFound;  // no such link / route
  if (!status.message.empty()) error.message += " (" + status.message + ")";
  return error;
}

Status check_name(const std::string& name) {
  if (name.empty() || name.size() >= IFNAMSIZ) {
    return Error{ErrorCode::Invalid, "link name `" + name + "`: must have 1 to " + std::to_string(IFNAMSIZ - 1) +
                                         " characters"};
  }
  return {};
}

// A link request addressed by index, the form every change of an existing link takes.
NetlinkMessage link_message(uint16_t type, uint16_t flags, int index, unsigned char family = AF_UNSPEC) {
  ifinfomsg header{};
  header.ifi_family = family;
  header.ifi_index = index;
  return NetlinkMessage(type, flags, header);
}

}  // namespace

std::string format_mac(const MacAddress& mac) {
  char text[18];
  std::snprintf(text, sizeof text, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
  return text;
}

std::string Route::str() const {
  std::string text = type == Type::Unreachable ? "unreachable " : "";
  text += destination.prefix_length == 0 ? "default" : destination.str();
  if (gateway) text += " via " + gateway->str();
  if (!device.empty()) text += " dev " + device;
  return text;
}

// ---- the socket ---------------------------------------------------------------------

Result<Netlink> Netlink::open() {
  UniqueFd fd(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE));
  if (!fd.valid()) return sys_error("socket", "AF_NETLINK", errno);
  // Ask for the kernel's explanations of refusals, without a copy of our request.
  const int on = 1;
  (void)::setsockopt(fd.get(), SOL_NETLINK, NETLINK_EXT_ACK, &on, sizeof on);
  (void)::setsockopt(fd.get(), SOL_NETLINK, NETLINK_CAP_ACK, &on, sizeof on);
  return Netlink(std::move(fd));
}

Result<Netlink> Netlink::open_in(const std::filesystem::path& netns) {
  std::optional<Netlink> opened;
  Status s = run_in_netns(netns, [&]() -> Status {
    Result<Netlink> socket = open();
    if (!socket) return socket.error();
    opened.emplace(std::move(socket.value()));
    return {};
  });
  if (!s) return s.error();
  return std::move(*opened);
}

Result<std::vector<std::string>> Netlink::transact(NetlinkMessage& request, const std::string& object) {
  const uint32_t sequence = ++sequence_;
  request.set_sequence(sequence);
  const std::string what = message_type_name(request.type());
  const sockaddr_nl kernel{AF_NETLINK, 0, 0, 0};
  const std::string& bytes = request.bytes();
  if (::sendto(fd_.get(), bytes.data(), bytes.size(), 0, reinterpret_cast<const sockaddr*>(&kernel), sizeof kernel) < 0) {
    return sys_error("sendto " + what, object, errno);
  }
  std::vector<std::string> payloads;
  std::string buffer(1 << 16, '\0');  // a dump comes a page or so per datagram
  for (;;) {
    ssize_t n = ::recv(fd_.get(), buffer.data(), buffer.size(), 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return sys_error("recv " + what, object, errno);
    Result<std::vector<NetlinkReply>> replies = split_messages(std::string_view(buffer.data(), static_cast<size_t>(n)));
    if (!replies) return Error{ErrorCode::Internal, what + " `" + object + "`: " + replies.error().message};
    for (const NetlinkReply& reply : replies.value()) {
      if (reply.sequence != sequence) continue;  // an answer to an earlier request we gave up on
      if (reply.type == NLMSG_ERROR || reply.type == NLMSG_DONE) {
        NetlinkStatus status = decode_status(reply);
        if (status.error != 0) return netlink_error(request.type(), object, status);
        return payloads;
      }
      payloads.emplace_back(reply.payload);
    }
  }
}

// ---- links --------------------------------------------------------------------------

Result<int> Netlink::link_index(const std::string& name) {
  if (Status s = check_name(name); !s) return s.error();
  NetlinkMessage request = link_message(RTM_GETLINK, kRequest, 0);
  request.put_string(IFLA_IFNAME, name);
  Result<std::vector<std::string>> reply = transact(request, name);
  if (!reply) return reply.error();
  if (reply.value().empty() || reply.value()[0].size() < sizeof(ifinfomsg)) {
    return Error{ErrorCode::Internal, "RTM_GETLINK `" + name + "`: no link in the answer"};
  }
  ifinfomsg link{};
  reply.value()[0].copy(reinterpret_cast<char*>(&link), sizeof link);
  return link.ifi_index;
}

Status Netlink::create_bridge(const std::string& name, int mtu) {
  if (Status s = check_name(name); !s) return s;
  NetlinkMessage request = link_message(RTM_NEWLINK, kCreate, 0);
  request.put_string(IFLA_IFNAME, name);
  request.put_u32(IFLA_MTU, static_cast<uint32_t>(mtu));
  const size_t info = request.begin_nested(IFLA_LINKINFO);
  request.put_string(IFLA_INFO_KIND, "bridge");
  request.end_nested(info);
  return send(request, name);
}

// IFLA_LINKINFO { IFLA_INFO_KIND "veth", IFLA_INFO_DATA { VETH_INFO_PEER { ifinfomsg,
// IFLA_IFNAME peer, IFLA_MTU } } }: the peer is described as a link of its own.
Status Netlink::create_veth(const std::string& name, const std::string& peer, int mtu) {
  if (Status s = check_name(name); !s) return s;
  if (Status s = check_name(peer); !s) return s;
  NetlinkMessage request = link_message(RTM_NEWLINK, kCreate, 0);
  request.put_string(IFLA_IFNAME, name);
  request.put_u32(IFLA_MTU, static_cast<uint32_t>(mtu));
  const size_t info = request.begin_nested(IFLA_LINKINFO);
  request.put_string(IFLA_INFO_KIND, "veth");
  const size_t data = request.begin_nested(IFLA_INFO_DATA);
  const size_t peer_info = request.begin_nested(VETH_INFO_PEER);
  const ifinfomsg peer_header{};
  request.append(&peer_header, sizeof peer_header);
  request.put_string(IFLA_IFNAME, peer);
  request.put_u32(IFLA_MTU, static_cast<uint32_t>(mtu));
  request.end_nested(peer_info);
  request.end_nested(data);
  request.end_nested(info);
  return send(request, name + " peer " + peer);
}

Status Netlink::send(NetlinkMessage& request, const std::string& object) {
  if (Result<std::vector<std::string>> r = transact(request, object); !r) return r.error();
  return {};
}

Status Netlink::set_link_up(const std::string& name, bool up) {
  Result<int> index = link_index(name);
  if (!index) return index.error();
  ifinfomsg header{};
  header.ifi_index = index.value();
  header.ifi_flags = up ? IFF_UP : 0;
  header.ifi_change = IFF_UP;  // only this flag changes
  NetlinkMessage request(RTM_SETLINK, kRequest, header);
  return send(request, name);
}

Status Netlink::set_master(const std::string& name, const std::string& master) {
  Result<int> index = link_index(name);
  if (!index) return index.error();
  Result<int> master_index = link_index(master);
  if (!master_index) return master_index.error();
  NetlinkMessage request = link_message(RTM_SETLINK, kRequest, index.value());
  request.put_u32(IFLA_MASTER, static_cast<uint32_t>(master_index.value()));
  return send(request, name);
}

Status Netlink::set_netns(const std::string& name, int netns_fd) {
  Result<int> index = link_index(name);
  if (!index) return index.error();
  NetlinkMessage request = link_message(RTM_SETLINK, kRequest, index.value());
  request.put_u32(IFLA_NET_NS_FD, static_cast<uint32_t>(netns_fd));
  return send(request, name);
}

Status Netlink::rename_link(const std::string& name, const std::string& new_name) {
  if (Status s = check_name(new_name); !s) return s;
  Result<int> index = link_index(name);
  if (!index) return index.error();
  NetlinkMessage request = link_message(RTM_SETLINK, kRequest, index.value());
  request.put_string(IFLA_IFNAME, new_name);  // with an index, IFLA_IFNAME is the new name
  return send(request, name);
}

Status Netlink::set_mtu(const std::string& name, int mtu) {
  Result<int> index = link_index(name);
  if (!index) return index.error();
  NetlinkMessage request = link_message(RTM_SETLINK, kRequest, index.value());
  request.put_u32(IFLA_MTU, static_cast<uint32_t>(mtu));
  return send(request, name);
}

Status Netlink::set_mac(const std::string& name, const MacAddress& mac) {
  Result<int> index = link_index(name);
  if (!index) return index.error();
  NetlinkMessage request = link_message(RTM_SETLINK, kRequest, index.value());
  request.put(IFLA_ADDRESS, mac.data(), mac.size());
  return send(request, name);
}

// A bridge port's settings belong to the bridge: family AF_BRIDGE, and the port's
// attributes nested in IFLA_PROTINFO (`bridge link set dev NAME hairpin on`).
Status Netlink::set_hairpin(const std::string& name, bool on) {
  Result<int> index = link_index(name);
  if (!index) return index.error();
  NetlinkMessage request = link_message(RTM_SETLINK, kRequest, index.value(), AF_BRIDGE);
  const size_t port = request.begin_nested(IFLA_PROTINFO);
  request.put_u8(IFLA_BRPORT_MODE, on ? 1 : 0);
  request.end_nested(port);
  return send(request, name);
}

Status Netlink::delete_link(const std::string& name) {
  Result<int> index = link_index(name);
  if (!index) return index.error();
  NetlinkMessage request = link_message(RTM_DELLINK, kRequest, index.value());
  return send(request, name);
}

// ---- addresses ----------------------------------------------------------------------

// IFA_LOCAL is the interface's own address, IFA_ADDRESS the peer's on point-to-point
// links and the same address elsewhere: `ip addr add` sends both.
Status Netlink::add_address(const std::string& name, Ipv4Address address, int prefix_length) {
  Result<int> index = link_index(name);
  if (!index) return index.error();
  ifaddrmsg header{};
  header.ifa_family = AF_INET;
  header.ifa_prefixlen = static_cast<unsigned char>(prefix_length);
  header.ifa_scope = RT_SCOPE_UNIVERSE;
  header.ifa_index = static_cast<unsigned>(index.value());
  NetlinkMessage request(RTM_NEWADDR, kCreate, header);
  request.put(IFA_LOCAL, address.bytes().data(), 4);
  request.put(IFA_ADDRESS, address.bytes().data(), 4);
  Ipv4Cidr block{address, prefix_length};
  block.network.value &= block.mask();
  if (prefix_length < 31) request.put(IFA_BROADCAST, block.broadcast().bytes().data(), 4);
  return send(request, address.str() + "/" + std::to_string(prefix_length) + " dev " + name);
}

Result<std::vector<LinkAddress>> Netlink::addresses() {
  ifaddrmsg header{};
  header.ifa_family = AF_INET;
  NetlinkMessage request(RTM_GETADDR, NLM_F_REQUEST | NLM_F_DUMP, header);  // a dump ends with NLMSG_DONE
  Result<std::vector<std::string>> replies = transact(request, "AF_INET");
  if (!replies) return replies.error();
  std::vector<LinkAddress> found;
  for (const std::string& payload : replies.value()) {
    if (payload.size() < NLMSG_ALIGN(sizeof(ifaddrmsg))) continue;
    ifaddrmsg address{};
    payload.copy(reinterpret_cast<char*>(&address), sizeof address);
    std::optional<Ipv4Address> local, peer;
    for (const NetlinkAttribute& attribute :
         parse_attributes(std::string_view(payload).substr(NLMSG_ALIGN(sizeof(ifaddrmsg))))) {
      if (attribute.payload.size() != 4) continue;
      uint32_t network_order = 0;
      attribute.payload.copy(reinterpret_cast<char*>(&network_order), 4);
      const Ipv4Address value{ntohl(network_order)};
      if (attribute.type == IFA_LOCAL) local = value;
      if (attribute.type == IFA_ADDRESS) peer = value;
    }
    if (local || peer) found.push_back({static_cast<int>(address.ifa_index), local ? *local : *peer, address.ifa_prefixlen});
  }
  return found;
}

// ---- routes -------------------------------------------------------------------------

// An rtmsg and its attributes, for adding or deleting. The kernel finds the route to
// delete by destination, type and (when given) gateway and device; scope
// RT_SCOPE_NOWHERE and protocol 0 mean "any", as `ip route del` sends them.
Status Netlink::route_request(uint16_t type, uint16_t flags, const Route& route) {
  rtmsg header{};
  header.rtm_family = AF_INET;
  header.rtm_dst_len = static_cast<unsigned char>(route.destination.prefix_length);
  header.rtm_table = RT_TABLE_MAIN;
  header.rtm_type = route.type == Route::Type::Unreachable ? RTN_UNREACHABLE : RTN_UNICAST;
  if (type == RTM_DELROUTE) {
    header.rtm_scope = RT_SCOPE_NOWHERE;
  } else {
    header.rtm_protocol = RTPROT_BOOT;  // what `ip route add` marks its routes with
    // A route straight to a link reaches hosts on it ("scope link"); one via a gateway,
    // or one that rejects, is about the whole world.
    const bool on_link = route.type == Route::Type::Unicast && !route.gateway;
    header.rtm_scope = on_link ? RT_SCOPE_LINK : RT_SCOPE_UNIVERSE;
  }
  NetlinkMessage request(type, flags, header);
  if (route.destination.prefix_length > 0) request.put(RTA_DST, route.destination.network.bytes().data(), 4);
  if (route.gateway) request.put(RTA_GATEWAY, route.gateway->bytes().data(), 4);
  if (!route.device.empty()) {
    Result<int> index = link_index(route.device);
    if (!index) return index.error();
    request.put_u32(RTA_OIF, static_cast<uint32_t>(index.value()));
  }
  return send(request, route.str());
}

Status Netlink::add_route(const Route& route) { return route_request(RTM_NEWROUTE, kCreate, route); }

Status Netlink::delete_route(const Route& route) { return route_request(RTM_DELROUTE, kRequest, route); }

}  // namespace kubepp::runtime::net

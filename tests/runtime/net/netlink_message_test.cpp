// Tests of runtime/net/netlink_message (the bytes of rtnetlink requests and replies) and
// of the parts of runtime/net/netlink that need no privileges: looking links up.
#include "runtime/net/netlink_message.h"

#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <catch2/catch.hpp>
#include <cerrno>
#include <cstring>

#include "runtime/net/netlink.h"

using namespace kubepp;
using namespace kubepp::runtime::net;

namespace {

template <typename T>
T load(std::string_view bytes, size_t at) {
  T value;
  std::memcpy(&value, bytes.data() + at, sizeof value);
  return value;
}

// The attributes after the nlmsghdr and an ifinfomsg.
std::vector<NetlinkAttribute> link_attributes(const NetlinkMessage& m) {
  return parse_attributes(std::string_view(m.bytes()).substr(sizeof(nlmsghdr) + sizeof(ifinfomsg)));
}

// An NLMSG_ERROR as the kernel sends it, with NETLINK_CAP_ACK and NETLINK_EXT_ACK on.
std::string error_reply(int error, uint32_t sequence, const std::string& text) {
  NetlinkMessage reply(NLMSG_ERROR, text.empty() ? 0 : NLM_F_CAPPED | NLM_F_ACK_TLVS,
                       nlmsgerr{-error, nlmsghdr{sizeof(nlmsghdr) + 16, RTM_NEWLINK, 0, sequence, 0}});
  if (!text.empty()) reply.put_string(NLMSGERR_ATTR_MSG, text);
  reply.set_sequence(sequence);
  return reply.bytes();
}

}  // namespace

TEST_CASE("a request is the header, the family header, then attributes padded to 4 bytes", "[unit][net]") {
  ifinfomsg link{};
  link.ifi_index = 7;
  NetlinkMessage m(RTM_NEWLINK, NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE, link);
  CHECK(m.bytes().size() == 16 + 16);
  m.put_string(IFLA_IFNAME, "kubepp0");  // 4 + 8 bytes ("kubepp0\0"): no padding
  m.put_u8(IFLA_OPERSTATE, 6);           // 4 + 1 bytes, padded to 8
  m.put_u32(IFLA_MTU, 1500);             // 4 + 4 bytes
  m.set_sequence(42);

  const std::string& bytes = m.bytes();
  REQUIRE(bytes.size() == 32 + 12 + 8 + 8);
  const nlmsghdr header = load<nlmsghdr>(bytes, 0);
  CHECK(header.nlmsg_len == bytes.size());
  CHECK(header.nlmsg_type == RTM_NEWLINK);
  CHECK(header.nlmsg_flags == (NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE));
  CHECK(header.nlmsg_seq == 42);
  CHECK(load<ifinfomsg>(bytes, 16).ifi_index == 7);
  CHECK(load<rtattr>(bytes, 32).rta_len == 12);
  CHECK(load<rtattr>(bytes, 44).rta_len == 5);  // the length leaves the padding out
  CHECK(bytes[48] == 6);
  CHECK(bytes.substr(49, 3) == std::string(3, '\0'));

  std::vector<NetlinkAttribute> attributes = link_attributes(m);
  REQUIRE(attributes.size() == 3);
  CHECK(attributes[0].type == IFLA_IFNAME);
  CHECK(attributes[0].payload == std::string_view("kubepp0\0", 8));
  CHECK(attributes[1].type == IFLA_OPERSTATE);
  CHECK(attributes[1].payload.size() == 1);
  CHECK(attributes[2].type == IFLA_MTU);
  CHECK(load<uint32_t>(attributes[2].payload, 0) == 1500);
}

TEST_CASE("nested attributes carry NLA_F_NESTED and the length of all they hold", "[unit][net]") {
  NetlinkMessage m(RTM_NEWLINK, NLM_F_REQUEST, ifinfomsg{});
  const size_t info = m.begin_nested(IFLA_LINKINFO);
  m.put_string(IFLA_INFO_KIND, "veth");  // 4 + 5, padded to 12
  const size_t data = m.begin_nested(IFLA_INFO_DATA);
  const ifinfomsg peer{};
  m.append(&peer, sizeof peer);          // a family header inside an attribute (VETH_INFO_PEER)
  m.end_nested(data);
  m.end_nested(info);

  const rtattr outer = load<rtattr>(m.bytes(), 32);
  CHECK(outer.rta_type == (IFLA_LINKINFO | NLA_F_NESTED));
  CHECK(outer.rta_len == 4 + 12 + 4 + 16);
  CHECK(load<nlmsghdr>(m.bytes(), 0).nlmsg_len == m.bytes().size());

  std::vector<NetlinkAttribute> top = link_attributes(m);
  REQUIRE(top.size() == 1);
  CHECK(top[0].type == IFLA_LINKINFO);  // flags stripped
  std::vector<NetlinkAttribute> inner = parse_attributes(top[0].payload);
  REQUIRE(inner.size() == 2);
  CHECK(inner[0].type == IFLA_INFO_KIND);
  CHECK(inner[0].payload == std::string_view("veth\0", 5));
  CHECK(inner[1].type == IFLA_INFO_DATA);
  CHECK(inner[1].payload.size() == sizeof(ifinfomsg));
}

TEST_CASE("attribute parsing stops at a malformed attribute", "[unit][net]") {
  NetlinkMessage m(RTM_NEWLINK, NLM_F_REQUEST, ifinfomsg{});
  m.put_u32(IFLA_MTU, 9000);
  std::string bytes = m.bytes().substr(32);
  bytes += std::string("\x40\x00\x03\x00", 4);  // says 64 bytes; only 4 are there
  std::vector<NetlinkAttribute> attributes = parse_attributes(bytes);
  REQUIRE(attributes.size() == 1);
  CHECK(attributes[0].type == IFLA_MTU);
  CHECK(parse_attributes(std::string("\x02\x00\x01\x00", 4)).empty());  // shorter than its own header
}

TEST_CASE("a datagram splits into its messages, and a truncated one is Invalid", "[unit][net]") {
  const std::string two = error_reply(0, 5, "") + error_reply(EEXIST, 6, "");
  Result<std::vector<NetlinkReply>> replies = split_messages(two);
  REQUIRE(replies.ok());
  REQUIRE(replies.value().size() == 2);
  CHECK(replies.value()[0].type == NLMSG_ERROR);
  CHECK(replies.value()[0].sequence == 5);
  CHECK(replies.value()[1].sequence == 6);

  Result<std::vector<NetlinkReply>> cut = split_messages(std::string_view(two).substr(0, two.size() - 4));
  REQUIRE_FALSE(cut.ok());
  CHECK(cut.error().code == ErrorCode::Invalid);
}

TEST_CASE("an NLMSG_ERROR is an ACK, an errno, or an errno with the kernel's explanation", "[unit][net]") {
  auto status_of = [](const std::string& datagram) { return decode_status(split_messages(datagram).value().at(0)); };
  CHECK(status_of(error_reply(0, 1, "")).error == 0);
  NetlinkStatus exists = status_of(error_reply(EEXIST, 1, ""));
  CHECK(exists.error == EEXIST);
  CHECK(exists.message.empty());
  NetlinkStatus explained = status_of(error_reply(EOPNOTSUPP, 1, "Unknown device type"));
  CHECK(explained.error == EOPNOTSUPP);
  CHECK(explained.message == "Unknown device type");
  CHECK(message_type_name(RTM_NEWROUTE) == "RTM_NEWROUTE");
  CHECK(message_type_name(999) == "netlink type 999");
}

TEST_CASE("routes print as ip route prints them", "[unit][net]") {
  const Ipv4Address gateway = Ipv4Address::parse("10.244.0.1").value();
  CHECK(Route{Ipv4Cidr::parse("10.96.0.0/12").value(), Route::Type::Unreachable, {}, ""}.str() ==
        "unreachable 10.96.0.0/12");
  CHECK(Route{Ipv4Cidr{}, Route::Type::Unicast, gateway, "eth0"}.str() == "default via 10.244.0.1 dev eth0");
  CHECK(format_mac({0x0a, 0x58, 0x0a, 0xf4, 0x00, 0x07}) == "0a:58:0a:f4:00:07");
}

TEST_CASE("links are looked up by name, and a missing one is NotFound naming it", "[unit][net]") {
  Result<Netlink> netlink = Netlink::open();  // reading needs no privileges
  REQUIRE(netlink.ok());
  Result<int> lo = netlink.value().link_index("lo");
  REQUIRE(lo.ok());
  CHECK(lo.value() == 1);  // lo is always the first link of a namespace
  Result<int> missing = netlink.value().link_index("kubepp-nosuch");
  REQUIRE_FALSE(missing.ok());
  CHECK(missing.error().code == ErrorCode::NotFound);
  CHECK(missing.error().message == "RTM_GETLINK `kubepp-nosuch`: ENODEV");
  Status too_long = netlink.value().create_bridge("kubepp-sixteen-c", 1500);
  REQUIRE_FALSE(too_long.ok());
  CHECK(too_long.error().code == ErrorCode::Invalid);

  Result<std::vector<LinkAddress>> addresses = netlink.value().addresses();
  REQUIRE(addresses.ok());
  bool loopback = false;
  for (const LinkAddress& a : addresses.value()) loopback = loopback || (a.link_index == 1 && a.address.str() == "127.0.0.1");
  CHECK(loopback);
}

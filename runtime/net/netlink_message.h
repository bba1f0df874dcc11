// netlink_message.h — rtnetlink messages as bytes: requests built, replies taken apart.
//
// Linux configures links, addresses and routes over a socket of family AF_NETLINK
// (protocol NETLINK_ROUTE, "rtnetlink"); `ip` from iproute2 is one client of it, and
// netlink.h is kubepp's. Every message has the same shape:
//
//   nlmsghdr (16 bytes)      length of the whole message, type (RTM_NEWLINK, …),
//                            flags (NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE …), sequence
//   family header            ifinfomsg for links, ifaddrmsg for addresses, rtmsg for routes
//   attributes …             each a 4-byte rtattr {length, type} then its payload,
//                            padded to a multiple of 4; a nested attribute's payload is
//                            attributes again (IFLA_LINKINFO { IFLA_INFO_KIND "veth" … })
//
// The kernel answers each request with an NLMSG_ERROR message: error 0 is the ACK, a
// negative errno the refusal. This file only encodes and decodes; it does no I/O, so
// tests check it byte by byte without privileges.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "runtime/base/result.h"

namespace kubepp::runtime::net {

/// A request being built. The header's length always covers everything added so far,
/// so bytes() can be sent at any point.
class NetlinkMessage {
 public:
  /// A message of `type` (RTM_NEWLINK, …) with `flags` (NLM_F_REQUEST, NLM_F_ACK, …)
  /// whose family header is `header` (an ifinfomsg, ifaddrmsg or rtmsg).
  template <typename Header>
  NetlinkMessage(uint16_t type, uint16_t flags, const Header& header) {
    start(type, flags);
    append(&header, sizeof header);
  }

  /// Adds an attribute with `size` bytes of payload, padded to 4 bytes.
  void put(uint16_t type, const void* data, size_t size);
  /// Adds an attribute holding one byte.
  void put_u8(uint16_t type, uint8_t value) { put(type, &value, sizeof value); }
  /// Adds an attribute holding a 32-bit number in host byte order.
  void put_u32(uint16_t type, uint32_t value) { put(type, &value, sizeof value); }
  /// Adds a NUL-terminated string attribute (the kernel's names: IFLA_IFNAME, IFLA_INFO_KIND).
  void put_string(uint16_t type, std::string_view value);

  /// Opens a nested attribute (flagged NLA_F_NESTED): what is added until the matching
  /// end_nested() goes inside it. Returns where it starts, for end_nested().
  size_t begin_nested(uint16_t type);
  /// Closes the nested attribute begun at `start`, fixing its length.
  void end_nested(size_t start);

  /// Adds raw bytes, padded to 4: a family header inside an attribute (VETH_INFO_PEER
  /// holds an ifinfomsg before its attributes).
  void append(const void* data, size_t size);

  /// Sets the sequence number the kernel copies into its answer.
  void set_sequence(uint32_t sequence);

  uint16_t type() const;
  /// The whole message, ready to send.
  const std::string& bytes() const { return bytes_; }

 private:
  void start(uint16_t type, uint16_t flags);
  void set_length();

  std::string bytes_;
};

/// One attribute of a received message; `type` without the NLA_F_NESTED and
/// NLA_F_NET_BYTEORDER flags. The payload points into the message.
struct NetlinkAttribute {
  uint16_t type = 0;
  std::string_view payload;
};

/// The attributes laid end to end in `data`, in order. Stops at the first malformed
/// one (a length below 4 or past the end), as the kernel's own parser does.
std::vector<NetlinkAttribute> parse_attributes(std::string_view data);

/// One message of a received datagram. The payload (what follows the nlmsghdr) points
/// into the datagram.
struct NetlinkReply {
  uint16_t type = 0;
  uint16_t flags = 0;
  uint32_t sequence = 0;
  std::string_view payload;
};

/// Splits a datagram into its messages. Invalid when a message's length is too short
/// or runs past the end.
Result<std::vector<NetlinkReply>> split_messages(std::string_view datagram);

/// What an NLMSG_ERROR (or NLMSG_DONE) message says: 0 for success, else a positive
/// errno; and the kernel's explanation when it sent one (extended ACK, e.g. "Unknown
/// device type"), else "".
struct NetlinkStatus {
  int error = 0;
  std::string message;
};

/// Decodes the payload of an NLMSG_ERROR or NLMSG_DONE reply. A truncated one is EBADMSG.
NetlinkStatus decode_status(const NetlinkReply& reply);

/// "RTM_NEWLINK" for RTM_NEWLINK, and so on, for error messages; "netlink type N" for
/// types this client does not send.
std::string message_type_name(uint16_t type);

}  // namespace kubepp::runtime::net

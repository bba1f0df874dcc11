// ipv4.h — IPv4 addresses and CIDR blocks, as the pod network counts them.
//
// An address is held as a 32-bit number in host byte order, so that "the next address"
// is `+ 1` and "is it in this block" is a mask: 10.244.0.7 is 0x0af40007. A block
// (CIDR) is a network address and a prefix length: 10.244.0.0/24 holds 10.244.0.0 to
// 10.244.0.255, of which the first is the network's own address and the last its
// broadcast address. The kernel wants addresses in network byte order (bytes()).
#pragma once

#include <array>
#include <compare>
#include <cstdint>
#include <string>
#include <string_view>

#include "runtime/base/result.h"

namespace kubepp::runtime::net {

/// One IPv4 address, in host byte order.
struct Ipv4Address {
  uint32_t value = 0;

  /// Parses dotted-quad text ("10.244.0.7"). Invalid names the text.
  static Result<Ipv4Address> parse(std::string_view text);

  /// "10.244.0.7".
  std::string str() const;
  /// The four bytes in network order, as sockaddr_in and netlink attributes carry them.
  std::array<uint8_t, 4> bytes() const;

  auto operator<=>(const Ipv4Address&) const = default;
};

/// A block of addresses: "10.244.0.0/24".
struct Ipv4Cidr {
  Ipv4Address network;    ///< the first address; its host bits are zero
  int prefix_length = 0;  ///< 0 to 32

  /// Parses "A.B.C.D/N". Invalid names the text and what is wrong with it: no "/",
  /// a bad address or prefix, or host bits set ("10.244.0.1/24": write 10.244.0.0/24).
  static Result<Ipv4Cidr> parse(std::string_view text);

  /// The netmask as a number: /24 is 0xffffff00.
  uint32_t mask() const;
  /// The last address of the block: the broadcast address.
  Ipv4Address broadcast() const;
  /// True when `address` lies in the block.
  bool contains(Ipv4Address address) const;
  /// How many addresses the block holds, the network and broadcast ones included.
  uint64_t size() const { return uint64_t{1} << (32 - prefix_length); }
  /// "10.244.0.0/24".
  std::string str() const;

  bool operator==(const Ipv4Cidr&) const = default;
};

}  // namespace kubepp::runtime::net

#include "runtime/net/ipv4.h"

#include <arpa/inet.h>

#include <charconv>

namespace kubepp::runtime::net {

Result<Ipv4Address> Ipv4Address::parse(std::string_view text) {
  // inet_pton accepts exactly four decimal parts, unlike inet_aton ("10.1" or "0x0a.0.0.1").
  const std::string copy(text);
  in_addr addr{};
  if (::inet_pton(AF_INET, copy.c_str(), &addr) != 1) {
    return Error{ErrorCode::Invalid, "IPv4 address `" + copy + "`: not of the form A.B.C.D"};
  }
  return Ipv4Address{ntohl(addr.s_addr)};
}

std::string Ipv4Address::str() const {
  const std::array<uint8_t, 4> b = bytes();
  return std::to_string(b[0]) + "." + std::to_string(b[1]) + "." + std::to_string(b[2]) + "." + std::to_string(b[3]);
}

std::array<uint8_t, 4> Ipv4Address::bytes() const {
  return {uint8_t(value >> 24), uint8_t(value >> 16), uint8_t(value >> 8), uint8_t(value)};
}

Result<Ipv4Cidr> Ipv4Cidr::parse(std::string_view text) {
  const std::string quoted = "CIDR `" + std::string(text) + "`";
  const size_t slash = text.find('/');
  if (slash == std::string_view::npos) {
    return Error{ErrorCode::Invalid, quoted + ": no prefix length (write it as A.B.C.D/N)"};
  }
  Result<Ipv4Address> address = Ipv4Address::parse(text.substr(0, slash));
  if (!address) return Error{ErrorCode::Invalid, quoted + ": " + address.error().message};
  const std::string_view digits = text.substr(slash + 1);
  int prefix = -1;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
  if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size() || prefix < 0 || prefix > 32) {
    return Error{ErrorCode::Invalid, quoted + ": the prefix length must be a number from 0 to 32"};
  }
  Ipv4Cidr cidr{address.value(), prefix};
  if ((cidr.network.value & ~cidr.mask()) != 0) {
    cidr.network.value &= cidr.mask();
    return Error{ErrorCode::Invalid, quoted + ": host bits are set (the block is " + cidr.str() + ")"};
  }
  return cidr;
}

uint32_t Ipv4Cidr::mask() const {
  return prefix_length == 0 ? 0 : ~uint32_t{0} << (32 - prefix_length);  // a shift by 32 is undefined
}

Ipv4Address Ipv4Cidr::broadcast() const { return {network.value | ~mask()}; }

bool Ipv4Cidr::contains(Ipv4Address address) const { return (address.value & mask()) == network.value; }

std::string Ipv4Cidr::str() const { return network.str() + "/" + std::to_string(prefix_length); }

}  // namespace kubepp::runtime::net

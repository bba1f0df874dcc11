#include "runtime/net/netlink_message.h"

#include <linux/netlink.h>
#include <linux/rtnetlink.h>

#include <cerrno>
#include <cstring>

namespace kubepp::runtime::net {

namespace {

// Netlink pads every header and attribute to a multiple of 4 bytes.
constexpr size_t align4(size_t n) { return (n + 3) & ~size_t{3}; }

template <typename T>
T load(std::string_view bytes, size_t at) {
  T value;
  std::memcpy(&value, bytes.data() + at, sizeof value);
  return value;
}

template <typename T>
void store(std::string& bytes, size_t at, const T& value) {
  std::memcpy(bytes.data() + at, &value, sizeof value);
}

}  // namespace

void NetlinkMessage::start(uint16_t type, uint16_t flags) {
  nlmsghdr header{};
  header.nlmsg_type = type;
  header.nlmsg_flags = flags;
  bytes_.assign(reinterpret_cast<const char*>(&header), sizeof header);
  set_length();
}

void NetlinkMessage::set_length() { store(bytes_, offsetof(nlmsghdr, nlmsg_len), static_cast<uint32_t>(bytes_.size())); }

void NetlinkMessage::append(const void* data, size_t size) {
  bytes_.append(static_cast<const char*>(data), size);
  bytes_.resize(align4(bytes_.size()), '\0');
  set_length();
}

void NetlinkMessage::put(uint16_t type, const void* data, size_t size) {
  const rtattr attribute{static_cast<unsigned short>(RTA_LENGTH(size)), type};  // length excludes the padding
  append(&attribute, sizeof attribute);
  append(data, size);
}

void NetlinkMessage::put_string(uint16_t type, std::string_view value) {
  std::string with_nul(value);
  put(type, with_nul.c_str(), with_nul.size() + 1);
}

size_t NetlinkMessage::begin_nested(uint16_t type) {
  const size_t start = bytes_.size();
  const rtattr attribute{static_cast<unsigned short>(sizeof(rtattr)), static_cast<unsigned short>(type | NLA_F_NESTED)};
  append(&attribute, sizeof attribute);
  return start;
}

void NetlinkMessage::end_nested(size_t start) {
  store(bytes_, start + offsetof(rtattr, rta_len), static_cast<unsigned short>(bytes_.size() - start));
}

void NetlinkMessage::set_sequence(uint32_t sequence) { store(bytes_, offsetof(nlmsghdr, nlmsg_seq), sequence); }

uint16_t NetlinkMessage::type() const { return load<nlmsghdr>(bytes_, 0).nlmsg_type; }

std::vector<NetlinkAttribute> parse_attributes(std::string_view data) {
  std::vector<NetlinkAttribute> attributes;
  size_t at = 0;
  while (at + sizeof(rtattr) <= data.size()) {
    const rtattr attribute = load<rtattr>(data, at);
    if (attribute.rta_len < sizeof(rtattr) || at + attribute.rta_len > data.size()) break;
    attributes.push_back({static_cast<uint16_t>(attribute.rta_type & NLA_TYPE_MASK),
                          data.substr(at + sizeof(rtattr), attribute.rta_len - sizeof(rtattr))});
    at += align4(attribute.rta_len);
  }
  return attributes;
}

Result<std::vector<NetlinkReply>> split_messages(std::string_view datagram) {
  std::vector<NetlinkReply> replies;
  size_t at = 0;
  while (at + sizeof(nlmsghdr) <= datagram.size()) {
    const nlmsghdr header = load<nlmsghdr>(datagram, at);
    if (header.nlmsg_len < sizeof(nlmsghdr) || at + header.nlmsg_len > datagram.size()) {
      return Error{ErrorCode::Invalid, "netlink reply: a message of " + std::to_string(header.nlmsg_len) +
                                           " bytes at offset " + std::to_string(at) + " of " +
                                           std::to_string(datagram.size())};
    }
    replies.push_back({header.nlmsg_type, header.nlmsg_flags, header.nlmsg_seq,
                       datagram.substr(at + sizeof(nlmsghdr), header.nlmsg_len - sizeof(nlmsghdr))});
    at += align4(header.nlmsg_len);
  }
  return replies;
}

// NLMSG_ERROR: an nlmsgerr (the negative errno, then the header of the request it
// answers). With NETLINK_CAP_ACK the request's payload is left out (NLM_F_CAPPED); with
// NETLINK_EXT_ACK attributes follow (NLM_F_ACK_TLVS), NLMSGERR_ATTR_MSG the text.
// NLMSG_DONE ends a dump and carries an int error of its own.
NetlinkStatus decode_status(const NetlinkReply& reply) {
  if (reply.type == NLMSG_DONE) {
    if (reply.payload.size() < sizeof(int)) return {};
    return {-load<int>(reply.payload, 0), ""};
  }
  if (reply.payload.size() < sizeof(nlmsgerr)) return {EBADMSG, "truncated NLMSG_ERROR"};
  const nlmsgerr err = load<nlmsgerr>(reply.payload, 0);
  NetlinkStatus status{-err.error, ""};
  if ((reply.flags & NLM_F_ACK_TLVS) == 0) return status;
  size_t tlvs = sizeof(nlmsgerr);
  if ((reply.flags & NLM_F_CAPPED) == 0) tlvs += err.msg.nlmsg_len - sizeof(nlmsghdr);
  if (tlvs > reply.payload.size()) return status;
  for (const NetlinkAttribute& attribute : parse_attributes(reply.payload.substr(tlvs))) {
    if (attribute.type == NLMSGERR_ATTR_MSG) {
      status.message = std::string(attribute.payload.substr(0, attribute.payload.find('\0')));
    }
  }
  return status;
}

std::string message_type_name(uint16_t type) {
  switch (type) {
    case RTM_NEWLINK: return "RTM_NEWLINK";
    case RTM_DELLINK: return "RTM_DELLINK";
    case RTM_GETLINK: return "RTM_GETLINK";
    case RTM_SETLINK: return "RTM_SETLINK";
    case RTM_NEWADDR: return "RTM_NEWADDR";
    case RTM_DELADDR: return "RTM_DELADDR";
    case RTM_GETADDR: return "RTM_GETADDR";
    case RTM_NEWROUTE: return "RTM_NEWROUTE";
    case RTM_DELROUTE: return "RTM_DELROUTE";
    case RTM_GETROUTE: return "RTM_GETROUTE";
  }
  return "netlink type " + std::to_string(type);
}

}  // namespace kubepp::runtime::net

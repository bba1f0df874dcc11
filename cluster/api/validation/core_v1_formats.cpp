// core_v1_formats.cpp — the field formats the core group's rules share with the other
// groups: port numbers and names, config keys, percentages, IP addresses and CIDRs as
// Go's net package reads them, and Go's printing of slices and maps in messages.
#include <algorithm>
#include <cstdio>

#include "cluster/api/label_selector.h"
#include "cluster/api/names.h"
#include "cluster/api/validation/core_v1.h"

namespace kubepp::api::validation {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_lower(char c) { return c >= 'a' && c <= 'z'; }

int hex_value(char c) {
  if (is_digit(c)) return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Go's dtoi/xtoi: the number at the front of `s` and how many characters it took; false
// without a digit or once the number reaches 0xFFFFFF.
bool leading_number(std::string_view s, int base, long& n, size_t& used) {
  constexpr long kBig = 0xFFFFFF;
  n = 0;
  used = 0;
  while (used < s.size()) {
    int d = base == 10 ? (is_digit(s[used]) ? s[used] - '0' : -1) : hex_value(s[used]);
    if (d < 0) break;
    n = n * base + d;
    if (n >= kBig) return false;
    used++;
  }
  return used > 0;
}

// parseIPv4: four decimal parts of at most 255, leading zeros allowed.
std::optional<std::array<std::uint8_t, 4>> parse_ipv4(std::string_view s) {
  std::array<std::uint8_t, 4> out{};
  for (int i = 0; i < 4; i++) {
    if (i > 0) {
      if (s.empty() || s[0] != '.') return std::nullopt;
      s.remove_prefix(1);
    }
    long n;
    size_t used;
    if (!leading_number(s, 10, n, used) || n > 0xFF) return std::nullopt;
    out[i] = static_cast<std::uint8_t>(n);
    s.remove_prefix(used);
  }
  if (!s.empty()) return std::nullopt;
  return out;
}

IPAddress from_v4(const std::array<std::uint8_t, 4>& v4) {
  IPAddress ip;
  ip.bytes[10] = ip.bytes[11] = 0xff;
  std::copy(v4.begin(), v4.end(), ip.bytes.begin() + 12);
  return ip;
}

// parseIPv6: hex groups separated by ':', one "::" at most, an IPv4 tail allowed.
std::optional<IPAddress> parse_ipv6(std::string_view s) {
  IPAddress ip;
  int ellipsis = -1;
  size_t i = 0;
  if (s.size() >= 2 && s[0] == ':' && s[1] == ':') {
    ellipsis = 0;
    s.remove_prefix(2);
    if (s.empty()) return ip;
  }
  while (i < 16) {
    long n;
    size_t used;
    if (!leading_number(s, 16, n, used)) return std::nullopt;
    if (used < s.size() && s[used] == '.') {
      if ((ellipsis < 0 && i != 12) || i + 4 > 16) return std::nullopt;
      std::optional<std::array<std::uint8_t, 4>> v4 = parse_ipv4(s);
      if (!v4) return std::nullopt;
      std::copy(v4->begin(), v4->end(), ip.bytes.begin() + static_cast<long>(i));
      i += 4;
      s = {};
      break;
    }
    if (n > 0xFFFF) return std::nullopt;
    ip.bytes[i++] = static_cast<std::uint8_t>(n >> 8);
    ip.bytes[i++] = static_cast<std::uint8_t>(n);
    s.remove_prefix(used);
    if (s.empty()) break;
    if (s[0] != ':' || s.size() == 1) return std::nullopt;
    s.remove_prefix(1);
    if (s[0] == ':') {
      if (ellipsis >= 0) return std::nullopt;
      ellipsis = static_cast<int>(i);
      s.remove_prefix(1);
      if (s.empty()) break;
    }
  }
  if (!s.empty()) return std::nullopt;
  if (i < 16) {
    if (ellipsis < 0) return std::nullopt;
    size_t n = i - static_cast<size_t>(ellipsis);
    for (size_t j = 0; j < n; j++) ip.bytes[15 - j] = ip.bytes[i - 1 - j];
    for (size_t j = static_cast<size_t>(ellipsis); j < 16 - n; j++) ip.bytes[j] = 0;
  } else if (ellipsis >= 0) {
    return std::nullopt;  // "::" must stand for at least one group
  }
  return ip;
}

// The net.IP of the network, as Go keeps it: 4 bytes for an IPv4 CIDR, 16 otherwise.
std::vector<std::uint8_t> network_bytes(const IPNet& n) {
  if (n.bits == 32) return {n.network.bytes.begin() + 12, n.network.bytes.end()};
  return {n.network.bytes.begin(), n.network.bytes.end()};
}

std::vector<std::uint8_t> mask_bytes(int ones, int bits) {
  std::vector<std::uint8_t> m(static_cast<size_t>(bits / 8), 0);
  for (int b = 0; b < ones; b++) m[static_cast<size_t>(b / 8)] |= static_cast<std::uint8_t>(0x80 >> (b % 8));
  return m;
}

std::string go_quoted_list(const std::vector<std::string>& values, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < values.size(); i++) out += (i ? std::string(sep) : "") + quoted(values[i]);
  return out;
}

}  // namespace

// ---- string formats -----------------------------------------------------------------

std::vector<std::string> is_valid_port_num(std::int64_t port) {
  if (port >= 1 && port <= 65535) return {};
  return {"must be between 1 and 65535, inclusive"};
}

std::vector<std::string> is_config_map_key(std::string_view key) {
  std::vector<std::string> errs;
  if (key.size() > kDNS1123SubdomainMaxLength) errs.push_back(max_len_error(kDNS1123SubdomainMaxLength));
  bool charset = !key.empty() && std::all_of(key.begin(), key.end(), [](char c) {
    return is_lower(c) || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '-' || c == '.' || c == '_';
  });
  if (!charset) {
    errs.push_back(regex_error("a valid config key must consist of alphanumeric characters, '-', '_' or '.'",
                               "[-._a-zA-Z0-9]+", {"key.name", "KEY_NAME", "key-name"}));
  }
  if (key == ".") {
    errs.push_back("must not be '.'");
  } else if (key == "..") {
    errs.push_back("must not be '..'");
  } else if (key.substr(0, 2) == "..") {
    errs.push_back("must not start with '..'");
  }
  return errs;
}

std::vector<std::string> is_valid_percent(std::string_view percent) {
  bool ok = percent.size() >= 2 && percent.back() == '%' &&
            std::all_of(percent.begin(), percent.end() - 1, is_digit);
  if (ok) return {};
  return {regex_error("a valid percent string must be a numeric string followed by an ending '%'", "[0-9]+%",
                      {"1%", "93%"})};
}

std::vector<std::string> is_wildcard_dns1123_subdomain(std::string_view value) {
  std::vector<std::string> errs;
  if (value.size() > kDNS1123SubdomainMaxLength) errs.push_back(max_len_error(kDNS1123SubdomainMaxLength));
  if (value.substr(0, 2) != "*." || !matches_dns1123_subdomain(value.substr(2))) {
    errs.push_back(regex_error(
        "a wildcard DNS-1123 subdomain must start with '*.', followed by a valid DNS subdomain, which must consist "
        "of lower case alphanumeric characters, '-' or '.' and end with an alphanumeric character",
        "\\*\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*", {"*.example.com"}));
  }
  return errs;
}

// ---- IP addresses and CIDRs -----------------------------------------------------------

bool IPAddress::is_v4() const {
  return std::all_of(bytes.begin(), bytes.begin() + 10, [](std::uint8_t b) { return b == 0; }) &&
         bytes[10] == 0xff && bytes[11] == 0xff;
}

std::optional<IPAddress> parse_ip_sloppy(std::string_view text) {
  for (char c : text) {
    if (c == '.') {
      std::optional<std::array<std::uint8_t, 4>> v4 = parse_ipv4(text);
      if (!v4) return std::nullopt;
      return from_v4(*v4);
    }
    if (c == ':') return parse_ipv6(text);
  }
  return std::nullopt;
}

std::optional<IPNet> parse_cidr_sloppy(std::string_view text) {
  size_t slash = text.find('/');
  if (slash == std::string_view::npos) return std::nullopt;
  std::string_view addr = text.substr(0, slash), mask = text.substr(slash + 1);
  IPNet net;
  if (std::optional<std::array<std::uint8_t, 4>> v4 = parse_ipv4(addr)) {
    net.ip = from_v4(*v4);
    net.bits = 32;
  } else if (std::optional<IPAddress> v6 = parse_ipv6(addr)) {
    net.ip = *v6;
    net.bits = 128;
  } else {
    return std::nullopt;
  }
  long n;
  size_t used;
  if (!leading_number(mask, 10, n, used) || used != mask.size() || n > net.bits) return std::nullopt;
  net.ones = static_cast<int>(n);
  net.network = net.ip;
  int first = 128 - net.bits;  // an IPv4 network's bits start at byte 12
  for (int b = first + net.ones; b < 128; b++) {
    net.network.bytes[static_cast<size_t>(b / 8)] &= static_cast<std::uint8_t>(~(0x80 >> (b % 8)));
  }
  return net;
}

bool IPNet::contains(const IPAddress& addr) const {
  // Go's networkNumberAndMask and Contains: compare in the length of the network's IP.
  std::vector<std::uint8_t> nn = network_bytes(*this);
  std::vector<std::uint8_t> m = mask_bytes(ones, bits);
  if (nn.size() == 16 && network.is_v4()) nn.erase(nn.begin(), nn.begin() + 12);
  if (nn.size() == 4 && m.size() == 16) m.erase(m.begin(), m.begin() + 12);
  std::vector<std::uint8_t> a = addr.is_v4() ? std::vector<std::uint8_t>(addr.bytes.begin() + 12, addr.bytes.end())
                                             : std::vector<std::uint8_t>(addr.bytes.begin(), addr.bytes.end());
  if (a.size() != nn.size() || m.size() != nn.size()) return false;
  for (size_t i = 0; i < a.size(); i++) {
    if ((nn[i] & m[i]) != (a[i] & m[i])) return false;
  }
  return true;
}

ErrorList is_valid_ip(const Path& path, std::string_view value) {
  if (parse_ip_sloppy(value)) return {};
  return {invalid(path, quoted(value), "must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)")};
}

ErrorList is_valid_ipv4_address(const Path& path, std::string_view value) {
  std::optional<IPAddress> ip = parse_ip_sloppy(value);
  if (ip && ip->is_v4()) return {};
  return {invalid(path, quoted(value), "must be a valid IPv4 address")};
}

ErrorList is_valid_ipv6_address(const Path& path, std::string_view value) {
  std::optional<IPAddress> ip = parse_ip_sloppy(value);
  if (ip && !ip->is_v4()) return {};
  return {invalid(path, quoted(value), "must be a valid IPv6 address")};
}

ErrorList is_valid_cidr(const Path& path, std::string_view value) {
  if (parse_cidr_sloppy(value)) return {};
  return {invalid(path, quoted(value), "must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)")};
}

ErrorList validate_non_special_ip(std::string_view ip_text, const Path& path) {
  std::optional<IPAddress> ip = parse_ip_sloppy(ip_text);
  if (!ip) return {invalid(path, quoted(ip_text), "must be a valid IP address")};
  const auto& b = ip->bytes;
  const bool v4 = ip->is_v4();
  ErrorList errs;
  bool unspecified = v4 ? (b[12] | b[13] | b[14] | b[15]) == 0
                        : std::all_of(b.begin(), b.end(), [](std::uint8_t x) { return x == 0; });
  if (unspecified) errs.push_back(invalid(path, quoted(ip_text), "may not be unspecified (" + std::string(ip_text) + ")"));
  bool loopback = v4 ? b[12] == 127
                     : std::all_of(b.begin(), b.end() - 1, [](std::uint8_t x) { return x == 0; }) && b[15] == 1;
  if (loopback) errs.push_back(invalid(path, quoted(ip_text), "may not be in the loopback range (127.0.0.0/8, ::1/128)"));
  bool link_local = v4 ? (b[12] == 169 && b[13] == 254) : (b[0] == 0xfe && (b[1] & 0xc0) == 0x80);
  if (link_local) {
    errs.push_back(invalid(path, quoted(ip_text), "may not be in the link-local range (169.254.0.0/16, fe80::/10)"));
  }
  bool link_local_multicast = v4 ? (b[12] == 224 && b[13] == 0 && b[14] == 0) : (b[0] == 0xff && (b[1] & 0x0f) == 0x02);
  if (link_local_multicast) {
    errs.push_back(invalid(path, quoted(ip_text),
                           "may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)"));
  }
  return errs;
}

// ---- field validators -----------------------------------------------------------------

ErrorList validate_dns1123_label(std::string_view value, const Path& path) {
  ErrorList errs;
  for (std::string& m : is_dns1123_label(value)) errs.push_back(invalid(path, quoted(value), std::move(m)));
  return errs;
}

ErrorList validate_dns1123_subdomain(std::string_view value, const Path& path) {
  ErrorList errs;
  for (std::string& m : is_dns1123_subdomain(value)) errs.push_back(invalid(path, quoted(value), std::move(m)));
  return errs;
}

ErrorList validate_qualified_name(std::string_view value, const Path& path) {
  ErrorList errs;
  for (std::string& m : is_qualified_name(value)) errs.push_back(invalid(path, quoted(value), std::move(m)));
  return errs;
}

namespace {

// helper.IsIntegerResourceName: the standard countable resources and extended resources
// (a '/' in the name, not in kubernetes.io/, not requests.*).
bool is_integer_resource_name(std::string_view name) {
  static constexpr std::string_view kInteger[] = {
      "pods", "resourcequotas", "services", "replicationcontrollers", "secrets", "configmaps",
      "persistentvolumeclaims", "services.nodeports", "services.loadbalancers"};
  if (std::find(std::begin(kInteger), std::end(kInteger), name) != std::end(kInteger)) return true;
  const bool native = name.find('/') == std::string_view::npos || name.find("kubernetes.io/") != std::string_view::npos;
  if (native || name.substr(0, 9) == "requests.") return false;
  return is_qualified_name("requests." + std::string(name)).empty();
}

}  // namespace

ErrorList validate_resource_quantity_value(std::string_view resource, const Quantity& value, const Path& path) {
  ErrorList errs = validate_nonnegative_quantity(value, path);
  if (is_integer_resource_name(resource) && value.milli_value() % 1000 != 0) {
    errs.push_back(invalid(path, quoted(value.str()), "must be an integer"));
  }
  return errs;
}

// ---- Go's %#v -----------------------------------------------------------------------

std::string go_slice(std::string_view type, const std::vector<std::string>& values) {
  if (values.empty()) return "[]" + std::string(type) + "(nil)";
  return "[]" + std::string(type) + "{" + go_quoted_list(values, ", ") + "}";
}

std::string go_string_map(const std::map<std::string, std::string>& values) {
  if (values.empty()) return "map[string]string(nil)";
  std::string out = "map[string]string{";
  bool first = true;
  for (const auto& [k, v] : values) {
    out += (first ? "" : ", ") + quoted(k) + ":" + quoted(v);
    first = false;
  }
  return out + "}";
}

std::string go_int_or_string(const IntOrString& value) {
  return "intstr.IntOrString{Type:" + std::string(value.is_int() ? "0" : "1") +
         ", IntVal:" + std::to_string(value.int_value) + ", StrVal:" + quoted(value.str_value) + "}";
}

}  // namespace kubepp::api::validation

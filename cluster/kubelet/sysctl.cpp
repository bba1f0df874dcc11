// sysctl.cpp — the kubelet's sysctl allowlist: the safe sysctls by kernel version, which
// namespace a sysctl is in, and the check of one pod's sysctl against the node's list.
#include "cluster/kubelet/sysctl.h"

#include <algorithm>
#include <cstdlib>
#include <utility>

#include "cluster/api/field.h"

namespace kubepp::kubelet {

const char* to_string(SysctlNamespace ns) {
  switch (ns) {
    case SysctlNamespace::Ipc: return "ipc";
    case SysctlNamespace::Net: return "net";
    case SysctlNamespace::Unknown: break;
  }
  return "";
}

SysctlNamespace namespaced_by(std::string_view sysctl) {
  if (sysctl == "kernel.sem") return SysctlNamespace::Ipc;
  for (std::string_view prefix : {"kernel.shm", "kernel.msg", "fs.mqueue."}) {
    if (sysctl.starts_with(prefix)) return SysctlNamespace::Ipc;
  }
  if (sysctl.starts_with("net.")) return SysctlNamespace::Net;
  return SysctlNamespace::Unknown;
}

std::string sysctl_to_dots(std::string_view sysctl) {
  std::string out(sysctl);
  size_t first = out.find_first_of("./");
  if (first == std::string::npos || out[first] == '.') return out;
  for (char& c : out) {
    if (c == '.') {
      c = '/';
    } else if (c == '/') {
      c = '.';
    }
  }
  return out;
}

// ---- the safe sysctls -----------------------------------------------------------------------------

namespace {

// Allowed on every kernel: kubelets of earlier releases allowed them without asking.
const char* const kLegacySafeSysctls[] = {
    "kernel.shm_rmid_forced",       "net.ipv4.ip_local_port_range",        "net.ipv4.tcp_syncookies",
    "net.ipv4.ping_group_range",    "net.ipv4.ip_unprivileged_port_start", "net.ipv4.tcp_keepalive_time",
    "net.ipv4.tcp_fin_timeout",     "net.ipv4.tcp_keepalive_intvl",        "net.ipv4.tcp_keepalive_probes",
};

// Safe only from the kernel release that put them in the network namespace.
struct NewerSysctl {
  const char* name;
  int major, minor;
};
const NewerSysctl kNewerSafeSysctls[] = {
    {"net.ipv4.ip_local_reserved_ports", 3, 16},
    {"net.ipv4.tcp_rmem", 4, 15},
    {"net.ipv4.tcp_wmem", 4, 15},
};

// version.ParseGeneric, as far as it matters here: "6.1.0-18-amd64" is 6.1. False when
// the text does not start with MAJOR.MINOR.
bool parse_kernel_version(std::string_view text, int& major, int& minor) {
  if (text.starts_with("v")) text.remove_prefix(1);
  auto number = [&text](int& out) {
    size_t n = 0;
    while (n < text.size() && n < 9 && text[n] >= '0' && text[n] <= '9') ++n;
    if (n == 0) return false;
    out = std::atoi(std::string(text.substr(0, n)).c_str());
    text.remove_prefix(n);
    return true;
  };
  if (!number(major) || !text.starts_with(".")) return false;
  text.remove_prefix(1);
  return number(minor);
}

}  // namespace

std::vector<std::string> safe_sysctls(std::string_view kernel_version) {
  std::vector<std::string> out(std::begin(kLegacySafeSysctls), std::end(kLegacySafeSysctls));
  int major = 0, minor = 0;
  if (!parse_kernel_version(kernel_version, major, minor)) return out;
  for (const NewerSysctl& s : kNewerSafeSysctls) {
    if (std::pair(major, minor) >= std::pair(s.major, s.minor)) out.emplace_back(s.name);
  }
  return out;
}

// ---- patterns -------------------------------------------------------------------------------------

namespace {

// The regular expression upstream checks patterns with (SysctlContainSlashPatternFmt).
constexpr const char* kSysctlPatternRegex = "([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*([a-z0-9][-_a-z0-9]*)?[a-z0-9*]";
constexpr size_t kSysctlMaxLength = 253;

bool alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
bool inner(char c) { return alnum(c) || c == '-' || c == '_'; }

// SysctlSegmentFmt: [a-z0-9]([-_a-z0-9]*[a-z0-9])?
bool segment(std::string_view s) {
  return !s.empty() && alnum(s.front()) && alnum(s.back()) && std::all_of(s.begin(), s.end(), inner);
}

// The last segment of a pattern: ([a-z0-9][-_a-z0-9]*)?[a-z0-9*]
bool last_segment(std::string_view s) {
  if (s.empty() || !(alnum(s.back()) || s.back() == '*')) return false;
  std::string_view head = s.substr(0, s.size() - 1);
  return head.empty() || (alnum(head.front()) && std::all_of(head.begin(), head.end(), inner));
}

}  // namespace

bool is_valid_sysctl_pattern(std::string_view pattern) {
  if (pattern.size() > kSysctlMaxLength) return false;
  size_t start = 0;
  for (size_t sep = pattern.find_first_of("./"); sep != std::string_view::npos;
       sep = pattern.find_first_of("./", start)) {
    if (!segment(pattern.substr(start, sep - start))) return false;
    start = sep + 1;
  }
  return last_segment(pattern.substr(start));
}

// ---- the allowlist --------------------------------------------------------------------------------

Result<SysctlAllowlist> SysctlAllowlist::create(const std::vector<std::string>& patterns) {
  SysctlAllowlist list;
  for (const std::string& pattern : patterns) {
    if (!is_valid_sysctl_pattern(pattern)) {
      return Error{ErrorCode::Invalid, "sysctl " + api::quoted(pattern) + " must have at most " +
                                           std::to_string(kSysctlMaxLength) + " characters and match regex " +
                                           kSysctlPatternRegex};
    }
    std::string s = sysctl_to_dots(pattern);
    if (s.ends_with("*")) {
      std::string prefix = s.substr(0, s.size() - 1);
      SysctlNamespace ns = namespaced_by(prefix);
      if (ns == SysctlNamespace::Unknown) {
        return Error{ErrorCode::Invalid, "the sysctls " + api::quoted(s) + " are not known to be namespaced"};
      }
      list.prefixes_[prefix] = ns;
    } else {
      SysctlNamespace ns = namespaced_by(s);
      if (ns == SysctlNamespace::Unknown) {
        // Upstream's grammar, "the sysctl ... are", kept word for word.
        return Error{ErrorCode::Invalid, "the sysctl " + api::quoted(s) + " are not known to be namespaced"};
      }
      list.sysctls_[s] = ns;
    }
  }
  return list;
}

Status SysctlAllowlist::validate(std::string_view sysctl, bool host_network, bool host_ipc) const {
  const std::string name = sysctl_to_dots(sysctl);
  // A sysctl of a namespace the pod shares with the node would be set for the node.
  auto check_host = [&](SysctlNamespace ns) -> Status {
    if ((ns == SysctlNamespace::Ipc && host_ipc) || (ns == SysctlNamespace::Net && host_network)) {
      return Error{ErrorCode::Invalid, api::quoted(name) + " not allowed with host " + to_string(ns) + " enabled"};
    }
    return {};
  };
  if (auto it = sysctls_.find(name); it != sysctls_.end()) return check_host(it->second);
  for (const auto& [prefix, ns] : prefixes_) {
    if (name.starts_with(prefix)) return check_host(ns);
  }
  return Error{ErrorCode::Invalid, api::quoted(name) + " not allowlisted"};
}

}  // namespace kubepp::kubelet

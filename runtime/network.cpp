#include "runtime/network.h"

#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <sstream>

#include "runtime/base/files.h"
#include "runtime/base/unique_fd.h"

namespace kubepp::runtime {

Status bring_loopback_up() {
  UniqueFd sock(::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
  if (!sock.valid()) return sys_error("socket", "AF_INET", errno);
  struct ifreq req{};
  std::strncpy(req.ifr_name, "lo", IFNAMSIZ - 1);
  if (::ioctl(sock.get(), SIOCGIFFLAGS, &req) != 0) return sys_error("SIOCGIFFLAGS", "lo", errno);
  req.ifr_flags |= IFF_UP;
  if (::ioctl(sock.get(), SIOCSIFFLAGS, &req) != 0) return sys_error("SIOCSIFFLAGS", "lo", errno);
  return {};
}

std::string host_resolv_conf(bool host_network) {
  std::istringstream in(read_file("/etc/resolv.conf"));
  std::string out, line;
  while (std::getline(in, line)) {
    bool loopback = line.rfind("nameserver 127.", 0) == 0 || line.rfind("nameserver ::1", 0) == 0;
    if (host_network || !loopback) out += line + "\n";
  }
  return out;
}

}  // namespace kubepp::runtime

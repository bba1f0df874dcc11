// sockets.h — TCP helpers for the network tests: listeners and clients in the host's or
// a test namespace's network, and one request/answer over a connection. Every wait has
// a timeout, so a broken network fails a test instead of hanging it.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <filesystem>
#include <string>

#include "runtime/base/result.h"
#include "runtime/base/unique_fd.h"
#include "runtime/net/netns.h"

namespace kubepp::testing {

inline sockaddr_in inet_address(const std::string& ip, int port) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<uint16_t>(port));
  ::inet_pton(AF_INET, ip.c_str(), &sa.sin_addr);
  return sa;
}

// A TCP socket made in the namespace at `netns` ("" for the caller's own).
inline Result<UniqueFd> tcp_socket_in(const std::filesystem::path& netns) {
  UniqueFd fd;
  auto make = [&]() -> Status {
    fd.reset(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd.valid()) return sys_error("socket", netns, errno);
    return {};
  };
  Status made = netns.empty() ? make() : runtime::net::run_in_netns(netns, make);
  if (!made) return made.error();
  return fd;
}

// Listening on 0.0.0.0:`port` in `netns`; port 0 picks a free one (bound_port tells).
inline Result<UniqueFd> listen_in(const std::filesystem::path& netns, int port) {
  Result<UniqueFd> fd = tcp_socket_in(netns);
  if (!fd) return fd;
  const int on = 1;
  ::setsockopt(fd.value().get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on);
  const sockaddr_in sa = inet_address("0.0.0.0", port);
  if (::bind(fd.value().get(), reinterpret_cast<const sockaddr*>(&sa), sizeof sa) != 0) return sys_error("bind", "", errno);
  if (::listen(fd.value().get(), 16) != 0) return sys_error("listen", "", errno);
  return fd;
}

inline int bound_port(int fd) {
  sockaddr_in sa{};
  socklen_t size = sizeof sa;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&sa), &size);
  return ntohs(sa.sin_port);
}

// A port that is free on 127.0.0.1 now.
inline int free_loopback_port() {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  const sockaddr_in sa = inet_address("127.0.0.1", 0);
  ::bind(fd.get(), reinterpret_cast<const sockaddr*>(&sa), sizeof sa);
  return bound_port(fd.get());
}

// Connects from `netns` ("" for the caller's) to ip:port, waiting at most 3 s.
// The error carries the errno of the refusal: ECONNREFUSED, EHOSTUNREACH, ETIMEDOUT.
inline Result<UniqueFd> connect_from(const std::filesystem::path& netns, const std::string& ip, int port) {
  Result<UniqueFd> fd = tcp_socket_in(netns);
  if (!fd) return fd;
  const std::string object = ip + ":" + std::to_string(port);
  int flags = ::fcntl(fd.value().get(), F_GETFL);
  ::fcntl(fd.value().get(), F_SETFL, flags | O_NONBLOCK);
  const sockaddr_in sa = inet_address(ip, port);
  if (::connect(fd.value().get(), reinterpret_cast<const sockaddr*>(&sa), sizeof sa) != 0) {
    if (errno != EINPROGRESS) return sys_error("connect", object, errno);
    pollfd p{fd.value().get(), POLLOUT, 0};
    if (::poll(&p, 1, 3000) != 1) return sys_error("connect", object, ETIMEDOUT);
    int error = 0;
    socklen_t size = sizeof error;
    ::getsockopt(fd.value().get(), SOL_SOCKET, SO_ERROR, &error, &size);
    if (error != 0) return sys_error("connect", object, error);
  }
  ::fcntl(fd.value().get(), F_SETFL, flags);
  return fd;
}

// Accepts one connection within 3 s.
inline Result<UniqueFd> accept_within(int listener) {
  pollfd p{listener, POLLIN, 0};
  if (::poll(&p, 1, 3000) != 1) return sys_error("accept", "", ETIMEDOUT);
  UniqueFd fd(::accept4(listener, nullptr, nullptr, SOCK_CLOEXEC));
  if (!fd.valid()) return sys_error("accept", "", errno);
  return fd;
}

// Reads until `size` bytes, EOF or 3 s of silence.
inline std::string read_some(int fd, size_t size) {
  std::string data;
  char buffer[4096];
  while (data.size() < size) {
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, 3000) != 1) break;
    ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n <= 0) break;
    data.append(buffer, static_cast<size_t>(n));
  }
  return data;
}

inline bool send_all(int fd, const std::string& data) {
  return ::send(fd, data.data(), data.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(data.size());
}

// One exchange: `client` says "ping", the connection `listener` accepts hears it and
// answers "pong". Returns what the client heard, or why it heard nothing.
inline std::string ping_pong(int client, int listener) {
  if (!send_all(client, "ping")) return "send failed";
  Result<UniqueFd> server = accept_within(listener);
  if (!server) return server.error().message;
  const std::string heard = read_some(server.value().get(), 4);
  if (heard != "ping") return "the server heard `" + heard + "`";
  send_all(server.value().get(), "pong");
  return read_some(client, 4);
}

}  // namespace kubepp::testing

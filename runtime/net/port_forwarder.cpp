#include "runtime/net/port_forwarder.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <list>

namespace kubepp::runtime::net {

namespace {

constexpr size_t kBufferSize = 64 * 1024;

sockaddr_in socket_address(Ipv4Address address, int port) {
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(static_cast<uint16_t>(port));
  sa.sin_addr.s_addr = htonl(address.value);
  return sa;
}

// Bytes on their way from one socket to the other: read from the source into the
// buffer, written from it to the destination; one buffer's worth at a time.
struct Flow {
  std::vector<char> buffer = std::vector<char>(kBufferSize);
  size_t begin = 0, end = 0;  // the bytes not yet written: buffer[begin, end)
  bool eof = false;           // the source has closed its sending side
  bool shut = false;          // and we have passed that on: shutdown(destination, SHUT_WR)

  bool empty() const { return begin == end; }
  bool wants_input() const { return empty() && !eof; }
};

// One relayed connection: the client that connected to the host port, and our
// connection to the pod, which is first being made (non-blocking connect).
struct Connection {
  UniqueFd client, pod;
  bool connected = false;
  bool broken = false;  // an error on either side: close both
  Flow to_pod, to_client;

  bool done() const { return broken || (to_pod.shut && to_client.shut); }
};

void fill(int source, Flow& flow, bool& broken) {
  ssize_t n = ::read(source, flow.buffer.data(), flow.buffer.size());
  if (n > 0) flow.begin = 0, flow.end = static_cast<size_t>(n);
  else if (n == 0) flow.eof = true;
  else if (errno != EAGAIN && errno != EINTR) broken = true;
}

// Writes what the flow holds, as much as the destination takes now; once the source
// has ended and all is written, ends the destination's side too (a half-close: an HTTP
// client that shuts its side after the request still gets the answer).
void drain(int destination, Flow& flow, bool& broken) {
  if (!flow.empty()) {
    ssize_t n = ::send(destination, flow.buffer.data() + flow.begin, flow.end - flow.begin, MSG_NOSIGNAL);
    if (n > 0) flow.begin += static_cast<size_t>(n);
    else if (n < 0 && errno != EAGAIN && errno != EINTR) broken = true;
  }
  if (flow.empty() && flow.eof && !flow.shut) {
    ::shutdown(destination, SHUT_WR);
    flow.shut = true;
  }
}

// Accepts a client and starts connecting to the pod.
void accept_one(const ForwardedPort& port, std::list<Connection>& connections) {
  UniqueFd client(::accept4(port.listener.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC));
  if (!client.valid()) return;  // the client gave up meanwhile, or no descriptor is left: next one
  UniqueFd pod(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!pod.valid()) return;
  const sockaddr_in target = socket_address(port.target, port.target_port);
  const int rc = ::connect(pod.get(), reinterpret_cast<const sockaddr*>(&target), sizeof target);
  if (rc != 0 && errno != EINPROGRESS) return;  // closing the client tells it
  Connection& c = connections.emplace_back();
  c.client = std::move(client);
  c.pod = std::move(pod);
  c.connected = rc == 0;
}

// The pollfd of one side of a connection. A side we want nothing from gets fd -1, which
// poll skips: a peer that has hung up would otherwise wake us again and again.
pollfd side(int fd, short events) { return {events != 0 ? fd : -1, events, 0}; }

// The forwarder's whole life: one poll loop over the listeners and every connection.
[[noreturn]] void relay(const std::vector<ForwardedPort>& ports) {
  std::list<Connection> connections;
  std::vector<pollfd> fds;
  for (;;) {
    fds.clear();
    for (const ForwardedPort& port : ports) fds.push_back({port.listener.get(), POLLIN, 0});
    for (const Connection& c : connections) {
      if (!c.connected) {
        fds.push_back(side(c.client.get(), 0));
        fds.push_back(side(c.pod.get(), POLLOUT));  // writable: the connect has finished
        continue;
      }
      fds.push_back(side(c.client.get(), short((c.to_pod.wants_input() ? POLLIN : 0) | (c.to_client.empty() ? 0 : POLLOUT))));
      fds.push_back(side(c.pod.get(), short((c.to_client.wants_input() ? POLLIN : 0) | (c.to_pod.empty() ? 0 : POLLOUT))));
    }
    if (::poll(fds.data(), fds.size(), -1) < 0) continue;  // EINTR

    size_t i = ports.size();
    for (Connection& c : connections) {
      const pollfd& client = fds[i++];
      const pollfd& pod = fds[i++];
      if ((client.revents | pod.revents) & POLLERR) c.broken = true;
      if (c.broken) continue;
      if (!c.connected) {
        int error = 0;
        socklen_t size = sizeof error;
        if (pod.revents == 0) continue;
        if (::getsockopt(c.pod.get(), SOL_SOCKET, SO_ERROR, &error, &size) != 0 || error != 0) c.broken = true;
        c.connected = !c.broken;
        continue;
      }
      if (client.revents & (POLLIN | POLLHUP)) fill(c.client.get(), c.to_pod, c.broken);
      if (pod.revents & (POLLIN | POLLHUP)) fill(c.pod.get(), c.to_client, c.broken);
      if (!c.broken) drain(c.pod.get(), c.to_pod, c.broken);
      if (!c.broken) drain(c.client.get(), c.to_client, c.broken);
    }
    connections.remove_if([](const Connection& c) { return c.done(); });
    for (size_t p = 0; p < ports.size(); ++p) {
      if (fds[p].revents & POLLIN) accept_one(ports[p], connections);
    }
  }
}

// Closes every descriptor from 3 up but `keep` (sorted), without allocating (we are the
// child of a fork): close_range(2) over the gaps between the kept ones.
void close_all_but(const std::vector<int>& keep) {
  unsigned next = 3;
  for (int fd : keep) {
    if (fd < 3) continue;
    if (static_cast<unsigned>(fd) > next) ::close_range(next, static_cast<unsigned>(fd) - 1, 0);
    next = static_cast<unsigned>(fd) + 1;
  }
  ::close_range(next, UINT_MAX, 0);
}

}  // namespace

Result<UniqueFd> listen_tcp(Ipv4Address address, int port) {
  const std::string object = address.str() + ":" + std::to_string(port);
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
  if (!fd.valid()) return sys_error("socket", object, errno);
  const int on = 1;
  if (::setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &on, sizeof on) != 0) return sys_error("setsockopt", object, errno);
  const sockaddr_in sa = socket_address(address, port);
  if (::bind(fd.get(), reinterpret_cast<const sockaddr*>(&sa), sizeof sa) != 0) {
    Error error = sys_error("bind", object, errno);
    if (errno == EADDRINUSE) error.code = ErrorCode::Conflict;
    return error;
  }
  if (::listen(fd.get(), SOMAXCONN) != 0) return sys_error("listen", object, errno);
  return fd;
}

Result<pid_t> start_port_forwarder(std::vector<ForwardedPort> ports) {
  std::vector<int> keep;
  for (const ForwardedPort& port : ports) keep.push_back(port.listener.get());
  std::sort(keep.begin(), keep.end());
  const pid_t pid = ::fork();
  if (pid < 0) return sys_error("fork", "hostport forwarder", errno);
  if (pid > 0) return pid;  // `ports` goes out of scope here: the parent's copies of the listeners close

  // The child. A session of its own: no terminal's Ctrl-C, no job control of the
  // caller's shell. Signals unblocked and defaulted, so SIGTERM and SIGKILL work even
  // when the caller (a kubelet waiting in sigwait) had them blocked.
  ::setsid();
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int sig : {SIGTERM, SIGINT, SIGHUP}) ::signal(sig, SIG_DFL);
  ::signal(SIGPIPE, SIG_IGN);  // a client gone mid-write is an error from send, not a death
  const int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  for (int fd = 0; fd < 3 && null >= 0; ++fd) ::dup2(null, fd);
  close_all_but(keep);  // the caller's locks, sockets, pipes: not ours to hold open
  ::prctl(PR_SET_NAME, "kubepp-hostport");
  relay(ports);
}

}  // namespace kubepp::runtime::net

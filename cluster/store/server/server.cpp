// server.cpp — GatewayServer: cpp-httplib handlers that decode an etcd gateway request,
// call the Store and encode its answer (gateway_json.h). httplib.h stays in this file.
#include "cluster/store/server/server.h"

#include <httplib.h>
#include <sys/socket.h>

#include <atomic>
#include <cerrno>
#include <limits>
#include <thread>

#include "cluster/store/server/gateway_json.h"

namespace kubepp::store {

namespace {

namespace gw = gateway;

// etcd's --max-request-bytes default (1.5 MiB) on the decoded request; the JSON body
// carries it as base64 (4/3) plus field names, hence the slack.
constexpr size_t kMaxRequestBytes = 1536 * 1024;
constexpr size_t kMaxBodyBytes = kMaxRequestBytes * 4 / 3 + 64 * 1024;
constexpr const char* kErrRequestTooLarge = "etcdserver: request is too large";
constexpr const char* kJson = "application/json";

// The current revision, for the header of a watch's "created" response.
int64_t current_revision(Store& store) {
  RangeRequest probe;
  probe.key = std::string(1, '\0');
  probe.count_only = true;
  Result<RangeResponse> r = store.range(probe);
  return r ? r.value().header.revision : 0;
}

}  // namespace

struct GatewayServer::Impl {
  Impl(Store& s, Options o) : store(s), opts(o), id{o.cluster_id, o.member_id, o.raft_term} {}

  Store& store;
  const Options opts;
  const gw::Identity id;
  httplib::Server http;
  std::thread loop;             // runs http.listen_after_bind()
  std::atomic<bool> loop_done{false};
  std::atomic<bool> stopping{false};
  int port = 0;

  void reply_error(httplib::Response& res, const gw::GatewayError& err) {
    res.status = err.http_status;
    res.set_content(gw::encode(err), kJson);
  }
  void reply_error(httplib::Response& res, const Error& err) { reply_error(res, gw::to_gateway_error(err)); }

  void reply(httplib::Response& res, const std::string& body) {
    res.status = 200;
    res.set_content(body, kJson);
  }

  // Decodes the body with `decode`, runs `call` on the request and encodes its answer.
  template <typename Decode, typename Call>
  void unary(const httplib::Request& req, httplib::Response& res, Decode decode, Call call) {
    if (req.body.size() > kMaxBodyBytes) return reply_error(res, gw::GatewayError{3, 400, kErrRequestTooLarge});
    auto request = decode(req.body);
    if (!request) return reply_error(res, request.error());
    auto response = call(request.value());
    if (!response) return reply_error(res, response.error());
    reply(res, gw::encode(response.value(), id));
  }

  void routes(const std::string& prefix);
  void watch(const httplib::Request& req, httplib::Response& res);
};

void GatewayServer::Impl::routes(const std::string& p) {
  Store& s = store;
  http.Post(p + "/kv/range", [this, &s](const httplib::Request& req, httplib::Response& res) {
    unary(req, res, gw::decode_range, [&](const RangeRequest& r) { return s.range(r); });
  });
  http.Post(p + "/kv/put", [this, &s](const httplib::Request& req, httplib::Response& res) {
    unary(req, res, gw::decode_put, [&](const PutRequest& r) { return s.put(r); });
  });
  http.Post(p + "/kv/deleterange", [this, &s](const httplib::Request& req, httplib::Response& res) {
    unary(req, res, gw::decode_delete_range, [&](const DeleteRangeRequest& r) { return s.delete_range(r); });
  });
  http.Post(p + "/kv/txn", [this, &s](const httplib::Request& req, httplib::Response& res) {
    unary(req, res, gw::decode_txn, [&](const TxnRequest& r) { return s.txn(r); });
  });
  http.Post(p + "/kv/compaction", [this, &s](const httplib::Request& req, httplib::Response& res) {
    unary(req, res, gw::decode_compaction, [&](int64_t revision) { return s.compact(revision); });
  });
  http.Post(p + "/lease/grant", [this, &s](const httplib::Request& req, httplib::Response& res) {
    unary(req, res, gw::decode_lease_grant, [&](const LeaseGrantRequest& r) { return s.lease_grant(r); });
  });
  http.Post(p + "/lease/revoke", [this, &s](const httplib::Request& req, httplib::Response& res) {
    unary(req, res, gw::decode_lease_id, [&](int64_t lease) { return s.lease_revoke(lease); });
  });
  // LeaseKeepAlive is a stream; one request in the body gets one {"result":…} line. An
  // unknown or expired lease is no error there: etcd answers it with TTL 0.
  http.Post(p + "/lease/keepalive", [this, &s](const httplib::Request& req, httplib::Response& res) {
    Result<int64_t> lease = gw::decode_lease_id(req.body);
    if (!lease) return reply_error(res, lease.error());
    Result<LeaseKeepAliveResponse> r = s.lease_keep_alive(lease.value());
    LeaseKeepAliveResponse resp;
    if (r) {
      resp = r.value();
    } else if (r.error().message == kErrLeaseNotFound) {
      resp.header.revision = current_revision(s);
      resp.id = lease.value();
    } else {
      return reply_error(res, r.error());
    }
    reply(res, gw::encode_result(resp, id) + "\n");
  });
  http.Post(p + "/watch", [this](const httplib::Request& req, httplib::Response& res) { watch(req, res); });
}

// One watch stream. The handler starts the watch; httplib then calls the content
// provider on this connection's thread until it calls done() or fails a write. Each
// call writes at most one response line, so every response reaches the client at once.
void GatewayServer::Impl::watch(const httplib::Request& req, httplib::Response& res) {
  Result<gw::WatchCreate> create = gw::decode_watch(req.body);
  if (!create) return reply_error(res, create.error());

  struct Stream {
    gw::WatchCreate create;
    std::unique_ptr<Watcher> watcher;  // null when the store refused the watch
    std::string first;                 // the "created" response
    bool sent_first = false;
    bool finished = false;
  };
  auto stream = std::make_shared<Stream>();
  stream->create = std::move(create).value();
  WatchResponse created;
  created.header.revision = current_revision(store);
  created.watch_id = stream->create.watch_id;
  Result<std::unique_ptr<Watcher>> w = store.watch(stream->create.request);
  if (w) {
    stream->watcher = std::move(w).value();
  } else {
    // etcd 3.4 answers a refused watch in the stream: created and canceled at once, with
    // watch_id -1 (clientv3.InvalidWatchID).
    created.watch_id = -1;
    created.canceled = true;
    created.cancel_reason = w.error().message;
    stream->finished = true;
  }
  stream->first = gw::encode_result(created, id, /*created=*/true) + "\n";

  res.status = 200;
  res.set_header("Grpc-Metadata-Content-Type", "application/grpc");
  res.set_chunked_content_provider(kJson, [this, stream](size_t, httplib::DataSink& sink) {
    if (!stream->sent_first) {
      stream->sent_first = true;
      return sink.write(stream->first.data(), stream->first.size());
    }
    if (stream->finished || stopping) {
      sink.done();
      return true;
    }
    std::optional<WatchResponse> r = stream->watcher->next(opts.watch_poll);
    if (!r) return true;  // nothing yet: called again
    if (stream->create.no_put || stream->create.no_delete) {
      const bool had_events = !r->events.empty();
      std::erase_if(r->events, [&](const Event& ev) {
        return ev.type == Event::Type::Put ? stream->create.no_put : stream->create.no_delete;
      });
      if (had_events && r->is_progress_notify()) return true;  // every event filtered out
    }
    r->watch_id = stream->create.watch_id;  // ids are per stream, as on one etcd gRPC stream
    std::string line = gw::encode_result(*r, id, /*created=*/false) + "\n";
    if (!sink.write(line.data(), line.size())) return false;  // the client went away
    if (r->canceled) stream->finished = true;
    return true;
  });
}

GatewayServer::GatewayServer(Store& store) : GatewayServer(store, Options{}) {}

GatewayServer::GatewayServer(Store& store, Options opts) : impl_(std::make_unique<Impl>(store, opts)) {}

GatewayServer::~GatewayServer() { stop(); }

Result<int> GatewayServer::start(const std::string& host, int port) {
  Impl& m = *impl_;
  if (m.loop.joinable()) return Error{ErrorCode::Invalid, "the gateway server is already started"};
  m.http.set_tcp_nodelay(true);  // without it each response waits for a delayed ACK (~40 ms)
  // httplib closes a keep-alive connection after 5 requests by default; a client that
  // reuses it at that moment loses its request ("no answer"). Go's server, and so etcd,
  // keeps it as long as the client does.
  m.http.set_keep_alive_max_count(std::numeric_limits<int>::max());
  // An idle keep-alive connection holds its pool thread for the whole timeout, and stop()
  // joins those threads: with httplib's 5 s, SIGTERM took 5 s whenever a client was
  // connected. A busy client sends well within 1 s; an idle one reconnects.
  m.http.set_keep_alive_timeout(1);
  // httplib's default adds SO_REUSEPORT, with which a second server would silently share
  // the port; SO_REUSEADDR alone lets a restart rebind at once and refuses a live twin.
  int listener = -1;
  m.http.set_socket_options([&listener](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof yes);
    listener = sock;
  });
  const size_t threads = m.opts.threads;
  m.http.new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  m.http.set_payload_max_length(4 * kMaxBodyBytes);  // beyond it: 413 without reading on
  // Every body is JSON, whatever it says it is (grpc-gateway reads it so too). `curl -d`
  // says application/x-www-form-urlencoded, which httplib would parse as a form and
  // refuse past 8 KiB with 413 before any handler runs: drop the claim first.
  m.http.set_pre_routing_handler([](const httplib::Request& req, httplib::Response&) {
    const_cast<httplib::Request&>(req).headers.erase("Content-Type");
    return httplib::Server::HandlerResponse::Unhandled;
  });
  m.routes("/v3");
  m.routes("/v3beta");

  errno = 0;
  int bound = port == 0 ? m.http.bind_to_any_port(host) : (m.http.bind_to_port(host, port) ? port : -1);
  if (bound <= 0) {
    return sys_error("listen", host + ":" + std::to_string(port), errno ? errno : EADDRNOTAVAIL);
  }
  // httplib listens with a backlog of 5 (a compile-time setting of the shared library):
  // 64 clients connecting at once overflow it, and the dropped SYNs come back a second
  // later. listen(2) again on the bound socket raises it, as Go's server's is.
  if (listener >= 0) ::listen(listener, SOMAXCONN);
  m.port = bound;
  m.loop = std::thread([&m] {
    m.http.listen_after_bind();
    m.loop_done = true;
  });
  // stop() is a no-op until the accept loop runs: wait for it, so a quick stop() works.
  while (!m.http.is_running() && !m.loop_done) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  return bound;
}

void GatewayServer::stop() {
  Impl& m = *impl_;
  if (!m.loop.joinable()) return;
  m.stopping = true;  // open watch streams end at their next poll
  m.http.stop();
  m.loop.join();
}

int GatewayServer::port() const { return impl_->port; }

}  // namespace kubepp::store

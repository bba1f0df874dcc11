// etcd_store.cpp — EtcdStore: unary calls over a pool of keep-alive connections, and
// watches as streams read on a thread each. httplib.h stays in this file (pimpl); the
// JSON is gateway_json's.
#include "cluster/store/etcd/etcd_store.h"

#include <httplib.h>

#include <atomic>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <thread>
#include <vector>

#include "cluster/store/server/gateway_json.h"

namespace kubepp::store {

namespace {

namespace gw = gateway;

constexpr const char* kJson = "application/json";

struct Endpoint {
  std::string url;  // as given, for messages
  std::string host;
  int port = 0;
};

Result<Endpoint> parse_endpoint(const std::string& url) {
  Result<gw::HttpUrl> u = gw::parse_http_url(url, /*allow_port_zero=*/false);
  if (!u) return Error{ErrorCode::Invalid, "etcd endpoint `" + url + "`: " + u.error().message};
  return Endpoint{url, u.value().host, u.value().port};
}

// "etcd `http://127.0.0.1:2379`: POST /v3/kv/range: cannot connect".
Error unavailable(const Endpoint& ep, const std::string& path, httplib::Error err) {
  std::string why;
  switch (err) {
    case httplib::Error::Connection: why = "cannot connect"; break;
    case httplib::Error::ConnectionTimeout: why = "connect timed out"; break;
    case httplib::Error::Read: why = "no answer (the connection closed or timed out)"; break;
    case httplib::Error::Write: why = "cannot send the request"; break;
    default: why = "httplib error " + httplib::to_string(err); break;
  }
  return Error{ErrorCode::Unavailable, "etcd `" + ep.url + "`: POST " + path + ": " + why};
}

std::unique_ptr<httplib::Client> new_client(const Endpoint& ep, const EtcdStore::Options& opts,
                                            std::chrono::milliseconds read_timeout) {
  auto c = std::make_unique<httplib::Client>(ep.host, ep.port);
  c->set_connection_timeout(opts.connect_timeout);
  c->set_read_timeout(read_timeout);
  c->set_write_timeout(opts.request_timeout);
  c->set_tcp_nodelay(true);  // else each request waits for a delayed ACK (~40 ms)
  c->set_keep_alive(true);
  return c;
}

// A watch: one POST /v3/watch stream, read on its own thread. The first line ("created")
// is start()'s answer; later lines queue up for next(). The queue is bounded: when it is
// full the reader waits, TCP pushes back and the server treats the watch as slow.
class StreamWatcher final : public Watcher {
 public:
  StreamWatcher(const Endpoint& ep, const EtcdStore::Options& opts)
      : ep_(ep), capacity_(opts.watch_buffer), client_(new_client(ep, opts, opts.watch_idle_timeout)) {}

  ~StreamWatcher() override {
    std::unique_lock lock(mu_);
    stopping_ = true;
    cv_.notify_all();
    // stop() shuts the socket a blocked read waits on; repeat it in case the request had
    // not reached its socket yet.
    while (thread_.joinable() && !finished_) {
      lock.unlock();
      client_->stop();
      lock.lock();
      cv_.wait_for(lock, std::chrono::milliseconds(10), [&] { return finished_; });
    }
    lock.unlock();
    if (thread_.joinable()) thread_.join();
  }

  /// Sends the create request and waits for "created"; the error when refused or lost.
  Status start(const gw::WatchCreate& create, std::chrono::milliseconds timeout) {
    id_ = create.watch_id;
    thread_ = std::thread([this, body = gw::encode(create)] { run(body); });
    std::unique_lock lock(mu_);
    if (!cv_.wait_for(lock, timeout, [&] { return created_.has_value(); })) {
      return Error{ErrorCode::Unavailable, "etcd `" + ep_.url + "`: POST /v3/watch: no \"created\" answer in time"};
    }
    return *created_;
  }

  int64_t id() const override { return id_; }

  std::optional<WatchResponse> next(std::chrono::milliseconds timeout) override {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return !queue_.empty() || ended_ || finished_; });
    if (queue_.empty()) return std::nullopt;
    WatchResponse r = std::move(queue_.front());
    queue_.pop_front();
    cv_.notify_all();  // room for the reader
    return r;
  }

 private:
  void run(const std::string& body) {
    int status = 0;
    std::string error_body;
    httplib::Request req;
    req.method = "POST";
    req.path = "/v3/watch";
    req.body = body;
    req.set_header("Content-Type", kJson);
    req.response_handler = [&](const httplib::Response& res) {
      status = res.status;
      return true;
    };
    req.content_receiver = [&](const char* data, size_t n, uint64_t, uint64_t) {
      if (status != 200) {
        error_body.append(data, n);
        return true;
      }
      partial_.append(data, n);
      for (size_t nl; (nl = partial_.find('\n')) != std::string::npos; partial_.erase(0, nl + 1)) {
        if (!on_line(std::string_view(partial_).substr(0, nl))) return false;
      }
      return true;
    };
    httplib::Result res = client_->send(req);

    std::lock_guard lock(mu_);
    if (!created_) {
      if (!res) {
        created_ = unavailable(ep_, "/v3/watch", res.error());
      } else if (status != 200) {
        created_ = gw::decode_error(status, error_body);
      } else {
        created_ = Error{ErrorCode::Unavailable, "etcd `" + ep_.url + "`: POST /v3/watch: the stream ended before \"created\""};
      }
    } else if (!ended_ && !stopping_) {
      // The stream broke without a cancel: say so, as the last response, so the owner knows
      // to watch again from the revision it reached.
      WatchResponse last;
      last.watch_id = id_;
      last.canceled = true;
      last.cancel_reason = "etcd `" + ep_.url + "`: the watch stream ended (" +
                           (res ? std::string("closed by the server") : httplib::to_string(res.error())) + ")";
      queue_.push_back(std::move(last));
    }
    finished_ = true;
    cv_.notify_all();
  }

  // One line of the stream. False ends the stream.
  bool on_line(std::string_view line) {
    if (line.find_first_not_of(" \t\r") == std::string_view::npos) return true;
    Result<gw::WatchResult> r = gw::decode_watch_result(line);
    std::unique_lock lock(mu_);
    if (!created_) {
      if (!r) {
        created_ = r.error();
      } else if (r.value().response.canceled) {  // etcd refused the watch
        created_ = gw::error_from_etcd(r.value().response.cancel_reason);
      } else {
        created_ = Status();
      }
      ended_ = !created_->ok();
      cv_.notify_all();
      return !ended_ && !stopping_;
    }
    WatchResponse resp;
    if (r) {
      resp = std::move(r.value().response);
    } else {  // not etcd's stream any more: end the watch, saying why
      resp.watch_id = id_;
      resp.canceled = true;
      resp.cancel_reason = "etcd `" + ep_.url + "`: bad watch response: " + r.error().message;
    }
    cv_.wait(lock, [&] { return queue_.size() < capacity_ || stopping_; });
    if (stopping_) return false;
    ended_ = resp.canceled;
    queue_.push_back(std::move(resp));
    cv_.notify_all();
    return !ended_;
  }

  const Endpoint ep_;
  const size_t capacity_;
  std::unique_ptr<httplib::Client> client_;
  int64_t id_ = 0;
  std::string partial_;  // the reader thread's: a line not yet complete

  std::mutex mu_;
  std::condition_variable cv_;          // signaled on created, a push, a pop, the end, stop
  std::optional<Status> created_;       // guarded by mu_: the answer to the create request
  std::deque<WatchResponse> queue_;     // guarded by mu_
  bool ended_ = false;                  // guarded by mu_: the canceling response is queued
  bool finished_ = false;               // guarded by mu_: the reader thread is done
  bool stopping_ = false;               // guarded by mu_: the owner let go
  std::thread thread_;
};

}  // namespace

struct EtcdStore::Impl {
  Endpoint ep;
  Options opts;
  std::atomic<int64_t> next_watch_id{1};

  std::mutex mu;
  std::vector<std::unique_ptr<httplib::Client>> idle;  // guarded by mu: keep-alive connections

  // POSTs `body` to `path`: the answer's body when 200, else its error.
  Result<std::string> post(const std::string& path, const std::string& body) {
    std::unique_ptr<httplib::Client> c;
    {
      std::lock_guard lock(mu);
      if (!idle.empty()) {
        c = std::move(idle.back());
        idle.pop_back();
      }
    }
    if (!c) c = new_client(ep, opts, opts.request_timeout);
    int status = 0;
    std::string answer;
    httplib::Request req;
    req.method = "POST";
    req.path = path;
    req.body = body;
    req.set_header("Content-Type", kJson);
    req.response_handler = [&](const httplib::Response& res) {
      status = res.status;
      return true;
    };
    req.content_receiver = [&](const char* data, size_t n, uint64_t, uint64_t) {
      answer.append(data, n);
      return true;
    };
    httplib::Result r = c->send(req);
    if (!r) {
      // etcd's gateway ends an error answer with an HTTP trailer (Grpc-Trailer-Content-Type),
      // which cpp-httplib 0.11 cannot parse: it fails with a read error after the whole
      // body. Keep that answer; the connection goes with c.
      bool trailer_after_error = r.error() == httplib::Error::Read && status != 0 && status != 200 && !answer.empty();
      if (!trailer_after_error) return unavailable(ep, path, r.error());
    } else {
      std::lock_guard lock(mu);
      idle.push_back(std::move(c));
    }
    if (status != 200) return gw::decode_error(status, answer);
    return answer;
  }

  // One unary call: encode, POST, decode. A body we cannot decode is not etcd's answer.
  template <typename Decode>
  auto call(const std::string& path, const std::string& body, Decode decode) -> decltype(decode(std::string_view())) {
    Result<std::string> answer = post(path, body);
    if (!answer) return answer.error();
    auto resp = decode(answer.value());
    if (!resp) return Error{ErrorCode::Unavailable, "etcd `" + ep.url + "`: POST " + path + ": bad answer: " + resp.error().message};
    return resp;
  }
};

EtcdStore::EtcdStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
EtcdStore::~EtcdStore() = default;

Result<std::unique_ptr<EtcdStore>> EtcdStore::open(const std::string& endpoint) { return open(endpoint, Options{}); }

Result<std::unique_ptr<EtcdStore>> EtcdStore::open(const std::string& endpoint, Options opts) {
  Result<Endpoint> ep = parse_endpoint(endpoint);
  if (!ep) return ep.error();
  auto impl = std::make_unique<Impl>();
  impl->ep = std::move(ep).value();
  impl->opts = opts;
  return std::unique_ptr<EtcdStore>(new EtcdStore(std::move(impl)));
}

const std::string& EtcdStore::endpoint() const { return impl_->ep.url; }

Result<RangeResponse> EtcdStore::range(const RangeRequest& req) {
  return impl_->call("/v3/kv/range", gw::encode(req), gw::decode_range_response);
}

Result<PutResponse> EtcdStore::put(const PutRequest& req) {
  return impl_->call("/v3/kv/put", gw::encode(req), gw::decode_put_response);
}

Result<DeleteRangeResponse> EtcdStore::delete_range(const DeleteRangeRequest& req) {
  return impl_->call("/v3/kv/deleterange", gw::encode(req), gw::decode_delete_range_response);
}

Result<TxnResponse> EtcdStore::txn(const TxnRequest& req) {
  return impl_->call("/v3/kv/txn", gw::encode(req), gw::decode_txn_response);
}

Result<CompactionResponse> EtcdStore::compact(int64_t revision) {
  return impl_->call("/v3/kv/compaction", gw::encode_compaction(revision), gw::decode_compaction_response);
}

Result<LeaseGrantResponse> EtcdStore::lease_grant(const LeaseGrantRequest& req) {
  return impl_->call("/v3/lease/grant", gw::encode(req), gw::decode_lease_grant_response);
}

Result<LeaseRevokeResponse> EtcdStore::lease_revoke(int64_t id) {
  return impl_->call("/v3/lease/revoke", gw::encode_lease_id(id), gw::decode_lease_revoke_response);
}

// LeaseKeepAlive is a stream: one request in the body, one {"result":…} line back.
Result<LeaseKeepAliveResponse> EtcdStore::lease_keep_alive(int64_t id) {
  Result<LeaseKeepAliveResponse> r = impl_->call("/v3/lease/keepalive", gw::encode_lease_id(id), gw::decode_keep_alive_result);
  if (r && r.value().ttl <= 0) return Error{ErrorCode::NotFound, kErrLeaseNotFound};
  return r;
}

Result<std::unique_ptr<Watcher>> EtcdStore::watch(const WatchRequest& req) {
  if (req.start_revision < 0) return Error{ErrorCode::Invalid, "start_revision must not be negative"};
  gw::WatchCreate create;
  create.request = req;
  create.watch_id = impl_->next_watch_id++;  // ours, so that ids differ as the embedded store's do
  auto w = std::make_unique<StreamWatcher>(impl_->ep, impl_->opts);
  if (Status st = w->start(create, impl_->opts.connect_timeout + impl_->opts.request_timeout); !st) return st.error();
  return std::unique_ptr<Watcher>(std::move(w));
}

}  // namespace kubepp::store

// server.h — GatewayServer: a Store served over etcd 3.4's v3 JSON gateway
// (`kubepp store`), so curl, the etcd backend and etcd's own JSON clients talk to it as
// they talk to etcd.
//
//   POST /v3/kv/range  /v3/kv/put  /v3/kv/deleterange  /v3/kv/txn  /v3/kv/compaction
//   POST /v3/lease/grant  /v3/lease/revoke  /v3/lease/keepalive (a stream of one)
//   POST /v3/watch      a stream: the body holds one {"create_request":{…}}; the answer is
//                       one {"result":{…}} per line, the first with "created":true, and
//                       stays open until the watch is canceled or the server stops.
// The same paths under /v3beta/ too, as etcd 3.4 keeps them. JSON shapes and errors:
// gateway_json.h.
//
// Threads: cpp-httplib serves each connection on a pool thread (Options::threads); an
// open watch stream holds its thread, so the pool bounds the watches served at once.
// Ownership: the server uses the Store it is given, which must outlive it.
// Thread safety: start() and stop() from one owning thread; handlers run concurrently
// and rely on Store's own thread safety.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "cluster/store/store.h"
#include "runtime/base/result.h"

namespace kubepp::store {

class GatewayServer {
 public:
  struct Options {
    uint64_t cluster_id = 0x6b75626570702d31;  // "kubepp-1": a single-member cluster
    uint64_t member_id = 0x6d656d6265722d31;   // "member-1"
    uint64_t raft_term = 1;                    // no elections: the term never moves
    size_t threads = 64;                       // connections served at once (watches included)
    std::chrono::milliseconds watch_poll{100}; // how often an idle watch stream checks for stop
  };

  explicit GatewayServer(Store& store);  // the default Options
  GatewayServer(Store& store, Options opts);
  ~GatewayServer();  // stops
  GatewayServer(const GatewayServer&) = delete;
  GatewayServer& operator=(const GatewayServer&) = delete;

  /// Binds host:port (port 0: a free port) and serves on a thread of its own. Returns the
  /// port bound. Unavailable when the address cannot be bound; Invalid when started twice.
  Result<int> start(const std::string& host, int port);

  /// Ends open watch streams, stops accepting and joins the server's threads (within about
  /// a second: an idle keep-alive connection holds its thread that long). Idempotent.
  void stop();

  /// The port bound by start(), 0 before.
  int port() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kubepp::store

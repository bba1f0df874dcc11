// etcd_store.h — EtcdStore: the Store interface as a client of etcd 3.4's v3 JSON gateway,
// so of real etcd or of `kubepp store`. The API server makes one from --etcd-servers.
//
// Each call is one HTTP POST to the endpoint (the JSON shapes: server/gateway_json.h); a
// watch is one streaming POST /v3/watch, read by a thread of the Watcher's own, which
// hands each {"result":…} line to next(). Destroying the Watcher closes the stream.
//
// Errors come back with the ErrorCodes the embedded stores give (gateway::error_from_etcd):
// etcd's texts lose their "etcdserver: " prefix and match kv.h's kErr*, so a compacted
// revision is Gone with kErrCompacted and a future one Invalid with kErrFutureRev; other
// errors map by gRPC code. So the contract tests hold for every backend. A connection
// failure, or an answer that is not etcd's, is Unavailable, naming the endpoint.
// A negative watch start_revision is refused here (Invalid), before any request: etcd
// does not check it, and answers "compacted" or nothing depending on its history.
//
// Thread safety: every method may be called from any thread at the same time; unary
// calls take a keep-alive connection from a pool, so they run in parallel. A Watcher owns
// its connection and thread, and may outlive the EtcdStore. Copying is deleted.
#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "cluster/store/store.h"
#include "runtime/base/result.h"

namespace kubepp::store {

class EtcdStore final : public Store {
 public:
  struct Options {
    std::chrono::milliseconds connect_timeout{2000};
    std::chrono::milliseconds request_timeout{10'000};  // a unary call's wait for its answer
    std::chrono::hours watch_idle_timeout{24};          // a watch stream with no line ends then
    size_t watch_buffer = 1024;  // responses a Watcher holds; then its stream waits (TCP backpressure)
  };

  /// A client of the gateway at `endpoint`, "http://HOST:PORT" (as --etcd-servers and
  /// --listen-client-urls write it). Connects on first use. Invalid when the URL is not
  /// of that form.
  static Result<std::unique_ptr<EtcdStore>> open(const std::string& endpoint);
  static Result<std::unique_ptr<EtcdStore>> open(const std::string& endpoint, Options opts);
  ~EtcdStore() override;
  EtcdStore(const EtcdStore&) = delete;
  EtcdStore& operator=(const EtcdStore&) = delete;

  // Store (see store.h for the contracts)
  Result<RangeResponse> range(const RangeRequest& req) override;
  Result<PutResponse> put(const PutRequest& req) override;
  Result<DeleteRangeResponse> delete_range(const DeleteRangeRequest& req) override;
  Result<TxnResponse> txn(const TxnRequest& req) override;
  Result<CompactionResponse> compact(int64_t revision) override;
  /// Returns once the server answered "created", so every write after it is seen.
  Result<std::unique_ptr<Watcher>> watch(const WatchRequest& req) override;
  Result<LeaseGrantResponse> lease_grant(const LeaseGrantRequest& req) override;
  /// etcd answers an unknown or expired lease with TTL 0: NotFound (kErrLeaseNotFound).
  Result<LeaseKeepAliveResponse> lease_keep_alive(int64_t id) override;
  Result<LeaseRevokeResponse> lease_revoke(int64_t id) override;

  /// The endpoint, as given.
  const std::string& endpoint() const;

 private:
  struct Impl;
  explicit EtcdStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kubepp::store

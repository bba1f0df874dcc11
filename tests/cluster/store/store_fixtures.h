// store_fixtures.h — the stores the contract tests run against, and small helpers.
//
// A contract test is TEMPLATE_TEST_CASE(name, tags, KUBEPP_STORES) and uses only the
// Store interface plus settle(). Each fixture type has
//   store      a Store, empty, at revision 1 (as etcd: the first write gets revision 2)
//   settle()   give watchers a chance to catch up (the embedded store runs one
//              sync_watchers step; a server-backed store has nothing to do)
// Each test case (each run of it, one per SECTION) gets a fresh fixture.
//
// One suite, two binaries. unit_tests runs it against the embedded stores:
//   EmbeddedStore        in memory, stepped by hand
//   DurableStoreOnDisk   the WAL-backed store in a temporary directory
// store_backend_tests compiles the same sources (kv, txn, watch and lease _test.cpp) with
// KUBEPP_STORE_BACKENDS defined, and runs them against the remote backends, each an
// EtcdStore client of a fresh server process (tests/support/store_processes.h):
//   KubeppStoreServer    `kubepp store --data-dir`
//   RealEtcd             etcd 3.4 (/usr/bin/etcd); where kubepp and etcd answer
//                        differently, etcd is right
// Embedded only: a test that steps a FakeClock or calls sync_watchers by hand cannot
// reach a server. Such tests use EmbeddedStore directly inside
// `#ifndef KUBEPP_STORE_BACKENDS` — today lease_test.cpp's "a lease expires when its TTL
// passes on the clock, deleting its keys".
#pragma once

#include <catch2/catch.hpp>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <stdlib.h>

#include <filesystem>
#include <memory>

#include "cluster/store/clock.h"
#include "cluster/store/durable_store.h"
#include "cluster/store/store.h"
#include "cluster/store/watchable_store.h"
#ifdef KUBEPP_STORE_BACKENDS
#include "cluster/store/etcd/etcd_store.h"
#include "tests/support/store_processes.h"
#endif

namespace kubepp::store::testing {

/// The embedded store, stepped by hand: no background thread, a fake clock.
struct EmbeddedStore {
  static WatchableStore::Options options(const Clock& clock) {
    WatchableStore::Options o;
    o.clock = &clock;
    o.background = false;
    return o;
  }
  FakeClock clock;
  WatchableStore store{options(clock)};
  void settle() { store.sync_watchers(); }
};

/// A temporary directory, removed with all it holds when destroyed.
struct TempDir {
  std::string path;
  TempDir() {
    char tmpl[] = "/tmp/kubepp-store-XXXXXX";
    REQUIRE(::mkdtemp(tmpl) != nullptr);
    path = tmpl;
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
};

/// The embedded store made durable (WAL, fsync on) in a temporary data directory,
/// stepped by hand like EmbeddedStore.
struct DurableStoreOnDisk {
  static std::unique_ptr<DurableStore> open(const std::string& dir, const Clock& clock) {
    DurableStore::Options o;
    o.data_dir = dir;
    o.store = EmbeddedStore::options(clock);
    Result<std::unique_ptr<DurableStore>> r = DurableStore::open(o);
    INFO("open " << dir << ": " << (r ? "" : r.error().message));
    REQUIRE(r.ok());
    return std::move(r).value();
  }
  TempDir dir;
  FakeClock clock;
  std::unique_ptr<DurableStore> durable = open(dir.path, clock);
  Store& store = *durable;
  void settle() { durable->sync_watchers(); }
};

#ifdef KUBEPP_STORE_BACKENDS

/// An EtcdStore client of a store server process, which it is destroyed before.
template <std::unique_ptr<::kubepp::testing::StoreProcess> (*Start)()>
struct RemoteStore {
  static std::unique_ptr<EtcdStore> connect(const ::kubepp::testing::StoreProcess& server) {
    Result<std::unique_ptr<EtcdStore>> r = EtcdStore::open(server.endpoint());
    INFO("connect " << server.endpoint() << ": " << (r ? "" : r.error().message));
    REQUIRE(r.ok());
    return std::move(r).value();
  }
  std::unique_ptr<::kubepp::testing::StoreProcess> server = Start();
  std::unique_ptr<EtcdStore> client = connect(*server);
  Store& store = *client;
  void settle() {}  // the server's own loop catches watchers up
};

/// `kubepp store --data-dir` (the durable store behind the gateway server).
struct KubeppStoreServer : RemoteStore<&::kubepp::testing::StoreProcess::kubepp_store> {};
/// Real etcd 3.4.
struct RealEtcd : RemoteStore<&::kubepp::testing::StoreProcess::etcd> {};

#endif  // KUBEPP_STORE_BACKENDS

// Test names end in the fixture's name: files using this say
// `using namespace kubepp::store::testing;`.
#ifdef KUBEPP_STORE_BACKENDS
#define KUBEPP_STORES KubeppStoreServer, RealEtcd
#else
#define KUBEPP_STORES EmbeddedStore, DurableStoreOnDisk
#endif

/// Puts key=value and returns the revision of the put.
inline int64_t put(Store& s, const std::string& key, const std::string& value, int64_t lease = 0) {
  Result<PutResponse> r = s.put(PutRequest{key, value, lease, false});
  INFO("put " << key << ": " << (r ? "" : r.error().message));
  REQUIRE(r.ok());
  return r.value().header.revision;
}

/// Deletes one key and returns the revision of the delete.
inline int64_t del(Store& s, const std::string& key) {
  Result<DeleteRangeResponse> r = s.delete_range(DeleteRangeRequest{key, "", false});
  REQUIRE(r.ok());
  return r.value().header.revision;
}

/// The key's version at `revision` (0 = now), or nullopt.
inline std::optional<KeyValue> get(Store& s, const std::string& key, int64_t revision = 0) {
  RangeRequest req;
  req.key = key;
  req.revision = revision;
  Result<RangeResponse> r = s.range(req);
  INFO("get " << key << " at " << revision << ": " << (r ? "" : r.error().message));
  REQUIRE(r.ok());
  if (r.value().kvs.empty()) return std::nullopt;
  return r.value().kvs.front();
}

/// "key=value,key=value" of a range's kvs, in their order.
inline std::string pairs(const std::vector<KeyValue>& kvs) {
  std::string out;
  for (const KeyValue& kv : kvs) out += (out.empty() ? "" : ",") + kv.key + "=" + kv.value;
  return out;
}

/// Events as text, so a failing CHECK prints what was seen: "PUT a=1 @2, DELETE a @4";
/// with prev_kv: "PUT a=2 @3 (was 1)".
inline std::string describe(const std::vector<Event>& events) {
  std::string out;
  for (const Event& ev : events) {
    if (!out.empty()) out += ", ";
    if (ev.type == Event::Type::Put) {
      out += "PUT " + ev.kv.key + "=" + ev.kv.value;
    } else {
      out += "DELETE " + ev.kv.key;
    }
    out += " @" + std::to_string(ev.kv.mod_revision);
    if (ev.prev_kv) out += " (was " + ev.prev_kv->value + ")";
  }
  return out;
}

/// Settles and reads responses until `n` events arrived or 5 s passed.
template <typename Fixture>
std::vector<Event> collect(Fixture& f, Watcher& w, size_t n) {
  std::vector<Event> events;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (events.size() < n && std::chrono::steady_clock::now() < deadline) {
    f.settle();
    std::optional<WatchResponse> r = w.next(std::chrono::milliseconds(20));
    if (r) events.insert(events.end(), r->events.begin(), r->events.end());
  }
  return events;
}

/// Settles, then the next response within `timeout` (nullopt when none).
template <typename Fixture>
std::optional<WatchResponse> next_response(Fixture& f, Watcher& w,
                                           std::chrono::milliseconds timeout = std::chrono::milliseconds(200)) {
  f.settle();
  return w.next(timeout);
}

/// Starts a watch and requires it to be accepted.
inline std::unique_ptr<Watcher> watch(Store& s, WatchRequest req) {
  Result<std::unique_ptr<Watcher>> r = s.watch(req);
  INFO("watch " << req.key << ": " << (r ? "" : r.error().message));
  REQUIRE(r.ok());
  return std::move(r).value();
}

}  // namespace kubepp::store::testing

// store_history.h — records a concurrent history of register operations against any
// Store, for the linearizability checker (tests/support/linearizability.h).
//
// `clients` threads start together and each runs `ops_per_client` random operations on
// `keys` keys, each key used as one register:
//   Get  range of the key                         → Read (output (none) when absent)
//   Put  put of a value nobody else writes        → Write ("c3-17": client 3, op 17)
//   CAS  txn: if the key holds what this client   → CompareAndSwap(expected → new)
//        last saw, put a new value
// A CAS compares by Value, or by ModRevision with the mod_revision read along with the
// value (every written value is unique, so "the key's last write is the one I read" is
// the same as "the key holds the value I read"), or by Version == 0 when the client last
// saw the key absent. Revisions are only ever taken from responses, never assumed.
//
// Times are ticks of one atomic counter, taken just before a call and just after it
// returns. If A's complete tick is below B's invoke tick, A returned before B was called,
// so the checker's real-time order is the true one.
//
// Only the Store interface is used, so every backend (embedded, durable, etcd) can be
// checked the same way. A request that fails is left out of the history and named in
// `errors`; callers require none (a failed write has an unknown outcome, which the
// register model here does not handle).
#pragma once

#include <atomic>
#include <cstdint>
#include <latch>
#include <map>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "cluster/store/store.h"
#include "tests/support/linearizability.h"

namespace kubepp::store::testing {

/// What record_register_history runs: the defaults make 1,200 operations.
struct RegisterWorkload {
  int clients = 8;
  int keys = 4;  // the keys are prefix + "0", prefix + "1", ...
  int ops_per_client = 150;
  uint32_t seed = 1;  // client c draws from std::mt19937(seed + c)
  std::string prefix = "lin/";
};

/// The operations the workload completed, for check_linearizable.
struct RecordedHistory {
  std::vector<kubepp::testing::Operation> ops;  // in no particular order
  std::vector<std::string> errors;              // "client 2: txn lin/1: <message>"
};

/// One client of the workload: runs operations on the store and records them.
class RegisterClient {
 public:
  using Operation = kubepp::testing::Operation;
  using Value = kubepp::testing::Value;

  RegisterClient(Store& store, int id, std::atomic<int64_t>& clock) : store_(store), id_(id), clock_(clock) {}

  void get(const std::string& key) {
    RangeRequest req;
    req.key = key;
    int64_t invoke = clock_++;
    Result<RangeResponse> r = store_.range(req);
    int64_t complete = clock_++;
    if (!r) return fail("range " + key, r.error());
    Seen now;
    if (!r.value().kvs.empty()) now = {r.value().kvs.front().value, r.value().kvs.front().mod_revision};
    seen_[key] = now;
    ops.push_back(Operation::read(id_, key, now.value, invoke, complete));
  }

  void put(const std::string& key, const std::string& value) {
    int64_t invoke = clock_++;
    Result<PutResponse> r = store_.put(PutRequest{key, value, 0, false});
    int64_t complete = clock_++;
    if (!r) return fail("put " + key, r.error());
    seen_[key] = {value, 0};
    ops.push_back(Operation::write(id_, key, value, invoke, complete));
  }

  void cas(const std::string& key, const std::string& value, bool by_revision) {
    const Seen expected = seen_[key];
    Compare c;
    c.key = key;
    if (!expected.value) {
      c.target = Compare::Target::Version;  // absent: version 0
    } else if (by_revision && expected.mod_revision != 0) {
      c.target = Compare::Target::ModRevision;
      c.mod_revision = expected.mod_revision;
    } else {
      c.target = Compare::Target::Value;
      c.value = *expected.value;
    }
    TxnRequest req;
    req.compare = {c};
    req.success = {PutRequest{key, value, 0, false}};
    int64_t invoke = clock_++;
    Result<TxnResponse> r = store_.txn(req);
    int64_t complete = clock_++;
    if (!r) return fail("txn " + key, r.error());
    if (r.value().succeeded) seen_[key] = {value, 0};
    ops.push_back(Operation::cas(id_, key, expected.value, value, r.value().succeeded, invoke, complete));
  }

  std::vector<Operation> ops;
  std::vector<std::string> errors;

 private:
  struct Seen {
    Value value;               // what this client last read or wrote; nullopt: absent
    int64_t mod_revision = 0;  // its mod_revision when read; 0 when unknown
  };

  void fail(const std::string& what, const Error& e) {
    errors.push_back("client " + std::to_string(id_) + ": " + what + ": " + e.message);
  }

  Store& store_;
  const int id_;
  std::atomic<int64_t>& clock_;
  std::map<std::string, Seen> seen_;
};

/// Runs the workload on `store` and returns every operation it completed.
inline RecordedHistory record_register_history(Store& store, const RegisterWorkload& w) {
  std::atomic<int64_t> clock{0};
  std::latch start(w.clients);
  std::vector<RegisterClient> clients;
  clients.reserve(static_cast<size_t>(w.clients));  // the threads hold references into it
  for (int c = 0; c < w.clients; c++) clients.emplace_back(store, c, clock);

  std::vector<std::thread> threads;
  for (int c = 0; c < w.clients; c++) {
    threads.emplace_back([&w, &start, &client = clients[c], c] {
      std::mt19937 rng(w.seed + static_cast<uint32_t>(c));
      start.arrive_and_wait();  // all clients at once: as much overlap as possible
      for (int i = 0; i < w.ops_per_client; i++) {
        std::string key = w.prefix + std::to_string(rng() % static_cast<uint32_t>(w.keys));
        std::string value = "c" + std::to_string(c) + "-" + std::to_string(i);
        uint32_t dice = rng() % 10;
        if (dice < 4) {
          client.get(key);
        } else if (dice < 7) {
          client.put(key, value);
        } else {
          client.cas(key, value, dice == 9);
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();

  RecordedHistory out;
  for (RegisterClient& c : clients) {
    out.ops.insert(out.ops.end(), c.ops.begin(), c.ops.end());
    out.errors.insert(out.errors.end(), c.errors.begin(), c.errors.end());
  }
  return out;
}

}  // namespace kubepp::store::testing

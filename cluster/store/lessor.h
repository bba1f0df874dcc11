// lessor.h — leases: a TTL and the keys attached to it (etcd's lease.Lessor).
//
// A client grants a lease, puts keys with it, and keeps it alive; when it stops (it died,
// or lost the network) the lease expires and its keys are deleted. The Lessor only keeps
// the books — deadlines and attached keys. Deleting the keys is a write of the store:
// MvccStore::lease_revoke and MvccStore::expire_leases.
//
// Time comes from the Clock given at construction, so tests expire leases by advancing a
// FakeClock. Not thread-safe: MvccStore guards its Lessor with its own lock.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "cluster/store/clock.h"
#include "runtime/base/result.h"

namespace kubepp::store {

/// etcd's MaxLeaseTTL, in seconds (about 285 years).
inline constexpr int64_t kMaxLeaseTTL = 9'000'000'000;

/// etcd's minLeaseTTL with its default election timeout (1 s × 3/2, rounded up): a grant
/// asking for less, 0 or a negative TTL included, gets this many seconds.
inline constexpr int64_t kMinLeaseTTL = 2;

class Lessor {
 public:
  /// `clock` must outlive the Lessor.
  explicit Lessor(const Clock& clock) : clock_(clock) {}

  /// Grants a lease of `ttl` seconds, at least kMinLeaseTTL, with `id` (0 = the next
  /// free id). Returns the id. Invalid when ttl is too large; AlreadyExists when `id` is
  /// taken.
  Result<int64_t> grant(int64_t id, int64_t ttl);

  /// Restarts the lease's TTL from now; returns the TTL. NotFound when there is no such
  /// lease or its deadline has passed (it is as good as revoked).
  Result<int64_t> renew(int64_t id);

  bool exists(int64_t id) const { return leases_.count(id) != 0; }

  /// Attaches/detaches a key; the lease must exist for attach (the caller checked).
  void attach(int64_t id, const std::string& key);
  void detach(int64_t id, const std::string& key);

  /// The keys attached to the lease, in key order (empty for an unknown lease).
  std::vector<std::string> keys(int64_t id) const;

  /// Forgets the lease. The caller deletes its keys first.
  void remove(int64_t id) { leases_.erase(id); }

  /// Every lease's id and TTL, in id order (for a snapshot).
  std::vector<std::pair<int64_t, int64_t>> ttls() const;

  /// The leases whose deadline has passed, in id order.
  std::vector<int64_t> expired() const;

 private:
  struct Lease {
    int64_t ttl = 0;
    Clock::TimePoint deadline;
    std::set<std::string> keys;
  };

  const Clock& clock_;
  std::map<int64_t, Lease> leases_;
  int64_t next_id_ = 1;
};

}  // namespace kubepp::store

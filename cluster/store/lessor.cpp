// lessor.cpp — lease deadlines and attached keys.
#include "cluster/store/lessor.h"

#include <algorithm>
#include <chrono>

#include "cluster/store/kv.h"

namespace kubepp::store {

Result<int64_t> Lessor::grant(int64_t id, int64_t ttl) {
  if (ttl > kMaxLeaseTTL) return Error{ErrorCode::Invalid, kErrLeaseTTLTooLarge};
  ttl = std::max(ttl, kMinLeaseTTL);  // as etcd: a short TTL is raised, not refused
  if (id == 0) {
    while (exists(next_id_)) next_id_++;
    id = next_id_++;
  } else if (exists(id)) {
    return Error{ErrorCode::AlreadyExists, kErrLeaseExist};
  }
  leases_[id] = Lease{ttl, clock_.now() + std::chrono::seconds(ttl), {}};
  return id;
}

Result<int64_t> Lessor::renew(int64_t id) {
  auto it = leases_.find(id);
  Clock::TimePoint now = clock_.now();
  if (it == leases_.end() || it->second.deadline <= now) {
    return Error{ErrorCode::NotFound, kErrLeaseNotFound};
  }
  it->second.deadline = now + std::chrono::seconds(it->second.ttl);
  return it->second.ttl;
}

void Lessor::attach(int64_t id, const std::string& key) {
  auto it = leases_.find(id);
  if (it != leases_.end()) it->second.keys.insert(key);
}

void Lessor::detach(int64_t id, const std::string& key) {
  auto it = leases_.find(id);
  if (it != leases_.end()) it->second.keys.erase(key);
}

std::vector<std::string> Lessor::keys(int64_t id) const {
  auto it = leases_.find(id);
  if (it == leases_.end()) return {};
  return {it->second.keys.begin(), it->second.keys.end()};
}

std::vector<std::pair<int64_t, int64_t>> Lessor::ttls() const {
  std::vector<std::pair<int64_t, int64_t>> out;
  for (const auto& [id, lease] : leases_) out.emplace_back(id, lease.ttl);
  return out;
}

std::vector<int64_t> Lessor::expired() const {
  std::vector<int64_t> ids;
  Clock::TimePoint now = clock_.now();
  for (const auto& [id, lease] : leases_) {
    if (lease.deadline <= now) ids.push_back(id);
  }
  return ids;
}

}  // namespace kubepp::store

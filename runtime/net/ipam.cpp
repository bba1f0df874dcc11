#include "runtime/net/ipam.h"

#include <unistd.h>

#include <cerrno>

#include "runtime/base/files.h"

namespace kubepp::runtime::net {

namespace fs = std::filesystem;

namespace {

constexpr const char* kLastReserved = "last_reserved_ip";
constexpr const char* kLockFile = "lock";

// The file's contents without trailing whitespace: host-local's records end in a newline
// and the interface name; ours hold the id alone, but a hand-edited one may end in "\n".
std::string read_id(const fs::path& path) {
  std::string id = read_file(path);
  id.erase(id.find_last_not_of(" \t\r\n") + 1);
  return id;
}

}  // namespace

Result<Ipam> Ipam::open(const fs::path& dir, const std::string& cidr) {
  Result<Ipv4Cidr> range = Ipv4Cidr::parse(cidr);
  if (!range) return range.error();
  if (range.value().prefix_length > 30) {
    return Error{ErrorCode::Invalid, "CIDR `" + cidr + "`: too small for pods (network, gateway, one pod and "
                                     "broadcast need a /30 at least)"};
  }
  Result<FileLock> lock = FileLock::acquire(dir / kLockFile);  // creates `dir` too
  if (!lock) return lock.error();
  Ipam ipam(dir, range.value(), std::move(lock.value()));
  if (Status s = ipam.load(); !s) return s.error();
  return ipam;
}

// Reads the records: every file named by an address of the range. Others (the lock,
// last_reserved_ip, a "*.tmp" a crash left behind, addresses of an older range) are not
// records of this range and are left alone.
Status Ipam::load() {
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir_, ec)) {
    Result<Ipv4Address> address = Ipv4Address::parse(entry.path().filename().string());
    if (address && cidr_.contains(address.value())) held_[address.value()] = read_id(entry.path());
  }
  if (ec) return sys_error("readdir", dir_, ec.value());
  return {};
}

Result<Ipv4Address> Ipam::allocate(const std::string& id) {
  if (id.empty()) return Error{ErrorCode::Invalid, "allocate in " + cidr_.str() + ": the id is empty"};
  if (Result<Ipv4Address> held = lookup(id)) return held;

  // Pods get network+2 … broadcast-1: the network address, the gateway (network+1) and
  // the broadcast address are not theirs.
  const uint32_t first = cidr_.network.value + 2;
  const uint32_t count = static_cast<uint32_t>(cidr_.size() - 3);
  uint32_t start = 0;  // offset from `first` where the search begins: after the last one reserved
  if (Result<Ipv4Address> last = Ipv4Address::parse(read_id(dir_ / kLastReserved))) {
    const uint32_t offset = last.value().value - first;  // wraps for addresses below `first`
    if (cidr_.contains(last.value()) && offset < count) start = (offset + 1) % count;
  }
  for (uint32_t i = 0; i < count; ++i) {
    const Ipv4Address candidate{first + (start + i) % count};
    if (held_.count(candidate) != 0) continue;
    // The record is written whole or not at all (tmp file, rename): a crash leaves no
    // empty record that would hold an address for nobody.
    if (Status s = write_file_atomic(dir_ / candidate.str(), id, 0600); !s) return s.error();
    held_[candidate] = id;
    // Only a hint where to search next, so no fsync: a torn or lost one costs the
    // round-robin, never an address.
    (void)write_file(dir_ / kLastReserved, candidate.str(), 0600);
    return candidate;
  }
  return Error{ErrorCode::Unavailable, "no free address in " + cidr_.str() + ": all " + std::to_string(count) +
                                           " addresses for pods are held"};
}

Status Ipam::release(const std::string& id) {
  for (auto it = held_.begin(); it != held_.end();) {
    if (it->second != id) {
      ++it;
      continue;
    }
    const fs::path record = dir_ / it->first.str();
    if (::unlink(record.c_str()) != 0 && errno != ENOENT) return sys_error("unlink", record, errno);
    it = held_.erase(it);
  }
  return {};
}

Result<Ipv4Address> Ipam::lookup(const std::string& id) const {
  for (const auto& [address, holder] : held_) {
    if (holder == id) return address;
  }
  return Error{ErrorCode::NotFound, "`" + id + "` holds no address in " + cidr_.str()};
}

std::vector<Lease> Ipam::held() const {
  std::vector<Lease> leases;
  for (const auto& [address, id] : held_) leases.push_back({address, id});
  return leases;
}

}  // namespace kubepp::runtime::net

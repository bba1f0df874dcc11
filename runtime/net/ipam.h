// ipam.h — IP address management: which pod holds which address of the node's CIDR.
//
// Kept on disk the way CNI's `host-local` plugin keeps it, so the records outlive any
// kubepp process and a reader can check them with `ls` and `cat`:
//
//   <dir>/10.244.0.2          "sandbox-a"   one file per address held, named by the
//   <dir>/10.244.0.3          "sandbox-b"   address, holding the sandbox id
//   <dir>/last_reserved_ip    "10.244.0.3"  where the next search starts
//   <dir>/lock                              flock(2)ed while an Ipam is open
//
// Addresses are handed out round-robin from after the last one reserved, so a released
// address is not given to the next pod at once (a client that still has the old pod's
// address in a cache reaches nobody rather than the wrong pod). The network and
// broadcast addresses and the gateway (the first host address, the bridge's) are never
// handed out: a /24 has 253 addresses for pods.
#pragma once

#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "runtime/base/result.h"
#include "runtime/base/file_lock.h"
#include "runtime/net/ipv4.h"

namespace kubepp::runtime::net {

/// One address record: `id` holds `address`.
struct Lease {
  Ipv4Address address;
  std::string id;

  bool operator==(const Lease&) const = default;
};

/// The address records of one CIDR in one directory. An open Ipam holds the directory's
/// lock until it is destroyed, so it sees every record and no other process changes
/// them meanwhile: open it, do what you need, let it go. Opening a second Ipam of the
/// same directory, in any process, waits for the first to close. Not thread-safe.
class Ipam {
 public:
  /// Opens the records in `dir` (created if missing) for addresses of `cidr`, waiting
  /// for the lock. Invalid when the CIDR does not parse or has no room for a pod (a
  /// prefix longer than /30).
  static Result<Ipam> open(const std::filesystem::path& dir, const std::string& cidr);

  /// Reserves an address for `id` and returns it; an id that already holds one gets
  /// that one again. Unavailable, naming the CIDR, when every address is held.
  Result<Ipv4Address> allocate(const std::string& id);

  /// Releases every address `id` holds. Holding none is fine.
  Status release(const std::string& id);

  /// The address `id` holds; NotFound names the id.
  Result<Ipv4Address> lookup(const std::string& id) const;

  /// Every address held, in address order.
  std::vector<Lease> held() const;

  /// The CIDR the addresses come from.
  const Ipv4Cidr& range() const { return cidr_; }
  /// The gateway: the first host address, never handed to a pod.
  Ipv4Address gateway() const { return {cidr_.network.value + 1}; }

  Ipam(Ipam&&) = default;
  Ipam& operator=(Ipam&&) = default;

 private:
  Ipam(std::filesystem::path dir, Ipv4Cidr cidr, FileLock lock)
      : dir_(std::move(dir)), cidr_(cidr), lock_(std::move(lock)) {}
  Status load();

  std::filesystem::path dir_;
  Ipv4Cidr cidr_;
  FileLock lock_;
  std::map<Ipv4Address, std::string> held_;  ///< the records on disk, read once under lock_
};

}  // namespace kubepp::runtime::net

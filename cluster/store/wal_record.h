// wal_record.h — what a WAL record of the store says: one write request, as the client
// made it (etcd logs raft entries holding the request the same way).
//
// The log holds requests, not their effects: a write is logged, made durable, and only
// then applied to the MVCC store, which gives it its revision. Replaying the requests in
// log order on an empty store gives back the same revisions, keys, versions and leases,
// because applying a request depends only on the store's state (a txn's compares, a put's
// lease) — never on the clock. That is why lease expiry is logged as a revoke, and why a
// grant with id 0 gets its id before it is logged.
//
// Payloads: integers as 8 bytes little-endian, booleans and enums as 1 byte, strings as
// a u32 length and the bytes; a txn is its compares, then its success and failure ops.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "cluster/store/kv.h"
#include "runtime/base/result.h"

namespace kubepp::store {

// The record types, in WriteRecord's order (type = variant index + 1).
enum class RecordType : uint8_t {
  Put = 1,
  DeleteRange = 2,
  Txn = 3,
  Compact = 4,
  LeaseGrant = 5,
  LeaseRevoke = 6,
};

struct CompactRecord {
  int64_t revision = 0;
};
struct LeaseRevokeRecord {
  int64_t id = 0;
};

/// A decoded record: the request it logged.
using WriteRecord = std::variant<PutRequest, DeleteRangeRequest, TxnRequest, CompactRecord, LeaseGrantRequest,
                                 LeaseRevokeRecord>;

/// The record type and payload of a request.
RecordType record_type(const WriteRecord& w);
std::string encode_payload(const WriteRecord& w);

/// The request a record holds. Invalid when the payload does not parse.
Result<WriteRecord> decode_record(uint8_t type, std::string_view payload);

}  // namespace kubepp::store

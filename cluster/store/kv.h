// kv.h — the store's data model and requests, in etcd's v3 words (etcdserverpb, mvccpb).
//
// A key is a byte string; keys sort bytewise (as unsigned chars, which is how std::string
// compares). Many requests name a key range with `key` and `range_end`, as etcd does:
//   range_end empty      the single key `key`
//   range_end == "\0"    every key >= key (with key "\0" too: every key)
//   otherwise            the keys in [key, range_end); prefix_end("a/") gives "a0",
//                        so {key "a/", range_end prefix_end("a/")} is the prefix "a/".
// A revision of 0 in a request means "the current revision".
//
// Error messages are etcd's own texts (below), so the etcd gateway can hand them to
// clients unchanged; the codes are kubepp's (a compacted revision is Gone, as the API
// server's 410 is).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace kubepp::store {

// etcd's error texts (mvcc and etcdserver/api/v3rpc/rpctypes, without "etcdserver: ").
inline constexpr const char* kErrCompacted = "mvcc: required revision has been compacted";
inline constexpr const char* kErrFutureRev = "mvcc: required revision is a future revision";
inline constexpr const char* kErrEmptyKey = "key is not provided";
inline constexpr const char* kErrDuplicateKey = "duplicate key given in txn request";
inline constexpr const char* kErrEmptyWatcherRange = "mvcc: watcher range is empty";
inline constexpr const char* kErrLeaseNotFound = "requested lease not found";
inline constexpr const char* kErrLeaseExist = "lease already exists";
inline constexpr const char* kErrLeaseTTLTooLarge = "too large lease TTL";

/// One version of one key (mvccpb.KeyValue).
struct KeyValue {
  std::string key;
  std::string value;
  int64_t create_revision = 0;  // revision of the put that created the key (this life)
  int64_t mod_revision = 0;     // revision of the write that made this version
  int64_t version = 0;          // 1 at creation, +1 per put; a delete resets it
  int64_t lease = 0;            // the lease the key is attached to, 0 for none

  friend bool operator==(const KeyValue&, const KeyValue&) = default;
};

/// One change (mvccpb.Event). A Delete's kv holds only key and mod_revision (the delete's
/// revision). prev_kv is the version before the change, when the watcher asked for it
/// and history still holds it.
struct Event {
  enum class Type { Put, Delete };
  Type type = Type::Put;
  KeyValue kv;
  std::optional<KeyValue> prev_kv;
};

struct ResponseHeader {
  int64_t revision = 0;  // the store's revision when the response was made
};

struct RangeRequest {
  std::string key;
  std::string range_end;    // see the top of the file
  int64_t revision = 0;     // read the store as of this revision; 0 = current
  int64_t limit = 0;        // at most this many kvs; 0 = no limit
  bool count_only = false;  // only `count`, no kvs
  bool keys_only = false;   // kvs without values
};

struct RangeResponse {
  ResponseHeader header;
  std::vector<KeyValue> kvs;  // in key order
  int64_t count = 0;          // keys in the range at that revision, whatever the limit
  bool more = false;          // true when limit left some keys out
};

struct PutRequest {
  std::string key;
  std::string value;
  int64_t lease = 0;     // attach the key to this lease (it must exist); 0 = none
  bool prev_kv = false;  // return the version the put replaced
};

struct PutResponse {
  ResponseHeader header;
  std::optional<KeyValue> prev_kv;  // set when asked for and the key existed
};

struct DeleteRangeRequest {
  std::string key;
  std::string range_end;
  bool prev_kv = false;  // return the deleted versions
};

struct DeleteRangeResponse {
  ResponseHeader header;
  int64_t deleted = 0;
  std::vector<KeyValue> prev_kvs;
};

/// One condition of a txn (etcdserverpb.Compare): compares `target` of every key in the
/// range with the value in the matching field below; all keys must satisfy it. A missing
/// key compares as zeros, except that a Value comparison on a missing key is false.
struct Compare {
  enum class Result { Equal, Greater, Less, NotEqual };
  enum class Target { Version, CreateRevision, ModRevision, Value, Lease };
  Result result = Result::Equal;
  Target target = Target::Version;
  std::string key;
  std::string range_end;
  int64_t version = 0;          // for Target::Version
  int64_t create_revision = 0;  // for Target::CreateRevision
  int64_t mod_revision = 0;     // for Target::ModRevision
  std::string value;            // for Target::Value
  int64_t lease = 0;            // for Target::Lease
};

using RequestOp = std::variant<RangeRequest, PutRequest, DeleteRangeRequest>;
using ResponseOp = std::variant<RangeResponse, PutResponse, DeleteRangeResponse>;

/// If every compare holds, run `success` (the "then" ops), else `failure` (the "else"
/// ops); either way atomically, as one revision if any op writes. Ops run in order and
/// see the writes of the ops before them; one key may be written only once per txn.
struct TxnRequest {
  std::vector<Compare> compare;
  std::vector<RequestOp> success;
  std::vector<RequestOp> failure;
};

struct TxnResponse {
  ResponseHeader header;
  bool succeeded = false;            // the compares held and `success` ran
  std::vector<ResponseOp> responses;  // one per op of the branch that ran
};

struct CompactionResponse {
  ResponseHeader header;
};

/// Watch a key or range from a revision (etcdserverpb.WatchCreateRequest).
struct WatchRequest {
  std::string key;
  std::string range_end;
  int64_t start_revision = 0;    // first revision to deliver; 0 = the next write
  bool prev_kv = false;          // events carry the version before the change
  bool progress_notify = false;  // receive empty responses telling the revision reached
};

/// One batch for one watcher (etcdserverpb.WatchResponse).
///  - events: changes in revision order; a batch never splits one revision.
///  - a progress notification: no events, header.revision = every change up to it has
///    been delivered.
///  - compact_revision != 0: the watcher's next revision was compacted away; the watch is
///    canceled and this is its last response.
struct WatchResponse {
  ResponseHeader header;
  int64_t watch_id = 0;
  std::vector<Event> events;
  int64_t compact_revision = 0;
  bool canceled = false;
  std::string cancel_reason;

  bool is_progress_notify() const { return events.empty() && !canceled && compact_revision == 0; }
};

struct LeaseGrantRequest {
  int64_t ttl = 0;  // seconds, > 0
  int64_t id = 0;   // 0 = the store picks one
};

struct LeaseGrantResponse {
  ResponseHeader header;
  int64_t id = 0;
  int64_t ttl = 0;
};

struct LeaseKeepAliveResponse {
  ResponseHeader header;
  int64_t id = 0;
  int64_t ttl = 0;  // the lease lives this many seconds from now
};

struct LeaseRevokeResponse {
  ResponseHeader header;
};

/// The range_end that makes `prefix` a prefix range (clientv3.GetPrefixRangeEnd): the
/// prefix with its last byte below 0xff incremented and what follows dropped; "\0" (all
/// keys from `prefix`) when every byte is 0xff or the prefix is empty.
std::string prefix_end(std::string_view prefix);

/// Whether `k` is in the range {key, range_end} as described at the top of the file.
bool in_range(std::string_view k, std::string_view key, std::string_view range_end);

}  // namespace kubepp::store

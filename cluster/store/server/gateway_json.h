// gateway_json.h — etcd 3.4's v3 JSON gateway format, both ways, for kv.h's types.
//
// etcd's grpc-gateway maps each protobuf message to JSON with protojson's rules
// (golang/protobuf jsonpb, OrigName, no EmitDefaults). What a client sees:
//   - field names are the .proto names: "range_end", "create_revision", "ID", "TTL";
//     requests may also use the lowerCamelCase names ("rangeEnd", "requestPut");
//   - bytes (keys, values) are standard base64 with padding;
//   - int64 and uint64 are decimal strings ("revision":"2"); requests may send numbers;
//   - a field holding its default (0, "", false, empty list, enum 0) is left out, so a
//     PUT event has no "type" and a failed txn has no "succeeded";
//   - enums are their names ("DELETE", "MOD", "EQUAL"); requests may send numbers;
//   - streaming RPCs (watch, lease keep-alive) answer one {"result":{...}} per line.
// Errors are grpc-gateway's body {"error":M,"code":C,"message":M} with the gRPC code
// etcd gives (rpctypes) and the HTTP status grpc-gateway derives from it.
//
// No nlohmann or httplib here: decoders take the request body, encoders return text.
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "cluster/store/kv.h"
#include "runtime/base/result.h"

namespace kubepp::store::gateway {

/// The member's identity, in every response header (etcdserverpb.ResponseHeader).
struct Identity {
  uint64_t cluster_id = 0;
  uint64_t member_id = 0;
  uint64_t raft_term = 0;
};

/// Standard base64 with padding (Go's base64.StdEncoding, which protojson uses).
std::string base64_encode(std::string_view bytes);
/// Invalid names the first bad byte, as Go does ("illegal base64 data at input byte 3").
Result<std::string> base64_decode(std::string_view text);

// Decoders: the request body → the request. Invalid on malformed JSON, a wrong type, bad
// base64, or a field kubepp store does not implement yet (named in the message).
Result<RangeRequest> decode_range(std::string_view body);
Result<PutRequest> decode_put(std::string_view body);
Result<DeleteRangeRequest> decode_delete_range(std::string_view body);
Result<TxnRequest> decode_txn(std::string_view body);
Result<int64_t> decode_compaction(std::string_view body);  // CompactionRequest.revision
Result<LeaseGrantRequest> decode_lease_grant(std::string_view body);
Result<int64_t> decode_lease_id(std::string_view body);  // {"ID"} of revoke and keep-alive

/// What one /v3/watch stream asked for: its create_request.
struct WatchCreate {
  WatchRequest request;
  int64_t watch_id = 0;   // the id the client chose (etcd 3.4), else 0: one watch per stream
  bool no_put = false;    // filters: NOPUT
  bool no_delete = false; // filters: NODELETE
};
Result<WatchCreate> decode_watch(std::string_view body);

// Encoders: the response → its JSON text (one line, no newline).
std::string encode(const RangeResponse& resp, const Identity& id);
std::string encode(const PutResponse& resp, const Identity& id);
std::string encode(const DeleteRangeResponse& resp, const Identity& id);
std::string encode(const TxnResponse& resp, const Identity& id);
std::string encode(const CompactionResponse& resp, const Identity& id);
std::string encode(const LeaseGrantResponse& resp, const Identity& id);
std::string encode(const LeaseRevokeResponse& resp, const Identity& id);
/// One line of a keep-alive stream: {"result":{"header":…,"ID":…,"TTL":…}}.
std::string encode_result(const LeaseKeepAliveResponse& resp, const Identity& id);
/// One line of a watch stream: {"result":{"header":…,"watch_id":…,"created":…,"events":…}}.
/// `created` marks the stream's first response. A compaction response (compact_revision
/// set) carries canceled but no cancel_reason, as etcd 3.4 sends it.
std::string encode_result(const WatchResponse& resp, const Identity& id, bool created);

/// An error as the gateway answers it.
struct GatewayError {
  int grpc_code = 13;   // codes.Internal
  int http_status = 500;
  std::string message;  // "etcdserver: mvcc: required revision has been compacted"
};
/// etcd's gRPC code and text for a store error: etcd's own errors (kv.h's kErr*) get
/// "etcdserver: " and etcd's code; others map by ErrorCode (Invalid → InvalidArgument, …).
GatewayError to_gateway_error(const Error& err);
/// The HTTP status grpc-gateway v1 gives a gRPC code (runtime.HTTPStatusFromCode).
int http_status_of(int grpc_code);
/// {"error":M,"code":C,"message":M}
std::string encode(const GatewayError& err);

}  // namespace kubepp::store::gateway

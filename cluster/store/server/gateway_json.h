// gateway_json.h — etcd 3.4's v3 JSON gateway format, both ways, for kv.h's types: the
// server (`kubepp store`) decodes requests and encodes responses; the client (EtcdStore)
// encodes requests and decodes responses. One place for the JSON shapes.
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
// Errors are grpc-gateway's body {"error":M,"message":M,"code":C} with the gRPC code
// etcd gives (rpctypes) and the HTTP status grpc-gateway derives from it.
//
// No nlohmann or httplib here: decoders take the body, encoders return text.
// gateway_json.cpp holds requests (both ways), gateway_responses.cpp responses and errors.
// Thread safety: pure functions.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "cluster/store/kv.h"
#include "runtime/base/base64.h"
#include "runtime/base/result.h"

namespace kubepp::store::gateway {

/// The member's identity, in every response header (etcdserverpb.ResponseHeader).
struct Identity {
  uint64_t cluster_id = 0;
  uint64_t member_id = 0;
  uint64_t raft_term = 0;
};

/// A gateway's address as etcd's flags write it (--listen-client-urls, --etcd-servers):
/// "http://HOST:PORT" or "http://[V6]:PORT", with an optional trailing slash.
struct HttpUrl {
  std::string host;  // without the brackets of an IPv6 address
  int port = 0;
};
/// Invalid, saying what is wrong (without naming the URL: the caller knows which flag it
/// came from), for anything else, https:// included; port 0 only when `allow_port_zero`.
Result<HttpUrl> parse_http_url(const std::string& url, bool allow_port_zero);

// --- the server's side ---------------------------------------------------------------

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
/// set) carries canceled but no cancel_reason and no header revision, as etcd 3.4 sends it.
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
/// {"error":M,"message":M,"code":C}
std::string encode(const GatewayError& err);

// --- the client's side ---------------------------------------------------------------

// Encoders: the request → its JSON body, written as etcd's gateway writes (.proto names,
// int64 as strings, defaults left out).
std::string encode(const RangeRequest& req);
std::string encode(const PutRequest& req);
std::string encode(const DeleteRangeRequest& req);
std::string encode(const TxnRequest& req);
std::string encode_compaction(int64_t revision);  // physical: answered once it is done
std::string encode(const LeaseGrantRequest& req);
std::string encode_lease_id(int64_t id);  // {"ID"} of revoke and keep-alive
std::string encode(const WatchCreate& create);  // {"create_request":{…}}

// Decoders: a 200 answer's body → the response. Invalid on malformed JSON, a wrong type
// or bad base64.
Result<RangeResponse> decode_range_response(std::string_view body);
Result<PutResponse> decode_put_response(std::string_view body);
Result<DeleteRangeResponse> decode_delete_range_response(std::string_view body);
Result<TxnResponse> decode_txn_response(std::string_view body);
Result<CompactionResponse> decode_compaction_response(std::string_view body);
Result<LeaseGrantResponse> decode_lease_grant_response(std::string_view body);
Result<LeaseRevokeResponse> decode_lease_revoke_response(std::string_view body);
/// One line of a keep-alive stream. An unknown or expired lease is not an error there:
/// its answer has TTL 0.
Result<LeaseKeepAliveResponse> decode_keep_alive_result(std::string_view line);

/// One line of a watch stream: the response, and whether it is the stream's first
/// ("created"; canceled too when etcd refused the watch, with cancel_reason saying why).
/// A compaction cancel, which etcd 3.4 sends without a reason, gets kErrCompacted, as
/// clientv3's WatchResponse.Err() reads it.
struct WatchResult {
  WatchResponse response;
  bool created = false;
};
Result<WatchResult> decode_watch_result(std::string_view line);

/// etcd's error text (with or without "etcdserver: ") and gRPC code → kubepp's Error:
/// etcd's own errors (kv.h's kErr*) get the ErrorCode kubepp's stores give and the text
/// without the prefix (a compacted revision is Gone, kErrCompacted); others map by code
/// (InvalidArgument → Invalid, Unavailable → Unavailable, …). A stream's cancel_reason
/// has no code: it is InvalidArgument (3), as a refused watch is a bad request.
Error error_from_etcd(std::string_view message, int grpc_code = 3);
/// A non-200 answer → kubepp's Error (error_from_etcd of its message and code); a body
/// that is not grpc-gateway's error names the HTTP status.
Error decode_error(int http_status, std::string_view body);

}  // namespace kubepp::store::gateway

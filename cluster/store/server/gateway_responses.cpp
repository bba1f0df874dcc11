// gateway_responses.cpp — etcd's v3 JSON gateway format: responses both ways (encoded by
// `kubepp store`, decoded by EtcdStore) and errors both ways. Requests and the field
// helpers: gateway_json.cpp. The rules: gateway_json.h.
#include "cluster/store/server/gateway_json.h"

#include "cluster/store/server/gateway_fields.h"

namespace kubepp::store::gateway {

using namespace fields;

namespace {

// --- writing responses -------------------------------------------------------------

// The header of a response inside a txn: etcd fills only its revision.
ojson inner_header(int64_t revision) { return header_json(revision, Identity{}); }

ojson header_only(int64_t revision, const Identity& id) {
  ojson o = ojson::object();
  o["header"] = header_json(revision, id);
  return o;
}

ojson range_json(const RangeResponse& r, ojson h) {
  ojson o = ojson::object();
  o["header"] = std::move(h);
  if (!r.kvs.empty()) o["kvs"] = kvs_json(r.kvs);
  put_bool(o, "more", r.more);
  put_int(o, "count", r.count);
  return o;
}

ojson put_json(const PutResponse& r, ojson h) {
  ojson o = ojson::object();
  o["header"] = std::move(h);
  if (r.prev_kv) o["prev_kv"] = kv_json(*r.prev_kv);
  return o;
}

ojson delete_json(const DeleteRangeResponse& r, ojson h) {
  ojson o = ojson::object();
  o["header"] = std::move(h);
  put_int(o, "deleted", r.deleted);
  if (!r.prev_kvs.empty()) o["prev_kvs"] = kvs_json(r.prev_kvs);
  return o;
}

ojson result_line(ojson o) {
  ojson result = ojson::object();
  result["result"] = std::move(o);
  return result;
}

// --- reading responses -------------------------------------------------------------

Result<RangeResponse> range_response_from(const json& o) {
  KUBEPP_TAKE(revision, header_revision(o));
  KUBEPP_TAKE(kvs, kvs_from(o, "kvs"));
  KUBEPP_TAKE(more, get_bool(o, "more"));
  KUBEPP_TAKE(count, get_int(o, "count"));
  return RangeResponse{{revision}, std::move(kvs), count, more};
}

Result<PutResponse> put_response_from(const json& o) {
  KUBEPP_TAKE(revision, header_revision(o));
  PutResponse r{{revision}, std::nullopt};
  if (const json* prev = field(o, "prev_kv", "prevKv")) {
    KUBEPP_TAKE(kv, kv_from(*prev));
    r.prev_kv = std::move(kv);
  }
  return r;
}

Result<DeleteRangeResponse> delete_response_from(const json& o) {
  KUBEPP_TAKE(revision, header_revision(o));
  KUBEPP_TAKE(deleted, get_int(o, "deleted"));
  KUBEPP_TAKE(prev_kvs, kvs_from(o, "prev_kvs", "prevKvs"));
  return DeleteRangeResponse{{revision}, deleted, std::move(prev_kvs)};
}

Result<ResponseOp> response_op_from(const json& o) {
  if (!o.is_object()) return invalid("a txn response must be a JSON object");
  if (const json* r = field(o, "response_range", "responseRange")) {
    KUBEPP_TAKE(resp, range_response_from(*r));
    return ResponseOp(std::move(resp));
  }
  if (const json* p = field(o, "response_put", "responsePut")) {
    KUBEPP_TAKE(resp, put_response_from(*p));
    return ResponseOp(std::move(resp));
  }
  if (const json* d = field(o, "response_delete_range", "responseDeleteRange")) {
    KUBEPP_TAKE(resp, delete_response_from(*d));
    return ResponseOp(std::move(resp));
  }
  return invalid("a txn response wants one of response_range, response_put, response_delete_range");
}

Result<Event> event_from(const json& o) {
  if (!o.is_object()) return invalid("an event must be a JSON object");
  KUBEPP_TAKE(type, get_enum(o, "type", kEventTypes));
  const json* kv = field(o, "kv");
  if (!kv) return invalid("an event wants a kv");
  KUBEPP_TAKE(value, kv_from(*kv));
  Event ev{type == 0 ? Event::Type::Put : Event::Type::Delete, std::move(value), std::nullopt};
  if (const json* prev = field(o, "prev_kv", "prevKv")) {
    KUBEPP_TAKE(p, kv_from(*prev));
    ev.prev_kv = std::move(p);
  }
  return ev;
}

// The {"result":{…}} object of a stream line. grpc-gateway ends a stream that failed with
// {"error":{"grpc_code":…,"message":…}} instead.
Result<json> stream_result(std::string_view line) {
  KUBEPP_TAKE(o, parse_object(line));
  if (const json* err = field(o, "error")) {
    if (!err->is_object()) return invalid("a stream error must be a JSON object");
    KUBEPP_TAKE(code, get_int(*err, "grpc_code", "grpcCode"));
    KUBEPP_TAKE(message, get_string(*err, "message"));
    return error_from_etcd(message, static_cast<int>(code));
  }
  const json* result = field(o, "result");
  if (!result || !result->is_object()) return invalid("a stream line wants a \"result\" object");
  return *result;
}

// --- errors --------------------------------------------------------------------------

// etcd's own errors (mvcc, etcdserver/api/v3rpc/rpctypes): the text, the gRPC code etcd
// answers with, and the ErrorCode kubepp's stores give — one table for both directions.
struct EtcdError {
  const char* text;
  int grpc_code;
  ErrorCode code;
};
constexpr EtcdError kEtcdErrors[] = {
    {kErrCompacted, kOutOfRange, ErrorCode::Gone},
    {kErrFutureRev, kOutOfRange, ErrorCode::Invalid},
    {kErrEmptyKey, kInvalidArgument, ErrorCode::Invalid},
    {kErrDuplicateKey, kInvalidArgument, ErrorCode::Invalid},
    {kErrEmptyWatcherRange, kInvalidArgument, ErrorCode::Invalid},
    {kErrLeaseNotFound, kNotFound, ErrorCode::NotFound},
    {kErrLeaseExist, kFailedPrecondition, ErrorCode::AlreadyExists},
    {kErrLeaseTTLTooLarge, kOutOfRange, ErrorCode::Invalid},
};
constexpr std::string_view kEtcdServerPrefix = "etcdserver: ";

// A gRPC code etcd answers with → the ErrorCode closest to it, for texts not in the table.
ErrorCode code_of(int grpc_code) {
  switch (grpc_code) {
    case kInvalidArgument: return ErrorCode::Invalid;
    case kOutOfRange: return ErrorCode::Invalid;  // etcd's compacted error is in the table
    case kNotFound: return ErrorCode::NotFound;
    case kAlreadyExists: return ErrorCode::AlreadyExists;
    case kFailedPrecondition: return ErrorCode::Conflict;
    case kCanceled:
    case kDeadlineExceeded:
    case kResourceExhausted:
    case kUnavailable: return ErrorCode::Unavailable;  // "no leader", "request timed out", …
    default: return ErrorCode::Internal;
  }
}

}  // namespace

// --- responses, written (the server) -----------------------------------------------

std::string encode(const RangeResponse& r, const Identity& id) {
  return range_json(r, header_json(r.header.revision, id)).dump();
}

std::string encode(const PutResponse& r, const Identity& id) {
  return put_json(r, header_json(r.header.revision, id)).dump();
}

std::string encode(const DeleteRangeResponse& r, const Identity& id) {
  return delete_json(r, header_json(r.header.revision, id)).dump();
}

std::string encode(const TxnResponse& r, const Identity& id) {
  ojson o = ojson::object();
  o["header"] = header_json(r.header.revision, id);
  put_bool(o, "succeeded", r.succeeded);
  if (!r.responses.empty()) {
    ojson list = ojson::array();
    for (const ResponseOp& op : r.responses) {
      ojson one = ojson::object();
      if (const auto* range = std::get_if<RangeResponse>(&op)) {
        one["response_range"] = range_json(*range, inner_header(range->header.revision));
      } else if (const auto* put = std::get_if<PutResponse>(&op)) {
        one["response_put"] = put_json(*put, inner_header(put->header.revision));
      } else {
        const auto& del = std::get<DeleteRangeResponse>(op);
        one["response_delete_range"] = delete_json(del, inner_header(del.header.revision));
      }
      list.push_back(std::move(one));
    }
    o["responses"] = std::move(list);
  }
  return o.dump();
}

std::string encode(const CompactionResponse& r, const Identity& id) {
  return header_only(r.header.revision, id).dump();
}

std::string encode(const LeaseGrantResponse& r, const Identity& id) {
  ojson o = header_only(r.header.revision, id);
  put_int(o, "ID", r.id);
  put_int(o, "TTL", r.ttl);
  return o.dump();
}

std::string encode(const LeaseRevokeResponse& r, const Identity& id) {
  return header_only(r.header.revision, id).dump();
}

std::string encode_result(const LeaseKeepAliveResponse& r, const Identity& id) {
  ojson o = header_only(r.header.revision, id);
  put_int(o, "ID", r.id);
  put_int(o, "TTL", r.ttl);
  return result_line(std::move(o)).dump();
}

std::string encode_result(const WatchResponse& r, const Identity& id, bool created) {
  // etcd 3.4 sends a compaction cancel with no revision in its header.
  ojson o = header_only(r.compact_revision != 0 ? 0 : r.header.revision, id);
  put_int(o, "watch_id", r.watch_id);
  put_bool(o, "created", created);
  put_bool(o, "canceled", r.canceled);
  put_int(o, "compact_revision", r.compact_revision);
  if (r.compact_revision == 0 && !r.cancel_reason.empty()) o["cancel_reason"] = r.cancel_reason;
  if (!r.events.empty()) {
    ojson events = ojson::array();
    for (const Event& ev : r.events) {
      ojson e = ojson::object();
      if (ev.type == Event::Type::Delete) e["type"] = kEventTypes[1];
      e["kv"] = kv_json(ev.kv);
      if (ev.prev_kv) e["prev_kv"] = kv_json(*ev.prev_kv);
      events.push_back(std::move(e));
    }
    o["events"] = std::move(events);
  }
  return result_line(std::move(o)).dump();
}

// --- responses, read (the client) ---------------------------------------------------

Result<RangeResponse> decode_range_response(std::string_view body) {
  KUBEPP_TAKE(o, parse_object(body));
  return range_response_from(o);
}

Result<PutResponse> decode_put_response(std::string_view body) {
  KUBEPP_TAKE(o, parse_object(body));
  return put_response_from(o);
}

Result<DeleteRangeResponse> decode_delete_range_response(std::string_view body) {
  KUBEPP_TAKE(o, parse_object(body));
  return delete_response_from(o);
}

Result<TxnResponse> decode_txn_response(std::string_view body) {
  KUBEPP_TAKE(o, parse_object(body));
  KUBEPP_TAKE(revision, header_revision(o));
  KUBEPP_TAKE(succeeded, get_bool(o, "succeeded"));
  TxnResponse t{{revision}, succeeded, {}};
  if (const json* list = field(o, "responses")) {
    if (!list->is_array()) return invalid("field \"responses\": want a list");
    for (const json& item : *list) {
      KUBEPP_TAKE(op, response_op_from(item));
      t.responses.push_back(std::move(op));
    }
  }
  return t;
}

Result<CompactionResponse> decode_compaction_response(std::string_view body) {
  KUBEPP_TAKE(o, parse_object(body));
  KUBEPP_TAKE(revision, header_revision(o));
  return CompactionResponse{{revision}};
}

Result<LeaseGrantResponse> decode_lease_grant_response(std::string_view body) {
  KUBEPP_TAKE(o, parse_object(body));
  KUBEPP_TAKE(revision, header_revision(o));
  KUBEPP_TAKE(lease_id, get_int(o, "ID"));
  KUBEPP_TAKE(ttl, get_int(o, "TTL"));
  return LeaseGrantResponse{{revision}, lease_id, ttl};
}

Result<LeaseRevokeResponse> decode_lease_revoke_response(std::string_view body) {
  KUBEPP_TAKE(o, parse_object(body));
  KUBEPP_TAKE(revision, header_revision(o));
  return LeaseRevokeResponse{{revision}};
}

Result<LeaseKeepAliveResponse> decode_keep_alive_result(std::string_view line) {
  KUBEPP_TAKE(r, stream_result(line));
  KUBEPP_TAKE(revision, header_revision(r));
  KUBEPP_TAKE(lease_id, get_int(r, "ID"));
  KUBEPP_TAKE(ttl, get_int(r, "TTL"));
  return LeaseKeepAliveResponse{{revision}, lease_id, ttl};
}

Result<WatchResult> decode_watch_result(std::string_view line) {
  KUBEPP_TAKE(r, stream_result(line));
  WatchResult out;
  WatchResponse& w = out.response;
  KUBEPP_TAKE(revision, header_revision(r));
  KUBEPP_TAKE(watch_id, get_int(r, "watch_id", "watchId"));
  KUBEPP_TAKE(created, get_bool(r, "created"));
  KUBEPP_TAKE(canceled, get_bool(r, "canceled"));
  KUBEPP_TAKE(compact_revision, get_int(r, "compact_revision", "compactRevision"));
  KUBEPP_TAKE(cancel_reason, get_string(r, "cancel_reason", "cancelReason"));
  w.header.revision = revision;
  w.watch_id = watch_id;
  w.canceled = canceled;
  w.compact_revision = compact_revision;
  w.cancel_reason = std::move(cancel_reason);
  // etcd 3.4 cancels a compacted watch without a reason; clientv3 reads it as ErrCompacted.
  if (w.canceled && w.compact_revision != 0 && w.cancel_reason.empty()) w.cancel_reason = kErrCompacted;
  if (const json* events = field(r, "events")) {
    if (!events->is_array()) return invalid("field \"events\": want a list");
    for (const json& item : *events) {
      KUBEPP_TAKE(ev, event_from(item));
      w.events.push_back(std::move(ev));
    }
  }
  out.created = created;
  return out;
}

// --- errors --------------------------------------------------------------------------

GatewayError to_gateway_error(const Error& err) {
  for (const EtcdError& known : kEtcdErrors) {
    if (err.message == known.text) {
      return GatewayError{known.grpc_code, http_status_of(known.grpc_code), std::string(kEtcdServerPrefix) + known.text};
    }
  }
  int code = kInternal;
  switch (err.code) {
    case ErrorCode::Invalid: code = kInvalidArgument; break;
    case ErrorCode::Gone: code = kOutOfRange; break;
    case ErrorCode::NotFound: code = kNotFound; break;
    case ErrorCode::AlreadyExists: code = kAlreadyExists; break;
    case ErrorCode::Conflict: code = kFailedPrecondition; break;
    case ErrorCode::Unavailable: code = kUnavailable; break;
    case ErrorCode::Internal: code = kInternal; break;
  }
  return GatewayError{code, http_status_of(code), err.message};
}

Error error_from_etcd(std::string_view message, int grpc_code) {
  if (message.starts_with(kEtcdServerPrefix)) message.remove_prefix(kEtcdServerPrefix.size());
  for (const EtcdError& known : kEtcdErrors) {
    if (message == known.text) return Error{known.code, known.text};
  }
  return Error{code_of(grpc_code), std::string(message)};
}

Error decode_error(int http_status, std::string_view body) {
  if (Result<json> o = parse_object(body)) {
    Result<std::string> message = get_string(o.value(), "message");
    Result<int64_t> code = get_int(o.value(), "code");
    if (message && code && !message.value().empty()) return error_from_etcd(message.value(), static_cast<int>(code.value()));
  }
  // Not grpc-gateway's error body: something other than etcd answered.
  std::string text(body.substr(0, 200));
  return Error{http_status >= 500 ? ErrorCode::Unavailable : ErrorCode::Internal,
               "HTTP " + std::to_string(http_status) + (text.empty() ? "" : ": " + text)};
}

int http_status_of(int grpc_code) {
  switch (grpc_code) {
    case 0: return 200;   // OK
    case 1: return 408;   // Canceled
    case 3: return 400;   // InvalidArgument
    case 4: return 504;   // DeadlineExceeded
    case 5: return 404;   // NotFound
    case 6: return 409;   // AlreadyExists
    case 7: return 403;   // PermissionDenied
    case 8: return 429;   // ResourceExhausted
    case 9: return 412;   // FailedPrecondition (grpc-gateway v1, which etcd 3.4 ships; v2 says 400)
    case 10: return 409;  // Aborted
    case 11: return 400;  // OutOfRange
    case 12: return 501;  // Unimplemented
    case 14: return 503;  // Unavailable
    case 16: return 401;  // Unauthenticated
    default: return 500;  // Unknown, Internal, DataLoss
  }
}

std::string encode(const GatewayError& err) {
  ojson o = ojson::object();  // etcd 3.4's order: error, message, code
  o["error"] = err.message;
  o["message"] = err.message;
  o["code"] = err.grpc_code;
  return o.dump();
}

}  // namespace kubepp::store::gateway

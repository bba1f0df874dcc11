// gateway_json.cpp — etcd's v3 JSON gateway format (see gateway_json.h for the rules).
//
// Output uses nlohmann::ordered_json so fields come in .proto field-number order, as
// protojson writes them; a client must not depend on it, but a side-by-side `curl` diff
// against etcd stays readable.
#include "cluster/store/server/gateway_json.h"

#include <nlohmann/json.hpp>

#include <cstring>

namespace kubepp::store::gateway {

namespace {

using json = nlohmann::json;
using ojson = nlohmann::ordered_json;

// gRPC codes (google.golang.org/grpc/codes).
constexpr int kInvalidArgument = 3;
constexpr int kNotFound = 5;
constexpr int kAlreadyExists = 6;
constexpr int kFailedPrecondition = 9;
constexpr int kOutOfRange = 11;
constexpr int kInternal = 13;
constexpr int kUnavailable = 14;

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

Error invalid(std::string message) { return Error{ErrorCode::Invalid, std::move(message)}; }

// --- reading requests --------------------------------------------------------------

// The value of a field by its .proto name or its lowerCamelCase name; null when absent.
const json* field(const json& obj, const char* name, const char* camel = nullptr) {
  auto it = obj.find(name);
  if (it == obj.end() && camel) it = obj.find(camel);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

Result<int64_t> get_int(const json& obj, const char* name, const char* camel = nullptr) {
  const json* v = field(obj, name, camel);
  if (!v) return int64_t{0};
  if (v->is_number_integer()) return v->get<int64_t>();
  if (v->is_string()) {
    const std::string& s = v->get_ref<const std::string&>();
    try {
      size_t used = 0;
      long long n = std::stoll(s, &used);
      if (used == s.size()) return static_cast<int64_t>(n);
    } catch (const std::exception&) {
    }
  }
  return invalid(std::string("field \"") + name + "\": want an int64 (a decimal string or a number), got " + v->dump());
}

Result<bool> get_bool(const json& obj, const char* name, const char* camel = nullptr) {
  const json* v = field(obj, name, camel);
  if (!v) return false;
  if (v->is_boolean()) return v->get<bool>();
  return invalid(std::string("field \"") + name + "\": want true or false, got " + v->dump());
}

Result<std::string> get_bytes(const json& obj, const char* name, const char* camel = nullptr) {
  const json* v = field(obj, name, camel);
  if (!v) return std::string();
  if (!v->is_string()) return invalid(std::string("field \"") + name + "\": want base64 text, got " + v->dump());
  Result<std::string> bytes = base64_decode(v->get_ref<const std::string&>());
  if (!bytes) return invalid(std::string("field \"") + name + "\": " + bytes.error().message);
  return bytes;
}

// An enum by name or number; `names` lists the names in number order.
Result<int> get_enum(const json& obj, const char* name, std::initializer_list<const char*> names) {
  const json* v = field(obj, name);
  if (!v) return 0;
  if (v->is_number_integer()) {
    int64_t n = v->get<int64_t>();
    if (n >= 0 && n < static_cast<int64_t>(names.size())) return static_cast<int>(n);
  } else if (v->is_string()) {
    int i = 0;
    for (const char* candidate : names) {
      if (v->get_ref<const std::string&>() == candidate) return i;
      i++;
    }
  }
  return invalid(std::string("field \"") + name + "\": unknown value " + v->dump());
}

Result<json> parse_object(std::string_view body) {
  // An empty body is a request with every field at its default (grpc-gateway: io.EOF).
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return json::object();
  json doc = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return invalid("malformed JSON in the request body");
  if (!doc.is_object()) return invalid("the request body must be a JSON object");
  return doc;
}

// Shorthands for the many "take it or return its error" steps below.
#define KUBEPP_TAKE(var, expr)             \
  auto var##_r = (expr);                   \
  if (!var##_r) return var##_r.error();    \
  auto var = std::move(var##_r).value()

Result<RangeRequest> range_from(const json& o) {
  RangeRequest r;
  KUBEPP_TAKE(key, get_bytes(o, "key"));
  KUBEPP_TAKE(end, get_bytes(o, "range_end", "rangeEnd"));
  KUBEPP_TAKE(limit, get_int(o, "limit"));
  KUBEPP_TAKE(revision, get_int(o, "revision"));
  KUBEPP_TAKE(order, get_enum(o, "sort_order", {"NONE", "ASCEND", "DESCEND"}));
  KUBEPP_TAKE(target, get_enum(o, "sort_target", {"KEY", "VERSION", "CREATE", "MOD", "VALUE"}));
  KUBEPP_TAKE(keys_only, get_bool(o, "keys_only", "keysOnly"));
  KUBEPP_TAKE(count_only, get_bool(o, "count_only", "countOnly"));
  // Keys come back in key order; other orders and the min/max filters are not built yet.
  if (order == 2 || target != 0) return invalid("kubepp store: sort_order/sort_target other than ascending by key are not supported yet");
  for (const char* f : {"min_mod_revision", "max_mod_revision", "min_create_revision", "max_create_revision"}) {
    KUBEPP_TAKE(v, get_int(o, f));
    if (v != 0) return invalid(std::string("kubepp store: ") + f + " is not supported yet");
  }
  r.key = std::move(key);
  r.range_end = std::move(end);
  r.limit = limit;
  r.revision = revision;
  r.keys_only = keys_only;
  r.count_only = count_only;
  return r;
}

Result<PutRequest> put_from(const json& o) {
  PutRequest p;
  KUBEPP_TAKE(key, get_bytes(o, "key"));
  KUBEPP_TAKE(value, get_bytes(o, "value"));
  KUBEPP_TAKE(lease, get_int(o, "lease"));
  KUBEPP_TAKE(prev_kv, get_bool(o, "prev_kv", "prevKv"));
  KUBEPP_TAKE(ignore_value, get_bool(o, "ignore_value", "ignoreValue"));
  KUBEPP_TAKE(ignore_lease, get_bool(o, "ignore_lease", "ignoreLease"));
  if (ignore_value || ignore_lease) return invalid("kubepp store: ignore_value and ignore_lease are not supported yet");
  p.key = std::move(key);
  p.value = std::move(value);
  p.lease = lease;
  p.prev_kv = prev_kv;
  return p;
}

Result<DeleteRangeRequest> delete_from(const json& o) {
  DeleteRangeRequest d;
  KUBEPP_TAKE(key, get_bytes(o, "key"));
  KUBEPP_TAKE(end, get_bytes(o, "range_end", "rangeEnd"));
  KUBEPP_TAKE(prev_kv, get_bool(o, "prev_kv", "prevKv"));
  d.key = std::move(key);
  d.range_end = std::move(end);
  d.prev_kv = prev_kv;
  return d;
}

Result<Compare> compare_from(const json& o) {
  Compare c;
  KUBEPP_TAKE(result, get_enum(o, "result", {"EQUAL", "GREATER", "LESS", "NOT_EQUAL"}));
  KUBEPP_TAKE(target, get_enum(o, "target", {"VERSION", "CREATE", "MOD", "VALUE", "LEASE"}));
  KUBEPP_TAKE(key, get_bytes(o, "key"));
  KUBEPP_TAKE(end, get_bytes(o, "range_end", "rangeEnd"));
  KUBEPP_TAKE(version, get_int(o, "version"));
  KUBEPP_TAKE(create_revision, get_int(o, "create_revision", "createRevision"));
  KUBEPP_TAKE(mod_revision, get_int(o, "mod_revision", "modRevision"));
  KUBEPP_TAKE(value, get_bytes(o, "value"));
  KUBEPP_TAKE(lease, get_int(o, "lease"));
  c.result = static_cast<Compare::Result>(result);
  c.target = static_cast<Compare::Target>(target);
  c.key = std::move(key);
  c.range_end = std::move(end);
  c.version = version;
  c.create_revision = create_revision;
  c.mod_revision = mod_revision;
  c.value = std::move(value);
  c.lease = lease;
  return c;
}

Result<RequestOp> op_from(const json& o) {
  if (!o.is_object()) return invalid("a txn op must be a JSON object");
  if (const json* r = field(o, "request_range", "requestRange")) {
    KUBEPP_TAKE(req, range_from(*r));
    return RequestOp(std::move(req));
  }
  if (const json* p = field(o, "request_put", "requestPut")) {
    KUBEPP_TAKE(req, put_from(*p));
    return RequestOp(std::move(req));
  }
  if (const json* d = field(o, "request_delete_range", "requestDeleteRange")) {
    KUBEPP_TAKE(req, delete_from(*d));
    return RequestOp(std::move(req));
  }
  if (field(o, "request_txn", "requestTxn")) return invalid("kubepp store: nested txns are not supported yet");
  return invalid("a txn op wants one of request_range, request_put, request_delete_range");
}

Result<std::vector<RequestOp>> ops_from(const json& o, const char* name) {
  std::vector<RequestOp> ops;
  const json* list = field(o, name);
  if (!list) return ops;
  if (!list->is_array()) return invalid(std::string("field \"") + name + "\": want a list");
  for (const json& item : *list) {
    KUBEPP_TAKE(op, op_from(item));
    ops.push_back(std::move(op));
  }
  return ops;
}

// --- writing responses -------------------------------------------------------------

ojson header(int64_t revision, const Identity& id) {
  ojson h = ojson::object();
  if (id.cluster_id) h["cluster_id"] = std::to_string(id.cluster_id);
  if (id.member_id) h["member_id"] = std::to_string(id.member_id);
  if (revision) h["revision"] = std::to_string(revision);
  if (id.raft_term) h["raft_term"] = std::to_string(id.raft_term);
  return h;
}

// The header of a response inside a txn: etcd fills only its revision.
ojson inner_header(int64_t revision) { return header(revision, Identity{}); }

void put_int(ojson& o, const char* name, int64_t v) {
  if (v != 0) o[name] = std::to_string(v);
}

ojson kv_json(const KeyValue& kv) {
  ojson o = ojson::object();
  if (!kv.key.empty()) o["key"] = base64_encode(kv.key);
  put_int(o, "create_revision", kv.create_revision);
  put_int(o, "mod_revision", kv.mod_revision);
  put_int(o, "version", kv.version);
  if (!kv.value.empty()) o["value"] = base64_encode(kv.value);
  put_int(o, "lease", kv.lease);
  return o;
}

ojson kvs_json(const std::vector<KeyValue>& kvs) {
  ojson a = ojson::array();
  for (const KeyValue& kv : kvs) a.push_back(kv_json(kv));
  return a;
}

ojson range_json(const RangeResponse& r, ojson h) {
  ojson o = ojson::object();
  o["header"] = std::move(h);
  if (!r.kvs.empty()) o["kvs"] = kvs_json(r.kvs);
  if (r.more) o["more"] = true;
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

ojson header_only(int64_t revision, const Identity& id) {
  ojson o = ojson::object();
  o["header"] = header(revision, id);
  return o;
}

}  // namespace

// --- base64 --------------------------------------------------------------------------

std::string base64_encode(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    uint32_t n = uint32_t(uint8_t(bytes[i])) << 16 | uint32_t(uint8_t(bytes[i + 1])) << 8 | uint8_t(bytes[i + 2]);
    for (int shift = 18; shift >= 0; shift -= 6) out += kAlphabet[(n >> shift) & 63];
  }
  if (size_t rest = bytes.size() - i; rest > 0) {
    uint32_t n = uint32_t(uint8_t(bytes[i])) << 16 | (rest == 2 ? uint32_t(uint8_t(bytes[i + 1])) << 8 : 0);
    out += kAlphabet[(n >> 18) & 63];
    out += kAlphabet[(n >> 12) & 63];
    out += rest == 2 ? kAlphabet[(n >> 6) & 63] : '=';
    out += '=';
  }
  return out;
}

Result<std::string> base64_decode(std::string_view text) {
  auto bad = [](size_t at) { return invalid("illegal base64 data at input byte " + std::to_string(at)); };
  if (text.size() % 4 != 0) return bad(text.size() / 4 * 4);
  std::string out;
  out.reserve(text.size() / 4 * 3);
  for (size_t i = 0; i < text.size(); i += 4) {
    const bool last = i + 4 == text.size();
    uint32_t n = 0;
    int pad = 0;
    for (size_t j = 0; j < 4; j++) {
      const char c = text[i + j];
      uint32_t six = 0;
      if (c == '=') {
        if (!last || j < 2) return bad(i + j);  // padding only ends the last group
        pad++;
      } else {
        const char* p = c == '\0' ? nullptr : std::strchr(kAlphabet, c);
        if (!p || pad) return bad(i + j);
        six = static_cast<uint32_t>(p - kAlphabet);
      }
      n = n << 6 | six;
    }
    out += static_cast<char>(n >> 16 & 0xff);
    if (pad < 2) out += static_cast<char>(n >> 8 & 0xff);
    if (pad < 1) out += static_cast<char>(n & 0xff);
  }
  return out;
}

// --- decoders ------------------------------------------------------------------------

Result<RangeRequest> decode_range(std::string_view body) {
  KUBEPP_TAKE(o, parse_object(body));
  return range_from(o);
}

Result<PutRequest> decode_put(std::string_view body) {
  KUBEPP_TAKE(o, parse_object(body));
  return put_from(o);
}

Result<DeleteRangeRequest> decode_delete_range(std::string_view body) {
  KUBEPP_TAKE(o, parse_object(body));
  return delete_from(o);
}

Result<TxnRequest> decode_txn(std::string_view body) {
  KUBEPP_TAKE(o, parse_object(body));
  TxnRequest t;
  if (const json* list = field(o, "compare")) {
    if (!list->is_array()) return invalid("field \"compare\": want a list");
    for (const json& item : *list) {
      if (!item.is_object()) return invalid("a compare must be a JSON object");
      KUBEPP_TAKE(c, compare_from(item));
      t.compare.push_back(std::move(c));
    }
  }
  KUBEPP_TAKE(success, ops_from(o, "success"));
  KUBEPP_TAKE(failure, ops_from(o, "failure"));
  t.success = std::move(success);
  t.failure = std::move(failure);
  return t;
}

Result<int64_t> decode_compaction(std::string_view body) {
  KUBEPP_TAKE(o, parse_object(body));
  KUBEPP_TAKE(physical, get_bool(o, "physical"));
  (void)physical;  // the embedded store compacts at once: every compaction is physical
  return get_int(o, "revision");
}

Result<LeaseGrantRequest> decode_lease_grant(std::string_view body) {
  KUBEPP_TAKE(o, parse_object(body));
  KUBEPP_TAKE(ttl, get_int(o, "TTL"));
  KUBEPP_TAKE(lease_id, get_int(o, "ID"));
  return LeaseGrantRequest{ttl, lease_id};
}

Result<int64_t> decode_lease_id(std::string_view body) {
  KUBEPP_TAKE(o, parse_object(body));
  return get_int(o, "ID");
}

Result<WatchCreate> decode_watch(std::string_view body) {
  KUBEPP_TAKE(o, parse_object(body));
  const json* c = field(o, "create_request", "createRequest");
  if (!c || !c->is_object()) return invalid("kubepp store: a /v3/watch stream starts with a create_request");
  WatchCreate w;
  KUBEPP_TAKE(key, get_bytes(*c, "key"));
  KUBEPP_TAKE(end, get_bytes(*c, "range_end", "rangeEnd"));
  KUBEPP_TAKE(start, get_int(*c, "start_revision", "startRevision"));
  KUBEPP_TAKE(progress, get_bool(*c, "progress_notify", "progressNotify"));
  KUBEPP_TAKE(prev_kv, get_bool(*c, "prev_kv", "prevKv"));
  KUBEPP_TAKE(watch_id, get_int(*c, "watch_id", "watchId"));
  if (const json* filters = field(*c, "filters")) {
    if (!filters->is_array()) return invalid("field \"filters\": want a list");
    for (const json& f : *filters) {
      json one = json::object({{"filter", f}});
      KUBEPP_TAKE(kind, get_enum(one, "filter", {"NOPUT", "NODELETE"}));
      (kind == 0 ? w.no_put : w.no_delete) = true;
    }
  }
  w.request.key = std::move(key);
  w.request.range_end = std::move(end);
  w.request.start_revision = start;
  w.request.progress_notify = progress;
  w.request.prev_kv = prev_kv;
  w.watch_id = watch_id;
  return w;
}

#undef KUBEPP_TAKE

// --- encoders ------------------------------------------------------------------------

std::string encode(const RangeResponse& r, const Identity& id) {
  return range_json(r, header(r.header.revision, id)).dump();
}

std::string encode(const PutResponse& r, const Identity& id) {
  return put_json(r, header(r.header.revision, id)).dump();
}

std::string encode(const DeleteRangeResponse& r, const Identity& id) {
  return delete_json(r, header(r.header.revision, id)).dump();
}

std::string encode(const TxnResponse& r, const Identity& id) {
  ojson o = ojson::object();
  o["header"] = header(r.header.revision, id);
  if (r.succeeded) o["succeeded"] = true;
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
  ojson result = ojson::object();
  result["result"] = std::move(o);
  return result.dump();
}

std::string encode_result(const WatchResponse& r, const Identity& id, bool created) {
  ojson o = header_only(r.header.revision, id);
  put_int(o, "watch_id", r.watch_id);
  if (created) o["created"] = true;
  if (r.canceled) o["canceled"] = true;
  put_int(o, "compact_revision", r.compact_revision);
  if (!r.cancel_reason.empty() && r.compact_revision == 0) o["cancel_reason"] = r.cancel_reason;
  if (!r.events.empty()) {
    ojson events = ojson::array();
    for (const Event& ev : r.events) {
      ojson e = ojson::object();
      if (ev.type == Event::Type::Delete) e["type"] = "DELETE";
      e["kv"] = kv_json(ev.kv);
      if (ev.prev_kv) e["prev_kv"] = kv_json(*ev.prev_kv);
      events.push_back(std::move(e));
    }
    o["events"] = std::move(events);
  }
  ojson result = ojson::object();
  result["result"] = std::move(o);
  return result.dump();
}

// --- errors --------------------------------------------------------------------------

GatewayError to_gateway_error(const Error& err) {
  // etcd's own errors (etcdserver/api/v3rpc/rpctypes): their code and "etcdserver: " text.
  static const struct {
    const char* text;
    int code;
  } kEtcdErrors[] = {
      {kErrCompacted, kOutOfRange},          {kErrFutureRev, kOutOfRange},
      {kErrEmptyKey, kInvalidArgument},      {kErrDuplicateKey, kInvalidArgument},
      {kErrLeaseNotFound, kNotFound},        {kErrLeaseExist, kFailedPrecondition},
      {kErrLeaseTTLTooLarge, kOutOfRange},   {kErrLeaseTTL, kInvalidArgument},
  };
  for (const auto& known : kEtcdErrors) {
    if (err.message == known.text) {
      return GatewayError{known.code, http_status_of(known.code), std::string("etcdserver: ") + known.text};
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
    case 9: return 400;   // FailedPrecondition (deliberately not 412 in grpc-gateway)
    case 10: return 409;  // Aborted
    case 11: return 400;  // OutOfRange
    case 12: return 501;  // Unimplemented
    case 14: return 503;  // Unavailable
    case 16: return 401;  // Unauthenticated
    default: return 500;  // Unknown, Internal, DataLoss
  }
}

std::string encode(const GatewayError& err) {
  ojson o = ojson::object();
  o["error"] = err.message;
  o["code"] = err.grpc_code;
  o["message"] = err.message;
  return o.dump();
}

}  // namespace kubepp::store::gateway

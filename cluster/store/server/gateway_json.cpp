// gateway_json.cpp — etcd's v3 JSON gateway format: the field helpers, base64, and the
// requests both ways (decoded by `kubepp store`, encoded by EtcdStore). Responses and
// errors: gateway_responses.cpp. The rules: gateway_json.h.
//
// Output uses nlohmann::ordered_json so fields come in .proto field-number order, as
// protojson writes them; a reader must not depend on it, but a side-by-side `curl` diff
// against etcd stays readable.
#include "cluster/store/server/gateway_json.h"

#include <charconv>
#include <cstring>

#include "cluster/store/server/gateway_fields.h"

namespace kubepp::store::gateway {

namespace fields {

Error invalid(std::string message) { return Error{ErrorCode::Invalid, std::move(message)}; }

const json* field(const json& obj, const char* name, const char* camel) {
  auto it = obj.find(name);
  if (it == obj.end() && camel) it = obj.find(camel);
  if (it == obj.end() || it->is_null()) return nullptr;
  return &*it;
}

Result<int64_t> get_int(const json& obj, const char* name, const char* camel) {
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

Result<bool> get_bool(const json& obj, const char* name, const char* camel) {
  const json* v = field(obj, name, camel);
  if (!v) return false;
  if (v->is_boolean()) return v->get<bool>();
  return invalid(std::string("field \"") + name + "\": want true or false, got " + v->dump());
}

Result<std::string> get_string(const json& obj, const char* name, const char* camel) {
  const json* v = field(obj, name, camel);
  if (!v) return std::string();
  if (v->is_string()) return v->get<std::string>();
  return invalid(std::string("field \"") + name + "\": want a string, got " + v->dump());
}

Result<std::string> get_bytes(const json& obj, const char* name, const char* camel) {
  KUBEPP_TAKE(text, get_string(obj, name, camel));
  Result<std::string> bytes = base64_decode(text);
  if (!bytes) return invalid(std::string("field \"") + name + "\": " + bytes.error().message);
  return bytes;
}

Result<int> get_enum(const json& obj, const char* name, std::span<const char* const> names) {
  const json* v = field(obj, name);
  if (!v) return 0;
  if (v->is_number_integer()) {
    int64_t n = v->get<int64_t>();
    if (n >= 0 && n < static_cast<int64_t>(names.size())) return static_cast<int>(n);
  } else if (v->is_string()) {
    for (size_t i = 0; i < names.size(); i++) {
      if (v->get_ref<const std::string&>() == names[i]) return static_cast<int>(i);
    }
  }
  return invalid(std::string("field \"") + name + "\": unknown value " + v->dump());
}

Result<json> parse_object(std::string_view body) {
  // An empty body is a request with every field at its default (grpc-gateway: io.EOF).
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) return json::object();
  json doc = json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (doc.is_discarded()) return invalid("malformed JSON in the body");
  if (!doc.is_object()) return invalid("the body must be a JSON object");
  return doc;
}

Result<KeyValue> kv_from(const json& o) {
  if (!o.is_object()) return invalid("a KeyValue must be a JSON object");
  KUBEPP_TAKE(key, get_bytes(o, "key"));
  KUBEPP_TAKE(create_revision, get_int(o, "create_revision", "createRevision"));
  KUBEPP_TAKE(mod_revision, get_int(o, "mod_revision", "modRevision"));
  KUBEPP_TAKE(version, get_int(o, "version"));
  KUBEPP_TAKE(value, get_bytes(o, "value"));
  KUBEPP_TAKE(lease, get_int(o, "lease"));
  return KeyValue{std::move(key), std::move(value), create_revision, mod_revision, version, lease};
}

Result<std::vector<KeyValue>> kvs_from(const json& o, const char* name, const char* camel) {
  std::vector<KeyValue> kvs;
  const json* list = field(o, name, camel);
  if (!list) return kvs;
  if (!list->is_array()) return invalid(std::string("field \"") + name + "\": want a list");
  for (const json& item : *list) {
    KUBEPP_TAKE(kv, kv_from(item));
    kvs.push_back(std::move(kv));
  }
  return kvs;
}

Result<int64_t> header_revision(const json& o) {
  const json* h = field(o, "header");
  if (!h) return int64_t{0};
  if (!h->is_object()) return invalid("field \"header\": want an object");
  return get_int(*h, "revision");
}

void put_int(ojson& o, const char* name, int64_t v) {
  if (v != 0) o[name] = std::to_string(v);
}

void put_bytes(ojson& o, const char* name, std::string_view bytes) {
  if (!bytes.empty()) o[name] = base64_encode(bytes);
}

void put_bool(ojson& o, const char* name, bool v) {
  if (v) o[name] = true;
}

ojson kv_json(const KeyValue& kv) {
  ojson o = ojson::object();
  put_bytes(o, "key", kv.key);
  put_int(o, "create_revision", kv.create_revision);
  put_int(o, "mod_revision", kv.mod_revision);
  put_int(o, "version", kv.version);
  put_bytes(o, "value", kv.value);
  put_int(o, "lease", kv.lease);
  return o;
}

ojson kvs_json(const std::vector<KeyValue>& kvs) {
  ojson a = ojson::array();
  for (const KeyValue& kv : kvs) a.push_back(kv_json(kv));
  return a;
}

ojson header_json(int64_t revision, const Identity& id) {
  ojson h = ojson::object();
  if (id.cluster_id) h["cluster_id"] = std::to_string(id.cluster_id);
  if (id.member_id) h["member_id"] = std::to_string(id.member_id);
  put_int(h, "revision", revision);
  if (id.raft_term) h["raft_term"] = std::to_string(id.raft_term);
  return h;
}

}  // namespace fields

using namespace fields;

namespace {


// --- reading requests --------------------------------------------------------------

Result<RangeRequest> range_from(const json& o) {
  RangeRequest r;
  KUBEPP_TAKE(key, get_bytes(o, "key"));
  KUBEPP_TAKE(end, get_bytes(o, "range_end", "rangeEnd"));
  KUBEPP_TAKE(limit, get_int(o, "limit"));
  KUBEPP_TAKE(revision, get_int(o, "revision"));
  KUBEPP_TAKE(order, get_enum(o, "sort_order", kSortOrders));
  KUBEPP_TAKE(target, get_enum(o, "sort_target", kSortTargets));
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
  KUBEPP_TAKE(result, get_enum(o, "result", kCompareResults));
  KUBEPP_TAKE(target, get_enum(o, "target", kCompareTargets));
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

// --- writing requests --------------------------------------------------------------

ojson range_json(const RangeRequest& r) {
  ojson o = ojson::object();
  put_bytes(o, "key", r.key);
  put_bytes(o, "range_end", r.range_end);
  put_int(o, "limit", r.limit);
  put_int(o, "revision", r.revision);
  put_bool(o, "keys_only", r.keys_only);
  put_bool(o, "count_only", r.count_only);
  return o;
}

ojson put_json(const PutRequest& p) {
  ojson o = ojson::object();
  put_bytes(o, "key", p.key);
  put_bytes(o, "value", p.value);
  put_int(o, "lease", p.lease);
  put_bool(o, "prev_kv", p.prev_kv);
  return o;
}

ojson delete_json(const DeleteRangeRequest& d) {
  ojson o = ojson::object();
  put_bytes(o, "key", d.key);
  put_bytes(o, "range_end", d.range_end);
  put_bool(o, "prev_kv", d.prev_kv);
  return o;
}

// The compared field is a oneof (target_union): protojson writes it even at its default,
// so "create_revision":"0" — create if absent — is on the wire.
ojson compare_json(const Compare& c) {
  ojson o = ojson::object();
  if (c.result != Compare::Result::Equal) o["result"] = kCompareResults[static_cast<size_t>(c.result)];
  if (c.target != Compare::Target::Version) o["target"] = kCompareTargets[static_cast<size_t>(c.target)];
  put_bytes(o, "key", c.key);
  switch (c.target) {
    case Compare::Target::Version: o["version"] = std::to_string(c.version); break;
    case Compare::Target::CreateRevision: o["create_revision"] = std::to_string(c.create_revision); break;
    case Compare::Target::ModRevision: o["mod_revision"] = std::to_string(c.mod_revision); break;
    case Compare::Target::Value: o["value"] = base64_encode(c.value); break;
    case Compare::Target::Lease: o["lease"] = std::to_string(c.lease); break;
  }
  put_bytes(o, "range_end", c.range_end);
  return o;
}

ojson ops_json(const std::vector<RequestOp>& ops) {
  ojson list = ojson::array();
  for (const RequestOp& op : ops) {
    ojson one = ojson::object();
    if (const auto* r = std::get_if<RangeRequest>(&op)) {
      one["request_range"] = range_json(*r);
    } else if (const auto* p = std::get_if<PutRequest>(&op)) {
      one["request_put"] = put_json(*p);
    } else {
      one["request_delete_range"] = delete_json(std::get<DeleteRangeRequest>(op));
    }
    list.push_back(std::move(one));
  }
  return list;
}

}  // namespace

Result<HttpUrl> parse_http_url(const std::string& url, bool allow_port_zero) {
  auto bad = [](const std::string& why) { return Error{ErrorCode::Invalid, why}; };
  if (url.starts_with("https://")) return bad("TLS is not supported yet: use http://");
  if (!url.starts_with("http://")) return bad("want http://HOST:PORT");
  std::string rest = url.substr(7);
  if (rest.ends_with("/")) rest.pop_back();
  const size_t colon = rest.rfind(':');
  if (colon == std::string::npos || colon == 0 || rest.find('/') != std::string::npos) return bad("want http://HOST:PORT");
  HttpUrl out{rest.substr(0, colon), 0};
  if (out.host.size() > 2 && out.host.front() == '[' && out.host.back() == ']') out.host = out.host.substr(1, out.host.size() - 2);
  const std::string port = rest.substr(colon + 1);
  const int min_port = allow_port_zero ? 0 : 1;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), out.port);
  if (ec != std::errc() || end != port.data() + port.size() || out.port < min_port || out.port > 65535) {
    return bad("the port must be a number from " + std::to_string(min_port) + " to 65535");
  }
  return out;
}

// --- requests, read (the server) -----------------------------------------------------

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
      KUBEPP_TAKE(kind, get_enum(one, "filter", kWatchFilters));
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

// --- requests, written (the client) -------------------------------------------------

std::string encode(const RangeRequest& req) { return range_json(req).dump(); }
std::string encode(const PutRequest& req) { return put_json(req).dump(); }
std::string encode(const DeleteRangeRequest& req) { return delete_json(req).dump(); }

std::string encode(const TxnRequest& req) {
  ojson o = ojson::object();
  if (!req.compare.empty()) {
    ojson list = ojson::array();
    for (const Compare& c : req.compare) list.push_back(compare_json(c));
    o["compare"] = std::move(list);
  }
  if (!req.success.empty()) o["success"] = ops_json(req.success);
  if (!req.failure.empty()) o["failure"] = ops_json(req.failure);
  return o.dump();
}

std::string encode_compaction(int64_t revision) {
  ojson o = ojson::object();
  put_int(o, "revision", revision);
  o["physical"] = true;  // answer once the compaction is done, as the embedded store does
  return o.dump();
}

std::string encode(const LeaseGrantRequest& req) {
  ojson o = ojson::object();
  put_int(o, "TTL", req.ttl);
  put_int(o, "ID", req.id);
  return o.dump();
}

std::string encode_lease_id(int64_t id) {
  ojson o = ojson::object();
  put_int(o, "ID", id);
  return o.dump();
}

std::string encode(const WatchCreate& w) {
  ojson c = ojson::object();
  put_bytes(c, "key", w.request.key);
  put_bytes(c, "range_end", w.request.range_end);
  put_int(c, "start_revision", w.request.start_revision);
  put_bool(c, "progress_notify", w.request.progress_notify);
  if (w.no_put || w.no_delete) {
    ojson filters = ojson::array();
    if (w.no_put) filters.push_back(kWatchFilters[0]);
    if (w.no_delete) filters.push_back(kWatchFilters[1]);
    c["filters"] = std::move(filters);
  }
  put_bool(c, "prev_kv", w.request.prev_kv);
  put_int(c, "watch_id", w.watch_id);
  ojson o = ojson::object();
  o["create_request"] = std::move(c);
  return o.dump();
}

}  // namespace kubepp::store::gateway

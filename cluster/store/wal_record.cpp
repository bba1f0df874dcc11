// wal_record.cpp — write requests to bytes and back.
#include "cluster/store/wal_record.h"

#include <vector>

#include "cluster/store/codec.h"

namespace kubepp::store {

namespace {

class Encoder : public ByteWriter {
 public:
  void op(const RequestOp& op) {
    u8(static_cast<uint8_t>(op.index()));
    if (const auto* r = std::get_if<RangeRequest>(&op)) {
      str(r->key), str(r->range_end), i64(r->revision), i64(r->limit), u8(r->count_only), u8(r->keys_only);
    } else if (const auto* p = std::get_if<PutRequest>(&op)) {
      put(*p);
    } else {
      del(std::get<DeleteRangeRequest>(op));
    }
  }
  void put(const PutRequest& p) { str(p.key), str(p.value), i64(p.lease), u8(p.prev_kv); }
  void del(const DeleteRangeRequest& d) { str(d.key), str(d.range_end), u8(d.prev_kv); }
  void ops(const std::vector<RequestOp>& v) {
    i64(static_cast<int64_t>(v.size()));
    for (const RequestOp& o : v) op(o);
  }
  void txn(const TxnRequest& t) {
    i64(static_cast<int64_t>(t.compare.size()));
    for (const Compare& c : t.compare) {
      u8(static_cast<uint8_t>(c.result)), u8(static_cast<uint8_t>(c.target));
      str(c.key), str(c.range_end), i64(c.version), i64(c.create_revision), i64(c.mod_revision);
      str(c.value), i64(c.lease);
    }
    ops(t.success);
    ops(t.failure);
  }
};

// Reads what Encoder wrote.
class Decoder : public ByteReader {
 public:
  using ByteReader::ByteReader;
  PutRequest put() {
    PutRequest p;
    p.key = str(), p.value = str(), p.lease = i64(), p.prev_kv = flag();
    return p;
  }
  DeleteRangeRequest del() {
    DeleteRangeRequest d;
    d.key = str(), d.range_end = str(), d.prev_kv = flag();
    return d;
  }
  RequestOp op() {
    switch (u8()) {
      case 0: {
        RangeRequest r;
        r.key = str(), r.range_end = str(), r.revision = i64(), r.limit = i64();
        r.count_only = flag(), r.keys_only = flag();
        return r;
      }
      case 1: return put();
      case 2: return del();
      default: set_bad(); return RangeRequest{};
    }
  }
  std::vector<RequestOp> ops() {
    std::vector<RequestOp> v;
    for (int64_t n = i64(); n > 0 && !bad(); n--) v.push_back(op());
    return v;
  }
  TxnRequest txn() {
    TxnRequest t;
    for (int64_t n = i64(); n > 0 && !bad(); n--) {
      Compare c;
      uint8_t result = u8(), target = u8();
      if (result > 3 || target > 4) set_bad();
      c.result = static_cast<Compare::Result>(result), c.target = static_cast<Compare::Target>(target);
      c.key = str(), c.range_end = str(), c.version = i64(), c.create_revision = i64();
      c.mod_revision = i64(), c.value = str(), c.lease = i64();
      t.compare.push_back(std::move(c));
    }
    t.success = ops();
    t.failure = ops();
    return t;
  }
};

}  // namespace

RecordType record_type(const WriteRecord& w) { return static_cast<RecordType>(w.index() + 1); }

std::string encode_payload(const WriteRecord& w) {
  Encoder e;
  switch (record_type(w)) {
    case RecordType::Put: e.put(std::get<PutRequest>(w)); break;
    case RecordType::DeleteRange: e.del(std::get<DeleteRangeRequest>(w)); break;
    case RecordType::Txn: e.txn(std::get<TxnRequest>(w)); break;
    case RecordType::Compact: e.i64(std::get<CompactRecord>(w).revision); break;
    case RecordType::LeaseGrant: {
      const LeaseGrantRequest& g = std::get<LeaseGrantRequest>(w);
      e.i64(g.id), e.i64(g.ttl);
      break;
    }
    case RecordType::LeaseRevoke: e.i64(std::get<LeaseRevokeRecord>(w).id); break;
  }
  return e.take();
}

Result<WriteRecord> decode_record(uint8_t type, std::string_view payload) {
  Decoder d(payload);
  WriteRecord w;
  switch (static_cast<RecordType>(type)) {
    case RecordType::Put: w = d.put(); break;
    case RecordType::DeleteRange: w = d.del(); break;
    case RecordType::Txn: w = d.txn(); break;
    case RecordType::Compact: w = CompactRecord{d.i64()}; break;
    case RecordType::LeaseGrant: {
      LeaseGrantRequest g;
      g.id = d.i64();
      g.ttl = d.i64();
      w = g;
      break;
    }
    case RecordType::LeaseRevoke: w = LeaseRevokeRecord{d.i64()}; break;
    default: return Error{ErrorCode::Invalid, "unknown record type " + std::to_string(type)};
  }
  if (!d.ok()) return Error{ErrorCode::Invalid, "record payload does not parse"};
  return w;
}

}  // namespace kubepp::store

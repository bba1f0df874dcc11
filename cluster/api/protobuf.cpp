// protobuf.cpp — the proto2 wire format, walked by schema.
#include "cluster/api/protobuf.h"

#include <algorithm>
#include <bit>
#include <cstdint>
#include <cstring>
#include <vector>

#include <nlohmann/json.hpp>

#include "cluster/api/quantity.h"
#include "cluster/api/values.h"

namespace kubepp::api {

using schema::Kind;
using schema::Type;

namespace {

enum Wire : std::uint8_t { kVarint = 0, kFixed64 = 1, kLen = 2, kFixed32 = 5 };

constexpr std::string_view kMagic{"k8s\0", 4};

// ---- writing ---------------------------------------------------------------------------

void put_varint(std::string& out, std::uint64_t v) {
  while (v >= 0x80) {
    out += static_cast<char>(v | 0x80);
    v >>= 7;
  }
  out += static_cast<char>(v);
}
void put_tag(std::string& out, int number, Wire wire) {
  put_varint(out, std::uint64_t(number) << 3 | wire);
}
void put_bytes(std::string& out, int number, std::string_view bytes) {
  put_tag(out, number, kLen);
  put_varint(out, bytes.size());
  out += bytes;
}

std::string message(const Type& t, const void* v);

/// Field `number` holding `v` of type `t` (a list or optional writes nothing or several).
void put_field(std::string& out, int number, const Type& t, const void* v) {
  switch (t.kind) {
    case Kind::String: return put_bytes(out, number, *static_cast<const std::string*>(v));
    case Kind::Bytes: {
      const std::string& data = static_cast<const Bytes*>(v)->data;
      if (!data.empty()) put_bytes(out, number, data);  // a nil []byte is not written
      return;
    }
    case Kind::Bool:
      put_tag(out, number, kVarint);
      return put_varint(out, *static_cast<const bool*>(v) ? 1 : 0);
    case Kind::Int32:  // a negative int32 is sign-extended to ten bytes, as proto2 does
      put_tag(out, number, kVarint);
      return put_varint(out, static_cast<std::uint64_t>(std::int64_t(*static_cast<const std::int32_t*>(v))));
    case Kind::Int64:
      put_tag(out, number, kVarint);
      return put_varint(out, static_cast<std::uint64_t>(*static_cast<const std::int64_t*>(v)));
    case Kind::Double: {
      put_tag(out, number, kFixed64);
      const auto bits = std::bit_cast<std::uint64_t>(*static_cast<const double*>(v));
      for (int i = 0; i < 8; i++) out += static_cast<char>(bits >> (8 * i));
      return;
    }
    case Kind::List:
      for (size_t i = 0; i < t.size(v); i++) put_field(out, number, *t.elem, t.at(const_cast<void*>(v), i));
      return;
    case Kind::Optional:
      if (t.size(v) != 0) put_field(out, number, *t.elem, t.at(const_cast<void*>(v), 0));
      return;
    case Kind::Map: {
      struct Ctx {
        std::string* out;
        int number;
        const Type* elem;
      } ctx{&out, number, t.elem};
      t.each(v, [](void* c, const std::string& key, const void* value) {
        auto* x = static_cast<Ctx*>(c);
        std::string entry;
        put_bytes(entry, 1, key);
        put_field(entry, 2, *x->elem, value);
        put_bytes(*x->out, x->number, entry);
      }, &ctx);
      return;
    }
    default: return put_bytes(out, number, message(t, v));  // structs and the value types
  }
}

/// The message of a struct or of one of the value types upstream encodes as a message.
std::string message(const Type& t, const void* v) {
  std::string out;
  switch (t.kind) {
    case Kind::Quantity: put_bytes(out, 1, static_cast<const Quantity*>(v)->str()); break;
    case Kind::IntOrString: {
      const auto* x = static_cast<const IntOrString*>(v);
      put_tag(out, 1, kVarint);
      put_varint(out, x->is_int() ? 0 : 1);
      put_tag(out, 2, kVarint);
      put_varint(out, static_cast<std::uint64_t>(std::int64_t(x->int_value)));
      put_bytes(out, 3, x->str_value);
      break;
    }
    case Kind::Time:
    case Kind::MicroTime: {
      const auto* at = static_cast<const Time*>(v);
      if (at->is_zero()) break;  // metav1.Time: a zero time is an empty message
      const auto micros = at->at().time_since_epoch().count();
      const std::int64_t secs = micros >= 0 ? micros / 1000000 : (micros - 999999) / 1000000;
      put_tag(out, 1, kVarint);
      put_varint(out, static_cast<std::uint64_t>(secs));
      put_tag(out, 2, kVarint);
      put_varint(out, static_cast<std::uint64_t>((micros - secs * 1000000) * 1000));
      break;
    }
    case Kind::Json: {
      const std::string& text = static_cast<const RawJson*>(v)->text;
      if (!text.empty()) put_bytes(out, 1, text);
      break;
    }
    case Kind::Struct: {
      // In field-number order, as upstream's marshaller writes them.
      std::vector<const schema::Field*> fields;
      for (const schema::Field& f : t.fields) {
        if (f.number != 0) fields.push_back(&f);
      }
      std::sort(fields.begin(), fields.end(), [](auto* a, auto* b) { return a->number < b->number; });
      for (const schema::Field* f : fields) put_field(out, f->number, *f->type, f->in(v));
      break;
    }
    default: break;
  }
  return out;
}

// ---- reading ---------------------------------------------------------------------------

/// A cursor over one message's bytes.
class Reader {
 public:
  explicit Reader(std::string_view data) : data_(data) {}
  bool done() const { return at_ >= data_.size(); }

  bool varint(std::uint64_t& v) {
    v = 0;
    for (int shift = 0; shift < 64; shift += 7) {
      if (done()) return false;
      const auto b = static_cast<std::uint8_t>(data_[at_++]);
      v |= std::uint64_t(b & 0x7f) << shift;
      if (!(b & 0x80)) return true;
    }
    return false;
  }
  bool bytes(std::string_view& v) {
    std::uint64_t n = 0;
    if (!varint(n) || n > data_.size() - at_) return false;
    v = data_.substr(at_, n);
    at_ += n;
    return true;
  }
  bool fixed(size_t n, std::uint64_t& v) {
    if (data_.size() - at_ < n) return false;
    v = 0;
    for (size_t i = 0; i < n; i++) v |= std::uint64_t(static_cast<std::uint8_t>(data_[at_ + i])) << (8 * i);
    at_ += n;
    return true;
  }
  /// The next field: its number and wire type, and its value (varints and fixed values in
  /// `number_value`, length-delimited ones in `len_value`).
  bool next(int& number, Wire& wire, std::uint64_t& number_value, std::string_view& len_value) {
    std::uint64_t tag = 0;
    if (!varint(tag) || (tag >> 3) == 0 || (tag >> 3) > 0x1fffffff) return false;
    number = static_cast<int>(tag >> 3);
    wire = static_cast<Wire>(tag & 7);
    switch (wire) {
      case kVarint: return varint(number_value);
      case kFixed64: return fixed(8, number_value);
      case kFixed32: return fixed(4, number_value);
      case kLen: return bytes(len_value);
      default: return false;  // groups (3, 4) are not used by Kubernetes
    }
  }

 private:
  std::string_view data_;
  size_t at_ = 0;
};

Error invalid(std::string message) { return Error{ErrorCode::Invalid, std::move(message)}; }

Status read_message(std::string_view data, const Type& t, void* out, const std::string& where);

bool is_varint_kind(Kind k) { return k == Kind::Bool || k == Kind::Int32 || k == Kind::Int64; }

Status read_scalar(const Type& t, Wire wire, std::uint64_t n, std::string_view bytes, void* out,
                   const std::string& where) {
  auto want = [&](Wire w) -> Status {
    return invalid("protobuf: field " + where + " has wire type " + std::to_string(int(wire)) +
                   ", want " + std::to_string(int(w)));
  };
  switch (t.kind) {
    case Kind::Bool:
      if (wire != kVarint) return want(kVarint);
      *static_cast<bool*>(out) = n != 0;
      return {};
    case Kind::Int32:
      if (wire != kVarint) return want(kVarint);
      *static_cast<std::int32_t*>(out) = static_cast<std::int32_t>(static_cast<std::uint32_t>(n));
      return {};
    case Kind::Int64:
      if (wire != kVarint) return want(kVarint);
      *static_cast<std::int64_t*>(out) = static_cast<std::int64_t>(n);
      return {};
    case Kind::Double:
      if (wire != kFixed64) return want(kFixed64);
      *static_cast<double*>(out) = std::bit_cast<double>(n);
      return {};
    default: break;
  }
  if (wire != kLen) return want(kLen);
  switch (t.kind) {
    case Kind::String: *static_cast<std::string*>(out) = std::string(bytes); return {};
    case Kind::Bytes: static_cast<Bytes*>(out)->data = std::string(bytes); return {};
    default: return read_message(bytes, t, out, where);
  }
}

/// One occurrence of field `f` in a message.
Status read_field(const schema::Field& f, Wire wire, std::uint64_t n, std::string_view bytes,
                  void* member, const std::string& where) {
  const Type& t = *f.type;
  switch (t.kind) {
    case Kind::Optional: {
      // A set message merges with the next occurrence, as protobuf merges.
      void* value = t.size(member) ? t.at(member, 0) : t.append(member);
      return read_scalar(*t.elem, wire, n, bytes, value, where);
    }
    case Kind::List:
      if (wire == kLen && is_varint_kind(t.elem->kind)) {  // packed
        Reader r(bytes);
        while (!r.done()) {
          std::uint64_t v = 0;
          if (!r.varint(v)) return invalid("protobuf: field " + where + ": truncated packed list");
          if (Status s = read_scalar(*t.elem, kVarint, v, {}, t.append(member), where); !s) return s;
        }
        return {};
      }
      return read_scalar(*t.elem, wire, n, bytes, t.append(member), where);
    case Kind::Map: {
      if (wire != kLen) return invalid("protobuf: map field " + where + " is not length-delimited");
      Reader r(bytes);
      std::string key;
      int num;
      Wire w;
      std::uint64_t vn = 0;
      std::string_view vb;
      struct Value {
        Wire wire = kLen;
        std::uint64_t n = 0;
        std::string_view bytes;
        bool set = false;
      } value;
      while (!r.done()) {
        if (!r.next(num, w, vn, vb)) return invalid("protobuf: field " + where + ": truncated map entry");
        if (num == 1 && w == kLen) key = std::string(vb);
        if (num == 2) value = {w, vn, vb, true};
      }
      void* slot = t.insert(member, key);
      if (!value.set) return {};
      return read_scalar(*t.elem, value.wire, value.n, value.bytes, slot, where + "[" + key + "]");
    }
    default: return read_scalar(t, wire, n, bytes, member, where);
  }
}

Status read_message(std::string_view data, const Type& t, void* out, const std::string& where) {
  Reader r(data);
  int number;
  Wire wire;
  std::uint64_t n = 0;
  std::string_view bytes;
  // The value types are messages of their own, with fixed field numbers.
  std::string quantity, str;
  std::uint64_t int_type = 0, int_value = 0, seconds = 0, nanos = 0;
  bool any = false;
  while (!r.done()) {
    if (!r.next(number, wire, n, bytes)) return invalid("protobuf: " + (where.empty() ? "message" : where) + ": truncated or malformed");
    any = true;
    switch (t.kind) {
      case Kind::Struct: {
        const schema::Field* f = t.field(number);
        if (f == nullptr) continue;  // a field this version does not know
        const std::string sub = where.empty() ? std::string(f->name) : where + "." + std::string(f->name);
        if (Status s = read_field(*f, wire, n, bytes, f->in(out), sub); !s) return s;
        continue;
      }
      case Kind::Quantity:
        if (number == 1 && wire == kLen) quantity = std::string(bytes);
        continue;
      case Kind::IntOrString:
        if (number == 1 && wire == kVarint) int_type = n;
        if (number == 2 && wire == kVarint) int_value = n;
        if (number == 3 && wire == kLen) str = std::string(bytes);
        continue;
      case Kind::Time:
      case Kind::MicroTime:
        if (number == 1 && wire == kVarint) seconds = n;
        if (number == 2 && wire == kVarint) nanos = n;
        continue;
      case Kind::Json:
        // RawExtension.raw: in a body of kubepp's (JSON) kind, JSON text or nothing.
        if (number == 1 && wire == kLen) {
          if (!bytes.empty() && !nlohmann::json::accept(bytes)) {
            return invalid("protobuf: field " + where + ": raw is not JSON");
          }
          static_cast<RawJson*>(out)->text = std::string(bytes);
        }
        continue;
      default: continue;
    }
  }
  switch (t.kind) {
    case Kind::Quantity: {
      if (quantity.empty()) return {};
      Result<Quantity> q = Quantity::parse(quantity);
      if (!q) return invalid("protobuf: field " + where + ": " + q.error().message);
      *static_cast<Quantity*>(out) = std::move(q).value();
      return {};
    }
    case Kind::IntOrString:
      *static_cast<IntOrString*>(out) =
          int_type == 0 ? IntOrString::from_int(static_cast<std::int32_t>(static_cast<std::uint32_t>(int_value)))
                        : IntOrString::from_string(str);
      return {};
    case Kind::Time:
    case Kind::MicroTime:
      if (any) {
        // Go's times span years 1 to 9999; outside that range there is no RFC 3339 form.
        const auto secs = static_cast<std::int64_t>(seconds);
        if (secs < -62135596800 || secs > 253402300799 || nanos > 999999999) {
          return invalid("protobuf: field " + where + ": time out of range");
        }
        const auto micros = secs * 1000000 + static_cast<std::int64_t>(nanos) / 1000;
        *static_cast<Time*>(out) = Time(Time::Micros(std::chrono::microseconds(micros)));
      }
      return {};
    default: return {};
  }
}

}  // namespace

Result<ProtobufObject> unwrap_protobuf(std::string_view body) {
  if (!body.starts_with(kMagic)) return invalid("protobuf: the body does not start with \"k8s\\x00\"");
  Reader r(body.substr(kMagic.size()));
  ProtobufObject o;
  int number;
  Wire wire;
  std::uint64_t n = 0;
  std::string_view bytes;
  while (!r.done()) {
    if (!r.next(number, wire, n, bytes)) return invalid("protobuf: the envelope (runtime.Unknown) is malformed");
    if (wire != kLen) continue;
    if (number == 1) {  // typeMeta
      Reader m(bytes);
      int tn;
      Wire tw;
      std::uint64_t tv = 0;
      std::string_view tb;
      while (!m.done()) {
        if (!m.next(tn, tw, tv, tb)) return invalid("protobuf: the envelope's typeMeta is malformed");
        if (tn == 1 && tw == kLen) o.api_version = std::string(tb);
        if (tn == 2 && tw == kLen) o.kind = std::string(tb);
      }
    } else if (number == 2) {
      o.raw = std::string(bytes);
    }
  }
  return o;
}

std::string wrap_protobuf(std::string_view api_version, std::string_view kind, std::string_view raw) {
  std::string type_meta;
  put_bytes(type_meta, 1, api_version);
  put_bytes(type_meta, 2, kind);
  std::string out(kMagic);
  put_bytes(out, 1, type_meta);
  put_bytes(out, 2, raw);
  put_bytes(out, 3, "");  // contentEncoding
  put_bytes(out, 4, "");  // contentType
  return out;
}

Status decode_protobuf(std::string_view message, const Type& type, void* out) {
  return read_message(message, type, out, "");
}

std::string encode_protobuf(const Type& type, const void* value) { return message(type, value); }

}  // namespace kubepp::api

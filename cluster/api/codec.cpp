// codec.cpp — JSON in and out by schema: one walk over (Type, value) each way.
#include "cluster/api/codec.h"

#include <limits>

#include <nlohmann/json.hpp>

#include "cluster/api/field.h"
#include "cluster/api/quantity.h"
#include "cluster/api/schema/type.h"
#include "cluster/api/values.h"
#include "runtime/base/base64.h"

namespace kubepp::api {

using nlohmann::json;
using schema::Kind;
using schema::Type;

Result<FieldValidation> parse_field_validation(std::string_view text) {
  if (text == "Strict") return FieldValidation::Strict;
  if (text == "Warn" || text.empty()) return FieldValidation::Warn;
  if (text == "Ignore") return FieldValidation::Ignore;
  return Error{ErrorCode::Invalid, "fieldValidation parameter unsupported: " + api::quoted(text) +
                                       ", valid values are: Ignore, Warn, Strict"};
}

std::string go_type_name(const Type& t) {
  switch (t.kind) {
    case Kind::String: return "string";
    case Kind::Bool: return "bool";
    case Kind::Int32: return "int32";
    case Kind::Int64: return "int64";
    case Kind::Double: return "float64";
    case Kind::Bytes: return "[]uint8";
    case Kind::Quantity: return "resource.Quantity";
    case Kind::IntOrString: return "intstr.IntOrString";
    case Kind::Time: return "v1.Time";
    case Kind::MicroTime: return "v1.MicroTime";
    case Kind::Json: return "runtime.RawExtension";
    case Kind::List: return "[]" + go_type_name(*t.elem);
    case Kind::Map: return "map[string]" + go_type_name(*t.elem);
    case Kind::Optional: return go_type_name(*t.elem);  // Go names a pointer's target
    case Kind::Struct: {
      // "io.k8s.api.core.v1.PodSpec" → "v1.PodSpec"
      std::string_view n = t.name;
      const size_t last = n.rfind('.');
      const size_t prev = last == std::string_view::npos ? last : n.rfind('.', last - 1);
      return std::string(prev == std::string_view::npos ? n : n.substr(prev + 1));
    }
  }
  return "?";
}

namespace {

// ---- decoding --------------------------------------------------------------------------

/// One decode: the options, what it found, and where it is.
class Decoder {
 public:
  explicit Decoder(FieldValidation v) : validation_(v) {}

  /// Decodes `in` into `out`. `path` is the field path with indexes (for unknown fields),
  /// `go_path` Go's dotted path without them and `owner` the Go name of the struct that
  /// holds the field (both for type errors, as encoding/json words them).
  bool decode(const json& in, const Type& t, void* out, const Path& path,
              const std::string& go_path, const std::string& owner);

  std::vector<std::string> unknown;
  std::string error;

 private:
  bool decode_struct(const json& in, const Type& t, void* out, const Path& path,
                     const std::string& go_path, const std::string& owner);
  bool type_error(const json& in, const Type& t, const std::string& go_path, const std::string& owner);
  bool value_error(std::string message) {
    error = std::move(message);
    return false;
  }

  FieldValidation validation_;
};

// encoding/json's word for a JSON value in "cannot unmarshal X into …".
std::string json_kind(const json& v) {
  switch (v.type()) {
    case json::value_t::string: return "string";
    case json::value_t::boolean: return "bool";
    case json::value_t::array: return "array";
    case json::value_t::object: return "object";
    case json::value_t::null: return "null";
    default: return "number " + v.dump();
  }
}

bool Decoder::type_error(const json& in, const Type& t, const std::string& go_path,
                         const std::string& owner) {
  std::string where = owner.empty() ? "value" : "Go struct field " + owner + "." + go_path;
  return value_error("json: cannot unmarshal " + json_kind(in) + " into " + where + " of type " +
                     go_type_name(t));
}

template <typename Int>
bool take_int(const json& in, void* out) {
  if (in.is_number_unsigned()) {
    const auto v = in.get<std::uint64_t>();
    if (v > static_cast<std::uint64_t>(std::numeric_limits<Int>::max())) return false;
    *static_cast<Int*>(out) = static_cast<Int>(v);
    return true;
  }
  if (!in.is_number_integer()) return false;
  const auto v = in.get<std::int64_t>();
  if (v < std::numeric_limits<Int>::min() || v > std::numeric_limits<Int>::max()) return false;
  *static_cast<Int*>(out) = static_cast<Int>(v);
  return true;
}

bool Decoder::decode(const json& in, const Type& t, void* out, const Path& path,
                     const std::string& go_path, const std::string& owner) {
  if (in.is_null()) {
    // encoding/json: null sets pointers, slices and maps to nil and leaves the rest.
    if (t.kind == Kind::Optional || t.kind == Kind::List || t.kind == Kind::Map) t.reset(out);
    if (t.kind == Kind::Time || t.kind == Kind::MicroTime || t.kind == Kind::Json) t.reset(out);
    return true;
  }
  auto wrong = [&] { return type_error(in, t, go_path, owner); };
  switch (t.kind) {
    case Kind::String:
      if (!in.is_string()) return wrong();
      *static_cast<std::string*>(out) = in.get<std::string>();
      return true;
    case Kind::Bool:
      if (!in.is_boolean()) return wrong();
      *static_cast<bool*>(out) = in.get<bool>();
      return true;
    case Kind::Int32: return take_int<std::int32_t>(in, out) || wrong();
    case Kind::Int64: return take_int<std::int64_t>(in, out) || wrong();
    case Kind::Double:
      if (!in.is_number()) return wrong();
      *static_cast<double*>(out) = in.get<double>();
      return true;
    case Kind::Bytes: {
      if (!in.is_string()) return wrong();
      Result<std::string> bytes = base64_decode(in.get_ref<const std::string&>());
      if (!bytes) return value_error(bytes.error().message);
      static_cast<Bytes*>(out)->data = std::move(bytes).value();
      return true;
    }
    case Kind::Quantity: {
      // Quantity.UnmarshalJSON takes the raw text: a string or a bare number.
      if (!in.is_string() && !in.is_number()) return wrong();
      Result<Quantity> q = Quantity::parse_json(in.dump());
      if (!q) return value_error(q.error().message);
      *static_cast<Quantity*>(out) = std::move(q).value();
      return true;
    }
    case Kind::IntOrString: {
      auto* v = static_cast<IntOrString*>(out);
      if (in.is_string()) {
        *v = IntOrString::from_string(in.get<std::string>());
        return true;
      }
      std::int32_t n = 0;
      if (!take_int<std::int32_t>(in, &n)) return wrong();
      *v = IntOrString::from_int(n);
      return true;
    }
    case Kind::Time:
    case Kind::MicroTime: {
      if (!in.is_string()) return wrong();
      Result<Time> at = Time::parse(in.get_ref<const std::string&>());
      if (!at) return value_error(at.error().message);
      *static_cast<Time*>(out) = at.value();
      return true;
    }
    case Kind::Json: static_cast<RawJson*>(out)->text = in.dump(); return true;
    case Kind::Struct: return decode_struct(in, t, out, path, go_path, owner);
    case Kind::List: {
      if (!in.is_array()) return wrong();
      t.reset(out);
      for (size_t i = 0; i < in.size(); i++) {
        if (!decode(in[i], *t.elem, t.append(out), path.index(i), go_path, owner)) return false;
      }
      return true;
    }
    case Kind::Map: {
      if (!in.is_object()) return wrong();
      for (const auto& [k, v] : in.items()) {
        if (!decode(v, *t.elem, t.insert(out, k), path.key(k), go_path, owner)) return false;
      }
      return true;
    }
    case Kind::Optional: return decode(in, *t.elem, t.append(out), path, go_path, owner);
  }
  return wrong();
}

bool Decoder::decode_struct(const json& in, const Type& t, void* out, const Path& path,
                            const std::string& go_path, const std::string& owner) {
  if (!in.is_object()) return type_error(in, t, go_path, owner);
  const std::string go_name = go_type_name(t);  // "v1.PodSpec": errors name "PodSpec"
  const std::string me = go_name.substr(go_name.find('.') + 1);
  for (const auto& [name, value] : in.items()) {
    void* holder = out;  // moves to the inlined part when the field is one of its
    const schema::Field* f = t.field(name, &holder);
    if (f == nullptr) {
      if (validation_ != FieldValidation::Ignore) unknown.push_back(path.child(name).str());
      continue;
    }
    const std::string sub = go_path.empty() ? name : go_path + "." + name;
    if (!decode(value, *f->type, f->in(holder), path.child(name), sub, me)) return false;
  }
  return true;
}

// ---- encoding --------------------------------------------------------------------------

json encode(const Type& t, const void* v);

void encode_fields(const Type& t, const void* v, json& o) {
  for (const schema::Field& f : t.fields) {
    const void* member = f.in(v);
    if (f.inlined) {
      encode_fields(*f.type, member, o);
      continue;
    }
    if (!f.keep && f.type->empty != nullptr && f.type->empty(member)) continue;
    o[std::string(f.name)] = encode(*f.type, member);
  }
}

json encode_struct(const Type& t, const void* v) {
  json o = json::object();
  encode_fields(t, v, o);
  return o;
}

json encode(const Type& t, const void* v) {
  switch (t.kind) {
    case Kind::String: return *static_cast<const std::string*>(v);
    case Kind::Bool: return *static_cast<const bool*>(v);
    case Kind::Int32: return *static_cast<const std::int32_t*>(v);
    case Kind::Int64: return *static_cast<const std::int64_t*>(v);
    case Kind::Double: return *static_cast<const double*>(v);
    case Kind::Bytes: return base64_encode(static_cast<const Bytes*>(v)->data);
    case Kind::Quantity: return static_cast<const Quantity*>(v)->str();
    case Kind::IntOrString: {
      const auto* x = static_cast<const IntOrString*>(v);
      return x->is_int() ? json(x->int_value) : json(x->str_value);
    }
    case Kind::Time:
    case Kind::MicroTime: {
      const auto* at = static_cast<const Time*>(v);
      if (at->is_zero()) return nullptr;
      return at->str(t.kind == Kind::MicroTime);
    }
    case Kind::Json: {
      const std::string& text = static_cast<const RawJson*>(v)->text;
      return text.empty() ? json(nullptr) : json::parse(text);
    }
    case Kind::Struct: return encode_struct(t, v);
    case Kind::List: {
      json a = json::array();
      void* list = const_cast<void*>(v);
      for (size_t i = 0; i < t.size(v); i++) a.push_back(encode(*t.elem, t.at(list, i)));
      return a;
    }
    case Kind::Map: {
      json o = json::object();
      struct Ctx {
        const Type* elem;
        json* o;
      } ctx{t.elem, &o};
      t.each(v, [](void* c, const std::string& k, const void* x) {
        auto* cx = static_cast<Ctx*>(c);
        (*cx->o)[k] = encode(*cx->elem, x);
      }, &ctx);
      return o;
    }
    case Kind::Optional:
      if (t.size(v) == 0) return nullptr;
      return encode(*t.elem, t.at(const_cast<void*>(v), 0));
  }
  return nullptr;
}

}  // namespace

Result<DecodeWarnings> decode_json(const json& in, const Type& type, void* out,
                                   FieldValidation validation) {
  Decoder d(validation);
  if (!d.decode(in, type, out, Path(), "", "")) return Error{ErrorCode::Invalid, d.error};
  DecodeWarnings w;
  for (const std::string& f : d.unknown) w.warnings.push_back("unknown field " + api::quoted(f));
  if (validation == FieldValidation::Strict && !w.warnings.empty()) {
    std::string message = "strict decoding error: ";
    for (size_t i = 0; i < w.warnings.size(); i++) message += (i ? ", " : "") + w.warnings[i];
    return Error{ErrorCode::Invalid, message};
  }
  return w;
}

json encode_json(const Type& type, const void* value) { return encode(type, value); }

}  // namespace kubepp::api

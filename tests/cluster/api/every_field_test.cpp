// Every field of every type survives JSON and protobuf: an object of each kind is filled by
// walking its schema — every string, number and flag set, every list and map given one
// entry, every optional set, to depth — then written and read back. A field missing from a
// table, a wrong protobuf number or a codec gap shows up here as a difference.
#include <memory>
#include <set>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cluster/api/codec.h"
#include "cluster/api/protobuf.h"
#include "cluster/api/quantity.h"
#include "cluster/api/registry.h"
#include "cluster/api/values.h"

using namespace kubepp::api;
using schema::Kind;
using schema::Type;

namespace {

using Object = std::unique_ptr<void, void (*)(void*)>;

Object make(const Type& t) { return Object(t.create(), t.destroy); }

/// Sets `v` (of type t) to a non-empty value; `n` varies the values so that a field
/// decoded into its neighbour is noticed.
void fill(const Type& t, void* v, int& n, int depth) {
  n++;
  switch (t.kind) {
    case Kind::String: *static_cast<std::string*>(v) = "s" + std::to_string(n); return;
    case Kind::Bool: *static_cast<bool*>(v) = true; return;
    case Kind::Int32: *static_cast<std::int32_t*>(v) = -n; return;  // negative: sign extension
    case Kind::Int64: *static_cast<std::int64_t*>(v) = std::int64_t(n) << 33; return;
    case Kind::Double: *static_cast<double*>(v) = n + 0.5; return;
    case Kind::Bytes: static_cast<Bytes*>(v)->data = std::string("\0\xff", 2) + std::to_string(n); return;
    case Kind::Quantity: *static_cast<Quantity*>(v) = Quantity::parse(std::to_string(n) + "Mi").value(); return;
    case Kind::IntOrString:
      *static_cast<IntOrString*>(v) = n % 2 ? IntOrString::from_int(n) : IntOrString::from_string(std::to_string(n) + "%");
      return;
    case Kind::Time: *static_cast<Time*>(v) = Time::parse("2026-11-27T03:14:35Z").value(); return;
    case Kind::MicroTime: *static_cast<Time*>(v) = Time::parse("2026-11-27T03:14:35.123456Z").value(); return;
    case Kind::Json: static_cast<RawJson*>(v)->text = R"({"k":[1,"two",null]})"; return;
    case Kind::Struct:
      if (depth > 12) return;  // deep enough: every type is reached well above this
      for (const schema::Field& f : t.fields) fill(*f.type, f.in(v), n, depth + 1);
      return;
    case Kind::List: fill(*t.elem, t.append(v), n, depth); return;
    case Kind::Optional: fill(*t.elem, t.append(v), n, depth); return;
    case Kind::Map: fill(*t.elem, t.insert(v, "k" + std::to_string(n)), n, depth); return;
  }
}

/// Where two JSON values first differ ("" when they are equal), for failure messages.
std::string first_difference(const nlohmann::json& a, const nlohmann::json& b, const std::string& path = "") {
  if (a.type() != b.type()) return path + ": " + a.dump() + " vs " + b.dump();
  if (a.is_object()) {
    for (const auto& [k, v] : a.items()) {
      if (!b.contains(k)) return path + "." + k + ": missing on the right";
      if (std::string d = first_difference(v, b[k], path + "." + k); !d.empty()) return d;
    }
    for (const auto& [k, v] : b.items()) {
      if (!a.contains(k)) return path + "." + k + ": missing on the left";
    }
    return "";
  }
  if (a.is_array()) {
    if (a.size() != b.size()) return path + ": " + std::to_string(a.size()) + " vs " + std::to_string(b.size()) + " items";
    for (size_t i = 0; i < a.size(); i++) {
      if (std::string d = first_difference(a[i], b[i], path + "[" + std::to_string(i) + "]"); !d.empty()) return d;
    }
    return "";
  }
  return a == b ? "" : path + ": " + a.dump() + " vs " + b.dump();
}

/// `v`, of type t, without the fields protobuf does not carry (number 0: the apiVersion and
/// kind of a kind, which only the envelope of a body holds).
nlohmann::json protobuf_view(const Type& t, nlohmann::json v) {
  switch (t.kind) {
    case Kind::Struct:
      for (const schema::Field& f : t.fields) {
        if (f.inlined) {
          v = protobuf_view(*f.type, std::move(v));
        } else if (f.number == 0) {
          v.erase(std::string(f.name));
        } else if (v.contains(f.name)) {
          v[std::string(f.name)] = protobuf_view(*f.type, v[std::string(f.name)]);
        }
      }
      return v;
    case Kind::List:
      for (auto& x : v) x = protobuf_view(*t.elem, x);
      return v;
    case Kind::Map:
      for (auto& [k, x] : v.items()) x = protobuf_view(*t.elem, x);
      return v;
    case Kind::Optional: return v.is_null() ? v : protobuf_view(*t.elem, std::move(v));
    default: return v;
  }
}

}  // namespace

TEST_CASE("every field of every kind round-trips through JSON and protobuf", "[unit][schema]") {
  for (const schema::KindInfo& k : all_kinds()) {
    INFO(k.api_version << " " << k.kind);
    const Type& t = *k.type;
    Object full = make(t);
    int n = 0;
    fill(t, full.get(), n, 0);

    const nlohmann::json out = encode_json(t, full.get());
    Object from_json = make(t);
    auto r = decode_json(out, t, from_json.get(), FieldValidation::Strict);
    INFO((r.ok() ? std::string() : r.error().message));
    REQUIRE(r.ok());
    CHECK(first_difference(encode_json(t, from_json.get()), out) == "");

    Object from_protobuf = make(t);
    REQUIRE(decode_protobuf(encode_protobuf(t, full.get()), t, from_protobuf.get()).ok());
    CHECK(first_difference(encode_json(t, from_protobuf.get()), protobuf_view(t, out)) == "");
  }
}

TEST_CASE("the schema's tables are consistent", "[unit][schema]") {
  // Walk every struct reachable from a kind: numbers are unique per struct, merge keys and
  // list-map keys name fields of the items, and defaults are values of their fields.
  std::set<const Type*> seen;
  std::vector<const Type*> todo;
  for (const schema::KindInfo& k : all_kinds()) todo.push_back(k.type);
  while (!todo.empty()) {
    const Type* t = todo.back();
    todo.pop_back();
    while (t->kind == Kind::List || t->kind == Kind::Map || t->kind == Kind::Optional) t = t->elem;
    if (t->kind != Kind::Struct || !seen.insert(t).second) continue;
    std::set<int> numbers;
    for (const schema::Field& f : t->fields) {
      INFO(t->name << "." << f.name);
      if (f.number != 0) CHECK(numbers.insert(f.number).second);
      if (!f.patch_merge_key.empty()) {
        REQUIRE(f.type->kind == Kind::List);
        CHECK(f.type->elem->field(f.patch_merge_key) != nullptr);
      }
      if (!f.default_json.empty()) {
        Object v = make(*f.type);
        CHECK(decode_json(nlohmann::json::parse(f.default_json), *f.type, v.get(), FieldValidation::Strict).ok());
      }
      todo.push_back(f.type);
    }
  }
  CHECK(seen.size() > 250);
}

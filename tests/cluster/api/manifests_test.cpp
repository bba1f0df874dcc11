// Every kind through the schema, from manifests written like the book's (tests/cluster/api/
// manifests/*.yaml): each document decodes under fieldValidation=Strict, writes back every
// field it gave, reaches a fixed point, and survives protobuf.
#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <sstream>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cluster/api/codec.h"
#include "cluster/api/decode.h"
#include "cluster/api/protobuf.h"
#include "cluster/api/registry.h"

using namespace kubepp::api;
using nlohmann::json;

namespace {

/// A value of a kind, created and destroyed through its Type.
struct AnyObject {
  explicit AnyObject(const schema::Type& t) : type(&t), ptr(t.create(), t.destroy) {}
  const schema::Type* type;
  std::unique_ptr<void, void (*)(void*)> ptr;
};

/// A value Go's omitempty leaves out.
bool is_empty_value(const json& v) {
  return v.is_null() || v == false || v == 0 || v == "" || (v.is_array() && v.empty()) ||
         (v.is_object() && v.empty());
}

/// Whether `out` holds everything `in` says: `in`'s keys, with the same values (an empty
/// value in `in` may be missing in `out`). Names the first difference in `where`.
bool holds(const json& out, const json& in, const std::string& path, std::string& where) {
  if (in.is_null()) return true;
  if (in.is_object()) {
    if (!out.is_object()) return where = path, false;
    for (const auto& [k, v] : in.items()) {
      if (!is_empty_value(v) && !out.contains(k)) return where = path + "." + k + " (missing)", false;
      if (out.contains(k) && !holds(out[k], v, path + "." + k, where)) return false;
    }
    return true;
  }
  if (in.is_array()) {
    if (!out.is_array() || out.size() != in.size()) return where = path, false;
    for (size_t i = 0; i < in.size(); i++) {
      if (!holds(out[i], in[i], path + "[" + std::to_string(i) + "]", where)) return false;
    }
    return true;
  }
  if (out != in) return where = path + ": " + out.dump() + " != " + in.dump(), false;
  return true;
}

std::vector<json> manifests() {
  std::vector<json> docs;
  for (const auto& entry : std::filesystem::directory_iterator(KUBEPP_SOURCE_DIR "/tests/cluster/api/manifests")) {
    std::ifstream in(entry.path());
    std::stringstream text;
    text << in.rdbuf();
    auto parsed = decode_documents(text.str());
    INFO(entry.path());
    REQUIRE(parsed.ok());
    for (json& d : parsed.value()) docs.push_back(std::move(d));
  }
  return docs;
}

}  // namespace

TEST_CASE("every kind round-trips from manifests through JSON and protobuf", "[unit][schema]") {
  std::set<std::string> seen;
  for (const json& doc : manifests()) {
    const std::string name = doc.value("kind", "?") + "/" + doc["metadata"].value("name", "?");
    INFO(name);
    const schema::KindInfo* kind = find_kind(doc.value("apiVersion", ""), doc.value("kind", ""));
    REQUIRE(kind != nullptr);
    seen.insert(std::string(kind->api_version) + " " + std::string(kind->kind));

    AnyObject obj(*kind->type);
    auto decoded = decode_json(doc, *kind->type, obj.ptr.get(), FieldValidation::Strict);
    INFO((decoded.ok() ? std::string() : decoded.error().message));
    REQUIRE(decoded.ok());

    const json out = encode_json(*kind->type, obj.ptr.get());
    std::string where;
    INFO("written: " << out.dump());
    CHECK((holds(out, doc, "", where), where) == "");

    AnyObject again(*kind->type);
    REQUIRE(decode_json(out, *kind->type, again.ptr.get(), FieldValidation::Strict).ok());
    CHECK(encode_json(*kind->type, again.ptr.get()) == out);

    // Protobuf carries apiVersion and kind in its envelope, not in the message.
    AnyObject from_protobuf(*kind->type);
    const std::string wire = encode_protobuf(*kind->type, obj.ptr.get());
    REQUIRE(decode_protobuf(wire, *kind->type, from_protobuf.ptr.get()).ok());
    json typeless = out;
    typeless.erase("apiVersion");
    typeless.erase("kind");
    CHECK(encode_json(*kind->type, from_protobuf.ptr.get()) == typeless);
  }
  // Every kind that is stored has a manifest.
  for (const schema::KindInfo& k : all_kinds()) {
    if (k.resource.empty()) continue;
    INFO(k.api_version << " " << k.kind);
    CHECK(seen.contains(std::string(k.api_version) + " " + std::string(k.kind)));
  }
}

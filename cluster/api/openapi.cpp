// openapi.cpp — schema Types to OpenAPI schema objects.
#include "cluster/api/openapi.h"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "cluster/api/registry.h"
#include "cluster/api/schema/type.h"
#include "runtime/base/strings.h"

namespace kubepp::api {

using nlohmann::json;
using schema::Kind;
using schema::Type;

namespace {

enum class Version { V2, V3 };

/// The definitions of the value types that are structs upstream but leaves here.
struct ValueDefinition {
  Kind kind;
  const char* name;
  const char* type;
  const char* format;
  const char* description;
};
constexpr ValueDefinition kValueDefinitions[] = {
    {Kind::Quantity, "io.k8s.apimachinery.pkg.api.resource.Quantity", "string", "",
     "A fixed-point amount of a resource: 500m, 64Mi, 1e3, 1.5."},
    {Kind::IntOrString, "io.k8s.apimachinery.pkg.util.intstr.IntOrString", "string", "int-or-string",
     "An integer or a string: a port number or name, a count or a percentage."},
    {Kind::Time, "io.k8s.apimachinery.pkg.apis.meta.v1.Time", "string", "date-time",
     "A moment in RFC 3339 form with whole seconds, in UTC."},
    {Kind::MicroTime, "io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime", "string", "date-time",
     "A moment in RFC 3339 form with microseconds, in UTC."},
};

const ValueDefinition* value_definition(Kind k) {
  for (const ValueDefinition& d : kValueDefinitions) {
    if (d.kind == k) return &d;
  }
  return nullptr;
}

/// The group, version and kind of a kind's apiVersion ("apps/v1" → apps, v1).
json gvk(const schema::KindInfo& k) {
  const size_t slash = k.api_version.find('/');
  const std::string group = slash == std::string_view::npos ? "" : std::string(k.api_version.substr(0, slash));
  const std::string version(slash == std::string_view::npos ? k.api_version : k.api_version.substr(slash + 1));
  return {{"group", group}, {"kind", std::string(k.kind)}, {"version", version}};
}

/// The parts of a `|`- or `,`-joined list from the schema, as a JSON array.
json words(std::string_view joined, char separator) {
  json out = json::array();
  for (std::string_view w : split(joined, separator)) out.push_back(std::string(w));
  return out;
}

class Builder {
 public:
  explicit Builder(Version v) : version_(v) {}

  /// Adds the definition of struct `t` and of everything it reaches.
  void add(const Type& t) {
    if (t.kind != Kind::Struct) return;
    const std::string name(t.name);
    if (defs_.contains(name)) return;
    defs_[name] = nullptr;  // mark before recursing
    json d = {{"type", "object"}};
    if (!t.description.empty()) d["description"] = std::string(t.description);
    json properties = json::object();
    json required = json::array();
    add_properties(t, properties, required);
    if (!properties.empty()) d["properties"] = std::move(properties);
    if (!required.empty()) d["required"] = std::move(required);
    if (t.atomic) d["x-kubernetes-map-type"] = "atomic";
    defs_[name] = std::move(d);
  }

  void add_kind(const schema::KindInfo& k) {
    add(*k.type);
    json& d = defs_[std::string(k.type->name)];
    if (!d.contains("x-kubernetes-group-version-kind")) d["x-kubernetes-group-version-kind"] = json::array();
    d["x-kubernetes-group-version-kind"].push_back(gvk(k));
  }

  json take() { return std::move(defs_); }

 private:
  std::string ref(std::string_view name) const {
    return (version_ == Version::V2 ? "#/definitions/" : "#/components/schemas/") + std::string(name);
  }

  /// The schema of a value of type t, with references for structs and value types.
  json reference(const Type& t) {
    switch (t.kind) {
      case Kind::String: return {{"type", "string"}};
      case Kind::Bool: return {{"type", "boolean"}};
      case Kind::Int32: return {{"type", "integer"}, {"format", "int32"}};
      case Kind::Int64: return {{"type", "integer"}, {"format", "int64"}};
      case Kind::Double: return {{"type", "number"}, {"format", "double"}};
      case Kind::Bytes: return {{"type", "string"}, {"format", "byte"}};
      case Kind::Json: return {{"type", "object"}};
      case Kind::List: return {{"type", "array"}, {"items", reference(*t.elem)}};
      case Kind::Map: return {{"type", "object"}, {"additionalProperties", reference(*t.elem)}};
      case Kind::Optional: return reference(*t.elem);
      case Kind::Struct: add(t); return {{"$ref", ref(t.name)}};
      default: {
        const ValueDefinition* v = value_definition(t.kind);
        json d = {{"type", v->type}, {"description", v->description}};
        if (*v->format) d["format"] = v->format;
        defs_[v->name] = std::move(d);
        return {{"$ref", ref(v->name)}};
      }
    }
  }

  /// The properties of struct t, those of its inlined structs among them.
  void add_properties(const Type& t, json& properties, json& required) {
    for (const schema::Field& f : t.fields) {
      if (f.inlined) {
        add_properties(*f.type, properties, required);
        continue;
      }
      properties[std::string(f.name)] = property(f);
      if (f.required) required.push_back(std::string(f.name));
    }
  }

  json property(const schema::Field& f) {
    json p = reference(*f.type);
    if (p.contains("$ref") && version_ == Version::V3) {
      // OpenAPI 3 ignores siblings of $ref; upstream wraps the reference in allOf.
      p = {{"allOf", json::array({p})}};
    }
    if (!f.description.empty()) p["description"] = std::string(f.description);
    if (!f.enum_values.empty()) {
      json& target = p.contains("items") ? p["items"] : p;
      target["enum"] = words(f.enum_values, '|');
    }
    if (!f.default_json.empty()) p["default"] = json::parse(f.default_json);
    if (!f.patch_strategy.empty()) p["x-kubernetes-patch-strategy"] = std::string(f.patch_strategy);
    if (!f.patch_merge_key.empty()) p["x-kubernetes-patch-merge-key"] = std::string(f.patch_merge_key);
    if (!f.list_type.empty()) p["x-kubernetes-list-type"] = std::string(f.list_type);
    if (!f.list_map_keys.empty()) p["x-kubernetes-list-map-keys"] = words(f.list_map_keys, ',');
    if (!f.map_type.empty()) p["x-kubernetes-map-type"] = std::string(f.map_type);
    return p;
  }

  Version version_;
  json defs_ = json::object();
};

/// One REST operation on a kind's path.
struct Operation {
  const char* method;   // "get"
  const char* action;   // x-kubernetes-action: "list", "get", "post", "put", "patch", "delete"
  bool item;            // on …/{name} rather than the collection
  bool writes;          // takes a body and the fieldValidation parameter
};
constexpr Operation kOperations[] = {
    {"get", "list", false, false},  {"post", "post", false, true},  {"get", "get", true, false},
    {"put", "put", true, true},     {"patch", "patch", true, true}, {"delete", "delete", true, false},
};

/// The paths of every stored kind of `api_version` (all when empty), for either version of
/// the document: they differ only in how a parameter's type and a response are written.
json paths(std::string_view api_version, Version v) {
  json out = json::object();
  for (const schema::KindInfo& k : all_kinds()) {
    if (k.resource.empty() || (!api_version.empty() && k.api_version != api_version)) continue;
    const std::string collection = api_path(k.api_version) + (k.namespaced ? "/namespaces/{namespace}/" : "/") +
                                   std::string(k.resource);
    const std::string ref = (v == Version::V2 ? "#/definitions/" : "#/components/schemas/") + std::string(k.type->name);
    for (const Operation& op : kOperations) {
      json o = {{"x-kubernetes-action", op.action}, {"x-kubernetes-group-version-kind", gvk(k)},
                {"operationId", std::string(op.action) + std::string(k.kind)}};
      json parameters = json::array();
      if (op.writes) {
        json p = {{"name", "fieldValidation"}, {"in", "query"},
                  {"description", "What to do with fields the schema does not know: Ignore, Warn or Strict."}};
        if (v == Version::V2) p["type"] = "string"; else p["schema"] = {{"type", "string"}};
        parameters.push_back(std::move(p));
      }
      o["parameters"] = std::move(parameters);
      json ok = {{"description", "OK"}};
      if (v == Version::V2) {
        ok["schema"] = {{"$ref", ref}};
      } else {
        ok["content"] = {{"application/json", {{"schema", {{"$ref", ref}}}}}};
      }
      o["responses"] = {{"200", std::move(ok)}};
      out[op.item ? collection + "/{name}" : collection][op.method] = std::move(o);
    }
  }
  return out;
}


}  // namespace

std::string api_path(std::string_view api_version) {
  return (api_version.find('/') == std::string_view::npos ? "/api/" : "/apis/") + std::string(api_version);
}

std::vector<std::string> openapi_group_versions() {
  std::vector<std::string> out;
  for (const schema::KindInfo& k : all_kinds()) {
    if (k.resource.empty()) continue;
    if (std::find(out.begin(), out.end(), k.api_version) == out.end()) out.emplace_back(k.api_version);
  }
  return out;
}

json openapi_v3_document(std::string_view api_version, std::string_view version) {
  return {{"openapi", "3.0.0"},
          {"info", {{"title", "Kubernetes"}, {"version", std::string(version)}}},
          {"paths", paths(api_version, Version::V3)},
          {"components", {{"schemas", openapi_v3_schemas(api_version)}}}};
}

json openapi_v2_document(std::string_view version) {
  return {{"swagger", "2.0"},
          {"info", {{"title", "Kubernetes"}, {"version", std::string(version)}}},
          {"paths", paths("", Version::V2)},
          {"definitions", openapi_v2_definitions()}};
}

json openapi_v2_definitions() {
  Builder b(Version::V2);
  for (const schema::KindInfo& k : all_kinds()) b.add_kind(k);
  return b.take();
}


json openapi_v3_schemas(std::string_view api_version) {
  Builder b(Version::V3);
  for (const schema::KindInfo& k : all_kinds()) {
    if (k.api_version == api_version) b.add_kind(k);
  }
  return b.take();
}

}  // namespace kubepp::api

// type.h — what the generated field tables are made of: a Type per C++ type an object can
// hold, a Field per member of a struct, and a KindInfo per top-level kind.
//
// cluster/api/schema/gen.py writes, for each struct of a `.schema` file, one
// `type_of<Struct>()` returning its Type; the templates in table.h supply the Types of
// strings, numbers, lists, maps and optionals. The generic code (JSON, protobuf, defaults,
// OpenAPI, strategic merge patch) takes a Type and a `void*` to a value of it, and walks.
// This is upstream's reflection (Go's reflect + struct tags) written down as data.
//
// Everything here is immutable after its first use and may be read from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

namespace kubepp::api::schema {

/// What a Type is. The first eleven are leaves; the last four hold other values.
enum class Kind : std::uint8_t {
  String, Bool, Int32, Int64, Double, Bytes, Quantity, IntOrString, Time, MicroTime, Json,
  Struct,    // fields
  List,      // std::vector of elem
  Map,       // std::map from std::string to elem
  Optional,  // std::optional of elem: a Go pointer
};

struct Type;

/// One member of a struct, with everything the schema says of it.
struct Field {
  std::string_view name;               ///< the JSON name ("imagePullPolicy")
  int number = 0;                      ///< the protobuf field number; 0: not in protobuf
  const Type* type = nullptr;          ///< the member's type
  void* (*get)(void* object) = nullptr;  ///< the member inside an object of the struct
  bool inlined = false;                ///< Go's embedding: in JSON its fields are the outer
                                       ///< object's; in protobuf one nested message
  bool keep = false;                   ///< written even when empty (no `omitempty`)
  bool required = false;               ///< required in OpenAPI
  std::string_view patch_strategy;     ///< strategic merge patch: "merge", "retainKeys", …
  std::string_view patch_merge_key;    ///< the key a merged list is merged by ("name")
  std::string_view list_type;          ///< x-kubernetes-list-type: atomic, set or map
  std::string_view list_map_keys;      ///< x-kubernetes-list-map-keys, comma-joined
  std::string_view map_type;           ///< x-kubernetes-map-type: atomic or granular
  std::string_view enum_values;        ///< the accepted values, `|`-joined; empty: any
  std::string_view default_json;       ///< the default as JSON text; empty: none
  std::string_view description;        ///< what the field means

  void* in(void* object) const { return get(object); }
  const void* in(const void* object) const { return get(const_cast<void*>(object)); }
};

/// A C++ type an object can hold, and the operations the generic code needs on it.
struct Type {
  Kind kind = Kind::String;
  std::string_view name;          ///< structs: the OpenAPI definition name
  std::string_view description;   ///< structs: what the type is
  std::span<const Field> fields;  ///< structs: the members, in JSON order
  const Type* elem = nullptr;     ///< lists, maps, optionals: the element type
  bool atomic = false;            ///< structs: replaced whole by patches (+structType=atomic)

  // Operations; the ones that do not apply to the kind are null.
  void* (*create)() = nullptr;                  ///< a new default value (delete with destroy)
  void (*destroy)(void*) = nullptr;
  void (*reset)(void*) = nullptr;               ///< back to the default value
  bool (*empty)(const void*) = nullptr;         ///< the value `omitempty` leaves out
  std::size_t (*size)(const void*) = nullptr;   ///< lists, maps
  void* (*at)(void*, std::size_t) = nullptr;    ///< lists: element i; optionals: the value (i = 0)
  void* (*append)(void*) = nullptr;             ///< lists: a new last element; optionals: emplace
  void* (*insert)(void*, std::string_view key) = nullptr;  ///< maps: the value at key, created
  /// maps: calls fn(ctx, key, value) for each entry in key order.
  void (*each)(const void*, void (*fn)(void*, const std::string&, const void*), void*) = nullptr;

  /// The struct's field called `json_name`, or null: a field of an inlined struct too,
  /// with `object` (when given) moved to the inlined part of the value.
  const Field* field(std::string_view json_name, void** object = nullptr) const;
  /// The struct's field with protobuf number `number`, or null.
  const Field* field(int number) const;
};

/// The Type of a C++ type: generated for API structs, in table.h for the rest.
template <typename T>
const Type& type_of();

/// One top-level kind (or list kind) of a package: what the registry knows of it.
struct KindInfo {
  std::string_view api_version;  ///< "v1", "apps/v1"
  std::string_view kind;         ///< "Deployment", "DeploymentList"
  std::string_view resource;     ///< "deployments"; empty for list kinds and for bodies
                                 ///< that are not stored (Status, Scale, DeleteOptions)
  bool namespaced = false;
  std::string_view short_names;  ///< comma-joined ("deploy")
  std::string_view categories;   ///< comma-joined ("all")
  std::string_view list_of;      ///< list kinds: the item kind
  const Type* type = nullptr;
};

}  // namespace kubepp::api::schema

// table.h — the templates the generated field tables are written with, and the Types of
// everything that is not a generated struct: strings, numbers, the value types of
// cluster/api/values.h, and lists, maps and optionals of any of them.
//
// Included by the generated cluster/api/types/*.cpp and by the generic code that walks
// Types; nothing else needs it.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/api/quantity.h"
#include "cluster/api/schema/type.h"
#include "cluster/api/values.h"

namespace kubepp::api::schema {

/// Builds the Type of T; specialized below for every kind of value that is not a struct.
template <typename T>
struct TypeOf;

// Generated structs specialize type_of<T>() directly; everything else comes from TypeOf.
template <typename T>
const Type& type_of() {
  return TypeOf<T>::get();
}

namespace detail {

template <typename T>
void* create() {
  return new T();
}
template <typename T>
void destroy(void* p) {
  delete static_cast<T*>(p);
}
template <typename T>
void reset(void* p) {
  *static_cast<T*>(p) = T();
}

/// The operations every Type has.
template <typename T>
Type basic(Kind kind) {
  Type t;
  t.kind = kind;
  t.create = &create<T>;
  t.destroy = &destroy<T>;
  t.reset = &reset<T>;
  return t;
}

/// A leaf whose empty value `omitempty` leaves out is T's default value.
template <typename T>
Type omittable_leaf(Kind kind) {
  Type t = basic<T>(kind);
  t.empty = [](const void* p) { return *static_cast<const T*>(p) == T(); };
  return t;
}

template <typename C, typename T>
C class_of(T C::*);
template <typename C, typename T>
T value_of(T C::*);

template <auto M>
void* get_member(void* object) {
  using C = decltype(class_of(M));
  return &(static_cast<C*>(object)->*M);
}

}  // namespace detail

#define KUBEPP_SCHEMA_LEAF(T, KIND, MAKE)        \
  template <>                                    \
  struct TypeOf<T> {                             \
    static const Type& get() {                   \
      static const Type t = detail::MAKE<T>(KIND); \
      return t;                                  \
    }                                            \
  };
KUBEPP_SCHEMA_LEAF(std::string, Kind::String, omittable_leaf)
KUBEPP_SCHEMA_LEAF(bool, Kind::Bool, omittable_leaf)
KUBEPP_SCHEMA_LEAF(std::int32_t, Kind::Int32, omittable_leaf)
KUBEPP_SCHEMA_LEAF(std::int64_t, Kind::Int64, omittable_leaf)
KUBEPP_SCHEMA_LEAF(double, Kind::Double, omittable_leaf)
KUBEPP_SCHEMA_LEAF(Bytes, Kind::Bytes, omittable_leaf)
KUBEPP_SCHEMA_LEAF(RawJson, Kind::Json, omittable_leaf)
// Go's omitempty never leaves out a struct, and these three are structs upstream.
KUBEPP_SCHEMA_LEAF(Quantity, Kind::Quantity, basic)
KUBEPP_SCHEMA_LEAF(IntOrString, Kind::IntOrString, basic)
KUBEPP_SCHEMA_LEAF(Time, Kind::Time, basic)
KUBEPP_SCHEMA_LEAF(MicroTime, Kind::MicroTime, basic)
#undef KUBEPP_SCHEMA_LEAF

template <typename T>
struct TypeOf<std::vector<T>> {
  using V = std::vector<T>;
  static const Type& get() {
    static const Type t = [] {
      Type made = detail::basic<V>(Kind::List);
      made.elem = &type_of<T>();
      made.empty = [](const void* p) { return static_cast<const V*>(p)->empty(); };
      made.size = [](const void* p) { return static_cast<const V*>(p)->size(); };
      made.at = [](void* p, std::size_t i) -> void* { return &(*static_cast<V*>(p))[i]; };
      made.append = [](void* p) -> void* { return &static_cast<V*>(p)->emplace_back(); };
      return made;
    }();
    return t;
  }
};

template <typename T>
struct TypeOf<std::optional<T>> {
  using O = std::optional<T>;
  static const Type& get() {
    static const Type t = [] {
      Type made = detail::basic<O>(Kind::Optional);
      made.elem = &type_of<T>();
      made.empty = [](const void* p) { return !static_cast<const O*>(p)->has_value(); };
      made.size = [](const void* p) -> std::size_t { return static_cast<const O*>(p)->has_value(); };
      made.at = [](void* p, std::size_t) -> void* { return &**static_cast<O*>(p); };
      made.append = [](void* p) -> void* { return &static_cast<O*>(p)->emplace(); };
      return made;
    }();
    return t;
  }
};

template <typename T>
struct TypeOf<std::map<std::string, T>> {
  using M = std::map<std::string, T>;
  static const Type& get() {
    static const Type t = [] {
      Type made = detail::basic<M>(Kind::Map);
      made.elem = &type_of<T>();
      made.empty = [](const void* p) { return static_cast<const M*>(p)->empty(); };
      made.size = [](const void* p) { return static_cast<const M*>(p)->size(); };
      made.insert = [](void* p, std::string_view key) -> void* {
        return &(*static_cast<M*>(p))[std::string(key)];
      };
      made.each = [](const void* p, void (*fn)(void*, const std::string&, const void*), void* ctx) {
        for (const auto& [k, v] : *static_cast<const M*>(p)) fn(ctx, k, &v);
      };
      return made;
    }();
    return t;
  }
};

/// A Field under construction: the generated tables chain the flags the schema gave.
struct FieldBuilder : Field {
  FieldBuilder&& keep() && { Field::keep = true; return std::move(*this); }
  FieldBuilder&& required() && { Field::required = true; return std::move(*this); }
  FieldBuilder&& patch(std::string_view strategy, std::string_view merge_key) && {
    patch_strategy = strategy;
    patch_merge_key = merge_key;
    return std::move(*this);
  }
  FieldBuilder&& list(std::string_view kind, std::string_view map_keys) && {
    list_type = kind;
    list_map_keys = map_keys;
    return std::move(*this);
  }
  FieldBuilder&& map(std::string_view kind) && { map_type = kind; return std::move(*this); }
  FieldBuilder&& enums(std::string_view values) && { enum_values = values; return std::move(*this); }
  FieldBuilder&& default_json(std::string_view json) && {
    Field::default_json = json;
    return std::move(*this);
  }
  FieldBuilder&& doc(std::string_view text) && { description = text; return std::move(*this); }
};

/// The field for member M (`&Container::image`), called `name` in JSON.
template <auto M>
FieldBuilder field(std::string_view name, int number) {
  using T = decltype(detail::value_of(M));
  FieldBuilder f;
  f.name = name;
  f.number = number;
  f.type = &type_of<T>();
  f.get = &detail::get_member<M>;
  return f;
}

/// The field for base class B of D, Go's embedded struct (`inline` in the schema).
template <typename D, typename B>
FieldBuilder inline_field(std::string_view name, int number) {
  FieldBuilder f;
  f.name = name;
  f.number = number;
  f.type = &type_of<B>();
  f.get = [](void* object) -> void* { return static_cast<B*>(static_cast<D*>(object)); };
  f.inlined = true;
  return f;
}

/// The Type of generated struct T.
template <typename T>
Type struct_type(std::string_view name, std::string_view description,
                 std::span<const Field> fields, bool atomic) {
  Type t = detail::basic<T>(Kind::Struct);
  t.name = name;
  t.description = description;
  t.fields = fields;
  t.atomic = atomic;
  return t;
}

}  // namespace kubepp::api::schema

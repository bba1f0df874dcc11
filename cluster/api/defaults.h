// defaults.h — defaulting: filling in what a user left out, before validation, as the API
// server does on every create and update.
//
// Two layers, as upstream has them. The schema's `default=` values (upstream's `+default=`
// markers and its unconditional SetDefaults_ lines) are applied by one walk over the object:
// apply_schema_defaults. Defaults that depend on other fields (imagePullPolicy from the
// image's tag, a Service's targetPort from its port) are code, per kind.
#pragma once

#include "cluster/api/schema/type.h"

namespace kubepp::api {

/// Sets every unset field of `value` (a value of `type`) that has a schema default, at any
/// depth: in lists, maps and set optionals too. A field is unset when it is empty (a
/// pointer field: when it is null).
void apply_schema_defaults(const schema::Type& type, void* value);

template <typename T>
void apply_schema_defaults(T& value) {
  apply_schema_defaults(schema::type_of<T>(), &value);
}

}  // namespace kubepp::api

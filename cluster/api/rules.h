// rules.h — what the API server does to an object of any kind before it stores it:
// defaulting, then validation (upstream: the registry's strategies, which call the
// generated defaulters, SetDefaults_*, and ValidateX / ValidateXUpdate).
//
// The kinds' own rules are typed functions in cluster/api/defaults/ and
// cluster/api/validation/; rules.cpp binds them to the registry's kinds. A kind without
// rules of its own gets the schema's defaults and the metadata rules.
#pragma once

#include "cluster/api/field.h"
#include "cluster/api/schema/type.h"

namespace kubepp::api {

/// Fills in what the object leaves out: the schema's defaults, then the kind's own.
/// `object` is a value of `kind.type`.
void set_defaults(const schema::KindInfo& kind, void* object);

/// The rules of a new object: its metadata (the name rule is the kind's) and its kind's
/// own rules. Empty when the object is valid.
ErrorList validate(const schema::KindInfo& kind, const void* object);

/// The rules of an update from `old` to `object`: the new object's rules and what may not
/// change.
ErrorList validate_update(const schema::KindInfo& kind, const void* object, const void* old);

}  // namespace kubepp::api

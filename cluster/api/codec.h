// codec.h — API objects to and from JSON, by their schema (cluster/api/schema).
//
// Decoding follows encoding/json as the API server uses it (sigs.k8s.io/json): a JSON
// value of the wrong type is an error naming the field; `null` leaves a value unset; and a
// field the schema does not know is handled as the request's fieldValidation says —
//   Strict  the decode fails: strict decoding error: unknown field "spec.foo"
//   Warn    the field is dropped and reported: unknown field "spec.foo"
//   Ignore  the field is dropped silently.
// Encoding writes fields in schema order and leaves out empty ones unless the field is
// `keep` (Go's omitempty); structs, quantities, IntOrStrings and Times are always written,
// as Go writes them (a zero Time is `null`).
//
// Thread-safety: no state; call from any thread.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "cluster/api/schema/type.h"
#include "runtime/base/result.h"

namespace kubepp::api {

/// The fieldValidation of a write request.
enum class FieldValidation { Ignore, Warn, Strict };

/// "Strict", "Warn", "Ignore" (the query parameter); empty means Warn, the server's
/// default. Invalid otherwise, in upstream's words.
Result<FieldValidation> parse_field_validation(std::string_view text);

/// What a decode reported besides failing: the unknown fields under Warn.
struct DecodeWarnings {
  std::vector<std::string> warnings;  // `unknown field "spec.foo"`, in input order
};

/// Decodes `in` into `out`, a value of type `type`. Invalid: a value of the wrong type
/// (`json: cannot unmarshal string into Go struct field Container.spec.containers.ports of
/// type []v1.ContainerPort`), a quantity, time or base64 that does not parse, or under
/// Strict unknown fields (all of them, in one message).
Result<DecodeWarnings> decode_json(const nlohmann::json& in, const schema::Type& type, void* out,
                                   FieldValidation validation);

/// `value`, of type `type`, as JSON.
nlohmann::json encode_json(const schema::Type& type, const void* value);

/// Typed forms: `api::from_json(doc, pod)`, `api::to_json(pod)`.
template <typename T>
Result<DecodeWarnings> from_json(const nlohmann::json& in, T& out,
                                 FieldValidation validation = FieldValidation::Strict) {
  return decode_json(in, schema::type_of<T>(), &out, validation);
}
template <typename T>
nlohmann::json to_json(const T& value) {
  return encode_json(schema::type_of<T>(), &value);
}

/// Go's name of a type, as its errors print it: "string", "int32", "[]v1.Container",
/// "map[string]string", "v1.PodSpec".
std::string go_type_name(const schema::Type& type);

}  // namespace kubepp::api

// workload_fixtures.h — objects for the workload kinds' tests, built from manifests the
// way the API server builds them: decoded, then defaulted (rules.h's set_defaults: the
// schema's defaults and the kind's own), or checked with every rule of the kind
// (rules.h's validate: metadata too).
#pragma once

#include <string>
#include <string_view>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cluster/api/codec.h"
#include "cluster/api/decode.h"
#include "cluster/api/registry.h"
#include "cluster/api/rules.h"

namespace kubepp::api::testing {

/// The kind of `object`, found by its apiVersion and kind.
template <typename T>
const schema::KindInfo& kind_of(const T& object) {
  const schema::KindInfo* kind = find_kind(object.apiVersion, object.kind);
  REQUIRE(kind != nullptr);
  return *kind;
}

/// The first document of `yaml` decoded as a T, without defaults.
template <typename T>
T decode_as(std::string_view yaml) {
  auto docs = decode_documents(yaml);
  REQUIRE(docs.ok());
  REQUIRE(!docs.value().empty());
  T object;
  auto decoded = from_json(docs.value()[0], object);
  INFO((decoded.ok() ? std::string() : decoded.error().message));
  REQUIRE(decoded.ok());
  return object;
}

/// The first document of `yaml` decoded as a T and defaulted as the API server does.
template <typename T>
T defaulted(std::string_view yaml) {
  T object = decode_as<T>(yaml);
  set_defaults(kind_of(object), &object);
  return object;
}

/// Every rule of the kind (metadata included), as the API server checks a new object.
template <typename T>
std::string validate_all(const T& object) {
  return to_string(validate(kind_of(object), &object));
}

/// Every rule of an update from `old` to `object`.
template <typename T>
std::string validate_all_update(const T& object, const T& old) {
  return to_string(validate_update(kind_of(object), &object, &old));
}

// Upstream's rule texts the workload tests expect (the double spaces are upstream's).
inline const std::string kDNS1123LabelRule =
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and "
    "end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
inline const std::string kPercentRule =
    "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex "
    "used for validation is '[0-9]+%')";

}  // namespace kubepp::api::testing

// openapi.h — the OpenAPI documents of the kinds, from the schema: what `kubectl explain`
// prints and what kubectl's validation reads. The API server serves them at /openapi/v3
// (JSON, kubectl 1.29+) and /openapi/v2 (kubectl 1.27 and 1.28 read it as protobuf, which
// the server encodes).
//
// Definitions are named as upstream's ("io.k8s.api.core.v1.Pod"); properties carry the
// descriptions, `required`, `enum`, `default` and the x-kubernetes-* extensions
// (group-version-kind, patch strategy and merge key, list type and keys, map type).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

namespace kubepp::api {

/// Swagger 2.0 `definitions` for every kind and every type they reach, references written
/// `#/definitions/NAME`.
nlohmann::json openapi_v2_definitions();

/// OpenAPI 3 `components.schemas` for the kinds of `api_version` ("v1", "apps/v1") and the
/// types they reach, references written `#/components/schemas/NAME`.
nlohmann::json openapi_v3_schemas(std::string_view api_version);

/// The REST path prefix of a group version: "v1" → "/api/v1", "apps/v1" → "/apis/apps/v1".
std::string api_path(std::string_view api_version);

/// The group versions that have stored kinds, in registry order ("v1", "apps/v1", …).
std::vector<std::string> openapi_group_versions();

/// The OpenAPI 3 document of one group version, as served at /openapi/v3/api/v1: for each
/// stored kind its collection and item paths with the operations a resource has (list,
/// create, get, replace, patch, delete), each naming its kind
/// (`x-kubernetes-group-version-kind`) — the writes with the `fieldValidation` parameter
/// kubectl looks for — and the schemas. `version` is the server's ("v1.33.0").
nlohmann::json openapi_v3_document(std::string_view api_version, std::string_view version);

/// The Swagger 2.0 document of every group version: paths as above, and the definitions.
nlohmann::json openapi_v2_document(std::string_view version);

}  // namespace kubepp::api

// openapi.h — the OpenAPI schemas of the kinds, from the schema: what `kubectl explain`
// prints and what kubectl's client-side validation reads. The API server wraps them into
// its /openapi/v2 and /openapi/v3 documents, with the paths it serves.
//
// Definitions are named as upstream's ("io.k8s.api.core.v1.Pod"); properties carry the
// descriptions, `required`, `enum`, `default` and the x-kubernetes-* extensions
// (group-version-kind, patch strategy and merge key, list type and keys, map type).
#pragma once

#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace kubepp::api {

/// Swagger 2.0 `definitions` for every kind and every type they reach, references written
/// `#/definitions/NAME`.
nlohmann::json openapi_v2_definitions();

/// OpenAPI 3 `components.schemas` for the kinds of `api_version` ("v1", "apps/v1") and the
/// types they reach, references written `#/components/schemas/NAME`.
nlohmann::json openapi_v3_schemas(std::string_view api_version);

}  // namespace kubepp::api

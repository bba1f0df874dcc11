// registry.h — every kind kubepp knows, found by apiVersion and kind or by resource: what
// the API server routes by and what a decoder of "any object" starts from.
//
// The kinds come from the generated packages (cluster/api/types/packages.inc); nothing
// registers itself at run time.
#pragma once

#include <span>
#include <string_view>

#include "cluster/api/schema/type.h"

namespace kubepp::api {

/// All kinds, package by package.
std::span<const schema::KindInfo> all_kinds();

/// The kind with this apiVersion ("apps/v1") and kind ("Deployment"), or null.
const schema::KindInfo* find_kind(std::string_view api_version, std::string_view kind);

/// The stored kind served as `resource` ("deployments") in group version
/// `api_version`, or null.
const schema::KindInfo* find_resource(std::string_view api_version, std::string_view resource);

}  // namespace kubepp::api

// registry.cpp — the kinds of all generated packages, in one table.
#include "cluster/api/registry.h"

#include <vector>

namespace kubepp::api {

namespace schema {
#define KUBEPP_API_PACKAGE(ident) std::span<const KindInfo> ident##_kinds();
#include "cluster/api/types/packages.inc"
#undef KUBEPP_API_PACKAGE
}  // namespace schema

std::span<const schema::KindInfo> all_kinds() {
  static const std::vector<schema::KindInfo> kinds = [] {
    std::vector<schema::KindInfo> all;
#define KUBEPP_API_PACKAGE(ident) \
  for (const schema::KindInfo& k : schema::ident##_kinds()) all.push_back(k);
#include "cluster/api/types/packages.inc"
#undef KUBEPP_API_PACKAGE
    return all;
  }();
  return kinds;
}

const schema::KindInfo* find_kind(std::string_view api_version, std::string_view kind) {
  for (const schema::KindInfo& k : all_kinds()) {
    if (k.api_version == api_version && k.kind == kind) return &k;
  }
  return nullptr;
}

const schema::KindInfo* find_resource(std::string_view api_version, std::string_view resource) {
  for (const schema::KindInfo& k : all_kinds()) {
    if (!resource.empty() && k.api_version == api_version && k.resource == resource) return &k;
  }
  return nullptr;
}

}  // namespace kubepp::api

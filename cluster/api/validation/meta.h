// meta.h — the rules every object's metadata follows (upstream's ValidateObjectMeta and
// ValidateObjectMetaUpdate, k8s.io/apimachinery/pkg/api/validation/objectmeta.go), and the
// name rules kinds choose from.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "cluster/api/field.h"
#include "cluster/api/types/meta_v1.h"

namespace kubepp::api::validation {

/// A kind's rule for names: the messages of what is wrong with `name`, none when it is
/// valid. With `prefix` the name is a generateName: a trailing '-' is allowed.
using NameRule = std::vector<std::string> (*)(std::string_view name, bool prefix);

/// NameIsDNSSubdomain: most kinds (pods, deployments, configmaps …).
std::vector<std::string> name_is_dns_subdomain(std::string_view name, bool prefix);
/// NameIsDNSLabel: namespaces and a few others.
std::vector<std::string> name_is_dns_label(std::string_view name, bool prefix);
/// NameIsDNS1035Label: services (their names become DNS labels that start with a letter).
std::vector<std::string> name_is_dns1035_label(std::string_view name, bool prefix);

/// ValidateObjectMeta: name (or generateName), namespace (required when `namespaced`,
/// forbidden otherwise), generation, labels, annotations, owner references, finalizers
/// and managed fields. Errors are under `path` (normally "metadata").
ErrorList validate_object_meta(const meta_v1::ObjectMeta& meta, bool namespaced, NameRule name_rule,
                               const Path& path);

/// ValidateObjectMetaUpdate: the new metadata's own rules, and what may not change —
/// name, namespace, uid, creationTimestamp, and a deletionTimestamp once set.
ErrorList validate_object_meta_update(const meta_v1::ObjectMeta& meta, const meta_v1::ObjectMeta& old,
                                      const Path& path);

/// "must be greater than or equal to 0" (ValidateNonnegativeField).
ErrorList validate_nonnegative(std::int64_t value, const Path& path);

/// ValidateImmutableField: `path: Invalid value: <new>: field is immutable` when the
/// values differ. `shown` is the new value as the message prints it.
ErrorList validate_immutable(bool equal, std::string shown, const Path& path);

/// The finalizer names of an object in the core group: qualified names, and a name
/// without a '/' only when it is a standard one (`kubernetes`, `orphan`,
/// `foregroundDeletion`).
ErrorList validate_finalizers(const std::vector<std::string>& finalizers, const Path& path);

}  // namespace kubepp::api::validation

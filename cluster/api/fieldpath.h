// fieldpath.h — the downward API's field paths (upstream: pkg/fieldpath), shared by the
// API server's validation and the kubelet that resolves them.
#pragma once

#include <string_view>

namespace kubepp::api {

/// SplitMaybeSubscriptedPath: "metadata.labels['app']" is ("metadata.labels", "app") and
/// true; a path without a well-formed `['…']` subscript at its end is not split (false).
/// The views point into `field_path`.
bool split_subscripted_path(std::string_view field_path, std::string_view& path, std::string_view& subscript);

}  // namespace kubepp::api

// reference.h — image references, normalized as Docker normalizes them.
//
// Users write `busybox`, `nginx:alpine`, `ikubernetes/myapp:v1` or
// `registry.k8s.io/pause:3.9`; the store keeps one canonical spelling of each:
//
//   busybox                   → docker.io/library/busybox:latest
//   ikubernetes/myapp:v1      → docker.io/ikubernetes/myapp:v1
//   localhost:5000/app        → localhost:5000/app:latest
//   nginx@sha256:<64 hex>     → docker.io/library/nginx@sha256:<64 hex>
//
// The rules are those of Docker's distribution/reference package: the first path
// component is a registry domain only if it holds a `.` or a `:` or is `localhost`;
// otherwise the image is on docker.io, where a one-component name lives under
// `library/`. A reference without a tag or digest means the tag `latest`.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "runtime/base/result.h"
#include "runtime/image/digest.h"

namespace kubepp::runtime {

struct ImageReference {
  std::string domain;             ///< "docker.io", "registry.k8s.io", "localhost:5000"
  std::string path;               ///< "library/busybox", "ikubernetes/myapp"
  std::string tag;                ///< "latest" when neither tag nor digest was given
  std::optional<Digest> digest;   ///< set for `name@sha256:…` references

  /// "docker.io/library/busybox": domain and path.
  std::string name() const { return domain + "/" + path; }
  /// The canonical form: "docker.io/library/busybox:latest", or `name@digest`
  /// (`name:tag@digest` when both were given).
  std::string str() const;
  /// The short form Docker prints: "busybox:latest", "ikubernetes/myapp:v1";
  /// other registries keep their domain.
  std::string familiar() const;

  bool operator==(const ImageReference&) const = default;
};

/// Parses and normalizes `text`. Invalid names the reference and the rule it broke:
/// "image reference `Busybox`: repository name must be lowercase".
Result<ImageReference> parse_reference(std::string_view text);

}  // namespace kubepp::runtime

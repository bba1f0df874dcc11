// images.h — what a container's root filesystem is made of.
//
// `kubepp run IMAGE` names either an image in the store (image/store.h: a reference
// like `busybox` or `ikubernetes/myapp:v1`, a built-in image imported on first use)
// or a root filesystem directory (a path: `/…`, `./…`, `../…`). Either way the
// container gets a stack of read-only directories, the lower dirs of its overlay, and
// the image's idea of how to run it.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "runtime/base/result.h"
#include "runtime/image/store.h"
#include "runtime/names.h"

namespace kubepp::runtime {

struct Image {
  std::string reference;                     ///< as the user wrote it
  std::string id;                            ///< "sha256:…" (the config's digest); "" for a directory
  std::vector<std::filesystem::path> layers; ///< the overlay's lower dirs, top first
  ImageConfig config;                        ///< how to run it; a directory's says Cmd ["sh"]
};

/// Resolves `reference` against the store under `dirs` (pulling a built-in image into
/// it on first use), or as a root filesystem directory when it is a path.
/// NotFound names the reference.
Result<Image> resolve_image(const StateDirs& dirs, const std::string& reference);

/// The command a container runs, as Docker and Kubernetes combine them: `command`
/// replaces the image's Entrypoint (and then its Cmd is dropped), `args` replace its
/// Cmd; the result is Entrypoint + Cmd. Empty when there is nothing to run.
std::vector<std::string> container_command(const ImageConfig& image, const std::vector<std::string>& command,
                                           const std::vector<std::string>& args);

}  // namespace kubepp::runtime

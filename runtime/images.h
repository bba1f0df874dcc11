// images.h — finding an image's root filesystem.
//
// For now an image is a directory: either one of kubepp's built-in images (built at
// build time from Debian packages, e.g. `busybox`) or a path to any root filesystem.
// Chapter 01 part 3 replaces this with a content-addressed OCI image store.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

#include "runtime/base/result.h"

namespace kubepp::runtime {

struct Image {
  std::string reference;              ///< as the user wrote it
  std::filesystem::path rootfs;       ///< the directory that becomes the overlay's lower dir
  std::vector<std::string> command;   ///< what runs when the user gives no command
};

/// The directory holding the built-in images: $KUBEPP_IMAGES if set, else the build's.
std::filesystem::path builtin_image_dir();

/// Resolves `reference`: a path (contains '/') names a root filesystem directory; a
/// name ("busybox", "busybox:latest") a built-in image. NotFound names the reference.
Result<Image> resolve_image(const std::string& reference);

}  // namespace kubepp::runtime

#include "runtime/images.h"

#include <cstdlib>

namespace kubepp::runtime {

namespace fs = std::filesystem;

#ifndef KUBEPP_BUILTIN_IMAGES
#error "the build defines KUBEPP_BUILTIN_IMAGES, the directory of the built-in images"
#endif

fs::path builtin_image_dir() {
  if (const char* dir = std::getenv("KUBEPP_IMAGES"); dir && *dir) return dir;
  return KUBEPP_BUILTIN_IMAGES;
}

Result<Image> resolve_image(const std::string& reference) {
  std::error_code ec;
  if (reference.find('/') != std::string::npos) {
    fs::path dir = fs::absolute(reference, ec);
    if (ec || !fs::is_directory(dir, ec)) {
      return Error{ErrorCode::NotFound, "image `" + reference + "`: no such root filesystem directory"};
    }
    return Image{reference, dir.lexically_normal(), {"sh"}};
  }
  std::string name = reference;
  if (name.ends_with(":latest")) name.resize(name.size() - 7);
  fs::path rootfs = builtin_image_dir() / name / "rootfs";
  if (name.empty() || name.find("..") != std::string::npos || !fs::is_directory(rootfs, ec)) {
    return Error{ErrorCode::NotFound,
                 "image `" + reference + "` not found (built-in images are in " + builtin_image_dir().string() + ")"};
  }
  return Image{reference, rootfs, {"sh"}};
}

}  // namespace kubepp::runtime

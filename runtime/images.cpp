#include "runtime/images.h"

namespace kubepp::runtime {

namespace fs = std::filesystem;

Result<Image> resolve_image(const StateDirs& dirs, const std::string& reference) {
  const bool path = reference.starts_with("/") || reference.starts_with("./") || reference.starts_with("../") ||
                    reference == "." || reference == "..";
  if (path) {
    std::error_code ec;
    fs::path dir = fs::absolute(reference, ec);
    if (ec || !fs::is_directory(dir, ec)) {
      return Error{ErrorCode::NotFound, "image `" + reference + "`: no such root filesystem directory"};
    }
    Image image{reference, "", {dir.lexically_normal()}, {}};
    image.config.cmd = {"sh"};
    return image;
  }
  ImageStore store = ImageStore::under(dirs.lib);
  Result<StoredImage> stored = store.pull(reference);
  if (!stored) return stored.error();
  return Image{reference, stored.value().id.str(), store.rootfs(stored.value()).layers, stored.value().config};
}

std::vector<std::string> container_command(const ImageConfig& image, const std::vector<std::string>& command,
                                           const std::vector<std::string>& args) {
  std::vector<std::string> out = command.empty() ? image.entrypoint : command;
  const std::vector<std::string>& tail = !args.empty() ? args : command.empty() ? image.cmd : args;
  out.insert(out.end(), tail.begin(), tail.end());
  return out;
}

}  // namespace kubepp::runtime

// `kubepp image ls|import|pull|inspect|rm` — the image store (runtime/image/store.h),
// as `docker image` shows it.
#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <set>

#include "runtime/cli/flags.h"
#include "runtime/cli/humanize.h"
#include "runtime/cli/verbs.h"
#include "runtime/image/reference.h"
#include "runtime/image/store.h"
#include "runtime/state.h"

namespace kubepp::cli {

namespace {

using runtime::ImageStore;
using runtime::StoredImage;

constexpr const char* kUsage =
    "kubepp image COMMAND\n"
    "  ls [-q]                   list the images in the store\n"
    "  import [--name NAME] PATH import an OCI image layout (a directory, or a tar of one)\n"
    "  pull REFERENCE            put a built-in image into the store\n"
    "  inspect NAME...           an image's config, layers and references, as JSON\n"
    "  rm [-f] NAME...           remove references; an image left without any is deleted\n";

int fail(const std::string& verb, const Error& error) {
  std::cerr << "kubepp image " << verb << ": " << error.message << "\n";
  return 1;
}

// "busybox:latest" → {"busybox", "latest"}; other registries keep their domain.
std::pair<std::string, std::string> repository_and_tag(const std::string& reference) {
  Result<runtime::ImageReference> ref = runtime::parse_reference(reference);
  if (!ref) return {reference, ""};
  runtime::ImageReference r = ref.value();
  const std::string tag = r.tag.empty() ? "<none>" : r.tag;
  r.tag.clear();
  r.digest.reset();
  return {r.familiar(), tag};
}

std::string familiar(const std::string& reference) {
  Result<runtime::ImageReference> ref = runtime::parse_reference(reference);
  return ref ? ref.value().familiar() : reference;
}

int ls(const ImageStore& store, const std::vector<std::string>& args) {
  bool quiet = false;
  FlagSet flags("kubepp image ls [-q]");
  flags.add_bool("q,quiet", &quiet, "print the image ids only");
  FlagSet::Parsed parsed = flags.parse_verb("image ls", args, 0, 0, "takes no arguments");
  if (parsed.exit_now) return *parsed.exit_now;
  // A row per reference, sorted as the user reads them: by short name, then tag.
  std::vector<std::array<std::string, 5>> rows;
  for (const StoredImage& image : store.list()) {
    const std::string id = image.id.hex.substr(0, 12);
    if (quiet) {
      std::cout << id << "\n";
      continue;
    }
    const long age = seconds_since(image.created);
    const std::string created = age < 0 ? "N/A" : human_duration(age) + " ago";
    for (const std::string& reference : image.references) {
      auto [repository, tag] = repository_and_tag(reference);
      rows.push_back({repository, tag, id, created, human_size(image.size)});
    }
  }
  if (quiet) return 0;
  std::sort(rows.begin(), rows.end());
  std::printf("%-32s %-14s %-14s %-16s %s\n", "REPOSITORY", "TAG", "IMAGE ID", "CREATED", "SIZE");
  for (const auto& r : rows) {
    std::printf("%-32s %-14s %-14s %-16s %s\n", r[0].c_str(), r[1].c_str(), r[2].c_str(), r[3].c_str(), r[4].c_str());
  }
  return 0;
}

int import(ImageStore& store, const std::vector<std::string>& args) {
  std::string name;
  FlagSet flags("kubepp image import [--name NAME] PATH");
  flags.add_string("name", &name, "the repository (and tag) for images the layout names by tag only, or not at all");
  FlagSet::Parsed parsed = flags.parse_verb("image import", args, 1, 1, "want one OCI image layout");
  if (parsed.exit_now) return *parsed.exit_now;
  Result<std::vector<StoredImage>> imported = store.import(parsed.args[0], name);
  if (!imported) return fail("import", imported.error());
  std::set<std::string> printed;
  for (const StoredImage& image : imported.value()) {
    for (const std::string& reference : image.references) {
      if (printed.insert(reference).second) std::cout << "Loaded image: " << familiar(reference) << "\n";
    }
  }
  return 0;
}

int pull(ImageStore& store, const std::vector<std::string>& args) {
  FlagSet flags("kubepp image pull REFERENCE");
  FlagSet::Parsed parsed = flags.parse_verb("image pull", args, 1, 1, "want one image reference");
  if (parsed.exit_now) return *parsed.exit_now;
  Result<StoredImage> image = store.pull(parsed.args[0]);
  if (!image) return fail("pull", image.error());
  std::cout << familiar(parsed.args[0]) << ": " << image.value().id.str() << "\n";
  return 0;
}

nlohmann::json inspect_json(const ImageStore& store, const StoredImage& image) {
  using nlohmann::json;
  json tags = json::array(), digests = json::array(), diff_ids = json::array(), lowers = json::array();
  for (const std::string& reference : image.references) {
    tags.push_back(familiar(reference));
    Result<runtime::ImageReference> ref = runtime::parse_reference(reference);
    if (ref) {
      runtime::ImageReference r = ref.value();
      r.tag.clear();
      r.digest = image.manifest;
      if (std::find(digests.begin(), digests.end(), r.familiar()) == digests.end()) digests.push_back(r.familiar());
    }
  }
  for (const runtime::Digest& d : image.diff_ids) diff_ids.push_back(d.str());
  for (const auto& dir : store.rootfs(image).layers) lowers.push_back(dir.string());
  const runtime::ImageConfig& c = image.config;
  json ports = json::object();
  for (const std::string& port : c.exposed_ports) ports[port] = json::object();
  // Docker prints an absent list as null.
  auto list = [](const std::vector<std::string>& v) { return v.empty() ? json(nullptr) : json(v); };
  json config = {{"User", c.user},         {"ExposedPorts", ports},         {"Env", list(c.env)},
                 {"Cmd", list(c.cmd)},     {"WorkingDir", c.working_dir},   {"Entrypoint", list(c.entrypoint)},
                 {"Labels", c.labels},     {"StopSignal", c.stop_signal}};
  return {{"Id", image.id.str()},
          {"RepoTags", tags},
          {"RepoDigests", digests},
          {"Created", image.created},
          {"Config", config},
          {"Architecture", image.architecture},
          {"Os", image.os},
          {"Size", image.size},
          {"GraphDriver", {{"Name", "overlay"}, {"Data", {{"LowerDirs", lowers}}}}},
          {"RootFS", {{"Type", "layers"}, {"Layers", diff_ids}}}};
}

int inspect(const ImageStore& store, const std::vector<std::string>& args) {
  FlagSet flags("kubepp image inspect NAME...");
  FlagSet::Parsed parsed = flags.parse_verb("image inspect", args, 1, SIZE_MAX, "want an image");
  if (parsed.exit_now) return *parsed.exit_now;
  nlohmann::json out = nlohmann::json::array();
  int status = 0;
  for (const std::string& name : parsed.args) {
    Result<StoredImage> image = store.find(name);
    if (!image) {
      status = fail("inspect", image.error());
      continue;
    }
    out.push_back(inspect_json(store, image.value()));
  }
  std::cout << out.dump(4) << "\n";
  return status;
}

int rm(ImageStore& store, const GlobalOptions& global, const std::vector<std::string>& args) {
  bool force = false;
  FlagSet flags("kubepp image rm [-f] NAME...");
  flags.add_bool("f,force", &force, "remove even if containers use the image, or several names refer to it");
  FlagSet::Parsed parsed = flags.parse_verb("image rm", args, 1, SIZE_MAX, "want an image");
  if (parsed.exit_now) return *parsed.exit_now;
  // The containers' lower dirs stay, whatever is removed: they are mounted, or will be.
  std::set<std::filesystem::path> in_use;
  for (const runtime::ContainerState& s : runtime::list_states(global.dirs)) {
    in_use.insert(s.layers.begin(), s.layers.end());
  }
  int status = 0;
  for (const std::string& name : parsed.args) {
    Result<std::vector<std::string>> done = store.remove(name, in_use, force);
    if (!done) {
      status = fail("rm", done.error());
      continue;
    }
    for (const std::string& line : done.value()) std::cout << line << "\n";
  }
  return status;
}

}  // namespace

int image_main(const GlobalOptions& global, const std::vector<std::string>& args) {
  if (args.empty() || args[0] == "--help" || args[0] == "-h") {
    (args.empty() ? std::cerr : std::cout) << kUsage;
    return args.empty() ? 2 : 0;
  }
  ImageStore store = ImageStore::under(global.dirs.lib);
  const std::vector<std::string> rest(args.begin() + 1, args.end());
  const std::string& command = args[0];
  if (command == "ls" || command == "list") return ls(store, rest);
  if (command == "import" || command == "load") return import(store, rest);
  if (command == "pull") return pull(store, rest);
  if (command == "inspect") return inspect(store, rest);
  if (command == "rm" || command == "remove") return rm(store, global, rest);
  std::cerr << "kubepp image: unknown command `" << command << "`\n" << kUsage;
  return 2;
}

}  // namespace kubepp::cli

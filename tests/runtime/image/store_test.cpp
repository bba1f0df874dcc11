// The image store: OCI image layouts in, content-addressed blobs and shared layers out,
// and hostile layouts refused with nothing left behind. Unpacking layers keeps owners
// and makes whiteout devices, so these cases run as root.
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>

#include "runtime/image/store.h"
#include "tests/runtime/image/layout_builder.h"
#include "tests/support/temp_dir.h"

namespace fs = std::filesystem;
using kubepp::ErrorCode;
using kubepp::runtime::ImageStore;
using kubepp::runtime::StoredImage;
using kubepp::testing::LayoutBuilder;
using kubepp::testing::TarWriter;
using kubepp::testing::TempDir;
using nlohmann::json;

namespace {

TarWriter base_tar() {
  TarWriter w;
  w.dir("bin").dir("etc").dir("tmp", 01777);
  w.file("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n");
  w.file("etc/motd", "base\n");
  w.file("bin/tool", "#!/bin/sh\necho tool\n", 0755);
  return w;
}

TarWriter top_tar() {
  TarWriter w;
  w.dir("etc").file("etc/app.conf", "port=80\n");
  w.whiteout("etc/motd");
  return w;
}

const json kConfig = {{"Entrypoint", {"/bin/tool"}}, {"Cmd", {"--serve"}}, {"Env", {"PATH=/bin", "MODE=test"}},
                      {"WorkingDir", "/srv"}, {"ExposedPorts", {{"80/tcp", json::object()}}}};

// Everything in a directory tree, as relative paths: to see what an import left.
std::vector<std::string> tree(const fs::path& root) {
  std::vector<std::string> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(root, ec); it != fs::recursive_directory_iterator(); ++it) {
    out.push_back(fs::relative(it->path(), root).string());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string slurp(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

}  // namespace

TEST_CASE("an OCI image layout imports: blobs checked, layers unpacked once, names normalized", "[root][image]") {
  TempDir dir("store");
  LayoutBuilder b(dir / "layout");
  auto base = b.layer(base_tar());
  auto top = b.layer(top_tar());
  b.image({base, top}, kConfig, "docker.io/library/app:v1", "v1");
  b.image({base}, {{"Cmd", {"sh"}}}, "example.com/team/base:latest", "latest");
  b.write();

  ImageStore store(dir / "store");
  auto imported = store.import(b.dir());
  REQUIRE(imported.ok());
  REQUIRE(imported.value().size() == 2);

  auto app = store.find("app:v1");
  REQUIRE(app.ok());
  const StoredImage& image = app.value();
  CHECK(image.references == std::vector<std::string>{"docker.io/library/app:v1"});
  CHECK(image.config.entrypoint == std::vector<std::string>{"/bin/tool"});
  CHECK(image.config.cmd == std::vector<std::string>{"--serve"});
  CHECK(image.config.env == std::vector<std::string>{"PATH=/bin", "MODE=test"});
  CHECK(image.config.working_dir == "/srv");
  CHECK(image.config.exposed_ports == std::vector<std::string>{"80/tcp"});
  CHECK(image.os == "linux");
  CHECK(image.created == "2024-01-02T03:04:05Z");
  CHECK(image.diff_ids.size() == 2);
  CHECK(image.size == 30 + 5 + 20 + 8);  // the files' bytes, both layers

  SECTION("the same image by id, by a prefix of it, and in the list") {
    CHECK(store.find(image.id.str()).value().manifest == image.manifest);
    CHECK(store.find(image.id.hex.substr(0, 12)).value().manifest == image.manifest);
    CHECK(store.find("docker.io/library/app:v1").ok());
    CHECK(store.find("app@" + image.manifest.str()).value().id == image.id);  // by digest, as RepoDigests name it
    CHECK(store.find("other@" + image.manifest.str()).error().code == ErrorCode::NotFound);
    auto missing = store.find("app:v2");
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().code == ErrorCode::NotFound);
    CHECK(missing.error().message == "image `app:v2` not found");
    auto all = store.list();
    REQUIRE(all.size() == 2);
    CHECK(all[0].references == std::vector<std::string>{"docker.io/library/app:v1"});
    CHECK(all[1].references == std::vector<std::string>{"example.com/team/base:latest"});
  }

  SECTION("the layers are overlay lower dirs, top first, and the shared one exists once") {
    auto layers = store.rootfs(image).layers;
    REQUIRE(layers.size() == 2);
    CHECK(slurp(layers[0] / "etc/app.conf") == "port=80\n");
    CHECK(slurp(layers[1] / "etc/passwd") == "root:x:0:0:root:/root:/bin/sh\n");
    struct stat st {};
    REQUIRE(::lstat((layers[0] / "etc/motd").c_str(), &st) == 0);  // the whiteout, as overlayfs wants it
    CHECK(S_ISCHR(st.st_mode));
    CHECK(st.st_rdev == makedev(0, 0));
    CHECK(store.rootfs(store.find("example.com/team/base").value()).layers[0] == layers[1]);
    CHECK(tree(dir / "store/layers").size() == 2 + 6 + 3);  // two layer dirs, base's 6 entries, top's 3
  }

  SECTION("importing again changes nothing") {
    const auto before = tree(dir / "store");
    REQUIRE(store.import(b.dir()).ok());
    CHECK(tree(dir / "store") == before);
  }
}

TEST_CASE("a layout in a tar imports as its directory does", "[root][image]") {
  TempDir dir("store");
  LayoutBuilder b(dir / "layout");
  b.image({b.layer(base_tar())}, kConfig, "docker.io/library/app:v1");
  b.write();
  const std::string tar = (dir / "layout.tar").string();
  REQUIRE(std::system(("tar -C " + b.dir().string() + " -cf " + tar + " .").c_str()) == 0);
  ImageStore store(dir / "store");
  auto imported = store.import(tar);
  REQUIRE(imported.ok());
  CHECK(imported.value().at(0).references == std::vector<std::string>{"docker.io/library/app:v1"});
  const bool scratch_left = fs::exists(dir / "store/tmp") && !fs::is_empty(dir / "store/tmp");
  CHECK_FALSE(scratch_left);  // the unpacked copy of the tar is gone
}

TEST_CASE("names come from the layout's annotations, or from --name", "[root][image]") {
  TempDir dir("store");
  LayoutBuilder b(dir / "layout");
  auto layer = b.layer(base_tar());
  b.image({layer}, kConfig, "", "v3");  // a tag only, as umoci writes it
  b.write();
  ImageStore store(dir / "store");

  auto nameless = store.import(b.dir());
  REQUIRE_FALSE(nameless.ok());
  CHECK(nameless.error().message == "image layout `" + b.dir().string() +
                                        "`: index.json: manifests[0] names only the tag `v3`: give the repository "
                                        "(kubepp image import --name NAME)");
  auto named = store.import(b.dir(), "ikubernetes/app");
  REQUIRE(named.ok());
  CHECK(named.value().at(0).references == std::vector<std::string>{"docker.io/ikubernetes/app:v3"});
  // Imported again under another name: the result names what this import named.
  auto renamed = store.import(b.dir(), "ikubernetes/other");
  REQUIRE(renamed.ok());
  CHECK(renamed.value().at(0).references == std::vector<std::string>{"docker.io/ikubernetes/other:v3"});
  CHECK(store.find("ikubernetes/app:v3").value().references ==
        std::vector<std::string>{"docker.io/ikubernetes/app:v3", "docker.io/ikubernetes/other:v3"});
}

TEST_CASE("an image for another platform is refused, naming the platforms found", "[root][image]") {
  TempDir dir("store");
  LayoutBuilder b(dir / "layout");
  auto layer = b.layer(base_tar());
  json arm = b.image({layer}, kConfig, "docker.io/library/app:v1", "", "linux/arm64");
  SECTION("by the index's platform") {
    TempDir other("store");
    LayoutBuilder only(other / "layout");
    arm["platform"] = {{"os", "linux"}, {"architecture", "arm64"}};
    only.add_to_index(arm);
    only.write();
    ImageStore store(dir / "store");
    auto r = store.import(only.dir());
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message == "image layout `" + only.dir().string() + "`: no image for " +
                                   kubepp::runtime::host_platform() + " (it has linux/arm64)");
  }
  SECTION("by the config's") {
    b.write();
    ImageStore store(dir / "store");
    auto r = store.import(b.dir());
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message == "image layout `" + b.dir().string() + "`: manifest " + arm["digest"].get<std::string>() +
                                   " is an image for linux/arm64, and this machine is " +
                                   kubepp::runtime::host_platform());
    CHECK(tree(dir / "store") == std::vector<std::string>{"blobs", "blobs/sha256", "layers", "lock"});  // nothing half-imported
  }
}

TEST_CASE("a hostile or broken layout is refused, and nothing of it stays", "[root][image]") {
  TempDir dir("store");
  LayoutBuilder b(dir / "layout");
  const std::string where = "image layout `" + b.dir().string() + "`: ";
  ImageStore store(dir / "store");
  // A good image first: what it brought must survive every failed import below.
  {
    TempDir good_dir("store");
    LayoutBuilder good(good_dir / "layout");
    good.image({good.layer(base_tar())}, kConfig, "docker.io/library/good:v1");
    good.write();
    REQUIRE(store.import(good.dir()).ok());
  }
  const auto before = tree(dir / "store");
  auto refused = [&](const std::string& message) {
    auto r = store.import(b.dir());
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message == message);
    CHECK(tree(dir / "store") == before);
    CHECK(store.find("good:v1").ok());
  };

  SECTION("a blob whose bytes are not its digest") {
    auto layer = b.layer(top_tar());
    b.image({layer}, kConfig, "docker.io/library/bad:v1");
    b.write();
    const fs::path blob = b.path_of(layer.descriptor);
    std::string bytes = slurp(blob);
    bytes[bytes.size() / 2] ^= 1;
    std::ofstream(blob, std::ios::binary) << bytes;
    auto r = store.import(b.dir());
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.error().message, Catch::StartsWith(where + "blob " + layer.descriptor["digest"].get<std::string>() +
                                                    " does not match its descriptor: "));
    CHECK(tree(dir / "store") == before);
  }
  SECTION("a layer that writes outside its directory") {
    TarWriter evil;
    evil.file("../escaped", "x");
    b.image({b.layer(evil)}, kConfig, "docker.io/library/bad:v1");
    b.write();
    auto r = store.import(b.dir());
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.error().message, Catch::Contains("entry `../escaped`"));
    CHECK_FALSE(fs::exists(dir / "store/escaped"));
    CHECK(tree(dir / "store") == before);
  }
  SECTION("a layer with a device node") {
    TarWriter evil;
    evil.device("sda", '4', 8, 0);
    b.image({b.layer(evil)}, kConfig, "docker.io/library/bad:v1");
    b.write();
    auto r = store.import(b.dir());
    REQUIRE_FALSE(r.ok());
    CHECK_THAT(r.error().message, Catch::Contains("entry `sda`"));
    CHECK(tree(dir / "store") == before);
  }
  SECTION("a config whose diff_ids are not the layers'") {
    auto layer = b.layer(top_tar());
    layer.diff_id = kubepp::runtime::sha256("something else").str();
    json manifest = b.image({layer}, kConfig, "docker.io/library/bad:v1");
    b.write();
    refused(where + "manifest " + manifest["digest"].get<std::string>() +
            ": layers[0]: the unpacked layer's digest is " + kubepp::runtime::sha256(top_tar().tar()).str() +
            ", but the config's diff_id is " + layer.diff_id);
  }
  SECTION("a missing blob") {
    auto layer = b.layer(top_tar());
    b.image({layer}, kConfig, "docker.io/library/bad:v1");
    b.write();
    fs::remove(b.path_of(layer.descriptor));
    refused(where + "blob " + layer.descriptor["digest"].get<std::string>() + " is missing");
  }
  SECTION("a zstd layer") {
    auto layer = b.layer(top_tar());
    layer.descriptor["mediaType"] = "application/vnd.oci.image.layer.v1.tar+zstd";
    json manifest = b.image({layer}, kConfig, "docker.io/library/bad:v1");
    b.write();
    refused(where + "manifest " + manifest["digest"].get<std::string>() +
            ": layers[0]: unsupported media type `application/vnd.oci.image.layer.v1.tar+zstd` (zstd layers are not "
            "supported)");
  }
  SECTION("a bad reference in the annotations") {
    b.image({b.layer(top_tar())}, kConfig, "docker.io/library/Bad:v1");
    b.write();
    refused(where + "index.json: manifests[0]: image reference `docker.io/library/Bad:v1`: repository name must be "
                    "lowercase");
  }
  SECTION("no oci-layout file") {
    b.image({b.layer(top_tar())}, kConfig, "docker.io/library/bad:v1");
    b.write();
    fs::remove(b.dir() / "oci-layout");
    refused(where + "no valid `oci-layout` file (want {\"imageLayoutVersion\": \"1.0.0\"})");
  }
  SECTION("a descriptor without a size") {
    json manifest = b.image({b.layer(top_tar())}, kConfig, "docker.io/library/bad:v1");
    TempDir other("store");
    LayoutBuilder broken(other / "layout");
    manifest.erase("size");
    broken.add_to_index(manifest);
    broken.write();
    auto r = store.import(broken.dir());
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().message == "image layout `" + broken.dir().string() + "`: index.json: manifests[0].size: want a byte count");
  }
}

TEST_CASE("removing images: untag, delete, keep what others or containers use", "[root][image]") {
  TempDir dir("store");
  LayoutBuilder b(dir / "layout");
  auto base = b.layer(base_tar());
  auto top = b.layer(top_tar());
  b.image({base, top}, kConfig, "docker.io/library/app:v1");
  b.image({base, top}, kConfig, "docker.io/library/app:stable");  // the same manifest, a second name
  b.image({base}, {{"Cmd", {"sh"}}}, "docker.io/library/base:v1");
  b.write();
  ImageStore store(dir / "store");
  REQUIRE(store.import(b.dir()).ok());
  const StoredImage app = store.find("app:v1").value();
  CHECK(app.references == std::vector<std::string>{"docker.io/library/app:stable", "docker.io/library/app:v1"});
  const auto layers = store.rootfs(app).layers;

  SECTION("an id with several names needs --force") {
    auto r = store.remove(app.id.hex.substr(0, 12), {}, false);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error().code == ErrorCode::Conflict);
    auto forced = store.remove(app.id.hex.substr(0, 12), {}, true);
    REQUIRE(forced.ok());
    CHECK(forced.value() == std::vector<std::string>{"Untagged: app:stable", "Untagged: app:v1", "Deleted: " + app.id.str()});
  }
  SECTION("one name goes, then the last one deletes what only it used") {
    CHECK(store.remove("app:stable", {}, false).value() == std::vector<std::string>{"Untagged: app:stable"});
    CHECK(fs::exists(layers[0]));
    CHECK(store.remove("app:v1", {}, false).value() ==
          std::vector<std::string>{"Untagged: app:v1", "Deleted: " + app.id.str()});
    CHECK_FALSE(fs::exists(layers[0]));  // the top layer was app's alone
    CHECK(fs::exists(layers[1]));        // the base layer is base:v1's too
    CHECK_FALSE(fs::exists(dir / "store/blobs/sha256" / app.manifest.hex));
    CHECK(store.list().size() == 1);
    REQUIRE(store.remove("base:v1", {}, false).ok());
    CHECK(tree(dir / "store") == std::vector<std::string>{"blobs", "blobs/sha256", "index.json", "layers", "lock"});
  }
  SECTION("a container's layers stay while it exists") {
    const std::set<fs::path> in_use(layers.begin(), layers.end());
    REQUIRE(store.remove("app:stable", in_use, false).ok());
    auto refused = store.remove("app:v1", in_use, false);
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().code == ErrorCode::Conflict);
    CHECK(refused.error().message == "image `app:v1` is used by a container (layer " + layers[0].filename().string() +
                                         "): remove the container first, or use --force");
    REQUIRE(store.remove("app:v1", in_use, true).ok());
    CHECK(fs::exists(layers[0]));  // still mounted by the container
    CHECK_FALSE(store.find("app:v1").ok());
  }
}

TEST_CASE("a built-in image is imported the first time it is pulled", "[root][image]") {
  TempDir dir("store");
  LayoutBuilder b(dir / "builtin/docker.io/library/tiny");
  const json manifest = b.image({b.layer(base_tar())}, kConfig, "docker.io/library/tiny:1.0", "1.0");
  b.write();
  ::setenv("KUBEPP_IMAGES", (dir / "builtin").c_str(), 1);
  {
    ImageStore by_digest(dir / "other-store");  // a pinned reference pulls too
    auto pinned = by_digest.pull("tiny@" + manifest["digest"].get<std::string>());
    REQUIRE(pinned.ok());
    CHECK(pinned.value().manifest.str() == manifest["digest"]);
  }
  ImageStore store(dir / "store");
  CHECK_FALSE(store.find("tiny:1.0").ok());
  auto pulled = store.pull("tiny:1.0");
  ::unsetenv("KUBEPP_IMAGES");
  REQUIRE(pulled.ok());
  CHECK(pulled.value().references == std::vector<std::string>{"docker.io/library/tiny:1.0"});
  CHECK(store.find("tiny:1.0").ok());
  auto unknown = store.pull("nosuch:1.0");
  REQUIRE_FALSE(unknown.ok());
  CHECK(unknown.error().code == ErrorCode::NotFound);
  CHECK_THAT(unknown.error().message, Catch::StartsWith("image `nosuch:1.0` not found: not in the store"));
}

TEST_CASE("a layout umoci wrote imports", "[root][image]") {
  TempDir dir("store");
  const std::string layout = (dir / "layout").string();
  fs::create_directories(dir / "bundle");
  auto sh = [](const std::string& command) { return std::system((command + " >/dev/null 2>&1").c_str()); };
  REQUIRE(sh("umoci init --layout " + layout) == 0);
  REQUIRE(sh("umoci new --image " + layout + ":v1") == 0);
  fs::create_directories(dir / "files/etc");
  std::ofstream(dir / "files/etc/greeting") << "hello from umoci\n";
  REQUIRE(sh("umoci insert --image " + layout + ":v1 " + (dir / "files/etc").string() + " /etc") == 0);
  REQUIRE(sh("umoci config --image " + layout + ":v1 --config.cmd /bin/sh --config.env GREETING=1") == 0);

  ImageStore store(dir / "store");
  auto imported = store.import(layout, "umoci-made");
  INFO((imported.ok() ? "" : imported.error().message));
  REQUIRE(imported.ok());
  const StoredImage& image = imported.value().at(0);
  CHECK(image.references == std::vector<std::string>{"docker.io/library/umoci-made:v1"});
  CHECK(image.config.cmd == std::vector<std::string>{"/bin/sh"});
  CHECK(std::find(image.config.env.begin(), image.config.env.end(), "GREETING=1") != image.config.env.end());
  auto layers = store.rootfs(image).layers;
  REQUIRE_FALSE(layers.empty());
  CHECK(slurp(layers.front() / "etc/greeting") == "hello from umoci\n");
}

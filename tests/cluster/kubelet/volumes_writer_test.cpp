// volumes_writer_test.cpp — the AtomicWriter (cluster/kubelet/atomic_writer.h) on its own:
// the ..data layout, an update that swaps versions and prunes what went away, a rewrite of
// the same bytes that writes nothing, the paths it refuses, and a failed write that
// leaves the published version as it was. And the payloads of the file-projecting plugins
// (cluster/kubelet/volumes_payload.h), computed without a filesystem.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "cluster/kubelet/atomic_writer.h"
#include "cluster/kubelet/volumes_payload.h"
#include "tests/cluster/api/fixtures.h"
#include "tests/support/temp_dir.h"

using namespace kubepp;
using namespace kubepp::kubelet;
using api::core_v1::ConfigMap;
using api::core_v1::KeyToPath;
using api::testing::decode_as;
using kubepp::testing::TempDir;
namespace fs = std::filesystem;

namespace {

std::string contents(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

std::string version_of(const fs::path& dir) { return fs::read_symlink(dir / "..data").string(); }

}  // namespace

TEST_CASE("an AtomicWriter update swaps versions and prunes what went away", "[unit][kubelet][volumes]") {
  TempDir dir("writer");
  AtomicWriter writer(dir.path());
  REQUIRE(writer.write({{"a", {"1", 0644}}, {"conf/b", {"2", 0600}}, {"conf/c", {"3", 0644}}}).ok());
  const std::string first = version_of(dir.path());
  CHECK(names_in(dir.path()) == std::vector<std::string>{first, "..data", "a", "conf"});

  SECTION("the same bytes again write nothing") {
    REQUIRE(writer.write({{"a", {"1", 0644}}, {"conf/b", {"2", 0600}}, {"conf/c", {"3", 0644}}}).ok());
    CHECK(version_of(dir.path()) == first);
  }
  SECTION("a new version replaces the old one, which is removed") {
    REQUIRE(writer.write({{"conf/b", {"two", 0600}}, {"d", {"4", 0644}}}).ok());
    const std::string second = version_of(dir.path());
    CHECK(second != first);
    CHECK(names_in(dir.path()) == std::vector<std::string>{second, "..data", "conf", "d"});
    CHECK(contents(dir / "conf/b") == "two");
    CHECK_FALSE(fs::exists(dir / "conf/c"));
    CHECK(names_in(dir / second / "conf") == std::vector<std::string>{"b"});
  }
  SECTION("a link the writer lost is made again, even when nothing changed") {
    fs::remove(dir / "a");
    REQUIRE(writer.write({{"a", {"1", 0644}}, {"conf/b", {"2", 0600}}, {"conf/c", {"3", 0644}}}).ok());
    CHECK(fs::read_symlink(dir / "a") == "..data/a");
    CHECK(version_of(dir.path()) == first);
  }
  SECTION("a failing set_perms leaves the old version published and no new one behind") {
    auto failing = [] { return Status(Error{ErrorCode::Internal, "chown: EPERM"}); };
    Status s = writer.write({{"a", {"changed", 0644}}}, failing);
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().message == "chown: EPERM");
    CHECK(version_of(dir.path()) == first);
    CHECK(contents(dir / "a") == "1");
    CHECK(names_in(dir.path()) == std::vector<std::string>{first, "..data", "a", "conf"});
  }
}

TEST_CASE("the AtomicWriter refuses paths it cannot keep inside its directory", "[unit][kubelet][volumes]") {
  auto refused = [](const std::string& path) {
    Status s = validate_payload_path(path);
    return s.ok() ? std::string("ok") : s.error().message;
  };
  CHECK(refused("a/b.conf") == "ok");
  CHECK(refused("./a//b") == "ok");
  CHECK(refused("..a") == "invalid path: must not start with '..': ..a");
  CHECK(refused("a/..b") == "ok");
  CHECK(refused("") == "invalid path: must not be empty: \"\"");
  CHECK(refused("/etc/passwd") == "invalid path: must be relative path: /etc/passwd");
  CHECK(refused("a/../../b") == "invalid path: must not contain '..': a/../../b");
  CHECK(refused(std::string(256, 'x')) == "invalid path: filenames must be less than or equal to 255 characters");
  CHECK(refused("a" + std::string(4096, '/')) == "invalid path: must be less than or equal to 4096 characters");
  Status both = validate_payload({{"a", {}}, {"a/b", {}}});
  REQUIRE_FALSE(both.ok());
  CHECK(both.error().message == "invalid path: a is a file, and the directory of a/b");
}

TEST_CASE("configMap and secret payloads: every key, or the items' keys at their paths", "[unit][kubelet][volumes]") {
  ConfigMap cm = decode_as<ConfigMap>(
      "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app}\ndata: {a: A, b: B}\nbinaryData: {bin: AAE=}\n");
  SECTION("without items, each key with the default mode") {
    Result<Payload> p = config_map_payload({}, cm, 0640, false);
    REQUIRE(p.ok());
    CHECK(p.value().size() == 3);
    CHECK(p.value().at("bin").data == std::string("\0\1", 2));
    CHECK(p.value().at("a").mode == 0640);
  }
  SECTION("items rename, and their mode wins") {
    const std::vector<KeyToPath> items = {KeyToPath{"a", "x/y", 0600}, KeyToPath{"b", "b", std::nullopt}};
    Result<Payload> p = config_map_payload(items, cm, 0644, false);
    REQUIRE(p.ok());
    CHECK(p.value().size() == 2);
    CHECK(p.value().at("x/y").data == "A");
    CHECK(p.value().at("x/y").mode == 0600);
    CHECK(p.value().at("b").mode == 0644);
  }
  SECTION("a missing object or key") {
    StaticObjects none;
    Result<ConfigMap> missing = volume_config_map(none, "shop", "app", false);
    REQUIRE_FALSE(missing.ok());
    CHECK(missing.error().message == "configmap \"app\" not found");
    CHECK(volume_config_map(none, "shop", "app", true).ok());
    Result<api::core_v1::Secret> secret = volume_secret(none, "shop", "db", false);
    REQUIRE_FALSE(secret.ok());
    CHECK(secret.error().message == "secret \"db\" not found");
    Result<Payload> key = secret_payload({KeyToPath{"k", "k", std::nullopt}}, api::core_v1::Secret{}, 0644, false);
    REQUIRE_FALSE(key.ok());
    CHECK(key.error().message == "references non-existent secret key: k");
  }
}

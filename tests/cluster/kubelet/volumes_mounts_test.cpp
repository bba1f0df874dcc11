// volumes_mounts_test.cpp — a container's volumeMounts as bind mounts for the runtime
// (cluster/kubelet/volumes.h: container_mounts): read-only where the mount or the volume
// says so, errors that name the field, and subPath — made inside the volume when missing,
// refused when it climbs out, through `..` or through a symlink a container left there,
// and pinned by a bind mount of what was checked (root).
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "cluster/kubelet/volumes.h"
#include "cluster/kubelet/volumes_fs.h"
#include "tests/cluster/api/fixtures.h"
#include "runtime/base/files.h"
#include "tests/support/leak_check.h"
#include "tests/support/temp_dir.h"

using namespace kubepp;
using namespace kubepp::kubelet;
using api::core_v1::ConfigMap;
using api::core_v1::Pod;
using api::testing::decode_as;
using kubepp::testing::TempDir;
using runtime::cri::Mount;
namespace fs = std::filesystem;

namespace {

// A pod with the volumes every case uses, and `containers` (YAML, indented by two spaces).
Pod pod_with(const std::string& containers) {
  return decode_as<Pod>(R"(
apiVersion: v1
kind: Pod
metadata: {name: web, namespace: shop, uid: 9a1e}
spec:
  volumes:
  - {name: data, emptyDir: {}}
  - {name: cfg, configMap: {name: app}}
)" + containers);
}

// The pod's volumes, set up in a temp dir, and torn down at the end.
struct Volumes {
  TempDir tmp{"mounts"};
  fs::path pod_dir = tmp / "pods/9a1e";
  PodVolumes volumes;
  fs::path data = volume_dir(pod_dir, kEmptyDirPlugin, "data");
  fs::path cfg = volume_dir(pod_dir, kConfigMapPlugin, "cfg");

  explicit Volumes(const Pod& pod) {
    StaticObjects objects;
    objects.add(decode_as<ConfigMap>("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: app, namespace: shop}\n"
                                     "data: {app.conf: listen 80}\n"));
    Result<PodVolumes> v = set_up_volumes(pod, pod_dir, objects, NodeAllocatable{});
    REQUIRE(v.ok());
    volumes = v.value();
  }
  ~Volumes() { (void)tear_down_volumes(pod_dir); }
};

Result<std::vector<Mount>> mounts_of(const Pod& pod, const Volumes& v, size_t container = 0,
                                     const std::map<std::string, std::string>& env = {}) {
  return container_mounts(pod, pod.spec.containers[container], v.volumes, env, {});  // resolved, not pinned
}

std::string error_of(const Result<std::vector<Mount>>& r) { return r.ok() ? "ok" : r.error().message; }

mode_t mode_of(const fs::path& p) {
  struct stat st{};
  REQUIRE(::lstat(p.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

}  // namespace

TEST_CASE("each volumeMount is a bind mount of its volume, read-only when mount or volume says so",
          "[unit][kubelet][volumes]") {
  Pod pod = pod_with(R"(  containers:
  - name: app
    image: busybox
    volumeMounts:
    - {name: data, mountPath: /data}
    - {name: data, mountPath: /ro, readOnly: true}
    - {name: cfg, mountPath: /etc/app}
    - {name: data, mountPath: relative/path}
)");
  Volumes v(pod);
  Result<std::vector<Mount>> m = mounts_of(pod, v);
  REQUIRE(m.ok());
  REQUIRE(m.value().size() == 4);
  CHECK(m.value()[0].container_path == "/data");
  CHECK(m.value()[0].host_path == v.data.string());
  CHECK_FALSE(m.value()[0].readonly);
  CHECK(m.value()[1].readonly);
  CHECK(m.value()[2].host_path == v.cfg.string());
  CHECK(m.value()[2].readonly);  // a configMap is always read-only
  CHECK(m.value()[3].container_path == "/relative/path");
}

TEST_CASE("a volumeMount of no volume is refused, naming the container's field", "[unit][kubelet][volumes]") {
  Pod pod = pod_with(R"(  initContainers:
  - {name: init, image: busybox, volumeMounts: [{name: nope, mountPath: /x}]}
  containers:
  - {name: app, image: busybox}
  - name: side
    image: busybox
    volumeMounts:
    - {name: data, mountPath: /data}
    - {name: logs, mountPath: /logs}
)");
  Volumes v(pod);
  Result<std::vector<Mount>> m = mounts_of(pod, v, 1);
  REQUIRE_FALSE(m.ok());
  CHECK(m.error().code == ErrorCode::Invalid);
  CHECK(m.error().message == "spec.containers[1].volumeMounts[1].name: Not found: \"logs\": no volume of this name in "
                             "spec.volumes to mount into container \"side\"");
  CHECK(error_of(container_mounts(pod, pod.spec.initContainers[0], v.volumes, {}, {})) ==
        "spec.initContainers[0].volumeMounts[0].name: Not found: \"nope\": no volume of this name in spec.volumes to "
        "mount into container \"init\"");
}

TEST_CASE("a missing subPath is made as a directory inside the volume, with the volume's mode",
          "[unit][kubelet][volumes]") {
  Pod pod = pod_with(R"(  containers:
  - name: app
    image: busybox
    volumeMounts:
    - {name: data, mountPath: /logs, subPath: app/logs}
    - {name: data, mountPath: /logs2, subPath: app/logs}
)");
  Volumes v(pod);
  Result<std::vector<Mount>> m = mounts_of(pod, v);
  REQUIRE(m.ok());
  CHECK(m.value()[0].host_path == (v.data / "app/logs").string());
  CHECK(m.value()[1].host_path == m.value()[0].host_path);
  CHECK(mode_of(v.data / "app") == 0777);
  CHECK(mode_of(v.data / "app/logs") == 0777);
}

TEST_CASE("a subPath may not be absolute or climb with '..'", "[unit][kubelet][volumes]") {
  auto refused = [](const std::string& sub) {
    Pod pod = pod_with("  containers:\n  - name: app\n    image: busybox\n    volumeMounts:\n"
                       "    - {name: data, mountPath: /x, subPath: \"" + sub + "\"}\n");
    Volumes v(pod);
    Result<std::vector<Mount>> m = mounts_of(pod, v);
    REQUIRE_FALSE(m.ok());
    CHECK(m.error().code == ErrorCode::Invalid);
    return m.error().message;
  };
  CHECK(refused("/etc") ==
        "spec.containers[0].volumeMounts[0].subPath: Invalid value: \"/etc\": must not be an absolute path");
  CHECK(refused("a/../../b") ==
        "spec.containers[0].volumeMounts[0].subPath: Invalid value: \"a/../../b\": must not contain '..'");
  CHECK(refused("..") == "spec.containers[0].volumeMounts[0].subPath: Invalid value: \"..\": must not contain '..'");
}

TEST_CASE("a subPath through a symlink a container left is followed only inside the volume",
          "[unit][kubelet][volumes]") {
  Pod pod = pod_with("  containers: [{name: app, image: busybox}]\n");
  Volumes v(pod);
  // What a container running as root could leave in its emptyDir.
  fs::create_directories(v.data / "real/dir");
  fs::create_symlink("/etc", v.data / "escape");
  fs::create_symlink("../../../../../../../../etc", v.data / "climb");
  fs::create_symlink("real", v.data / "inside");
  fs::create_symlink("/", v.data / "root");
  auto mount_of = [&](const std::string& sub) {
    Pod p = pod;
    api::core_v1::VolumeMount& m = p.spec.containers[0].volumeMounts.emplace_back();
    m.name = "data";
    m.mountPath = "/x";
    m.subPath = sub;
    return mounts_of(p, v);
  };
  for (const char* sub : {"escape", "escape/passwd", "climb", "root", "escape/kubepp-created-by-test"}) {
    DYNAMIC_SECTION(sub) {
      Result<std::vector<Mount>> m = mount_of(sub);
      REQUIRE_FALSE(m.ok());
      CHECK(m.error().message ==
            "spec.containers[0].volumeMounts[0].subPath: Invalid value: \"" + std::string(sub) +
                "\": leads outside the volume");
    }
  }
  CHECK_FALSE(fs::exists("/etc/kubepp-created-by-test"));
  SECTION("a symlink that stays inside is followed, and the real path mounted") {
    Result<std::vector<Mount>> m = mount_of("inside/dir");
    REQUIRE(m.ok());
    CHECK(m.value()[0].host_path == (v.data / "real/dir").string());
  }
}

TEST_CASE("a subPath of a configMap key mounts the key's file, not its link", "[unit][kubelet][volumes]") {
  Pod pod = pod_with(R"(  containers:
  - name: app
    image: busybox
    volumeMounts:
    - {name: cfg, mountPath: /etc/nginx/app.conf, subPath: app.conf}
)");
  Volumes v(pod);
  Result<std::vector<Mount>> m = mounts_of(pod, v);
  REQUIRE(m.ok());
  const fs::path version = v.cfg / fs::read_symlink(v.cfg / "..data");
  CHECK(m.value()[0].host_path == (version / "app.conf").string());
  CHECK(m.value()[0].readonly);
}

TEST_CASE("a subPathExpr expands the container's environment first", "[unit][kubelet][volumes]") {
  Pod pod = pod_with(R"(  containers:
  - name: app
    image: busybox
    volumeMounts:
    - {name: data, mountPath: /logs, subPathExpr: "$(POD_NAME)/logs$$"}
)");
  Volumes v(pod);
  SECTION("with every variable set") {
    Result<std::vector<Mount>> m = mounts_of(pod, v, 0, {{"POD_NAME", "web-1"}});
    REQUIRE(m.ok());
    CHECK(m.value()[0].host_path == (v.data / "web-1/logs$").string());
  }
  SECTION("a variable unset or empty is an error naming each") {
    pod.spec.containers[0].volumeMounts[0].subPathExpr = "$(A)/$(POD_NAME)/$(B)";
    CHECK(error_of(mounts_of(pod, v, 0, {{"B", ""}})) ==
          "spec.containers[0].volumeMounts[0].subPathExpr: Invalid value: \"$(A)/$(POD_NAME)/$(B)\": missing value "
          "for A, B, POD_NAME");
  }
  SECTION("what it expands to is checked as a subPath is") {
    CHECK(error_of(mounts_of(pod, v, 0, {{"POD_NAME", ".."}})) ==
          "spec.containers[0].volumeMounts[0].subPathExpr: Invalid value: \"../logs$\": must not contain '..'");
  }
}

TEST_CASE("mount propagation and recursive read-only mounts are refused", "[unit][kubelet][volumes]") {
  Pod pod = pod_with(R"(  containers:
  - name: app
    image: busybox
    volumeMounts:
    - {name: data, mountPath: /a, mountPropagation: None, recursiveReadOnly: Disabled}
    - {name: data, mountPath: /b, mountPropagation: HostToContainer}
)");
  Volumes v(pod);
  CHECK(error_of(mounts_of(pod, v)) == "spec.containers[0].volumeMounts[1].mountPropagation: Unsupported value: "
                                       "\"HostToContainer\": supported values: \"None\"");
  pod.spec.containers[0].volumeMounts[1].mountPropagation.reset();
  pod.spec.containers[0].volumeMounts[1].readOnly = true;
  pod.spec.containers[0].volumeMounts[1].recursiveReadOnly = "Enabled";
  CHECK(error_of(mounts_of(pod, v)) == "spec.containers[0].volumeMounts[1].recursiveReadOnly: Unsupported value: "
                                       "\"Enabled\": supported values: \"Disabled\", \"IfPossible\"");
}

ROOT_TEST_CASE("a subPath is pinned: a symlink swapped in after the check changes nothing mounted",
               "[root][kubelet][volumes]") {
  Pod pod = pod_with(R"(  containers:
  - name: app
    image: busybox
    volumeMounts:
    - {name: data, mountPath: /logs, subPath: app/logs}
    - {name: cfg, mountPath: /etc/app.conf, subPath: app.conf}
)");
  Volumes v(pod);
  fs::create_directories(v.data / "app/logs");
  REQUIRE(write_file(v.data / "app/logs/marker", "ours\n"));
  auto pin = [&] { return container_mounts(pod, pod.spec.containers[0], v.volumes, {}, v.pod_dir); };
  Result<std::vector<Mount>> m = pin();
  REQUIRE(m.ok());
  const fs::path logs = v.pod_dir / "volume-subpaths/data/app/0";
  const fs::path conf = v.pod_dir / "volume-subpaths/cfg/app/1";
  CHECK(m.value()[0].host_path == logs.string());
  CHECK(m.value()[1].host_path == conf.string());
  CHECK(fs::is_directory(logs));
  CHECK(read_file(conf) == "listen 80");  // a file pinned on a file

  // What a container sharing the emptyDir can do between the check and the runtime's
  // mount: put a symlink to the host's /etc where the checked directory was.
  fs::rename(v.data / "app/logs", v.data / "app/moved");
  fs::create_symlink("/etc", v.data / "app/logs");
  CHECK(read_file(logs / "marker") == "ours\n");
  CHECK_FALSE(fs::exists(logs / "passwd"));
  // The next start checks again, and refuses.
  Result<std::vector<Mount>> swapped = pin();
  REQUIRE_FALSE(swapped.ok());
  CHECK_THAT(swapped.error().message, Catch::Contains("leads outside the volume"));

  // Put back, it is pinned again in place of the first pin, not on top of it.
  fs::remove(v.data / "app/logs");
  fs::rename(v.data / "app/moved", v.data / "app/logs");
  REQUIRE(pin().ok());
  CHECK(mounts_below(fs::canonical(logs)).size() == 1);
  CHECK(read_file(logs / "marker") == "ours\n");

  REQUIRE(tear_down_volumes(v.pod_dir).ok());
  CHECK_FALSE(fs::exists(v.pod_dir / "volume-subpaths"));
}

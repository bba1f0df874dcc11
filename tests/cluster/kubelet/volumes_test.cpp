// volumes_test.cpp — a pod's volumes on the node (cluster/kubelet/volumes.h): what each
// plugin's SetUp leaves under <pod>/volumes, what kubepp refuses before making anything,
// that a failed set-up takes back what it made, and that tear-down unmounts and removes
// everything, also from a fresh process. [unit] cases need no privileges; [root] cases
// mount tmpfs or change owners, under the leak check.
#include <catch2/catch.hpp>

#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>

#include "cluster/kubelet/volumes.h"
#include "cluster/kubelet/volumes_fs.h"
#include "tests/cluster/api/fixtures.h"
#include "tests/support/leak_check.h"
#include "tests/support/temp_dir.h"

using namespace kubepp;
using namespace kubepp::kubelet;
using api::core_v1::ConfigMap;
using api::core_v1::Pod;
using api::core_v1::Secret;
using api::testing::decode_as;
using kubepp::testing::TempDir;
namespace fs = std::filesystem;

namespace {

// A Pod of namespace "shop" with `spec` (YAML, indented by two spaces).
Pod pod_with(const std::string& spec) {
  return decode_as<Pod>(R"(
apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: shop
  uid: 7d3f0c52-0000-4000-8000-000000000001
  labels: {tier: front, app: web}
spec:
)" + spec);
}

StaticObjects shop_objects() {
  StaticObjects objects;
  objects.add(decode_as<ConfigMap>(R"(
apiVersion: v1
kind: ConfigMap
metadata: {name: app, namespace: shop}
data:
  app.conf: "listen 80\n"
  mode: production
binaryData:
  logo.png: iVBORw0KGgoA
)"));
  objects.add(decode_as<Secret>(R"(
apiVersion: v1
kind: Secret
metadata: {name: creds, namespace: shop}
data:
  token: AGJpbv9hcnkK
stringData:
  password: s3cr3t
)"));
  return objects;
}

// The files a test looks at, and a pod directory under a fresh temp dir.
struct PodDir {
  TempDir tmp{"volumes"};
  fs::path dir = tmp / "pods/7d3f0c52";
  fs::path volumes = dir / "volumes";
  fs::path volume(const char* plugin, const std::string& name) const { return volume_dir(dir, plugin, name); }
};

// Tears the pod's volumes down when the test ends, passed or not.
struct TearDownAtEnd {
  fs::path dir;
  ~TearDownAtEnd() { (void)tear_down_volumes(dir); }
};

struct stat lstat_of(const fs::path& p) {
  struct stat st{};
  REQUIRE(::lstat(p.c_str(), &st) == 0);
  return st;
}
mode_t mode_of(const fs::path& p) { return lstat_of(p).st_mode & 07777; }
bool present(const fs::path& p) {
  struct stat st{};
  return ::lstat(p.c_str(), &st) == 0;
}
std::string contents(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}
std::string link_of(const fs::path& p) { return fs::read_symlink(p).string(); }

// The names in `dir`, sorted.
std::vector<std::string> names_in(const fs::path& dir) {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(dir)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

// Sets a umask for one test (the process's; tests run on one thread).
struct Umask {
  explicit Umask(mode_t mask) : old(::umask(mask)) {}
  ~Umask() { ::umask(old); }
  mode_t old;
};

const std::regex kVersionDir(R"(\.\.\d{4}_\d\d_\d\d_\d\d_\d\d_\d\d\.\d+)");

}  // namespace

// ---- emptyDir ---------------------------------------------------------------------------------

TEST_CASE("an emptyDir is a directory of mode 0777 whatever the umask", "[unit][kubelet][volumes]") {
  PodDir pod;
  Umask strict(077);
  Result<PodVolumes> v = set_up_volumes(pod_with("  volumes: [{name: scratch, emptyDir: {}}, {name: bare}]\n"),
                                        pod.dir, StaticObjects{}, NodeAllocatable{});
  REQUIRE(v.ok());
  const fs::path scratch = pod.volume(kEmptyDirPlugin, "scratch");
  CHECK(v.value().at("scratch").path == scratch);
  CHECK(v.value().at("scratch").plugin == kEmptyDirPlugin);
  CHECK_FALSE(v.value().at("scratch").read_only);
  CHECK(mode_of(scratch) == 0777);
  SECTION("a volume with no source is an emptyDir") { CHECK(mode_of(pod.volume(kEmptyDirPlugin, "bare")) == 0777); }
  SECTION("set up again, it keeps its files") {
    std::ofstream(scratch / "data") << "kept";
    REQUIRE(set_up_volumes(pod_with("  volumes: [{name: scratch, emptyDir: {}}]\n"), pod.dir, StaticObjects{},
                           NodeAllocatable{}).ok());
    CHECK(contents(scratch / "data") == "kept");
  }
  SECTION("tear-down removes the volumes, and again is fine") {
    REQUIRE(tear_down_volumes(pod.dir).ok());
    CHECK_FALSE(present(pod.volumes));
    CHECK(present(pod.dir));
    CHECK(tear_down_volumes(pod.dir).ok());
    CHECK(tear_down_volumes(pod.tmp / "no-such-pod").ok());
  }
}

// ---- hostPath -----------------------------------------------------------------------------------

TEST_CASE("a hostPath's type is checked as Kubernetes checks it", "[unit][kubelet][volumes]") {
  PodDir pod;
  const fs::path host = pod.tmp / "host";
  fs::create_directories(host / "dir");
  std::ofstream(host / "file") << "x";
  fs::create_directory_symlink(host / "dir", host / "dir-link");
  auto set_up = [&](const std::string& path, const std::string& type) {
    const std::string volume = "{name: h, hostPath: {path: \"" + path + "\", type: \"" + type + "\"}}";
    return set_up_volumes(pod_with("  volumes: [" + volume + "]\n"), pod.dir, StaticObjects{}, NodeAllocatable{});
  };
  auto message = [](const Result<PodVolumes>& r) { return r.ok() ? std::string("ok") : r.error().message; };
  const std::string failed = "MountVolume.SetUp failed for volume \"h\" : ";
  const std::string h = host.string();

  SECTION("the path is mounted as it is, read-write, and no directory of ours is made") {
    Result<PodVolumes> v = set_up(h + "/dir", "Directory");
    REQUIRE(v.ok());
    CHECK(v.value().at("h").path == host / "dir");
    CHECK(v.value().at("h").plugin == kHostPathPlugin);
    CHECK_FALSE(v.value().at("h").read_only);
    CHECK_FALSE(present(pod.volumes));
  }
  SECTION("no type: no check, even of a missing path") { CHECK(message(set_up(h + "/missing", "")) == "ok"); }
  SECTION("Directory follows a symlink to a directory") {
    CHECK(message(set_up(h + "/dir-link", "Directory")) == "ok");
  }
  SECTION("Directory refuses a file, and a missing path") {
    CHECK(message(set_up(h + "/file", "Directory")) ==
          failed + "hostPath type check failed: " + h + "/file is not a directory, it's a File");
    Result<PodVolumes> missing = set_up(h + "/missing", "Directory");
    CHECK(message(missing) == failed + "hostPath " + h + "/missing doesn't exist");
    CHECK(missing.error().code == ErrorCode::NotFound);
  }
  SECTION("DirectoryOrCreate makes the directory and its parents, 0755") {
    REQUIRE(message(set_up(h + "/new/deeper", "DirectoryOrCreate")) == "ok");
    CHECK(mode_of(host / "new/deeper") == 0755);
    CHECK(message(set_up(h + "/file", "DirectoryOrCreate")) ==
          failed + "hostPath type check failed: " + h + "/file is not a directory, it's a File");
  }
  SECTION("FileOrCreate makes an empty file 0644, but not its parent") {
    REQUIRE(message(set_up(h + "/made", "FileOrCreate")) == "ok");
    CHECK(mode_of(host / "made") == 0644);
    CHECK(contents(host / "made").empty());
    CHECK(message(set_up(h + "/nodir/made", "FileOrCreate")) == failed + "create `" + h + "/nodir/made`: ENOENT");
  }
  SECTION("File refuses a directory") {
    CHECK(message(set_up(h + "/file", "File")) == "ok");
    CHECK(message(set_up(h + "/dir", "File")) ==
          failed + "hostPath type check failed: " + h + "/dir is not a file, it's a Directory");
  }
  SECTION("Socket wants a socket") {
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    const std::string path = h + "/sock";
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
    REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    CHECK(message(set_up(path, "Socket")) == "ok");
    ::close(fd);
    CHECK(message(set_up(h + "/file", "Socket")) ==
          failed + "hostPath type check failed: " + h + "/file is not a socket file, it's a File");
  }
  SECTION("CharDevice and BlockDevice") {
    CHECK(message(set_up("/dev/null", "CharDevice")) == "ok");
    CHECK(message(set_up("/dev/null", "BlockDevice")) ==
          failed + "hostPath type check failed: /dev/null is not a block device, it's a CharDevice");
  }
  SECTION("an unknown type") { CHECK(message(set_up(h, "Folder")) == failed + "Folder is an invalid volume type"); }
}

TEST_CASE("a hostPath must be absolute and free of '..', and nothing is made for a pod that has one",
          "[unit][kubelet][volumes]") {
  PodDir pod;
  auto refused = [&](const std::string& path) {
    Result<PodVolumes> v = set_up_volumes(pod_with(R"(  volumes:
  - {name: a, emptyDir: {}}
  - {name: b, configMap: {name: app}}
  - {name: h, hostPath: {path: ")" + path + "\"}}\n"),
                                          pod.dir, shop_objects(), NodeAllocatable{});
    REQUIRE_FALSE(v.ok());
    CHECK(v.error().code == ErrorCode::Invalid);
    CHECK_FALSE(present(pod.volumes));
    return v.error().message;
  };
  CHECK(refused("/var/../etc") ==
        "spec.volumes[2].hostPath.path: Invalid value: \"/var/../etc\": must not contain '..'");
  CHECK(refused("var/log") == "spec.volumes[2].hostPath.path: Invalid value: \"var/log\": must be an absolute path");
}

// ---- what kubepp does not set up ------------------------------------------------------------

TEST_CASE("volume types and sources kubepp does not support are refused by field", "[unit][kubelet][volumes]") {
  PodDir pod;
  auto refused = [&](const std::string& volumes) {
    Result<PodVolumes> v =
        set_up_volumes(pod_with("  volumes:\n" + volumes), pod.dir, shop_objects(), NodeAllocatable{});
    REQUIRE_FALSE(v.ok());
    CHECK(v.error().code == ErrorCode::Invalid);
    CHECK_FALSE(present(pod.volumes));
    return v.error().message;
  };
  CHECK(refused("  - {name: a, emptyDir: {}}\n  - {name: data, persistentVolumeClaim: {claimName: pvc}}\n") ==
        "spec.volumes[1].persistentVolumeClaim: Forbidden: persistentVolumeClaim volumes are not supported yet "
        "(supported: emptyDir, hostPath, configMap, secret, downwardAPI, projected)");
  CHECK(refused("  - {name: a, nfs: {server: nfs.example.com, path: /export}}\n") ==
        "spec.volumes[0].nfs: Forbidden: nfs volumes are not supported yet "
        "(supported: emptyDir, hostPath, configMap, secret, downwardAPI, projected)");
  CHECK(refused("  - {name: huge, emptyDir: {medium: HugePages-2Mi}}\n") ==
        "spec.volumes[0].emptyDir.medium: Unsupported value: \"HugePages-2Mi\": supported values: \"\", \"Memory\"");
  CHECK(refused("  - name: p\n    projected:\n      sources:\n      - configMap: {name: app}\n"
                "      - serviceAccountToken: {path: token}\n") ==
        "spec.volumes[0].projected.sources[1].serviceAccountToken: Forbidden: not supported yet");
  CHECK(refused("  - {name: twice, emptyDir: {}, configMap: {name: app}}\n") ==
        "spec.volumes[0]: Forbidden: may not specify more than 1 volume type");
  CHECK(refused("  - {name: a}\n  - {name: a}\n") == "spec.volumes[1].name: Duplicate value: \"a\"");
  CHECK(refused("  - {name: ../up}\n") == "spec.volumes[0].name: Invalid value: \"../up\": must be a DNS label");
  CHECK(refused("  - {name: c, configMap: {name: app, items: [{key: mode, path: m, mode: 4096}]}}\n") ==
        "spec.volumes[0].configMap.items[0].mode: Invalid value: 4096: must be a number between 0 and 0777 (octal), "
        "both inclusive");
}

// ---- configMap ------------------------------------------------------------------------------

TEST_CASE("a configMap volume shows each key as a link through ..data into a version directory",
          "[unit][kubelet][volumes]") {
  PodDir pod;
  Result<PodVolumes> v =
      set_up_volumes(pod_with("  volumes: [{name: cfg, configMap: {name: app}}]\n"), pod.dir, shop_objects(), {});
  REQUIRE(v.ok());
  const fs::path dir = pod.volume(kConfigMapPlugin, "cfg");
  CHECK(v.value().at("cfg").path == dir);
  CHECK(v.value().at("cfg").read_only);
  CHECK(mode_of(dir) == 0777);

  const std::string version = link_of(dir / "..data");
  CHECK(std::regex_match(version, kVersionDir));
  CHECK(mode_of(dir / version) == 0755);
  CHECK(names_in(dir) == std::vector<std::string>{version, "..data", "app.conf", "logo.png", "mode"});
  CHECK(link_of(dir / "app.conf") == "..data/app.conf");
  CHECK(link_of(dir / "mode") == "..data/mode");
  CHECK(S_ISREG(lstat_of(dir / version / "app.conf").st_mode));
  CHECK(mode_of(dir / version / "app.conf") == 0644);
  CHECK(contents(dir / "app.conf") == "listen 80\n");
  CHECK(contents(dir / "mode") == "production");
  CHECK(contents(dir / "logo.png") == std::string("\x89PNG\r\n\x1a\n\0", 9));  // binaryData, bytes as they are
}

TEST_CASE("a configMap volume's items choose, rename and mode its keys", "[unit][kubelet][volumes]") {
  PodDir pod;
  auto set_up = [&](const std::string& source) {
    return set_up_volumes(pod_with("  volumes: [{name: cfg, configMap: " + source + "}]\n"), pod.dir, shop_objects(),
                          NodeAllocatable{});
  };
  const fs::path dir = pod.volume(kConfigMapPlugin, "cfg");

  SECTION("only the items' keys, at their paths; a directory gets one top-level link") {
    REQUIRE(set_up("{name: app, defaultMode: 0440, items: [{key: app.conf, path: conf/nginx/app.conf}, "
                   "{key: mode, path: MODE, mode: 0600}]}")
                .ok());
    CHECK(names_in(dir).size() == 4);  // ..data, the version, conf, MODE
    CHECK(link_of(dir / "conf") == "..data/conf");
    CHECK(link_of(dir / "MODE") == "..data/MODE");
    CHECK(contents(dir / "conf/nginx/app.conf") == "listen 80\n");
    CHECK(mode_of(fs::canonical(dir / "conf/nginx/app.conf")) == 0440);
    CHECK(mode_of(fs::canonical(dir / "MODE")) == 0600);
  }
  SECTION("a missing key fails, unless the volume is optional") {
    Result<PodVolumes> v = set_up("{name: app, items: [{key: absent, path: a}]}");
    REQUIRE_FALSE(v.ok());
    CHECK(v.error().code == ErrorCode::NotFound);
    CHECK(v.error().message ==
          "MountVolume.SetUp failed for volume \"cfg\" : configmap references non-existent config key: absent");
    CHECK_FALSE(present(pod.volumes));
    REQUIRE(set_up("{name: app, optional: true, items: [{key: absent, path: a}, {key: mode, path: m}]}").ok());
    CHECK(contents(dir / "m") == "production");
    CHECK_FALSE(present(dir / "a"));
  }
  SECTION("a missing ConfigMap is NotFound in the kubelet's words, or an empty volume when optional") {
    Result<PodVolumes> v = set_up("{name: nope}");
    REQUIRE_FALSE(v.ok());
    CHECK(v.error().code == ErrorCode::NotFound);
    CHECK(v.error().message == "MountVolume.SetUp failed for volume \"cfg\" : configmap \"nope\" not found");
    CHECK_FALSE(present(pod.volumes));
    REQUIRE(set_up("{name: nope, optional: true}").ok());
    const std::string version = link_of(dir / "..data");
    CHECK(names_in(dir) == std::vector<std::string>{version, "..data"});
    CHECK(names_in(dir / version).empty());
  }
  SECTION("an item's path may not climb out or be absolute, whatever validation let through") {
    Result<PodVolumes> v = set_up("{name: app, items: [{key: mode, path: ../../escape}]}");
    REQUIRE_FALSE(v.ok());
    CHECK(v.error().message ==
          "MountVolume.SetUp failed for volume \"cfg\" : invalid path: must not contain '..': ../../escape");
    CHECK_FALSE(present(pod.volumes));
    v = set_up("{name: app, items: [{key: mode, path: /etc/escape}]}");
    REQUIRE_FALSE(v.ok());
    CHECK(v.error().message == "MountVolume.SetUp failed for volume \"cfg\" : invalid path: must be relative path: "
                               "/etc/escape");
    v = set_up("{name: app, items: [{key: mode, path: ..data}]}");
    REQUIRE_FALSE(v.ok());
    CHECK(v.error().message == "MountVolume.SetUp failed for volume \"cfg\" : invalid path: must not start with '..': "
                               "..data");
  }
}

TEST_CASE("a read-only volume holds the mount points of volumes mounted inside it", "[unit][kubelet][volumes]") {
  PodDir pod;
  Result<PodVolumes> v = set_up_volumes(pod_with(R"(  containers:
  - name: app
    image: busybox
    volumeMounts:
    - {name: cfg, mountPath: /etc/app}
    - {name: cache, mountPath: /etc/app/cache/}
    - {name: deeper, mountPath: /etc/app/cache/deeper}
  volumes:
  - {name: cfg, configMap: {name: app}}
  - {name: cache, emptyDir: {}}
  - {name: deeper, emptyDir: {}}
)"),
                                        pod.dir, shop_objects(), NodeAllocatable{});
  REQUIRE(v.ok());
  const fs::path dir = pod.volume(kConfigMapPlugin, "cfg");
  CHECK(S_ISDIR(lstat_of(dir / "cache").st_mode));
  CHECK(mode_of(dir / "cache") == 0755);
  CHECK_FALSE(present(dir / "cache/deeper"));  // the runtime makes it, in the writable emptyDir
}

// ---- downwardAPI ---------------------------------------------------------------------------

TEST_CASE("a downwardAPI volume holds the pod's fields, maps as sorted key=\"value\" lines",
          "[unit][kubelet][volumes]") {
  PodDir pod;
  Result<PodVolumes> v = set_up_volumes(pod_with(R"(  containers:
  - name: app
    image: busybox
    resources: {limits: {memory: 64Mi}}
  volumes:
  - name: info
    downwardAPI:
      defaultMode: 0400
      items:
      - {path: labels, fieldRef: {fieldPath: metadata.labels}}
      - {path: meta/name, fieldRef: {fieldPath: metadata.name}, mode: 0644}
      - {path: app, fieldRef: {fieldPath: "metadata.labels['app']"}}
      - {path: mem, resourceFieldRef: {containerName: app, resource: limits.memory, divisor: 1Mi}}
)"),
                                        pod.dir, StaticObjects{}, NodeAllocatable{});
  REQUIRE(v.ok());
  const fs::path dir = pod.volume(kDownwardAPIPlugin, "info");
  CHECK(v.value().at("info").read_only);
  CHECK(contents(dir / "labels") == "app=\"web\"\ntier=\"front\"");
  CHECK(contents(dir / "meta/name") == "web");
  CHECK(contents(dir / "app") == "web");
  CHECK(contents(dir / "mem") == "64");
  CHECK(mode_of(fs::canonical(dir / "labels")) == 0400);
  CHECK(mode_of(fs::canonical(dir / "meta/name")) == 0644);
  CHECK(link_of(dir / "meta") == "..data/meta");
}

// ---- failure ---------------------------------------------------------------------------------

TEST_CASE("a set-up that fails takes back what it made, and only that", "[unit][kubelet][volumes]") {
  PodDir pod;
  const std::string failing = R"(  volumes:
  - {name: scratch, emptyDir: {}}
  - {name: cfg, configMap: {name: app}}
  - {name: later, emptyDir: {}}
  - {name: gone, configMap: {name: nope}}
)";
  SECTION("on a new pod, nothing is left") {
    Result<PodVolumes> v = set_up_volumes(pod_with(failing), pod.dir, shop_objects(), NodeAllocatable{});
    REQUIRE_FALSE(v.ok());
    CHECK(v.error().message == "MountVolume.SetUp failed for volume \"gone\" : configmap \"nope\" not found");
    CHECK_FALSE(present(pod.dir));
  }
  SECTION("what an earlier set-up made stays") {
    REQUIRE(set_up_volumes(pod_with("  volumes: [{name: scratch, emptyDir: {}}]\n"), pod.dir, shop_objects(), {}).ok());
    std::ofstream(pod.volume(kEmptyDirPlugin, "scratch") / "data") << "kept";
    REQUIRE_FALSE(set_up_volumes(pod_with(failing), pod.dir, shop_objects(), NodeAllocatable{}).ok());
    CHECK(contents(pod.volume(kEmptyDirPlugin, "scratch") / "data") == "kept");
    CHECK_FALSE(present(pod.volume(kEmptyDirPlugin, "later")));
    CHECK_FALSE(present(pod.volumes / kConfigMapPlugin));
  }
}

// ---- tmpfs, secrets, projected, fsGroup: root ---------------------------------------------

ROOT_TEST_CASE("a Memory emptyDir is a tmpfs of the smallest of its limits, unmounted by tear-down",
               "[root][kubelet][volumes]") {
  PodDir pod;
  TearDownAtEnd teardown{pod.dir};
  auto tmpfs_bytes = [](const fs::path& dir) -> int64_t {
    struct statfs fs{};
    REQUIRE(::statfs(dir.c_str(), &fs) == 0);
    REQUIRE(fs.f_type == TMPFS_MAGIC);
    return static_cast<int64_t>(fs.f_blocks) * fs.f_bsize;
  };
  const std::string volume = "  volumes: [{name: shm, emptyDir: {medium: Memory, sizeLimit: 64Mi}}]\n";
  const fs::path dir = pod.volume(kEmptyDirPlugin, "shm");

  SECTION("its sizeLimit") {
    REQUIRE(set_up_volumes(pod_with(volume), pod.dir, StaticObjects{}, NodeAllocatable{}).ok());
    CHECK(tmpfs_bytes(dir) == 64 << 20);
    CHECK(mode_of(dir) == 01777);  // tmpfs' own root mode
    SECTION("set up again, it is not mounted twice") {
      REQUIRE(set_up_volumes(pod_with(volume), pod.dir, StaticObjects{}, NodeAllocatable{}).ok());
      std::ifstream mountinfo("/proc/self/mountinfo");
      int mounts = 0;
      for (std::string line; std::getline(mountinfo, line);) {
        mounts += line.find(dir.string() + " ") != std::string::npos;
      }
      CHECK(mounts == 1);
    }
  }
  SECTION("the pod's memory limit when smaller") {
    const std::string limited = "  containers: [{name: app, image: busybox, resources: {limits: {memory: 32Mi}}}]\n";
    REQUIRE(set_up_volumes(pod_with(limited + volume), pod.dir, StaticObjects{}, NodeAllocatable{}).ok());
    CHECK(tmpfs_bytes(dir) == 32 << 20);
  }
  SECTION("the node's allocatable memory when smaller") {
    NodeAllocatable node;
    node.resources["memory"] = api::Quantity::parse("16Mi").value();
    REQUIRE(set_up_volumes(pod_with(volume), pod.dir, StaticObjects{}, node).ok());
    CHECK(tmpfs_bytes(dir) == 16 << 20);
  }
  REQUIRE(tear_down_volumes(pod.dir).ok());
  CHECK_FALSE(present(pod.volumes));
  std::ifstream mountinfo("/proc/self/mountinfo");
  for (std::string line; std::getline(mountinfo, line);) CHECK(line.find(pod.dir.string()) == std::string::npos);
}

ROOT_TEST_CASE("tear-down works from a process that did not set the volumes up", "[root][kubelet][volumes]") {
  PodDir pod;
  TearDownAtEnd teardown{pod.dir};
  REQUIRE(set_up_volumes(pod_with("  volumes: [{name: shm, emptyDir: {medium: Memory}}, {name: s, secret: "
                                  "{secretName: creds}}]\n"),
                         pod.dir, shop_objects(), NodeAllocatable{})
              .ok());
  pid_t child = ::fork();
  if (child == 0) _exit(tear_down_volumes(pod.dir).ok() ? 0 : 1);
  int status = 0;
  REQUIRE(::waitpid(child, &status, 0) == child);
  CHECK(WIFEXITED(status));
  CHECK(WEXITSTATUS(status) == 0);
  CHECK_FALSE(present(pod.volumes));
}

ROOT_TEST_CASE("a secret volume's bytes land exactly, on a tmpfs of its own", "[root][kubelet][volumes]") {
  PodDir pod;
  TearDownAtEnd teardown{pod.dir};
  Result<PodVolumes> v = set_up_volumes(pod_with(R"(  volumes:
  - {name: all, secret: {secretName: creds}}
  - {name: one, secret: {secretName: creds, defaultMode: 0400, items: [{key: token, path: tok/en}]}}
  - {name: none, secret: {secretName: missing, optional: true}}
)"),
                                        pod.dir, shop_objects(), NodeAllocatable{});
  REQUIRE(v.ok());
  const fs::path all = pod.volume(kSecretPlugin, "all");
  CHECK(v.value().at("all").read_only);
  struct statfs fs{};
  REQUIRE(::statfs(all.c_str(), &fs) == 0);
  CHECK(fs.f_type == TMPFS_MAGIC);
  CHECK(contents(all / "token") == std::string("\0bin\xff" "ary\n", 9));
  CHECK(contents(all / "password") == "s3cr3t");  // stringData, merged into data
  CHECK(mode_of(fs::canonical(all / "token")) == 0644);
  CHECK(link_of(all / "token") == "..data/token");
  const fs::path one = pod.volume(kSecretPlugin, "one");
  CHECK(contents(one / "tok/en") == std::string("\0bin\xff" "ary\n", 9));
  CHECK(mode_of(fs::canonical(one / "tok/en")) == 0400);
  CHECK_FALSE(present(one / "password"));
  CHECK(names_in(pod.volume(kSecretPlugin, "none")).size() == 2);  // ..data and its version only

  SECTION("a missing Secret is NotFound, and its tmpfs is taken back") {
    Result<PodVolumes> failed = set_up_volumes(pod_with(R"(  volumes:
  - {name: shm, emptyDir: {medium: Memory}}
  - {name: s, secret: {secretName: creds, items: [{key: nope, path: nope}]}}
)"),
                                               pod.dir, shop_objects(), NodeAllocatable{});
    REQUIRE_FALSE(failed.ok());
    CHECK(failed.error().message ==
          "MountVolume.SetUp failed for volume \"s\" : references non-existent secret key: nope");
    CHECK_FALSE(present(pod.volume(kEmptyDirPlugin, "shm")));
    CHECK(present(all));  // made by the first call
  }
}

ROOT_TEST_CASE("a projected volume merges its sources into one directory", "[root][kubelet][volumes]") {
  PodDir pod;
  TearDownAtEnd teardown{pod.dir};
  Result<PodVolumes> v = set_up_volumes(pod_with(R"(  volumes:
  - name: all
    projected:
      defaultMode: 0440
      sources:
      - configMap: {name: app, items: [{key: mode, path: config/mode}]}
      - secret: {name: creds, items: [{key: password, path: config/password, mode: 0400}]}
      - downwardAPI: {items: [{path: name, fieldRef: {fieldPath: metadata.name}}]}
      - configMap: {name: absent, optional: true}
)"),
                                        pod.dir, shop_objects(), NodeAllocatable{});
  REQUIRE(v.ok());
  const fs::path dir = pod.volume(kProjectedPlugin, "all");
  CHECK(v.value().at("all").read_only);
  struct statfs fs{};
  REQUIRE(::statfs(dir.c_str(), &fs) == 0);
  CHECK(fs.f_type == TMPFS_MAGIC);
  const std::string version = link_of(dir / "..data");
  CHECK(names_in(dir) == std::vector<std::string>{version, "..data", "config", "name"});
  CHECK(contents(dir / "config/mode") == "production");
  CHECK(contents(dir / "config/password") == "s3cr3t");
  CHECK(contents(dir / "name") == "web");
  CHECK(mode_of(fs::canonical(dir / "config/mode")) == 0440);
  CHECK(mode_of(fs::canonical(dir / "config/password")) == 0400);

  SECTION("missing objects that are not optional are all named") {
    Result<PodVolumes> failed = set_up_volumes(pod_with(R"(  volumes:
  - name: p
    projected:
      sources:
      - configMap: {name: nope}
      - secret: {name: nada}
)"),
                                               pod.dir, shop_objects(), NodeAllocatable{});
    REQUIRE_FALSE(failed.ok());
    CHECK(failed.error().code == ErrorCode::NotFound);
    CHECK(failed.error().message ==
          "MountVolume.SetUp failed for volume \"p\" : [configmap \"nope\" not found, secret \"nada\" not found]");
  }
}

ROOT_TEST_CASE("fsGroup gives a pod's volumes to that group, group-writable or group-readable",
               "[root][kubelet][volumes]") {
  PodDir pod;
  TearDownAtEnd teardown{pod.dir};
  const fs::path host = pod.tmp / "host";
  fs::create_directories(host);
  Result<PodVolumes> v = set_up_volumes(pod_with(R"(  securityContext: {fsGroup: 2000}
  volumes:
  - {name: scratch, emptyDir: {}}
  - {name: shm, emptyDir: {medium: Memory}}
  - {name: cfg, configMap: {name: app, items: [{key: mode, path: m, mode: 0400}, {key: app.conf, path: d/app.conf}]}}
  - {name: h, hostPath: {path: )" + host.string() + "}}\n"),
                                        pod.dir, shop_objects(), NodeAllocatable{});
  REQUIRE(v.ok());
  const fs::path scratch = pod.volume(kEmptyDirPlugin, "scratch");
  CHECK(lstat_of(scratch).st_gid == 2000);
  CHECK(mode_of(scratch) == 02777);
  CHECK(mode_of(pod.volume(kEmptyDirPlugin, "shm")) == 03777);  // tmpfs' 1777, sticky kept

  const fs::path cfg = pod.volume(kConfigMapPlugin, "cfg");
  const std::string version = link_of(cfg / "..data");
  CHECK(mode_of(cfg) == 02777);
  CHECK(mode_of(cfg / version) == 02755);       // read-only volume: group r-x and setgid
  CHECK(mode_of(cfg / version / "d") == 02755);
  CHECK(mode_of(cfg / version / "m") == 0440);  // 0400, group may read
  CHECK(mode_of(cfg / version / "d/app.conf") == 0644);
  CHECK(lstat_of(cfg / version / "m").st_gid == 2000);
  CHECK(lstat_of(cfg / "m").st_gid == 2000);  // the link itself, by lchown
  CHECK(lstat_of(cfg / "..data").st_gid == 2000);
  CHECK(lstat_of(host).st_gid != 2000);  // hostPath: no ownership management
}

ROOT_TEST_CASE("a hostPath of type BlockDevice wants a block device", "[root][kubelet][volumes]") {
  PodDir pod;
  const fs::path device = pod.tmp / "loop";
  REQUIRE(::mknod(device.c_str(), S_IFBLK | 0600, makedev(7, 0)) == 0);
  Result<PodVolumes> v = set_up_volumes(
      pod_with("  volumes: [{name: disk, hostPath: {path: " + device.string() + ", type: BlockDevice}}]\n"), pod.dir,
      StaticObjects{}, NodeAllocatable{});
  CHECK(v.ok());
}

ROOT_TEST_CASE("a removal stops at a filesystem still mounted below, and leaves it whole",
               "[root][kubelet][volumes]") {
  TempDir tmp("remove");
  const fs::path mnt = tmp / "tree/sub/mnt";
  fs::create_directories(mnt);
  std::ofstream(tmp / "tree/sub/file") << "x";
  REQUIRE(::mount("tmpfs", mnt.c_str(), "tmpfs", 0, nullptr) == 0);
  std::ofstream(mnt / "precious") << "kept";
  Status s = remove_tree(tmp / "tree");
  const bool kept = contents(mnt / "precious") == "kept";
  ::umount2(mnt.c_str(), MNT_DETACH);
  CHECK(kept);
  REQUIRE_FALSE(s.ok());
  CHECK(s.error().message == "remove (a filesystem is still mounted) `" + mnt.string() + "`: EBUSY");
}

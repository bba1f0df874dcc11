// `kubepp runtime` as runc's users type it: a bundle made with `kubepp runtime spec`, the
// lifecycle create → start → kill → delete, run, exec, and what the process sees.
#include <catch2/catch.hpp>
#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "tests/support/containers.h"
#include "tests/support/leak_check.h"
#include "tests/support/temp_dir.h"

namespace fs = std::filesystem;
using kubepp::testing::CommandResult;
using kubepp::testing::kubepp_binary;
using kubepp::testing::probe_rootfs;
using kubepp::testing::run_command;
using kubepp::testing::TempDir;
using nlohmann::json;

namespace {

// A bundle: the probe image's root filesystem and the default config.json, changed by
// the test. Ids start with "kubepp-" so the leak check sees their cgroups.
struct Bundle {
  TempDir dir{"bundle"};
  json config;

  explicit Bundle(const std::vector<std::string>& args) {
    fs::copy(probe_rootfs(), dir / "rootfs", fs::copy_options::recursive | fs::copy_options::copy_symlinks);
    REQUIRE(run_command({kubepp_binary(), "runtime", "spec", "-b", dir.path()}).status == 0);
    config = json::parse(std::ifstream(dir / "config.json"));
    config["process"]["terminal"] = false;
    config["process"]["args"] = args;
    write();
  }
  void write() const { std::ofstream(dir / "config.json") << config.dump(2); }
  std::string path() const { return dir.path(); }
};

// `kubepp runtime --root ROOT ARGS…`
struct Runtime {
  TempDir root{"runtime"};
  CommandResult operator()(std::vector<std::string> args) const {
    std::vector<std::string> argv = {kubepp_binary(), "runtime", "--root", (root / "containers").string()};
    argv.insert(argv.end(), args.begin(), args.end());
    return run_command(argv);
  }
  // For create and run -d: the container keeps the stdout and stderr it was given (as
  // runc's does), so they go to files here, or reading them would wait for it to end.
  CommandResult detached(std::vector<std::string> args) const {
    const fs::path out = root / "out", err = root / "err";
    std::vector<std::string> argv = {"sh", "-c", "\"$0\" \"$@\" >" + out.string() + " 2>" + err.string(),
                                     kubepp_binary(), "runtime", "--root", (root / "containers").string()};
    argv.insert(argv.end(), args.begin(), args.end());
    CommandResult r = run_command(argv);
    r.out = slurp(out);
    r.err = slurp(err);
    return r;
  }
  static std::string slurp(const fs::path& path) {
    std::ifstream in(path);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  // No container left (the root may never have been made).
  bool empty() const { return !fs::exists(root / "containers") || fs::is_empty(root / "containers"); }
  json state(const std::string& id) const {
    CommandResult r = (*this)({"state", id});
    INFO(r.err);
    REQUIRE(r.status == 0);
    return json::parse(r.out);
  }
  // Polls until the container's status is `want` (the process ends on its own time).
  bool becomes(const std::string& id, const std::string& want) const {
    for (int i = 0; i < 500; ++i) {
      if (state(id)["status"] == want) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
};

}  // namespace

ROOT_TEST_CASE("kubepp runtime run: the bundle's process runs, and its exit code is run's", "[root][oci]") {
  Runtime runtime;
  Bundle bundle({"sh", "-c", "echo hello; hostname; exit 3"});
  CommandResult run = runtime({"run", "-b", bundle.path(), "kubepp-run"});
  INFO(run.err);
  CHECK(run.status == 3);
  CHECK(run.out == "hello\nkubepp\n");
  CHECK(runtime.empty());  // run deletes the container afterwards
}

ROOT_TEST_CASE("kubepp runtime: create, state, start, exec, kill, delete", "[root][oci]") {
  Runtime runtime;
  Bundle bundle({"sleep", "30"});
  bundle.config["annotations"] = {{"org.example/owner", "tests"}};
  bundle.write();
  const std::string id = "kubepp-life";

  REQUIRE(runtime.detached({"create", "--bundle", bundle.path(), "--pid-file", (bundle.dir / "pid").string(), id}).status == 0);
  json created = runtime.state(id);
  CHECK(created["status"] == "created");
  CHECK(created["id"] == id);
  CHECK(created["bundle"] == bundle.path());
  CHECK(created["rootfs"] == (bundle.dir / "rootfs").string());
  CHECK(created["annotations"]["org.example/owner"] == "tests");
  const int pid = created["pid"];
  CHECK(pid > 0);
  std::string pid_file;
  std::ifstream(bundle.dir / "pid") >> pid_file;
  CHECK(pid_file == std::to_string(pid));
  CHECK(runtime({"ps", "-f", "json", id}).out == "[" + std::to_string(pid) + "]\n");

  CommandResult early = runtime({"exec", id, "true"});
  CHECK(early.status == 1);
  CHECK(early.err == "kubepp runtime exec: container `" + id + "` is not running\n");

  REQUIRE(runtime({"start", id}).status == 0);
  CHECK(runtime.state(id)["status"] == "running");
  CommandResult again = runtime({"start", id});
  CHECK(again.status == 1);
  CHECK(again.err == "kubepp runtime start: cannot start container `" + id + "`: it is running, not created\n");

  CommandResult exec = runtime({"exec", "-e", "EXTRA=1", id, "sh", "-c", "hostname; echo $EXTRA; exit 4"});
  CHECK(exec.status == 4);
  CHECK(exec.out == "kubepp\n1\n");

  CommandResult listed = runtime({"list", "-q"});
  CHECK(listed.out == id + "\n");

  CommandResult refused = runtime({"delete", id});
  CHECK(refused.status == 1);
  CHECK(refused.err == "kubepp runtime delete: cannot delete container `" + id + "`: it is running (use --force)\n");

  REQUIRE(runtime({"kill", id, "KILL"}).status == 0);
  CHECK(runtime.becomes(id, "stopped"));
  CHECK(runtime.state(id)["pid"] == 0);
  REQUIRE(runtime({"delete", id}).status == 0);
  CommandResult gone = runtime({"state", id});
  CHECK(gone.status == 1);
  CHECK(gone.err == "kubepp runtime state: container `" + id + "` does not exist\n");
  kubepp::testing::reap_children();
}

ROOT_TEST_CASE("kubepp runtime: delete --force kills a running container", "[root][oci]") {
  Runtime runtime;
  Bundle bundle({"sleep", "30"});
  REQUIRE(runtime.detached({"run", "-d", "-b", bundle.path(), "kubepp-forced"}).status == 0);
  CHECK(runtime.state("kubepp-forced")["status"] == "running");
  REQUIRE(runtime({"delete", "-f", "kubepp-forced"}).status == 0);
  CHECK(runtime.empty());
  kubepp::testing::reap_children();
}

ROOT_TEST_CASE("kubepp runtime: the process sees what config.json says", "[root][oci]") {
  Runtime runtime;
  Bundle bundle({"sh", "-c",
                 "hostname; ulimit -n; grep CapEff /proc/self/status; touch /x 2>/dev/null || echo read-only; "
                 "cat /proc/kcore | wc -c; pwd; echo $GREETING; cat /proc/sys/net/ipv4/ip_forward"});
  bundle.config["hostname"] = "inside";
  bundle.config["process"]["cwd"] = "/tmp";
  bundle.config["process"]["env"].push_back("GREETING=hi");
  bundle.config["process"]["rlimits"] = {{{"type", "RLIMIT_NOFILE"}, {"hard", 512}, {"soft", 256}}};
  bundle.config["linux"]["sysctl"] = {{"net.ipv4.ip_forward", "1"}};  // written before /proc/sys turns read-only
  bundle.write();
  CommandResult run = runtime({"run", "-b", bundle.path(), "kubepp-sees"});
  INFO(run.err);
  CHECK(run.status == 0);
  // runc's default capabilities: AUDIT_WRITE (29), KILL (5), NET_BIND_SERVICE (10).
  CHECK(run.out == "inside\n256\nCapEff:\t0000000020000420\nread-only\n0\n/tmp\nhi\n1\n");
}

ROOT_TEST_CASE("kubepp runtime: a bad config.json is refused naming the field, and nothing is left", "[root][oci]") {
  Runtime runtime;
  Bundle bundle({"true"});
  const std::string origin = bundle.path() + "/config.json";
  SECTION("no root") {
    bundle.config.erase("root");
    bundle.write();
    CommandResult r = runtime({"create", "-b", bundle.path(), "kubepp-bad"});
    CHECK(r.status == 1);
    CHECK(r.err == "kubepp runtime create: " + origin + ": `root`: missing (required)\n");
  }
  SECTION("an unknown namespace type") {
    bundle.config["linux"]["namespaces"].push_back({{"type", "time-travel"}});
    bundle.write();
    CommandResult r = runtime({"create", "-b", bundle.path(), "kubepp-bad"});
    CHECK(r.status == 1);
    CHECK_THAT(r.err, Catch::Contains("`linux.namespaces[6].type`: unknown namespace type `time-travel`"));
  }
  SECTION("a root that is not there") {
    bundle.config["root"]["path"] = "nowhere";
    bundle.write();
    CommandResult r = runtime({"create", "-b", bundle.path(), "kubepp-bad"});
    CHECK(r.status == 1);
    CHECK(r.err == "kubepp runtime create: " + origin + ": `root.path`: `" + bundle.path() + "/nowhere` is not a directory\n");
  }
  SECTION("a program that is not in the image: create fails, as runc's does") {
    bundle.config["process"]["args"] = {"/no/such/program"};
    bundle.write();
    CommandResult r = runtime.detached({"create", "-b", bundle.path(), "kubepp-bad"});
    CHECK(r.status == 1);
    CHECK(r.err == "kubepp runtime create: container kubepp-bad: exec `/no/such/program`: ENOENT\n");
  }
  SECTION("hooks, which kubepp does not run") {
    bundle.config["hooks"] = {{"prestart", {{{"path", "/bin/true"}}}}};
    bundle.write();
    CommandResult r = runtime({"create", "-b", bundle.path(), "kubepp-bad"});
    CHECK(r.status == 1);
    CHECK(r.err == "kubepp runtime create: " + origin + ": `hooks`: kubepp does not run hooks yet: remove them\n");
  }
  SECTION("the same id twice") {
    REQUIRE(runtime.detached({"create", "-b", bundle.path(), "kubepp-bad"}).status == 0);
    CommandResult r = runtime.detached({"create", "-b", bundle.path(), "kubepp-bad"});
    CHECK(r.status == 1);
    CHECK(r.err == "kubepp runtime create: container `kubepp-bad` already exists\n");
    REQUIRE(runtime({"delete", "-f", "kubepp-bad"}).status == 0);
    kubepp::testing::reap_children();
  }
  CHECK(runtime.empty());
}

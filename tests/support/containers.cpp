#include "tests/support/containers.h"

#include <fcntl.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include "runtime/base/files.h"
#include "runtime/base/unique_fd.h"
#include "runtime/cgroups.h"

namespace kubepp::testing {

namespace {

// A temporary file that the container writes and the test reads after it ended: no
// pipe to drain while waiting.
class CaptureFile {
 public:
  explicit CaptureFile(const fs::path& dir, const char* name) : path_(dir / name) {
    fd_.reset(::open(path_.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  }
  int fd() const { return fd_.get(); }
  std::string read() const {
    std::ifstream in(path_);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

 private:
  fs::path path_;
  UniqueFd fd_;
};

}  // namespace

TempRoot::TempRoot() {
  std::string pattern = (fs::temp_directory_path() / "kubepp-test-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) FAIL("mkdtemp " << pattern << ": " << errno_name(errno));
  path_ = pattern;
}

TempRoot::~TempRoot() {
  // A broken runtime (a lab in progress) may have left mounts in here, in this
  // process's mount namespace: detach them, deepest first, or the removal fails.
  std::vector<std::string> mounted;
  std::istringstream mountinfo(read_file("/proc/self/mountinfo"));
  for (std::string line; std::getline(mountinfo, line);) {
    std::istringstream fields(line);
    std::string id, parent, device, root, mount_point;
    fields >> id >> parent >> device >> root >> mount_point;
    if (mount_point.starts_with(path_.string() + "/")) mounted.push_back(mount_point);
  }
  std::sort(mounted.begin(), mounted.end(), [](const auto& a, const auto& b) { return a.size() > b.size(); });
  for (const std::string& mount_point : mounted) ::umount2(mount_point.c_str(), MNT_DETACH);
  std::error_code ec;
  fs::remove_all(path_, ec);
  // The containers' cgroups are gone with them; their parent, this root's own, stays
  // until removed (runtime/cgroups.h: CgroupDriver::destroy).
  (void)runtime::make_cgroup_driver()->destroy(dirs().cgroup_parent);
}

fs::path probe_rootfs() { return fs::path(KUBEPP_TEST_IMAGE_DIR) / "probe" / "rootfs"; }
fs::path kubepp_binary() { return KUBEPP_BINARY; }

CommandResult run_kubepp(const TempRoot& root, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {kubepp_binary(), "--root", root.path()};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_command(argv);
}

runtime::ContainerConfig shell(const std::string& script) {
  runtime::ContainerConfig config;
  config.layers = {probe_rootfs()};
  config.args = {"sh", "-c", script};
  return config;
}
fs::path source_dir() { return KUBEPP_SOURCE_DIR; }

Result<Captured> run_captured(runtime::ContainerConfig config, const runtime::StateDirs& dirs) {
  fs::create_directories(dirs.run);
  CaptureFile out(dirs.run, "captured.out"), err(dirs.run, "captured.err");
  config.stdout_fd = out.fd();
  config.stderr_fd = err.fd();
  Result<runtime::Container> container = runtime::Container::create(std::move(config), dirs);
  if (!container) return container.error();
  if (Status s = container.value().start(); !s) return s.error();
  Result<runtime::ExitStatus> status = container.value().wait();
  if (!status) return status.error();
  return Captured{status.value(), out.read(), err.read()};
}

nlohmann::json run_probe(runtime::ContainerConfig config, const runtime::StateDirs& dirs,
                         const std::vector<std::string>& args) {
  config.layers = {probe_rootfs()};
  config.args = {"/usr/bin/probe"};
  config.args.insert(config.args.end(), args.begin(), args.end());
  Result<Captured> run = run_captured(std::move(config), dirs);
  if (!run) FAIL("the probe's container did not start: " << run.error().message);
  INFO("probe stdout: " << run.value().out);
  INFO("probe stderr: " << run.value().err);
  nlohmann::json report = nlohmann::json::parse(run.value().out, nullptr, false);
  if (report.is_discarded() || !report.is_object()) FAIL("the probe printed no JSON report");
  return report;
}

void reap_children() {
  while (::waitpid(-1, nullptr, WNOHANG) > 0) {
  }
}

nlohmann::json find_mount(const nlohmann::json& report, const std::string& path) {
  nlohmann::json found;  // the last one mounted there is the one in effect
  for (const nlohmann::json& mount : report.value("mounts", nlohmann::json::array())) {
    if (mount.value("mount_point", "") == path) found = mount;
  }
  return found;
}

}  // namespace kubepp::testing

// containers.h — running containers from tests and reading what the probe reports.
//
// Root tests create containers in a temporary state root (never /var/lib/kubepp), run
// tests/probe inside them, and assert on its JSON report: isolation is observed from
// inside, as crun's tests do.
#pragma once

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "runtime/base/result.h"
#include "runtime/container.h"
#include "tests/support/leak_check.h"

namespace kubepp::testing {

namespace fs = std::filesystem;

/// A fresh state root under /tmp (kubepp-test-XXXXXX), removed with everything in it.
class TempRoot {
 public:
  TempRoot();
  ~TempRoot();
  TempRoot(const TempRoot&) = delete;
  TempRoot& operator=(const TempRoot&) = delete;

  const fs::path& path() const { return path_; }
  runtime::StateDirs dirs() const { return runtime::StateDirs::under(path_); }

 private:
  fs::path path_;
};

/// The busybox image with the probe at /usr/bin/probe, built by the test build.
fs::path probe_rootfs();
/// A container of the probe image whose command is `sh -c script`.
runtime::ContainerConfig shell(const std::string& script);
/// The `kubepp` binary of this build.
fs::path kubepp_binary();
/// `kubepp --root ROOT ARGS…`, as a user types it: what it printed and its exit status.
CommandResult run_kubepp(const TempRoot& root, const std::vector<std::string>& args);
/// The repository's root (chapters, scripts).
fs::path source_dir();

/// What a finished process printed and how it ended.
struct Captured {
  runtime::ExitStatus status;
  std::string out;
  std::string err;
};

/// Creates, starts and waits for a container, capturing its stdout and stderr.
/// A failure to create or start it is returned as the Error.
Result<Captured> run_captured(runtime::ContainerConfig config, const runtime::StateDirs& dirs);

/// Runs `probe ARGS…` in a container of the probe image configured by `config` (its
/// rootfs and args are filled in) and returns the parsed report. Fails the test with
/// the container's output when the probe does not run or prints no JSON.
nlohmann::json run_probe(runtime::ContainerConfig config, const runtime::StateDirs& dirs,
                         const std::vector<std::string>& args = {});

/// Reaps this process's children that have exited: a detached container's monitor
/// comes to a test (a subreaper) when the `kubepp run -d` that forked it exits.
void reap_children();

/// The mount of `path` in a probe report's "mounts", or null.
nlohmann::json find_mount(const nlohmann::json& report, const std::string& path);

}  // namespace kubepp::testing

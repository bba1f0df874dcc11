// mounts.h — thin, error-reporting wrappers over mount(2) and friends.
//
// Each wrapper does one system call and turns a failure into an
// Error that names the call and the path: "mount proc `/…/merged/proc`: EPERM".
#pragma once

#include <sys/types.h>

#include <filesystem>
#include <string>

#include "runtime/base/result.h"

namespace kubepp::runtime {

namespace fs = std::filesystem;

/// mount(2) of a filesystem of type `fstype` at `target`.
Status mount_fs(const std::string& source, const fs::path& target, const std::string& fstype,
                unsigned long flags, const std::string& data = {});

/// Changes the propagation of every mount at or below `path` to private, so that
/// nothing mounted in this mount namespace shows up in the host's and back.
Status make_rprivate(const fs::path& path);

/// mkdir -p with `mode` for the directories it creates.
Status make_dirs(const fs::path& path, mode_t mode = 0755);

}  // namespace kubepp::runtime

// hardening.h — what every process of a container runs with, decided once.
//
// When a container is created, its security settings (capabilities, user, no_new_privs,
// privileged) are resolved against its image and written next to its state; its first
// process applies them just before exec, and so does every `kubepp exec` into it.
// The pieces live in security.h (capabilities, users, masked paths) and seccomp.h
// (Docker's default profile); this file decides their order.
#pragma once

#include <cstdint>
#include <filesystem>
#include <string>

#include "runtime/base/result.h"
#include "runtime/names.h"
#include "runtime/security.h"

namespace kubepp::runtime {

struct ProcessSecurity {
  uint64_t capabilities = kDefaultCapabilities;
  UserIds user;
  bool no_new_privs = false;
  bool privileged = false;  ///< all capabilities, no seccomp filter, nothing masked
};

/// Resolves `config` for a container of the image at `rootfs`: its capability set and
/// its user. Invalid names the option and the rule ("capability `CAP_FOO`: unknown").
Result<ProcessSecurity> resolve_process_security(const std::filesystem::path& rootfs, const SecurityConfig& config);

/// The record of a container's ProcessSecurity, for `kubepp exec`.
Status write_process_security(const StateDirs& dirs, const std::string& id, const ProcessSecurity& security);
Result<ProcessSecurity> read_process_security(const StateDirs& dirs, const std::string& id);

/// The last step before exec: load the default seccomp profile (unless privileged)
/// while the process may still install it without no_new_privs, then drop to the
/// capabilities and ids of `security`. On error the process must exit, never exec.
Status apply_process_security(const ProcessSecurity& security);

}  // namespace kubepp::runtime

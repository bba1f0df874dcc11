#include "runtime/hardening.h"

#include <sys/prctl.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "runtime/base/files.h"
#include "runtime/seccomp.h"

namespace kubepp::runtime {

using nlohmann::json;

Result<ProcessSecurity> resolve_process_security(const std::filesystem::path& rootfs, const SecurityConfig& config) {
  ProcessSecurity security;
  security.privileged = config.privileged;
  security.no_new_privs = config.no_new_privs;
  Result<uint64_t> caps = effective_capabilities(config);
  if (!caps) return caps.error();
  security.capabilities = caps.value();
  if (config.privileged) {
    // "All" can only be what we hold ourselves: a capability outside our own bounding
    // set cannot be given (capset would fail with EPERM).
    uint64_t bounding = 0;
    for (int cap = 0; cap < 64; ++cap) {
      if (::prctl(PR_CAPBSET_READ, cap, 0, 0, 0) == 1) bounding |= uint64_t{1} << cap;
    }
    security.capabilities &= bounding;
  }
  Result<UserIds> user = resolve_user(rootfs, config.user);
  if (!user) return user.error();
  security.user = user.value();
  for (gid_t gid : config.supplemental_groups) {
    if (std::find(security.user.groups.begin(), security.user.groups.end(), gid) == security.user.groups.end()) {
      security.user.groups.push_back(gid);
    }
  }
  return security;
}

Status write_process_security(const StateDirs& dirs, const std::string& id, const ProcessSecurity& s) {
  json j = {{"capabilities", s.capabilities}, {"uid", s.user.uid},           {"gid", s.user.gid},
            {"groups", s.user.groups},        {"noNewPrivs", s.no_new_privs}, {"privileged", s.privileged}};
  return write_file(dirs.container_run(id) / "security.json", j.dump() + "\n", 0600);
}

Result<ProcessSecurity> read_process_security(const StateDirs& dirs, const std::string& id) {
  json j = json::parse(read_file(dirs.container_run(id) / "security.json"), nullptr, false);
  if (j.is_discarded()) return Error{ErrorCode::NotFound, "container " + id + ": no security record"};
  ProcessSecurity s;
  s.capabilities = j.value("capabilities", kDefaultCapabilities);
  s.user.uid = j.value("uid", 0u);
  s.user.gid = j.value("gid", 0u);
  s.user.groups = j.value("groups", std::vector<gid_t>{});
  s.no_new_privs = j.value("noNewPrivs", false);
  s.privileged = j.value("privileged", false);
  return s;
}

Status apply_process_security(const ProcessSecurity& security) {
  // The filter first: with CAP_SYS_ADMIN still held it loads without forcing
  // no_new_privs on the container (setuid programs keep working, as under runc). It
  // lets through the calls that come after it: setgroups, setres[ug]id, capset, prctl.
  if (!security.privileged) {
    if (Status s = load_seccomp(default_seccomp_profile(security.capabilities)); !s) return s;
  }
  return drop_privileges(security.capabilities, security.user, security.no_new_privs);
}

}  // namespace kubepp::runtime

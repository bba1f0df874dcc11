// pod_security.cpp — security settings: a container's securityContext
// (ValidateSecurityContext), the pod's (validatePodSpecSecurityContext: user and group IDs,
// sysctls, seccomp, AppArmor, Windows options), the host namespaces with user namespaces,
// and what a pod's spec.os rules out.
//
// Upstream keeps hostNetwork, hostPID, hostIPC, shareProcessNamespace and hostUsers inside
// the pod's security context in its internal types, and some errors name them there
// (`spec.securityContext.shareProcessNamespace`, `spec.HostPID`): kept as upstream prints them.
#include <algorithm>
#include <cctype>

#include "cluster/api/names.h"
#include "cluster/api/validation/pod_parts.h"

namespace kubepp::api::validation::podspec {

namespace {

ErrorList validate_id(std::int64_t id, const Path& path) {
  if (id >= 0 && id <= 0xffffffffLL) return {};
  return {invalid(path, std::to_string(id), "must be between 0 and 4294967295, inclusive")};
}

ErrorList validate_optional_id(const std::optional<std::int64_t>& id, const Path& path) {
  return id ? validate_id(*id, path) : ErrorList{};
}

ErrorList validate_app_armor_profile(const std::optional<core_v1::AppArmorProfile>& profile, const Path& path) {
  if (!profile) return {};
  ErrorList errs;
  const std::string& type = profile->type;
  if (type == "Localhost") {
    if (!profile->localhostProfile) {
      errs.push_back(required(path.child("localhostProfile"), "must be set when AppArmor type is Localhost"));
    } else {
      const std::string& p = *profile->localhostProfile;
      const bool padded = !p.empty() && (std::isspace(static_cast<unsigned char>(p.front())) ||
                                         std::isspace(static_cast<unsigned char>(p.back())));
      const bool blank = std::all_of(p.begin(), p.end(), [](unsigned char c) { return std::isspace(c); });
      if (padded) {
        errs.push_back(invalid(path.child("localhostProfile"), quoted(p), "must not be padded with whitespace"));
      } else if (blank) {
        errs.push_back(required(path.child("localhostProfile"), "must be set when AppArmor type is Localhost"));
      }
      if (p.size() > 4095) errs.push_back(too_long(path.child("localhostProfile"), "", 4095));
    }
  } else if (type == "RuntimeDefault" || type == "Unconfined") {
    if (profile->localhostProfile) {
      errs.push_back(invalid(path.child("localhostProfile"), quoted(*profile->localhostProfile),
                             "can only be set when AppArmor type is Localhost"));
    }
  } else if (type.empty()) {
    errs.push_back(required(path.child("type"), "type is required when appArmorProfile is set"));
  } else {
    errs.push_back(not_supported(path.child("type"), quoted(type), {"Localhost", "RuntimeDefault", "Unconfined"}));
  }
  return errs;
}

// ---- Windows options -----------------------------------------------------------------------

bool is_netbios_domain(std::string_view d) {
  auto bad = [](char c) { return std::string_view("\\/:*?\"<>|").find(c) != std::string_view::npos; };
  if (d.empty() || d.size() > 15 || bad(d.front()) || d.front() == '.') return false;
  return std::none_of(d.begin(), d.end(), bad);
}

bool is_dns_domain(std::string_view d) {
  size_t start = 0;
  while (true) {
    size_t dot = d.find('.', start);
    std::string_view label = d.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
    if (label.empty() || label.size() > 63 || !alnum(label.front()) || !alnum(label.back())) return false;
    if (!std::all_of(label.begin(), label.end(), [&](char c) { return alnum(c) || c == '-'; })) return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

ErrorList validate_run_as_user_name(const std::string& name, const Path& path) {
  const std::string shown = quoted(name);
  if (name.empty()) return {invalid(path, shown, "runAsUserName cannot be an empty string")};
  if (std::any_of(name.begin(), name.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; })) {
    return {invalid(path, shown, "runAsUserName cannot contain control characters")};
  }
  const size_t slashes = std::count(name.begin(), name.end(), '\\');
  if (slashes > 1) return {invalid(path, shown, "runAsUserName cannot contain more than one backslash")};
  const std::string domain = slashes ? name.substr(0, name.find('\\')) : "";
  const std::string user = slashes ? name.substr(name.find('\\') + 1) : name;
  ErrorList errs;
  if (domain.size() >= 256) errs.push_back(invalid(path, shown, "runAsUserName's Domain length must be under 256 characters"));
  if (slashes && !is_netbios_domain(domain) && !is_dns_domain(domain)) {
    errs.push_back(invalid(path, shown, "runAsUserName's Domain doesn't match the NetBios nor the DNS format"));
  }
  if (user.empty()) errs.push_back(invalid(path, shown, "runAsUserName's User cannot be empty"));
  else if (user.size() > 104) errs.push_back(invalid(path, shown, "runAsUserName's User length must not be longer than 104 characters"));
  if (!user.empty() && user.find_first_not_of(". ") == std::string::npos) {
    errs.push_back(invalid(path, shown, "runAsUserName's User cannot contain only periods or spaces"));
  }
  if (user.find_first_of("\"/\\:;|=,+*?<>@[]") != std::string::npos) {
    errs.push_back(invalid(path, shown, "runAsUserName's User cannot contain the following characters: \"/\\:;|=,+*?<>@[]"));
  }
  return errs;
}

ErrorList validate_windows_options(const std::optional<core_v1::WindowsSecurityContextOptions>& options, const Path& path) {
  if (!options) return {};
  ErrorList errs;
  if (options->gmsaCredentialSpecName) {
    for (std::string& msg : is_dns1123_subdomain(*options->gmsaCredentialSpecName)) {
      errs.push_back(invalid(path.child("gmsaCredentialSpecName"), quoted(*options->gmsaCredentialSpecName), std::move(msg)));
    }
  }
  if (options->gmsaCredentialSpec) {
    const std::string& spec = *options->gmsaCredentialSpec;
    if (spec.empty()) {
      errs.push_back(invalid(path.child("gmsaCredentialSpec"), quoted(spec), "gmsaCredentialSpec cannot be an empty string"));
    } else if (spec.size() > 64 * 1024) {
      errs.push_back(invalid(path.child("gmsaCredentialSpec"), quoted(spec), "gmsaCredentialSpec size must be under 64 KiB"));
    }
  }
  if (options->runAsUserName) append(errs, validate_run_as_user_name(*options->runAsUserName, path.child("runAsUserName")));
  return errs;
}

// ---- sysctls -------------------------------------------------------------------------------------

const char* const kSysctlRegex = "^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$";

// IsValidSysctlName: segments of [a-z0-9]([-_a-z0-9]*[a-z0-9])? joined by '.' or '/'.
bool is_valid_sysctl_name(std::string_view name) {
  if (name.size() > 253) return false;
  size_t start = 0;
  while (true) {
    size_t sep = name.find_first_of("./", start);
    std::string_view seg = name.substr(start, sep == std::string_view::npos ? std::string_view::npos : sep - start);
    auto edge = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
    if (seg.empty() || !edge(seg.front()) || !edge(seg.back())) return false;
    if (!std::all_of(seg.begin(), seg.end(), [&](char c) { return edge(c) || c == '-' || c == '_'; })) return false;
    if (sep == std::string_view::npos) return true;
    start = sep + 1;
  }
}

// The kernel namespace a sysctl belongs to (utilsysctl.GetNamespace): "net", "ipc" or "".
std::string_view sysctl_namespace(std::string name) {
  size_t sep = name.find_first_of("./");
  if (sep != std::string::npos && name[sep] == '/') {  // NormalizeName: a/b.c is a.b/c
    for (char& c : name) c = c == '/' ? '.' : c == '.' ? '/' : c;
  }
  auto starts = [&](std::string_view p) { return name.compare(0, p.size(), p) == 0; };
  if (name == "kernel.sem" || starts("kernel.shm") || starts("kernel.msg") || starts("fs.mqueue.")) return "ipc";
  if (starts("net.")) return "net";
  return "";
}

ErrorList validate_sysctls(const core_v1::PodSpec& spec, const std::vector<core_v1::Sysctl>& sysctls, const Path& path) {
  ErrorList errs;
  std::set<std::string> names;
  for (size_t i = 0; i < sysctls.size(); i++) {
    const std::string& name = sysctls[i].name;
    const Path at = path.index(i).child("name");
    if (name.empty()) {
      errs.push_back(required(at));
    } else if (!is_valid_sysctl_name(name)) {
      errs.push_back(invalid(at, quoted(name), std::string("must have at most 253 characters and match regex ") + kSysctlRegex));
    } else if (names.contains(name)) {
      errs.push_back(duplicate(at, quoted(name)));
    }
    const std::string_view ns = sysctl_namespace(name);
    if (spec.hostNetwork && ns == "net") {
      errs.push_back(invalid(at, quoted(name), "may not be specified when 'hostNetwork' is true"));
    } else if (spec.hostIPC && ns == "ipc") {
      errs.push_back(invalid(at, quoted(name), "may not be specified when 'hostIPC' is true"));
    }
    names.insert(name);
  }
  return errs;
}

ErrorList validate_choice(const std::optional<std::string>& value, const std::vector<std::string>& supported,
                          const Path& path) {
  if (!value || std::find(supported.begin(), supported.end(), *value) != supported.end()) return {};
  return {not_supported(path, quoted(*value), supported)};
}

}  // namespace

ErrorList validate_seccomp_profile_field(const std::optional<core_v1::SeccompProfile>& profile, const Path& path) {
  if (!profile) return {};
  ErrorList errs;
  const std::string& type = profile->type;
  if (type.empty()) {
    errs.push_back(required(path.child("type"), "type is required when seccompProfile is set"));
  } else if (type != "Localhost" && type != "RuntimeDefault" && type != "Unconfined") {
    errs.push_back(not_supported(path.child("type"), quoted(type), {"Localhost", "RuntimeDefault", "Unconfined"}));
  }
  if (type == "Localhost") {
    if (!profile->localhostProfile) {
      errs.push_back(required(path.child("localhostProfile"), "must be set when seccomp type is Localhost"));
    } else {
      append(errs, validate_local_descending_path(*profile->localhostProfile, path.child("localhostProfile")));
    }
  } else if (profile->localhostProfile) {
    // Upstream prints the whole profile as the value; it is left out here.
    errs.push_back(invalid(path.child("localhostProfile"), "", "can only be set when seccomp type is Localhost"));
  }
  return errs;
}

ErrorList validate_seccomp_profile_annotation(std::string_view profile, const Path& path) {
  if (profile == "runtime/default" || profile == "docker/default" || profile == "unconfined") return {};
  if (profile.substr(0, 10) == "localhost/") return validate_local_descending_path(profile.substr(10), path);
  return {invalid(path, quoted(profile), "must be a valid seccomp profile")};
}

ErrorList validate_security_context(const std::optional<core_v1::SecurityContext>& sc, const Path& path,
                                    bool host_users) {
  if (!sc) return {};
  // privileged: allowed, as on clusters started with --allow-privileged=true (kubeadm, kind).
  ErrorList errs = validate_optional_id(sc->runAsUser, path.child("runAsUser"));
  append(errs, validate_optional_id(sc->runAsGroup, path.child("runAsGroup")));
  if (sc->procMount) {
    append(errs, validate_choice(sc->procMount, {"Default", "Unmasked"}, path.child("procMount")));
    if (host_users && *sc->procMount == "Unmasked") {
      errs.push_back(invalid(path.child("procMount"), quoted(*sc->procMount), "`hostUsers` must be false to use `Unmasked`"));
    }
  }
  append(errs, validate_seccomp_profile_field(sc->seccompProfile, path.child("seccompProfile")));
  if (sc->allowPrivilegeEscalation && !*sc->allowPrivilegeEscalation) {
    // Upstream prints the whole security context as the value; it is left out here.
    if (sc->privileged.value_or(false)) {
      errs.push_back(invalid(path, "", "cannot set `allowPrivilegeEscalation` to false and `privileged` to true"));
    }
    if (sc->capabilities) {
      for (const std::string& cap : sc->capabilities->add) {
        if (cap == "CAP_SYS_ADMIN") {
          errs.push_back(invalid(path, "", "cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN"));
        }
      }
    }
  }
  append(errs, validate_windows_options(sc->windowsOptions, path.child("windowsOptions")));
  append(errs, validate_app_armor_profile(sc->appArmorProfile, path.child("appArmorProfile")));
  return errs;
}

ErrorList validate_pod_spec_security_context(const core_v1::PodSpec& spec, const Path& spec_path) {
  const core_v1::PodSecurityContext sc = spec.securityContext.value_or(core_v1::PodSecurityContext{});
  const Path path = spec_path.child("securityContext");
  ErrorList errs = validate_optional_id(sc.fsGroup, path.child("fsGroup"));
  append(errs, validate_optional_id(sc.runAsUser, path.child("runAsUser")));
  append(errs, validate_optional_id(sc.runAsGroup, path.child("runAsGroup")));
  for (size_t g = 0; g < sc.supplementalGroups.size(); g++) {
    append(errs, validate_id(sc.supplementalGroups[g], path.child("supplementalGroups").index(g)));
  }
  if (spec.shareProcessNamespace.value_or(false) && spec.hostPID) {
    errs.push_back(invalid(path.child("shareProcessNamespace"), "true", "ShareProcessNamespace and HostPID cannot both be enabled"));
  }
  if (!sc.sysctls.empty()) append(errs, validate_sysctls(spec, sc.sysctls, path.child("sysctls")));
  append(errs, validate_choice(sc.fsGroupChangePolicy, {"Always", "OnRootMismatch"}, path.child("fsGroupChangePolicy")));
  append(errs, validate_seccomp_profile_field(sc.seccompProfile, path.child("seccompProfile")));
  append(errs, validate_windows_options(sc.windowsOptions, path.child("windowsOptions")));
  append(errs, validate_app_armor_profile(sc.appArmorProfile, path.child("appArmorProfile")));
  append(errs, validate_choice(sc.supplementalGroupsPolicy, {"Merge", "Strict"}, path.child("supplementalGroupsPolicy")));
  append(errs, validate_choice(sc.seLinuxChangePolicy, {"MountOption", "Recursive"}, path.child("seLinuxChangePolicy")));
  return errs;
}

ErrorList validate_windows_host_process_pod(const core_v1::PodSpec& spec, const Path& spec_path) {
  std::optional<bool> pod_host_process;
  if (spec.securityContext && spec.securityContext->windowsOptions) {
    pod_host_process = spec.securityContext->windowsOptions->hostProcess;
  }
  ErrorList errs;
  int containers = 0, host_process = 0;
  visit_containers(spec, spec_path, [&](const core_v1::Container& c, const Path& path) {
    containers++;
    std::optional<bool> mine;
    if (c.securityContext && c.securityContext->windowsOptions) mine = c.securityContext->windowsOptions->hostProcess;
    if (pod_host_process && mine && *pod_host_process != *mine) {
      errs.push_back(invalid(path.child("securityContext").child("windowsOptions").child("hostProcess"), *mine ? "true" : "false",
                             std::string("pod hostProcess value must be identical if both are specified, was ") +
                                 (*pod_host_process ? "true" : "false")));
    }
    if (mine.value_or(pod_host_process.value_or(false))) host_process++;
  });
  if (host_process > 0) {
    if (host_process != containers) {
      errs.push_back(invalid(spec_path, quoted(""), "If pod contains any hostProcess containers then all containers must be HostProcess containers"));
    }
    if (!spec.hostNetwork) {
      errs.push_back(invalid(spec_path.child("hostNetwork"), "false", "hostNetwork must be true if pod contains any hostProcess containers"));
    }
  }
  return errs;
}

ErrorList validate_host_users(const core_v1::PodSpec& spec, const Path& spec_path) {
  if (spec.hostUsers.value_or(true)) return {};
  const char* const detail = "when `pod.Spec.HostUsers` is false";
  ErrorList errs;
  if (spec.hostNetwork) errs.push_back(forbidden(spec_path.child("hostNetwork"), detail));
  if (spec.hostPID) errs.push_back(forbidden(spec_path.child("HostPID"), detail));  // sic
  if (spec.hostIPC) errs.push_back(forbidden(spec_path.child("HostIPC"), detail));  // sic
  return errs;
}

ErrorList validate_linux(const core_v1::PodSpec& spec, const Path& spec_path) {
  ErrorList errs;
  const char* const detail = "windows options cannot be set for a linux pod";
  if (spec.securityContext && spec.securityContext->windowsOptions) {
    errs.push_back(forbidden(spec_path.child("securityContext").child("windowsOptions"), detail));
  }
  visit_containers(spec, spec_path, [&](const core_v1::Container& c, const Path& path) {
    if (c.securityContext && c.securityContext->windowsOptions) {
      errs.push_back(forbidden(path.child("securityContext").child("windowsOptions"), detail));
    }
  });
  return errs;
}

ErrorList validate_windows(const core_v1::PodSpec& spec, const Path& spec_path) {
  ErrorList errs;
  const char* const detail = "cannot be set for a windows pod";
  const Path psc = spec_path.child("securityContext");
  {  // upstream always has a pod security context: it holds the host namespaces
    const core_v1::PodSecurityContext sc = spec.securityContext.value_or(core_v1::PodSecurityContext{});
    const std::pair<bool, Path> pod_fields[] = {
        {sc.appArmorProfile.has_value(), psc.child("appArmorProfile")},
        {sc.seLinuxOptions.has_value(), psc.child("seLinuxOptions")},
        {spec.hostUsers.has_value(), spec_path.child("hostUsers")},
        {spec.hostPID, spec_path.child("hostPID")},
        {spec.hostIPC, spec_path.child("hostIPC")},
        {sc.seccompProfile.has_value(), psc.child("seccompProfile")},
        {sc.fsGroup.has_value(), psc.child("fsGroup")},
        {sc.fsGroupChangePolicy.has_value(), psc.child("fsGroupChangePolicy")},
        {!sc.sysctls.empty(), psc.child("sysctls")},
        {spec.shareProcessNamespace.has_value(), spec_path.child("shareProcessNamespace")},
        {sc.runAsUser.has_value(), psc.child("runAsUser")},
        {sc.runAsGroup.has_value(), psc.child("runAsGroup")},
        {!sc.supplementalGroups.empty(), psc.child("supplementalGroups")},
        {sc.supplementalGroupsPolicy.has_value(), psc.child("supplementalGroupsPolicy")},
        {sc.seLinuxChangePolicy.has_value(), psc.child("seLinuxChangePolicy")},
    };
    for (const auto& [set, path] : pod_fields) {
      if (set) errs.push_back(forbidden(path, detail));
    }
  }
  visit_containers(spec, spec_path, [&](const core_v1::Container& c, const Path& path) {
    if (!c.securityContext) return;
    const core_v1::SecurityContext& sc = *c.securityContext;
    const Path at = path.child("securityContext");
    const std::pair<bool, const char*> fields[] = {
        {sc.appArmorProfile.has_value(), "appArmorProfile"},
        {sc.seLinuxOptions.has_value(), "seLinuxOptions"},
        {sc.seccompProfile.has_value(), "seccompProfile"},
        {sc.capabilities.has_value(), "capabilities"},
        {sc.readOnlyRootFilesystem.has_value(), "readOnlyRootFilesystem"},
        {sc.privileged.has_value(), "privileged"},
        {sc.allowPrivilegeEscalation.has_value(), "allowPrivilegeEscalation"},
        {sc.procMount.has_value(), "procMount"},
        {sc.runAsUser.has_value(), "runAsUser"},
        {sc.runAsGroup.has_value(), "runAsGroup"},
    };
    for (const auto& [set, name] : fields) {
      if (set) errs.push_back(forbidden(at.child(name), detail));
    }
  });
  return errs;
}

}  // namespace kubepp::api::validation::podspec

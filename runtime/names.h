// names.h — one naming scheme for everything kubepp creates on a host.
//
// Whatever kubepp leaves on a machine can be found by these names: state directories,
// cgroups, bridges, network namespaces and iptables chains. `kubepp cleanup` and the
// tests' leak check (tests/support/leak_check.h) look for exactly these.
#pragma once

#include <cstdio>
#include <filesystem>
#include <functional>
#include <string>

namespace kubepp::runtime {

inline constexpr const char* kDefaultLibDir = "/var/lib/kubepp";  ///< persistent state
inline constexpr const char* kDefaultRunDir = "/run/kubepp";      ///< state that dies at reboot
inline constexpr const char* kCgroupParent = "kubepp";            ///< cgroup parent of all containers
inline constexpr const char* kBridgeName = "kubepp0";             ///< the node's pod bridge
inline constexpr const char* kNetnsPrefix = "kubepp-";            ///< network namespaces
inline constexpr const char* kChainPrefix = "KUBEPP-";            ///< iptables chains

/// Where kubepp keeps its state. The global `--root DIR` puts both under DIR
/// (DIR/lib and DIR/run) and the containers' cgroups under a parent of its own,
/// `kubepp-<hash of DIR>`: tests with temporary roots never meet each other's
/// cgroups, or those of the kubepp that runs on the machine.
struct StateDirs {
  std::filesystem::path lib = kDefaultLibDir;
  std::filesystem::path run = kDefaultRunDir;
  std::string cgroup_parent = kCgroupParent;

  static StateDirs under(const std::filesystem::path& root) {
    char hash[17];
    std::snprintf(hash, sizeof hash, "%016zx", std::hash<std::string>{}(root.lexically_normal().string()));
    return {root / "lib", root / "run", std::string(kCgroupParent) + "-" + std::string(hash, 8)};
  }

  /// Per-container directories: overlay layers under lib, runtime records under run.
  std::filesystem::path container_lib(const std::string& id) const { return lib / "containers" / id; }
  std::filesystem::path container_run(const std::string& id) const { return run / "containers" / id; }
  /// A container's cgroup, relative to each hierarchy's root: "kubepp/<id>".
  std::string container_cgroup(const std::string& id) const { return cgroup_parent + "/" + id; }
};

}  // namespace kubepp::runtime

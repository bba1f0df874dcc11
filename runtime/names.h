// names.h — one naming scheme for everything kubepp creates on a host.
//
// Whatever kubepp leaves on a machine can be found by these names: state directories,
// cgroups, bridges, network namespaces and iptables chains. `kubepp cleanup` and the
// tests' leak check (tests/support/leak_check.h) look for exactly these.
#pragma once

#include <filesystem>
#include <string>

namespace kubepp::runtime {

inline constexpr const char* kDefaultLibDir = "/var/lib/kubepp";  ///< persistent state
inline constexpr const char* kDefaultRunDir = "/run/kubepp";      ///< state that dies at reboot
inline constexpr const char* kCgroupParent = "kubepp";            ///< cgroup parent of all containers
inline constexpr const char* kBridgeName = "kubepp0";             ///< the node's pod bridge
inline constexpr const char* kNetnsPrefix = "kubepp-";            ///< network namespaces
inline constexpr const char* kChainPrefix = "KUBEPP-";            ///< iptables chains

/// Where kubepp keeps its state. The global `--root DIR` puts both under DIR
/// (DIR/lib and DIR/run), which is what tests do with a temporary directory.
struct StateDirs {
  std::filesystem::path lib = kDefaultLibDir;
  std::filesystem::path run = kDefaultRunDir;

  static StateDirs under(const std::filesystem::path& root) { return {root / "lib", root / "run"}; }

  /// Per-container directories: overlay layers under lib, runtime records under run.
  std::filesystem::path container_lib(const std::string& id) const { return lib / "containers" / id; }
  std::filesystem::path container_run(const std::string& id) const { return run / "containers" / id; }
};

}  // namespace kubepp::runtime

// net_names.h — the names the pod network gives what it creates on the host, in one
// place: pod_network.cpp and host_ports.cpp both use them, `kubepp cleanup` and the
// tests' leak check find them (runtime/names.h has the prefixes).
//
// A sandbox id is long (64 hex digits from the CRI) and a Linux interface name has at
// most 15 characters, so per-sandbox names carry a short hash of the id instead: the
// first 8 hex digits of its sha256, the same on every run and in every process.
#pragma once

#include <filesystem>
#include <string>

#include "runtime/image/digest.h"
#include "runtime/names.h"
#include "runtime/net/pod_network.h"

namespace kubepp::runtime::net {

/// The filter chain FORWARD jumps to: pod traffic stays on the bridge.
inline constexpr const char* kForwardChain = "KUBEPP-FORWARD";
/// The nat chain PREROUTING and OUTPUT jump to for local destinations: one jump per
/// sandbox with hostPorts, to its KUBEPP-HP-HASH chain (hostport_chain).
inline constexpr const char* kHostportsChain = "KUBEPP-HOSTPORTS";
/// The nat chain POSTROUTING jumps to: MASQUERADE for a pod that reaches itself.
inline constexpr const char* kPostroutingChain = "KUBEPP-POSTROUTING";

/// 8 hex digits naming `sandbox_id` where its full id does not fit.
inline std::string short_hash(const std::string& sandbox_id) { return sha256(sandbox_id).hex.substr(0, 8); }

/// The host's end of the sandbox's veth pair: "kubepp-3f2a1b2c" (15 characters, IFNAMSIZ - 1).
inline std::string host_veth_name(const std::string& sandbox_id) { return "kubepp-" + short_hash(sandbox_id); }

/// The pod's end until it is renamed eth0 inside the pod's namespace: "kubepp_3f2a1b2c".
/// It must not clash with eth0 on the host, nor with another pod's end.
inline std::string temporary_veth_name(const std::string& sandbox_id) { return "kubepp_" + short_hash(sandbox_id); }

/// The sandbox's nat chain of DNAT rules: "KUBEPP-HP-3f2a1b2c".
inline std::string hostport_chain(const std::string& sandbox_id) {
  return std::string(kChainPrefix) + "HP-" + short_hash(sandbox_id);
}

/// Where the hostPort records are: beside the address records, LIB/networks/hostports.
/// Shared by every bridge of the machine, since a host port is the machine's.
inline std::filesystem::path hostports_dir(const NetworkConfig& config) {
  std::filesystem::path dir = config.ipam_dir;
  if (dir.filename().empty()) dir = dir.parent_path();  // "…/kubepp0/"
  return dir.parent_path() / "hostports";
}

}  // namespace kubepp::runtime::net

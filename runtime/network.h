// network.h — the container's network namespace. For now: its loopback device.
// (Chapter 02 adds the bridge, veth pairs and IPAM.)
#pragma once

#include <string>

#include "runtime/base/result.h"

namespace kubepp::runtime {

/// Sets `lo` up in the calling process's network namespace; a fresh namespace starts
/// with it down, so even 127.0.0.1 would be unreachable.
Status bring_loopback_up();

/// The host's /etc/resolv.conf for a container (or a pod) of its own network: without
/// nameservers on loopback, which answer on the host's 127.0.0.1 — inside a network
/// namespace of its own that is the container itself. With the host's network, as is.
std::string host_resolv_conf(bool host_network);

}  // namespace kubepp::runtime

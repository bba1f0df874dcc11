// host_ports.h — what teardown_node_network needs of the hostPort code (host_ports.cpp);
// add_host_ports and remove_host_ports themselves are declared in pod_network.h.
#pragma once

#include "runtime/base/result.h"
#include "runtime/net/ipv4.h"
#include "runtime/net/pod_network.h"

namespace kubepp::runtime::net {

/// Removes what hostPorts of pods in `pod_cidr` left behind (records of sandboxes whose
/// detach came without a remove_host_ports, after a crash), then the shared nat chains
/// KUBEPP-HOSTPORTS and KUBEPP-POSTROUTING with their jumps once no rule is left in
/// them, and the records' directory once it is empty.
Status teardown_host_ports(const NetworkConfig& config, const Ipv4Cidr& pod_cidr);

}  // namespace kubepp::runtime::net

// network.h — the container's network namespace. For now: its loopback device.
// (Chapter 02 adds the bridge, veth pairs and IPAM.)
#pragma once

#include "runtime/base/result.h"

namespace kubepp::runtime {

/// Sets `lo` up in the calling process's network namespace; a fresh namespace starts
/// with it down, so even 127.0.0.1 would be unreachable.
Status bring_loopback_up();

}  // namespace kubepp::runtime

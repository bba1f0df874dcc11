// internal.h — what the two halves of RuntimeService (sandbox.cpp, containers.cpp)
// share. Not part of the runtime's interface.
#pragma once

#include <map>
#include <string>

#include "runtime/base/result.h"
#include "runtime/cgroups.h"
#include "runtime/cri/api.h"
#include "runtime/cri/records.h"
#include "runtime/monitor.h"

namespace kubepp::runtime::cri {

/// The sandbox `id`, if it is ready and its pause process runs; Conflict otherwise.
Result<SandboxRecord> ready_sandbox(const StateDirs& dirs, const std::string& id);

/// The CRI's cgroup values as the runtime's limits: shares and quota back to
/// millicores (exactly: the kubelet's conversions round the other way).
ResourceLimits to_resource_limits(const LinuxContainerResources& resources);

/// Lets a launched container's monitor run on its own: its end is read from its
/// state, and reap_monitors() collects the exited monitor (our child) later.
void forget_monitor(Launched& launched);

/// True when every key of `selector` is in `labels` with the same value.
bool labels_match(const std::map<std::string, std::string>& selector, const std::map<std::string, std::string>& labels);

}  // namespace kubepp::runtime::cri

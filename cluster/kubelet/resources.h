// resources.h — requests and limits in the kernel's units: a pod's quality-of-service
// class, the CPU shares and CFS quota of a container's cgroup and of the pod's, and the
// OOM score adjustment that decides whom the kernel kills first when memory runs out.
//
// Upstream: pkg/apis/core/v1/helper/qos (GetPodQOS), pkg/kubelet/qos/policy.go
// (GetContainerOOMScoreAdjust), pkg/kubelet/cm/helpers_linux.go (MilliCPUToShares,
// MilliCPUToQuota, ResourceConfigForPod), component-helpers' PodRequests and PodLimits,
// and the kuberuntime's calculateLinuxResources.
//
//   request 250m  ──milli_cpu_to_shares──▶  cpu.shares 256   (a weight: 1024 per core)
//   limit   250m  ──milli_cpu_to_quota───▶  cfs_quota 25000 per cfs_period 100000 µs
//   limit   64Mi  ─────────────────────────▶ memory.limit_in_bytes 67108864
//
// All functions are pure and thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "cluster/api/quantity.h"
#include "cluster/api/types/core_v1.h"
#include "runtime/cri/api.h"

namespace kubepp::kubelet {

/// A resource list (ResourceList): quantities by resource name.
using ResourceList = std::map<std::string, api::Quantity>;

// ---- quality of service -------------------------------------------------------------------------

/// The three QoS classes (v1.PodQOSClass).
inline constexpr const char* kQOSGuaranteed = "Guaranteed";
inline constexpr const char* kQOSBurstable = "Burstable";
inline constexpr const char* kQOSBestEffort = "BestEffort";

/// GetPodQOS: status.qosClass when set, else computed from cpu and memory (other
/// resources do not count): BestEffort when no container (init containers included)
/// requests or limits either; Guaranteed when every container limits both and the summed
/// requests equal the summed limits; Burstable otherwise. Pod-level resources
/// (spec.resources), when set, decide instead of the containers'.
std::string qos_class(const api::core_v1::Pod& pod);

// ---- CPU ------------------------------------------------------------------------------------------

inline constexpr int64_t kMinShares = 2;            ///< the kernel's least cpu.shares
inline constexpr int64_t kMaxShares = 262144;       ///< the kernel's most cpu.shares
inline constexpr int64_t kSharesPerCPU = 1024;      ///< the shares of one core
inline constexpr int64_t kQuotaPeriod = 100000;     ///< the CFS period, 100 ms in microseconds
inline constexpr int64_t kMinQuotaPeriod = 1000;    ///< the least CFS quota, 1 ms

/// MilliCPUToShares: millicores * 1024 / 1000, within [2, 262144]; 0 millicores is 2 (the
/// kernel's least, not its default of 1024). 100m is 102, 250m 256, 1 core 1024.
int64_t milli_cpu_to_shares(int64_t milli_cpu);

/// MilliCPUToQuota: millicores * period / 1000, at least 1 ms (1000); 0 millicores is 0,
/// no quota. With the 100 ms period: 100m is 10000, 1 core 100000.
int64_t milli_cpu_to_quota(int64_t milli_cpu, int64_t period = kQuotaPeriod);

// ---- a container ----------------------------------------------------------------------------------

/// The OOM score adjustments the kubelet gives (pkg/kubelet/qos/policy.go).
inline constexpr int64_t kGuaranteedOOMScoreAdj = -997;
inline constexpr int64_t kBestEffortOOMScoreAdj = 1000;

/// GetContainerOOMScoreAdjust: -997 for a Guaranteed pod's containers (and for a
/// system-node-critical pod's), 1000 for a BestEffort pod's. A Burstable pod's container
/// gets 1000 - 1000 * memory request / `memory_capacity` (the node's bytes), kept within
/// [3, 999]: the more it requests, the later it is killed. A sidecar (an init container
/// with restartPolicy Always) gets no more than the regular container requesting least.
/// `memory_capacity` must be positive.
int64_t oom_score_adj(const api::core_v1::Pod& pod, const api::core_v1::Container& container,
                      int64_t memory_capacity);

/// generateLinuxContainerResources: cpu_shares from the CPU request (from the limit when
/// there is no request; 2 with neither), cpu_period 100000 with cpu_quota from the CPU
/// limit (0 without one), memory_limit_in_bytes from the memory limit (0 without one),
/// and oom_score_adj as above.
runtime::cri::LinuxContainerResources container_resources(const api::core_v1::Pod& pod,
                                                          const api::core_v1::Container& container,
                                                          int64_t memory_capacity);

// ---- the pod --------------------------------------------------------------------------------------

/// PodRequests: per resource, the regular containers' and sidecars' sum, or an init
/// container's (with the sidecars started before it) when that is larger; cpu and memory
/// replaced by spec.resources.requests when those are set; then the pod's overhead added.
ResourceList pod_requests(const api::core_v1::Pod& pod);

/// PodLimits: as pod_requests for the limits, the overhead added only to limits that
/// are set, cpu and memory replaced by spec.resources.limits when set.
ResourceList pod_limits(const api::core_v1::Pod& pod);

/// ResourceConfigForPod: the limits of the pod's cgroup, which holds all its containers.
/// cpu_shares from the pod's CPU requests (2 for BestEffort). cpu_quota (with cpu_period)
/// and memory_limit_in_bytes from the pod's limits, only when every container (init
/// containers too) sets that limit — or the pod-level resources do — since one unlimited
/// container makes the pod unlimited; a Guaranteed pod always sets them.
runtime::cri::LinuxContainerResources pod_resources(const api::core_v1::Pod& pod);

}  // namespace kubepp::kubelet

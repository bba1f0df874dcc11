// resources.cpp — QoS classes, CPU shares and quota, OOM score adjustments, and the sums
// of a pod's requests and limits, as the kubelet computes them (see resources.h for the
// upstream functions each one follows).
//
// Left out: the kubelet options that change these numbers (cpuCFSQuota off,
// cpuCFSQuotaPeriod, memory QoS on cgroup v2, swap), huge page limits (the CRI structs
// have no field for them) and container-level defaults from pod-level limits.
#include "cluster/kubelet/resources.h"

#include <algorithm>
#include <set>
#include <vector>

namespace kubepp::kubelet {

using api::Quantity;
using api::core_v1::Container;
using api::core_v1::Pod;

namespace {

// A quantity of `list`, zero when absent (ResourceList.Cpu(), .Memory()).
Quantity get(const ResourceList& list, const std::string& name) {
  auto it = list.find(name);
  return it == list.end() ? Quantity() : it->second;
}

// addResourceList: `add` summed into `into`.
void add_list(ResourceList& into, const ResourceList& add) {
  for (const auto& [name, q] : add) {
    auto [it, inserted] = into.try_emplace(name, q);
    if (!inserted) it->second.add(q);
  }
}

// maxResourceList: each of `other`'s quantities into `into` where it is larger.
void max_list(ResourceList& into, const ResourceList& other) {
  for (const auto& [name, q] : other) {
    auto [it, inserted] = into.try_emplace(name, q);
    if (!inserted && q.cmp(it->second) > 0) it->second = q;
  }
}

bool is_sidecar(const Container& c) { return c.restartPolicy.value_or("") == "Always"; }

// The resources pod-level resources may set (IsSupportedPodLevelResource).
bool pod_level_supported(const std::string& name) { return name == "cpu" || name == "memory"; }

// Whether spec.resources sets any request or limit of cpu or memory.
bool has_pod_level(const ResourceList& list) {
  return std::any_of(list.begin(), list.end(), [](const auto& e) { return pod_level_supported(e.first); });
}
bool pod_level_set(const Pod& pod) {
  const auto& r = pod.spec.resources;
  return r && (has_pod_level(r->requests) || has_pod_level(r->limits));
}

// AggregateContainerRequests / AggregateContainerLimits over the list `which` of each
// container, calling `each` on every container's list (upstream's ContainerFn). The
// regular containers run together; init containers one by one, each beside the sidecars
// started before it; sidecars keep running beside the regular containers.
template <typename Which, typename Each>
ResourceList aggregate(const Pod& pod, Which which, Each each) {
  ResourceList sum;
  for (const Container& c : pod.spec.containers) {
    each(which(c));
    add_list(sum, which(c));
  }
  ResourceList sidecars, init_peak;
  for (const Container& c : pod.spec.initContainers) {
    each(which(c));
    ResourceList in_use;
    if (is_sidecar(c)) {
      add_list(sum, which(c));
      add_list(sidecars, which(c));
      in_use = sidecars;
    } else {
      add_list(in_use, which(c));
      add_list(in_use, sidecars);
    }
    max_list(init_peak, in_use);
  }
  max_list(sum, init_peak);
  return sum;
}

const ResourceList& requests_of(const Container& c) { return c.resources.requests; }
const ResourceList& limits_of(const Container& c) { return c.resources.limits; }

// The QoS class from the summed cpu and memory requests and limits (ComputePodQOS).
// Quantities of zero do not count.
struct QoSSums {
  ResourceList requests, limits;
  bool guaranteed = true;

  // processResourceList: adds the positive cpu and memory quantities of `list`.
  static void add_positive(ResourceList& into, const ResourceList& list) {
    for (const auto& [name, q] : list) {
      if ((name == "cpu" || name == "memory") && q.sign() > 0) add_list(into, {{name, q}});
    }
  }
  // Adds one list of limits; both cpu and memory must be limited for Guaranteed.
  void add_limits(const ResourceList& list) {
    ResourceList found;
    add_positive(found, list);
    if (!found.contains("cpu") || !found.contains("memory")) guaranteed = false;
    add_list(limits, found);
  }
};

}  // namespace

// ---- quality of service -------------------------------------------------------------------------

std::string qos_class(const Pod& pod) {
  if (!pod.status.qosClass.empty()) return pod.status.qosClass;
  QoSSums sums;
  if (pod_level_set(pod)) {
    QoSSums::add_positive(sums.requests, pod.spec.resources->requests);
    sums.add_limits(pod.spec.resources->limits);
  } else {
    // Ephemeral containers cannot set resources, so they do not count.
    for (const auto* list : {&pod.spec.containers, &pod.spec.initContainers}) {
      for (const Container& c : *list) {
        QoSSums::add_positive(sums.requests, c.resources.requests);
        sums.add_limits(c.resources.limits);
      }
    }
  }
  if (sums.requests.empty() && sums.limits.empty()) return kQOSBestEffort;
  if (sums.guaranteed) {
    for (const auto& [name, request] : sums.requests) {
      auto it = sums.limits.find(name);
      if (it == sums.limits.end() || it->second.cmp(request) != 0) sums.guaranteed = false;
    }
  }
  if (sums.guaranteed && sums.requests.size() == sums.limits.size()) return kQOSGuaranteed;
  return kQOSBurstable;
}

// ---- CPU ------------------------------------------------------------------------------------------

int64_t milli_cpu_to_shares(int64_t milli_cpu) {
  if (milli_cpu == 0) return kMinShares;
  // Conceptually cores * 1024, multiplied first so that the rounding happens once.
  return std::clamp(milli_cpu * kSharesPerCPU / 1000, kMinShares, kMaxShares);
}

int64_t milli_cpu_to_quota(int64_t milli_cpu, int64_t period) {
  if (milli_cpu == 0) return 0;
  return std::max(milli_cpu * period / 1000, kMinQuotaPeriod);
}

// ---- a container ----------------------------------------------------------------------------------

namespace {

// IsNodeCriticalPod: a critical priority (2000000000 and up, the system classes) given by
// the system-node-critical class. (A static pod counts as critical upstream; the kubelet
// here does not tell them apart yet.)
bool is_node_critical(const Pod& pod) {
  return pod.spec.priorityClassName == "system-node-critical" && pod.spec.priority.value_or(0) >= 2000000000;
}

// The smallest memory request of the regular containers (minRegularContainerMemory).
int64_t min_regular_memory(const Pod& pod) {
  int64_t least = 0;
  for (size_t i = 0; i < pod.spec.containers.size(); ++i) {
    int64_t m = get(pod.spec.containers[i].resources.requests, "memory").value();
    if (i == 0 || m < least) least = m;
  }
  return least;
}

bool is_init_sidecar(const Pod& pod, const Container& container) {
  return std::any_of(pod.spec.initContainers.begin(), pod.spec.initContainers.end(),
                     [&](const Container& c) { return c.name == container.name && is_sidecar(c); });
}

}  // namespace

int64_t oom_score_adj(const Pod& pod, const Container& container, int64_t memory_capacity) {
  if (is_node_critical(pod)) return kGuaranteedOOMScoreAdj;
  const std::string qos = qos_class(pod);
  if (qos == kQOSGuaranteed) return kGuaranteedOOMScoreAdj;
  if (qos == kQOSBestEffort) return kBestEffortOOMScoreAdj;

  // Burstable: a container that requests 10% of the node's memory gets 900, so that a
  // process using more than its request scores 1000 and is killed first.
  const int64_t capacity = std::max<int64_t>(memory_capacity, 1);
  const int64_t request = get(container.resources.requests, "memory").value();
  int64_t adj = 1000 - (1000 * request) / capacity;
  // A sidecar must outlive the containers it serves: no higher than theirs.
  if (is_init_sidecar(pod, container) && !pod.spec.containers.empty()) {
    adj = std::min(adj, 1000 - (1000 * min_regular_memory(pod)) / capacity);
  }
  // Above a Guaranteed container (which scores at least 3 at full use), below BestEffort.
  if (adj < 1000 + kGuaranteedOOMScoreAdj) return 1000 + kGuaranteedOOMScoreAdj;
  if (adj == kBestEffortOOMScoreAdj) return adj - 1;
  return adj;
}

runtime::cri::LinuxContainerResources container_resources(const Pod& pod, const Container& container,
                                                          int64_t memory_capacity) {
  runtime::cri::LinuxContainerResources r;
  // A limit without a request: the request is the limit. The API server defaults it so,
  // but objects from before that rule (or from `kubepp play`) may lack it.
  const auto& requests = container.resources.requests;
  const int64_t cpu_request = requests.contains("cpu") ? get(requests, "cpu").milli_value()
                                                       : get(container.resources.limits, "cpu").milli_value();
  r.cpu_shares = milli_cpu_to_shares(cpu_request);
  r.cpu_period = kQuotaPeriod;
  r.cpu_quota = milli_cpu_to_quota(get(container.resources.limits, "cpu").milli_value(), kQuotaPeriod);
  r.memory_limit_in_bytes = get(container.resources.limits, "memory").value();
  r.oom_score_adj = oom_score_adj(pod, container, memory_capacity);
  return r;
}

// ---- the pod --------------------------------------------------------------------------------------

ResourceList pod_requests(const Pod& pod) {
  ResourceList requests = aggregate(pod, requests_of, [](const ResourceList&) {});
  if (pod.spec.resources && has_pod_level(pod.spec.resources->requests)) {
    for (const auto& [name, q] : pod.spec.resources->requests) {
      if (pod_level_supported(name)) requests[name] = q;
    }
  }
  add_list(requests, pod.spec.overhead);
  return requests;
}

namespace {

// PodLimits, telling whether every container limits cpu and memory.
ResourceList limits_and_declared(const Pod& pod, bool& every_cpu, bool& every_memory) {
  every_cpu = every_memory = true;
  ResourceList limits = aggregate(pod, limits_of, [&](const ResourceList& list) {
    if (get(list, "cpu").is_zero()) every_cpu = false;
    if (get(list, "memory").is_zero()) every_memory = false;
  });
  if (pod_level_set(pod)) {
    for (const auto& [name, q] : pod.spec.resources->limits) {
      if (pod_level_supported(name)) limits[name] = q;
    }
  }
  // The overhead raises only limits that exist: an unlimited pod stays unlimited.
  for (const auto& [name, q] : pod.spec.overhead) {
    auto it = limits.find(name);
    if (it != limits.end()) it->second.add(q);
  }
  return limits;
}

}  // namespace

ResourceList pod_limits(const Pod& pod) {
  bool every_cpu = true, every_memory = true;
  return limits_and_declared(pod, every_cpu, every_memory);
}

runtime::cri::LinuxContainerResources pod_resources(const Pod& pod) {
  runtime::cri::LinuxContainerResources r;
  const std::string qos = qos_class(pod);
  if (qos == kQOSBestEffort) {
    r.cpu_shares = kMinShares;
    return r;
  }
  bool cpu_declared = true, memory_declared = true;
  const ResourceList limits = limits_and_declared(pod, cpu_declared, memory_declared);
  if (pod.spec.resources) {
    if (!get(pod.spec.resources->limits, "cpu").is_zero()) cpu_declared = true;
    if (!get(pod.spec.resources->limits, "memory").is_zero()) memory_declared = true;
  }
  const ResourceList requests = pod_requests(pod);
  r.cpu_shares = milli_cpu_to_shares(get(requests, "cpu").milli_value());
  if (qos == kQOSGuaranteed || cpu_declared) {
    r.cpu_period = kQuotaPeriod;
    r.cpu_quota = milli_cpu_to_quota(get(limits, "cpu").milli_value(), kQuotaPeriod);
  }
  if (qos == kQOSGuaranteed || memory_declared) r.memory_limit_in_bytes = get(limits, "memory").value();
  return r;
}

}  // namespace kubepp::kubelet

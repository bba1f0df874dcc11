// downward_api.h — what a container may learn about its own pod: the downward API.
//
// A Pod names fields of itself (`fieldRef: {fieldPath: metadata.name}`) or of its
// container's resources (`resourceFieldRef: {resource: limits.memory}`), and the kubelet
// hands their values to the container as environment variables or as files of a
// downwardAPI volume. The two forms allow different fields, as Kubernetes does: env may
// read the node and the pod's IPs (known only once the pod runs), a volume may read the
// whole label and annotation maps (which can change while it runs, and a file can be
// rewritten; an environment cannot).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "cluster/api/types/core_v1.h"
#include "runtime/base/result.h"

namespace kubepp::kubelet {

/// What the kubelet knows of a running pod that its object may not say yet.
struct PodRuntimeInfo {
  std::string node_name;              ///< spec.nodeName when the Pod has none
  std::string host_ip;                ///< status.hostIP
  std::vector<std::string> pod_ips;   ///< status.podIPs; the first is status.podIP
};

/// The node's allocatable resources: a resourceFieldRef of a limit the container does
/// not set reads these, as Kubernetes does ("cpu" in cores, "memory" in bytes).
struct NodeAllocatable {
  std::map<std::string, api::Quantity> resources;
};

/// The value of `field_path` for an environment variable's fieldRef. Allowed:
/// metadata.name, metadata.namespace, metadata.uid, metadata.labels['KEY'],
/// metadata.annotations['KEY'], spec.nodeName, spec.serviceAccountName, status.hostIP,
/// status.hostIPs, status.podIP, status.podIPs (IPs comma-separated). Invalid for
/// anything else, naming the path and listing the allowed ones. spec.host, the old name of
/// spec.nodeName, reads as it (upstream converts it). The addresses are `info`'s, or the
/// Pod's status where `info` has none.
Result<std::string> env_field_value(const api::core_v1::Pod& pod, const PodRuntimeInfo& info,
                                    const std::string& field_path);

/// The value of `field_path` for a downwardAPI volume file: metadata.name,
/// metadata.namespace, metadata.uid, metadata.labels, metadata.annotations (whole maps,
/// one `key="value"` line each, sorted by key, values quoted as Go's %q does),
/// metadata.labels['KEY'], metadata.annotations['KEY']. Invalid for anything else.
Result<std::string> volume_field_value(const api::core_v1::Pod& pod, const std::string& field_path);

/// The value of a resourceFieldRef of container `container` (limits.cpu, limits.memory,
/// limits.ephemeral-storage, requests.cpu, requests.memory, requests.ephemeral-storage),
/// divided by the selector's divisor (default 1) and rounded up, as Kubernetes does; a
/// limit the container does not set reads the node's allocatable. Invalid for another
/// resource, NotFound for a container the pod does not have. Huge pages
/// (limits.hugepages-2Mi, requests.hugepages-1Gi …) are read too, as upstream reads them;
/// their limits are always set. `container` may name an init container.
Result<std::string> resource_field_value(const api::core_v1::Pod& pod, const std::string& container,
                                         const api::core_v1::ResourceFieldSelector& selector,
                                         const NodeAllocatable& node);

}  // namespace kubepp::kubelet

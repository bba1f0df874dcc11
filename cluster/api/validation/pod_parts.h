// pod_parts.h — the pieces of the pod rules that the files validation/pod*.cpp share:
// pod.cpp (the spec as a whole, the Pod and PodTemplate kinds, updates), pod_container.cpp,
// pod_resources.cpp, pod_volume.cpp, pod_downward_api.cpp, pod_security.cpp and
// pod_scheduling.cpp. Other kinds use pod.h, not this header.
//
// Upstream: pkg/apis/core/validation/validation.go, whose function names the functions
// here carry (validate_container_ports for validateContainerPorts …).
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/api/field.h"
#include "cluster/api/types/core_v1.h"
#include "cluster/api/validation/pod.h"

namespace kubepp::api::validation::podspec {

/// The valid volumes of a pod by name, as ValidateVolumes returns them: a volume with an
/// error is left out, so that mounts of it are reported as not found too.
using VolumeMap = std::map<std::string, const core_v1::VolumeSource*, std::less<>>;

/// What the rules of one container need to know about the pod around it.
struct PodContext {
  const core_v1::PodSpec& spec;
  const VolumeMap& volumes;
  const std::set<std::string>& claim_names;  // spec.resourceClaims[*].name
  std::optional<std::int64_t> grace_period;  // spec.terminationGracePeriodSeconds
  bool host_users;                           // spec.hostUsers, true when unset
  const PodValidationOptions& options;
};

// ---- paths and the downward API (pod_downward_api.cpp), volumes (pod_volume.cpp) -------

/// validateLocalDescendingPath: not absolute, no `..` element.
ErrorList validate_local_descending_path(std::string_view target, const Path& path);
/// validatePathNoBacksteps: no `..` element ("must not contain '..'").
ErrorList validate_path_no_backsteps(std::string_view target, const Path& path);
/// ValidateLocalNonReservedPath: a local descending path that does not start with `..`.
ErrorList validate_local_non_reserved_path(std::string_view target, const Path& path);

/// ValidateVolumes: names, duplicates and each volume's source. Fills `valid` with the
/// volumes that have no error. `meta` is the pod's, null for a template.
ErrorList validate_volumes(const std::vector<core_v1::Volume>& volumes, const meta_v1::ObjectMeta* meta,
                           const PodValidationOptions& options, const Path& path, VolumeMap& valid);

/// validateObjectFieldSelector: apiVersion and fieldPath set, the path one of
/// `expressions` or a subscripted metadata.labels / metadata.annotations.
ErrorList validate_object_field_selector(const core_v1::ObjectFieldSelector& selector,
                                         const std::vector<std::string>& expressions, const Path& path);
/// validateContainerResourceFieldSelector: the resource and its divisor; `volume` requires
/// containerName.
ErrorList validate_container_resource_field_selector(const core_v1::ResourceFieldSelector& selector,
                                                     const Path& path, bool volume);
/// validEnvDownwardAPIFieldPathExpressions, sorted.
const std::vector<std::string>& env_field_paths();

// ---- containers (pod_container.cpp) ---------------------------------------------------

/// validatePullPolicy: required, one of Always, IfNotPresent, Never.
ErrorList validate_pull_policy(std::string_view policy, const Path& path);
/// validateContainers, validateInitContainers, validateEphemeralContainers.
ErrorList validate_containers(const PodContext& pod, const Path& path);
ErrorList validate_init_containers(const PodContext& pod, const Path& path);
ErrorList validate_ephemeral_containers(const PodContext& pod, const Path& path);
/// validateContainerOnlyForPod: no white space around the image.
ErrorList validate_container_only_for_pod(const std::string& image, const Path& path);

/// The Container an ephemeral container stands for (upstream converts the pointer).
core_v1::Container as_container(const core_v1::EphemeralContainerCommon& c);

/// Calls `visit(container, path)` for every init, regular and ephemeral container, in that
/// order (VisitContainersWithPath).
template <typename Visit>
void visit_containers(const core_v1::PodSpec& spec, const Path& spec_path, Visit&& visit) {
  for (size_t i = 0; i < spec.initContainers.size(); i++) {
    visit(spec.initContainers[i], spec_path.child("initContainers").index(i));
  }
  for (size_t i = 0; i < spec.containers.size(); i++) {
    visit(spec.containers[i], spec_path.child("containers").index(i));
  }
  for (size_t i = 0; i < spec.ephemeralContainers.size(); i++) {
    visit(as_container(spec.ephemeralContainers[i]), spec_path.child("ephemeralContainers").index(i));
  }
}

// ---- resources (pod_resources.cpp) -----------------------------------------------------

/// ValidateContainerResourceRequirements: names, quantities, requests against limits,
/// huge pages and claims, under `path` (".../resources").
ErrorList validate_container_resource_requirements(const core_v1::ResourceRequirements& requirements,
                                                   const std::set<std::string>& claim_names, const Path& path);
/// validateOverhead: the overhead as the limits of a container.
ErrorList validate_overhead(const std::map<std::string, Quantity>& overhead, const Path& path);
/// validatePodResourceClaims.
ErrorList validate_pod_resource_claims(const std::vector<core_v1::PodResourceClaim>& claims, const Path& path);
/// AggregateContainerRequests: per resource, the larger of the regular containers and
/// sidecars together, and of each other init container with the sidecars started before it.
std::map<std::string, Quantity> aggregate_container_requests(const core_v1::PodSpec& spec);
/// validatePodResources: spec.resources (PodLevelResources).
ErrorList validate_pod_resources(const core_v1::PodSpec& spec, const std::set<std::string>& claim_names,
                                 const Path& path);

// ---- security (pod_security.cpp) -------------------------------------------------------

/// ValidateSecurityContext: one container's.
ErrorList validate_security_context(const std::optional<core_v1::SecurityContext>& sc, const Path& path,
                                    bool host_users);
/// validatePodSpecSecurityContext: the pod's, with the host namespaces upstream keeps in it.
ErrorList validate_pod_spec_security_context(const core_v1::PodSpec& spec, const Path& spec_path);
/// validateWindowsHostProcessPod, validateHostUsers, validateLinux, validateWindows.
ErrorList validate_windows_host_process_pod(const core_v1::PodSpec& spec, const Path& spec_path);
ErrorList validate_host_users(const core_v1::PodSpec& spec, const Path& spec_path);
ErrorList validate_linux(const core_v1::PodSpec& spec, const Path& spec_path);
ErrorList validate_windows(const core_v1::PodSpec& spec, const Path& spec_path);
/// ValidateSeccompProfile: a seccomp annotation's value.
ErrorList validate_seccomp_profile_annotation(std::string_view profile, const Path& path);
/// validateSeccompProfileField.
ErrorList validate_seccomp_profile_field(const std::optional<core_v1::SeccompProfile>& profile, const Path& path);

// ---- scheduling, DNS and the rest (pod_scheduling.cpp) -----------------------------------

ErrorList validate_affinity(const std::optional<core_v1::Affinity>& affinity, const Path& path);
ErrorList validate_pod_dns_config(const std::optional<core_v1::PodDNSConfig>& config, std::string_view dns_policy,
                                  const Path& path);
ErrorList validate_readiness_gates(const std::vector<core_v1::PodReadinessGate>& gates, const Path& path);
ErrorList validate_scheduling_gates(const std::vector<core_v1::PodSchedulingGate>& gates, const Path& path);
ErrorList validate_topology_spread_constraints(const std::vector<core_v1::TopologySpreadConstraint>& constraints,
                                               const Path& path);
ErrorList validate_host_aliases(const std::vector<core_v1::HostAlias>& aliases, const Path& path);

}  // namespace kubepp::api::validation::podspec

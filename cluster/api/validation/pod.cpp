// pod.cpp — a pod's spec as a whole (ValidatePodSpec, in upstream's order), pod templates,
// the annotations only pods have, and the Pod and PodTemplate kinds: ValidatePodCreate,
// ValidatePodUpdate and ValidatePodTemplate of pkg/apis/core/validation/validation.go
// (Kubernetes 1.34). The parts are in pod_container.cpp, pod_resources.cpp,
// pod_volume.cpp, pod_downward_api.cpp, pod_security.cpp and pod_scheduling.cpp.
//
// The feature gates are taken at their 1.34 defaults: relaxed environment variable names
// and DNS search domains, zero-second sleep hooks, pod-level resources, sidecar resize
// policies, both SELinux change policies. Left out, as alpha features or rules that need
// more than the object: restartPolicyRules, lifecycle.stopSignal, env fileKeyRef,
// hostnameOverride, workloadRef and the podCertificate projection (not checked); the
// allow-privileged cluster setting (privileged containers are allowed); the deprecated
// tolerations annotation; the cross-checks of seccomp and AppArmor annotations against the
// fields; the names of ClusterTrustBundles and signers; an ephemeral volume's data sources;
// and the update allowances upstream grants to objects that were stored before a rule
// existed (invalid label values, indivisible huge pages).
#include "cluster/api/validation/pod.h"

#include <algorithm>
#include <climits>

#include <nlohmann/json.hpp>

#include "cluster/api/codec.h"
#include "cluster/api/names.h"
#include "cluster/api/validation/core_v1.h"
#include "cluster/api/validation/meta.h"
#include "cluster/api/validation/pod_parts.h"

namespace kubepp::api::validation {

namespace {

using namespace podspec;

constexpr std::string_view kMirrorPodAnnotation = "kubernetes.io/config.mirror";
constexpr std::string_view kPodDeletionCost = "controller.kubernetes.io/pod-deletion-cost";
constexpr std::string_view kSeccompPodAnnotation = "seccomp.security.alpha.kubernetes.io/pod";
constexpr std::string_view kSeccompContainerPrefix = "container.seccomp.security.alpha.kubernetes.io/";
constexpr std::string_view kAppArmorPrefix = "container.apparmor.security.beta.kubernetes.io/";

bool has_prefix(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// GetDeletionCostFromPodAnnotations: a 32-bit integer without '+' or leading zeros.
bool is_deletion_cost(const std::string& value) {
  if (value.empty()) return false;
  const bool first_ok = value[0] == '-' || value == "0" || (value[0] >= '1' && value[0] <= '9');
  if (!first_ok) return false;
  try {
    size_t used = 0;
    long long v = std::stoll(value, &used, 10);
    return used == value.size() && v >= INT32_MIN && v <= INT32_MAX;
  } catch (...) {
    return false;
  }
}

bool has_container(const core_v1::PodSpec& spec, std::string_view name) {
  bool found = false;
  visit_containers(spec, Path("spec"), [&](const core_v1::Container& c, const Path&) { found = found || c.name == name; });
  return found;
}

/// ValidatePodSpecificAnnotations: the mirror pod, deletion cost, seccomp and AppArmor
/// annotations, under `path` ("metadata.annotations").
ErrorList validate_pod_specific_annotations(const std::map<std::string, std::string>& annotations,
                                            const core_v1::PodSpec& spec, const Path& path) {
  ErrorList errs;
  if (auto mirror = annotations.find(std::string(kMirrorPodAnnotation)); mirror != annotations.end() && spec.nodeName.empty()) {
    errs.push_back(invalid(path.key(kMirrorPodAnnotation), quoted(mirror->second), "must set spec.nodeName if mirror pod annotation is set"));
  }
  if (auto cost = annotations.find(std::string(kPodDeletionCost)); cost != annotations.end() && !is_deletion_cost(cost->second)) {
    errs.push_back(invalid(path.key(kPodDeletionCost), quoted(cost->second), "must be a 32bit integer"));
  }
  // Upstream names the seccomp annotations as children of the path, not as keys.
  if (auto pod = annotations.find(std::string(kSeccompPodAnnotation)); pod != annotations.end()) {
    append(errs, validate_seccomp_profile_annotation(pod->second, path.child(kSeccompPodAnnotation)));
  }
  for (const auto& [key, value] : annotations) {
    if (has_prefix(key, kSeccompContainerPrefix)) append(errs, validate_seccomp_profile_annotation(value, path.child(key)));
  }
  for (const auto& [key, value] : annotations) {
    if (!has_prefix(key, kAppArmorPrefix)) continue;
    const std::string container = key.substr(kAppArmorPrefix.size());
    if (!has_container(spec, container)) errs.push_back(invalid(path.key(key), quoted(container), "container not found"));
    if (!value.empty() && value != "runtime/default" && value != "unconfined" && !has_prefix(value, "localhost/")) {
      errs.push_back(invalid(path.key(key), quoted(value), "invalid AppArmor profile name: " + quoted(value)));
    }
  }
  return errs;
}

/// validatePodHostNetworkDeps: with hostNetwork, a container's hostPort is its
/// containerPort (a template may leave it 0, to be defaulted in the pod).
ErrorList validate_pod_host_network_deps(const core_v1::PodSpec& spec, const Path& path, const PodValidationOptions& options) {
  if (!spec.hostNetwork) return {};
  ErrorList errs;
  for (size_t i = 0; i < spec.containers.size(); i++) {
    const std::vector<core_v1::ContainerPort>& ports = spec.containers[i].ports;
    for (size_t j = 0; j < ports.size(); j++) {
      if ((options.resource_is_pod || ports[j].hostPort != 0) && ports[j].hostPort != ports[j].containerPort) {
        errs.push_back(invalid(path.child("containers").index(i).child("ports").index(j).child("hostPort"),
                               std::to_string(ports[j].hostPort), "must match `containerPort` when `hostNetwork` is true"));
      }
    }
  }
  return errs;
}

ErrorList validate_policy(std::string_view value, const std::vector<std::string>& supported, const Path& path) {
  if (value.empty()) return {required(path)};
  if (std::find(supported.begin(), supported.end(), value) != supported.end()) return {};
  return {not_supported(path, quoted(value), supported)};
}

ErrorList validate_os(const core_v1::PodSpec& spec, const Path& spec_path) {
  const Path path = spec_path.child("os");
  if (spec.os->name.empty()) return {required(path.child("name"), "cannot be empty")};
  if (spec.os->name == "linux") return validate_linux(spec, spec_path);
  if (spec.os->name == "windows") return validate_windows(spec, spec_path);
  return {not_supported(path, quoted(spec.os->name), {"linux", "windows"})};
}

/// The fields after the containers, in ValidatePodSpec's order.
ErrorList validate_pod_spec_fields(const core_v1::PodSpec& spec, const Path& path) {
  ErrorList errs;
  if (!spec.serviceAccountName.empty()) append(errs, validate_dns1123_subdomain(spec.serviceAccountName, path.child("serviceAccountName")));
  if (!spec.nodeName.empty()) append(errs, validate_dns1123_subdomain(spec.nodeName, path.child("nodeName")));
  if (spec.activeDeadlineSeconds && (*spec.activeDeadlineSeconds < 1 || *spec.activeDeadlineSeconds > INT32_MAX)) {
    errs.push_back(invalid(path.child("activeDeadlineSeconds"), std::to_string(*spec.activeDeadlineSeconds),
                           "must be between 1 and 2147483647, inclusive"));
  }
  if (!spec.hostname.empty()) append(errs, validate_dns1123_label(spec.hostname, path.child("hostname")));
  if (!spec.subdomain.empty()) append(errs, validate_dns1123_label(spec.subdomain, path.child("subdomain")));
  append(errs, validate_tolerations(spec.tolerations, path.child("tolerations")));
  append(errs, validate_host_aliases(spec.hostAliases, path.child("hostAliases")));
  if (!spec.priorityClassName.empty()) append(errs, validate_dns1123_subdomain(spec.priorityClassName, path.child("priorityClassName")));
  if (spec.runtimeClassName) append(errs, validate_dns1123_subdomain(*spec.runtimeClassName, path.child("runtimeClassName")));
  if (spec.preemptionPolicy) {
    append(errs, validate_policy(*spec.preemptionPolicy, {"PreemptLowerPriority", "Never"}, path.child("preemptionPolicy")));
  }
  if (!spec.overhead.empty()) append(errs, validate_overhead(spec.overhead, path.child("overhead")));
  if (spec.os) append(errs, validate_os(spec, path));
  return errs;
}

ErrorList validate_pod_spec_impl(const core_v1::PodSpec& spec, const meta_v1::ObjectMeta* meta, const Path& path,
                                 const PodValidationOptions& options) {
  ErrorList errs;
  if (!spec.terminationGracePeriodSeconds) errs.push_back(required(path.child("terminationGracePeriodSeconds")));
  VolumeMap volumes;
  append(errs, validate_volumes(spec.volumes, meta, options, path.child("volumes"), volumes));
  std::set<std::string> claims;
  for (const core_v1::PodResourceClaim& c : spec.resourceClaims) {
    if (!c.name.empty()) claims.insert(c.name);
  }
  append(errs, validate_pod_resource_claims(spec.resourceClaims, path.child("resourceClaims")));
  const PodContext pod{spec, volumes, claims, spec.terminationGracePeriodSeconds, spec.hostUsers.value_or(true), options};
  append(errs, validate_containers(pod, path.child("containers")));
  append(errs, validate_init_containers(pod, path.child("initContainers")));
  append(errs, validate_ephemeral_containers(pod, path.child("ephemeralContainers")));
  append(errs, validate_pod_resources(spec, claims, path.child("resources")));
  append(errs, validate_pod_host_network_deps(spec, path, options));
  append(errs, validate_policy(spec.restartPolicy, {"Always", "OnFailure", "Never"}, path.child("restartPolicy")));
  append(errs, validate_policy(spec.dnsPolicy, {"ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"},
                               path.child("dnsPolicy")));
  append(errs, validate_labels(spec.nodeSelector, path.child("nodeSelector")));
  append(errs, validate_pod_spec_security_context(spec, path));
  append(errs, validate_affinity(spec.affinity, path.child("affinity")));
  append(errs, validate_pod_dns_config(spec.dnsConfig, spec.dnsPolicy, path.child("dnsConfig")));
  append(errs, validate_readiness_gates(spec.readinessGates, path.child("readinessGates")));
  append(errs, validate_scheduling_gates(spec.schedulingGates, path.child("schedulingGates")));
  append(errs, validate_topology_spread_constraints(spec.topologySpreadConstraints, path.child("topologySpreadConstraints")));
  append(errs, validate_windows_host_process_pod(spec, path));
  append(errs, validate_host_users(spec, path));
  append(errs, validate_pod_spec_fields(spec, path));
  return errs;
}

}  // namespace

ErrorList validate_pod_spec(const core_v1::PodSpec& spec, const meta_v1::ObjectMeta& meta, const Path& path) {
  return validate_pod_spec_impl(spec, &meta, path, PodValidationOptions{});
}

ErrorList validate_pod_spec(const core_v1::PodSpec& spec, const meta_v1::ObjectMeta& meta, const Path& path,
                            const PodValidationOptions& options) {
  return validate_pod_spec_impl(spec, &meta, path, options);
}

ErrorList validate_pod_template_spec(const core_v1::PodTemplateSpec& spec, const Path& path) {
  ErrorList errs = validate_labels(spec.metadata.labels, path.child("labels"));
  append(errs, validate_annotations(spec.metadata.annotations, path.child("annotations")));
  append(errs, validate_pod_specific_annotations(spec.metadata.annotations, spec.spec, path.child("annotations")));
  append(errs, validate_pod_spec_impl(spec.spec, nullptr, path.child("spec"), PodValidationOptions{}));
  if (!spec.spec.ephemeralContainers.empty()) {
    errs.push_back(forbidden(path.child("spec").child("ephemeralContainers"), "ephemeral containers not allowed in pod template"));
  }
  return errs;
}

// ---- the Pod kind ---------------------------------------------------------------------------

namespace {

/// validatePodMetadataAndSpec without ValidateObjectMeta: what create and update share.
ErrorList validate_pod_metadata_and_spec(const core_v1::Pod& pod) {
  const Path spec_path("spec");
  ErrorList errs = validate_pod_specific_annotations(pod.metadata.annotations, pod.spec, Path("metadata").child("annotations"));
  append(errs, validate_pod_spec_impl(pod.spec, &pod.metadata, spec_path, PodValidationOptions{.resource_is_pod = true}));
  if (pod.spec.serviceAccountName.empty()) {
    for (size_t v = 0; v < pod.spec.volumes.size(); v++) {
      if (!pod.spec.volumes[v].projected) continue;
      const std::vector<core_v1::VolumeProjection>& sources = pod.spec.volumes[v].projected->sources;
      for (size_t s = 0; s < sources.size(); s++) {
        if (!sources[s].serviceAccountToken) continue;
        errs.push_back(forbidden(spec_path.child("volumes").index(v).child("projected").child("sources").index(s).child("serviceAccountToken"),
                                 "must not be specified when serviceAccountName is not set"));
      }
    }
  }
  for (size_t i = 0; i < pod.spec.containers.size(); i++) {
    append(errs, validate_container_only_for_pod(pod.spec.containers[i].image, spec_path.child("containers").index(i)));
  }
  for (size_t i = 0; i < pod.spec.initContainers.size(); i++) {
    append(errs, validate_container_only_for_pod(pod.spec.initContainers[i].image, spec_path.child("initContainers").index(i)));
  }
  return errs;
}

/// ValidatePodSpecificAnnotationUpdates: the mirror pod and AppArmor annotations may not
/// be added, changed or removed; then ValidatePodSpecificAnnotations again.
ErrorList validate_pod_annotation_updates(const core_v1::Pod& pod, const core_v1::Pod& old, const Path& path) {
  ErrorList errs;
  const auto& now = pod.metadata.annotations;
  for (const auto& [key, value] : old.metadata.annotations) {
    auto it = now.find(key);
    if (it != now.end() && it->second == value) continue;
    if (has_prefix(key, kAppArmorPrefix)) errs.push_back(forbidden(path.key(key), "may not remove or update AppArmor annotations"));
    if (key == kMirrorPodAnnotation) errs.push_back(forbidden(path.key(key), "may not remove or update mirror pod annotation"));
  }
  for (const auto& [key, value] : now) {
    if (old.metadata.annotations.contains(key)) continue;
    if (has_prefix(key, kAppArmorPrefix)) errs.push_back(forbidden(path.key(key), "may not add AppArmor annotations"));
    if (key == kMirrorPodAnnotation) errs.push_back(forbidden(path.key(key), "may not add mirror pod annotation"));
  }
  // As upstream, the annotations' own rules a second time.
  append(errs, validate_pod_specific_annotations(now, pod.spec, path));
  return errs;
}

/// ValidateContainerUpdates: the same number of containers, each with an image. `stop` is
/// set when the number changed: nothing more is checked then.
ErrorList validate_container_updates(const std::vector<core_v1::Container>& now, const std::vector<core_v1::Container>& old,
                                     const Path& path, bool& stop) {
  if (now.size() != old.size()) {
    stop = true;
    return {forbidden(path, "pod updates may not add or remove containers")};
  }
  ErrorList errs;
  for (size_t i = 0; i < now.size(); i++) {
    if (now[i].image.empty()) errs.push_back(required(path.index(i).child("image")));
    append(errs, validate_container_only_for_pod(now[i].image, path.index(i)));
  }
  return errs;
}

/// validateOnlyAddedTolerations: every old toleration is still there, but for its
/// tolerationSeconds.
ErrorList validate_only_added_tolerations(const std::vector<core_v1::Toleration>& now,
                                          const std::vector<core_v1::Toleration>& old, const Path& path) {
  for (const core_v1::Toleration& o : old) {
    bool found = std::any_of(now.begin(), now.end(), [&](const core_v1::Toleration& n) {
      core_v1::Toleration clone = o;
      clone.tolerationSeconds = n.tolerationSeconds;
      return clone == n;
    });
    if (!found) return {forbidden(path, "existing toleration can not be modified except its tolerationSeconds")};
  }
  return validate_tolerations(now, path);
}

ErrorList validate_only_deleted_scheduling_gates(const std::vector<core_v1::PodSchedulingGate>& now,
                                                 const std::vector<core_v1::PodSchedulingGate>& old, const Path& path) {
  std::map<std::string, size_t> added;  // name → its last index
  for (size_t i = 0; i < now.size(); i++) added[now[i].name] = i;
  for (const core_v1::PodSchedulingGate& g : old) added.erase(g.name);
  std::vector<std::pair<size_t, std::string>> by_index;
  for (const auto& [name, i] : added) by_index.emplace_back(i, name);
  std::sort(by_index.begin(), by_index.end());
  ErrorList errs;
  for (const auto& [i, name] : by_index) {
    errs.push_back(forbidden(path.index(i).child("name"), "only deletion is allowed, but found new scheduling gate '" + name + "'"));
  }
  return errs;
}

ErrorList validate_active_deadline_update(const core_v1::PodSpec& now, const core_v1::PodSpec& old, const Path& path,
                                          bool& stop) {
  if (now.activeDeadlineSeconds) {
    const std::int64_t v = *now.activeDeadlineSeconds;
    stop = true;
    if (v < 0 || v > INT32_MAX) return {invalid(path, std::to_string(v), "must be between 0 and 2147483647, inclusive")};
    if (old.activeDeadlineSeconds && *old.activeDeadlineSeconds < v) {
      return {invalid(path, std::to_string(v), "must be less than or equal to previous value")};
    }
    stop = false;
  } else if (old.activeDeadlineSeconds) {
    return {invalid(path, quoted("null"), "must not update from a positive integer to nil value")};
  }
  return {};
}

bool only_additions(const core_v1::NodeSelectorTerm& now, const core_v1::NodeSelectorTerm& old) {
  if (old.matchExpressions.empty() && old.matchFields.empty() && (!now.matchExpressions.empty() || !now.matchFields.empty())) {
    return false;
  }
  auto prefix = [](const auto& n, const auto& o) { return n.size() >= o.size() && std::equal(o.begin(), o.end(), n.begin()); };
  return prefix(now.matchExpressions, old.matchExpressions) && prefix(now.matchFields, old.matchFields);
}

/// validateNodeAffinityMutation: a gated pod may add requirements to its required terms.
ErrorList validate_node_affinity_mutation(const std::optional<core_v1::NodeAffinity>& now,
                                          const std::optional<core_v1::NodeAffinity>& old, const Path& path) {
  if (!old || !old->requiredDuringSchedulingIgnoredDuringExecution) return {};
  const auto& old_terms = old->requiredDuringSchedulingIgnoredDuringExecution->nodeSelectorTerms;
  std::vector<core_v1::NodeSelectorTerm> new_terms;
  if (now && now->requiredDuringSchedulingIgnoredDuringExecution) {
    new_terms = now->requiredDuringSchedulingIgnoredDuringExecution->nodeSelectorTerms;
  }
  const Path terms = path.child("requiredDuringSchedulingIgnoredDuringExecution").child("nodeSelectorTerms");
  // Upstream prints the terms as the value; they are left out here.
  if (!old_terms.empty() && old_terms.size() != new_terms.size()) {
    return {invalid(terms, "", "no additions/deletions to non-empty NodeSelectorTerms list are allowed")};
  }
  ErrorList errs;
  for (size_t i = 0; i < old_terms.size(); i++) {
    if (!only_additions(new_terms[i], old_terms[i])) {
      errs.push_back(invalid(terms.index(i), "", "only additions are allowed (no mutations or deletions)"));
    }
  }
  return errs;
}

/// What a pod with scheduling gates may change besides: additions to its node selector and
/// to its required node affinity. Checks them and copies the old values into `munged`.
ErrorList munge_gated_pod(core_v1::PodSpec& munged, const core_v1::PodSpec& old, const Path& path) {
  ErrorList errs;
  if (munged.nodeSelector != old.nodeSelector) {
    for (const auto& [k, v] : old.nodeSelector) {
      auto it = munged.nodeSelector.find(k);
      if (it == munged.nodeSelector.end() || it->second != v) {
        errs.push_back(invalid(path.child("nodeSelector"), go_string_map(munged.nodeSelector),
                               "only additions to spec.nodeSelector are allowed (no mutations or deletions)"));
        break;
      }
    }
    munged.nodeSelector = old.nodeSelector;
  }
  std::optional<core_v1::NodeAffinity> old_na = old.affinity ? old.affinity->nodeAffinity : std::nullopt;
  std::optional<core_v1::NodeAffinity> new_na = munged.affinity ? munged.affinity->nodeAffinity : std::nullopt;
  if (old_na != new_na) {
    append(errs, validate_node_affinity_mutation(new_na, old_na, path.child("affinity").child("nodeAffinity")));
    if (!munged.affinity && old_na) {
      munged.affinity.emplace().nodeAffinity = old_na;
    } else if (munged.affinity && !old.affinity && !munged.affinity->podAntiAffinity && !munged.affinity->podAffinity) {
      munged.affinity.reset();
    } else if (munged.affinity) {
      munged.affinity->nodeAffinity = old_na;
    }
  }
  return errs;
}

// One "- path: old" / "+ path: new" pair per changed leaf of two JSON values.
void diff_json(const nlohmann::json& a, const nlohmann::json& b, const std::string& path, std::string& out) {
  if (a == b) return;
  if (a.is_object() && b.is_object()) {
    std::set<std::string> keys;
    for (auto it = a.begin(); it != a.end(); ++it) keys.insert(it.key());
    for (auto it = b.begin(); it != b.end(); ++it) keys.insert(it.key());
    for (const std::string& k : keys) {
      diff_json(a.value(k, nlohmann::json()), b.value(k, nlohmann::json()), path + "." + k, out);
    }
    return;
  }
  if (a.is_array() && b.is_array()) {
    for (size_t i = 0; i < std::max(a.size(), b.size()); i++) {
      diff_json(i < a.size() ? a[i] : nlohmann::json(), i < b.size() ? b[i] : nlohmann::json(),
                path + "[" + std::to_string(i) + "]", out);
    }
    return;
  }
  if (!a.is_null()) out += "\n- " + path + ": " + a.dump();
  if (!b.is_null()) out += "\n+ " + path + ": " + b.dump();
}

const char* const kUpdatableFields =
    "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,"
    "`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),"
    "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

/// The spec with the fields an update may change set back to the old values.
core_v1::PodSpec munge_updatable_fields(const core_v1::PodSpec& now, const core_v1::PodSpec& old) {
  core_v1::PodSpec munged = now;
  for (size_t i = 0; i < munged.containers.size(); i++) munged.containers[i].image = old.containers[i].image;
  for (size_t i = 0; i < munged.initContainers.size(); i++) munged.initContainers[i].image = old.initContainers[i].image;
  munged.activeDeadlineSeconds = old.activeDeadlineSeconds;
  munged.schedulingGates = old.schedulingGates;
  munged.tolerations = old.tolerations;
  if (old.terminationGracePeriodSeconds && *old.terminationGracePeriodSeconds < 0 &&
      munged.terminationGracePeriodSeconds == std::optional<std::int64_t>(1)) {
    munged.terminationGracePeriodSeconds = old.terminationGracePeriodSeconds;
  }
  return munged;
}

}  // namespace

}  // namespace kubepp::api::validation

namespace kubepp::api {


ErrorList validate_kind(const core_v1::Pod& pod) {
  ErrorList errs = validation::validate_pod_metadata_and_spec(pod);
  const Path spec("spec");
  if (!pod.spec.ephemeralContainers.empty()) errs.push_back(forbidden(spec.child("ephemeralContainers"), "cannot be set on create"));
  if (!pod.spec.nodeName.empty() && !pod.spec.schedulingGates.empty()) {
    errs.push_back(forbidden(spec.child("nodeName"), "cannot be set until all schedulingGates have been cleared"));
  }
  return errs;
}

ErrorList validate_kind_update(const core_v1::Pod& pod, const core_v1::Pod& old) {
  using namespace validation;
  ErrorList errs = validate_pod_metadata_and_spec(pod);
  append(errs, validate_pod_annotation_updates(pod, old, Path("metadata").child("annotations")));
  const Path spec("spec");
  bool stop = false;
  append(errs, validate_container_updates(pod.spec.containers, old.spec.containers, spec.child("containers"), stop));
  if (stop) return errs;
  append(errs, validate_container_updates(pod.spec.initContainers, old.spec.initContainers, spec.child("initContainers"), stop));
  if (stop) return errs;
  append(errs, validate_active_deadline_update(pod.spec, old.spec, spec.child("activeDeadlineSeconds"), stop));
  if (stop) return errs;
  append(errs, validate_only_added_tolerations(pod.spec.tolerations, old.spec.tolerations, spec.child("tolerations")));
  append(errs, validate_only_deleted_scheduling_gates(pod.spec.schedulingGates, old.spec.schedulingGates,
                                                      spec.child("schedulingGates")));
  if (pod.spec == old.spec) return errs;
  core_v1::PodSpec munged = munge_updatable_fields(pod.spec, old.spec);
  if (!old.spec.schedulingGates.empty()) append(errs, munge_gated_pod(munged, old.spec, spec));
  if (munged != old.spec) {
    // Upstream appends a Go diff of the two specs; this is one line per changed field.
    std::string diff;
    diff_json(to_json(old.spec), to_json(munged), "spec", diff);
    errs.push_back(forbidden(spec, kUpdatableFields + diff));
  }
  return errs;
}

ErrorList validate_kind(const core_v1::PodTemplate& pod_template) {
  return validation::validate_pod_template_spec(pod_template.template_, Path("template"));
}

}  // namespace kubepp::api

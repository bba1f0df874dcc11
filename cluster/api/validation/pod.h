// pod.h — the rules of a pod's spec, shared by every kind that holds a pod template
// (upstream's ValidatePodSpec, ValidatePodTemplateSpec, pkg/apis/core/validation), and the
// rules of the Pod and PodTemplate kinds themselves (ValidatePodCreate, ValidatePodUpdate,
// ValidatePodTemplate).
//
// Errors carry upstream's paths and words, including where upstream's paths are odd
// (a subPath error is reported as `spec.containers[0].volumeMounts.subPath`, without the
// mount's index, as upstream reports it). Values that upstream prints as Go structs are
// left out of the message. The rules follow Kubernetes 1.34 with its default feature
// gates; pod.cpp lists what is left out.
//
// All functions are pure and thread-safe.
#pragma once

#include <string_view>
#include <vector>

#include "cluster/api/field.h"
#include "cluster/api/types/core_v1.h"
#include "cluster/api/values.h"

namespace kubepp::api::validation {

/// What differs between validating a Pod and a pod template (PodValidationOptions).
struct PodValidationOptions {
  /// The spec is a Pod's (ResourceIsPod): hostPort must equal containerPort under
  /// hostNetwork (a template may leave it 0), and an image volume needs a reference.
  bool resource_is_pod = false;
};

/// ValidatePodSpec: containers, init and ephemeral containers, volumes, restart and DNS
/// policies, security contexts, scheduling fields … under `path` ("spec"), with a
/// template's options.
ErrorList validate_pod_spec(const core_v1::PodSpec& spec, const meta_v1::ObjectMeta& meta, const Path& path);

/// ValidatePodSpec with explicit options; `meta` names the pod (its name is used to
/// check the claims of ephemeral volumes; empty for a template).
ErrorList validate_pod_spec(const core_v1::PodSpec& spec, const meta_v1::ObjectMeta& meta, const Path& path,
                            const PodValidationOptions& options);

/// ValidatePodTemplateSpec: the template's labels and annotations, and its spec, under
/// `path` ("spec.template"). As upstream, labels are reported at `<path>.labels` and the
/// spec at `<path>.spec`; a template may not hold ephemeral containers.
ErrorList validate_pod_template_spec(const core_v1::PodTemplateSpec& spec, const Path& path);

// ---- rules other kinds reuse -----------------------------------------------------------

/// IsValidPortName: an IANA service name — at most 15 of [-a-z0-9], at least one letter,
/// no leading, trailing or double hyphen. One message per broken rule.
std::vector<std::string> is_valid_port_name(std::string_view port);

/// ValidatePortNumOrName: a number from 1 to 65535, or a valid port name.
ErrorList validate_port_num_or_name(const IntOrString& port, const Path& path);

/// ValidateTolerations: keys, operators, values and effects.
ErrorList validate_tolerations(const std::vector<core_v1::Toleration>& tolerations, const Path& path);

/// ValidateNodeSelector: at least one term, and each term's requirements.
ErrorList validate_node_selector(const core_v1::NodeSelector& selector, const Path& path);

}  // namespace kubepp::api::validation

namespace kubepp::api {

/// ValidatePodCreate without the metadata (rules.cpp checks that): the spec as a Pod's,
/// the pod's own annotations, and what only a new pod may not have (ephemeral containers,
/// a nodeName while scheduling gates remain).
ErrorList validate_kind(const core_v1::Pod& pod);

/// ValidatePodUpdate without the metadata: the new pod's rules, then what may change — the
/// images, activeDeadlineSeconds (set, or lowered), added tolerations, removed scheduling
/// gates, terminationGracePeriodSeconds from negative to 1, and for a pod with scheduling
/// gates additions to its node selector and node affinity. Any other change of the spec is
///   spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`, …
/// followed by one line per changed field (upstream prints a Go diff of the two specs).
ErrorList validate_kind_update(const core_v1::Pod& pod, const core_v1::Pod& old);

/// ValidatePodTemplate without the metadata: the template at `template`.
ErrorList validate_kind(const core_v1::PodTemplate& pod_template);

}  // namespace kubepp::api

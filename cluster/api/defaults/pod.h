// pod.h — the defaults of pods and pod templates that depend on other fields, applied after
// the schema's (upstream's SetDefaults_Pod, SetDefaults_PodSpec, SetDefaults_Container,
// SetDefaults_Volume … in pkg/apis/core/v1/defaults.go, as the generated defaulters call
// them on every nested value).
//
// Every kind that holds a pod template (Deployment, Job, ReplicationController …) calls
// set_pod_template_defaults for it; what only a Pod gets — requests copied from limits, host
// ports under hostNetwork, enableServiceLinks — is in set_kind_defaults(core_v1::Pod&).
#pragma once

#include <string_view>

#include "cluster/api/types/core_v1.h"

namespace kubepp::api::defaults {

/// The defaults of a pod spec wherever it is: securityContext `{}` when unset; for every
/// container (init, regular, ephemeral) imagePullPolicy from the image (Always for the
/// `latest` tag or no tag, IfNotPresent otherwise — a digest counts as a tag — and for an
/// image that does not parse); a volume without a source becomes an emptyDir; an image
/// volume's pullPolicy from its reference; a hostPath's type is set to "" when unset; and
/// every quantity of a resource list rounded up to a thousandth (0.0001 → 1m).
void set_pod_spec_defaults(core_v1::PodSpec& spec);

/// set_pod_spec_defaults for a template's spec.
void set_pod_template_defaults(core_v1::PodTemplateSpec& spec);

/// The pull policy an image without one gets (`nginx` → Always, `nginx:1.27` → IfNotPresent).
std::string_view default_pull_policy(std::string_view image);

}  // namespace kubepp::api::defaults

namespace kubepp::api {

/// SetDefaults_Pod, then the spec's defaults: a container's (and an init container's)
/// missing requests are copied from its limits; with hostNetwork a port's hostPort is its
/// containerPort; enableServiceLinks is true when unset; with pod-level limits, the
/// pod-level requests default to the containers' (PodLevelResources). The status's resource
/// lists are rounded as the spec's.
void set_kind_defaults(core_v1::Pod& pod);

/// The template's defaults (set_pod_template_defaults).
void set_kind_defaults(core_v1::PodTemplate& pod_template);

}  // namespace kubepp::api

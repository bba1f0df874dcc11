// pod.cpp — the conditional defaults of pods and pod templates (pkg/apis/core/v1/defaults.go).
// The unconditional ones (restartPolicy Always, dnsPolicy ClusterFirst, a probe's periods,
// a port's protocol, a fieldRef's apiVersion v1 …) are the schema's `default=` and are
// already set when these run.
#include "cluster/api/defaults/pod.h"

#include <algorithm>
#include <cctype>

#include "cluster/api/quantity.h"
#include "cluster/api/validation/pod_parts.h"

namespace kubepp::api::defaults {

namespace {

using ResourceList = std::map<std::string, Quantity>;

bool lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// One path component of a repository name: [a-z0-9]+ joined by '.', '_', '__' or '-'s.
bool is_path_component(std::string_view c) {
  if (c.empty() || !lower_alnum(c.front()) || !lower_alnum(c.back())) return false;
  for (size_t i = 0; i < c.size(); i++) {
    if (lower_alnum(c[i])) continue;
    if (c[i] == '-') continue;
    if (c[i] == '.' || c[i] == '_') {
      const bool double_underscore = c[i] == '_' && i + 1 < c.size() && c[i + 1] == '_';
      if (double_underscore) i++;
      if (!lower_alnum(c[i + 1])) return false;
      continue;
    }
    return false;
  }
  return true;
}

// The tag of a reference, as ParseImageName finds it: "" for a digest without a tag,
// "latest" when there is neither, and nothing (nullopt) when the reference does not parse
// (a repository must be lower case; a registry host may have a port).
std::optional<std::string> image_tag(std::string_view image) {
  std::string_view name = image, tag, digest;
  if (size_t at = name.find('@'); at != std::string_view::npos) {
    digest = name.substr(at + 1);
    name = name.substr(0, at);
    if (digest.find(':') == std::string_view::npos) return std::nullopt;
  }
  size_t slash = name.rfind('/');
  size_t colon = name.rfind(':');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
    tag = name.substr(colon + 1);
    name = name.substr(0, colon);
    auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-'; };
    if (tag.empty() || tag.size() > 128 || tag.front() == '.' || tag.front() == '-' ||
        !std::all_of(tag.begin(), tag.end(), word)) {
      return std::nullopt;
    }
  }
  // A first component with '.' or ':', or "localhost", is the registry; the rest is the path.
  std::string_view path = name;
  if (size_t first = name.find('/'); first != std::string_view::npos) {
    std::string_view host = name.substr(0, first);
    if (host.find_first_of(".:") != std::string_view::npos || host == "localhost") path = name.substr(first + 1);
  }
  size_t start = 0;
  while (true) {
    size_t end = path.find('/', start);
    if (!is_path_component(path.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start))) {
      return std::nullopt;
    }
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  if (tag.empty() && digest.empty()) return std::string("latest");
  return std::string(tag);
}

void round_up(ResourceList& list) {
  for (auto& [name, q] : list) q.round_up(kMilli);
}

void round_up(core_v1::ResourceRequirements& r) {
  round_up(r.limits);
  round_up(r.requests);
}

// SetDefaults_Container (and _EphemeralContainer), with the container's resource lists.
template <typename C>
void set_container_defaults(C& c) {
  if (c.imagePullPolicy.empty()) c.imagePullPolicy = default_pull_policy(c.image);
  round_up(c.resources);
}

// SetDefaults_Volume and SetDefaults_HostPathVolumeSource.
void set_volume_defaults(core_v1::Volume& v) {
  if (static_cast<const core_v1::VolumeSource&>(v) == core_v1::VolumeSource{}) v.emptyDir = core_v1::EmptyDirVolumeSource{};
  if (v.image && v.image->pullPolicy.empty()) v.image->pullPolicy = default_pull_policy(v.image->reference);
  if (v.hostPath && !v.hostPath->type) v.hostPath->type = "";
}

void copy_missing_requests(std::vector<core_v1::Container>& containers) {
  for (core_v1::Container& c : containers) {
    for (const auto& [name, q] : c.resources.limits) c.resources.requests.try_emplace(name, q);
  }
}

void set_host_network_ports(std::vector<core_v1::Container>& containers) {
  for (core_v1::Container& c : containers) {
    for (core_v1::ContainerPort& p : c.ports) {
      if (p.hostPort == 0) p.hostPort = p.containerPort;
    }
  }
}

// defaultPodRequests: with pod-level limits, missing pod-level requests take the
// containers' aggregate (for resources that may be overcommitted), else the limit.
void default_pod_requests(core_v1::PodSpec& spec) {
  if (!spec.resources || spec.resources->limits.empty()) return;
  auto supported = [](const std::string& n) { return n == "cpu" || n == "memory" || n.starts_with("hugepages-"); };
  ResourceList& requests = spec.resources->requests;
  for (const auto& [name, q] : validation::podspec::aggregate_container_requests(spec)) {
    if (supported(name) && !name.starts_with("hugepages-")) requests.try_emplace(name, q);
  }
  for (const auto& [name, q] : spec.resources->limits) {
    if (supported(name)) requests.try_emplace(name, q);
  }
}

}  // namespace

std::string_view default_pull_policy(std::string_view image) {
  std::optional<std::string> tag = image_tag(image);
  return tag && *tag == "latest" ? "Always" : "IfNotPresent";
}

void set_pod_spec_defaults(core_v1::PodSpec& spec) {
  if (!spec.securityContext) spec.securityContext = core_v1::PodSecurityContext{};
  for (core_v1::Volume& v : spec.volumes) set_volume_defaults(v);
  for (core_v1::Container& c : spec.initContainers) set_container_defaults(c);
  for (core_v1::Container& c : spec.containers) set_container_defaults(c);
  for (core_v1::EphemeralContainer& c : spec.ephemeralContainers) set_container_defaults(c);
  round_up(spec.overhead);
  if (spec.resources) round_up(*spec.resources);
}

void set_pod_template_defaults(core_v1::PodTemplateSpec& spec) { set_pod_spec_defaults(spec.spec); }

}  // namespace kubepp::api::defaults

namespace kubepp::api {

void set_kind_defaults(core_v1::Pod& pod) {
  core_v1::PodSpec& spec = pod.spec;
  defaults::copy_missing_requests(spec.containers);
  defaults::copy_missing_requests(spec.initContainers);
  defaults::default_pod_requests(spec);
  if (!spec.enableServiceLinks) spec.enableServiceLinks = true;
  if (spec.hostNetwork) {
    defaults::set_host_network_ports(spec.containers);
    defaults::set_host_network_ports(spec.initContainers);
  }
  defaults::set_pod_spec_defaults(spec);
  for (auto* statuses : {&pod.status.initContainerStatuses, &pod.status.containerStatuses, &pod.status.ephemeralContainerStatuses}) {
    for (core_v1::ContainerStatus& s : *statuses) {
      defaults::round_up(s.allocatedResources);
      if (s.resources) defaults::round_up(*s.resources);
    }
  }
  defaults::round_up(pod.status.allocatedResources);
  if (pod.status.resources) defaults::round_up(*pod.status.resources);
}

void set_kind_defaults(core_v1::PodTemplate& pod_template) { defaults::set_pod_template_defaults(pod_template.template_); }

}  // namespace kubepp::api

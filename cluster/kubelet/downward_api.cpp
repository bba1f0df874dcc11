// downward_api.cpp — the values of the downward API's selectors, as the kubelet reads them
// (upstream: pkg/fieldpath ExtractFieldPathAsString and FormatMap; the kubelet's
// podFieldSelectorRuntimeValue; pkg/api/v1/resource ExtractContainerResourceValue and
// MergeContainerResourceLimits).
//
// The API server has already checked each selector (validation/pod_downward_api.cpp), so
// the errors here are for objects that never went through it — a `kubepp play` manifest —
// and for an env selector that names a field only a volume may read.
#include "cluster/kubelet/downward_api.h"

#include <algorithm>
#include <optional>
#include <string_view>

#include "cluster/api/field.h"
#include "cluster/api/fieldpath.h"
#include "cluster/api/names.h"

namespace kubepp::kubelet {

namespace {

using api::core_v1::Container;
using api::core_v1::Pod;

// ---- field paths --------------------------------------------------------------------------

// The paths env may read without a subscript (validEnvDownwardAPIFieldPathExpressions)
// and the ones a volume may (validVolumeDownwardAPIFieldPathExpressions).
const std::vector<std::string> kEnvPaths = {"metadata.name",  "metadata.namespace",      "metadata.uid",
                                            "spec.nodeName",  "spec.serviceAccountName", "status.hostIP",
                                            "status.hostIPs", "status.podIP",            "status.podIPs"};
const std::vector<std::string> kVolumePaths = {"metadata.name", "metadata.namespace", "metadata.uid",
                                               "metadata.labels", "metadata.annotations"};

std::string join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string out;
  for (const std::string& p : parts) out += (out.empty() ? "" : std::string(separator)) + p;
  return out;
}

// The refusal of a path the form does not allow, listing what it does allow.
Error unsupported_path(const std::string& field_path, const std::vector<std::string>& allowed) {
  std::string list;
  for (const std::string& p : allowed) list += (list.empty() ? "" : ", ") + api::quoted(p);
  list += ", \"metadata.labels['KEY']\", \"metadata.annotations['KEY']\"";
  return Error{ErrorCode::Invalid, "unsupported fieldPath: " + field_path + ": supported values: " + list};
}

// A label or annotation by key, as ExtractFieldPathAsString reads a subscript: the key
// must be a qualified name (an annotation's in lower case), a missing key reads "".
Result<std::string> subscripted_value(const Pod& pod, const std::string& field_path, const std::string& path,
                                      const std::string& key) {
  const std::map<std::string, std::string>* values = nullptr;
  std::string checked = key;
  if (path == "metadata.labels") {
    values = &pod.metadata.labels;
  } else if (path == "metadata.annotations") {
    values = &pod.metadata.annotations;
    std::transform(checked.begin(), checked.end(), checked.begin(), [](unsigned char c) { return std::tolower(c); });
  } else {
    return Error{ErrorCode::Invalid, "fieldPath " + api::quoted(field_path) + " does not support subscript"};
  }
  std::vector<std::string> errs = api::is_qualified_name(checked);
  if (!errs.empty()) {
    return Error{ErrorCode::Invalid, "invalid key subscript in " + field_path + ": " + join(errs, ";")};
  }
  auto it = values->find(key);
  return it == values->end() ? std::string() : it->second;
}

// FormatMap: one `key="value"` line per entry, sorted by key, no trailing newline. Values
// are quoted as Go's %q quotes them (api::quoted; it keeps non-ASCII text as is, where Go
// would escape the few non-printable runes beyond ASCII).
std::string format_map(const std::map<std::string, std::string>& values) {
  std::string out;
  for (const auto& [key, value] : values) out += (out.empty() ? "" : "\n") + key + "=" + api::quoted(value);
  return out;
}

// ---- resources ----------------------------------------------------------------------------

// The container named `name`: a regular one first, then an init container (sidecars read
// their own resources too).
const Container* find_container(const Pod& pod, const std::string& name) {
  for (const Container& c : pod.spec.containers) {
    if (c.name == name) return &c;
  }
  for (const Container& c : pod.spec.initContainers) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

// ceil(a / b) for a >= 0 and b > 0, exactly. Upstream divides in float64, which agrees
// for every value below 2^53.
int64_t ceil_div(int64_t a, int64_t b) { return a / b + (a % b != 0 ? 1 : 0); }

// A quantity of `list`, zero when absent (ResourceList.Cpu(), .Memory() …).
api::Quantity get(const std::map<std::string, api::Quantity>& list, const std::string& name) {
  auto it = list.find(name);
  return it == list.end() ? api::Quantity() : it->second;
}


// What env and volumes both read: a subscripted label or annotation, the name,
// namespace and uid. nullopt for any other path.
std::optional<Result<std::string>> metadata_value(const Pod& pod, const std::string& field_path) {
  std::string_view path, key;
  if (api::split_subscripted_path(field_path, path, key)) {
    return subscripted_value(pod, field_path, std::string(path), std::string(key));
  }
  if (field_path == "metadata.name") return pod.metadata.name;
  if (field_path == "metadata.namespace") return pod.metadata.namespace_;
  if (field_path == "metadata.uid") return pod.metadata.uid;
  return std::nullopt;
}

}  // namespace

Result<std::string> env_field_value(const Pod& pod, const PodRuntimeInfo& info, const std::string& field_path) {
  if (auto value = metadata_value(pod, field_path)) return *value;
  // spec.host is the old name of spec.nodeName; ConvertDownwardAPIFieldLabel renames it.
  if (field_path == "spec.nodeName" || field_path == "spec.host") {
    return pod.spec.nodeName.empty() ? info.node_name : pod.spec.nodeName;
  }
  if (field_path == "spec.serviceAccountName") return pod.spec.serviceAccountName;

  // The kubelet knows the node's and the pod's addresses before the status says them; the
  // Pod's status stands in when the caller does not (a test, a restarted kubelet).
  if (field_path == "status.hostIP" || field_path == "status.hostIPs") {
    if (!info.host_ip.empty()) return info.host_ip;
    if (field_path == "status.hostIP") return pod.status.hostIP;
    std::vector<std::string> ips;
    for (const auto& ip : pod.status.hostIPs) ips.push_back(ip.ip);
    return ips.empty() ? pod.status.hostIP : join(ips, ",");
  }
  if (field_path == "status.podIP" || field_path == "status.podIPs") {
    std::vector<std::string> ips = info.pod_ips;
    if (ips.empty()) {
      for (const auto& ip : pod.status.podIPs) ips.push_back(ip.ip);
    }
    if (ips.empty() && !pod.status.podIP.empty()) ips.push_back(pod.status.podIP);
    if (field_path == "status.podIP") return ips.empty() ? std::string() : ips.front();
    return join(ips, ",");
  }
  return unsupported_path(field_path, kEnvPaths);
}

Result<std::string> volume_field_value(const Pod& pod, const std::string& field_path) {
  if (auto value = metadata_value(pod, field_path)) return *value;
  if (field_path == "metadata.labels") return format_map(pod.metadata.labels);
  if (field_path == "metadata.annotations") return format_map(pod.metadata.annotations);
  return unsupported_path(field_path, kVolumePaths);
}

Result<std::string> resource_field_value(const Pod& pod, const std::string& container,
                                         const api::core_v1::ResourceFieldSelector& selector,
                                         const NodeAllocatable& node) {
  const Container* c = find_container(pod, container);
  if (c == nullptr) return Error{ErrorCode::NotFound, "container " + container + " not found"};

  // "limits.cpu" is (limits, cpu); hugepages-<size> is allowed too, as upstream allows it.
  const std::string& resource = selector.resource;
  const size_t dot = resource.find('.');
  const std::string kind = dot == std::string::npos ? std::string() : resource.substr(0, dot);
  const std::string name = dot == std::string::npos ? std::string() : resource.substr(dot + 1);
  const bool known = name == "cpu" || name == "memory" || name == "ephemeral-storage" || name.starts_with("hugepages-");
  if ((kind != "limits" && kind != "requests") || !known) {
    return Error{ErrorCode::Invalid, "unsupported container resource : " + resource};
  }

  api::Quantity value = get(kind == "limits" ? c->resources.limits : c->resources.requests, name);
  // MergeContainerResourceLimits: an unset (or zero) limit of cpu, memory or ephemeral
  // storage is the node's allocatable. Huge pages are never overcommitted, so their limit
  // is always set.
  if (kind == "limits" && value.is_zero() && !name.starts_with("hugepages-")) {
    auto it = node.resources.find(name);
    if (it != node.resources.end()) value = it->second;
  }

  const api::Quantity divisor = selector.divisor.is_zero() ? api::Quantity::from_int(1, api::QuantityFormat::DecimalSI)
                                                           : selector.divisor;
  // convertResourceCPUToString works in millicores, the others in whole units; both round
  // the quotient up.
  if (name == "cpu") return std::to_string(ceil_div(value.milli_value(), divisor.milli_value()));
  return std::to_string(ceil_div(value.value(), divisor.value()));
}

}  // namespace kubepp::kubelet

// pod_downward_api.cpp — the downward API's selectors (a field of the pod, a resource of a
// container), which env vars and volumes share, and the rules for the relative paths of
// files in volumes and of sub-paths of mounts.
#include <algorithm>
#include <cctype>

#include "cluster/api/fieldpath.h"
#include "cluster/api/names.h"
#include "cluster/api/quantity.h"
#include "cluster/api/validation/pod_parts.h"

namespace kubepp::api::validation::podspec {

namespace {
bool has_prefix(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }
}  // namespace

// ---- paths ----------------------------------------------------------------------------------

ErrorList validate_path_no_backsteps(std::string_view target, const Path& path) {
  size_t start = 0;
  while (start <= target.size()) {
    size_t end = target.find('/', start);
    if (end == std::string_view::npos) end = target.size();
    if (target.substr(start, end - start) == "..") return {invalid(path, quoted(target), "must not contain '..'")};
    start = end + 1;
  }
  return {};
}

ErrorList validate_local_descending_path(std::string_view target, const Path& path) {
  ErrorList errs;
  if (has_prefix(target, "/")) errs.push_back(invalid(path, quoted(target), "must be a relative path"));
  append(errs, validate_path_no_backsteps(target, path));
  return errs;
}

ErrorList validate_local_non_reserved_path(std::string_view target, const Path& path) {
  ErrorList errs = validate_local_descending_path(target, path);
  if (has_prefix(target, "..") && !has_prefix(target, "../")) {
    errs.push_back(invalid(path, quoted(target), "must not start with '..'"));
  }
  return errs;
}

// ---- the downward API's selectors -------------------------------------------------------------

namespace {

// pods.ConvertDownwardAPIFieldLabel: the empty string when the label converts, else the error.
std::string convert_downward_api_field_label(std::string_view version, std::string_view label) {
  if (version != "v1") return "unsupported pod version: " + std::string(version);
  std::string_view path, subscript;
  if (split_subscripted_path(label, path, subscript)) {
    if (path == "metadata.annotations" || path == "metadata.labels") return "";
    return "field label does not support subscript: " + std::string(label);
  }
  static const std::set<std::string, std::less<>> kLabels = {
      "metadata.annotations", "metadata.labels",         "metadata.name",       "metadata.namespace",
      "metadata.uid",         "spec.nodeName",           "spec.restartPolicy",  "spec.serviceAccountName",
      "spec.schedulerName",   "status.phase",            "status.hostIP",       "status.hostIPs",
      "status.podIP",         "status.podIPs",           "spec.host"};
  if (kLabels.contains(label)) return "";
  return "field label not supported: " + std::string(label);
}

const std::vector<std::string> kResourceFieldPaths = {"limits.cpu",   "limits.ephemeral-storage",   "limits.memory",
                                                      "requests.cpu", "requests.ephemeral-storage", "requests.memory"};

ErrorList validate_container_resource_divisor(const std::string& resource, const Quantity& divisor, const Path& path) {
  if (divisor.is_zero()) return {};
  const std::string d = divisor.str();
  const std::vector<std::string> sizes = {"1",  "1k", "1M", "1G", "1T", "1P", "1E",
                                          "1Ki", "1Mi", "1Gi", "1Ti", "1Pi", "1Ei"};
  const bool size_ok = std::find(sizes.begin(), sizes.end(), d) != sizes.end();
  const std::string all_sizes = "only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the ";
  ErrorList errs;
  if ((resource == "limits.cpu" || resource == "requests.cpu") && d != "1m" && d != "1") {
    errs.push_back(invalid(path.child("divisor"), quoted(resource), "only divisor's values 1m and 1 are supported with the cpu resource"));
  } else if ((resource == "limits.memory" || resource == "requests.memory") && !size_ok) {
    errs.push_back(invalid(path.child("divisor"), quoted(resource), all_sizes + "memory resource"));
  } else if ((resource == "limits.ephemeral-storage" || resource == "requests.ephemeral-storage") && !size_ok) {
    errs.push_back(invalid(path.child("divisor"), quoted(resource), all_sizes + "local ephemeral storage resource"));
  }
  if ((has_prefix(resource, "requests.hugepages-") || has_prefix(resource, "limits.hugepages-")) && !size_ok) {
    errs.push_back(invalid(path.child("divisor"), quoted(resource), all_sizes + "hugepages resource"));
  }
  return errs;
}

}  // namespace

const std::vector<std::string>& env_field_paths() {
  static const std::vector<std::string> kPaths = {"metadata.name",          "metadata.namespace", "metadata.uid",
                                                  "spec.nodeName",          "spec.serviceAccountName",
                                                  "status.hostIP",          "status.hostIPs",     "status.podIP",
                                                  "status.podIPs"};
  return kPaths;
}

ErrorList validate_object_field_selector(const core_v1::ObjectFieldSelector& selector,
                                         const std::vector<std::string>& expressions, const Path& path) {
  if (selector.apiVersion.empty()) return {required(path.child("apiVersion"))};
  if (selector.fieldPath.empty()) return {required(path.child("fieldPath"))};
  std::string err = convert_downward_api_field_label(selector.apiVersion, selector.fieldPath);
  if (!err.empty()) {
    return {invalid(path.child("fieldPath"), quoted(selector.fieldPath), "error converting fieldPath: " + err)};
  }
  // spec.host converts to spec.nodeName.
  std::string_view field = selector.fieldPath == "spec.host" ? std::string_view("spec.nodeName") : selector.fieldPath;
  std::string_view base, subscript;
  ErrorList errs;
  if (split_subscripted_path(field, base, subscript)) {
    std::string key(subscript);
    if (base == "metadata.annotations") {
      std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::tolower(c); });
    }
    for (std::string& msg : is_qualified_name(key)) errs.push_back(invalid(path, quoted(key), std::move(msg)));
  } else if (std::find(expressions.begin(), expressions.end(), field) == expressions.end()) {
    errs.push_back(not_supported(path.child("fieldPath"), quoted(field), expressions));
  }
  return errs;
}

ErrorList validate_container_resource_field_selector(const core_v1::ResourceFieldSelector& selector,
                                                     const Path& path, bool volume) {
  ErrorList errs;
  if (volume && selector.containerName.empty()) {
    errs.push_back(required(path.child("containerName")));
  } else if (selector.resource.empty()) {
    errs.push_back(required(path.child("resource")));
  } else if (std::find(kResourceFieldPaths.begin(), kResourceFieldPaths.end(), selector.resource) ==
                 kResourceFieldPaths.end() &&
             !has_prefix(selector.resource, "limits.hugepages-") && !has_prefix(selector.resource, "requests.hugepages-")) {
    errs.push_back(not_supported(path.child("resource"), quoted(selector.resource), kResourceFieldPaths));
  }
  append(errs, validate_container_resource_divisor(selector.resource, selector.divisor, path));
  return errs;
}

}  // namespace kubepp::api::validation::podspec

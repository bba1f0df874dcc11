// pod_resources.cpp — compute resources: a container's requests and limits
// (ValidateContainerResourceRequirements), the pod's overhead, its resource claims, and the
// pod-level spec.resources (PodLevelResources, on by default since 1.34).
//
// Resource names follow pkg/apis/core/helper: a name without '/' is "native" and must be a
// standard one (cpu, memory, ephemeral-storage, hugepages-<size>); a name with a domain
// outside kubernetes.io is an "extended" resource — counted in whole units, never
// overcommitted, so its request must equal its limit.
#include <algorithm>

#include "cluster/api/names.h"
#include "cluster/api/quantity.h"
#include "cluster/api/validation/core_v1.h"
#include "cluster/api/validation/pod_parts.h"

namespace kubepp::api::validation::podspec {

namespace {

using ResourceList = std::map<std::string, Quantity>;

bool has_prefix(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }
bool has_slash(std::string_view name) { return name.find('/') != std::string_view::npos; }

bool is_huge_pages(std::string_view name) { return has_prefix(name, "hugepages-"); }

// IsNativeResource: unprefixed, or in the kubernetes.io/ namespace.
bool is_native(std::string_view name) {
  return !has_slash(name) || name.find("kubernetes.io/") != std::string_view::npos;
}

bool is_overcommit_allowed(std::string_view name) { return is_native(name) && !is_huge_pages(name); }

bool is_extended(std::string_view name) {
  if (is_native(name) || has_prefix(name, "requests.")) return false;
  return is_qualified_name("requests." + std::string(name)).empty();
}

bool is_standard_resource_name(std::string_view name) {
  static const std::set<std::string, std::less<>> kStandard = {
      "cpu",        "memory",          "ephemeral-storage",          "requests.cpu", "requests.memory",
      "requests.ephemeral-storage",    "limits.cpu",                 "limits.memory", "limits.ephemeral-storage",
      "pods",       "resourcequotas",  "services",                   "replicationcontrollers", "secrets",
      "configmaps", "persistentvolumeclaims", "storage",             "requests.storage", "services.nodeports",
      "services.loadbalancers"};
  return kStandard.contains(name) || is_huge_pages(name) || has_prefix(name, "requests.hugepages-");
}

bool is_standard_container_resource_name(std::string_view name) {
  return name == "cpu" || name == "memory" || name == "ephemeral-storage" || is_huge_pages(name);
}

// IsHugePageResourceValueDivisible: a whole number of pages of the size the name gives.
bool is_huge_page_value_divisible(std::string_view name, const Quantity& value) {
  Result<Quantity> page = Quantity::parse(name.substr(std::string_view("hugepages-").size()));
  if (!page.ok() || page.value().sign() <= 0 || page.value().milli_value() % 1000 != 0) return false;
  return value.value() % page.value().value() == 0;
}

/// validateResourceName.
ErrorList validate_resource_name(const std::string& name, const Path& path) {
  ErrorList errs;
  for (std::string& msg : is_qualified_name(name)) errs.push_back(invalid(path, quoted(name), std::move(msg)));
  if (!errs.empty()) return errs;
  if (!has_slash(name) && !is_standard_resource_name(name)) {
    errs.push_back(invalid(path, quoted(name), "must be a standard resource type or fully qualified"));
  }
  return errs;
}

/// validateContainerResourceName.
ErrorList validate_container_resource_name(const std::string& name, const Path& path) {
  ErrorList errs = validate_resource_name(name, path);
  if (!has_slash(name)) {
    if (!is_standard_container_resource_name(name)) {
      errs.push_back(invalid(path, quoted(name), "must be a standard resource for containers"));
    }
  } else if (!is_native(name) && !is_extended(name)) {
    errs.push_back(invalid(path, quoted(name), "doesn't follow extended resource name standard"));
  }
  return errs;
}

/// validatePodResourceName: cpu, memory and huge pages may be set for the whole pod.
ErrorList validate_pod_resource_name(const std::string& name, const Path& path) {
  ErrorList errs = validate_resource_name(name, path);
  if (!errs.empty()) return errs;
  if (name != "cpu" && name != "memory" && !is_huge_pages(name)) {
    errs.push_back(not_supported(path, quoted(name), {"cpu", "hugepages-", "memory"}));
  }
  return errs;
}

ErrorList validate_huge_page_value(const std::string& name, const Quantity& value, const Path& path) {
  if (!is_huge_pages(name) || is_huge_page_value_divisible(name, value)) return {};
  return {invalid(path, quoted(value.str()), value.str() + " is not positive integer multiple of " + name)};
}

/// validateResourceClaimNames: each entry names one of the pod's claims, once.
ErrorList validate_resource_claim_names(const std::vector<core_v1::ResourceClaim>& claims,
                                        const std::set<std::string>& pod_claims, const Path& path) {
  ErrorList errs;
  std::set<std::string> names;
  for (size_t i = 0; i < claims.size(); i++) {
    const core_v1::ResourceClaim& claim = claims[i];
    if (claim.name.empty()) {
      errs.push_back(required(path.index(i)));
      continue;
    }
    if (names.contains(claim.name)) {
      errs.push_back(duplicate(path.index(i), quoted(claim.name)));  // the whole claim already
    } else {
      std::string key = claim.name;
      if (!claim.request.empty()) {
        for (std::string& msg : is_dns1123_label(claim.request)) {
          errs.push_back(invalid(path.index(i).child("request"), quoted(claim.request), std::move(msg)));
        }
        key += "/" + claim.request;
      }
      if (names.contains(key)) {
        errs.push_back(duplicate(path.index(i), quoted(key)));
      } else if (claim.request.empty()) {
        for (const std::string& seen : names) {
          if (has_prefix(seen, claim.name + "/")) errs.push_back(duplicate(path.index(i), quoted(claim.name)));
        }
      }
      names.insert(key);
    }
    if (!pod_claims.contains(claim.name)) {
      FieldError e = not_found(path.index(i), quoted(claim.name));
      e.detail = "must be one of the names in pod.spec.resourceClaims";
      if (pod_claims.empty()) {
        e.detail += " which is empty";
      } else {
        std::string all;
        for (const std::string& n : pod_claims) all += (all.empty() ? "" : ", ") + n;
        e.detail += ": " + all;
      }
      errs.push_back(std::move(e));
    }
  }
  return errs;
}

using NameRule = ErrorList (*)(const std::string&, const Path&);

/// validateResourceRequirements: limits, then requests against them.
ErrorList validate_resource_requirements(const core_v1::ResourceRequirements& req, NameRule name_rule,
                                         const std::set<std::string>& claim_names, const Path& path) {
  ErrorList errs;
  const Path lim_path = path.child("limits"), req_path = path.child("requests");
  bool cpu_or_memory = false, huge_pages = false;
  for (const auto& [name, q] : req.limits) {
    const Path at = lim_path.key(name);
    append(errs, name_rule(name, at));
    append(errs, validate_resource_quantity_value(name, q, at));
    append(errs, validate_huge_page_value(name, q, at));
    huge_pages = huge_pages || is_huge_pages(name);
    cpu_or_memory = cpu_or_memory || name == "cpu" || name == "memory";
  }
  for (const auto& [name, q] : req.requests) {
    const Path at = req_path.key(name);
    append(errs, name_rule(name, at));
    append(errs, validate_resource_quantity_value(name, q, at));
    auto limit = req.limits.find(name);
    if (limit != req.limits.end()) {
      if (q.cmp(limit->second) != 0 && !is_overcommit_allowed(name)) {
        errs.push_back(invalid(req_path, quoted(q.str()), "must be equal to " + name + " limit of " + limit->second.str()));
      } else if (q.cmp(limit->second) > 0) {
        errs.push_back(invalid(req_path, quoted(q.str()),
                               "must be less than or equal to " + name + " limit of " + limit->second.str()));
      }
    } else if (!is_overcommit_allowed(name)) {
      errs.push_back(required(lim_path, "Limit must be set for non overcommitable resources"));
    }
    append(errs, validate_huge_page_value(name, q, at));
    huge_pages = huge_pages || is_huge_pages(name);
    cpu_or_memory = cpu_or_memory || name == "cpu" || name == "memory";
  }
  if (huge_pages && !cpu_or_memory) errs.push_back(forbidden(path, "HugePages require cpu or memory"));
  append(errs, validate_resource_claim_names(req.claims, claim_names, path.child("claims")));
  return errs;
}

void add_to(ResourceList& sum, const ResourceList& more) {
  for (const auto& [name, q] : more) sum[name].add(q);
}

void max_into(ResourceList& result, const ResourceList& other) {
  for (const auto& [name, q] : other) {
    auto it = result.find(name);
    if (it == result.end() || it->second.cmp(q) < 0) result[name] = q;
  }
}

}  // namespace

ResourceList aggregate_container_requests(const core_v1::PodSpec& spec) {
  ResourceList total, sidecars, init_peak;
  for (const core_v1::Container& c : spec.containers) add_to(total, c.resources.requests);
  for (const core_v1::Container& c : spec.initContainers) {
    if (c.restartPolicy && *c.restartPolicy == "Always") {
      add_to(sidecars, c.resources.requests);
      add_to(total, c.resources.requests);
      max_into(init_peak, sidecars);
    } else {
      ResourceList running = sidecars;
      add_to(running, c.resources.requests);
      max_into(init_peak, running);
    }
  }
  max_into(total, init_peak);
  return total;
}

ErrorList validate_container_resource_requirements(const core_v1::ResourceRequirements& requirements,
                                                   const std::set<std::string>& claim_names, const Path& path) {
  return validate_resource_requirements(requirements, validate_container_resource_name, claim_names, path);
}

ErrorList validate_overhead(const std::map<std::string, Quantity>& overhead, const Path& path) {
  core_v1::ResourceRequirements as_limits;
  as_limits.limits = overhead;
  return validate_container_resource_requirements(as_limits, {}, path);
}

ErrorList validate_pod_resource_claims(const std::vector<core_v1::PodResourceClaim>& claims, const Path& path) {
  ErrorList errs;
  std::set<std::string> names;
  for (size_t i = 0; i < claims.size(); i++) {
    const core_v1::PodResourceClaim& claim = claims[i];
    const Path at = path.index(i);
    if (claim.name.empty()) {
      errs.push_back(required(at.child("name")));
    } else if (names.contains(claim.name)) {
      errs.push_back(duplicate(at.child("name"), quoted(claim.name)));
    } else {
      for (std::string& msg : is_dns1123_label(claim.name)) errs.push_back(invalid(at.child("name"), quoted(claim.name), std::move(msg)));
      names.insert(claim.name);
    }
    // Upstream prints the whole claim as the value; it is left out here.
    if (claim.resourceClaimName && claim.resourceClaimTemplateName) {
      errs.push_back(invalid(at, "", "at most one of `resourceClaimName` or `resourceClaimTemplateName` may be specified"));
    }
    if (!claim.resourceClaimName && !claim.resourceClaimTemplateName) {
      errs.push_back(invalid(at, "", "must specify one of: `resourceClaimName`, `resourceClaimTemplateName`"));
    }
    for (auto [name, field] : {std::pair{&claim.resourceClaimName, "resourceClaimName"},
                               std::pair{&claim.resourceClaimTemplateName, "resourceClaimTemplateName"}}) {
      if (!*name) continue;
      for (std::string& msg : is_dns1123_subdomain(**name)) errs.push_back(invalid(at.child(field), quoted(**name), std::move(msg)));
    }
  }
  return errs;
}

ErrorList validate_pod_resources(const core_v1::PodSpec& spec, const std::set<std::string>& claim_names,
                                 const Path& path) {
  if (!spec.resources) return {};
  const core_v1::ResourceRequirements& pod = *spec.resources;
  ErrorList errs;
  if (!pod.claims.empty()) errs.push_back(forbidden(path.child("claims"), "claims cannot be set for Resources at pod-level"));
  append(errs, validate_resource_requirements(pod, validate_pod_resource_name, claim_names, path));
  // validatePodResourceConsistency.
  for (const auto& [name, containers] : aggregate_container_requests(spec)) {
    auto it = pod.requests.find(name);
    const Quantity requested = it == pod.requests.end() ? Quantity() : it->second;
    if (containers.cmp(requested) > 0) {
      errs.push_back(invalid(path.child("requests").key(name), quoted(requested.str()),
                             "must be greater than or equal to aggregate container requests of " + containers.str()));
    }
  }
  for (size_t i = 0; i < spec.containers.size(); i++) {
    for (const auto& [name, limit] : spec.containers[i].resources.limits) {
      auto pod_limit = pod.limits.find(name);
      if (pod_limit == pod.limits.end() || limit.cmp(pod_limit->second) <= 0) continue;
      errs.push_back(invalid(path.child("containers").index(i).key(name).child("limits"), quoted(limit.str()),
                             "must be less than or equal to pod limits of " + pod_limit->second.str()));
    }
  }
  return errs;
}

}  // namespace kubepp::api::validation::podspec

// pod_scheduling.cpp — where a pod may run and how it resolves names: node and pod
// affinity, tolerations, topology spread constraints, readiness and scheduling gates, DNS
// configuration and host aliases. IP addresses are checked by validation/core_v1.h's
// is_valid_ip.
#include <algorithm>

#include "cluster/api/names.h"
#include "cluster/api/validation/core_v1.h"
#include "cluster/api/validation/pod_parts.h"

namespace kubepp::api::validation {

ErrorList validate_tolerations(const std::vector<core_v1::Toleration>& tolerations, const Path& path) {
  ErrorList errs;
  for (size_t i = 0; i < tolerations.size(); i++) {
    const core_v1::Toleration& t = tolerations[i];
    const Path at = path.index(i);
    if (!t.key.empty()) append(errs, validate_label_name(t.key, at.child("key")));
    if (t.key.empty() && t.operator_ != "Exists") {
      errs.push_back(invalid(at.child("operator"), quoted(t.operator_),
                             "operator must be Exists when `key` is empty, which means \"match all values and all keys\""));
    }
    if (t.tolerationSeconds && t.effect != "NoExecute") {
      errs.push_back(invalid(at.child("effect"), quoted(t.effect), "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    if (t.operator_ == "Equal" || t.operator_.empty()) {
      std::vector<std::string> msgs = is_valid_label_value(t.value);
      std::string joined;
      for (const std::string& m : msgs) joined += (joined.empty() ? "" : ";") + m;
      if (!msgs.empty()) errs.push_back(invalid(at.child("operator"), quoted(t.value), joined));  // sic: at operator
    } else if (t.operator_ == "Exists") {
      if (!t.value.empty()) {
        errs.push_back(invalid(at.child("operator"), quoted(t.value), "value must be empty when `operator` is 'Exists'"));
      }
    } else {
      errs.push_back(not_supported(at.child("operator"), quoted(t.operator_), {"Equal", "Exists"}));
    }
    if (!t.effect.empty() && t.effect != "NoSchedule" && t.effect != "PreferNoSchedule" && t.effect != "NoExecute") {
      errs.push_back(not_supported(at.child("effect"), quoted(t.effect), {"NoSchedule", "PreferNoSchedule", "NoExecute"}));
    }
  }
  return errs;
}

namespace {

/// ValidateNodeSelectorRequirement: a requirement on a node's labels.
ErrorList validate_node_selector_requirement(const core_v1::NodeSelectorRequirement& r, bool allow_invalid_values,
                                             const Path& path) {
  ErrorList errs;
  const std::string& op = r.operator_;
  if (op == "In" || op == "NotIn") {
    if (r.values.empty()) errs.push_back(required(path.child("values"), "must be specified when `operator` is 'In' or 'NotIn'"));
  } else if (op == "Exists" || op == "DoesNotExist") {
    if (!r.values.empty()) {
      errs.push_back(forbidden(path.child("values"), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
    }
  } else if (op == "Gt" || op == "Lt") {
    if (r.values.size() != 1) {
      errs.push_back(required(path.child("values"), "must be specified single value when `operator` is 'Lt' or 'Gt'"));
    }
  } else {
    errs.push_back(invalid(path.child("operator"), quoted(op), "not a valid selector operator"));
  }
  append(errs, validate_label_name(r.key, path.child("key")));
  if (!allow_invalid_values) {
    for (size_t i = 0; i < r.values.size(); i++) {
      for (std::string& msg : is_valid_label_value(r.values[i])) {
        errs.push_back(invalid(path.child("values").index(i), quoted(r.values[i]), std::move(msg)));
      }
    }
  }
  return errs;
}

/// ValidateNodeFieldSelectorRequirement: only metadata.name, with one value.
ErrorList validate_node_field_selector_requirement(const core_v1::NodeSelectorRequirement& r, const Path& path) {
  ErrorList errs;
  if (r.operator_ == "In" || r.operator_ == "NotIn") {
    if (r.values.size() != 1) {
      errs.push_back(required(path.child("values"), "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"));
    }
  } else {
    errs.push_back(invalid(path.child("operator"), quoted(r.operator_), "not a valid selector operator"));
  }
  if (r.key != "metadata.name") {
    errs.push_back(invalid(path.child("key"), quoted(r.key), "not a valid field selector key"));
  } else {
    for (size_t i = 0; i < r.values.size(); i++) {
      for (std::string& msg : is_dns1123_subdomain(r.values[i])) {
        errs.push_back(invalid(path.child("values").index(i), quoted(r.values[i]), std::move(msg)));
      }
    }
  }
  return errs;
}

ErrorList validate_node_selector_term(const core_v1::NodeSelectorTerm& term, bool allow_invalid_values, const Path& path) {
  ErrorList errs;
  for (size_t j = 0; j < term.matchExpressions.size(); j++) {
    append(errs, validate_node_selector_requirement(term.matchExpressions[j], allow_invalid_values,
                                                             path.child("matchExpressions").index(j)));
  }
  for (size_t j = 0; j < term.matchFields.size(); j++) {
    append(errs, validate_node_field_selector_requirement(term.matchFields[j], path.child("matchFields").index(j)));
  }
  return errs;
}

}  // namespace

ErrorList validate_node_selector(const core_v1::NodeSelector& selector, const Path& path) {
  const Path terms = path.child("nodeSelectorTerms");
  if (selector.nodeSelectorTerms.empty()) return {required(terms, "must have at least one node selector term")};
  ErrorList errs;
  for (size_t i = 0; i < selector.nodeSelectorTerms.size(); i++) {
    append(errs, validate_node_selector_term(selector.nodeSelectorTerms[i], false, terms.index(i)));
  }
  return errs;
}

}  // namespace kubepp::api::validation

namespace kubepp::api::validation::podspec {

namespace {

ErrorList validate_selector(const std::optional<meta_v1::LabelSelector>& selector, const Path& path) {
  return validate_label_selector(selector ? &*selector : nullptr, path);
}

ErrorList validate_weight(std::int32_t weight, const Path& path) {
  if (weight > 0 && weight <= 100) return {};
  return {invalid(path, std::to_string(weight), "must be in the range 1-100")};
}

/// validateLabelKeys: the keys of matchLabelKeys or mismatchLabelKeys.
ErrorList validate_label_keys(const std::vector<std::string>& keys, bool has_selector, const Path& path) {
  if (keys.empty()) return {};
  if (!has_selector) return {forbidden(path, "must not be specified when labelSelector is not set")};
  ErrorList errs;
  for (size_t i = 0; i < keys.size(); i++) append(errs, validate_label_name(keys[i], path.index(i)));
  return errs;
}

/// validateMatchLabelKeysAndMismatchLabelKeys.
ErrorList validate_match_label_keys(const core_v1::PodAffinityTerm& term, const Path& path) {
  ErrorList errs = validate_label_keys(term.matchLabelKeys, term.labelSelector.has_value(), path.child("matchLabelKeys"));
  append(errs, validate_label_keys(term.mismatchLabelKeys, term.labelSelector.has_value(), path.child("mismatchLabelKeys")));
  if (term.labelSelector) {
    std::set<std::string> selector_keys;
    for (const auto& [key, value] : term.labelSelector->matchLabels) selector_keys.insert(key);
    for (const meta_v1::LabelSelectorRequirement& e : term.labelSelector->matchExpressions) {
      auto in_match = std::find(term.matchLabelKeys.rbegin(), term.matchLabelKeys.rend(), e.key);
      if (in_match != term.matchLabelKeys.rend() && selector_keys.contains(e.key)) {
        size_t i = term.matchLabelKeys.size() - 1 - (in_match - term.matchLabelKeys.rbegin());
        errs.push_back(invalid(path.index(i), quoted(e.key), "exists in both matchLabelKeys and labelSelector"));  // sic
      }
      selector_keys.insert(e.key);
    }
  }
  for (size_t i = 0; i < term.matchLabelKeys.size(); i++) {
    const std::string& k = term.matchLabelKeys[i];
    if (std::find(term.mismatchLabelKeys.begin(), term.mismatchLabelKeys.end(), k) != term.mismatchLabelKeys.end()) {
      errs.push_back(invalid(path.child("matchLabelKeys").index(i), quoted(k), "exists in both matchLabelKeys and mismatchLabelKeys"));
    }
  }
  return errs;
}

ErrorList validate_pod_affinity_term(const core_v1::PodAffinityTerm& term, const Path& path) {
  ErrorList errs = validate_selector(term.labelSelector, path.child("labelSelector"));
  append(errs, validate_selector(term.namespaceSelector, path.child("namespaceSelector")));
  for (const std::string& ns : term.namespaces) {
    for (std::string& msg : is_dns1123_label(ns)) errs.push_back(invalid(path.child("namespace"), quoted(ns), std::move(msg)));  // sic
  }
  append(errs, validate_match_label_keys(term, path));
  if (term.topologyKey.empty()) errs.push_back(required(path.child("topologyKey"), "can not be empty"));
  append(errs, validate_label_name(term.topologyKey, path.child("topologyKey")));
  return errs;
}

/// validatePodAffinity and validatePodAntiAffinity: the same two lists.
template <typename Affinity>
ErrorList validate_pod_affinity(const Affinity& affinity, const Path& path) {
  ErrorList errs;
  const Path req = path.child("requiredDuringSchedulingIgnoredDuringExecution");
  for (size_t i = 0; i < affinity.requiredDuringSchedulingIgnoredDuringExecution.size(); i++) {
    append(errs, validate_pod_affinity_term(affinity.requiredDuringSchedulingIgnoredDuringExecution[i], req.index(i)));
  }
  const Path pref = path.child("preferredDuringSchedulingIgnoredDuringExecution");
  for (size_t j = 0; j < affinity.preferredDuringSchedulingIgnoredDuringExecution.size(); j++) {
    const core_v1::WeightedPodAffinityTerm& w = affinity.preferredDuringSchedulingIgnoredDuringExecution[j];
    append(errs, validate_weight(w.weight, pref.index(j).child("weight")));
    append(errs, validate_pod_affinity_term(w.podAffinityTerm, pref.index(j).child("podAffinityTerm")));
  }
  return errs;
}

ErrorList validate_node_affinity(const core_v1::NodeAffinity& na, const Path& path) {
  ErrorList errs;
  if (na.requiredDuringSchedulingIgnoredDuringExecution) {
    append(errs, validate_node_selector(*na.requiredDuringSchedulingIgnoredDuringExecution,
                                        path.child("requiredDuringSchedulingIgnoredDuringExecution")));
  }
  const Path pref = path.child("preferredDuringSchedulingIgnoredDuringExecution");
  for (size_t i = 0; i < na.preferredDuringSchedulingIgnoredDuringExecution.size(); i++) {
    const core_v1::PreferredSchedulingTerm& term = na.preferredDuringSchedulingIgnoredDuringExecution[i];
    append(errs, validate_weight(term.weight, pref.index(i).child("weight")));
    // Preferred terms may use invalid label values: they can still match on one node.
    append(errs, validate_node_selector_term(term.preference, true, pref.index(i).child("preference")));
  }
  return errs;
}

// IsDNS1123SubdomainWithUnderscore (RelaxedDNSSearchValidation, on by default).
std::vector<std::string> is_dns1123_subdomain_with_underscore(std::string_view value) {
  std::vector<std::string> errs;
  if (value.size() > kDNS1123SubdomainMaxLength) errs.push_back(max_len_error(kDNS1123SubdomainMaxLength));
  bool ok = !value.empty();
  size_t start = 0;
  while (ok) {
    size_t dot = value.find('.', start);
    std::string_view label = value.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start);
    if (!label.empty() && label.front() == '_') label.remove_prefix(1);
    auto edge = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
    ok = !label.empty() && edge(label.front()) && edge(label.back()) &&
         std::all_of(label.begin(), label.end(), [&](char c) { return edge(c) || c == '-' || c == '_'; });
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  if (!ok) {
    errs.push_back(regex_error("a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '_', '-' "
                               "or '.', and must start and end with an alphanumeric character",
                               "_?[a-z0-9]([-_a-z0-9]*[a-z0-9])?(\\._?[a-z0-9]([-_a-z0-9]*[a-z0-9])?)*", {"example.com"}));
  }
  return errs;
}

}  // namespace

ErrorList validate_affinity(const std::optional<core_v1::Affinity>& affinity, const Path& path) {
  if (!affinity) return {};
  ErrorList errs;
  if (affinity->nodeAffinity) append(errs, validate_node_affinity(*affinity->nodeAffinity, path.child("nodeAffinity")));
  if (affinity->podAffinity) append(errs, validate_pod_affinity(*affinity->podAffinity, path.child("podAffinity")));
  if (affinity->podAntiAffinity) {
    append(errs, validate_pod_affinity(*affinity->podAntiAffinity, path.child("podAntiAffinity")));
  }
  return errs;
}

ErrorList validate_pod_dns_config(const std::optional<core_v1::PodDNSConfig>& config, std::string_view dns_policy,
                                  const Path& path) {
  if (dns_policy == "None") {
    if (!config) return {required(path, "must provide `dnsConfig` when `dnsPolicy` is None")};
    if (config->nameservers.empty()) {
      return {required(path.child("nameservers"), "must provide at least one DNS nameserver when `dnsPolicy` is None")};
    }
  }
  if (!config) return {};
  ErrorList errs;
  if (config->nameservers.size() > 3) {
    errs.push_back(invalid(path.child("nameservers"), go_slice("string", config->nameservers), "must not have more than 3 nameservers"));
  }
  for (size_t i = 0; i < config->nameservers.size(); i++) {
    append(errs, is_valid_ip(path.child("nameservers").index(i), config->nameservers[i]));
  }
  if (config->searches.size() > 32) {
    errs.push_back(invalid(path.child("searches"), go_slice("string", config->searches), "must not have more than 32 search paths"));
  }
  size_t chars = 0;
  for (const std::string& s : config->searches) chars += s.size();
  if (!config->searches.empty() && chars + config->searches.size() - 1 > 2048) {
    errs.push_back(invalid(path.child("searches"), go_slice("string", config->searches),
                           "must not have more than 2048 characters (including spaces) in the search list"));
  }
  for (size_t i = 0; i < config->searches.size(); i++) {
    std::string_view search = config->searches[i];
    if (search == ".") continue;
    if (!search.empty() && search.back() == '.') search.remove_suffix(1);
    for (std::string& msg : is_dns1123_subdomain_with_underscore(search)) {
      errs.push_back(invalid(path.child("searches").index(i), quoted(search), std::move(msg)));
    }
  }
  for (size_t i = 0; i < config->options.size(); i++) {
    if (config->options[i].name.empty()) errs.push_back(required(path.child("options").index(i), "must not be empty"));
  }
  return errs;
}

ErrorList validate_readiness_gates(const std::vector<core_v1::PodReadinessGate>& gates, const Path& path) {
  ErrorList errs;
  for (size_t i = 0; i < gates.size(); i++) {
    const std::string& type = gates[i].conditionType;
    for (std::string& msg : is_qualified_name(type)) {
      errs.push_back(invalid(path.index(i).child("conditionType"), quoted(type), std::move(msg)));
    }
  }
  return errs;
}

ErrorList validate_scheduling_gates(const std::vector<core_v1::PodSchedulingGate>& gates, const Path& path) {
  ErrorList errs;
  std::set<std::string> seen;
  for (size_t i = 0; i < gates.size(); i++) {
    const std::string& name = gates[i].name;
    for (std::string& msg : is_qualified_name(name)) errs.push_back(invalid(path.index(i), quoted(name), std::move(msg)));
    if (!seen.insert(name).second) errs.push_back(duplicate(path.index(i), quoted(name)));
  }
  return errs;
}

ErrorList validate_topology_spread_constraints(const std::vector<core_v1::TopologySpreadConstraint>& constraints,
                                               const Path& path) {
  ErrorList errs;
  for (size_t i = 0; i < constraints.size(); i++) {
    const core_v1::TopologySpreadConstraint& c = constraints[i];
    const Path at = path.index(i);
    if (c.maxSkew <= 0) errs.push_back(invalid(at.child("maxSkew"), std::to_string(c.maxSkew), "must be greater than zero"));
    if (c.topologyKey.empty()) errs.push_back(required(at.child("topologyKey"), "can not be empty"));
    if (c.whenUnsatisfiable != "DoNotSchedule" && c.whenUnsatisfiable != "ScheduleAnyway") {
      errs.push_back(not_supported(at.child("whenUnsatisfiable"), quoted(c.whenUnsatisfiable), {"DoNotSchedule", "ScheduleAnyway"}));
    }
    for (size_t j = i + 1; j < constraints.size(); j++) {
      if (constraints[j].topologyKey == c.topologyKey && constraints[j].whenUnsatisfiable == c.whenUnsatisfiable) {
        errs.push_back(duplicate(at.child("{topologyKey, whenUnsatisfiable}"),
                                 quoted("{" + c.topologyKey + ", " + c.whenUnsatisfiable + "}")));
        break;
      }
    }
    if (c.minDomains) {
      if (*c.minDomains <= 0) errs.push_back(invalid(at.child("minDomains"), std::to_string(*c.minDomains), "must be greater than zero"));
      if (c.whenUnsatisfiable != "DoNotSchedule") {
        errs.push_back(invalid(at.child("minDomains"), std::to_string(*c.minDomains),
                               "can only use minDomains if whenUnsatisfiable=DoNotSchedule, not " + c.whenUnsatisfiable));
      }
    }
    for (auto [policy, name] : {std::pair{&c.nodeAffinityPolicy, "nodeAffinityPolicy"}, std::pair{&c.nodeTaintsPolicy, "nodeTaintsPolicy"}}) {
      if (*policy && **policy != "Honor" && **policy != "Ignore") {
        errs.push_back(not_supported(at.child(name), quoted(**policy), {"Honor", "Ignore"}));
      }
    }
    if (!c.matchLabelKeys.empty()) {
      const Path keys = at.child("matchLabelKeys");
      std::set<std::string> selector_keys;
      if (!c.labelSelector) {
        errs.push_back(forbidden(keys, "must not be specified when labelSelector is not set"));
      } else {
        for (const auto& [key, value] : c.labelSelector->matchLabels) selector_keys.insert(key);
        for (const meta_v1::LabelSelectorRequirement& e : c.labelSelector->matchExpressions) selector_keys.insert(e.key);
      }
      for (size_t k = 0; k < c.matchLabelKeys.size(); k++) {
        append(errs, validate_label_name(c.matchLabelKeys[k], keys.index(k)));
        if (selector_keys.contains(c.matchLabelKeys[k])) {
          errs.push_back(invalid(keys.index(k), quoted(c.matchLabelKeys[k]), "exists in both matchLabelKeys and labelSelector"));
        }
      }
    }
    append(errs, validate_selector(c.labelSelector, at.child("labelSelector")));
  }
  return errs;
}

ErrorList validate_host_aliases(const std::vector<core_v1::HostAlias>& aliases, const Path& path) {
  ErrorList errs;
  for (size_t i = 0; i < aliases.size(); i++) {
    append(errs, is_valid_ip(path.index(i).child("ip"), aliases[i].ip));
    for (size_t j = 0; j < aliases[i].hostnames.size(); j++) {
      const std::string& host = aliases[i].hostnames[j];
      for (std::string& msg : is_dns1123_subdomain(host)) {
        errs.push_back(invalid(path.index(i).child("hostnames").index(j), quoted(host), std::move(msg)));
      }
    }
  }
  return errs;
}

}  // namespace kubepp::api::validation::podspec

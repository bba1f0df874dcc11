// dns.cpp — the pod's resolv.conf from its dnsPolicy and dnsConfig (see dns.h).
//
// Upstream merges options through a Go map and so hands them over in random order;
// kubepp keeps the order in which they were first given.
#include "cluster/kubelet/dns.h"

#include <algorithm>
#include <sstream>
#include <string>
#include <vector>

namespace kubepp::kubelet {

using runtime::cri::DNSConfig;

namespace {

// resolv.conf's limits, as the API server's validation states them.
constexpr size_t kMaxDNSNameservers = 3;
constexpr size_t kMaxDNSSearchPaths = 32;
constexpr size_t kMaxDNSSearchListChars = 2048;
constexpr size_t kMaxSearchDomainLength = 253;  // a DNS subdomain; longer ones abort glibc 2.28

std::vector<std::string> fields_of(const std::string& line) {
  std::istringstream in(line);
  std::vector<std::string> out;
  for (std::string f; in >> f;) out.push_back(f);
  return out;
}

// The name of an option: "ndots" of "ndots:5".
std::string option_name(const std::string& option) { return option.substr(0, option.find(':')); }

// Sets `option` in `options`, in place of one of the same name or at the end.
void set_option(std::vector<std::string>& options, const std::string& option) {
  auto same = [&](const std::string& o) { return option_name(o) == option_name(option); };
  auto it = std::find_if(options.begin(), options.end(), same);
  if (it != options.end()) {
    *it = option;
  } else {
    options.push_back(option);
  }
}

// omitDuplicates: the first of each value, in order.
void append_unique(std::vector<std::string>& to, const std::vector<std::string>& more) {
  for (const std::string& v : more) {
    if (std::find(to.begin(), to.end(), v) == to.end()) to.push_back(v);
  }
}

// formDNSSearchFitsLimits: at most 32 domains, none longer than a subdomain, and a search
// line of at most 2048 characters (domains dropped from the end until it fits).
std::vector<std::string> fit_searches(std::vector<std::string> searches) {
  if (searches.size() > kMaxDNSSearchPaths) searches.resize(kMaxDNSSearchPaths);
  std::erase_if(searches, [](const std::string& s) { return s.size() > kMaxSearchDomainLength; });
  size_t line = 0;
  for (const std::string& s : searches) line += s.size() + (line == 0 ? 0 : 1);
  while (line > kMaxDNSSearchListChars && !searches.empty()) {
    line -= searches.back().size() + (searches.size() > 1 ? 1 : 0);
    searches.pop_back();
  }
  return searches;
}

}  // namespace

DNSConfig parse_resolv_conf(std::string_view text) {
  DNSConfig config;
  std::istringstream in{std::string(text)};
  for (std::string line; std::getline(in, line);) {
    std::vector<std::string> fields = fields_of(line);
    if (fields.empty() || fields[0].starts_with("#")) continue;
    if (fields[0] == "nameserver" && fields.size() >= 2) {
      config.servers.push_back(fields[1]);
    } else if (fields[0] == "search") {
      config.searches.clear();
      for (size_t i = 1; i < fields.size(); ++i) {
        if (fields[i] == ".") continue;
        std::string domain = fields[i];
        if (domain.ends_with(".")) domain.pop_back();
        config.searches.push_back(domain);
      }
    } else if (fields[0] == "options") {
      for (size_t i = 1; i < fields.size(); ++i) set_option(config.options, fields[i]);
    }
  }
  return config;
}

DNSConfig pod_dns_config(const api::core_v1::Pod& pod, const DNSConfig& host) {
  // getPodDNSType: None starts from nothing. Every other policy is the cluster's DNS or
  // the node's, and with no cluster DNS service (kubepp has none yet) the kubelet falls
  // back from the cluster's to the node's, as upstream does without --cluster-dns.
  DNSConfig config = pod.spec.dnsPolicy == "None" ? DNSConfig{} : host;

  if (pod.spec.dnsConfig) {
    const auto& extra = *pod.spec.dnsConfig;
    append_unique(config.servers, extra.nameservers);
    append_unique(config.searches, extra.searches);
    for (const auto& option : extra.options) {
      const bool has_value = option.value && !option.value->empty();
      set_option(config.options, has_value ? option.name + ":" + *option.value : option.name);
    }
  }
  if (config.servers.size() > kMaxDNSNameservers) config.servers.resize(kMaxDNSNameservers);
  config.searches = fit_searches(std::move(config.searches));
  return config;
}

}  // namespace kubepp::kubelet

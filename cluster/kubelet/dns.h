// dns.h — a pod's resolv.conf: the name servers, search domains and options the sandbox
// gets, from the pod's dnsPolicy and dnsConfig (upstream: pkg/kubelet/network/dns,
// Configurer.GetPodDNS).
//
//   Default       the node's resolv.conf (the kubelet's --resolv-conf)
//   ClusterFirst  the cluster's DNS service first; kubepp runs none yet, and upstream's
//                 kubelet without --cluster-dns falls back to Default, so this is Default
//   ClusterFirstWithHostNet  the same, also for pods on the node's network
//   None          nothing but what dnsConfig says
//
// dnsConfig is then merged in: its name servers and search domains after the policy's
// (duplicates dropped), its options replacing the policy's of the same name. The result
// is cut to resolv.conf's limits: 3 name servers, 32 search domains of at most 253
// characters, 2048 characters of search line.
//
// All functions are pure and thread-safe.
#pragma once

#include <string_view>

#include "cluster/api/types/core_v1.h"
#include "runtime/cri/api.h"

namespace kubepp::kubelet {

/// The `nameserver`, `search` and `options` lines of a resolv.conf's text (the kubelet's
/// parseResolvConf). Name servers accumulate; the last `search` line wins, its domains
/// without a trailing dot and without a lone "."; an option replaces an earlier one of
/// the same name. Lines starting with `#` and other lines are ignored.
runtime::cri::DNSConfig parse_resolv_conf(std::string_view text);

/// GetPodDNS: the DNS configuration of `pod`'s sandbox, given the node's (`host`, as
/// parse_resolv_conf reads it; empty leaves the runtime to use the host's file).
runtime::cri::DNSConfig pod_dns_config(const api::core_v1::Pod& pod, const runtime::cri::DNSConfig& host);

}  // namespace kubepp::kubelet

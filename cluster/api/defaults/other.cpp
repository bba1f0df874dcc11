// other.cpp — the conditional defaults of NetworkPolicies and EndpointSlices.
#include "cluster/api/defaults/other.h"

namespace kubepp::api::defaults {

void set_network_policy_defaults(networking_v1::NetworkPolicy& np) {
  if (!np.spec.policyTypes.empty()) return;
  np.spec.policyTypes = {"Ingress"};
  if (!np.spec.egress.empty()) np.spec.policyTypes.push_back("Egress");
}

void set_endpoint_slice_defaults(discovery_v1::EndpointSlice& slice) {
  for (discovery_v1::EndpointPort& port : slice.ports) {
    if (!port.name) port.name = "";
    if (!port.protocol) port.protocol = "TCP";
  }
}

}  // namespace kubepp::api::defaults

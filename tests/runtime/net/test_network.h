// test_network.h — a pod network of the tests' own: bridge `kubepp-t0`, pods in
// 10.244.250.0/24 (a /24 no real node of this machine uses), records in a temporary
// directory, namespaces named kubepp-t-*. Whatever a test made through it is removed
// when it goes out of scope, also when the test fails; the leak check then proves it.
#pragma once

#include <catch2/catch.hpp>
#include <string>
#include <vector>

#include "runtime/net/pod_network.h"
#include "tests/support/temp_dir.h"

namespace kubepp::testing {

struct TestNetwork {
  TempDir dir{"net"};
  runtime::net::NetworkConfig config;
  std::vector<std::string> sandboxes;  // attached, maybe with host ports: detached at the end
  std::vector<std::string> namespaces;

  TestNetwork() {
    config.bridge = "kubepp-t0";
    config.pod_cidr = "10.244.250.0/24";
    config.ipam_dir = dir / "lib/networks/kubepp-t0";
  }
  ~TestNetwork() {
    for (const std::string& sandbox : sandboxes) {
      (void)runtime::net::remove_host_ports(config, sandbox);
      (void)runtime::net::detach_pod(config, sandbox);
    }
    for (const std::string& name : namespaces) (void)runtime::net::delete_netns(name);
    (void)runtime::net::teardown_node_network(config);
  }
  TestNetwork(const TestNetwork&) = delete;
  TestNetwork& operator=(const TestNetwork&) = delete;

  std::filesystem::path add_netns(const std::string& name) {
    Result<std::filesystem::path> path = runtime::net::create_netns(name);
    if (!path) FAIL(path.error().message);
    namespaces.push_back(name);
    return path.value();
  }

  /// A pod: a namespace `kubepp-t-<name>` attached as sandbox `sandbox-<name>`.
  runtime::net::PodInterface add_pod(const std::string& name) {
    const std::filesystem::path netns = add_netns("kubepp-t-" + name);
    sandboxes.push_back("sandbox-" + name);
    Result<runtime::net::PodInterface> pod = runtime::net::attach_pod(config, "sandbox-" + name, netns);
    if (!pod) FAIL(pod.error().message);
    return pod.value();
  }
};

}  // namespace kubepp::testing

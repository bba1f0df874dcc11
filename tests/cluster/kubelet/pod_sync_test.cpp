// The kubelet's pod sync decision (cluster/kubelet/pod_sync.h): what a sync starts and
// kills for each state the runtime can report, the phase it reports, and the restart
// back-off — all without a runtime.
#include <catch2/catch.hpp>

#include "cluster/kubelet/pod_sync.h"

using namespace kubepp::kubelet;
using kubepp::api::core_v1::Pod;
using kubepp::runtime::cri::ContainerState;

namespace {

Pod pod_with(std::vector<std::string> init, std::vector<std::string> containers, std::string policy = "Always") {
  Pod pod;
  pod.metadata.name = "p";
  pod.spec.restartPolicy = std::move(policy);
  for (auto& name : init) pod.spec.initContainers.emplace_back().name = name;
  for (auto& name : containers) pod.spec.containers.emplace_back().name = name;
  return pod;
}

ContainerRuntimeState running(const std::string& name, uint32_t attempt = 0) {
  return {name, name + "-" + std::to_string(attempt), ContainerState::CONTAINER_RUNNING, 0, "", 1, 0, attempt};
}

ContainerRuntimeState exited(const std::string& name, int code, uint32_t attempt = 0) {
  return {name, name + "-" + std::to_string(attempt), ContainerState::CONTAINER_EXITED, code,
          code == 0 ? "Completed" : "Error", 1, 2, attempt};
}

PodRuntimeState ready(std::vector<ContainerRuntimeState> containers) {
  return {"sandbox", true, 0, std::move(containers)};
}

}  // namespace

TEST_CASE("a pod without a sandbox gets one, and starts with its first init container", "[unit][kubelet][sync]") {
  SECTION("no init containers: every container starts") {
    PodActions a = compute_pod_actions(pod_with({}, {"web", "sidecar"}), {});
    CHECK(a.create_sandbox);
    CHECK_FALSE(a.kill_pod);
    CHECK(a.containers_to_start == std::vector<std::string>{"web", "sidecar"});
  }
  SECTION("init containers: only the first") {
    PodActions a = compute_pod_actions(pod_with({"setup", "migrate"}, {"web"}), {});
    CHECK(a.create_sandbox);
    CHECK(a.next_init_container == "setup");
    CHECK(a.containers_to_start.empty());
  }
  SECTION("a sandbox that died is replaced, its leftovers killed first, its attempt counted") {
    PodRuntimeState state{"old", false, 2, {running("web")}};
    PodActions a = compute_pod_actions(pod_with({}, {"web"}), state);
    CHECK(a.kill_pod);
    CHECK(a.create_sandbox);
    CHECK(a.sandbox_attempt == 3);
  }
  SECTION("with restartPolicy Never a pod whose sandbox died after it ran is done") {
    PodRuntimeState state{"old", false, 0, {exited("job", 0)}};
    PodActions a = compute_pod_actions(pod_with({}, {"job"}, "Never"), state);
    CHECK(a.pod_done);
    CHECK_FALSE(a.create_sandbox);
  }
}

TEST_CASE("init containers run one at a time, in order, each to completion", "[unit][kubelet][sync]") {
  const Pod pod = pod_with({"first", "second"}, {"web"});
  SECTION("while one runs, nothing else starts") {
    PodActions a = compute_pod_actions(pod, ready({running("first")}));
    CHECK(a == PodActions{});
  }
  SECTION("after one succeeds, the next") {
    PodActions a = compute_pod_actions(pod, ready({exited("first", 0)}));
    CHECK(a.next_init_container == "second");
  }
  SECTION("after all succeed, the containers") {
    PodActions a = compute_pod_actions(pod, ready({exited("first", 0), exited("second", 0)}));
    CHECK(a.next_init_container.empty());
    CHECK(a.containers_to_start == std::vector<std::string>{"web"});
  }
  SECTION("a failed one runs again and blocks the rest") {
    PodActions a = compute_pod_actions(pod, ready({exited("first", 1)}));
    CHECK(a.next_init_container == "first");
    CHECK(a.containers_to_start.empty());
    CHECK(pod_phase(pod, ready({exited("first", 1)})) == "Pending");
  }
  SECTION("with restartPolicy Never a failed one fails the pod") {
    const Pod never = pod_with({"first", "second"}, {"web"}, "Never");
    PodActions a = compute_pod_actions(never, ready({exited("first", 1)}));
    CHECK(a.pod_done);
    CHECK(a.next_init_container.empty());
    CHECK(pod_phase(never, ready({exited("first", 1)})) == "Failed");
  }
}

TEST_CASE("exited containers restart as restartPolicy says", "[unit][kubelet][sync]") {
  CHECK(should_restart("Always", 0));
  CHECK(should_restart("", 0));
  CHECK(should_restart("OnFailure", 2));
  CHECK_FALSE(should_restart("OnFailure", 0));
  CHECK_FALSE(should_restart("Never", 2));
  SECTION("Always: both exits restart; the newest attempt counts") {
    PodRuntimeState state = ready({exited("a", 0), exited("b", 1, 0), running("b", 1)});
    PodActions a = compute_pod_actions(pod_with({}, {"a", "b"}), state);
    CHECK(a.containers_to_start == std::vector<std::string>{"a"});
    CHECK(pod_phase(pod_with({}, {"a", "b"}), state) == "Running");
  }
  SECTION("OnFailure: a success is final, and when all are final the pod is done") {
    const Pod pod = pod_with({}, {"a"}, "OnFailure");
    CHECK(compute_pod_actions(pod, ready({exited("a", 3)})).containers_to_start == std::vector<std::string>{"a"});
    PodActions done = compute_pod_actions(pod, ready({exited("a", 0)}));
    CHECK(done.pod_done);
    CHECK(done.kill_pod);
    CHECK(pod_phase(pod, ready({exited("a", 0)})) == "Succeeded");
  }
  SECTION("Never: one failure among finished containers fails the pod") {
    const Pod pod = pod_with({}, {"a", "b"}, "Never");
    PodRuntimeState state = ready({exited("a", 0), exited("b", 1)});
    CHECK(compute_pod_actions(pod, state).pod_done);
    CHECK(pod_phase(pod, state) == "Failed");
  }
  SECTION("a pod whose containers have not run yet is Pending") {
    CHECK(pod_phase(pod_with({}, {"a"}), ready({})) == "Pending");
  }
}

TEST_CASE("restart back-off: at once, then 10 s doubling to 5 minutes, counted from the exit", "[unit][kubelet][backoff]") {
  constexpr int64_t s = 1'000'000'000;
  BackOff backoff;
  const std::string key = "default/p/web";
  // The first exit restarts at once.
  CHECK_FALSE(backoff.in_back_off_since(key, 100 * s, 100 * s));
  backoff.next(key, 100 * s);
  CHECK(backoff.delay(key) == 10 * s);
  // It exits again at 101 s: until 111 s it waits.
  CHECK(backoff.in_back_off_since(key, 101 * s, 105 * s));
  CHECK_FALSE(backoff.in_back_off_since(key, 101 * s, 112 * s));
  backoff.next(key, 101 * s);
  CHECK(backoff.delay(key) == 20 * s);
  for (int i = 0; i < 10; ++i) backoff.next(key, (102 + i) * s);
  CHECK(backoff.delay(key) == BackOff::kMax);
  // Quiet for more than twice the maximum: back to the start.
  CHECK_FALSE(backoff.in_back_off_since(key, 2000 * s, 2000 * s));
  backoff.next(key, 2000 * s);
  CHECK(backoff.delay(key) == 10 * s);
}

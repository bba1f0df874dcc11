#include "cluster/kubelet/pod_sync.h"

#include <algorithm>

namespace kubepp::kubelet {

using runtime::cri::ContainerState;

namespace {

bool succeeded(const ContainerRuntimeState* s) { return s != nullptr && has_exited(*s) && s->exit_code == 0; }

}  // namespace

const std::string& restart_policy(const api::core_v1::Pod& pod) {
  static const std::string always = "Always";
  return pod.spec.restartPolicy.empty() ? always : pod.spec.restartPolicy;
}

bool has_exited(const ContainerRuntimeState& s) {
  return s.state == ContainerState::CONTAINER_EXITED || s.state == ContainerState::CONTAINER_UNKNOWN;
}

const ContainerRuntimeState* PodRuntimeState::latest(const std::string& name) const {
  const ContainerRuntimeState* newest = nullptr;
  for (const ContainerRuntimeState& c : containers) {
    if (c.name == name && (newest == nullptr || c.attempt >= newest->attempt)) newest = &c;
  }
  return newest;
}

bool should_restart(const std::string& restart_policy, int32_t exit_code) {
  if (restart_policy == "Never") return false;
  if (restart_policy == "OnFailure") return exit_code != 0;
  return true;  // Always
}

PodActions compute_pod_actions(const api::core_v1::Pod& pod, const PodRuntimeState& state) {
  PodActions actions;
  const std::string& policy = restart_policy(pod);
  const auto& init = pod.spec.initContainers;
  const auto& containers = pod.spec.containers;

  // 1. The sandbox. Without a ready one nothing can run: everything left goes, and a new
  //    sandbox starts the pod over from its first init container — unless the pod never
  //    restarts and has run already (its sandbox died under it: it is done).
  if (state.sandbox_id.empty() || !state.sandbox_ready) {
    if (!state.sandbox_id.empty() && policy == "Never" && !state.containers.empty()) {
      actions.kill_pod = true;
      actions.pod_done = true;
      return actions;
    }
    actions.kill_pod = !state.sandbox_id.empty();
    actions.create_sandbox = true;
    actions.sandbox_attempt = state.sandbox_id.empty() ? 0 : state.sandbox_attempt + 1;
    if (!init.empty()) {
      actions.next_init_container = init.front().name;
      return actions;
    }
    for (const auto& c : containers) {
      // OnFailure does not run a container again that already succeeded.
      if (policy == "OnFailure" && succeeded(state.latest(c.name))) continue;
      actions.containers_to_start.push_back(c.name);
    }
    return actions;
  }

  // 2. Init containers, one at a time and in order, each to completion.
  for (const auto& c : init) {
    const ContainerRuntimeState* s = state.latest(c.name);
    if (s == nullptr) {
      actions.next_init_container = c.name;
      return actions;
    }
    if (!has_exited(*s)) return actions;  // still running: wait for it
    if (s->exit_code == 0) continue;
    // A failed init container blocks the pod: it runs again, unless the pod never
    // restarts — then the pod has failed.
    if (policy == "Never") {
      actions.kill_pod = true;
      actions.pod_done = true;
    } else {
      actions.next_init_container = c.name;
    }
    return actions;
  }

  // 3. The containers, all at once.
  bool any_alive = false;
  for (const auto& c : containers) {
    const ContainerRuntimeState* s = state.latest(c.name);
    if (s == nullptr) {
      actions.containers_to_start.push_back(c.name);
    } else if (!has_exited(*s)) {
      any_alive = true;
    } else if (should_restart(policy, s->exit_code)) {
      actions.containers_to_start.push_back(c.name);
    }
  }
  if (!any_alive && actions.containers_to_start.empty()) {
    actions.kill_pod = true;  // the kubelet stops a finished pod's sandbox
    actions.pod_done = true;
  }
  return actions;
}

std::string pod_phase(const api::core_v1::Pod& pod, const PodRuntimeState& state) {
  const std::string& policy = restart_policy(pod);
  for (const auto& c : pod.spec.initContainers) {
    const ContainerRuntimeState* s = state.latest(c.name);
    if (succeeded(s)) continue;
    if (s != nullptr && has_exited(*s) && policy == "Never") return "Failed";
    return "Pending";
  }
  int never_ran = 0, alive = 0, will_restart = 0, failed = 0;
  for (const auto& c : pod.spec.containers) {
    const ContainerRuntimeState* s = state.latest(c.name);
    if (s == nullptr) {
      ++never_ran;
    } else if (!has_exited(*s)) {
      ++alive;
    } else if (should_restart(policy, s->exit_code)) {
      ++will_restart;
    } else if (s->exit_code != 0) {
      ++failed;
    }
  }
  if (alive > 0) return "Running";
  if (never_ran > 0) return "Pending";
  if (will_restart > 0) return "Running";  // between a container's exit and its restart
  return failed > 0 ? "Failed" : "Succeeded";
}

bool BackOff::in_back_off_since(const std::string& key, int64_t finished_at, int64_t now) const {
  auto it = entries_.find(key);
  if (it == entries_.end() || now - it->second.last > 2 * kMax) return false;
  return now - finished_at < it->second.delay;
}

void BackOff::next(const std::string& key, int64_t finished_at) {
  auto it = entries_.find(key);
  if (it == entries_.end() || finished_at - it->second.last > 2 * kMax) {
    entries_[key] = {kInitial, finished_at};
    return;
  }
  it->second.delay = std::min(it->second.delay * 2, kMax);
  it->second.last = finished_at;
}

int64_t BackOff::delay(const std::string& key) const {
  auto it = entries_.find(key);
  return it == entries_.end() ? 0 : it->second.delay;
}

}  // namespace kubepp::kubelet

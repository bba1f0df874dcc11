#include "cluster/kubelet/pod_worker.h"

#include <algorithm>
#include <chrono>
#include <thread>

#include "cluster/kubelet/env.h"
#include "cluster/kubelet/volumes.h"
#include "runtime/images.h"

namespace kubepp::kubelet {

namespace cri = runtime::cri;
namespace fs = std::filesystem;
using api::core_v1::Container;
using api::core_v1::ContainerStatus;
using api::core_v1::PodStatus;

namespace {

// How long the kubelet's pod worker waits before it syncs a pod whose last sync failed
// (pod_workers.go: backOffPeriod).
constexpr int64_t kSyncErrorBackOff = 10'000'000'000;  // 10 s
constexpr const char* kPodUidLabel = "io.kubernetes.pod.uid";
constexpr int64_t kDefaultGraceSeconds = 30;

int64_t system_now() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

api::Time time_of(int64_t nanos) {
  if (nanos <= 0) return {};
  return api::Time(api::Time::Micros(std::chrono::microseconds(nanos / 1000)));
}

// "10s", "1m20s", "5m0s": Go's time.Duration as the kubelet prints a back-off.
std::string go_duration(int64_t nanos) {
  const int64_t seconds = nanos / 1'000'000'000;
  if (seconds < 60) return std::to_string(seconds) + "s";
  return std::to_string(seconds / 60) + "m" + std::to_string(seconds % 60) + "s";
}

std::string quoted_command(const std::vector<std::string>& command) {
  std::string out = "[";
  for (size_t i = 0; i < command.size(); ++i) out += (i ? " " : "") + command[i];
  return out + "]";
}

}  // namespace

PodWorker::PodWorker(cri::RuntimeService& runtime, api::core_v1::Pod pod, const ObjectSource& objects,
                     NodeContext node, EventSink events, Clock clock)
    : runtime_(runtime),
      pod_(std::move(pod)),
      objects_(objects),
      node_(std::move(node)),
      events_(std::move(events)),
      clock_(clock ? std::move(clock) : Clock(system_now)) {}

fs::path PodWorker::pod_dir() const { return node_.pods_dir / pod_.metadata.uid; }

void PodWorker::event(const std::string& type, const std::string& reason, const std::string& message) {
  if (events_) events_({type, reason, message});
}

PodRuntimeState PodWorker::observe() {
  PodRuntimeState state;
  cri::PodSandboxFilter sandboxes;
  sandboxes.label_selector = {{kPodUidLabel, pod_.metadata.uid}};
  if (auto listed = runtime_.ListPodSandbox(sandboxes); listed.ok() && !listed.value().empty()) {
    const cri::PodSandbox& newest = listed.value().back();
    state.sandbox_id = newest.id;
    state.sandbox_ready = newest.state == cri::PodSandboxState::SANDBOX_READY;
    state.sandbox_attempt = newest.metadata.attempt;
  }
  cri::ContainerFilter containers;
  containers.label_selector = {{kPodUidLabel, pod_.metadata.uid}};
  if (auto listed = runtime_.ListContainers(containers); listed.ok()) {
    for (const cri::Container& c : listed.value()) {
      auto status = runtime_.ContainerStatus(c.id);
      if (!status) continue;
      const cri::ContainerStatus& s = status.value();
      state.containers.push_back({s.metadata.name, s.id, s.state, s.exit_code, s.reason, s.started_at,
                                  s.finished_at, s.metadata.attempt});
    }
  }
  return state;
}

Status PodWorker::create_sandbox(uint32_t attempt) {
  SandboxOptions options = node_.sandbox;
  options.attempt = attempt;
  Result<cri::PodSandboxConfig> config = make_sandbox_config(pod_, options);
  if (!config) return config.error();
  Result<std::string> id = runtime_.RunPodSandbox(config.value());
  if (!id) return id.error();
  sandbox_id_ = id.value();
  sandbox_config_ = config.value();
  return {};
}

Status PodWorker::run_hook(const api::core_v1::LifecycleHandler& hook, const std::string& container_id,
                           int64_t timeout) {
  if (hook.exec) {
    Result<cri::ExecSyncResponse> done = runtime_.ExecSync(container_id, hook.exec->command, timeout);
    if (!done) return done.error();
    if (done.value().exit_code != 0) {
      return Error{ErrorCode::Internal, "command '" + quoted_command(hook.exec->command) + "' exited with " +
                                            std::to_string(done.value().exit_code) + ": " + done.value().stdout_ +
                                            done.value().stderr_};
    }
    return {};
  }
  if (hook.sleep) {
    std::this_thread::sleep_for(std::chrono::seconds(std::min(hook.sleep->seconds, timeout)));
    return {};
  }
  return Error{ErrorCode::Invalid, "httpGet and tcpSocket lifecycle hooks are not supported yet"};
}

void PodWorker::start_container(const Container& c, const PodRuntimeState& state, bool init) {
  const std::string key = pod_.metadata.namespace_ + "/" + pod_.metadata.name + "/" + c.name;
  const int64_t now = clock_();
  const ContainerRuntimeState* latest = state.latest(c.name);
  const uint32_t attempt = latest ? latest->attempt + 1 : 0;
  auto fail = [&](const std::string& reason, const std::string& message) {
    waiting_[c.name] = {reason, message};
    event("Warning", "Failed", "Error: " + message);
  };

  // A container that exited restarts at once the first time, then after a back-off.
  if (latest != nullptr && has_exited(*latest)) {
    if (backoff_.in_back_off_since(key, latest->finished_at, now)) {
      const std::string message = "back-off " + go_duration(backoff_.delay(key)) + " restarting failed container=" +
                                  c.name + " pod=" + format_pod(pod_);
      if (waiting_[c.name].reason != "CrashLoopBackOff") {
        event("Warning", "BackOff", "Back-off restarting failed container " + c.name + " in pod " + format_pod(pod_));
      }
      waiting_[c.name] = {"CrashLoopBackOff", message};
      return;
    }
    backoff_.next(key, latest->finished_at);
  }

  // The image: from the local store, whatever the pull policy (there is no registry
  // yet). A missing one is ErrImagePull, then ImagePullBackOff until its back-off ends.
  const std::string image_key = key + "/image";
  Result<runtime::Image> image = runtime::resolve_image(runtime_.options().dirs, c.image);
  if (!image) {
    auto failed_at = image_failures_.find(c.name);
    if (failed_at != image_failures_.end() && backoff_.in_back_off_since(image_key, failed_at->second, now)) {
      waiting_[c.name] = {"ImagePullBackOff", "Back-off pulling image \"" + c.image + "\""};
      return;
    }
    backoff_.next(image_key, now);
    image_failures_[c.name] = now;
    waiting_[c.name] = {"ErrImagePull", image.error().message};
    event("Warning", "Failed", "Failed to pull image \"" + c.image + "\": " + image.error().message);
    return;
  }
  image_failures_.erase(c.name);
  event("Normal", "Pulled", "Container image \"" + c.image + "\" already present on machine");

  PodRuntimeInfo info{node_.node_name, node_.host_ip, pod_ip_.empty() ? std::vector<std::string>{}
                                                                      : std::vector<std::string>{pod_ip_}};
  Result<EnvResult> env = make_environment(pod_, c, objects_, info, node_.allocatable);
  if (!env) return fail("CreateContainerConfigError", env.error().message);
  for (const SkippedEnvKeys& skipped : env.value().skipped) {
    event("Warning", "InvalidEnvironmentVariableNames", skipped.message());
  }
  std::map<std::string, std::string> env_map;
  for (const runtime::cri::KeyValue& kv : env.value().env) env_map[kv.key] = kv.value;
  Result<std::vector<cri::Mount>> mounts = container_mounts(pod_, c, volumes_, env_map, pod_dir());
  if (!mounts) return fail("CreateContainerConfigError", mounts.error().message);

  ContainerOptions options;
  options.attempt = attempt;
  options.image_ref = c.image;
  options.image_user = image.value().config.user;
  options.envs = env.value().env;
  options.mounts = mounts.value();
  options.node_memory_capacity = node_.memory_capacity;
  Result<cri::ContainerConfig> config = make_container_config(pod_, c, options);
  if (!config) return fail("CreateContainerConfigError", config.error().message);
  Result<std::string> id = runtime_.CreateContainer(sandbox_id_, config.value(), sandbox_config_);
  if (!id) return fail("CreateContainerError", id.error().message);
  event("Normal", "Created", "Created container " + c.name);
  if (Status started = runtime_.StartContainer(id.value()); !started) {
    return fail("RunContainerError", started.error().message);
  }
  event("Normal", "Started", "Started container " + c.name);
  waiting_.erase(c.name);

  // postStart runs right after the start; if it fails, the container is killed (and
  // restarted as its policy says), as the kubelet does.
  if (c.lifecycle && c.lifecycle->postStart) {
    const int64_t grace = pod_.spec.terminationGracePeriodSeconds.value_or(kDefaultGraceSeconds);
    if (Status hook = run_hook(*c.lifecycle->postStart, id.value(), grace); !hook) {
      event("Warning", "FailedPostStartHook", "PostStartHook failed: " + hook.error().message);
      (void)runtime_.StopContainer(id.value(), grace);
    }
  }
  // Keep the attempt before this one (`logs --previous`); older ones go.
  for (const ContainerRuntimeState& old : state.containers) {
    if (old.name == c.name && old.attempt + 1 < attempt) (void)runtime_.RemoveContainer(old.id);
  }
  (void)init;
}

Result<PodStatus> PodWorker::sync() {
  if (done_ || clock_() < retry_at_) return status_;
  if (!admitted_) {
    if (std::optional<PodRejection> rejection = admit_pod(pod_, node_.sandbox)) {
      rejected_ = rejection;
      done_ = true;
      event("Warning", rejection->reason, rejection->message);
      status_ = make_status({});
      return status_;
    }
    admitted_ = true;
  }
  // Volumes first: no container starts without all of its pod's volumes.
  Result<PodVolumes> volumes = set_up_volumes(pod_, pod_dir(), objects_, node_.allocatable);
  if (!volumes) {
    event("Warning", "FailedMount", volumes.error().message);
    retry_at_ = clock_() + kSyncErrorBackOff;
    status_ = make_status(observe());
    return status_;
  }
  volumes_ = std::move(volumes.value());

  PodRuntimeState state = observe();
  const PodActions actions = compute_pod_actions(pod_, state);
  if (actions.kill_pod) {
    for (const ContainerRuntimeState& c : state.containers) {
      if (!has_exited(c)) (void)runtime_.StopContainer(c.id, 0);
    }
    if (!state.sandbox_id.empty()) (void)runtime_.StopPodSandbox(state.sandbox_id);
  }
  if (actions.pod_done) {
    done_ = true;
    status_ = make_status(observe());
    return status_;
  }
  if (actions.create_sandbox) {
    if (!state.sandbox_id.empty()) {
      event("Normal", "SandboxChanged", "Pod sandbox changed, it will be killed and re-created.");
    }
    if (Status s = create_sandbox(actions.sandbox_attempt); !s) {
      event("Warning", "FailedCreatePodSandBox", "Failed to create pod sandbox: " + s.error().message);
      retry_at_ = clock_() + kSyncErrorBackOff;
      status_ = make_status(observe());
      return s.error();
    }
  } else {
    sandbox_id_ = state.sandbox_id;
    SandboxOptions options = node_.sandbox;
    options.attempt = state.sandbox_attempt;
    Result<cri::PodSandboxConfig> config = make_sandbox_config(pod_, options);
    if (!config) return config.error();
    sandbox_config_ = config.value();
  }
  if (auto sandbox = runtime_.PodSandboxStatus(sandbox_id_); sandbox.ok()) pod_ip_ = sandbox.value().network.ip;
  if (pod_.spec.hostNetwork) pod_ip_ = node_.host_ip;  // the node's address, as Kubernetes reports it

  if (!actions.next_init_container.empty()) {
    for (const Container& c : pod_.spec.initContainers) {
      if (c.name == actions.next_init_container) start_container(c, state, true);
    }
  }
  for (const Container& c : pod_.spec.containers) {
    if (std::find(actions.containers_to_start.begin(), actions.containers_to_start.end(), c.name) !=
        actions.containers_to_start.end()) {
      start_container(c, state, false);
    }
  }
  status_ = make_status(observe());
  return status_;
}

Status PodWorker::terminate(std::optional<int64_t> grace_seconds) {
  const int64_t grace = grace_seconds.value_or(pod_.spec.terminationGracePeriodSeconds.value_or(kDefaultGraceSeconds));
  const int64_t deadline = clock_() + grace * 1'000'000'000;
  auto left = [&] { return std::max<int64_t>(0, (deadline - clock_()) / 1'000'000'000); };
  PodRuntimeState state = observe();
  std::vector<const ContainerRuntimeState*> running;
  for (const ContainerRuntimeState& c : state.containers) {
    if (!has_exited(c)) running.push_back(&c);
  }
  auto spec_of = [&](const std::string& name) -> const Container* {
    for (const auto* list : {&pod_.spec.containers, &pod_.spec.initContainers}) {
      for (const Container& c : *list) {
        if (c.name == name) return &c;
      }
    }
    return nullptr;
  };
  // preStop hooks first, all within the grace period; then SIGTERM and what is left of it.
  for (const ContainerRuntimeState* c : running) {
    event("Normal", "Killing", "Stopping container " + c->name);
    const Container* spec = spec_of(c->name);
    if (spec && spec->lifecycle && spec->lifecycle->preStop) {
      if (Status hook = run_hook(*spec->lifecycle->preStop, c->id, left()); !hook) {
        event("Warning", "FailedPreStopHook", "PreStopHook failed: " + hook.error().message);
      }
    }
  }
  for (const ContainerRuntimeState* c : running) (void)runtime_.StopContainer(c->id, left());
  if (!state.sandbox_id.empty()) (void)runtime_.StopPodSandbox(state.sandbox_id);
  done_ = true;
  status_ = make_status(observe());
  return {};
}

Status PodWorker::remove() {
  cri::PodSandboxFilter filter;
  filter.label_selector = {{kPodUidLabel, pod_.metadata.uid}};
  if (auto sandboxes = runtime_.ListPodSandbox(filter); sandboxes.ok()) {
    for (const cri::PodSandbox& s : sandboxes.value()) {
      if (Status removed = runtime_.RemovePodSandbox(s.id); !removed) return removed;
    }
  }
  return tear_down_volumes(pod_dir());
}

PodStatus PodWorker::make_status(const PodRuntimeState& state) const {
  PodStatus s;
  if (rejected_) {
    s.phase = "Failed";
    s.reason = rejected_->reason;
    s.message = "Pod was rejected: " + rejected_->message;
    return s;
  }
  s.phase = pod_phase(pod_, state);
  if (done_ && s.phase != "Succeeded" && s.phase != "Failed") {
    // Terminated by us: what the containers last did decides.
    bool all_ok = true;
    for (const Container& c : pod_.spec.containers) {
      const ContainerRuntimeState* latest = state.latest(c.name);
      all_ok = all_ok && latest != nullptr && latest->exit_code == 0;
    }
    s.phase = all_ok ? "Succeeded" : "Failed";
  }
  s.hostIP = node_.host_ip;
  if (!node_.host_ip.empty()) s.hostIPs.push_back({node_.host_ip});
  s.podIP = pod_ip_;
  if (!pod_ip_.empty()) s.podIPs.push_back({pod_ip_});

  bool initialized = true;
  auto container_status = [&](const Container& c, bool init) {
    ContainerStatus cs;
    cs.name = c.name;
    cs.image = c.image;
    const ContainerRuntimeState* latest = state.latest(c.name);
    auto waiting = waiting_.find(c.name);
    if (latest == nullptr) {
      const bool blocked = !init && !initialized;
      cs.state.waiting = waiting != waiting_.end()
                             ? waiting->second
                             : api::core_v1::ContainerStateWaiting{blocked ? "PodInitializing" : "ContainerCreating", ""};
      cs.started = false;
      return cs;
    }
    cs.restartCount = static_cast<int32_t>(latest->attempt);
    cs.containerID = "kubepp://" + latest->id;
    auto terminated = [&](const ContainerRuntimeState& t) {
      api::core_v1::ContainerStateTerminated out;
      out.exitCode = t.exit_code;
      out.reason = t.reason;
      out.startedAt = time_of(t.started_at);
      out.finishedAt = time_of(t.finished_at);
      out.containerID = "kubepp://" + t.id;
      return out;
    };
    if (!has_exited(*latest)) {
      cs.state.running = api::core_v1::ContainerStateRunning{time_of(latest->started_at)};
      cs.ready = !init;  // no readiness probes yet: running is ready
      cs.started = true;
      for (const ContainerRuntimeState& old : state.containers) {
        if (old.name == c.name && old.attempt + 1 == latest->attempt) cs.lastState.terminated = terminated(old);
      }
    } else if (waiting != waiting_.end() && !done_ &&
               should_restart(restart_policy(pod_), latest->exit_code)) {
      cs.state.waiting = waiting->second;  // exited, and waiting to restart
      cs.lastState.terminated = terminated(*latest);
      cs.started = false;
    } else {
      cs.state.terminated = terminated(*latest);
      cs.started = false;
    }
    return cs;
  };
  for (const Container& c : pod_.spec.initContainers) {
    s.initContainerStatuses.push_back(container_status(c, true));
    const ContainerRuntimeState* latest = state.latest(c.name);
    initialized = initialized && latest != nullptr && has_exited(*latest) && latest->exit_code == 0;
  }
  bool all_ready = !pod_.spec.containers.empty();
  for (const Container& c : pod_.spec.containers) {
    s.containerStatuses.push_back(container_status(c, false));
    all_ready = all_ready && s.containerStatuses.back().ready;
  }
  auto condition = [&](const char* type, bool value) {
    api::core_v1::PodCondition cond;
    cond.type = type;
    cond.status = value ? "True" : "False";
    s.conditions.push_back(cond);
  };
  condition("PodReadyToStartContainers", state.sandbox_ready);
  condition("Initialized", initialized);
  condition("Ready", all_ready);
  condition("ContainersReady", all_ready);
  condition("PodScheduled", true);
  return s;
}

}  // namespace kubepp::kubelet

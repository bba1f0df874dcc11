// `kubepp play`: Pod manifests run without a cluster, through the commands a user
// types (play, pods, logs, exec, stop, rm), observed from inside the containers and
// from the records. Each test plays in a temporary root and removes everything it made.
#include <signal.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include "cluster/kubelet/standalone.h"
#include "runtime/base/files.h"
#include "runtime/state.h"
#include "tests/support/containers.h"
#include "tests/support/leak_check.h"
#include "tests/support/temp_dir.h"

using kubepp::testing::CommandResult;
using kubepp::testing::run_command;
using kubepp::testing::TempRoot;
namespace fs = std::filesystem;

namespace {

// A temporary root with a manifest in it; `kubepp cleanup` and a reap at the end.
class Player {
 public:
  ~Player() {
    (void)kp({"cleanup"});
    kubepp::testing::reap_children();
  }
  CommandResult kp(const std::vector<std::string>& args) const { return kubepp::testing::run_kubepp(root_, args); }
  // Writes `yaml` to a file and plays it: in the foreground (until the pods end) or -d.
  CommandResult play(const std::string& yaml, std::vector<std::string> flags = {}) const {
    const fs::path file = root_.path() / ("manifest-" + std::to_string(++manifests_) + ".yaml");
    std::ofstream(file) << yaml;
    std::vector<std::string> args = {"play"};
    args.insert(args.end(), flags.begin(), flags.end());
    args.push_back(file);
    return kp(args);
  }
  // The played pod `name` as recorded (status of the last sync).
  kubepp::kubelet::PlayedPod pod(const std::string& name) const {
    auto played = kubepp::kubelet::find_played(root_.dirs(), "default", name);
    REQUIRE(played.ok());
    return played.value();
  }
  // Waits (at most ~`seconds`) until `done` holds for the pod's record.
  bool wait_for(const std::string& name, const std::function<bool(const kubepp::kubelet::PlayedPod&)>& done,
                int seconds = 20) const {
    for (int i = 0; i < seconds * 10; ++i) {
      auto played = kubepp::kubelet::find_played(root_.dirs(), "default", name);
      if (played.ok() && done(played.value())) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
  }
  const TempRoot& root() const { return root_; }

 private:
  TempRoot root_;
  mutable int manifests_ = 0;
};

std::string status_of(const kubepp::kubelet::PlayedPod& p) { return kubepp::kubelet::pod_status_reason(p.pod); }

}  // namespace

ROOT_TEST_CASE("init containers run in order, each to completion, before the containers; an emptyDir is shared",
               "[root][play]") {
  Player player;
  auto played = player.play(R"Y(
apiVersion: v1
kind: Pod
metadata: {name: ordered}
spec:
  restartPolicy: Never
  initContainers:
  - {name: first, image: busybox, command: [sh, -c, "echo first >> /work/log"], volumeMounts: [{name: work, mountPath: /work}]}
  - {name: second, image: busybox, command: [sh, -c, "sleep 1; echo second >> /work/log"], volumeMounts: [{name: work, mountPath: /work}]}
  containers:
  - {name: app, image: busybox, command: [sh, -c, "echo app >> /work/log; cat /work/log"], volumeMounts: [{name: work, mountPath: /work}]}
  volumes:
  - {name: work, emptyDir: {}}
)Y");
  INFO(played.out << played.err);
  CHECK(played.status == 0);  // the foreground play ends with its pod: Succeeded
  CHECK(player.kp({"logs", "ordered"}).out == "first\nsecond\napp\n");
  CHECK(player.pod("ordered").pod.status.phase == "Succeeded");
  CHECK(status_of(player.pod("ordered")) == "Completed");
}

ROOT_TEST_CASE("a failing init container blocks the pod: the containers never start", "[root][play]") {
  Player player;
  auto played = player.play(R"Y(
apiVersion: v1
kind: Pod
metadata: {name: blocked}
spec:
  restartPolicy: Never
  initContainers:
  - {name: check, image: busybox, command: [sh, -c, "exit 3"]}
  containers:
  - {name: app, image: busybox, command: [sh, -c, "echo must-not-run"]}
)Y");
  CHECK(played.status == 1);  // Failed
  const auto pod = player.pod("blocked").pod;
  CHECK(pod.status.phase == "Failed");
  CHECK(status_of(player.pod("blocked")) == "Init:Error");
  REQUIRE(pod.status.containerStatuses.size() == 1);
  CHECK(pod.status.containerStatuses[0].restartCount == 0);
  CHECK_FALSE(pod.status.containerStatuses[0].state.running.has_value());
  CHECK_FALSE(pod.status.containerStatuses[0].state.terminated.has_value());
}

ROOT_TEST_CASE("env comes from fieldRef, resourceFieldRef, ConfigMaps and Secrets as Kubernetes makes it",
               "[root][play]") {
  Player player;
  auto played = player.play(R"Y(
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {mode: fast, level: "3"}
---
apiVersion: v1
kind: Secret
metadata: {name: creds}
stringData: {password: s3cret}
---
apiVersion: v1
kind: Pod
metadata: {name: envy, namespace: default, labels: {app: envy}, annotations: {note: hi}}
spec:
  restartPolicy: Never
  containers:
  - name: app
    image: busybox
    command: [sh, -c, 'echo "name=$MY_NAME ns=$MY_NS app=$MY_APP note=$MY_NOTE ip=$MY_IP node=$MY_NODE mem=$MY_MEM mode=$MODE pw=$PW cfg_level=$CFG_level greet=$GREET"']
    resources: {limits: {memory: 64Mi, cpu: 500m}}
    envFrom:
    - prefix: CFG_
      configMapRef: {name: settings}
    env:
    - {name: MY_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
    - {name: MY_NS, valueFrom: {fieldRef: {fieldPath: metadata.namespace}}}
    - {name: MY_APP, valueFrom: {fieldRef: {fieldPath: "metadata.labels['app']"}}}
    - {name: MY_NOTE, valueFrom: {fieldRef: {fieldPath: "metadata.annotations['note']"}}}
    - {name: MY_IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}
    - {name: MY_NODE, valueFrom: {fieldRef: {fieldPath: spec.nodeName}}}
    - {name: MY_MEM, valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1Mi}}}
    - {name: MODE, valueFrom: {configMapKeyRef: {name: settings, key: mode}}}
    - {name: PW, valueFrom: {secretKeyRef: {name: creds, key: password}}}
    - {name: GREET, value: "hello $(MY_NAME)"}
)Y");
  INFO(played.out << played.err);
  REQUIRE(played.status == 0);
  const auto pod = player.pod("envy").pod;
  char host[256] = {};
  ::gethostname(host, sizeof host - 1);
  CHECK(player.kp({"logs", "envy"}).out == "name=envy ns=default app=envy note=hi ip=" + pod.status.podIP +
                                               " node=" + host + " mem=64 mode=fast pw=s3cret cfg_level=3 greet=hello envy\n");
  CHECK_FALSE(pod.status.podIP.empty());
}

ROOT_TEST_CASE("resources become the container's cgroup limits, securityContext its ids and privileges",
               "[root][play]") {
  Player player;
  auto played = player.play(R"Y(
apiVersion: v1
kind: Pod
metadata: {name: limited}
spec:
  restartPolicy: Never
  securityContext: {runAsUser: 1000, runAsGroup: 3000, fsGroup: 2000}
  containers:
  - name: app
    image: busybox
    command: [sh, -c, 'echo "ids=$(id -u):$(id -g) groups=$(id -G) $(grep -E "^(NoNewPrivs|CapEff)" /proc/self/status | tr "\t\n" "  ")"; sleep 3']
    resources: {requests: {cpu: 250m, memory: 32Mi}, limits: {cpu: 500m, memory: 64Mi}}
    securityContext:
      allowPrivilegeEscalation: false
      capabilities: {drop: [ALL]}
)Y", {"-d"});
  INFO(played.out << played.err);
  // The container's cgroup, below the pod's, as the host sees it.
  std::string cgroup;
  for (const auto& state : kubepp::runtime::list_states(player.root().dirs())) {
    if (state.command.size() > 1 && state.command[0] == "sh") cgroup = state.cgroup;
  }
  REQUIRE_FALSE(cgroup.empty());
  CHECK_THAT(cgroup, Catch::Contains("/pod" + player.pod("limited").pod.metadata.uid + "/"));
  auto value = [&](const std::string& file) {
    const std::string controller = file.substr(0, file.find('.'));
    std::string text = kubepp::read_file("/sys/fs/cgroup/" + controller + "/" + cgroup + "/" + file);
    return text.substr(0, text.find('\n'));
  };
  CHECK(value("memory.limit_in_bytes") == "67108864");
  CHECK(value("cpu.cfs_quota_us") == "50000");
  CHECK(value("cpu.shares") == "256");
  CHECK(player.wait_for("limited", [](const auto& p) { return p.pod.status.phase == "Succeeded"; }));
  REQUIRE(played.status == 0);
  CHECK(player.kp({"logs", "limited"}).out == "ids=1000:3000 groups=3000 2000 CapEff: 0000000000000000 NoNewPrivs: 1 \n");
}

ROOT_TEST_CASE("a Memory emptyDir is a tmpfs and its sizeLimit holds", "[root][play]") {
  Player player;
  auto played = player.play(R"Y(
apiVersion: v1
kind: Pod
metadata: {name: ramdisk}
spec:
  restartPolicy: Never
  containers:
  - name: app
    image: busybox
    command: [sh, -c, "grep ' /cache ' /proc/mounts | cut -d' ' -f3; dd if=/dev/zero of=/cache/big bs=1M count=16 2>/dev/null; du -k /cache/big | cut -f1"]
    volumeMounts: [{name: cache, mountPath: /cache}]
  volumes:
  - name: cache
    emptyDir: {medium: Memory, sizeLimit: 8Mi}
)Y");
  REQUIRE(played.status == 0);
  const std::string out = player.kp({"logs", "ramdisk"}).out;
  CHECK_THAT(out, Catch::StartsWith("tmpfs\n"));
  CHECK_THAT(out, Catch::EndsWith("8192\n"));
}

ROOT_TEST_CASE("postStart runs after the start, preStop before the stop", "[root][play]") {
  Player player;
  kubepp::testing::TempDir host("hooks");
  auto played = player.play(R"Y(
apiVersion: v1
kind: Pod
metadata: {name: hooked}
spec:
  terminationGracePeriodSeconds: 5
  containers:
  - name: app
    image: busybox
    command: [sleep, "3600"]
    volumeMounts: [{name: out, mountPath: /out}]
    lifecycle:
      postStart: {exec: {command: [sh, -c, "echo post-start > /out/post"]}}
      preStop: {exec: {command: [sh, -c, "echo pre-stop > /out/pre"]}}
  volumes:
  - {name: out, hostPath: {path: )Y" + host.path().string() + R"Y(, type: Directory}}
)Y", {"-d"});
  REQUIRE(played.status == 0);
  CHECK(kubepp::read_file(host.path() / "post") == "post-start\n");
  CHECK_FALSE(fs::exists(host.path() / "pre"));
  REQUIRE(player.kp({"stop", "hooked"}).status == 0);
  CHECK(kubepp::read_file(host.path() / "pre") == "pre-stop\n");
  CHECK(player.kp({"rm", "hooked"}).status == 0);
  CHECK(player.kp({"pods", "-q"}).out.empty());
}

ROOT_TEST_CASE("a container that keeps failing restarts with a back-off: CrashLoopBackOff", "[root][play]") {
  Player player;
  REQUIRE(player.play(R"Y(
apiVersion: v1
kind: Pod
metadata: {name: crashy}
spec:
  containers:
  - {name: app, image: busybox, command: [sh, -c, "exit 1"]}
)Y", {"-d"}).status == 0);
  // The first exit restarts at once; the second waits 10 s. The checks read the record
  // the wait saw: a re-read could land after the back-off, in the next restart.
  kubepp::api::core_v1::Pod pod;
  REQUIRE(player.wait_for("crashy", [&](const auto& p) {
    if (p.pod.status.containerStatuses.empty() || p.pod.status.containerStatuses[0].restartCount < 1 ||
        status_of(p) != "CrashLoopBackOff") {
      return false;
    }
    pod = p.pod;
    return true;
  }));
  CHECK(pod.status.phase == "Running");
  REQUIRE(pod.status.containerStatuses[0].lastState.terminated.has_value());
  CHECK(pod.status.containerStatuses[0].lastState.terminated->exitCode == 1);
  CHECK_THAT(pod.status.containerStatuses[0].state.waiting->message, Catch::StartsWith("back-off 10s restarting"));
  CHECK(player.kp({"rm", "-f", "crashy"}).status == 0);
}

ROOT_TEST_CASE("an image that is not there: ErrImagePull, then ImagePullBackOff", "[root][play]") {
  Player player;
  REQUIRE(player.play(R"Y(
apiVersion: v1
kind: Pod
metadata: {name: noimage}
spec:
  containers:
  - {name: app, image: "ikubernetes/nosuch:v9"}
)Y", {"-d"}).status == 0);
  CHECK(status_of(player.pod("noimage")) == "ErrImagePull");
  CHECK(player.wait_for("noimage", [](const auto& p) { return status_of(p) == "ImagePullBackOff"; }));
  CHECK_THAT(player.pod("noimage").pod.status.containerStatuses[0].state.waiting->message,
             Catch::Contains("ikubernetes/nosuch:v9"));
  CHECK(player.kp({"rm", "-f", "noimage"}).status == 0);
}

ROOT_TEST_CASE("a restarted play adopts the running pod: nothing starts twice", "[root][play]") {
  Player player;
  const std::string manifest = R"Y(
apiVersion: v1
kind: Pod
metadata: {name: steady}
spec:
  containers:
  - {name: app, image: busybox, command: [sleep, "3600"]}
)Y";
  REQUIRE(player.play(manifest, {"-d"}).status == 0);
  const auto before = player.pod("steady");
  REQUIRE(before.supervised());
  const std::string containers = player.kp({"ps", "-q"}).out;
  // The supervisor dies without a chance to clean up; the pod runs on.
  ::kill(before.supervisor, SIGKILL);
  CHECK(player.wait_for("steady", [](const auto& p) { return !p.supervised(); }));
  CHECK(player.kp({"ps", "-q"}).out == containers);
  auto again = player.play(manifest, {"-d"});
  CHECK(again.status == 0);
  CHECK_THAT(again.out, Catch::Contains("pod/steady adopted"));
  CHECK(player.pod("steady").supervised());
  CHECK(player.pod("steady").pod.metadata.uid == before.pod.metadata.uid);
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));  // a sync or two
  CHECK(player.kp({"ps", "-q"}).out == containers);
  CHECK(status_of(player.pod("steady")) == "Running");
  // Playing it while it is supervised is refused.
  auto twice = player.play(manifest, {"-d"});
  CHECK(twice.status != 0);
  CHECK_THAT(twice.err, Catch::Contains("already playing"));
  CHECK(player.kp({"rm", "-f", "steady"}).status == 0);
}

ROOT_TEST_CASE("a hostPort is published on the node, for 127.0.0.1 too", "[root][play]") {
  Player player;
  REQUIRE(player.play(R"Y(
apiVersion: v1
kind: Pod
metadata: {name: published}
spec:
  containers:
  - name: web
    image: busybox
    command: [sh, -c, "mkdir /www && echo published > /www/index.html && exec httpd -f -p 80 -h /www"]
    ports: [{containerPort: 80, hostPort: 18089}]
)Y", {"-d"}).status == 0);
  std::string got;
  for (int i = 0; i < 50 && got.find("published") == std::string::npos; ++i) {
    got = run_command({"bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/18089 2>/dev/null && printf 'GET / HTTP/1.0\\r\\n\\r\\n' >&3 && cat <&3"}).out;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  CHECK_THAT(got, Catch::Contains("published"));
  CHECK(player.kp({"rm", "-f", "published"}).status == 0);
}

ROOT_TEST_CASE("sysctls: the safe set is allowed, others are SysctlForbidden unless the flag allows them",
               "[root][play]") {
  Player player;
  const std::string manifest = R"Y(
apiVersion: v1
kind: Pod
metadata: {name: tuned}
spec:
  restartPolicy: Never
  securityContext:
    sysctls: [{name: net.ipv4.ip_unprivileged_port_start, value: "1024"}, {name: kernel.msgmax, value: "65536"}]
  containers:
  - {name: app, image: busybox, command: [sh, -c, "cat /proc/sys/kernel/msgmax /proc/sys/net/ipv4/ip_unprivileged_port_start"]}
)Y";
  auto refused = player.play(manifest);
  CHECK(refused.status == 1);
  auto pod = player.pod("tuned").pod;
  CHECK(pod.status.phase == "Failed");
  CHECK(pod.status.reason == "SysctlForbidden");
  CHECK_THAT(pod.status.message, Catch::Contains("kernel.msgmax"));
  REQUIRE(player.kp({"rm", "tuned"}).status == 0);

  auto allowed = player.play(manifest, {"--allowed-unsafe-sysctls", "kernel.msg*"});
  INFO(allowed.out << allowed.err);
  CHECK(allowed.status == 0);
  CHECK(player.kp({"logs", "tuned"}).out == "65536\n1024\n");
}

ROOT_TEST_CASE("a container whose program is missing exits with StartError, and its policy applies",
               "[root][play]") {
  Player player;
  auto played = player.play(R"Y(
apiVersion: v1
kind: Pod
metadata: {name: missing}
spec:
  restartPolicy: Never
  containers:
  - {name: app, image: busybox, command: [nosuch-program]}
)Y");
  CHECK(played.status == 1);  // Failed, and play returns
  const auto pod = player.pod("missing").pod;
  CHECK(pod.status.phase == "Failed");
  REQUIRE(pod.status.containerStatuses.size() == 1);
  REQUIRE(pod.status.containerStatuses[0].state.terminated.has_value());
  CHECK(pod.status.containerStatuses[0].state.terminated->exitCode == 128);
  CHECK(pod.status.containerStatuses[0].state.terminated->reason == "StartError");
  CHECK(status_of(player.pod("missing")) == "StartError");
}

ROOT_TEST_CASE("exec and logs pick a pod's container with -c, before or after the pod's name", "[root][play]") {
  Player player;
  REQUIRE(player.play(R"Y(
apiVersion: v1
kind: Pod
metadata: {name: two}
spec:
  terminationGracePeriodSeconds: 1
  containers:
  - {name: first, image: busybox, command: [sh, -c, "echo i-am-first; exec sleep 3600"]}
  - {name: second, image: busybox, command: [sh, -c, "echo i-am-second; exec sleep 3600"]}
)Y", {"-d"}).status == 0);
  CHECK(player.wait_for("two", [](const auto& p) { return status_of(p) == "Running"; }));
  CHECK(player.kp({"exec", "two", "-c", "second", "--", "hostname"}).out == "two\n");
  CHECK(player.kp({"exec", "-c", "second", "two", "--", "sh", "-c", "echo $HOSTNAME"}).out == "two\n");
  CHECK(player.kp({"logs", "two"}).out == "i-am-first\n");
  CHECK(player.kp({"logs", "two", "-c", "second"}).out == "i-am-second\n");
  // Without `--`, what follows the name is the command, -c included.
  CHECK(player.kp({"exec", "two", "sh", "-c", "echo no-dashes"}).out == "no-dashes\n");
  CHECK(player.kp({"stop", "-t", "0", "two"}).status == 0);
  CHECK(player.kp({"rm", "two"}).status == 0);
}

ROOT_TEST_CASE("bad manifests are refused naming the field, and leave nothing behind", "[root][play]") {
  Player player;
  auto refused = [&](const std::string& spec) {
    auto r = player.play("apiVersion: v1\nkind: Pod\nmetadata: {name: bad}\nspec:\n" + spec);
    CHECK(r.status != 0);
    CHECK(player.kp({"pods", "-q"}).out.empty());
    return r.err;
  };
  CHECK_THAT(refused("  containers: [{name: a, image: busybox, bogus: 1}]\n"),
             Catch::Contains("unknown field \"spec.containers[0].bogus\""));
  CHECK_THAT(refused("  containers: [{name: a}]\n"), Catch::Contains("spec.containers[0].image: Required value"));
  CHECK_THAT(refused("  containers: [{name: a, image: busybox}, {name: a, image: busybox}]\n"),
             Catch::Contains("spec.containers[1].name: Duplicate value: \"a\""));
  CHECK_THAT(refused("  containers: [{name: a, image: busybox, ports: [{containerPort: 70000}]}]\n"),
             Catch::Contains("spec.containers[0].ports[0].containerPort: Invalid value: 70000"));
  CHECK_THAT(refused("  containers:\n  - {name: a, image: busybox}\n  - {name: b, image: busybox, volumeMounts: [{name: nope, mountPath: /x}]}\n"),
             Catch::Contains("spec.containers[1].volumeMounts[0].name: Not found: \"nope\""));
  CHECK_THAT(refused("  containers: [{name: a, image: busybox}]\n  volumes: [{name: v, hostPath: {path: /tmp/../etc}}]\n"),
             Catch::Contains("spec.volumes[0].hostPath.path"));
  CHECK_THAT(player.play("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: d}\n").err,
             Catch::Contains("not one `kubepp play` runs"));
  const fs::path pods = player.root().path() / "lib" / "pods";
  CHECK((!fs::exists(pods) || fs::is_empty(pods)));
}

ROOT_TEST_CASE("a volume that cannot be mounted is tried again after the pod worker's back-off, not every sync",
               "[root][play]") {
  Player player;
  REQUIRE(player.play(R"Y(
apiVersion: v1
kind: Pod
metadata: {name: unmountable}
spec:
  containers:
  - {name: app, image: busybox, command: [sleep, "3600"], volumeMounts: [{name: v, mountPath: /v}]}
  volumes:
  - {name: v, hostPath: {path: /etc/hostname, type: Directory}}
)Y", {"-d"}).status == 0);
  CHECK(player.wait_for("unmountable", [](const auto& p) { return status_of(p) == "ContainerCreating"; }));
  std::this_thread::sleep_for(std::chrono::seconds(3));  // three of the supervisor's syncs
  const fs::path events = kubepp::kubelet::pods_dir(player.root().dirs()) / player.pod("unmountable").pod.metadata.uid /
                          "events.log";
  const std::string log = kubepp::read_file(events);
  size_t failed = 0;
  for (size_t at = log.find("FailedMount"); at != std::string::npos; at = log.find("FailedMount", at + 1)) ++failed;
  CHECK(failed == 1);
  CHECK_THAT(log, Catch::Contains("hostPath type check failed: /etc/hostname is not a directory"));
  CHECK(player.kp({"rm", "-f", "unmountable"}).status == 0);
}

// The CRI runtime (runtime/cri/): pods as the kubelet will drive them — sandboxes with
// the pause process and the pod network, containers that join them, records that a
// restarted process adopts. Observed from inside the containers (wget, ps, cat) and
// from the host.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <filesystem>
#include <thread>

#include "runtime/base/files.h"
#include "runtime/cri/runtime_service.h"
#include "runtime/state.h"
#include "tests/support/containers.h"
#include "tests/support/leak_check.h"
#include "tests/support/temp_dir.h"

using namespace kubepp::runtime::cri;
using kubepp::Status;
using kubepp::runtime::read_state;
using kubepp::runtime::StateDirs;
using kubepp::testing::TempRoot;
namespace net = kubepp::runtime::net;

namespace {

// A node of its own for each test: a temporary state root, a bridge and a /24 that a
// kubepp running on this machine (kubepp0, 10.244.0.0/24) never uses. Whatever a test
// leaves, the destructor removes: sandboxes first, then the node's network.
class Node {
 public:
  Node() : options_(RuntimeOptions::under(root_.dirs())) {
    options_.network.bridge = "kubepp-c0";
    options_.network.pod_cidr = "10.244.250.0/24";
  }
  ~Node() {
    RuntimeService service(options_);
    if (auto sandboxes = service.ListPodSandbox(); sandboxes.ok()) {
      for (const PodSandbox& s : sandboxes.value()) (void)service.RemovePodSandbox(s.id);
    }
    (void)net::teardown_node_network(options_.network);
    kubepp::testing::reap_children();
  }
  RuntimeService service() const { return RuntimeService(options_); }
  const RuntimeOptions& options() const { return options_; }
  const TempRoot& root() const { return root_; }

 private:
  TempRoot root_;
  RuntimeOptions options_;
};

PodSandboxConfig pod(const std::string& name) {
  PodSandboxConfig config;
  config.metadata = {name, "uid-" + name, "default", 0};
  config.hostname = name;
  config.labels = {{"app", name}};
  return config;
}

ContainerConfig container(const std::string& name, std::vector<std::string> command) {
  ContainerConfig config;
  config.metadata = {name, 0};
  config.image.image = "busybox";
  config.command = std::move(command);
  config.log_path = name + "/0.log";
  return config;
}

std::string run_pod(RuntimeService& service, const PodSandboxConfig& config) {
  auto id = service.RunPodSandbox(config);
  INFO((id.ok() ? "" : id.error().message));
  REQUIRE(id.ok());
  return id.value();
}

std::string start(RuntimeService& service, const std::string& sandbox, const PodSandboxConfig& sandbox_config,
                  const ContainerConfig& config) {
  auto id = service.CreateContainer(sandbox, config, sandbox_config);
  INFO((id.ok() ? "" : id.error().message));
  REQUIRE(id.ok());
  Status started = service.StartContainer(id.value());
  INFO((started.ok() ? "" : started.error().message));
  REQUIRE(started.ok());
  return id.value();
}

// A web server in a container: GET / answers `text`.
ContainerConfig web(const std::string& name, const std::string& text) {
  return container(name, {"sh", "-c", "mkdir -p /www && echo " + text +
                                          " > /www/index.html && exec httpd -f -p 8080 -h /www"});
}

// Runs `cmd` in the container until it exits 0 (the server may still be starting), at
// most ~5 s; returns the last response.
ExecSyncResponse exec_until_ok(RuntimeService& service, const std::string& id, const std::vector<std::string>& cmd) {
  ExecSyncResponse last;
  for (int i = 0; i < 50; ++i) {
    auto response = service.ExecSync(id, cmd, 5);
    REQUIRE(response.ok());
    last = response.value();
    if (last.exit_code == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  return last;
}

std::string ns_of(const StateDirs& dirs, const std::string& id, const char* kind) {
  auto state = read_state(dirs, id);
  REQUIRE(state.ok());
  return std::filesystem::read_symlink("/proc/" + std::to_string(state.value().pid) + "/ns/" + kind).string();
}

// GET / from the host to ip:port over TCP; "" when nothing answers.
std::string http_get_from_host(const std::string& ip, int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  ::inet_pton(AF_INET, ip.c_str(), &addr.sin_addr);
  std::string response;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    const std::string request = "GET / HTTP/1.0\r\n\r\n";
    (void)!::write(fd, request.data(), request.size());
    char buf[4096];
    for (ssize_t n; (n = ::read(fd, buf, sizeof buf)) > 0;) response.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return response;
}

}  // namespace

ROOT_TEST_CASE("two containers of one pod share its network: one serves on localhost, the other reaches it",
               "[root][cri]") {
  Node node;
  RuntimeService service = node.service();
  const PodSandboxConfig config = pod("duo");
  const std::string sandbox = run_pod(service, config);
  const std::string server = start(service, sandbox, config, web("server", "hello-from-server"));
  const std::string client = start(service, sandbox, config, container("client", {"sleep", "60"}));

  auto got = exec_until_ok(service, client, {"wget", "-qO-", "http://127.0.0.1:8080/"});
  CHECK(got.stdout_ == "hello-from-server\n");
  SECTION("network, IPC and UTS are the pod's; mount and PID their own") {
    const StateDirs dirs = node.root().dirs();
    for (const char* kind : {"net", "ipc", "uts"}) CHECK(ns_of(dirs, server, kind) == ns_of(dirs, client, kind));
    for (const char* kind : {"mnt", "pid"}) CHECK(ns_of(dirs, server, kind) != ns_of(dirs, client, kind));
    CHECK(ns_of(dirs, client, "net") == ns_of(dirs, sandbox, "net"));
  }
  SECTION("the containers see the pod's hostname, and its address in /etc/hosts") {
    auto hostname = service.ExecSync(client, {"hostname"}, 5);
    REQUIRE(hostname.ok());
    CHECK(hostname.value().stdout_ == "duo\n");
    auto status = service.PodSandboxStatus(sandbox);
    REQUIRE(status.ok());
    auto hosts = service.ExecSync(client, {"cat", "/etc/hosts"}, 5);
    REQUIRE(hosts.ok());
    CHECK_THAT(hosts.value().stdout_, Catch::Contains(status.value().network.ip + "\tduo\n"));
  }
  SECTION("the statuses say so") {
    auto status = service.ContainerStatus(client);
    REQUIRE(status.ok());
    CHECK(status.value().state == ContainerState::CONTAINER_RUNNING);
    CHECK(status.value().metadata.name == "client");
    CHECK(status.value().image_ref.starts_with("sha256:"));
    CHECK(status.value().started_at > status.value().created_at);
    ContainerFilter in_pod;
    in_pod.pod_sandbox_id = sandbox;
    auto listed = service.ListContainers(in_pod);
    REQUIRE(listed.ok());
    CHECK(listed.value().size() == 2);  // the pause process is no container of the CRI's
  }
}

ROOT_TEST_CASE("pods reach each other, and the host reaches them, over the bridge", "[root][cri]") {
  Node node;
  RuntimeService service = node.service();
  const PodSandboxConfig a = pod("pod-a"), b = pod("pod-b");
  const std::string sandbox_a = run_pod(service, a);
  const std::string sandbox_b = run_pod(service, b);
  start(service, sandbox_a, a, web("web", "hello-from-a"));
  const std::string client = start(service, sandbox_b, b, container("client", {"sleep", "60"}));
  const std::string ip_a = service.PodSandboxStatus(sandbox_a).value().network.ip;
  const std::string ip_b = service.PodSandboxStatus(sandbox_b).value().network.ip;
  CHECK(ip_a != ip_b);
  CHECK(ip_a.starts_with("10.244.250."));

  auto got = exec_until_ok(service, client, {"wget", "-qO-", "http://" + ip_a + ":8080/"});
  CHECK(got.stdout_ == "hello-from-a\n");
  CHECK_THAT(http_get_from_host(ip_a, 8080), Catch::Contains("hello-from-a"));
}

ROOT_TEST_CASE("a directory mounted into two containers is one directory", "[root][cri]") {
  Node node;
  RuntimeService service = node.service();
  kubepp::testing::TempDir shared;
  PodSandboxConfig config = pod("sharing");
  const std::string sandbox = run_pod(service, config);
  ContainerConfig writer = container("writer", {"sh", "-c", "echo written-by-writer > /data/note; sleep 60"});
  writer.mounts = {{"/data", shared.path().string(), false}};
  ContainerConfig reader = container("reader", {"sleep", "60"});
  reader.mounts = {{"/data", shared.path().string(), true}};
  start(service, sandbox, config, writer);
  const std::string r = start(service, sandbox, config, reader);
  auto got = exec_until_ok(service, r, {"cat", "/data/note"});
  CHECK(got.stdout_ == "written-by-writer\n");
  auto write = service.ExecSync(r, {"touch", "/data/x"}, 5);
  REQUIRE(write.ok());
  CHECK(write.value().exit_code != 0);  // read-only for the reader
  CHECK_THAT(write.value().stderr_, Catch::Contains("Read-only"));
}

ROOT_TEST_CASE("with shareProcessNamespace the pod's containers see each other and pause", "[root][cri]") {
  Node node;
  RuntimeService service = node.service();
  PodSandboxConfig config = pod("shared-pids");
  config.linux.namespace_options.pid = NamespaceMode::POD;
  const std::string sandbox = run_pod(service, config);
  start(service, sandbox, config, container("sleeper", {"sleep", "61"}));
  const std::string looker = start(service, sandbox, config, container("looker", {"sleep", "62"}));
  auto ps = exec_until_ok(service, looker, {"ps", "-o", "pid,args"});
  CHECK_THAT(ps.stdout_, Catch::Matches(R"([\s\S]*\n\s*1 /pause\n[\s\S]*)"));
  CHECK_THAT(ps.stdout_, Catch::Contains("sleep 61"));
  CHECK_THAT(ps.stdout_, Catch::Contains("sleep 62"));
}

ROOT_TEST_CASE("a restarted runtime adopts the running pods; the CRI's names are not given twice", "[root][cri]") {
  Node node;
  const PodSandboxConfig config = pod("adopted");
  std::string sandbox, app;
  {
    RuntimeService first = node.service();
    sandbox = run_pod(first, config);
    app = start(first, sandbox, config, container("app", {"sleep", "60"}));
  }  // the first process's service is gone; the pod runs on
  RuntimeService second = node.service();
  auto sandboxes = second.ListPodSandbox();
  REQUIRE(sandboxes.ok());
  REQUIRE(sandboxes.value().size() == 1);
  CHECK(sandboxes.value()[0].id == sandbox);
  CHECK(sandboxes.value()[0].state == PodSandboxState::SANDBOX_READY);
  ContainerFilter running;
  running.state = ContainerState::CONTAINER_RUNNING;
  auto containers = second.ListContainers(running);
  REQUIRE(containers.ok());
  REQUIRE(containers.value().size() == 1);
  CHECK(containers.value()[0].id == app);

  auto again = second.RunPodSandbox(config);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code == kubepp::ErrorCode::AlreadyExists);
  auto twice = second.CreateContainer(sandbox, container("app", {"true"}), config);
  REQUIRE_FALSE(twice.ok());
  CHECK(twice.error().code == kubepp::ErrorCode::AlreadyExists);
  ContainerConfig next = container("app", {"true"});
  next.metadata.attempt = 1;  // a restart's new attempt is a new name
  CHECK(second.CreateContainer(sandbox, next, config).ok());
}

ROOT_TEST_CASE("stopping a sandbox kills its processes and releases its address; removing it leaves nothing",
               "[root][cri]") {
  Node node;
  RuntimeService service = node.service();
  const PodSandboxConfig config = pod("short-lived");
  const std::string sandbox = run_pod(service, config);
  const std::string app = start(service, sandbox, config, container("app", {"sleep", "60"}));
  const std::string ip = service.PodSandboxStatus(sandbox).value().network.ip;

  REQUIRE(service.StopPodSandbox(sandbox).ok());
  CHECK(service.PodSandboxStatus(sandbox).value().state == PodSandboxState::SANDBOX_NOTREADY);
  CHECK(service.ContainerStatus(app).value().state == ContainerState::CONTAINER_EXITED);
  CHECK(service.StopPodSandbox(sandbox).ok());  // again: no error
  // The address is free: the next pod may get it.
  CHECK_FALSE(std::filesystem::exists("/run/netns/kubepp-" + sandbox));

  REQUIRE(service.RemovePodSandbox(sandbox).ok());
  CHECK(service.RemovePodSandbox(sandbox).ok());  // again: no error
  CHECK(service.ListPodSandbox().value().empty());
  CHECK_FALSE(service.ContainerStatus(app).ok());
  (void)ip;
}

ROOT_TEST_CASE("ExecSync returns output and exit code, and kills a command that outlives its timeout", "[root][cri]") {
  Node node;
  RuntimeService service = node.service();
  const PodSandboxConfig config = pod("execs");
  const std::string sandbox = run_pod(service, config);
  const std::string app = start(service, sandbox, config, container("app", {"sleep", "60"}));
  auto ok = service.ExecSync(app, {"sh", "-c", "echo out; echo err >&2; exit 3"}, 5);
  REQUIRE(ok.ok());
  CHECK(ok.value().stdout_ == "out\n");
  CHECK(ok.value().stderr_ == "err\n");
  CHECK(ok.value().exit_code == 3);
  auto slow = service.ExecSync(app, {"sleep", "30"}, 1);
  REQUIRE_FALSE(slow.ok());
  CHECK_THAT(slow.error().message, Catch::Contains("timed out"));
}

ROOT_TEST_CASE("an unknown image fails CreateContainer with NotFound, naming it", "[root][cri]") {
  Node node;
  RuntimeService service = node.service();
  const PodSandboxConfig config = pod("no-image");
  const std::string sandbox = run_pod(service, config);
  ContainerConfig c = container("app", {"true"});
  c.image.image = "ikubernetes/nosuch:v9";
  auto created = service.CreateContainer(sandbox, c, config);
  REQUIRE_FALSE(created.ok());
  CHECK(created.error().code == kubepp::ErrorCode::NotFound);
  CHECK_THAT(created.error().message, Catch::Contains("ikubernetes/nosuch:v9"));
}

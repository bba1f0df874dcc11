// The sandbox half of RuntimeService: RunPodSandbox, StopPodSandbox, RemovePodSandbox,
// PodSandboxStatus, ListPodSandbox.
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <unistd.h>
#include <sys/wait.h>

#include <algorithm>
#include <sstream>

#include "runtime/base/file_lock.h"
#include "runtime/base/files.h"
#include "runtime/cgroups.h"
#include "runtime/cri/internal.h"
#include "runtime/cri/records.h"
#include "runtime/cri/runtime_service.h"
#include "runtime/container.h"
#include "runtime/images.h"
#include "runtime/mounts.h"
#include "runtime/monitor.h"
#include "runtime/namespaces.h"
#include "runtime/network.h"
#include "runtime/state.h"

namespace kubepp::runtime::cri {

namespace fs = std::filesystem;

const char* to_string(PodSandboxState state) {
  return state == PodSandboxState::SANDBOX_READY ? "SANDBOX_READY" : "SANDBOX_NOTREADY";
}

const char* to_string(ContainerState state) {
  switch (state) {
    case ContainerState::CONTAINER_CREATED: return "CONTAINER_CREATED";
    case ContainerState::CONTAINER_RUNNING: return "CONTAINER_RUNNING";
    case ContainerState::CONTAINER_EXITED: return "CONTAINER_EXITED";
    case ContainerState::CONTAINER_UNKNOWN: break;
  }
  return "CONTAINER_UNKNOWN";
}

const char* to_string(NamespaceMode mode) {
  switch (mode) {
    case NamespaceMode::POD: return "POD";
    case NamespaceMode::CONTAINER: return "CONTAINER";
    case NamespaceMode::NODE: return "NODE";
    case NamespaceMode::TARGET: break;
  }
  return "TARGET";
}

namespace {

// The name the CRI reserves for a sandbox, as containerd spells it: one sandbox per
// pod and attempt.
std::string sandbox_name(const PodSandboxMetadata& m) {
  return m.name + "_" + m.namespace_ + "_" + m.uid + "_" + std::to_string(m.attempt);
}

// The kubelet's /etc/hosts for a pod with its own network.
std::string pod_hosts(const std::string& ip, const std::string& hostname) {
  return "# Kubernetes-managed hosts file.\n"
         "127.0.0.1\tlocalhost\n"
         "::1\tlocalhost ip6-localhost ip6-loopback\n"
         "fe00::0\tip6-localnet\n"
         "fe00::0\tip6-mcastprefix\n"
         "fe00::1\tip6-allnodes\n"
         "fe00::2\tip6-allrouters\n" +
         ip + "\t" + hostname + "\n";
}

// The pod's resolv.conf: its DNSConfig, or the host's (network.h host_resolv_conf).
std::string pod_resolv_conf(const DNSConfig& dns, bool host_network) {
  if (dns.servers.empty() && dns.searches.empty() && dns.options.empty()) return host_resolv_conf(host_network);
  std::ostringstream out;
  for (const std::string& server : dns.servers) out << "nameserver " << server << "\n";
  if (!dns.searches.empty()) {
    out << "search";
    for (const std::string& s : dns.searches) out << " " << s;
    out << "\n";
  }
  if (!dns.options.empty()) {
    out << "options";
    for (const std::string& o : dns.options) out << " " << o;
    out << "\n";
  }
  return out.str();
}

std::vector<net::PortMapping> port_mappings(const std::vector<PortMapping>& cri) {
  std::vector<net::PortMapping> out;
  for (const PortMapping& p : cri) out.push_back({p.protocol, p.container_port, p.host_port, p.host_ip});
  return out;
}

// Everything of a sandbox but its record and directory, undone in reverse order of
// RunPodSandbox; each step tolerates what is already gone.
Status release_sandbox(const RuntimeOptions& options, const SandboxRecord& record) {
  const StateDirs& dirs = options.dirs;
  for (const ContainerRecord& c : list_container_records(dirs, record.id)) {
    (void)stop_container(dirs, c.id, 0);  // not running: Conflict, fine
  }
  if (Result<runtime::ContainerState> pause = read_state(dirs, record.id); pause.ok() && still_running(pause.value())) {
    (void)stop_container(dirs, record.id, 0);
  }
  if (record.netns.empty()) return {};
  return net::disconnect_netns(options.network, record.id, record.netns);
}

// Writes the pod's sysctls from a child that has joined the pause process's network,
// IPC and UTS namespaces: /proc/sys/net/… and /proc/sys/kernel/… show the namespaces
// of the process that writes them. (The pause container's own /proc/sys is read-only.)
Status write_sysctls(pid_t pause, const std::map<std::string, std::string>& sysctls) {
  if (sysctls.empty()) return {};
  int errors[2];
  if (::pipe2(errors, O_CLOEXEC) != 0) return sys_error("pipe2", "sysctls", errno);
  const std::string ns = "/proc/" + std::to_string(pause) + "/ns/";
  pid_t child = ::fork();
  if (child < 0) return sys_error("fork", "sysctls", errno);
  if (child == 0) {
    ::close(errors[0]);
    std::string failure;
    if (Status s = join_namespaces({{CLONE_NEWNET, ns + "net"}, {CLONE_NEWIPC, ns + "ipc"}, {CLONE_NEWUTS, ns + "uts"}});
        !s) {
      failure = s.error().message;
    }
    for (auto it = sysctls.begin(); failure.empty() && it != sysctls.end(); ++it) {
      std::string file = it->first;
      std::replace(file.begin(), file.end(), '.', '/');
      if (Status s = write_file("/proc/sys/" + file, it->second + "\n"); !s) failure = "sysctl " + it->first + ": " + s.error().message;
    }
    (void)!::write(errors[1], failure.data(), failure.size());
    ::_exit(failure.empty() ? 0 : 1);
  }
  ::close(errors[1]);
  std::string failure;
  char buf[512];
  for (ssize_t n; (n = ::read(errors[0], buf, sizeof buf)) > 0;) failure.append(buf, static_cast<size_t>(n));
  ::close(errors[0]);
  ::waitpid(child, nullptr, 0);
  if (!failure.empty()) return Error{ErrorCode::Invalid, failure};
  return {};
}

}  // namespace

Result<SandboxRecord> ready_sandbox(const StateDirs& dirs, const std::string& id) {
  Result<SandboxRecord> record = read_sandbox(dirs, id);
  if (!record) return record.error();
  if (!record.value().ready) return Error{ErrorCode::Conflict, "sandbox `" + id + "` is not ready"};
  Result<runtime::ContainerState> pause = read_state(dirs, id);
  if (!pause.ok() || !still_running(pause.value())) {
    return Error{ErrorCode::Conflict, "sandbox `" + id + "`: its pause process is not running"};
  }
  return record;
}

RuntimeService::RuntimeService(RuntimeOptions options) : options_(std::move(options)) {}

Result<std::string> RuntimeService::RunPodSandbox(const PodSandboxConfig& config) {
  const StateDirs& dirs = options_.dirs;
  const NamespaceOption& ns = config.linux.namespace_options;
  if (ns.network == NamespaceMode::CONTAINER || ns.network == NamespaceMode::TARGET) {
    return Error{ErrorCode::Invalid, "sandbox: network namespace mode " + std::string(to_string(ns.network)) +
                                         " is not one a sandbox can have (POD or NODE)"};
  }
  for (const PortMapping& p : config.port_mappings) {
    if (p.protocol != "TCP" && p.protocol != "UDP") {
      return Error{ErrorCode::Invalid, "port mapping " + std::to_string(p.host_port) + ": protocol `" + p.protocol +
                                           "` is not supported (TCP, UDP)"};
    }
  }
  Result<Image> pause_image = resolve_image(dirs, options_.pause_image);
  if (!pause_image) return pause_image.error();

  // Reserve the name and the directory under the sandboxes' lock: two processes
  // creating the same pod's sandbox get one sandbox and one AlreadyExists.
  SandboxRecord record;
  Result<FileLock> sandbox_lock = Error{ErrorCode::Internal, ""};
  {
    Result<FileLock> all = FileLock::acquire(sandboxes_dir(dirs) / "lock");
    if (!all) return all.error();
    for (const SandboxRecord& other : list_sandboxes(dirs)) {
      if (sandbox_name(other.config.metadata) == sandbox_name(config.metadata)) {
        return Error{ErrorCode::AlreadyExists, "sandbox name `" + sandbox_name(config.metadata) +
                                                   "` is reserved for sandbox " + other.id};
      }
    }
    record.id = new_container_id();
    record.config = config;
    record.created_at = now_nanos();
    record.cgroup = config.linux.cgroup_parent.empty() ? dirs.cgroup_parent + "/pod" + record.id
                                                       : config.linux.cgroup_parent;
    if (Status s = make_dirs(sandbox_dir(dirs, record.id) / "containers", 0700); !s) return s.error();
    sandbox_lock = FileLock::acquire(sandbox_dir(dirs, record.id) / "lock");
    if (!sandbox_lock) return sandbox_lock.error();
    // Written NOTREADY first: a crash from here on leaves a record that Remove and
    // cleanup undo.
    if (Status s = write_sandbox(dirs, record); !s) return s.error();
  }
  auto fail = [&](const Error& error) -> Result<std::string> {
    (void)release_sandbox(options_, record);
    (void)make_cgroup_driver()->destroy(record.cgroup);
    (void)remove_container(dirs, record.id, true);
    std::error_code ec;
    fs::remove_all(sandbox_dir(dirs, record.id), ec);
    return error;
  };

  // 1. The pod's cgroup, with the pod's limits: its containers' cgroups go below it.
  ResourceLimits pod_limits = to_resource_limits(config.linux.resources);
  if (Status s = make_cgroup_driver()->create(record.cgroup, pod_limits); !s) return fail(s.error());

  // 2. The network: a namespace of the pod's own, plugged into the node's bridge.
  const std::string hostname = !config.hostname.empty() ? config.hostname : record.id;
  const bool host_network = ns.network == NamespaceMode::NODE;
  if (!host_network) {
    const std::string netns = std::string(kNetnsPrefix) + record.id;
    Result<net::PodInterface> eth0 =
        net::connect_netns(options_.network, record.id, netns, port_mappings(config.port_mappings));
    if (!eth0) return fail(eth0.error());
    record.netns = netns;
    record.ip = eth0.value().ip;
  }
  // 3. The pod's /etc files, which each of its containers mounts.
  const fs::path dir = sandbox_dir(dirs, record.id);
  const std::string hosts = host_network ? read_file("/etc/hosts") : pod_hosts(record.ip, hostname);
  if (Status s = write_file(dir / "hosts", hosts); !s) return fail(s.error());
  if (Status s = write_file(dir / "hostname", hostname + "\n"); !s) return fail(s.error());
  if (Status s = write_file(dir / "resolv.conf", pod_resolv_conf(config.dns_config, host_network)); !s) {
    return fail(s.error());
  }

  // 4. The pause process: it holds the pod's IPC and UTS namespaces (and its PID
  //    namespace, for shareProcessNamespace) and reaps the zombies there.
  runtime::ContainerConfig pause;
  pause.id = record.id;
  pause.layers = pause_image.value().layers;
  pause.args = container_command(pause_image.value().config, {}, {});
  pause.hostname = hostname;
  pause.cgroup = record.cgroup + "/" + record.id;
  pause.oom_score_adj = -998;  // the kubelet's value for pause: the last to be OOM-killed
  pause.namespaces.host_network = host_network;
  pause.namespaces.host_uts = host_network;  // a hostNetwork pod has the node's hostname
  pause.namespaces.host_ipc = ns.ipc == NamespaceMode::NODE;
  pause.namespaces.host_pid = ns.pid == NamespaceMode::NODE;
  if (!host_network) pause.namespaces.join.push_back({CLONE_NEWNET, net::netns_path(record.netns).string()});
  pause.security.privileged = config.linux.privileged;
  // The pod's runAsUser, or else the pause image's User (65535), as containerd does: pause
  // needs no privilege, so it has none.
  pause.security.user = config.linux.run_as_user ? std::to_string(*config.linux.run_as_user)
                                                 : pause_image.value().config.user;
  MonitorOptions monitor;
  monitor.image = options_.pause_image;
  monitor.image_id = pause_image.value().id;
  monitor.log_path = (dir / "pause.log").string();
  Result<Launched> launched = launch_container(std::move(pause), dirs, monitor);
  if (!launched) return fail(launched.error());
  record.pause_pid = launched.value().pid;
  forget_monitor(launched.value());

  // 5. Sysctls are the pod's: they belong to its network and IPC namespaces.
  if (Status s = write_sysctls(record.pause_pid, config.linux.sysctls); !s) return fail(s.error());

  record.ready = true;
  if (Status s = write_sandbox(dirs, record); !s) return fail(s.error());
  return record.id;
}

Status RuntimeService::StopPodSandbox(const std::string& id) {
  Result<SandboxRecord> record = read_sandbox(options_.dirs, id);
  if (!record) return record.error();
  Result<FileLock> lock = FileLock::acquire(sandbox_dir(options_.dirs, id) / "lock");
  if (!lock) return lock.error();
  Status released = release_sandbox(options_, record.value());
  record.value().ready = false;
  if (Status s = write_sandbox(options_.dirs, record.value()); !s) return s;
  return released;
}

Status RuntimeService::RemovePodSandbox(const std::string& id) {
  Result<SandboxRecord> record = read_sandbox(options_.dirs, id);
  if (!record) return record.error().code == ErrorCode::NotFound ? Status{} : Status(record.error());
  if (Status s = StopPodSandbox(id); !s) return s;
  Result<FileLock> lock = FileLock::acquire(sandbox_dir(options_.dirs, id) / "lock");
  if (!lock) return lock.error();
  for (const ContainerRecord& c : list_container_records(options_.dirs, id)) {
    if (Status s = remove_container(options_.dirs, c.id, true); !s && s.error().code != ErrorCode::NotFound) return s;
  }
  if (Status s = remove_container(options_.dirs, id, true); !s && s.error().code != ErrorCode::NotFound) return s;
  if (Status s = make_cgroup_driver()->destroy(record.value().cgroup); !s) return s;
  std::error_code ec;
  fs::remove_all(sandbox_dir(options_.dirs, id), ec);
  if (ec) return sys_error("remove", sandbox_dir(options_.dirs, id), ec.value());
  return {};
}

namespace {

PodSandboxState state_of(const StateDirs& dirs, const SandboxRecord& record) {
  if (!record.ready) return PodSandboxState::SANDBOX_NOTREADY;
  Result<runtime::ContainerState> pause = read_state(dirs, record.id);
  return pause.ok() && still_running(pause.value()) ? PodSandboxState::SANDBOX_READY
                                                    : PodSandboxState::SANDBOX_NOTREADY;
}

}  // namespace

Result<cri::PodSandboxStatus> RuntimeService::PodSandboxStatus(const std::string& id) {
  reap_monitors();
  Result<SandboxRecord> record = read_sandbox(options_.dirs, id);
  if (!record) return record.error();
  const SandboxRecord& r = record.value();
  cri::PodSandboxStatus status;
  status.id = r.id;
  status.metadata = r.config.metadata;
  status.state = state_of(options_.dirs, r);
  status.created_at = r.created_at;
  status.network.ip = r.ip;
  status.namespace_options = r.config.linux.namespace_options;
  status.labels = r.config.labels;
  status.annotations = r.config.annotations;
  return status;
}

Result<std::vector<PodSandbox>> RuntimeService::ListPodSandbox(const PodSandboxFilter& filter) {
  reap_monitors();
  std::vector<PodSandbox> out;
  for (const SandboxRecord& r : list_sandboxes(options_.dirs)) {
    PodSandbox sandbox{r.id, r.config.metadata, state_of(options_.dirs, r), r.created_at, r.config.labels,
                       r.config.annotations};
    if (!filter.id.empty() && !sandbox.id.starts_with(filter.id)) continue;
    if (filter.state && *filter.state != sandbox.state) continue;
    if (!labels_match(filter.label_selector, sandbox.labels)) continue;
    out.push_back(std::move(sandbox));
  }
  return out;
}

Result<std::vector<std::string>> cleanup_sandboxes(const RuntimeOptions& options) {
  RuntimeService service(options);
  std::vector<std::string> removed;
  for (const SandboxRecord& r : list_sandboxes(options.dirs)) {
    if (Status s = service.RemovePodSandbox(r.id); !s) return s.error();
    removed.push_back(r.id);
  }
  return removed;
}

}  // namespace kubepp::runtime::cri

#include "cluster/kubelet/standalone.h"

#include <fcntl.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <signal.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <fstream>
#include <random>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "cluster/api/codec.h"
#include "cluster/api/decode.h"
#include "cluster/api/registry.h"
#include "cluster/api/rules.h"
#include "cluster/kubelet/dns.h"
#include "runtime/base/files.h"
#include "runtime/cri/runtime_service.h"
#include "runtime/mounts.h"
#include "runtime/state.h"

namespace kubepp::kubelet {

namespace fs = std::filesystem;
using nlohmann::json;
using runtime::StateDirs;

namespace {

// A random (version 4) UUID, as the API server gives every object.
std::string new_uid() {
  std::random_device random;
  unsigned char b[16];
  for (unsigned char& byte : b) byte = static_cast<unsigned char>(random());
  b[6] = static_cast<unsigned char>((b[6] & 0x0f) | 0x40);
  b[8] = static_cast<unsigned char>((b[8] & 0x3f) | 0x80);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (int i = 0; i < 16; ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) out += '-';
    out += hex[b[i] >> 4];
    out += hex[b[i] & 15];
  }
  return out;
}

// The API server's message for an invalid object (errors.NewInvalid).
std::string invalid_message(std::string_view kind, const std::string& name, const api::ErrorList& errors) {
  std::string out = "The " + std::string(kind) + " \"" + name + "\" is invalid: ";
  if (errors.size() == 1) return out + errors.front().str();
  out += "[";
  for (size_t i = 0; i < errors.size(); ++i) out += (i ? ", " : "") + errors[i].str();
  return out + "]";
}

template <typename T>
Result<T> decode_object(const json& doc, const api::schema::KindInfo& kind, const std::string& source) {
  T object;
  const std::string name = doc.contains("metadata") && doc["metadata"].is_object()
                               ? doc["metadata"].value("name", "")
                               : "";
  if (Result<api::DecodeWarnings> decoded = api::from_json(doc, object, api::FieldValidation::Strict); !decoded) {
    return Error{ErrorCode::Invalid, source + ": " + std::string(kind.kind) + " \"" + name + "\": " +
                                         decoded.error().message};
  }
  if (object.metadata.namespace_.empty()) object.metadata.namespace_ = "default";
  api::set_defaults(kind, &object);
  if (api::ErrorList errors = api::validate(kind, &object); !errors.empty()) {
    return Error{ErrorCode::Invalid, source + ": " + invalid_message(kind.kind, object.metadata.name, errors)};
  }
  return object;
}

fs::path record_path(const StateDirs& dirs, const std::string& uid) { return pods_dir(dirs) / uid / "pod.json"; }

volatile std::sig_atomic_t g_stop = 0;
extern "C" void request_stop(int) { g_stop = 1; }

// The first IPv4 address of an interface that is up and is neither loopback nor one of
// kubepp's bridges: what the node would report as its InternalIP.
std::string host_address() {
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return "";
  std::string found;
  for (ifaddrs* a = list; a != nullptr && found.empty(); a = a->ifa_next) {
    if (a->ifa_addr == nullptr || a->ifa_addr->sa_family != AF_INET) continue;
    const std::string name = a->ifa_name;
    if (name == "lo" || name.starts_with("kubepp")) continue;
    char text[INET_ADDRSTRLEN] = {};
    ::inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(a->ifa_addr)->sin_addr, text, sizeof text);
    found = text;
  }
  ::freeifaddrs(list);
  return found;
}

int64_t memory_total() {
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  int64_t kib = 0;
  while (meminfo >> key >> kib) {
    if (key == "MemTotal:") return kib * 1024;
    meminfo.ignore(256, '\n');
  }
  return 0;
}

}  // namespace

Result<Manifest> load_manifest(std::string_view text, const std::string& source) {
  Result<std::vector<json>> documents = api::decode_documents(text);
  if (!documents) return Error{ErrorCode::Invalid, source + ": " + documents.error().message};
  std::vector<json> objects;
  for (json& doc : documents.value()) {
    if (doc.is_object() && doc.value("kind", "") == "List" && doc.contains("items") && doc["items"].is_array()) {
      for (json& item : doc["items"]) objects.push_back(std::move(item));
    } else {
      objects.push_back(std::move(doc));
    }
  }
  Manifest manifest;
  std::set<std::string> pod_names;
  for (size_t i = 0; i < objects.size(); ++i) {
    const json& doc = objects[i];
    const std::string where = source + " (object " + std::to_string(i + 1) + ")";
    if (!doc.is_object()) return Error{ErrorCode::Invalid, where + ": not an object"};
    const std::string api_version = doc.value("apiVersion", ""), kind_name = doc.value("kind", "");
    if (api_version.empty() || kind_name.empty()) {
      return Error{ErrorCode::Invalid, where + ": Object 'Kind' or 'apiVersion' is missing"};
    }
    const api::schema::KindInfo* kind = api::find_kind(api_version, kind_name);
    if (kind == nullptr || api_version != "v1" || (kind_name != "Pod" && kind_name != "ConfigMap" && kind_name != "Secret")) {
      return Error{ErrorCode::Invalid, where + ": kind " + kind_name + " (" + api_version +
                                           ") is not one `kubepp play` runs: Pod, ConfigMap and Secret of v1"};
    }
    if (kind_name == "Pod") {
      Result<api::core_v1::Pod> pod = decode_object<api::core_v1::Pod>(doc, *kind, source);
      if (!pod) return pod.error();
      const std::string key = pod.value().metadata.namespace_ + "/" + pod.value().metadata.name;
      if (!pod_names.insert(key).second) return Error{ErrorCode::Invalid, source + ": pod " + key + " appears twice"};
      pod.value().metadata.uid = new_uid();
      pod.value().metadata.creationTimestamp = api::Time::now();
      manifest.pods.push_back(std::move(pod.value()));
    } else if (kind_name == "ConfigMap") {
      Result<api::core_v1::ConfigMap> map = decode_object<api::core_v1::ConfigMap>(doc, *kind, source);
      if (!map) return map.error();
      manifest.config_maps.push_back(std::move(map.value()));
    } else {
      Result<api::core_v1::Secret> secret = decode_object<api::core_v1::Secret>(doc, *kind, source);
      if (!secret) return secret.error();
      manifest.secrets.push_back(std::move(secret.value()));
    }
  }
  if (manifest.pods.empty()) return Error{ErrorCode::Invalid, source + ": no Pod to play"};
  return manifest;
}

bool PlayedPod::supervised() const {
  return supervisor > 0 && !supervisor_start.empty() && runtime::process_start_time(supervisor) == supervisor_start;
}

fs::path pods_dir(const StateDirs& dirs) { return dirs.lib / "pods"; }

Status write_played(const StateDirs& dirs, const PlayedPod& played) {
  json record = {{"pod", api::to_json(played.pod)},
                 {"configMaps", json::array()},
                 {"secrets", json::array()},
                 {"allowedUnsafeSysctls", played.allowed_unsafe_sysctls},
                 {"supervisor", played.supervisor},
                 {"supervisorStart", played.supervisor_start}};
  for (const auto& map : played.config_maps) record["configMaps"].push_back(api::to_json(map));
  for (const auto& secret : played.secrets) record["secrets"].push_back(api::to_json(secret));
  const fs::path path = record_path(dirs, played.pod.metadata.uid);
  if (Status s = runtime::make_dirs(path.parent_path(), 0700); !s) return s;
  return write_file_atomic(path, record.dump() + "\n", 0600);
}

Result<PlayedPod> read_played(const StateDirs& dirs, const std::string& uid) {
  const fs::path path = record_path(dirs, uid);
  json record = json::parse(read_file(path), nullptr, false);
  if (record.is_discarded() || !record.is_object()) return Error{ErrorCode::NotFound, "pod with uid " + uid + " not found"};
  PlayedPod played;
  if (Result<api::DecodeWarnings> d = api::from_json(record["pod"], played.pod, api::FieldValidation::Ignore); !d) {
    return Error{ErrorCode::Internal, "`" + path.string() + "`: " + d.error().message};
  }
  for (const json& map : record.value("configMaps", json::array())) {
    (void)api::from_json(map, played.config_maps.emplace_back(), api::FieldValidation::Ignore);
  }
  for (const json& secret : record.value("secrets", json::array())) {
    (void)api::from_json(secret, played.secrets.emplace_back(), api::FieldValidation::Ignore);
  }
  played.allowed_unsafe_sysctls = record.value("allowedUnsafeSysctls", std::vector<std::string>{});
  played.supervisor = record.value("supervisor", 0);
  played.supervisor_start = record.value("supervisorStart", "");
  return played;
}

std::vector<PlayedPod> list_played(const StateDirs& dirs) {
  std::vector<PlayedPod> out;
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(pods_dir(dirs), ec)) {
    if (Result<PlayedPod> played = read_played(dirs, entry.path().filename()); played.ok()) {
      out.push_back(std::move(played.value()));
    }
  }
  std::sort(out.begin(), out.end(), [](const PlayedPod& a, const PlayedPod& b) {
    return a.pod.metadata.creationTimestamp.at() < b.pod.metadata.creationTimestamp.at();
  });
  return out;
}

Result<PlayedPod> find_played(const StateDirs& dirs, const std::string& ns, const std::string& name) {
  for (PlayedPod& played : list_played(dirs)) {
    if (played.pod.metadata.namespace_ == ns && played.pod.metadata.name == name) return std::move(played);
  }
  return Error{ErrorCode::NotFound, "pod \"" + name + "\" not found"};
}

NodeContext standalone_node(const StateDirs& dirs) {
  NodeContext node;
  char hostname[256] = {};
  ::gethostname(hostname, sizeof hostname - 1);
  node.node_name = hostname;
  node.host_ip = host_address();
  node.memory_capacity = memory_total();
  const long cpus = ::sysconf(_SC_NPROCESSORS_ONLN);
  node.allocatable.resources["cpu"] = api::Quantity::from_int(cpus > 0 ? cpus : 1, api::QuantityFormat::DecimalSI);
  node.allocatable.resources["memory"] = api::Quantity::from_int(node.memory_capacity, api::QuantityFormat::BinarySI);
  node.sandbox.log_root = (dirs.lib / "logs").string();
  node.sandbox.cgroup_root = dirs.cgroup_parent;
  node.sandbox.node_hostname = hostname;
  node.sandbox.host_dns = parse_resolv_conf(read_file("/etc/resolv.conf"));
  utsname uts{};
  if (::uname(&uts) == 0) node.sandbox.kernel_version = uts.release;
  node.pods_dir = pods_dir(dirs);
  return node;
}

int supervise_pod(const StateDirs& dirs, const std::string& uid, const PodWorker::EventSink& events, int ready_fd) {
  Result<PlayedPod> played = read_played(dirs, uid);
  if (!played) return 2;
  StaticObjects objects;
  for (const auto& map : played.value().config_maps) objects.add(map);
  for (const auto& secret : played.value().secrets) objects.add(secret);
  runtime::cri::RuntimeService runtime(runtime::cri::RuntimeOptions::under(dirs));
  NodeContext node = standalone_node(dirs);
  node.sandbox.allowed_unsafe_sysctls = played.value().allowed_unsafe_sysctls;
  PodWorker worker(runtime, played.value().pod, objects, node, events);
  played.value().supervisor = ::getpid();
  played.value().supervisor_start = runtime::process_start_time(::getpid());

  g_stop = 0;
  struct sigaction stop {};
  stop.sa_handler = request_stop;
  ::sigaction(SIGTERM, &stop, nullptr);
  ::sigaction(SIGINT, &stop, nullptr);
  auto record = [&] {
    played.value().pod.status = worker.status();
    (void)write_played(dirs, played.value());
  };
  record();
  bool first = true;
  while (g_stop == 0 && !worker.done()) {
    Result<api::core_v1::PodStatus> status = worker.sync();
    record();
    if (first && ready_fd >= 0) {
      (void)!::write(ready_fd, "1", 1);
      ::close(ready_fd);
      first = false;
    }
    // A second between syncs, in slices, so a stop is seen at once.
    for (int i = 0; i < 10 && g_stop == 0 && !worker.done(); ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      runtime::cri::RuntimeService::reap_monitors();
    }
  }
  const bool stopped = g_stop != 0;
  if (stopped) {
    const fs::path wanted = pods_dir(dirs) / uid / "stop-grace";
    const std::string grace = read_file(wanted);
    std::error_code ec;
    fs::remove(wanted, ec);  // for this stop only
    std::optional<int64_t> seconds;
    if (!grace.empty() && grace.find_first_not_of("0123456789\n") == std::string::npos) seconds = std::stoll(grace);
    (void)worker.terminate(seconds);
  }
  played.value().supervisor = 0;
  played.value().supervisor_start.clear();
  record();
  if (first && ready_fd >= 0) ::close(ready_fd);
  return !stopped && worker.status().phase == "Failed" ? 1 : 0;
}

Status request_grace(const StateDirs& dirs, const std::string& uid, int64_t grace_seconds) {
  return write_file(pods_dir(dirs) / uid / "stop-grace", std::to_string(grace_seconds) + "\n", 0600);
}

Status terminate_unsupervised(const StateDirs& dirs, const std::string& uid, std::optional<int64_t> grace_seconds) {
  Result<PlayedPod> played = read_played(dirs, uid);
  if (!played) return played.error();
  StaticObjects objects;
  runtime::cri::RuntimeService runtime(runtime::cri::RuntimeOptions::under(dirs));
  PodWorker worker(runtime, played.value().pod, objects, standalone_node(dirs), {});
  if (Status s = worker.terminate(grace_seconds); !s) return s;
  played.value().pod.status = worker.status();
  return write_played(dirs, played.value());
}

Status remove_played(const StateDirs& dirs, const std::string& uid) {
  Result<PlayedPod> played = read_played(dirs, uid);
  if (!played) return played.error();
  StaticObjects objects;
  runtime::cri::RuntimeService runtime(runtime::cri::RuntimeOptions::under(dirs));
  PodWorker worker(runtime, played.value().pod, objects, standalone_node(dirs), {});
  if (Status s = worker.remove(); !s) return s;
  std::error_code ec;
  fs::remove_all(pods_dir(dirs) / uid, ec);
  if (ec) return sys_error("remove", pods_dir(dirs) / uid, ec.value());
  const std::string logs = played.value().pod.metadata.namespace_ + "_" + played.value().pod.metadata.name + "_" + uid;
  fs::remove_all(dirs.lib / "logs" / logs, ec);
  return {};
}

std::string pod_status_reason(const api::core_v1::Pod& pod) {
  const api::core_v1::PodStatus& status = pod.status;
  std::string reason = !status.reason.empty() ? status.reason : status.phase;
  const auto& init = status.initContainerStatuses;
  for (size_t i = 0; i < init.size(); ++i) {
    const auto& c = init[i];
    if (c.state.terminated && c.state.terminated->exitCode == 0) continue;
    if (c.state.terminated) {
      const auto& t = *c.state.terminated;
      if (!t.reason.empty()) return "Init:" + t.reason;
      return t.signal != 0 ? "Init:Signal:" + std::to_string(t.signal) : "Init:ExitCode:" + std::to_string(t.exitCode);
    }
    if (c.state.waiting && !c.state.waiting->reason.empty() && c.state.waiting->reason != "PodInitializing") {
      return "Init:" + c.state.waiting->reason;
    }
    return "Init:" + std::to_string(i) + "/" + std::to_string(init.size());
  }
  bool has_running = false;
  for (auto it = status.containerStatuses.rbegin(); it != status.containerStatuses.rend(); ++it) {
    const auto& state = it->state;
    if (state.waiting && !state.waiting->reason.empty()) {
      reason = state.waiting->reason;
    } else if (state.terminated && !state.terminated->reason.empty()) {
      reason = state.terminated->reason;
    } else if (state.terminated) {
      reason = state.terminated->signal != 0 ? "Signal:" + std::to_string(state.terminated->signal)
                                             : "ExitCode:" + std::to_string(state.terminated->exitCode);
    } else if (it->ready && state.running) {
      has_running = true;
    }
  }
  if (reason == "Completed" && has_running) reason = "Running";
  return reason;
}

}  // namespace kubepp::kubelet

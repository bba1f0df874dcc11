#include "runtime/cri/records.h"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <optional>

#include <nlohmann/json.hpp>

#include "runtime/base/files.h"

// std::optional as JSON null or the value (nlohmann 3.11 has no serializer for it).
namespace nlohmann {
template <typename T>
struct adl_serializer<std::optional<T>> {
  static void to_json(json& j, const std::optional<T>& value) {
    if (value) {
      j = *value;
    } else {
      j = nullptr;
    }
  }
  static void from_json(const json& j, std::optional<T>& value) {
    if (j.is_null()) {
      value.reset();
    } else {
      value = j.get<T>();
    }
  }
};
}  // namespace nlohmann

namespace kubepp::runtime::cri {

namespace fs = std::filesystem;
using nlohmann::json;

// The records' JSON: the messages' own field names, as the CRI's JSON form has them.
NLOHMANN_JSON_SERIALIZE_ENUM(NamespaceMode, {{NamespaceMode::POD, "POD"},
                                             {NamespaceMode::CONTAINER, "CONTAINER"},
                                             {NamespaceMode::NODE, "NODE"},
                                             {NamespaceMode::TARGET, "TARGET"}})
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(NamespaceOption, network, pid, ipc)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(PortMapping, protocol, container_port, host_port, host_ip)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(PodSandboxMetadata, name, uid, namespace_, attempt)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(DNSConfig, servers, searches, options)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(LinuxContainerResources, cpu_period, cpu_quota, cpu_shares,
                                                memory_limit_in_bytes, oom_score_adj, pids_limit)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(LinuxPodSandboxConfig, cgroup_parent, namespace_options, privileged,
                                                run_as_user, sysctls, resources)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(PodSandboxConfig, metadata, hostname, log_directory, dns_config,
                                                port_mappings, labels, annotations, linux)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Mount, container_path, host_path, readonly, selinux_relabel)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(KeyValue, key, value)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(Capability, add_capabilities, drop_capabilities)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(LinuxContainerSecurityContext, capabilities, privileged,
                                                namespace_options, run_as_user, run_as_group, run_as_username,
                                                readonly_rootfs, supplemental_groups, no_new_privs, masked_paths,
                                                readonly_paths)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(LinuxContainerConfig, resources, security_context)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ContainerMetadata, name, attempt)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ImageSpec, image)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ContainerConfig, metadata, image, command, args, working_dir, envs,
                                                mounts, labels, annotations, log_path, stdin, tty, linux)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(SandboxRecord, id, config, created_at, ready, netns, ip, cgroup,
                                                pause_pid)
NLOHMANN_DEFINE_TYPE_NON_INTRUSIVE_WITH_DEFAULT(ContainerRecord, id, pod_sandbox_id, config, created_at, image_ref,
                                                layers, args, image_env, working_dir, image_user, log_path,
                                                start_error, start_failed_at)

namespace {

fs::path container_record_path(const StateDirs& dirs, const std::string& sandbox, const std::string& id) {
  return sandbox_dir(dirs, sandbox) / "containers" / (id + ".json");
}

template <typename T>
Result<T> read_record(const fs::path& path, const std::string& what) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return Error{ErrorCode::NotFound, what + " not found"};
  json j = json::parse(read_file(path), nullptr, false);
  if (j.is_discarded()) return Error{ErrorCode::Internal, what + ": `" + path.string() + "` is not JSON"};
  try {
    return j.get<T>();
  } catch (const json::exception& e) {
    return Error{ErrorCode::Internal, what + ": `" + path.string() + "`: " + e.what()};
  }
}

}  // namespace

fs::path sandboxes_dir(const StateDirs& dirs) { return dirs.lib / "sandboxes"; }
fs::path sandbox_dir(const StateDirs& dirs, const std::string& id) { return sandboxes_dir(dirs) / id; }

Status write_sandbox(const StateDirs& dirs, const SandboxRecord& record) {
  return write_file_atomic(sandbox_dir(dirs, record.id) / "sandbox.json", json(record).dump(2) + "\n", 0600);
}

Result<SandboxRecord> read_sandbox(const StateDirs& dirs, const std::string& id) {
  if (id.empty() || id.find('/') != std::string::npos) return Error{ErrorCode::NotFound, "sandbox `" + id + "` not found"};
  return read_record<SandboxRecord>(sandbox_dir(dirs, id) / "sandbox.json", "sandbox `" + id + "`");
}

std::vector<SandboxRecord> list_sandboxes(const StateDirs& dirs) {
  std::vector<SandboxRecord> out;
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(sandboxes_dir(dirs), ec)) {
    if (!entry.is_directory()) continue;
    if (Result<SandboxRecord> record = read_sandbox(dirs, entry.path().filename()); record.ok()) {
      out.push_back(std::move(record.value()));
    }
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.created_at < b.created_at; });
  return out;
}

Status write_container(const StateDirs& dirs, const ContainerRecord& record) {
  return write_file_atomic(container_record_path(dirs, record.pod_sandbox_id, record.id), json(record).dump(2) + "\n",
                           0600);
}

Result<ContainerRecord> read_container(const StateDirs& dirs, const std::string& id) {
  // A container's record sits in its sandbox's directory: look in each.
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(sandboxes_dir(dirs), ec)) {
    const fs::path path = container_record_path(dirs, entry.path().filename(), id);
    if (!id.empty() && id.find('/') == std::string::npos && fs::exists(path, ec)) {
      return read_record<ContainerRecord>(path, "container `" + id + "`");
    }
  }
  return Error{ErrorCode::NotFound, "container `" + id + "` not found"};
}

std::vector<ContainerRecord> list_container_records(const StateDirs& dirs, const std::string& sandbox_id) {
  std::vector<ContainerRecord> out;
  std::vector<std::string> sandboxes;
  std::error_code ec;
  if (!sandbox_id.empty()) {
    sandboxes.push_back(sandbox_id);
  } else {
    for (const fs::directory_entry& entry : fs::directory_iterator(sandboxes_dir(dirs), ec)) {
      sandboxes.push_back(entry.path().filename());
    }
  }
  for (const std::string& sandbox : sandboxes) {
    for (const fs::directory_entry& entry : fs::directory_iterator(sandbox_dir(dirs, sandbox) / "containers", ec)) {
      auto record = read_record<ContainerRecord>(entry.path(), "container");
      if (record.ok()) out.push_back(std::move(record.value()));
    }
  }
  std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.created_at < b.created_at; });
  return out;
}

Status remove_container_record(const StateDirs& dirs, const ContainerRecord& record) {
  std::error_code ec;
  fs::remove(container_record_path(dirs, record.pod_sandbox_id, record.id), ec);
  if (ec) return sys_error("remove", container_record_path(dirs, record.pod_sandbox_id, record.id), ec.value());
  return {};
}

int64_t now_nanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

int64_t nanos_of(const std::string& rfc3339) {
  // "2026-11-26T22:41:14.123456789Z", as state.h writes it.
  std::tm tm{};
  if (rfc3339.size() < 20 || ::strptime(rfc3339.c_str(), "%Y-%m-%dT%H:%M:%S", &tm) == nullptr) return 0;
  int64_t nanos = static_cast<int64_t>(::timegm(&tm)) * 1000000000;
  const size_t dot = rfc3339.find('.');
  if (dot != std::string::npos) {
    std::string digits;
    for (size_t i = dot + 1; i < rfc3339.size() && std::isdigit(static_cast<unsigned char>(rfc3339[i])); ++i) {
      digits += rfc3339[i];
    }
    digits.resize(9, '0');
    nanos += std::stoll(digits.substr(0, 9));
  }
  return nanos;
}

}  // namespace kubepp::runtime::cri

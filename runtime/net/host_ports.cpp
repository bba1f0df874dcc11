// host_ports.cpp — hostPorts: a port of the node that leads to a port of a pod.
//
// Three pieces, as the kubelet's hostport code and CNI's `portmap` plugin build them:
//
//   nat PREROUTING ─(dst-type LOCAL)──────────────┐
//   nat OUTPUT ─(dst-type LOCAL, ! -d 127/8)──────┴▶ KUBEPP-HOSTPORTS ─▶ KUBEPP-HP-3f2a1b2c
//                                                       -p tcp --dport 30080 -j DNAT --to-destination 10.244.0.7:8080
//   nat POSTROUTING ─▶ KUBEPP-POSTROUTING: -s 10.244.0.7 -d 10.244.0.7 -j MASQUERADE
//   127.0.0.1:30080 ─▶ the forwarder process (port_forwarder.h) ─▶ 10.244.0.7:8080
//
// The MASQUERADE is for a pod that reaches itself through its own hostPort: without it
// the pod would answer itself directly, from an address its own connection does not
// expect. Hairpin mode on its bridge port (attach_pod) lets the packet back out the port
// it came in by.
//
// Each sandbox's hostPorts are recorded in <lib>/networks/hostports/<sandbox>.json
// (net_names.h:hostports_dir): the mappings for conflict checks, the pod's address for
// its MASQUERADE rule, and the forwarder's pid and start time, so that remove_host_ports
// stops that process and no other, also after a restart of kubepp. The record is
// written before the rules, so any rule on the host has a record that leads to it.
// A `lock` file there serialises every change.
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <nlohmann/json.hpp>
#include <sstream>

#include "runtime/base/files.h"
#include "runtime/base/file_lock.h"
#include "runtime/net/host_ports.h"
#include "runtime/net/iptables.h"
#include "runtime/net/net_names.h"
#include "runtime/net/port_forwarder.h"
#include "runtime/net/pod_network.h"
#include "runtime/state.h"

namespace kubepp::runtime::net {

namespace fs = std::filesystem;
using nlohmann::json;

namespace {

// ---- records ------------------------------------------------------------------------

struct HostPortRecord {
  std::string sandbox;
  std::string pod_ip;
  pid_t forwarder_pid = 0;        ///< 0: no forwarder
  std::string forwarder_started;  ///< field 22 of /proc/PID/stat when it started
  std::vector<PortMapping> mappings;
};

fs::path record_path(const NetworkConfig& config, const std::string& sandbox_id) {
  return hostports_dir(config) / (sandbox_id + ".json");
}

// Field names as a Pod's ports have them.
std::string to_json(const HostPortRecord& record) {
  json mappings = json::array();
  for (const PortMapping& m : record.mappings) {
    mappings.push_back({{"protocol", m.protocol}, {"containerPort", m.container_port}, {"hostPort", m.host_port},
                        {"hostIP", m.host_ip}});
  }
  return json{{"sandbox", record.sandbox},
              {"podIP", record.pod_ip},
              {"forwarderPid", record.forwarder_pid},
              {"forwarderStartTime", record.forwarder_started},
              {"mappings", mappings}}
      .dump(2);
}

Result<HostPortRecord> read_record(const fs::path& path) {
  try {
    const json j = json::parse(read_file(path));
    HostPortRecord record{j.at("sandbox"), j.at("podIP"), j.at("forwarderPid"), j.at("forwarderStartTime"), {}};
    for (const json& m : j.at("mappings")) {
      record.mappings.push_back({m.at("protocol"), m.at("containerPort"), m.at("hostPort"), m.at("hostIP")});
    }
    return record;
  } catch (const json::exception& e) {
    return Error{ErrorCode::Internal, "hostPort record `" + path.string() + "`: " + e.what()};
  }
}

Result<std::vector<HostPortRecord>> read_records(const fs::path& dir) {
  std::vector<HostPortRecord> records;
  std::error_code ec;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir, ec)) {
    if (entry.path().extension() != ".json") continue;
    Result<HostPortRecord> record = read_record(entry.path());
    if (!record) return record.error();
    records.push_back(std::move(record.value()));
  }
  if (ec && ec != std::errc::no_such_file_or_directory) return sys_error("readdir", dir, ec.value());
  return records;
}

// ---- checks -------------------------------------------------------------------------

std::string describe(const PortMapping& m) {
  return "host port " + std::to_string(m.host_port) + "/" + m.protocol + (m.host_ip.empty() ? "" : " on " + m.host_ip);
}

// Two mappings want the same port when protocol and port match and their addresses
// overlap ("" is every address).
bool same_port(const PortMapping& a, const PortMapping& b) {
  return a.protocol == b.protocol && a.host_port == b.host_port &&
         (a.host_ip.empty() || b.host_ip.empty() || a.host_ip == b.host_ip);
}

// The id names the record's file: <id>.json, in the records' directory and nowhere else.
Status check_sandbox_id(const std::string& sandbox_id) {
  if (sandbox_id.empty() || sandbox_id[0] == '.' || sandbox_id.find('/') != std::string::npos) {
    return Error{ErrorCode::Invalid, "sandbox id `" + sandbox_id + "`: not usable as a file name"};
  }
  return {};
}

Status validate(const std::string& sandbox_id, const std::string& pod_ip, const std::vector<PortMapping>& mappings) {
  if (Status s = check_sandbox_id(sandbox_id); !s) return s;
  if (Result<Ipv4Address> ip = Ipv4Address::parse(pod_ip); !ip) return ip.error();
  for (size_t i = 0; i < mappings.size(); ++i) {
    const PortMapping& m = mappings[i];
    if (m.protocol != "TCP" && m.protocol != "UDP") {
      return Error{ErrorCode::Invalid, describe(m) + ": protocol must be TCP or UDP"};
    }
    for (int port : {m.host_port, m.container_port}) {
      if (port < 1 || port > 65535) return Error{ErrorCode::Invalid, describe(m) + ": ports go from 1 to 65535"};
    }
    if (!m.host_ip.empty()) {
      if (Result<Ipv4Address> ip = Ipv4Address::parse(m.host_ip); !ip) return ip.error();
    }
    for (size_t j = 0; j < i; ++j) {
      if (same_port(m, mappings[j])) return Error{ErrorCode::Invalid, describe(m) + ": published twice"};
    }
  }
  return {};
}

Status check_conflicts(const std::vector<HostPortRecord>& records, const std::string& sandbox_id,
                       const std::vector<PortMapping>& mappings) {
  for (const HostPortRecord& other : records) {
    if (other.sandbox == sandbox_id) continue;
    for (const PortMapping& theirs : other.mappings) {
      for (const PortMapping& ours : mappings) {
        if (same_port(ours, theirs)) {
          return Error{ErrorCode::Conflict, describe(ours) + " is already published for `" + other.sandbox +
                                                "` (a pod sandbox or a container)"};
        }
      }
    }
  }
  return {};
}

// ---- rules --------------------------------------------------------------------------

std::vector<IptablesRule> hostports_jumps() {
  return {{"nat", "PREROUTING", {"-m", "addrtype", "--dst-type", "LOCAL", "-j", kHostportsChain}},
          {"nat", "OUTPUT", {"!", "-d", "127.0.0.0/8", "-m", "addrtype", "--dst-type", "LOCAL", "-j", kHostportsChain}}};
}
std::vector<IptablesRule> postrouting_jumps() { return {{"nat", "POSTROUTING", {"-j", kPostroutingChain}}}; }
IptablesRule sandbox_jump(const std::string& sandbox_id) {
  return {"nat", kHostportsChain, {"-j", hostport_chain(sandbox_id)}};
}
IptablesRule hairpin_masquerade(const std::string& pod_ip) {
  return {"nat", kPostroutingChain, {"-s", pod_ip + "/32", "-d", pod_ip + "/32", "-j", "MASQUERADE"}};
}
IptablesRule dnat(const std::string& sandbox_id, const std::string& pod_ip, const PortMapping& m) {
  IptablesRule rule{"nat", hostport_chain(sandbox_id), {"-p", m.protocol == "UDP" ? "udp" : "tcp"}};
  if (!m.host_ip.empty()) rule.spec.insert(rule.spec.end(), {"-d", m.host_ip + "/32"});
  rule.spec.insert(rule.spec.end(), {"--dport", std::to_string(m.host_port), "-j", "DNAT", "--to-destination",
                                     pod_ip + ":" + std::to_string(m.container_port)});
  return rule;
}

Status install_rules(const HostPortRecord& record) {
  const std::string chain = hostport_chain(record.sandbox);
  for (const char* shared : {kHostportsChain, kPostroutingChain}) {
    if (Status s = ensure_chain("nat", shared); !s) return s;
  }
  for (const IptablesRule& jump : hostports_jumps()) {
    if (Status s = ensure_rule(jump); !s) return s;
  }
  if (Status s = ensure_rule(postrouting_jumps()[0]); !s) return s;
  if (Status s = ensure_chain("nat", chain); !s) return s;
  for (const PortMapping& m : record.mappings) {
    if (Status s = ensure_rule(dnat(record.sandbox, record.pod_ip, m)); !s) return s;
  }
  if (Status s = ensure_rule(sandbox_jump(record.sandbox)); !s) return s;
  return ensure_rule(hairpin_masquerade(record.pod_ip));
}

// ---- the forwarder ------------------------------------------------------------------

// Fields 4 (ppid) and 22 (start time) of /proc/PID/stat; a zombie's too, unlike
// state.h:process_start_time, so that we can reap a forwarder that died by itself.
struct ProcessStat {
  pid_t parent = 0;
  std::string started;
};

ProcessStat read_stat(pid_t pid) {
  const std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  const size_t paren = stat.rfind(')');
  ProcessStat result;
  if (paren == std::string::npos) return result;
  std::istringstream fields(stat.substr(paren + 2));  // from field 3, the state
  std::string field;
  for (int i = 3; i <= 22 && fields >> field; ++i) {
    if (i == 4) result.parent = std::stoi(field);
    if (i == 22) result.started = field;
  }
  return result;
}

// Stops the forwarder if `pid` is still the process that was started then (a pid is
// reused once its process is reaped), and reaps it when it is our child.
void stop_forwarder(pid_t pid, const std::string& started) {
  if (pid <= 0) return;
  const ProcessStat stat = read_stat(pid);
  if (started.empty() || stat.started != started) return;
  ::kill(pid, SIGKILL);
  if (stat.parent != ::getpid()) return;  // init, or whoever started it, reaps it
  while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
}

// Listens on 127.0.0.1:<hostPort> for every TCP mapping that serves loopback.
Result<std::vector<ForwardedPort>> open_loopback_listeners(const std::string& pod_ip,
                                                           const std::vector<PortMapping>& mappings) {
  const Ipv4Address pod = Ipv4Address::parse(pod_ip).value();  // validated
  const Ipv4Cidr loopback{{0x7f000000}, 8};
  std::vector<ForwardedPort> ports;
  for (const PortMapping& m : mappings) {
    if (m.protocol != "TCP") continue;
    Ipv4Address address{0x7f000001};
    if (!m.host_ip.empty()) address = Ipv4Address::parse(m.host_ip).value();
    if (!loopback.contains(address)) continue;
    Result<UniqueFd> listener = listen_tcp(address, m.host_port);
    if (!listener) {
      Error error = listener.error();
      error.message = describe(m) + ": " + error.message;
      return error;
    }
    ports.push_back({std::move(listener.value()), pod, m.container_port});
  }
  return ports;
}

// ---- removal ------------------------------------------------------------------------

// Removes the sandbox's hostPorts as its record describes them: the forwarder, the
// DNAT chain with its jump, the MASQUERADE rule, the record. Without a record, the
// sandbox's chain (named by its id alone) still goes.
Status remove_record(const NetworkConfig& config, const std::string& sandbox_id) {
  const fs::path path = record_path(config, sandbox_id);
  std::string pod_ip;
  if (fs::exists(path)) {
    Result<HostPortRecord> record = read_record(path);
    if (!record) return record.error();
    stop_forwarder(record.value().forwarder_pid, record.value().forwarder_started);
    pod_ip = record.value().pod_ip;
  }
  if (Status s = remove_chain("nat", hostport_chain(sandbox_id), {sandbox_jump(sandbox_id)}); !s) return s;
  if (!pod_ip.empty()) {
    if (Status s = delete_rule(hairpin_masquerade(pod_ip)); !s) return s;
  }
  if (::unlink(path.c_str()) != 0 && errno != ENOENT) return sys_error("unlink", path, errno);
  return {};
}

}  // namespace

Result<pid_t> add_host_ports(const NetworkConfig& config, const std::string& sandbox_id, const std::string& pod_ip,
                             const std::vector<PortMapping>& mappings) {
  if (Status s = validate(sandbox_id, pod_ip, mappings); !s) return s.error();
  Result<FileLock> lock = FileLock::acquire(hostports_dir(config) / "lock");
  if (!lock) return lock.error();
  // Publishing again replaces what the sandbox published before.
  if (Status s = remove_record(config, sandbox_id); !s) return s.error();
  if (mappings.empty()) return 0;

  Result<std::vector<HostPortRecord>> records = read_records(hostports_dir(config));
  if (!records) return records.error();
  if (Status s = check_conflicts(records.value(), sandbox_id, mappings); !s) return s.error();
  // Bound here, before anything is written: a port some other program holds is a
  // Conflict now, not a forwarder that dies later.
  Result<std::vector<ForwardedPort>> listeners = open_loopback_listeners(pod_ip, mappings);
  if (!listeners) return listeners.error();

  HostPortRecord record{sandbox_id, pod_ip, 0, "", mappings};
  const fs::path path = record_path(config, sandbox_id);
  if (Status s = write_file_atomic(path, to_json(record)); !s) return s.error();
  Status done = install_rules(record);
  if (done && !listeners.value().empty()) {
    Result<pid_t> forwarder = start_port_forwarder(std::move(listeners.value()));
    if (forwarder) {
      record.forwarder_pid = forwarder.value();
      record.forwarder_started = process_start_time(record.forwarder_pid);
      done = write_file_atomic(path, to_json(record));
      if (!done) stop_forwarder(record.forwarder_pid, record.forwarder_started);
    } else {
      done = forwarder.error();
    }
  }
  if (!done) {
    (void)remove_record(config, sandbox_id);
    return done.error();
  }
  return record.forwarder_pid;
}

Status remove_host_ports(const NetworkConfig& config, const std::string& sandbox_id) {
  if (Status s = check_sandbox_id(sandbox_id); !s) return s;
  Result<FileLock> lock = FileLock::acquire(hostports_dir(config) / "lock");
  if (!lock) return lock.error();
  return remove_record(config, sandbox_id);
}

Status teardown_host_ports(const NetworkConfig& config, const Ipv4Cidr& pod_cidr) {
  const fs::path dir = hostports_dir(config);
  Result<FileLock> lock = FileLock::acquire(dir / "lock");
  if (!lock) return lock.error();
  Result<std::vector<HostPortRecord>> records = read_records(dir);
  if (!records) return records.error();
  size_t left = 0;
  for (const HostPortRecord& record : records.value()) {
    Result<Ipv4Address> ip = Ipv4Address::parse(record.pod_ip);
    if (!ip || !pod_cidr.contains(ip.value())) {
      ++left;  // another node's pod
      continue;
    }
    if (Status s = remove_record(config, record.sandbox); !s) return s;
  }
  if (Status s = remove_chain_if_empty("nat", kHostportsChain, hostports_jumps()); !s) return s;
  if (Status s = remove_chain_if_empty("nat", kPostroutingChain, postrouting_jumps()); !s) return s;
  std::error_code ec;
  if (left == 0) fs::remove_all(dir, ec);  // the lock file too, as teardown_node_network does
  return {};
}

}  // namespace kubepp::runtime::net

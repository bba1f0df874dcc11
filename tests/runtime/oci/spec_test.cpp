// Tests of runtime/oci/spec: config.json parsed and checked, runc's default spec, mount
// options, the kernel tables and the `runc state` output. No privileges needed.
#include "runtime/oci/spec.h"
#include "tests/support/temp_dir.h"

#include <sched.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/resource.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>

using namespace kubepp;
using namespace kubepp::runtime::oci;
using nlohmann::json;

using kubepp::testing::TempDir;

namespace {

// The smallest config.json kubepp accepts; each bad-input case breaks one field of it.
json minimal_config() {
  return json::parse(R"({
    "ociVersion": "1.0.2",
    "process": {"args": ["sh"], "cwd": "/"},
    "root": {"path": "rootfs"}
  })");
}

// A config.json as runc spec writes it, plus resources, seccomp, rlimits, hooks and the rest.
constexpr const char* kRealistic = R"json({
  "ociVersion": "1.1.0",
  "process": {
    "terminal": false,
    "consoleSize": {"height": 25, "width": 80},
    "user": {"uid": 1000, "gid": 1000, "umask": 18, "additionalGids": [5, 100]},
    "args": ["/bin/sh", "-c", "echo hi"],
    "env": ["PATH=/usr/bin:/bin", "TERM=xterm", "EMPTY="],
    "cwd": "/home/app",
    "capabilities": {
      "bounding": ["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"],
      "effective": ["CAP_KILL"],
      "permitted": ["CAP_KILL", "CAP_NET_BIND_SERVICE"]
    },
    "rlimits": [
      {"type": "RLIMIT_NOFILE", "hard": 4096, "soft": 1024},
      {"type": "RLIMIT_CORE", "hard": 18446744073709551615, "soft": 0}
    ],
    "noNewPrivileges": true,
    "oomScoreAdj": -500,
    "apparmorProfile": "docker-default",
    "selinuxLabel": "system_u:system_r:container_t:s0"
  },
  "root": {"path": "/var/lib/bundles/demo/rootfs", "readonly": true},
  "hostname": "demo",
  "domainname": "example.org",
  "mounts": [
    {"destination": "/proc", "type": "proc", "source": "proc"},
    {"destination": "/dev", "type": "tmpfs", "source": "tmpfs",
     "options": ["nosuid", "strictatime", "mode=755", "size=65536k"]},
    {"destination": "/data", "type": "bind", "source": "/srv/data", "options": ["rbind", "ro", "rprivate"]}
  ],
  "hooks": {
    "prestart": [{"path": "/usr/bin/netns-hook", "args": ["netns-hook", "up"], "env": ["A=1"], "timeout": 5}],
    "poststop": [{"path": "/usr/bin/cleanup"}]
  },
  "annotations": {"io.kubernetes.cri.container-type": "container", "org.example/owner": "team"},
  "linux": {
    "uidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}],
    "gidMappings": [{"containerID": 0, "hostID": 100000, "size": 65536}],
    "sysctl": {"net.ipv4.ip_forward": "1"},
    "resources": {
      "devices": [
        {"allow": false, "access": "rwm"},
        {"allow": true, "type": "c", "major": 1, "minor": 3, "access": "rw"}
      ],
      "memory": {"limit": 67108864, "reservation": 33554432, "swap": -1},
      "cpu": {"shares": 512, "quota": 50000, "period": 100000, "cpus": "0-1", "mems": "0"},
      "pids": {"limit": 64}
    },
    "cgroupsPath": "/kubepp/demo",
    "namespaces": [
      {"type": "pid"}, {"type": "network", "path": "/var/run/netns/demo"}, {"type": "ipc"},
      {"type": "uts"}, {"type": "mount"}, {"type": "cgroup"}
    ],
    "devices": [
      {"type": "c", "path": "/dev/fuse", "major": 10, "minor": 229, "fileMode": 438, "uid": 0, "gid": 0},
      {"type": "p", "path": "/dev/myfifo"}
    ],
    "seccomp": {
      "defaultAction": "SCMP_ACT_ERRNO",
      "defaultErrnoRet": 1,
      "architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
      "flags": ["SECCOMP_FILTER_FLAG_LOG"],
      "syscalls": [
        {"names": ["read", "write", "exit_group"], "action": "SCMP_ACT_ALLOW"},
        {"names": ["personality"], "action": "SCMP_ACT_ALLOW",
         "args": [{"index": 0, "value": 4294967295, "op": "SCMP_CMP_EQ"}]},
        {"names": ["clone"], "action": "SCMP_ACT_ALLOW",
         "args": [{"index": 0, "value": 2114060288, "valueTwo": 0, "op": "SCMP_CMP_MASKED_EQ"}]},
        {"names": ["clone3"], "action": "SCMP_ACT_ERRNO", "errnoRet": 38}
      ]
    },
    "rootfsPropagation": "rslave",
    "maskedPaths": ["/proc/kcore", "/sys/firmware"],
    "readonlyPaths": ["/proc/sys"],
    "mountLabel": "system_u:object_r:container_file_t:s0"
  },
  "someFutureField": {"ignored": true}
})json";

Spec parse_ok(const std::string& text) {
  Result<Spec> spec = parse_spec(text, "config.json");
  if (!spec) FAIL(spec.error().message);
  return std::move(spec).value();
}

Spec parse_ok(const json& doc) { return parse_ok(doc.dump()); }

// The error parse_spec gives for `doc`; fails the test when it parses.
std::string parse_error(const std::string& text) {
  Result<Spec> spec = parse_spec(text, "config.json");
  if (spec) FAIL("parsed, but an error was expected:\n" + text);
  CHECK(spec.error().code == ErrorCode::Invalid);
  return spec.error().message;
}

std::string parse_error(const json& doc) { return parse_error(doc.dump()); }

// Flags as one unsigned long: MS_* are ints (glibc's enum), MountFlags' fields unsigned.
template <typename... Flags>
constexpr unsigned long ul(Flags... flags) {
  return (0ul | ... | static_cast<unsigned long>(flags));
}


}  // namespace

TEST_CASE("the default spec is runc's, tab-indented, and parses back", "[unit][oci]") {
  const std::string text = default_spec_json();
  CHECK(text.starts_with("{\n\t\"ociVersion\": \"1.0.2\",\n\t\"process\": {\n\t\t\"terminal\": true,\n"
                         "\t\t\"user\": {\n\t\t\t\"uid\": 0,\n\t\t\t\"gid\": 0\n\t\t},\n"));
  CHECK(text.ends_with("\n\t}\n}"));  // no newline at the end, as runc writes it
  // runc's key order: Go marshals struct fields in declaration order.
  CHECK(text.find("\"ociVersion\"") < text.find("\"process\""));
  CHECK(text.find("\"process\"") < text.find("\"root\""));
  CHECK(text.find("\"root\"") < text.find("\"hostname\""));
  CHECK(text.find("\"hostname\"") < text.find("\"mounts\""));
  CHECK(text.find("\"mounts\"") < text.find("\"linux\""));
  CHECK(text.find("\"resources\"") < text.find("\"namespaces\""));
  CHECK(text.find("\"namespaces\"") < text.find("\"maskedPaths\""));

  const Spec spec = parse_ok(text);
  CHECK(spec.ociVersion == "1.0.2");
  CHECK(spec.process.terminal);
  CHECK(spec.process.user.uid == 0);
  CHECK(spec.process.args == std::vector<std::string>{"sh"});
  CHECK(spec.process.env == std::vector<std::string>{
                                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"});
  CHECK(spec.process.cwd == "/");
  REQUIRE(spec.process.capabilities);
  const std::vector<std::string> caps = {"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"};
  CHECK(spec.process.capabilities->bounding == caps);
  CHECK(spec.process.capabilities->effective == caps);
  CHECK(spec.process.capabilities->permitted == caps);
  CHECK(spec.process.capabilities->inheritable.empty());
  CHECK(spec.process.capabilities->ambient.empty());
  REQUIRE(spec.process.rlimits.size() == 1);
  CHECK(spec.process.rlimits[0].type == "RLIMIT_NOFILE");
  CHECK(spec.process.rlimits[0].hard == 1024);
  CHECK(spec.process.rlimits[0].soft == 1024);
  CHECK(spec.process.noNewPrivileges);
  CHECK(spec.root.path == "rootfs");
  CHECK(spec.root.readonly);
  CHECK(spec.hostname == "kubepp");

  REQUIRE(spec.mounts.size() == 7);
  std::vector<std::string> destinations;
  for (const Mount& m : spec.mounts) destinations.push_back(m.destination);
  CHECK(destinations ==
        std::vector<std::string>{"/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/sys/fs/cgroup"});
  CHECK(spec.mounts[0].options.empty());
  CHECK(spec.mounts[1].options == std::vector<std::string>{"nosuid", "strictatime", "mode=755", "size=65536k"});
  CHECK(spec.mounts[2].options ==
        std::vector<std::string>{"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"});

  REQUIRE(spec.linux);
  std::vector<std::string> namespaces;
  for (const Namespace& ns : spec.linux->namespaces) namespaces.push_back(ns.type);
  CHECK(namespaces == std::vector<std::string>{"pid", "network", "ipc", "uts", "mount", "cgroup"});
  REQUIRE(spec.linux->resources);
  REQUIRE(spec.linux->resources->devices.size() == 1);
  CHECK_FALSE(spec.linux->resources->devices[0].allow);
  CHECK(spec.linux->resources->devices[0].access == "rwm");
  CHECK(spec.linux->maskedPaths.size() == 11);
  CHECK(spec.linux->readonlyPaths ==
        std::vector<std::string>{"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"});
  CHECK_FALSE(spec.linux->seccomp);  // runc's default has no seccomp filter
}

TEST_CASE("a realistic config.json parses to the right values", "[unit][oci]") {
  const Spec spec = parse_ok(std::string(kRealistic));
  CHECK(spec.ociVersion == "1.1.0");

  const Process& p = spec.process;
  CHECK_FALSE(p.terminal);
  REQUIRE(p.consoleSize);
  CHECK(p.consoleSize->height == 25);
  CHECK(p.consoleSize->width == 80);
  CHECK(p.user.uid == 1000);
  CHECK(p.user.gid == 1000);
  CHECK(p.user.umask == 18u);
  CHECK(p.user.additionalGids == std::vector<uint32_t>{5, 100});
  CHECK(p.args == std::vector<std::string>{"/bin/sh", "-c", "echo hi"});
  CHECK(p.env.size() == 3);
  CHECK(p.cwd == "/home/app");
  REQUIRE(p.capabilities);
  CHECK(p.capabilities->effective == std::vector<std::string>{"CAP_KILL"});
  CHECK(p.capabilities->inheritable.empty());
  REQUIRE(p.rlimits.size() == 2);
  CHECK(p.rlimits[0].hard == 4096);
  CHECK(p.rlimits[0].soft == 1024);
  CHECK(p.rlimits[1].type == "RLIMIT_CORE");
  CHECK(p.rlimits[1].hard == UINT64_MAX);  // RLIM_INFINITY as Go writes it
  CHECK(p.noNewPrivileges);
  CHECK(p.oomScoreAdj == -500);
  CHECK(p.apparmorProfile == "docker-default");
  CHECK(p.selinuxLabel == "system_u:system_r:container_t:s0");

  CHECK(spec.root.path == "/var/lib/bundles/demo/rootfs");
  CHECK(spec.hostname == "demo");
  CHECK(spec.domainname == "example.org");
  REQUIRE(spec.mounts.size() == 3);
  CHECK(spec.mounts[2].type == "bind");
  CHECK(spec.mounts[2].source == "/srv/data");
  CHECK(spec.mounts[2].options == std::vector<std::string>{"rbind", "ro", "rprivate"});

  REQUIRE(spec.hooks.prestart.size() == 1);
  CHECK(spec.hooks.prestart[0].path == "/usr/bin/netns-hook");
  CHECK(spec.hooks.prestart[0].args == std::vector<std::string>{"netns-hook", "up"});
  CHECK(spec.hooks.prestart[0].env == std::vector<std::string>{"A=1"});
  CHECK(spec.hooks.prestart[0].timeout == 5);
  REQUIRE(spec.hooks.poststop.size() == 1);
  CHECK_FALSE(spec.hooks.poststop[0].timeout);
  CHECK(spec.hooks.createRuntime.empty());
  CHECK(spec.annotations.at("io.kubernetes.cri.container-type") == "container");

  REQUIRE(spec.linux);
  const Linux& l = *spec.linux;
  REQUIRE(l.uidMappings.size() == 1);
  CHECK(l.uidMappings[0].hostID == 100000);
  CHECK(l.uidMappings[0].size == 65536);
  CHECK(l.gidMappings.size() == 1);
  CHECK(l.sysctl.at("net.ipv4.ip_forward") == "1");
  REQUIRE(l.resources);
  REQUIRE(l.resources->devices.size() == 2);
  CHECK(l.resources->devices[1].allow);
  CHECK(l.resources->devices[1].type == "c");
  CHECK(l.resources->devices[1].major == 1);
  CHECK(l.resources->devices[1].minor == 3);
  CHECK(l.resources->devices[1].access == "rw");
  CHECK_FALSE(l.resources->devices[0].major);
  REQUIRE(l.resources->memory);
  CHECK(l.resources->memory->limit == 67108864);
  CHECK(l.resources->memory->reservation == 33554432);
  CHECK(l.resources->memory->swap == -1);
  CHECK_FALSE(l.resources->memory->swappiness);
  REQUIRE(l.resources->cpu);
  CHECK(l.resources->cpu->shares == 512u);
  CHECK(l.resources->cpu->quota == 50000);
  CHECK(l.resources->cpu->period == 100000u);
  CHECK(l.resources->cpu->cpus == "0-1");
  CHECK(l.resources->cpu->mems == "0");
  REQUIRE(l.resources->pids);
  CHECK(l.resources->pids->limit == 64);
  CHECK(l.cgroupsPath == "/kubepp/demo");
  REQUIRE(l.namespaces.size() == 6);
  CHECK(l.namespaces[1].type == "network");
  CHECK(l.namespaces[1].path == "/var/run/netns/demo");
  CHECK(l.namespaces[0].path.empty());
  REQUIRE(l.devices.size() == 2);
  CHECK(l.devices[0].path == "/dev/fuse");
  CHECK(l.devices[0].major == 10);
  CHECK(l.devices[0].minor == 229);
  CHECK(l.devices[0].fileMode == 0666u);
  CHECK(l.devices[1].type == "p");

  REQUIRE(l.seccomp);
  const Seccomp& s = *l.seccomp;
  CHECK(s.defaultAction == "SCMP_ACT_ERRNO");
  CHECK(s.defaultErrnoRet == 1u);
  CHECK(s.architectures == std::vector<std::string>{"SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"});
  CHECK(s.flags == std::vector<std::string>{"SECCOMP_FILTER_FLAG_LOG"});
  REQUIRE(s.syscalls.size() == 4);
  CHECK(s.syscalls[0].names == std::vector<std::string>{"read", "write", "exit_group"});
  CHECK(s.syscalls[0].action == "SCMP_ACT_ALLOW");
  CHECK_FALSE(s.syscalls[0].errnoRet);
  REQUIRE(s.syscalls[1].args.size() == 1);
  CHECK(s.syscalls[1].args[0].value == 4294967295u);
  CHECK(s.syscalls[1].args[0].op == "SCMP_CMP_EQ");
  CHECK(s.syscalls[2].args[0].value == 2114060288u);
  CHECK(s.syscalls[2].args[0].op == "SCMP_CMP_MASKED_EQ");
  CHECK(s.syscalls[3].errnoRet == 38u);
  CHECK(l.rootfsPropagation == "rslave");
  CHECK(l.maskedPaths == std::vector<std::string>{"/proc/kcore", "/sys/firmware"});
  CHECK(l.readonlyPaths == std::vector<std::string>{"/proc/sys"});
  CHECK(l.mountLabel == "system_u:object_r:container_file_t:s0");
}

TEST_CASE("bad config.json is refused naming the field and the rule", "[unit][oci]") {
  struct Case {
    const char* what;
    std::function<void(json&)> mutate;
    const char* message;
  };
  const Case cases[] = {
      {"args not an array", [](json& j) { j["process"]["args"] = 7; },
       "config.json: `process.args`: want an array of strings, got number"},
      {"an arg not a string", [](json& j) { j["process"]["args"] = {"sh", 7}; },
       "config.json: `process.args[1]`: want a string, got number"},
      {"args empty", [](json& j) { j["process"]["args"] = json::array(); },
       "config.json: `process.args`: must not be empty"},
      {"args missing", [](json& j) { j["process"].erase("args"); },
       "config.json: `process.args`: missing (required)"},
      {"root missing", [](json& j) { j.erase("root"); }, "config.json: `root`: missing (required)"},
      {"root null", [](json& j) { j["root"] = nullptr; }, "config.json: `root`: missing (required)"},
      {"root.path empty", [](json& j) { j["root"]["path"] = ""; }, "config.json: `root.path`: must not be empty"},
      {"process missing", [](json& j) { j.erase("process"); }, "config.json: `process`: missing (required)"},
      {"process not an object", [](json& j) { j["process"] = "sh"; },
       "config.json: `process`: want an object, got string"},
      {"terminal not a boolean", [](json& j) { j["process"]["terminal"] = "yes"; },
       "config.json: `process.terminal`: want a boolean, got string"},
      {"unknown namespace type",
       [](json& j) { j["linux"]["namespaces"] = json::parse(R"([{"type":"pid"},{"type":"uts"},{"type":"foo"}])"); },
       "config.json: `linux.namespaces[2].type`: unknown namespace type `foo` "
       "(want pid, network, mount, ipc, uts, user, cgroup, time)"},
      {"duplicate namespace type",
       [](json& j) { j["linux"]["namespaces"] = json::parse(R"([{"type":"pid"},{"type":"pid"}])"); },
       "config.json: `linux.namespaces[1].type`: duplicate namespace type `pid` (also in linux.namespaces[0])"},
      {"relative namespace path",
       [](json& j) { j["linux"]["namespaces"] = json::parse(R"([{"type":"network","path":"netns"}])"); },
       "config.json: `linux.namespaces[0].path`: must be absolute"},
      {"unknown rlimit",
       [](json& j) { j["process"]["rlimits"] = json::parse(R"([{"type":"RLIMIT_FOO","hard":1,"soft":1}])"); },
       "config.json: `process.rlimits[0].type`: unknown rlimit `RLIMIT_FOO`"},
      {"duplicate rlimit",
       [](json& j) {
         j["process"]["rlimits"] = json::parse(
             R"([{"type":"RLIMIT_NOFILE","hard":1,"soft":1},{"type":"RLIMIT_NOFILE","hard":2,"soft":2}])");
       },
       "config.json: `process.rlimits[1].type`: duplicate rlimit `RLIMIT_NOFILE` (also in process.rlimits[0])"},
      {"rlimit without hard",
       [](json& j) { j["process"]["rlimits"] = json::parse(R"([{"type":"RLIMIT_NOFILE","soft":1}])"); },
       "config.json: `process.rlimits[0].hard`: missing (required)"},
      {"soft above hard",
       [](json& j) { j["process"]["rlimits"] = json::parse(R"([{"type":"RLIMIT_NOFILE","hard":1024,"soft":4096}])"); },
       "config.json: `process.rlimits[0].soft`: 4096 is above the hard limit 1024"},
      {"unknown capability",
       [](json& j) { j["process"]["capabilities"]["bounding"] = {"CAP_KILL", "CAP_FOO"}; },
       "config.json: `process.capabilities.bounding[1]`: unknown capability `CAP_FOO`"},
      {"capability in lower case",
       [](json& j) { j["process"]["capabilities"]["ambient"] = {"cap_kill"}; },
       "config.json: `process.capabilities.ambient[0]`: unknown capability `cap_kill`"},
      {"unknown seccomp action",
       [](json& j) {
         j["linux"]["seccomp"] = json::parse(
             R"({"defaultAction":"SCMP_ACT_ERRNO","syscalls":[{"names":["read"],"action":"SCMP_ACT_FOO"}]})");
       },
       "config.json: `linux.seccomp.syscalls[0].action`: unknown action `SCMP_ACT_FOO`"},
      {"unknown seccomp default action", [](json& j) { j["linux"]["seccomp"]["defaultAction"] = "SCMP_ACT_NOPE"; },
       "config.json: `linux.seccomp.defaultAction`: unknown action `SCMP_ACT_NOPE`"},
      {"seccomp rules without a default action",
       [](json& j) {
         j["linux"]["seccomp"] = json::parse(R"({"syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"}]})");
       },
       "config.json: `linux.seccomp.defaultAction`: missing (required)"},
      {"seccomp rule without names",
       [](json& j) {
         j["linux"]["seccomp"] =
             json::parse(R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":[],"action":"SCMP_ACT_ERRNO"}]})");
       },
       "config.json: `linux.seccomp.syscalls[0].names`: must not be empty"},
      {"unknown seccomp operator",
       [](json& j) {
         j["linux"]["seccomp"] = json::parse(R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["kill"],
             "action":"SCMP_ACT_ERRNO","args":[{"index":0,"value":1,"op":"SCMP_CMP_ABOUT"}]}]})");
       },
       "config.json: `linux.seccomp.syscalls[0].args[0].op`: unknown operator `SCMP_CMP_ABOUT`"},
      {"seccomp argument index above 5",
       [](json& j) {
         j["linux"]["seccomp"] = json::parse(R"({"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["kill"],
             "action":"SCMP_ACT_ERRNO","args":[{"index":6,"value":1,"op":"SCMP_CMP_EQ"}]}]})");
       },
       "config.json: `linux.seccomp.syscalls[0].args[0].index`: want an integer from 0 to 5, got 6"},
      {"unknown seccomp architecture",
       [](json& j) {
         j["linux"]["seccomp"] = json::parse(R"({"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_Z80"]})");
       },
       "config.json: `linux.seccomp.architectures[0]`: unknown architecture `SCMP_ARCH_Z80`"},
      {"unknown seccomp flag",
       [](json& j) {
         j["linux"]["seccomp"] =
             json::parse(R"({"defaultAction":"SCMP_ACT_ALLOW","flags":["SECCOMP_FILTER_FLAG_FAST"]})");
       },
       "config.json: `linux.seccomp.flags[0]`: unknown flag `SECCOMP_FILTER_FLAG_FAST`"},
      {"relative mount destination",
       [](json& j) {
         j["mounts"] = json::parse(R"([{"destination":"/proc","type":"proc","source":"proc"},
             {"destination":"/dev","type":"tmpfs"},{"destination":"/sys","type":"sysfs"},
             {"destination":"data","type":"bind","source":"/srv"}])");
       },
       "config.json: `mounts[3].destination`: must be absolute"},
      {"mount without destination", [](json& j) { j["mounts"] = json::parse(R"([{"type":"proc"}])"); },
       "config.json: `mounts[0].destination`: missing (required)"},
      {"mount options not strings",
       [](json& j) { j["mounts"] = json::parse(R"([{"destination":"/x","options":"ro,nosuid"}])"); },
       "config.json: `mounts[0].options`: want an array of strings, got string"},
      {"relative cwd", [](json& j) { j["process"]["cwd"] = "home"; }, "config.json: `process.cwd`: must be absolute"},
      {"cwd missing", [](json& j) { j["process"].erase("cwd"); }, "config.json: `process.cwd`: missing (required)"},
      {"env entry without =", [](json& j) { j["process"]["env"] = {"A=1", "FOO"}; },
       "config.json: `process.env[1]`: want KEY=VALUE, got `FOO`"},
      {"env entry without a name", [](json& j) { j["process"]["env"] = {"=1"}; },
       "config.json: `process.env[0]`: want KEY=VALUE, got `=1`"},
      {"uid above 32 bits", [](json& j) { j["process"]["user"]["uid"] = 4294967296; },
       "config.json: `process.user.uid`: want an integer from 0 to 4294967295, got 4294967296"},
      {"negative gid", [](json& j) { j["process"]["user"]["gid"] = -1; },
       "config.json: `process.user.gid`: want an integer from 0 to 4294967295, got -1"},
      {"fractional uid", [](json& j) { j["process"]["user"]["uid"] = 1.5; },
       "config.json: `process.user.uid`: want an integer, got 1.5"},
      {"uid a string", [](json& j) { j["process"]["user"]["uid"] = "1000"; },
       "config.json: `process.user.uid`: want an integer, got string"},
      {"oomScoreAdj out of range", [](json& j) { j["process"]["oomScoreAdj"] = 2000; },
       "config.json: `process.oomScoreAdj`: want an integer from -1000 to 1000, got 2000"},
      {"consoleSize without width", [](json& j) { j["process"]["consoleSize"] = {{"height", 1}}; },
       "config.json: `process.consoleSize.width`: missing (required)"},
      {"ociVersion missing", [](json& j) { j.erase("ociVersion"); }, "config.json: `ociVersion`: missing (required)"},
      {"ociVersion 2", [](json& j) { j["ociVersion"] = "2.0.0"; },
       "config.json: `ociVersion`: unsupported version `2.0.0` (want 1.0.x or 1.1.x)"},
      {"ociVersion 1.1 without a patch", [](json& j) { j["ociVersion"] = "1.1"; },
       "config.json: `ociVersion`: unsupported version `1.1` (want 1.0.x or 1.1.x)"},
      {"ociVersion a number", [](json& j) { j["ociVersion"] = 1.0; },
       "config.json: `ociVersion`: want a string, got number"},
      {"hook with a relative path", [](json& j) { j["hooks"]["poststart"] = {{{"path", "hook.sh"}}}; },
       "config.json: `hooks.poststart[0].path`: must be absolute"},
      {"hook with a zero timeout",
       [](json& j) { j["hooks"]["createRuntime"] = {{{"path", "/bin/true"}, {"timeout", 0}}}; },
       "config.json: `hooks.createRuntime[0].timeout`: must be greater than zero, got 0"},
      {"annotation not a string", [](json& j) { j["annotations"] = {{"a", "b"}, {"n", 1}}; },
       "config.json: `annotations[\"n\"]`: want a string, got number"},
      {"device rule without access",
       [](json& j) { j["linux"]["resources"]["devices"] = json::parse(R"([{"allow":false}])"); },
       "config.json: `linux.resources.devices[0].access`: must not be empty"},
      {"device rule with a bad access",
       [](json& j) { j["linux"]["resources"]["devices"] = json::parse(R"([{"allow":true,"access":"rwx"}])"); },
       "config.json: `linux.resources.devices[0].access`: want some of `rwm`, got `rwx`"},
      {"device rule with a bad type",
       [](json& j) { j["linux"]["resources"]["devices"] = json::parse(R"([{"allow":true,"type":"p","access":"r"}])"); },
       "config.json: `linux.resources.devices[0].type`: unknown device type `p` (want a, b or c)"},
      {"pids without a limit", [](json& j) { j["linux"]["resources"]["pids"] = json::object(); },
       "config.json: `linux.resources.pids.limit`: missing (required)"},
      {"memory limit a string", [](json& j) { j["linux"]["resources"]["memory"] = {{"limit", "64Mi"}}; },
       "config.json: `linux.resources.memory.limit`: want an integer, got string"},
      {"device node without a major",
       [](json& j) { j["linux"]["devices"] = json::parse(R"([{"type":"c","path":"/dev/fuse","minor":229}])"); },
       "config.json: `linux.devices[0].major`: missing (required)"},
      {"device node of an unknown type",
       [](json& j) { j["linux"]["devices"] = json::parse(R"([{"type":"x","path":"/dev/x"}])"); },
       "config.json: `linux.devices[0].type`: unknown device type `x` (want c, b, u or p)"},
      {"unknown rootfsPropagation", [](json& j) { j["linux"]["rootfsPropagation"] = "sideways"; },
       "config.json: `linux.rootfsPropagation`: unknown propagation `sideways` "
       "(want private, rprivate, shared, rshared, slave, rslave, unbindable or runbindable)"},
      {"uid mapping without size",
       [](json& j) { j["linux"]["uidMappings"] = json::parse(R"([{"containerID":0,"hostID":1000}])"); },
       "config.json: `linux.uidMappings[0].size`: missing (required)"},
      {"sysctl value not a string", [](json& j) { j["linux"]["sysctl"] = {{"net.ipv4.ip_forward", 1}}; },
       "config.json: `linux.sysctl[\"net.ipv4.ip_forward\"]`: want a string, got number"},
      {"linux not an object", [](json& j) { j["linux"] = json::array(); },
       "config.json: `linux`: want an object, got array"},
  };
  for (const Case& c : cases) {
    DYNAMIC_SECTION(c.what) {
      json doc = minimal_config();
      c.mutate(doc);
      CHECK(parse_error(doc) == c.message);
    }
  }
}

TEST_CASE("text that is not a JSON object is refused with the parser's byte offset", "[unit][oci]") {
  CHECK(parse_error(std::string("{\"ociVersion\": }")) ==
        "config.json: invalid JSON at byte 16: syntax error while parsing value - unexpected '}'; "
        "expected '[', '{', or a literal");
  CHECK(parse_error(std::string("")) ==
        "config.json: invalid JSON at byte 1: syntax error while parsing value - unexpected end of input; "
        "expected '[', '{', or a literal");
  CHECK(parse_error(std::string("[1, 2]")) == "config.json: want a JSON object, got array");
  Result<Spec> spec = parse_spec("{", "/bundles/demo/config.json");
  REQUIRE_FALSE(spec);
  CHECK(spec.error().message ==
        "/bundles/demo/config.json: invalid JSON at byte 2: syntax error while parsing object key - "
        "unexpected end of input; expected string literal");
}

TEST_CASE("absent and empty optional sections mean different things", "[unit][oci]") {
  SECTION("no process.capabilities: no capability at all; an empty object: empty sets, present") {
    json doc = minimal_config();
    CHECK_FALSE(parse_ok(doc).process.capabilities);
    doc["process"]["capabilities"] = json::object();
    const Spec spec = parse_ok(doc);
    REQUIRE(spec.process.capabilities);
    CHECK(spec.process.capabilities->bounding.empty());
  }
  SECTION("no linux section, and an empty one") {
    json doc = minimal_config();
    CHECK_FALSE(parse_ok(doc).linux);
    doc["linux"] = json::object();
    const Spec spec = parse_ok(doc);
    REQUIRE(spec.linux);
    CHECK(spec.linux->namespaces.empty());
    CHECK_FALSE(spec.linux->resources);
    CHECK_FALSE(spec.linux->seccomp);
  }
  SECTION("seccomp: absent or without default action and rules is no filter (runc); otherwise a filter") {
    json doc = minimal_config();
    doc["linux"]["seccomp"] = json::object();
    CHECK_FALSE(parse_ok(doc).linux->seccomp);
    doc["linux"]["seccomp"]["defaultAction"] = "SCMP_ACT_ALLOW";
    const Spec spec = parse_ok(doc);
    REQUIRE(spec.linux->seccomp);
    CHECK(spec.linux->seccomp->syscalls.empty());
    CHECK_FALSE(spec.linux->seccomp->flags);  // absent: runc's default flags
    doc["linux"]["seccomp"]["flags"] = json::array();
    const Spec with_flags = parse_ok(doc);
    REQUIRE(with_flags.linux->seccomp->flags);  // present and empty: no flags at all
    CHECK(with_flags.linux->seccomp->flags->empty());
  }
  SECTION("resources: absent, and present with only some controllers") {
    json doc = minimal_config();
    doc["linux"]["resources"] = {{"memory", {{"limit", 1048576}}}};
    const Spec spec = parse_ok(doc);
    REQUIRE(spec.linux->resources);
    REQUIRE(spec.linux->resources->memory);
    CHECK(spec.linux->resources->memory->limit == 1048576);
    CHECK_FALSE(spec.linux->resources->memory->swap);
    CHECK_FALSE(spec.linux->resources->cpu);
    CHECK_FALSE(spec.linux->resources->pids);
  }
  SECTION("umask, oomScoreAdj, consoleSize and hook timeouts are unset when absent") {
    const Spec spec = parse_ok(minimal_config());
    CHECK_FALSE(spec.process.user.umask);
    CHECK_FALSE(spec.process.oomScoreAdj);
    CHECK_FALSE(spec.process.consoleSize);
    CHECK(spec.process.user.uid == 0);  // no user: root, as runc and crun take it
  }
  SECTION("null is read as absent, as Go's decoder reads it") {
    json doc = minimal_config();
    doc["process"]["capabilities"] = nullptr;
    doc["linux"] = {{"seccomp", nullptr}, {"namespaces", nullptr}};
    doc["hostname"] = nullptr;
    const Spec spec = parse_ok(doc);
    CHECK_FALSE(spec.process.capabilities);
    REQUIRE(spec.linux);
    CHECK_FALSE(spec.linux->seccomp);
    CHECK(spec.hostname.empty());
  }
}

TEST_CASE("unknown fields are ignored and versions 1.0.x and 1.1.x accepted", "[unit][oci]") {
  json doc = minimal_config();
  doc["vm"] = {{"hypervisor", {{"path", "/usr/bin/qemu"}}}};
  doc["process"]["ioPriority"] = {{"class", "IOPRIO_CLASS_RT"}};
  doc["linux"]["intelRdt"] = {{"closID", "x"}};
  CHECK(parse_ok(doc).process.args == std::vector<std::string>{"sh"});
  for (const char* version : {"1.0.0", "1.0.2", "1.0.2-dev", "1.1.0", "1.1.0-rc.3", "1.0.0-rc5+dev"}) {
    doc["ociVersion"] = version;
    CAPTURE(version);
    CHECK(parse_ok(doc).ociVersion == version);
  }
}

TEST_CASE("load_spec reads bundle/config.json; a missing file is NotFound naming it", "[unit][oci]") {
  TempDir bundle;
  Result<Spec> missing = load_spec(bundle.path());
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == ErrorCode::NotFound);
  CHECK(missing.error().message == "open `" + (bundle / "config.json").string() + "`: ENOENT");

  std::ofstream(bundle / "config.json") << default_spec_json();
  Result<Spec> spec = load_spec(bundle.path());
  REQUIRE(spec);
  CHECK(spec.value().hostname == "kubepp");

  std::ofstream(bundle / "config.json") << R"({"ociVersion": "1.0.2", "process": {"args": ["sh"], "cwd": "/"}})";
  Result<Spec> bad = load_spec(bundle.path());
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message == (bundle / "config.json").string() + ": `root`: missing (required)");
}

TEST_CASE("mount options map to runc's flags, propagation and data", "[unit][oci]") {
  SECTION("runc's default mounts") {
    MountFlags dev = parse_mount_options({"nosuid", "strictatime", "mode=755", "size=65536k"});
    CHECK(dev.flags == ul(MS_NOSUID, MS_STRICTATIME));
    CHECK(dev.data == "mode=755,size=65536k");
    CHECK_FALSE(dev.bind);
    CHECK(dev.propagation.empty());

    MountFlags pts = parse_mount_options({"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"});
    CHECK(pts.flags == ul(MS_NOSUID, MS_NOEXEC));
    CHECK(pts.data == "newinstance,ptmxmode=0666,mode=0620,gid=5");

    MountFlags cgroup = parse_mount_options({"nosuid", "noexec", "nodev", "relatime", "ro"});
    CHECK(cgroup.flags == ul(MS_NOSUID, MS_NOEXEC, MS_NODEV, MS_RELATIME, MS_RDONLY));
    CHECK(cgroup.data.empty());

    MountFlags none = parse_mount_options({});
    CHECK(none.flags == 0ul);
    CHECK(none.data.empty());
  }
  SECTION("bind and rbind, with propagation kept apart and in order") {
    MountFlags bind = parse_mount_options({"bind", "ro"});
    CHECK(bind.bind);
    CHECK(bind.flags == ul(MS_BIND, MS_RDONLY));
    MountFlags rbind = parse_mount_options({"rbind", "rprivate", "shared", "nodev"});
    CHECK(rbind.bind);
    CHECK(rbind.flags == ul(MS_BIND, MS_REC, MS_NODEV));
    CHECK(rbind.propagation == std::vector<unsigned long>{ul(MS_PRIVATE, MS_REC), ul(MS_SHARED)});
    MountFlags all = parse_mount_options({"private", "rslave", "slave", "rshared", "unbindable", "runbindable"});
    CHECK(all.flags == 0ul);
    CHECK(all.propagation == std::vector<unsigned long>{ul(MS_PRIVATE), ul(MS_SLAVE, MS_REC), ul(MS_SLAVE),
                                                        ul(MS_SHARED, MS_REC), ul(MS_UNBINDABLE),
                                                        ul(MS_UNBINDABLE, MS_REC)});
  }
  SECTION("a later option overrides an earlier one, and clearing is remembered") {
    MountFlags rw = parse_mount_options({"ro", "rw"});
    CHECK(rw.flags == 0ul);
    CHECK(rw.cleared == ul(MS_RDONLY));
    MountFlags ro = parse_mount_options({"rw", "ro"});
    CHECK(ro.flags == ul(MS_RDONLY));
    CHECK(ro.cleared == 0ul);
    CHECK(parse_mount_options({"nosuid", "suid"}).flags == 0ul);
    CHECK(parse_mount_options({"nodev", "dev"}).flags == 0ul);
    CHECK(parse_mount_options({"noexec", "exec"}).flags == 0ul);
    CHECK(parse_mount_options({"sync", "async"}).flags == 0ul);
    CHECK(parse_mount_options({"relatime", "norelatime"}).flags == 0ul);
    CHECK(parse_mount_options({"strictatime", "nostrictatime"}).flags == 0ul);
    CHECK(parse_mount_options({"noatime", "atime"}).flags == 0ul);
    CHECK(parse_mount_options({"nodiratime", "diratime"}).flags == 0ul);
    CHECK(parse_mount_options({"mand", "nomand"}).flags == 0ul);
  }
  SECTION("every flag of the table") {
    CHECK(parse_mount_options({"sync"}).flags == ul(MS_SYNCHRONOUS));
    CHECK(parse_mount_options({"remount"}).flags == ul(MS_REMOUNT));
    CHECK(parse_mount_options({"mand"}).flags == ul(MS_MANDLOCK));
    CHECK(parse_mount_options({"dirsync"}).flags == ul(MS_DIRSYNC));
    CHECK(parse_mount_options({"noatime"}).flags == ul(MS_NOATIME));
    CHECK(parse_mount_options({"nodiratime"}).flags == ul(MS_NODIRATIME));
    CHECK(parse_mount_options({"silent"}).flags == ul(MS_SILENT));
    CHECK(parse_mount_options({"iversion"}).flags == ul(MS_I_VERSION));
    CHECK(parse_mount_options({"lazytime"}).flags == ul(MS_LAZYTIME));
    CHECK(parse_mount_options({"nosymfollow"}).flags == ul(MS_NOSYMFOLLOW));
    CHECK(parse_mount_options({"defaults"}).flags == 0ul);
    CHECK(parse_mount_options({"defaults"}).data.empty());
  }
  SECTION("recursive attributes, tmpcopyup, and unknown options as data") {
    MountFlags rro = parse_mount_options({"rro", "rnosuid", "rnoatime"});
    CHECK(rro.rec_attr_set == ul(MOUNT_ATTR_RDONLY, MOUNT_ATTR_NOSUID, MOUNT_ATTR_NOATIME));
    CHECK(rro.rec_attr_clr == ul(MOUNT_ATTR__ATIME));  // mount_setattr(2) wants it with any atime setting
    CHECK(rro.flags == 0ul);
    MountFlags rrw = parse_mount_options({"rro", "rrw"});
    CHECK(rrw.rec_attr_set == 0ul);
    CHECK(rrw.rec_attr_clr == ul(MOUNT_ATTR_RDONLY));
    MountFlags tmp = parse_mount_options({"tmpcopyup", "size=1m", "uid=1000", "x-whatever"});
    CHECK(tmp.tmpcopyup);
    CHECK(tmp.data == "size=1m,uid=1000,x-whatever");
  }
}

TEST_CASE("rlimit, namespace and capability names come from the kernel's tables", "[unit][oci]") {
  CHECK(rlimit_resource("RLIMIT_NOFILE").value() == static_cast<int>(RLIMIT_NOFILE));
  CHECK(rlimit_resource("RLIMIT_NPROC").value() == static_cast<int>(RLIMIT_NPROC));
  CHECK(rlimit_resource("RLIMIT_RTTIME").value() == static_cast<int>(RLIMIT_RTTIME));
  CHECK(rlimit_resource("RLIMIT_FOO").error().message == "unknown rlimit `RLIMIT_FOO`");
  CHECK(rlimit_resource("nofile").error().code == ErrorCode::Invalid);

  CHECK(namespace_flag("pid").value() == CLONE_NEWPID);
  CHECK(namespace_flag("network").value() == CLONE_NEWNET);
  CHECK(namespace_flag("mount").value() == CLONE_NEWNS);
  CHECK(namespace_flag("ipc").value() == CLONE_NEWIPC);
  CHECK(namespace_flag("uts").value() == CLONE_NEWUTS);
  CHECK(namespace_flag("user").value() == CLONE_NEWUSER);
  CHECK(namespace_flag("cgroup").value() == CLONE_NEWCGROUP);
  CHECK(namespace_flag("time").value() == CLONE_NEWTIME);
  CHECK(namespace_flag("net").error().message ==
        "unknown namespace type `net` (want pid, network, mount, ipc, uts, user, cgroup, time)");

  CHECK(capability_mask({}).value() == 0);
  CHECK(capability_mask({"CAP_CHOWN", "CAP_KILL"}).value() == ((uint64_t{1} << 0) | (uint64_t{1} << 5)));
  CHECK(capability_mask({"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"}).value() ==
        ((uint64_t{1} << 29) | (uint64_t{1} << 5) | (uint64_t{1} << 10)));
  CHECK(capability_mask({"CAP_KILL", "CAP_FOO"}).error().message == "unknown capability `CAP_FOO`");
}

TEST_CASE("state_json prints exactly what runc state prints", "[unit][oci]") {
  State state;
  state.id = "demo";
  state.pid = 4242;
  state.status = "running";
  state.bundle = "/var/lib/bundles/demo";
  state.rootfs = "/var/lib/bundles/demo/rootfs";
  state.created = "2024-05-01T12:00:00.123456789Z";

  SECTION("without annotations the key is left out; owner is always there") {
    CHECK(state_json(state) ==
          "{\n"
          "  \"ociVersion\": \"1.0.2\",\n"
          "  \"id\": \"demo\",\n"
          "  \"pid\": 4242,\n"
          "  \"status\": \"running\",\n"
          "  \"bundle\": \"/var/lib/bundles/demo\",\n"
          "  \"rootfs\": \"/var/lib/bundles/demo/rootfs\",\n"
          "  \"created\": \"2024-05-01T12:00:00.123456789Z\",\n"
          "  \"owner\": \"\"\n"
          "}");
  }
  SECTION("annotations sorted by key, between created and owner") {
    state.annotations = {{"org.example/z", "last"}, {"io.kubernetes.cri.container-type", "container"}};
    state.status = "stopped";
    state.pid = 0;
    CHECK(state_json(state) ==
          "{\n"
          "  \"ociVersion\": \"1.0.2\",\n"
          "  \"id\": \"demo\",\n"
          "  \"pid\": 0,\n"
          "  \"status\": \"stopped\",\n"
          "  \"bundle\": \"/var/lib/bundles/demo\",\n"
          "  \"rootfs\": \"/var/lib/bundles/demo/rootfs\",\n"
          "  \"created\": \"2024-05-01T12:00:00.123456789Z\",\n"
          "  \"annotations\": {\n"
          "    \"io.kubernetes.cri.container-type\": \"container\",\n"
          "    \"org.example/z\": \"last\"\n"
          "  },\n"
          "  \"owner\": \"\"\n"
          "}");
  }
  SECTION("strings escaped as Go escapes them") {
    state.id = "a\"b\\c\n\t<x>&\x01 \xe2\x80\xa8 \xff é";
    const std::string text = state_json(state);
    CHECK(text.find(R"("id": "a\"b\\c\n\t\u003cx\u003e\u0026\u0001 \u2028 \ufffd é",)") != std::string::npos);
  }
  SECTION("the output parses as JSON with the same values") {
    state.annotations = {{"k", "v"}};
    const json parsed = json::parse(state_json(state));
    CHECK(parsed["pid"] == 4242);
    CHECK(parsed["annotations"]["k"] == "v");
    CHECK(parsed["owner"] == "");
  }
}

TEST_CASE("rfc3339_nano formats as Go's time.RFC3339Nano in UTC", "[unit][oci]") {
  using namespace std::chrono;
  const sys_days day = year{2024} / May / 1;
  CHECK(rfc3339_nano(day + 12h) == "2024-05-01T12:00:00Z");
  CHECK(rfc3339_nano(day + 12h + 123456789ns) == "2024-05-01T12:00:00.123456789Z");
  CHECK(rfc3339_nano(day + 12h + 120ms) == "2024-05-01T12:00:00.12Z");
  CHECK(rfc3339_nano(day + 23h + 59min + 59s + 1ns) == "2024-05-01T23:59:59.000000001Z");
  CHECK(rfc3339_nano(system_clock::time_point{}) == "1970-01-01T00:00:00Z");
}

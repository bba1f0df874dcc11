// spec_write.cpp — what kubepp writes as runc does: `runc spec`'s default config.json and
// `runc state`'s JSON (Go's encoding, byte for byte).
#include <ctime>
#include <nlohmann/json.hpp>

#include "runtime/oci/spec.h"

namespace kubepp::runtime::oci {

namespace {

// ---- Go's JSON encoding, for state_json ------------------------------------------------

// The length of the valid UTF-8 sequence at the start of `s`, or 0 when it is not one
// (Go's utf8.DecodeRuneInString rules: no overlong forms, no surrogates, ≤ U+10FFFF).
size_t utf8_length(std::string_view s) {
  const auto byte = [&](size_t i) { return i < s.size() ? static_cast<unsigned char>(s[i]) : 0u; };
  const auto cont = [&](size_t i, unsigned lo = 0x80, unsigned hi = 0xBF) { return byte(i) >= lo && byte(i) <= hi; };
  const unsigned b0 = byte(0);
  if (b0 < 0x80) return 1;
  if (b0 >= 0xC2 && b0 <= 0xDF) return cont(1) ? 2 : 0;
  if (b0 == 0xE0) return cont(1, 0xA0) && cont(2) ? 3 : 0;
  if (b0 == 0xED) return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;
  if (b0 >= 0xE1 && b0 <= 0xEF) return cont(1) && cont(2) ? 3 : 0;
  if (b0 == 0xF0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (b0 >= 0xF1 && b0 <= 0xF3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (b0 == 0xF4) return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

// `s` as a JSON string the way Go's encoding/json writes it: HTML-safe (<, >, & as
// \u003c, \u003e, \u0026), U+2028 and U+2029 escaped, invalid UTF-8 as \ufffd.
std::string go_quote(std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out = "\"";
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    const size_t n = utf8_length(s.substr(i));
    if (n == 0) {
      out += "\\ufffd";
      i += 1;
      continue;
    }
    if (n == 3 && c == 0xE2 && static_cast<unsigned char>(s[i + 1]) == 0x80 &&
        (static_cast<unsigned char>(s[i + 2]) == 0xA8 || static_cast<unsigned char>(s[i + 2]) == 0xA9)) {
      out += static_cast<unsigned char>(s[i + 2]) == 0xA8 ? "\\u2028" : "\\u2029";
    } else if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\r') {
      out += "\\r";
    } else if (c == '\t') {
      out += "\\t";
    } else if (c == '\b') {
      out += "\\b";
    } else if (c == '\f') {
      out += "\\f";
    } else if (c < 0x20 || c == '<' || c == '>' || c == '&') {
      out += "\\u00";
      out += kHex[c >> 4];
      out += kHex[c & 0xF];
    } else {
      out.append(s.substr(i, n));
    }
    i += n;
  }
  return out + "\"";
}

}  // namespace

std::string default_spec_json() {
  using ojson = nlohmann::ordered_json;
  const auto list = [](std::initializer_list<const char*> items) {
    ojson out = ojson::array();
    for (const char* s : items) out.push_back(s);
    return out;
  };
  // runc's default capabilities. runc ≤ 1.1.1 also put them in inheritable and ambient;
  // 1.1.2 dropped inheritable (CVE-2022-29162) and later runc ambient too (an ambient
  // capability must be inheritable). kubepp writes what current runc writes.
  const ojson caps = list({"CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"});
  const auto mount_entry = [&](const char* destination, const char* type, const char* source,
                         std::initializer_list<const char*> options) {
    ojson m = {{"destination", destination}, {"type", type}, {"source", source}};
    if (options.size() > 0) m["options"] = list(options);
    return m;
  };
  ojson namespaces = ojson::array();
  for (const char* type : {"pid", "network", "ipc", "uts", "mount", "cgroup"}) namespaces.push_back({{"type", type}});

  ojson spec;
  spec["ociVersion"] = kOciVersion;
  spec["process"] = {
      {"terminal", true},
      {"user", {{"uid", 0}, {"gid", 0}}},
      {"args", list({"sh"})},
      {"env", list({"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm"})},
      {"cwd", "/"},
      {"capabilities", {{"bounding", caps}, {"effective", caps}, {"permitted", caps}}},
      {"rlimits", ojson::array({{{"type", "RLIMIT_NOFILE"}, {"hard", 1024}, {"soft", 1024}}})},
      {"noNewPrivileges", true},
  };
  spec["root"] = {{"path", "rootfs"}, {"readonly", true}};
  spec["hostname"] = "kubepp";
  spec["mounts"] = ojson::array({
      mount_entry("/proc", "proc", "proc", {}),
      mount_entry("/dev", "tmpfs", "tmpfs", {"nosuid", "strictatime", "mode=755", "size=65536k"}),
      mount_entry("/dev/pts", "devpts", "devpts",
                  {"nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"}),
      mount_entry("/dev/shm", "tmpfs", "shm", {"nosuid", "noexec", "nodev", "mode=1777", "size=65536k"}),
      mount_entry("/dev/mqueue", "mqueue", "mqueue", {"nosuid", "noexec", "nodev"}),
      mount_entry("/sys", "sysfs", "sysfs", {"nosuid", "noexec", "nodev", "ro"}),
      mount_entry("/sys/fs/cgroup", "cgroup", "cgroup", {"nosuid", "noexec", "nodev", "relatime", "ro"}),
  });
  spec["linux"] = {
      {"resources", {{"devices", ojson::array({{{"allow", false}, {"access", "rwm"}}})}}},
      {"namespaces", namespaces},
      {"maskedPaths", list({"/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
                            "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware",
                            "/proc/scsi", "/sys/devices/virtual/tpm"})},
      {"readonlyPaths", list({"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"})},
  };
  return spec.dump(1, '\t');  // runc: json.MarshalIndent(spec, "", "\t"), no newline at the end
}

std::string state_json(const State& state) {
  std::string out = "{\n";
  const auto field = [&](const char* name, const std::string& value) {
    out += "  \"" + std::string(name) + "\": " + value + ",\n";
  };
  field("ociVersion", go_quote(state.ociVersion));
  field("id", go_quote(state.id));
  field("pid", std::to_string(state.pid));
  field("status", go_quote(state.status));
  field("bundle", go_quote(state.bundle));
  field("rootfs", go_quote(state.rootfs));
  field("created", go_quote(state.created));
  if (!state.annotations.empty()) {  // `json:"annotations,omitempty"`; Go sorts map keys
    std::string annotations = "{\n";
    for (auto it = state.annotations.begin(); it != state.annotations.end(); ++it) {
      annotations += "    " + go_quote(it->first) + ": " + go_quote(it->second);
      annotations += std::next(it) == state.annotations.end() ? "\n" : ",\n";
    }
    field("annotations", annotations + "  }");
  }
  out += "  \"owner\": " + go_quote(state.owner) + "\n}";
  return out;
}

std::string rfc3339_nano(std::chrono::system_clock::time_point time) {
  namespace chrono = std::chrono;
  const auto since_epoch = chrono::duration_cast<chrono::nanoseconds>(time.time_since_epoch());
  const auto whole = chrono::floor<chrono::seconds>(since_epoch);
  const time_t t = static_cast<time_t>(whole.count());
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &tm);
  std::string out = text;
  std::string fraction = std::to_string((since_epoch - whole).count());
  fraction.insert(0, 9 - fraction.size(), '0');
  while (!fraction.empty() && fraction.back() == '0') fraction.pop_back();
  if (!fraction.empty()) out += "." + fraction;
  return out + "Z";
}

}  // namespace kubepp::runtime::oci

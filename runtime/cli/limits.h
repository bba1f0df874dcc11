// limits.h — the resource flags of `kubepp run`: --memory 64Mi, --cpus 0.5, --pids 64.
//
// The flags are Kubernetes quantities, read by the object model's parser
// (cluster/api/quantity.h) and then narrowed to the forms a flag takes: bytes with a
// binary (Ki Mi Gi Ti) or decimal (k M G T) suffix or an exponent (1e9), and CPUs as cores
// ("0.5", "2") or millicores ("500m"). Values are exact: "1.5Gi" is 1610612736 bytes.
#pragma once

#include <cstdint>
#include <string>

#include "runtime/base/result.h"

namespace kubepp::cli {

/// Bytes in "67108864", "64Mi", "1G". Invalid names the flag and the rule.
Result<int64_t> parse_memory(const std::string& flag, const std::string& text);

/// Millicores in "0.5" (500), "2" (2000), "250m" (250).
Result<int64_t> parse_cpus(const std::string& flag, const std::string& text);

/// A positive count, "64".
Result<int64_t> parse_count(const std::string& flag, const std::string& text);

/// The least memory limit `kubepp run` accepts, as docker run does: below it a
/// container cannot even start its first process.
inline constexpr int64_t kMinMemoryBytes = 6 * 1024 * 1024;

}  // namespace kubepp::cli

#include "runtime/cli/limits.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <utility>

namespace kubepp::cli {

namespace {

Error invalid(const std::string& flag, const std::string& text, const std::string& rule) {
  return Error{ErrorCode::Invalid, "--" + flag + " `" + text + "`: " + rule};
}

// The number at the front of `text` and the rest, or nothing when there is no number.
bool split_number(const std::string& text, double& number, std::string& suffix) {
  if (text.empty() || !(std::isdigit(static_cast<unsigned char>(text[0])) || text[0] == '.')) return false;
  char* end = nullptr;
  number = std::strtod(text.c_str(), &end);
  suffix = end;
  return std::isfinite(number);
}

}  // namespace

Result<int64_t> parse_memory(const std::string& flag, const std::string& text) {
  static const std::pair<const char*, double> kSuffixes[] = {
      {"", 1},       {"k", 1e3},           {"M", 1e6},           {"G", 1e9},           {"T", 1e12},
      {"Ki", 1024.0}, {"Mi", 1048576.0}, {"Gi", 1073741824.0}, {"Ti", 1099511627776.0}};
  double number = 0;
  std::string suffix;
  if (split_number(text, number, suffix)) {
    for (const auto& [name, factor] : kSuffixes) {
      if (suffix != name) continue;
      const double bytes = number * factor;
      if (bytes != std::floor(bytes)) return invalid(flag, text, "not a whole number of bytes");
      if (bytes < kMinMemoryBytes) return invalid(flag, text, "below the least memory limit, 6Mi");
      if (bytes > 9.2e18) return invalid(flag, text, "too large");
      return static_cast<int64_t>(bytes);
    }
  }
  return invalid(flag, text, "want bytes, optionally with a suffix Ki, Mi, Gi, Ti, k, M, G or T (64Mi)");
}

Result<int64_t> parse_cpus(const std::string& flag, const std::string& text) {
  double number = 0;
  std::string suffix;
  if (!split_number(text, number, suffix) || (suffix != "" && suffix != "m")) {
    return invalid(flag, text, "want CPUs (0.5, 2) or millicores (500m)");
  }
  const double millis = suffix == "m" ? number : number * 1000;
  if (millis != std::floor(millis)) return invalid(flag, text, "finer than one millicore");
  if (millis < 1) return invalid(flag, text, "must be at least 1m");
  if (millis > 1e9) return invalid(flag, text, "too large");
  return static_cast<int64_t>(millis);
}

Result<int64_t> parse_count(const std::string& flag, const std::string& text) {
  double number = 0;
  std::string suffix;
  if (!split_number(text, number, suffix) || !suffix.empty() || number != std::floor(number) || number < 1 ||
      number > 4194304) {
    return invalid(flag, text, "want a whole number from 1 to 4194304");
  }
  return static_cast<int64_t>(number);
}

}  // namespace kubepp::cli

#include "runtime/cli/limits.h"

#include <cctype>
#include <cmath>
#include <cstdlib>
#include <optional>
#include <set>
#include <utility>

#include "cluster/api/quantity.h"

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

// `text` as a Kubernetes quantity written without a sign and with at least one digit
// ("64Mi", ".5Gi", "1e9"; not "-64Mi", "+1", "Mi" or "."), and `suffix`, what follows its
// digits and point. Nothing when it is not such a quantity.
std::optional<api::Quantity> unsigned_quantity(const std::string& text, std::string& suffix) {
  size_t number_end = text.find_first_not_of("0123456789.");
  if (text.substr(0, number_end).find_first_of("0123456789") == std::string::npos) return std::nullopt;
  suffix = number_end == std::string::npos ? "" : text.substr(number_end);
  Result<api::Quantity> q = api::Quantity::parse(text);
  if (!q) return std::nullopt;
  return std::move(q).value();
}

// "e9", "E-3": a decimal exponent (not "E", exa, nor "Ei").
bool is_exponent(const std::string& suffix) {
  return suffix.size() > 1 && (suffix[0] == 'e' || suffix[0] == 'E') && suffix[1] != 'i';
}

}  // namespace

Result<int64_t> parse_memory(const std::string& flag, const std::string& text) {
  static const std::set<std::string> kSuffixes = {"", "k", "M", "G", "T", "Ki", "Mi", "Gi", "Ti"};
  std::string suffix;
  std::optional<api::Quantity> q = unsigned_quantity(text, suffix);
  if (!q || !(kSuffixes.count(suffix) || is_exponent(suffix))) {
    return invalid(flag, text, "want bytes, optionally with a suffix Ki, Mi, Gi, Ti, k, M, G or T (64Mi)");
  }
  if (!q->round_up(0)) return invalid(flag, text, "not a whole number of bytes");
  const int64_t bytes = q->value();  // saturates past int64
  if (bytes < kMinMemoryBytes) return invalid(flag, text, "below the least memory limit, 6Mi");
  if (bytes > 9200000000000000000) return invalid(flag, text, "too large");
  return bytes;
}

Result<int64_t> parse_cpus(const std::string& flag, const std::string& text) {
  std::string suffix;
  std::optional<api::Quantity> q = unsigned_quantity(text, suffix);
  if (!q || !(suffix.empty() || suffix == "m" || is_exponent(suffix))) {
    return invalid(flag, text, "want CPUs (0.5, 2) or millicores (500m)");
  }
  if (!q->round_up(api::kMilli)) return invalid(flag, text, "finer than one millicore");
  const int64_t millis = q->milli_value();  // saturates past int64
  if (millis < 1) return invalid(flag, text, "must be at least 1m");
  if (millis > 1000000000) return invalid(flag, text, "too large");
  return millis;
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

#include "runtime/cli/humanize.h"

#include <cstdio>
#include <ctime>

namespace kubepp::cli {

long seconds_since(const std::string& timestamp) {
  std::tm tm{};
  if (timestamp.size() < 19 || !::strptime(timestamp.c_str(), "%Y-%m-%dT%H:%M:%S", &tm)) return -1;
  return static_cast<long>(std::time(nullptr) - ::timegm(&tm));
}

std::string human_duration(long seconds) {
  auto count = [](long n, const char* unit) { return std::to_string(n) + " " + unit + (n == 1 ? "" : "s"); };
  const long hours = seconds / 3600;
  if (seconds < 1) return "Less than a second";
  if (seconds < 60) return count(seconds, "second");
  if (seconds < 120) return "About a minute";
  if (seconds < 3600) return count(seconds / 60, "minute");
  if (seconds < 7200) return "About an hour";
  if (hours < 48) return count(hours, "hour");
  if (hours < 24 * 7 * 2) return count(hours / 24, "day");
  if (hours < 24 * 30 * 2) return count(hours / 24 / 7, "week");
  if (hours < 24 * 365 * 2) return count(hours / 24 / 30, "month");
  return count(hours / 24 / 365, "year");
}

std::string human_size(uint64_t bytes) {
  static const char* units[] = {"B", "kB", "MB", "GB", "TB", "PB"};
  double size = static_cast<double>(bytes);
  int unit = 0;
  while (size >= 1000 && unit < 5) {
    size /= 1000;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3g%s", size, units[unit]);
  return buf;
}

}  // namespace kubepp::cli

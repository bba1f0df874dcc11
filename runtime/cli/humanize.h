// humanize.h — durations and sizes as `docker ps` and `docker images` print them.
#pragma once

#include <cstdint>
#include <string>

namespace kubepp::cli {

/// Seconds from an RFC 3339 UTC timestamp ("2026-11-27T06:27:16.123Z") to now; -1 when
/// it does not parse.
long seconds_since(const std::string& timestamp);

/// Docker's HumanDuration: "Less than a second", "1 second", "About a minute",
/// "5 minutes", "About an hour", "3 hours", "4 days", "3 weeks", "5 months", "6 years".
std::string human_duration(long seconds);

/// Docker's HumanSize: decimal units, three significant digits: "932B", "4.26MB", "1.2GB".
std::string human_size(uint64_t bytes);

}  // namespace kubepp::cli

// cron.h — the schedule language of a CronJob's spec.schedule, read as the API server and
// the CronJob controller read it (github.com/robfig/cron/v3, ParseStandard, which
// Kubernetes vendors), and Go's time.ParseDuration and time.LoadLocation, whose error
// texts reach the user through it.
//
// A standard schedule is five fields, separated by spaces:
//
//   minute (0-59)  hour (0-23)  day of month (1-31)  month (1-12, JAN-DEC)  day of week (0-6, SUN-SAT)
//
// Each field is a comma-separated list of ranges; a range is `*` or `?` (every value),
// `N`, or `N-M`, optionally followed by `/STEP` (`N/STEP` means N to the field's maximum).
// Names are case-insensitive. Instead of the five fields a schedule may be a descriptor:
// `@yearly` (`@annually`), `@monthly`, `@weekly`, `@daily` (`@midnight`), `@hourly`, or
// `@every <duration>` (`@every 1h30m`). A leading `TZ=<zone> ` or `CRON_TZ=<zone> ` names
// the time zone; CronJob validation rejects it in favour of spec.timeZone.
//
// Examples: `*/5 * * * *` every five minutes; `0 9 * * MON-FRI` weekdays at nine;
// `30 2 1 JAN,JUL *` half past two on the first of January and July.
//
// Errors carry robfig/cron's messages word for word ("end of range (60) above maximum
// (59): 0-60", "expected exactly 5 fields, found 4: [* * * *]"); the CronJob controller
// reports an unparseable schedule as `unparseable schedule: "<schedule>" : <message>`.
//
// Everything here is pure except time_zone_error(), which looks the zone up in
// /usr/share/zoneinfo as Go's time.LoadLocation does on Linux.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "runtime/base/result.h"

namespace kubepp::api {

/// A parsed schedule (robfig/cron's SpecSchedule, or ConstantDelaySchedule for `@every`).
/// Bit N of a field is set when value N is in it (minute 0-59, hour 0-23, day of month
/// 1-31, month 1-12, day of week 0-6 with 0 = Sunday).
struct CronSchedule {
  std::uint64_t minute = 0;
  std::uint64_t hour = 0;
  std::uint64_t day_of_month = 0;
  std::uint64_t month = 0;
  std::uint64_t day_of_week = 0;
  /// The day field was `*` or `?` (robfig's starBit): cron then matches on the other day
  /// field alone, not on either.
  bool day_of_month_star = false;
  bool day_of_week_star = false;
  /// Set for `@every <duration>`: run every this long (at least one second).
  std::optional<std::chrono::nanoseconds> every;
  /// The zone of a `TZ=` or `CRON_TZ=` prefix, "" when there is none.
  std::string time_zone;
};

/// Parses a standard schedule (robfig/cron's ParseStandard). Fails with ErrorCode::Invalid
/// and robfig/cron's message.
Result<CronSchedule> parse_cron_schedule(std::string_view spec);

/// Go's time.ParseDuration: a signed sequence of decimal numbers, each with an optional
/// fraction and a unit (`ns`, `us` or `µs`, `ms`, `s`, `m`, `h`): "300ms", "-1.5h",
/// "2h45m". Fails with Go's message (`time: unknown unit "x" in duration "1x"`).
Result<std::chrono::nanoseconds> parse_go_duration(std::string_view text);

/// What Go's time.LoadLocation says of `name`: nothing for "", "UTC", "Local" and a zone
/// found in /usr/share/zoneinfo; otherwise its error ("unknown time zone Mars/Olympus",
/// "time: invalid location name", "malformed time zone information"). When the machine
/// has no /usr/share/zoneinfo every well-formed name is accepted.
std::optional<std::string> time_zone_error(std::string_view name);

}  // namespace kubepp::api

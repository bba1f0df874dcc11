// cron_test.cpp — CronJob schedules read as robfig/cron/v3's ParseStandard reads them,
// durations as Go's time.ParseDuration, zones as time.LoadLocation: values and messages.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <chrono>
#include <limits>
#include <string>
#include <vector>

#include "cluster/api/validation/cron.h"

using namespace kubepp::api;
using kubepp::Result;
using namespace std::chrono_literals;

namespace {

// The bits of the listed values.
std::uint64_t bits(std::initializer_list<int> values) {
  std::uint64_t b = 0;
  for (int v : values) b |= std::uint64_t{1} << v;
  return b;
}

std::uint64_t range(int from, int to, int step = 1) {
  std::uint64_t b = 0;
  for (int v = from; v <= to; v += step) b |= std::uint64_t{1} << v;
  return b;
}

CronSchedule parsed(const std::string& spec) {
  Result<CronSchedule> s = parse_cron_schedule(spec);
  INFO(spec << ": " << (s ? "" : s.error().message));
  REQUIRE(s.ok());
  return s.value();
}

std::string parse_error(const std::string& spec) {
  Result<CronSchedule> s = parse_cron_schedule(spec);
  return s ? "(valid)" : s.error().message;
}

}  // namespace

TEST_CASE("a standard schedule sets the bits of each field", "[unit][validation][cron]") {
  SECTION("every five minutes") {
    CronSchedule s = parsed("*/5 * * * *");
    CHECK(s.minute == range(0, 55, 5));
    CHECK(s.hour == range(0, 23));
    CHECK(s.day_of_month == range(1, 31));
    CHECK(s.month == range(1, 12));
    CHECK(s.day_of_week == range(0, 6));
    CHECK(s.day_of_month_star);
    CHECK(s.day_of_week_star);
    CHECK(!s.every);
  }
  SECTION("weekdays at nine, by name") {
    CronSchedule s = parsed("0 9 * * MON-FRI");
    CHECK(s.minute == bits({0}));
    CHECK(s.hour == bits({9}));
    CHECK(s.day_of_week == range(1, 5));
    CHECK(!s.day_of_week_star);
  }
  SECTION("lists, names in any case") {
    CronSchedule s = parsed("30 2 1,15 jan,JUL *");
    CHECK(s.day_of_month == bits({1, 15}));
    CHECK(s.month == bits({1, 7}));
  }
  SECTION("N/step runs from N to the maximum") { CHECK(parsed("5/15 * * * *").minute == bits({5, 20, 35, 50})); }
  SECTION("a range with a step") { CHECK(parsed("* 1-10/3 * * *").hour == bits({1, 4, 7, 10})); }
  SECTION("a step past the range leaves the start alone") { CHECK(parsed("*/61 * * * *").minute == bits({0})); }
  SECTION("? is *") { CHECK(parsed("? * * * ?").day_of_week_star); }
  SECTION("a star with a step over 1 is no longer a star") { CHECK(!parsed("* * * * */2").day_of_week_star); }
  SECTION("empty list items are skipped") { CHECK(parsed("1,,2 * * * *").minute == bits({1, 2})); }
  SECTION("a leading + is a number") { CHECK(parsed("+5 * * * *").minute == bits({5})); }
  SECTION("the boundaries of each field") {
    CronSchedule s = parsed("0-59 0-23 1-31 1-12 0-6");
    CHECK(s.minute == range(0, 59));
    CHECK(s.day_of_week == range(0, 6));
  }
  SECTION("a time zone prefix") {
    CronSchedule s = parsed("TZ=UTC 0 0 * * *");
    CHECK(s.time_zone == "UTC");
    CHECK(s.hour == bits({0}));
    CHECK(parsed("CRON_TZ=UTC @daily").time_zone == "UTC");
  }
}

TEST_CASE("descriptors", "[unit][validation][cron]") {
  CronSchedule yearly = parsed("@yearly");
  CHECK(yearly.minute == bits({0}));
  CHECK(yearly.hour == bits({0}));
  CHECK(yearly.day_of_month == bits({1}));
  CHECK(yearly.month == bits({1}));
  CHECK(parsed("@annually").month == bits({1}));
  CHECK(parsed("@monthly").month == range(1, 12));
  CHECK(parsed("@monthly").day_of_month == bits({1}));
  CHECK(parsed("@weekly").day_of_week == bits({0}));
  CHECK(parsed("@daily").hour == bits({0}));
  CHECK(parsed("@midnight").day_of_month == range(1, 31));
  CHECK(parsed("@hourly").hour == range(0, 23));
  CHECK(parsed("@every 1h30m").every == 90min);
  CHECK(parsed("@every 90s").every == 90s);
  SECTION("@every rounds down to whole seconds, at least one") {
    CHECK(parsed("@every 1.5s").every == 1s);
    CHECK(parsed("@every 500ms").every == 1s);
    CHECK(parsed("@every -1h").every == 1s);
  }
}

TEST_CASE("schedules robfig/cron rejects, with its messages", "[unit][validation][cron]") {
  struct Case {
    std::string spec;
    std::string want;
  };
  const std::vector<Case> cases = {
      {"", "empty spec string"},
      {"* * * *", "expected exactly 5 fields, found 4: [* * * *]"},
      {"* * * * * *", "expected exactly 5 fields, found 6: [* * * * * *]"},
      {" @daily", "expected exactly 5 fields, found 1: [@daily]"},
      {"60 * * * *", "end of range (60) above maximum (59): 60"},
      {"* 24 * * *", "end of range (24) above maximum (23): 24"},
      {"* * 0 * *", "beginning of range (0) below minimum (1): 0"},
      {"* * 32 * *", "end of range (32) above maximum (31): 32"},
      {"* * * 0 *", "beginning of range (0) below minimum (1): 0"},
      {"* * * 13 *", "end of range (13) above maximum (12): 13"},
      {"* * * * 7", "end of range (7) above maximum (6): 7"},
      {"0-60 * * * *", "end of range (60) above maximum (59): 0-60"},
      {"5-1 * * * *", "beginning of range (5) beyond end of range (1): 5-1"},
      {"1-2-3 * * * *", "too many hyphens: 1-2-3"},
      {"*/2/3 * * * *", "too many slashes: */2/3"},
      {"*/0 * * * *", "step of range should be a positive number: */0"},
      {"a * * * *", "failed to parse int from a: strconv.Atoi: parsing \"a\": invalid syntax"},
      {"-5 * * * *", "failed to parse int from : strconv.Atoi: parsing \"\": invalid syntax"},
      {"*/-1 * * * *", "negative number (-1) not allowed: -1"},
      {"99999999999999999999 * * * *",
       "failed to parse int from 99999999999999999999: strconv.Atoi: parsing \"99999999999999999999\": value out of "
       "range"},
      {"* * * FOO *", "failed to parse int from FOO: strconv.Atoi: parsing \"FOO\": invalid syntax"},
      {"* * * * MON-FOO", "failed to parse int from FOO: strconv.Atoi: parsing \"FOO\": invalid syntax"},
      {"@foo", "unrecognized descriptor: @foo"},
      {"@daily ", "unrecognized descriptor: @daily "},
      {"@every", "unrecognized descriptor: @every"},
      {"@every 1x", "failed to parse duration @every 1x: time: unknown unit \"x\" in duration \"1x\""},
      {"@every 1", "failed to parse duration @every 1: time: missing unit in duration \"1\""},
      {"@every ", "failed to parse duration @every : time: invalid duration \"\""},
      {"TZ=UTC ", "expected exactly 5 fields, found 0: []"},
      {"TZ=../x * * * * *", "provided bad location ../x: time: invalid location name"},
  };
  for (const Case& c : cases) {
    INFO(c.spec);
    CHECK(parse_error(c.spec) == c.want);
  }
}

TEST_CASE("Go durations", "[unit][validation][cron]") {
  struct Case {
    std::string text;
    std::chrono::nanoseconds want;
  };
  const std::vector<Case> valid = {
      {"0", 0ns},
      {"+0", 0ns},
      {"1h30m", 90min},
      {"300ms", 300ms},
      {"-1.5h", -90min},
      {".5s", 500ms},
      {"1.s", 1s},
      {"1us", 1us},
      {"1\xc2\xb5s", 1us},
      {"1\xce\xbcs", 1us},
      {"2h45m10.5s", 2h + 45min + 10500ms},
      {"9223372036854775807ns", std::chrono::nanoseconds(9223372036854775807)},
      {"-9223372036854775808ns", std::chrono::nanoseconds(std::numeric_limits<std::int64_t>::min())},
  };
  for (const Case& c : valid) {
    INFO(c.text);
    Result<std::chrono::nanoseconds> d = parse_go_duration(c.text);
    REQUIRE(d.ok());
    CHECK(d.value() == c.want);
  }
  struct Bad {
    std::string text;
    std::string want;
  };
  const std::vector<Bad> invalid = {
      {"", "time: invalid duration \"\""},
      {".", "time: invalid duration \".\""},
      {"-", "time: invalid duration \"-\""},
      {"1", "time: missing unit in duration \"1\""},
      {"1e3s", "time: unknown unit \"e\" in duration \"1e3s\""},
      {"1d", "time: unknown unit \"d\" in duration \"1d\""},
      {"s", "time: invalid duration \"s\""},
      {"9223372036854775808ns", "time: invalid duration \"9223372036854775808ns\""},
      {"1\xe2\x82\xac", "time: unknown unit \"\\xe2\\x82\\xac\" in duration \"1\\xe2\\x82\\xac\""},
  };
  for (const Bad& c : invalid) {
    INFO(c.text);
    Result<std::chrono::nanoseconds> d = parse_go_duration(c.text);
    REQUIRE(!d.ok());
    CHECK(d.error().message == c.want);
  }
}

TEST_CASE("time zones as Go's LoadLocation finds them", "[unit][validation][cron]") {
  CHECK(!time_zone_error(""));
  CHECK(!time_zone_error("UTC"));
  CHECK(!time_zone_error("Local"));
  CHECK(time_zone_error("../etc/passwd") == "time: invalid location name");
  CHECK(time_zone_error("/etc/localtime") == "time: invalid location name");
  CHECK(time_zone_error("Europe/..") == "time: invalid location name");
  struct stat st {};
  if (::stat("/usr/share/zoneinfo/Europe/Berlin", &st) != 0) {
    WARN("no /usr/share/zoneinfo: zone lookups not tested");
    return;
  }
  CHECK(!time_zone_error("Europe/Berlin"));
  CHECK(!time_zone_error("America/Argentina/Buenos_Aires"));
  CHECK(time_zone_error("Mars/Olympus") == "unknown time zone Mars/Olympus");
  CHECK(time_zone_error("Europe") == "unknown time zone Europe");
  if (::stat("/usr/share/zoneinfo/zone.tab", &st) == 0) {
    CHECK(time_zone_error("zone.tab") == "malformed time zone information");
  }
}

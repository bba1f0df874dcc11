// cron.cpp — robfig/cron/v3's standard parser, Go's time.ParseDuration and the error
// cases of time.LoadLocation, with their messages.
#include "cluster/api/validation/cron.h"

#include <sys/stat.h>

#include <array>
#include <cstdio>
#include <fstream>
#include <limits>
#include <vector>

#include "cluster/api/field.h"
#include "runtime/base/strings.h"

namespace kubepp::api {

namespace {

Error invalid_error(std::string message) { return Error{ErrorCode::Invalid, std::move(message)}; }

// ---- Go's strconv.Atoi --------------------------------------------------------------

// strconv.Atoi on 64-bit: an optional sign and decimal digits, within int64.
Result<std::int64_t> go_atoi(std::string_view s) {
  const std::string syntax = "strconv.Atoi: parsing " + quoted(s) + ": invalid syntax";
  std::string_view digits = s;
  bool negative = false;
  if (!digits.empty() && (digits[0] == '+' || digits[0] == '-')) {
    negative = digits[0] == '-';
    digits.remove_prefix(1);
  }
  if (digits.empty()) return invalid_error(syntax);
  std::uint64_t n = 0;
  bool overflow = false;
  for (char c : digits) {
    if (c < '0' || c > '9') return invalid_error(syntax);
    if (n > (std::numeric_limits<std::uint64_t>::max() - 9) / 10) overflow = true;
    if (!overflow) n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  const std::uint64_t limit = negative ? std::uint64_t{1} << 63 : (std::uint64_t{1} << 63) - 1;
  if (overflow || n > limit) return invalid_error("strconv.Atoi: parsing " + quoted(s) + ": value out of range");
  if (negative) {
    return n == (std::uint64_t{1} << 63) ? std::numeric_limits<std::int64_t>::min() : -static_cast<std::int64_t>(n);
  }
  return static_cast<std::int64_t>(n);
}

// ---- robfig/cron's fields -----------------------------------------------------------

struct Bounds {
  std::uint64_t min;
  std::uint64_t max;
  std::vector<std::pair<std::string_view, std::uint64_t>> names;  // lower case
};

const Bounds kMinutes{0, 59, {}};
const Bounds kHours{0, 23, {}};
const Bounds kDayOfMonth{1, 31, {}};
const Bounds kMonths{1,
                     12,
                     {{"jan", 1},
                      {"feb", 2},
                      {"mar", 3},
                      {"apr", 4},
                      {"may", 5},
                      {"jun", 6},
                      {"jul", 7},
                      {"aug", 8},
                      {"sep", 9},
                      {"oct", 10},
                      {"nov", 11},
                      {"dec", 12}}};
const Bounds kDayOfWeek{0, 6, {{"sun", 0}, {"mon", 1}, {"tue", 2}, {"wed", 3}, {"thu", 4}, {"fri", 5}, {"sat", 6}}};

// mustParseInt: a non-negative decimal.
Result<std::uint64_t> must_parse_int(std::string_view expr) {
  Result<std::int64_t> n = go_atoi(expr);
  if (!n) return invalid_error("failed to parse int from " + std::string(expr) + ": " + n.error().message);
  if (n.value() < 0) {
    return invalid_error("negative number (" + std::to_string(n.value()) + ") not allowed: " + std::string(expr));
  }
  return static_cast<std::uint64_t>(n.value());
}

// parseIntOrName: a name of the field (case-insensitive) or a number.
Result<std::uint64_t> parse_int_or_name(std::string_view expr, const Bounds& bounds) {
  std::string lower(expr);
  for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  for (const auto& [name, value] : bounds.names) {
    if (name == lower) return value;
  }
  return must_parse_int(expr);
}

// The values of one field and whether it was a plain `*` or `?` (robfig's starBit).
struct FieldBits {
  std::uint64_t bits = 0;
  bool star = false;
};

std::uint64_t get_bits(std::uint64_t min, std::uint64_t max, std::uint64_t step) {
  std::uint64_t bits = 0;
  for (std::uint64_t i = min; i <= max; i += step) bits |= std::uint64_t{1} << i;
  return bits;
}

// getRange: `*`, `?`, N or N-M, then an optional /STEP.
Result<FieldBits> get_range(std::string_view expr, const Bounds& bounds) {
  std::vector<std::string_view> range_and_step = split(expr, '/');
  std::vector<std::string_view> low_and_high = split(range_and_step[0], '-');
  const bool single = low_and_high.size() == 1;
  std::uint64_t start = 0, end = 0, step = 1;
  bool star = false;
  if (low_and_high[0] == "*" || low_and_high[0] == "?") {
    start = bounds.min;
    end = bounds.max;
    star = true;
  } else {
    Result<std::uint64_t> low = parse_int_or_name(low_and_high[0], bounds);
    if (!low) return low.error();
    start = end = low.value();
    if (low_and_high.size() == 2) {
      Result<std::uint64_t> high = parse_int_or_name(low_and_high[1], bounds);
      if (!high) return high.error();
      end = high.value();
    } else if (low_and_high.size() > 2) {
      return invalid_error("too many hyphens: " + std::string(expr));
    }
  }
  if (range_and_step.size() == 2) {
    Result<std::uint64_t> s = must_parse_int(range_and_step[1]);
    if (!s) return s.error();
    step = s.value();
    if (single) end = bounds.max;  // "N/step" means "N-max/step"
    if (step > 1) star = false;
  } else if (range_and_step.size() > 2) {
    return invalid_error("too many slashes: " + std::string(expr));
  }
  const std::string e(expr);
  if (start < bounds.min) {
    return invalid_error("beginning of range (" + std::to_string(start) + ") below minimum (" +
                         std::to_string(bounds.min) + "): " + e);
  }
  if (end > bounds.max) {
    return invalid_error("end of range (" + std::to_string(end) + ") above maximum (" + std::to_string(bounds.max) +
                         "): " + e);
  }
  if (start > end) {
    return invalid_error("beginning of range (" + std::to_string(start) + ") beyond end of range (" +
                         std::to_string(end) + "): " + e);
  }
  if (step == 0) return invalid_error("step of range should be a positive number: " + e);
  return FieldBits{get_bits(start, end, step), star};
}

// getField: a comma-separated list of ranges; empty items are skipped, as Go's
// strings.FieldsFunc skips them.
Result<FieldBits> get_field(std::string_view field, const Bounds& bounds) {
  FieldBits out;
  for (std::string_view expr : split(field, ',')) {
    if (expr.empty()) continue;
    Result<FieldBits> r = get_range(expr, bounds);
    if (!r) return r.error();
    out.bits |= r.value().bits;
    out.star = out.star || r.value().star;
  }
  return out;
}

// strings.Fields: the words between runs of white space.
std::vector<std::string_view> fields_of(std::string_view s) {
  std::vector<std::string_view> out;
  size_t i = 0;
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; };
  while (i < s.size()) {
    while (i < s.size() && space(s[i])) i++;
    size_t start = i;
    while (i < s.size() && !space(s[i])) i++;
    if (i > start) out.push_back(s.substr(start, i - start));
  }
  return out;
}

std::string_view trim_space(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; };
  while (!s.empty() && space(s.front())) s.remove_prefix(1);
  while (!s.empty() && space(s.back())) s.remove_suffix(1);
  return s;
}

// parseDescriptor: @yearly … @hourly, @every <duration>.
Result<CronSchedule> parse_descriptor(std::string_view descriptor, CronSchedule s) {
  const std::uint64_t all_dom = get_bits(1, 31, 1), all_months = get_bits(1, 12, 1), all_dow = get_bits(0, 6, 1);
  s.minute = 1;  // minute 0
  s.hour = 1;    // hour 0
  s.day_of_month = all_dom;
  s.month = all_months;
  s.day_of_week = all_dow;
  s.day_of_month_star = s.day_of_week_star = true;
  if (descriptor == "@yearly" || descriptor == "@annually") {
    s.day_of_month = std::uint64_t{1} << 1;
    s.month = std::uint64_t{1} << 1;
    s.day_of_month_star = false;
  } else if (descriptor == "@monthly") {
    s.day_of_month = std::uint64_t{1} << 1;
    s.day_of_month_star = false;
  } else if (descriptor == "@weekly") {
    s.day_of_week = 1;
    s.day_of_week_star = false;
  } else if (descriptor == "@daily" || descriptor == "@midnight") {
  } else if (descriptor == "@hourly") {
    s.hour = get_bits(0, 23, 1);
  } else if (descriptor.substr(0, 7) == "@every ") {
    Result<std::chrono::nanoseconds> d = parse_go_duration(descriptor.substr(7));
    if (!d) return invalid_error("failed to parse duration " + std::string(descriptor) + ": " + d.error().message);
    // Every: whole seconds, at least one.
    std::chrono::nanoseconds every = d.value() - d.value() % std::chrono::seconds(1);
    s.every = every < std::chrono::seconds(1) ? std::chrono::seconds(1) : every;
  } else {
    return invalid_error("unrecognized descriptor: " + std::string(descriptor));
  }
  return s;
}

// ---- Go's time.ParseDuration ----------------------------------------------------------

// time's quote: non-ASCII and control bytes as \xNN, `"` and `\` escaped.
std::string go_time_quote(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c >= 0x80 || c < ' ') {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      if (c == '"' || c == '\\') out += '\\';
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::uint64_t unit_nanoseconds(std::string_view unit) {
  static const std::array<std::pair<std::string_view, std::uint64_t>, 8> kUnits = {{
      {"ns", 1},
      {"us", 1'000},
      {"\xc2\xb5s", 1'000},  // U+00B5 micro sign
      {"\xce\xbcs", 1'000},  // U+03BC Greek small letter mu
      {"ms", 1'000'000},
      {"s", 1'000'000'000},
      {"m", 60'000'000'000},
      {"h", 3'600'000'000'000},
  }};
  for (const auto& [name, ns] : kUnits) {
    if (name == unit) return ns;
  }
  return 0;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

Result<std::chrono::nanoseconds> parse_go_duration(std::string_view text) {
  const std::string bad = "time: invalid duration " + go_time_quote(text);
  constexpr std::uint64_t kMax = std::uint64_t{1} << 63;
  std::string_view s = text;
  bool negative = false;
  if (!s.empty() && (s[0] == '-' || s[0] == '+')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s == "0") return std::chrono::nanoseconds(0);
  if (s.empty()) return invalid_error(bad);
  std::uint64_t total = 0;
  while (!s.empty()) {
    if (!(s[0] == '.' || is_digit(s[0]))) return invalid_error(bad);
    std::uint64_t whole = 0;
    size_t i = 0;
    for (; i < s.size() && is_digit(s[i]); i++) {
      if (whole > kMax / 10) return invalid_error(bad);
      whole = whole * 10 + static_cast<std::uint64_t>(s[i] - '0');
      if (whole > kMax) return invalid_error(bad);
    }
    const bool pre = i > 0;
    s.remove_prefix(i);
    std::uint64_t fraction = 0;
    double scale = 1;
    bool post = false;
    if (!s.empty() && s[0] == '.') {
      s.remove_prefix(1);
      bool overflow = false;
      for (i = 0; i < s.size() && is_digit(s[i]); i++) {
        if (overflow) continue;
        const std::uint64_t next = fraction * 10 + static_cast<std::uint64_t>(s[i] - '0');
        if (fraction > (kMax - 1) / 10 || next > kMax) {
          overflow = true;  // digits past what fits are ignored
          continue;
        }
        fraction = next;
        scale *= 10;
      }
      post = i > 0;
      s.remove_prefix(i);
    }
    if (!pre && !post) return invalid_error(bad);
    for (i = 0; i < s.size() && !(s[i] == '.' || is_digit(s[i])); i++) {
    }
    if (i == 0) return invalid_error("time: missing unit in duration " + go_time_quote(text));
    const std::string_view unit_text = s.substr(0, i);
    s.remove_prefix(i);
    const std::uint64_t unit = unit_nanoseconds(unit_text);
    if (unit == 0) {
      return invalid_error("time: unknown unit " + go_time_quote(unit_text) + " in duration " + go_time_quote(text));
    }
    if (whole > kMax / unit) return invalid_error(bad);
    whole *= unit;
    if (fraction > 0) {
      whole += static_cast<std::uint64_t>(static_cast<double>(fraction) * (static_cast<double>(unit) / scale));
      if (whole > kMax) return invalid_error(bad);
    }
    total += whole;
    if (total > kMax) return invalid_error(bad);
  }
  if (negative) {
    return std::chrono::nanoseconds(total == kMax ? std::numeric_limits<std::int64_t>::min()
                                                  : -static_cast<std::int64_t>(total));
  }
  if (total > kMax - 1) return invalid_error(bad);
  return std::chrono::nanoseconds(static_cast<std::int64_t>(total));
}

Result<CronSchedule> parse_cron_schedule(std::string_view spec) {
  if (spec.empty()) return invalid_error("empty spec string");
  CronSchedule schedule;
  if (spec.substr(0, 3) == "TZ=" || spec.substr(0, 8) == "CRON_TZ=") {
    // The zone runs from the first '=' to the first space. (Go slices past the end, and
    // panics, when there is no space; kubepp reads the whole rest as the zone.)
    const size_t eq = spec.find('=');
    const size_t space = spec.find(' ');
    const std::string_view zone =
        space == std::string_view::npos ? spec.substr(eq + 1) : spec.substr(eq + 1, space - eq - 1);
    if (std::optional<std::string> err = time_zone_error(zone)) {
      return invalid_error("provided bad location " + std::string(zone) + ": " + *err);
    }
    schedule.time_zone = std::string(zone);
    spec = space == std::string_view::npos ? std::string_view() : trim_space(spec.substr(space));
  }
  if (!spec.empty() && spec[0] == '@') return parse_descriptor(spec, std::move(schedule));

  std::vector<std::string_view> fields = fields_of(spec);
  if (fields.size() != 5) {
    std::string list;
    for (std::string_view f : fields) list += (list.empty() ? "" : " ") + std::string(f);
    return invalid_error("expected exactly 5 fields, found " + std::to_string(fields.size()) + ": [" + list + "]");
  }
  const Bounds* bounds[5] = {&kMinutes, &kHours, &kDayOfMonth, &kMonths, &kDayOfWeek};
  FieldBits bits[5];
  for (int i = 0; i < 5; i++) {
    Result<FieldBits> r = get_field(fields[i], *bounds[i]);
    if (!r) return r.error();
    bits[i] = r.value();
  }
  schedule.minute = bits[0].bits;
  schedule.hour = bits[1].bits;
  schedule.day_of_month = bits[2].bits;
  schedule.day_of_month_star = bits[2].star;
  schedule.month = bits[3].bits;
  schedule.day_of_week = bits[4].bits;
  schedule.day_of_week_star = bits[4].star;
  return schedule;
}

// The one function here that reads the file system: Go's time.LoadLocation looks zones
// up in the system's tz database, and so does this.
std::optional<std::string> time_zone_error(std::string_view name) {
  if (name.empty() || name == "UTC" || name == "Local") return std::nullopt;
  if (name.find("..") != std::string_view::npos || name[0] == '/' || name[0] == '\\') {
    return "time: invalid location name";
  }
  const std::string dir = "/usr/share/zoneinfo";
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) return std::nullopt;
  const std::string file = dir + "/" + std::string(name);
  if (::stat(file.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return "unknown time zone " + std::string(name);
  std::ifstream in(file, std::ios::binary);
  char magic[4] = {};
  if (!in.read(magic, 4) || std::string_view(magic, 4) != "TZif") return "malformed time zone information";
  return std::nullopt;
}

}  // namespace kubepp::api

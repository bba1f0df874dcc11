// values.cpp — IntOrString percentages and RFC 3339 times.
#include "cluster/api/values.h"

#include <charconv>
#include <cstdio>

#include "cluster/api/field.h"

namespace kubepp::api {

namespace {

Error invalid(std::string message) { return Error{ErrorCode::Invalid, std::move(message)}; }

// Reads exactly `n` digits at text[at…]; false when they are not all digits.
bool digits(std::string_view text, size_t at, size_t n, int& out) {
  if (at + n > text.size()) return false;
  out = 0;
  for (size_t i = at; i < at + n; i++) {
    if (text[i] < '0' || text[i] > '9') return false;
    out = out * 10 + (text[i] - '0');
  }
  return true;
}

}  // namespace

Result<std::int32_t> scaled_value(const IntOrString& v, std::int32_t total, bool round_up) {
  if (v.is_int()) return v.int_value;
  std::string_view s = v.str_value;
  int percent = 0;
  auto bad = [&] { return invalid("invalid value for IntOrString: invalid value " + quoted(s)); };
  if (!s.ends_with('%')) return bad();
  s.remove_suffix(1);
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), percent);
  if (ec != std::errc() || end != s.data() + s.size()) return bad();
  const std::int64_t product = std::int64_t(percent) * total;
  return static_cast<std::int32_t>(round_up ? (product + 99) / 100 : product / 100);
}

Time Time::now() {
  return Time(std::chrono::floor<std::chrono::seconds>(Clock::now()));
}

Result<Time> Time::parse(std::string_view text) {
  using namespace std::chrono;
  auto bad = [&] { return invalid("parsing time " + quoted(text) + ": not an RFC 3339 time"); };
  int y, mo, d, h, mi, s;
  if (!digits(text, 0, 4, y) || text.size() < 20 || text[4] != '-' || !digits(text, 5, 2, mo) ||
      text[7] != '-' || !digits(text, 8, 2, d) || text[10] != 'T' || !digits(text, 11, 2, h) ||
      text[13] != ':' || !digits(text, 14, 2, mi) || text[16] != ':' || !digits(text, 17, 2, s)) {
    return bad();
  }
  size_t at = 19;
  std::int64_t micros = 0;
  if (text[at] == '.') {
    size_t n = 0;
    for (at++; at < text.size() && text[at] >= '0' && text[at] <= '9'; at++, n++) {
      if (n < 6) micros = micros * 10 + (text[at] - '0');
    }
    if (n == 0) return bad();
    for (; n < 6; n++) micros *= 10;
  }
  std::int64_t offset = 0;
  if (at < text.size() && text[at] == 'Z') {
    at++;
  } else if (at < text.size() && (text[at] == '+' || text[at] == '-')) {
    int oh, om;
    if (!digits(text, at + 1, 2, oh) || at + 3 >= text.size() || text[at + 3] != ':' ||
        !digits(text, at + 4, 2, om) || oh > 23 || om > 59) {
      return bad();
    }
    offset = (text[at] == '-' ? -1 : 1) * (oh * 3600 + om * 60);
    at += 6;
  } else {
    return bad();
  }
  const year_month_day date{year(y), month(unsigned(mo)), day(unsigned(d))};
  if (at != text.size() || !date.ok() || h > 23 || mi > 59 || s > 59) return bad();
  const auto secs = sys_days(date) + hours(h) + minutes(mi) + seconds(s) - seconds(offset);
  return Time(Micros(secs) + microseconds(micros));
}

std::int64_t Time::unix_seconds() const {
  return std::chrono::floor<std::chrono::seconds>(at_).time_since_epoch().count();
}

std::string Time::str(bool micros) const {
  using namespace std::chrono;
  const auto day = floor<days>(at_);
  const year_month_day date{day};
  const hh_mm_ss<microseconds> t{at_ - day};
  char buf[40];
  int n = std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02lld:%02lld:%02lld", int(date.year()),
                        unsigned(date.month()), unsigned(date.day()),
                        static_cast<long long>(t.hours().count()),
                        static_cast<long long>(t.minutes().count()),
                        static_cast<long long>(t.seconds().count()));
  if (micros) {
    n += std::snprintf(buf + n, sizeof buf - n, ".%06lld",
                       static_cast<long long>(t.subseconds().count()));
  }
  return std::string(buf, n) + "Z";
}

}  // namespace kubepp::api

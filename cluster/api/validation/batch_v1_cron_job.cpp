// batch_v1_cron_job.cpp — the CronJob rules (validateCronJobSpec and its parts): the
// schedule, the time zone, the concurrency policy and the job template.
#include <algorithm>
#include <string_view>

#include "cluster/api/validation/batch_v1.h"
#include "cluster/api/validation/cron.h"
#include "cluster/api/validation/meta.h"
#include "cluster/api/validation/workload.h"

namespace kubepp::api::validation {

ErrorList validate_job_template_spec(const batch_v1::JobTemplateSpec& spec, const Path& path) {
  ErrorList errs = validate_job_spec_common(spec.spec, path.child("spec"));
  if (spec.spec.selector) {
    errs.push_back(invalid(path.child("spec").child("selector"), go_label_selector(spec.spec.selector),
                           "`selector` will be auto-generated"));
  }
  if (spec.spec.manualSelector.value_or(false)) {
    errs.push_back(not_supported(path.child("spec").child("manualSelector"), "true", {"nil", "false"}));
  }
  return errs;
}

// ---- CronJob ------------------------------------------------------------------------------

namespace {

constexpr size_t kCronJobNameMaxLength = 52;  // 63 less the controller's `-<11 digits>`

ErrorList validate_schedule_format(const std::string& schedule, bool allow_tz_in_schedule,
                                   const std::optional<std::string>& time_zone, const Path& path) {
  ErrorList errs;
  Result<CronSchedule> parsed = parse_cron_schedule(schedule);
  if (!parsed) errs.push_back(invalid(path, quoted(schedule), parsed.error().message));
  const bool has_tz = schedule.find("TZ") != std::string::npos;
  if (allow_tz_in_schedule && has_tz && time_zone) {
    errs.push_back(invalid(path, quoted(schedule), "cannot use both timeZone field and TZ or CRON_TZ in schedule"));
  } else if (!allow_tz_in_schedule && has_tz) {
    errs.push_back(invalid(path, quoted(schedule), "cannot use TZ or CRON_TZ in schedule, use timeZone field instead"));
  }
  return errs;
}

// A component of an IANA zone name: letters, digits, '.', '-', '_' and '+', 1 to 14 of them
// (digits and '+' for the legacy names such as Etc/GMT+5).
bool valid_time_zone_part(std::string_view part) {
  if (part.empty() || part.size() > 14 || part == "." || part == ".." || part[0] == '-') return false;
  for (char c : part) {
    const bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
                    c == '-' || c == '_' || c == '+';
    if (!ok) return false;
  }
  return true;
}

ErrorList validate_time_zone(const std::optional<std::string>& time_zone, const Path& path) {
  if (!time_zone) return {};
  const std::string& tz = *time_zone;
  if (tz.empty()) return {invalid(path, quoted(tz), "timeZone must be nil or non-empty string")};
  for (size_t start = 0, end = 0; start <= tz.size(); start = end + 1) {
    end = std::min(tz.find('/', start), tz.size());
    if (!valid_time_zone_part(std::string_view(tz).substr(start, end - start))) {
      return {invalid(path, quoted(tz), "unknown time zone " + tz)};
    }
  }
  ErrorList errs;
  std::string lower = tz;
  for (char& c : lower) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (lower == "local") {
    errs.push_back(invalid(path, quoted(tz),
                           "timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"));
  }
  if (std::optional<std::string> err = time_zone_error(tz)) errs.push_back(invalid(path, quoted(tz), *err));
  return errs;
}

ErrorList validate_concurrency_policy(const std::string& policy, const Path& path) {
  if (policy == "Allow" || policy == "Forbid" || policy == "Replace") return {};
  if (policy.empty()) return {required(path)};
  return {not_supported(path, quoted(policy), {"Allow", "Forbid", "Replace"})};
}

}  // namespace

ErrorList validate_cron_job_spec(const batch_v1::CronJobSpec& spec, const batch_v1::CronJobSpec* old,
                                 const Path& path) {
  ErrorList errs;
  if (spec.schedule.empty()) {
    errs.push_back(required(path.child("schedule")));
  } else {
    const bool allow_tz = old != nullptr && old->schedule.find("TZ") != std::string::npos;
    append(errs, validate_schedule_format(spec.schedule, allow_tz, spec.timeZone, path.child("schedule")));
  }
  if (spec.startingDeadlineSeconds) {
    append(errs, validate_nonnegative(*spec.startingDeadlineSeconds, path.child("startingDeadlineSeconds")));
  }
  if (old == nullptr || old->timeZone != spec.timeZone) {
    append(errs, validate_time_zone(spec.timeZone, path.child("timeZone")));
  }
  append(errs, validate_concurrency_policy(spec.concurrencyPolicy, path.child("concurrencyPolicy")));
  append(errs, validate_job_template_spec(spec.jobTemplate, path.child("jobTemplate")));
  if (spec.successfulJobsHistoryLimit) {
    append(errs,
                  validate_nonnegative(*spec.successfulJobsHistoryLimit, path.child("successfulJobsHistoryLimit")));
  }
  if (spec.failedJobsHistoryLimit) {
    append(errs, validate_nonnegative(*spec.failedJobsHistoryLimit, path.child("failedJobsHistoryLimit")));
  }
  return errs;
}

ErrorList validate_cron_job(const batch_v1::CronJob& cj) {
  ErrorList errs = validate_cron_job_spec(cj.spec, nullptr, Path("spec"));
  if (cj.metadata.name.size() > kCronJobNameMaxLength) {
    errs.push_back(
        invalid(Path("metadata").child("name"), quoted(cj.metadata.name), "must be no more than 52 characters"));
  }
  return errs;
}

ErrorList validate_cron_job_update(const batch_v1::CronJob& cj, const batch_v1::CronJob& old) {
  // No name limit on update: CronJobs named before the limit existed can still be changed.
  return validate_cron_job_spec(cj.spec, &old.spec, Path("spec"));
}

}  // namespace kubepp::api::validation

// batch_v1.h — the rules of the batch/v1 kinds: Jobs and CronJobs (upstream's ValidateJob,
// ValidateJobUpdate, ValidateCronJobCreate, ValidateCronJobUpdate in
// pkg/apis/batch/validation/validation.go, with the options pkg/registry/batch/job's
// strategy passes them).
//
// Every function returns the broken rules in upstream's paths and words, in upstream's
// order; an empty list means valid. The metadata is checked by rules.cpp, not here. All
// are pure except that a CronJob's spec.timeZone is looked up in /usr/share/zoneinfo
// (cron.h's time_zone_error), as Go's time.LoadLocation looks it up. Values are printed
// as upstream's field.Error prints them (strings quoted, numbers bare, Go maps and
// selectors as %#v writes them), except the template, podFailurePolicy and successPolicy,
// which Go prints as internal structs full of pointer addresses: kubepp prints their JSON.
//
// A Job's selector is normally generated on create (defaults/batch_v1.h,
// generate_job_selector: `batch.kubernetes.io/controller-uid: <uid>`, with the matching
// labels added to the template); the rules here then check that the generated labels are
// in place and that the selector matches them, as upstream's validateGeneratedSelector
// does. With spec.manualSelector true the user's selector and labels are taken as given.
#pragma once

#include "cluster/api/field.h"
#include "cluster/api/types/batch_v1.h"

namespace kubepp::api::validation {

// The labels a generated selector relies on (batch.ControllerUidLabel …).
inline constexpr const char* kControllerUidLabel = "batch.kubernetes.io/controller-uid";
inline constexpr const char* kJobNameLabel = "batch.kubernetes.io/job-name";
inline constexpr const char* kLegacyControllerUidLabel = "controller-uid";
inline constexpr const char* kLegacyJobNameLabel = "job-name";

/// What the rules of a Job depend on besides the Job (batchvalidation.JobValidationOptions,
/// as the job strategy fills it in).
struct JobValidationOptions {
  /// Require the `batch.kubernetes.io/` labels as well as the legacy ones: always on
  /// create; on update only when the old template had them.
  bool require_prefixed_labels = true;
  /// Accept matchExpressions values that are not label values (the old selector had some).
  bool allow_invalid_label_value_in_selector = false;
  /// Let nodeSelector, node affinity, tolerations, scheduling gates, labels and annotations
  /// of the template change: the old Job is suspended and never started.
  bool allow_mutable_scheduling_directives = false;
};

/// validateJobSpec: the rules a Job's spec and a CronJob's job template share —
/// parallelism, completions, deadlines, limits, managedBy, completionMode and the Indexed
/// rules, podFailurePolicy, successPolicy, podReplacementPolicy, the pod template, and
/// restartPolicy `OnFailure` or `Never`.
ErrorList validate_job_spec_common(const batch_v1::JobSpec& spec, const Path& path);

/// ValidateJobSpec: validateJobSpec, a required and valid selector, and template labels
/// the selector matches.
ErrorList validate_job_spec(const batch_v1::JobSpec& spec, const Path& path, const JobValidationOptions& options);

/// ValidateJob: the generated selector's labels, the spec, and for an Indexed Job a name
/// that leaves room for the pods' `-<index>` hostnames.
ErrorList validate_job(const batch_v1::Job& job, const JobValidationOptions& options = {});

/// The job strategy's ValidateUpdate: the new Job's rules, and what may not change —
/// completions (except an Indexed Job's, together with parallelism), selector, template,
/// completionMode, podFailurePolicy, backoffLimitPerIndex, managedBy, successPolicy.
ErrorList validate_job_update(const batch_v1::Job& job, const batch_v1::Job& old);

/// ValidateJobTemplateSpec: validateJobSpec, and no selector nor manualSelector (the
/// CronJob's Jobs get generated ones).
ErrorList validate_job_template_spec(const batch_v1::JobTemplateSpec& spec, const Path& path);

/// validateCronJobSpec: schedule, startingDeadlineSeconds, timeZone, concurrencyPolicy, the
/// job template, history limits. `old` is the spec before an update, null on create.
ErrorList validate_cron_job_spec(const batch_v1::CronJobSpec& spec, const batch_v1::CronJobSpec* old, const Path& path);

/// ValidateCronJobCreate: the spec, and a name of at most 52 characters (the controller
/// appends `-<11 digits>` to name each Job).
ErrorList validate_cron_job(const batch_v1::CronJob& cj);
/// ValidateCronJobUpdate: the spec; a TZ= schedule already stored may stay; no name limit.
ErrorList validate_cron_job_update(const batch_v1::CronJob& cj, const batch_v1::CronJob& old);

}  // namespace kubepp::api::validation

namespace kubepp::api {

// The kinds' rules as rules.cpp finds them (validate_kind, validate_kind_update).

inline ErrorList validate_kind(const batch_v1::Job& o) { return validation::validate_job(o); }
inline ErrorList validate_kind_update(const batch_v1::Job& o, const batch_v1::Job& old) {
  return validation::validate_job_update(o, old);
}
inline ErrorList validate_kind(const batch_v1::CronJob& o) { return validation::validate_cron_job(o); }
inline ErrorList validate_kind_update(const batch_v1::CronJob& o, const batch_v1::CronJob& old) {
  return validation::validate_cron_job_update(o, old);
}

}  // namespace kubepp::api

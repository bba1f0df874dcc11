// batch_v1.h — the conditional defaults of the batch/v1 kinds (upstream's SetDefaults_Job
// and SetDefaults_CronJob in pkg/apis/batch/v1/defaults.go), and the selector a Job gets
// on create (the job strategy's generateSelector, pkg/registry/batch/job/strategy.go).
//
// A CronJob's own defaults (concurrencyPolicy Allow, suspend false, history limits 3 and
// 1) are the schema's. SetDefaults_Job runs on Jobs only, not on the job template inside
// a CronJob: the controller's Job gets them when it is created.
#pragma once

#include "cluster/api/types/batch_v1.h"

namespace kubepp::api::defaults {

/// SetDefaults_Job: completions and parallelism 1 when both are unset (parallelism 1 when
/// only it is), backoffLimit 6 (2147483647 with backoffLimitPerIndex), the Job's labels
/// from the template's when it has none, completionMode NonIndexed, suspend false,
/// podReplacementPolicy (Failed with a podFailurePolicy, TerminatingOrFailed without),
/// manualSelector false; then the pod template's defaults.
void set_job_defaults(batch_v1::Job& job);

/// The job template's pod template defaults.
void set_cron_job_defaults(batch_v1::CronJob& cj);

/// generateSelector, for a Job created without spec.manualSelector: the template gets the
/// labels `batch.kubernetes.io/job-name` and `job-name` (the name), and
/// `batch.kubernetes.io/controller-uid` and `controller-uid` (metadata.uid) where it lacks
/// them, and spec.selector gets matchLabels `batch.kubernetes.io/controller-uid: <uid>`.
/// Labels the user set are left alone: validation then reports a conflict.
///
/// The API server calls this on create, after it has assigned metadata.uid and before it
/// validates — upstream's job strategy does it in PrepareForCreate. It is not part of
/// set_kind_defaults, which runs on every decode, before there is a uid. Does nothing when
/// manualSelector is true.
void generate_job_selector(batch_v1::Job& job);

}  // namespace kubepp::api::defaults

namespace kubepp::api {

// The kinds' defaults as rules.cpp finds them.

inline void set_kind_defaults(batch_v1::Job& o) { defaults::set_job_defaults(o); }
inline void set_kind_defaults(batch_v1::CronJob& o) { defaults::set_cron_job_defaults(o); }

}  // namespace kubepp::api

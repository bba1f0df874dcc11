// batch_v1.cpp — SetDefaults_Job, the CronJob's template defaults, and the generated
// selector of a new Job.
#include "cluster/api/defaults/batch_v1.h"

#include <limits>

#include "cluster/api/defaults/pod.h"
#include "cluster/api/validation/batch_v1.h"

namespace kubepp::api::defaults {

void set_job_defaults(batch_v1::Job& job) {
  batch_v1::JobSpec& spec = job.spec;
  // A non-parallel Job may leave both unset: one pod, one completion.
  if (!spec.completions && !spec.parallelism) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  if (!spec.parallelism) spec.parallelism = 1;
  if (!spec.backoffLimit) {
    // With a per-index limit the global one is effectively off.
    spec.backoffLimit = spec.backoffLimitPerIndex ? std::numeric_limits<std::int32_t>::max() : 6;
  }
  if (!spec.template_.metadata.labels.empty() && job.metadata.labels.empty()) {
    job.metadata.labels = spec.template_.metadata.labels;
  }
  if (!spec.completionMode) spec.completionMode = "NonIndexed";
  if (!spec.suspend) spec.suspend = false;
  // An onPodConditions pattern's status True is the schema's default.
  if (!spec.podReplacementPolicy) spec.podReplacementPolicy = spec.podFailurePolicy ? "Failed" : "TerminatingOrFailed";
  if (!spec.manualSelector) spec.manualSelector = false;
  set_pod_template_defaults(spec.template_);
}

void set_cron_job_defaults(batch_v1::CronJob& cj) { set_pod_template_defaults(cj.spec.jobTemplate.spec.template_); }

void generate_job_selector(batch_v1::Job& job) {
  if (job.spec.manualSelector.value_or(false)) return;
  const std::string& name = job.metadata.name;
  const std::string& uid = job.metadata.uid;
  std::map<std::string, std::string>& labels = job.spec.template_.metadata.labels;
  // emplace keeps a label the user set; a conflicting one fails validation.
  labels.emplace(validation::kLegacyJobNameLabel, name);
  labels.emplace(validation::kJobNameLabel, name);
  labels.emplace(validation::kLegacyControllerUidLabel, uid);
  labels.emplace(validation::kControllerUidLabel, uid);
  if (!job.spec.selector) job.spec.selector.emplace();
  job.spec.selector->matchLabels.emplace(validation::kControllerUidLabel, uid);
}

}  // namespace kubepp::api::defaults

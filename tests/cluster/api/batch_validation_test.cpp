// batch_validation_test.cpp — the Job and CronJob rules answer as upstream's
// pkg/apis/batch/validation does: each case changes one field of a valid, defaulted object
// and expects exactly the listed errors.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <functional>
#include <string>
#include <vector>

#include "cluster/api/defaults/batch_v1.h"
#include "cluster/api/validation/batch_v1.h"
#include "tests/cluster/api/fixtures.h"
#include "tests/cluster/api/upstream_messages.h"

using namespace kubepp::api;
using namespace kubepp::api::testing;

namespace {

// `kubectl create job pi --image=perl:5.34 -- perl -Mbignum=bpi -wle 'print bpi(2000)'`,
// with the namespace the API server fills in.
constexpr std::string_view kKubectlJob = R"(
apiVersion: batch/v1
kind: Job
metadata:
  creationTimestamp: null
  name: pi
  namespace: default
spec:
  template:
    metadata:
      creationTimestamp: null
    spec:
      containers:
      - command: [perl, -Mbignum=bpi, -wle, print bpi(2000)]
        image: perl:5.34
        name: pi
        resources: {}
      restartPolicy: Never
status: {}
)";

// `kubectl create cronjob hello --image=busybox:1.36 --schedule="*/1 * * * *" -- date`.
constexpr std::string_view kKubectlCronJob = R"(
apiVersion: batch/v1
kind: CronJob
metadata:
  creationTimestamp: null
  name: hello
  namespace: default
spec:
  jobTemplate:
    metadata:
      creationTimestamp: null
      name: hello
    spec:
      template:
        metadata:
          creationTimestamp: null
        spec:
          containers:
          - command: [date]
            image: busybox:1.36
            name: hello
            resources: {}
          restartPolicy: OnFailure
  schedule: '*/1 * * * *'
status: {}
)";

constexpr const char* kUid = "0b7e8d7c-5f6a-4c36-9a59-1f7a0c2e4d11";

// A Job as the API server has it at validation: defaulted, given a uid, its selector
// generated.
batch_v1::Job created_job() {
  batch_v1::Job job = defaulted<batch_v1::Job>(kKubectlJob);
  job.metadata.uid = kUid;
  defaults::generate_job_selector(job);
  return job;
}

// The generated template labels as field.Error prints the map.
std::string generated_labels(const std::string& uid = kUid) {
  return "map[string]string{\"batch.kubernetes.io/controller-uid\":\"" + uid +
         "\", \"batch.kubernetes.io/job-name\":\"pi\", \"controller-uid\":\"" + uid + "\", \"job-name\":\"pi\"}";
}

batch_v1::PodFailurePolicyRule exit_codes_rule(std::string action, std::string op, std::vector<std::int32_t> values) {
  batch_v1::PodFailurePolicyRule rule;
  rule.action = std::move(action);
  rule.onExitCodes = batch_v1::PodFailurePolicyOnExitCodesRequirement{std::nullopt, std::move(op), std::move(values)};
  return rule;
}

void indexed(batch_v1::Job& j, std::int32_t completions) {
  j.spec.completionMode = "Indexed";
  j.spec.completions = completions;
}

bool have_zoneinfo() {
  struct stat st {};
  return ::stat("/usr/share/zoneinfo/Europe/Berlin", &st) == 0;
}

}  // namespace

TEST_CASE("a Job as kubectl create job writes it is valid once created", "[unit][validation][batch]") {
  const batch_v1::Job job = created_job();
  CHECK(validate_all(job) == "");
  CHECK(job.spec.selector->matchLabels == std::map<std::string, std::string>{{"batch.kubernetes.io/controller-uid", kUid}});

  SECTION("without a generated selector the selector is missing") {
    batch_v1::Job raw = defaulted<batch_v1::Job>(kKubectlJob);
    CHECK(to_string(validate_kind(raw)) ==
          "spec.selector: Required value\n"
          "spec.template.metadata.labels: Invalid value: map[string]string(nil): `selector` does not match "
          "template `labels`");
  }
}

TEST_CASE("Job spec rules", "[unit][validation][batch]") {
  using J = batch_v1::Job;
  const J base = created_job();
  const std::vector<TextCase<J>> cases = {
      {"parallelism -1", [](J& j) { j.spec.parallelism = -1; },
       "spec.parallelism: Invalid value: -1: must be greater than or equal to 0"},
      {"completions 0 is valid", [](J& j) { j.spec.completions = 0; }, ""},
      {"completions -1", [](J& j) { j.spec.completions = -1; },
       "spec.completions: Invalid value: -1: must be greater than or equal to 0"},
      {"activeDeadlineSeconds -1", [](J& j) { j.spec.activeDeadlineSeconds = -1; },
       "spec.activeDeadlineSeconds: Invalid value: -1: must be greater than or equal to 0"},
      {"backoffLimit -1", [](J& j) { j.spec.backoffLimit = -1; },
       "spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0"},
      {"ttlSecondsAfterFinished 0 is valid", [](J& j) { j.spec.ttlSecondsAfterFinished = 0; }, ""},
      {"ttlSecondsAfterFinished -1", [](J& j) { j.spec.ttlSecondsAfterFinished = -1; },
       "spec.ttlSecondsAfterFinished: Invalid value: -1: must be greater than or equal to 0"},
      {"restartPolicy Always", [](J& j) { j.spec.template_.spec.restartPolicy = "Always"; },
       "spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\""},
      {"restartPolicy OnFailure", [](J& j) { j.spec.template_.spec.restartPolicy = "OnFailure"; }, ""},
      {"an unknown completionMode", [](J& j) { j.spec.completionMode = "Foo"; },
       "spec.completionMode: Unsupported value: \"Foo\": supported values: \"NonIndexed\", \"Indexed\""},
      {"backoffLimitPerIndex needs Indexed", [](J& j) { j.spec.backoffLimitPerIndex = 1; },
       "spec.backoffLimitPerIndex: Invalid value: 1: requires indexed completion mode"},
      {"maxFailedIndexes needs backoffLimitPerIndex and Indexed", [](J& j) { j.spec.maxFailedIndexes = 1; },
       "spec.backoffLimitPerIndex: Required value: when maxFailedIndexes is specified\n"
       "spec.maxFailedIndexes: Invalid value: 1: requires indexed completion mode"},
      {"managedBy the built-in controller", [](J& j) { j.spec.managedBy = "kubernetes.io/job-controller"; }, ""},
      {"managedBy without a domain", [](J& j) { j.spec.managedBy = "foo"; },
       "spec.managedBy: Invalid value: \"foo\": must be a domain-prefixed path (such as \"acme.io/foo\")"},
      {"managedBy of 64 bytes", [](J& j) { j.spec.managedBy = "example.com/" + std::string(52, 'a'); },
       "spec.managedBy: Too long: may not be more than 63 bytes"},
      {"podReplacementPolicy Failed", [](J& j) { j.spec.podReplacementPolicy = "Failed"; }, ""},
      {"an unknown podReplacementPolicy", [](J& j) { j.spec.podReplacementPolicy = "Foo"; },
       "spec.podReplacementPolicy: Unsupported value: \"Foo\": supported values: \"Failed\", \"TerminatingOrFailed\""},
  };
  run_cases<J>(base, cases, [](const J& j) { return validate_kind(j); });
}

TEST_CASE("Indexed Job rules", "[unit][validation][batch]") {
  using J = batch_v1::Job;
  J base = created_job();
  indexed(base, 10);
  CHECK(to_string(validate_kind(base)) == "");
  const std::vector<TextCase<J>> cases = {
      {"no completions", [](J& j) { j.spec.completions.reset(); },
       "spec.completions: Required value: when completion mode is Indexed"},
      {"parallelism 100000", [](J& j) { j.spec.parallelism = 100000; }, ""},
      {"parallelism 100001", [](J& j) { j.spec.parallelism = 100001; },
       "spec.parallelism: Invalid value: 100001: must be less than or equal to 100000 when completion mode is Indexed"},
      {"backoffLimitPerIndex and maxFailedIndexes", [](J& j) { j.spec.backoffLimitPerIndex = 1, j.spec.maxFailedIndexes = 10; },
       ""},
      {"maxFailedIndexes above completions", [](J& j) { j.spec.backoffLimitPerIndex = 1, j.spec.maxFailedIndexes = 11; },
       "spec.maxFailedIndexes: Invalid value: 11: must be less than or equal to completions"},
      {"backoffLimitPerIndex -1", [](J& j) { j.spec.backoffLimitPerIndex = -1; },
       "spec.backoffLimitPerIndex: Invalid value: -1: must be greater than or equal to 0"},
      {"many completions with backoffLimitPerIndex need maxFailedIndexes",
       [](J& j) { j.spec.completions = 100001, j.spec.backoffLimitPerIndex = 1; },
       "spec.maxFailedIndexes: Required value: must be specified when completions is above 100000"},
      {"a name 61 bytes long leaves room for -9", [](J& j) { j.metadata.name = std::string(61, 'a'); }, ""},
      {"a name 62 bytes long does not",
       [](J& j) { j.metadata.name = std::string(62, 'a'); },
       "metadata.name: Invalid value: \"" + std::string(62, 'a') +
           "\": will not able to create pod with invalid DNS label: " + std::string(62, 'a') + "-9"},
  };
  // The generated labels carry the name: check the rules of the spec and the name alone.
  run_cases<J>(base, cases, [](const J& j) {
    validation::JobValidationOptions options;
    J copy = j;
    copy.spec.manualSelector = true;
    return validation::validate_job(copy, options);
  });
}

TEST_CASE("a Job's generated selector and labels", "[unit][validation][batch]") {
  using J = batch_v1::Job;
  const J base = created_job();
  const std::vector<TextCase<J>> cases = {
      {"a legacy uid label that is not the uid", [](J& j) { j.spec.template_.metadata.labels["controller-uid"] = "x"; },
       "spec.template.metadata.labels[controller-uid]: Invalid value: "
       "map[string]string{\"batch.kubernetes.io/controller-uid\":\"" + std::string(kUid) +
           "\", \"batch.kubernetes.io/job-name\":\"pi\", \"controller-uid\":\"x\", \"job-name\":\"pi\"}: must be '" +
           kUid + "'"},
      {"no job-name label", [](J& j) { j.spec.template_.metadata.labels.erase("batch.kubernetes.io/job-name"); },
       "spec.template.metadata.labels[batch.kubernetes.io/job-name]: Required value: must be 'pi'"},
      {"no uid", [](J& j) { j.metadata.uid = ""; },
       "metadata.uid: Required value\n"
       "spec.template.metadata.labels[controller-uid]: Invalid value: " + generated_labels() + ": must be ''\n"
       "spec.template.metadata.labels[batch.kubernetes.io/controller-uid]: Invalid value: " + generated_labels() +
           ": must be ''\n"
       "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"
       "\"batch.kubernetes.io/controller-uid\":\"" + std::string(kUid) +
           "\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` not auto-generated"},
      {"a manual selector is taken as given",
       [](J& j) {
         j.spec.manualSelector = true;
         j.spec.selector->matchLabels = {{"app", "pi"}};
         j.spec.template_.metadata.labels = {{"app", "pi"}};
       },
       ""},
      {"a manual selector the labels do not match",
       [](J& j) {
         j.spec.manualSelector = true;
         j.spec.selector->matchLabels = {{"app", "pi"}};
       },
       "spec.template.metadata.labels: Invalid value: " + generated_labels() + ": " + kNotMatching},
  };
  run_cases<J>(base, cases, [](const J& j) { return validate_kind(j); });
}

TEST_CASE("a Job's podFailurePolicy", "[unit][validation][batch]") {
  using J = batch_v1::Job;
  J base = created_job();
  base.spec.podFailurePolicy = batch_v1::PodFailurePolicy{{exit_codes_rule("FailJob", "In", {1, 42})}};
  base.spec.podReplacementPolicy = "Failed";  // what defaulting gives a Job with a podFailurePolicy
  CHECK(to_string(validate_kind(base)) == "");
  const std::string rule = "spec.podFailurePolicy.rules[0]";
  auto first = [](J& j) -> batch_v1::PodFailurePolicyRule& { return j.spec.podFailurePolicy->rules[0]; };
  const std::vector<TextCase<J>> cases = {
      {"no action", [&](J& j) { first(j).action = ""; },
       rule + ".action: Required value: valid values: [\"Count\" \"FailIndex\" \"FailJob\" \"Ignore\"]"},
      {"an unknown action", [&](J& j) { first(j).action = "Retry"; },
       rule + ".action: Unsupported value: \"Retry\": supported values: \"Count\", \"FailIndex\", \"FailJob\", \"Ignore\""},
      {"FailIndex without backoffLimitPerIndex", [&](J& j) { first(j).action = "FailIndex"; },
       rule + ".action: Invalid value: \"FailIndex\": requires the backoffLimitPerIndex to be set"},
      {"no operator", [&](J& j) { first(j).onExitCodes->operator_ = ""; },
       rule + ".onExitCodes.operator: Required value: valid values: [\"In\" \"NotIn\"]"},
      {"no values", [&](J& j) { first(j).onExitCodes->values.clear(); },
       rule + ".onExitCodes.values: Invalid value: []int32(nil): at least one value is required"},
      {"0 with In", [&](J& j) { first(j).onExitCodes->values = {0, 1}; },
       rule + ".onExitCodes.values[0]: Invalid value: 0: must not be 0 for the In operator"},
      {"0 with NotIn", [&](J& j) { first(j).onExitCodes->operator_ = "NotIn", first(j).onExitCodes->values = {0}; }, ""},
      {"a repeated value", [&](J& j) { first(j).onExitCodes->values = {1, 1}; },
       rule + ".onExitCodes.values[1]: Duplicate value: 1"},
      {"values out of order", [&](J& j) { first(j).onExitCodes->values = {2, 1}; },
       rule + ".onExitCodes.values: Invalid value: []int32{2, 1}: must be ordered"},
      {"an unknown container", [&](J& j) { first(j).onExitCodes->containerName = "nope"; },
       rule + ".onExitCodes.containerName: Invalid value: \"nope\": must be one of the container or initContainer "
              "names in the pod template"},
      {"both onExitCodes and onPodConditions",
       [&](J& j) { first(j).onPodConditions = {{"DisruptionTarget", "True"}}; },
       rule + ": Invalid value: specifying both OnExitCodes and OnPodConditions is not supported"},
      {"neither onExitCodes nor onPodConditions", [&](J& j) { first(j).onExitCodes.reset(); },
       rule + ": Invalid value: specifying one of OnExitCodes and OnPodConditions is required"},
      {"a condition status that does not exist",
       [&](J& j) { first(j).onExitCodes.reset(), first(j).onPodConditions = {{"DisruptionTarget", "Maybe"}}; },
       rule + ".onPodConditions[0].status: Unsupported value: \"Maybe\": supported values: \"False\", \"True\", \"Unknown\""},
      {"a condition type that is not a qualified name",
       [&](J& j) { first(j).onExitCodes.reset(), first(j).onPodConditions = {{"-bad", "True"}}; },
       rule + ".onPodConditions[0].type: Invalid value: \"-bad\": name part " + kQualifiedNameRule},
      {"restartPolicy OnFailure", [](J& j) { j.spec.template_.spec.restartPolicy = "OnFailure"; },
       "spec.template.spec.restartPolicy: Invalid value: \"OnFailure\": only \"Never\" is supported when "
       "podFailurePolicy is specified"},
      {"podReplacementPolicy TerminatingOrFailed", [](J& j) { j.spec.podReplacementPolicy = "TerminatingOrFailed"; },
       "spec.podReplacementPolicy: Unsupported value: \"TerminatingOrFailed\": supported values: \"Failed\""},
      {"21 rules", [](J& j) { j.spec.podFailurePolicy->rules.resize(21, j.spec.podFailurePolicy->rules[0]); },
       "spec.podFailurePolicy.rules: Too many: 21: must have at most 20 items"},
  };
  run_cases<J>(base, cases, [](const J& j) { return validate_kind(j); });
}

TEST_CASE("a Job's successPolicy", "[unit][validation][batch]") {
  using J = batch_v1::Job;
  J base = created_job();
  indexed(base, 5);
  base.spec.successPolicy = batch_v1::SuccessPolicy{{{std::string("0,2-4"), 3}}};
  CHECK(to_string(validate_kind(base)) == "");
  const std::string rule = "spec.successPolicy.rules[0]";
  auto first = [](J& j) -> batch_v1::SuccessPolicyRule& { return j.spec.successPolicy->rules[0]; };
  const std::vector<TextCase<J>> cases = {
      {"NonIndexed", [](J& j) { j.spec.completionMode = "NonIndexed"; },
       R"(spec.successPolicy: Invalid value: {"rules":[{"succeededCount":3,"succeededIndexes":"0,2-4"}]}: requires indexed completion mode)"},
      {"no rules", [](J& j) { j.spec.successPolicy->rules.clear(); },
       "spec.successPolicy.rules: Required value: at least one rules must be specified when the successPolicy is "
       "specified"},
      {"an empty rule", [&](J& j) { first(j) = {}; },
       rule + ": Required value: at least one of succeededCount or succeededIndexes must be specified"},
      {"an index past completions", [&](J& j) { first(j).succeededIndexes = "0-5", first(j).succeededCount.reset(); },
       rule + ".succeededIndexes: Invalid value: \"0-5\": error parsing succeededIndexes: too large index: \"5\""},
      {"indexes out of order", [&](J& j) { first(j).succeededIndexes = "3,1", first(j).succeededCount.reset(); },
       rule + ".succeededIndexes: Invalid value: \"3,1\": error parsing succeededIndexes: non-increasing order, "
              "previous: 3, current: 1"},
      {"an index past completions and past int32", [&](J& j) { first(j).succeededIndexes = "1000000000000000000", first(j).succeededCount.reset(); },
       rule + ".succeededIndexes: Invalid value: \"1000000000000000000\": error parsing succeededIndexes: too large index: \"1000000000000000000\""},
      {"an index that is not a number", [&](J& j) { first(j).succeededIndexes = "0,x", first(j).succeededCount.reset(); },
       rule + ".succeededIndexes: Invalid value: \"0,x\": error parsing succeededIndexes: cannot convert string to integer for index: \"x\""},
      {"an interval of three parts", [&](J& j) { first(j).succeededIndexes = "0-1-2", first(j).succeededCount.reset(); },
       rule + ".succeededIndexes: Invalid value: \"0-1-2\": error parsing succeededIndexes: the fragment \"0-1-2\" violates the requirement that an index interval can have at most two parts separated by '-'"},
      {"a count above completions", [&](J& j) { first(j).succeededIndexes.reset(), first(j).succeededCount = 6; },
       rule + ".succeededCount: Invalid value: 6: must be less than or equal to 5 (the number of specified completions)"},
      {"a count above the indexes", [&](J& j) { first(j).succeededCount = 5; },
       rule + ".succeededCount: Invalid value: 5: must be less than or equal to 4 (the number of indexes in the "
              "specified succeededIndexes field)"},
  };
  run_cases<J>(base, cases, [](const J& j) { return validate_kind(j); });
}

TEST_CASE("what may change in a Job", "[unit][validation][batch]") {
  using J = batch_v1::Job;
  const J old = created_job();

  SECTION("the parallelism and the labels of the Job") {
    J job = old;
    job.spec.parallelism = 3;
    job.metadata.labels["team"] = "a";
    CHECK(validate_all_update(job, old) == "");
  }
  SECTION("not completions") {
    J job = old;
    job.spec.completions = 2;
    CHECK(to_string(validate_kind_update(job, old)) == "spec.completions: Invalid value: 2: field is immutable");
  }
  SECTION("an Indexed Job's completions together with parallelism") {
    J indexed_old = old;
    indexed(indexed_old, 4);
    indexed_old.spec.parallelism = 4;
    J job = indexed_old;
    job.spec.completions = job.spec.parallelism = 6;
    CHECK(to_string(validate_kind_update(job, indexed_old)) == "");
    job.spec.parallelism = 4;
    CHECK(to_string(validate_kind_update(job, indexed_old)) ==
          "spec.completions: Invalid value: 6: can only be modified in tandem with spec.parallelism");
  }
  SECTION("not the template") {
    J job = old;
    job.spec.template_.spec.containers[0].image = "perl:5.36";
    const ErrorList errs = validate_kind_update(job, old);
    REQUIRE(errs.size() == 1);
    CHECK(errs[0].field == "spec.template");
    CHECK(errs[0].type == FieldError::Type::Invalid);
    CHECK(errs[0].detail == "field is immutable");
  }
  SECTION("a suspended Job that never ran may change where its pods run") {
    J suspended = old;
    suspended.spec.suspend = true;
    J job = suspended;
    job.spec.template_.spec.nodeSelector = {{"disktype", "ssd"}};
    core_v1::Toleration toleration;
    toleration.key = "dedicated";
    toleration.operator_ = "Equal";
    toleration.value = "batch";
    toleration.effect = "NoSchedule";
    job.spec.template_.spec.tolerations.push_back(toleration);
    job.spec.template_.metadata.annotations["note"] = "moved";
    CHECK(to_string(validate_kind_update(job, suspended)) == "");
    job.spec.template_.spec.containers[0].image = "perl:5.36";
    CHECK(validate_kind_update(job, suspended).size() == 1);
  }
  SECTION("not the selector, completionMode, backoffLimitPerIndex or managedBy") {
    J job = old;
    job.spec.completionMode = "Indexed";
    job.spec.managedBy = "example.com/queue";
    CHECK(to_string(validate_kind_update(job, old)) ==
          "spec.completionMode: Invalid value: \"Indexed\": field is immutable\n"
          "spec.managedBy: Invalid value: \"example.com/queue\": field is immutable");
  }
  SECTION("a Job created before the batch.kubernetes.io labels need not have them") {
    J legacy = old;
    legacy.spec.template_.metadata.labels = {{"controller-uid", kUid}, {"job-name", "pi"}};
    legacy.spec.selector->matchLabels = {{"controller-uid", kUid}};
    J job = legacy;
    job.spec.parallelism = 2;
    CHECK(to_string(validate_kind_update(job, legacy)) == "");
    CHECK(to_string(validate_kind(job)) ==
          "spec.template.metadata.labels[batch.kubernetes.io/controller-uid]: Required value: must be '" +
              std::string(kUid) + "'\n"
          "spec.template.metadata.labels[batch.kubernetes.io/job-name]: Required value: must be 'pi'");
  }
}

TEST_CASE("a CronJob as kubectl create cronjob writes it is valid", "[unit][validation][batch]") {
  const batch_v1::CronJob cj = defaulted<batch_v1::CronJob>(kKubectlCronJob);
  CHECK(validate_all(cj) == "");
}

TEST_CASE("CronJob rules", "[unit][validation][batch]") {
  using C = batch_v1::CronJob;
  const C base = defaulted<C>(kKubectlCronJob);
  const std::string tz_rule = "cannot use TZ or CRON_TZ in schedule, use timeZone field instead";
  const std::vector<TextCase<C>> cases = {
      {"no schedule", [](C& c) { c.spec.schedule = ""; }, "spec.schedule: Required value"},
      {"four fields", [](C& c) { c.spec.schedule = "* * * *"; },
       "spec.schedule: Invalid value: \"* * * *\": expected exactly 5 fields, found 4: [* * * *]"},
      {"minute 60", [](C& c) { c.spec.schedule = "60 * * * *"; },
       "spec.schedule: Invalid value: \"60 * * * *\": end of range (60) above maximum (59): 60"},
      {"a descriptor", [](C& c) { c.spec.schedule = "@hourly"; }, ""},
      {"TZ= in the schedule", [](C& c) { c.spec.schedule = "TZ=UTC 0 * * * *"; },
       "spec.schedule: Invalid value: \"TZ=UTC 0 * * * *\": " + tz_rule},
      {"startingDeadlineSeconds 0", [](C& c) { c.spec.startingDeadlineSeconds = 0; }, ""},
      {"startingDeadlineSeconds -1", [](C& c) { c.spec.startingDeadlineSeconds = -1; },
       "spec.startingDeadlineSeconds: Invalid value: -1: must be greater than or equal to 0"},
      {"no concurrencyPolicy", [](C& c) { c.spec.concurrencyPolicy = ""; }, "spec.concurrencyPolicy: Required value"},
      {"an unknown concurrencyPolicy", [](C& c) { c.spec.concurrencyPolicy = "Queue"; },
       "spec.concurrencyPolicy: Unsupported value: \"Queue\": supported values: \"Allow\", \"Forbid\", \"Replace\""},
      {"successfulJobsHistoryLimit -1", [](C& c) { c.spec.successfulJobsHistoryLimit = -1; },
       "spec.successfulJobsHistoryLimit: Invalid value: -1: must be greater than or equal to 0"},
      {"failedJobsHistoryLimit 0", [](C& c) { c.spec.failedJobsHistoryLimit = 0; }, ""},
      {"failedJobsHistoryLimit -1", [](C& c) { c.spec.failedJobsHistoryLimit = -1; },
       "spec.failedJobsHistoryLimit: Invalid value: -1: must be greater than or equal to 0"},
      {"a name of 52 characters", [](C& c) { c.metadata.name = std::string(52, 'a'); }, ""},
      {"a name of 53 characters", [](C& c) { c.metadata.name = std::string(53, 'a'); },
       "metadata.name: Invalid value: \"" + std::string(53, 'a') + "\": must be no more than 52 characters"},
      {"a job template with a selector",
       [](C& c) { c.spec.jobTemplate.spec.selector = meta_v1::LabelSelector{{{"app", "x"}}, {}}; },
       "spec.jobTemplate.spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"x\"}, "
       "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` will be auto-generated"},
      {"a job template with manualSelector", [](C& c) { c.spec.jobTemplate.spec.manualSelector = true; },
       "spec.jobTemplate.spec.manualSelector: Unsupported value: true: supported values: \"nil\", \"false\""},
      {"a job template with restartPolicy Always",
       [](C& c) { c.spec.jobTemplate.spec.template_.spec.restartPolicy = "Always"; },
       "spec.jobTemplate.spec.template.spec.restartPolicy: Required value: valid values: \"OnFailure\", \"Never\""},
      {"a job template with parallelism -1", [](C& c) { c.spec.jobTemplate.spec.parallelism = -1; },
       "spec.jobTemplate.spec.parallelism: Invalid value: -1: must be greater than or equal to 0"},
  };
  run_cases<C>(base, cases, [](const C& c) { return validate_kind(c); });
}

TEST_CASE("a CronJob's timeZone", "[unit][validation][batch]") {
  using C = batch_v1::CronJob;
  const C base = defaulted<C>(kKubectlCronJob);
  const std::string p = "spec.timeZone: Invalid value: ";
  const std::vector<TextCase<C>> cases = {
      {"UTC", [](C& c) { c.spec.timeZone = "UTC"; }, ""},
      {"empty", [](C& c) { c.spec.timeZone = ""; }, p + "\"\": timeZone must be nil or non-empty string"},
      {"Local", [](C& c) { c.spec.timeZone = "Local"; },
       p + "\"Local\": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones"},
      {"a space", [](C& c) { c.spec.timeZone = "America/New York"; },
       p + "\"America/New York\": unknown time zone America/New York"},
      {"a component of 15 characters", [](C& c) { c.spec.timeZone = "Europe/Abcdefghijklmno"; },
       p + "\"Europe/Abcdefghijklmno\": unknown time zone Europe/Abcdefghijklmno"},
      {"a component starting with '-'", [](C& c) { c.spec.timeZone = "Etc/-5"; }, p + "\"Etc/-5\": unknown time zone Etc/-5"},
      {"..", [](C& c) { c.spec.timeZone = "../etc/passwd"; }, p + "\"../etc/passwd\": unknown time zone ../etc/passwd"},
      {"two dots inside a component", [](C& c) { c.spec.timeZone = "a..b"; },
       p + "\"a..b\": time: invalid location name"},
  };
  run_cases<C>(base, cases, [](const C& c) { return validate_kind(c); });

  if (have_zoneinfo()) {
    C c = base;
    c.spec.timeZone = "Europe/Berlin";
    CHECK(to_string(validate_kind(c)) == "");
    c.spec.timeZone = "Etc/GMT+5";
    CHECK(to_string(validate_kind(c)) == "");
    c.spec.timeZone = "Mars/Olympus";
    CHECK(to_string(validate_kind(c)) == p + "\"Mars/Olympus\": unknown time zone Mars/Olympus");
    c.spec.timeZone = "local";
    CHECK(to_string(validate_kind(c)) ==
          p + "\"local\": timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones\n" +
              p + "\"local\": unknown time zone local");
    c.spec.timeZone.reset();
    c.spec.schedule = "CRON_TZ=Mars/Olympus 0 * * * *";
    CHECK(to_string(validate_kind(c)) ==
          "spec.schedule: Invalid value: \"CRON_TZ=Mars/Olympus 0 * * * *\": provided bad location Mars/Olympus: "
          "unknown time zone Mars/Olympus\n"
          "spec.schedule: Invalid value: \"CRON_TZ=Mars/Olympus 0 * * * *\": cannot use TZ or CRON_TZ in schedule, use "
          "timeZone field instead");
  } else {
    WARN("no /usr/share/zoneinfo: zone lookups not tested");
  }
}

TEST_CASE("updating a CronJob", "[unit][validation][batch]") {
  using C = batch_v1::CronJob;
  C old = defaulted<C>(kKubectlCronJob);

  SECTION("a long name may stay") {
    old.metadata.name = std::string(60, 'a');
    C cj = old;
    cj.spec.suspend = true;
    CHECK(to_string(validate_kind_update(cj, old)) == "");
  }
  SECTION("a TZ= schedule already stored may stay, but not with timeZone") {
    old.spec.schedule = "TZ=UTC 0 * * * *";
    C cj = old;
    cj.spec.schedule = "TZ=UTC 30 * * * *";
    CHECK(to_string(validate_kind_update(cj, old)) == "");
    cj.spec.timeZone = "UTC";
    CHECK(to_string(validate_kind_update(cj, old)) ==
          "spec.schedule: Invalid value: \"TZ=UTC 30 * * * *\": cannot use both timeZone field and TZ or CRON_TZ in "
          "schedule");
  }
  SECTION("an unchanged timeZone is not checked again") {
    old.spec.timeZone = "";
    C cj = old;
    cj.spec.suspend = true;
    CHECK(to_string(validate_kind_update(cj, old)) == "");
    cj.spec.timeZone = " ";
    CHECK(to_string(validate_kind_update(cj, old)) == "spec.timeZone: Invalid value: \" \": unknown time zone  ");
  }
}

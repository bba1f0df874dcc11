// batch_v1.cpp — the Job rules, in upstream's order and words
// (pkg/apis/batch/validation/validation.go); the CronJob's are in batch_v1_cron_job.cpp.
#include "cluster/api/validation/batch_v1.h"

#include <nlohmann/json.hpp>

#include <set>

#include "cluster/api/codec.h"
#include "cluster/api/names.h"
#include "cluster/api/validation/core_v1.h"
#include "cluster/api/validation/meta.h"
#include "cluster/api/validation/pod.h"
#include "cluster/api/validation/workload.h"
#include "runtime/base/strings.h"

namespace kubepp::api::validation {

namespace {

constexpr std::int32_t kMaxParallelismForIndexedJob = 100'000;
constexpr std::int32_t kMaxFailedIndexesForIndexedJob = 100'000;
constexpr std::int32_t kCompletionsSoftLimit = 100'000;
constexpr std::int32_t kParallelismLimitForHighCompletions = 10'000;
constexpr std::int32_t kMaxFailedIndexesLimitForHighCompletions = 10'000;
constexpr size_t kMaxPodFailurePolicyRules = 20;
constexpr size_t kMaxOnExitCodesValues = 255;
constexpr size_t kMaxOnPodConditionsPatterns = 20;
constexpr size_t kMaxManagedByLength = 63;
constexpr size_t kMaxSucceededIndexesLength = 64 * 1024;
constexpr size_t kMaxSuccessPolicyRules = 20;

constexpr std::string_view kIndexed = "Indexed";
constexpr std::string_view kNonIndexed = "NonIndexed";
constexpr std::string_view kNever = "Never";
constexpr std::string_view kOnFailure = "OnFailure";

// TooLong as upstream words it now (field.TooLong, TooLongMaxLength): the value is omitted.
FieldError too_long_bytes(const Path& path, size_t max) {
  return {FieldError::Type::TooLong, path.str(), "", "may not be more than " + std::to_string(max) + " bytes"};
}

// strconv.Atoi for index ranges: a sign and decimal digits within int64.
std::optional<std::int64_t> parse_index(std::string_view s) {
  std::string_view d = s;
  bool negative = false;
  if (!d.empty() && (d[0] == '+' || d[0] == '-')) {
    negative = d[0] == '-';
    d.remove_prefix(1);
  }
  if (d.empty()) return std::nullopt;
  std::uint64_t n = 0;
  for (char c : d) {
    if (c < '0' || c > '9') return std::nullopt;
    const auto digit = static_cast<std::uint64_t>(c - '0');
    if (n > ((std::uint64_t{1} << 63) - digit) / 10) return std::nullopt;  // out of range
    n = n * 10 + digit;
  }
  if (!negative && n == (std::uint64_t{1} << 63)) return std::nullopt;
  return negative ? static_cast<std::int64_t>(0 - n) : static_cast<std::int64_t>(n);
}

// parseIndexInterval: "X" or "X-Y" with X < Y < completions.
Result<std::pair<std::int64_t, std::int64_t>> parse_index_interval(std::string_view interval,
                                                                   std::int32_t completions) {
  std::vector<std::string_view> limits = split(interval, '-');
  if (limits.size() > 2) {
    return Error{ErrorCode::Invalid, "the fragment " + quoted(interval) +
                                         " violates the requirement that an index interval can have at most two "
                                         "parts separated by '-'"};
  }
  std::int64_t bounds[2] = {0, 0};
  for (size_t i = 0; i < limits.size(); i++) {
    std::optional<std::int64_t> n = parse_index(limits[i]);
    if (!n) return Error{ErrorCode::Invalid, "cannot convert string to integer for index: " + quoted(limits[i])};
    if (*n >= completions) return Error{ErrorCode::Invalid, "too large index: " + quoted(limits[i])};
    bounds[i] = *n;
  }
  if (limits.size() == 1) return std::pair{bounds[0], bounds[0]};
  if (bounds[0] >= bounds[1]) {
    return Error{ErrorCode::Invalid, "non-increasing order, previous: " + std::to_string(bounds[0]) +
                                         ", current: " + std::to_string(bounds[1])};
  }
  return std::pair{bounds[0], bounds[1]};
}

// validateIndexesFormat: increasing intervals, "1,3-5,7"; the number of indexes they hold.
Result<std::int64_t> validate_indexes_format(std::string_view indexes, std::int32_t completions) {
  if (indexes.empty()) return std::int64_t{0};
  std::optional<std::int64_t> last;
  std::int64_t total = 0;
  for (std::string_view interval : split(indexes, ',')) {
    auto r = parse_index_interval(interval, completions);
    if (!r) return r.error();
    const auto [x, y] = r.value();
    if (last && *last >= x) {
      return Error{ErrorCode::Invalid,
                   "non-increasing order, previous: " + std::to_string(*last) + ", current: " + std::to_string(x)};
    }
    total += y - x + 1;
    last = y;
  }
  return total;
}

// IsDomainPrefixedPath: "<DNS subdomain>/<HTTP path>".
ErrorList is_domain_prefixed_path(const Path& path, std::string_view value) {
  if (value.empty()) return {required(path)};
  const size_t slash = value.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == value.size()) {
    return {invalid(path, quoted(value), "must be a domain-prefixed path (such as \"acme.io/foo\")")};
  }
  ErrorList errs;
  const std::string_view host = value.substr(0, slash), rest = value.substr(slash + 1);
  for (std::string& msg : is_dns1123_subdomain(host)) errs.push_back(invalid(path, quoted(host), std::move(msg)));
  const std::string_view allowed = "/-._~%!$&'()*+,;=:";
  for (char c : rest) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    allowed.find(c) != std::string_view::npos;
    if (!ok) {
      errs.push_back(invalid(path, quoted(rest), regex_error("Invalid path", "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+", {})));
      break;
    }
  }
  return errs;
}

// ---- podFailurePolicy ---------------------------------------------------------------------

ErrorList validate_on_exit_codes(const batch_v1::PodFailurePolicyOnExitCodesRequirement& req, const Path& path,
                                 const std::set<std::string>& container_names) {
  ErrorList errs;
  const Path op = path.child("operator");
  if (req.operator_.empty()) {
    errs.push_back(required(op, R"(valid values: ["In" "NotIn"])"));
  } else if (req.operator_ != "In" && req.operator_ != "NotIn") {
    errs.push_back(not_supported(op, quoted(req.operator_), {"In", "NotIn"}));
  }
  if (req.containerName && !container_names.count(*req.containerName)) {
    errs.push_back(invalid(path.child("containerName"), quoted(*req.containerName),
                           "must be one of the container or initContainer names in the pod template"));
  }
  const Path values = path.child("values");
  if (req.values.empty()) {
    errs.push_back(invalid(values, go_int32_slice(req.values), "at least one value is required"));
  } else if (req.values.size() > kMaxOnExitCodesValues) {
    errs.push_back(too_many(values, req.values.size(), kMaxOnExitCodesValues));
  }
  bool ordered = true;
  std::set<std::int32_t> seen;
  for (size_t j = 0; j < req.values.size(); j++) {
    const std::int32_t v = req.values[j];
    if (req.operator_ == "In" && v == 0) {
      errs.push_back(invalid(values.index(j), "0", "must not be 0 for the In operator"));
    }
    if (!seen.insert(v).second) errs.push_back(duplicate(values.index(j), std::to_string(v)));
    if (j > 0 && req.values[j - 1] > v) ordered = false;
  }
  if (!ordered) errs.push_back(invalid(values, go_int32_slice(req.values), "must be ordered"));
  return errs;
}

ErrorList validate_on_pod_conditions(const std::vector<batch_v1::PodFailurePolicyOnPodConditionsPattern>& patterns,
                                     const Path& path) {
  ErrorList errs;
  if (patterns.size() > kMaxOnPodConditionsPatterns) {
    errs.push_back(too_many(path, patterns.size(), kMaxOnPodConditionsPatterns));
  }
  for (size_t j = 0; j < patterns.size(); j++) {
    const Path at = path.index(j);
    append(errs, validate_qualified_name(patterns[j].type, at.child("type")));
    const std::string& status = patterns[j].status;
    if (status.empty()) {
      errs.push_back(required(at.child("status"), R"(valid values: ["False" "True" "Unknown"])"));
    } else if (status != "False" && status != "True" && status != "Unknown") {
      errs.push_back(not_supported(at.child("status"), quoted(status), {"False", "True", "Unknown"}));
    }
  }
  return errs;
}

ErrorList validate_pod_failure_policy_rule(const batch_v1::JobSpec& spec, const batch_v1::PodFailurePolicyRule& rule,
                                           const Path& path, const std::set<std::string>& container_names) {
  ErrorList errs;
  const Path action = path.child("action");
  if (rule.action.empty()) {
    errs.push_back(required(action, R"(valid values: ["Count" "FailIndex" "FailJob" "Ignore"])"));
  } else if (rule.action == "FailIndex") {
    if (!spec.backoffLimitPerIndex) {
      errs.push_back(invalid(action, quoted(rule.action), "requires the backoffLimitPerIndex to be set"));
    }
  } else if (rule.action != "Count" && rule.action != "FailJob" && rule.action != "Ignore") {
    errs.push_back(not_supported(action, quoted(rule.action), {"Count", "FailIndex", "FailJob", "Ignore"}));
  }
  if (rule.onExitCodes) {
    append(errs, validate_on_exit_codes(*rule.onExitCodes, path.child("onExitCodes"), container_names));
  }
  if (!rule.onPodConditions.empty()) {
    append(errs, validate_on_pod_conditions(rule.onPodConditions, path.child("onPodConditions")));
  }
  if (rule.onExitCodes && !rule.onPodConditions.empty()) {
    errs.push_back(invalid(path, "", "specifying both OnExitCodes and OnPodConditions is not supported"));
  }
  if (!rule.onExitCodes && rule.onPodConditions.empty()) {
    errs.push_back(invalid(path, "", "specifying one of OnExitCodes and OnPodConditions is required"));
  }
  return errs;
}

ErrorList validate_pod_failure_policy(const batch_v1::JobSpec& spec, const Path& path) {
  ErrorList errs;
  const Path rules = path.child("rules");
  const std::vector<batch_v1::PodFailurePolicyRule>& list = spec.podFailurePolicy->rules;
  if (list.size() > kMaxPodFailurePolicyRules) errs.push_back(too_many(rules, list.size(), kMaxPodFailurePolicyRules));
  std::set<std::string> names;
  for (const core_v1::Container& c : spec.template_.spec.containers) names.insert(c.name);
  for (const core_v1::Container& c : spec.template_.spec.initContainers) names.insert(c.name);
  for (size_t i = 0; i < list.size(); i++) {
    append(errs, validate_pod_failure_policy_rule(spec, list[i], rules.index(i), names));
  }
  return errs;
}

// ---- successPolicy ------------------------------------------------------------------------

ErrorList validate_success_policy_rule(const batch_v1::JobSpec& spec, const batch_v1::SuccessPolicyRule& rule,
                                       const Path& path) {
  ErrorList errs;
  if (!rule.succeededCount && !rule.succeededIndexes) {
    errs.push_back(required(path, "at least one of succeededCount or succeededIndexes must be specified"));
  }
  // Without completions (already reported as required) upstream would dereference null;
  // kubepp skips the checks that need it.
  const std::optional<std::int32_t> completions = spec.completions;
  std::int64_t total = 0;
  if (rule.succeededIndexes) {
    const Path p = path.child("succeededIndexes");
    if (rule.succeededIndexes->size() > kMaxSucceededIndexesLength) {
      errs.push_back(too_long_bytes(p, kMaxSucceededIndexesLength));
    }
    if (completions) {
      Result<std::int64_t> r = validate_indexes_format(*rule.succeededIndexes, *completions);
      if (r) {
        total = r.value();
      } else {
        errs.push_back(
            invalid(p, quoted(*rule.succeededIndexes), "error parsing succeededIndexes: " + r.error().message));
      }
    }
  }
  if (rule.succeededCount) {
    const Path p = path.child("succeededCount");
    const std::int32_t count = *rule.succeededCount;
    append(errs, validate_nonnegative(count, p));
    if (completions && count > *completions) {
      errs.push_back(invalid(
          p, std::to_string(count),
          "must be less than or equal to " + std::to_string(*completions) + " (the number of specified completions)"));
    }
    if (completions && rule.succeededIndexes && count > total) {
      errs.push_back(invalid(p, std::to_string(count),
                             "must be less than or equal to " + std::to_string(total) +
                                 " (the number of indexes in the specified succeededIndexes field)"));
    }
  }
  return errs;
}

ErrorList validate_success_policy(const batch_v1::JobSpec& spec, const Path& path) {
  ErrorList errs;
  const Path rules = path.child("rules");
  const std::vector<batch_v1::SuccessPolicyRule>& list = spec.successPolicy->rules;
  if (list.empty()) {
    errs.push_back(required(rules, "at least one rules must be specified when the successPolicy is specified"));
  }
  if (list.size() > kMaxSuccessPolicyRules) errs.push_back(too_many(rules, list.size(), kMaxSuccessPolicyRules));
  for (size_t i = 0; i < list.size(); i++) {
    append(errs, validate_success_policy_rule(spec, list[i], rules.index(i)));
  }
  return errs;
}

ErrorList validate_pod_replacement_policy(const batch_v1::JobSpec& spec, const Path& path) {
  if (!spec.podReplacementPolicy) return {};
  const std::string& policy = *spec.podReplacementPolicy;
  if (spec.podFailurePolicy) {
    if (policy != "Failed") return {not_supported(path, quoted(policy), {"Failed"})};
  } else if (policy != "Failed" && policy != "TerminatingOrFailed") {
    return {not_supported(path, quoted(policy), {"Failed", "TerminatingOrFailed"})};
  }
  return {};
}

// ---- the parts of validateJobSpec -----------------------------------------------------------

ErrorList validate_counts(const batch_v1::JobSpec& spec, const Path& path) {
  ErrorList errs;
  if (spec.parallelism) append(errs, validate_nonnegative(*spec.parallelism, path.child("parallelism")));
  if (spec.completions) append(errs, validate_nonnegative(*spec.completions, path.child("completions")));
  if (spec.activeDeadlineSeconds) {
    append(errs, validate_nonnegative(*spec.activeDeadlineSeconds, path.child("activeDeadlineSeconds")));
  }
  if (spec.backoffLimit) append(errs, validate_nonnegative(*spec.backoffLimit, path.child("backoffLimit")));
  if (spec.ttlSecondsAfterFinished) {
    append(errs, validate_nonnegative(*spec.ttlSecondsAfterFinished, path.child("ttlSecondsAfterFinished")));
  }
  if (spec.backoffLimitPerIndex) {
    append(errs, validate_nonnegative(*spec.backoffLimitPerIndex, path.child("backoffLimitPerIndex")));
  }
  if (spec.maxFailedIndexes) {
    append(errs, validate_nonnegative(*spec.maxFailedIndexes, path.child("maxFailedIndexes")));
    if (!spec.backoffLimitPerIndex) {
      errs.push_back(required(path.child("backoffLimitPerIndex"), "when maxFailedIndexes is specified"));
    }
  }
  if (spec.managedBy) {
    append(errs, is_domain_prefixed_path(path.child("managedBy"), *spec.managedBy));
    if (spec.managedBy->size() > kMaxManagedByLength) {
      errs.push_back(too_long_bytes(path.child("managedBy"), kMaxManagedByLength));
    }
  }
  return errs;
}

// The Indexed completion mode's limits.
ErrorList validate_indexed(const batch_v1::JobSpec& spec, const Path& path) {
  ErrorList errs;
  const std::string indexed(kIndexed);
  const Path mfi = path.child("maxFailedIndexes");
  if (!spec.completions) errs.push_back(required(path.child("completions"), "when completion mode is " + indexed));
  if (spec.parallelism && *spec.parallelism > kMaxParallelismForIndexedJob) {
    errs.push_back(invalid(path.child("parallelism"), std::to_string(*spec.parallelism),
                           "must be less than or equal to " + std::to_string(kMaxParallelismForIndexedJob) +
                               " when completion mode is " + indexed));
  }
  if (spec.completions && spec.maxFailedIndexes && *spec.maxFailedIndexes > *spec.completions) {
    errs.push_back(invalid(mfi, std::to_string(*spec.maxFailedIndexes), "must be less than or equal to completions"));
  }
  if (spec.maxFailedIndexes && *spec.maxFailedIndexes > kMaxFailedIndexesForIndexedJob) {
    errs.push_back(invalid(mfi, std::to_string(*spec.maxFailedIndexes),
                           "must be less than or equal to " + std::to_string(kMaxFailedIndexesForIndexedJob)));
  }
  if (spec.completions && *spec.completions > kCompletionsSoftLimit && spec.backoffLimitPerIndex) {
    const std::string high = " when completions are above " + std::to_string(kCompletionsSoftLimit) +
                             " and used with backoff limit per index";
    if (!spec.maxFailedIndexes) {
      errs.push_back(
          required(mfi, "must be specified when completions is above " + std::to_string(kCompletionsSoftLimit)));
    }
    if (spec.parallelism && *spec.parallelism > kParallelismLimitForHighCompletions) {
      errs.push_back(
          invalid(path.child("parallelism"), std::to_string(*spec.parallelism),
                  "must be less than or equal to " + std::to_string(kParallelismLimitForHighCompletions) + high));
    }
    if (spec.maxFailedIndexes && *spec.maxFailedIndexes > kMaxFailedIndexesLimitForHighCompletions) {
      errs.push_back(
          invalid(mfi, std::to_string(*spec.maxFailedIndexes),
                  "must be less than or equal to " + std::to_string(kMaxFailedIndexesLimitForHighCompletions) + high));
    }
  }
  return errs;
}

ErrorList validate_completion_mode(const batch_v1::JobSpec& spec, const Path& path) {
  ErrorList errs;
  if (spec.completionMode) {
    const std::string& mode = *spec.completionMode;
    if (mode != kNonIndexed && mode != kIndexed) {
      errs.push_back(
          not_supported(path.child("completionMode"), quoted(mode), {std::string(kNonIndexed), std::string(kIndexed)}));
    }
    if (mode == kIndexed) append(errs, validate_indexed(spec, path));
  }
  if (!spec.completionMode || *spec.completionMode == kNonIndexed) {
    if (spec.backoffLimitPerIndex) {
      errs.push_back(invalid(path.child("backoffLimitPerIndex"), std::to_string(*spec.backoffLimitPerIndex),
                             "requires indexed completion mode"));
    }
    if (spec.maxFailedIndexes) {
      errs.push_back(invalid(path.child("maxFailedIndexes"), std::to_string(*spec.maxFailedIndexes),
                             "requires indexed completion mode"));
    }
  }
  return errs;
}

ErrorList validate_job_restart_policy(const batch_v1::JobSpec& spec, const Path& path) {
  const std::string& policy = spec.template_.spec.restartPolicy;
  if (policy == "Always" || policy.empty()) return {required(path, R"(valid values: "OnFailure", "Never")")};
  if (policy != kOnFailure && policy != kNever) {
    return {not_supported(path, quoted(policy), {std::string(kOnFailure), std::string(kNever)})};
  }
  if (spec.podFailurePolicy && policy != kNever) {
    return {invalid(path, quoted(policy), R"(only "Never" is supported when podFailurePolicy is specified)")};
  }
  return {};
}

// A value upstream prints as Go's %#v of an internal struct, with pointer addresses in
// it; kubepp prints its JSON.
template <typename T>
std::string json_of(const std::optional<T>& value) {
  return value ? to_json(*value).dump() : "null";
}

}  // namespace

ErrorList validate_job_spec_common(const batch_v1::JobSpec& spec, const Path& path) {
  ErrorList errs = validate_counts(spec, path);
  append(errs, validate_completion_mode(spec, path));
  if (spec.podFailurePolicy) append(errs, validate_pod_failure_policy(spec, path.child("podFailurePolicy")));
  if (spec.successPolicy) {
    if (spec.completionMode.value_or(std::string(kNonIndexed)) != kIndexed) {
      errs.push_back(
          invalid(path.child("successPolicy"), json_of(spec.successPolicy), "requires indexed completion mode"));
    } else {
      append(errs, validate_success_policy(spec, path.child("successPolicy")));
    }
  }
  append(errs, validate_pod_replacement_policy(spec, path.child("podReplacementPolicy")));
  append(errs, validate_pod_template_spec(spec.template_, path.child("template")));
  append(errs, validate_job_restart_policy(spec, path.child("template").child("spec").child("restartPolicy")));
  return errs;
}

ErrorList validate_job_spec(const batch_v1::JobSpec& spec, const Path& path, const JobValidationOptions& options) {
  ErrorList errs = validate_job_spec_common(spec, path);
  if (!spec.selector) {
    errs.push_back(required(path.child("selector")));
  } else {
    append(errs, validate_selector(
                            spec.selector, path.child("selector"),
                            {.allow_invalid_label_value_in_selector = options.allow_invalid_label_value_in_selector}));
  }
  Result<Selector> sel = selector_of(spec.selector);
  if (sel && !sel.value().matches(spec.template_.metadata.labels)) {
    errs.push_back(
        selector_mismatch(spec.template_.metadata.labels, path.child("template").child("metadata").child("labels")));
  }
  return errs;
}

namespace {

// ValidateHasLabel: the template carries `key` with the value `want`.
ErrorList validate_has_label(const meta_v1::ObjectMeta& meta, const Path& path, const std::string& key,
                             const std::string& want) {
  const Path at = path.child("labels").key(key);
  auto it = meta.labels.find(key);
  if (it == meta.labels.end()) return {required(at, "must be '" + want + "'")};
  if (it->second != want) return {invalid(at, go_string_map(meta.labels), "must be '" + want + "'")};
  return {};
}

// validateGeneratedSelector: unless the selector is manual, the generated labels are on
// the template and the selector matches them.
ErrorList validate_generated_selector(const batch_v1::Job& job, bool require_prefixed_labels) {
  ErrorList errs;
  if (job.spec.manualSelector.value_or(false) || !job.spec.selector) return errs;
  const std::string& uid = job.metadata.uid;
  const std::string& name = job.metadata.name;
  if (uid.empty()) errs.push_back(required(Path("metadata").child("uid")));
  const meta_v1::ObjectMeta& tmeta = job.spec.template_.metadata;
  const Path tpath = Path("spec").child("template").child("metadata");
  append(errs, validate_has_label(tmeta, tpath, kLegacyControllerUidLabel, uid));
  append(errs, validate_has_label(tmeta, tpath, kLegacyJobNameLabel, name));
  Labels expected = {{kLegacyControllerUidLabel, uid}, {kLegacyJobNameLabel, name}};
  if (require_prefixed_labels) {
    append(errs, validate_has_label(tmeta, tpath, kControllerUidLabel, uid));
    append(errs, validate_has_label(tmeta, tpath, kJobNameLabel, name));
    expected[kControllerUidLabel] = uid;
    expected[kJobNameLabel] = name;
  }
  Result<Selector> sel = selector_of(job.spec.selector);
  if (sel && !sel.value().matches(expected)) {
    errs.push_back(
        invalid(Path("spec").child("selector"), go_label_selector(job.spec.selector), "`selector` not auto-generated"));
  }
  return errs;
}

}  // namespace

ErrorList validate_job(const batch_v1::Job& job, const JobValidationOptions& options) {
  ErrorList errs = validate_generated_selector(job, options.require_prefixed_labels);
  append(errs, validate_job_spec(job.spec, Path("spec"), options));
  if (job.spec.completionMode == std::string(kIndexed) && job.spec.completions && *job.spec.completions > 0) {
    // The pods' hostnames are `<job name>-<index>`.
    const std::string hostname = job.metadata.name + "-" + std::to_string(*job.spec.completions - 1);
    if (!is_dns1123_label(hostname).empty()) {
      errs.push_back(invalid(Path("metadata").child("name"), quoted(job.metadata.name),
                             "will not able to create pod with invalid DNS label: " + hostname));
    }
  }
  return errs;
}

namespace {

// validateCompletions: completions may change only for an Indexed Job, and then together
// with parallelism.
ErrorList validate_completions_update(const batch_v1::JobSpec& spec, const batch_v1::JobSpec& old, const Path& path) {
  const bool indexed = spec.completionMode == std::string(kIndexed);
  if (!indexed) return validate_immutable(spec.completions == old.completions, go_optional(spec.completions), path);
  if (spec.completions == old.completions || !spec.completions) return {};
  if (!spec.parallelism || *spec.completions != *spec.parallelism) {
    return {invalid(path, std::to_string(*spec.completions), "can only be modified in tandem with spec.parallelism")};
  }
  return {};
}

// validatePodTemplateUpdate: the template never changes, except — for a suspended Job that
// never started — its scheduling directives, labels and annotations.
ErrorList validate_template_update(const batch_v1::JobSpec& spec, const batch_v1::JobSpec& old_spec, const Path& path,
                                   bool allow_mutable_scheduling_directives) {
  const core_v1::PodTemplateSpec& tmpl = spec.template_;
  core_v1::PodTemplateSpec old = old_spec.template_;
  if (allow_mutable_scheduling_directives) {
    if (!tmpl.spec.affinity && old.spec.affinity) {
      old.spec.affinity->nodeAffinity.reset();
      if (*old.spec.affinity == core_v1::Affinity{}) old.spec.affinity.reset();
    } else if (tmpl.spec.affinity && !old.spec.affinity) {
      old.spec.affinity = core_v1::Affinity{};
      old.spec.affinity->nodeAffinity = tmpl.spec.affinity->nodeAffinity;
    } else if (tmpl.spec.affinity && old.spec.affinity) {
      old.spec.affinity->nodeAffinity = tmpl.spec.affinity->nodeAffinity;
    }
    old.spec.nodeSelector = tmpl.spec.nodeSelector;
    old.spec.tolerations = tmpl.spec.tolerations;
    old.metadata.annotations = tmpl.metadata.annotations;
    old.metadata.labels = tmpl.metadata.labels;
    old.spec.schedulingGates = tmpl.spec.schedulingGates;
  }
  return validate_immutable(tmpl == old, to_json(tmpl).dump(), path.child("template"));
}

}  // namespace

ErrorList validate_job_update(const batch_v1::Job& job, const batch_v1::Job& old) {
  JobValidationOptions options;
  options.allow_invalid_label_value_in_selector = has_invalid_label_value(old.spec.selector);
  options.allow_mutable_scheduling_directives = old.spec.suspend.value_or(false) && !old.status.startTime;
  const Labels& old_labels = old.spec.template_.metadata.labels;
  options.require_prefixed_labels = old_labels.count(kJobNameLabel) && old_labels.count(kControllerUidLabel);

  // Upstream runs ValidateJobSpec twice on update (in ValidateJob and in
  // ValidateJobSpecUpdate); the API server's message drops the repeats, and so does this.
  ErrorList errs = validate_job(job, options);
  const batch_v1::JobSpec& s = job.spec;
  const batch_v1::JobSpec& o = old.spec;
  const Path spec("spec");
  append(errs, validate_completions_update(s, o, spec.child("completions")));
  append(errs,
                validate_immutable(s.selector == o.selector, go_label_selector(s.selector), spec.child("selector")));
  append(errs, validate_template_update(s, o, spec, options.allow_mutable_scheduling_directives));
  append(errs, validate_immutable(s.completionMode == o.completionMode, go_optional(s.completionMode),
                                         spec.child("completionMode")));
  append(errs, validate_immutable(s.podFailurePolicy == o.podFailurePolicy, json_of(s.podFailurePolicy),
                                         spec.child("podFailurePolicy")));
  append(errs, validate_immutable(s.backoffLimitPerIndex == o.backoffLimitPerIndex,
                                         go_optional(s.backoffLimitPerIndex), spec.child("backoffLimitPerIndex")));
  append(errs,
                validate_immutable(s.managedBy == o.managedBy, go_optional(s.managedBy), spec.child("managedBy")));
  append(errs, validate_immutable(s.successPolicy == o.successPolicy, json_of(s.successPolicy),
                                         spec.child("successPolicy")));
  return errs;
}

}  // namespace kubepp::api::validation

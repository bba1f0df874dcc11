// workloads_defaults_test.cpp — Deployments, DaemonSets, StatefulSets, Jobs and CronJobs
// are defaulted as upstream's SetDefaults_* in pkg/apis/apps/v1 and pkg/apis/batch/v1 do
// (after the schema's defaults), and a new Job's selector is generated as the job
// strategy generates it.
#include <catch2/catch.hpp>

#include <limits>

#include "cluster/api/defaults/apps_v1.h"
#include "cluster/api/defaults/batch_v1.h"
#include "tests/cluster/api/fixtures.h"

using namespace kubepp::api;
using namespace kubepp::api::testing;

namespace {

constexpr std::string_view kDeployment = R"(
apiVersion: apps/v1
kind: Deployment
metadata: {name: myapp, namespace: default, labels: {app: myapp}}
spec:
  selector: {matchLabels: {app: myapp}}
  template:
    metadata: {labels: {app: myapp}}
    spec:
      containers: [{name: myapp, image: ikubernetes/myapp:v1}]
)";

constexpr std::string_view kDaemonSet = R"(
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: default}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers: [{name: agent, image: busybox}]
)";

constexpr std::string_view kStatefulSet = R"(
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web, namespace: default}
spec:
  serviceName: nginx
  selector: {matchLabels: {app: nginx}}
  template:
    metadata: {labels: {app: nginx}}
    spec:
      containers: [{name: nginx, image: nginx:1.27}]
)";

constexpr std::string_view kJob = R"(
apiVersion: batch/v1
kind: Job
metadata: {name: pi, namespace: default}
spec:
  template:
    metadata: {labels: {app: pi}}
    spec:
      containers: [{name: pi, image: perl:5.34}]
      restartPolicy: Never
)";

// The document with `extra` spliced in at the end of spec (indented two spaces).
std::string with_spec(std::string_view doc, std::string_view extra) { return std::string(doc) + std::string(extra); }

}  // namespace

TEST_CASE("a Deployment gets a 25%/25% rolling update", "[unit][defaults][apps]") {
  SECTION("and the schema's replicas, limits and template defaults") {
    const auto d = defaulted<apps_v1::Deployment>(kDeployment);
    CHECK(d.spec.replicas == 1);
    CHECK(d.spec.strategy.type == "RollingUpdate");
    REQUIRE(d.spec.strategy.rollingUpdate);
    CHECK(d.spec.strategy.rollingUpdate->maxUnavailable == IntOrString::from_string("25%"));
    CHECK(d.spec.strategy.rollingUpdate->maxSurge == IntOrString::from_string("25%"));
    CHECK(d.spec.revisionHistoryLimit == 10);
    CHECK(d.spec.progressDeadlineSeconds == 600);
    CHECK(d.spec.template_.spec.restartPolicy == "Always");
    CHECK(d.spec.template_.spec.containers[0].imagePullPolicy == "IfNotPresent");
  }
  SECTION("a limit that is given is kept") {
    const auto d = defaulted<apps_v1::Deployment>(with_spec(kDeployment, "  strategy: {rollingUpdate: {maxSurge: 1}}\n"));
    CHECK(d.spec.strategy.rollingUpdate->maxUnavailable == IntOrString::from_string("25%"));
    CHECK(d.spec.strategy.rollingUpdate->maxSurge == IntOrString::from_int(1));
  }
  SECTION("Recreate has no rolling update") {
    const auto d = defaulted<apps_v1::Deployment>(with_spec(kDeployment, "  strategy: {type: Recreate}\n"));
    CHECK(!d.spec.strategy.rollingUpdate);
  }
}

TEST_CASE("a ReplicaSet gets one replica", "[unit][defaults][apps]") {
  const auto rs = defaulted<apps_v1::ReplicaSet>(R"(
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: web, namespace: default}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx}]}
)");
  CHECK(rs.spec.replicas == 1);
  CHECK(rs.metadata.labels.empty());  // apps/v1 does not copy the template's labels
  CHECK(rs.spec.template_.spec.containers[0].imagePullPolicy == "Always");
}

TEST_CASE("a DaemonSet rolls one node at a time without surge", "[unit][defaults][apps]") {
  SECTION("by default") {
    const auto ds = defaulted<apps_v1::DaemonSet>(kDaemonSet);
    CHECK(ds.spec.updateStrategy.type == "RollingUpdate");
    REQUIRE(ds.spec.updateStrategy.rollingUpdate);
    CHECK(ds.spec.updateStrategy.rollingUpdate->maxUnavailable == IntOrString::from_int(1));
    CHECK(ds.spec.updateStrategy.rollingUpdate->maxSurge == IntOrString::from_int(0));
    CHECK(ds.spec.revisionHistoryLimit == 10);
  }
  SECTION("keeping what is given") {
    const auto ds = defaulted<apps_v1::DaemonSet>(
        with_spec(kDaemonSet, "  updateStrategy: {rollingUpdate: {maxUnavailable: 20%}}\n"));
    CHECK(ds.spec.updateStrategy.rollingUpdate->maxUnavailable == IntOrString::from_string("20%"));
    CHECK(ds.spec.updateStrategy.rollingUpdate->maxSurge == IntOrString::from_int(0));
  }
  SECTION("OnDelete has no rolling update") {
    const auto ds = defaulted<apps_v1::DaemonSet>(with_spec(kDaemonSet, "  updateStrategy: {type: OnDelete}\n"));
    CHECK(!ds.spec.updateStrategy.rollingUpdate);
  }
}

TEST_CASE("a StatefulSet's update strategy and claim retention", "[unit][defaults][apps]") {
  SECTION("no strategy: RollingUpdate from partition 0") {
    const auto sts = defaulted<apps_v1::StatefulSet>(kStatefulSet);
    CHECK(sts.spec.replicas == 1);
    CHECK(sts.spec.podManagementPolicy == "OrderedReady");
    CHECK(sts.spec.revisionHistoryLimit == 10);
    CHECK(sts.spec.updateStrategy.type == "RollingUpdate");
    REQUIRE(sts.spec.updateStrategy.rollingUpdate);
    CHECK(sts.spec.updateStrategy.rollingUpdate->partition == 0);
    CHECK(!sts.spec.updateStrategy.rollingUpdate->maxUnavailable);
    REQUIRE(sts.spec.persistentVolumeClaimRetentionPolicy);
    CHECK(sts.spec.persistentVolumeClaimRetentionPolicy->whenDeleted == "Retain");
    CHECK(sts.spec.persistentVolumeClaimRetentionPolicy->whenScaled == "Retain");
  }
  SECTION("RollingUpdate named without parameters gets none") {
    const auto sts = defaulted<apps_v1::StatefulSet>(with_spec(kStatefulSet, "  updateStrategy: {type: RollingUpdate}\n"));
    CHECK(!sts.spec.updateStrategy.rollingUpdate);
  }
  SECTION("RollingUpdate with parameters gets partition 0") {
    const auto sts = defaulted<apps_v1::StatefulSet>(
        with_spec(kStatefulSet, "  updateStrategy: {type: RollingUpdate, rollingUpdate: {maxUnavailable: 2}}\n"));
    CHECK(sts.spec.updateStrategy.rollingUpdate->partition == 0);
    CHECK(sts.spec.updateStrategy.rollingUpdate->maxUnavailable == IntOrString::from_int(2));
  }
  SECTION("OnDelete") {
    const auto sts = defaulted<apps_v1::StatefulSet>(with_spec(kStatefulSet, "  updateStrategy: {type: OnDelete}\n"));
    CHECK(!sts.spec.updateStrategy.rollingUpdate);
  }
  SECTION("a retention policy that is given is kept") {
    const auto sts = defaulted<apps_v1::StatefulSet>(
        with_spec(kStatefulSet, "  persistentVolumeClaimRetentionPolicy: {whenDeleted: Delete}\n"));
    CHECK(sts.spec.persistentVolumeClaimRetentionPolicy->whenDeleted == "Delete");
    CHECK(sts.spec.persistentVolumeClaimRetentionPolicy->whenScaled == "Retain");
  }
}

TEST_CASE("a Job's defaults", "[unit][defaults][batch]") {
  SECTION("a single pod, six retries, the template's labels") {
    const auto job = defaulted<batch_v1::Job>(kJob);
    CHECK(job.spec.completions == 1);
    CHECK(job.spec.parallelism == 1);
    CHECK(job.spec.backoffLimit == 6);
    CHECK(job.metadata.labels == std::map<std::string, std::string>{{"app", "pi"}});
    CHECK(job.spec.completionMode == "NonIndexed");
    CHECK(job.spec.suspend == false);
    CHECK(job.spec.podReplacementPolicy == "TerminatingOrFailed");
    CHECK(job.spec.manualSelector == false);
    CHECK(!job.spec.selector);  // generated on create, not by defaulting
    CHECK(job.spec.template_.spec.containers[0].imagePullPolicy == "IfNotPresent");
  }
  SECTION("parallelism alone leaves completions unset") {
    const auto job = defaulted<batch_v1::Job>(with_spec(kJob, "  parallelism: 3\n"));
    CHECK(job.spec.parallelism == 3);
    CHECK(!job.spec.completions);
  }
  SECTION("completions alone gets parallelism 1") {
    const auto job = defaulted<batch_v1::Job>(with_spec(kJob, "  completions: 5\n"));
    CHECK(job.spec.completions == 5);
    CHECK(job.spec.parallelism == 1);
  }
  SECTION("a per-index limit turns the global one off") {
    const auto job = defaulted<batch_v1::Job>(
        with_spec(kJob, "  completionMode: Indexed\n  completions: 3\n  backoffLimitPerIndex: 1\n"));
    CHECK(job.spec.backoffLimit == std::numeric_limits<std::int32_t>::max());
  }
  SECTION("the Job's own labels are kept") {
    auto job = decode_as<batch_v1::Job>(kJob);
    job.metadata.labels = {{"team", "a"}};
    set_defaults(kind_of(job), &job);
    CHECK(job.metadata.labels == std::map<std::string, std::string>{{"team", "a"}});
  }
  SECTION("with a podFailurePolicy: failed pods are replaced only once gone") {
    const auto job = defaulted<batch_v1::Job>(with_spec(kJob, R"(  podFailurePolicy:
    rules:
    - action: Ignore
      onPodConditions: [{type: DisruptionTarget}]
)"));
    CHECK(job.spec.podReplacementPolicy == "Failed");
    CHECK(job.spec.podFailurePolicy->rules[0].onPodConditions[0].status == "True");
  }
}

TEST_CASE("a new Job's generated selector", "[unit][defaults][batch]") {
  auto job = defaulted<batch_v1::Job>(kJob);
  job.metadata.uid = "u-1";
  SECTION("labels the template and selects by the uid") {
    defaults::generate_job_selector(job);
    CHECK(job.spec.template_.metadata.labels == std::map<std::string, std::string>{
                                                    {"app", "pi"},
                                                    {"batch.kubernetes.io/controller-uid", "u-1"},
                                                    {"batch.kubernetes.io/job-name", "pi"},
                                                    {"controller-uid", "u-1"},
                                                    {"job-name", "pi"},
                                                });
    REQUIRE(job.spec.selector);
    CHECK(job.spec.selector->matchLabels == std::map<std::string, std::string>{{"batch.kubernetes.io/controller-uid", "u-1"}});
    CHECK(validate_all(job) == "");
  }
  SECTION("keeps a label the user set, for validation to reject") {
    job.spec.template_.metadata.labels["job-name"] = "other";
    defaults::generate_job_selector(job);
    CHECK(job.spec.template_.metadata.labels["job-name"] == "other");
    CHECK(validate_all(job) ==
          "spec.template.metadata.labels[job-name]: Invalid value: map[string]string{\"app\":\"pi\", "
          "\"batch.kubernetes.io/controller-uid\":\"u-1\", \"batch.kubernetes.io/job-name\":\"pi\", "
          "\"controller-uid\":\"u-1\", \"job-name\":\"other\"}: must be 'pi'");
  }
  SECTION("does nothing with manualSelector") {
    job.spec.manualSelector = true;
    defaults::generate_job_selector(job);
    CHECK(!job.spec.selector);
    CHECK(job.spec.template_.metadata.labels == std::map<std::string, std::string>{{"app", "pi"}});
  }
}

TEST_CASE("a CronJob's defaults, and none of a Job's for its template", "[unit][defaults][batch]") {
  const auto cj = defaulted<batch_v1::CronJob>(R"(
apiVersion: batch/v1
kind: CronJob
metadata: {name: hello, namespace: default}
spec:
  schedule: '*/1 * * * *'
  jobTemplate:
    spec:
      template:
        spec:
          containers: [{name: hello, image: busybox:1.36}]
          restartPolicy: OnFailure
)");
  CHECK(cj.spec.concurrencyPolicy == "Allow");
  CHECK(cj.spec.suspend == false);
  CHECK(cj.spec.successfulJobsHistoryLimit == 3);
  CHECK(cj.spec.failedJobsHistoryLimit == 1);
  CHECK(!cj.spec.jobTemplate.spec.completions);
  CHECK(!cj.spec.jobTemplate.spec.backoffLimit);
  CHECK(cj.spec.jobTemplate.spec.template_.spec.containers[0].imagePullPolicy == "IfNotPresent");
  CHECK(validate_all(cj) == "");
}

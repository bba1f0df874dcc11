// apps_validation_test.cpp — the apps/v1 kinds' rules answer as upstream's
// pkg/apis/apps/validation does, path for path and word for word: each case changes one
// field of a valid, defaulted object and expects exactly the listed errors.
#include <catch2/catch.hpp>

#include <functional>
#include <string>
#include <vector>

#include "cluster/api/validation/apps_v1.h"
#include "tests/cluster/api/fixtures.h"
#include "tests/cluster/api/upstream_messages.h"

using namespace kubepp::api;
using namespace kubepp::api::testing;

namespace {

// What `kubectl create deployment myapp --image=ikubernetes/myapp:v1 --dry-run=client -o yaml`
// prints, with the namespace the API server fills in from the request.
constexpr std::string_view kKubectlDeployment = R"(
apiVersion: apps/v1
kind: Deployment
metadata:
  creationTimestamp: null
  labels:
    app: myapp
  name: myapp
  namespace: default
spec:
  replicas: 1
  selector:
    matchLabels:
      app: myapp
  strategy: {}
  template:
    metadata:
      creationTimestamp: null
      labels:
        app: myapp
    spec:
      containers:
      - image: ikubernetes/myapp:v1
        name: myapp
        resources: {}
status: {}
)";

constexpr std::string_view kReplicaSet = R"(
apiVersion: apps/v1
kind: ReplicaSet
metadata: {name: web, namespace: default}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx:1.27}]
)";

constexpr std::string_view kDaemonSet = R"(
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: kube-system}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      containers: [{name: agent, image: busybox:1.36}]
)";

constexpr std::string_view kStatefulSet = R"(
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: web, namespace: default}
spec:
  serviceName: nginx
  replicas: 3
  selector: {matchLabels: {app: nginx}}
  template:
    metadata: {labels: {app: nginx}}
    spec:
      containers:
      - name: nginx
        image: nginx:1.27
        volumeMounts: [{name: www, mountPath: /usr/share/nginx/html}]
  volumeClaimTemplates:
  - metadata: {name: www}
    spec:
      accessModes: [ReadWriteOnce]
      resources: {requests: {storage: 1Gi}}
)";

meta_v1::LabelSelector match_labels(std::map<std::string, std::string> labels) {
  meta_v1::LabelSelector s;
  s.matchLabels = std::move(labels);
  return s;
}

}  // namespace

TEST_CASE("a Deployment as kubectl create deployment writes it is valid after defaulting",
          "[unit][validation][apps]") {
  const apps_v1::Deployment d = defaulted<apps_v1::Deployment>(kKubectlDeployment);
  CHECK(validate_all(d) == "");
  CHECK(to_string(validate_kind(d)) == "");

  apps_v1::Deployment scaled_below_zero = d;
  scaled_below_zero.spec.replicas = -1;
  CHECK(validate_all(scaled_below_zero) == "spec.replicas: Invalid value: -1: must be greater than or equal to 0");
}

TEST_CASE("Deployment spec rules", "[unit][validation][apps]") {
  using D = apps_v1::Deployment;
  const D base = defaulted<D>(kKubectlDeployment);
  const std::string ru = "spec.strategy.rollingUpdate.";
  const std::vector<TextCase<D>> cases = {
      {"replicas 0 is valid", [](D& d) { d.spec.replicas = 0; }, ""},
      {"replicas -1", [](D& d) { d.spec.replicas = -1; },
       "spec.replicas: Invalid value: -1: must be greater than or equal to 0"},
      {"no selector: required, and the template's labels no longer match",
       [](D& d) { d.spec.selector.reset(); },
       "spec.selector: Required value\n"
       "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"myapp\"}: " + kNotMatching},
      {"an empty selector", [](D& d) { d.spec.selector = meta_v1::LabelSelector{}; },
       "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), "
       "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment"},
      {"a selector the template's labels do not match",
       [](D& d) { d.spec.selector = match_labels({{"app", "other"}}); },
       "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"myapp\"}: " + kNotMatching},
      {"a selector operator that does not exist",
       [](D& d) { d.spec.selector->matchExpressions.push_back({"tier", "Foo", {}}); },
       "spec.selector.matchExpressions[0].operator: Invalid value: \"Foo\": not a valid selector operator\n"
       "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"myapp\"}, "
       "MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:\"tier\", "
       "Operator:\"Foo\", Values:[]string(nil)}}}: invalid label selector"},
      {"matchExpressions that hold", [](D& d) { d.spec.selector->matchExpressions.push_back({"app", "In", {"myapp", "x"}}); },
       ""},
      {"restartPolicy Never", [](D& d) { d.spec.template_.spec.restartPolicy = "Never"; },
       "spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\""},
      {"activeDeadlineSeconds", [](D& d) { d.spec.template_.spec.activeDeadlineSeconds = 30; },
       "spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in ReplicaSet is not Supported"},
      {"minReadySeconds -1", [](D& d) { d.spec.minReadySeconds = -1; },
       "spec.minReadySeconds: Invalid value: -1: must be greater than or equal to 0"},
      {"revisionHistoryLimit 0 is valid", [](D& d) { d.spec.revisionHistoryLimit = 0; }, ""},
      {"revisionHistoryLimit -1", [](D& d) { d.spec.revisionHistoryLimit = -1; },
       "spec.revisionHistoryLimit: Invalid value: -1: must be greater than or equal to 0"},
      {"progressDeadlineSeconds one above minReadySeconds",
       [](D& d) { d.spec.minReadySeconds = 10, d.spec.progressDeadlineSeconds = 11; }, ""},
      {"progressDeadlineSeconds equal to minReadySeconds",
       [](D& d) { d.spec.minReadySeconds = 10, d.spec.progressDeadlineSeconds = 10; },
       "spec.progressDeadlineSeconds: Invalid value: 10: must be greater than minReadySeconds"},
      {"progressDeadlineSeconds -1", [](D& d) { d.spec.progressDeadlineSeconds = -1; },
       "spec.progressDeadlineSeconds: Invalid value: -1: must be greater than or equal to 0\n"
       "spec.progressDeadlineSeconds: Invalid value: -1: must be greater than minReadySeconds"},
      {"paused is valid", [](D& d) { d.spec.paused = true; }, ""},
  };
  run_cases<D>(base, cases, [](const D& d) { return validate_kind(d); });
}

TEST_CASE("Deployment strategy rules", "[unit][validation][apps]") {
  using D = apps_v1::Deployment;
  const D base = defaulted<D>(kKubectlDeployment);
  const std::string p = "spec.strategy.rollingUpdate.";
  auto limits = [](IntOrString unavailable, IntOrString surge) {
    return [=](D& d) {
      d.spec.strategy.rollingUpdate->maxUnavailable = unavailable;
      d.spec.strategy.rollingUpdate->maxSurge = surge;
    };
  };
  using I = IntOrString;
  const std::vector<TextCase<D>> cases = {
      {"Recreate without rollingUpdate", [](D& d) { d.spec.strategy = {"Recreate", std::nullopt}; }, ""},
      {"Recreate with rollingUpdate", [](D& d) { d.spec.strategy.type = "Recreate"; },
       "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'"},
      {"RollingUpdate without rollingUpdate", [](D& d) { d.spec.strategy.rollingUpdate.reset(); },
       "spec.strategy.rollingUpdate: Required value: this should be defaulted and never be nil"},
      {"an unknown type", [](D& d) { d.spec.strategy = {"Foo", std::nullopt}; },
       "spec.strategy: Unsupported value: apps.DeploymentStrategy{Type:\"Foo\", "
       "RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: supported values: \"Recreate\", \"RollingUpdate\""},
      {"maxUnavailable 0 and maxSurge 1", limits(I::from_int(0), I::from_int(1)), ""},
      {"maxUnavailable 1 and maxSurge 0", limits(I::from_int(1), I::from_int(0)), ""},
      {"maxUnavailable and maxSurge 0",
       limits(I::from_int(0), I::from_int(0)),
       p + "maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}: may not be 0 when "
           "`maxSurge` is 0"},
      {"maxUnavailable 0% and maxSurge 0",
       limits(I::from_string("0%"), I::from_int(0)),
       p + "maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"0%\"}: may not be 0 when "
           "`maxSurge` is 0"},
      {"maxUnavailable 100%", limits(I::from_string("100%"), I::from_int(0)), ""},
      {"maxUnavailable 101%",
       limits(I::from_string("101%"), I::from_int(0)),
       p + "maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"101%\"}: must not be "
           "greater than 100%"},
      {"maxSurge 200% is not limited", limits(I::from_int(0), I::from_string("200%")), ""},
      {"a percentage past int64 counts as the largest",
       limits(I::from_string("99999999999999999999%"), I::from_int(0)),
       p + "maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"99999999999999999999%\"}: "
           "must not be greater than 100%"},
      {"a number in a string is not a percentage, but not 0 either",
       limits(I::from_string("5"), I::from_int(0)),
       p + "maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"5\"}: " + kPercentRule},
      {"maxUnavailable not a percentage",
       limits(I::from_string("abc"), I::from_int(1)),
       p + "maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"abc\"}: " + kPercentRule},
      {"maxSurge -1",
       limits(I::from_int(1), I::from_int(-1)),
       p + "maxSurge: Invalid value: -1: must be greater than or equal to 0"},
  };
  run_cases<D>(base, cases, [](const D& d) { return validate_kind(d); });
}

TEST_CASE("a Deployment's selector cannot change", "[unit][validation][apps]") {
  const apps_v1::Deployment old = defaulted<apps_v1::Deployment>(kKubectlDeployment);
  apps_v1::Deployment d = old;
  d.spec.replicas = 5;
  d.spec.template_.spec.containers[0].image = "ikubernetes/myapp:v2";
  CHECK(validate_all_update(d, old) == "");

  d.spec.selector = match_labels({{"app", "other"}});
  d.spec.template_.metadata.labels = {{"app", "other"}};
  CHECK(to_string(validate_kind_update(d, old)) ==
        "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"other\"}, "
        "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable");
}

TEST_CASE("ReplicaSet rules", "[unit][validation][apps]") {
  using R = apps_v1::ReplicaSet;
  const R base = defaulted<R>(kReplicaSet);
  CHECK(validate_all(base) == "");
  const std::vector<TextCase<R>> cases = {
      {"replicas -1", [](R& r) { r.spec.replicas = -1; },
       "spec.replicas: Invalid value: -1: must be greater than or equal to 0"},
      {"minReadySeconds -1", [](R& r) { r.spec.minReadySeconds = -1; },
       "spec.minReadySeconds: Invalid value: -1: must be greater than or equal to 0"},
      {"an empty selector (upstream's message says deployment)",
       [](R& r) { r.spec.selector = meta_v1::LabelSelector{}; },
       "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), "
       "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment"},
      {"restartPolicy OnFailure", [](R& r) { r.spec.template_.spec.restartPolicy = "OnFailure"; },
       "spec.template.spec.restartPolicy: Unsupported value: \"OnFailure\": supported values: \"Always\""},
  };
  run_cases<R>(base, cases, [](const R& r) { return validate_kind(r); });

  R changed = base;
  changed.spec.selector->matchLabels["tier"] = "web";
  changed.spec.template_.metadata.labels["tier"] = "web";
  CHECK(to_string(validate_kind_update(changed, base)) ==
        "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"web\", "
        "\"tier\":\"web\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable");
}

TEST_CASE("DaemonSet rules", "[unit][validation][apps]") {
  using S = apps_v1::DaemonSet;
  const S base = defaulted<S>(kDaemonSet);
  CHECK(validate_all(base) == "");
  const std::string p = "spec.updateStrategy.rollingUpdate.";
  auto limits = [](IntOrString unavailable, IntOrString surge) {
    return [=](S& s) {
      s.spec.updateStrategy.rollingUpdate->maxUnavailable = unavailable;
      s.spec.updateStrategy.rollingUpdate->maxSurge = surge;
    };
  };
  using I = IntOrString;
  const std::vector<TextCase<S>> cases = {
      {"no selector: not required, but the labels no longer match", [](S& s) { s.spec.selector.reset(); },
       "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"agent\"}: " + kNotMatching},
      {"an empty selector", [](S& s) { s.spec.selector = meta_v1::LabelSelector{}; },
       "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), "
       "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for daemonset"},
      {"restartPolicy Never", [](S& s) { s.spec.template_.spec.restartPolicy = "Never"; },
       "spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\""},
      {"activeDeadlineSeconds", [](S& s) { s.spec.template_.spec.activeDeadlineSeconds = 1; },
       "spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in DaemonSet is not Supported"},
      {"minReadySeconds -1", [](S& s) { s.spec.minReadySeconds = -1; },
       "spec.minReadySeconds: Invalid value: -1: must be greater than or equal to 0"},
      {"revisionHistoryLimit -1", [](S& s) { s.spec.revisionHistoryLimit = -1; },
       "spec.revisionHistoryLimit: Invalid value: -1: must be greater than or equal to 0"},
      {"OnDelete", [](S& s) { s.spec.updateStrategy.type = "OnDelete"; }, ""},
      {"an unknown strategy", [](S& s) { s.spec.updateStrategy = {"Foo", std::nullopt}; },
       "spec.updateStrategy: Unsupported value: apps.DaemonSetUpdateStrategy{Type:\"Foo\", "
       "RollingUpdate:(*apps.RollingUpdateDaemonSet)(nil)}: supported values: \"RollingUpdate\", \"OnDelete\""},
      {"RollingUpdate without rollingUpdate", [](S& s) { s.spec.updateStrategy.rollingUpdate.reset(); },
       "spec.updateStrategy.rollingUpdate: Required value"},
      {"maxUnavailable 0 and maxSurge 1", limits(I::from_int(0), I::from_int(1)), ""},
      {"maxUnavailable and maxSurge 0", limits(I::from_int(0), I::from_string("0%")),
       p + "maxUnavailable: Required value: cannot be 0 when maxSurge is 0"},
      {"maxUnavailable and maxSurge both set", limits(I::from_int(1), I::from_int(1)),
       p + "maxSurge: Invalid value: intstr.IntOrString{Type:0, IntVal:1, StrVal:\"\"}: may not be set when "
           "maxUnavailable is non-zero"},
      {"maxSurge 101%", limits(I::from_int(0), I::from_string("101%")),
       p + "maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"101%\"}: must not be greater "
           "than 100%"},
      {"maxUnavailable -1", limits(I::from_int(-1), I::from_int(0)),
       p + "maxUnavailable: Invalid value: -1: must be greater than or equal to 0"},
  };
  run_cases<S>(base, cases, [](const S& s) { return validate_kind(s); });

  S changed = base;
  changed.spec.selector->matchLabels["app"] = "agent2";
  changed.spec.template_.metadata.labels["app"] = "agent2";
  CHECK(to_string(validate_kind_update(changed, base)) ==
        "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"agent2\"}, "
        "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable");
}

TEST_CASE("StatefulSet rules", "[unit][validation][apps]") {
  using S = apps_v1::StatefulSet;
  const S base = defaulted<S>(kStatefulSet);
  CHECK(validate_all(base) == "");
  const std::string ru = "spec.updateStrategy.rollingUpdate.";
  using I = IntOrString;
  const std::vector<TextCase<S>> cases = {
      {"Parallel", [](S& s) { s.spec.podManagementPolicy = "Parallel"; }, ""},
      {"no podManagementPolicy", [](S& s) { s.spec.podManagementPolicy = ""; },
       "spec.podManagementPolicy: Required value"},
      {"an unknown podManagementPolicy", [](S& s) { s.spec.podManagementPolicy = "Foo"; },
       "spec.podManagementPolicy: Invalid value: \"Foo\": must be 'OrderedReady' or 'Parallel'"},
      {"no updateStrategy type", [](S& s) { s.spec.updateStrategy = {}; }, "spec.updateStrategy: Required value"},
      {"OnDelete with rollingUpdate", [](S& s) { s.spec.updateStrategy.type = "OnDelete"; },
       "spec.updateStrategy.rollingUpdate: Invalid value: apps.RollingUpdateStatefulSetStrategy{Partition:0, "
       "MaxUnavailable:(*intstr.IntOrString)(nil)}: only allowed for updateStrategy 'RollingUpdate'"},
      {"an unknown updateStrategy", [](S& s) { s.spec.updateStrategy = {"Foo", std::nullopt}; },
       "spec.updateStrategy: Invalid value: apps.StatefulSetUpdateStrategy{Type:\"Foo\", "
       "RollingUpdate:(*apps.RollingUpdateStatefulSetStrategy)(nil)}: must be 'RollingUpdate' or 'OnDelete'"},
      {"partition -1", [](S& s) { s.spec.updateStrategy.rollingUpdate->partition = -1; },
       ru + "partition: Invalid value: -1: must be greater than or equal to 0"},
      {"maxUnavailable 1", [](S& s) { s.spec.updateStrategy.rollingUpdate->maxUnavailable = I::from_int(1); }, ""},
      {"maxUnavailable 0", [](S& s) { s.spec.updateStrategy.rollingUpdate->maxUnavailable = I::from_int(0); },
       ru + "maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}: cannot be 0"},
      {"maxUnavailable 101%",
       [](S& s) { s.spec.updateStrategy.rollingUpdate->maxUnavailable = I::from_string("101%"); },
       ru + "maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"101%\"}: must not be "
            "greater than 100%"},
      {"whenDeleted Delete", [](S& s) { s.spec.persistentVolumeClaimRetentionPolicy->whenDeleted = "Delete"; }, ""},
      {"an unknown whenScaled", [](S& s) { s.spec.persistentVolumeClaimRetentionPolicy->whenScaled = "Foo"; },
       "spec.persistentVolumeClaimRetentionPolicy.whenScaled: Unsupported value: \"Foo\": supported values: "
       "\"Retain\", \"Delete\""},
      {"replicas -1", [](S& s) { s.spec.replicas = -1; },
       "spec.replicas: Invalid value: -1: must be greater than or equal to 0"},
      {"minReadySeconds -1", [](S& s) { s.spec.minReadySeconds = -1; },
       "spec.minReadySeconds: Invalid value: -1: must be greater than or equal to 0"},
      {"ordinals.start 0", [](S& s) { s.spec.ordinals = apps_v1::StatefulSetOrdinals{0}; }, ""},
      {"ordinals.start -1", [](S& s) { s.spec.ordinals = apps_v1::StatefulSetOrdinals{-1}; },
       "spec.ordinals.start: Invalid value: -1: must be greater than or equal to 0"},
      {"no serviceName", [](S& s) { s.spec.serviceName = ""; }, ""},
      {"a serviceName that is not a DNS label", [](S& s) { s.spec.serviceName = "Nginx"; },
       "spec.serviceName: Invalid value: \"Nginx\": " + kDNS1123LabelRule},
      {"no selector", [](S& s) { s.spec.selector.reset(); },
       "spec.selector: Required value\n"
       "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"nginx\"}: " + kNotMatching},
      {"an empty selector", [](S& s) { s.spec.selector = meta_v1::LabelSelector{}; },
       "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), "
       "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for statefulset"},
      {"a template label that is not a label, reported at spec.template.labels",
       [](S& s) { s.spec.template_.metadata.labels["-x"] = "y"; },
       "spec.template.labels: Invalid value: \"-x\": name part " + kQualifiedNameRule},
      {"restartPolicy Never", [](S& s) { s.spec.template_.spec.restartPolicy = "Never"; },
       "spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\""},
      {"activeDeadlineSeconds", [](S& s) { s.spec.template_.spec.activeDeadlineSeconds = 1; },
       "spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in StatefulSet is not Supported"},
  };
  run_cases<S>(base, cases, [](const S& s) { return validate_kind(s); });
}

TEST_CASE("a StatefulSet's spec may change only in replicas, ordinals, template, updateStrategy, retention "
          "policy and minReadySeconds",
          "[unit][validation][apps]") {
  using S = apps_v1::StatefulSet;
  const S old = defaulted<S>(kStatefulSet);
  const std::string forbidden =
      "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', "
      "'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden";
  const std::vector<TextCase<S>> cases = {
      {"the allowed fields", [](S& s) {
         s.spec.replicas = 5;
         s.spec.ordinals = apps_v1::StatefulSetOrdinals{1};
         s.spec.template_.spec.containers[0].image = "nginx:1.28";
         s.spec.updateStrategy = {"OnDelete", std::nullopt};
         s.spec.persistentVolumeClaimRetentionPolicy->whenScaled = "Delete";
         s.spec.minReadySeconds = 5;
       }, ""},
      {"serviceName", [](S& s) { s.spec.serviceName = "other"; }, forbidden},
      {"podManagementPolicy", [](S& s) { s.spec.podManagementPolicy = "Parallel"; }, forbidden},
      {"volumeClaimTemplates", [](S& s) { s.spec.volumeClaimTemplates.clear(); }, forbidden},
  };
  run_cases<S>(old, cases, [&](const S& s) { return validate_kind_update(s, old); });

  SECTION("a serviceName stored before the DNS-label rule can stay") {
    S legacy = old;
    legacy.spec.serviceName = "Nginx";
    S updated = legacy;
    updated.spec.replicas = 4;
    CHECK(to_string(validate_kind_update(updated, legacy)) == "");
  }
}

TEST_CASE("ControllerRevision rules", "[unit][validation][apps]") {
  auto cr = decode_as<apps_v1::ControllerRevision>(R"(
apiVersion: apps/v1
kind: ControllerRevision
metadata: {name: web-7d4b9c, namespace: default}
data: {spec: {template: {metadata: {labels: {app: web}}}}}
revision: 1
)");
  CHECK(validate_all(cr) == "");

  SECTION("data is required") {
    cr.data.text.clear();
    CHECK(to_string(validate_kind(cr)) == "data: Required value: data is mandatory");
  }
  SECTION("revision 0 is valid, -1 is not") {
    cr.revision = 0;
    CHECK(to_string(validate_kind(cr)) == "");
    cr.revision = -1;
    CHECK(to_string(validate_kind(cr)) == "revision: Invalid value: -1: must be greater than or equal to 0");
  }
  SECTION("data never changes; its spelling may") {
    apps_v1::ControllerRevision same = cr;
    same.data.text = R"({ "spec" : {"template":{"metadata":{"labels":{"app":"web"}}}} })";
    CHECK(to_string(validate_kind_update(same, cr)) == "");
    apps_v1::ControllerRevision changed = cr;
    changed.data.text = R"({"spec":{}})";
    CHECK(to_string(validate_kind_update(changed, cr)) == R"(data: Invalid value: {"spec":{}}: field is immutable)");
  }
}

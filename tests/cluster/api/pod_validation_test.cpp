// pod_validation_test.cpp — a realistic Pod passes the API server's rules once defaulted,
// and each broken field is reported with upstream's path, reason and words; updates may
// change only what upstream lets change; PodTemplates are checked as templates.
#include <catch2/catch.hpp>

#include <functional>
#include <string>
#include <vector>

#include "cluster/api/types/core_v1.h"
#include "tests/cluster/api/fixtures.h"
#include "tests/cluster/api/upstream_messages.h"

using namespace kubepp::api;
using namespace kubepp::api::testing;
using core_v1::Pod;

namespace {

// Upstream's rule for pod updates as it appears in messages.
const std::string kUpdatable =
    "pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,"
    "`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),"
    "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)";

// A web server with a config-copying init container, a log-shipping sidecar, three probes,
// lifecycle hooks, resources, security contexts, volumes of six kinds and env vars from
// four sources.
const char* const kValidPod = R"(
apiVersion: v1
kind: Pod
metadata:
  name: web
  namespace: default
  labels: {app: web}
spec:
  serviceAccountName: web
  initContainers:
  - name: init-config
    image: busybox:1.36
    command: [sh, -c, "cp /src/* /config/"]
    volumeMounts:
    - {name: config, mountPath: /src}
    - {name: scratch, mountPath: /config}
  - name: log-shipper
    image: fluent/fluent-bit:3.0
    restartPolicy: Always
    readinessProbe:
      tcpSocket: {port: 2020}
    volumeMounts:
    - {name: logs, mountPath: /var/log/app, readOnly: true}
  containers:
  - name: app
    image: registry.example.com/team/web:1.4.2
    args: ["--port=8080"]
    ports:
    - {name: http, containerPort: 8080}
    - {name: metrics, containerPort: 9090, protocol: TCP}
    env:
    - {name: POD_NAME, valueFrom: {fieldRef: {fieldPath: metadata.name}}}
    - {name: POD_IP, valueFrom: {fieldRef: {fieldPath: status.podIP}}}
    - {name: MEMORY_LIMIT, valueFrom: {resourceFieldRef: {resource: limits.memory, divisor: 1Mi}}}
    - {name: LOG_LEVEL, valueFrom: {configMapKeyRef: {name: web-config, key: log.level}}}
    - {name: DB_PASSWORD, valueFrom: {secretKeyRef: {name: web-db, key: password}}}
    - {name: GREETING, value: hello}
    envFrom:
    - {prefix: CFG_, configMapRef: {name: web-config}}
    resources:
      requests: {cpu: 250m, memory: 128Mi}
      limits: {cpu: "1", memory: 256Mi}
    volumeMounts:
    - {name: config, mountPath: /etc/web, readOnly: true}
    - {name: secrets, mountPath: /etc/web/tls, readOnly: true}
    - {name: scratch, mountPath: /tmp}
    - {name: logs, mountPath: /var/log/app, subPath: web}
    - {name: podinfo, mountPath: /etc/podinfo}
    - {name: bundle, mountPath: /var/run/bundle}
    - {name: host-certs, mountPath: /etc/ssl/certs, readOnly: true}
    livenessProbe:
      httpGet: {path: /healthz, port: http}
      initialDelaySeconds: 5
      periodSeconds: 10
    readinessProbe:
      httpGet: {path: /ready, port: 8080, httpHeaders: [{name: X-Probe, value: ready}]}
    startupProbe:
      exec: {command: [cat, /tmp/started]}
      failureThreshold: 30
    lifecycle:
      postStart: {exec: {command: [sh, -c, "echo started > /tmp/started"]}}
      preStop: {sleep: {seconds: 5}}
    securityContext:
      runAsUser: 1000
      runAsNonRoot: true
      allowPrivilegeEscalation: false
      readOnlyRootFilesystem: true
      capabilities: {drop: [ALL], add: [NET_BIND_SERVICE]}
      seccompProfile: {type: RuntimeDefault}
  volumes:
  - name: config
    configMap: {name: web-config, items: [{key: app.yaml, path: app.yaml}]}
  - name: secrets
    secret: {secretName: web-tls, defaultMode: 256}
  - name: scratch
    emptyDir: {sizeLimit: 1Gi}
  - name: logs
    emptyDir: {}
  - name: host-certs
    hostPath: {path: /etc/ssl/certs, type: Directory}
  - name: podinfo
    downwardAPI:
      items:
      - {path: labels, fieldRef: {fieldPath: metadata.labels}}
      - {path: cpu-limit, resourceFieldRef: {containerName: app, resource: limits.cpu, divisor: 1m}}
  - name: bundle
    projected:
      sources:
      - serviceAccountToken: {path: token, expirationSeconds: 3600, audience: api}
      - configMap: {name: web-config, items: [{key: ca.crt, path: ca.crt}]}
      - secret: {name: web-tls, items: [{key: tls.crt, path: tls.crt}]}
      - downwardAPI: {items: [{path: namespace, fieldRef: {fieldPath: metadata.namespace}}]}
  securityContext:
    runAsNonRoot: true
    fsGroup: 2000
    seccompProfile: {type: RuntimeDefault}
    sysctls: [{name: net.ipv4.ip_local_port_range, value: "1024 65000"}]
  nodeSelector: {kubernetes.io/os: linux}
  affinity:
    nodeAffinity:
      requiredDuringSchedulingIgnoredDuringExecution:
        nodeSelectorTerms:
        - matchExpressions: [{key: kubernetes.io/arch, operator: In, values: [amd64, arm64]}]
      preferredDuringSchedulingIgnoredDuringExecution:
      - weight: 50
        preference:
          matchExpressions: [{key: topology.kubernetes.io/zone, operator: In, values: [zone-a]}]
    podAntiAffinity:
      preferredDuringSchedulingIgnoredDuringExecution:
      - weight: 100
        podAffinityTerm:
          labelSelector: {matchLabels: {app: web}}
          topologyKey: kubernetes.io/hostname
  tolerations:
  - {key: dedicated, operator: Equal, value: web, effect: NoSchedule}
  - {key: node.kubernetes.io/not-ready, operator: Exists, effect: NoExecute, tolerationSeconds: 300}
  topologySpreadConstraints:
  - maxSkew: 1
    topologyKey: topology.kubernetes.io/zone
    whenUnsatisfiable: ScheduleAnyway
    labelSelector: {matchLabels: {app: web}}
  dnsConfig:
    options: [{name: ndots, value: "2"}]
    searches: [web.svc.cluster.local]
  hostAliases: [{ip: 10.0.0.10, hostnames: [db.internal]}]
  readinessGates: [{conditionType: example.com/ready}]
  imagePullSecrets: [{name: registry-creds}]
  priorityClassName: high
  os: {name: linux}
)";

/// The valid pod, decoded and defaulted as the API server does on create.
Pod valid_pod() { return defaulted<Pod>(kValidPod); }

core_v1::Volume volume(std::string name) {
  core_v1::Volume v;
  v.name = std::move(name);
  return v;
}

struct Case {
  const char* name;
  std::function<void(Pod&)> change;
  std::string expected;  // every error, one per line, in order
};

void run(const std::vector<Case>& cases) {
  for (const Case& c : cases) {
    DYNAMIC_SECTION(c.name) {
      Pod pod = valid_pod();
      c.change(pod);
      CHECK(validate_all(pod) == c.expected);
    }
  }
}

}  // namespace

TEST_CASE("a realistic pod is valid once defaulted", "[unit][validation]") {
  Pod pod = valid_pod();
  CHECK(validate_all(pod) == "");
  SECTION("and stays valid at every boundary") {
    pod.spec.containers[0].ports[0].containerPort = 65535;
    pod.spec.containers[0].ports[0].hostPort = 1;
    pod.spec.containers[0].ports[1].name = "metrics-port-15";  // 15 characters
    pod.spec.activeDeadlineSeconds = 1;
    pod.spec.containers[0].lifecycle->preStop->sleep->seconds = 30;  // the grace period
    pod.spec.volumes[1].secret->defaultMode = 0777;
    pod.spec.containers[0].name = std::string(63, 'a');
    pod.spec.volumes[5].downwardAPI->items[1].resourceFieldRef->containerName = std::string(63, 'a');
    pod.spec.tolerations.push_back({"", "Exists", "", "", std::nullopt});  // tolerate everything
    CHECK(validate_all(pod) == "");
  }
}

TEST_CASE("pod containers: names, images, ports", "[unit][validation]") {
  run({
      {"no containers", [](Pod& p) { p.spec.containers.clear(); }, "spec.containers: Required value"},
      {"name missing", [](Pod& p) { p.spec.containers[0].name = ""; }, "spec.containers[0].name: Required value"},
      {"name not a DNS label", [](Pod& p) { p.spec.containers[0].name = "App_1"; },
       "spec.containers[0].name: Invalid value: \"App_1\": " + kDNS1123LabelRule},
      {"name of 64 characters", [](Pod& p) { p.spec.containers[0].name = std::string(64, 'a'); },
       "spec.containers[0].name: Invalid value: \"" + std::string(64, 'a') + "\": must be no more than 63 characters"},
      {"init container named as a container", [](Pod& p) { p.spec.initContainers[0].name = "app"; },
       "spec.initContainers[0].name: Duplicate value: \"app\""},
      {"two containers of one name",
       [](Pod& p) {
         p.spec.containers.push_back(p.spec.containers[0]);
         p.spec.containers[1].ports.clear();
       },
       "spec.containers[1].name: Duplicate value: \"app\""},
      {"image missing", [](Pod& p) { p.spec.containers[0].image = ""; }, "spec.containers[0].image: Required value"},
      {"image with trailing space", [](Pod& p) { p.spec.containers[0].image = "nginx "; },
       "spec.containers[0].image: Invalid value: \"nginx \": must not have leading or trailing whitespace"},
      {"containerPort missing", [](Pod& p) { p.spec.containers[0].ports[0].containerPort = 0; },
       "spec.containers[0].ports[0].containerPort: Required value"},
      {"containerPort 65536", [](Pod& p) { p.spec.containers[0].ports[0].containerPort = 65536; },
       "spec.containers[0].ports[0].containerPort: Invalid value: 65536: " + kPortRange},
      {"hostPort 70000", [](Pod& p) { p.spec.containers[0].ports[0].hostPort = 70000; },
       "spec.containers[0].ports[0].hostPort: Invalid value: 70000: " + kPortRange},
      {"protocol HTTP", [](Pod& p) { p.spec.containers[0].ports[0].protocol = "HTTP"; },
       "spec.containers[0].ports[0].protocol: Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\""},
      {"port name of 16 characters", [](Pod& p) { p.spec.containers[0].ports[0].name = "http-metrics-xyz"; },
       "spec.containers[0].ports[0].name: Invalid value: \"http-metrics-xyz\": must be no more than 15 characters"},
      {"port name without a letter", [](Pod& p) { p.spec.containers[0].ports[0].name = "8080"; },
       "spec.containers[0].ports[0].name: Invalid value: \"8080\": must contain at least one letter (a-z)"},
      {"port name with double hyphen", [](Pod& p) { p.spec.containers[0].ports[0].name = "a--b"; },
       "spec.containers[0].ports[0].name: Invalid value: \"a--b\": must not contain consecutive hyphens"},
      {"duplicate port name", [](Pod& p) { p.spec.containers[0].ports[1].name = "http"; },
       "spec.containers[0].ports[1].name: Duplicate value: \"http\""},
      {"two ports on one host port",
       [](Pod& p) {
         p.spec.containers[0].ports[0].hostPort = 80;
         p.spec.containers[0].ports[1].hostPort = 80;
       },
       "spec.containers[0].ports[1].hostPort: Duplicate value: \"TCP//80\""},
      {"hostNetwork with a different hostPort",
       [](Pod& p) {
         p.spec.hostNetwork = true;
         p.spec.securityContext->sysctls.clear();
         p.spec.containers[0].ports[0].hostPort = 8081;
         p.spec.containers[0].ports[1].hostPort = 9090;
       },
       "spec.containers[0].ports[0].hostPort: Invalid value: 8081: must match `containerPort` when `hostNetwork` is true"},
      {"imagePullPolicy Sometimes", [](Pod& p) { p.spec.containers[0].imagePullPolicy = "Sometimes"; },
       "spec.containers[0].imagePullPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", "
       "\"IfNotPresent\", \"Never\""},
      {"imagePullPolicy missing", [](Pod& p) { p.spec.containers[0].imagePullPolicy = ""; },
       "spec.containers[0].imagePullPolicy: Required value"},
      {"terminationMessagePolicy Log", [](Pod& p) { p.spec.containers[0].terminationMessagePolicy = "Log"; },
       "spec.containers[0].terminationMessagePolicy: Unsupported value: \"Log\": supported values: \"File\", "
       "\"FallbackToLogsOnError\""},
      {"ephemeral containers on create",
       [](Pod& p) {
         core_v1::EphemeralContainer e;
         e.name = "debug";
         e.image = "busybox";
         e.imagePullPolicy = "IfNotPresent";
         e.terminationMessagePolicy = "File";
         e.targetContainerName = "nope";
         e.ports.push_back({"", 0, 80, "TCP", ""});
         p.spec.ephemeralContainers.push_back(e);
       },
       "spec.ephemeralContainers[0].targetContainerName: Not found: \"nope\"\n"
       "spec.ephemeralContainers[0].ports: Forbidden: cannot be set for an Ephemeral Container\n"
       "spec.ephemeralContainers: Forbidden: cannot be set on create"},
  });
}

TEST_CASE("pod containers: environment", "[unit][validation]") {
  run({
      {"env name with '='", [](Pod& p) { p.spec.containers[0].env[5].name = "A=B"; },
       "spec.containers[0].env[5].name: Invalid value: \"A=B\": a valid environment variable name must consist only "
       "of printable ASCII characters other than '='"},
      {"env name missing", [](Pod& p) { p.spec.containers[0].env[5].name = ""; },
       "spec.containers[0].env[5].name: Required value"},
      {"value and valueFrom", [](Pod& p) { p.spec.containers[0].env[0].value = "x"; },
       "spec.containers[0].env[0].valueFrom: Invalid value: \"\": may not be specified when `value` is not empty"},
      {"valueFrom with two sources",
       [](Pod& p) { p.spec.containers[0].env[3].valueFrom->secretKeyRef = core_v1::SecretKeySelector{{"web-db"}, "password", std::nullopt}; },
       "spec.containers[0].env[3].valueFrom: Invalid value: \"\": may not have more than one field specified at a time"},
      {"valueFrom with no source", [](Pod& p) { p.spec.containers[0].env[0].valueFrom = core_v1::EnvVarSource{}; },
       "spec.containers[0].env[0].valueFrom: Invalid value: \"\": must specify one of: `fieldRef`, `resourceFieldRef`, "
       "`configMapKeyRef` or `secretKeyRef`"},
      {"fieldRef not for env", [](Pod& p) { p.spec.containers[0].env[0].valueFrom->fieldRef->fieldPath = "spec.restartPolicy"; },
       "spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Unsupported value: \"spec.restartPolicy\": supported "
       "values: \"metadata.name\", \"metadata.namespace\", \"metadata.uid\", \"spec.nodeName\", "
       "\"spec.serviceAccountName\", \"status.hostIP\", \"status.hostIPs\", \"status.podIP\", \"status.podIPs\""},
      {"fieldRef unknown", [](Pod& p) { p.spec.containers[0].env[0].valueFrom->fieldRef->fieldPath = "metadata.foo"; },
       "spec.containers[0].env[0].valueFrom.fieldRef.fieldPath: Invalid value: \"metadata.foo\": error converting "
       "fieldPath: field label not supported: metadata.foo"},
      {"fieldRef label subscript", [](Pod& p) { p.spec.containers[0].env[0].valueFrom->fieldRef->fieldPath = "metadata.labels['-x']"; },
       "spec.containers[0].env[0].valueFrom.fieldRef: Invalid value: \"-x\": name part " + kQualifiedNameRule},
      {"resourceFieldRef divisor", [](Pod& p) { p.spec.containers[0].env[2].valueFrom->resourceFieldRef->divisor = Quantity::from_milli(1, QuantityFormat::DecimalSI); },
       "spec.containers[0].env[2].valueFrom.resourceFieldRef.divisor: Invalid value: \"limits.memory\": only divisor's "
       "values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the memory resource"},
      {"resourceFieldRef resource", [](Pod& p) { p.spec.containers[0].env[2].valueFrom->resourceFieldRef->resource = "limits.gpu"; },
       "spec.containers[0].env[2].valueFrom.resourceFieldRef.resource: Unsupported value: \"limits.gpu\": supported "
       "values: \"limits.cpu\", \"limits.ephemeral-storage\", \"limits.memory\", \"requests.cpu\", "
       "\"requests.ephemeral-storage\", \"requests.memory\""},
      {"configMapKeyRef key", [](Pod& p) { p.spec.containers[0].env[3].valueFrom->configMapKeyRef->key = "bad key"; },
       "spec.containers[0].env[3].valueFrom.configMapKeyRef.key: Invalid value: \"bad key\": " + kConfigKeyRule},
      {"secretKeyRef without a key", [](Pod& p) { p.spec.containers[0].env[4].valueFrom->secretKeyRef->key = ""; },
       "spec.containers[0].env[4].valueFrom.secretKeyRef.key: Required value"},
      {"envFrom without a source", [](Pod& p) { p.spec.containers[0].envFrom[0].configMapRef.reset(); },
       "spec.containers[0].envFrom: Invalid value: \"\": must specify one of: `configMapRef` or `secretRef`"},
      {"envFrom prefix", [](Pod& p) { p.spec.containers[0].envFrom[0].prefix = "A="; },
       "spec.containers[0].envFrom[0].prefix: Invalid value: \"A=\": a valid environment variable name must consist "
       "only of printable ASCII characters other than '='"},
  });
}

TEST_CASE("pod containers: resources", "[unit][validation]") {
  run({
      {"request above limit", [](Pod& p) { p.spec.containers[0].resources.requests["cpu"] = Quantity::from_int(2, QuantityFormat::DecimalSI); },
       "spec.containers[0].resources.requests: Invalid value: \"2\": must be less than or equal to cpu limit of 1"},
      {"negative request", [](Pod& p) { p.spec.containers[0].resources.requests["memory"] = Quantity::from_int(-1, QuantityFormat::DecimalSI); },
       "spec.containers[0].resources.requests[memory]: Invalid value: \"-1\": must be greater than or equal to 0"},
      {"unknown resource", [](Pod& p) { p.spec.containers[0].resources.limits["gpu"] = Quantity::from_int(1, QuantityFormat::DecimalSI); },
       "spec.containers[0].resources.limits[gpu]: Invalid value: \"gpu\": must be a standard resource type or fully "
       "qualified\n"
       "spec.containers[0].resources.limits[gpu]: Invalid value: \"gpu\": must be a standard resource for containers"},
      {"extended resource without limit", [](Pod& p) { p.spec.containers[0].resources.requests["example.com/gpu"] = Quantity::from_int(1, QuantityFormat::DecimalSI); },
       "spec.containers[0].resources.limits: Required value: Limit must be set for non overcommitable resources"},
      {"extended resource request below limit",
       [](Pod& p) {
         p.spec.containers[0].resources.limits["example.com/gpu"] = Quantity::from_int(2, QuantityFormat::DecimalSI);
         p.spec.containers[0].resources.requests["example.com/gpu"] = Quantity::from_int(1, QuantityFormat::DecimalSI);
       },
       "spec.containers[0].resources.requests: Invalid value: \"1\": must be equal to example.com/gpu limit of 2"},
      {"fractional extended resource",
       [](Pod& p) { p.spec.containers[0].resources.limits["example.com/gpu"] = Quantity::from_milli(500, QuantityFormat::DecimalSI); },
       "spec.containers[0].resources.limits[example.com/gpu]: Invalid value: \"500m\": must be an integer"},
      {"huge pages not a multiple of the page",
       [](Pod& p) { p.spec.containers[0].resources.limits["hugepages-2Mi"] = Quantity::from_int(3 << 20, QuantityFormat::BinarySI); },
       "spec.containers[0].resources.limits[hugepages-2Mi]: Invalid value: \"3Mi\": 3Mi is not positive integer "
       "multiple of hugepages-2Mi"},
      {"claim not in the pod", [](Pod& p) { p.spec.containers[0].resources.claims.push_back({"gpu", ""}); },
       "spec.containers[0].resources.claims[0]: Not found: \"gpu\": must be one of the names in "
       "pod.spec.resourceClaims which is empty"},
  });
}

TEST_CASE("pod containers: volume mounts", "[unit][validation]") {
  run({
      {"mount of no volume", [](Pod& p) { p.spec.containers[0].volumeMounts[0].name = "missing"; },
       "spec.containers[0].volumeMounts[0].name: Not found: \"missing\""},
      {"mount path twice", [](Pod& p) { p.spec.containers[0].volumeMounts[1].mountPath = "/etc/web"; },
       "spec.containers[0].volumeMounts[1].mountPath: Invalid value: \"/etc/web\": must be unique"},
      {"mount path missing", [](Pod& p) { p.spec.containers[0].volumeMounts[2].mountPath = ""; },
       "spec.containers[0].volumeMounts[2].mountPath: Required value"},
      {"subPath with ..", [](Pod& p) { p.spec.containers[0].volumeMounts[3].subPath = "../etc"; },
       "spec.containers[0].volumeMounts.subPath: Invalid value: \"../etc\": must not contain '..'"},
      {"absolute subPath", [](Pod& p) { p.spec.containers[0].volumeMounts[3].subPath = "/web"; },
       "spec.containers[0].volumeMounts.subPath: Invalid value: \"/web\": must be a relative path"},
      {"bidirectional propagation unprivileged", [](Pod& p) { p.spec.containers[0].volumeMounts[2].mountPropagation = "Bidirectional"; },
       "spec.containers[0].volumeMounts.mountPropagation: Forbidden: Bidirectional mount propagation is available "
       "only to privileged containers"},
  });
}

TEST_CASE("pod volumes", "[unit][validation]") {
  auto add = [](std::function<void(core_v1::Volume&)> set) {
    return [set](Pod& p) {
      core_v1::Volume v = volume("extra");
      set(v);
      p.spec.volumes.push_back(v);
    };
  };
  run({
      {"name not a DNS label", add([](core_v1::Volume& v) { v.name = "Extra_Vol"; v.emptyDir.emplace(); }),
       "spec.volumes[7].name: Invalid value: \"Extra_Vol\": " + kDNS1123LabelRule},
      {"name twice", add([](core_v1::Volume& v) { v.name = "scratch"; v.emptyDir.emplace(); }),
       "spec.volumes[7].name: Duplicate value: \"scratch\""},
      {"no source", add([](core_v1::Volume&) {}), "spec.volumes[7]: Required value: must specify a volume type"},
      {"two sources, and the mounts of the volume",
       [](Pod& p) { p.spec.volumes[2].hostPath = core_v1::HostPathVolumeSource{"/tmp", std::string()}; },
       "spec.volumes[2].hostPath: Forbidden: may not specify more than 1 volume type\n"
       "spec.containers[0].volumeMounts[2].name: Not found: \"scratch\"\n"
       "spec.initContainers[0].volumeMounts[1].name: Not found: \"scratch\""},
      {"hostPath without path", add([](core_v1::Volume& v) { v.hostPath.emplace(); }),
       "spec.volumes[7].hostPath.path: Required value"},
      {"hostPath type", add([](core_v1::Volume& v) { v.hostPath = core_v1::HostPathVolumeSource{"/data", std::string("Dir")}; }),
       "spec.volumes[7].hostPath.type: Unsupported value: \"Dir\": supported values: \"\", \"BlockDevice\", "
       "\"CharDevice\", \"Directory\", \"DirectoryOrCreate\", \"File\", \"FileOrCreate\", \"Socket\""},
      {"configMap without name", add([](core_v1::Volume& v) { v.configMap.emplace(); }),
       "spec.volumes[7].configMap.name: Required value"},
      {"configMap item path with ..",
       add([](core_v1::Volume& v) { v.configMap.emplace().name = "c"; v.configMap->items.push_back({"k", "../x", std::nullopt}); }),
       "spec.volumes[7].configMap.items[0].path: Invalid value: \"../x\": must not contain '..'"},
      {"secret mode 01000", add([](core_v1::Volume& v) { v.secret.emplace().secretName = "s"; v.secret->defaultMode = 01000; }),
       "spec.volumes[7].secret.defaultMode: Invalid value: 512: must be a number between 0 and 0777 (octal), both "
       "inclusive"},
      {"negative emptyDir size",
       add([](core_v1::Volume& v) { v.emptyDir.emplace().sizeLimit = Quantity::from_int(-1, QuantityFormat::BinarySI); }),
       "spec.volumes[7].emptyDir.sizeLimit: Forbidden: SizeLimit field must be a valid resource quantity"},
      {"downward API field of the spec",
       add([](core_v1::Volume& v) {
         core_v1::DownwardAPIVolumeFile f;
         f.path = "node";
         f.fieldRef = core_v1::ObjectFieldSelector{"v1", "spec.nodeName"};
         v.downwardAPI.emplace().items.push_back(f);
       }),
       "spec.volumes[7].downwardAPI.fieldRef.fieldPath: Unsupported value: \"spec.nodeName\": supported values: "
       "\"metadata.annotations\", \"metadata.labels\", \"metadata.name\", \"metadata.namespace\", \"metadata.uid\""},
      {"projected paths twice",
       add([](core_v1::Volume& v) {
         core_v1::VolumeProjection a, b;
         a.configMap.emplace().name = "one";
         a.configMap->items.push_back({"k", "same", std::nullopt});
         b.secret.emplace().name = "two";
         b.secret->items.push_back({"k", "same", std::nullopt});
         v.projected.emplace().sources = {a, b};
       }),
       "spec.volumes[7].projected: Invalid value: \"two\": conflicting duplicate paths"},
      {"short-lived token", [](Pod& p) { p.spec.volumes[6].projected->sources[0].serviceAccountToken->expirationSeconds = 599; },
       "spec.volumes[6].projected.sources[0].serviceAccountToken.expirationSeconds: Invalid value: 599: may not "
       "specify a duration less than 10 minutes\n"
       "spec.containers[0].volumeMounts[5].name: Not found: \"bundle\""},
      {"token without a service account", [](Pod& p) { p.spec.serviceAccountName = ""; },
       "spec.volumes[6].projected.sources[0].serviceAccountToken: Forbidden: must not be specified when "
       "serviceAccountName is not set"},
  });
}

TEST_CASE("pod probes and lifecycle hooks", "[unit][validation]") {
  run({
      {"liveness successThreshold 2", [](Pod& p) { p.spec.containers[0].livenessProbe->successThreshold = 2; },
       "spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1"},
      {"startup successThreshold 3", [](Pod& p) { p.spec.containers[0].startupProbe->successThreshold = 3; },
       "spec.containers[0].startupProbe.successThreshold: Invalid value: 3: must be 1"},
      {"negative period", [](Pod& p) { p.spec.containers[0].livenessProbe->periodSeconds = -1; },
       "spec.containers[0].livenessProbe.periodSeconds: Invalid value: -1: must be greater than or equal to 0"},
      {"no handler", [](Pod& p) { p.spec.containers[0].readinessProbe->httpGet.reset(); },
       "spec.containers[0].readinessProbe: Required value: must specify a handler type"},
      {"two handlers", [](Pod& p) { p.spec.containers[0].livenessProbe->tcpSocket = core_v1::TCPSocketAction{IntOrString::from_int(80), ""}; },
       "spec.containers[0].livenessProbe.tcpSocket: Forbidden: may not specify more than 1 handler type"},
      {"port 0", [](Pod& p) { p.spec.containers[0].readinessProbe->httpGet->port = IntOrString::from_int(0); },
       "spec.containers[0].readinessProbe.httpGet.port: Invalid value: 0: " + kPortRange},
      {"port name in capitals", [](Pod& p) { p.spec.containers[0].livenessProbe->httpGet->port = IntOrString::from_string("HTTP"); },
       "spec.containers[0].livenessProbe.httpGet.port: Invalid value: \"HTTP\": must contain only alpha-numeric "
       "characters (a-z, 0-9), and hyphens (-)\n"
       "spec.containers[0].livenessProbe.httpGet.port: Invalid value: \"HTTP\": must contain at least one letter (a-z)"},
      {"exec without command", [](Pod& p) { p.spec.containers[0].startupProbe->exec->command.clear(); },
       "spec.containers[0].startupProbe.exec.command: Required value"},
      {"readiness grace period", [](Pod& p) { p.spec.containers[0].readinessProbe->terminationGracePeriodSeconds = 10; },
       "spec.containers[0].readinessProbe.terminationGracePeriodSeconds: Invalid value: 10: must not be set for "
       "readinessProbes"},
      {"probe on an init container", [](Pod& p) { p.spec.initContainers[0].livenessProbe = p.spec.containers[0].livenessProbe; },
       "spec.initContainers[0].livenessProbe: Forbidden: may not be set for init containers without restartPolicy=Always"},
      {"sleep past the grace period", [](Pod& p) { p.spec.containers[0].lifecycle->preStop->sleep->seconds = 31; },
       "spec.containers[0].lifecycle.preStop.sleep: Invalid value: 31: must be non-negative and less than "
       "terminationGracePeriodSeconds (30)"},
      {"empty hook", [](Pod& p) { p.spec.containers[0].lifecycle->postStart = core_v1::LifecycleHandler{}; },
       "spec.containers[0].lifecycle.postStart: Required value: must specify a handler type"},
  });
}

TEST_CASE("pod restart, DNS and timing policies", "[unit][validation]") {
  run({
      {"restartPolicy Sometimes", [](Pod& p) { p.spec.restartPolicy = "Sometimes"; },
       "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\""},
      {"restartPolicy on a container", [](Pod& p) { p.spec.containers[0].restartPolicy = "Always"; },
       "spec.containers[0].restartPolicy: Forbidden: may not be set for non-init containers"},
      {"init restartPolicy Never", [](Pod& p) { p.spec.initContainers[1].restartPolicy = "Never"; },
       "spec.initContainers[1].restartPolicy: Unsupported value: \"Never\": supported values: \"Always\"\n"
       "spec.initContainers[1].readinessProbe: Forbidden: may not be set for init containers without restartPolicy=Always"},
      {"dnsPolicy Cluster", [](Pod& p) { p.spec.dnsPolicy = "Cluster"; },
       "spec.dnsPolicy: Unsupported value: \"Cluster\": supported values: \"ClusterFirstWithHostNet\", "
       "\"ClusterFirst\", \"Default\", \"None\""},
      {"dnsPolicy None without nameservers", [](Pod& p) { p.spec.dnsPolicy = "None"; },
       "spec.dnsConfig.nameservers: Required value: must provide at least one DNS nameserver when `dnsPolicy` is None"},
      {"four nameservers", [](Pod& p) { p.spec.dnsConfig->nameservers = {"1.1.1.1", "1.0.0.1", "8.8.8.8", "8.8.4.4"}; },
       "spec.dnsConfig.nameservers: Invalid value: []string{\"1.1.1.1\", \"1.0.0.1\", \"8.8.8.8\", \"8.8.4.4\"}: "
       "must not have more than 3 nameservers"},
      {"nameserver not an IP", [](Pod& p) { p.spec.dnsConfig->nameservers = {"1.1.1"}; },
       "spec.dnsConfig.nameservers[0]: Invalid value: \"1.1.1\": " + kBadIP},
      {"search domain in capitals", [](Pod& p) { p.spec.dnsConfig->searches = {"Example.com."}; },
       "spec.dnsConfig.searches[0]: Invalid value: \"Example.com\": a lowercase RFC 1123 subdomain must consist of "
       "lower case alphanumeric characters, '_', '-' or '.', and must start and end with an alphanumeric character "
       "(e.g. 'example.com', regex used for validation is "
       "'_?[a-z0-9]([-_a-z0-9]*[a-z0-9])?(\\._?[a-z0-9]([-_a-z0-9]*[a-z0-9])?)*')"},
      {"option without name", [](Pod& p) { p.spec.dnsConfig->options[0].name = ""; },
       "spec.dnsConfig.options[0]: Required value: must not be empty"},
      {"no grace period", [](Pod& p) { p.spec.terminationGracePeriodSeconds.reset(); },
       "spec.terminationGracePeriodSeconds: Required value"},
      {"activeDeadlineSeconds 0", [](Pod& p) { p.spec.activeDeadlineSeconds = 0; },
       "spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 2147483647, inclusive"},
      {"activeDeadlineSeconds 2^31", [](Pod& p) { p.spec.activeDeadlineSeconds = 2147483648; },
       "spec.activeDeadlineSeconds: Invalid value: 2147483648: must be between 1 and 2147483647, inclusive"},
  });
}

TEST_CASE("pod security contexts", "[unit][validation]") {
  run({
      {"runAsUser -1", [](Pod& p) { p.spec.containers[0].securityContext->runAsUser = -1; },
       "spec.containers[0].securityContext.runAsUser: Invalid value: -1: must be between 0 and 4294967295, inclusive"},
      {"fsGroup 2^32", [](Pod& p) { p.spec.securityContext->fsGroup = 4294967296; },
       "spec.securityContext.fsGroup: Invalid value: 4294967296: must be between 0 and 4294967295, inclusive"},
      {"sysctl twice", [](Pod& p) { p.spec.securityContext->sysctls.push_back(p.spec.securityContext->sysctls[0]); },
       "spec.securityContext.sysctls[1].name: Duplicate value: \"net.ipv4.ip_local_port_range\""},
      {"sysctl name", [](Pod& p) { p.spec.securityContext->sysctls[0].name = "Net.IPv4"; },
       "spec.securityContext.sysctls[0].name: Invalid value: \"Net.IPv4\": must have at most 253 characters and match "
       "regex ^([a-z0-9]([-_a-z0-9]*[a-z0-9])?[\\./])*[a-z0-9]([-_a-z0-9]*[a-z0-9])?$"},
      {"net sysctl on the host network",
       [](Pod& p) {
         p.spec.hostNetwork = true;
         for (core_v1::ContainerPort& port : p.spec.containers[0].ports) port.hostPort = port.containerPort;
       },
       "spec.securityContext.sysctls[0].name: Invalid value: \"net.ipv4.ip_local_port_range\": may not be specified "
       "when 'hostNetwork' is true"},
      {"seccomp Localhost without profile", [](Pod& p) { p.spec.containers[0].securityContext->seccompProfile->type = "Localhost"; },
       "spec.containers[0].securityContext.seccompProfile.localhostProfile: Required value: must be set when seccomp "
       "type is Localhost"},
      {"seccomp type Default", [](Pod& p) { p.spec.securityContext->seccompProfile->type = "Default"; },
       "spec.securityContext.seccompProfile.type: Unsupported value: \"Default\": supported values: \"Localhost\", "
       "\"RuntimeDefault\", \"Unconfined\""},
      {"privileged without escalation", [](Pod& p) { p.spec.containers[0].securityContext->privileged = true; },
       "spec.containers[0].securityContext: Invalid value: cannot set `allowPrivilegeEscalation` to false and "
       "`privileged` to true"},
      {"process namespace with hostPID",
       [](Pod& p) {
         p.spec.hostPID = true;
         p.spec.shareProcessNamespace = true;
       },
       "spec.securityContext.shareProcessNamespace: Invalid value: true: ShareProcessNamespace and HostPID cannot both "
       "be enabled"},
      {"hostPID in a user namespace",
       [](Pod& p) {
         p.spec.hostUsers = false;
         p.spec.hostPID = true;
       },
       "spec.HostPID: Forbidden: when `pod.Spec.HostUsers` is false"},
      {"os plan9", [](Pod& p) { p.spec.os->name = "plan9"; },
       "spec.os: Unsupported value: \"plan9\": supported values: \"linux\", \"windows\""},
      {"windows options on a linux pod",
       [](Pod& p) { p.spec.containers[0].securityContext->windowsOptions.emplace().runAsUserName = "app"; },
       "spec.containers[0].securityContext.windowsOptions: Forbidden: windows options cannot be set for a linux pod"},
  });
}

TEST_CASE("pod scheduling fields", "[unit][validation]") {
  const std::string na = "spec.affinity.nodeAffinity.";
  run({
      {"service account name", [](Pod& p) { p.spec.serviceAccountName = "Web"; },
       "spec.serviceAccountName: Invalid value: \"Web\": " + kDNS1123SubdomainRule},
      {"node selector key", [](Pod& p) { p.spec.nodeSelector["-bad"] = "x"; },
       "spec.nodeSelector: Invalid value: \"-bad\": name part " + kQualifiedNameRule},
      {"toleration operator Equals", [](Pod& p) { p.spec.tolerations[0].operator_ = "Equals"; },
       "spec.tolerations[0].operator: Unsupported value: \"Equals\": supported values: \"Equal\", \"Exists\""},
      {"toleration effect NoRun", [](Pod& p) { p.spec.tolerations[0].effect = "NoRun"; },
       "spec.tolerations[0].effect: Unsupported value: \"NoRun\": supported values: \"NoSchedule\", "
       "\"PreferNoSchedule\", \"NoExecute\""},
      {"tolerationSeconds without NoExecute", [](Pod& p) { p.spec.tolerations[0].tolerationSeconds = 10; },
       "spec.tolerations[0].effect: Invalid value: \"NoSchedule\": effect must be 'NoExecute' when "
       "`tolerationSeconds` is set"},
      {"toleration without key", [](Pod& p) { p.spec.tolerations[0].key = ""; },
       "spec.tolerations[0].operator: Invalid value: \"Equal\": operator must be Exists when `key` is empty, which "
       "means \"match all values and all keys\""},
      {"Exists with a value", [](Pod& p) { p.spec.tolerations[1].value = "x"; },
       "spec.tolerations[1].operator: Invalid value: \"x\": value must be empty when `operator` is 'Exists'"},
      {"no node selector terms",
       [](Pod& p) { p.spec.affinity->nodeAffinity->requiredDuringSchedulingIgnoredDuringExecution->nodeSelectorTerms.clear(); },
       na + "requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms: Required value: must have at least one "
            "node selector term"},
      {"node selector operator Contains",
       [](Pod& p) { p.spec.affinity->nodeAffinity->requiredDuringSchedulingIgnoredDuringExecution->nodeSelectorTerms[0].matchExpressions[0].operator_ = "Contains"; },
       na + "requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator: Invalid "
            "value: \"Contains\": not a valid selector operator"},
      {"In without values",
       [](Pod& p) { p.spec.affinity->nodeAffinity->requiredDuringSchedulingIgnoredDuringExecution->nodeSelectorTerms[0].matchExpressions[0].values.clear(); },
       na + "requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].values: Required "
            "value: must be specified when `operator` is 'In' or 'NotIn'"},
      {"preference weight 0", [](Pod& p) { p.spec.affinity->nodeAffinity->preferredDuringSchedulingIgnoredDuringExecution[0].weight = 0; },
       na + "preferredDuringSchedulingIgnoredDuringExecution[0].weight: Invalid value: 0: must be in the range 1-100"},
      {"anti-affinity without topology key",
       [](Pod& p) { p.spec.affinity->podAntiAffinity->preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey = ""; },
       "spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey: "
       "Required value: can not be empty\n"
       "spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey: "
       "Invalid value: \"\": name part must be non-empty\n"
       "spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey: "
       "Invalid value: \"\": name part " + kQualifiedNameRule},
      {"maxSkew 0", [](Pod& p) { p.spec.topologySpreadConstraints[0].maxSkew = 0; },
       "spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than zero"},
      {"whenUnsatisfiable Maybe", [](Pod& p) { p.spec.topologySpreadConstraints[0].whenUnsatisfiable = "Maybe"; },
       "spec.topologySpreadConstraints[0].whenUnsatisfiable: Unsupported value: \"Maybe\": supported values: "
       "\"DoNotSchedule\", \"ScheduleAnyway\""},
      {"spread constraint twice", [](Pod& p) { p.spec.topologySpreadConstraints.push_back(p.spec.topologySpreadConstraints[0]); },
       "spec.topologySpreadConstraints[0].{topologyKey, whenUnsatisfiable}: Duplicate value: "
       "\"{topology.kubernetes.io/zone, ScheduleAnyway}\""},
      {"host alias IP", [](Pod& p) { p.spec.hostAliases[0].ip = "not-an-ip"; },
       "spec.hostAliases[0].ip: Invalid value: \"not-an-ip\": " + kBadIP},
      {"readiness gate", [](Pod& p) { p.spec.readinessGates[0].conditionType = "bad type"; },
       "spec.readinessGates[0].conditionType: Invalid value: \"bad type\": name part " + kQualifiedNameRule},
      {"scheduling gate twice", [](Pod& p) { p.spec.schedulingGates = {{"example.com/gate"}, {"example.com/gate"}}; },
       "spec.schedulingGates[1]: Duplicate value: \"example.com/gate\""},
      {"node name while gated",
       [](Pod& p) {
         p.spec.schedulingGates = {{"example.com/gate"}};
         p.spec.nodeName = "node-1";
       },
       "spec.nodeName: Forbidden: cannot be set until all schedulingGates have been cleared"},
      {"deletion cost", [](Pod& p) { p.metadata.annotations["controller.kubernetes.io/pod-deletion-cost"] = "abc"; },
       "metadata.annotations[controller.kubernetes.io/pod-deletion-cost]: Invalid value: \"abc\": must be a 32bit integer"},
      {"pod name", [](Pod& p) { p.metadata.name = "Web"; },
       "metadata.name: Invalid value: \"Web\": " + kDNS1123SubdomainRule},
  });
}

TEST_CASE("pod updates may change images, deadlines, tolerations and gates only", "[unit][validation]") {
  const Pod old = valid_pod();
  Pod pod = old;

  SECTION("a new image") {
    pod.spec.containers[0].image = "registry.example.com/team/web:1.5.0";
    pod.spec.initContainers[0].image = "busybox:1.37";
    CHECK(validate_all_update(pod, old) == "");
  }
  SECTION("a deadline set, then lowered, but not raised or removed") {
    pod.spec.activeDeadlineSeconds = 100;
    CHECK(validate_all_update(pod, old) == "");
    Pod lower = pod;
    lower.spec.activeDeadlineSeconds = 50;
    CHECK(validate_all_update(lower, pod) == "");
    Pod higher = pod;
    higher.spec.activeDeadlineSeconds = 200;
    CHECK(validate_all_update(higher, pod) ==
          "spec.activeDeadlineSeconds: Invalid value: 200: must be less than or equal to previous value");
    CHECK(validate_all_update(old, pod) ==
          "spec.activeDeadlineSeconds: Invalid value: \"null\": must not update from a positive integer to nil value");
  }
  SECTION("tolerations added, or their seconds changed, but not modified") {
    pod.spec.tolerations.push_back({"spot", "Exists", "", "NoSchedule", std::nullopt});
    pod.spec.tolerations[1].tolerationSeconds = 60;
    CHECK(validate_all_update(pod, old) == "");
    pod.spec.tolerations[0].value = "api";
    CHECK(validate_all_update(pod, old) == "spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds");
  }
  SECTION("scheduling gates removed, not added") {
    Pod gated = old;
    gated.spec.schedulingGates = {{"example.com/quota"}};
    CHECK(validate_all_update(pod, gated) == "");
    CHECK(validate_all_update(gated, old) ==
          "spec.schedulingGates[0].name: Forbidden: only deletion is allowed, but found new scheduling gate "
          "'example.com/quota'");
  }
  SECTION("a gated pod may add to its node selector, not change it") {
    Pod gated = old;
    gated.spec.schedulingGates = {{"example.com/quota"}};
    Pod more = gated;
    more.spec.nodeSelector["disk"] = "ssd";
    CHECK(validate_all_update(more, gated) == "");
    Pod changed = gated;
    changed.spec.nodeSelector["kubernetes.io/os"] = "windows";
    CHECK(validate_all_update(changed, gated) ==
          "spec.nodeSelector: Invalid value: map[string]string{\"kubernetes.io/os\":\"windows\"}: only additions to "
          "spec.nodeSelector are allowed (no mutations or deletions)");
  }
  SECTION("the grace period only from negative to 1") {
    Pod base = old;
    base.spec.containers[0].lifecycle->preStop->sleep->seconds = 1;  // within any grace period tried
    Pod negative = base, one = base, longer = base;
    negative.spec.terminationGracePeriodSeconds = -1;
    one.spec.terminationGracePeriodSeconds = 1;
    CHECK(validate_all_update(one, negative) == "");
    longer.spec.terminationGracePeriodSeconds = 60;
    CHECK(validate_all_update(longer, base) == "spec: Forbidden: " + kUpdatable +
                                             "\n- spec.terminationGracePeriodSeconds: 30"
                                             "\n+ spec.terminationGracePeriodSeconds: 60");
  }
  SECTION("any other field is forbidden, the change summarized") {
    pod.spec.restartPolicy = "OnFailure";
    pod.spec.containers[0].args = {"--port=9090"};
    CHECK(validate_all_update(pod, old) == "spec: Forbidden: " + kUpdatable +
                                          "\n- spec.containers[0].args[0]: \"--port=8080\""
                                          "\n+ spec.containers[0].args[0]: \"--port=9090\""
                                          "\n- spec.restartPolicy: \"Always\""
                                          "\n+ spec.restartPolicy: \"OnFailure\"");
  }
  SECTION("containers neither added nor removed") {
    pod.spec.containers.push_back(pod.spec.containers[0]);
    pod.spec.containers[1].name = "second";
    pod.spec.containers[1].ports.clear();
    CHECK(validate_all_update(pod, old) == "spec.containers: Forbidden: pod updates may not add or remove containers");
  }
  SECTION("the new pod's own rules still apply") {
    pod.spec.containers[0].image = "";
    CHECK(validate_all_update(pod, old) == "spec.containers[0].image: Required value\nspec.containers[0].image: Required value");
  }
  SECTION("the mirror pod annotation may not be added, and is checked twice as upstream does") {
    pod.metadata.annotations["kubernetes.io/config.mirror"] = "abc";
    const std::string needs_node =
        "metadata.annotations[kubernetes.io/config.mirror]: Invalid value: \"abc\": must set spec.nodeName if mirror "
        "pod annotation is set";
    CHECK(validate_all_update(pod, old) == needs_node +
                                         "\nmetadata.annotations[kubernetes.io/config.mirror]: Forbidden: may not add "
                                         "mirror pod annotation\n" +
                                         needs_node);
  }
  SECTION("metadata.name is immutable") {
    pod.metadata.name = "web-2";
    CHECK(validate_all_update(pod, old) == "metadata.name: Invalid value: \"web-2\": field is immutable");
  }
}

TEST_CASE("a PodTemplate is checked as a template", "[unit][validation]") {
  const std::string yaml = R"(
apiVersion: v1
kind: PodTemplate
metadata: {name: web, namespace: default}
template:
  metadata:
    labels: {app: web}
  spec:
    hostNetwork: true
    containers:
    - name: app
      image: nginx:1.27
      ports: [{containerPort: 80}]
)";
  core_v1::PodTemplate t = defaulted<core_v1::PodTemplate>(yaml);
  // A template may leave hostPort 0 under hostNetwork: the pod made from it is defaulted.
  CHECK(validate_all(t) == "");

  SECTION("its labels are reported at template.labels") {
    t.template_.metadata.labels["-x"] = "y";
    CHECK(validate_all(t) == "template.labels: Invalid value: \"-x\": name part " + kQualifiedNameRule);
  }
  SECTION("a hostPort other than the containerPort") {
    t.template_.spec.containers[0].ports[0].hostPort = 8080;
    CHECK(validate_all(t) ==
          "template.spec.containers[0].ports[0].hostPort: Invalid value: 8080: must match `containerPort` when "
          "`hostNetwork` is true");
  }
  SECTION("no ephemeral containers") {
    core_v1::EphemeralContainer e;
    e.name = "debug";
    e.image = "busybox";
    e.imagePullPolicy = "IfNotPresent";
    e.terminationMessagePolicy = "File";
    t.template_.spec.ephemeralContainers.push_back(e);
    CHECK(validate_all(t) ==
          "template.spec.ephemeralContainers: Forbidden: ephemeral containers not allowed in pod template");
  }
  SECTION("an image volume's reference may be left to the pod") {
    core_v1::Volume v = volume("img");
    v.image = core_v1::ImageVolumeSource{"", "IfNotPresent"};
    t.template_.spec.volumes.push_back(v);
    CHECK(validate_all(t) == "");
  }
}

TEST_CASE("pod-level resources bound the containers'", "[unit][validation]") {
  const std::string base = R"(
apiVersion: v1
kind: Pod
metadata: {name: p, namespace: default}
spec:
  resources: {limits: {cpu: "1", memory: 512Mi}}
  containers:
  - name: app
    image: nginx:1.27
)";
  auto checked = [&](const std::string& resources) {
    return validate_all(defaulted<Pod>(base + resources));
  };
  CHECK(checked("    resources: {requests: {cpu: 500m}}\n") == "");
  // The container's request defaults to its limit, the pod's request to the containers'.
  CHECK(checked("    resources: {limits: {cpu: \"2\"}}\n") ==
        "spec.resources.requests: Invalid value: \"2\": must be less than or equal to cpu limit of 1\n"
        "spec.resources.containers[0][cpu].limits: Invalid value: \"2\": must be less than or equal to pod limits of 1");
  Pod pod = defaulted<Pod>(base);
  pod.spec.resources->limits["ephemeral-storage"] = Quantity::from_int(1 << 30, QuantityFormat::BinarySI);
  CHECK(validate_all(pod) ==
        "spec.resources.limits[ephemeral-storage]: Unsupported value: \"ephemeral-storage\": supported values: "
        "\"cpu\", \"hugepages-\", \"memory\"");
}

// env.h — a container's environment, as the kubelet builds it (upstream: the kubelet's
// makeEnvironmentVariables in pkg/kubelet/kubelet_pods.go, and the `$(VAR)` expansion of
// third_party/forked/golang/expansion).
//
// A container's variables come from two lists of its spec:
//
//   envFrom   every key of a ConfigMap or a Secret, with an optional prefix
//   env       one variable each: a literal `value` (in which `$(NAME)` refers to a
//             variable defined before it), or a `valueFrom` — a field of the pod, a
//             resource of a container, one key of a ConfigMap or a Secret
//
// envFrom is read first, then env in order; a later definition of a name replaces the
// value of an earlier one. The same expansion rewrites the container's command and args
// (translate.h) and a volume mount's subPathExpr.
//
// All functions are pure (the ObjectSource is only read) and thread-safe.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/api/types/core_v1.h"
#include "cluster/kubelet/downward_api.h"
#include "cluster/kubelet/objects.h"
#include "runtime/base/result.h"
#include "runtime/cri/api.h"

namespace kubepp::kubelet {

// ---- $(VAR) expansion -----------------------------------------------------------------------

/// What a reference `$(NAME)` expands to: the mapping gets NAME and returns the text to
/// put in its place (upstream's `mapping func(string) string`).
using ExpansionMapping = std::function<std::string(const std::string& name)>;

/// The reference to `name` written back: "$(" + name + ")" (syntaxWrap). A mapping
/// returns it for a name it does not know, so that the text stays as written.
std::string syntax_wrap(std::string_view name);

/// Expand: `input` with every `$(NAME)` replaced by mapping(NAME), read left to right in
/// one pass (an expanded value is not expanded again). `$$` is an escaped `$`, so
/// `$$(NAME)` gives the text `$(NAME)`; a `$` before any other character, a `$` at the
/// end, and a `$(` without a closing `)` stay as they are.
std::string expand(std::string_view input, const ExpansionMapping& mapping);

/// MappingFuncFor over `env`: a variable's value, or its reference unchanged when `env`
/// has no such name (so "$(UNSET)" stays "$(UNSET)"). The mapping refers to `env`, which
/// must outlive it.
ExpansionMapping mapping_for(const std::vector<runtime::cri::KeyValue>& env);

// ---- the environment -------------------------------------------------------------------------

/// The keys of one envFrom source that were left out because they cannot be variable
/// names. The kubelet reports them as a Warning event on the pod.
struct SkippedEnvKeys {
  std::string kind;            ///< "configMap" or "secret", as the event names the source
  std::string namespace_;      ///< the pod's namespace
  std::string name;            ///< the ConfigMap's or Secret's name
  std::vector<std::string> keys;  ///< the skipped names, prefix included, sorted

  /// The event's message: "Keys [1=a, b=c] from the EnvFrom configMap default/cfg were
  /// skipped since they are considered invalid environment variable names."
  std::string message() const;
};

/// The reason of that event.
inline constexpr const char* kInvalidEnvironmentVariableNames = "InvalidEnvironmentVariableNames";

/// A container's environment and what had to be left out of it.
struct EnvResult {
  std::vector<runtime::cri::KeyValue> env;  ///< one entry per name, in the order of first definition
  std::vector<SkippedEnvKeys> skipped;      ///< one entry per envFrom source with skipped keys
};

/// True when `name` can be an environment variable's name: non-empty, printable ASCII,
/// no `=` — the rule the API server checks env names with (Kubernetes 1.34's
/// RelaxedEnvironmentVariableValidation).
bool is_env_var_name(std::string_view name);

/// The environment of `container` of `pod` (makeEnvironmentVariables):
///
///  1. each envFrom source in order: every key of the ConfigMap's data (binaryData is not
///     read, as upstream) or of the Secret's data, with the prefix in front. A key that
///     is not an env var name (is_env_var_name) is skipped and listed in `skipped`.
///  2. each env entry in order: `value` expanded against the variables defined so far;
///     or valueFrom — fieldRef (env_field_value), resourceFieldRef (resource_field_value;
///     containerName defaults to this container), configMapKeyRef, secretKeyRef.
///     A fileKeyRef (the EnvFiles feature, off by default) gives "".
///
/// A name defined again keeps its first position and takes the new value. There are no
/// service variables (no Services yet).
///
/// Fails, as upstream words it:
///   NotFound  `configmap "x" not found`, `secret "x" not found` (not when optional)
///   NotFound  `couldn't find key k in ConfigMap default/x` (or Secret; not when optional)
///   Invalid   a fieldRef or resourceFieldRef that does not resolve (downward_api.h)
///   NotFound  a resourceFieldRef's container that the pod does not have
/// An optional reference that is missing leaves its variable out altogether.
Result<EnvResult> make_environment(const api::core_v1::Pod& pod, const api::core_v1::Container& container,
                                   const ObjectSource& objects, const PodRuntimeInfo& info,
                                   const NodeAllocatable& node);

}  // namespace kubepp::kubelet

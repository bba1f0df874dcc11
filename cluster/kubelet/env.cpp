// env.cpp — the `$(VAR)` expander and the kubelet's makeEnvironmentVariables.
//
// Two places where kubepp fixes what upstream leaves to chance: upstream collects the
// variables in a Go map and hands them to the runtime in the map's random order; kubepp
// keeps the order of first definition. And upstream has dropped its check of envFrom keys
// since environment variable names were relaxed (1.34: any printable ASCII but `=`); kubepp
// keeps the check with the relaxed rule, so a key no environment can hold — one with `=`
// or a control character, from an object the API server never validated (`kubepp play`) —
// is skipped and reported with the event upstream used to send, not passed to the runtime.
#include "cluster/kubelet/env.h"

#include <algorithm>
#include <map>
#include <optional>

namespace kubepp::kubelet {

using api::core_v1::ConfigMap;
using api::core_v1::Container;
using api::core_v1::EnvVar;
using api::core_v1::Pod;
using api::core_v1::Secret;
using runtime::cri::KeyValue;

// ---- $(VAR) expansion -----------------------------------------------------------------------

std::string syntax_wrap(std::string_view name) { return "$(" + std::string(name) + ")"; }

namespace {

// tryReadVariableName, for the text after a `$`: what to write out, whether it is a
// variable name (to be mapped), and how many bytes of `input` it used.
struct Read {
  std::string text;
  bool is_var;
  size_t advance;
};

Read try_read_variable_name(std::string_view input) {
  if (input[0] == '$') return {"$", false, 1};  // `$$`: an escaped operator
  if (input[0] == '(') {
    size_t close = input.find(')', 1);
    if (close != std::string_view::npos) return {std::string(input.substr(1, close - 1)), true, close + 1};
    return {"$(", false, 1};  // no closing parenthesis: the text stays as written
  }
  return {"$" + std::string(1, input[0]), false, 1};  // `$x`: not a reference
}

}  // namespace

std::string expand(std::string_view input, const ExpansionMapping& mapping) {
  std::string out;
  size_t checkpoint = 0;
  for (size_t cursor = 0; cursor < input.size(); ++cursor) {
    if (input[cursor] != '$' || cursor + 1 >= input.size()) continue;
    out += input.substr(checkpoint, cursor - checkpoint);
    Read read = try_read_variable_name(input.substr(cursor + 1));
    out += read.is_var ? mapping(read.text) : read.text;
    cursor += read.advance;
    checkpoint = cursor + 1;
  }
  if (checkpoint < input.size()) out += input.substr(checkpoint);
  return out;
}

ExpansionMapping mapping_for(const std::vector<KeyValue>& env) {
  return [&env](const std::string& name) {
    for (const KeyValue& kv : env) {
      if (kv.key == name) return kv.value;
    }
    return syntax_wrap(name);
  };
}

// ---- the environment -------------------------------------------------------------------------

std::string SkippedEnvKeys::message() const {
  std::string list;
  for (const std::string& k : keys) list += (list.empty() ? "" : ", ") + k;
  return "Keys [" + list + "] from the EnvFrom " + kind + " " + namespace_ + "/" + name +
         " were skipped since they are considered invalid environment variable names.";
}

bool is_env_var_name(std::string_view name) {
  if (name.empty()) return false;
  return std::all_of(name.begin(), name.end(), [](unsigned char c) { return c >= 0x20 && c <= 0x7e && c != '='; });
}

namespace {

// The variables defined so far (upstream's tmpEnv): in the order of first definition,
// with an index by name for lookups and redefinitions.
class Environment {
 public:
  void set(const std::string& name, std::string value) {
    auto [it, inserted] = index_.try_emplace(name, vars_.size());
    if (inserted) {
      vars_.push_back({name, std::move(value)});
    } else {
      vars_[it->second].value = std::move(value);
    }
  }
  // MappingFuncFor(tmpEnv): a reference to a name not yet defined stays as written.
  std::string lookup(const std::string& name) const {
    auto it = index_.find(name);
    return it == index_.end() ? syntax_wrap(name) : vars_[it->second].value;
  }
  std::vector<KeyValue> take() { return std::move(vars_); }

 private:
  std::vector<KeyValue> vars_;
  std::map<std::string, size_t> index_;
};

// Reads each ConfigMap and Secret once per call, as upstream's configMaps and secrets maps
// do, so that two references to one object see the same data.
class ObjectCache {
 public:
  ObjectCache(const ObjectSource& source, std::string ns) : source_(source), ns_(std::move(ns)) {}

  // The ConfigMap, nullptr when there is none.
  const ConfigMap* config_map(const std::string& name) {
    auto it = config_maps_.find(name);
    if (it == config_maps_.end()) it = config_maps_.emplace(name, source_.config_map(ns_, name)).first;
    return it->second ? &*it->second : nullptr;
  }
  const Secret* secret(const std::string& name) {
    auto it = secrets_.find(name);
    if (it == secrets_.end()) it = secrets_.emplace(name, source_.secret(ns_, name)).first;
    return it->second ? &*it->second : nullptr;
  }
  const std::string& ns() const { return ns_; }

 private:
  const ObjectSource& source_;
  std::string ns_;
  std::map<std::string, std::optional<ConfigMap>> config_maps_;
  std::map<std::string, std::optional<Secret>> secrets_;
};

// The object managers' NotFound, worded as their cache words it ("configmap", not the
// API server's "configmaps").
Error not_found(const char* resource, const std::string& name) {
  return Error{ErrorCode::NotFound, std::string(resource) + " \"" + name + "\" not found"};
}

Error key_not_found(const char* kind, const std::string& key, const std::string& ns, const std::string& name) {
  return Error{ErrorCode::NotFound, "couldn't find key " + key + " in " + kind + " " + ns + "/" + name};
}

// Adds every entry of `data` under `prefix`; keys that cannot be names go to `skipped`.
template <typename Map, typename ValueOf>
void add_all(const Map& data, const std::string& prefix, Environment& env, std::vector<std::string>& skipped,
             ValueOf value_of) {
  for (const auto& [key, value] : data) {
    std::string name = prefix + key;
    if (!is_env_var_name(name)) {
      skipped.push_back(std::move(name));
      continue;
    }
    env.set(name, value_of(value));
  }
}

// Step 1: the envFrom sources, in order.
Status add_env_from(const Container& container, ObjectCache& objects, Environment& env,
                    std::vector<SkippedEnvKeys>& skipped) {
  for (const auto& source : container.envFrom) {
    SkippedEnvKeys skip{"", objects.ns(), "", {}};
    if (source.configMapRef) {
      skip.kind = "configMap";
      skip.name = source.configMapRef->name;
      const ConfigMap* cm = objects.config_map(skip.name);
      if (cm == nullptr) {
        if (source.configMapRef->optional.value_or(false)) continue;
        return not_found("configmap", skip.name);
      }
      add_all(cm->data, source.prefix, env, skip.keys, [](const std::string& v) { return v; });
    } else if (source.secretRef) {
      skip.kind = "secret";
      skip.name = source.secretRef->name;
      const Secret* secret = objects.secret(skip.name);
      if (secret == nullptr) {
        if (source.secretRef->optional.value_or(false)) continue;
        return not_found("secret", skip.name);
      }
      add_all(secret->data, source.prefix, env, skip.keys, [](const api::Bytes& v) { return v.data; });
    }
    if (!skip.keys.empty()) {
      std::sort(skip.keys.begin(), skip.keys.end());
      skipped.push_back(std::move(skip));
    }
  }
  return {};
}

// Step 2b: the value of one valueFrom; nullopt when an optional reference is missing and
// the variable is left out.
Result<std::optional<std::string>> value_from(const Pod& pod, const Container& container, const EnvVar& var,
                                              ObjectCache& objects, const PodRuntimeInfo& info,
                                              const NodeAllocatable& node) {
  const auto& from = *var.valueFrom;
  if (from.fieldRef) {
    // ConvertDownwardAPIFieldLabel: only v1 (the default) has these paths.
    const std::string& version = from.fieldRef->apiVersion;
    if (!version.empty() && version != "v1") return Error{ErrorCode::Invalid, "unsupported pod version: " + version};
    auto value = env_field_value(pod, info, from.fieldRef->fieldPath);
    if (!value) return value.error();
    return std::optional<std::string>(std::move(value.value()));
  }
  if (from.resourceFieldRef) {
    const auto& selector = *from.resourceFieldRef;
    const std::string& name = selector.containerName.empty() ? container.name : selector.containerName;
    auto value = resource_field_value(pod, name, selector, node);
    if (!value) return value.error();
    return std::optional<std::string>(std::move(value.value()));
  }
  if (from.configMapKeyRef) {
    const auto& ref = *from.configMapKeyRef;
    const bool optional = ref.optional.value_or(false);
    const ConfigMap* cm = objects.config_map(ref.name);
    if (cm == nullptr) {
      if (optional) return std::optional<std::string>();
      return not_found("configmap", ref.name);
    }
    auto it = cm->data.find(ref.key);
    if (it == cm->data.end()) {
      if (optional) return std::optional<std::string>();
      return key_not_found("ConfigMap", ref.key, objects.ns(), ref.name);
    }
    return std::optional<std::string>(it->second);
  }
  if (from.secretKeyRef) {
    const auto& ref = *from.secretKeyRef;
    const bool optional = ref.optional.value_or(false);
    const Secret* secret = objects.secret(ref.name);
    if (secret == nullptr) {
      if (optional) return std::optional<std::string>();
      return not_found("secret", ref.name);
    }
    auto it = secret->data.find(ref.key);
    if (it == secret->data.end()) {
      if (optional) return std::optional<std::string>();
      return key_not_found("Secret", ref.key, objects.ns(), ref.name);
    }
    return std::optional<std::string>(it->second.data);  // bytes, as they are
  }
  // fileKeyRef with the EnvFiles gate off, or an empty valueFrom: upstream matches no case
  // and sets the variable to "".
  return std::optional<std::string>(std::string());
}

}  // namespace

Result<EnvResult> make_environment(const Pod& pod, const Container& container, const ObjectSource& objects,
                                   const PodRuntimeInfo& info, const NodeAllocatable& node) {
  ObjectCache cache(objects, pod.metadata.namespace_.empty() ? "default" : pod.metadata.namespace_);
  Environment env;
  EnvResult result;

  Status from = add_env_from(container, cache, env, result.skipped);
  if (!from) return from.error();

  for (const EnvVar& var : container.env) {
    if (!var.value.empty()) {
      // Step 2a: only variables defined before this one can be referred to.
      env.set(var.name, expand(var.value, [&env](const std::string& name) { return env.lookup(name); }));
    } else if (var.valueFrom) {
      auto value = value_from(pod, container, var, cache, info, node);
      if (!value) return value.error();
      if (value.value()) env.set(var.name, std::move(*value.value()));
    } else {
      env.set(var.name, "");
    }
  }
  result.env = env.take();
  return result;
}

}  // namespace kubepp::kubelet

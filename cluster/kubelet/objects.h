// objects.h — the ConfigMaps and Secrets a pod refers to, wherever they come from.
//
// Volumes (configMap, secret, projected) and environment variables (configMapKeyRef,
// secretKeyRef, envFrom) read other objects of the pod's namespace. `kubepp play` takes
// them from the manifest file beside the Pod; in a cluster the kubelet will read them
// from the API server. Both sit behind ObjectSource.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>

#include "cluster/api/types/core_v1.h"

namespace kubepp::kubelet {

/// Looks up the objects a pod refers to, by namespace and name. Implementations are
/// read-only while a pod is being synced.
class ObjectSource {
 public:
  virtual ~ObjectSource() = default;
  /// The ConfigMap `ns/name`, or nullopt when there is none.
  virtual std::optional<api::core_v1::ConfigMap> config_map(const std::string& ns, const std::string& name) const = 0;
  /// The Secret `ns/name`, or nullopt when there is none. Its stringData is already
  /// merged into data, as the API server stores a Secret.
  virtual std::optional<api::core_v1::Secret> secret(const std::string& ns, const std::string& name) const = 0;
};

/// Objects held in memory: those of `kubepp play`'s manifest, or a test's.
class StaticObjects : public ObjectSource {
 public:
  /// Adds (or replaces) a ConfigMap; an empty namespace means "default".
  void add(api::core_v1::ConfigMap object) {
    config_maps_[key(object.metadata.namespace_, object.metadata.name)] = std::move(object);
  }
  /// Adds (or replaces) a Secret, merging stringData into data as the API server does.
  void add(api::core_v1::Secret object) {
    for (auto& [k, v] : object.stringData) object.data[k] = api::Bytes{v};
    object.stringData.clear();
    secrets_[key(object.metadata.namespace_, object.metadata.name)] = std::move(object);
  }
  std::optional<api::core_v1::ConfigMap> config_map(const std::string& ns, const std::string& name) const override {
    auto it = config_maps_.find(key(ns, name));
    if (it == config_maps_.end()) return std::nullopt;
    return it->second;
  }
  std::optional<api::core_v1::Secret> secret(const std::string& ns, const std::string& name) const override {
    auto it = secrets_.find(key(ns, name));
    if (it == secrets_.end()) return std::nullopt;
    return it->second;
  }

 private:
  static std::string key(const std::string& ns, const std::string& name) {
    return (ns.empty() ? std::string("default") : ns) + "/" + name;
  }
  std::map<std::string, api::core_v1::ConfigMap> config_maps_;
  std::map<std::string, api::core_v1::Secret> secrets_;
};

}  // namespace kubepp::kubelet

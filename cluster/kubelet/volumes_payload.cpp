// volumes_payload.cpp — the payload of each file-projecting plugin (volumes_payload.h).
#include "cluster/kubelet/volumes_payload.h"

#include <optional>
#include <utility>

namespace kubepp::kubelet {

namespace {

using namespace api::core_v1;

// An item's or volume's mode (0 to 0777; set_up_volumes has refused anything else).
mode_t mode_of(const std::optional<int32_t>& mode, mode_t fallback) {
  return mode ? static_cast<mode_t>(*mode) & 0777 : fallback;
}

// utilerrors.NewAggregate(errs).Error(): one error as it is, several as "[a, b]". The code
// is the first error's.
Error aggregate(const std::vector<Error>& errors) {
  if (errors.size() == 1) return errors[0];
  std::string message;
  for (const Error& e : errors) message += (message.empty() ? "" : ", ") + e.message;
  return Error{errors[0].code, "[" + message + "]"};
}

// The payload of a ConfigMap or Secret: `data` is the object's values by key (for a
// ConfigMap, data and binaryData together); `missing` words the error for an absent key.
Result<Payload> key_payload(const std::vector<KeyToPath>& items, const std::map<std::string, std::string>& data,
                            mode_t default_mode, bool optional, const std::string& missing) {
  Payload payload;
  if (items.empty()) {
    for (const auto& [key, value] : data) payload[key] = FileProjection{value, default_mode};
    return payload;
  }
  for (const KeyToPath& item : items) {
    auto it = data.find(item.key);
    if (it == data.end()) {
      if (optional) continue;
      return Error{ErrorCode::NotFound, missing + item.key};
    }
    payload[item.path] = FileProjection{it->second, mode_of(item.mode, default_mode)};
  }
  return payload;
}

std::string namespace_of(const Pod& pod) {
  return pod.metadata.namespace_.empty() ? "default" : pod.metadata.namespace_;
}

// Adds `more` to `payload`, replacing files at the same paths (upstream's map assignment).
void merge(Payload& payload, Payload more) {
  for (auto& [path, file] : more) payload[path] = std::move(file);
}

}  // namespace

Result<ConfigMap> volume_config_map(const ObjectSource& objects, const std::string& ns, const std::string& name,
                                    bool optional) {
  std::optional<ConfigMap> found = objects.config_map(ns, name);
  if (found) return *found;
  if (!optional) return Error{ErrorCode::NotFound, "configmap \"" + name + "\" not found"};
  ConfigMap empty;
  empty.metadata.namespace_ = ns;
  empty.metadata.name = name;
  return empty;
}

Result<Secret> volume_secret(const ObjectSource& objects, const std::string& ns, const std::string& name,
                             bool optional) {
  std::optional<Secret> found = objects.secret(ns, name);
  if (found) return *found;
  if (!optional) return Error{ErrorCode::NotFound, "secret \"" + name + "\" not found"};
  Secret empty;
  empty.metadata.namespace_ = ns;
  empty.metadata.name = name;
  return empty;
}

Result<Payload> config_map_payload(const std::vector<KeyToPath>& items, const ConfigMap& config_map,
                                   mode_t default_mode, bool optional) {
  std::map<std::string, std::string> data = config_map.data;
  for (const auto& [key, bytes] : config_map.binaryData) data.emplace(key, bytes.data);
  return key_payload(items, data, default_mode, optional, "configmap references non-existent config key: ");
}

Result<Payload> secret_payload(const std::vector<KeyToPath>& items, const Secret& secret, mode_t default_mode,
                               bool optional) {
  std::map<std::string, std::string> data;
  for (const auto& [key, bytes] : secret.data) data.emplace(key, bytes.data);
  return key_payload(items, data, default_mode, optional, "references non-existent secret key: ");
}

Result<Payload> downward_api_payload(const std::vector<DownwardAPIVolumeFile>& items, const Pod& pod,
                                     const NodeAllocatable& node, mode_t default_mode) {
  Payload payload;
  std::vector<Error> errors;
  for (const DownwardAPIVolumeFile& item : items) {
    FileProjection file{"", mode_of(item.mode, default_mode)};
    if (item.fieldRef) {
      Result<std::string> value = volume_field_value(pod, item.fieldRef->fieldPath);
      if (value) file.data = value.value();
      else errors.push_back(value.error());
    } else if (item.resourceFieldRef) {
      const ResourceFieldSelector& selector = *item.resourceFieldRef;
      Result<std::string> value = resource_field_value(pod, selector.containerName, selector, node);
      if (value) file.data = value.value();
      else errors.push_back(value.error());
    }
    payload[item.path] = std::move(file);
  }
  if (!errors.empty()) return aggregate(errors);
  return payload;
}

Result<Payload> projected_payload(const ProjectedVolumeSource& projected, const Pod& pod,
                                  const ObjectSource& objects, const NodeAllocatable& node) {
  const mode_t default_mode = mode_of(projected.defaultMode, kDefaultFileMode);
  const std::string ns = namespace_of(pod);
  Payload payload;
  std::vector<Error> errors;
  auto add = [&](Result<Payload> more) {
    if (more) merge(payload, std::move(more.value()));
    else errors.push_back(more.error());
  };
  for (const VolumeProjection& source : projected.sources) {
    if (source.serviceAccountToken || source.clusterTrustBundle || source.podCertificate) {
      return Error{ErrorCode::Invalid, "projected volume source " +
                                           std::string(source.serviceAccountToken ? "serviceAccountToken"
                                                       : source.clusterTrustBundle ? "clusterTrustBundle"
                                                                                   : "podCertificate") +
                                           " is not supported yet"};
    }
    if (source.configMap) {
      const ConfigMapProjection& p = *source.configMap;
      const bool optional = p.optional.value_or(false);
      Result<ConfigMap> config_map = volume_config_map(objects, ns, p.name, optional);
      if (!config_map) errors.push_back(config_map.error());
      else add(config_map_payload(p.items, config_map.value(), default_mode, optional));
    }
    if (source.secret) {
      const SecretProjection& p = *source.secret;
      const bool optional = p.optional.value_or(false);
      Result<Secret> secret = volume_secret(objects, ns, p.name, optional);
      if (!secret) errors.push_back(secret.error());
      else add(secret_payload(p.items, secret.value(), default_mode, optional));
    }
    if (source.downwardAPI) add(downward_api_payload(source.downwardAPI->items, pod, node, default_mode));
  }
  if (!errors.empty()) return aggregate(errors);
  return payload;
}

}  // namespace kubepp::kubelet

// volumes_payload.h — what the files of configMap, secret, downwardAPI and projected
// volumes hold: each plugin's payload, computed from the objects before anything is
// written (upstream's MakePayload of pkg/volume/configmap and pkg/volume/secret,
// CollectData of pkg/volume/downwardapi, collectData of pkg/volume/projected).
//
// A payload maps paths inside the volume to bytes and modes; AtomicWriter (atomic_writer.h)
// writes it. Without items every key becomes a file of its own name with the volume's
// defaultMode; with items, only the listed keys, at their paths, with the item's mode when
// it has one. Paths are checked by the writer, not here.
//
// Pure functions of their arguments: no filesystem, no locks.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "cluster/api/types/core_v1.h"
#include "cluster/kubelet/atomic_writer.h"
#include "cluster/kubelet/downward_api.h"
#include "cluster/kubelet/objects.h"
#include "runtime/base/result.h"

namespace kubepp::kubelet {

/// The mode a volume's files get when neither the item nor the volume says (0644: upstream's
/// ConfigMapVolumeSourceDefaultMode, SecretVolumeSourceDefaultMode, DownwardAPIVolumeSourceDefaultMode
/// and ProjectedVolumeSourceDefaultMode are all 0644).
inline constexpr mode_t kDefaultFileMode = 0644;

/// The ConfigMap `name` of namespace `ns` for a volume: an empty one when it is missing and
/// `optional`, else NotFound `configmap "NAME" not found`, as the kubelet's object manager says.
Result<api::core_v1::ConfigMap> volume_config_map(const ObjectSource& objects, const std::string& ns,
                                                  const std::string& name, bool optional);

/// The Secret `name` of namespace `ns` for a volume, as volume_config_map: NotFound
/// `secret "NAME" not found`.
Result<api::core_v1::Secret> volume_secret(const ObjectSource& objects, const std::string& ns,
                                           const std::string& name, bool optional);

/// The files of `config_map` (data and binaryData) for `items`. NotFound
/// "configmap references non-existent config key: KEY" for an item whose key is in
/// neither, unless `optional` (the item is then left out).
Result<Payload> config_map_payload(const std::vector<api::core_v1::KeyToPath>& items,
                                   const api::core_v1::ConfigMap& config_map, mode_t default_mode, bool optional);

/// The files of `secret` (data: raw bytes, NUL included) for `items`, as
/// config_map_payload does. NotFound "references non-existent secret key: KEY".
Result<Payload> secret_payload(const std::vector<api::core_v1::KeyToPath>& items,
                               const api::core_v1::Secret& secret, mode_t default_mode, bool optional);

/// One file per item: the value of its fieldRef (volume_field_value) or resourceFieldRef
/// (resource_field_value, with the node's allocatable for an unset limit); an item with
/// neither is an empty file. Every item is tried; the errors of all that fail are returned
/// together ("[first, second]" as Go's aggregate prints them), with the first one's code.
Result<Payload> downward_api_payload(const std::vector<api::core_v1::DownwardAPIVolumeFile>& items,
                                     const api::core_v1::Pod& pod, const NodeAllocatable& node,
                                     mode_t default_mode);

/// The files of every source of a projected volume, merged into one payload (a later
/// source's file replaces an earlier one's at the same path), each with the volume's
/// defaultMode unless its item says otherwise. ConfigMaps and Secrets are read from
/// `objects` in the pod's namespace; optional ones may be missing. Every source is tried
/// and the errors aggregated as downward_api_payload does. Invalid for a source kubepp
/// does not support (serviceAccountToken, clusterTrustBundle, podCertificate).
Result<Payload> projected_payload(const api::core_v1::ProjectedVolumeSource& projected,
                                  const api::core_v1::Pod& pod, const ObjectSource& objects,
                                  const NodeAllocatable& node);

}  // namespace kubepp::kubelet

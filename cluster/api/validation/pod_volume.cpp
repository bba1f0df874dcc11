// pod_volume.cpp — a pod's volumes: ValidateVolumes, validateVolumeSource and the rules of
// each source. The path rules and the downward API's selectors they use are in
// pod_downward_api.cpp.
//
// Upstream reports some errors at paths that do not exist in the object; they are kept:
// a gcePersistentDisk is checked under `gcePersistentDisk` → `persistentDisk`, a second
// downwardAPI source is refused at `downwarAPI`, a downward API file's errors name
// `downwardAPI.path` without the item's index, a projected token's path is `projected.path`.
#include <algorithm>
#include <cctype>

#include "cluster/api/names.h"
#include "cluster/api/quantity.h"
#include "cluster/api/validation/core_v1.h"
#include "cluster/api/validation/meta.h"
#include "cluster/api/validation/pod_parts.h"

namespace kubepp::api::validation::podspec {

namespace {

const char* const kFileModeError = "must be a number between 0 and 0777 (octal), both inclusive";
const char* const kMoreThanOneType = "may not specify more than 1 volume type";

ErrorList validate_mode(const std::optional<std::int32_t>& mode, const Path& path) {
  if (!mode || (*mode >= 0 && *mode <= 0777)) return {};
  return {invalid(path, std::to_string(*mode), kFileModeError)};
}

ErrorList required_if_empty(std::string_view value, const Path& path) {
  if (!value.empty()) return {};
  return {required(path)};
}

bool has_prefix(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

// ---- hostPath, emptyDir, secret, configMap ---------------------------------------------

const std::vector<std::string> kHostPathTypes = {"",     "BlockDevice",  "CharDevice", "Directory", "DirectoryOrCreate",
                                                 "File", "FileOrCreate", "Socket"};

ErrorList validate_host_path_volume_source(const core_v1::HostPathVolumeSource& host, const Path& path) {
  if (host.path.empty()) return {required(path.child("path"))};
  ErrorList errs = validate_path_no_backsteps(host.path, path.child("path"));
  if (host.type && std::find(kHostPathTypes.begin(), kHostPathTypes.end(), *host.type) == kHostPathTypes.end()) {
    errs.push_back(not_supported(path.child("type"), quoted(*host.type), kHostPathTypes));
  }
  return errs;
}

ErrorList validate_key_to_path(const core_v1::KeyToPath& item, const Path& path) {
  ErrorList errs = required_if_empty(item.key, path.child("key"));
  append(errs, required_if_empty(item.path, path.child("path")));
  append(errs, validate_local_non_reserved_path(item.path, path.child("path")));
  append(errs, validate_mode(item.mode, path.child("mode")));
  return errs;
}

ErrorList validate_items(const std::vector<core_v1::KeyToPath>& items, const Path& path) {
  ErrorList errs;
  for (size_t i = 0; i < items.size(); i++) append(errs, validate_key_to_path(items[i], path.index(i)));
  return errs;
}

ErrorList validate_secret_volume_source(const core_v1::SecretVolumeSource& secret, const Path& path) {
  ErrorList errs = required_if_empty(secret.secretName, path.child("secretName"));
  append(errs, validate_mode(secret.defaultMode, path.child("defaultMode")));
  append(errs, validate_items(secret.items, path.child("items")));
  return errs;
}

ErrorList validate_config_map_volume_source(const core_v1::ConfigMapVolumeSource& config_map, const Path& path) {
  ErrorList errs = required_if_empty(config_map.name, path.child("name"));
  append(errs, validate_mode(config_map.defaultMode, path.child("defaultMode")));
  append(errs, validate_items(config_map.items, path.child("items")));
  return errs;
}

// ---- downward API ------------------------------------------------------------------------

const std::vector<std::string> kVolumeFieldPaths = {"metadata.annotations", "metadata.labels", "metadata.name",
                                                    "metadata.namespace", "metadata.uid"};

ErrorList validate_downward_api_volume_file(const core_v1::DownwardAPIVolumeFile& file, const Path& path) {
  ErrorList errs = required_if_empty(file.path, path.child("path"));
  append(errs, validate_local_non_reserved_path(file.path, path.child("path")));
  if (file.fieldRef) {
    append(errs, validate_object_field_selector(*file.fieldRef, kVolumeFieldPaths, path.child("fieldRef")));
    if (file.resourceFieldRef) {
      errs.push_back(invalid(path, quoted("resource"), "fieldRef and resourceFieldRef can not be specified simultaneously"));
    }
  } else if (file.resourceFieldRef) {
    append(errs, validate_container_resource_field_selector(*file.resourceFieldRef, path.child("resourceFieldRef"), true));
  } else {
    errs.push_back(required(path, "one of fieldRef and resourceFieldRef is required"));
  }
  append(errs, validate_mode(file.mode, path.child("mode")));
  return errs;
}

ErrorList validate_downward_api_volume_source(const core_v1::DownwardAPIVolumeSource& source, const Path& path) {
  ErrorList errs = validate_mode(source.defaultMode, path.child("defaultMode"));
  // Upstream checks every file at the source's path, not at items[i].
  for (const core_v1::DownwardAPIVolumeFile& file : source.items) append(errs, validate_downward_api_volume_file(file, path));
  return errs;
}

// ---- projected -----------------------------------------------------------------------------

/// The paths of a projected volume's files; a second file at a path is a conflict.
struct ProjectedPaths {
  std::set<std::string> seen;
  void add(const std::string& file, std::string shown, const Path& path, ErrorList& errs) {
    if (!seen.insert(file).second) errs.push_back(invalid(path, std::move(shown), "conflicting duplicate paths"));
  }
};

ErrorList validate_projected_items(const std::vector<core_v1::KeyToPath>& items, const std::string& source_name,
                                   const Path& path, const Path& projected, ProjectedPaths& paths) {
  ErrorList errs;
  for (size_t i = 0; i < items.size(); i++) {
    append(errs, validate_key_to_path(items[i], path.index(i)));
    if (!items[i].path.empty()) paths.add(items[i].path, quoted(source_name), projected, errs);
  }
  return errs;
}

ErrorList validate_token_projection(const core_v1::ServiceAccountTokenProjection& token, const Path& path,
                                    const Path& projected) {
  ErrorList errs;
  const std::int64_t seconds = token.expirationSeconds.value_or(0);
  if (seconds < 10 * 60) {
    errs.push_back(invalid(path.child("expirationSeconds"), std::to_string(seconds),
                           "may not specify a duration less than 10 minutes"));
  }
  if (seconds > (std::int64_t{1} << 32)) {
    errs.push_back(invalid(path.child("expirationSeconds"), std::to_string(seconds),
                           "may not specify a duration larger than 2^32 seconds"));
  }
  if (token.path.empty()) {
    errs.push_back(required(projected.child("path")));
  } else {
    append(errs, validate_local_non_reserved_path(token.path, projected.child("path")));
  }
  return errs;
}

ErrorList validate_trust_bundle_projection(const core_v1::ClusterTrustBundleProjection& bundle, const Path& path,
                                           const Path& projected, ProjectedPaths& paths) {
  ErrorList errs;
  if (bundle.name && bundle.signerName) {
    errs.push_back(invalid(path, "", "only one of name and signerName may be used"));
  } else if (bundle.name) {
    if (bundle.name->empty()) errs.push_back(required(path.child("name"), "must be a valid object name"));
    if (bundle.labelSelector) {
      errs.push_back(invalid(path.child("labelSelector"), "", "labelSelector must be unset if name is specified"));
    }
  } else if (bundle.signerName) {
    if (bundle.signerName->empty()) errs.push_back(required(path.child("signerName"), "must be a valid signer name"));
    append(errs, validate_label_selector(bundle.labelSelector ? &*bundle.labelSelector : nullptr, path.child("labelSelector")));
  } else {
    errs.push_back(required(path, "either name or signerName must be specified"));
  }
  append(errs, required_if_empty(bundle.path, path.child("path")));
  append(errs, validate_local_non_reserved_path(bundle.path, path.child("path")));
  paths.add(bundle.path, quoted(bundle.path), projected, errs);
  return errs;
}

ErrorList validate_projection_source(const core_v1::VolumeProjection& source, const Path& src, const Path& projected,
                                     ProjectedPaths& paths) {
  ErrorList errs;
  int count = 0;
  if (source.secret) {
    count++;
    append(errs, required_if_empty(source.secret->name, src.child("secret").child("name")));
    append(errs, validate_projected_items(source.secret->items, source.secret->name, src.child("secret").child("items"),
                                          projected, paths));
  }
  if (source.configMap) {
    count++;
    append(errs, required_if_empty(source.configMap->name, src.child("configMap").child("name")));
    append(errs, validate_projected_items(source.configMap->items, source.configMap->name,
                                          src.child("configMap").child("items"), projected, paths));
  }
  if (source.downwardAPI) {
    count++;
    for (const core_v1::DownwardAPIVolumeFile& file : source.downwardAPI->items) {
      append(errs, validate_downward_api_volume_file(file, src.child("downwardAPI")));
      if (!file.path.empty()) paths.add(file.path, quoted(file.path), projected, errs);
    }
  }
  if (source.serviceAccountToken) {
    count++;
    append(errs, validate_token_projection(*source.serviceAccountToken, src.child("serviceAccountToken"), projected));
  }
  if (source.clusterTrustBundle) {
    count++;
    append(errs, validate_trust_bundle_projection(*source.clusterTrustBundle, src.child("clusterTrustBundle"),
                                                  projected, paths));
  }
  if (count > 1) errs.push_back(forbidden(src, "may not specify more than 1 volume type per source"));
  return errs;
}

ErrorList validate_projected_volume_source(const core_v1::ProjectedVolumeSource& projected, const Path& path) {
  ErrorList errs = validate_mode(projected.defaultMode, path.child("defaultMode"));
  ProjectedPaths paths;
  for (size_t i = 0; i < projected.sources.size(); i++) {
    append(errs, validate_projection_source(projected.sources[i], path.child("sources").index(i), path, paths));
  }
  return errs;
}

// ---- ephemeral and image -------------------------------------------------------------------

/// ValidateTemplateObjectMeta: only labels and annotations may be set.
ErrorList validate_template_object_meta(const meta_v1::ObjectMeta& meta, const Path& path) {
  ErrorList errs = validate_annotations(meta.annotations, path.child("annotations"));
  append(errs, validate_labels(meta.labels, path.child("labels")));
  const std::pair<bool, const char*> set_fields[] = {
      {!meta.name.empty(), "name"},
      {!meta.generateName.empty(), "generateName"},
      {!meta.namespace_.empty(), "namespace"},
      {!meta.selfLink.empty(), "selfLink"},
      {!meta.uid.empty(), "uID"},  // upstream lower-cases the first letter of the Go name "UID"
      {!meta.resourceVersion.empty(), "resourceVersion"},
      {meta.generation != 0, "generation"},
      {!meta.creationTimestamp.is_zero(), "creationTimestamp"},
      {meta.deletionTimestamp.has_value(), "deletionTimestamp"},
      {meta.deletionGracePeriodSeconds.has_value(), "deletionGracePeriodSeconds"},
      {!meta.ownerReferences.empty(), "ownerReferences"},
      {!meta.finalizers.empty(), "finalizers"},
      {!meta.managedFields.empty(), "managedFields"},
  };
  for (const auto& [set, name] : set_fields) {
    if (set) errs.push_back(forbidden(path.child(name), "cannot be set"));
  }
  return errs;
}

const std::vector<std::string> kAccessModes = {"ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"};

/// The core of ValidatePersistentVolumeClaimSpec: access modes, selector, storage request,
/// class and volume mode. Data sources are not checked here.
ErrorList validate_claim_spec(const core_v1::PersistentVolumeClaimSpec& spec, const Path& path) {
  ErrorList errs;
  if (spec.accessModes.empty()) errs.push_back(required(path.child("accessModes"), "at least 1 access mode is required"));
  append(errs, validate_label_selector(spec.selector ? &*spec.selector : nullptr, path.child("selector")));
  bool once_pod = false, other = false;
  for (const std::string& mode : spec.accessModes) {
    bool known = std::find(kAccessModes.begin(), kAccessModes.end(), mode) != kAccessModes.end();
    if (!known) errs.push_back(not_supported(path.child("accessModes"), quoted(mode), kAccessModes));
    if (mode == "ReadWriteOncePod") once_pod = true;
    else if (known) other = true;
  }
  if (once_pod && other) {
    errs.push_back(forbidden(path.child("accessModes"), "may not use ReadWriteOncePod with other access modes"));
  }
  const Path storage = path.child("resources").key("storage");
  auto request = spec.resources.requests.find("storage");
  if (request == spec.resources.requests.end()) {
    errs.push_back(required(storage));
  } else if (request->second.sign() <= 0) {
    errs.push_back(invalid(storage, quoted(request->second.str()), "must be greater than zero"));
  }
  if (spec.storageClassName && !spec.storageClassName->empty()) {
    for (std::string& msg : is_dns1123_subdomain(*spec.storageClassName)) {
      errs.push_back(invalid(path.child("storageClassName"), quoted(*spec.storageClassName), std::move(msg)));
    }
  }
  if (spec.volumeMode && *spec.volumeMode != "Block" && *spec.volumeMode != "Filesystem") {
    errs.push_back(not_supported(path.child("volumeMode"), quoted(*spec.volumeMode), {"Block", "Filesystem"}));
  }
  return errs;
}

ErrorList validate_ephemeral_volume_source(const core_v1::EphemeralVolumeSource& ephemeral, const Path& path) {
  if (!ephemeral.volumeClaimTemplate) return {required(path.child("volumeClaimTemplate"))};
  const Path tpl = path.child("volumeClaimTemplate");
  ErrorList errs = validate_template_object_meta(ephemeral.volumeClaimTemplate->metadata, tpl.child("metadata"));
  append(errs, validate_claim_spec(ephemeral.volumeClaimTemplate->spec, tpl.child("spec")));
  return errs;
}

ErrorList validate_image_volume_source(const core_v1::ImageVolumeSource& image, const Path& path,
                                       const PodValidationOptions& options) {
  ErrorList errs;
  if (options.resource_is_pod && image.reference.empty()) errs.push_back(required(path.child("reference")));
  append(errs, validate_pull_policy(image.pullPolicy, path.child("pullPolicy")));
  return errs;
}

// ---- the remaining plugins: required fields ---------------------------------------------------

ErrorList validate_partition(std::int32_t partition, const Path& path) {
  if (partition >= 0 && partition <= 255) return {};
  return {invalid(path, std::to_string(partition), "must be between 1 and 255, inclusive")};
}

ErrorList validate_nfs(const core_v1::NFSVolumeSource& nfs, const Path& path) {
  ErrorList errs = required_if_empty(nfs.server, path.child("server"));
  append(errs, required_if_empty(nfs.path, path.child("path")));
  if (!has_prefix(nfs.path, "/")) errs.push_back(invalid(path.child("path"), quoted(nfs.path), "must be an absolute path"));
  return errs;
}

// iscsiInitiatorIqnRegex, unanchored at the start:
//   iqn\.\d{4}-\d{2}\.([[:alnum:]-.]+)(:[^,;*&$|\s]+)$
bool matches_iqn(std::string_view s) {
  auto digits = [](std::string_view d) { return std::all_of(d.begin(), d.end(), [](char c) { return c >= '0' && c <= '9'; }); };
  for (size_t at = s.find("iqn."); at != std::string_view::npos; at = s.find("iqn.", at + 1)) {
    std::string_view t = s.substr(at + 4);
    if (t.size() < 8 || !digits(t.substr(0, 4)) || t[4] != '-' || !digits(t.substr(5, 2)) || t[7] != '.') continue;
    t = t.substr(8);
    size_t colon = t.find(':');
    if (colon == 0 || colon == std::string_view::npos) continue;
    std::string_view domain = t.substr(0, colon), rest = t.substr(colon + 1);
    bool ok = std::all_of(domain.begin(), domain.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.'; });
    ok = ok && !rest.empty() && rest.find_first_of(",;*&$| \t\n\r\f\v") == std::string_view::npos;
    if (ok) return true;
  }
  return false;
}

// ^eui.[[:alnum:]]{16}$ and ^naa.[[:alnum:]]{32}$
bool matches_eui_naa(std::string_view s, size_t digits) {
  if (s.size() != 4 + digits) return false;
  return std::all_of(s.begin() + 4, s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)); });
}

ErrorList validate_iscsi_name(const std::string& name, const Path& path, const char* prefix_message) {
  const bool iqn = has_prefix(name, "iqn"), eui = has_prefix(name, "eui"), naa = has_prefix(name, "naa");
  ErrorList errs;
  if (!iqn && !eui && !naa) errs.push_back(invalid(path, quoted(name), prefix_message));
  if ((iqn && !matches_iqn(name)) || (eui && !matches_eui_naa(name, 16)) || (naa && !matches_eui_naa(name, 32))) {
    errs.push_back(invalid(path, quoted(name), "must be valid format"));
  }
  return errs;
}

ErrorList validate_iscsi(const core_v1::ISCSIVolumeSource& iscsi, const Path& path) {
  ErrorList errs = required_if_empty(iscsi.targetPortal, path.child("targetPortal"));
  if (iscsi.iqn.empty()) {
    errs.push_back(required(path.child("iqn")));
  } else {
    append(errs, validate_iscsi_name(iscsi.iqn, path.child("iqn"), "must be valid format starting with iqn, eui, or naa"));
  }
  if (iscsi.lun < 0 || iscsi.lun > 255) {
    errs.push_back(invalid(path.child("lun"), std::to_string(iscsi.lun), "must be between 0 and 255, inclusive"));
  }
  if ((iscsi.chapAuthDiscovery || iscsi.chapAuthSession) && !iscsi.secretRef) errs.push_back(required(path.child("secretRef")));
  if (iscsi.initiatorName) {
    append(errs, validate_iscsi_name(*iscsi.initiatorName, path.child("initiatorname"),
                                     "must be valid format starting with iqn, eui, or naa"));
  }
  return errs;
}

ErrorList validate_fc(const core_v1::FCVolumeSource& fc, const Path& path) {
  ErrorList errs;
  if (fc.targetWWNs.empty() && fc.wwids.empty()) {
    errs.push_back(required(path.child("targetWWNs"), "must specify either targetWWNs or wwids, but not both"));
  }
  if (!fc.targetWWNs.empty() && !fc.wwids.empty()) {
    errs.push_back(invalid(path.child("targetWWNs"), "", "targetWWNs and wwids can not be specified simultaneously"));
  }
  if (!fc.targetWWNs.empty()) {
    if (!fc.lun) {
      errs.push_back(required(path.child("lun"), "lun is required if targetWWNs is specified"));
    } else if (*fc.lun < 0 || *fc.lun > 255) {
      errs.push_back(invalid(path.child("lun"), std::to_string(*fc.lun), "must be between 0 and 255, inclusive"));
    }
  }
  return errs;
}

ErrorList validate_flex(const core_v1::FlexVolumeSource& flex, const Path& path) {
  ErrorList errs = required_if_empty(flex.driver, path.child("driver"));
  for (const auto& [key, value] : flex.options) {
    std::string ns = key.substr(0, key.find('/'));
    std::transform(ns.begin(), ns.end(), ns.begin(), [](unsigned char c) { return std::tolower(c); });
    ns = "." + ns;
    auto ends = [&](std::string_view suffix) { return ns.size() >= suffix.size() && ns.compare(ns.size() - suffix.size(), suffix.size(), suffix) == 0; };
    if (ends(".kubernetes.io") || ends(".k8s.io")) {
      errs.push_back(invalid(path.child("options").key(key), quoted(key), "kubernetes.io and k8s.io namespaces are reserved"));
    }
  }
  return errs;
}

ErrorList validate_azure_disk(const core_v1::AzureDiskVolumeSource& azure, const Path& path) {
  ErrorList errs = required_if_empty(azure.diskName, path.child("diskName"));
  append(errs, required_if_empty(azure.diskURI, path.child("diskURI")));
  const std::vector<std::string> caching = {"None", "ReadOnly", "ReadWrite"}, kinds = {"Dedicated", "Managed", "Shared"};
  if (azure.cachingMode && std::find(caching.begin(), caching.end(), *azure.cachingMode) == caching.end()) {
    errs.push_back(not_supported(path.child("cachingMode"), quoted(*azure.cachingMode), caching));
  }
  if (azure.kind && std::find(kinds.begin(), kinds.end(), *azure.kind) == kinds.end()) {
    errs.push_back(not_supported(path.child("kind"), quoted(*azure.kind), kinds));
  }
  if (azure.kind && *azure.kind == "Managed" && !has_prefix(azure.diskURI, "/subscriptions/")) {
    errs.push_back(not_supported(path.child("diskURI"), quoted(azure.diskURI),
                                 {"/subscriptions/{sub-id}/resourcegroups/{group-name}/providers/microsoft.compute/disks/{disk-id}"}));
  }
  if (azure.kind && *azure.kind != "Managed" && !has_prefix(azure.diskURI, "https://")) {
    errs.push_back(not_supported(path.child("diskURI"), quoted(azure.diskURI),
                                 {"https://{account-name}.blob.core.windows.net/{container-name}/{disk-name}.vhd"}));
  }
  return errs;
}

ErrorList validate_storageos(const core_v1::StorageOSVolumeSource& s, const Path& path) {
  ErrorList errs;
  auto label = [&](const std::string& v, const Path& p) {
    for (std::string& msg : is_dns1123_label(v)) errs.push_back(invalid(p, quoted(v), std::move(msg)));
  };
  if (s.volumeName.empty()) errs.push_back(required(path.child("volumeName")));
  else label(s.volumeName, path.child("volumeName"));
  if (!s.volumeNamespace.empty()) label(s.volumeNamespace, path.child("volumeNamespace"));
  if (s.secretRef && s.secretRef->name.empty()) errs.push_back(required(path.child("secretRef").child("name")));
  return errs;
}

ErrorList validate_csi(const core_v1::CSIVolumeSource& csi, const Path& path) {
  ErrorList errs;
  const Path driver = path.child("driver");
  if (csi.driver.empty()) errs.push_back(required(driver));
  if (csi.driver.size() > 63) errs.push_back(too_long(driver, "", 63));
  std::string lower = csi.driver;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  for (std::string& msg : is_dns1123_subdomain(lower)) errs.push_back(invalid(driver, quoted(csi.driver), std::move(msg)));
  if (csi.nodePublishSecretRef) {
    const std::string& name = csi.nodePublishSecretRef->name;
    if (name.empty()) errs.push_back(required(path.child("nodePublishSecretRef").child("name")));
    for (std::string& msg : name.empty() ? std::vector<std::string>{} : is_dns1123_subdomain(name)) {
      errs.push_back(invalid(path.child("name"), quoted(name), std::move(msg)));
    }
  }
  return errs;
}

ErrorList validate_quobyte(const core_v1::QuobyteVolumeSource& q, const Path& path) {
  ErrorList errs;
  const char* const message = "must be a host:port pair or multiple pairs separated by commas";
  if (q.registry.empty()) {
    errs.push_back(required(path.child("registry"), message));
  } else if (q.tenant.size() >= 65) {
    errs.push_back(required(path.child("tenant"), "must be a UUID and may not exceed a length of 64 characters"));
  } else {
    std::string_view rest = q.registry;
    while (true) {
      std::string_view pair = rest.substr(0, rest.find(','));
      // net.SplitHostPort: "[host]:port" or "host:port" with exactly one colon.
      bool ok = !pair.empty() && (pair.front() == '[' ? pair.find("]:") != std::string_view::npos
                                                      : std::count(pair.begin(), pair.end(), ':') == 1);
      if (!ok) errs.push_back(invalid(path.child("registry"), quoted(q.registry), message));
      if (rest.find(',') == std::string_view::npos) break;
      rest = rest.substr(rest.find(',') + 1);
    }
  }
  append(errs, required_if_empty(q.volume, path.child("volume")));
  return errs;
}

ErrorList validate_flocker(const core_v1::FlockerVolumeSource& f, const Path& path) {
  ErrorList errs;
  if (f.datasetName.empty() && f.datasetUUID.empty()) {
    errs.push_back(required(path, "one of datasetName and datasetUUID is required"));
  }
  if (!f.datasetName.empty() && !f.datasetUUID.empty()) {
    errs.push_back(invalid(path, quoted("resource"), "datasetName and datasetUUID can not be specified simultaneously"));
  }
  if (f.datasetName.find('/') != std::string::npos) {
    errs.push_back(invalid(path.child("datasetName"), quoted(f.datasetName), "must not contain '/'"));
  }
  return errs;
}

/// validateVolumeSource: exactly one source, and that source's rules.
ErrorList validate_volume_source(const core_v1::Volume& v, const Path& path, const meta_v1::ObjectMeta* meta,
                                 const PodValidationOptions& options) {
  ErrorList errs;
  int count = 0;
  // Counts a set source; a second one is refused at `forbid_name`, the first is checked.
  auto one = [&](bool set, std::string_view name, auto&& rules) {
    if (!set) return;
    if (count > 0) {
      errs.push_back(forbidden(path.child(name), kMoreThanOneType));
      return;
    }
    count++;
    append(errs, rules());
  };
  if (v.emptyDir) {
    count++;
    if (v.emptyDir->sizeLimit && v.emptyDir->sizeLimit->sign() < 0) {
      errs.push_back(forbidden(path.child("emptyDir").child("sizeLimit"), "SizeLimit field must be a valid resource quantity"));
    }
  }
  one(v.hostPath.has_value(), "hostPath", [&] { return validate_host_path_volume_source(*v.hostPath, path.child("hostPath")); });
  one(v.gitRepo.has_value(), "gitRepo", [&] {
    ErrorList e = required_if_empty(v.gitRepo->repository, path.child("gitRepo").child("repository"));
    append(e, validate_local_descending_path(v.gitRepo->directory, path.child("gitRepo").child("directory")));
    return e;
  });
  one(v.gcePersistentDisk.has_value(), "gcePersistentDisk", [&] {
    const Path p = path.child("persistentDisk");  // sic
    ErrorList e = required_if_empty(v.gcePersistentDisk->pdName, p.child("pdName"));
    append(e, validate_partition(v.gcePersistentDisk->partition, p.child("partition")));
    return e;
  });
  one(v.awsElasticBlockStore.has_value(), "awsElasticBlockStore", [&] {
    const Path p = path.child("awsElasticBlockStore");
    ErrorList e = required_if_empty(v.awsElasticBlockStore->volumeID, p.child("volumeID"));
    append(e, validate_partition(v.awsElasticBlockStore->partition, p.child("partition")));
    return e;
  });
  one(v.secret.has_value(), "secret", [&] { return validate_secret_volume_source(*v.secret, path.child("secret")); });
  one(v.nfs.has_value(), "nfs", [&] { return validate_nfs(*v.nfs, path.child("nfs")); });
  one(v.iscsi.has_value(), "iscsi", [&] { return validate_iscsi(*v.iscsi, path.child("iscsi")); });
  if (v.iscsi && v.iscsi->initiatorName && v.name.size() + 1 + v.iscsi->targetPortal.size() > 64) {
    errs.push_back(invalid(path.child("name"), quoted(v.name),
                           "Total length of <volume name>:<iscsi.targetPortal> must be under 64 characters if "
                           "iscsi.initiatorName is specified."));
  }
  one(v.glusterfs.has_value(), "glusterfs", [&] {
    ErrorList e = required_if_empty(v.glusterfs->endpoints, path.child("glusterfs").child("endpoints"));
    append(e, required_if_empty(v.glusterfs->path, path.child("glusterfs").child("path")));
    return e;
  });
  one(v.flocker.has_value(), "flocker", [&] { return validate_flocker(*v.flocker, path.child("flocker")); });
  one(v.persistentVolumeClaim.has_value(), "persistentVolumeClaim", [&] {
    return required_if_empty(v.persistentVolumeClaim->claimName, path.child("persistentVolumeClaim").child("claimName"));
  });
  one(v.rbd.has_value(), "rbd", [&] {
    ErrorList e;
    if (v.rbd->monitors.empty()) e.push_back(required(path.child("rbd").child("monitors")));
    append(e, required_if_empty(v.rbd->image, path.child("rbd").child("image")));
    return e;
  });
  one(v.cinder.has_value(), "cinder", [&] {
    ErrorList e = required_if_empty(v.cinder->volumeID, path.child("cinder").child("volumeID"));
    if (v.cinder->secretRef && v.cinder->secretRef->name.empty()) {
      e.push_back(required(path.child("cinder").child("secretRef").child("name")));
    }
    return e;
  });
  one(v.cephfs.has_value(), "cephFS", [&] {
    return v.cephfs->monitors.empty() ? ErrorList{required(path.child("cephfs").child("monitors"))} : ErrorList{};
  });
  one(v.quobyte.has_value(), "quobyte", [&] { return validate_quobyte(*v.quobyte, path.child("quobyte")); });
  one(v.downwardAPI.has_value(), "downwarAPI",  // sic
      [&] { return validate_downward_api_volume_source(*v.downwardAPI, path.child("downwardAPI")); });
  one(v.fc.has_value(), "fc", [&] { return validate_fc(*v.fc, path.child("fc")); });
  one(v.flexVolume.has_value(), "flexVolume", [&] { return validate_flex(*v.flexVolume, path.child("flexVolume")); });
  one(v.configMap.has_value(), "configMap",
      [&] { return validate_config_map_volume_source(*v.configMap, path.child("configMap")); });
  one(v.azureFile.has_value(), "azureFile", [&] {
    ErrorList e = required_if_empty(v.azureFile->secretName, path.child("azureFile").child("secretName"));
    append(e, required_if_empty(v.azureFile->shareName, path.child("azureFile").child("shareName")));
    return e;
  });
  one(v.vsphereVolume.has_value(), "vsphereVolume", [&] {
    return required_if_empty(v.vsphereVolume->volumePath, path.child("vsphereVolume").child("volumePath"));
  });
  one(v.photonPersistentDisk.has_value(), "photonPersistentDisk", [&] {
    return required_if_empty(v.photonPersistentDisk->pdID, path.child("photonPersistentDisk").child("pdID"));
  });
  one(v.portworxVolume.has_value(), "portworxVolume", [&] {
    return required_if_empty(v.portworxVolume->volumeID, path.child("portworxVolume").child("volumeID"));
  });
  one(v.azureDisk.has_value(), "azureDisk", [&] { return validate_azure_disk(*v.azureDisk, path.child("azureDisk")); });
  one(v.storageos.has_value(), "storageos", [&] { return validate_storageos(*v.storageos, path.child("storageos")); });
  one(v.projected.has_value(), "projected",
      [&] { return validate_projected_volume_source(*v.projected, path.child("projected")); });
  one(v.scaleIO.has_value(), "scaleIO", [&] {
    const Path p = path.child("scaleIO");
    ErrorList e = required_if_empty(v.scaleIO->gateway, p.child("gateway"));
    append(e, required_if_empty(v.scaleIO->system, p.child("system")));
    append(e, required_if_empty(v.scaleIO->volumeName, p.child("volumeName")));
    return e;
  });
  one(v.csi.has_value(), "csi", [&] { return validate_csi(*v.csi, path.child("csi")); });
  one(v.ephemeral.has_value(), "ephemeral", [&] {
    ErrorList e = validate_ephemeral_volume_source(*v.ephemeral, path.child("ephemeral"));
    if (meta != nullptr && !meta->name.empty() && !v.name.empty()) {
      const std::string claim = meta->name + "-" + v.name;
      for (std::string& msg : is_dns1123_subdomain(claim)) {
        e.push_back(invalid(path.child("name"), quoted(v.name), "PVC name " + quoted(claim) + ": " + msg));
      }
    }
    return e;
  });
  one(v.image.has_value(), "image", [&] { return validate_image_volume_source(*v.image, path.child("image"), options); });
  if (count == 0) errs.push_back(required(path, "must specify a volume type"));
  return errs;
}

}  // namespace

ErrorList validate_volumes(const std::vector<core_v1::Volume>& volumes, const meta_v1::ObjectMeta* meta,
                           const PodValidationOptions& options, const Path& path, VolumeMap& valid) {
  ErrorList errs;
  std::set<std::string> created_claims;  // the claims ephemeral volumes make: <pod>-<volume>
  if (meta != nullptr && !meta->name.empty()) {
    for (const core_v1::Volume& v : volumes) {
      if (v.ephemeral) created_claims.insert(meta->name + "-" + v.name);
    }
  }
  for (size_t i = 0; i < volumes.size(); i++) {
    const core_v1::Volume& v = volumes[i];
    const Path at = path.index(i);
    ErrorList el = validate_volume_source(v, at, meta, options);
    if (v.name.empty()) {
      el.push_back(required(at.child("name")));
    } else {
      for (std::string& msg : is_dns1123_label(v.name)) el.push_back(invalid(at.child("name"), quoted(v.name), std::move(msg)));
    }
    if (valid.contains(v.name)) el.push_back(duplicate(at.child("name"), quoted(v.name)));
    if (el.empty()) {
      valid.emplace(v.name, &v);
    } else {
      append(errs, std::move(el));
    }
    if (v.persistentVolumeClaim && created_claims.contains(v.persistentVolumeClaim->claimName)) {
      errs.push_back(invalid(at.child("persistentVolumeClaim").child("claimName"),
                             quoted(v.persistentVolumeClaim->claimName),
                             "must not reference a PVC that gets created for an ephemeral volume"));
    }
  }
  return errs;
}

}  // namespace kubepp::api::validation::podspec

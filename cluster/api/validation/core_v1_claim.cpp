// core_v1_claim.cpp — a PersistentVolumeClaim's rules on create and update, in upstream's
// order and words (ValidatePersistentVolumeClaimSpec, ValidatePersistentVolumeClaimUpdate
// in pkg/apis/core/validation/validation.go).
#include <algorithm>
#include <utility>

#include "cluster/api/names.h"
#include "cluster/api/validation/core_v1.h"
#include "cluster/api/validation/meta.h"

namespace kubepp::api::validation {

namespace {

const std::vector<std::string> kAccessModes = {"ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"};
constexpr std::string_view kBetaStorageClassAnnotation = "volume.beta.kubernetes.io/storage-class";

ErrorList validate_class_name(const std::optional<std::string>& name, const Path& path) {
  ErrorList errs;
  if (!name || name->empty()) return errs;
  for (std::string& m : name_is_dns_subdomain(*name, false)) errs.push_back(invalid(path, quoted(*name), std::move(m)));
  return errs;
}

// validateDataSource and validateDataSourceRef: name, kind, and an apiGroup unless the
// source is a claim.
ErrorList validate_data_source(const std::optional<std::string>& api_group, const std::string& kind,
                               const std::string& name, const Path& path) {
  ErrorList errs;
  if (name.empty()) errs.push_back(required(path.child("name")));
  if (kind.empty()) errs.push_back(required(path.child("kind")));
  const std::string group = api_group.value_or("");
  if (group.empty() && kind != "PersistentVolumeClaim") {
    errs.push_back(invalid(path, quoted(kind), "must be 'PersistentVolumeClaim' when referencing the default apiGroup"));
  }
  if (!group.empty()) append(errs, validate_dns1123_subdomain(group, path.child("apiGroup")));
  return errs;
}

ErrorList validate_pvc_access_modes(const std::vector<std::string>& modes, const Path& path) {
  ErrorList errs;
  bool rwop = false, other = false;
  for (const std::string& mode : modes) {
    const bool supported = std::find(kAccessModes.begin(), kAccessModes.end(), mode) != kAccessModes.end();
    if (!supported) errs.push_back(not_supported(path, quoted(mode), kAccessModes));
    if (mode == "ReadWriteOncePod") {
      rwop = true;
    } else if (supported) {
      other = true;
    }
  }
  if (rwop && other) errs.push_back(forbidden(path, "may not use ReadWriteOncePod with other access modes"));
  return errs;
}

ErrorList validate_pvc_storage(const core_v1::VolumeResourceRequirements& resources, const Path& spec) {
  // Upstream keys the path on resources itself: spec.resources[storage].
  const Path path = spec.child("resources").key("storage");
  auto storage = resources.requests.find("storage");
  if (storage == resources.requests.end()) return {required(path)};
  if (storage->second.sign() <= 0) return {invalid(path, quoted(storage->second.str()), "must be greater than zero")};
  return validate_resource_quantity_value("storage", storage->second, path);
}

ErrorList validate_pvc_data_sources(const core_v1::PersistentVolumeClaimSpec& spec, const Path& path) {
  ErrorList errs;
  const auto& ds = spec.dataSource;
  const auto& ref = spec.dataSourceRef;
  if (ds) append(errs, validate_data_source(ds->apiGroup, ds->kind, ds->name, path.child("dataSource")));
  if (ref) {
    append(errs, validate_data_source(ref->apiGroup, ref->kind, ref->name, path.child("dataSourceRef")));
    if (ref->namespace_ && !ref->namespace_->empty()) {
      for (std::string& m : name_is_dns_label(*ref->namespace_, false)) {
        errs.push_back(invalid(path.child("dataSourceRef").child("namespace"), quoted(*ref->namespace_), std::move(m)));
      }
    }
  }
  if (ref && ref->namespace_ && !ref->namespace_->empty()) {
    // Upstream prints a *field.Path here (an address); kubepp leaves the value out.
    if (ds) errs.push_back(invalid(path, "", "may not be specified when dataSourceRef.namespace is specified"));
  } else if (ds && ref && (ds->apiGroup != ref->apiGroup || ds->kind != ref->kind || ds->name != ref->name)) {
    errs.push_back(invalid(path, "", "must match dataSourceRef"));
  }
  return errs;
}

ErrorList validate_pvc_spec(const core_v1::PersistentVolumeClaimSpec& spec, const Path& path) {
  ErrorList errs;
  if (spec.accessModes.empty()) errs.push_back(required(path.child("accessModes"), "at least 1 access mode is required"));
  if (spec.selector) append(errs, validate_label_selector(&*spec.selector, path.child("selector")));
  append(errs, validate_pvc_access_modes(spec.accessModes, path.child("accessModes")));
  append(errs, validate_pvc_storage(spec.resources, path));
  append(errs, validate_class_name(spec.storageClassName, path.child("storageClassName")));
  if (spec.volumeMode && *spec.volumeMode != "Block" && *spec.volumeMode != "Filesystem") {
    errs.push_back(not_supported(path.child("volumeMode"), quoted(*spec.volumeMode), {"Block", "Filesystem"}));
  }
  append(errs, validate_pvc_data_sources(spec, path));
  append(errs, validate_class_name(spec.volumeAttributesClassName, path.child("volumeAttributesClassName")));
  return errs;
}

std::string annotation(const meta_v1::ObjectMeta& meta, std::string_view key) {
  auto it = meta.annotations.find(std::string(key));
  return it == meta.annotations.end() ? "" : it->second;
}

// The storage class may move from the beta annotation, or from unset, to the field.
void allow_storage_class_upgrade(const core_v1::PersistentVolumeClaim& pvc, const core_v1::PersistentVolumeClaim& old,
                                 core_v1::PersistentVolumeClaimSpec& now, ErrorList& errs) {
  const auto& old_ann = old.metadata.annotations;
  const auto& new_ann = pvc.metadata.annotations;
  auto old_sc = old_ann.find(std::string(kBetaStorageClassAnnotation));
  auto new_sc = new_ann.find(std::string(kBetaStorageClassAnnotation));
  const bool from_annotation = old_sc != old_ann.end() && !old.spec.storageClassName && pvc.spec.storageClassName &&
                               *pvc.spec.storageClassName == old_sc->second &&
                               (new_sc == new_ann.end() || new_sc->second == old_sc->second);
  if (from_annotation) {
    now.storageClassName.reset();
    return;
  }
  const std::string new_value = annotation(pvc.metadata, kBetaStorageClassAnnotation);
  if (new_value != annotation(old.metadata, kBetaStorageClassAnnotation)) {
    errs.push_back(invalid(Path("metadata").child("annotations").child(kBetaStorageClassAnnotation), quoted(new_value),
                           "field is immutable"));
  }
  if (pvc.spec.storageClassName && !old.spec.storageClassName &&
      (old_sc == old_ann.end() || *pvc.spec.storageClassName == old_sc->second)) {
    now.storageClassName = old.spec.storageClassName;
  }
}

}  // namespace

ErrorList validate_persistent_volume_claim(const core_v1::PersistentVolumeClaim& pvc) {
  return validate_pvc_spec(pvc.spec, Path("spec"));
}

ErrorList validate_persistent_volume_claim_update(const core_v1::PersistentVolumeClaim& pvc,
                                                  const core_v1::PersistentVolumeClaim& old) {
  ErrorList errs = validate_persistent_volume_claim(pvc);
  core_v1::PersistentVolumeClaimSpec now = pvc.spec, before = old.spec;
  if (old.spec.volumeName.empty()) before.volumeName = now.volumeName;  // volumeName may be set once
  allow_storage_class_upgrade(pvc, old, now, errs);
  const bool bound = pvc.status.phase == "Bound";
  if (bound && !now.resources.requests.empty()) {
    auto it = old.spec.resources.requests.find("storage");
    now.resources.requests["storage"] = it == old.spec.resources.requests.end() ? Quantity() : it->second;
  }
  if (bound && now.volumeAttributesClassName) now.volumeAttributesClassName = before.volumeAttributesClassName;
  if (now != before) {
    // Upstream appends a go-cmp diff of the two specs; kubepp does not reproduce it.
    errs.push_back(forbidden(Path("spec"), "spec is immutable after creation except resources.requests and "
                                           "volumeAttributesClassName for bound claims"));
  }
  auto size = [](const std::map<std::string, Quantity>& m) {
    auto it = m.find("storage");
    return it == m.end() ? Quantity() : it->second;
  };
  const Quantity new_size = size(pvc.spec.resources.requests);
  if (new_size < size(old.spec.resources.requests) && new_size <= size(old.status.capacity)) {
    errs.push_back(forbidden(Path("spec").child("resources").child("requests").child("storage"),
                             "field can not be less than status.capacity"));
  }
  if (pvc.spec.volumeMode != old.spec.volumeMode) {
    // Upstream's path here is "volumeMode", without "spec.".
    errs.push_back(invalid(Path("volumeMode"), pvc.spec.volumeMode ? quoted(*pvc.spec.volumeMode) : "null",
                           "field is immutable"));
  }
  if (old.spec.volumeAttributesClassName && pvc.spec.volumeAttributesClassName != old.spec.volumeAttributesClassName) {
    const Path vac = Path("spec").child("volumeAttributesClassName");
    if (!pvc.spec.volumeAttributesClassName) {
      errs.push_back(forbidden(vac, "update from non-nil value to nil is forbidden"));
    } else if (pvc.spec.volumeAttributesClassName->empty()) {
      errs.push_back(forbidden(vac, "update from non-nil value to an empty string is forbidden"));
    }
  }
  return errs;
}

}  // namespace kubepp::api::validation

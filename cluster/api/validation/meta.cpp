// meta.cpp — ObjectMeta's rules, in upstream's order and words.
#include "cluster/api/validation/meta.h"

#include "cluster/api/names.h"

namespace kubepp::api::validation {

namespace {

// maskTrailingDash: "web-" checks as "weba", so a generateName may end in '-'.
std::string mask_trailing_dash(std::string_view name) {
  std::string s(name);
  if (s.size() > 1 && s.back() == '-') s.back() = 'a';
  return s;
}

constexpr std::size_t kFieldManagerMaxLength = 128;
constexpr std::size_t kMaxSubresourceNameLength = 256;

// metav1.FinalizerOrphanDependents, FinalizerDeleteDependents, and core's "kubernetes".
constexpr std::string_view kFinalizerOrphan = "orphan";
constexpr std::string_view kFinalizerForeground = "foregroundDeletion";
constexpr std::string_view kFinalizerKubernetes = "kubernetes";

ErrorList validate_owner_references(const std::vector<meta_v1::OwnerReference>& refs, const Path& path) {
  ErrorList errs;
  std::string first_controller;
  for (const meta_v1::OwnerReference& ref : refs) {
    // Upstream reports these on the list's path, without the index.
    const std::string_view api_version = ref.apiVersion;
    const std::string_view version = api_version.substr(api_version.find('/') == std::string_view::npos
                                                            ? 0 : api_version.find('/') + 1);
    if (version.empty()) errs.push_back(invalid(path.child("apiVersion"), quoted(ref.apiVersion), "version must not be empty"));
    if (ref.kind.empty()) errs.push_back(invalid(path.child("kind"), quoted(ref.kind), "kind must not be empty"));
    if (ref.name.empty()) errs.push_back(invalid(path.child("name"), quoted(ref.name), "name must not be empty"));
    if (ref.uid.empty()) errs.push_back(invalid(path.child("uid"), quoted(ref.uid), "uid must not be empty"));
    if (ref.apiVersion == "v1" && ref.kind == "Event") {
      errs.push_back(invalid(path, "", "/v1, Kind=Event is disallowed from being an owner"));
    }
    if (ref.controller.value_or(false)) {
      const std::string name = ref.kind + "/" + ref.name;
      if (first_controller.empty()) {
        first_controller = name;
      } else {
        errs.push_back(invalid(path, "", "Only one reference can have Controller set to true. Found \"true\" in references for " +
                                             first_controller + " and " + name));
      }
    }
  }
  return errs;
}

ErrorList validate_managed_fields(const std::vector<meta_v1::ManagedFieldsEntry>& entries, const Path& path) {
  ErrorList errs;
  for (std::size_t i = 0; i < entries.size(); i++) {
    const meta_v1::ManagedFieldsEntry& e = entries[i];
    const Path at = path.index(i);
    if (e.operation != "Apply" && e.operation != "Update") {
      errs.push_back(invalid(at.child("operation"), quoted(e.operation), "must be `Apply` or `Update`"));
    }
    if (!e.fieldsType.empty() && e.fieldsType != "FieldsV1") {
      errs.push_back(invalid(at.child("fieldsType"), quoted(e.fieldsType), "must be `FieldsV1`"));
    }
    if (e.manager.size() > kFieldManagerMaxLength) {
      errs.push_back(too_long(at.child("manager"), "", kFieldManagerMaxLength));
    }
    if (e.subresource.size() > kMaxSubresourceNameLength) {
      errs.push_back(too_long(at.child("subresource"), "", kMaxSubresourceNameLength));
    }
  }
  return errs;
}

// What a new object and an update check alike: everything but the identity fields.
ErrorList validate_meta_contents(const meta_v1::ObjectMeta& meta, const Path& path) {
  ErrorList errs = validate_nonnegative(meta.generation, path.child("generation"));
  append(errs, validate_labels(meta.labels, path.child("labels")));
  append(errs, validate_annotations(meta.annotations, path.child("annotations")));
  append(errs, validate_owner_references(meta.ownerReferences, path.child("ownerReferences")));
  append(errs, validate_finalizers(meta.finalizers, path.child("finalizers")));
  append(errs, validate_managed_fields(meta.managedFields, path.child("managedFields")));
  return errs;
}

}  // namespace

std::vector<std::string> name_is_dns_subdomain(std::string_view name, bool prefix) {
  return is_dns1123_subdomain(prefix ? mask_trailing_dash(name) : std::string(name));
}
std::vector<std::string> name_is_dns_label(std::string_view name, bool prefix) {
  return is_dns1123_label(prefix ? mask_trailing_dash(name) : std::string(name));
}
std::vector<std::string> name_is_dns1035_label(std::string_view name, bool prefix) {
  return is_dns1035_label(prefix ? mask_trailing_dash(name) : std::string(name));
}

ErrorList validate_nonnegative(std::int64_t value, const Path& path) {
  if (value >= 0) return {};
  return {invalid(path, std::to_string(value), "must be greater than or equal to 0")};
}

ErrorList validate_immutable(bool equal, std::string shown, const Path& path) {
  if (equal) return {};
  return {invalid(path, std::move(shown), "field is immutable")};
}

ErrorList validate_finalizers(const std::vector<std::string>& finalizers, const Path& path) {
  ErrorList errs;
  bool orphan = false, foreground = false;
  for (const std::string& f : finalizers) {
    std::vector<std::string> msgs = is_qualified_name(f);
    for (std::string& m : msgs) errs.push_back(invalid(path, quoted(f), std::move(m)));
    if (msgs.empty() && f.find('/') == std::string::npos && f != kFinalizerKubernetes && f != kFinalizerOrphan &&
        f != kFinalizerForeground) {
      errs.push_back(invalid(path, quoted(f), "name is neither a standard finalizer name nor is it fully qualified"));
    }
    orphan = orphan || f == kFinalizerOrphan;
    foreground = foreground || f == kFinalizerForeground;
  }
  if (orphan && foreground) {
    errs.push_back(invalid(path, "", "finalizer orphan and foregroundDeletion cannot be both set"));
  }
  return errs;
}

ErrorList validate_object_meta(const meta_v1::ObjectMeta& meta, bool namespaced, NameRule name_rule,
                               const Path& path) {
  ErrorList errs;
  if (!meta.generateName.empty()) {
    for (std::string& m : name_rule(meta.generateName, true)) {
      errs.push_back(invalid(path.child("generateName"), quoted(meta.generateName), std::move(m)));
    }
  }
  if (meta.name.empty()) {
    errs.push_back(required(path.child("name"), "name or generateName is required"));
  } else {
    for (std::string& m : name_rule(meta.name, false)) {
      errs.push_back(invalid(path.child("name"), quoted(meta.name), std::move(m)));
    }
  }
  if (namespaced) {
    if (meta.namespace_.empty()) {
      errs.push_back(required(path.child("namespace")));
    } else {
      for (std::string& m : name_is_dns_label(meta.namespace_, false)) {
        errs.push_back(invalid(path.child("namespace"), quoted(meta.namespace_), std::move(m)));
      }
    }
  } else if (!meta.namespace_.empty()) {
    errs.push_back(forbidden(path.child("namespace"), "not allowed on this type"));
  }
  append(errs, validate_meta_contents(meta, path));
  return errs;
}

ErrorList validate_object_meta_update(const meta_v1::ObjectMeta& meta, const meta_v1::ObjectMeta& old,
                                      const Path& path) {
  ErrorList errs;
  append(errs, validate_immutable(meta.name == old.name, quoted(meta.name), path.child("name")));
  append(errs, validate_immutable(meta.namespace_ == old.namespace_, quoted(meta.namespace_), path.child("namespace")));
  append(errs, validate_immutable(meta.uid == old.uid, quoted(meta.uid), path.child("uid")));
  append(errs, validate_immutable(meta.creationTimestamp == old.creationTimestamp,
                                  quoted(meta.creationTimestamp.str()), path.child("creationTimestamp")));
  if (old.deletionTimestamp && meta.deletionTimestamp != old.deletionTimestamp) {
    errs.push_back(invalid(path.child("deletionTimestamp"), quoted(meta.deletionTimestamp ? meta.deletionTimestamp->str() : ""),
                           "field is immutable; may only be changed via deletion"));
  }
  append(errs, validate_meta_contents(meta, path));
  return errs;
}

}  // namespace kubepp::api::validation

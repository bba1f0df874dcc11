// rules.cpp — each stored kind bound to its name rule, defaulter and validators.
#include "cluster/api/rules.h"

#include <string_view>

#include "cluster/api/defaults.h"
#include "cluster/api/defaults/apps_v1.h"
#include "cluster/api/defaults/batch_v1.h"
#include "cluster/api/defaults/core_v1.h"
#include "cluster/api/defaults/other.h"
#include "cluster/api/types/apps_v1.h"
#include "cluster/api/types/batch_v1.h"
#include "cluster/api/types/coordination_v1.h"
#include "cluster/api/types/core_v1.h"
#include "cluster/api/types/discovery_v1.h"
#include "cluster/api/types/networking_v1.h"
#include "cluster/api/types/policy_v1.h"
#include "cluster/api/validation/apps_v1.h"
#include "cluster/api/validation/batch_v1.h"
#include "cluster/api/validation/core_v1.h"
#include "cluster/api/validation/meta.h"
#include "cluster/api/validation/other.h"

namespace kubepp::api {

namespace {

using validation::NameRule;

/// One kind's rules, type-erased.
struct KindRules {
  std::string_view api_version;
  std::string_view kind;
  NameRule name_rule;
  void (*defaults)(void*);
  ErrorList (*validate)(const void*);
  ErrorList (*validate_update)(const void*, const void*);
};

/// The rules of kind T: whichever of set_kind_defaults(T&), validate_kind(const T&) and
/// validate_kind_update(const T&, const T&) exist, after the metadata's.
template <typename T>
KindRules rules(std::string_view api_version, std::string_view kind, NameRule name_rule) {
  KindRules r{api_version, kind, name_rule, nullptr, nullptr, nullptr};
  r.defaults = [](void* o) {
    if constexpr (requires(T& t) { set_kind_defaults(t); }) set_kind_defaults(*static_cast<T*>(o));
  };
  r.validate = [](const void* o) {
    if constexpr (requires(const T& t) { validate_kind(t); }) return validate_kind(*static_cast<const T*>(o));
    return ErrorList{};
  };
  r.validate_update = [](const void* o, const void* old) {
    if constexpr (requires(const T& t) { validate_kind_update(t, t); }) {
      return validate_kind_update(*static_cast<const T*>(o), *static_cast<const T*>(old));
    } else if constexpr (requires(const T& t) { validate_kind(t); }) {
      return validate_kind(*static_cast<const T*>(o));
    }
    return ErrorList{};
  };
  return r;
}

const KindRules kRules[] = {
    rules<core_v1::Pod>("v1", "Pod", validation::name_is_dns_subdomain),
    rules<core_v1::PodTemplate>("v1", "PodTemplate", validation::name_is_dns_subdomain),
    rules<core_v1::Service>("v1", "Service", validation::name_is_dns1035_label),
    rules<core_v1::Endpoints>("v1", "Endpoints", validation::name_is_dns_subdomain),
    rules<core_v1::Node>("v1", "Node", validation::name_is_dns_subdomain),
    rules<core_v1::Namespace>("v1", "Namespace", validation::name_is_dns_label),
    rules<core_v1::Event>("v1", "Event", validation::name_is_dns_subdomain),
    rules<core_v1::ConfigMap>("v1", "ConfigMap", validation::name_is_dns_subdomain),
    rules<core_v1::Secret>("v1", "Secret", validation::name_is_dns_subdomain),
    rules<core_v1::ServiceAccount>("v1", "ServiceAccount", validation::name_is_dns_subdomain),
    rules<core_v1::ReplicationController>("v1", "ReplicationController", validation::name_is_dns_subdomain),
    rules<core_v1::PersistentVolumeClaim>("v1", "PersistentVolumeClaim", validation::name_is_dns_subdomain),
    rules<apps_v1::Deployment>("apps/v1", "Deployment", validation::name_is_dns_subdomain),
    rules<apps_v1::ReplicaSet>("apps/v1", "ReplicaSet", validation::name_is_dns_subdomain),
    rules<apps_v1::DaemonSet>("apps/v1", "DaemonSet", validation::name_is_dns_subdomain),
    rules<apps_v1::StatefulSet>("apps/v1", "StatefulSet", validation::name_is_dns_label),
    rules<apps_v1::ControllerRevision>("apps/v1", "ControllerRevision", validation::name_is_dns_subdomain),
    rules<batch_v1::Job>("batch/v1", "Job", validation::name_is_dns_subdomain),
    rules<batch_v1::CronJob>("batch/v1", "CronJob", validation::name_is_dns_subdomain),
    rules<networking_v1::Ingress>("networking.k8s.io/v1", "Ingress", validation::name_is_dns_subdomain),
    rules<networking_v1::IngressClass>("networking.k8s.io/v1", "IngressClass", validation::name_is_dns_subdomain),
    rules<networking_v1::NetworkPolicy>("networking.k8s.io/v1", "NetworkPolicy", validation::name_is_dns_subdomain),
    rules<coordination_v1::Lease>("coordination.k8s.io/v1", "Lease", validation::name_is_dns_subdomain),
    rules<discovery_v1::EndpointSlice>("discovery.k8s.io/v1", "EndpointSlice", validation::name_is_dns_subdomain),
    rules<policy_v1::PodDisruptionBudget>("policy/v1", "PodDisruptionBudget", validation::name_is_dns_subdomain),
};

const KindRules* find(const schema::KindInfo& kind) {
  for (const KindRules& r : kRules) {
    if (r.api_version == kind.api_version && r.kind == kind.kind) return &r;
  }
  return nullptr;
}

const meta_v1::ObjectMeta* metadata(const schema::KindInfo& kind, const void* object) {
  const schema::Field* f = kind.type->field("metadata");
  if (f == nullptr || f->type != &schema::type_of<meta_v1::ObjectMeta>()) return nullptr;
  return static_cast<const meta_v1::ObjectMeta*>(f->in(object));
}

}  // namespace

void set_defaults(const schema::KindInfo& kind, void* object) {
  apply_schema_defaults(*kind.type, object);
  if (const KindRules* r = find(kind)) r->defaults(object);
}

ErrorList validate(const schema::KindInfo& kind, const void* object) {
  ErrorList errs;
  const KindRules* r = find(kind);
  if (const meta_v1::ObjectMeta* meta = metadata(kind, object)) {
    errs = validation::validate_object_meta(*meta, kind.namespaced,
                                            r ? r->name_rule : validation::name_is_dns_subdomain,
                                            Path("metadata"));
  }
  if (r != nullptr) append(errs, r->validate(object));
  return errs;
}

ErrorList validate_update(const schema::KindInfo& kind, const void* object, const void* old) {
  ErrorList errs;
  const meta_v1::ObjectMeta* meta = metadata(kind, object);
  const meta_v1::ObjectMeta* old_meta = metadata(kind, old);
  if (meta != nullptr && old_meta != nullptr) {
    errs = validation::validate_object_meta_update(*meta, *old_meta, Path("metadata"));
  }
  if (const KindRules* r = find(kind)) append(errs, r->validate_update(object, old));
  return errs;
}

}  // namespace kubepp::api

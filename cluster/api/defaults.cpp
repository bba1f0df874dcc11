// defaults.cpp — the schema's defaults, applied by one walk.
#include "cluster/api/defaults.h"

#include <nlohmann/json.hpp>

#include "cluster/api/codec.h"

namespace kubepp::api {

void apply_schema_defaults(const schema::Type& t, void* v) {
  using schema::Kind;
  switch (t.kind) {
    case Kind::Struct:
      for (const schema::Field& f : t.fields) {
        void* member = f.in(v);
        if (!f.default_json.empty() && f.type->empty != nullptr && f.type->empty(member)) {
          // The generator checked that the default is a value of the field's type.
          (void)decode_json(nlohmann::json::parse(f.default_json), *f.type, member,
                            FieldValidation::Ignore);
        }
        apply_schema_defaults(*f.type, member);
      }
      return;
    case Kind::List:
    case Kind::Optional:
      for (size_t i = 0; i < t.size(v); i++) apply_schema_defaults(*t.elem, t.at(v, i));
      return;
    case Kind::Map:
      if (t.elem->kind == Kind::Struct) {
        // Map values are reached through insert, which finds the existing entry.
        std::vector<std::string> keys;
        t.each(v, [](void* c, const std::string& k, const void*) {
          static_cast<std::vector<std::string>*>(c)->push_back(k);
        }, &keys);
        for (const std::string& k : keys) apply_schema_defaults(*t.elem, t.insert(v, k));
      }
      return;
    default: return;
  }
}

}  // namespace kubepp::api

// type.cpp — field lookup in a struct's table.
#include "cluster/api/schema/type.h"

namespace kubepp::api::schema {

const Field* Type::field(std::string_view json_name, void** object) const {
  for (const Field& f : fields) {
    if (!f.inlined && f.name == json_name) return &f;
  }
  for (const Field& f : fields) {
    if (!f.inlined) continue;
    void* part = object ? f.in(*object) : nullptr;
    if (const Field* found = f.type->field(json_name, object ? &part : nullptr)) {
      if (object) *object = part;
      return found;
    }
  }
  return nullptr;
}

const Field* Type::field(int number) const {
  for (const Field& f : fields) {
    if (number != 0 && f.number == number) return &f;
  }
  return nullptr;
}

}  // namespace kubepp::api::schema

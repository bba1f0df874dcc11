// object_fuzz.cpp — libFuzzer target: bytes as the body of a write to any kind. The first
// byte picks the kind; the rest is decoded as a protobuf message and, when it parses as
// JSON, as a JSON object under fieldValidation=Strict. Whatever decodes must write back
// as JSON that decodes to the same JSON again; never a crash, a hang or unbounded memory.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string_view>

#include <nlohmann/json.hpp>

#include "cluster/api/codec.h"
#include "cluster/api/protobuf.h"
#include "cluster/api/registry.h"

using namespace kubepp::api;

namespace {

using Object = std::unique_ptr<void, void (*)(void*)>;

Object make(const schema::Type& t) { return Object(t.create(), t.destroy); }

// What was decoded writes as JSON that reads back to itself.
void check_fixed_point(const schema::Type& t, const void* value) {
  const nlohmann::json out = encode_json(t, value);
  Object again = make(t);
  if (!decode_json(out, t, again.get(), FieldValidation::Strict).ok()) std::abort();
  if (encode_json(t, again.get()) != out) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const auto kinds = all_kinds();
  const schema::Type& t = *kinds[data[0] % kinds.size()].type;
  const std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);

  Object from_protobuf = make(t);
  if (decode_protobuf(body, t, from_protobuf.get()).ok()) check_fixed_point(t, from_protobuf.get());

  const nlohmann::json doc = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (!doc.is_discarded()) {
    Object from_json = make(t);
    if (decode_json(doc, t, from_json.get(), FieldValidation::Strict).ok()) check_fixed_point(t, from_json.get());
  }
  return 0;
}

// protobuf.h — API objects in Kubernetes' protobuf encoding
// (`application/vnd.kubernetes.protobuf`), which kubectl 1.32+ sends as the body of typed
// `create` commands.
//
// A body is the four bytes "k8s\0" and a runtime.Unknown message: the object's apiVersion
// and kind, and the object itself as a message of its kind. The messages are proto2 with
// the field numbers of upstream's generated.proto, which the schema carries
// (schema::Field::number). As upstream's marshaller, encoding writes every non-pointer field
// (empty strings and zeros included), pointers when set, list items one by one, and map
// entries in key order; decoding accepts any order, packed or unpacked numbers, and skips
// field numbers it does not know, as proto2 does.
//
// Thread-safety: no state; call from any thread.
#pragma once

#include <string>
#include <string_view>

#include "cluster/api/schema/type.h"
#include "runtime/base/result.h"

namespace kubepp::api {

/// The media type of a protobuf body.
inline constexpr std::string_view kProtobufContentType = "application/vnd.kubernetes.protobuf";

/// What a protobuf body holds: its type and the object's message.
struct ProtobufObject {
  std::string api_version;  // "apps/v1"
  std::string kind;         // "Deployment"
  std::string raw;          // the object, a message of its kind
};

/// Splits a body into its type and message. Invalid without the "k8s\0" prefix or when the
/// envelope does not parse.
Result<ProtobufObject> unwrap_protobuf(std::string_view body);
/// The body for an object whose message is `raw`.
std::string wrap_protobuf(std::string_view api_version, std::string_view kind, std::string_view raw);

/// Decodes a message of type `type` into `out`, merging as protobuf does. Invalid, naming
/// the field, on truncated input, a wire type that does not fit the field, or a quantity or
/// time that does not parse.
Status decode_protobuf(std::string_view message, const schema::Type& type, void* out);
/// `value`, of type `type`, as a message.
std::string encode_protobuf(const schema::Type& type, const void* value);

}  // namespace kubepp::api

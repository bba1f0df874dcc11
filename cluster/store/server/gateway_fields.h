// gateway_fields.h — inside the gateway format: protojson fields read and written with
// nlohmann::json, shared by gateway_json.cpp (requests, both ways) and
// gateway_responses.cpp (responses and errors, both ways). Nothing else includes it:
// users of the format include gateway_json.h, which keeps nlohmann out.
//
// Reading is lenient as protojson is (a field by its .proto name or its lowerCamelCase
// name, int64 as a string or a number); writing is strict as etcd's gateway is (.proto
// names, int64 as strings, fields at their default left out). The rules: gateway_json.h.
#pragma once

#include <nlohmann/json.hpp>

#include <array>
#include <span>
#include <string>
#include <string_view>

#include "cluster/store/server/gateway_json.h"

namespace kubepp::store::gateway::fields {

using json = nlohmann::json;
using ojson = nlohmann::ordered_json;  // output: fields in .proto order, as protojson writes them

// gRPC codes (google.golang.org/grpc/codes).
inline constexpr int kCanceled = 1;
inline constexpr int kInvalidArgument = 3;
inline constexpr int kDeadlineExceeded = 4;
inline constexpr int kNotFound = 5;
inline constexpr int kAlreadyExists = 6;
inline constexpr int kResourceExhausted = 8;
inline constexpr int kFailedPrecondition = 9;
inline constexpr int kOutOfRange = 11;
inline constexpr int kInternal = 13;
inline constexpr int kUnavailable = 14;

// The .proto enums' names, in number order (etcdserverpb, mvccpb).
inline constexpr std::array<const char*, 3> kSortOrders = {"NONE", "ASCEND", "DESCEND"};
inline constexpr std::array<const char*, 5> kSortTargets = {"KEY", "VERSION", "CREATE", "MOD", "VALUE"};
inline constexpr std::array<const char*, 4> kCompareResults = {"EQUAL", "GREATER", "LESS", "NOT_EQUAL"};
inline constexpr std::array<const char*, 5> kCompareTargets = {"VERSION", "CREATE", "MOD", "VALUE", "LEASE"};
inline constexpr std::array<const char*, 2> kWatchFilters = {"NOPUT", "NODELETE"};
inline constexpr std::array<const char*, 2> kEventTypes = {"PUT", "DELETE"};

Error invalid(std::string message);

// --- reading -------------------------------------------------------------------------

/// The value of a field by its .proto name or its lowerCamelCase name; null when absent.
const json* field(const json& obj, const char* name, const char* camel = nullptr);
/// An int64 (a decimal string or a number); 0 when absent.
Result<int64_t> get_int(const json& obj, const char* name, const char* camel = nullptr);
/// A bool; false when absent.
Result<bool> get_bool(const json& obj, const char* name, const char* camel = nullptr);
/// Bytes as base64 text; "" when absent.
Result<std::string> get_bytes(const json& obj, const char* name, const char* camel = nullptr);
/// A string as it is (cancel_reason, error texts); "" when absent.
Result<std::string> get_string(const json& obj, const char* name, const char* camel = nullptr);
/// An enum by name or number, as an index into `names`; 0 when absent.
Result<int> get_enum(const json& obj, const char* name, std::span<const char* const> names);
/// A JSON object; an empty body is the object with every field at its default.
Result<json> parse_object(std::string_view body);
/// mvccpb.KeyValue.
Result<KeyValue> kv_from(const json& obj);
/// A list of mvccpb.KeyValue; empty when absent.
Result<std::vector<KeyValue>> kvs_from(const json& obj, const char* name, const char* camel = nullptr);
/// The header's revision of a response object; 0 when absent.
Result<int64_t> header_revision(const json& obj);

// --- writing -------------------------------------------------------------------------

/// Sets obj[name] to the int64 as a string, unless it is 0 (a default: left out).
void put_int(ojson& obj, const char* name, int64_t v);
/// Sets obj[name] to the bytes in base64, unless they are empty.
void put_bytes(ojson& obj, const char* name, std::string_view bytes);
/// Sets obj[name] to true, unless it is false.
void put_bool(ojson& obj, const char* name, bool v);
ojson kv_json(const KeyValue& kv);
ojson kvs_json(const std::vector<KeyValue>& kvs);
/// etcdserverpb.ResponseHeader.
ojson header_json(int64_t revision, const Identity& id);

}  // namespace kubepp::store::gateway::fields

// "Take the value of a Result or return its error", for the many reading steps.
#define KUBEPP_TAKE(var, expr)          \
  auto var##_r = (expr);                \
  if (!var##_r) return var##_r.error(); \
  auto var = std::move(var##_r).value()

// The schema's generic code on the meta/v1 types: JSON in and out with fieldValidation,
// protobuf, OpenAPI, the registry, and the value types (times, IntOrString).
#include <algorithm>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cluster/api/codec.h"
#include "cluster/api/openapi.h"
#include "cluster/api/protobuf.h"
#include "cluster/api/registry.h"
#include "cluster/api/types/meta_v1.h"

using namespace kubepp::api;
using nlohmann::json;

namespace {

template <typename T>
T decode_ok(const json& in, FieldValidation v = FieldValidation::Strict) {
  T out;
  auto r = from_json(in, out, v);
  INFO(in.dump());
  REQUIRE(r.ok());
  return out;
}

template <typename T>
std::string decode_error(const json& in, FieldValidation v = FieldValidation::Strict) {
  T out;
  auto r = from_json(in, out, v);
  REQUIRE_FALSE(r.ok());
  return r.error().message;
}

const json kFullMeta = json::parse(R"({
  "name": "web-1", "generateName": "web-", "namespace": "default",
  "uid": "0b6c8a14-7a2e-4a6c-9d1f-2f6c7b7f0e11", "resourceVersion": "42", "generation": 3,
  "creationTimestamp": "2026-11-27T03:14:35Z", "deletionTimestamp": "2026-11-27T03:15:05Z",
  "deletionGracePeriodSeconds": 30,
  "labels": {"app": "web", "tier": "fe"}, "annotations": {"note": "x"},
  "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-7d9",
                       "uid": "3f1e", "controller": true, "blockOwnerDeletion": true}],
  "finalizers": ["kubernetes.io/pv-protection"],
  "managedFields": [{"manager": "kubectl", "operation": "Update", "apiVersion": "v1",
                     "time": "2026-11-27T03:14:35Z", "fieldsType": "FieldsV1",
                     "fieldsV1": {"f:metadata": {"f:labels": {".": {}, "f:app": {}}}}}]
})");

}  // namespace

TEST_CASE("ObjectMeta round-trips through JSON without loss", "[unit][schema]") {
  auto meta = decode_ok<meta_v1::ObjectMeta>(kFullMeta);
  CHECK(meta.name == "web-1");
  CHECK(meta.namespace_ == "default");
  CHECK(meta.generation == 3);
  CHECK(meta.labels.at("tier") == "fe");
  REQUIRE(meta.ownerReferences.size() == 1);
  CHECK(meta.ownerReferences[0].controller == true);
  CHECK(meta.deletionGracePeriodSeconds == 30);
  CHECK(meta.creationTimestamp.str() == "2026-11-27T03:14:35Z");
  CHECK(to_json(meta) == kFullMeta);
  // And once more: what was written decodes to the same value.
  CHECK(decode_ok<meta_v1::ObjectMeta>(to_json(meta)) == meta);
}

TEST_CASE("encoding leaves out empty fields unless the field is keep", "[unit][schema]") {
  // Go writes a zero metav1.Time as null: omitempty does not apply to structs.
  CHECK(to_json(meta_v1::ObjectMeta{}) == json::parse(R"({"creationTimestamp": null})"));
  // A pointer is written when set, even to its zero value.
  meta_v1::ObjectMeta m;
  m.deletionGracePeriodSeconds = 0;
  CHECK(to_json(m)["deletionGracePeriodSeconds"] == 0);
  // OwnerReference's four identifying fields have no omitempty.
  CHECK(to_json(meta_v1::OwnerReference{}) ==
        json::parse(R"({"apiVersion": "", "kind": "", "name": "", "uid": ""})"));
  // A Table's columns and rows are written as empty lists.
  CHECK(to_json(meta_v1::Table{}) ==
        json::parse(R"({"metadata": {}, "columnDefinitions": [], "rows": []})"));
}

TEST_CASE("unknown fields follow fieldValidation", "[unit][schema]") {
  const json in = json::parse(R"({"name": "a", "nmae": "b",
      "ownerReferences": [{"apiVersion": "v1", "kind": "Pod", "name": "p", "uid": "u", "extra": 1}]})");
  SECTION("Strict fails, naming every unknown field with its path") {
    CHECK(decode_error<meta_v1::ObjectMeta>(in) ==
          R"(strict decoding error: unknown field "nmae", unknown field "ownerReferences[0].extra")");
  }
  SECTION("Warn drops them and reports each") {
    meta_v1::ObjectMeta m;
    auto r = from_json(in, m, FieldValidation::Warn);
    REQUIRE(r.ok());
    CHECK(r.value().warnings ==
          std::vector<std::string>{R"(unknown field "nmae")", R"(unknown field "ownerReferences[0].extra")"});
    CHECK(m.name == "a");
    CHECK(m.ownerReferences[0].name == "p");
  }
  SECTION("Ignore drops them silently") {
    meta_v1::ObjectMeta m;
    auto r = from_json(in, m, FieldValidation::Ignore);
    REQUIRE(r.ok());
    CHECK(r.value().warnings.empty());
  }
  SECTION("the query parameter's words") {
    CHECK(parse_field_validation("Strict").value() == FieldValidation::Strict);
    CHECK(parse_field_validation("").value() == FieldValidation::Warn);
    CHECK_FALSE(parse_field_validation("strict").ok());
  }
}

TEST_CASE("a value of the wrong type is an error in encoding/json's words", "[unit][schema]") {
  CHECK(decode_error<meta_v1::ObjectMeta>(json::parse(R"({"name": 5})")) ==
        "json: cannot unmarshal number 5 into Go struct field ObjectMeta.name of type string");
  CHECK(decode_error<meta_v1::ObjectMeta>(json::parse(R"({"labels": {"a": 1}})")) ==
        "json: cannot unmarshal number 1 into Go struct field ObjectMeta.labels of type string");
  CHECK(decode_error<meta_v1::ObjectMeta>(json::parse(R"({"ownerReferences": {}})")) ==
        "json: cannot unmarshal object into Go struct field ObjectMeta.ownerReferences of type "
        "[]v1.OwnerReference");
  CHECK(decode_error<meta_v1::ObjectMeta>(json::parse(R"({"ownerReferences": [{"controller": "yes"}]})")) ==
        "json: cannot unmarshal string into Go struct field OwnerReference.ownerReferences.controller "
        "of type bool");
  CHECK(decode_error<meta_v1::ObjectMeta>(json::parse(R"({"generation": 1.5})")) ==
        "json: cannot unmarshal number 1.5 into Go struct field ObjectMeta.generation of type int64");
  CHECK(decode_error<meta_v1::Status>(json::parse(R"({"code": 4294967296})")) ==
        "json: cannot unmarshal number 4294967296 into Go struct field Status.code of type int32");
  CHECK(decode_error<meta_v1::ObjectMeta>(json::parse("[]")) ==
        "json: cannot unmarshal array into value of type v1.ObjectMeta");
  CHECK(decode_error<meta_v1::ObjectMeta>(json::parse(R"({"creationTimestamp": "yesterday"})")) ==
        R"(parsing time "yesterday": not an RFC 3339 time)");
}

TEST_CASE("null leaves a value unset", "[unit][schema]") {
  auto m = decode_ok<meta_v1::ObjectMeta>(
      json::parse(R"({"name": null, "labels": null, "creationTimestamp": null, "deletionGracePeriodSeconds": null})"));
  CHECK(m == meta_v1::ObjectMeta{});
}

TEST_CASE("times parse RFC 3339 and print in UTC", "[unit][schema]") {
  CHECK(Time::parse("2026-11-27T11:14:35+08:00").value().str() == "2026-11-27T03:14:35Z");
  CHECK(Time::parse("2026-11-27T03:14:35.123456789Z").value().str(true) == "2026-11-27T03:14:35.123456Z");
  CHECK(Time::parse("1969-12-31T23:59:59.5Z").value().str(true) == "1969-12-31T23:59:59.500000Z");
  CHECK(Time::parse("2024-02-29T00:00:00Z").ok());
  for (const char* bad : {"2023-02-29T00:00:00Z", "2026-11-27 03:14:35Z", "2026-11-27T03:14:35",
                          "2026-11-27T24:00:00Z", "2026-11-27T03:14:35.Z", "2026-11-27T03:14:35+0800"}) {
    INFO(bad);
    CHECK_FALSE(Time::parse(bad).ok());
  }
}

TEST_CASE("IntOrString resolves percentages as upstream", "[unit][schema]") {
  CHECK(scaled_value(IntOrString::from_string("25%"), 10, false).value() == 2);
  CHECK(scaled_value(IntOrString::from_string("25%"), 10, true).value() == 3);
  CHECK(scaled_value(IntOrString::from_int(4), 10, true).value() == 4);
  CHECK_FALSE(scaled_value(IntOrString::from_string("25"), 10, true).ok());
  CHECK_FALSE(scaled_value(IntOrString::from_string("x%"), 10, true).ok());
}

TEST_CASE("protobuf: a message decodes to what was encoded", "[unit][schema]") {
  auto meta = decode_ok<meta_v1::ObjectMeta>(kFullMeta);
  const std::string wire = encode_protobuf(schema::type_of<meta_v1::ObjectMeta>(), &meta);
  meta_v1::ObjectMeta back;
  REQUIRE(decode_protobuf(wire, schema::type_of<meta_v1::ObjectMeta>(), &back).ok());
  CHECK(back == meta);
}

TEST_CASE("protobuf: the envelope and upstream's field numbers", "[unit][schema]") {
  // ObjectMeta{name: "web", labels: {app: web}} as upstream's marshaller writes it: every
  // non-pointer string (empty ones too) in field-number order, the zero creationTimestamp
  // as an empty message.
  meta_v1::ObjectMeta m;
  m.name = "web";
  m.labels["app"] = "web";
  const std::string wire = encode_protobuf(schema::type_of<meta_v1::ObjectMeta>(), &m);
  using namespace std::string_literals;
  const std::string want = "\x0a\x03web"s + "\x12\x00"s + "\x1a\x00"s + "\x22\x00"s + "\x2a\x00"s +
                           "\x32\x00"s + "\x38\x00"s + "\x42\x00"s +
                           "\x5a\x0a"s + "\x0a\x03" "app" "\x12\x03" "web"s;
  CHECK(wire == want);

  const std::string body = wrap_protobuf("v1", "Status", "\x1a\x02hi"s);
  auto o = unwrap_protobuf(body);
  REQUIRE(o.ok());
  CHECK(o.value().api_version == "v1");
  CHECK(o.value().kind == "Status");
  meta_v1::Status s;
  REQUIRE(decode_protobuf(o.value().raw, schema::type_of<meta_v1::Status>(), &s).ok());
  CHECK(s.message == "hi");
  CHECK_FALSE(unwrap_protobuf("{\"kind\":\"Status\"}").ok());
}

TEST_CASE("protobuf: damaged input is an error, unknown fields are skipped", "[unit][schema]") {
  const auto& t = schema::type_of<meta_v1::ObjectMeta>();
  meta_v1::ObjectMeta m;
  CHECK_FALSE(decode_protobuf(std::string("\x0a\x05we", 4), t, &m).ok());  // truncated string
  CHECK_FALSE(decode_protobuf(std::string("\x08\x01", 2), t, &m).ok());    // name as a varint
  CHECK(decode_protobuf(std::string("\xf8\x07\x01\x0a\x01x", 6), t, &m).ok());  // field 127, then name
  // A RawExtension whose raw bytes are not JSON (a fuzzer's find: it crashed the writer).
  meta_v1::WatchEvent e;
  CHECK_FALSE(decode_protobuf(std::string("\x12\x05\x0a\x03web", 7), schema::type_of<meta_v1::WatchEvent>(), &e).ok());
  CHECK(m.name == "x");
}

TEST_CASE("OpenAPI definitions carry types, references and extensions", "[unit][schema]") {
  const json v2 = openapi_v2_definitions();
  const json& meta = v2.at("io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
  CHECK(meta.at("type") == "object");
  CHECK(meta.at("properties").at("generation") == json::parse(R"({"type": "integer", "format": "int64",
      "description": "How many times the desired state (spec) has changed; set by the server."})"));
  const json& owners = meta.at("properties").at("ownerReferences");
  CHECK(owners.at("items").at("$ref") == "#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference");
  CHECK(owners.at("x-kubernetes-patch-merge-key") == "uid");
  CHECK(owners.at("x-kubernetes-list-map-keys") == json::array({"uid"}));
  CHECK(v2.at("io.k8s.apimachinery.pkg.apis.meta.v1.Time").at("format") == "date-time");
  CHECK(v2.at("io.k8s.apimachinery.pkg.apis.meta.v1.OwnerReference").at("required") ==
        json::array({"apiVersion", "kind", "name", "uid"}));
  CHECK(v2.at("io.k8s.apimachinery.pkg.apis.meta.v1.Status").at("x-kubernetes-group-version-kind") ==
        json::parse(R"([{"group": "", "kind": "Status", "version": "v1"}])"));

  const json v3 = openapi_v3_schemas("v1");
  const json& status = v3.at("io.k8s.apimachinery.pkg.apis.meta.v1.Status");
  CHECK(status.at("properties").at("details").at("allOf") ==
        json::parse(R"([{"$ref": "#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.StatusDetails"}])"));
}

TEST_CASE("the registry finds kinds by apiVersion and kind", "[unit][schema]") {
  const schema::KindInfo* status = find_kind("v1", "Status");
  REQUIRE(status != nullptr);
  CHECK(status->type == &schema::type_of<meta_v1::Status>());
  CHECK(find_kind("meta.k8s.io/v1", "Table") != nullptr);
  CHECK(find_kind("meta.k8s.io/v1", "TableList") == nullptr);  // Table says nolist
  const schema::KindInfo* list = find_kind("meta.k8s.io/v1", "PartialObjectMetadataList");
  REQUIRE(list != nullptr);
  CHECK(list->list_of == "PartialObjectMetadata");
  CHECK(find_resource("v1", "") == nullptr);
}

TEST_CASE("OpenAPI documents have a path per resource and operation", "[unit][schema]") {
  const json v3 = openapi_v3_document("v1", "v1.33.0");
  CHECK(v3.at("openapi") == "3.0.0");
  const json& patch = v3.at("paths").at("/api/v1/namespaces/{namespace}/pods/{name}").at("patch");
  // kubectl 1.29+ validates server-side only when the kind's PATCH lists fieldValidation.
  CHECK(patch.at("x-kubernetes-group-version-kind") == json::parse(R"({"group": "", "kind": "Pod", "version": "v1"})"));
  CHECK(patch.at("parameters").at(0).at("name") == "fieldValidation");
  CHECK(v3.at("paths").contains("/api/v1/nodes/{name}"));  // cluster-scoped: no namespace
  CHECK_FALSE(v3.at("paths").contains("/apis/apps/v1/namespaces/{namespace}/deployments"));
  CHECK(v3.at("components").at("schemas").contains("io.k8s.api.core.v1.PodSpec"));

  const json apps = openapi_v3_document("apps/v1", "v1.33.0");
  CHECK(apps.at("paths").at("/apis/apps/v1/namespaces/{namespace}/deployments").at("post").at("x-kubernetes-action") ==
        "post");
  CHECK(api_path("networking.k8s.io/v1") == "/apis/networking.k8s.io/v1");
  const std::vector<std::string> gvs = openapi_group_versions();
  CHECK(std::count(gvs.begin(), gvs.end(), "v1") == 1);
  CHECK(std::count(gvs.begin(), gvs.end(), "apps/v1") == 1);
  CHECK(std::count(gvs.begin(), gvs.end(), "meta.k8s.io/v1") == 0);  // no stored kinds

  const json v2 = openapi_v2_document("v1.33.0");
  CHECK(v2.at("swagger") == "2.0");
  CHECK(v2.at("paths").at("/apis/batch/v1/namespaces/{namespace}/jobs/{name}").at("put").at("parameters").at(0).at("type") ==
        "string");
  CHECK(v2.at("definitions").contains("io.k8s.api.batch.v1.JobSpec"));
}

// fixtures.h — objects for any kind's tests, built from manifests the way the API server
// builds them: decoded, then defaulted (rules.h's set_defaults: the schema's defaults and
// the kind's own), or checked with every rule of the kind (rules.h's validate: metadata
// too); errors as the lines upstream prints; and the table drivers more than one test
// file runs.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "cluster/api/codec.h"
#include "cluster/api/decode.h"
#include "cluster/api/registry.h"
#include "cluster/api/rules.h"
// Every kind's validate_kind, for check_cases (found where the template is defined).
#include "cluster/api/validation/apps_v1.h"
#include "cluster/api/validation/batch_v1.h"
#include "cluster/api/validation/core_v1.h"
#include "cluster/api/validation/other.h"
#include "cluster/api/validation/pod.h"

namespace kubepp::api::testing {

/// Errors, one line each, as field.Error's Error() prints them.
using Lines = std::vector<std::string>;

/// `errs` as Lines, in order.
inline Lines lines(const ErrorList& errs) {
  Lines out;
  for (const FieldError& e : errs) out.push_back(e.str());
  return out;
}

/// The kind of `object`, found by its apiVersion and kind.
template <typename T>
const schema::KindInfo& kind_of(const T& object) {
  const schema::KindInfo* kind = find_kind(object.apiVersion, object.kind);
  REQUIRE(kind != nullptr);
  return *kind;
}

/// The first document of `yaml` decoded as a T, without defaults.
template <typename T>
T decode_as(std::string_view yaml) {
  auto docs = decode_documents(yaml);
  INFO((docs.ok() ? std::string() : docs.error().message));
  REQUIRE(docs.ok());
  REQUIRE(!docs.value().empty());
  T object;
  auto decoded = from_json(docs.value()[0], object);
  INFO((decoded.ok() ? std::string() : decoded.error().message));
  REQUIRE(decoded.ok());
  return object;
}

/// The first document of `yaml` decoded as a T and defaulted as the API server does.
template <typename T>
T defaulted(std::string_view yaml) {
  T object = decode_as<T>(yaml);
  set_defaults(kind_of(object), &object);
  return object;
}

/// Every rule of the kind (metadata included), as the API server checks a new object.
template <typename T>
std::string validate_all(const T& object) {
  return to_string(validate(kind_of(object), &object));
}

/// Every rule of an update from `old` to `object`.
template <typename T>
std::string validate_all_update(const T& object, const T& old) {
  return to_string(validate_update(kind_of(object), &object, &old));
}

/// A row of a table check_cases runs: one change to a valid object, and the errors the
/// kind's rules then report.
template <typename T>
struct LineCase {
  std::string name;
  std::function<void(T&)> change;
  Lines want;
};

/// Requires `base` to pass the kind's own rules (validate_kind: no metadata), then checks
/// each case on a fresh copy of it.
template <typename T>
void check_cases(const T& base, const std::vector<LineCase<T>>& cases) {
  REQUIRE(lines(validate_kind(base)) == Lines{});
  for (const LineCase<T>& c : cases) {
    CAPTURE(c.name);
    T o = base;
    c.change(o);
    CHECK(lines(validate_kind(o)) == c.want);
  }
}

/// A row of a table run_cases runs: one change to a valid object, and the errors then
/// reported as one text.
template <typename T>
struct TextCase {
  std::string name;
  std::function<void(T&)> change;
  std::string want;  // to_string of the errors, one per line; "" for valid
};

/// Runs each case, as a SECTION of its own, on a fresh copy of `base` through `rules`.
template <typename T>
void run_cases(const T& base, const std::vector<TextCase<T>>& cases, const std::function<ErrorList(const T&)>& rules) {
  for (const TextCase<T>& c : cases) {
    SECTION(c.name) {
      T object = base;
      c.change(object);
      CHECK(to_string(rules(object)) == c.want);
    }
  }
}

}  // namespace kubepp::api::testing

// names_test.cpp — DNS names, qualified names, label values and the metadata validators
// answer as upstream's validation package does, message for message.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <string>
#include <vector>

#include "cluster/api/names.h"
#include "tests/cluster/api/upstream_messages.h"

using namespace kubepp::api;
using namespace kubepp::api::testing;
using Messages = std::vector<std::string>;

namespace {

std::string a(size_t n) { return std::string(n, 'a'); }

// A valid subdomain of exactly n bytes (n >= 1): labels of 63 joined by dots.
std::string subdomain(size_t n) {
  std::string s;
  while (s.size() < n) {
    if (!s.empty()) s += '.';
    s += std::string(std::min<size_t>(63, n - s.size()), 'b');
  }
  if (s.back() == '.') s.back() = 'b';
  return s;
}

struct Case {
  std::string value;
  Messages want;
};

}  // namespace

TEST_CASE("DNS-1123 labels: 63 bytes of [a-z0-9-], alphanumeric at both ends", "[unit][api][names]") {
  const std::vector<Case> cases = {
      {"a", {}},
      {"0", {}},
      {"my-name", {}},
      {"123-abc", {}},
      {"a--b", {}},
      {a(63), {}},
      {a(64), {max_len_error(63)}},
      {"", {kDNS1123LabelRule}},
      {"-a", {kDNS1123LabelRule}},
      {"a-", {kDNS1123LabelRule}},
      {"My-Name", {kDNS1123LabelRule}},
      {"a_b", {kDNS1123LabelRule}},
      {"ä", {kDNS1123LabelRule}},
      {"a.b", {"must not contain dots"}},                        // a subdomain, not a label
      {a(40) + "." + a(30), {max_len_error(63), "must not contain dots"}},
      {"a..b", {kDNS1123LabelRule}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.value);
    CHECK(is_dns1123_label(c.value) == c.want);
  }
}

TEST_CASE("DNS-1123 subdomains: 253 bytes of dot-separated labels", "[unit][api][names]") {
  REQUIRE(subdomain(253).size() == 253);
  const std::vector<Case> cases = {
      {"example.com", {}},
      {"a", {}},
      {"a.b.c", {}},
      {"0.1.2.domain", {}},
      {subdomain(253), {}},
      {subdomain(254), {max_len_error(253)}},
      {"", {kDNS1123SubdomainRule}},
      {".a", {kDNS1123SubdomainRule}},
      {"a.", {kDNS1123SubdomainRule}},
      {"a..b", {kDNS1123SubdomainRule}},
      {"-a.com", {kDNS1123SubdomainRule}},
      {"a-.com", {kDNS1123SubdomainRule}},
      {"Example.com", {kDNS1123SubdomainRule}},
      {"my_app.com", {kDNS1123SubdomainRule}},
      {std::string(254, 'A'), {max_len_error(253), kDNS1123SubdomainRule}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.value);
    CHECK(is_dns1123_subdomain(c.value) == c.want);
  }
}

TEST_CASE("DNS-1035 labels start with a letter", "[unit][api][names]") {
  const std::vector<Case> cases = {
      {"my-name", {}},
      {"abc-123", {}},
      {"a", {}},
      {"1abc", {kDNS1035LabelRule}},
      {"abc-", {kDNS1035LabelRule}},
      {"", {kDNS1035LabelRule}},
      {"Abc", {kDNS1035LabelRule}},
      {a(63), {}},
      {a(64), {max_len_error(63)}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.value);
    CHECK(is_dns1035_label(c.value) == c.want);
  }
}

TEST_CASE("qualified names: an optional subdomain prefix and a 63-byte name", "[unit][api][names]") {
  const std::string name_rule = "name part " + kQualifiedNameRule;
  const std::vector<Case> cases = {
      {"app", {}},
      {"a", {}},
      {"Uppercase_Is_OK_123", {}},
      {"my.name", {}},
      {"example.com/MyName", {}},
      {"app.kubernetes.io/name", {}},
      {"1234", {}},
      {a(63), {}},
      {subdomain(253) + "/" + a(63), {}},
      {a(64), {"name part " + max_len_error(63)}},
      {"", {"name part must be non-empty", name_rule}},
      {"-x", {name_rule}},
      {"x-", {name_rule}},
      {"x y", {name_rule}},
      {"ключ", {name_rule}},
      {"-" + a(63), {"name part " + max_len_error(63), name_rule}},
      {"/x", {"prefix part must be non-empty"}},
      {"x/", {"name part must be non-empty", name_rule}},
      {"Example.com/x", {"prefix part " + kDNS1123SubdomainRule}},
      {"under_score.io/x", {"prefix part " + kDNS1123SubdomainRule}},
      {subdomain(254) + "/x", {"prefix part " + max_len_error(253)}},
      {"a.b/" + a(64), {"name part " + max_len_error(63)}},
      {"a/b/c", {"a qualified name " + kQualifiedNameRule +
                 " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.value);
    CHECK(is_qualified_name(c.value) == c.want);
  }
}

TEST_CASE("label values: empty, or 63 bytes like a qualified name", "[unit][api][names]") {
  const std::vector<Case> cases = {
      {"", {}},
      {"MyValue", {}},
      {"my_value", {}},
      {"12345", {}},
      {"1.2.3", {}},
      {a(63), {}},
      {a(64), {max_len_error(63)}},
      {"-" + a(63), {max_len_error(63), kLabelValueRule}},
      {"-v", {kLabelValueRule}},
      {"v.", {kLabelValueRule}},
      {"a b", {kLabelValueRule}},
      {"a/b", {kLabelValueRule}},
      {"é", {kLabelValueRule}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.value);
    CHECK(is_valid_label_value(c.value) == c.want);
  }
}

TEST_CASE("labels are validated under the map's path, keys in order", "[unit][api][names]") {
  const Path labels = Path("metadata").child("labels");
  CHECK(validate_labels({{"app", "myapp"}, {"example.com/tier", ""}}, labels).empty());

  ErrorList errs = validate_labels({{"-x", "ok"}, {"app", "-v"}}, labels);
  REQUIRE(errs.size() == 2);
  CHECK(errs[0].str() ==
        "metadata.labels: Invalid value: \"-x\": name part must consist of alphanumeric characters, '-', '_' or "
        "'.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or "
        "'123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')");
  CHECK(errs[1].str() == "metadata.labels: Invalid value: \"-v\": " + kLabelValueRule);

  SECTION("a bad key and a bad value of one label give one error each") {
    ErrorList both = validate_labels({{"", a(64)}}, labels);
    REQUIRE(both.size() == 3);
    CHECK(both[0].str() == "metadata.labels: Invalid value: \"\": name part must be non-empty");
    CHECK(both[1].str() == "metadata.labels: Invalid value: \"\": name part " + kQualifiedNameRule);
    CHECK(both[2].str() == "metadata.labels: Invalid value: \"" + a(64) + "\": must be no more than 63 characters");
  }
}

TEST_CASE("annotation keys ignore case and the whole map holds at most 256 KiB", "[unit][api][names]") {
  const Path annotations = Path("metadata").child("annotations");
  CHECK(validate_annotations({{"Example.com/Description", "any text, even -x!"}}, annotations).empty());

  SECTION("a key is reported as written, though checked in lower case") {
    ErrorList errs = validate_annotations({{"My_Org.io/x", "v"}}, annotations);
    REQUIRE(errs.size() == 1);
    CHECK(errs[0].str() == "metadata.annotations: Invalid value: \"My_Org.io/x\": prefix part " + kDNS1123SubdomainRule);
  }
  SECTION("262144 bytes of keys and values pass; one more byte is too long") {
    CHECK(validate_annotations({{"k", std::string(262143, 'v')}}, annotations).empty());
    ErrorList errs = validate_annotations({{"k", std::string(262144, 'v')}}, annotations);
    REQUIRE(errs.size() == 1);
    CHECK(errs[0].str() == "metadata.annotations: Too long: must have at most 262144 bytes");
  }
  SECTION("keys count towards the size") {
    std::map<std::string, std::string> many;  // 4 keys of 65536 bytes and one byte of value
    for (int i = 0; i < 4; i++) many[std::to_string(i) + std::string(65535, 'k')] = i == 0 ? "v" : "";
    ErrorList errs = validate_annotations(many, annotations);
    REQUIRE(errs.size() == 4 + 1);  // each key's name part is too long, and so is the total
    CHECK(errs[0].detail == "name part must be no more than 63 characters");
    CHECK(errs[4].str() == "metadata.annotations: Too long: must have at most 262144 bytes");
  }
}

// fields_test.cpp — field selectors parse, escape, match and fail as fields.ParseSelector
// does, and each kind accepts exactly upstream's field labels.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "cluster/api/fields.h"

using namespace kubepp::api;
using kubepp::Result;

namespace {

std::string parse_failure(std::string_view text) {
  Result<FieldSelector> s = parse_field_selector(text);
  if (s) return "(parsed as \"" + s.value().str() + "\")";
  return s.error().message;
}

std::string converted(std::string_view group, std::string_view kind, std::string_view label) {
  auto r = convert_field_label(group, kind, label, "v");
  if (!r) return r.error().message;
  return r.value().first + "=" + r.value().second;
}

}  // namespace

TEST_CASE("field selectors parse, sort their terms and print escaped", "[unit][api][fields]") {
  struct Case {
    std::string text, canonical;
    std::vector<FieldTerm> terms;
  };
  const std::vector<Case> cases = {
      {"", "", {}},
      {",", "", {}},
      {"a=b", "a=b", {{"a", true, "b"}}},
      {"a==b", "a=b", {{"a", true, "b"}}},
      {"a!=b", "a!=b", {{"a", false, "b"}}},
      {"a=", "a=", {{"a", true, ""}}},
      {"=b", "=b", {{"", true, "b"}}},
      {"b=2,a==1", "a=1,b=2", {{"a", true, "1"}, {"b", true, "2"}}},
      {",a=b,", "a=b", {{"a", true, "b"}}},
      {"a = b", "a = b", {{"a ", true, " b"}}},  // no trimming
      {"metadata.name=web-1,spec.nodeName!=", "metadata.name=web-1,spec.nodeName!=",
       {{"metadata.name", true, "web-1"}, {"spec.nodeName", false, ""}}},
      {"x=a\\,b", "x=a\\,b", {{"x", true, "a,b"}}},
      {"x=a\\=b", "x=a\\=b", {{"x", true, "a=b"}}},
      {"x=a\\\\b", "x=a\\\\b", {{"x", true, "a\\b"}}},
      {"x=a\\,b,y=c", "x=a\\,b,y=c", {{"x", true, "a,b"}, {"y", true, "c"}}},
      {"x=é", "x=é", {{"x", true, "é"}}},
      {"x==", "x=", {{"x", true, ""}}},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    Result<FieldSelector> s = parse_field_selector(c.text);
    REQUIRE(s.ok());
    CHECK(s.value().terms() == c.terms);
    CHECK(s.value().str() == c.canonical);
    CHECK(s.value().empty() == c.terms.empty());
    Result<FieldSelector> again = parse_field_selector(s.value().str());
    REQUIRE(again.ok());
    CHECK(again.value().terms() == c.terms);
  }
}

TEST_CASE("malformed field selectors fail with upstream's message", "[unit][api][fields]") {
  struct Case {
    std::string text, message;
  };
  const std::vector<Case> cases = {
      {"a", "invalid selector: 'a'; can't understand 'a'"},
      {"x in (a)", "invalid selector: 'x in (a)'; can't understand 'x in (a)'"},
      {"x!a", "invalid selector: 'x!a'; can't understand 'x!a'"},
      {"x=a,b", "invalid selector: 'x=a,b'; can't understand 'b'"},  // terms are sorted first
      {"z=1,b,a", "invalid selector: 'z=1,b,a'; can't understand 'a'"},
      {"x=a=b", "invalid field selector: unescaped character in value: 61"},
      {"x!==a", "invalid field selector: unescaped character in value: 61"},
      {"x=a\\q", "invalid field selector: invalid escape sequence: \\q"},
      {"x=a\\é", "invalid field selector: invalid escape sequence: \\é"},
      {"x=a\\", "invalid field selector: invalid escape sequence: \\"},
      {"x=a\\,", "(parsed as \"x=a\\,\")"},
      {"x=\\", "invalid field selector: invalid escape sequence: \\"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    CHECK(parse_failure(c.text) == c.message);
  }
  CHECK(unescape_field_value("a,b").error().message == "invalid field selector: unescaped character in value: 44");
  CHECK(parse_field_selector("a").error().code == kubepp::ErrorCode::Invalid);
}

TEST_CASE("field values escape and unescape", "[unit][api][fields]") {
  CHECK(escape_field_value("a\\b,c=d") == "a\\\\b\\,c\\=d");
  CHECK(unescape_field_value("a\\\\b\\,c\\=d").value() == "a\\b,c=d");
  CHECK(unescape_field_value("plain").value() == "plain");
  CHECK(unescape_field_value("\xff").value() == "\xff");                 // untouched without escapes
  CHECK(unescape_field_value("\xff\\,").value() == "\xEF\xBF\xBD,");     // otherwise read as Go reads UTF-8
}

TEST_CASE("field selectors match field sets; a missing field is empty", "[unit][api][fields]") {
  const Fields pod = {{"metadata.name", "web-1"}, {"spec.nodeName", "node-1"}, {"status.phase", "Running"}};
  struct Case {
    std::string selector;
    bool matches;
  };
  const std::vector<Case> cases = {
      {"", true},
      {"spec.nodeName=node-1", true},
      {"spec.nodeName==node-1", true},
      {"spec.nodeName=node-2", false},
      {"spec.nodeName!=node-2", true},
      {"spec.nodeName!=node-1", false},
      {"status.phase=Running,metadata.name=web-1", true},
      {"status.phase=Running,metadata.name=web-2", false},
      {"status.podIP=", true},
      {"status.podIP!=", false},
      {"status.podIP!=10.0.0.1", true},
  };
  for (const Case& c : cases) {
    CAPTURE(c.selector);
    CHECK(parse_field_selector(c.selector).value().matches(pod) == c.matches);
  }
  CHECK_FALSE(FieldSelector::nothing().matches(pod));
  CHECK_FALSE(FieldSelector::nothing().empty());
  CHECK(FieldSelector::everything().empty());

  FieldSelector s = parse_field_selector("spec.nodeName!=a,spec.nodeName=b,metadata.name=c").value();
  CHECK(s.requires_exact_match("spec.nodeName") == "b");
  CHECK(s.requires_exact_match("metadata.name") == "c");
  CHECK_FALSE(s.requires_exact_match("status.phase"));
}

TEST_CASE("each kind accepts upstream's field labels and refuses others in its words", "[unit][api][fields]") {
  SECTION("pods") {
    for (const char* label : {"metadata.name", "metadata.namespace", "spec.nodeName", "spec.restartPolicy",
                              "spec.schedulerName", "spec.serviceAccountName", "spec.hostNetwork", "status.phase",
                              "status.podIP", "status.podIPs", "status.nominatedNodeName"}) {
      CHECK(converted("", "Pod", label) == std::string(label) + "=v");
    }
    CHECK(converted("", "Pod", "spec.host") == "spec.nodeName=v");  // old clients' spelling
    CHECK(converted("", "Pod", "spec.foo") == "field label not supported: spec.foo");
    CHECK(converted("", "Pod", "metadata.labels") == "field label not supported: metadata.labels");
  }
  SECTION("events") {
    for (const char* label : {"involvedObject.kind", "involvedObject.namespace", "involvedObject.name",
                              "involvedObject.uid", "involvedObject.apiVersion", "involvedObject.resourceVersion",
                              "involvedObject.fieldPath", "reason", "reportingComponent", "source", "type",
                              "metadata.namespace", "metadata.name"}) {
      CHECK(converted("", "Event", label) == std::string(label) + "=v");
    }
    CHECK(converted("", "Event", "message") == "field label not supported: message");
  }
  SECTION("cluster-scoped nodes and namespaces have no metadata.namespace") {
    CHECK(converted("", "Node", "spec.unschedulable") == "spec.unschedulable=v");
    CHECK(converted("", "Node", "metadata.name") == "metadata.name=v");
    CHECK(converted("", "Node", "metadata.namespace") == "field label not supported: metadata.namespace");
    CHECK(converted("", "Namespace", "status.phase") == "status.phase=v");
    CHECK(converted("", "Namespace", "metadata.namespace") == "field label not supported: metadata.namespace");
  }
  SECTION("secrets, services and replication controllers") {
    CHECK(converted("", "Secret", "type") == "type=v");
    CHECK(converted("", "Service", "spec.clusterIP") == "spec.clusterIP=v");
    CHECK(converted("", "Service", "spec.type") == "spec.type=v");
    CHECK(converted("", "Service", "spec.ports") == "field label not supported: spec.ports");
    CHECK(converted("", "ReplicationController", "status.replicas") == "status.replicas=v");
  }
  SECTION("jobs word their refusal differently") {
    CHECK(converted("batch", "Job", "status.successful") == "status.successful=v");
    CHECK(converted("batch", "Job", "spec.foo") == "field label \"spec.foo\" not supported for Job");
  }
  SECTION("every other kind: metadata.name and metadata.namespace only") {
    CHECK(converted("", "ConfigMap", "metadata.namespace") == "metadata.namespace=v");
    CHECK(converted("apps", "Deployment", "metadata.name") == "metadata.name=v");
    // ReplicaSets publish status.replicas, but apps/v1 registers no conversion for it.
    CHECK(converted("apps", "ReplicaSet", "status.replicas") ==
          "\"status.replicas\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"");
    CHECK(converted("", "Pod", "spec.foo") != converted("", "ConfigMap", "spec.foo"));
  }
}

TEST_CASE("a whole selector converts term by term", "[unit][api][fields]") {
  FieldSelector old = parse_field_selector("spec.host=node-1,status.phase!=Failed").value();
  Result<FieldSelector> pods = convert_field_labels(old, "", "Pod");
  REQUIRE(pods.ok());
  CHECK(pods.value().str() == "spec.nodeName=node-1,status.phase!=Failed");
  CHECK(convert_field_labels(old, "", "Node").error().message == "field label not supported: spec.host");

  Result<FieldSelector> dropped = old.transform([](const std::string& field, const std::string& value) {
    using Pair = std::pair<std::string, std::string>;
    return kubepp::Result<Pair>(field == "spec.host" ? Pair{} : Pair{field, value});
  });
  REQUIRE(dropped.ok());
  CHECK(dropped.value().str() == "status.phase!=Failed");
  CHECK(FieldSelector::nothing().transform(nullptr).value().is_nothing());

  CHECK(object_meta_fields("web-1", "default", true) ==
        Fields{{"metadata.name", "web-1"}, {"metadata.namespace", "default"}});
  CHECK(object_meta_fields("node-1", "", false) == Fields{{"metadata.name", "node-1"}});
}

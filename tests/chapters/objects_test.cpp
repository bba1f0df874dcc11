// The examples of chapter 03 (API objects), each answered by the code: the chapter's
// tables are these rows. `build/tests/chapter_examples -s -r compact "[chapter03]"` prints
// them (chapters/03-objects/demo.sh runs one section at a time).
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>

#include <map>
#include <string>
#include <vector>

#include "cluster/api/decode.h"
#include "cluster/api/field.h"
#include "cluster/api/names.h"
#include "cluster/api/quantity.h"
#include "tests/chapters/examples.h"

using namespace kubepp::api;
using kubepp::Result;
using kubepp::testing::ExampleTable;

namespace {

// A rule's messages as the chapter shows them: "valid", or the messages joined by "; ".
std::string verdict(const std::vector<std::string>& errs) {
  if (errs.empty()) return "valid";
  std::string out;
  for (const std::string& e : errs) out += (out.empty() ? "" : "; ") + e;
  return out;
}

std::string verdict(const ErrorList& errs) {
  if (errs.empty()) return "valid";
  return to_string(errs);
}

// A message with the long explanation of a character rule cut short: everything after
// its first " consist of " becomes "…" (the rest — characters, examples, the regex — is
// the same for every value the rule refuses).
std::string brief(const std::string& text) {
  size_t at = text.find(" consist of ");
  return at == std::string::npos ? text : text.substr(0, at) + " consist of …";
}

std::string quote(const std::string& s) { return "\"" + s + "\""; }

std::string quantity(const std::string& text) {
  Result<Quantity> q = Quantity::parse(text);
  if (!q) return "error: " + q.error().message;
  return q.value().str() + "  (" + to_string(q.value().format()) + ")";
}

Quantity q(const std::string& text) { return Quantity::parse(text).value(); }

}  // namespace

TEST_CASE("chapter 03: a manifest is decoded into JSON documents, one per object", "[unit][chapter03][manifest]") {
  const std::string manifest =
      "apiVersion: v1\n"
      "kind: Namespace\n"
      "metadata:\n"
      "  name: shop\n"
      "---\n"
      "apiVersion: apps/v1\n"
      "kind: Deployment\n"
      "metadata:\n"
      "  name: myapp\n"
      "  namespace: shop\n"
      "  labels:\n"
      "    app: myapp\n"
      "    version: 1.10\n"
      "    canary: yes\n"
      "    release: \"1.10\"\n"
      "spec:\n"
      "  replicas: 2\n";
  Result<std::vector<nlohmann::json>> decoded = decode_documents(manifest);
  std::vector<nlohmann::json> docs = decoded.ok() ? decoded.value() : std::vector<nlohmann::json>(2);
  ExampleTable t("decode_documents: YAML in, one JSON document per object out");
  t.row("the manifest", "2 documents",
        decoded.ok() ? std::to_string(docs.size()) + " documents" : "error: " + decoded.error().message);
  t.row("document 1", R"({"apiVersion":"v1","kind":"Namespace","metadata":{"name":"shop"}})", docs[0].dump());
  t.row("document 2, metadata.labels", R"({"app":"myapp","canary":true,"release":"1.10","version":1.1})",
        docs[1]["metadata"]["labels"].dump());
  t.row("document 2, spec", R"({"replicas":2})", docs[1]["spec"].dump());
  Result<std::vector<nlohmann::json>> dup = decode_documents("metadata:\n  name: a\n  name: b\n");
  t.row("a key given twice", "error converting YAML to JSON: yaml: line 3, column 3 (document 1): key \"name\" already set in map",
        dup.ok() ? dup.value()[0].dump() : dup.error().message);
  t.check();
}

TEST_CASE("chapter 03: each kind's names follow one of three DNS rules", "[unit][chapter03][names]") {
  const std::string subdomain_rule = "a lowercase RFC 1123 subdomain must consist of …";
  const std::string label_rule = "a lowercase RFC 1123 label must consist of …";
  const std::string dns1035_rule = "a DNS-1035 label must consist of …";
  auto subdomain = [](const std::string& name) {
    std::vector<std::string> errs = is_dns1123_subdomain(name);
    return errs.empty() ? "valid" : brief(verdict(errs));
  };
  auto label = [](const std::string& name) {
    std::vector<std::string> errs = is_dns1123_label(name);
    return errs.empty() ? "valid" : brief(verdict(errs));
  };
  auto dns1035 = [](const std::string& name) {
    std::vector<std::string> errs = is_dns1035_label(name);
    return errs.empty() ? "valid" : brief(verdict(errs));
  };

  ExampleTable pods("is_dns1123_subdomain: Pods, Deployments, ReplicaSets, ConfigMaps, Nodes, …");
  pods.row(quote("myapp"), "valid", subdomain("myapp"));
  pods.row(quote("myapp-5d7f8c9b4-x2kqz"), "valid", subdomain("myapp-5d7f8c9b4-x2kqz"));
  pods.row(quote("myapp.v2"), "valid", subdomain("myapp.v2"));
  pods.row(quote("node-1.example.com"), "valid", subdomain("node-1.example.com"));
  pods.row(quote("MyApp"), subdomain_rule, subdomain("MyApp"));
  pods.row(quote("my_app"), subdomain_rule, subdomain("my_app"));
  pods.row(quote("myapp-"), subdomain_rule, subdomain("myapp-"));
  pods.row("254 × \"a\"", "must be no more than 253 characters", subdomain(std::string(254, 'a')));
  pods.check();

  ExampleTable namespaces("is_dns1123_label: Namespaces (and container names)");
  namespaces.row(quote("shop"), "valid", label("shop"));
  namespaces.row(quote("kube-system"), "valid", label("kube-system"));
  namespaces.row(quote("shop.eu"), "must not contain dots", label("shop.eu"));
  namespaces.row(quote("Shop"), label_rule, label("Shop"));
  namespaces.row("64 × \"a\"", "must be no more than 63 characters", label(std::string(64, 'a')));
  namespaces.check();

  ExampleTable services("is_dns1035_label: Services");
  services.row(quote("myapp"), "valid", dns1035("myapp"));
  services.row(quote("myapp-svc"), "valid", dns1035("myapp-svc"));
  services.row(quote("1st-app"), dns1035_rule, dns1035("1st-app"));
  services.row(quote("myapp.v2"), dns1035_rule, dns1035("myapp.v2"));
  services.check();
}

TEST_CASE("chapter 03: label keys, label values, and where their errors point", "[unit][chapter03][labels]") {
  const std::string name_rule = "name part must consist of …";
  auto key = [&](const std::string& k) {
    std::vector<std::string> errs = is_qualified_name(k);
    return errs.empty() ? "valid" : brief(verdict(errs));
  };
  ExampleTable keys("is_qualified_name: label and annotation keys");
  keys.row(quote("app"), "valid", key("app"));
  keys.row(quote("Tier"), "valid", key("Tier"));
  keys.row(quote("app.kubernetes.io/name"), "valid", key("app.kubernetes.io/name"));
  keys.row(quote("example.com/release_2"), "valid", key("example.com/release_2"));
  keys.row(quote("-tier"), name_rule, key("-tier"));
  keys.row(quote("example.com/"), "name part must be non-empty; name part must consist of …", key("example.com/"));
  keys.row(quote("/tier"), "prefix part must be non-empty", key("/tier"));
  keys.row(quote("Example.com/tier"), "prefix part a lowercase RFC 1123 subdomain must consist of …", key("Example.com/tier"));
  keys.row(quote("a/b/c"), "a qualified name must consist of …", key("a/b/c"));
  keys.row("64 × \"k\"", "name part must be no more than 63 characters", key(std::string(64, 'k')));
  keys.check();

  auto value = [](const std::string& v) {
    std::vector<std::string> errs = is_valid_label_value(v);
    return errs.empty() ? "valid" : brief(verdict(errs));
  };
  ExampleTable values("is_valid_label_value: label values");
  values.row(quote("myapp"), "valid", value("myapp"));
  values.row(quote(""), "valid", value(""));
  values.row(quote("v1.2.3"), "valid", value("v1.2.3"));
  values.row(quote("Frontend_2"), "valid", value("Frontend_2"));
  values.row(quote("-beta"), "a valid label must be an empty string or consist of …", value("-beta"));
  values.row(quote("a b"), "a valid label must be an empty string or consist of …", value("a b"));
  values.row(quote("team/web"), "a valid label must be an empty string or consist of …", value("team/web"));
  values.row("64 × \"v\"", "must be no more than 63 characters", value(std::string(64, 'v')));
  values.check();

  ExampleTable object("validate_labels: the errors of one object's metadata.labels");
  ErrorList errs = validate_labels({{"app", "myapp"}, {"-tier", "web"}, {"version", "-beta"}},
                                   Path("metadata").child("labels"));
  object.row("{app: myapp, -tier: web, version: -beta}", "2 errors", std::to_string(errs.size()) + " errors");
  object.row("error 1", "metadata.labels: Invalid value: \"-tier\": name part must consist of …",
             errs.size() > 0 ? brief(errs[0].str()) : "(none)");
  object.row("error 2", "metadata.labels: Invalid value: \"-beta\": a valid label must be an empty string or consist of …",
             errs.size() > 1 ? brief(errs[1].str()) : "(none)");
  object.check();
}

TEST_CASE("chapter 03: annotations take any value, up to 256 KiB for all of them", "[unit][chapter03][annotations]") {
  const Path path = Path("metadata").child("annotations");
  ExampleTable t("validate_annotations");
  t.row("{kubernetes.io/change-cause: \"kubectl set image … (3 lines, quotes, anything)\"}", "valid",
        verdict(validate_annotations({{"kubernetes.io/change-cause", "kubectl set image deploy/myapp myapp=ikubernetes/myapp:v2\n"
                                                                     "\"rolled\" back? no!\n-- ok"}},
                                     path)));
  t.row("{Example.com/Owner: ops}", "valid", verdict(validate_annotations({{"Example.com/Owner", "ops"}}, path)));
  t.row("{my_org.io/owner: ops}", "metadata.annotations: Invalid value: \"my_org.io/owner\": prefix part a lowercase RFC 1123 subdomain must consist of …",
        brief(verdict(validate_annotations({{"my_org.io/owner", "ops"}}, path))));
  t.row("{a: 262143 bytes}", "valid", verdict(validate_annotations({{"a", std::string(262143, 'x')}}, path)));
  t.row("{a: 262144 bytes}", "metadata.annotations: Too long: must have at most 262144 bytes",
        verdict(validate_annotations({{"a", std::string(262144, 'x')}}, path)));
  t.check();
}

TEST_CASE("chapter 03: a field error names the field, the reason and the rule", "[unit][chapter03][errors]") {
  const Path container = Path("spec").child("containers").index(0);
  ExampleTable t("FieldError::str: the causes of a 422 Invalid answer");
  t.row("required(spec.containers[0].image)", "spec.containers[0].image: Required value",
        required(container.child("image")).str());
  t.row("invalid(metadata.name, \"MyApp\", …)", "metadata.name: Invalid value: \"MyApp\": a lowercase RFC 1123 subdomain must consist of …",
        brief(invalid(Path("metadata").child("name"), quoted("MyApp"), is_dns1123_subdomain("MyApp")[0]).str()));
  t.row("not_supported(spec.restartPolicy, \"Sometimes\", …)",
        "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"Never\", \"OnFailure\"",
        not_supported(Path("spec").child("restartPolicy"), quoted("Sometimes"), {"Always", "Never", "OnFailure"}).str());
  t.row("duplicate(spec.containers[1].name, \"web\")", "spec.containers[1].name: Duplicate value: \"web\"",
        duplicate(Path("spec").child("containers").index(1).child("name"), quoted("web")).str());
  t.row("forbidden(spec.selector, …)", "spec.selector: Forbidden: field is immutable",
        forbidden(Path("spec").child("selector"), "field is immutable").str());
  t.row("invalid(…limits[memory], \"64MB\", …)",
        "spec.containers[0].resources.limits[memory]: Invalid value: \"64MB\": quantities must match the regular "
        "expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
        to_string(validate_quantity("64MB", container.child("resources").child("limits").key("memory"))));
  t.check();
}

TEST_CASE("chapter 03: quantities are exact decimals, printed in canonical form", "[unit][chapter03][quantity]") {
  ExampleTable parsed("Quantity::parse, then str(): the canonical form and the format kept");
  for (const auto& [text, want] : std::vector<std::pair<std::string, std::string>>{
           {"100m", "100m  (DecimalSI)"},
           {"0.5", "500m  (DecimalSI)"},
           {"1000m", "1  (DecimalSI)"},
           {"2", "2  (DecimalSI)"},
           {"1.5Gi", "1536Mi  (BinarySI)"},
           {"64Mi", "64Mi  (BinarySI)"},
           {"1024Mi", "1Gi  (BinarySI)"},
           {"0.5Ki", "512  (BinarySI)"},
           {"128M", "128M  (DecimalSI)"},
           {"1e3", "1e3  (DecimalExponent)"},
           {"1.5e3", "1500  (DecimalExponent)"},
           {"12000e3", "12e6  (DecimalExponent)"},
           {"0.1n", "1n  (DecimalSI)"},
           {"64MB", "error: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'"},
           {"1K", "error: unable to parse quantity's suffix"},
       }) {
    parsed.row(quote(text), want, quantity(text));
  }
  parsed.check();

  ExampleTable values("what the kubelet and the scheduler read from a quantity");
  values.row("\"1.5Gi\".value()", "1610612736", std::to_string(q("1.5Gi").value()));
  values.row("\"500m\".milli_value()", "500", std::to_string(q("500m").milli_value()));
  values.row("\"0.5\".milli_value()", "500", std::to_string(q("0.5").milli_value()));
  values.row("\"100m\".value()", "1", std::to_string(q("100m").value()));
  values.row("\"1.5\".value()", "2", std::to_string(q("1.5").value()));
  values.check();

  ExampleTable compare("comparing and adding: exact, whatever the suffix");
  auto cmp = [](const std::string& a, const std::string& b) {
    int c = q(a).cmp(q(b));
    return a + (c < 0 ? " < " : c > 0 ? " > " : " = ") + b;
  };
  compare.row("\"1Gi\" vs \"1G\"", "1Gi > 1G", cmp("1Gi", "1G"));
  compare.row("\"1000m\" vs \"1\"", "1000m = 1", cmp("1000m", "1"));
  compare.row("\"0.5\" vs \"500m\"", "0.5 = 500m", cmp("0.5", "500m"));
  compare.row("\"1e3\" vs \"1k\"", "1e3 = 1k", cmp("1e3", "1k"));
  Quantity sum = q("0.1");
  sum.add(q("0.2"));
  compare.row("\"0.1\" + \"0.2\"", "300m", sum.str());
  compare.row("\"0.1\" + \"0.2\" = \"0.3\"", "true", sum == q("0.3") ? "true" : "false");
  compare.row("0.1 + 0.2 == 0.3 in double", "false", 0.1 + 0.2 == 0.3 ? "true" : "false");
  Quantity requests = q("250m");
  requests.add(q("250m"));
  requests.add(q("0.5"));
  compare.row("\"250m\" + \"250m\" + \"0.5\"", "1", requests.str());
  compare.check();
}

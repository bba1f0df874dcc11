// The examples of chapter 04 (label selectors), each answered by the code: the chapter's
// tables are these rows. `build/tests/chapter_examples -s -r compact "[chapter04]"` prints
// them (chapters/04-selectors/demo.sh runs one section at a time).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "cluster/api/fields.h"
#include "cluster/api/label_selector.h"
#include "cluster/api/labels.h"
#include "tests/chapters/examples.h"

using namespace kubepp::api;
using kubepp::Result;
using kubepp::testing::ExampleTable;

namespace {

std::string quote(const std::string& s) { return "\"" + s + "\""; }

std::string tokens(const std::string& text) {
  std::string out;
  for (const ScannedItem& item : lex_selector(text)) {
    if (item.token == SelectorToken::EndOfString) break;
    out += (out.empty() ? "" : " ") + std::string(to_string(item.token)) + "(" + item.literal + ")";
  }
  return out;
}

std::string canonical(const std::string& text) {
  Result<Selector> s = parse_selector(text);
  if (!s) return "error: " + s.error().message;
  return quote(s.value().str());
}

// A message with the long explanation of a character rule cut short: everything after
// its first " consist of " becomes "…" (the rest — characters, examples, the regex — is
// the same for every value the rule refuses).
std::string brief(const std::string& text) {
  size_t at = text.find(" consist of ");
  return at == std::string::npos ? text : text.substr(0, at) + " consist of …";
}

struct Pod {
  std::string name;
  Labels labels;
};

// The Pods of the chapter: two apps, two tiers, two releases, and one without labels.
const std::vector<Pod>& pods() {
  static const std::vector<Pod> kPods = {
      {"myapp-1", {{"app", "myapp"}, {"tier", "frontend"}, {"release", "stable"}}},
      {"myapp-2", {{"app", "myapp"}, {"tier", "frontend"}, {"release", "canary"}}},
      {"db-1", {{"app", "db"}, {"tier", "backend"}, {"release", "stable"}}},
      {"cache-1", {{"app", "cache"}, {"tier", "backend"}}},
      {"debug", {}},
  };
  return kPods;
}

std::string picked(const Selector& s) {
  std::string out;
  for (const Pod& p : pods()) {
    if (s.matches(p.labels)) out += (out.empty() ? "" : " ") + p.name;
  }
  return out.empty() ? "(none)" : out;
}

std::string picked(const std::string& text) {
  Result<Selector> s = parse_selector(text);
  if (!s) return "error: " + s.error().message;
  return picked(s.value());
}

std::string field_selector(const std::string& text, const std::string& group, const std::string& kind) {
  Result<FieldSelector> s = parse_field_selector(text);
  if (!s) return "error: " + s.error().message;
  Result<FieldSelector> converted = convert_field_labels(s.value(), group, kind);
  if (!converted) return "error: " + converted.error().message;
  return quote(converted.value().str());
}

}  // namespace

TEST_CASE("chapter 04: a selector picks the Pods whose labels satisfy every requirement", "[unit][chapter04][select]") {
  ExampleTable t("kubectl get pods -l SELECTOR, over myapp-1 myapp-2 db-1 cache-1 debug");
  for (const auto& [selector, want] : std::vector<std::pair<std::string, std::string>>{
           {"app=myapp", "myapp-1 myapp-2"},
           {"app==myapp", "myapp-1 myapp-2"},
           {"tier!=frontend", "db-1 cache-1 debug"},
           {"app=myapp,release=stable", "myapp-1"},
           {"tier in (frontend,backend)", "myapp-1 myapp-2 db-1 cache-1"},
           {"release notin (canary)", "myapp-1 db-1 cache-1 debug"},
           {"release", "myapp-1 myapp-2 db-1"},
           {"!release", "cache-1 debug"},
           {"tier=backend,!release", "cache-1"},
           {"", "myapp-1 myapp-2 db-1 cache-1 debug"},
       }) {
    t.row(quote(selector), want, picked(selector));
  }
  t.check();
}

TEST_CASE("chapter 04: the lexer turns a selector into tokens", "[unit][chapter04][lexer]") {
  ExampleTable t("lex_selector");
  for (const auto& [text, want] : std::vector<std::pair<std::string, std::string>>{
           {"app=myapp", "Identifier(app) Equals(=) Identifier(myapp)"},
           {"tier != web", "Identifier(tier) NotEquals(!=) Identifier(web)"},
           {"env in (prod,qa)", "Identifier(env) In(in) OpenPar(() Identifier(prod) Comma(,) Identifier(qa) ClosedPar())"},
           {"!canary", "DoesNotExist(!) Identifier(canary)"},
           {"x=!a", "Identifier(x) Equals(=) DoesNotExist(!) Identifier(a)"},
           {"a<=1", "Identifier(a) LessThan(<) Equals(=) Identifier(1)"},
           {"in in (notin)", "In(in) In(in) OpenPar(() NotIn(notin) ClosedPar())"},
           {"app=my app", "Identifier(app) Equals(=) Identifier(my) Identifier(app)"},
       }) {
    t.row(quote(text), want, tokens(text));
  }
  t.check();
}

TEST_CASE("chapter 04: the parser checks the grammar and prints the canonical form", "[unit][chapter04][parse]") {
  ExampleTable t("parse_selector, then str()");
  const std::string bad = "error: unable to parse requirement: ";
  for (const auto& [text, want] : std::vector<std::pair<std::string, std::string>>{
           {"  app = myapp , tier != frontend ", quote("app=myapp,tier!=frontend")},
           {"tier in (web, db, web),!canary", quote("!canary,tier in (db,web)")},
           {"x=", quote("x=")},
           {"x in ()", quote("x in ()")},
           {"in in (in)", quote("in in (in)")},
           {"x>1", quote("x>1")},
           {"x,,y", "error: found ',', expected: identifier after ','"},
           {"x=a b", "error: found 'b', expected: ',' or 'end of string'"},
           {"!x=a", "error: found '=', expected: ',' or 'end of string'"},
           {"x nott in (y)", bad + "found 'nott', expected: in, notin, =, ==, !=, gt, lt"},
           {"x in a", bad + "found 'a' expected: '('"},
           {"x in (a b)", bad + "found 'b', expected: ',' or ')'"},
           {"x in (a,,)", bad + "found ')', expected: ',', or identifier"},
           {"x in (a,,,)", quote("x in (,a)")},
           {"app=my app", "error: found 'app', expected: ',' or 'end of string'"},
       }) {
    t.row(quote(text), want, canonical(text));
  }
  t.check();

  ExampleTable rules("keys and values are checked as label keys and values");
  for (const auto& [text, want] : std::vector<std::pair<std::string, std::string>>{
           {"-app=web", bad + "<nil>: Invalid value: \"-app\": name part must consist of …"},
           {"app=-web", bad + "values[0][app]: Invalid value: \"-web\": a valid label must be an empty string or consist of …"},
           {"x>a", bad + "values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must be an integer"},
       }) {
    rules.row(quote(text), want, brief(canonical(text)));
  }
  rules.check();
}

TEST_CASE("chapter 04: each operator's rule, and a missing key", "[unit][chapter04][match]") {
  ExampleTable t("Requirement::matches");
  auto row = [&](const std::string& req, const Labels& labels, const std::string& shown, const std::string& want) {
    Selector s = parse_selector(req).value();
    t.row(req + " on " + shown, want, s.matches(labels) ? "true" : "false");
  };
  row("tier=web", {{"tier", "web"}}, "{tier: web}", "true");
  row("tier=web", {{"tier", "db"}}, "{tier: db}", "false");
  row("tier=web", {}, "{}", "false");
  row("tier!=web", {{"tier", "db"}}, "{tier: db}", "true");
  row("tier!=web", {}, "{}", "true");
  row("tier in (web,db)", {{"tier", "db"}}, "{tier: db}", "true");
  row("tier in (web,db)", {}, "{}", "false");
  row("tier notin (web,db)", {}, "{}", "true");
  row("tier", {{"tier", ""}}, "{tier: \"\"}", "true");
  row("!tier", {{"tier", ""}}, "{tier: \"\"}", "false");
  row("tier=", {{"tier", ""}}, "{tier: \"\"}", "true");
  row("tier=", {}, "{}", "false");
  row("gen>9", {{"gen", "10"}}, "{gen: \"10\"}", "true");
  row("gen>9", {{"gen", "v10"}}, "{gen: v10}", "false");
  t.check();
}

TEST_CASE("chapter 04: LabelSelector objects and their string form", "[unit][chapter04][objects]") {
  ExampleTable t("label_selector_as_selector and format_label_selector");
  LabelSelector web{{{"app", "myapp"}}, {{"release", "In", {"stable", "canary"}}, {"debug", "DoesNotExist", {}}}};
  t.row("the selector in the chapter's YAML", "app=myapp,!debug,release in (canary,stable)",
        format_label_selector(&web));
  t.row("  it selects", "myapp-1 myapp-2", picked(label_selector_as_selector(&web).value()));
  LabelSelector empty;
  t.row("{} (empty)", "<none>", format_label_selector(&empty));
  t.row("  it selects", "myapp-1 myapp-2 db-1 cache-1 debug", picked(label_selector_as_selector(&empty).value()));
  t.row("null (no selector)", "<none>", format_label_selector(nullptr));
  t.row("  it selects", "(none)", picked(label_selector_as_selector(nullptr).value()));
  LabelSelector bad_op{{}, {{"tier", "Gt", {"1"}}}};
  t.row("{matchExpressions: [{key: tier, operator: Gt, values: [\"1\"]}]}", "\"Gt\" is not a valid label selector operator",
        label_selector_as_selector(&bad_op).ok() ? "converted" : label_selector_as_selector(&bad_op).error().message);
  t.check();

  ExampleTable v("validate_label_selector: a Deployment's spec.selector");
  auto errors = [](const LabelSelector& s) {
    ErrorList errs = validate_label_selector(&s, Path("spec").child("selector"));
    return errs.empty() ? std::string("valid") : to_string(errs);
  };
  v.row("{matchLabels: {app: myapp}}", "valid", errors({{{"app", "myapp"}}, {}}));
  v.row("{matchExpressions: [tier In []]}",
        "spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'",
        errors({{}, {{"tier", "In", {}}}}));
  v.row("{matchExpressions: [tier Exists [web]]}",
        "spec.selector.matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or "
        "'DoesNotExist'",
        errors({{}, {{"tier", "Exists", {"web"}}}}));
  v.row("{matchExpressions: [tier in [web]]}",
        "spec.selector.matchExpressions[0].operator: Invalid value: \"in\": not a valid selector operator",
        errors({{}, {{"tier", "in", {"web"}}}}));
  v.check();
}

TEST_CASE("chapter 04: field selectors, and the fields each kind offers", "[unit][chapter04][fields]") {
  ExampleTable t("kubectl get KIND --field-selector SELECTOR: parse_field_selector, convert_field_labels");
  t.row("pods: \"spec.nodeName=node-1,status.phase!=Running\"", quote("spec.nodeName=node-1,status.phase!=Running"),
        field_selector("spec.nodeName=node-1,status.phase!=Running", "", "Pod"));
  t.row("pods: \"status.phase==Running\"", quote("status.phase=Running"), field_selector("status.phase==Running", "", "Pod"));
  t.row("pods: \"spec.host=node-1\" (an old name)", quote("spec.nodeName=node-1"), field_selector("spec.host=node-1", "", "Pod"));
  t.row("pods: \"metadata.labels.app=myapp\"", "error: field label not supported: metadata.labels.app",
        field_selector("metadata.labels.app=myapp", "", "Pod"));
  t.row("services: \"spec.type=NodePort\"", quote("spec.type=NodePort"), field_selector("spec.type=NodePort", "", "Service"));
  t.row("configmaps: \"metadata.name=app-config\"", quote("metadata.name=app-config"),
        field_selector("metadata.name=app-config", "", "ConfigMap"));
  t.row("configmaps: \"data.key=x\"",
        "error: \"data.key\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"",
        field_selector("data.key=x", "", "ConfigMap"));
  t.row("jobs: \"status.active=1\"", "error: field label \"status.active\" not supported for Job",
        field_selector("status.active=1", "batch", "Job"));
  t.row("pods: \"status.phase in (Running)\"",
        "error: invalid selector: 'status.phase in (Running)'; can't understand 'status.phase in (Running)'",
        field_selector("status.phase in (Running)", "", "Pod"));
  t.row("pods: \"metadata.name=a\\,b\"", quote("metadata.name=a\\,b"), field_selector("metadata.name=a\\,b", "", "Pod"));
  t.check();

  ExampleTable m("FieldSelector::matches: a missing field is the empty string");
  FieldSelector unscheduled = parse_field_selector("spec.nodeName=").value();
  m.row("\"spec.nodeName=\" on {spec.nodeName: \"\"}", "true", unscheduled.matches({{"spec.nodeName", ""}}) ? "true" : "false");
  m.row("\"spec.nodeName=\" on {spec.nodeName: node-1}", "false",
        unscheduled.matches({{"spec.nodeName", "node-1"}}) ? "true" : "false");
  m.row("\"spec.nodeName=\" on {}", "true", unscheduled.matches({}) ? "true" : "false");
  m.check();
}

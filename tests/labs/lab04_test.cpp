// Lab 04 — label selectors: the lexer, the parser and matching.
//
// The student writes, in cluster/api/labels.cpp, the lexer's
// Lexer::scan_identifier_or_keyword and Lexer::scan_special_symbol, the parser's
// SelectorParser::parse, SelectorParser::parse_key_and_infer_operator and
// SelectorParser::parse_values, and Requirement::matches (see
// labs/04-selectors/README.md). The tests use the public interface of labels.h and
// label_selector.h: lex_selector, parse_selector, Requirement, Selector and
// label_selector_as_selector. No root, no server.
//
// Tokens print as `Identifier(app) Equals(=) …`; a selector as its canonical string or
// its error message; a selection as the names of the objects it picks.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "cluster/api/label_selector.h"
#include "cluster/api/labels.h"
#include "tests/cluster/api/upstream_messages.h"

using namespace kubepp::api;
using kubepp::Result;
using kubepp::api::testing::kLabelValueRule;
using kubepp::api::testing::kQualifiedNameRule;

namespace {

// ---- helpers -----------------------------------------------------------------------

// lex_selector as text, the final EndOfString left out: "Identifier(app) Equals(=) Identifier(web)".
std::string tokens(const std::string& text) {
  std::string out;
  for (const ScannedItem& item : lex_selector(text)) {
    if (item.token == SelectorToken::EndOfString) break;
    out += (out.empty() ? "" : " ") + std::string(to_string(item.token)) + "(" + item.literal + ")";
  }
  return out;
}

// parse_selector as text: the canonical string in quotes, or "error: <message>".
std::string parsed(const std::string& text) {
  Result<Selector> s = parse_selector(text);
  if (!s) return "error: " + s.error().message;
  return "\"" + s.value().str() + "\"";
}

struct Object {
  std::string name;
  Labels labels;
};

// The objects of the book's examples: Pods of two apps in two tiers and two releases.
const std::vector<Object>& pods() {
  static const std::vector<Object> kPods = {
      {"myapp-1", {{"app", "myapp"}, {"tier", "frontend"}, {"release", "stable"}}},
      {"myapp-2", {{"app", "myapp"}, {"tier", "frontend"}, {"release", "canary"}}},
      {"db-1", {{"app", "db"}, {"tier", "backend"}, {"release", "stable"}}},
      {"cache-1", {{"app", "cache"}, {"tier", "backend"}}},
      {"debug", {}},
  };
  return kPods;
}

// The names of the pods a selector picks, in order: "myapp-1 myapp-2", or "(none)".
std::string picked(const Selector& s) {
  std::string out;
  for (const Object& o : pods()) {
    if (s.matches(o.labels)) out += (out.empty() ? "" : " ") + o.name;
  }
  return out.empty() ? "(none)" : out;
}

std::string picked(const std::string& text) {
  Result<Selector> s = parse_selector(text);
  if (!s) return "error: " + s.error().message;
  return picked(s.value());
}

struct MatchCase {
  Requirement requirement;
  Labels labels;
  bool matches;
  std::string why;
};

std::string show(const Labels& labels) {
  std::string out = "{";
  for (const auto& [k, v] : labels) out += (out.size() > 1 ? ", " : "") + k + "=" + v;
  return out + "}";
}

void check_matches(const std::vector<MatchCase>& cases) {
  for (const MatchCase& c : cases) {
    INFO("Requirement `" << c.requirement.str() << "` (operator " << to_string(c.requirement.op())
                         << ").matches(" << show(c.labels) << "): " << c.why);
    CHECK(c.requirement.matches(c.labels) == c.matches);
  }
}

}  // namespace

// ---- the lexer ----------------------------------------------------------------------------

TEST_CASE("identifiers run until white space, a special character or the end, and in and notin are keywords",
          "[lab04][lexer]") {
  struct Case {
    std::string text, want, why;
  };
  const std::vector<Case> cases = {
      {"app", "Identifier(app)", "one word"},
      {"  app \t", "Identifier(app)", "white space around it is skipped"},
      {"app web", "Identifier(app) Identifier(web)", "a space ends a word"},
      {"app\nweb\r", "Identifier(app) Identifier(web)", "so do newlines and carriage returns"},
      {"example.com/tier", "Identifier(example.com/tier)", "'.', '/' and '-' are part of words"},
      {"in", "In(in)", "a keyword"},
      {"notin", "NotIn(notin)", "the other keyword"},
      {"innotin", "Identifier(innotin)", "a keyword only when it is the whole word"},
      {"IN", "Identifier(IN)", "keywords are lower case"},
      {"~ ||", "Identifier(~) Identifier(||)", "any other character is part of a word"},
      {std::string("x\0y", 3), "Identifier(x) Identifier(y)", "a NUL byte ends a word, as the end would"},
  };
  for (const Case& c : cases) {
    INFO("lex_selector(\"" << c.text << "\"): " << c.why);
    CHECK(tokens(c.text) == c.want);
  }
}

TEST_CASE("an operator is the longest run of special characters that still spells one", "[lab04][lexer]") {
  struct Case {
    std::string text, want, why;
  };
  const std::vector<Case> cases = {
      {"=", "Equals(=)", "one character"},
      {"==", "DoubleEquals(==)", "two characters beat one"},
      {"!=", "NotEquals(!=)", "'!' then '=' is one operator"},
      {"!", "DoesNotExist(!)", "'!' alone"},
      {"=!", "Equals(=) DoesNotExist(!)", "'=!' spells nothing: '=' then '!'"},
      {"<=", "LessThan(<) Equals(=)", "there is no '<=' operator"},
      {"===", "DoubleEquals(==) Equals(=)", "the longest first, then the rest"},
      {"!!", "DoesNotExist(!) DoesNotExist(!)", "two of them"},
      {"(),", "OpenPar(() ClosedPar()) Comma(,)", "punctuation is one character each"},
      {"a>1", "Identifier(a) GreaterThan(>) Identifier(1)", "special characters end words, no spaces needed"},
      {"app=web,tier!=db", "Identifier(app) Equals(=) Identifier(web) Comma(,) Identifier(tier) NotEquals(!=) Identifier(db)",
       "a whole selector"},
      {"env in (prod, qa)",
       "Identifier(env) In(in) OpenPar(() Identifier(prod) Comma(,) Identifier(qa) ClosedPar())", "a set"},
  };
  for (const Case& c : cases) {
    INFO("lex_selector(\"" << c.text << "\"): " << c.why);
    CHECK(tokens(c.text) == c.want);
  }
}

// ---- the parser ---------------------------------------------------------------------------

TEST_CASE("a selector is requirements joined by commas, parsed and printed in canonical form",
          "[lab04][parse]") {
  struct Case {
    std::string text, want;
  };
  const std::vector<Case> cases = {
      {"", "\"\""},                                // no requirement: selects everything
      {"app=myapp", "\"app=myapp\""},
      {"app==myapp", "\"app==myapp\""},
      {"tier!=frontend", "\"tier!=frontend\""},
      {"x=", "\"x=\""},                            // an empty value
      {"x=,y=b", "\"x=,y=b\""},
      {"  app = myapp ,\ttier\n!= frontend ", "\"app=myapp,tier!=frontend\""},
      {"x=a,a=x", "\"a=x,x=a\""},                  // sorted by key
      {"x=a,x!=b", "\"x=a,x!=b\""},                // one key twice: both kept, in order
      {"release", "\"release\""},                  // exists
      {"!canary", "\"!canary\""},                  // does not exist
      {"!canary,app", "\"app,!canary\""},  // sorted by key, the "!" aside
      {"x>1,z<5", "\"x>1,z<5\""},
      {"example.com/tier=web", "\"example.com/tier=web\""},
  };
  for (const Case& c : cases) {
    INFO("parse_selector(\"" << c.text << "\")");
    CHECK(parsed(c.text) == c.want);
  }
}

TEST_CASE("set requirements: in and notin take a parenthesised list, kept sorted", "[lab04][parse]") {
  struct Case {
    std::string text, want;
  };
  const std::vector<Case> cases = {
      {"environment in (production, qa),!canary", "\"!canary,environment in (production,qa)\""},
      {"tier notin (frontend)", "\"tier notin (frontend)\""},
      {"x in (b,a,b)", "\"x in (a,b)\""},          // a sorted set, duplicates gone
      {"x in(a)", "\"x in (a)\""},
      {"foo  in\t (abc)", "\"foo in (abc)\""},
      {"x in ()", "\"x in ()\""},                  // () is the set holding the empty value
      {"x notin ( )", "\"x notin ()\""},
      {"x in (abc,)", "\"x in (,abc)\""},          // an empty place is the empty value
      {"x in (,abc)", "\"x in (,abc)\""},
      {"a in (x,y,notin, z,in)", "\"a in (in,notin,x,y,z)\""},  // keywords as values
      {"in in (in)", "\"in in (in)\""},            // and as a key
      {"notin=in", "\"notin=in\""},
      {"x notin (abc,def),bar,z in (),w", "\"bar,w,x notin (abc,def),z in ()\""},
  };
  for (const Case& c : cases) {
    INFO("parse_selector(\"" << c.text << "\")");
    CHECK(parsed(c.text) == c.want);
  }
}

TEST_CASE("malformed selectors fail with upstream's message, at the first error", "[lab04][parse]") {
  const std::string bad = "error: unable to parse requirement: ";
  const std::string ops = "in, notin, =, ==, !=, gt, lt";
  struct Case {
    std::string text, want;
  };
  const std::vector<Case> cases = {
      // between requirements: SelectorParser::parse
      {"x,,y", "error: found ',', expected: identifier after ','"},
      {"x,", "error: found '', expected: identifier after ','"},
      {",x", "error: found ',', expected: !, identifier, or 'end of string'"},
      {"=a", "error: found '=', expected: !, identifier, or 'end of string'"},
      {"x=a b", "error: found 'b', expected: ',' or 'end of string'"},
      {"x==a==b", "error: found '==', expected: ',' or 'end of string'"},
      {"!x=a", "error: found '=', expected: ',' or 'end of string'"},  // "!x" ends its requirement
      {"x in (a))", "error: found ')', expected: ',' or 'end of string'"},
      // a key: SelectorParser::parse_key_and_infer_operator
      {"!", bad + "found '', expected: identifier"},
      {"!!x", bad + "found '!', expected: identifier"},
      {"!(x)", bad + "found '(', expected: identifier"},
      // an operator (given: parse_operator)
      {"x y", bad + "found 'y', expected: " + ops},
      {"x!", bad + "found '!', expected: " + ops},
      // a set: SelectorParser::parse_values
      {"x in a", bad + "found 'a' expected: '('"},
      {"x in", bad + "found '' expected: '('"},
      {"x in (=)", bad + "found '=', expected: ',', ')' or identifier"},
      {"a notin(", bad + "found '', expected: ',', ')' or identifier"},
      {"a in (xyz abc)", bad + "found 'abc', expected: ',' or ')'"},
      {"x in (a", bad + "found '', expected: ',' or ')'"},
      // a value
      {"x=(", bad + "found '(', expected: identifier"},
  };
  for (const Case& c : cases) {
    INFO("parse_selector(\"" << c.text << "\")");
    CHECK(parsed(c.text) == c.want);
  }
}

TEST_CASE("keys must be label keys and values label values, and the errors name the rule", "[lab04][parse]") {
  const std::string bad = "error: unable to parse requirement: ";
  struct Case {
    std::string text, want;
  };
  const std::vector<Case> cases = {
      {"-x", bad + "<nil>: Invalid value: \"-x\": name part " + kQualifiedNameRule},
      {"!-x", bad + "<nil>: Invalid value: \"-x\": name part " + kQualifiedNameRule},
      {"-x=a", bad + "<nil>: Invalid value: \"-x\": name part " + kQualifiedNameRule},
      {"/x in (a)", bad + "<nil>: Invalid value: \"/x\": prefix part must be non-empty"},
      {"x=-a", bad + "values[0][x]: Invalid value: \"-a\": " + kLabelValueRule},
      {"x in (b,-a)", bad + "values[0][x]: Invalid value: \"-a\": " + kLabelValueRule},
      {"x<a", bad + "values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must be an integer"},
  };
  for (const Case& c : cases) {
    INFO("parse_selector(\"" << c.text << "\")");
    CHECK(parsed(c.text) == c.want);
  }
}

// ---- matching one requirement -----------------------------------------------------------

TEST_CASE("equality and set requirements: =, ==, in need the key with one of the values", "[lab04][match]") {
  check_matches({
      {Requirement("app", Operator::Equals, {"myapp"}), {{"app", "myapp"}}, true, "the key with the value"},
      {Requirement("app", Operator::Equals, {"myapp"}), {{"app", "db"}}, false, "another value"},
      {Requirement("app", Operator::Equals, {"myapp"}), {}, false, "no such key"},
      {Requirement("app", Operator::DoubleEquals, {"myapp"}), {{"app", "myapp"}}, true, "== is ="},
      {Requirement("app", Operator::DoubleEquals, {"myapp"}), {{"tier", "myapp"}}, false, "the value under another key"},
      {Requirement("x", Operator::Equals, {""}), {{"x", ""}}, true, "an empty value is a value"},
      {Requirement("x", Operator::Equals, {""}), {}, false, "but a missing key is not an empty value"},
      {Requirement("env", Operator::In, {"prod", "qa"}), {{"env", "qa"}}, true, "one of the set"},
      {Requirement("env", Operator::In, {"prod", "qa"}), {{"env", "dev"}}, false, "none of the set"},
      {Requirement("env", Operator::In, {"prod", "qa"}), {}, false, "no such key"},
      {Requirement("env", Operator::In, {""}), {{"env", ""}}, true, "`env in ()` picks the empty value"},
  });
}

TEST_CASE("a missing key satisfies !=, notin and !key, and the negative operators nothing else",
          "[lab04][match]") {
  check_matches({
      {Requirement("tier", Operator::NotEquals, {"frontend"}), {{"tier", "backend"}}, true, "another value"},
      {Requirement("tier", Operator::NotEquals, {"frontend"}), {{"tier", "frontend"}}, false, "that very value"},
      {Requirement("tier", Operator::NotEquals, {"frontend"}), {{"app", "x"}}, true, "no such key: not frontend"},
      {Requirement("env", Operator::NotIn, {"prod", "qa"}), {{"env", "dev"}}, true, "none of the set"},
      {Requirement("env", Operator::NotIn, {"prod", "qa"}), {{"env", "prod"}}, false, "one of the set"},
      {Requirement("env", Operator::NotIn, {"prod", "qa"}), {}, true, "no such key: in none of the set"},
      {Requirement("release", Operator::Exists, {}), {{"release", ""}}, true, "present, even empty"},
      {Requirement("release", Operator::Exists, {}), {{"app", "x"}}, false, "absent"},
      {Requirement("canary", Operator::DoesNotExist, {}), {{"app", "x"}}, true, "absent"},
      {Requirement("canary", Operator::DoesNotExist, {}), {{"canary", ""}}, false, "present, even empty"},
  });
}

TEST_CASE("gt and lt compare the label's value and the requirement's as 64-bit integers", "[lab04][match]") {
  check_matches({
      {Requirement("x", Operator::GreaterThan, {"1"}), {{"x", "2"}}, true, "2 > 1"},
      {Requirement("x", Operator::GreaterThan, {"1"}), {{"x", "1"}}, false, "1 > 1 is false"},
      {Requirement("x", Operator::GreaterThan, {"9"}), {{"x", "10"}}, true, "as numbers, not as text"},
      {Requirement("x", Operator::LessThan, {"1"}), {{"x", "0"}}, true, "0 < 1"},
      {Requirement("x", Operator::LessThan, {"1"}), {{"x", "-5"}}, true, "negative numbers"},
      {Requirement("x", Operator::GreaterThan, {"1"}), {{"x", "+2"}}, true, "a '+' sign is allowed, as Go's ParseInt allows it"},
      {Requirement("x", Operator::GreaterThan, {"1"}), {}, false, "no such key"},
      {Requirement("x", Operator::GreaterThan, {"1"}), {{"x", "v2"}}, false, "a value that is no integer"},
      {Requirement("x", Operator::GreaterThan, {"1"}), {{"x", ""}}, false, "an empty value is no integer"},
      {Requirement("x", Operator::GreaterThan, {"9223372036854775806"}), {{"x", "9223372036854775807"}}, true,
       "the largest int64"},
      {Requirement("x", Operator::GreaterThan, {"1"}), {{"x", "9223372036854775808"}}, false,
       "past int64: no integer"},
      {Requirement("x", Operator::LessThan, {"1", "2"}), {{"x", "0"}}, false, "not exactly one value to compare with"},
  });
}

// ---- selecting objects ------------------------------------------------------------------------

TEST_CASE("a selector picks the objects whose labels satisfy every requirement", "[lab04][select]") {
  struct Case {
    std::string selector, want;
  };
  const std::vector<Case> cases = {
      {"app=myapp", "myapp-1 myapp-2"},  // the book's `kubectl get pods -l app=myapp`
      {"", "myapp-1 myapp-2 db-1 cache-1 debug"},
      {"tier=backend", "db-1 cache-1"},
      {"tier!=backend", "myapp-1 myapp-2 debug"},
      {"app=myapp,release=stable", "myapp-1"},
      {"release", "myapp-1 myapp-2 db-1"},
      {"!release", "cache-1 debug"},
      {"app in (myapp,db),release notin (canary)", "myapp-1 db-1"},
      {"app=nothing", "(none)"},
      {"app=myapp,app!=myapp", "(none)"},
  };
  for (const Case& c : cases) {
    INFO("the pods `" << c.selector << "` selects (parse_selector, then Selector::matches for each)");
    CHECK(picked(c.selector) == c.want);
  }
}

TEST_CASE("a LabelSelector object selects what its string form selects", "[lab04][select]") {
  LabelSelector web{{{"app", "myapp"}}, {{"release", "In", {"stable", "canary"}}, {"debug", "DoesNotExist", {}}}};
  Result<Selector> from_object = label_selector_as_selector(&web);
  REQUIRE(from_object.ok());
  CHECK(from_object.value().str() == "app=myapp,!debug,release in (canary,stable)");
  CHECK(picked(from_object.value()) == "myapp-1 myapp-2");
  CHECK(picked(from_object.value().str()) == "myapp-1 myapp-2");

  LabelSelector empty;
  CHECK(picked(label_selector_as_selector(&empty).value()) == "myapp-1 myapp-2 db-1 cache-1 debug");
  CHECK(picked(label_selector_as_selector(nullptr).value()) == "(none)");

  LabelSelector backend{{}, {{"tier", "NotIn", {"frontend"}}, {"app", "Exists", {}}}};
  CHECK(picked(label_selector_as_selector(&backend).value()) == "db-1 cache-1");
}

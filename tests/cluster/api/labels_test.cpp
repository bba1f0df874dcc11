// labels_test.cpp — label selectors parse, print, match and fail as labels.Parse does, and
// LabelSelector objects validate and convert as metav1 does.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "cluster/api/label_selector.h"
#include "cluster/api/labels.h"
#include "tests/cluster/api/upstream_messages.h"

using namespace kubepp::api;
using namespace kubepp::api::testing;
using kubepp::Result;

namespace {

const std::string kOperators = "in, notin, =, ==, !=, gt, lt";

std::string parse_failure(std::string_view text) {
  Result<Selector> s = parse_selector(text);
  if (s) return "(parsed as \"" + s.value().str() + "\")";
  return s.error().message;
}

std::string requirement_failure(std::string key, Operator op, std::vector<std::string> values) {
  Result<Requirement> r = new_requirement(std::move(key), op, std::move(values));
  if (r) return "(valid: \"" + r.value().str() + "\")";
  return r.error().message;
}

}  // namespace

TEST_CASE("label selectors parse and print in canonical form", "[unit][api][labels]") {
  struct Case {
    std::string text, canonical;
  };
  const std::vector<Case> cases = {
      {"", ""},
      {"x=a,y=b,z=c", "x=a,y=b,z=c"},
      {"x!=a,y=b", "x!=a,y=b"},
      {"x==a", "x==a"},
      {"x=", "x="},                   // an empty value
      {"x= ", "x="},
      {"x=,z= ", "x=,z="},
      {"x= ,z= ", "x=,z="},
      {"x", "x"},                     // exists
      {"!x", "!x"},                   // does not exist
      {"a ", "a"},
      {"\rx", "x"},
      {"x>1", "x>1"},
      {"x>1,z<5", "x>1,z<5"},
      {"a=x,x=a", "a=x,x=a"},
      {"x=a,a=x", "a=x,x=a"},         // sorted by key
      {"  app = myapp ,\ttier\n!= frontend ", "app=myapp,tier!=frontend"},
      {"environment in (production, qa),!canary", "!canary,environment in (production,qa)"},
      {"x in (b,a,b)", "x in (a,b)"},  // a sorted set
      {"x in ()", "x in ()"},
      {"x notin ( )", "x notin ()"},
      {"x in (abc,)", "x in (,abc)"},
      {"x notin (, a)", "x notin (,a)"},
      {"x in (,)", "x in ()"},
      {"x in (a,,b)", "x in (,a,b)"},
      {"x in (a,,,)", "x in (,a)"},
      {"foo  in\t (abc)", "foo in (abc)"},
      {"x notin\n (abc)", "x notin (abc)"},
      {"x notin (abc,def),bar,z in (),w", "bar,w,x notin (abc,def),z in ()"},
      {"a in (x,y,notin, z,in)", "a in (in,notin,x,y,z)"},  // keywords as values
      {"in in (in)", "in in (in)"},
      {"notin=in", "notin=in"},
      {"x in(a)", "x in (a)"},
      {"this-is-a-dns.domain.com/key-with-dash", "this-is-a-dns.domain.com/key-with-dash"},
      {"0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)", "0.1.2.domain/99 notin (10.10.100.1,tick.tack.clock)"},
      {"x=a,x!=b", "x=a,x!=b"},        // one key twice: both kept, in order
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    Result<Selector> s = parse_selector(c.text);
    REQUIRE(s.ok());
    CHECK(s.value().str() == c.canonical);
    Result<Selector> again = parse_selector(s.value().str());  // the canonical form round-trips
    REQUIRE(again.ok());
    CHECK(again.value().str() == c.canonical);
    CHECK(again.value().requirements() == s.value().requirements());
  }
}

TEST_CASE("malformed label selectors fail with upstream's message", "[unit][api][labels]") {
  struct Case {
    std::string text, message;
  };
  const std::string bad = "unable to parse requirement: ";
  const std::vector<Case> cases = {
      // between requirements
      {"x=a||y=b", bad + "values[0][x]: Invalid value: \"a||y\": " + kLabelValueRule},  // "|" is no operator
      {"x==a==b", "found '==', expected: ',' or 'end of string'"},
      {"!x=a", "found '=', expected: ',' or 'end of string'"},
      {"x=a b", "found 'b', expected: ',' or 'end of string'"},
      {"a in (xyz)b notin ()", "found 'b', expected: ',' or 'end of string'"},
      {"x in (a))", "found ')', expected: ',' or 'end of string'"},
      {"x,,y", "found ',', expected: identifier after ','"},
      {"x,", "found '', expected: identifier after ','"},
      {"a in (xyz),", "found '', expected: identifier after ','"},
      {",x,y", "found ',', expected: !, identifier, or 'end of string'"},
      {"(", "found '(', expected: !, identifier, or 'end of string'"},
      {"=a", "found '=', expected: !, identifier, or 'end of string'"},
      // inside a requirement
      {"!", bad + "found '', expected: identifier"},
      {"!!x", bad + "found '!', expected: identifier"},
      {"x nott in (y)", bad + "found 'nott', expected: " + kOperators},
      {"x y", bad + "found 'y', expected: " + kOperators},
      {"a (", bad + "found '(', expected: " + kOperators},
      {"x!", bad + "found '!', expected: " + kOperators},
      {"xin(a)", bad + "found '(', expected: " + kOperators},
      {"x in a", bad + "found 'a' expected: '('"},  // upstream's missing comma
      {"x in", bad + "found '' expected: '('"},
      {"x in in", bad + "found 'in' expected: '('"},
      {"a notin(", bad + "found '', expected: ',', ')' or identifier"},
      {"x in (=)", bad + "found '=', expected: ',', ')' or identifier"},
      {"a in (xyz abc)", bad + "found 'abc', expected: ',' or ')'"},
      {"x in (a", bad + "found '', expected: ',' or ')'"},
      {"x in (a,=)", bad + "found '=', expected: ',', or identifier"},
      {"x in (a,,)", bad + "found ')', expected: ',', or identifier"},  // as 1.27-1.33 answer
      {"x in (,,)", bad + "found ')', expected: ',', or identifier"},
      {"x=(", bad + "found '(', expected: identifier"},
      {"x=!a", bad + "found '!', expected: identifier"},
      {"x<=1", bad + "found '=', expected: identifier"},
      // values that break a rule
      {"x<a", bad + "values[0]: Invalid value: \"a\": for 'Gt', 'Lt' operators, the value must be an integer"},
      {"x>", bad + "values[0]: Invalid value: \"\": for 'Gt', 'Lt' operators, the value must be an integer"},
      {"x>99999999999999999999", bad + "values[0]: Invalid value: \"99999999999999999999\": for 'Gt', 'Lt' operators, the value must be an integer"},
      {"x<-1", bad + "values[0][x]: Invalid value: \"-1\": " + kLabelValueRule},
      {"x>-a", bad + "[values[0]: Invalid value: \"-a\": for 'Gt', 'Lt' operators, the value must be an integer, "
                     "values[0][x]: Invalid value: \"-a\": " + kLabelValueRule + "]"},
      {"x=-a", bad + "values[0][x]: Invalid value: \"-a\": " + kLabelValueRule},
      {"x in (b,-a)", bad + "values[0][x]: Invalid value: \"-a\": " + kLabelValueRule},
      {"x in (a,b-)", bad + "values[1][x]: Invalid value: \"b-\": " + kLabelValueRule},  // index in sorted order
      {"x=é", bad + "values[0][x]: Invalid value: \"é\": " + kLabelValueRule},
      {"x=" + std::string(64, 'v'), bad + "values[0][x]: Invalid value: \"" + std::string(64, 'v') + "\": must be no more than 63 characters"},
      // keys that break a rule: checked against the parser's absent path, "<nil>"
      {"-x", bad + "<nil>: Invalid value: \"-x\": name part " + kQualifiedNameRule},
      {"-x=a", bad + "<nil>: Invalid value: \"-x\": name part " + kQualifiedNameRule},
      {"ключ=a", bad + "<nil>: Invalid value: \"ключ\": name part " + kQualifiedNameRule},
      {std::string(64, 'k'), bad + "<nil>: Invalid value: \"" + std::string(64, 'k') + "\": name part must be no more than 63 characters"},
      {"-" + std::string(63, 'k'), bad + "<nil>: Invalid value: \"-" + std::string(63, 'k') +
                                       "\": name part must be no more than 63 characters; name part " + kQualifiedNameRule},
      {"/x", bad + "<nil>: Invalid value: \"/x\": prefix part must be non-empty"},
      {"a/b/c", bad + "<nil>: Invalid value: \"a/b/c\": a qualified name " + kQualifiedNameRule +
                    " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')"},
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    CHECK(parse_failure(c.text) == c.message);
  }
  SECTION("a path given to the parser names the field instead of <nil>") {
    Result<Selector> s = parse_selector("-x", Path("spec").child("selector"));
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().code == kubepp::ErrorCode::Invalid);
    CHECK(s.error().message == bad + "spec.selector: Invalid value: \"-x\": name part " + kQualifiedNameRule);
    CHECK(parse_selector("x=-a", Path("spec").child("selector")).error().message ==
          bad + "spec.selector.values[0][x]: Invalid value: \"-a\": " + kLabelValueRule);
  }
}

TEST_CASE("the lexer takes the longest operator and treats keywords as words", "[unit][api][labels]") {
  using T = SelectorToken;
  struct Case {
    std::string text;
    std::vector<ScannedItem> items;
  };
  const std::vector<Case> cases = {
      {"", {{T::EndOfString, ""}}},
      {"!=", {{T::NotEquals, "!="}, {T::EndOfString, ""}}},
      {"=!", {{T::Equals, "="}, {T::DoesNotExist, "!"}, {T::EndOfString, ""}}},
      {"<=", {{T::LessThan, "<"}, {T::Equals, "="}, {T::EndOfString, ""}}},
      {"~ ||", {{T::Identifier, "~"}, {T::Identifier, "||"}, {T::EndOfString, ""}}},
      {"key in ( value1, value2 )",
       {{T::Identifier, "key"}, {T::In, "in"}, {T::OpenPar, "("}, {T::Identifier, "value1"}, {T::Comma, ","},
        {T::Identifier, "value2"}, {T::ClosedPar, ")"}, {T::EndOfString, ""}}},
      {"== != (), = notin",
       {{T::DoubleEquals, "=="}, {T::NotEquals, "!="}, {T::OpenPar, "("}, {T::ClosedPar, ")"}, {T::Comma, ","},
        {T::Equals, "="}, {T::NotIn, "notin"}, {T::EndOfString, ""}}},
      {"key>2", {{T::Identifier, "key"}, {T::GreaterThan, ">"}, {T::Identifier, "2"}, {T::EndOfString, ""}}},
      {"innotin", {{T::Identifier, "innotin"}, {T::EndOfString, ""}}},
      {std::string("x\0y", 3), {{T::Identifier, "x"}, {T::Identifier, "y"}, {T::EndOfString, ""}}},
      {std::string("\0x", 2), {{T::EndOfString, ""}}},  // a NUL reads as the end of the input
  };
  for (const Case& c : cases) {
    CAPTURE(c.text);
    CHECK(lex_selector(c.text) == c.items);
  }
}

TEST_CASE("selectors match label sets", "[unit][api][labels]") {
  struct Case {
    std::string selector;
    Labels labels;
    bool matches;
  };
  const Labels foo_baz = {{"foo", "bar"}, {"baz", "blah"}};
  const std::vector<Case> cases = {
      {"", {{"x", "y"}}, true},
      {"", {}, true},
      {"x=y", {{"x", "y"}}, true},
      {"x==y", {{"x", "y"}}, true},
      {"x=y,z=w", {{"x", "y"}, {"z", "w"}}, true},
      {"x!=y,z!=w", {{"x", "z"}, {"z", "a"}}, true},
      {"notin=in", {{"notin", "in"}}, true},
      {"x", {{"x", "z"}}, true},
      {"x", {{"x", ""}}, true},
      {"!x", {{"y", "z"}}, true},
      {"x>1", {{"x", "2"}}, true},
      {"x<1", {{"x", "0"}}, true},
      {"x=", {{"x", ""}}, true},
      {"x=", {}, false},
      {"x=z", {}, false},
      {"x=y", {{"x", "z"}}, false},
      {"x=y,z=w", {{"x", "w"}, {"z", "w"}}, false},
      {"x!=y,z!=w", {{"x", "z"}, {"z", "w"}}, false},
      {"x!=y", {}, true},  // a missing key is "not y"
      {"x", {{"y", "z"}}, false},
      {"!x", {{"x", "z"}}, false},
      {"x>1", {{"x", "0"}}, false},
      {"x<1", {{"x", "2"}}, false},
      {"x>1", {}, false},
      {"x>1", {{"x", "v2"}}, false},       // not an integer
      {"x>1", {{"x", "+2"}}, true},        // Go's ParseInt takes a sign
      {"x in (a,b)", {{"x", "b"}}, true},
      {"x in (a,b)", {{"x", "c"}}, false},
      {"x in (a,b)", {}, false},
      {"x in ()", {{"x", ""}}, true},
      {"x notin (a)", {}, true},
      {"x notin (a)", {{"x", "a"}}, false},
      {"x notin ()", {{"y", ""}}, true},
      {"foo=bar,baz=blah", foo_baz, true},
      {"foo=bar,foobar=bar,baz=blah", foo_baz, false},
  };
  for (const Case& c : cases) {
    CAPTURE(c.selector);
    Result<Selector> s = parse_selector(c.selector);
    REQUIRE(s.ok());
    CHECK(s.value().matches(c.labels) == c.matches);
  }
  SECTION("gt and lt compare 64-bit integers") {
    Requirement gt("x", Operator::GreaterThan, {"9223372036854775806"});
    CHECK(gt.matches({{"x", "9223372036854775807"}}));
    CHECK_FALSE(gt.matches({{"x", "9223372036854775808"}}));  // out of range: not an integer
    Requirement lt("x", Operator::LessThan, {"-9223372036854775807"});
    CHECK(lt.matches({{"x", "-9223372036854775808"}}));
    CHECK_FALSE(Requirement("x", Operator::LessThan, {"1", "2"}).matches({{"x", "0"}}));
  }
}

TEST_CASE("everything, nothing and exact matches", "[unit][api][labels]") {
  CHECK(Selector::everything().empty());
  CHECK(Selector::everything().matches({{"x", "y"}}));
  CHECK(Selector::everything().str() == "");
  CHECK_FALSE(Selector::nothing().empty());
  CHECK(Selector::nothing().is_nothing());
  CHECK_FALSE(Selector::nothing().matches({}));
  CHECK(Selector::nothing().str() == "");
  CHECK(Selector::nothing().add({Requirement("a", Operator::Exists, {})}).is_nothing());

  Selector s = parse_selector("app=web,tier in (fe),env in (a,b),x!=y").value();
  CHECK(s.requires_exact_match("app") == "web");
  CHECK(s.requires_exact_match("tier") == "fe");
  CHECK_FALSE(s.requires_exact_match("env"));
  CHECK_FALSE(s.requires_exact_match("x"));
  CHECK_FALSE(s.requires_exact_match("missing"));

  Selector added = Selector().add({Requirement("key2", Operator::Equals, {"value2"})})
                       .add({Requirement("key", Operator::In, {"value"})});
  CHECK(added.str() == "key in (value),key2=value2");

  CHECK(selector_from_set({{"b", "2"}, {"a", "1"}}).str() == "a=1,b=2");
  CHECK(selector_from_set({}).empty());
  CHECK(selector_from_set({{"app", "-not-validated"}}).str() == "app=-not-validated");
}

TEST_CASE("requirements are validated as NewRequirement validates them", "[unit][api][labels]") {
  CHECK(requirement_failure("x", Operator::In, {}) ==
        "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty");
  CHECK(requirement_failure("x", Operator::NotIn, {"foo"}) == "(valid: \"x notin (foo)\")");
  CHECK(requirement_failure("x", Operator::Exists, {"a"}) ==
        "values: Invalid value: []string{\"a\"}: values set must be empty for exists and does not exist");
  CHECK(requirement_failure("x", Operator::Equals, {"a", "b"}) ==
        "values: Invalid value: []string{\"a\", \"b\"}: exact-match compatibility requires one single value");
  CHECK(requirement_failure("foo", Operator::GreaterThan, {"bar"}) ==
        "values[0]: Invalid value: \"bar\": for 'Gt', 'Lt' operators, the value must be an integer");
  CHECK(requirement_failure("y", Operator::GreaterThan, {"1", "2"}) ==
        "values: Invalid value: []string{\"1\", \"2\"}: for 'Gt', 'Lt' operators, exactly one value is required");
  CHECK(requirement_failure(std::string(254, 'a'), Operator::Exists, {}) ==
        "key: Invalid value: \"" + std::string(254, 'a') + "\": name part must be no more than 63 characters");
  CHECK(requirement_failure("1234", Operator::In, {"bar"}) == "(valid: \"1234 in (bar)\")");
  CHECK(requirement_failure("-k", Operator::In, {"-v"}) ==
        "[key: Invalid value: \"-k\": name part " + kQualifiedNameRule + ", values[0][-k]: Invalid value: \"-v\": " +
            kLabelValueRule + "]");
  // Values are printed sorted but kept as given.
  Requirement r = new_requirement("x", Operator::In, {"b", "a"}).value();
  CHECK(r.values() == std::vector<std::string>{"b", "a"});
  CHECK(r.str() == "x in (a,b)");
  CHECK(std::string(to_string(Operator::GreaterThan)) == "gt");
}

TEST_CASE("LabelSelector objects validate with upstream's paths and words", "[unit][api][labels]") {
  const Path selector = Path("spec").child("selector");
  auto errors_of = [&](const LabelSelector& s, LabelSelectorValidationOptions o = {}) {
    std::vector<std::string> out;
    for (const FieldError& e : validate_label_selector(&s, selector, o)) out.push_back(e.str());
    return out;
  };
  CHECK(validate_label_selector(nullptr, selector).empty());
  CHECK(errors_of({{{"app", "web"}}, {{"tier", "In", {"fe", "be"}}, {"canary", "DoesNotExist", {}}}}).empty());

  SECTION("matchLabels") {
    CHECK(errors_of({{{"-x", "v"}}, {}}) ==
          std::vector<std::string>{"spec.selector.matchLabels: Invalid value: \"-x\": name part " + kQualifiedNameRule});
  }
  SECTION("In and NotIn need values") {
    CHECK(errors_of({{}, {{"tier", "In", {}}}}) ==
          std::vector<std::string>{"spec.selector.matchExpressions[0].values: Required value: must be specified when "
                                   "`operator` is 'In' or 'NotIn'"});
  }
  SECTION("Exists and DoesNotExist take none") {
    CHECK(errors_of({{}, {{"a", "In", {"x"}}, {"tier", "Exists", {"x"}}}}) ==
          std::vector<std::string>{"spec.selector.matchExpressions[1].values: Forbidden: may not be specified when "
                                   "`operator` is 'Exists' or 'DoesNotExist'"});
  }
  SECTION("an unknown operator, a bad key and a bad value are all reported") {
    CHECK(errors_of({{}, {{"-k", "in", {"ok", "-v"}}}}) ==
          std::vector<std::string>{
              "spec.selector.matchExpressions[0].operator: Invalid value: \"in\": not a valid selector operator",
              "spec.selector.matchExpressions[0].key: Invalid value: \"-k\": name part " + kQualifiedNameRule,
              "spec.selector.matchExpressions[0].values[1]: Invalid value: \"-v\": " + kLabelValueRule,
          });
    CHECK(errors_of({{}, {{"k", "", {}}}}) ==
          std::vector<std::string>{"spec.selector.matchExpressions[0].operator: Invalid value: \"\": not a valid selector operator"});
  }
  SECTION("stored objects may keep invalid values") {
    CHECK(errors_of({{}, {{"k", "In", {"-v"}}}}, {.allow_invalid_label_value_in_selector = true}).empty());
  }
}

TEST_CASE("LabelSelector objects convert to selectors: null is nothing, empty is everything", "[unit][api][labels]") {
  Result<Selector> null = label_selector_as_selector(nullptr);
  REQUIRE(null.ok());
  CHECK(null.value().is_nothing());
  CHECK_FALSE(null.value().matches({}));

  LabelSelector empty;
  REQUIRE(label_selector_as_selector(&empty).ok());
  CHECK(label_selector_as_selector(&empty).value().empty());
  CHECK(label_selector_as_selector(&empty).value().matches({{"any", "thing"}}));

  LabelSelector web{{{"app", "myapp"}},
                    {{"tier", "In", {"frontend", "backend"}}, {"canary", "DoesNotExist", {}}, {"env", "Exists", {}},
                     {"zone", "NotIn", {"b", "a"}}}};
  Result<Selector> s = label_selector_as_selector(&web);
  REQUIRE(s.ok());
  CHECK(s.value().str() == "app=myapp,!canary,env,tier in (backend,frontend),zone notin (a,b)");
  CHECK(s.value().matches({{"app", "myapp"}, {"tier", "frontend"}, {"env", ""}}));
  CHECK_FALSE(s.value().matches({{"app", "myapp"}, {"tier", "frontend"}, {"env", ""}, {"canary", "1"}}));

  SECTION("errors") {
    LabelSelector bad_op{{}, {{"k", "Gt", {"1"}}}};
    CHECK(label_selector_as_selector(&bad_op).error().message == "\"Gt\" is not a valid label selector operator");
    LabelSelector no_values{{}, {{"k", "In", {}}}};
    CHECK(label_selector_as_selector(&no_values).error().message ==
          "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty");
    LabelSelector bad_label{{{"app", "-x"}}, {}};
    CHECK(label_selector_as_selector(&bad_label).error().message ==
          "values[0][app]: Invalid value: \"-x\": " + kLabelValueRule);
  }
  SECTION("format: <none> for null and empty, <error> when it does not convert") {
    CHECK(format_label_selector(nullptr) == "<none>");
    CHECK(format_label_selector(&empty) == "<none>");
    CHECK(format_label_selector(&web) == "app=myapp,!canary,env,tier in (backend,frontend),zone notin (a,b)");
    LabelSelector bad_op{{}, {{"k", "Foo", {}}}};
    CHECK(format_label_selector(&bad_op) == "<error>");
  }
}

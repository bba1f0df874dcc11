// labels.cpp — label selectors: requirements, matching, and a hand-written lexer and
// recursive-descent parser for the string grammar in labels.h.
//
// The parser follows upstream's (k8s.io/apimachinery/pkg/labels/selector.go) step by step,
// so that every input — including the odd ones — gets the same answer and the same error
// text as a real API server of the 1.27–1.33 line. The quirks kept on purpose are marked
// "Upstream quirk".
#include "cluster/api/labels.h"

#include <algorithm>
#include <cstdint>
#include <set>
#include <utility>

#include "cluster/api/names.h"

namespace kubepp::api {

namespace {

Error parse_error(std::string message) { return Error{ErrorCode::Invalid, std::move(message)}; }

std::string join(const std::vector<std::string>& parts, std::string_view sep) {
  std::string out;
  for (size_t i = 0; i < parts.size(); i++) {
    if (i > 0) out += sep;
    out += parts[i];
  }
  return out;
}

// Go's strconv.ParseInt(s, 10, 64): an optional sign, then decimal digits, in range.
bool parse_int64(std::string_view s, int64_t* out) {
  size_t i = 0;
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    i = 1;
  }
  if (i == s.size()) return false;
  const uint64_t limit = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
  uint64_t n = 0;
  for (; i < s.size(); i++) {
    if (s[i] < '0' || s[i] > '9') return false;
    uint64_t digit = static_cast<uint64_t>(s[i] - '0');
    if (n > (limit - digit) / 10) return false;
    n = n * 10 + digit;
  }
  *out = negative ? static_cast<int64_t>(0 - n) : static_cast<int64_t>(n);
  return true;
}

// How Go prints a []string with %#v, as field errors show the values of a requirement.
// An empty list prints as a nil slice: the only way to reach that message is a
// matchExpressions entry with no values, which upstream copies into a nil slice.
std::string go_string_slice(const std::vector<std::string>& values) {
  if (values.empty()) return "[]string(nil)";
  std::string out = "[]string{";
  for (size_t i = 0; i < values.size(); i++) out += (i ? ", " : "") + quoted(values[i]);
  return out + "}";
}

// The text of a field.ErrorList turned into one error (ToAggregate): duplicates dropped,
// one error as it is, several as "[a, b]".
std::string aggregate_message(const ErrorList& errors) {
  std::vector<std::string> messages;
  for (const FieldError& e : errors) {
    std::string m = e.str();
    if (std::find(messages.begin(), messages.end(), m) == messages.end()) messages.push_back(std::move(m));
  }
  if (messages.size() == 1) return messages[0];
  return "[" + join(messages, ", ") + "]";
}

// validateLabelKey: one Invalid error whose detail joins every broken rule with "; ".
std::optional<FieldError> label_key_error(std::string_view key, const Path& path) {
  std::vector<std::string> errs = is_qualified_name(key);
  if (errs.empty()) return std::nullopt;
  return invalid(path, quoted(key), join(errs, "; "));
}

}  // namespace

const char* to_string(SelectorToken token) {
  switch (token) {
    case SelectorToken::Error: return "Error";
    case SelectorToken::EndOfString: return "EndOfString";
    case SelectorToken::ClosedPar: return "ClosedPar";
    case SelectorToken::Comma: return "Comma";
    case SelectorToken::DoesNotExist: return "DoesNotExist";
    case SelectorToken::DoubleEquals: return "DoubleEquals";
    case SelectorToken::Equals: return "Equals";
    case SelectorToken::GreaterThan: return "GreaterThan";
    case SelectorToken::Identifier: return "Identifier";
    case SelectorToken::In: return "In";
    case SelectorToken::LessThan: return "LessThan";
    case SelectorToken::NotEquals: return "NotEquals";
    case SelectorToken::NotIn: return "NotIn";
    case SelectorToken::OpenPar: return "OpenPar";
  }
  return "?";
}

const char* to_string(Operator op) {
  switch (op) {
    case Operator::DoesNotExist: return "!";
    case Operator::Equals: return "=";
    case Operator::DoubleEquals: return "==";
    case Operator::In: return "in";
    case Operator::NotEquals: return "!=";
    case Operator::NotIn: return "notin";
    case Operator::Exists: return "exists";
    case Operator::GreaterThan: return "gt";
    case Operator::LessThan: return "lt";
  }
  return "";
}

// ---- requirements ---------------------------------------------------------------------

//> lab04 matches
bool Requirement::matches(const Labels& labels) const {
  auto it = labels.find(key_);
  bool has_key = it != labels.end();
  auto has_value = [&](const std::string& v) { return std::find(values_.begin(), values_.end(), v) != values_.end(); };
  switch (op_) {
    case Operator::In:
    case Operator::Equals:
    case Operator::DoubleEquals: return has_key && has_value(it->second);
    case Operator::NotIn:
    case Operator::NotEquals: return !has_key || !has_value(it->second);
    case Operator::Exists: return has_key;
    case Operator::DoesNotExist: return !has_key;
    case Operator::GreaterThan:
    case Operator::LessThan: {
      int64_t have = 0, want = 0;
      if (!has_key || !parse_int64(it->second, &have)) return false;
      if (values_.size() != 1 || !parse_int64(values_[0], &want)) return false;
      return op_ == Operator::GreaterThan ? have > want : have < want;
    }
  }
  return false;
}

//< lab04

std::string Requirement::str() const {
  std::string s = op_ == Operator::DoesNotExist ? "!" : "";
  s += key_;
  switch (op_) {
    case Operator::Equals: s += "="; break;
    case Operator::DoubleEquals: s += "=="; break;
    case Operator::NotEquals: s += "!="; break;
    case Operator::In: s += " in "; break;
    case Operator::NotIn: s += " notin "; break;
    case Operator::GreaterThan: s += ">"; break;
    case Operator::LessThan: s += "<"; break;
    case Operator::Exists:
    case Operator::DoesNotExist: return s;
  }
  bool is_set = op_ == Operator::In || op_ == Operator::NotIn;
  std::vector<std::string> sorted = values_;  // printed sorted, stored as given
  std::sort(sorted.begin(), sorted.end());
  return s + (is_set ? "(" : "") + join(sorted, ",") + (is_set ? ")" : "");
}

Result<Requirement> new_requirement(std::string key, Operator op, std::vector<std::string> values,
                                    const Path& path) {
  ErrorList errs;
  if (auto e = label_key_error(key, path.child("key"))) errs.push_back(*e);
  Path values_path = path.child("values");
  switch (op) {
    case Operator::In:
    case Operator::NotIn:
      if (values.empty()) {
        errs.push_back(invalid(values_path, go_string_slice(values), "for 'in', 'notin' operators, values set can't be empty"));
      }
      break;
    case Operator::Equals:
    case Operator::DoubleEquals:
    case Operator::NotEquals:
      if (values.size() != 1) {
        errs.push_back(invalid(values_path, go_string_slice(values), "exact-match compatibility requires one single value"));
      }
      break;
    case Operator::Exists:
    case Operator::DoesNotExist:
      if (!values.empty()) {
        errs.push_back(invalid(values_path, go_string_slice(values), "values set must be empty for exists and does not exist"));
      }
      break;
    case Operator::GreaterThan:
    case Operator::LessThan:
      if (values.size() != 1) {
        errs.push_back(invalid(values_path, go_string_slice(values), "for 'Gt', 'Lt' operators, exactly one value is required"));
      }
      for (size_t i = 0; i < values.size(); i++) {
        int64_t ignored = 0;
        if (!parse_int64(values[i], &ignored)) {
          errs.push_back(invalid(values_path.index(i), quoted(values[i]), "for 'Gt', 'Lt' operators, the value must be an integer"));
        }
      }
      break;
  }
  for (size_t i = 0; i < values.size(); i++) {
    std::vector<std::string> msgs = is_valid_label_value(values[i]);
    if (!msgs.empty()) errs.push_back(invalid(values_path.index(i).key(key), quoted(values[i]), join(msgs, "; ")));
  }
  if (!errs.empty()) return parse_error(aggregate_message(errs));
  return Requirement(std::move(key), op, std::move(values));
}

// ---- selectors ------------------------------------------------------------------------

Selector Selector::nothing() {
  Selector s;
  s.nothing_ = true;
  return s;
}

bool Selector::matches(const Labels& labels) const {
  if (nothing_) return false;
  for (const Requirement& r : requirements_) {
    if (!r.matches(labels)) return false;
  }
  return true;
}

Selector Selector::add(std::vector<Requirement> more) const {
  if (nothing_) return *this;  // nothing stays nothing
  Selector s = *this;
  for (Requirement& r : more) s.requirements_.push_back(std::move(r));
  std::stable_sort(s.requirements_.begin(), s.requirements_.end(),
                   [](const Requirement& a, const Requirement& b) { return a.key() < b.key(); });
  return s;
}

std::optional<std::string> Selector::requires_exact_match(std::string_view label) const {
  for (const Requirement& r : requirements_) {
    if (r.key() != label) continue;
    bool exact = r.op() == Operator::Equals || r.op() == Operator::DoubleEquals || r.op() == Operator::In;
    if (exact && r.values().size() == 1) return r.values()[0];
    return std::nullopt;
  }
  return std::nullopt;
}

std::string Selector::str() const {
  std::vector<std::string> parts;
  for (const Requirement& r : requirements_) parts.push_back(r.str());
  return join(parts, ",");
}

Selector selector_from_set(const Labels& set) {
  std::vector<Requirement> reqs;
  for (const auto& [key, value] : set) reqs.emplace_back(key, Operator::Equals, std::vector<std::string>{value});
  return Selector().add(std::move(reqs));
}

// ---- the lexer ------------------------------------------------------------------------

namespace {

constexpr bool is_whitespace(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

// The characters that can start an operator or punctuation; they also end identifiers.
constexpr bool is_special_symbol(char c) {
  switch (c) {
    case '=': case '!': case '(': case ')': case ',': case '>': case '<': return true;
    default: return false;
  }
}

// The fixed spellings of tokens (labels' string2token): operators, punctuation, keywords.
constexpr std::pair<std::string_view, SelectorToken> kTokens[] = {
    {")", SelectorToken::ClosedPar},     {",", SelectorToken::Comma},
    {"!", SelectorToken::DoesNotExist},  {"==", SelectorToken::DoubleEquals},
    {"=", SelectorToken::Equals},        {">", SelectorToken::GreaterThan},
    {"in", SelectorToken::In},           {"<", SelectorToken::LessThan},
    {"!=", SelectorToken::NotEquals},    {"notin", SelectorToken::NotIn},
    {"(", SelectorToken::OpenPar},
};

// The token `literal` spells, or nothing when it spells none (it is then an identifier,
// or not yet a whole operator).
constexpr std::optional<SelectorToken> token_for(std::string_view literal) {
  for (const auto& [spelling, token] : kTokens) {
    if (literal == spelling) return token;
  }
  return std::nullopt;
}

// Turns the input into tokens one call of lex() at a time. Works on bytes; a NUL byte
// reads like the end of the input (upstream quirk: it is how its read() reports the end).
class Lexer {
 public:
  explicit Lexer(std::string_view input) : input_(input) {}
  ScannedItem lex();

 private:
  // The next byte, or '\0' at the end (without moving past the end).
  char read() { return pos_ < input_.size() ? input_[pos_++] : '\0'; }
  void unread() { pos_--; }
  ScannedItem scan_identifier_or_keyword();
  ScannedItem scan_special_symbol();

  std::string_view input_;
  size_t pos_ = 0;
};

ScannedItem Lexer::lex() {
  char ch = read();
  while (is_whitespace(ch)) ch = read();
  if (ch == '\0') return {SelectorToken::EndOfString, ""};
  unread();
  if (is_special_symbol(ch)) return scan_special_symbol();
  return scan_identifier_or_keyword();
}

// Everything up to whitespace, a special symbol or the end; "in" and "notin" are keywords.
//> lab04 scan_identifier_or_keyword
ScannedItem Lexer::scan_identifier_or_keyword() {
  std::string buffer;
  while (true) {
    char ch = read();
    if (ch == '\0') break;
    if (is_special_symbol(ch) || is_whitespace(ch)) {
      unread();
      break;
    }
    buffer += ch;
  }
  if (auto token = token_for(buffer)) return {*token, buffer};
  return {SelectorToken::Identifier, buffer};
}

//< lab04

// The longest run of special symbols that still spells a token: "!=" over "!", but "=!"
// is "=" followed by "!".
//> lab04 scan_special_symbol
ScannedItem Lexer::scan_special_symbol() {
  std::optional<ScannedItem> last;
  std::string buffer;
  while (true) {
    char ch = read();
    if (ch == '\0') break;
    if (!is_special_symbol(ch)) {
      unread();
      break;
    }
    buffer += ch;
    if (auto token = token_for(buffer)) {
      last = ScannedItem{*token, buffer};
    } else if (last) {
      unread();
      break;
    }
  }
  if (!last) return {SelectorToken::Error, "error expected: keyword found '" + buffer + "'"};
  return *last;
}

//< lab04

}  // namespace

std::vector<ScannedItem> lex_selector(std::string_view text) {
  Lexer lexer(text);
  std::vector<ScannedItem> items;
  do {
    items.push_back(lexer.lex());
  } while (items.back().token != SelectorToken::EndOfString);
  return items;
}

// ---- the parser -----------------------------------------------------------------------

// A recursive-descent parser over the scanned tokens, one function per grammar rule.
// Each returns the first error it meets, worded as upstream words it.
//
// Unlike the lexer it is not in the anonymous namespace: lab 04 stubs some of its
// functions, and a function of internal linkage that only a stub called would be
// "defined but not used", an error under -Werror. Its name is unique in kubepp::api.
class SelectorParser {
 public:
  SelectorParser(std::string_view input, const Path& path) : items_(lex_selector(input)), path_(path) {}
  Result<std::vector<Requirement>> parse();

 private:
  // "in" and "notin" are operators only after a key; where a value may stand they are
  // plain identifiers (`in in (in)`).
  enum class Context { KeyAndOperator, Values };
  struct KeyAndOperator {
    std::string key;
    std::optional<Operator> op;  // Exists or DoesNotExist when the requirement ends here
  };

  ScannedItem lookahead(Context context) const;
  ScannedItem consume(Context context);
  Result<Requirement> parse_requirement();
  Result<KeyAndOperator> parse_key_and_infer_operator();
  Result<Operator> parse_operator();
  Result<std::vector<std::string>> parse_values();
  Result<std::set<std::string>> parse_identifiers_list();
  Result<std::vector<std::string>> parse_exact_value();

  std::vector<ScannedItem> items_;  // ends with EndOfString
  size_t position_ = 0;
  Path path_;
};

// The current token, without moving on. Past the end it stays on EndOfString.
ScannedItem SelectorParser::lookahead(Context context) const {
  ScannedItem item = items_[std::min(position_, items_.size() - 1)];
  bool keyword = item.token == SelectorToken::In || item.token == SelectorToken::NotIn;
  if (context == Context::Values && keyword) item.token = SelectorToken::Identifier;
  return item;
}

ScannedItem SelectorParser::consume(Context context) {
  ScannedItem item = lookahead(context);
  position_++;
  return item;
}

// selector ::= "" | requirement ("," requirement)*
//> lab04 parse
Result<std::vector<Requirement>> SelectorParser::parse() {
  std::vector<Requirement> requirements;
  while (true) {
    ScannedItem next = lookahead(Context::Values);
    switch (next.token) {
      case SelectorToken::Identifier:
      case SelectorToken::DoesNotExist: {
        Result<Requirement> r = parse_requirement();
        if (!r) return parse_error("unable to parse requirement: " + r.error().message);
        requirements.push_back(std::move(r).value());
        ScannedItem after = consume(Context::Values);
        if (after.token == SelectorToken::EndOfString) return requirements;
        if (after.token != SelectorToken::Comma) {
          return parse_error("found '" + after.literal + "', expected: ',' or 'end of string'");
        }
        ScannedItem following = lookahead(Context::Values);
        if (following.token != SelectorToken::Identifier && following.token != SelectorToken::DoesNotExist) {
          return parse_error("found '" + following.literal + "', expected: identifier after ','");
        }
        break;
      }
      case SelectorToken::EndOfString: return requirements;
      default: return parse_error("found '" + next.literal + "', expected: !, identifier, or 'end of string'");
    }
  }
}
//< lab04

// requirement ::= ["!"] KEY [ operator values ]
Result<Requirement> SelectorParser::parse_requirement() {
  Result<KeyAndOperator> head = parse_key_and_infer_operator();
  if (!head) return head.error();
  std::string key = std::move(head.value().key);
  if (head.value().op) return new_requirement(std::move(key), *head.value().op, {}, path_);
  Result<Operator> op = parse_operator();
  if (!op) return op.error();
  Result<std::vector<std::string>> values = op.value() == Operator::In || op.value() == Operator::NotIn
                                                ? parse_values()
                                                : parse_exact_value();
  if (!values) return values.error();
  return new_requirement(std::move(key), op.value(), std::move(values).value(), path_);
}

// ["!"] KEY, and whether the requirement ends after it ("app" means app exists). Upstream
// quirk: "!x" ends the requirement even when more follows, so "!x=a" fails later, at "=".
//> lab04 parse_key_and_infer_operator
Result<SelectorParser::KeyAndOperator> SelectorParser::parse_key_and_infer_operator() {
  KeyAndOperator out;
  ScannedItem item = consume(Context::Values);
  if (item.token == SelectorToken::DoesNotExist) {
    out.op = Operator::DoesNotExist;
    item = consume(Context::Values);
  }
  if (item.token != SelectorToken::Identifier) return parse_error("found '" + item.literal + "', expected: identifier");
  // The key is checked here against the parser's own path, which Go prints as "<nil>"
  // when absent (upstream quirk, seen by every kubectl user who mistypes a key).
  if (auto e = label_key_error(item.literal, path_.empty() ? Path("<nil>") : path_)) return parse_error(e->str());
  SelectorToken next = lookahead(Context::Values).token;
  if (!out.op && (next == SelectorToken::EndOfString || next == SelectorToken::Comma)) out.op = Operator::Exists;
  out.key = std::move(item.literal);
  return out;
}
//< lab04

// operator ::= "in" | "notin" | "=" | "==" | "!=" | ">" | "<"
Result<Operator> SelectorParser::parse_operator() {
  ScannedItem item = consume(Context::KeyAndOperator);
  switch (item.token) {
    case SelectorToken::In: return Operator::In;
    case SelectorToken::Equals: return Operator::Equals;
    case SelectorToken::DoubleEquals: return Operator::DoubleEquals;
    case SelectorToken::GreaterThan: return Operator::GreaterThan;
    case SelectorToken::LessThan: return Operator::LessThan;
    case SelectorToken::NotIn: return Operator::NotIn;
    case SelectorToken::NotEquals: return Operator::NotEquals;
    default: return parse_error("found '" + item.literal + "', expected: in, notin, =, ==, !=, gt, lt");
  }
}

// "(" values ")" — the set of values, sorted; "()" is the set holding "".
//> lab04 parse_values
Result<std::vector<std::string>> SelectorParser::parse_values() {
  ScannedItem open = consume(Context::Values);
  if (open.token != SelectorToken::OpenPar) return parse_error("found '" + open.literal + "' expected: '('");
  ScannedItem first = lookahead(Context::Values);
  switch (first.token) {
    case SelectorToken::Identifier:
    case SelectorToken::Comma: {
      Result<std::set<std::string>> set = parse_identifiers_list();
      if (!set) return set.error();
      if (consume(Context::Values).token != SelectorToken::ClosedPar) {
        return parse_error("found '" + first.literal + "', expected: ')'");  // upstream quotes `first`
      }
      return std::vector<std::string>(set.value().begin(), set.value().end());
    }
    case SelectorToken::ClosedPar:
      consume(Context::Values);
      return std::vector<std::string>{""};
    default: return parse_error("found '" + first.literal + "', expected: ',', ')' or identifier");
  }
}
//< lab04

// The values between the parentheses, up to (not including) ")". An empty place between
// commas, or before or after one, is the value "".
Result<std::set<std::string>> SelectorParser::parse_identifiers_list() {
  std::set<std::string> values;
  while (true) {
    ScannedItem item = consume(Context::Values);
    switch (item.token) {
      case SelectorToken::Identifier: {
        values.insert(item.literal);
        ScannedItem next = lookahead(Context::Values);
        if (next.token == SelectorToken::Comma) continue;
        if (next.token == SelectorToken::ClosedPar) return values;
        return parse_error("found '" + next.literal + "', expected: ',' or ')'");
      }
      case SelectorToken::Comma: {
        if (values.empty()) values.insert("");  // "(,"
        SelectorToken next = lookahead(Context::Values).token;
        if (next == SelectorToken::ClosedPar) {  // ",)"
          values.insert("");
          return values;
        }
        if (next == SelectorToken::Comma) {  // ",,"
          // Upstream quirk (changed upstream in 2025, kubernetes#133419, after 1.33): the
          // second comma is swallowed here, so "(a,,)" fails at ")" while "(a,,,)" parses.
          consume(Context::Values);
          values.insert("");
        }
        break;
      }
      default: return parse_error("found '" + item.literal + "', expected: ',', or identifier");
    }
  }
}

// The one VALUE after =, ==, !=, > or <; nothing before "," or the end means "".
Result<std::vector<std::string>> SelectorParser::parse_exact_value() {
  SelectorToken next = lookahead(Context::Values).token;
  if (next == SelectorToken::EndOfString || next == SelectorToken::Comma) return std::vector<std::string>{""};
  ScannedItem item = consume(Context::Values);
  if (item.token == SelectorToken::Identifier) return std::vector<std::string>{item.literal};
  return parse_error("found '" + item.literal + "', expected: identifier");
}

Result<Selector> parse_selector(std::string_view text, const Path& path) {
  SelectorParser parser(text, path);
  Result<std::vector<Requirement>> requirements = parser.parse();
  if (!requirements) return requirements.error();
  return Selector().add(std::move(requirements).value());  // sorted by key
}

}  // namespace kubepp::api

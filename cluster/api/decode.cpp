// decode.cpp — YAML and JSON manifests turned into JSON documents, as upstream does it:
//
//   k8s.io/apimachinery/pkg/util/yaml  YAMLOrJSONDecoder: a stream whose first non-space
//       byte is `{` is JSON, read value after value; anything else is YAML documents.
//   k8s.io/cli-runtime (StreamVisitor)  a document that is empty or `null` is skipped.
//   sigs.k8s.io/yaml + go-yaml v2      YAMLToJSONStrict: scalars resolved by resolve.go's
//       rules, map keys made strings, duplicate keys an error, aliases copied in, `<<`
//       merge keys, and decode.go's cap on the share of a document built by aliases.
//
// yaml-cpp parses. Its event interface (YAML::EventHandler) hands over one node at a time
// with its line and column, and Builder makes nlohmann::json from the events directly:
// every value is counted against DecodeLimits before it is made, so nothing unbounded is
// ever built — the YAML::Node tree, which shares aliased nodes, is never used. Before
// yaml-cpp runs, yaml_text.h's checks refuse text that is not UTF-8 and flow collections
// yaml-cpp would hold whole in memory.
//
// Scalar rules (go-yaml v2 resolve.go; a plain scalar is one neither quoted nor tagged):
//   null    ~ null Null NULL and the empty scalar
//   bool    y Y yes Yes YES true True TRUE on On ON  /  n N no No NO false False FALSE off
//           Off OFF — YAML 1.1's words, which go-yaml v2 (and so Kubernetes) keeps; v3 and
//           YAML 1.2 do not. Quote "yes" or "on" to keep the string.
//   int     an optional sign, then decimal, 0x hex, 0o or leading-0 octal (0755 is 493),
//           0b binary; `_` is ignored (1_000). int64, or uint64 when only that holds it.
//   float   [-+]?(.d+|d+(.d*)?)([eE][-+]?d+)? and .inf -.inf .nan — which JSON cannot
//           hold, so they fail as json.Marshal fails ("json: unsupported value: +Inf").
//           An integral float becomes an integer (3.0 → 3, 1e3 → 1000): json.Marshal
//           writes float64(3) as `3`, so that is the JSON upstream hands on.
//   string  everything else — timestamps (2024-01-02), versions (1.2.3), "8080:80".
// Quoted scalars are strings. Tags: !!str, !!int, !!float, !!bool, !!null check and
// convert; !!binary is base64, decoded; any other tag leaves the text a string.
// Map keys: strings as they are; ints in decimal; bools "true"/"false" (so `on:` is
// "true"); floats as Go's FormatFloat(k, 'g', -1, 32); null and complex keys fail.
// Merge keys follow the merge-key spec: explicit keys win over merged ones wherever `<<`
// stands, and earlier maps in a `<<` list win over later ones.
#include "cluster/api/decode.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <initializer_list>
#include <optional>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>
#include <yaml-cpp/binary.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/mark.h>
#include <yaml-cpp/parser.h>

#include "cluster/api/field.h"
#include "cluster/api/yaml_text.h"

namespace kubepp::api {
namespace {

using nlohmann::json;

// A decoding failure inside this file: where (1-based; 0 when unknown) and what.
struct Failure {
  int line = 0;
  int column = 0;
  std::string message;
};

[[noreturn]] void fail(const YAML::Mark& mark, std::string message) {
  throw Failure{mark.line + 1, mark.column + 1, std::move(message)};
}

// The line and column of a byte offset, for failures found in the raw text.
Failure at_offset(std::string_view text, size_t offset, std::string message) {
  int line = 1;
  size_t line_start = 0;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return {line, static_cast<int>(offset - line_start) + 1, std::move(message)};
}

// "error converting YAML to JSON: yaml: line 3, column 7 (document 2): illegal map value",
// upstream's shape with the column and document added. document 0: not known.
Error decode_error(bool yaml, const Failure& f, int document) {
  std::string msg = yaml ? "error converting YAML to JSON: yaml: " : "error decoding JSON: json: ";
  std::string doc = document > 0 ? "document " + std::to_string(document) : "";
  if (f.line > 0) {
    msg += "line " + std::to_string(f.line) + ", column " + std::to_string(f.column);
    msg += doc.empty() ? ": " : " (" + doc + "): ";
  } else if (!doc.empty()) {
    msg += doc + ": ";
  }
  return Error{ErrorCode::Invalid, msg + f.message};
}

// ---- Scalars: go-yaml v2's resolve() -------------------------------------------------

constexpr std::string_view kTagPrefix = "tag:yaml.org,2002:";  // what yaml-cpp makes of `!!`

// The longest flow collection yaml-cpp may hold whole (see yaml_text.h): ≈ 40 MB of its
// tokens at worst, and more than any manifest written in YAML needs.
constexpr size_t kMaxKeyFlowBytes = 256 * 1024;

bool in(std::string_view s, std::initializer_list<std::string_view> words) {
  return std::find(words.begin(), words.end(), s) != words.end();
}

// resolve.go's table of words: a plain scalar that is one of these is that value.
std::optional<json> yaml11_word(std::string_view s) {
  if (in(s, {"y", "Y", "yes", "Yes", "YES", "true", "True", "TRUE", "on", "On", "ON"})) return json(true);
  if (in(s, {"n", "N", "no", "No", "NO", "false", "False", "FALSE", "off", "Off", "OFF"})) return json(false);
  if (in(s, {"", "~", "null", "Null", "NULL"})) return json(nullptr);
  if (in(s, {".nan", ".NaN", ".NAN"})) return json(NAN);
  if (in(s, {".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"})) return json(INFINITY);
  if (in(s, {"-.inf", "-.Inf", "-.INF"})) return json(-INFINITY);
  return std::nullopt;
}

// Go's strconv.ParseInt(s, 0, 64), then ParseUint(s, 0, 64), as go-yaml tries them.
std::optional<json> go_int(std::string_view s) {
  bool neg = false, sign = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    sign = true;
    s.remove_prefix(1);
  }
  int base = 10;
  if (s.size() >= 2 && s[0] == '0') {
    char p = static_cast<char>(s[1] | 0x20);
    base = p == 'x' ? 16 : p == 'b' ? 2 : 8;
    s.remove_prefix(p == 'x' || p == 'b' || p == 'o' ? 2 : 1);
  }
  uint64_t mag = 0;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), mag, base);
  if (s.empty() || ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  constexpr uint64_t int64_max = INT64_MAX;
  if (neg && mag <= int64_max + 1) return json(mag == int64_max + 1 ? INT64_MIN : -static_cast<int64_t>(mag));
  if (!neg && mag <= int64_max) return json(static_cast<int64_t>(mag));
  if (!sign) return json(mag);
  return std::nullopt;
}

// go-yaml's yamlStyleFloat, [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?, then
// Go's ParseFloat. Out of range (1e400) fails in both: the text stays a string.
std::optional<double> yaml_float(std::string_view s) {
  size_t i = 0;
  auto digits = [&] {
    size_t from = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i > from;
  };
  auto skip = [&](char a, char b) {
    bool hit = i < s.size() && (s[i] == a || s[i] == b);
    i += hit;
    return hit;
  };
  skip('+', '-');
  if (skip('.', '.')) {
    if (!digits()) return std::nullopt;
  } else {
    if (!digits()) return std::nullopt;
    if (skip('.', '.')) digits();
  }
  if (skip('e', 'E')) {
    skip('+', '-');
    if (!digits()) return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  size_t from = s[0] == '+';  // from_chars takes no '+'
  double d = 0;
  auto [end, ec] = std::from_chars(s.data() + from, s.data() + s.size(), d);
  if (ec != std::errc() || end != s.data() + s.size()) return std::nullopt;
  return d;
}

// A plain scalar's value. Floats stay doubles here: keys and values format them apart.
json resolve_plain(const std::string& s) {
  if (auto word = yaml11_word(s)) return *word;
  char c = s[0];
  if (c == '.') {
    if (auto f = yaml_float(s)) return *f;
  } else if (c == '+' || c == '-' || (c >= '0' && c <= '9')) {
    std::string plain = s;
    std::erase(plain, '_');
    if (auto i = go_int(plain)) return *i;
    if (auto f = yaml_float(plain)) return *f;
  }
  return s;
}

const char* short_tag(const json& v) {
  switch (v.type()) {
    case json::value_t::null: return "!!null";
    case json::value_t::boolean: return "!!bool";
    case json::value_t::number_float: return "!!float";
    case json::value_t::string: return "!!str";
    default: return "!!int";
  }
}

// A scalar with yaml-cpp's tag: "?" plain, "!" quoted, else the tag written (`!!int` comes
// as "tag:yaml.org,2002:int").
json resolve(const std::string& tag, const std::string& value, const YAML::Mark& mark) {
  if (tag == "?") return resolve_plain(value);
  if (!tag.starts_with(kTagPrefix)) return value;  // quoted, `!`, or a local tag like !foo
  std::string_view t = std::string_view(tag).substr(kTagPrefix.size());
  if (t == "binary") {
    std::vector<unsigned char> bytes = YAML::DecodeBase64(value);
    std::string text(bytes.begin(), bytes.end());
    if (bytes.empty() && value.find_first_not_of(" \t\r\n") != std::string::npos)
      fail(mark, "!!binary value contains invalid base64 data");
    if (check_yaml_characters(text)) fail(mark, "!!binary value is not text; JSON strings hold only UTF-8");
    return text;
  }
  if (t != "null" && t != "bool" && t != "int" && t != "float") return value;  // !!str, !!timestamp, …
  json v = resolve_plain(value);
  if ((t == "null" && v.is_null()) || (t == "bool" && v.is_boolean()) ||
      (t == "int" && v.is_number_integer()) || (t == "float" && v.is_number_float()))
    return v;
  if (t == "float" && v.is_number()) return v.get<double>();
  fail(mark, std::string("cannot decode ") + short_tag(v) + " `" + value + "` as a !!" + std::string(t));
}

// A resolved scalar as a JSON value: what json.Marshal would write, read back.
json to_value(json v, const YAML::Mark& mark) {
  if (!v.is_number_float()) return v;
  double d = v.get<double>();
  if (std::isnan(d)) fail(mark, "json: unsupported value: NaN");
  if (std::isinf(d)) fail(mark, d > 0 ? "json: unsupported value: +Inf" : "json: unsupported value: -Inf");
  if (std::trunc(d) == d && std::fabs(d) < 1e21) {
    if (d >= -0x1p63 && d < 0x1p63) return static_cast<int64_t>(d);
    if (d >= 0 && d < 0x1p64) return static_cast<uint64_t>(d);
  }
  return v;
}

// Go's strconv.FormatFloat(v, 'g', -1, 32), as sigs.k8s.io/yaml turns a float key into a
// string: the shortest float32 digits, in %e form when the exponent is < -4 or >= 6.
std::string go_float_key(double v) {
  if (std::isnan(v)) return ".nan";
  if (std::isinf(v)) return v > 0 ? ".inf" : "-.inf";
  char buf[64];
  auto f = static_cast<float>(v);
  char* end = std::to_chars(buf, buf + sizeof buf, f, std::chars_format::scientific).ptr;
  std::string_view sci(buf, end - buf);
  std::string_view e = sci.substr(sci.find('e') + 1);
  int exp = 0;
  std::from_chars(e.data() + (e[0] == '+'), e.data() + e.size(), exp);
  if (exp < -4 || exp >= 6) return std::string(sci);
  end = std::to_chars(buf, buf + sizeof buf, f, std::chars_format::fixed).ptr;
  return std::string(buf, end);
}

std::string to_key(const json& v, const YAML::Mark& mark) {
  switch (v.type()) {
    case json::value_t::string: return v.get<std::string>();
    case json::value_t::boolean: return v.get<bool>() ? "true" : "false";
    case json::value_t::number_integer: return std::to_string(v.get<int64_t>());
    case json::value_t::number_unsigned: return std::to_string(v.get<uint64_t>());
    case json::value_t::number_float: return go_float_key(v.get<double>());
    case json::value_t::null: fail(mark, "unsupported map key: null (JSON keys are strings)");
    default: fail(mark, "invalid map key: a mapping or sequence (JSON keys are strings)");
  }
}

// ---- YAML events → JSON ---------------------------------------------------------------

// go-yaml v2's allowedAliasRatio: the share of a document's decoded nodes that may come
// from aliases — 99% up to 400,000 nodes, falling to 10% at 4,000,000.
double allowed_alias_ratio(size_t decoded) {
  if (decoded <= 400'000) return 0.99;
  if (decoded >= 4'000'000) return 0.10;
  return 0.99 - 0.89 * (static_cast<double>(decoded - 400'000) / 3'600'000.0);
}

// Builds one JSON value per document from yaml-cpp's events. The stack holds the mappings
// and sequences still open; a completed value is placed into the one below it.
class Builder final : public YAML::EventHandler {
 public:
  Builder(const DecodeLimits& limits, std::vector<json>& out) : limits_(limits), out_(out) {}

  int document() const { return std::max(document_, 1); }

  void OnDocumentStart(const YAML::Mark&) override {
    ++document_;
    stack_.clear();
    anchors_.clear();
    root_ = nullptr;
    decoded_ = aliased_ = 0;
  }
  void OnDocumentEnd() override {
    if (!root_.is_null()) out_.push_back(std::move(root_));
  }
  void OnAnchor(const YAML::Mark&, const std::string& name) override { anchor_name_ = name; }
  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override { scalar(mark, anchor, nullptr); }
  void OnScalar(const YAML::Mark& mark, const std::string& tag, YAML::anchor_t anchor,
                const std::string& value) override {
    if (expecting_key() && value == "<<" && (tag == "?" || tag == std::string(kTagPrefix) + "merge")) {
      count(mark, 1, 0, 1);
      stack_.back().merge_next = true;
      return;
    }
    scalar(mark, anchor, resolve(tag, value, mark));
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                       YAML::EmitterStyle::value) override {
    open(mark, anchor, json::array());
  }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override {
    open(mark, anchor, json::object());
  }
  void OnSequenceEnd() override { close(); }
  void OnMapEnd() override { close(); }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override;

 private:
  struct Frame {
    json value;              // the object or array being filled
    YAML::Mark mark;         // where it starts
    YAML::anchor_t anchor = YAML::NullAnchor;
    size_t nodes = 1;        // values in it, itself included
    int height = 1;          // objects and arrays nested in it, itself included
    // Mappings: the key waiting for its value, and the values of `<<` keys to merge.
    bool have_key = false;
    bool merge_next = false;
    std::string key{};
    YAML::Mark key_mark{};
    std::vector<json> merges{};
  };
  struct Anchor {
    std::string name;
    bool done = false;  // false while its own node is still open
    json value;         // a copy, scalars unconverted (a float key keeps its float form)
    size_t nodes = 0;
    int height = 0;
  };

  bool expecting_key() const {
    return !stack_.empty() && stack_.back().value.is_object() && !stack_.back().have_key &&
           !stack_.back().merge_next;
  }

  // Counts values against the limits before they are built: `decoded` and `aliased` for
  // go-yaml's per-document alias ratio, `built` for the whole input's max_nodes.
  void count(const YAML::Mark& mark, size_t decoded, size_t aliased, size_t built) {
    decoded_ += decoded;
    aliased_ += aliased;
    built_ += built;
    if (built_ > limits_.max_nodes)
      fail(mark, "more than " + std::to_string(limits_.max_nodes) + " values, aliases expanded");
    if (aliased_ > 100 && decoded_ > 1000 &&
        static_cast<double>(aliased_) / static_cast<double>(decoded_) > allowed_alias_ratio(decoded_))
      fail(mark, "document contains excessive aliasing");
  }

  void check_depth(const YAML::Mark& mark, int levels) const {
    if (static_cast<int>(stack_.size()) + levels > limits_.max_depth)
      fail(mark, "nesting deeper than " + std::to_string(limits_.max_depth) + " levels");
  }

  void define(YAML::anchor_t anchor) {
    if (anchors_.size() <= anchor) anchors_.resize(anchor + 1);
    anchors_[anchor] = Anchor{anchor_name_, false, nullptr, 0, 0};
  }

  void remember(YAML::anchor_t anchor, const json& value, size_t nodes, int height, const YAML::Mark& mark) {
    count(mark, 0, 0, nodes);  // the anchor's copy
    Anchor& a = anchors_[anchor];
    a.done = true;
    a.value = value;
    a.nodes = nodes;
    a.height = height;
  }

  void scalar(const YAML::Mark& mark, YAML::anchor_t anchor, json value) {
    count(mark, 1, 0, 1);
    if (anchor != YAML::NullAnchor) {
      define(anchor);
      remember(anchor, value, 1, 0, mark);
    }
    place(std::move(value), mark, 1, 0);
  }

  void open(const YAML::Mark& mark, YAML::anchor_t anchor, json value) {
    if (expecting_key()) fail(mark, "invalid map key: a mapping or sequence (JSON keys are strings)");
    check_depth(mark, 1);
    count(mark, 1, 0, 1);
    if (anchor != YAML::NullAnchor) define(anchor);
    stack_.push_back(Frame{.value = std::move(value), .mark = mark, .anchor = anchor});
  }

  static void merge_into(json& map, json& source) {
    for (auto it = source.begin(); it != source.end(); ++it) map.emplace(it.key(), std::move(it.value()));
  }

  void close() {
    Frame f = std::move(stack_.back());
    stack_.pop_back();
    for (json& m : f.merges) {  // explicit keys are in already, and emplace never replaces
      if (m.is_object()) merge_into(f.value, m);
      else for (json& source : m) merge_into(f.value, source);
    }
    if (f.anchor != YAML::NullAnchor) remember(f.anchor, f.value, f.nodes, f.height, f.mark);
    place(std::move(f.value), f.mark, f.nodes, f.height);
  }

  // Puts a completed value where it belongs: the document's root, the next element of a
  // sequence, or a mapping's key, value or `<<` value.
  void place(json v, const YAML::Mark& mark, size_t nodes, int height) {
    if (stack_.empty()) {
      root_ = to_value(std::move(v), mark);
      return;
    }
    Frame& f = stack_.back();
    f.nodes += nodes;
    if (f.merge_next) {  // the merged maps' entries become this map's: one level up
      auto is_map = [](const json& e) { return e.is_object(); };
      bool maps = v.is_object() || (v.is_array() && std::all_of(v.begin(), v.end(), is_map));
      if (!maps) fail(mark, "map merge requires map or sequence of maps as the value");
      f.height = std::max(f.height, v.is_object() ? height : height - 1);
    } else {
      f.height = std::max(f.height, height + 1);
    }
    if (f.value.is_array()) {
      f.value.push_back(to_value(std::move(v), mark));
    } else if (f.merge_next) {
      f.merges.push_back(std::move(v));
      f.merge_next = false;
    } else if (!f.have_key) {
      f.key = to_key(v, mark);
      f.key_mark = mark;
      f.have_key = true;
    } else {
      if (f.value.contains(f.key)) fail(f.key_mark, "key " + api::quoted(f.key) + " already set in map");
      f.value.emplace(std::move(f.key), to_value(std::move(v), mark));
      f.have_key = false;
    }
  }

  const DecodeLimits& limits_;
  std::vector<json>& out_;
  int document_ = 0;
  std::vector<Frame> stack_;
  std::vector<Anchor> anchors_;  // by yaml-cpp's anchor id: 1, 2, … in each document
  std::string anchor_name_;      // from OnAnchor, which comes just before its node
  json root_;
  size_t decoded_ = 0;  // this document's nodes, aliases expanded (go-yaml's decodeCount)
  size_t aliased_ = 0;  // … of which aliases made (aliasCount)
  size_t built_ = 0;    // every value made for the whole input, anchors' copies included
};

void Builder::OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) {
  if (anchor >= anchors_.size()) fail(mark, "unknown anchor referenced");
  const Anchor& a = anchors_[anchor];
  if (!a.done) fail(mark, "anchor '" + a.name + "' value contains itself");
  count(mark, 1 + a.nodes, a.nodes, a.nodes);  // before the copy is made
  check_depth(mark, a.height);
  place(a.value, mark, a.nodes, a.height);
}

// yaml-cpp 0.7 leaves the name out of "the referenced anchor is not defined": take it
// from the text at the alias, and say it in go-yaml's words.
std::string unknown_anchor(std::string_view text, const YAML::Mark& mark) {
  std::string name;
  if (mark.pos >= 0 && static_cast<size_t>(mark.pos) < text.size() && text[mark.pos] == '*') {
    std::string_view rest = text.substr(mark.pos + 1);
    name = rest.substr(0, rest.find_first_of(" \t\r\n,[]{}"));
  }
  return "unknown anchor '" + name + "' referenced";
}

Result<std::vector<json>> decode_yaml(std::string_view text, const DecodeLimits& limits) {
  std::optional<TextProblem> bad = check_yaml_characters(text);
  if (!bad) bad = check_yaml_flow_collections(text, kMaxKeyFlowBytes, limits.max_depth);
  if (bad) return decode_error(true, at_offset(text, bad->offset, bad->message), 0);
  std::vector<json> docs;
  Builder builder(limits, docs);
  try {
    std::istringstream in{std::string(text)};
    YAML::Parser parser(in);
    while (parser.HandleNextDocument(builder)) {
    }
  } catch (const Failure& f) {
    return decode_error(true, f, builder.document());
  } catch (const YAML::Exception& e) {
    std::string msg = e.msg;
    if (msg.starts_with(YAML::ErrorMsg::UNKNOWN_ANCHOR)) msg = unknown_anchor(text, e.mark);
    return decode_error(true, Failure{e.mark.line + 1, e.mark.column + 1, msg}, builder.document());
  }
  return docs;
}

// ---- JSON -----------------------------------------------------------------------------

// The end of the object or array that starts at `start`, found by counting brackets
// outside strings (nlohmann's parser checks the syntax afterwards); fails when the value
// is neither, or nests deeper than max_depth.
size_t end_of_json_value(std::string_view s, size_t start, int max_depth) {
  if (s[start] != '{' && s[start] != '[')
    throw at_offset(s, start,
                    std::string("invalid character '") + s[start] + "' looking for beginning of value");
  int depth = 0;
  bool in_string = false;
  for (size_t i = start; i < s.size(); ++i) {
    char c = s[i];
    if (in_string) {
      if (c == '\\') ++i;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > max_depth)
        throw at_offset(s, i, "nesting deeper than " + std::to_string(max_depth) + " levels");
    } else if ((c == '}' || c == ']') && --depth == 0) {
      return i + 1;
    }
  }
  return s.size();  // unterminated: the parser says so
}

Result<std::vector<json>> decode_json(std::string_view text, const DecodeLimits& limits) {
  std::vector<json> docs;
  size_t built = 0;
  for (size_t i = text.find_first_not_of(" \t\r\n"); i != std::string_view::npos;
       i = text.find_first_not_of(" \t\r\n", i)) {
    size_t start = i;
    int document = static_cast<int>(docs.size()) + 1;
    try {
      i = end_of_json_value(text, start, limits.max_depth);
      auto counted = [&](int, json::parse_event_t event, json&) {
        if (event == json::parse_event_t::value || event == json::parse_event_t::object_start ||
            event == json::parse_event_t::array_start) {
          if (++built > limits.max_nodes)
            throw at_offset(text, start, "more than " + std::to_string(limits.max_nodes) + " values");
        }
        return true;
      };
      docs.push_back(json::parse(text.begin() + start, text.begin() + i, counted));
    } catch (const Failure& f) {
      return decode_error(false, f, document);
    } catch (const json::parse_error& e) {
      std::string what = e.what();  // "[json.exception.parse_error.101] parse error at line 1, column 2: …"
      size_t colon = what.find(": ", what.find("parse error"));
      std::string message = colon == std::string::npos ? what : what.substr(colon + 2);
      size_t offset = start + (e.byte > 0 ? e.byte - 1 : 0);
      return decode_error(false, at_offset(text, std::min(offset, text.size()), message), document);
    }
  }
  return docs;
}

}  // namespace

Result<std::vector<json>> decode_documents(std::string_view data, const DecodeLimits& limits) {
  if (data.size() > limits.max_bytes) {
    return Error{ErrorCode::Invalid, "manifest of " + std::to_string(data.size()) +
                                         " bytes is over the limit of " + std::to_string(limits.max_bytes) +
                                         " bytes (the API server's request body limit)"};
  }
  if (data.starts_with("\xEF\xBB\xBF")) data.remove_prefix(3);  // a UTF-8 byte order mark
  size_t first = data.find_first_not_of(" \t\r\n\f\v");
  if (first != std::string_view::npos && data[first] == '{') return decode_json(data, limits);
  return decode_yaml(data, limits);
}

}  // namespace kubepp::api

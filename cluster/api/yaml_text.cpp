// yaml_text.cpp — checks on YAML text before yaml-cpp reads it. See yaml_text.h.
#include "cluster/api/yaml_text.h"

#include <cstdint>
#include <string>

namespace kubepp::api {

std::optional<TextProblem> check_yaml_characters(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7f)
        return TextProblem{i, "control characters are not allowed"};
      ++i;
      continue;
    }
    size_t len = (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xe ? 3 : (c >> 3) == 0x1e ? 4 : 0;
    if (len == 0) return TextProblem{i, "invalid leading UTF-8 octet"};
    if (i + len > s.size()) return TextProblem{i, "incomplete UTF-8 octet sequence"};
    uint32_t cp = c & (0x7f >> len);
    for (size_t k = 1; k < len; ++k) {
      auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return TextProblem{i, "invalid trailing UTF-8 octet"};
      cp = (cp << 6) | (cc & 0x3f);
    }
    const uint32_t shortest[] = {0, 0, 0x80, 0x800, 0x10000};  // overlong forms are invalid
    if (cp < shortest[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
      return TextProblem{i, "invalid Unicode character"};
    if (cp <= 0x9f && cp != 0x85) return TextProblem{i, "control characters are not allowed"};
    i += len;
  }
  return std::nullopt;
}

namespace {

// A line-by-line reader of YAML's block structure, just deep enough to find where nodes
// begin. Positions are byte offsets; a problem is thrown as a TextProblem.
class FlowScan {
 public:
  FlowScan(std::string_view s, size_t max_bytes, int max_depth)
      : s_(s), max_bytes_(max_bytes), max_depth_(max_depth) {}

  void run() {
    for (size_t p = 0; p < s_.size();) p = line(p);
  }

 private:
  bool eol(size_t p) const { return p >= s_.size() || s_[p] == '\n' || s_[p] == '\r'; }
  bool blank(size_t p) const { return eol(p) || s_[p] == ' ' || s_[p] == '\t'; }
  bool comment(size_t p) const { return eol(p) || s_[p] == '#'; }
  size_t spaces(size_t p) const {
    while (p < s_.size() && (s_[p] == ' ' || s_[p] == '\t')) ++p;
    return p;
  }
  size_t next_line(size_t p) const {
    p = s_.find('\n', p);
    return p == std::string_view::npos ? s_.size() : p + 1;
  }
  bool marker(size_t p) const {  // "---" or "..." at a line's start
    return (p == 0 || s_[p - 1] == '\n') && (s_.substr(p, 3) == "---" || s_.substr(p, 3) == "...") &&
           blank(p + 3);
  }

  size_t line(size_t p) {
    size_t q = spaces(p);
    if (comment(q) || (q == p && s_[q] == '%')) return next_line(q);  // blank, comment, directive
    if (marker(q)) {
      if (s_[q] == '.') return next_line(q);
      q = spaces(q + 3);
      return comment(q) ? next_line(q) : node(q, p, -1);
    }
    return node(q, p, static_cast<int>(q - p));
  }

  // A node where a key may begin, after any "- ", "? ", ": " indicators, on the line that
  // starts at `bol`. `owner` is the indentation a block scalar's lines must pass; guessed
  // high, so a guess skips less.
  size_t node(size_t p, size_t bol, int owner) {
    while ((s_[p] == '-' || s_[p] == '?' || s_[p] == ':') && blank(p + 1)) {
      owner = static_cast<int>(p - bol);
      p = spaces(p + 1);
      if (comment(p)) return next_line(p);
    }
    p = properties(p);
    if (comment(p)) return next_line(p);
    size_t start = p;
    char c = s_[p];
    if (c == '|' || c == '>') return block_scalar(next_line(p), owner);
    if (c == '[' || c == '{') {
      p = flow(p, true);
    } else if (c == '"' || c == '\'') {
      p = quoted(p);
    } else {  // a plain scalar or an alias, up to ": ", " #" or the line's end
      while (!eol(p) && !(s_[p] == ':' && blank(p + 1)) && !(s_[p] == '#' && blank(p - 1))) ++p;
    }
    p = spaces(p);
    if (p < s_.size() && s_[p] == ':' && blank(p + 1))  // it was a key
      return value(spaces(p + 1), static_cast<int>(start - bol));
    return next_line(p);
  }

  // The value after "key: ", where no key may begin.
  size_t value(size_t p, int owner) {
    p = properties(p);
    if (comment(p)) return next_line(p);
    if (s_[p] == '|' || s_[p] == '>') return block_scalar(next_line(p), owner);
    if (s_[p] == '[' || s_[p] == '{') return next_line(flow(p, false));
    if (s_[p] == '"' || s_[p] == '\'') return next_line(quoted(p));
    return next_line(p);
  }

  size_t properties(size_t p) const {  // &anchor and !tag
    while (p < s_.size() && (s_[p] == '&' || s_[p] == '!')) {
      while (!blank(p)) ++p;
      p = spaces(p);
    }
    return p;
  }

  // Skips a block scalar's lines: blank ones, and those indented past `owner`.
  size_t block_scalar(size_t p, int owner) const {
    while (p < s_.size()) {
      size_t q = p;
      while (q < s_.size() && s_[q] == ' ') ++q;
      if (!eol(q) && (static_cast<int>(q - p) <= owner || marker(q))) break;
      p = next_line(q);
    }
    return p;
  }

  size_t quoted(size_t p) const {
    char quote = s_[p++];
    for (; p < s_.size(); ++p) {
      if (quote == '"' && s_[p] == '\\') {
        ++p;
      } else if (s_[p] == quote) {
        if (quote == '\'' && p + 1 < s_.size() && s_[p + 1] == '\'') ++p;  // '' is a quote
        else return p + 1;
      }
    }
    return p;
  }

  // The end of the flow collection at p. `key`: it begins where a key may, so yaml-cpp
  // will hold all of it: its length is bounded too.
  size_t flow(size_t p, bool key) const {
    size_t start = p;
    int depth = 0;
    char last = '[';  // the last character that was not a space: a quote after one of
                      // "[{,:?" starts a quoted scalar, elsewhere it is part of a plain one
    while (p < s_.size()) {
      if (key && p - start > max_bytes_)
        throw TextProblem{start, "a flow collection ([...] or {...}) that begins a line is longer than " +
                                     std::to_string(max_bytes_) +
                                     " bytes; write it in block style, or send JSON"};
      char c = s_[p];
      if (c == '#' && (p == 0 || blank(p - 1))) {
        p = next_line(p);
        continue;
      }
      if ((c == '"' || c == '\'') && std::string_view("[{,:?").find(last) != std::string_view::npos) {
        p = quoted(p);
        last = 'x';
        continue;
      }
      if (c == '[' || c == '{') {
        if (++depth > max_depth_)
          throw TextProblem{p, "nesting deeper than " + std::to_string(max_depth_) + " levels"};
      } else if ((c == ']' || c == '}') && --depth == 0) {
        return p + 1;
      }
      if (!blank(p)) last = c;
      ++p;
    }
    return p;  // unterminated: yaml-cpp will say so
  }

  std::string_view s_;
  size_t max_bytes_;
  int max_depth_;
};

}  // namespace

std::optional<TextProblem> check_yaml_flow_collections(std::string_view text, size_t max_bytes,
                                                       int max_depth) {
  try {
    FlowScan(text, max_bytes, max_depth).run();
  } catch (const TextProblem& problem) {
    return problem;
  }
  return std::nullopt;
}

}  // namespace kubepp::api

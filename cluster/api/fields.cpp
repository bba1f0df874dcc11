// fields.cpp — field selectors: splitting, escaping, matching, and each kind's table of
// selectable field labels.
#include "cluster/api/fields.h"

#include <algorithm>
#include <cstdint>

#include "cluster/api/field.h"

namespace kubepp::api {

namespace {

Error selector_error(std::string message) { return Error{ErrorCode::Invalid, std::move(message)}; }

// The code point at s[i] and its length in bytes, decoded as Go decodes UTF-8: a byte
// that does not start a valid sequence is U+FFFD, one byte long.
std::pair<uint32_t, size_t> decode_rune(std::string_view s, size_t i) {
  auto byte = [&](size_t k) { return k < s.size() ? static_cast<unsigned char>(s[k]) : 0u; };
  auto cont = [&](size_t k, unsigned lo = 0x80, unsigned hi = 0xBF) { return byte(k) >= lo && byte(k) <= hi; };
  unsigned b0 = byte(i);
  if (b0 < 0x80) return {b0, 1};
  if (b0 >= 0xC2 && b0 <= 0xDF && cont(i + 1)) return {((b0 & 0x1Fu) << 6) | (byte(i + 1) & 0x3Fu), 2};
  if (b0 >= 0xE0 && b0 <= 0xEF) {
    unsigned lo = b0 == 0xE0 ? 0xA0 : 0x80, hi = b0 == 0xED ? 0x9F : 0xBF;  // no overlongs, no surrogates
    if (cont(i + 1, lo, hi) && cont(i + 2)) {
      return {((b0 & 0x0Fu) << 12) | ((byte(i + 1) & 0x3Fu) << 6) | (byte(i + 2) & 0x3Fu), 3};
    }
  }
  if (b0 >= 0xF0 && b0 <= 0xF4) {
    unsigned lo = b0 == 0xF0 ? 0x90 : 0x80, hi = b0 == 0xF4 ? 0x8F : 0xBF;  // at most U+10FFFF
    if (cont(i + 1, lo, hi) && cont(i + 2) && cont(i + 3)) {
      return {((b0 & 0x07u) << 18) | ((byte(i + 1) & 0x3Fu) << 12) | ((byte(i + 2) & 0x3Fu) << 6) | (byte(i + 3) & 0x3Fu), 4};
    }
  }
  return {0xFFFD, 1};
}

void append_utf8(std::string& out, uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// The comma-separated terms; a backslash-escaped comma stays inside its term, backslash
// and all (splitTerms).
std::vector<std::string> split_terms(std::string_view text) {
  std::vector<std::string> terms;
  if (text.empty()) return terms;
  size_t start = 0;
  bool escaped = false;
  for (size_t i = 0; i < text.size(); i++) {
    if (escaped) {
      escaped = false;
    } else if (text[i] == '\\') {
      escaped = true;
    } else if (text[i] == ',') {
      terms.emplace_back(text.substr(start, i - start));
      start = i + 1;
    }
  }
  terms.emplace_back(text.substr(start));
  return terms;
}

// Splits a term at the first operator; "!=" and "==" are tried before "=" at each
// position, so "a==b" is a == b, not a = "=b" (splitTerm).
bool split_term(std::string_view term, std::string* lhs, std::string* op, std::string* rhs) {
  static constexpr std::string_view kOperators[] = {"!=", "==", "="};
  for (size_t i = 0; i < term.size(); i++) {
    for (std::string_view candidate : kOperators) {
      if (term.substr(i, candidate.size()) == candidate) {
        *lhs = term.substr(0, i);
        *op = candidate;
        *rhs = term.substr(i + candidate.size());
        return true;
      }
    }
  }
  return false;
}

// Replaces "%s" by the label and "%q" by the label quoted.
std::string refuse(std::string_view format, std::string_view label) {
  std::string out;
  for (size_t i = 0; i < format.size(); i++) {
    if (format[i] == '%' && i + 1 < format.size() && (format[i + 1] == 's' || format[i + 1] == 'q')) {
      out += format[i + 1] == 's' ? std::string(label) : quoted(label);
      i++;
    } else {
      out += format[i];
    }
  }
  return out;
}

}  // namespace

// ---- selectors ------------------------------------------------------------------------

FieldSelector FieldSelector::nothing() {
  FieldSelector s;
  s.nothing_ = true;
  return s;
}

bool FieldSelector::matches(const Fields& fields) const {
  if (nothing_) return false;
  for (const FieldTerm& t : terms_) {
    auto it = fields.find(t.field);
    std::string_view have = it == fields.end() ? std::string_view() : std::string_view(it->second);
    if ((have == t.value) != t.equals) return false;
  }
  return true;
}

std::optional<std::string> FieldSelector::requires_exact_match(std::string_view field) const {
  for (const FieldTerm& t : terms_) {
    if (t.equals && t.field == field) return t.value;
  }
  return std::nullopt;
}

Result<FieldSelector> FieldSelector::transform(const TransformFn& fn) const {
  if (nothing_) return *this;
  std::vector<FieldTerm> out;
  for (const FieldTerm& t : terms_) {
    Result<std::pair<std::string, std::string>> converted = fn(t.field, t.value);
    if (!converted) return converted.error();
    auto& [field, value] = converted.value();
    if (field.empty() && value.empty()) continue;  // the term selects everything
    out.push_back(FieldTerm{std::move(field), t.equals, std::move(value)});
  }
  return FieldSelector(std::move(out));
}

std::string FieldSelector::str() const {
  std::string out;
  for (const FieldTerm& t : terms_) {
    if (!out.empty()) out += ",";
    out += t.field + (t.equals ? "=" : "!=") + escape_field_value(t.value);
  }
  return out;
}

std::string escape_field_value(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == ',' || c == '=') out += '\\';
    out += c;
  }
  return out;
}

Result<std::string> unescape_field_value(std::string_view value) {
  if (value.find_first_of("\\,=") == std::string_view::npos) return std::string(value);
  std::string out;
  bool escaped = false;
  for (size_t i = 0; i < value.size();) {
    auto [rune, length] = decode_rune(value, i);
    i += length;
    if (escaped) {
      if (rune != '\\' && rune != ',' && rune != '=') {
        std::string sequence = "\\";
        append_utf8(sequence, rune);
        return selector_error("invalid field selector: invalid escape sequence: " + sequence);
      }
      append_utf8(out, rune);
      escaped = false;
    } else if (rune == '\\') {
      escaped = true;
    } else if (rune == ',' || rune == '=') {
      // Upstream prints the rune with %v: its number.
      return selector_error("invalid field selector: unescaped character in value: " + std::to_string(rune));
    } else {
      append_utf8(out, rune);  // an invalid byte comes out as U+FFFD, as in Go
    }
  }
  if (escaped) return selector_error("invalid field selector: invalid escape sequence: \\");
  return out;
}

Result<FieldSelector> parse_field_selector(std::string_view text) {
  std::vector<std::string> parts = split_terms(text);
  std::sort(parts.begin(), parts.end());
  std::vector<FieldTerm> terms;
  for (const std::string& part : parts) {
    if (part.empty()) continue;
    std::string lhs, op, rhs;
    if (!split_term(part, &lhs, &op, &rhs)) {
      return selector_error("invalid selector: '" + std::string(text) + "'; can't understand '" + part + "'");
    }
    Result<std::string> value = unescape_field_value(rhs);
    if (!value) return value.error();
    terms.push_back(FieldTerm{std::move(lhs), op != "!=", std::move(value).value()});
  }
  return FieldSelector(std::move(terms));
}

// ---- field labels by kind ---------------------------------------------------------------

const std::vector<FieldLabelRules>& field_label_rules() {
  static const char* kNotSupported = "field label not supported: %s";
  static const std::vector<FieldLabelRules> kRules = {
      // pkg/apis/core/v1/conversion.go
      {"", "Pod",
       {"metadata.name", "metadata.namespace", "spec.nodeName", "spec.restartPolicy", "spec.schedulerName",
        "spec.serviceAccountName", "spec.hostNetwork", "status.phase", "status.podIP", "status.podIPs",
        "status.nominatedNodeName"},
       {{"spec.host", "spec.nodeName"}},  // for old v1 clients
       kNotSupported},
      {"", "Node", {"metadata.name", "spec.unschedulable"}, {}, kNotSupported},
      {"", "ReplicationController", {"metadata.name", "metadata.namespace", "status.replicas"}, {}, kNotSupported},
      {"", "Event",
       {"involvedObject.kind", "involvedObject.namespace", "involvedObject.name", "involvedObject.uid",
        "involvedObject.apiVersion", "involvedObject.resourceVersion", "involvedObject.fieldPath", "reason",
        "reportingComponent", "source", "type", "metadata.namespace", "metadata.name"},
       {},
       kNotSupported},
      {"", "Namespace", {"status.phase", "metadata.name"}, {}, kNotSupported},
      {"", "Secret", {"type", "metadata.namespace", "metadata.name"}, {}, kNotSupported},
      {"", "Service", {"metadata.namespace", "metadata.name", "spec.clusterIP", "spec.type"}, {}, kNotSupported},
      // pkg/apis/batch/v1/conversion.go
      {"batch", "Job", {"metadata.name", "metadata.namespace", "status.successful"}, {},
       "field label %q not supported for Job"},
  };
  return kRules;
}

Result<std::pair<std::string, std::string>> convert_field_label(std::string_view group, std::string_view kind,
                                                                std::string_view label, std::string_view value) {
  const auto& rules = field_label_rules();
  auto it = std::find_if(rules.begin(), rules.end(),
                         [&](const FieldLabelRules& r) { return r.group == group && r.kind == kind; });
  if (it == rules.end()) {  // runtime.DefaultMetaV1FieldSelectorConversion
    if (label == "metadata.name" || label == "metadata.namespace") {
      return std::pair{std::string(label), std::string(value)};
    }
    return selector_error(quoted(label) + " is not a known field selector: only \"metadata.name\", \"metadata.namespace\"");
  }
  for (const char* accepted : it->labels) {
    if (label == accepted) return std::pair{std::string(label), std::string(value)};
  }
  for (const auto& [old_label, new_label] : it->renames) {
    if (label == old_label) return std::pair{std::string(new_label), std::string(value)};
  }
  return selector_error(refuse(it->refusal, label));
}

Result<FieldSelector> convert_field_labels(const FieldSelector& selector, std::string_view group,
                                           std::string_view kind) {
  return selector.transform([&](const std::string& field, const std::string& value) {
    return convert_field_label(group, kind, field, value);
  });
}

Fields object_meta_fields(std::string_view name, std::string_view namespace_, bool namespaced) {
  Fields fields{{"metadata.name", std::string(name)}};
  if (namespaced) fields["metadata.namespace"] = std::string(namespace_);
  return fields;
}

}  // namespace kubepp::api

// names.cpp — DNS names, qualified names and label values, checked by hand-written
// character rules equivalent to upstream's regular expressions (quoted in the messages).
#include "cluster/api/names.h"

namespace kubepp::api {

namespace {

// The regular expressions upstream validates with; they appear verbatim in the messages.
constexpr std::string_view kQualifiedNameFmt = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
constexpr std::string_view kLabelValueFmt = "(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?";
constexpr std::string_view kDNS1123LabelFmt = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
constexpr std::string_view kDNS1123SubdomainFmt =
    "[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*";
constexpr std::string_view kDNS1035LabelFmt = "[a-z]([-a-z0-9]*[a-z0-9])?";

constexpr std::string_view kQualifiedNameErrMsg =
    "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an "
    "alphanumeric character";
constexpr std::string_view kLabelValueErrMsg =
    "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or "
    "'.', and must start and end with an alphanumeric character";
constexpr std::string_view kDNS1123LabelErrMsg =
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and "
    "must start and end with an alphanumeric character";
constexpr std::string_view kDNS1123SubdomainErrMsg =
    "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or "
    "'.', and must start and end with an alphanumeric character";
constexpr std::string_view kDNS1035LabelErrMsg =
    "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an "
    "alphabetic character, and end with an alphanumeric character";

constexpr bool is_lower_or_digit(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
constexpr bool is_alnum(char c) { return is_lower_or_digit(c) || (c >= 'A' && c <= 'Z'); }

// True when `s` is non-empty, starts with first(c), ends with last(c) and has only
// middle(c) in between: the shape of every pattern above, "F(M*L)?".
template <typename First, typename Middle, typename Last>
bool has_shape(std::string_view s, First first, Middle middle, Last last) {
  if (s.empty() || !first(s.front()) || !last(s.back())) return false;
  for (size_t i = 1; i + 1 < s.size(); i++) {
    if (!middle(s[i])) return false;
  }
  return true;
}

// [a-z]([-a-z0-9]*[a-z0-9])?
bool matches_dns1035_label(std::string_view s) {
  auto letter = [](char c) { return c >= 'a' && c <= 'z'; };
  auto mid = [](char c) { return is_lower_or_digit(c) || c == '-'; };
  return has_shape(s, letter, mid, is_lower_or_digit);
}

std::string ascii_lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

}  // namespace

//> lab03 matches_dns1123_label
bool matches_dns1123_label(std::string_view value) {
  auto mid = [](char c) { return is_lower_or_digit(c) || c == '-'; };
  return has_shape(value, is_lower_or_digit, mid, is_lower_or_digit);
}
//< lab03

//> lab03 matches_dns1123_subdomain
bool matches_dns1123_subdomain(std::string_view value) {
  while (true) {
    size_t dot = value.find('.');
    if (!matches_dns1123_label(value.substr(0, dot))) return false;
    if (dot == std::string_view::npos) return true;
    value.remove_prefix(dot + 1);
  }
}
//< lab03

//> lab03 matches_qualified_name
bool matches_qualified_name(std::string_view value) {
  auto ext = [](char c) { return is_alnum(c) || c == '-' || c == '_' || c == '.'; };
  return has_shape(value, is_alnum, ext, is_alnum);
}
//< lab03

std::string max_len_error(size_t length) {
  return "must be no more than " + std::to_string(length) + " characters";
}

std::string empty_error() { return "must be non-empty"; }

std::string regex_error(std::string_view msg, std::string_view regex,
                        const std::vector<std::string_view>& examples) {
  std::string out(msg);
  if (examples.empty()) return out + " (regex used for validation is '" + std::string(regex) + "')";
  out += " (e.g. ";
  for (size_t i = 0; i < examples.size(); i++) {
    if (i > 0) out += " or ";
    out += "'" + std::string(examples[i]) + "', ";
  }
  return out + "regex used for validation is '" + std::string(regex) + "')";
}

std::vector<std::string> is_dns1123_label(std::string_view value) {
  std::vector<std::string> errs;
  if (value.size() > kDNS1123LabelMaxLength) errs.push_back(max_len_error(kDNS1123LabelMaxLength));
  if (!matches_dns1123_label(value)) {
    // A valid subdomain that is not a valid label can only be wrong by its dots.
    if (matches_dns1123_subdomain(value)) {
      errs.push_back("must not contain dots");
    } else {
      errs.push_back(regex_error(kDNS1123LabelErrMsg, kDNS1123LabelFmt, {"my-name", "123-abc"}));
    }
  }
  return errs;
}

std::vector<std::string> is_dns1123_subdomain(std::string_view value) {
  std::vector<std::string> errs;
  if (value.size() > kDNS1123SubdomainMaxLength) errs.push_back(max_len_error(kDNS1123SubdomainMaxLength));
  if (!matches_dns1123_subdomain(value)) {
    errs.push_back(regex_error(kDNS1123SubdomainErrMsg, kDNS1123SubdomainFmt, {"example.com"}));
  }
  return errs;
}

std::vector<std::string> is_dns1035_label(std::string_view value) {
  std::vector<std::string> errs;
  if (value.size() > kDNS1035LabelMaxLength) errs.push_back(max_len_error(kDNS1035LabelMaxLength));
  if (!matches_dns1035_label(value)) {
    errs.push_back(regex_error(kDNS1035LabelErrMsg, kDNS1035LabelFmt, {"my-name", "abc-123"}));
  }
  return errs;
}

//> lab03 is_qualified_name
std::vector<std::string> is_qualified_name(std::string_view value) {
  std::vector<std::string> errs;
  std::string_view name = value;
  size_t slash = value.find('/');
  if (slash != std::string_view::npos) {
    if (value.find('/', slash + 1) != std::string_view::npos) {
      // More than one '/': one message for the whole key, nothing more.
      errs.push_back("a qualified name " +
                     regex_error(kQualifiedNameErrMsg, kQualifiedNameFmt, {"MyName", "my.name", "123-abc"}) +
                     " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
      return errs;
    }
    std::string_view prefix = value.substr(0, slash);
    name = value.substr(slash + 1);
    if (prefix.empty()) {
      errs.push_back("prefix part " + empty_error());
    } else {
      for (const std::string& msg : is_dns1123_subdomain(prefix)) errs.push_back("prefix part " + msg);
    }
  }
  if (name.empty()) {
    errs.push_back("name part " + empty_error());
  } else if (name.size() > kQualifiedNameMaxLength) {
    errs.push_back("name part " + max_len_error(kQualifiedNameMaxLength));
  }
  if (!matches_qualified_name(name)) {
    errs.push_back("name part " +
                   regex_error(kQualifiedNameErrMsg, kQualifiedNameFmt, {"MyName", "my.name", "123-abc"}));
  }
  return errs;
}

//< lab03

std::vector<std::string> is_valid_label_value(std::string_view value) {
  std::vector<std::string> errs;
  if (value.size() > kLabelValueMaxLength) errs.push_back(max_len_error(kLabelValueMaxLength));
  if (!value.empty() && !matches_qualified_name(value)) {
    errs.push_back(regex_error(kLabelValueErrMsg, kLabelValueFmt, {"MyValue", "my_value", "12345"}));
  }
  return errs;
}

ErrorList validate_label_name(std::string_view name, const Path& path) {
  ErrorList errs;
  for (std::string& msg : is_qualified_name(name)) errs.push_back(invalid(path, quoted(name), std::move(msg)));
  return errs;
}

ErrorList validate_labels(const std::map<std::string, std::string>& labels, const Path& path) {
  ErrorList errs;
  for (const auto& [key, value] : labels) {
    for (FieldError& e : validate_label_name(key, path)) errs.push_back(std::move(e));
    for (std::string& msg : is_valid_label_value(value)) errs.push_back(invalid(path, quoted(value), std::move(msg)));
  }
  return errs;
}

ErrorList validate_annotations(const std::map<std::string, std::string>& annotations, const Path& path) {
  ErrorList errs;
  size_t total = 0;
  for (const auto& [key, value] : annotations) {
    // A qualified name, except that case does not matter. The error shows the key as given.
    for (std::string& msg : is_qualified_name(ascii_lower(key))) errs.push_back(invalid(path, quoted(key), std::move(msg)));
    total += key.size() + value.size();
  }
  if (total > kTotalAnnotationSizeLimit) errs.push_back(too_long(path, "", kTotalAnnotationSizeLimit));
  return errs;
}

}  // namespace kubepp::api

#include "runtime/image/reference.h"

#include <cctype>

namespace kubepp::runtime {

namespace {

constexpr std::string_view kDockerHub = "docker.io";

bool lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// One path component: lowercase alphanumerics, separated by `.`, `_`, `__` or a run of `-`.
bool valid_component(std::string_view c) {
  if (c.empty() || !lower_alnum(c.front()) || !lower_alnum(c.back())) return false;
  for (size_t i = 0; i < c.size();) {
    if (lower_alnum(c[i])) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < c.size() && !lower_alnum(c[j])) ++j;
    std::string_view sep = c.substr(i, j - i);
    bool dashes = sep.find_first_not_of('-') == std::string_view::npos;
    if (!(sep == "." || sep == "_" || sep == "__" || dashes)) return false;
    i = j;
  }
  return true;
}

// A tag: a word character, then up to 127 word characters, `.` or `-`.
bool valid_tag(std::string_view t) {
  if (t.empty() || t.size() > 128) return false;
  auto word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  if (!word(t.front())) return false;
  for (char c : t) {
    if (!word(c) && c != '.' && c != '-') return false;
  }
  return true;
}

// A domain: host components of alphanumerics and `-` separated by `.`, then an optional
// `:port`.
bool valid_domain(std::string_view d) {
  std::string_view host = d, port;
  if (size_t colon = d.rfind(':'); colon != std::string_view::npos) {
    host = d.substr(0, colon);
    port = d.substr(colon + 1);
    if (port.empty() || port.find_first_not_of("0123456789") != std::string_view::npos) return false;
  }
  if (host.empty() || host.front() == '.' || host.back() == '.' || host.find("..") != std::string_view::npos) {
    return false;
  }
  for (char c : host) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '-') return false;
  }
  return true;
}

}  // namespace

std::string ImageReference::str() const {
  std::string out = name();
  if (!tag.empty()) out += ":" + tag;
  if (digest) out += "@" + digest->str();
  return out;
}

std::string ImageReference::familiar() const {
  std::string out = path;
  if (domain != kDockerHub) {
    out = domain + "/" + path;
  } else if (out.starts_with("library/") && out.find('/', 8) == std::string::npos) {
    out = out.substr(8);
  }
  if (!tag.empty()) out += ":" + tag;
  if (digest) out += "@" + digest->str();
  return out;
}

Result<ImageReference> parse_reference(std::string_view text) {
  const std::string quoted = "image reference `" + std::string(text) + "`: ";
  auto invalid = [&](const std::string& rule) -> Error { return Error{ErrorCode::Invalid, quoted + rule}; };
  if (text.empty()) return invalid("empty");

  ImageReference ref;
  std::string_view rest = text;
  if (size_t at = rest.find('@'); at != std::string_view::npos) {
    Result<Digest> d = Digest::parse(rest.substr(at + 1));
    if (!d) return invalid(d.error().message);
    ref.digest = d.value();
    rest = rest.substr(0, at);
  }
  // The tag follows the last `:` that comes after the last `/` (a `:` before it is a port).
  const size_t slash = rest.rfind('/');
  if (size_t colon = rest.rfind(':'); colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
    ref.tag = rest.substr(colon + 1);
    rest = rest.substr(0, colon);
    if (!valid_tag(ref.tag)) return invalid("tag `" + ref.tag + "`: want up to 128 of [A-Za-z0-9_.-], not starting with `.` or `-`");
  }
  if (rest.empty()) return invalid("no repository name");

  // Is the first component a registry? Only with a `.` or `:`, or as `localhost`.
  std::string_view path = rest;
  if (size_t first = rest.find('/'); first != std::string_view::npos) {
    std::string_view head = rest.substr(0, first);
    if (head.find_first_of(".:") != std::string_view::npos || head == "localhost") {
      if (!valid_domain(head)) return invalid("registry `" + std::string(head) + "` is not a valid host[:port]");
      ref.domain = head;
      path = rest.substr(first + 1);
    }
  }
  if (ref.domain.empty() || ref.domain == "index.docker.io") ref.domain = kDockerHub;
  for (char c : path) {
    if (c >= 'A' && c <= 'Z') return invalid("repository name must be lowercase");
  }
  if (path.size() == 64 && path.find_first_not_of("0123456789abcdef") == std::string_view::npos) {
    return invalid("64 hex digits are an image id, not a repository name");
  }
  ref.path = path;
  size_t start = 0;
  for (;;) {
    size_t end = ref.path.find('/', start);
    std::string_view component = std::string_view(ref.path).substr(start, end == std::string::npos ? end : end - start);
    if (!valid_component(component)) {
      return invalid("path component `" + std::string(component) +
                     "`: want lowercase letters and digits, separated by `.`, `_`, `__` or dashes");
    }
    if (end == std::string::npos) break;
    start = end + 1;
  }
  if (ref.domain == kDockerHub && ref.path.find('/') == std::string::npos) ref.path = "library/" + ref.path;
  if (ref.name().size() > 255) return invalid("name longer than 255 characters");
  if (ref.tag.empty() && !ref.digest) ref.tag = "latest";
  return ref;
}

}  // namespace kubepp::runtime

// names.h — the string rules of the Kubernetes API: DNS labels and subdomains for object
// names, qualified names for label and annotation keys, label values; and the metadata
// validators built on them (ValidateLabels, ValidateAnnotations).
//
// Upstream: k8s.io/apimachinery/pkg/util/validation (IsDNS1123Label, IsDNS1123Subdomain,
// IsDNS1035Label, IsQualifiedName, IsValidLabelValue), pkg/apis/meta/v1/validation
// (ValidateLabelName, ValidateLabels) and pkg/api/validation (ValidateAnnotations).
//
// Every is_* function returns the rules a value breaks, one message each, in upstream's
// exact words — an empty list means the value is valid. The messages quote the regex
// upstream validates with, so a student can compare kubepp's answer with a real cluster's
// character for character, including upstream's double space after each example
// ("(e.g. 'MyName',  or 'my.name',  or '123-abc', regex used ...").
//
// Lengths are counted in bytes, as Go's len() counts them. All functions are pure and
// thread-safe.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "cluster/api/field.h"

namespace kubepp::api {

inline constexpr size_t kDNS1123LabelMaxLength = 63;       // DNS1123LabelMaxLength
inline constexpr size_t kDNS1123SubdomainMaxLength = 253;  // DNS1123SubdomainMaxLength
inline constexpr size_t kDNS1035LabelMaxLength = 63;       // DNS1035LabelMaxLength
inline constexpr size_t kQualifiedNameMaxLength = 63;      // the name part of a key
inline constexpr size_t kLabelValueMaxLength = 63;         // LabelValueMaxLength
inline constexpr size_t kTotalAnnotationSizeLimit = 256 * 1024;  // TotalAnnotationSizeLimitB

// ---- building blocks of the messages ------------------------------------------------

/// "must be no more than <n> characters" (MaxLenError).
std::string max_len_error(size_t length);
/// "must be non-empty" (EmptyError).
std::string empty_error();
/// `msg` followed by the examples and the regex, as RegexError words it:
///   "<msg> (e.g. 'a',  or 'b', regex used for validation is '<regex>')".
std::string regex_error(std::string_view msg, std::string_view regex,
                        const std::vector<std::string_view>& examples);

// ---- the shapes, without lengths -------------------------------------------------------
//
// The character rules of the regular expressions quoted in the messages below, written
// by hand; no length limit is checked here. The is_* functions add the limits and the
// messages. (Lab 03 writes these three.)

/// True when `value` has the shape [a-z0-9]([-a-z0-9]*[a-z0-9])?: non-empty, lower-case
/// letters, digits and '-', starting and ending with a letter or digit.
bool matches_dns1123_label(std::string_view value);

/// True when `value` is one or more DNS-1123 label shapes joined by single dots:
/// "example.com", "a.b.c"; not "", ".a", "a." nor "a..b".
bool matches_dns1123_subdomain(std::string_view value);

/// True when `value` has the shape ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]: non-empty,
/// letters of both cases, digits, '-', '_' and '.', starting and ending with a letter or
/// digit. The name part of a label key, and every non-empty label value.
bool matches_qualified_name(std::string_view value);

// ---- the string rules ---------------------------------------------------------------

/// A DNS label (RFC 1123): at most 63 of [a-z0-9-], starting and ending alphanumeric.
/// The names of namespaces, and of many fields (container names, port names, …).
std::vector<std::string> is_dns1123_label(std::string_view value);

/// A DNS subdomain (RFC 1123): at most 253 bytes of dot-separated DNS labels. The rule
/// for most object names (pods, deployments, configmaps, …).
std::vector<std::string> is_dns1123_subdomain(std::string_view value);

/// A DNS-1035 label: as a DNS-1123 label but starting with a letter (service names).
std::vector<std::string> is_dns1035_label(std::string_view value);

/// A qualified name — a label or annotation key: an optional prefix, which must be a DNS
/// subdomain, and "/", then a name of at most 63 of [A-Za-z0-9-_.] that starts and ends
/// alphanumeric: "app", "example.com/MyName".
std::vector<std::string> is_qualified_name(std::string_view value);

/// A label value: empty, or at most 63 of [A-Za-z0-9-_.] starting and ending alphanumeric.
std::vector<std::string> is_valid_label_value(std::string_view value);

// ---- metadata validators -----------------------------------------------------------

/// One error per broken rule of a label key, each `path: Invalid value: "<key>": <rule>`
/// (ValidateLabelName).
ErrorList validate_label_name(std::string_view name, const Path& path);

/// Every key and value of a label map (ValidateLabels). Errors name the map's path, not
/// the key (`metadata.labels: Invalid value: "-x": name part must …`); keys are visited
/// in sorted order (upstream visits a Go map, in random order).
ErrorList validate_labels(const std::map<std::string, std::string>& labels, const Path& path);

/// Every key of an annotation map — a qualified name, compared in lower case — and the
/// total size of keys and values, at most 256 KiB (ValidateAnnotations):
///   metadata.annotations: Too long: must have at most 262144 bytes
ErrorList validate_annotations(const std::map<std::string, std::string>& annotations, const Path& path);

}  // namespace kubepp::api

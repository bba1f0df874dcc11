// selector_fuzz.cpp — libFuzzer target: any text either fails to parse as a label or a
// field selector, or parses to a selector whose string form is stable:
//  - a label selector's string form parses back to the same string form;
//  - a field selector's string form does once it has been printed twice. As upstream,
//    the parser sorts the terms by their raw text before it normalizes them ("a==x"
//    prints "a=x"; a bad UTF-8 byte reads as U+FFFD, as Go reads it), so the first
//    printing may order them differently from the second; from then on it is fixed.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "cluster/api/fields.h"
#include "cluster/api/labels.h"

namespace {

std::string field_form(std::string_view text) {
  auto f = kubepp::api::parse_field_selector(text);
  if (!f) std::abort();  // a printed selector must parse
  return f.value().str();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  if (auto s = kubepp::api::parse_selector(text)) {
    std::string form = s.value().str();
    auto again = kubepp::api::parse_selector(form);
    if (!again || again.value().str() != form) std::abort();
  }
  if (auto f = kubepp::api::parse_field_selector(text)) {
    std::string twice = field_form(f.value().str());
    if (field_form(twice) != twice) std::abort();
  }
  return 0;
}

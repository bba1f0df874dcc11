// yaml_text.h — checks on YAML text before yaml-cpp reads it (decode.cpp's helpers).
//
// Two things yaml-cpp does not guard against: text that is not UTF-8 (libyaml, and so
// go-yaml, refuses it; nlohmann::json could not print it), and flow collections that
// yaml-cpp holds whole in memory before it hands out a single event (see
// check_yaml_flow_collections). Both checks are linear scans that allocate nothing.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace kubepp::api {

/// Where YAML text breaks a rule (the byte's index) and which rule.
struct TextProblem {
  size_t offset = 0;
  std::string message;
};

/// The first byte that is not UTF-8, or is a control character YAML forbids (C0 other
/// than tab, LF and CR; DEL; C1 other than NEL), in libyaml's words.
std::optional<TextProblem> check_yaml_characters(std::string_view text);

/// yaml-cpp keeps every token of a flow collection ([…] or {…}) that begins where a key
/// may begin — a line's first node, or one after "- ", "? " or "--- " — until the
/// collection closes, to learn whether a ':' follows and makes it a key. That costs
/// ≈ 150 bytes of memory a byte of input: 3 MiB of `[1,1,…]` held 400 MB. This finds the
/// first such collection longer than max_bytes, or any flow collection nested deeper than
/// max_depth. It reads just enough YAML to step over comments and quoted and block
/// scalars; where unsure it reads on, so it may refuse odd text but never misses one.
std::optional<TextProblem> check_yaml_flow_collections(std::string_view text, size_t max_bytes,
                                                       int max_depth);

}  // namespace kubepp::api

// strings.h — small string helpers every module needs, with Go's semantics where kubepp
// mirrors Go code.
#pragma once

#include <string_view>
#include <vector>

namespace kubepp {

/// The parts of `s` between the separators, as Go's strings.Split: "a,b" → {"a", "b"},
/// "a," → {"a", ""}, "" → {""}. The parts point into `s`.
std::vector<std::string_view> split(std::string_view s, char separator);

}  // namespace kubepp

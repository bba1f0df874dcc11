// table.h — columns as docker and kubectl print them: each as wide as its widest cell,
// three spaces apart, the last one unpadded.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace kubepp::cli {

/// Prints `rows` (the first is the header) aligned in columns.
void print_table(std::ostream& out, const std::vector<std::vector<std::string>>& rows);

}  // namespace kubepp::cli

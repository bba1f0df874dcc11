// examples.h — a chapter's examples as a table that checks itself.
//
// Each row is one example as the chapter's text shows it: the input, and the answer the
// text gives. check() compares every row with the code's real answer and fails the test
// case if one differs, naming the row. Run with -s (Catch2's --success), as the chapter's
// demo.sh does, and the table also prints itself: the chapter's examples, answered by the
// code as you watch.
#pragma once

#include <catch2/catch.hpp>

#include <algorithm>
#include <iostream>
#include <string>
#include <vector>

namespace kubepp::testing {

class ExampleTable {
 public:
  explicit ExampleTable(std::string title) : title_(std::move(title)) {}

  /// One example: the input as the chapter writes it, the answer the chapter gives, and
  /// the answer the code gives.
  void row(std::string input, std::string want, std::string got) {
    rows_.push_back({std::move(input), std::move(want), std::move(got)});
  }

  /// Prints the table when Catch2 runs with -s, then checks every row: a failure lists
  /// each row whose answer is not the chapter's. (No assertion when all agree, so that
  /// -s shows the table and nothing else.)
  void check() const {
    if (Catch::getCurrentContext().getConfig()->includeSuccessfulResults()) print();
    std::string wrong;
    for (const Row& r : rows_) {
      if (r.got != r.want) wrong += "\n" + r.input + "\n    the chapter says: " + r.want + "\n    the code says:    " + r.got;
    }
    if (!wrong.empty()) FAIL_CHECK(title_ << ": the rows whose answer is not the chapter's:" << wrong);
  }

 private:
  struct Row {
    std::string input, want, got;
  };

  // The width of UTF-8 text in characters (× and … are one each).
  static size_t width(const std::string& s) {
    size_t n = 0;
    for (unsigned char c : s) n += (c & 0xC0) != 0x80;
    return n;
  }

  void print() const {
    size_t column = 0;
    for (const Row& r : rows_) column = std::max(column, width(r.input));
    std::cout << title_ << "\n";
    for (const Row& r : rows_) {
      std::cout << "  " << r.input << std::string(column - width(r.input) + 3, ' ') << r.got << "\n";
    }
    std::cout << std::endl;
  }

  std::string title_;
  std::vector<Row> rows_;
};

}  // namespace kubepp::testing

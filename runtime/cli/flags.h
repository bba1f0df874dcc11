// flags.h — a small command-line flag parser for the kubepp verbs.
//
// Flags look like docker's and kubectl's: `--name value`, `--name=value`, `-e K=V`,
// boolean `--detach` (or `--detach=false`), repeated flags collect into a list. Parsing
// stops at the first argument that is not a flag, or after `--`: what follows (an
// image and its command) belongs to the verb.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "runtime/base/result.h"

namespace kubepp::cli {

class FlagSet {
 public:
  /// `usage` is the synopsis line: "kubepp run [flags] IMAGE [-- COMMAND [ARG...]]".
  explicit FlagSet(std::string usage) : usage_(std::move(usage)) {}

  /// `names` is "hostname" or "e,env" (short and long forms).
  void add_string(const std::string& names, std::string* target, const std::string& help);
  void add_bool(const std::string& names, bool* target, const std::string& help);
  void add_list(const std::string& names, std::vector<std::string>* target, const std::string& help);

  /// Sets the flags found at the front of `args` and returns the arguments after them.
  /// Invalid names an unknown flag or a missing value. `--help` sets help_requested().
  Result<std::vector<std::string>> parse(const std::vector<std::string>& args);

  /// What a verb does with its command line: the positional arguments, or — when it
  /// must stop at once — the exit code: 0 after printing the help for --help, 2 after
  /// printing "kubepp VERB: PROBLEM" for a bad flag or a count of arguments outside
  /// [min, max] (`want` says what is expected, "want one container name").
  struct Parsed {
    std::vector<std::string> args;
    std::optional<int> exit_now;
  };
  Parsed parse_verb(const std::string& verb, const std::vector<std::string>& args, size_t min, size_t max,
                    const std::string& want);

  bool help_requested() const { return help_; }
  /// The usage line and one line per flag.
  std::string help() const;

 private:
  enum class Kind { String, Bool, List };
  struct Flag {
    std::vector<std::string> names;
    Kind kind;
    void* target;
    std::string help;
  };
  void add(const std::string& names, Kind kind, void* target, const std::string& help);
  Flag* find(const std::string& name);

  std::string usage_;
  std::vector<Flag> flags_;
  bool help_ = false;
};

}  // namespace kubepp::cli

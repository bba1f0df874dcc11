// verbs.h — the local verbs of the `kubepp` command (containers on this machine, no
// cluster). Each lives in its own file in runtime/cli/; cluster/cmd/main.cpp
// dispatches to them.
#pragma once

#include <string>
#include <vector>

#include "runtime/names.h"

namespace kubepp::cli {

/// Options every verb understands, given before the verb: `kubepp --root DIR run …`.
struct GlobalOptions {
  runtime::StateDirs dirs;  ///< /var/lib/kubepp and /run/kubepp, or DIR/lib and DIR/run
  int verbosity = 0;        ///< -v=N
};

/// A verb's entry point: `args` are the arguments after the verb. Returns the exit code.
using VerbMain = int (*)(const GlobalOptions& global, const std::vector<std::string>& args);

int run_main(const GlobalOptions& global, const std::vector<std::string>& args);
int cleanup_main(const GlobalOptions& global, const std::vector<std::string>& args);
int ps_main(const GlobalOptions& global, const std::vector<std::string>& args);
int logs_main(const GlobalOptions& global, const std::vector<std::string>& args);
int stop_main(const GlobalOptions& global, const std::vector<std::string>& args);
int rm_main(const GlobalOptions& global, const std::vector<std::string>& args);
int exec_main(const GlobalOptions& global, const std::vector<std::string>& args);
int image_main(const GlobalOptions& global, const std::vector<std::string>& args);
int runtime_main(const GlobalOptions& global, const std::vector<std::string>& args);

}  // namespace kubepp::cli

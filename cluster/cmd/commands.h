// commands.h — the cluster's component commands of the `kubepp` binary, one file each in
// cluster/cmd/ (the local verbs are in runtime/cli/verbs.h). main.cpp dispatches to them.
#pragma once

#include <string>
#include <vector>

#include "runtime/cli/verbs.h"

namespace kubepp::cmd {

/// `kubepp store`: the watchable store served over etcd's v3 JSON gateway (store.cpp).
int store_main(const cli::GlobalOptions& global, const std::vector<std::string>& args);

}  // namespace kubepp::cmd

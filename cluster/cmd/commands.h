// commands.h — the cluster's component commands of the `kubepp` binary, one file each in
// cluster/cmd/ (the local verbs are in runtime/cli/verbs.h). main.cpp dispatches to them.
#pragma once

#include <string>
#include <vector>

#include "runtime/cli/verbs.h"

namespace kubepp::cmd {

/// `kubepp store`: the watchable store served over etcd's v3 JSON gateway (store.cpp).
int store_main(const cli::GlobalOptions& global, const std::vector<std::string>& args);

/// `kubepp play`: a manifest's Pods, run without a cluster (pods.cpp).
int play_main(const cli::GlobalOptions& global, const std::vector<std::string>& args);
/// `kubepp pods`: the played pods, as `kubectl get pods` shows them.
int pods_main(const cli::GlobalOptions& global, const std::vector<std::string>& args);
/// `kubepp stop`, `rm`, `logs`, `exec` and `cleanup` for pods as well as containers: a name
/// that is no played pod goes to the container verb of runtime/cli.
int stop_main(const cli::GlobalOptions& global, const std::vector<std::string>& args);
int rm_main(const cli::GlobalOptions& global, const std::vector<std::string>& args);
int logs_main(const cli::GlobalOptions& global, const std::vector<std::string>& args);
int exec_main(const cli::GlobalOptions& global, const std::vector<std::string>& args);
int cleanup_main(const cli::GlobalOptions& global, const std::vector<std::string>& args);

}  // namespace kubepp::cmd

// netns.h — running code inside another network namespace.
//
// setns(2) moves the calling *thread* into a namespace. Rather than move a thread that
// has other work, kubepp starts a short-lived thread, moves it, runs the work there and
// lets the thread end: the rest of the process never leaves its own namespace. What the
// work creates stays in the namespace it was created in — a socket opened there keeps
// talking to that namespace after the thread is gone (netlink.h:Netlink::open_in, and
// the tests' listeners inside pods).
//
// create_netns, delete_netns and netns_path are declared in pod_network.h.
#pragma once

#include <filesystem>
#include <functional>

#include "runtime/base/result.h"

namespace kubepp::runtime::net {

/// Runs `work` on a new thread that has joined the network namespace at `netns`
/// (/run/netns/NAME or /proc/PID/ns/net) and returns what it returns. Fails, naming the
/// path, when the namespace cannot be opened or joined.
Status run_in_netns(const std::filesystem::path& netns, const std::function<Status()>& work);

}  // namespace kubepp::runtime::net

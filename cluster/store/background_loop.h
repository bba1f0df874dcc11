// background_loop.h — the store's background steps on a thread of their own (etcd runs
// each as a goroutine): catch unsynced watchers up every sync interval, or at once when
// kicked; expire leases; send progress notifications. WatchableStore runs one with its own
// steps; DurableStore runs one whose lease expiry goes through the log.
//
// The cadence is wall time (steady_clock); lease deadlines are the store's Clock's
// business. Thread safety: kick() from any thread; the steps run on the loop's thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace kubepp::store {

class BackgroundLoop {
 public:
  struct Cadence {
    std::chrono::milliseconds sync;      // sync_watchers
    std::chrono::milliseconds lease;     // expire_leases
    std::chrono::milliseconds progress;  // send_progress
  };
  struct Steps {
    std::function<void()> sync_watchers;
    std::function<void()> expire_leases;
    std::function<void()> send_progress;
  };

  /// Starts the thread.
  BackgroundLoop(Cadence cadence, Steps steps);
  /// Stops and joins it (a step in progress finishes first).
  ~BackgroundLoop();
  BackgroundLoop(const BackgroundLoop&) = delete;
  BackgroundLoop& operator=(const BackgroundLoop&) = delete;

  /// Runs sync_watchers now rather than at the next interval: a watcher joined behind.
  void kick();

 private:
  void run();

  const Cadence cadence_;
  const Steps steps_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool kicked_ = false;    // guarded by mu_
  bool stopping_ = false;  // guarded by mu_
  std::thread thread_;     // last: starts once the rest is built
};

}  // namespace kubepp::store

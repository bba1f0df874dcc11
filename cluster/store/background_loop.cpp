// background_loop.cpp — one thread, three steps at their own intervals.
#include "cluster/store/background_loop.h"

#include <utility>

namespace kubepp::store {

BackgroundLoop::BackgroundLoop(Cadence cadence, Steps steps)
    : cadence_(cadence), steps_(std::move(steps)), thread_([this] { run(); }) {}

BackgroundLoop::~BackgroundLoop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void BackgroundLoop::kick() {
  {
    std::lock_guard lock(mu_);
    kicked_ = true;
  }
  cv_.notify_all();
}

void BackgroundLoop::run() {
  using std::chrono::steady_clock;
  steady_clock::time_point next_lease = steady_clock::now() + cadence_.lease;
  steady_clock::time_point next_progress = steady_clock::now() + cadence_.progress;
  std::unique_lock lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, cadence_.sync, [&] { return stopping_ || kicked_; });
    if (stopping_) break;
    kicked_ = false;
    lock.unlock();
    steps_.sync_watchers();
    steady_clock::time_point now = steady_clock::now();
    if (now >= next_lease) {
      steps_.expire_leases();
      next_lease = now + cadence_.lease;
    }
    if (now >= next_progress) {
      steps_.send_progress();
      next_progress = now + cadence_.progress;
    }
    lock.lock();
  }
}

}  // namespace kubepp::store

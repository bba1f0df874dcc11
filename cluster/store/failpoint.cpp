// failpoint.cpp — KUBEPP_STORE_FAILPOINT=NAME[:N]: SIGKILL at the N-th pass of NAME.
#include "cluster/store/failpoint.h"

#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <string>

namespace kubepp::store {

namespace {

// The failpoint named by the environment, read once.
struct Armed {
  Armed() {
    const char* env = std::getenv("KUBEPP_STORE_FAILPOINT");
    if (env == nullptr) return;
    std::string spec = env;
    size_t colon = spec.rfind(':');
    name = spec.substr(0, colon);
    if (colon != std::string::npos) left = std::max(1L, std::atol(spec.c_str() + colon + 1));
  }
  std::string name;          // empty: no failpoint armed
  std::atomic<long> left{1};  // passes until the crash
};

Armed& armed() {
  static Armed a;
  return a;
}

}  // namespace

void failpoint(const char* name) {
  Armed& a = armed();
  if (a.name.empty() || a.name != name) return;
  if (a.left.fetch_sub(1) == 1) {
    static const char msg[] = "kubepp store: failpoint reached, SIGKILL\n";
    (void)!::write(2, msg, sizeof msg - 1);
    ::kill(::getpid(), SIGKILL);
  }
}

}  // namespace kubepp::store

// private_mounts.cpp — root labs run their tests in a mount namespace of their own.
//
// Linked into the test binaries of labs 01 and 02: before the first test, the process
// moves into a new mount namespace, cuts propagation to the host (so a student's bug
// cannot leave mounts on the machine), then makes its own mounts shared again, as
// systemd leaves a host — so a container that forgets to make its mounts private
// would still show its mounts here, and the tests can see it.
#include <sched.h>
#include <sys/mount.h>
#include <unistd.h>

#define CATCH_CONFIG_EXTERNAL_INTERFACES  // Catch2 v2: listeners need it
#include <catch2/catch.hpp>
#include <cerrno>
#include <cstring>

namespace {

struct PrivateMounts : Catch::TestEventListenerBase {
  using TestEventListenerBase::TestEventListenerBase;

  void testRunStarting(const Catch::TestRunInfo&) override {
    if (::geteuid() != 0) return;  // the tests themselves will say they need root
    if (::unshare(CLONE_NEWNS) != 0 || ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
        ::mount(nullptr, "/", nullptr, MS_REC | MS_SHARED, nullptr) != 0) {
      std::fprintf(stderr, "lab tests: cannot make a private mount namespace: %s\n", std::strerror(errno));
      std::exit(2);
    }
  }
};

}  // namespace

CATCH_REGISTER_LISTENER(PrivateMounts)

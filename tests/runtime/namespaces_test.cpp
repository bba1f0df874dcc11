#include "runtime/namespaces.h"

#include <signal.h>

#include <catch2/catch.hpp>
#include <filesystem>

using namespace kubepp::runtime;

TEST_CASE("every namespace kind names a file in /proc/self/ns", "[unit][namespaces]") {
  for (const NamespaceKind& kind : namespace_kinds()) {
    INFO(kind.name);
    CHECK(std::filesystem::exists(std::filesystem::path("/proc/self/ns") / kind.proc_name));
  }
}

TEST_CASE("namespace kinds have distinct flags", "[unit][namespaces]") {
  int seen = 0;
  for (const NamespaceKind& kind : namespace_kinds()) {
    INFO(kind.name);
    CHECK((seen & kind.flag) == 0);
    seen |= kind.flag;
  }
}

TEST_CASE("describe_namespace_flags lists the kinds a flag set holds", "[unit][namespaces]") {
  SECTION("none") { CHECK(describe_namespace_flags(0).empty()); }
  SECTION("one") { CHECK(describe_namespace_flags(CLONE_NEWNET) == "network"); }
  SECTION("several, in the table's order") {
    CHECK(describe_namespace_flags(CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS) == "uts,pid,mount");
  }
  SECTION("flags that are not namespaces are ignored") {
    CHECK(describe_namespace_flags(CLONE_NEWIPC | CLONE_VM | SIGCHLD) == "ipc");
  }
}

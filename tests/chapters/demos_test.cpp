// The chapters' demo scripts, run as a reader runs them: a chapter whose demos no
// longer behave as its text says fails here.
#include <sys/wait.h>

#include <catch2/catch.hpp>

#include "tests/support/containers.h"
#include "tests/support/leak_check.h"

using kubepp::testing::kubepp_binary;
using kubepp::testing::run_command;
using kubepp::testing::source_dir;

ROOT_TEST_CASE("chapter 01's demos behave as the chapter says", "[root][chapters]") {
  auto run = run_command({"env", "KUBEPP=" + kubepp_binary().string(), "bash",
                          (source_dir() / "chapters/01-containers/demo.sh").string()});
  INFO(run.out << run.err);
  CHECK(run.status == 0);
  // bash never reaps the processes of `<(…)` substitutions; they exit, and as orphans
  // they come to this test (a subreaper) as zombies. Reap those — a process still
  // running is a real leak and stays for the leak check to report.
  while (::waitpid(-1, nullptr, WNOHANG) > 0) {
  }
  CHECK_THAT(run.out, Catch::Contains("all demos behaved as the chapter says"));
}

// Chapter 02 plays Pods: the pod network's bridge kubepp0 and its addresses are the
// node's, which the root tests' lock (held by every root test) keeps to one user at a time.
ROOT_TEST_CASE("chapter 02's demos behave as the chapter says", "[root][chapters]") {
  auto run = run_command({"env", "KUBEPP=" + kubepp_binary().string(), "bash",
                          (source_dir() / "chapters/02-pods/demo.sh").string()});
  INFO(run.out << run.err);
  CHECK(run.status == 0);
  // Supervisors and hostPort forwarders run in sessions of their own; `kubepp cleanup`
  // kills them, and as orphans they may come to this test (a subreaper): reap them.
  while (::waitpid(-1, nullptr, WNOHANG) > 0) {
  }
  CHECK_THAT(run.out, Catch::Contains("all demos behaved as the chapter says"));
}

// Chapters 03 and 04 need no root either: their demos print the chapters' tables from
// the binary chapter_examples beside kubepp (tests/chapters/objects_test.cpp, selectors_test.cpp).
ROOT_TEST_CASE("chapter 03's demos behave as the chapter says", "[root][chapters]") {
  auto run = run_command({"env", "KUBEPP=" + kubepp_binary().string(), "bash",
                          (source_dir() / "chapters/03-objects/demo.sh").string()});
  INFO(run.out << run.err);
  CHECK(run.status == 0);
  CHECK_THAT(run.out, Catch::Contains("all demos behaved as the chapter says"));
}

ROOT_TEST_CASE("chapter 04's demos behave as the chapter says", "[root][chapters]") {
  auto run = run_command({"env", "KUBEPP=" + kubepp_binary().string(), "bash",
                          (source_dir() / "chapters/04-selectors/demo.sh").string()});
  INFO(run.out << run.err);
  CHECK(run.status == 0);
  CHECK_THAT(run.out, Catch::Contains("all demos behaved as the chapter says"));
}

// Chapter 05 needs no root (two servers on loopback: /usr/bin/etcd and `kubepp store`);
// it runs here beside chapter 01 so that every chapter's demos run in one place.
ROOT_TEST_CASE("chapter 05's demos behave as the chapter says", "[root][chapters]") {
  auto run = run_command({"env", "KUBEPP=" + kubepp_binary().string(), "bash",
                          (source_dir() / "chapters/05-etcd-and-watch/demo.sh").string()});
  INFO(run.out << run.err);
  CHECK(run.status == 0);
  CHECK_THAT(run.out, Catch::Contains("all demos behaved as the chapter says"));
}

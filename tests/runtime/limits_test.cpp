#include "runtime/cli/limits.h"

#include <catch2/catch.hpp>

using namespace kubepp::cli;

TEST_CASE("the memory flag takes bytes with Kubernetes' suffixes", "[unit][cli]") {
  CHECK(parse_memory("memory", "64Mi").value() == 64 << 20);
  CHECK(parse_memory("memory", "1G").value() == 1000000000);
  CHECK(parse_memory("memory", "1.5Gi").value() == 1610612736);
  CHECK(parse_memory("memory", "67108864").value() == 67108864);
  SECTION("impossible and malformed values name the flag and the rule") {
    CHECK(parse_memory("memory", "1Mi").error().message == "--memory `1Mi`: below the least memory limit, 6Mi");
    CHECK(parse_memory("memory", "64MB").error().message ==
          "--memory `64MB`: want bytes, optionally with a suffix Ki, Mi, Gi, Ti, k, M, G or T (64Mi)");
    CHECK_FALSE(parse_memory("memory", "").ok());
    CHECK_FALSE(parse_memory("memory", "-64Mi").ok());
  }
}

TEST_CASE("the cpus flag takes CPUs or millicores", "[unit][cli]") {
  CHECK(parse_cpus("cpus", "0.5").value() == 500);
  CHECK(parse_cpus("cpus", "2").value() == 2000);
  CHECK(parse_cpus("cpus", "250m").value() == 250);
  CHECK(parse_cpus("cpus", "0.0001").error().message == "--cpus `0.0001`: finer than one millicore");
  CHECK(parse_cpus("cpus", "0").error().message == "--cpus `0`: must be at least 1m");
  CHECK_FALSE(parse_cpus("cpus", "half").ok());
}

TEST_CASE("the pids flag takes a positive count", "[unit][cli]") {
  CHECK(parse_count("pids", "64").value() == 64);
  CHECK(parse_count("pids", "0").error().message == "--pids `0`: want a whole number from 1 to 4194304");
  CHECK_FALSE(parse_count("pids", "6.5").ok());
}

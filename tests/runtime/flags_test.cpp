#include "runtime/cli/flags.h"

#include <catch2/catch.hpp>

using kubepp::cli::FlagSet;

TEST_CASE("flags stop at the first positional argument", "[unit][cli]") {
  std::string hostname, network = "none";
  std::vector<std::string> env;
  bool detach = false;
  FlagSet flags("test");
  flags.add_string("hostname", &hostname, "");
  flags.add_string("net,network", &network, "");
  flags.add_list("e,env", &env, "");
  flags.add_bool("d,detach", &detach, "");

  SECTION("long, short, =value and repeated forms") {
    auto rest = flags.parse({"--hostname", "h1", "--net=host", "-e", "A=1", "--env=B=2", "-d", "busybox", "-e", "x"});
    REQUIRE(rest.ok());
    CHECK(hostname == "h1");
    CHECK(network == "host");
    CHECK(env == std::vector<std::string>{"A=1", "B=2"});
    CHECK(detach);
    CHECK(rest.value() == std::vector<std::string>{"busybox", "-e", "x"});
  }
  SECTION("-- ends the flags") {
    auto rest = flags.parse({"--", "--hostname"});
    REQUIRE(rest.ok());
    CHECK(rest.value() == std::vector<std::string>{"--hostname"});
    CHECK(hostname.empty());
  }
  SECTION("a boolean takes =true or =false only") {
    CHECK(flags.parse({"--detach=false"}).ok());
    CHECK_FALSE(detach);
    auto bad = flags.parse({"--detach=maybe"});
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().message == "flag --detach: want true or false, got `maybe`");
  }
  SECTION("an unknown flag is an error naming it") {
    auto bad = flags.parse({"--hostnme", "x"});
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().message == "unknown flag: --hostnme");
  }
  SECTION("a missing value is an error") {
    auto bad = flags.parse({"--hostname"});
    REQUIRE_FALSE(bad.ok());
    CHECK(bad.error().message == "flag --hostname needs a value");
  }
  SECTION("--help is noticed and listed flags appear in the help") {
    REQUIRE(flags.parse({"--help"}).ok());
    CHECK(flags.help_requested());
    CHECK_THAT(flags.help(), Catch::Contains("-e, --env VALUE"));
    CHECK_THAT(flags.help(), Catch::Contains("-d, --detach "));
  }
}

TEST_CASE("parse_verb gives a verb its arguments or the exit code to stop with", "[unit][cli]") {
  bool force = false;
  FlagSet flags("kubepp rm [-f] NAME...");
  flags.add_bool("f,force", &force, "");
  SECTION("arguments in range") {
    auto parsed = flags.parse_verb("rm", {"-f", "a", "b"}, 1, 5, "want a container name");
    CHECK_FALSE(parsed.exit_now);
    CHECK(parsed.args == std::vector<std::string>{"a", "b"});
    CHECK(force);
  }
  SECTION("--help stops with 0") { CHECK(flags.parse_verb("rm", {"--help"}, 1, 5, "").exit_now == 0); }
  SECTION("too few or too many stop with 2") {
    CHECK(flags.parse_verb("rm", {}, 1, 5, "want a container name").exit_now == 2);
    CHECK(flags.parse_verb("rm", {"a", "b"}, 1, 1, "want one").exit_now == 2);
  }
  SECTION("a bad flag stops with 2") { CHECK(flags.parse_verb("rm", {"--nope", "a"}, 1, 5, "").exit_now == 2); }
}

// Tests of runtime/net/ipam and ipv4: the address records of a pod CIDR on disk, and the
// parsing of the CIDRs themselves. Plain files in a temporary directory: no privileges.
#include "runtime/net/ipam.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <set>

#include "runtime/base/files.h"
#include "tests/support/temp_dir.h"

using namespace kubepp;
using namespace kubepp::runtime::net;
using kubepp::testing::TempDir;
namespace fs = std::filesystem;

namespace {

Ipam open_ipam(const fs::path& dir, const std::string& cidr = "10.244.0.0/24") {
  Result<Ipam> ipam = Ipam::open(dir, cidr);
  REQUIRE(ipam.ok());
  return std::move(ipam.value());
}

std::string sandbox(int n) { return "sandbox-" + std::to_string(n); }

// The address records in `dir`: files named by an address.
std::set<std::string> record_files(const fs::path& dir) {
  std::set<std::string> names;
  for (const fs::directory_entry& entry : fs::directory_iterator(dir)) {
    if (Ipv4Address::parse(entry.path().filename().string())) names.insert(entry.path().filename());
  }
  return names;
}

}  // namespace

TEST_CASE("CIDRs parse, and a malformed one is Invalid naming what is wrong", "[unit][net]") {
  Result<Ipv4Cidr> cidr = Ipv4Cidr::parse("10.244.0.0/24");
  REQUIRE(cidr.ok());
  CHECK(cidr.value().network.str() == "10.244.0.0");
  CHECK(cidr.value().prefix_length == 24);
  CHECK(cidr.value().broadcast().str() == "10.244.0.255");
  CHECK(cidr.value().contains(Ipv4Address::parse("10.244.0.77").value()));
  CHECK_FALSE(cidr.value().contains(Ipv4Address::parse("10.244.1.0").value()));
  CHECK(Ipv4Cidr::parse("0.0.0.0/0").value().contains(Ipv4Address::parse("192.0.2.1").value()));
  CHECK(Ipv4Cidr::parse("10.96.0.0/12").value().str() == "10.96.0.0/12");

  struct Bad {
    const char* text;
    const char* says;
  };
  for (const Bad& bad : {Bad{"10.244.0.0", "no prefix length"}, Bad{"10.244.0.0/33", "from 0 to 32"},
                         Bad{"10.244.0.0/", "from 0 to 32"}, Bad{"10.244.0.0/2x", "from 0 to 32"},
                         Bad{"10.244.0.0/-1", "from 0 to 32"}, Bad{"banana/24", "A.B.C.D"},
                         Bad{"10.244.0/24", "A.B.C.D"}, Bad{"fd00::/64", "A.B.C.D"},
                         Bad{"10.244.0.1/24", "host bits are set (the block is 10.244.0.0/24)"}}) {
    SECTION(bad.text) {
      Result<Ipv4Cidr> parsed = Ipv4Cidr::parse(bad.text);
      REQUIRE_FALSE(parsed.ok());
      CHECK(parsed.error().code == ErrorCode::Invalid);
      CHECK_THAT(parsed.error().message, Catch::Contains(std::string("`") + bad.text + "`") && Catch::Contains(bad.says));
    }
  }
}

TEST_CASE("an Ipam refuses a malformed CIDR or one too small for a pod", "[unit][net]") {
  TempDir dir("ipam");
  for (const char* cidr : {"10.244.0.0", "10.244.0.0/31", "10.244.0.0/32"}) {
    Result<Ipam> ipam = Ipam::open(dir / "records", cidr);
    REQUIRE_FALSE(ipam.ok());
    CHECK(ipam.error().code == ErrorCode::Invalid);
    CHECK_THAT(ipam.error().message, Catch::Contains(cidr));
  }
  // A /30 has room for exactly one pod: network, gateway, pod, broadcast.
  Ipam ipam = open_ipam(dir / "records", "10.244.0.0/30");
  CHECK(ipam.allocate("a").value().str() == "10.244.0.2");
  CHECK(ipam.allocate("b").error().code == ErrorCode::Unavailable);
}

TEST_CASE("200 sandboxes get 200 distinct addresses, none the network, gateway or broadcast", "[unit][net]") {
  TempDir dir("ipam");
  Ipam ipam = open_ipam(dir.path());
  CHECK(ipam.gateway().str() == "10.244.0.1");
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    Result<Ipv4Address> ip = ipam.allocate(sandbox(i));
    REQUIRE(ip.ok());
    CHECK(ipam.range().contains(ip.value()));
    seen.insert(ip.value().str());
  }
  CHECK(seen.size() == 200);
  CHECK(seen.count("10.244.0.0") == 0);
  CHECK(seen.count("10.244.0.1") == 0);
  CHECK(seen.count("10.244.0.255") == 0);
  CHECK(ipam.held().size() == 200);
  CHECK(record_files(dir.path()) == seen);
  // Each record names its holder.
  const std::string first = ipam.lookup(sandbox(0)).value().str();
  CHECK(read_file(dir / first) == sandbox(0));
}

TEST_CASE("allocate is idempotent: an id that holds an address gets it again", "[unit][net]") {
  TempDir dir("ipam");
  Ipam ipam = open_ipam(dir.path());
  const Ipv4Address a = ipam.allocate("a").value();
  const Ipv4Address b = ipam.allocate("b").value();
  CHECK(a != b);
  CHECK(ipam.allocate("a").value() == a);
  CHECK(ipam.lookup("a").value() == a);
  CHECK(ipam.held().size() == 2);
  Result<Ipv4Address> none = ipam.lookup("nobody");
  REQUIRE_FALSE(none.ok());
  CHECK(none.error().code == ErrorCode::NotFound);
  CHECK_THAT(none.error().message, Catch::Contains("`nobody`"));
  CHECK(ipam.allocate("").error().code == ErrorCode::Invalid);
}

TEST_CASE("a restarted process sees the same holdings and never repeats an address", "[unit][net]") {
  TempDir dir("ipam");
  std::set<std::string> before;
  {
    Ipam ipam = open_ipam(dir.path());
    for (int i = 0; i < 10; ++i) before.insert(ipam.allocate(sandbox(i)).value().str());
    REQUIRE(ipam.release(sandbox(9)).ok());  // released, but round-robin moves on past it
  }
  Ipam restarted = open_ipam(dir.path());
  CHECK(restarted.held().size() == 9);
  for (int i = 0; i < 9; ++i) CHECK(before.count(restarted.lookup(sandbox(i)).value().str()) == 1);
  CHECK_FALSE(restarted.lookup(sandbox(9)).ok());
  for (int i = 10; i < 20; ++i) {
    const std::string ip = restarted.allocate(sandbox(i)).value().str();
    CHECK(before.count(ip) == 0);  // not a held one, and not the one just released either
    before.insert(ip);
  }
  CHECK(restarted.allocate(sandbox(3)).value().str() == restarted.lookup(sandbox(3)).value().str());
}

TEST_CASE("release returns every address: no record stays behind", "[unit][net]") {
  TempDir dir("ipam");
  Ipam ipam = open_ipam(dir.path());
  for (int i = 0; i < 50; ++i) REQUIRE(ipam.allocate(sandbox(i)).ok());
  for (int i = 0; i < 50; ++i) REQUIRE(ipam.release(sandbox(i)).ok());
  CHECK(ipam.held().empty());
  CHECK(record_files(dir.path()).empty());
  CHECK(ipam.release("never-held").ok());
}

TEST_CASE("the 254th allocation in a /24 is Unavailable naming the CIDR", "[unit][net]") {
  TempDir dir("ipam");
  Ipam ipam = open_ipam(dir.path());
  for (int i = 0; i < 253; ++i) REQUIRE(ipam.allocate(sandbox(i)).ok());
  Result<Ipv4Address> full = ipam.allocate("one-too-many");
  REQUIRE_FALSE(full.ok());
  CHECK(full.error().code == ErrorCode::Unavailable);
  CHECK_THAT(full.error().message, Catch::Contains("10.244.0.0/24") && Catch::Contains("253"));
  // One released, one free: the next pod gets exactly that one.
  const Ipv4Address freed = ipam.lookup(sandbox(100)).value();
  REQUIRE(ipam.release(sandbox(100)).ok());
  CHECK(ipam.allocate("one-too-many").value() == freed);
}

TEST_CASE("a leftover temporary file or a stray file is no record", "[unit][net]") {
  TempDir dir("ipam");
  {
    Ipam ipam = open_ipam(dir.path());
    REQUIRE(ipam.allocate("a").ok());
  }
  REQUIRE(write_file(dir / "10.244.0.9.tmp", "crashed").ok());   // a crash mid-write
  REQUIRE(write_file(dir / "10.245.0.3", "other range").ok());   // not of this CIDR
  Ipam ipam = open_ipam(dir.path());
  CHECK(ipam.held() == std::vector<Lease>{{Ipv4Address::parse("10.244.0.2").value(), "a"}});
}

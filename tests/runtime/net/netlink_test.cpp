// Tests of runtime/net/netlink against the kernel: links made, changed and deleted in
// the host's namespace (named kubepp-t*, so the leak check would catch one left behind),
// and the errors the kernel's refusals become.
#include "runtime/net/netlink.h"

#include <catch2/catch.hpp>
#include <filesystem>

#include "runtime/base/files.h"
#include "tests/support/leak_check.h"

using namespace kubepp;
using namespace kubepp::runtime::net;
namespace fs = std::filesystem;

namespace {

std::string sysfs(const std::string& link, const std::string& file) {
  std::string value = read_file("/sys/class/net/" + link + "/" + file);
  return value.substr(0, value.find('\n'));
}

}  // namespace

ROOT_TEST_CASE("a veth pair is made, changed and deleted over netlink", "[root][net]") {
  Result<Netlink> opened = Netlink::open();
  REQUIRE(opened.ok());
  Netlink& nl = opened.value();
  REQUIRE(nl.create_veth("kubepp-t-v0", "kubepp-t-v1", 1400).ok());
  CHECK(sysfs("kubepp-t-v0", "mtu") == "1400");
  CHECK(sysfs("kubepp-t-v1", "mtu") == "1400");

  Status again = nl.create_veth("kubepp-t-v0", "kubepp-t-v2", 1400);
  REQUIRE_FALSE(again.ok());
  CHECK(again.error().code == ErrorCode::AlreadyExists);
  CHECK(again.error().message == "RTM_NEWLINK `kubepp-t-v0 peer kubepp-t-v2`: EEXIST");

  CHECK(nl.set_mtu("kubepp-t-v0", 1280).ok());
  CHECK(sysfs("kubepp-t-v0", "mtu") == "1280");
  CHECK(nl.set_mac("kubepp-t-v1", {0x0a, 0x58, 10, 244, 250, 9}).ok());
  CHECK(sysfs("kubepp-t-v1", "address") == "0a:58:0a:f4:fa:09");
  CHECK(nl.rename_link("kubepp-t-v1", "kubepp-t-v3").ok());
  CHECK_FALSE(fs::exists("/sys/class/net/kubepp-t-v1"));
  CHECK(nl.set_link_up("kubepp-t-v3").ok());
  CHECK((std::stoul(sysfs("kubepp-t-v3", "flags"), nullptr, 16) & 1) == 1);  // IFF_UP

  // The kernel's own explanation comes along when it gives one.
  Status huge = nl.set_mtu("kubepp-t-v3", 100000);
  REQUIRE_FALSE(huge.ok());
  CHECK(huge.error().code == ErrorCode::Invalid);
  CHECK(huge.error().message == "RTM_SETLINK `kubepp-t-v3`: EINVAL (mtu greater than device maximum)");

  CHECK(nl.delete_link("kubepp-t-v0").ok());  // takes its peer along
  CHECK_FALSE(fs::exists("/sys/class/net/kubepp-t-v3"));
  Status gone = nl.delete_link("kubepp-t-v0");
  REQUIRE_FALSE(gone.ok());
  CHECK(gone.error().code == ErrorCode::NotFound);
}

ROOT_TEST_CASE("a bridge port gets hairpin mode, and routes are added and deleted", "[root][net]") {
  Result<Netlink> opened = Netlink::open();
  REQUIRE(opened.ok());
  Netlink& nl = opened.value();
  REQUIRE(nl.create_bridge("kubepp-t-br", 1500).ok());
  REQUIRE(nl.create_veth("kubepp-t-p0", "kubepp-t-p1", 1500).ok());
  CHECK(nl.set_master("kubepp-t-p0", "kubepp-t-br").ok());
  CHECK(fs::read_symlink("/sys/class/net/kubepp-t-p0/master").filename() == "kubepp-t-br");
  CHECK(sysfs("kubepp-t-p0", "brport/hairpin_mode") == "0");
  CHECK(nl.set_hairpin("kubepp-t-p0", true).ok());
  CHECK(sysfs("kubepp-t-p0", "brport/hairpin_mode") == "1");

  CHECK(nl.add_address("kubepp-t-br", Ipv4Address::parse("10.244.251.1").value(), 24).ok());
  CHECK(nl.add_address("kubepp-t-br", Ipv4Address::parse("10.244.251.1").value(), 24).error().code ==
        ErrorCode::AlreadyExists);
  const Route guard{Ipv4Cidr::parse("10.244.252.0/24").value(), Route::Type::Unreachable, {}, ""};
  REQUIRE(nl.add_route(guard).ok());
  CHECK(nl.add_route(guard).error().message == "RTM_NEWROUTE `unreachable 10.244.252.0/24`: EEXIST");
  CHECK(nl.delete_route(guard).ok());
  CHECK(nl.delete_route(guard).error().code == ErrorCode::NotFound);

  CHECK(nl.delete_link("kubepp-t-p0").ok());
  CHECK(nl.delete_link("kubepp-t-br").ok());
}

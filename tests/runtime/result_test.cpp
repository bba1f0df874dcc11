#include "runtime/base/result.h"

#include <catch2/catch.hpp>
#include <cerrno>

using namespace kubepp;

TEST_CASE("sys_error words errors as crun does", "[unit][result]") {
  SECTION("with an object") {
    Error e = sys_error("pivot_root", "/var/lib/kubepp/x/merged", EPERM);
    CHECK(e.message == "pivot_root `/var/lib/kubepp/x/merged`: EPERM");
    CHECK(e.code == ErrorCode::Internal);
  }
  SECTION("without an object") { CHECK(sys_error("clone", "", EINVAL).message == "clone: EINVAL"); }
  SECTION("errno values map to codes") {
    CHECK(sys_error("open", "/x", ENOENT).code == ErrorCode::NotFound);
    CHECK(sys_error("mkdir", "/x", EEXIST).code == ErrorCode::AlreadyExists);
  }
  SECTION("an errno without a name is printed as a number") { CHECK(errno_name(4242) == "errno 4242"); }
}

TEST_CASE("Result holds a value or an error", "[unit][result]") {
  Result<int> good = 42;
  Result<int> bad = Error{ErrorCode::NotFound, "no"};
  REQUIRE(good.ok());
  CHECK(good.value() == 42);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.error().code == ErrorCode::NotFound);
  CHECK(std::string(to_string(bad.error().code)) == "NotFound");
  Status fine;
  CHECK(fine.ok());
}

// Image references are normalized as Docker normalizes them (distribution/reference).
#include <catch2/catch.hpp>

#include "runtime/image/digest.h"
#include "runtime/image/reference.h"

using kubepp::runtime::Digest;
using kubepp::runtime::parse_reference;
using kubepp::runtime::sha256;

namespace {

const std::string kHex = "9a7b1bb8b5c85e4ae1b3b1b7d1e2f9c8b5a4e3d2c1b0a9f8e7d6c5b4a3f2e1d0";

}  // namespace

TEST_CASE("a reference is normalized as Docker does", "[unit][image]") {
  struct Case {
    const char* text;
    const char* canonical;
    const char* familiar;
  };
  const Case cases[] = {
      {"busybox", "docker.io/library/busybox:latest", "busybox:latest"},
      {"busybox:1.36", "docker.io/library/busybox:1.36", "busybox:1.36"},
      {"library/busybox", "docker.io/library/busybox:latest", "busybox:latest"},
      {"docker.io/library/busybox:latest", "docker.io/library/busybox:latest", "busybox:latest"},
      {"index.docker.io/library/busybox", "docker.io/library/busybox:latest", "busybox:latest"},
      {"ikubernetes/myapp:v1", "docker.io/ikubernetes/myapp:v1", "ikubernetes/myapp:v1"},
      {"nginx:1.12-alpine", "docker.io/library/nginx:1.12-alpine", "nginx:1.12-alpine"},
      {"registry.k8s.io/pause:3.9", "registry.k8s.io/pause:3.9", "registry.k8s.io/pause:3.9"},
      {"localhost/app", "localhost/app:latest", "localhost/app:latest"},
      {"localhost:5000/team/app:v2", "localhost:5000/team/app:v2", "localhost:5000/team/app:v2"},
      {"127.0.0.1:5000/app", "127.0.0.1:5000/app:latest", "127.0.0.1:5000/app:latest"},
      {"a-b__c/e", "docker.io/a-b__c/e:latest", "a-b__c/e:latest"},
      {"my_team/my-app", "docker.io/my_team/my-app:latest", "my_team/my-app:latest"},
      {"library/a/b", "docker.io/library/a/b:latest", "library/a/b:latest"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    auto ref = parse_reference(c.text);
    REQUIRE(ref.ok());
    CHECK(ref.value().str() == c.canonical);
    CHECK(ref.value().familiar() == c.familiar);
  }
}

TEST_CASE("a digest reference pins the content and has no default tag", "[unit][image]") {
  auto ref = parse_reference("nginx@sha256:" + kHex);
  REQUIRE(ref.ok());
  CHECK(ref.value().tag.empty());
  CHECK(ref.value().str() == "docker.io/library/nginx@sha256:" + kHex);
  CHECK(ref.value().familiar() == "nginx@sha256:" + kHex);
  auto both = parse_reference("nginx:1.25@sha256:" + kHex);
  REQUIRE(both.ok());
  CHECK(both.value().str() == "docker.io/library/nginx:1.25@sha256:" + kHex);
}

TEST_CASE("a bad reference is refused with the rule it broke", "[unit][image]") {
  struct Case {
    std::string text;
    std::string message;
  };
  const Case cases[] = {
      {"", "image reference ``: empty"},
      {"Busybox", "image reference `Busybox`: repository name must be lowercase"},
      {"busybox:", "image reference `busybox:`: tag ``: want up to 128 of [A-Za-z0-9_.-], not starting with `.` or `-`"},
      {"busybox:-x", "image reference `busybox:-x`: tag `-x`: want up to 128 of [A-Za-z0-9_.-], not starting with `.` or `-`"},
      {"a//b", "image reference `a//b`: path component ``: want lowercase letters and digits, separated by `.`, `_`, `__` or dashes"},
      {"-a/b", "image reference `-a/b`: path component `-a`: want lowercase letters and digits, separated by `.`, `_`, `__` or dashes"},
      {"a___b", "image reference `a___b`: path component `a___b`: want lowercase letters and digits, separated by `.`, `_`, `__` or dashes"},
      {":v1", "image reference `:v1`: no repository name"},
      {"host:x/app", "image reference `host:x/app`: registry `host:x` is not a valid host[:port]"},
      {"nginx@sha256:abc", "image reference `nginx@sha256:abc`: digest `sha256:abc`: want 64 lowercase hex digits after `sha256:`"},
      {"nginx@md5:" + kHex, "image reference `nginx@md5:" + kHex + "`: digest `md5:" + kHex +
                                   "`: algorithm `md5` is not supported (only sha256)"},
      {kHex, "image reference `" + kHex + "`: 64 hex digits are an image id, not a repository name"},
      {std::string(256, 'a'), "image reference `" + std::string(256, 'a') + "`: name longer than 255 characters"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    auto ref = parse_reference(c.text);
    REQUIRE_FALSE(ref.ok());
    CHECK(ref.error().message == c.message);
  }
}

TEST_CASE("sha256 digests are those of the bytes", "[unit][image]") {
  // FIPS 180-2's test vectors.
  CHECK(sha256("").str() == "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(sha256("abc").str() == "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  auto parsed = Digest::parse("sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  REQUIRE(parsed.ok());
  CHECK(parsed.value() == sha256("abc"));
  CHECK_FALSE(Digest::parse("sha256:BA7816BF8F01CFEA414140DE5DAE2223B00361A396177A9CB410FF61F20015AD").ok());
  CHECK_FALSE(Digest::parse("ba7816bf").ok());
}

// field_test.cpp — field paths and errors print as Kubernetes prints them.
#include <catch2/catch.hpp>

#include "cluster/api/field.h"

using namespace kubepp::api;

TEST_CASE("field paths print as upstream's field.Path", "[unit][api][field]") {
  Path spec("spec");
  CHECK(spec.child("containers").index(0).child("image").str() == "spec.containers[0].image");
  CHECK(Path("metadata").child("labels").key("app").str() == "metadata.labels[app]");
  CHECK(Path().child("kind").str() == "kind");
}

TEST_CASE("field errors print as upstream's field.Error", "[unit][api][field]") {
  Path image = Path("spec").child("containers").index(0).child("image");
  CHECK(required(image).str() == "spec.containers[0].image: Required value");
  CHECK(invalid(Path("metadata").child("name"), quoted("Web_1"), "a lowercase RFC 1123 subdomain must consist of …").str() ==
        "metadata.name: Invalid value: \"Web_1\": a lowercase RFC 1123 subdomain must consist of …");
  CHECK(not_supported(Path("spec").child("restartPolicy"), quoted("Sometimes"), {"Always", "Never", "OnFailure"}).str() ==
        "spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"Never\", \"OnFailure\"");
  CHECK(duplicate(Path("spec").child("containers").index(1).child("name"), quoted("web")).str() ==
        "spec.containers[1].name: Duplicate value: \"web\"");
  CHECK(forbidden(Path("spec"), "may not be updated").str() == "spec: Forbidden: may not be updated");
  CHECK(too_long(Path("metadata").child("annotations"), "", 262144).str() ==
        "metadata.annotations: Too long: must have at most 262144 bytes");
  CHECK(quoted("a\"b\\c\n") == "\"a\\\"b\\\\c\\n\"");
  CHECK(quoted("x\vy\x01") == "\"x\\vy\\x01\"");  // as Go's %q
  CHECK(to_string({required(Path("a")), required(Path("b"))}) == "a: Required value\nb: Required value");
}

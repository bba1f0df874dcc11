// The built-in images do what the book's manifests expect of them: pulled from their OCI
// layouts into a fresh store on first use, run with `kubepp run`, and asked over the
// container's own loopback (its network namespace, which kubepp made).
#include <catch2/catch.hpp>
#include <chrono>
#include <thread>

#include "tests/support/containers.h"
#include "tests/support/leak_check.h"

using kubepp::testing::CommandResult;
using kubepp::testing::run_command;
using kubepp::testing::run_kubepp;
using kubepp::testing::TempRoot;

namespace {

// `kubepp exec NAME -- sh -c SCRIPT`, retried until it succeeds: a server needs a moment
// to listen after its container starts.
CommandResult ask(const TempRoot& root, const std::string& name, const std::string& script) {
  CommandResult r;
  for (int i = 0; i < 100; ++i) {
    r = run_kubepp(root, {"exec", name, "--", "sh", "-c", script});
    if (r.status == 0) return r;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return r;
}

// A detached container of `image`, removed at the end of the test.
struct Server {
  const TempRoot& root;
  std::string name;
  Server(const TempRoot& r, std::string n, std::vector<std::string> image_and_args) : root(r), name(std::move(n)) {
    std::vector<std::string> args = {"run", "-d", "--name", name};
    args.insert(args.end(), image_and_args.begin(), image_and_args.end());
    CommandResult run = run_kubepp(root, args);
    INFO(run.err);
    REQUIRE(run.status == 0);
  }
  ~Server() {
    (void)run_kubepp(root, {"rm", "-f", name});
    kubepp::testing::reap_children();
  }
};

}  // namespace

ROOT_TEST_CASE("ikubernetes/myapp serves its version and its pod's name", "[root][images]") {
  TempRoot root;
  Server app(root, "myapp", {"--hostname", "myapp-pod", "ikubernetes/myapp:v2"});
  CommandResult index = ask(root, "myapp", "wget -qO- http://127.0.0.1/");
  INFO(index.err);
  CHECK(index.out == "Hello MyApp | Version: v2 | <a href=\"hostname.html\">Pod Name</a>\n");
  CHECK(ask(root, "myapp", "wget -qO- http://127.0.0.1/hostname.html").out == "myapp-pod\n");
}

ROOT_TEST_CASE("ikubernetes/demoapp answers / and flips /livez and /readyz on request", "[root][images]") {
  TempRoot root;
  Server app(root, "demoapp", {"--hostname", "demoapp-pod", "ikubernetes/demoapp:v1.1"});
  CommandResult index = ask(root, "demoapp", "curl -s http://127.0.0.1/");
  INFO(index.err);
  CHECK(index.out == "iKubernetes demoapp v1.1 !! ClientIP: 127.0.0.1, ServerName: demoapp-pod, ServerIP: 127.0.0.1!\n");
  CHECK(ask(root, "demoapp", "curl -s http://127.0.0.1/hostname").out == "ServerName: demoapp-pod\n");
  CHECK(ask(root, "demoapp", "[ \"$(curl -s http://127.0.0.1/livez)\" == \"OK\" ]").status == 0);  // the book's probe
  // The book's liveness exercise: POST livez=FAIL, and the probe sees a 5xx.
  CHECK(ask(root, "demoapp", "curl -s -d livez=FAIL http://127.0.0.1/livez").status == 0);
  CHECK(ask(root, "demoapp", "curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1/livez").out == "506");
  CHECK(ask(root, "demoapp", "curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1/readyz").out == "200");
  // The image's entry points, as the book's manifests call them.
  CHECK(ask(root, "demoapp", "test -x /usr/local/bin/demo.py && /usr/bin/python3 --version").status == 0);
  CHECK(ask(root, "demoapp", "iptables --version").out.starts_with("iptables v1.8"));
}

ROOT_TEST_CASE("nginx and redis are Debian's, and serve", "[root][images]") {
  TempRoot root;
  Server web(root, "web", {"nginx:1.12-alpine"});
  CommandResult page = ask(root, "web", "wget -qO- http://127.0.0.1/");
  INFO(page.err);
  CHECK_THAT(page.out, Catch::Contains("<title>Welcome to nginx!</title>"));
  Server cache(root, "cache", {"redis:alpine"});
  CHECK(ask(root, "cache", "redis-cli ping").out == "PONG\n");
}

ROOT_TEST_CASE("pause, stress-ng and alpine start; an unknown image is named in the error", "[root][images]") {
  TempRoot root;
  {
    Server pause(root, "pause", {"registry.k8s.io/pause:3.9"});  // no /etc in this image
    CommandResult stop = run_kubepp(root, {"stop", "-t", "5", "pause"});
    CHECK(stop.status == 0);
    CHECK_THAT(run_kubepp(root, {"ps"}).out, Catch::Contains("Exited (0)"));  // it ends on SIGTERM, not by SIGKILL
  }
  CommandResult stress = run_kubepp(root, {"run", "ikubernetes/stress-ng", "--version"});
  CHECK(stress.status == 0);
  CHECK_THAT(stress.out, Catch::Contains("stress-ng"));
  CommandResult alpine = run_kubepp(root, {"run", "alpine:3.11", "--", "sh", "-c", "[ a == a ] && cat /etc/alpine-release"});
  CHECK(alpine.status == 0);
  CHECK_FALSE(alpine.out.empty());
  CommandResult unknown = run_kubepp(root, {"run", "ikubernetes/nosuch:v9"});
  CHECK(unknown.status == 125);
  CHECK_THAT(unknown.err, Catch::StartsWith("kubepp run: image `ikubernetes/nosuch:v9` not found"));
  CHECK_THAT(run_kubepp(root, {"image", "ls"}).out, Catch::Contains("registry.k8s.io/pause"));
}

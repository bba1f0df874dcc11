#include "runtime/cri_log.h"

#include <fcntl.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <sstream>

#include "runtime/base/files.h"

using namespace kubepp;
using namespace kubepp::runtime;

namespace {

// The records a writer produced, as (stream, tag, text), without their times.
std::vector<std::string> records_of(const std::string& log) {
  std::vector<std::string> out;
  std::istringstream in(log);
  for (std::string line; std::getline(in, line);) {
    auto r = parse_cri_record(line);
    REQUIRE(r);
    out.push_back(r->stream + (r->partial ? " P " : " F ") + r->text);
  }
  return out;
}

}  // namespace

TEST_CASE("CRI log records parse into time, stream, tag and text", "[unit][cri]") {
  auto record = parse_cri_record("2026-11-26T22:41:14.123456789Z stderr F oh no");
  REQUIRE(record);
  CHECK(record->time == "2026-11-26T22:41:14.123456789Z");
  CHECK(record->stream == "stderr");
  CHECK_FALSE(record->partial);
  CHECK(record->text == "oh no");
  CHECK(parse_cri_record("2026-11-26T22:41:14Z stdout P")->partial);
  CHECK_FALSE(parse_cri_record("garbage"));
  CHECK_FALSE(parse_cri_record("2026-11-26T22:41:14Z stdin F x"));
  CHECK_FALSE(parse_cri_record("2026-11-26T22:41:14Z stdout X x"));
}

TEST_CASE("the CRI log writer makes one record per line, P for parts", "[unit][cri]") {
  const auto path = std::filesystem::temp_directory_path() / ("kubepp-cri-" + std::to_string(::getpid()));
  {
    CriLogWriter log(UniqueFd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600)));
    SECTION("lines split across reads, interleaved streams, a cut-off end") {
      REQUIRE(log.write("stdout", "hel").ok());
      REQUIRE(log.write("stderr", "oops\n").ok());
      REQUIRE(log.write("stdout", "lo\nwor").ok());
      REQUIRE(log.write("stdout", "ld\nno newline").ok());
      REQUIRE(log.flush().ok());
      CHECK(records_of(read_file(path)) == std::vector<std::string>{"stderr F oops", "stdout F hello",
                                                                    "stdout F world", "stdout P no newline"});
    }
    SECTION("a line longer than 16 KiB becomes P records, then an F") {
      REQUIRE(log.write("stdout", std::string(kMaxLogLine + 10, 'x') + "\n").ok());
      auto records = records_of(read_file(path));
      REQUIRE(records.size() == 2);
      CHECK(records[0] == "stdout P " + std::string(kMaxLogLine, 'x'));
      CHECK(records[1] == "stdout F " + std::string(10, 'x'));
    }
  }
  std::filesystem::remove(path);
}

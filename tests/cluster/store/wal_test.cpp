// wal_test.cpp — the write-ahead log on its own: records back in order, a torn end
// dropped, damage in the middle refused (on the simulated file layer).
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "cluster/store/sim_file_system.h"
#include "cluster/store/wal.h"

using namespace kubepp;
using namespace kubepp::store;

namespace {

const std::string kDir = "/data/wal";
const std::string kSeg1 = kDir + "/0000000000000001.wal";

// Opens the log, collecting the payloads replayed.
Result<std::unique_ptr<Wal>> open_wal(FileSystem& fs, std::vector<std::string>& seen,
                                     Wal::Options opts = {}) {
  return Wal::open(fs, kDir, opts, [&](uint8_t, std::string_view p) {
    seen.emplace_back(p);
    return Status{};
  });
}

void append(Wal& wal, std::vector<std::string> payloads) {
  std::vector<std::string> records;
  for (const std::string& p : payloads) records.push_back(Wal::encode(1, p));
  std::vector<const std::string*> ptrs;
  for (const std::string& r : records) ptrs.push_back(&r);
  REQUIRE(wal.append(ptrs).ok());
}

}  // namespace

TEST_CASE("crc32c is the Castagnoli checksum", "[unit][store]") {
  CHECK(crc32c("123456789") == 0xE3069283u);
  CHECK(crc32c("") == 0u);
}

TEST_CASE("a wal replays its records in order after a reopen, across segments", "[unit][store]") {
  SimFileSystem fs;
  std::vector<std::string> seen;
  Wal::Options small;
  small.segment_bytes = 10;  // every batch after the first starts a new segment
  {
    auto wal = open_wal(fs, seen, small);
    REQUIRE(wal.ok());
    append(*wal.value(), {"one", "two"});
    append(*wal.value(), {"three"});
    append(*wal.value(), {"four"});
  }
  auto wal = open_wal(fs, seen, small);
  REQUIRE(wal.ok());
  CHECK(seen == std::vector<std::string>{"one", "two", "three", "four"});
  CHECK(fs.list(kDir).value().size() == 3);
}

TEST_CASE("a wal drops a torn last record and opens", "[unit][store]") {
  SimFileSystem fs;
  std::vector<std::string> seen;
  {
    auto wal = open_wal(fs, seen);
    REQUIRE(wal.ok());
    append(*wal.value(), {"one", "two"});
  }
  std::string good = fs.read(kSeg1).value();
  std::string torn = Wal::encode(1, "three");
  SECTION("a short header") { fs.overwrite(kSeg1, good + torn.substr(0, 5)); }
  SECTION("a short payload") { fs.overwrite(kSeg1, good + torn.substr(0, torn.size() - 1)); }
  SECTION("a bad checksum on the record that ends the file") {
    torn.back() ^= 0x01;
    fs.overwrite(kSeg1, good + torn);
  }
  auto wal = open_wal(fs, seen);
  REQUIRE(wal.ok());
  CHECK(seen == std::vector<std::string>{"one", "two"});
  CHECK(fs.read(kSeg1).value() == good);  // truncated away
  append(*wal.value(), {"four"});          // and the log goes on after it
  seen.clear();
  wal.value().reset();
  REQUIRE(open_wal(fs, seen).ok());
  CHECK(seen == std::vector<std::string>{"one", "two", "four"});
}

TEST_CASE("a wal with a corrupted record in the middle refuses to open, naming file and offset", "[unit][store]") {
  SimFileSystem fs;
  std::vector<std::string> seen;
  {
    auto wal = open_wal(fs, seen);
    REQUIRE(wal.ok());
    append(*wal.value(), {"one", "two", "three"});
  }
  std::string data = fs.read(kSeg1).value();
  size_t second = Wal::encode(1, "one").size();  // where record "two" starts
  data[second + 9] ^= 0x01;                      // a flipped bit in its payload
  fs.overwrite(kSeg1, data);
  seen.clear();
  auto wal = open_wal(fs, seen);
  REQUIRE_FALSE(wal.ok());
  CHECK(wal.error().code == ErrorCode::Internal);
  CHECK_THAT(wal.error().message, Catch::Contains("`" + kSeg1 + "`") &&
                                      Catch::Contains("offset " + std::to_string(second)) &&
                                      Catch::Contains("checksum mismatch"));
  CHECK(fs.read(kSeg1).value() == data);  // refused: nothing truncated
}

TEST_CASE("a wal cut starts a new segment and drops the older ones on request", "[unit][store]") {
  SimFileSystem fs;
  std::vector<std::string> seen;
  {
    auto wal = open_wal(fs, seen);
    REQUIRE(wal.ok());
    append(*wal.value(), {"old"});
    Result<uint64_t> next = wal.value()->cut();
    REQUIRE(next.ok());
    CHECK(next.value() == 2);
    append(*wal.value(), {"new"});
    REQUIRE(wal.value()->drop_before(next.value()).ok());
  }
  fs.restart();  // the drop was made durable: a power cut does not bring "old" back
  auto wal = open_wal(fs, seen);
  REQUIRE(wal.ok());
  CHECK(seen == std::vector<std::string>{"new"});
  CHECK(fs.list(kDir).value() == std::vector<std::string>{"0000000000000002.wal"});
}

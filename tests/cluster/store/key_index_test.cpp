// key_index_test.cpp — KeyIndex generations, get at a revision, compaction; key ranges.
#include <catch2/catch.hpp>

#include "cluster/store/key_index.h"
#include "cluster/store/kv.h"

using namespace kubepp::store;

namespace Catch {
template <>
struct StringMaker<Revision> {
  static std::string convert(const Revision& r) { return r.str(); }
};
}  // namespace Catch

namespace {

// "rev/version" of a get, or "none".
std::string at(const KeyIndex& ki, int64_t rev) {
  std::optional<KeyAt> got = ki.get(rev);
  if (!got) return "none";
  return std::to_string(got->modified.main) + "/v" + std::to_string(got->version);
}

// The index of the header's example: put @1, put @2, delete @3, put @5, put @6.
KeyIndex example() {
  KeyIndex ki;
  ki.put({1, 0});
  ki.put({2, 0});
  ki.tombstone({3, 0});
  ki.put({5, 0});
  ki.put({6, 1});
  return ki;
}

}  // namespace

TEST_CASE("a key index tells which revision of a key was live at a revision", "[unit][store]") {
  KeyIndex ki = example();
  SECTION("before the key existed") { CHECK(at(ki, 0) == "none"); }
  SECTION("in its first life") {
    CHECK(at(ki, 1) == "1/v1");
    CHECK(at(ki, 2) == "2/v2");
  }
  SECTION("while deleted") {
    CHECK(at(ki, 3) == "none");
    CHECK(at(ki, 4) == "none");
  }
  SECTION("in its second life, counting versions from 1 again") {
    CHECK(at(ki, 5) == "5/v1");
    CHECK(at(ki, 6) == "6/v2");
    CHECK(at(ki, 100) == "6/v2");
    CHECK(ki.get(6)->created == Revision{5, 0});
  }
  SECTION("each delete closes a generation and opens an empty one") {
    REQUIRE(ki.generations().size() == 2);
    CHECK(ki.generations()[0].revs.size() == 3);
    ki.tombstone({7, 0});
    CHECK(ki.generations().size() == 3);
    CHECK(ki.generations().back().empty());
    CHECK(at(ki, 7) == "none");
  }
}

TEST_CASE("compacting a key index keeps the newest revision at or below the compaction", "[unit][store]") {
  KeyIndex ki = example();
  std::set<Revision> keep;
  SECTION("inside a live generation the older revisions go") {
    ki.compact(6, keep);
    CHECK(keep == std::set<Revision>{{6, 1}});
    REQUIRE(ki.generations().size() == 1);
    CHECK(ki.generations()[0].revs == std::vector<Revision>{{6, 1}});
    CHECK(at(ki, 6) == "6/v2");  // the version is still counted right
  }
  SECTION("a generation deleted before the compaction goes whole") {
    ki.compact(4, keep);
    CHECK(keep.empty());
    REQUIRE(ki.generations().size() == 1);
    CHECK(at(ki, 5) == "5/v1");
  }
  SECTION("a tombstone at the compacted revision stays, so its delete can be watched") {
    ki.compact(3, keep);
    CHECK(keep == std::set<Revision>{{3, 0}});
    CHECK(ki.generations()[0].revs == std::vector<Revision>{{3, 0}});
    CHECK(at(ki, 3) == "none");
  }
  SECTION("inside a deleted generation the value at the compaction stays") {
    ki.compact(2, keep);
    CHECK(keep == std::set<Revision>{{2, 0}});
    CHECK(at(ki, 2) == "2/v2");
  }
  SECTION("a deleted key compacted past its delete is empty") {
    KeyIndex gone;
    gone.put({1, 0});
    gone.tombstone({2, 0});
    gone.compact(5, keep);
    CHECK(gone.empty());
    CHECK(keep.empty());
  }
}

TEST_CASE("the tree index ranges and compacts all keys", "[unit][store]") {
  TreeIndex tree;
  tree.put("a", {1, 0});
  tree.put("b", {2, 0});
  tree.tombstone("a", {3, 0});
  std::vector<TreeIndex::Entry> out;
  SECTION("a range counts and lists the keys live at a revision") {
    CHECK(tree.range("a", std::string(1, '\0'), 2, 0, &out) == 2);
    CHECK(out.size() == 2);
    out.clear();
    CHECK(tree.range("a", std::string(1, '\0'), 3, 0, &out) == 1);
    REQUIRE(out.size() == 1);
    CHECK(out[0].key == "b");
  }
  SECTION("a limit lists fewer keys but counts them all") {
    CHECK(tree.range("a", "c", 2, 1, &out) == 2);
    CHECK(out.size() == 1);
  }
  SECTION("compaction drops the keys it empties") {
    std::set<Revision> keep = tree.compact(4);  // past a's delete at 3
    CHECK(tree.size() == 1);
    CHECK(keep == std::set<Revision>{{2, 0}});
  }
}

TEST_CASE("prefix_end and in_range read key ranges as etcd", "[unit][store]") {
  SECTION("prefix_end increments the last byte") { CHECK(prefix_end("a/") == "a0"); }
  SECTION("prefix_end increments 0xfe to 0xff") { CHECK(prefix_end("a\xfe") == "a\xff"); }
  SECTION("prefix_end carries over 0xff bytes") { CHECK(prefix_end("a\xff") == "b"); }
  SECTION("prefix_end of all 0xff or nothing is every key") {
    CHECK(prefix_end("\xff\xff") == std::string(1, '\0'));
    CHECK(prefix_end("") == std::string(1, '\0'));
  }
  SECTION("keys compare as unsigned bytes") { CHECK(in_range("a\xff", "a", "b")); }
  SECTION("in_range reads the three forms of range_end") {
    CHECK(in_range("a", "a", ""));
    CHECK_FALSE(in_range("ab", "a", ""));
    CHECK(in_range("zzz", "b", std::string(1, '\0')));
    CHECK_FALSE(in_range("a", "b", std::string(1, '\0')));
    CHECK(in_range("a/x", "a/", "a0"));
    CHECK_FALSE(in_range("a0", "a/", "a0"));
  }
}

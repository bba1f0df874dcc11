// archive_fuzz.cpp — libFuzzer target: any bytes, as a (maybe gzip) tar, extracted as an
// image layout into a fresh directory. The extraction may fail; it must never crash, hang,
// or create anything outside that directory.
//
// The work dir, made once per process, holds the input and dest three levels down:
//   /tmp/kubepp-archive-fuzz-XXXXXX/input.tar
//   /tmp/kubepp-archive-fuzz-XXXXXX/a/b/dest/
// so an entry escaping dest by one, two or three `..` shows up in b/, a/ or the work dir,
// which must hold nothing else after each run.
#include <stdlib.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "runtime/image/archive.h"

namespace fs = std::filesystem;

namespace {

// The per-process work dir, removed at exit.
struct WorkDir {
  fs::path root;
  WorkDir() {
    char name[] = "/tmp/kubepp-archive-fuzz-XXXXXX";
    if (::mkdtemp(name) == nullptr) std::abort();
    root = name;
  }
  ~WorkDir() {
    std::error_code ec;
    fs::remove_all(root, ec);
  }
};

// Whether `dir` holds exactly `names`.
bool holds_only(const fs::path& dir, const std::set<std::string>& names) {
  std::set<std::string> found;
  for (const auto& e : fs::directory_iterator(dir)) found.insert(e.path().filename().string());
  return found == names;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static WorkDir work;
  const fs::path input = work.root / "input.tar", dest = work.root / "a" / "b" / "dest";
  std::ofstream(input, std::ios::binary | std::ios::trunc).write(reinterpret_cast<const char*>(data), size);
  fs::create_directories(dest);

  (void)kubepp::runtime::extract_archive(input, dest, kubepp::runtime::ArchiveKind::Layout);

  if (!holds_only(work.root, {"input.tar", "a"}) || !holds_only(work.root / "a", {"b"}) ||
      !holds_only(work.root / "a" / "b", {"dest"})) {
    std::fprintf(stderr, "archive_fuzz: an entry was created outside %s\n", dest.c_str());
    std::abort();
  }
  fs::remove_all(dest);  // a layout's directories always let their owner in: this succeeds
  return 0;
}

// Tests of runtime/image/archive: unpacking image layers and layouts from tar, and
// refusing archives that reach outside their directory or lie about their contents.
//
// Each case writes an archive with TarWriter (tar_writer.h) into a temp dir and
// extracts it into dest/ beside it; outside/, also beside it, is where an escaping
// entry would land, so the cases check it stays empty.
// [unit] cases need no privileges: their entries belong to the test's own user.
// [root] cases make device nodes, set trusted.* xattrs or give files other owners.
#include "runtime/image/archive.h"

#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <algorithm>
#include <catch2/catch.hpp>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <vector>

#include "tests/runtime/image/tar_writer.h"
#include "tests/support/temp_dir.h"

using namespace kubepp;
using namespace kubepp::runtime;
using kubepp::testing::gzip;
using kubepp::testing::LongNames;
using kubepp::testing::TarAttrs;
using kubepp::testing::TarHeader;
using kubepp::testing::TarWriter;

using kubepp::testing::TempDir;

namespace {

namespace fs = std::filesystem;


std::string read_file(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

void write_file(const fs::path& path, const std::string& data) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << data;
}

// An archive extracted into dest/; outside/ is a sibling no entry may reach.
struct Extraction {
  TempDir tmp;
  fs::path archive = tmp.path() / "layer.tar";
  fs::path dest = tmp.path() / "dest";
  fs::path outside = tmp.path() / "outside";

  Extraction() {
    fs::create_directory(dest);
    fs::create_directory(outside);
    write_file(outside / "secret", "secret\n");
  }
  Result<ExtractStats> run(const std::string& bytes, ArchiveKind kind = ArchiveKind::Layer) {
    write_file(archive, bytes);
    return extract_archive(archive, dest, kind);
  }
  // outside/ as it was made: the secret alone, unchanged, with one link.
  bool outside_untouched() const {
    struct stat st{};
    return std::distance(fs::directory_iterator(outside), fs::directory_iterator()) == 1 &&
           read_file(outside / "secret") == "secret\n" && ::stat((outside / "secret").c_str(), &st) == 0 &&
           st.st_nlink == 1;
  }
};

// The stats of an extraction that must succeed; fails the test with its error if not.
ExtractStats ok(const Result<ExtractStats>& r) {
  if (!r) FAIL("extract_archive failed: " << r.error().message);
  return r.value();
}

// The error of an extraction that must fail.
Error failure(const Result<ExtractStats>& r) {
  if (r) FAIL("extract_archive succeeded, but an error was expected");
  return r.error();
}

// A writer whose entries belong to the test's user, so [unit] cases may keep owners.
TarWriter mine(LongNames names = LongNames::Pax) {
  TarWriter w(names);
  w.owner(::getuid(), ::getgid());
  return w;
}

struct stat lstat_of(const fs::path& path) {
  struct stat st{};
  if (::lstat(path.c_str(), &st) != 0) FAIL("lstat " << path << ": " << errno_name(errno));
  return st;
}

std::string xattr_of(const fs::path& path, const char* name) {
  char value[256];
  ssize_t n = ::lgetxattr(path.c_str(), name, value, sizeof value);
  return n < 0 ? "<" + errno_name(errno) + ">" : std::string(value, static_cast<size_t>(n));
}

// The tree under `root`, one sorted line per entry: path, type, permission bits and
// contents or target. Two trees compare equal as text.
std::string describe_tree(const fs::path& root) {
  std::vector<std::string> lines;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    const struct stat st = lstat_of(e.path());
    std::ostringstream line;
    line << fs::relative(e.path(), root).string() << " " << std::oct << (st.st_mode & 07777) << " ";
    if (S_ISDIR(st.st_mode)) line << "dir";
    if (S_ISREG(st.st_mode)) line << "file " << sha256(read_file(e.path())).str();
    if (S_ISLNK(st.st_mode)) line << "-> " << fs::read_symlink(e.path()).string();
    lines.push_back(line.str());
  }
  std::sort(lines.begin(), lines.end());
  std::string out;
  for (const std::string& l : lines) out += l + "\n";
  return out;
}

// sha256sum's opinion of a file: the DiffID must be exactly what it prints.
std::string sha256sum(const fs::path& path) {
  std::string command = "sha256sum '" + path.string() + "'";
  FILE* p = ::popen(command.c_str(), "r");
  REQUIRE(p != nullptr);
  char hex[65] = {};
  const size_t n = std::fread(hex, 1, 64, p);
  ::pclose(p);
  return std::string(hex, n);
}

// A small tree with a bit of everything a [unit] layer may hold, contents bigger
// than the extractor's 64 KiB buffer included.
TarWriter sample_layer() {
  std::string big;
  for (int i = 0; big.size() < 200 * 1024; ++i) big += "line " + std::to_string(i) + "\n";
  TarWriter w = mine();
  w.dir("etc").file("etc/passwd", "root:x:0:0::/root:/bin/sh\n", 0644);
  w.dir("bin").file("bin/busybox", big, 0755).symlink("bin/sh", "busybox").hardlink("bin/ls", "bin/busybox");
  w.file("usr/share/doc/README", "hello\n");  // parents not in the archive
  return w;
}

}  // namespace

TEST_CASE("a plain tar and its gzip unpack to the same tree with the same diff_id", "[unit][archive]") {
  // GNU tar pads an archive to a 10 KiB record: the padding is part of the DiffID.
  std::string tar = sample_layer().tar();
  tar.append(10240 - tar.size() % 10240, '\0');
  Extraction plain, compressed;
  const ExtractStats a = ok(plain.run(tar));
  const ExtractStats b = ok(compressed.run(gzip(tar)));
  CHECK(a.diff_id == sha256(tar));
  CHECK(a.diff_id.hex == sha256sum(plain.archive));
  CHECK(b.diff_id == a.diff_id);
  CHECK(describe_tree(plain.dest) == describe_tree(compressed.dest));
  CHECK(read_file(plain.dest / "etc/passwd") == "root:x:0:0::/root:/bin/sh\n");
  CHECK(fs::is_symlink(plain.dest / "bin/sh"));
  CHECK(lstat_of(plain.dest / "usr/share").st_mode == (S_IFDIR | 0755));

  SECTION("gzip members one after another read as one stream") {
    const size_t half = tar.size() / 2;
    Extraction joined;
    const ExtractStats c = ok(joined.run(gzip(tar.substr(0, half)) + gzip(tar.substr(half))));
    CHECK(c.diff_id == a.diff_id);
    CHECK(describe_tree(joined.dest) == describe_tree(plain.dest));
  }
}

TEST_CASE("the stats count entries and the bytes of regular files", "[unit][archive]") {
  Extraction x;
  const ExtractStats stats = ok(x.run(mine().dir("d").file("d/a", "12345").file("b", "678").symlink("c", "b").tar()));
  CHECK(stats.entries == 4);
  CHECK(stats.bytes == 8);
}

TEST_CASE("long names come from the ustar prefix, pax records and GNU long-name headers", "[unit][archive]") {
  const std::string dir = std::string(60, 'a') + "/" + std::string(60, 'b');
  const std::string prefixed = dir + "/" + std::string(90, 'c');                     // 211: prefix + name
  const std::string long_name = std::string(200, 'x') + "/" + std::string(200, 'y');  // 401: needs a record
  const std::string long_target = std::string(150, 't');
  Extraction x;

  SECTION("ustar prefix") {
    ok(x.run(mine().file(prefixed, "prefixed\n").tar()));
    CHECK(read_file(x.dest / prefixed) == "prefixed\n");
  }
  SECTION("pax path and linkpath") {
    ok(x.run(mine().file(long_name, "pax\n").symlink("link", long_target).tar()));
    CHECK(read_file(x.dest / long_name) == "pax\n");
    CHECK(fs::read_symlink(x.dest / "link") == long_target);
  }
  SECTION("GNU L and K") {
    ok(x.run(mine(LongNames::Gnu).file(long_name, "gnu\n").symlink("link", long_target).tar()));
    CHECK(read_file(x.dest / long_name) == "gnu\n");
    CHECK(fs::read_symlink(x.dest / "link") == long_target);
  }
  SECTION("a pax global header is read and ignored") {
    TarWriter w = mine();
    w.pax({{"path", "ignored"}, {"comment", "global"}}, 'g').file("kept", "kept\n");
    ok(x.run(w.tar()));
    CHECK(read_file(x.dest / "kept") == "kept\n");
    CHECK_FALSE(fs::exists(x.dest / "ignored"));
  }
}

TEST_CASE("a layer keeps owners, modes with setuid, times and xattrs", "[root][archive]") {
  TarWriter w;
  w.file("bin/su", "su", TarAttrs(04755).owner(1000, 1001).mtime(1234567890).xattr("trusted.kubepp", "kept"));
  w.file("bin/wall", "wall", TarAttrs(02755).owner(0, 5));
  w.dir("tmp", TarAttrs(01777).mtime(1111111111));
  w.file("tmp/file", "x", TarAttrs(0600).owner(3000000, 3000001));  // ids beyond octal: pax
  w.symlink("tmp/link", "file", TarAttrs(0777).owner(7, 8).mtime(1333333333));
  w.fifo("tmp/fifo", 0640);
  w.pax({{"mtime", "1600000000.5"}}).file("nanos", "");
  // overlayfs' own xattrs come from whiteouts only, never from the archive.
  w.dir("fake-opaque", TarAttrs(0755).xattr("trusted.overlay.opaque", "y"));
  Extraction x;
  ok(x.run(w.tar()));

  const struct stat su = lstat_of(x.dest / "bin/su");
  CHECK(su.st_mode == (S_IFREG | 04755));
  CHECK(su.st_uid == 1000);
  CHECK(su.st_gid == 1001);
  CHECK(su.st_mtime == 1234567890);
  CHECK(xattr_of(x.dest / "bin/su", "trusted.kubepp") == "kept");
  CHECK(lstat_of(x.dest / "bin/wall").st_mode == (S_IFREG | 02755));
  const struct stat tmp = lstat_of(x.dest / "tmp");
  CHECK(tmp.st_mode == (S_IFDIR | 01777));
  CHECK(tmp.st_mtime == 1111111111);  // set after tmp/file and tmp/link were made in it
  const struct stat file = lstat_of(x.dest / "tmp/file");
  CHECK(file.st_uid == 3000000);
  CHECK(file.st_gid == 3000001);
  const struct stat link = lstat_of(x.dest / "tmp/link");
  CHECK(S_ISLNK(link.st_mode));
  CHECK(link.st_uid == 7);
  CHECK(link.st_mtime == 1333333333);
  CHECK(lstat_of(x.dest / "tmp/fifo").st_mode == (S_IFIFO | 0640));
  const struct stat nanos = lstat_of(x.dest / "nanos");
  CHECK(nanos.st_mtim.tv_sec == 1600000000);
  CHECK(nanos.st_mtim.tv_nsec == 500000000);
  CHECK(xattr_of(x.dest / "fake-opaque", "trusted.overlay.opaque") == "<ENODATA>");
}

TEST_CASE("GNU base-256 numbers are read", "[root][archive]") {
  TarHeader h;
  h.name = "big-ids";
  h.uid = 3000000;
  h.gid = 0x7fffffff;
  h.base256 = true;
  Extraction x;
  ok(x.run(TarWriter().raw_header(h, "data").tar()));
  CHECK(read_file(x.dest / "big-ids") == "data");
  CHECK(lstat_of(x.dest / "big-ids").st_uid == 3000000);
  CHECK(lstat_of(x.dest / "big-ids").st_gid == 0x7fffffff);
}

TEST_CASE("directories get their modes and times after their contents", "[unit][archive]") {
  TarWriter w = mine();
  w.dir(".", TarAttrs(0750).mtime(1000000001));  // dest itself
  w.dir("ro", TarAttrs(0555).mtime(1000000000)).file("ro/f", "f");
  w.dir("ro/sub", TarAttrs(0500).mtime(1000000000)).file("ro/sub/g", "g");
  Extraction x;
  ok(x.run(w.tar()));
  CHECK(read_file(x.dest / "ro/sub/g") == "g");
  CHECK(lstat_of(x.dest / "ro").st_mode == (S_IFDIR | 0555));
  CHECK(lstat_of(x.dest / "ro").st_mtime == 1000000000);
  CHECK(lstat_of(x.dest / "ro/sub").st_mode == (S_IFDIR | 0500));
  CHECK(lstat_of(x.dest).st_mode == (S_IFDIR | 0750));
  CHECK(lstat_of(x.dest).st_mtime == 1000000001);
}

TEST_CASE("a layout keeps permission bits, never setuid, and leaves owners alone", "[unit][archive]") {
  TarWriter w;  // owned by 0:0 in the archive, which a layout ignores
  w.dir("blobs", 0700).file("blobs/suid", "x", 04755).file("blobs/readonly", "y", 0400).dir("ro", 0500);
  w.file(".wh.plain", "a layout has no whiteouts");
  Extraction x;
  ok(x.run(w.tar(), ArchiveKind::Layout));
  CHECK(lstat_of(x.dest / "blobs/suid").st_mode == (S_IFREG | 0755));
  CHECK(lstat_of(x.dest / "blobs/suid").st_uid == ::getuid());
  CHECK(lstat_of(x.dest / "blobs/readonly").st_mode == (S_IFREG | 0600));  // its owner may always read and write
  CHECK(lstat_of(x.dest / "ro").st_mode == (S_IFDIR | 0700));
  CHECK(read_file(x.dest / ".wh.plain") == "a layout has no whiteouts");
}

TEST_CASE("hard links share the file of an earlier entry", "[unit][archive]") {
  Extraction x;

  SECTION("to a file") {
    ok(x.run(mine().file("a", "shared").hardlink("b", "a").hardlink("./dir/c", "./a").tar()));
    CHECK(lstat_of(x.dest / "b").st_ino == lstat_of(x.dest / "a").st_ino);
    CHECK(lstat_of(x.dest / "dir/c").st_ino == lstat_of(x.dest / "a").st_ino);
    CHECK(lstat_of(x.dest / "a").st_nlink == 3);
  }
  SECTION("to a symlink, which is linked itself, not followed") {
    ok(x.run(mine().symlink("s", (x.outside / "secret").string()).hardlink("h", "s").tar()));
    CHECK(S_ISLNK(lstat_of(x.dest / "h").st_mode));
    CHECK(x.outside_untouched());
  }
  SECTION("to a name no earlier entry created") {
    const Error e = failure(x.run(mine().hardlink("h", "missing").tar()));
    CHECK(e.code == ErrorCode::Invalid);
    CHECK_THAT(e.message, Catch::Contains("entry `h`: hard link to `missing`, which no earlier entry created"));
  }
  SECTION("to a directory") {
    const Error e = failure(x.run(mine().dir("d").hardlink("h", "d").tar()));
    CHECK_THAT(e.message, Catch::Contains("entry `h`: hard link to the directory `d`"));
  }
}

TEST_CASE("symlinks cannot lead later entries out of the destination", "[unit][archive]") {
  Extraction x;

  SECTION("a -> / then a/x lands in dest/x") {
    ok(x.run(mine().symlink("a", "/").file("a/x", "in\n").tar()));
    CHECK(read_file(x.dest / "x") == "in\n");
    CHECK(fs::is_symlink(x.dest / "a"));
  }
  SECTION("a -> ../../.. then a/x lands in dest/x") {
    ok(x.run(mine().symlink("a", "../../..").file("a/x", "in\n").tar()));
    CHECK(read_file(x.dest / "x") == "in\n");
  }
  SECTION("a -> .. then a/b/x makes dest/b/x") {
    ok(x.run(mine().symlink("a", "..").file("a/b/x", "in\n").tar()));
    CHECK(read_file(x.dest / "b/x") == "in\n");
  }
  SECTION("a -> the absolute path of outside/ then a/x") {
    // Resolved in dest, outside/'s path names nothing there: the parent is missing.
    const Error e = failure(x.run(mine().symlink("a", x.outside.string()).file("a/x", "out\n").tar()));
    CHECK_THAT(e.message, Catch::Contains("entry `a/x`"));
  }
  SECTION("a -> outside/ through a chain of symlinks, then a/secret") {
    TarWriter w = mine();
    w.dir("d").symlink("d/up", "../..").symlink("a", "d/up/outside").file("a/secret", "overwritten\n");
    (void)x.run(w.tar());  // d/up is dest itself: a/secret may only ever be dest/outside/secret
  }
  SECTION("a file over a symlink replaces the link, not its target") {
    ok(x.run(mine().symlink("f", (x.outside / "secret").string()).file("f", "mine\n").tar()));
    CHECK(read_file(x.dest / "f") == "mine\n");
    CHECK_FALSE(fs::is_symlink(x.dest / "f"));
  }
  SECTION("a directory over a symlink replaces the link") {
    ok(x.run(mine().symlink("d", x.outside.string()).dir("d").file("d/x", "in\n").tar()));
    CHECK(read_file(x.dest / "d/x") == "in\n");
  }
  SECTION("a hard link through a symlinked directory resolves in dest") {
    const Error e = failure(x.run(mine().symlink("s", x.outside.string()).hardlink("h", "s/secret").tar()));
    CHECK_THAT(e.message, Catch::Contains("entry `h`: hard link to `s/secret`"));
  }
  CHECK(x.outside_untouched());
}

TEST_CASE("names that leave the destination are refused, naming the entry", "[unit][archive]") {
  for (const std::string name : {"../x", "/x", "a/../../x", "a/b/../../../x", "/", ".."}) {
    DYNAMIC_SECTION("entry " << name) {
      Extraction x;
      const Error e = failure(x.run(mine().file(name, "escaped\n").tar()));
      CHECK(e.code == ErrorCode::Invalid);
      CHECK(e.message == "archive `" + x.archive.string() + "`: entry `" + name + "`: path leaves the directory");
      CHECK(x.outside_untouched());
      CHECK(fs::is_empty(x.dest));
    }
  }
  SECTION("a hard link to ../outside/secret") {
    Extraction x;
    const Error e = failure(x.run(mine().hardlink("h", "../outside/secret").tar()));
    CHECK(e.code == ErrorCode::Invalid);
    CHECK_THAT(e.message, Catch::Contains("entry `h`: hard link target `../outside/secret` leaves the directory"));
    CHECK(x.outside_untouched());
  }
}

TEST_CASE("device nodes are refused, naming the entry", "[unit][archive]") {
  Extraction x;
  SECTION("character device") {
    const Error e = failure(x.run(mine().device("dev/null", '3').tar()));
    CHECK(e.code == ErrorCode::Invalid);
    CHECK_THAT(e.message, Catch::EndsWith("entry `dev/null`: character devices are refused"));
  }
  SECTION("block device") {
    const Error e = failure(x.run(mine().device("dev/sda", '4', 8, 0).tar()));
    CHECK_THAT(e.message, Catch::EndsWith("entry `dev/sda`: block devices are refused"));
  }
  CHECK_FALSE(fs::exists(x.dest / "dev"));
}

TEST_CASE("an unknown entry type is refused, naming the type", "[unit][archive]") {
  Extraction x;
  TarHeader h;
  h.name = "sparse";
  SECTION("GNU sparse 'S'") {
    h.type = 'S';
    CHECK_THAT(failure(x.run(mine().raw_header(h).tar())).message,
               Catch::EndsWith("entry `sparse`: entry type `S` is not supported"));
  }
  SECTION("a control byte") {
    h.type = '\x01';
    CHECK_THAT(failure(x.run(mine().raw_header(h).tar())).message, Catch::Contains("entry type `\\x01`"));
  }
}

TEST_CASE("an image layout holds only directories and regular files", "[unit][archive]") {
  Extraction x;
  SECTION("symlink") {
    const Error e = failure(x.run(mine().symlink("blobs", "/").tar(), ArchiveKind::Layout));
    CHECK(e.code == ErrorCode::Invalid);
    CHECK_THAT(e.message,
               Catch::EndsWith("entry `blobs`: symbolic link in an image layout (only directories and regular files)"));
  }
  SECTION("hard link") {
    CHECK_THAT(failure(x.run(mine().file("a", "").hardlink("b", "a").tar(), ArchiveKind::Layout)).message,
               Catch::Contains("entry `b`: hard link in an image layout"));
  }
  SECTION("FIFO") {
    CHECK_THAT(failure(x.run(mine().fifo("p").tar(), ArchiveKind::Layout)).message,
               Catch::Contains("entry `p`: FIFO in an image layout"));
  }
}

TEST_CASE("a whiteout becomes a 0/0 character device", "[root][archive]") {
  TarWriter w;
  w.dir("etc").whiteout("etc/shadow").whiteout("gone").whiteout("deep/er/file");
  w.dir(".wh..wh.plnk").file(".wh..wh.plnk/1234.5", "AUFS hard-link store");  // AUFS's: skipped
  Extraction x;
  const ExtractStats stats = ok(x.run(w.tar()));
  for (const char* path : {"etc/shadow", "gone", "deep/er/file"}) {
    const struct stat st = lstat_of(x.dest / path);
    CHECK(S_ISCHR(st.st_mode));
    CHECK(st.st_rdev == makedev(0, 0));
  }
  CHECK_FALSE(fs::exists(x.dest / "etc/.wh.shadow"));
  CHECK_FALSE(fs::exists(x.dest / ".wh..wh.plnk"));
  CHECK_FALSE(fs::exists(x.dest / ".wh.plnk"));
  CHECK(stats.entries == 6);
}

TEST_CASE("a whiteout hides the layers below, not a file of its own layer", "[root][archive]") {
  // image-spec layer.md: whiteouts apply only to lower layers.
  TarWriter w;
  w.dir("etc").file("etc/passwd", "root:x:0:0::/root:/bin/sh\n").whiteout("etc/passwd");
  Extraction x;
  ok(x.run(w.tar()));
  CHECK(S_ISREG(lstat_of(x.dest / "etc/passwd").st_mode));
  CHECK(read_file(x.dest / "etc/passwd") == "root:x:0:0::/root:/bin/sh\n");
}

TEST_CASE("an opaque whiteout marks its directory with trusted.overlay.opaque", "[root][archive]") {
  Extraction x;
  ok(x.run(TarWriter().dir("etc").opaque("etc").opaque("var/lib").file("etc/kept", "k").tar()));
  CHECK(xattr_of(x.dest / "etc", "trusted.overlay.opaque") == "y");
  CHECK(xattr_of(x.dest / "var/lib", "trusted.overlay.opaque") == "y");  // made for it
  CHECK_FALSE(fs::exists(x.dest / "etc/.wh..wh..opq"));
  CHECK(read_file(x.dest / "etc/kept") == "k");
}

TEST_CASE("truncated and corrupt archives are refused", "[unit][archive]") {
  const std::string tar = sample_layer().tar();
  Extraction x;
  auto refused = [&](const std::string& bytes) {
    const Error e = failure(x.run(bytes));
    CHECK(e.code == ErrorCode::Invalid);
    CHECK_THAT(e.message, Catch::StartsWith("archive `" + x.archive.string() + "`: "));
    return e.message;
  };

  SECTION("a tar cut inside a file's contents") {
    CHECK_THAT(refused(tar.substr(0, 512 * 8 + 1000)),
               Catch::EndsWith("entry `bin/busybox`: truncated: the archive ends inside its contents"));
  }
  SECTION("a tar cut inside a header") {
    CHECK_THAT(refused(tar.substr(0, 512 + 100)), Catch::EndsWith("header at offset 512: truncated: the archive ends inside the header"));
  }
  SECTION("an empty file") { CHECK_THAT(refused(""), Catch::Contains("header at offset 0: truncated")); }
  SECTION("a gzip stream cut short") {
    const std::string gz = gzip(tar);
    CHECK_THAT(refused(gz.substr(0, gz.size() / 2)), Catch::EndsWith("truncated gzip stream"));
    CHECK_THAT(refused(gz.substr(0, gz.size() - 4)), Catch::EndsWith("truncated gzip stream"));  // no ISIZE
  }
  SECTION("a gzip stream with a wrong CRC") {
    std::string gz = gzip(tar);
    gz[gz.size() - 6] ^= 0x55;
    CHECK_THAT(refused(gz), Catch::Contains("corrupt gzip stream"));
  }
  SECTION("bytes after the gzip member that are not another member") {
    CHECK_THAT(refused(gzip(tar) + "trailing garbage"), Catch::Contains("corrupt gzip stream"));
  }
  SECTION("a header with a bad checksum") {
    TarHeader h;
    h.name = "bad";
    h.checksum = 1234;
    CHECK_THAT(refused(mine().file("good", "").raw_header(h).tar()), Catch::EndsWith("header at offset 512: bad checksum"));
  }
  SECTION("a numeric field that is not octal") {
    std::string bad = TarWriter().file("f", "").tar();
    bad[124] = '9';  // the size field; the checksum is made to match
    unsigned sum = 0;
    std::memset(bad.data() + 148, ' ', 8);
    for (size_t i = 0; i < 512; ++i) sum += static_cast<unsigned char>(bad[i]);
    std::snprintf(bad.data() + 148, 8, "%06o", sum);
    CHECK_THAT(refused(bad), Catch::EndsWith("header at offset 0: a numeric field is malformed or out of range"));
  }
  SECTION("a malformed pax record") {
    TarHeader h;
    h.name = "pax";
    h.type = 'x';
    CHECK_THAT(refused(mine().raw_header(h, "99 path=x\n").file("f", "").tar()),
               Catch::EndsWith("header at offset 0: malformed pax record"));
  }
  SECTION("a zero block, then more entries") {
    CHECK_THAT(refused(mine().file("a", "").raw(std::string(512, '\0')).file("b", "").tar()),
               Catch::EndsWith("header at offset 512: a zero block in the middle of the archive"));
  }
  SECTION("zstd") { CHECK_THAT(refused("\x28\xb5\x2f\xfd rest"), Catch::Contains("zstd compression is not supported")); }
  SECTION("a missing archive is NotFound") {
    const Result<ExtractStats> r = extract_archive(x.tmp.path() / "missing.tar", x.dest, ArchiveKind::Layer);
    REQUIRE_FALSE(r);
    CHECK(r.error().code == ErrorCode::NotFound);
    CHECK_THAT(r.error().message, Catch::Contains("missing.tar"));
  }
}

TEST_CASE("the end of the stream after an entry ends an archive, as Go's archive/tar accepts", "[unit][archive]") {
  // umoci 0.4 writes layers so: no end-of-archive blocks, and no padding after the last
  // file's contents.
  const std::string entries = mine().file("a", "a").file("b", "bb").entries();
  const std::string unpadded = entries.substr(0, entries.size() - 510);
  for (const std::string& tar : {entries, unpadded}) {
    Extraction x;
    const ExtractStats stats = ok(x.run(tar));
    CHECK(read_file(x.dest / "b") == "bb");
    CHECK(stats.diff_id == sha256(tar));
  }
}

TEST_CASE("one zero block and the end of the stream end an archive, as GNU tar accepts", "[unit][archive]") {
  const std::string tar = mine().file("a", "a").entries() + std::string(512, '\0');
  Extraction x;
  const ExtractStats stats = ok(x.run(tar));
  CHECK(read_file(x.dest / "a") == "a");
  CHECK(stats.diff_id == sha256(tar));
}

TEST_CASE("a later entry replaces an earlier one of the same name", "[unit][archive]") {
  Extraction x;
  SECTION("a file over a file") {
    ok(x.run(mine().file("f", "first", 0644).file("f", "second", 0600).tar()));
    CHECK(read_file(x.dest / "f") == "second");
    CHECK(lstat_of(x.dest / "f").st_mode == (S_IFREG | 0600));
  }
  SECTION("a symlink over a file") {
    ok(x.run(mine().file("f", "first").symlink("f", "target").tar()));
    CHECK(fs::read_symlink(x.dest / "f") == "target");
  }
  SECTION("a file over an empty directory") {
    ok(x.run(mine().dir("d").file("d", "file").tar()));
    CHECK(read_file(x.dest / "d") == "file");
  }
  SECTION("a directory over a directory keeps its contents and takes the later mode") {
    ok(x.run(mine().dir("d", 0755).file("d/kept", "k").dir("d", 0700).tar()));
    CHECK(read_file(x.dest / "d/kept") == "k");
    CHECK(lstat_of(x.dest / "d").st_mode == (S_IFDIR | 0700));
  }
  SECTION("a file over a hard-linked file leaves the other link alone") {
    ok(x.run(mine().file("a", "old").hardlink("b", "a").file("a", "new").tar()));
    CHECK(read_file(x.dest / "a") == "new");
    CHECK(read_file(x.dest / "b") == "old");
  }
  SECTION("a file over a directory that is not empty is refused") {
    const Error e = failure(x.run(mine().dir("d").file("d/x", "").file("d", "file").tar()));
    CHECK(e.code == ErrorCode::Invalid);
    CHECK_THAT(e.message, Catch::EndsWith("entry `d`: would replace a directory that is not empty"));
  }
}

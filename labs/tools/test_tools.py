#!/usr/bin/env python3
"""Tests of the lab tools: labgen.py, labs/grade, labs/export and tools/citecheck.py.

Run from the repository root with either of

    python3 -m unittest discover -s labs/tools -p 'test_*.py'
    python3 labs/tools/test_tools.py

Each test builds a tiny throw-away repository (labs/01-demo/, runtime/x.cpp, ...) in a
temporary directory, with copies of the tools, and runs the tools on it.
"""

import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
import unittest
from importlib.machinery import SourceFileLoader
from importlib.util import module_from_spec, spec_from_loader
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
sys.path.insert(0, str(HERE))
import labgen  # noqa: E402


def load_script(name, path):
    """Import a script that has no .py suffix (labs/grade, labs/export)."""
    loader = SourceFileLoader(name, str(path))
    module = module_from_spec(spec_from_loader(name, loader))
    loader.exec_module(module)
    return module


grade = load_script("grade", REPO / "labs" / "grade")
export = load_script("export", REPO / "labs" / "export")
citecheck = load_script("citecheck", REPO / "tools" / "citecheck.py")

TODO_H = """\
#pragma once
namespace kubepp {
[[noreturn]] void lab_todo(const char* lab, const char* what);
}  // namespace kubepp
"""

# A reference file with two lab-01 regions and one lab-02 region.
X_CPP = """\
#include "runtime/x.h"

#include <map>
#include <string>

namespace demo {

// Adds one; the comment before the marker stays.
//> lab01 add_one
// Hint: this comment is dropped from the starter.
int add_one(int value) {
  return value + 1;
}
//< lab01

//> lab01 start
Status Container::start(const std::map<int, int>& m,
                        const std::string& /*unused*/,
                        int timeout = 30) const {
  return Status{static_cast<int>(m.size()) + timeout};
}
//< lab01

//> lab02 twice
auto twice(int x) -> int {
  return 2 * x;
}
//< lab02

}  // namespace demo
"""

X_H = """\
#pragma once
#include <map>
#include <string>
namespace demo {
struct Status {
  int code;
};
class Container {
 public:
  Status start(const std::map<int, int>& m, const std::string& name, int timeout) const;
};
int add_one(int value);
auto twice(int x) -> int;
}  // namespace demo
"""

X_CPP_LAB01_STARTER = """\
// Lab 01 starter, generated from runtime/x.cpp by labs/tools/labgen.py — write the TODOs below.
#include "runtime/x.h"

#include <map>
#include <string>
#include "runtime/base/todo.h"

namespace demo {

// Adds one; the comment before the marker stays.
//> lab01 add_one
int add_one(int value) {
  // TODO(lab01): write add_one — the task is in labs/01-demo/README.md
  (void)value;
  kubepp::lab_todo("lab01", "add_one");
}
//< lab01

//> lab01 start
Status Container::start(const std::map<int, int>& m,
                        const std::string& /*unused*/,
                        int timeout = 30) const {
  // TODO(lab01): write start — the task is in labs/01-demo/README.md
  (void)m;
  (void)timeout;
  kubepp::lab_todo("lab01", "start");
}
//< lab01

//> lab02 twice
auto twice(int x) -> int {
  return 2 * x;
}
//< lab02

}  // namespace demo
"""


def write(root, relpath, text, executable=False):
    path = Path(root) / relpath
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    if executable:
        path.chmod(0o755)
    return path


def make_tree(root):
    """A tiny repository: two labs, the tools, runtime/x.cpp with regions of both labs."""
    write(root, "labs/01-demo/README.md", "# Lab 01\n")
    write(root, "labs/01-demo/grade.txt", "10 [lab01] everything\n")
    write(root, "labs/02-more/README.md", "# Lab 02\n")
    write(root, "solutions/01-demo/SOLUTION.md", "# How lab 01 is solved\n")
    write(root, "runtime/base/todo.h", TODO_H)
    write(root, "runtime/x.h", X_H)
    write(root, "runtime/x.cpp", X_CPP)
    write(root, "runtime/plain.cpp", "int plain() { return 0; }\n")
    for script in ("labs/tools/labgen.py", "labs/export", "labs/grade", "tools/citecheck.py"):
        target = Path(root) / script
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO / script, target)


def run_tool(root, *args):
    """Run one of the copied tools in the tree; returns the CompletedProcess."""
    return subprocess.run([sys.executable, str(Path(root) / args[0]), *args[1:]],
                          capture_output=True, text=True, cwd=root)


def stub(text, selector="01", labs=None):
    labs = labs or {"01": labgen.Lab("01", "01-demo"), "02": labgen.Lab("02", "02-more")}
    return labgen.starter_text(text, "runtime/x.cpp", selector, labs)


def region_file(body, indent=""):
    """A file holding one lab-01 region around `body` (dedented, then indented)."""
    body = textwrap.indent(textwrap.dedent(body), indent)
    return '#include "a.h"\n\n//> lab01 f\n' + body + "//< lab01\n"


def stub_body(body, indent=""):
    """The lines of the starter between the markers of its one region."""
    lines = stub(region_file(body, indent)).split("\n")
    return "\n".join(lines[lines.index("//> lab01 f") + 1:lines.index("//< lab01")]) + "\n"


class TempTreeTest(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory()
        self.root = Path(self._tmp.name).resolve() / "repo"
        make_tree(self.root)

    def tearDown(self):
        self._tmp.cleanup()


class StubTest(unittest.TestCase):
    def test_starter_of_a_file_is_exactly_as_expected(self):
        self.assertEqual(stub(X_CPP), X_CPP_LAB01_STARTER)

    def test_all_stubs_every_lab_and_says_student_edition(self):
        out = stub(X_CPP, "all")
        self.assertTrue(out.startswith("// Student edition, generated from runtime/x.cpp "
                                       "by labs/tools/labgen.py.\n"))
        self.assertIn('kubepp::lab_todo("lab02", "twice");', out)
        self.assertIn("labs/02-more/README.md", out)
        self.assertNotIn("return 2 * x;", out)
        self.assertNotIn("return value + 1;", out)

    def test_other_labs_are_left_alone(self):
        out = stub(X_CPP, "02")
        self.assertIn("return value + 1;", out)
        self.assertIn("// Hint: this comment is dropped from the starter.", out)
        self.assertNotIn("return 2 * x;", out)

    def test_include_is_not_added_twice(self):
        text = '#include "runtime/base/todo.h"\n' + X_CPP
        self.assertEqual(stub(text).count('#include "runtime/base/todo.h"'), 1)

    def test_include_goes_before_code_when_there_is_none(self):
        out = stub("#pragma once\n\n//> lab01 f\nint f() {\n  return 1;\n}\n//< lab01\n")
        self.assertIn('\n#pragma once\n#include "runtime/base/todo.h"\n\n//> lab01 f\n', out)

    def test_template_parameters_with_commas(self):
        self.assertEqual(stub_body("""\
            template <typename K, typename V>
            std::map<K, V> merge(std::map<int, int> m, const std::pair<K, V>& p) {
              return {};
            }
            """), """\
template <typename K, typename V>
std::map<K, V> merge(std::map<int, int> m, const std::pair<K, V>& p) {
  // TODO(lab01): write f — the task is in labs/01-demo/README.md
  (void)m;
  (void)p;
  kubepp::lab_todo("lab01", "f");
}
""")

    def test_unnamed_void_and_default_parameters(self):
        self.assertEqual(stub_body("""\
            void g(int, const std::string&, std::vector<int> v = {1, 2}, Options o = Options{}) {
              use(v, o);
            }
            """), """\
void g(int, const std::string&, std::vector<int> v = {1, 2}, Options o = Options{}) {
  // TODO(lab01): write f — the task is in labs/01-demo/README.md
  (void)v;
  (void)o;
  kubepp::lab_todo("lab01", "f");
}
""")
        self.assertIn("  // TODO(lab01): write f — the task is in labs/01-demo/README.md\n"
                      '  kubepp::lab_todo("lab01", "f");\n}\n',
                      stub_body("int h(void) {\n  return 3;\n}\n"))

    def test_indented_member_pack_and_function_pointer(self):
        self.assertEqual(stub_body("""\
              template <typename... Ts>
              bool operator()(void (*callback)(int), Ts&&... args) const noexcept {
                return callback != nullptr && sizeof...(args) > 0;
              }
            """, indent="  "), """\
  template <typename... Ts>
  bool operator()(void (*callback)(int), Ts&&... args) const noexcept {
    // TODO(lab01): write f — the task is in labs/01-demo/README.md
    (void)callback;
    ((void)args, ...);
    kubepp::lab_todo("lab01", "f");
  }
""")

    def test_constructor_initializer_list_keeps_the_last_brace_as_body(self):
        body = stub_body("""\
            Pod::Pod(std::string name) : name_{std::move(name)}, phase_{"Pending"} {
              validate();
            }
            """)
        self.assertTrue(body.startswith(
            'Pod::Pod(std::string name) : name_{std::move(name)}, phase_{"Pending"} {\n'
            "  // TODO"), body)
        self.assertNotIn("validate", body)

    def test_braces_in_strings_and_comments_do_not_count(self):
        body = stub_body("""\
            std::string brace(char c = '{') {  // }
              return "}}}" + std::string(1, c);  /* { */
            }
            """)
        self.assertIn("(void)c;", body)
        self.assertNotIn("return", body)


class StubCompilesTest(TempTreeTest):
    @unittest.skipUnless(shutil.which("g++"), "g++ is not installed")
    def test_reference_and_starters_compile_with_werror(self):
        command = ["g++", "-std=c++20", "-fsyntax-only", "-Wall", "-Wextra", "-Werror",
                   "-I", str(self.root)]
        reference = subprocess.run(command + ["runtime/x.cpp"], cwd=self.root,
                                   capture_output=True, text=True)
        self.assertEqual(reference.returncode, 0, reference.stderr)  # the test input is valid
        for selector in ("01", "02", "all"):
            result = run_tool(self.root, "labs/tools/labgen.py", "stub", "--lab", selector,
                              "runtime/x.cpp", "-o", f"out/{selector}.cpp")
            self.assertEqual(result.returncode, 0, result.stderr)
            compiled = subprocess.run(command + [f"out/{selector}.cpp"], cwd=self.root,
                                      capture_output=True, text=True)
            self.assertEqual(compiled.returncode, 0, compiled.stderr)


class RegionErrorTest(TempTreeTest):
    def assert_error(self, text, line, words):
        write(self.root, "runtime/x.cpp", text)
        result = run_tool(self.root, "labs/tools/labgen.py", "files", "01")
        self.assertEqual(result.returncode, 2)
        self.assertEqual(result.stdout, "")
        self.assertTrue(result.stderr.startswith(f"labgen: runtime/x.cpp:{line}: "),
                        result.stderr)
        self.assertIn(words, result.stderr)

    def test_unclosed_region(self):
        self.assert_error("//> lab01 f\nint f() {\n  return 1;\n}\n", 1, "never closed")

    def test_two_functions_in_one_region(self):
        self.assert_error("//> lab01 f\nint f() { return 1; }\nint g() { return 2; }\n"
                          "//< lab01\n", 3, "exactly one function")

    def test_lab_without_directory(self):
        self.assert_error("\n//> lab07 f\nint f() { return 1; }\n//< lab07\n", 2,
                          "lab 07 has no directory")

    def test_close_marker_of_another_lab(self):
        self.assert_error("//> lab01 f\nint f() { return 1; }\n//< lab02\n", 3,
                          "write `//< lab01`")

    def test_nested_region(self):
        self.assert_error("//> lab01 f\n//> lab01 g\nint g() { return 1; }\n//< lab01\n", 2,
                          "do not nest")

    def test_stray_code_and_declarations(self):
        self.assert_error("//> lab01 f\nint f() { return 1; }\nint x = 1;\n//< lab01\n", 3,
                          "exactly one function")
        self.assert_error("//> lab01 f\nint x = 1;\n//< lab01\n", 2, "function definition")
        self.assert_error("//> lab01 f\nint f() { return 1; }\n// late\n//< lab01\n", 3,
                          "only blank lines")


class FilesAndLabsTest(TempTreeTest):
    def test_labs_lists_every_lab(self):
        result = run_tool(self.root, "labs/tools/labgen.py", "labs")
        self.assertEqual(result.stdout, "01\tlabs/01-demo\n02\tlabs/02-more\n")

    def test_files_lists_the_files_of_one_lab_sorted(self):
        write(self.root, "cluster/a/y.cpp", "//> lab02 y\nint y() { return 1; }\n//< lab02\n")
        run = lambda lab: run_tool(self.root, "labs/tools/labgen.py", "files", lab).stdout
        self.assertEqual(run("01"), "runtime/x.cpp\n")
        self.assertEqual(run("2"), "cluster/a/y.cpp\nruntime/x.cpp\n")

    def test_files_of_an_unknown_lab_is_an_error(self):
        result = run_tool(self.root, "labs/tools/labgen.py", "files", "09")
        self.assertEqual(result.returncode, 2)
        self.assertIn("no lab 09", result.stderr)


class SyncTest(TempTreeTest):
    def sync(self, *args):
        return run_tool(self.root, "labs/tools/labgen.py", "sync", *args)

    def test_sync_then_check_passes(self):
        self.assertEqual(self.sync("--check").returncode, 1)   # nothing generated yet
        self.assertEqual(self.sync().returncode, 0)
        check = self.sync("--check")
        self.assertEqual((check.returncode, check.stdout), (0, "labs in sync\n"))
        starter = (self.root / "labs/01-demo/runtime/x.cpp").read_text()
        self.assertEqual(starter, X_CPP_LAB01_STARTER)
        self.assertIn("return value + 1;", (self.root / "labs/02-more/runtime/x.cpp").read_text())

    def test_solutions_are_relative_symlinks_to_the_reference(self):
        self.sync()
        for lab in ("01-demo", "02-more"):
            link = self.root / "solutions" / lab / "runtime/x.cpp"
            self.assertTrue(link.is_symlink())
            self.assertEqual(os.readlink(link), "../../../runtime/x.cpp")
            self.assertTrue(link.samefile(self.root / "runtime/x.cpp"))

    def test_a_hand_edited_starter_fails_the_check_and_sync_repairs_it(self):
        self.sync()
        starter = self.root / "labs/01-demo/runtime/x.cpp"
        starter.write_text(starter.read_text().replace("(void)value;", "return value + 1;"))
        check = self.sync("--check")
        self.assertEqual(check.returncode, 1)
        self.assertIn("-  return value + 1;", check.stdout)
        self.assertEqual(starter.read_text().count("return value + 1;"), 1)  # check changed nothing
        self.sync()
        self.assertEqual(starter.read_text(), X_CPP_LAB01_STARTER)

    def test_stale_starters_and_links_are_removed_but_not_readmes(self):
        self.sync()
        write(self.root, "runtime/x.cpp", "int only_code() { return 0; }\n")
        check = self.sync("--check")
        self.assertEqual(check.returncode, 1)
        self.assertIn("labs/01-demo/runtime/x.cpp: stale", check.stdout)
        self.sync()
        self.assertFalse(os.path.lexists(self.root / "labs/01-demo/runtime/x.cpp"))
        self.assertFalse(os.path.lexists(self.root / "solutions/01-demo/runtime"))
        self.assertTrue((self.root / "labs/01-demo/README.md").is_file())
        self.assertTrue((self.root / "solutions/01-demo/SOLUTION.md").is_file())
        self.assertEqual(self.sync("--check").stdout, "labs in sync\n")


class ExportTest(TempTreeTest):
    def setUp(self):
        super().setUp()
        write(self.root, "scripts/run.sh", "#!/bin/sh\necho hi\n", executable=True)
        os.symlink("run.sh", self.root / "scripts/alias.sh")
        write(self.root, "build/CMakeCache.txt", "not copied\n")
        self.assertEqual(run_tool(self.root, "labs/tools/labgen.py", "sync").returncode, 0)
        self.out = self.root.parent / "student"

    def export(self):
        result = run_tool(self.root, "labs/export", str(self.out))
        self.assertEqual(result.returncode, 0, result.stderr)
        return result

    def test_export_stubs_every_region_and_drops_solutions(self):
        result = self.export()
        self.assertIn("1 reference files stubbed", result.stdout)
        reference = (self.out / "runtime/x.cpp").read_text()
        for body in ("return value + 1;", "m.size()", "return 2 * x;"):
            self.assertNotIn(body, reference)
            self.assertNotIn(body, (self.out / "labs/01-demo/runtime/x.cpp").read_text())
            self.assertNotIn(body, (self.out / "labs/02-more/runtime/x.cpp").read_text())
        self.assertEqual(reference.count("kubepp::lab_todo("), 3)
        self.assertFalse((self.out / "solutions").exists())
        self.assertIn("student edition", (self.out / ".student-edition").read_text())
        self.assertFalse((self.out / "build").exists())
        self.assertEqual((self.out / "runtime/plain.cpp").read_text(),
                         "int plain() { return 0; }\n")

    def test_export_keeps_symlinks_and_executable_bits(self):
        self.export()
        self.assertEqual(os.readlink(self.out / "scripts/alias.sh"), "run.sh")
        self.assertTrue(os.access(self.out / "scripts/run.sh", os.X_OK))
        self.assertTrue(os.access(self.out / "labs/export", os.X_OK))

    def test_export_refuses_a_directory_that_is_not_empty(self):
        write(self.out, "keep.txt", "mine\n")
        result = run_tool(self.root, "labs/export", str(self.out))
        self.assertEqual(result.returncode, 2)
        self.assertIn("not an empty directory", result.stderr)

    @unittest.skipUnless(shutil.which("git"), "git is not installed")
    def test_export_of_a_git_tree_copies_untracked_but_not_ignored_files(self):
        subprocess.run(["git", "init", "-q", str(self.root)], check=True)
        write(self.root, ".gitignore", "*.log\nbuild/\n")
        write(self.root, "notes.log", "ignored\n")
        write(self.root, "notes.txt", "untracked\n")
        self.export()
        self.assertTrue((self.out / "notes.txt").is_file())
        self.assertFalse((self.out / "notes.log").exists())
        self.assertFalse((self.out / ".git").exists())
        self.assertNotIn("return value + 1;", (self.out / "runtime/x.cpp").read_text())


class CiteCheckTest(TempTreeTest):
    def setUp(self):
        super().setUp()
        write(self.root, "tools/helper.py", "def helper_main():\n    pass\n")

    def citecheck(self, chapter):
        write(self.root, "chapters/01-demo/README.md", chapter)
        return run_tool(self.root, "tools/citecheck.py")

    def test_good_citations_resolve(self):
        result = self.citecheck(textwrap.dedent("""\
            # Demo
            See `runtime/x.cpp:add_one`, `runtime/x.cpp:Container::start` and
            `runtime/x.h:demo::Container::start`, `runtime/x.h:demo::add_one`,
            `tools/helper.py:helper_main`. Not citations: `x.cpp`, `a b`, `int f()`.
            """))
        self.assertEqual((result.returncode, result.stdout),
                         (0, "5 citations in 4 files resolve\n"))

    def test_broken_file_and_symbol_are_reported_with_file_and_line(self):
        result = self.citecheck(textwrap.dedent("""\
            # Demo
            Good: `runtime/x.cpp:add_one`.

            Gone: `runtime/gone.cpp:add_one`.
            ```
            `runtime/fenced.cpp:ignored`
            ```
            Renamed: `runtime/x.cpp:add_two`, and `runtime/x.cpp:Pod::start`.
            """))
        self.assertEqual(result.returncode, 1)
        self.assertEqual(result.stdout.splitlines()[:3], [
            "chapters/01-demo/README.md:4: broken citation `runtime/gone.cpp:add_one`: "
            "no such file",
            "chapters/01-demo/README.md:8: broken citation `runtime/x.cpp:add_two`: "
            "no symbol add_two in runtime/x.cpp",
            "chapters/01-demo/README.md:8: broken citation `runtime/x.cpp:Pod::start`: "
            "no symbol Pod::start in runtime/x.cpp",
        ])

    def test_files_on_the_command_line(self):
        write(self.root, "notes.md", "`runtime/x.cpp:nothing_here`\n")
        result = run_tool(self.root, "tools/citecheck.py", "notes.md")
        self.assertEqual(result.returncode, 1)
        self.assertIn("notes.md:1: broken citation", result.stdout)


class GradeTest(unittest.TestCase):
    def test_parse_grade_file(self):
        parsed = grade.parse_grade_file(textwrap.dedent("""\
            # Lab 01's groups
            root

            20  [lab01][namespaces]   namespace flags
            30  [lab01][rootfs]       the root filesystem
            """))
        self.assertTrue(parsed.needs_root)
        self.assertEqual(parsed.groups, [
            grade.Group(20, "[lab01][namespaces]", "namespace flags"),
            grade.Group(30, "[lab01][rootfs]", "the root filesystem"),
        ])
        self.assertFalse(grade.parse_grade_file("5 [a] title\n").needs_root)

    def test_bad_grade_files(self):
        for text, words in (("20 [lab01]\n", "grade.txt:1: expected"),
                            ("# c\nten [lab01] t\n", "grade.txt:2: points must be"),
                            ("# nothing\n", "no test groups")):
            with self.assertRaises(grade.GradeFileError) as caught:
                grade.parse_grade_file(text)
            self.assertIn(words, str(caught.exception))

    def test_score_lines_as_xv6_prints_them(self):
        self.assertEqual(grade.score_line("namespace flags", True, 20, 20),
                         "namespace flags ........................................ OK    20/20")
        self.assertEqual(grade.score_line("the root filesystem", False, 0, 30),
                         "the root filesystem .................................... FAIL   0/30")


FAKE_CATCH2 = """\
#!/usr/bin/env python3
# Pretends to be a Catch2 v2 test binary: [good] passes, [bad] fails, [none] has no tests.
import sys
spec = [a for a in sys.argv[1:] if a.startswith("[")][0]
if "--list-test-names-only" in sys.argv:
    if spec != "[none]":
        print("a test case")
    sys.exit(1)   # Catch2 v2 exits with the number of tests listed
print("line\\n" * 30 + "FAILED" if spec == "[bad]" else "All tests passed")
sys.exit(1 if spec == "[bad]" else 0)
"""


class GradeGroupTest(unittest.TestCase):
    def setUp(self):
        self._tmp = tempfile.TemporaryDirectory()
        self.binary = write(self._tmp.name, "lab01_tests", FAKE_CATCH2, executable=True)

    def tearDown(self):
        self._tmp.cleanup()

    def test_a_passing_group(self):
        passed, _ = grade.grade_group(self.binary, grade.Group(10, "[good]", "t"), False)
        self.assertTrue(passed)

    def test_a_failing_group_shows_its_last_lines(self):
        passed, output = grade.grade_group(self.binary, grade.Group(10, "[bad]", "t"), False)
        self.assertFalse(passed)
        tail = grade.indented_tail(output).splitlines()
        self.assertEqual(len(tail), 20)
        self.assertEqual(tail[-1], "    FAILED")

    def test_a_group_without_tests_is_broken(self):
        passed, output = grade.grade_group(self.binary, grade.Group(10, "[none]", "t"), False)
        self.assertFalse(passed)
        self.assertIn("broken", output)


if __name__ == "__main__":
    unittest.main()

"""Tests of the book build (book/tools): run with
    python3 -m unittest discover -s book/tools -p 'test_*.py'
"""
import re
import subprocess
import sys
import tempfile
import textwrap
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import build_book  # noqa: E402
from pages import Page, book_pages  # noqa: E402


def write(root, relative, text):
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def small_book(root):
    """A tree with one chapter, its lab, and the reference pages."""
    write(root, "runtime/thing.cpp", """\
        namespace kubepp {
        int helper();
        int make_thing() {
          return helper();
        }
        class Box {
          void open();
        };
        void Box::open() {}
        }  // namespace kubepp
        """)
    write(root, "book/mainpage.md", "# Main\n\nSee [chapter 01](../chapters/01-demo/README.md).\n")
    write(root, "chapters/01-demo/README.md", """\
        # Chapter 01 · Demo

        *中文版：[README.zh.md](README.zh.md)*

        The function `runtime/thing.cpp:make_thing` makes things; `Box` is not a citation.
        Do [the lab](../../labs/01-demo/README.md), run [demo.sh](demo.sh).

        <!-- snippet: runtime/thing.cpp make -->
        <!-- diagram: start.dot How it starts -->

        ```
        `runtime/nowhere.cpp:ignored` inside a fence is not read
        ```
        """)
    write(root, "chapters/01-demo/README.zh.md", "# 第01章 · 演示\n\n见 `runtime/thing.cpp:Box::open`。\n")
    write(root, "labs/01-demo/README.md", "# Lab 01\n")
    for name in ("chapters/GLOSSARY.md", "chapters/README.md", "book/trainer-guide.md",
                 "book/trainer-guide.zh.md"):
        write(root, name, f"# {Path(name).stem}\n")


class PagesTest(unittest.TestCase):
    def test_reading_order_and_labels(self):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            small_book(root)
            pages = book_pages(root)
            self.assertEqual([p.label for p in pages],
                             ["index", "chapter-01-en", "chapter-01-zh", "lab-01", "glossary",
                              "conventions", "trainer-guide-en", "trainer-guide-zh"])
            self.assertEqual(pages[2].title, "第01章 · 演示")

    def test_a_chapter_without_its_chinese_page_stops_the_build(self):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            small_book(root)
            (root / "chapters/01-demo/README.zh.md").unlink()
            with self.assertRaises(SystemExit) as stop:
                book_pages(root)
            self.assertIn("chapters/01-demo/README.zh.md is missing", str(stop.exception))


class PrepareTest(unittest.TestCase):
    def prepared(self, relative):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            small_book(root)
            pages = book_pages(root)
            labels = {p.source: p.label for p in pages}
            page = next(p for p in pages if p.source == relative)
            return build_book.prepare_page(page, root.resolve(), labels), root.resolve()

    def test_citations_become_links_and_pages_references(self):
        text, root = self.prepared("chapters/01-demo/README.md")
        self.assertIn("# Chapter 01 · Demo {#chapter-01-en}", text)
        self.assertIn("[`runtime/thing.cpp:make_thing`](kubepp-cite:runtime/thing.cpp:make_thing)", text)
        self.assertIn("`Box` is not a citation", text)
        self.assertIn("[README.zh.md](@ref chapter-01-zh)", text)
        self.assertIn("[the lab](@ref lab-01)", text)
        self.assertIn(f"[demo.sh]({(root / 'chapters/01-demo/demo.sh').as_uri()})", text)
        self.assertIn("\\snippet{lineno} runtime/thing.cpp make", text)
        self.assertIn('\\dotfile start.dot "How it starts"', text)
        self.assertIn("`runtime/nowhere.cpp:ignored` inside a fence", text)  # untouched

    def test_bold_next_to_chinese_becomes_html_outside_code(self):
        self.assertEqual(build_book.strong_outside_code("它**一个普通进程**，`a**b**c` **x**"),
                         "它<b>一个普通进程</b>，`a**b**c` <b>x</b>")

    def test_bold_starting_with_code_and_chinese_italics(self):
        self.assertEqual(build_book.strong_outside_code("**`kubepp run` stays** and *删除*了"),
                         "<b>`kubepp run` stays</b> and <em>删除</em>了")
        self.assertEqual(build_book.strong_outside_code("* a list item, 2 * 3"), "* a list item, 2 * 3")

    def test_the_main_page_keeps_its_title(self):
        text, _ = self.prepared("book/mainpage.md")
        self.assertTrue(text.startswith("# Main\n"))
        self.assertIn("[chapter 01](@ref chapter-01-en)", text)

    def test_contents_lists_every_page_but_the_main_one_in_order(self):
        pages = [Page("a", "index", "main", "en"), Page("b", "chapter-01-en", "chapter", "en"),
                 Page("c", "glossary", "reference", "en")]
        lines = build_book.contents(pages).splitlines()
        self.assertEqual([l for l in lines if "subpage" in l],
                         ["- \\subpage chapter-01-en", "- \\subpage glossary"])


class BuildTest(unittest.TestCase):
    def test_a_broken_citation_fails_the_book_build_naming_chapter_line_and_citation(self):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            small_book(root)
            write(root, "chapters/01-demo/README.zh.md",
                  "# 第01章\n\n正文。\n见 `runtime/thing.cpp:make_thingy`。\n")
            proc = subprocess.run([sys.executable, str(HERE / "build_book.py"), "--root", str(root),
                                   "--out", str(root / "out"), "--doxygen", "/nonexistent/doxygen"],
                                  capture_output=True, text=True)
            self.assertEqual(proc.returncode, 1)
            self.assertIn("chapters/01-demo/README.zh.md:4: broken citation `runtime/thing.cpp:make_thingy`",
                          proc.stdout)
            self.assertIn("citations are broken", proc.stderr)
            self.assertFalse((root / "out" / "html").exists())  # Doxygen never ran


class WarningsTest(unittest.TestCase):
    def test_only_reviewed_filters_let_a_warning_pass(self):
        log = ("/x/a.h:3: warning: Unsupported xml/html tag <root> found\n"
               "/x/b.h:9: warning: some C++20 parsing noise\n\n")
        patterns = [re.compile(r"C\+\+20 parsing noise$")]
        self.assertEqual(build_book.unexpected_warnings(log, patterns),
                         ["/x/a.h:3: warning: Unsupported xml/html tag <root> found"])
        self.assertEqual(build_book.unexpected_warnings("", patterns), [])

    def test_the_allow_file_ignores_comments(self):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp)
            write(root, "book/doxygen-warnings.allow", "# why\n\n  foo$  \n")
            self.assertEqual([p.pattern for p in build_book.allowed_patterns(root)], ["foo$"])


class LinkTest(unittest.TestCase):

    def test_definition_line_prefers_definitions(self):
        text = textwrap.dedent("""\
            int helper();
            int make_thing() {
              return helper();
            }
            class Box {
              void open();
            };
            void Box::open() {}
            """)
        self.assertEqual(build_book.definition_line(text, "make_thing"), 2)
        self.assertEqual(build_book.definition_line(text, "Box"), 5)
        self.assertEqual(build_book.definition_line(text, "Box::open"), 8)
        self.assertEqual(build_book.definition_line(text, "helper"), 1)
        self.assertEqual(build_book.definition_line(text, "absent"), 1)

    def test_source_pages_come_from_the_tag_file(self):
        with tempfile.TemporaryDirectory() as tmp:
            root = Path(tmp).resolve()
            tag = write(root, "kubepp.tag", f"""\
                <?xml version='1.0' encoding='UTF-8' standalone='yes' ?>
                <tagfile>
                  <compound kind="file">
                    <name>rootfs.cpp</name>
                    <path>{root}/runtime/</path>
                    <filename>rootfs_8cpp.html</filename>
                  </compound>
                  <compound kind="class"><name>kubepp::X</name><filename>classX.html</filename></compound>
                </tagfile>
                """)
            self.assertEqual(build_book.source_pages(tag, root), {"runtime/rootfs.cpp": "rootfs_8cpp_source.html"})


if __name__ == "__main__":
    unittest.main()

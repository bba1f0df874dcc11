"""pages.py — which Markdown files make the book, in reading order, and their labels.

The book's table of contents is derived from the tree, never kept by hand:
  the main page (book/mainpage.md), then for each chapters/NN-topic/ in order its
  English page (README.md), its Chinese page (README.zh.md) and its lab
  (labs/NN-topic/README.md); then the glossary, the conventions of a chapter and the
  trainer's guide in both languages.
A page's label (its Doxygen page name, so also its HTML file name) is fixed by its path.
"""
import re
from dataclasses import dataclass
from pathlib import Path

TITLE_RE = re.compile(r"^#\s+(.*?)\s*(\{#[\w-]+\})?\s*$")


@dataclass
class Page:
    source: str   # path relative to the repository root
    label: str    # Doxygen page label; the page is <label>.html
    kind: str     # main, chapter, lab, reference
    lang: str     # en or zh
    title: str = ""


def _title(path):
    for line in path.read_text(encoding="utf-8").splitlines():
        match = TITLE_RE.match(line)
        if match:
            return match.group(1)
    raise SystemExit(f"book: {path}: a page must start with a `# Title` line")


def book_pages(root):
    """The pages of the book in reading order."""
    root = Path(root)
    pages = [Page("book/mainpage.md", "index", "main", "en")]
    for chapter in sorted(root.glob("chapters/[0-9][0-9]-*/")):
        nn = chapter.name[:2]
        pages.append(Page(f"chapters/{chapter.name}/README.md", f"chapter-{nn}-en", "chapter", "en"))
        pages.append(Page(f"chapters/{chapter.name}/README.zh.md", f"chapter-{nn}-zh", "chapter", "zh"))
        for lab in sorted(root.glob(f"labs/{nn}-*/README.md")):
            pages.append(Page(lab.relative_to(root).as_posix(), f"lab-{nn}", "lab", "en"))
    pages += [
        Page("chapters/GLOSSARY.md", "glossary", "reference", "en"),
        Page("chapters/README.md", "conventions", "reference", "en"),
        Page("book/trainer-guide.md", "trainer-guide-en", "reference", "en"),
        Page("book/trainer-guide.zh.md", "trainer-guide-zh", "reference", "zh"),
    ]
    for page in pages:
        path = root / page.source
        if not path.is_file():
            raise SystemExit(f"book: {page.source} is missing (every chapter needs README.md and README.zh.md)")
        page.title = _title(path)
    return pages

#!/usr/bin/env python3
"""build_book.py — render the kubepp book: chapters + API reference, with Doxygen.

    book/tools/build_book.py --root ROOT --out OUT [--doxygen doxygen]

Steps, each of which fails the build with a message that names what broke:
  1. check every `path:Symbol` citation (tools/citecheck.py): a stale one fails the
     build, naming the chapter, the line and the citation;
  2. prepare the pages (book/tools/pages.py decides which, in what order) into OUT/src:
     give each its label, turn citations into links, links between pages into
     Doxygen references, `<!-- snippet: FILE NAME -->` into \\snippet and
     `<!-- diagram: FILE.dot CAPTION -->` into \\dotfile;
  3. run Doxygen (book/Doxyfile.in) with its warnings going to OUT/doxygen-warnings.log;
  4. fail on any warning not matched by a reviewed filter in book/doxygen-warnings.allow;
  5. point each citation link at the line of the symbol in Doxygen's source browser,
     using the tag file Doxygen wrote (so the file names are Doxygen's own).
The book is OUT/html/index.html; OUT/pages.json lists its pages for the browser check.
"""
import argparse
import json
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parents[1] / "tools"))
import citecheck  # noqa: E402
from pages import book_pages  # noqa: E402

CITE_SCHEME = "kubepp-cite:"
MD_LINK_RE = re.compile(r"\]\(([^)\s]+?)(#[\w-]+)?\)")
SNIPPET_RE = re.compile(r"^\s*<!--\s*snippet:\s*(\S+)\s+(\S+)\s*-->\s*$")
DIAGRAM_RE = re.compile(r"^\s*<!--\s*diagram:\s*(\S+\.dot)\s+(.*?)\s*-->\s*$")
HEADING_RE = re.compile(r"^(#\s+.*?)\s*(\{#[\w-]+\})?\s*$")
STRONG_RE = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*")
# *x*, but not a list item's "* " nor a lone star: the star touches the text on both sides.
EMPHASIS_RE = re.compile(r"(?<![*A-Za-z0-9_])\*(?=[^\s*])([^*]+?)(?<=[^\s*])\*(?![*A-Za-z0-9_])")


def fail(message):
    print(f"book: {message}", file=sys.stderr)
    sys.exit(1)


# ---- 1. citations --------------------------------------------------------------------

def check_citations(root, pages):
    total, broken = citecheck.check(root, [root / page.source for page in pages])
    if broken:
        fail(f"{broken} of {total} citations are broken (listed above): the book would lie about the code")


# ---- 2. pages ------------------------------------------------------------------------

def rewrite_link(target, anchor, page_dir, root, labels):
    """The new target of a Markdown link in a page, or None to leave it alone."""
    if re.match(r"^[a-z]+:", target) or target.startswith("@ref"):
        return None  # http:, mailto:, already a reference
    path = (page_dir / target).resolve()
    try:
        relative = path.relative_to(root).as_posix()
    except ValueError:
        return None
    if relative in labels:
        return f"@ref {labels[relative]}"
    if path.suffix in citecheck.CPP_SUFFIXES and path.is_file():
        return f"{CITE_SCHEME}{relative}"
    return path.as_uri() + (anchor or "")  # any other file of the repository


def prepare_page(page, root, labels):
    page_dir = (root / page.source).parent
    out, fence, titled = [], None, False
    for line in (root / page.source).read_text(encoding="utf-8").splitlines():
        match = citecheck.FENCE_RE.match(line)
        if fence is None and match:
            fence = match.group(1)
        elif fence is not None:
            if match and line.strip() == match.group(1) and match.group(1)[0] == fence[0]:
                fence = None
        else:
            line = prepare_line(line, page, page_dir, root, labels, titled)
            titled = titled or line.startswith("# ")
        out.append(line)
    return "\n".join(out) + "\n"


def prepare_line(line, page, page_dir, root, labels, titled):
    if not titled and line.startswith("# ") and page.kind != "main":
        return HEADING_RE.match(line).group(1) + " {#" + page.label + "}"
    if m := SNIPPET_RE.match(line):
        return f"\\snippet{{lineno}} {m.group(1)} {m.group(2)}"
    if m := DIAGRAM_RE.match(line):
        return f'\\dotfile {m.group(1)} "{m.group(2)}"'

    def link(m):
        new = rewrite_link(m.group(1), m.group(2), page_dir, root, labels)
        return m.group(0) if new is None else f"]({new})"

    def cite(span):
        content = span.group(2).strip()
        in_link_text = span.string[span.start() - 1:span.start()] == "[" and \
            span.string[span.end():span.end() + 2] == "]("
        if in_link_text or not citecheck.CITATION_RE.match(content):
            return span.group(0)
        return f"[`{content}`]({CITE_SCHEME}{content})"

    line = MD_LINK_RE.sub(link, line)
    line = citecheck.CODE_SPAN_RE.sub(cite, line)
    return strong_outside_code(line)


def strong_outside_code(line):
    """**bold** and *italic* as <b> and <em>: Doxygen's Markdown misses emphasis that
    touches Chinese text or punctuation (**一个普通进程**，) or starts with a code span
    (**`kubepp run` …**). Code spans are set aside first and put back unchanged."""
    spans = []

    def keep(span):
        spans.append(span.group(0))
        return f"\x00{len(spans) - 1}\x00"

    text = citecheck.CODE_SPAN_RE.sub(keep, line)
    text = STRONG_RE.sub(r"<b>\1</b>", text)
    text = EMPHASIS_RE.sub(r"<em>\1</em>", text)
    return re.sub("\x00(\\d+)\x00", lambda m: spans[int(m.group(1))], text)


def contents(pages):
    """The book's contents page: its \\subpage list puts the pages in reading order in
    the navigation tree (Doxygen 1.9.4 shows no subpages under a Markdown main page)."""
    lines = ["# Contents {#contents}", "",
             "The chapters in reading order, each in English and in Chinese, with its lab;",
             "then the reference pages.", ""]
    for page in pages[1:]:
        lines.append(f"- \\subpage {page.label}")
    return "\n".join(lines) + "\n"


def prepare(root, src, pages):
    src.mkdir(parents=True, exist_ok=True)
    for old in src.glob("*.md"):
        old.unlink()
    labels = {page.source: page.label for page in pages}
    for page in pages:
        (src / f"{page.label}.md").write_text(prepare_page(page, root, labels), encoding="utf-8")
    (src / "contents.md").write_text(contents(pages), encoding="utf-8")


# ---- 3. Doxygen ----------------------------------------------------------------------

def run_doxygen(doxygen, root, out, src):
    template = (root / "book" / "Doxyfile.in").read_text(encoding="utf-8")
    config = (template.replace("@ROOT@", str(root)).replace("@OUT@", str(out))
              .replace("@SRC@", str(src)))
    (out / "Doxyfile").write_text(config, encoding="utf-8")
    proc = subprocess.run([doxygen, str(out / "Doxyfile")], cwd=out, capture_output=True, text=True)
    if proc.returncode != 0:
        fail(f"doxygen failed:\n{proc.stdout}{proc.stderr}")


# ---- 4. warnings ---------------------------------------------------------------------

def allowed_patterns(root):
    """The reviewed filters: one regular expression per line; # starts a comment."""
    patterns = []
    for line in (root / "book" / "doxygen-warnings.allow").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            patterns.append(re.compile(line.strip()))
    return patterns


def unexpected_warnings(log_text, patterns):
    lines = [line for line in log_text.splitlines() if line.strip()]
    return [line for line in lines if not any(p.search(line) for p in patterns)]


def check_warnings(root, out, pages):
    log = out / "doxygen-warnings.log"
    text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
    # A prepared page keeps its source's lines: name the file the author edits.
    for page in pages:
        text = text.replace(f"{out / 'src' / page.label}.md:", f"{root / page.source}:")
    unexpected = unexpected_warnings(text, allowed_patterns(root))
    if unexpected:
        for line in unexpected:
            print(line, file=sys.stderr)
        fail(f"{len(unexpected)} Doxygen warnings (above) match no filter in book/doxygen-warnings.allow")


# ---- 5. citation links ---------------------------------------------------------------

def source_pages(tagfile, root):
    """Repository path of each file Doxygen documented → its source-browser page."""
    pages = {}
    for compound in ET.parse(tagfile).getroot().iter("compound"):
        if compound.get("kind") != "file":
            continue
        path = Path(compound.findtext("path", "")) / compound.findtext("name", "")
        try:
            relative = path.resolve().relative_to(root).as_posix()
        except ValueError:
            continue
        filename = compound.findtext("filename", "")
        if not filename.endswith(".html"):
            filename += ".html"
        pages[relative] = filename[: -len(".html")] + "_source.html"
    return pages


def definition_line(text, symbol):
    """The line where `symbol` (f, Class, Class::f) is defined, best effort; 1 if unknown."""
    parts = symbol.split("::")
    name = re.escape(parts[-1])
    candidates = [
        rf"(?:class|struct|enum class|enum|namespace)\s+{name}\b(?!\s*;)",  # a type
        rf"\b{re.escape('::'.join(parts[-2:]))}\s*\(" if len(parts) > 1 else None,  # A::f(
        rf"^\S.*\b{name}\s*\([^;]*$",  # a definition at column 0, not a declaration
        rf"\b{name}\b",
    ]
    lines = text.splitlines()
    for pattern in filter(None, candidates):
        regex = re.compile(pattern)
        for number, line in enumerate(lines, start=1):
            if regex.search(line):
                return number
    return 1


def link_citations(root, out):
    pages = source_pages(out / "kubepp.tag", root)
    cache = {}
    cite_re = re.compile(r'href="' + re.escape(CITE_SCHEME) + r'([^"]+)"')

    def target(m):
        citation = m.group(1)
        path, _, symbol = citation.partition(":")
        if path not in pages:
            fail(f"cited file {path} is not in the book's source browser (book/Doxyfile.in INPUT)")
        if not symbol:
            return f'href="{pages[path]}"'
        if path not in cache:
            cache[path] = (root / path).read_text(encoding="utf-8", errors="replace")
        return f'href="{pages[path]}#l{definition_line(cache[path], symbol):05d}"'

    linked = 0
    for html in (out / "html").glob("*.html"):
        text = html.read_text(encoding="utf-8")
        if CITE_SCHEME in text:
            new, n = cite_re.subn(target, text)
            html.write_text(new, encoding="utf-8")
            linked += n
    return linked


# ---- the driver ----------------------------------------------------------------------

def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", default=str(HERE.parents[1]))
    parser.add_argument("--out", required=True)
    parser.add_argument("--doxygen", default="doxygen")
    args = parser.parse_args(argv)
    root, out = Path(args.root).resolve(), Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)

    pages = book_pages(root)
    check_citations(root, pages)
    prepare(root, out / "src", pages)
    run_doxygen(args.doxygen, root, out, out / "src")
    check_warnings(root, out, pages)
    linked = link_citations(root, out)
    (out / "pages.json").write_text(json.dumps([vars(p) for p in pages], ensure_ascii=False, indent=1),
                                    encoding="utf-8")
    html_pages = len(list((out / "html").glob("*.html")))
    print(f"book: {len(pages)} pages of prose, {linked} citation links, {html_pages} HTML pages "
          f"in {out / 'html' / 'index.html'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

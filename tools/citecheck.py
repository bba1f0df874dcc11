#!/usr/bin/env python3
"""citecheck — check that the code the book cites still exists.

Chapters cite code by name, never by line number, as an inline code span
`path:Symbol`, for example

    `runtime/rootfs.cpp:setup_rootfs`
    `runtime/container.cpp:Container::start`
    `cluster/store/watchable_store.cpp:WatchableStore::notify`

A citation resolves when the file exists (relative to the repository root) and
  * the symbol's last component occurs in it as a whole identifier, and
  * for a qualified C++ symbol A::B::f, the text `B::f` occurs in it, or B is
    declared there (`class B`, `struct B` or `namespace B`, also `namespace A::B`).
For files that are not C++ (.py, .sh, .cmake, CMakeLists.txt, ...) only the first
check applies. Fenced code blocks are not read.

Usage:
    tools/citecheck.py [--root DIR] [FILES...]

Without FILES it reads chapters/**/*.md, labs/*/README*.md, solutions/*/SOLUTION*.md,
book/**/*.md and README.md. Each broken citation is printed as
    FILE:LINE: broken citation `path:Symbol`: <reason>
Exit status: 1 if any citation is broken, 2 on a usage error, else 0.
"""

import argparse
import re
import sys
from pathlib import Path

DEFAULT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_PATTERNS = ("chapters/**/*.md", "labs/*/README*.md", "solutions/*/SOLUTION*.md",
                    "book/**/*.md", "README.md")
CPP_SUFFIXES = {".h", ".hh", ".hpp", ".hxx", ".c", ".cc", ".cpp", ".cxx", ".ipp", ".inl"}

CITATION_RE = re.compile(
    r"^[A-Za-z0-9_./-]+/[A-Za-z0-9_.-]+\.[A-Za-z0-9]+:[A-Za-z_~][A-Za-z0-9_:~]*$")
CODE_SPAN_RE = re.compile(r"(?<!`)(`+)(?!`)(.+?)(?<!`)\1(?!`)")
FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})")


def citations_in(text):
    """[(line number, citation)] for every citation outside fenced code blocks."""
    found = []
    fence = None   # the fence that opened the current code block
    for number, line in enumerate(text.splitlines(), start=1):
        match = FENCE_RE.match(line)
        if fence is None and match:
            fence = match.group(1)
            continue
        if fence is not None:
            if match and match.group(1)[0] == fence[0] and len(match.group(1)) >= len(fence) \
                    and line.strip() == match.group(1):
                fence = None
            continue
        for span in CODE_SPAN_RE.finditer(line):
            content = span.group(2).strip()
            if CITATION_RE.match(content):
                found.append((number, content))
    return found


def has_identifier(text, name):
    """True when name occurs in text not glued to other identifier characters."""
    pattern = r"(?<![A-Za-z0-9_])" + re.escape(name) + r"(?![A-Za-z0-9_])"
    return re.search(pattern, text) is not None


def declares_scope(text, scope):
    """True when text declares `class scope`, `struct scope` or `namespace [a::]scope`."""
    pattern = (r"\b(?:class|struct|namespace)\s+(?:[A-Za-z_]\w*::)*" + re.escape(scope)
               + r"(?![A-Za-z0-9_])")
    return re.search(pattern, text) is not None


def is_cpp(path):
    return path.suffix in CPP_SUFFIXES


def why_broken(root, citation, cache):
    """None when the citation resolves, else the reason it does not."""
    path_text, symbol = citation.split(":", 1)
    path = root / path_text
    if not path.is_file():
        return "no such file"
    if path_text not in cache:
        cache[path_text] = path.read_text(encoding="utf-8", errors="replace")
    text = cache[path_text]
    parts = symbol.split("::")
    if any(part == "" or ":" in part for part in parts):
        return f"malformed symbol {symbol}"
    if not has_identifier(text, parts[-1]):
        return f"no symbol {symbol} in {path_text}"
    if len(parts) == 1 or not is_cpp(path):
        return None
    scope = parts[-2]
    if has_identifier(text, f"{scope}::{parts[-1]}") or declares_scope(text, scope):
        return None
    return f"no symbol {symbol} in {path_text}"


def default_files(root):
    found = set()
    for pattern in DEFAULT_PATTERNS:
        found.update(path for path in root.glob(pattern) if path.is_file())
    return sorted(found)


def shown(path, root):
    """A path as the reader should see it: relative to the root when inside it."""
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return str(path)


def check(root, files):
    """Print every broken citation; returns (citations, broken)."""
    cache, total, broken = {}, 0, 0
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        for number, citation in citations_in(text):
            total += 1
            reason = why_broken(root, citation, cache)
            if reason:
                broken += 1
                print(f"{shown(path, root)}:{number}: broken citation `{citation}`: {reason}")
    return total, broken


def main(argv=None):
    parser = argparse.ArgumentParser(prog="citecheck.py",
                                     description="Check the book's `path:Symbol` citations.")
    parser.add_argument("--root", default=str(DEFAULT_ROOT),
                        help="the repository root (default: %(default)s)")
    parser.add_argument("files", nargs="*", metavar="FILES", help="Markdown files to read")
    args = parser.parse_args(argv)
    root = Path(args.root).resolve()
    if args.files:
        files = [Path(name) for name in args.files]
        missing = [str(path) for path in files if not path.is_file()]
        if missing:
            print(f"citecheck: no such file: {', '.join(missing)}", file=sys.stderr)
            return 2
    else:
        files = default_files(root)
    total, broken = check(root, files)
    if broken:
        print(f"{broken} of {total} citations are broken")
        return 1
    print(f"{total} citations in {len(files)} files resolve")
    return 0


if __name__ == "__main__":
    sys.exit(main())

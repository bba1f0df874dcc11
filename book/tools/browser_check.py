#!/usr/bin/env python3
"""browser_check.py — open the built book in a real browser and follow its chapter links.

    book/tools/browser_check.py --book build/book [--chromium chromium]

Headless Chromium (Debian's `chromium`) loads the main page with its scripts, and the
check follows every link to a chapter or lab page listed in build/book/pages.json,
loads that page too and finds the chapter's title on it. A screenshot of the main
page is kept as the test's artifact: build/book/screenshots/index.png.

Chromium is started so that it opens nothing beyond the local files: no background
networking, no component updates, no sync, no QUIC, a fresh profile each time.
Exit status 0 when every chapter opened with its title, 1 otherwise.
"""
import argparse
import html.parser
import json
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync",
                  "--virtual-time-budget=3000"]


class PageReader(html.parser.HTMLParser):
    """The links of a page and the text of Doxygen's page title (<div class="title">)."""

    def __init__(self):
        super().__init__()
        self.links, self.title, self._in_title = [], "", 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        if tag == "div" and attrs.get("class") == "title":
            self._in_title = 1
        elif self._in_title and tag == "div":
            self._in_title += 1

    def handle_endtag(self, tag):
        if self._in_title and tag == "div":
            self._in_title -= 1

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def chromium(binary, args):
    with tempfile.TemporaryDirectory(prefix="kubepp-chromium-") as profile:
        proc = subprocess.run([binary, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
                              capture_output=True, text=True, timeout=120)
    if proc.returncode != 0:
        raise SystemExit(f"chromium failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return proc.stdout


def load(binary, url):
    reader = PageReader()
    reader.feed(chromium(binary, ["--dump-dom", url]))
    return reader


def plain(text):
    return " ".join(text.replace("`", "").split())


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--book", required=True, help="the book's build directory (build/book)")
    parser.add_argument("--chromium", default="chromium")
    args = parser.parse_args(argv)
    book = Path(args.book).resolve()
    binary = shutil.which(args.chromium) or args.chromium
    if not Path(binary).exists():
        print(f"browser check: {args.chromium} not found (Debian package chromium; run scripts/setup)")
        return 1
    pages = json.loads((book / "pages.json").read_text(encoding="utf-8"))
    chapters = {f"{p['label']}.html": p for p in pages if p["kind"] in ("chapter", "lab")}

    index = (book / "html" / "index.html").as_uri()
    main_page = load(binary, index)
    followed, failures = set(), []
    for href in main_page.links:
        name = href.split("#")[0]
        if name not in chapters or name in followed:
            continue
        followed.add(name)
        page = chapters[name]
        seen = plain(load(binary, (book / "html" / name).as_uri()).title)
        ok = plain(page["title"]) in seen
        print(f"{'ok  ' if ok else 'FAIL'} {name}: {seen!r}")
        if not ok:
            failures.append(f"{name}: title {seen!r}, expected {page['title']!r}")
    for name in sorted(set(chapters) - followed):
        failures.append(f"{name} ({chapters[name]['source']}) is not linked from the main page")

    shots = book / "screenshots"
    shots.mkdir(exist_ok=True)
    chromium(binary, ["--window-size=1280,1600", f"--screenshot={shots / 'index.png'}", index])
    print(f"screenshot of the main page: {shots / 'index.png'}")
    for failure in failures:
        print(f"FAIL {failure}")
    print(f"{len(followed)} chapter pages opened from the main page, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

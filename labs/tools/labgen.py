#!/usr/bin/env python3
"""labgen — make the labs' starter files from the reference sources.

The reference code under runtime/ and cluster/ marks each lab's work around WHOLE
functions:

    //> lab01 namespace_flags
    int namespace_flags(const NamespaceOptions& options) {
      ...
    }
    //< lab01

A lab's "starter" form of a file keeps everything but the bodies of that lab's
functions, which become a TODO that compiles:

    //> lab01 namespace_flags
    int namespace_flags(const NamespaceOptions& options) {
      // TODO(lab01): write namespace_flags — the task is in labs/01-containers/README.md
      (void)options;
      kubepp::lab_todo("lab01", "namespace_flags");
    }
    //< lab01

Usage (ROOT defaults to the repository holding this script):

    labs/tools/labgen.py [--root ROOT] labs
        one line per lab: "NN<TAB>labs/NN-topic"
    labs/tools/labgen.py [--root ROOT] files NN
        the reference files holding regions of lab NN (CMake calls this)
    labs/tools/labgen.py [--root ROOT] stub --lab NN|all INPUT [-o OUTPUT]
        the starter form of one file, on stdout or in OUTPUT
    labs/tools/labgen.py [--root ROOT] sync [--check]
        write labs/NN-topic/<file> (starters) and solutions/NN-topic/<file> (symlinks to
        the reference) for every lab; --check only reports what is out of date

Errors read "labgen: FILE:LINE: what is wrong" and exit with status 2.
The module is also imported by labs/grade and labs/export.
"""

import argparse
import difflib
import os
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_ROOT = Path(__file__).resolve().parents[2]
SOURCE_DIRS = ("runtime", "cluster")        # where the reference code lives
SOURCE_SUFFIXES = (".cpp", ".h")
GENERATED_DIRS = ("runtime", "cluster")     # what sync owns inside labs/NN-*/, solutions/NN-*/
HAND_WRITTEN = ("README.md", "grade.txt", "SOLUTION.md")  # never removed by sync
TODO_INCLUDE = '#include "runtime/base/todo.h"'

LAB_DIR_RE = re.compile(r"^(\d\d)-(.+)$")
OPEN_RE = re.compile(r"^\s*//>\s*lab(\d\d)\s+([A-Za-z_]\w*)\s*$")
CLOSE_RE = re.compile(r"^\s*//<\s*lab(\d\d)\s*$")
MARKER_LIKE_RE = re.compile(r"^\s*//[<>]\s*lab")
TODO_INCLUDE_RE = re.compile(r'^\s*#\s*include\s*"runtime/base/todo\.h"')
IDENTIFIER_RE = re.compile(r"[A-Za-z_]\w*")


class LabError(Exception):
    """A problem in the sources or on the command line; printed as 'labgen: FILE:LINE: what'."""

    def __init__(self, message, file=None, line=None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line

    def __str__(self):
        if self.file is None:
            return self.message
        if self.line is None:
            return f"{self.file}: {self.message}"
        return f"{self.file}:{self.line}: {self.message}"


# --------------------------------------------------------------------------- labs


@dataclass
class Lab:
    number: str    # "01"
    dirname: str   # "01-containers"

    @property
    def topic(self):
        return LAB_DIR_RE.match(self.dirname).group(2)

    @property
    def path(self):
        """The lab's directory relative to the root: "labs/01-containers"."""
        return f"labs/{self.dirname}"

    @property
    def solution_path(self):
        return f"solutions/{self.dirname}"


def find_labs(root):
    """{"01": Lab(...)} for every directory labs/NN-topic/ under root."""
    labs = {}
    labs_dir = Path(root) / "labs"
    if not labs_dir.is_dir():
        return labs
    for entry in sorted(labs_dir.iterdir()):
        match = LAB_DIR_RE.match(entry.name)
        if not match or not entry.is_dir():
            continue
        number = match.group(1)
        if number in labs:
            raise LabError(f"two directories for lab {number}: labs/{labs[number].dirname} "
                           f"and labs/{entry.name}")
        labs[number] = Lab(number, entry.name)
    return labs


def lab_number(text):
    """"1", "01" -> "01"; anything else is an error."""
    if not re.fullmatch(r"\d{1,2}", text):
        raise LabError(f"a lab is a number like 01, not `{text}`")
    return f"{int(text):02d}"


def require_lab(labs, number):
    if number not in labs:
        raise LabError(f"there is no lab {number} (no directory labs/{number}-*/)")
    return labs[number]


# ------------------------------------------------------------------ C++ scanning


def blank(text):
    """The same text with every character but newlines turned into a space."""
    return re.sub(r"[^\n]", " ", text)


def is_identifier_char(ch):
    return ch.isalnum() or ch == "_"


def word_before(text, i):
    """The identifier characters right before position i (a literal's prefix like u8)."""
    start = i
    while start > 0 and is_identifier_char(text[start - 1]):
        start -= 1
    return text[start:i]


def is_digit_separator(text, i):
    """True when the quote at i is inside a number, as in 1'000'000."""
    start = i
    while start > 0 and (is_identifier_char(text[start - 1]) or text[start - 1] in ".'"):
        start -= 1
    return start < i and text[start].isdigit()


def mask_cpp(text):
    """The text with comments and the insides of string and character literals blanked.

    Every newline and column stays where it was, so positions found in the masked text
    are positions in the original. Braces and commas left in the result are code.
    """
    out = []
    i, n = 0, len(text)
    while i < n:
        ch, nxt = text[i], text[i + 1:i + 2]
        if ch == "/" and nxt == "/":
            end = text.find("\n", i)
            end = n if end == -1 else end
            out.append(blank(text[i:end]))
        elif ch == "/" and nxt == "*":
            end = text.find("*/", i + 2)
            end = n if end == -1 else end + 2
            out.append(blank(text[i:end]))
        elif ch == "R" and nxt == '"' and word_before(text, i) in ("", "u8", "u", "U", "L"):
            end = raw_string_end(text, i)
            out.append('R"' + blank(text[i + 2:end - 1]) + text[end - 1:end])
        elif ch in "\"'" and not (ch == "'" and is_digit_separator(text, i)):
            end = quoted_end(text, i)
            out.append(ch + blank(text[i + 1:end - 1]) + text[end - 1:end])
        else:
            end = i + 1
            out.append(ch)
        i = max(end, i + 1)
    return "".join(out)


def raw_string_end(text, i):
    """The position just after the raw string literal R"delim(...)delim" starting at i."""
    match = re.compile(r'R"([^()\\\s]{0,16})\(').match(text, i)
    if not match:
        return i + 2
    close = text.find(")" + match.group(1) + '"', match.end())
    return len(text) if close == -1 else close + len(match.group(1)) + 2


def quoted_end(text, i):
    """The position just after the "..." or '...' literal starting at i (a line at most)."""
    quote, j = text[i], i + 1
    while j < len(text) and text[j] not in (quote, "\n"):
        j += 2 if text[j] == "\\" else 1
    return min(j + 1, len(text))


# ------------------------------------------------------------------- regions


@dataclass
class Region:
    lab: str             # "01"
    name: str            # what the region is called: "namespace_flags"
    open_line: int       # 0-based index of the `//> labNN NAME` line
    close_line: int      # 0-based index of the `//< labNN` line
    sig_line: int        # first line of the function's signature
    body_line: int       # line and column of the `{` that opens the body
    body_col: int
    params: list = field(default_factory=list)   # [(name, is_pack)]


CLOSERS = {"(": ")", "[": "]", "{": "}"}


def find_regions(text, relpath):
    """Every lab region of a file, checked; LabError names the first problem found."""
    lines = text.split("\n")
    masked = mask_cpp(text).split("\n")
    regions = []
    current = None   # (lab, name, line index) of the region being read
    for i, line in enumerate(lines):
        opening, closing = OPEN_RE.match(line), CLOSE_RE.match(line)
        if not opening and not closing:
            if MARKER_LIKE_RE.match(line):
                raise LabError("malformed lab marker: write `//> labNN NAME` or `//< labNN`",
                               relpath, i + 1)
            continue
        if opening:
            if current:
                raise LabError(f"lab{opening.group(1)} region opens inside the region "
                               f"lab{current[0]} `{current[1]}` (line {current[2] + 1}); "
                               "regions do not nest", relpath, i + 1)
            current = (opening.group(1), opening.group(2), i)
            continue
        if not current:
            raise LabError(f"`//< lab{closing.group(1)}` closes no region", relpath, i + 1)
        if closing.group(1) != current[0]:
            raise LabError(f"`//< lab{closing.group(1)}` closes the region lab{current[0]} "
                           f"`{current[1]}` (line {current[2] + 1}); write `//< lab{current[0]}`",
                           relpath, i + 1)
        regions.append(read_region(lines, masked, relpath, current, i))
        current = None
    if current:
        raise LabError(f"region lab{current[0]} `{current[1]}` is never closed "
                       f"(no `//< lab{current[0]}` after it)", relpath, current[2] + 1)
    return regions


def read_region(lines, masked, relpath, opened, close_line):
    """Check that the region holds one function definition and note where its body is."""
    lab, name, open_line = opened
    what = f"region lab{lab} `{name}`"
    sig_line = open_line + 1
    while sig_line < close_line and masked[sig_line].strip() == "":
        sig_line += 1   # comment and blank lines before the function
    if sig_line == close_line:
        raise LabError(f"{what} holds no function", relpath, open_line + 1)
    body, end, after = scan_function(masked, sig_line, close_line, relpath, what)
    signature = "\n".join(masked[sig_line:body[0]] + [masked[body[0]][:body[1]]])
    params = parameter_names(find_parameter_list(signature, relpath, sig_line + 1, what))
    if after is not None:
        raise LabError(f"{what} must hold exactly one function; more code follows it",
                       relpath, after[0] + 1)
    check_only_blank_after(lines, end, close_line, relpath, what)
    return Region(lab, name, open_line, close_line, sig_line, body[0], body[1], params)


def scan_function(masked, first, stop, relpath, what):
    """Find the function that starts on line `first`, reading no further than line `stop`.

    Returns the (line, column) of the `{` opening its body, of the `}` closing it, and of
    the first code after it (None if there is none before `stop`). The body is the last
    top-level {...} group: groups followed by `,` or `{` belong to a constructor's
    initializer list (`: a_{x}, b_{y} {`) or a requires-clause.
    """
    chars = [(line, col, ch) for line in range(first, stop)
             for col, ch in enumerate(masked[line]) if not ch.isspace()]
    open_brackets = []
    group_start = None
    for k, (line, col, ch) in enumerate(chars):
        if ch in CLOSERS:
            if not open_brackets and ch == "{":
                group_start = (line, col)
            open_brackets.append(ch)
        elif ch in CLOSERS.values():
            if not open_brackets or CLOSERS[open_brackets.pop()] != ch:
                raise LabError(f"unbalanced `{ch}` in {what}", relpath, line + 1)
            following = chars[k + 1] if k + 1 < len(chars) else None
            if ch == "}" and not open_brackets and (following is None or following[2] not in ",{"):
                return group_start, (line, col), following
        elif ch == ";" and not open_brackets:
            raise LabError(f"{what} must hold a function definition, found a declaration "
                           "or statement", relpath, line + 1)
    raise LabError(f"the function of {what} does not end before `//< lab`", relpath, first + 1)


def check_only_blank_after(lines, end, close_line, relpath, what):
    """After the function's closing brace only blank lines may come before the close marker."""
    end_line, end_col = end
    if lines[end_line][end_col + 1:].strip():
        raise LabError(f"nothing may follow the closing brace of {what} on its line",
                       relpath, end_line + 1)
    for i in range(end_line + 1, close_line):
        if lines[i].strip():
            raise LabError(f"only blank lines may follow the function of {what}",
                           relpath, i + 1)


# ---------------------------------------------------------------- parameters

NOT_FUNCTION_NAMES = {"decltype", "alignas", "noexcept", "__attribute__", "__declspec",
                      "requires", "sizeof", "alignof", "throw", "operator"}
TYPE_WORDS = {"int", "char", "short", "long", "signed", "unsigned", "float", "double",
              "bool", "void", "auto", "wchar_t", "char8_t", "char16_t", "char32_t"}
QUALIFIERS = {"const", "volatile", "struct", "class", "enum", "union", "typename", "register"}
OPENERS = {"(": ")", "[": "]", "{": "}", "<": ">"}


def names_a_function(prefix):
    """True when the text before a `(` ends with a function's name."""
    prefix = prefix.rstrip()
    if re.search(r"\boperator\s*\(\s*\)$", prefix):              # operator()(...)
        return True
    if re.search(r"\boperator\s*[^\w\s()]+$", prefix):           # operator==, operator[]
        return True
    if re.search(r"[A-Za-z_]\w*\s*<[^;{}]*>$", prefix):          # f<int>(...)
        return True
    word = re.search(r"[A-Za-z_]\w*$", prefix)
    return word is not None and word.group(0) not in NOT_FUNCTION_NAMES


def find_parameter_list(signature, relpath, line, what):
    """The text between the parentheses of the function's parameter list."""
    depth = 0
    for i, ch in enumerate(signature):
        if ch in "([{":
            if depth == 0 and ch == "(" and names_a_function(signature[:i]):
                return signature[i + 1:matching_close(signature, i)]
            depth += 1
        elif ch in ")]}":
            depth -= 1
    raise LabError(f"{what} must hold a function definition: no parameter list found",
                   relpath, line)


def matching_close(text, i):
    """The index of the bracket closing the one at i (brackets (), [], {})."""
    depth = 0
    for j in range(i, len(text)):
        if text[j] in "([{":
            depth += 1
        elif text[j] in ")]}":
            depth -= 1
            if depth == 0:
                return j
    return len(text)


def split_top_level(text, separator=","):
    """Split on the separators that are not inside (), [], {} or <>."""
    parts, depth, start = [], 0, 0
    for i, ch in enumerate(text):
        if ch in OPENERS:
            depth += 1
        elif ch in OPENERS.values():
            depth = max(depth - 1, 0)
        elif ch == separator and depth == 0:
            parts.append(text[start:i])
            start = i + 1
    parts.append(text[start:])
    return parts


def strip_default(param):
    """`int timeout = 30` -> `int timeout`."""
    depth = 0
    for i, ch in enumerate(param):
        if ch in OPENERS:
            depth += 1
        elif ch in OPENERS.values():
            depth = max(depth - 1, 0)
        elif ch == "=" and depth == 0 and param[i - 1:i] not in ("=", "!", "<", ">") \
                and param[i + 1:i + 2] != "=":
            return param[:i]
    return param


def tokenize(param):
    """Identifiers, `::`, `...`, `&&`, single characters, and bracket groups as one token."""
    tokens, i = [], 0
    while i < len(param):
        ch = param[i]
        if ch.isspace():
            i += 1
        elif ch in OPENERS:
            end = group_end(param, i)
            tokens.append(param[i:end])
            i = end
        else:
            match = re.compile(r"[A-Za-z_]\w*|::|\.\.\.|&&|.").match(param, i)
            tokens.append(match.group(0))
            i = match.end()
    return tokens


def group_end(text, i):
    """The index just after the bracket group that opens at i (all four bracket kinds)."""
    depth = 0
    for j in range(i, len(text)):
        if text[j] in OPENERS:
            depth += 1
        elif text[j] in OPENERS.values():
            depth -= 1
            if depth == 0:
                return j + 1
    return len(text)


def parameter_name(param):
    """(name, is_pack) for one parameter declaration, or None when it names nothing."""
    tokens = tokenize(strip_default(param))
    for token in tokens:   # void (*callback)(int), int (&values)[3]
        pointer = re.fullmatch(r"\(\s*(?:[\w:]+::)?[*&]+\s*(\.\.\.)?\s*([A-Za-z_]\w*)\s*\)", token)
        if pointer:
            return pointer.group(2), pointer.group(1) is not None
    while tokens and tokens[0].startswith("["):    # [[maybe_unused]]
        tokens.pop(0)
    while tokens and tokens[-1].startswith("["):   # array bounds: int values[3]
        tokens.pop()
    if len(tokens) < 2:
        return None
    name, before = tokens[-1], tokens[:-1]
    if not IDENTIFIER_RE.fullmatch(name) or name in TYPE_WORDS or name in QUALIFIERS:
        return None
    if before[-1] == "::" or all(token in QUALIFIERS for token in before):
        return None   # std::string, const Foo: a type without a name
    return name, "..." in before


def parameter_names(param_list):
    """The named parameters of a parameter list, in order: [(name, is_pack)]."""
    names = []
    for param in split_top_level(param_list):
        found = parameter_name(param)
        if found:
            names.append(found)
    return names


# ------------------------------------------------------------------ stubbing


def check_lab_directories(regions, labs, relpath):
    for region in regions:
        if region.lab not in labs:
            raise LabError(f"region lab{region.lab} `{region.name}`: lab {region.lab} has no "
                           f"directory labs/{region.lab}-*/", relpath, region.open_line + 1)


def stub_region(lines, region, lab):
    """The starter lines of one region: markers, signature and a TODO body."""
    indent = re.match(r"\s*", lines[region.sig_line]).group(0)
    inner = indent + "  "
    out = [lines[region.open_line]]
    out += lines[region.sig_line:region.body_line]
    out.append(lines[region.body_line][:region.body_col + 1])
    out.append(f"{inner}// TODO(lab{region.lab}): write {region.name} — "
               f"the task is in {lab.path}/README.md")
    for name, is_pack in region.params:
        out.append(f"{inner}((void){name}, ...);" if is_pack else f"{inner}(void){name};")
    out.append(f'{inner}kubepp::lab_todo("lab{region.lab}", "{region.name}");')
    out.append(f"{indent}}}")
    out.append(lines[region.close_line])
    return out


def include_position(lines):
    """The index where `#include "runtime/base/todo.h"` goes.

    Right after the last #include at the top of the file (before its first line of
    code); with no #include there, after the last top-of-file preprocessor line
    (`#pragma once`); with none of those either, at the very top.
    """
    masked = mask_cpp("\n".join(lines)).split("\n")
    last_include = last_directive = None
    for i, line in enumerate(masked):
        stripped = line.strip()
        if stripped == "":
            continue
        if not stripped.startswith("#"):
            break
        last_directive = i
        if re.match(r"#\s*include\b", stripped):
            last_include = i
    if last_include is not None:
        return last_include + 1
    return 0 if last_directive is None else last_directive + 1


def add_todo_include(lines):
    if any(TODO_INCLUDE_RE.match(line) for line in lines):
        return lines
    index = include_position(lines)
    added = [TODO_INCLUDE]
    if index < len(lines) and lines[index].strip() and not lines[index].lstrip().startswith("#"):
        added.append("")   # keep a blank line between the includes and what follows
    return lines[:index] + added + lines[index:]


def starter_text(text, relpath, selector, labs):
    """The starter form of a file: regions of lab `selector` ("01", or "all") stubbed."""
    regions = find_regions(text, relpath)
    check_lab_directories(regions, labs, relpath)
    lines = text.split("\n")
    out, next_line, stubbed = [], 0, False
    for region in regions:
        if selector != "all" and region.lab != selector:
            continue
        out += lines[next_line:region.open_line]
        out += stub_region(lines, region, labs[region.lab])
        next_line = region.close_line + 1
        stubbed = True
    out += lines[next_line:]
    if stubbed:
        out = add_todo_include(out)
    if selector == "all":
        header = f"// Student edition, generated from {relpath} by labs/tools/labgen.py."
    else:
        header = (f"// Lab {selector} starter, generated from {relpath} by "
                  "labs/tools/labgen.py — write the TODOs below.")
    return "\n".join([header] + out)


def read_text(path, relpath=None):
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as err:
        raise LabError(f"cannot read: {err.strerror}", relpath or str(path))


def reference_regions(root, labs):
    """{relpath: [Region]} for every reference file under runtime/ and cluster/ with regions."""
    found = {}
    for top in SOURCE_DIRS:
        for dirpath, dirnames, filenames in os.walk(Path(root) / top):
            dirnames.sort()
            for filename in sorted(filenames):
                if not filename.endswith(SOURCE_SUFFIXES):
                    continue
                path = Path(dirpath) / filename
                relpath = path.relative_to(root).as_posix()
                text = read_text(path, relpath)
                if "//>" not in text and "//<" not in text:
                    continue
                regions = find_regions(text, relpath)
                check_lab_directories(regions, labs, relpath)
                if regions:
                    found[relpath] = regions
    return dict(sorted(found.items()))


def files_of_lab(refs, number):
    return [relpath for relpath, regions in refs.items()
            if any(region.lab == number for region in regions)]


def write_if_changed(path, content):
    """Write content to path unless it already holds exactly that; True if written."""
    path = Path(path)
    if path.is_symlink():
        path.unlink()
    elif path.is_file() and path.read_text(encoding="utf-8") == content:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
    return True


# ---------------------------------------------------------------------- sync


def expected_lab_files(root, labs, refs):
    """{relpath: ("starter", text) or ("symlink", target)} — what sync keeps on disk."""
    expected = {}
    for lab in labs.values():
        for relpath in files_of_lab(refs, lab.number):
            text = read_text(Path(root) / relpath, relpath)
            expected[f"{lab.path}/{relpath}"] = ("starter",
                                                 starter_text(text, relpath, lab.number, labs))
            link = f"{lab.solution_path}/{relpath}"
            target = os.path.relpath(Path(root) / relpath, (Path(root) / link).parent)
            expected[link] = ("symlink", Path(target).as_posix())
    return expected


def generated_files_on_disk(root, labs):
    """Every file or symlink under labs/NN-*/{runtime,cluster}/ and solutions/NN-*/{...}/."""
    found = set()
    for lab in labs.values():
        for base in (lab.path, lab.solution_path):
            for top in GENERATED_DIRS:
                for dirpath, dirnames, filenames in os.walk(Path(root) / base / top):
                    links = [d for d in dirnames if (Path(dirpath) / d).is_symlink()]
                    for name in filenames + links:
                        if name not in HAND_WRITTEN:
                            found.add((Path(dirpath) / name).relative_to(root).as_posix())
    return found


def differences(root, expected, on_disk):
    """Human-readable descriptions of how the disk differs from what sync would write."""
    problems = []
    for relpath, (kind, want) in sorted(expected.items()):
        path = Path(root) / relpath
        if kind == "symlink":
            if not path.is_symlink() or os.readlink(path) != want:
                problems.append(f"{relpath}: should be a symlink to {want}")
        elif path.is_symlink() or not path.is_file():
            problems.append(f"{relpath}: missing (the starter of a reference file)")
        else:
            have = path.read_text(encoding="utf-8")
            if have != want:
                diff = difflib.unified_diff(have.splitlines(True), want.splitlines(True),
                                            f"{relpath} (on disk)", f"{relpath} (generated)")
                problems.append("".join(diff).rstrip("\n"))
    for relpath in sorted(on_disk - expected.keys()):
        problems.append(f"{relpath}: stale (its reference file has no region of this lab)")
    return problems


def remove_empty_dirs(path, stop):
    """Remove path's empty parent directories, up to but not including stop."""
    parent = Path(path).parent
    while parent != stop and stop in parent.parents and not any(parent.iterdir()):
        parent.rmdir()
        parent = parent.parent


def apply(root, expected, on_disk):
    """Make the disk match `expected`; returns the list of changes made."""
    changes = []
    for relpath, (kind, want) in sorted(expected.items()):
        path = Path(root) / relpath
        if kind == "starter":
            if write_if_changed(path, want):
                changes.append(f"wrote {relpath}")
        elif not path.is_symlink() or os.readlink(path) != want:
            if path.is_symlink() or path.is_file():
                path.unlink()
            path.parent.mkdir(parents=True, exist_ok=True)
            os.symlink(want, path)
            changes.append(f"linked {relpath} -> {want}")
    for relpath in sorted(on_disk - expected.keys()):
        (Path(root) / relpath).unlink()
        remove_empty_dirs(Path(root) / relpath, Path(root) / "/".join(relpath.split("/")[:2]))
        changes.append(f"removed {relpath}")
    return changes


def sync(root, check):
    labs = find_labs(root)
    refs = reference_regions(root, labs)
    expected = expected_lab_files(root, labs, refs)
    on_disk = generated_files_on_disk(root, labs)
    if check:
        problems = differences(root, expected, on_disk)
        for problem in problems:
            print(problem)
        if problems:
            print("labs out of sync: run labs/tools/labgen.py sync")
            return 1
        print("labs in sync")
        return 0
    changes = apply(root, expected, on_disk)
    for change in changes:
        print(change)
    print(f"labs in sync ({len(changes)} change{'' if len(changes) == 1 else 's'})")
    return 0


# ----------------------------------------------------------------------- CLI


def command_labs(root, _args):
    for lab in find_labs(root).values():
        print(f"{lab.number}\t{lab.path}")
    return 0


def command_files(root, args):
    labs = find_labs(root)
    number = lab_number(args.lab)
    require_lab(labs, number)
    for relpath in files_of_lab(reference_regions(root, labs), number):
        print(relpath)
    return 0


def command_stub(root, args):
    labs = find_labs(root)
    selector = "all" if args.lab == "all" else lab_number(args.lab)
    if selector != "all":
        require_lab(labs, selector)
    input_path = Path(args.input).resolve()
    relpath = Path(os.path.relpath(input_path, root)).as_posix()
    text = starter_text(read_text(input_path, args.input), relpath, selector, labs)
    if args.output:
        write_if_changed(args.output, text)
    else:
        sys.stdout.write(text)
    return 0


def command_sync(root, args):
    return sync(root, args.check)


def parse_args(argv):
    parser = argparse.ArgumentParser(
        prog="labgen.py", description="Generate the labs' starter files from the reference.")
    parser.add_argument("--root", default=str(DEFAULT_ROOT),
                        help="the repository root (default: %(default)s)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("labs", help="list the labs").set_defaults(run=command_labs)
    files = commands.add_parser("files", help="the reference files with regions of a lab")
    files.add_argument("lab", metavar="NN")
    files.set_defaults(run=command_files)
    stub = commands.add_parser("stub", help="print the starter form of one file")
    stub.add_argument("--lab", required=True, metavar="NN|all")
    stub.add_argument("input", metavar="INPUT")
    stub.add_argument("-o", "--output", metavar="OUTPUT")
    stub.set_defaults(run=command_stub)
    sync_cmd = commands.add_parser("sync", help="update labs/*/ starters and solutions/ links")
    sync_cmd.add_argument("--check", action="store_true", help="change nothing; exit 1 if stale")
    sync_cmd.set_defaults(run=command_sync)
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    try:
        return args.run(Path(args.root).resolve(), args)
    except LabError as err:
        print(f"labgen: {err}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

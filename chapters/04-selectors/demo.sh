#!/usr/bin/env bash
# chapters/04-selectors/demo.sh — the demos of chapter 04 (label selectors), in the order the
# chapter shows them. Run it from the repository root, after `bash scripts/demo` (or
# `bash scripts/build`) has built build/:
#
#     bash chapters/04-selectors/demo.sh
#
# No root, no server, nothing to clean up: each demo runs one table of the chapter's
# examples from tests/chapters/selectors_test.cpp in the binary build/tests/chapter_examples,
# with -s so that the table prints itself. A table whose answers are not the chapter's fails its test:
# each demo expects exit status 0, and the lines of the chapter it names.
# Exit status: 0 when every demo behaved as the chapter says, 1 otherwise.
# KUBEPP=build-lab/kubepp runs the examples of that build (build-lab/tests/chapter_examples),
# which -DKUBEPP_LAB=NN links with your lab's files; EXAMPLES=/path/to/chapter_examples
# names the binary itself.
set -uo pipefail

KUBEPP=${KUBEPP:-build/kubepp}
EXAMPLES=${EXAMPLES:-$(dirname "$KUBEPP")/tests/chapter_examples}
if [ ! -x "$EXAMPLES" ]; then
  echo "demo.sh: $EXAMPLES not found; build it first with: bash scripts/demo" >&2
  exit 1
fi

failures=0
fail() {
  echo "!! $*" >&2
  failures=$((failures + 1))
}

# demo TITLE TAGS EXPECTED-LINE...: print the command as the chapter writes it, run it,
# and expect exit status 0 and every EXPECTED-LINE in its output.
demo() {
  local title=$1 tags=$2 out status line
  shift 2
  printf '\n== %s\n$ build/tests/chapter_examples -r compact -s "%s"\n' "$title" "$tags"
  out=$("$EXAMPLES" -r compact -s "$tags" 2>&1)
  status=$?
  printf '%s\n' "$out"
  [ "$status" -eq 0 ] || fail "$tags: exit status $status, expected 0"
  grep -qF "Passed 1 test case" <<<"$out" || fail "$tags: no test case ran"
  for line in "$@"; do
    grep -qF -- "$line" <<<"$out" || fail "$tags: the output lacks: $line"
  done
}

echo "examples: $EXAMPLES"
demo "1. a selector picks the Pods whose labels satisfy every requirement" "[chapter04][select]" \
  '"tier!=frontend"               db-1 cache-1 debug' \
  '"tier=backend,!release"        cache-1' \
  '""                             myapp-1 myapp-2 db-1 cache-1 debug'
demo "3. the lexer" "[chapter04][lexer]" \
  '"x=!a"               Identifier(x) Equals(=) DoesNotExist(!) Identifier(a)' \
  '"in in (notin)"      In(in) In(in) OpenPar(() NotIn(notin) ClosedPar())'
demo "4. the parser: canonical forms and errors" "[chapter04][parse]" \
  '"tier in (web, db, web),!canary"      "!canary,tier in (db,web)"' \
  '"!x=a"                                error: found '"'"'='"'"', expected: '"'"','"'"' or '"'"'end of string'"'"'' \
  '"x in (a,,,)"                         "x in (,a)"'
demo "5. matching: a missing key" "[chapter04][match]" \
  'tier!=web on {}                  true' \
  'tier in (web,db) on {}           false' \
  'tier= on {}                      false'
demo "6. LabelSelector objects" "[chapter04][objects]" \
  'app=myapp,!debug,release in (canary,stable)' \
  'null (no selector)                                               <none>'
demo "7. field selectors" "[chapter04][fields]" \
  'pods: "spec.host=node-1" (an old name)               "spec.nodeName=node-1"' \
  'error: field label "status.active" not supported for Job'

echo
if [ "$failures" -ne 0 ]; then
  echo "demo.sh: $failures check(s) did not behave as the chapter says" >&2
  exit 1
fi
echo "demo.sh: all demos behaved as the chapter says"

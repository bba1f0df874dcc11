#!/usr/bin/env bash
# chapters/03-objects/demo.sh — the demos of chapter 03 (API objects), in the order the
# chapter shows them. Run it from the repository root, after `bash scripts/demo` (or
# `bash scripts/build`) has built build/:
#
#     bash chapters/03-objects/demo.sh
#
# No root, no server, nothing to clean up: each demo runs one table of the chapter's
# examples from tests/chapters/objects_test.cpp in the binary build/tests/chapter_examples,
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
demo "1. a manifest becomes one JSON document per object" "[chapter03][manifest]" \
  '{"app":"myapp","canary":true,"release":"1.10","version":1.1}' \
  'key "name" already set in map'
demo "2. names: three DNS rules" "[chapter03][names]" \
  '"myapp-5d7f8c9b4-x2kqz"   valid' \
  '"shop.eu"       must not contain dots' \
  '"1st-app"     a DNS-1035 label must consist of …'
demo "4. labels: keys, values, and where their errors point" "[chapter03][labels]" \
  '"Example.com/tier"         prefix part a lowercase RFC 1123 subdomain must consist of …' \
  '""             valid' \
  'metadata.labels: Invalid value: "-tier": name part must consist of …'
demo "5. annotations: any value, 256 KiB in all" "[chapter03][annotations]" \
  '{Example.com/Owner: ops}' \
  'metadata.annotations: Too long: must have at most 262144 bytes'
demo "6. field paths and errors" "[chapter03][errors]" \
  'spec.containers[0].image: Required value' \
  'spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "Never", "OnFailure"'
demo "7. resource quantities" "[chapter03][quantity]" \
  '"1.5Gi"     1536Mi  (BinarySI)' \
  '"0.5"       500m  (DecimalSI)' \
  '"0.1" + "0.2" = "0.3"        true' \
  '0.1 + 0.2 == 0.3 in double   false'

echo
if [ "$failures" -ne 0 ]; then
  echo "demo.sh: $failures check(s) did not behave as the chapter says" >&2
  exit 1
fi
echo "demo.sh: all demos behaved as the chapter says"

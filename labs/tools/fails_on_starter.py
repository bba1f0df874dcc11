#!/usr/bin/env python3
"""fails_on_starter.py BINARY — prove that no lab test can pass without the student's work.

BINARY is a lab's test binary linked with the untouched, generated starter files
(labNN_starter_tests). Each TEST_CASE is run on its own; every one of them must FAIL.
A case that passes on the starter asserts nothing the student writes, so this check
fails and names it. Exit 0 when every case failed, 1 otherwise.
"""
import re
import subprocess
import sys


def test_names(binary):
    # Catch2 v2 exits with the number of tests it listed: not an error.
    out = subprocess.run([binary, "--list-test-names-only"],
                         capture_output=True, text=True).stdout
    return [line.strip() for line in out.splitlines() if line.strip()]


def catch_spec(name):
    """A Catch2 v2 test spec that matches exactly `name` (commas and brackets escaped)."""
    for ch in "\\,[]*":
        name = name.replace(ch, "\\" + ch)
    return name


def run_alone(binary, name):
    """Runs one test case; returns (passed, number of test cases that ran, output)."""
    proc = subprocess.run([binary, catch_spec(name)], capture_output=True, text=True, timeout=300)
    # Catch2 v2 ends with "All tests passed (N assertions in 1 test case)" or
    # "test cases: 1 | 1 failed".
    counts = re.findall(r"in (\d+) test cases?\)|test cases:\s+(\d+)", proc.stdout)
    ran = sum(int(a or b) for a, b in counts)
    return proc.returncode == 0, ran, proc.stdout + proc.stderr


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    binary = sys.argv[1]
    names = test_names(binary)
    if not names:
        print(f"{binary}: no test cases")
        return 1
    passing = []
    for name in names:
        passed, summary, output = run_alone(binary, name)
        if summary != 1:
            print(f"could not run `{name}` alone ({summary} cases ran):\n{output[-800:]}")
            return 1
        print(f"{'PASSES' if passed else 'fails '}  {name}")
        if passed:
            passing.append(name)
    if passing:
        print(f"\n{len(passing)} of {len(names)} cases pass on the untouched starter: they test nothing "
              "the student writes.")
        return 1
    print(f"\nall {len(names)} cases fail on the starter")
    return 0


if __name__ == "__main__":
    sys.exit(main())

# SPDX-License-Identifier: GPL-2.0-only
"""What the end-to-end tests of the scenario programs share: running a
program, and checking that bad options end it with exit status 2 and a
message. The tests import it from their own directory."""
import subprocess


def run(program, *args, timeout=600):
    """Runs PROGRAM with ARGS; returns the CompletedProcess (text output)."""
    return subprocess.run([program, *args], capture_output=True, text=True, timeout=timeout)


def bad_option_failures(program, cases, *extra):
    """Runs PROGRAM once per (args, needle) of CASES, EXTRA appended; returns
    a failure line for each run that did not exit 2 with NEEDLE on stderr."""
    failures = []
    for args, needle in cases:
        p = run(program, *args, *extra)
        if p.returncode != 2 or needle not in p.stderr:
            failures.append(f"{args}: exit {p.returncode}, stderr {p.stderr.strip()!r}")
    return failures

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Walk-through of the teaching labs (doc/labs/).

usage: test_labs.py [BUILD_DIR] [unittest options and test names]

BUILD_DIR (or the environment variable MPTCP_BUILD; default: build/ at
the repository root) holds examples/ and utils/ with the built programs.

For each lab (1 to 5) the test takes the command blocks its Markdown
marks with <!-- lab-commands -->, sets every variable to the value its
comment gives as "quick:", and runs the blocks in order with bash in a
scratch folder that stands for the repository root (build/ and scripts/
are links there). The blocks build the lab's CSV and plot; the test then
runs scripts/lab-check N labN and expects "lab N: complete"; then adds a
CSV row that no run backs and replaces the plot by a text file, and
expects lab-check to report both.

It also checks lab-check itself: an empty folder, a CSV without one of its
columns, a value out of range and a required run missing give exit status
1 and name what is missing; bad arguments (a lab that does not exist, a
folder that does not exist) give exit status 2; and the header
each lab's Markdown states is the one lab-check requires.
"""

import csv
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(os.path.dirname(HERE))
LAB_CHECK = os.path.join(REPO, "scripts", "lab-check")
BUILD = os.environ.get("MPTCP_BUILD") or os.path.join(REPO, "build")

LABS = {
    1: ("lab1-fairness.md", ["examples/mptcp-shared-bottleneck"]),
    2: ("lab2-shaping.md", ["examples/mptcp-shaping",
                            "examples/mptcp-shared-bottleneck"]),
    3: ("lab3-wifi-3g.md", ["examples/mptcp-wifi-3g"]),
    4: ("lab4-attacks.md", ["examples/mptcp-attack"]),
    5: ("lab5-campaign.md", ["examples/mptcp-shared-bottleneck",
                             "utils/mptcp-summary"]),
}

MARK = "<!-- lab-commands -->"
SETTING = re.compile(r'^([A-Z][A-Z0-9_]*)=("[^"]*"|\S+)(\s+#.*)$')
QUICK = re.compile(r'quick:\s*("[^"]*"|[^;)\s]+)')
RUN_TIMEOUT = 900

TIMES = {}


def lab_markdown(number):
    with open(os.path.join(REPO, "doc", "labs", LABS[number][0]),
              encoding="utf-8") as f:
        return f.read()


def command_blocks(text):
    """The ```sh blocks that follow a <!-- lab-commands --> line."""
    lines = text.splitlines()
    blocks = []
    i = 0
    while i < len(lines):
        if lines[i].strip() == MARK:
            j = i + 1
            while j < len(lines) and lines[j].strip() == "":
                j += 1
            if j >= len(lines) or lines[j].strip() != "```sh":
                raise ValueError(f"line {i + 1}: {MARK} is not followed by "
                                 "a ```sh block")
            body = []
            j += 1
            while j < len(lines) and lines[j].strip() != "```":
                body.append(lines[j])
                j += 1
            if j >= len(lines):
                raise ValueError(f"line {i + 1}: unterminated ```sh block")
            blocks.append("\n".join(body))
            i = j
        i += 1
    return blocks


def quick_variant(script):
    """The script with every setting NAME=value set to its quick: value."""
    out = []
    for line in script.splitlines():
        m = SETTING.match(line)
        if m:
            q = QUICK.search(m.group(3))
            if q:
                line = f"{m.group(1)}={q.group(1)}"
        out.append(line)
    return "\n".join(out)


def stated_header(text):
    """The header a lab's Markdown gives after 'with exactly this header'."""
    m = re.search(r"exactly this header:\s*```\s*\n\s*(\S+)\s*\n\s*```", text)
    return m.group(1).split(",") if m else None


def lab_check(*args, cwd=None):
    return subprocess.run([sys.executable, LAB_CHECK, *args], cwd=cwd,
                          capture_output=True, text=True, timeout=120)


def scratch_root(tmp):
    """A folder that stands for the repository root."""
    os.symlink(os.path.abspath(BUILD), os.path.join(tmp, "build"))
    os.symlink(os.path.join(REPO, "scripts"), os.path.join(tmp, "scripts"))


def environment():
    env = dict(os.environ)
    env["MPTCP_SUMMARY"] = os.path.join(os.path.abspath(BUILD), "utils",
                                        "mptcp-summary")
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    env.pop("DISPLAY", None)
    return env


class Walkthrough(unittest.TestCase):
    """Each lab's commands, quick variant, end to end."""

    @classmethod
    def setUpClass(cls):
        if shutil.which("gnuplot") is None:
            raise unittest.SkipTest("gnuplot is not installed")

    def walk(self, number):
        for program in LABS[number][1]:
            path = os.path.join(BUILD, program)
            self.assertTrue(os.access(path, os.X_OK),
                            f"{path} missing: build the module first, or give "
                            "the build folder (argument or MPTCP_BUILD)")
        blocks = command_blocks(lab_markdown(number))
        self.assertTrue(blocks, f"lab {number}: no {MARK} blocks")
        script = "set -euo pipefail\n" + "\n".join(
            quick_variant(b) for b in blocks) + "\n"
        with tempfile.TemporaryDirectory(prefix=f"lab{number}-") as tmp:
            scratch_root(tmp)
            start = time.monotonic()
            p = subprocess.run(["bash", "-c", script], cwd=tmp,
                               env=environment(), capture_output=True,
                               text=True, timeout=RUN_TIMEOUT)
            TIMES[number] = time.monotonic() - start
            self.assertEqual(p.returncode, 0,
                             f"lab {number}: the commands failed (exit "
                             f"{p.returncode})\n--- stdout\n{p.stdout[-4000:]}"
                             f"\n--- stderr\n{p.stderr[-4000:]}")
            folder = f"lab{number}"
            c = lab_check(str(number), folder, cwd=tmp)
            self.assertEqual(c.returncode, 0, c.stdout + c.stderr)
            self.assertEqual(c.stdout.strip(), f"lab {number}: complete")
            self.assertTrue(os.path.isfile(os.path.join(tmp, folder,
                                                        f"lab{number}.png")))
            self.tamper(number, os.path.join(tmp, folder))

    def tamper(self, number, folder):
        """A row that no run backs, and a plot that is not a PNG, are
        reported."""
        path = os.path.join(folder, f"lab{number}.csv")
        with open(path, newline="") as f:
            lines = list(csv.reader(f))
        header, last = lines[0], list(lines[-1])
        column = "seed" if "seed" in header else "n"
        last[header.index(column)] = "999"
        with open(path, "a", newline="") as f:
            csv.writer(f, lineterminator="\n").writerow(last)
        with open(os.path.join(folder, f"lab{number}.png"), "w") as f:
            f.write("not an image\n")
        c = lab_check(str(number), folder)
        self.assertEqual(c.returncode, 1, c.stdout + c.stderr)
        db = "campaign.db" if number == 5 else "results.db"
        self.assertRegex(c.stdout, rf"{db}: .*(RngRun=999|n=999)")
        self.assertIn(f"lab{number}.png: not a PNG image", c.stdout)

    def test_lab1(self):
        self.walk(1)

    def test_lab2(self):
        self.walk(2)

    def test_lab3(self):
        self.walk(3)

    def test_lab4(self):
        self.walk(4)

    def test_lab5(self):
        self.walk(5)


class LabCheck(unittest.TestCase):
    """scripts/lab-check on deliverables that are not complete."""

    def setUp(self):
        self.tmp = tempfile.mkdtemp(prefix="lab-check-")

    def tearDown(self):
        shutil.rmtree(self.tmp)

    def write_csv(self, name, header, rows):
        with open(os.path.join(self.tmp, name), "w", newline="") as f:
            out = csv.writer(f, lineterminator="\n")
            out.writerow(header)
            out.writerows(rows)

    def test_headers_stated_in_the_labs(self):
        # The header each lab states is the one lab-check accepts: with it,
        # lab-check complains about rows and files, never about columns.
        for number in LABS:
            header = stated_header(lab_markdown(number))
            self.assertIsNotNone(header, f"lab {number}: no stated header")
            self.write_csv(f"lab{number}.csv", header, [])
            c = lab_check(str(number), self.tmp)
            self.assertEqual(c.returncode, 1)
            self.assertNotIn("column", c.stdout, c.stdout)

    def test_empty_folder(self):
        for number in LABS:
            c = lab_check(str(number), self.tmp)
            self.assertEqual(c.returncode, 1, c.stdout + c.stderr)
            for name in (f"lab{number}.csv", f"lab{number}.png"):
                self.assertRegex(c.stdout, rf"missing: .*{re.escape(name)}")
            db = "campaign.db" if number == 5 else "results.db"
            self.assertRegex(c.stdout, rf"missing: .*{db}")
            self.assertNotIn(f"lab {number}: complete", c.stdout)

    def test_missing_column(self):
        for number in LABS:
            header = stated_header(lab_markdown(number))
            dropped = header[-1]
            self.write_csv(f"lab{number}.csv", header[:-1],
                           [["1"] * (len(header) - 1)])
            c = lab_check(str(number), self.tmp)
            self.assertEqual(c.returncode, 1, c.stdout + c.stderr)
            self.assertRegex(c.stdout, rf"missing column\(s\): {dropped}\b")
            os.remove(os.path.join(self.tmp, f"lab{number}.csv"))

    def test_bad_values_and_missing_runs(self):
        header = stated_header(lab_markdown(1))
        rows = [["lia", "2", "1", "4.1", "5.0", "0.82", "1.5"],
                ["lia", "two", "2", "4.1", "5.0", "0.82", "0.99"],
                ["reno", "1", "1", "-3", "5.0", "0.82", "0.99"]]
        self.write_csv("lab1.csv", header, rows)
        c = lab_check("1", self.tmp)
        self.assertEqual(c.returncode, 1)
        self.assertRegex(c.stdout, r"line 2: jain 1.5 is not in \(0, 1\]")
        self.assertRegex(c.stdout, r"line 3: subflows 'two' is not a whole")
        self.assertRegex(c.stdout, r"line 4: mptcp_mbps -3 is not in")
        self.assertRegex(c.stdout, r"cc=olia subflows=2: 0 seed\(s\)")

    def test_arguments(self):
        for args in (("7", self.tmp), ("x", self.tmp), ("1",), (),
                     ("1", os.path.join(self.tmp, "absent"))):
            c = lab_check(*args)
            self.assertEqual(c.returncode, 2, args)
            self.assertIn("usage", c.stderr, args)


def main():
    global BUILD
    argv = sys.argv[:1]
    rest = sys.argv[1:]
    if rest and not rest[0].startswith("-") and os.path.isdir(rest[0]):
        BUILD = rest.pop(0)
    argv += rest
    start = time.monotonic()
    program = unittest.main(argv=argv, exit=False, verbosity=2)
    total = time.monotonic() - start
    if TIMES:
        each = ", ".join(f"lab {n} {t:.0f} s" for n, t in sorted(TIMES.items()))
        print(f"walk-through: {each}; all tests {total:.0f} s", file=sys.stderr)
    sys.exit(0 if program.result.wasSuccessful() else 1)


if __name__ == "__main__":
    main()

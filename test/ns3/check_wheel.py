#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The module against ns-3 3.44 from ns-3's Python wheel (scripts/test.sh
runs it after `scripts/build.sh --ns3 wheel BUILD`):

  1. every ns-3 suite of the module passes there;
  2. the flagship is deterministic there: the same --RngRun twice, the same
     JSON line, byte for byte;
  3. the flagship from ns-3's own Python API (examples/
     mptcp-shared-bottleneck.py: `from ns import ns`, the module loaded
     beside it) prints the JSON line of the C++ program, byte for byte,
     for the same parameters and RngRun.

    check_wheel.py BUILD_DIR      (exit 0: all hold)
"""
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SUITES = ["mptcp-header", "mptcp-socket", "mptcp-topology", "mptcp-tcpsocket",
          "mptcp-rate", "mptcp-results", "mptcp-experiment"]
RUN = ["--duration=10", "--results=false", "--plot=false", "--progress=false"]


def last_line(text):
    lines = [x for x in text.splitlines() if x.strip()]
    return lines[-1] if lines else ""


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    build = Path(sys.argv[1]).resolve()
    failures = []
    runner = build / "mptcp-ns3-test-runner"
    for suite in SUITES:
        p = subprocess.run([str(runner), f"--suite={suite}"], capture_output=True, text=True,
                           timeout=900)
        verdict = [x for x in (p.stdout + p.stderr).splitlines()
                   if x.startswith(("PASS", "FAIL")) and suite in x]
        print(f"ns-3 3.44 suite {suite}: {verdict[-1] if verdict else 'no verdict'}", flush=True)
        if p.returncode != 0 or not verdict or not verdict[-1].startswith("PASS"):
            failures.append(f"suite {suite}: exit {p.returncode}")
    flagship = build / "examples" / "mptcp-shared-bottleneck"
    with tempfile.TemporaryDirectory() as tmp:
        for seed in (1, 2):
            outs = []
            for _ in range(2):
                p = subprocess.run([str(flagship), f"--RngRun={seed}", *RUN],
                                   capture_output=True, text=True, timeout=900, cwd=tmp)
                outs.append(last_line(p.stdout))
                if p.returncode != 0:
                    failures.append(f"flagship RngRun={seed}: exit {p.returncode}")
            same = outs[0] == outs[1] and outs[0].startswith("{")
            print(f"flagship on ns-3 3.44, RngRun={seed}, run twice: "
                  f"{'identical' if same else 'DIFFERENT'}", flush=True)
            if not same:
                failures.append(f"flagship RngRun={seed} not deterministic")
            p = subprocess.run([str(REPO / ".venv" / "bin" / "python"),
                                str(REPO / "examples" / "mptcp-shared-bottleneck.py"),
                                f"--RngRun={seed}", "--duration=10", "--build", str(build)],
                               capture_output=True, text=True, timeout=900, cwd=tmp)
            py = last_line(p.stdout)
            equal = p.returncode == 0 and py == outs[0]
            print(f"flagship from Python (from ns import ns), RngRun={seed}: "
                  f"{'the same JSON as the C++ program' if equal else 'DIFFERENT'}", flush=True)
            if not equal:
                failures.append(f"Python flagship RngRun={seed}: exit {p.returncode}\n"
                                f"  python: {py[:300]}\n  c++:    {outs[0][:300]}\n"
                                f"  stderr: {p.stderr[-1500:]}")
    for f in failures:
        print("FAIL:", f)
    print("check_wheel:", "OK" if not failures else f"{len(failures)} failure(s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

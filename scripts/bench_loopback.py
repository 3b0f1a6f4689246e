#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Speed of the core's loopback network: wall-clock cost per delivered
segment of a bulk transfer with a virtual payload (the fast mode for large
sweeps). Prints one line per configuration with the median over --runs.

    python3 scripts/bench_loopback.py [--build build] [--runs 5] [--time 60]

The wall time is the tool's own measurement of its simulation loop
(`wall_s` in its JSON), so start-up is not counted.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

CONFIGS = [
    ("tcp cubic, 1 path, 100 Mbit/s", ["--mode", "tcp", "--cc", "cubic", "--rate", "100Mbps"]),
    ("tcp reno, 1 path, 100 Mbit/s", ["--mode", "tcp", "--cc", "reno", "--rate", "100Mbps"]),
    ("mptcp, 2 paths x 100 Mbit/s", ["--mode", "mptcp", "--paths", "2", "--rate", "100Mbps"]),
]


def run_once(tool: Path, args: list[str], seconds: float) -> dict:
    cmd = [str(tool), *args, "--delay", "10ms", "--virtual", "--time", f"{seconds}s", "--seed", "1"]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    if p.returncode not in (0, 1) or not p.stdout.strip():
        raise SystemExit(f"bench: {' '.join(cmd)} failed ({p.returncode}): {p.stderr.strip()}")
    return json.loads(p.stdout.strip().splitlines()[-1])


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build", help="build directory (default: build)")
    ap.add_argument("--runs", type=int, default=5, help="runs per configuration (default 5)")
    ap.add_argument("--time", type=float, default=60.0, help="virtual seconds per run (default 60)")
    a = ap.parse_args()
    if a.runs < 1 or a.time <= 0:
        ap.error("--runs must be >= 1 and --time > 0")
    tool = Path(a.build) / "utils" / "mptcp-loopback"
    if not tool.exists():
        print(f"bench: {tool} not found: build first (bash scripts/build.sh)", file=sys.stderr)
        return 2
    print(f"{'configuration':34} {'segments':>10} {'goodput Mb/s':>12} {'ns/segment':>11} {'segments/s':>12}")
    for name, args in CONFIGS:
        res = [run_once(tool, args, a.time) for _ in range(a.runs)]
        ns = [1e9 * r["wall_s"] / r["segments_delivered"] for r in res]
        med = statistics.median(ns)
        r0 = res[0]
        print(f"{name:34} {r0['segments_delivered']:>10} {r0['goodput_bps'] / 1e6:>12.2f} "
              f"{med:>11.1f} {1e9 / med:>12.0f}")
    return 0


if __name__ == "__main__":
    from mptcp.cli import run_main  # scripts/ is on sys.path

    run_main(main, "bench_loopback")

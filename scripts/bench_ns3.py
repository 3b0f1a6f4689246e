#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Speed of the ns-3 MPTCP model against ns-3's own TCP, same topology.

Runs the flagship topology (examples/mptcp-shared-bottleneck) twice per
repetition, in one invocation: the multipath host with --transport=ns3tcp
(ns-3's TcpSocketBase, one flow per would-be subflow) and with MPTCP
(virtual payload). Both deliver over the same dumbbell (default 100 Mbit/s,
10 ms, no competing flows, 20 simulated seconds). Reports wall-clock
microseconds per delivered data packet for each, and their ratio
(MPTCP / ns-3 TCP; below 1 means MPTCP costs less per packet).

  python3 scripts/bench_ns3.py [--example PATH] [--reps 3] [--duration 20]
"""
import argparse
import os
import re
import statistics
import subprocess
import sys

LINE = re.compile(r"(\d+) data packets delivered in ([0-9.eE+-]+) s of wall time")


def one(example, transport, args):
    cmd = [example, f"--transport={transport}", "--plot=false", "--results=false", "--progress=false"] + args
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        sys.exit(f"bench_ns3: {' '.join(cmd)} failed:\n{proc.stderr}")
    m = LINE.search(proc.stderr)
    if not m:
        sys.exit(f"bench_ns3: no timing line in the output of {' '.join(cmd)}")
    packets, wall = int(m.group(1)), float(m.group(2))
    return packets, wall


def main():
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--example", default=os.path.join(root, "build", "examples",
                                                       "mptcp-shared-bottleneck"))
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--duration", type=float, default=20)
    ap.add_argument("--rate", default="100Mbps")
    ap.add_argument("--subflows", type=int, default=2)
    a = ap.parse_args()
    if a.reps < 1 or a.duration <= 2 or a.subflows < 1:
        sys.exit("bench_ns3: --reps >= 1, --duration > 2 and --subflows >= 1 please")
    if not os.access(a.example, os.X_OK):
        sys.exit(f"bench_ns3: {a.example} not found: build first (bash scripts/build.sh)")
    args = [f"--bottleneckRate={a.rate}", "--bottleneckDelay=10", "--tcpFlows=0",
            f"--subflows={a.subflows}", f"--duration={a.duration}", "--warmup=2",
            "--virtualPayload=true"]
    rows = {"ns3tcp": [], "mptcp": []}
    for r in range(a.reps):
        for t in ("ns3tcp", "mptcp"):  # interleaved: both see the same machine load
            p, w = one(a.example, t, args)
            rows[t].append((p, w))
            print(f"rep {r + 1} {t:7s} {p:8d} packets {w:7.3f} s  {w / p * 1e6:6.2f} us/packet",
                  flush=True)
    us = {t: statistics.median(w / p * 1e6 for p, w in v) for t, v in rows.items()}
    print(f"median: ns-3 TCP {us['ns3tcp']:.2f} us/packet, MPTCP {us['mptcp']:.2f} us/packet, "
          f"ratio MPTCP/ns-3 TCP {us['mptcp'] / us['ns3tcp']:.3f}")


if __name__ == "__main__":
    from mptcp.cli import run_main  # scripts/ is on sys.path

    run_main(main, "bench_ns3")

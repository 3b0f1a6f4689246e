#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Speed of the fast engine against ns-3 mode and ns-3's own TCP, measured
in one run on the same dumbbell (doc/fast-mode.md).

Each repetition runs examples/mptcp-shared-bottleneck three times,
interleaved so that all three see the same machine load:
  ns3tcp  ns-3's TCP (--transport=ns3tcp, one flow per would-be subflow);
  ns3     MPTCP in ns-3 mode (--engine=ns3);
  fast    MPTCP on the fast engine (--engine=fast).
Default: 100 Mbit/s bottleneck, 10 ms, 2 flows (subflows), no competing
flows, 20 simulated seconds. For each it prints wall-clock microseconds per
delivered data packet (the program's own timing of the simulation, start-up
not counted), events per second, and the peak resident memory of the
process (wait4's ru_maxrss), then the medians and the ratios:
ns-3 TCP / fast and ns-3 mode / fast (speed-ups), and the fast engine's
cost against a reference in microseconds per packet (--reference, default
0.14: htsim on this class of machine, as measured for issue 19).

  python3 scripts/bench_fast.py [--build build] [--reps 3] [--duration 20]
      [--memory] [--scale] [--scale-ns3]

--memory prints the core's memory per idle connection and per subflow
(test/fastsim/bench_memory.c: N connections between two hosts, both ends
counted). --scale runs the FatTree k = 8 (128 hosts) with 10,000 MPTCP
connections of 2 subflows for 10 simulated seconds on the fast engine;
--scale-ns3 the FatTree k = 4 with 1,000 connections in ns-3 mode
(--scale-seconds, default 10). Each prints wall time, events and the peak
resident memory of the process (wait4).
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import time
from pathlib import Path

LINE = re.compile(r"(\d+) data packets delivered in ([0-9.eE+-]+) s of wall time.*?; (\d+) events")


def run_cost(cmd: list[str]) -> tuple[str, float, int]:
    """Runs cmd (stdout discarded); returns its stderr, wall seconds and
    peak RSS in KB (wait4's rusage of that child alone)."""
    r, w = os.pipe()
    t0 = time.monotonic()
    pid = os.fork()
    if pid == 0:
        os.close(r)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(w, 2)
        try:
            os.execv(cmd[0], cmd)
        finally:
            os._exit(127)
    os.close(w)
    chunks = []
    while True:
        b = os.read(r, 65536)
        if not b:
            break
        chunks.append(b)
    os.close(r)
    _, status, ru = os.wait4(pid, 0)
    wall = time.monotonic() - t0
    err = b"".join(chunks).decode(errors="replace")
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"bench_fast: {' '.join(cmd)} failed:\n{err}")
    return err, wall, ru.ru_maxrss


def run_once(prog: Path, variant: str, args: list[str]) -> tuple[int, float, int, int]:
    """One run of the flagship: packets, its own wall time of the
    simulation, events, peak RSS in KB."""
    extra = {"ns3tcp": ["--transport=ns3tcp"], "ns3": ["--engine=ns3"], "fast": ["--engine=fast"]}[variant]
    cmd = [str(prog), *extra, "--plot=false", "--results=false", "--progress=false", *args]
    err, _, rss = run_cost(cmd)
    m = LINE.search(err)
    if not m:
        sys.exit(f"bench_fast: no timing line in the output of {' '.join(cmd)}")
    return int(m.group(1)), float(m.group(2)), int(m.group(3)), rss


def subprocess_stdout(prog: Path) -> str:
    import subprocess
    p = subprocess.run([str(prog), "1000"], capture_output=True, text=True, check=True)
    return p.stdout.rstrip()


def scale(prog: Path, engine: str, k: int, conns: int, seconds: float) -> None:
    cmd = [str(prog), f"--engine={engine}", f"--k={k}", "--subflows=2", "--tcp=false",
           f"--connections={conns}", f"--duration={seconds:g}", "--warmup=1", "--results=false",
           "--plot=false"]
    if engine == "ns3":
        # payload lengths only, as on the fast engine (the FatTree's ns-3
        # mode otherwise carries real bytes: a 2 MB send buffer each)
        cmd.append("--ns3::MptcpL4Protocol::VirtualPayload=true")
    err, wall, rss = run_cost(cmd)
    line = next((x for x in err.splitlines() if "connections," in x), err.strip())
    print(f"FatTree k={k}, {conns} connections x 2 subflows, {seconds:g} s on {engine}: "
          f"wall {wall:.1f} s, peak RSS {rss / 1024:.1f} MB")
    print(f"  {line}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build", help="build directory (default: build)")
    ap.add_argument("--reps", type=int, default=3, help="repetitions (default 3)")
    ap.add_argument("--duration", type=float, default=20.0, help="simulated seconds (default 20)")
    ap.add_argument("--rate", default="100Mbps", help="bottleneck rate (default 100Mbps)")
    ap.add_argument("--subflows", type=int, default=2, help="flows of the host (default 2)")
    ap.add_argument("--reference", type=float, default=0.14,
                    help="reference cost in us per packet (default 0.14, htsim)")
    ap.add_argument("--memory", action="store_true", help="memory per idle connection and subflow")
    ap.add_argument("--scale", action="store_true", help="FatTree k=8, 10,000 connections, fast")
    ap.add_argument("--scale-ns3", action="store_true", help="FatTree k=4, 1,000 connections, ns-3")
    ap.add_argument("--scale-seconds", type=float, default=10.0, help="simulated seconds (default 10)")
    ap.add_argument("--skip-speed", action="store_true", help="only --memory / --scale")
    a = ap.parse_args()
    if a.scale_seconds <= 1:
        ap.error("--scale-seconds must be above 1 (the warm-up)")
    if a.memory:
        mem = Path(a.build) / "test" / "fastsim" / "bench_fast_memory"
        if not os.access(mem, os.X_OK):
            print(f"bench_fast: {mem} not found (built with the tests)", file=sys.stderr)
            return 2
        print(subprocess_stdout(mem))
    if a.scale:
        scale(Path(a.build) / "examples" / "mptcp-fattree", "fast", 8, 10000, a.scale_seconds)
    if a.scale_ns3:
        scale(Path(a.build) / "examples" / "mptcp-fattree", "ns3", 4, 1000, a.scale_seconds)
    if a.skip_speed:
        return 0
    if a.reps < 1 or a.duration <= 2 or not 1 <= a.subflows <= 8 or a.reference <= 0:
        ap.error("--reps >= 1, --duration > 2, --subflows 1..8 and --reference > 0 please")
    prog = Path(a.build) / "examples" / "mptcp-shared-bottleneck"
    if not os.access(prog, os.X_OK):
        print(f"bench_fast: {prog} not found: build first (bash scripts/build.sh)", file=sys.stderr)
        return 2
    args = [f"--bottleneckRate={a.rate}", "--bottleneckDelay=10", "--tcpFlows=0",
            f"--subflows={a.subflows}", f"--duration={a.duration:g}", "--warmup=2"]
    variants = ("ns3tcp", "ns3", "fast")
    rows: dict[str, list[tuple[int, float, int, int]]] = {v: [] for v in variants}
    print(f"{'rep':>3} {'variant':7} {'packets':>9} {'wall s':>8} {'us/packet':>10} "
          f"{'events/s':>12} {'peak RSS MB':>12}")
    for rep in range(a.reps):
        for v in variants:
            pk, wall, ev, rss = run_once(prog, v, args)
            rows[v].append((pk, wall, ev, rss))
            print(f"{rep + 1:>3} {v:7} {pk:>9} {wall:>8.3f} {wall / pk * 1e6:>10.3f} "
                  f"{ev / wall if wall > 0 else 0:>12.0f} {rss / 1024:>12.1f}", flush=True)
    med = {v: statistics.median(w / p * 1e6 for p, w, _, _ in rows[v]) for v in variants}
    evs = {v: statistics.median(e / w for _, w, e, _ in rows[v] if w > 0) for v in variants}
    rss = {v: max(r for *_, r in rows[v]) / 1024 for v in variants}
    print()
    for v in variants:
        print(f"median {v:7} {med[v]:8.3f} us/packet  {evs[v]:12.0f} events/s  peak {rss[v]:7.1f} MB")
    print(f"ns-3 TCP / fast:        {med['ns3tcp'] / med['fast']:8.1f}x")
    print(f"ns-3 mode / fast:       {med['ns3'] / med['fast']:8.1f}x")
    print(f"ns-3 mode / ns-3 TCP:   {med['ns3'] / med['ns3tcp']:8.2f}")
    print(f"fast / reference {a.reference:g} us: {med['fast'] / a.reference:8.2f}x")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from mptcp.cli import run_main

    run_main(main, "bench_fast")

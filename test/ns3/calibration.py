#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Calibration of the engine's single-path TCP against ns-3's own TCP.

One flow of our engine (one subflow, MPTCP off) and one ns-3 TcpSocketBase
flow share the dumbbell of mptcp-shared-bottleneck (10 Mbit/s, 40 ms RTT,
queue of one bandwidth-delay product). The settings that decide the
outcome are the same on both sides (doc/calibration.md says why each
matters). For every seed the goodput ratio ours / ns-3 must lie in
[LOW, HIGH]:
  - Reno against ns3::TcpLinuxReno: drop-tail queue, 40 s runs;
  - CUBIC against ns3::TcpCubic: RED queue, 300 s runs, HyStart off on
    both sides (ns-3's detects on a different delay threshold), and our
    Reno-friendly region set as ns-3's TcpCubic has it (off in ns-3 3.37,
    which has no TcpFriendliness attribute; on where it has one). ns-3's
    TcpCubic is fair to itself per seed only with RED and long runs.

    calibration.py EXAMPLE_BINARY [--duration S] [--seeds N] [--jobs J]
    calibration.py EXAMPLE_BINARY --survey   # the other comparisons of
                                             # doc/calibration.md, unchecked
"""
import argparse
import concurrent.futures
import json
import math
import os
import subprocess
import sys
import tempfile
import time

LOW, HIGH = 0.85, 1.18

# Settings both TCPs get. The scenario sets the same TcpSocket defaults
# (SegmentSize, InitialCwnd, DelAckCount, DelAckTimeout, MinRto, Sack,
# Timestamp) for both; they are stated here too so that a change of the
# scenario's defaults cannot silently change what is calibrated.
MATCHED = [
    "--segmentSize=1448",
    "--delAckCount=2",
    "--ns3::TcpSocket::InitialCwnd=10",
    "--ns3::TcpSocketBase::Sack=true",
    "--ns3::TcpSocketBase::Timestamp=true",
    "--ns3::MptcpSocket::Sack=true",
    "--ns3::MptcpSocket::Timestamp=true",
    "--ns3::TcpL4Protocol::RecoveryType=ns3::TcpPrrRecovery",
]

# (name, our cc, ns-3 variant, extra arguments, seconds per run). Our cc
# None: both flows are ns-3's (the reference against itself); "core:"
# before the variant: both flows are ours. "{cubic}" in the extra arguments
# stands for the CUBIC settings matched to the installed ns-3 (cubic_args).
CALIBRATED = [
    ("reno-vs-linuxreno", "reno", "ns3::TcpLinuxReno", [], 40),
    ("cubic-vs-ns3cubic", "cubic", "ns3::TcpCubic", ["--queueDisc=red", "{cubic}"], 300),
]

# Measured for doc/calibration.md, not checked.
SURVEY = [
    ("ns3cubic-vs-ns3cubic-red", None, "ns3::TcpCubic",
     ["--queueDisc=red", "--ns3::TcpCubic::HyStart=false"], 300),
    ("cubic-vs-ns3cubic-red-120s", "cubic", "ns3::TcpCubic", ["--queueDisc=red", "{cubic}"], 120),
    ("cubic-vs-ns3cubic-droptail", "cubic", "ns3::TcpCubic", ["{cubic}"], 40),
    ("ns3cubic-vs-ns3cubic-droptail", None, "ns3::TcpCubic", [], 40),
    ("cubic(default)-vs-ns3cubic-red", "cubic", "ns3::TcpCubic", ["--queueDisc=red"], 120),
    ("cubic(default)-vs-linuxreno-red", "cubic", "ns3::TcpLinuxReno", ["--queueDisc=red"], 120),
    ("cubic(no-friendly)-vs-linuxreno-red", "cubic", "ns3::TcpLinuxReno",
     ["--queueDisc=red", "{cubic}"], 120),
    ("cubic-vs-cubic(ours)", "cubic", "core:ns3::TcpCubic", [], 40),
    ("ns3linuxreno-vs-ns3linuxreno", None, "ns3::TcpLinuxReno", [], 40),
    ("reno-vs-reno(ours)", "reno", "core:ns3::TcpNewReno", [], 40),
    ("reno-vs-newreno-delack2", "reno", "ns3::TcpNewReno", [], 40),
    ("reno-vs-newreno-delack1", "reno", "ns3::TcpNewReno", ["--delAckCount=1"], 40),
]


def cubic_args(binary):
    """CUBIC settings that make ours and the installed ns-3's TcpCubic the
    same algorithm: HyStart off on both sides, and the Reno-friendly region
    as ns-3 has it."""
    p = subprocess.run([binary, "--PrintAttributes=ns3::TcpCubic"], capture_output=True,
                       text=True, check=False)
    args = ["--ns3::TcpCubic::HyStart=false", "--ns3::MptcpSocket::CubicHyStart=false"]
    if "TcpFriendliness" in p.stdout:
        args += ["--ns3::TcpCubic::TcpFriendliness=true",
                 "--ns3::MptcpSocket::CubicTcpFriendliness=true"]
    else:
        args += ["--ns3::MptcpSocket::CubicTcpFriendliness=false"]
    return args


def run_one(binary, duration, cc, competitor, extra, seed, outdir):
    if competitor.startswith("core:"):
        competitor = competitor[len("core:"):]
        extra = extra + ["--competitor=core"]
    cmd = [binary, f"--duration={duration}", "--plot=false", "--results=false", "--progress=false",
           "--subflows=1", "--tcpFlows=1", f"--competitorCc={competitor}",
           f"--RngRun={seed}", f"--outputDir={outdir}"] + MATCHED
    if cc is None:  # both flows are ns-3's: the reference against itself
        cmd += ["--transport=ns3tcp"]
    else:
        cmd += [f"--cc={cc}", "--ns3::MptcpSocket::Mptcp=false"]
    cmd += extra
    p = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited {p.returncode}: {p.stderr[-2000:]}")
    last = p.stdout.strip().splitlines()[-1]
    r = json.loads(last)
    flows = r["flows"]
    if len(flows) != 2 or any(f["goodput_bps"] <= 0 for f in flows):
        raise RuntimeError(f"seed {seed}: a flow has no goodput: {last}")
    if cc is not None and r["fallback"] is not False:
        raise RuntimeError(f"seed {seed}: unexpected fallback: {last}")
    return flows[0]["goodput_bps"] / flows[1]["goodput_bps"]


def expand(binary, extra):
    out = []
    for a in extra:
        out += cubic_args(binary) if a == "{cubic}" else [a]
    return out


def measure(binary, duration, seeds, jobs, cases):
    """Ratios per (case, seed); `duration` (if set) overrides each case's."""
    results = {}
    with tempfile.TemporaryDirectory() as tmp, \
            concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {}
        for name, cc, competitor, extra, secs in cases:
            args = expand(binary, extra)
            for seed in range(1, seeds + 1):
                futures[(name, seed)] = pool.submit(run_one, binary, duration or secs, cc,
                                                    competitor, args, seed, tmp)
        for key, fut in futures.items():
            results[key] = fut.result()
    return results


W = 34


def table(cases, seeds, results):
    lines = ["seed  " + "  ".join(f"{name:>{W}}" for name, *_ in cases)]
    for seed in range(1, seeds + 1):
        lines.append(f"{seed:>4}  " +
                     "  ".join(f"{results[(name, seed)]:>{W}.3f}" for name, *_ in cases))
    for label, f in (("min", min), ("max", max)):
        lines.append(f"{label:>4}  " + "  ".join(
            f"{f(results[(name, s)] for s in range(1, seeds + 1)):>{W}.3f}"
            for name, *_ in cases))
    lines.append("gmean " + "  ".join(
        f"{math.exp(sum(math.log(results[(name, s)]) for s in range(1, seeds + 1)) / seeds):>{W}.3f}"
        for name, *_ in cases))
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("binary", help="the mptcp-shared-bottleneck example")
    ap.add_argument("--duration", type=float, default=None,
                    help="simulated seconds per run (default: each case's own)")
    ap.add_argument("--seeds", type=int, default=10, help="RngRun 1..N")
    ap.add_argument("--jobs", type=int, default=max(2, os.cpu_count() or 2))
    ap.add_argument("--only", default=None, help="run only the cases whose name contains this")
    ap.add_argument("--survey", action="store_true",
                    help="run the comparisons of doc/calibration.md that are not checked")
    a = ap.parse_args()
    if not os.access(a.binary, os.X_OK):
        print(f"calibration: {a.binary} is not an executable", file=sys.stderr)
        return 2
    if a.duration is not None and a.duration <= 0:
        print("calibration: --duration must be positive", file=sys.stderr)
        return 2
    if a.seeds < 1:
        print("calibration: --seeds must be at least 1", file=sys.stderr)
        return 2
    cases = SURVEY if a.survey else CALIBRATED
    if a.only:
        cases = [c for c in cases if a.only in c[0]]
        if not cases:
            print(f"calibration: no case name contains {a.only!r}", file=sys.stderr)
            return 2
    started = time.monotonic()
    results = measure(a.binary, a.duration, a.seeds, a.jobs, cases)
    wall = time.monotonic() - started
    simulated = sum((a.duration or secs) * a.seeds for _, _, _, _, secs in cases)
    # The cost, so that a slow machine's timeout can be judged against it.
    print(f"cost: {len(cases) * a.seeds} runs, {simulated:g} s simulated, "
          f"{wall:.0f} s wall with {a.jobs} jobs")
    print(f"goodput ratio ours / ns-3, accepted [{LOW}, {HIGH}]")
    for name, cc, competitor, extra, secs in cases:
        print(f"  {name}: {a.duration or secs:g} s, ours={cc or competitor} ns-3={competitor} "
              f"{' '.join(expand(a.binary, extra))}".rstrip())
    print(table(cases, a.seeds, results))
    if a.survey:
        return 0
    bad = [(name, s, results[(name, s)]) for name, *_ in cases
           for s in range(1, a.seeds + 1) if not LOW <= results[(name, s)] <= HIGH]
    for name, s, v in bad:
        print(f"FAIL {name} seed {s}: ratio {v:.3f} outside [{LOW}, {HIGH}]")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())

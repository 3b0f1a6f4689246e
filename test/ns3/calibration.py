#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Calibration of the engine's single-path TCP against ns-3's own TCP.

One flow of our engine (one subflow, MPTCP off) and one ns-3 TcpSocketBase
flow share the dumbbell of mptcp-shared-bottleneck (10 Mbit/s, 40 ms RTT,
drop-tail queue of one bandwidth-delay product). The settings that decide
the outcome are the same on both sides (doc/calibration.md says why each
matters). For every seed the goodput ratio ours / ns-3 must lie in
[LOW, HIGH].

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

# (name, our cc, ns-3 variant, extra arguments). Our cc None: both flows
# are ns-3's (the reference against itself); "core:" before the variant:
# both flows are ours.
CALIBRATED = [
    ("reno-vs-linuxreno", "reno", "ns3::TcpLinuxReno", []),
]

# Measured for doc/calibration.md, not checked: ns-3 3.37's TcpCubic is no
# reference for a per-seed check (it is not fair to itself here).
SURVEY = [
    ("cubic-vs-ns3cubic", "cubic", "ns3::TcpCubic", []),
    ("cubic-vs-ns3cubic-nohystart", "cubic", "ns3::TcpCubic",
     ["--ns3::TcpCubic::HyStart=false"]),
    ("ns3cubic-vs-ns3cubic", None, "ns3::TcpCubic", []),
    ("cubic-vs-cubic(ours)", "cubic", "core:ns3::TcpCubic", []),
    ("cubic-vs-linuxreno", "cubic", "ns3::TcpLinuxReno", []),
    ("ns3linuxreno-vs-ns3linuxreno", None, "ns3::TcpLinuxReno", []),
    ("reno-vs-reno(ours)", "reno", "core:ns3::TcpNewReno", []),
    ("reno-vs-newreno-delack2", "reno", "ns3::TcpNewReno", []),
    ("reno-vs-newreno-delack1", "reno", "ns3::TcpNewReno", ["--delAckCount=1"]),
]


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


def measure(binary, duration, seeds, jobs, cases):
    results = {}
    with tempfile.TemporaryDirectory() as tmp, \
            concurrent.futures.ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = {}
        for name, cc, competitor, extra in cases:
            for seed in range(1, seeds + 1):
                futures[(name, seed)] = pool.submit(run_one, binary, duration, cc,
                                                    competitor, extra, seed, tmp)
        for key, fut in futures.items():
            results[key] = fut.result()
    return results


def table(cases, seeds, results):
    lines = ["seed  " + "  ".join(f"{name:>28}" for name, *_ in cases)]
    for seed in range(1, seeds + 1):
        lines.append(f"{seed:>4}  " +
                     "  ".join(f"{results[(name, seed)]:>28.3f}" for name, *_ in cases))
    for label, f in (("min", min), ("max", max)):
        lines.append(f"{label:>4}  " + "  ".join(
            f"{f(results[(name, s)] for s in range(1, seeds + 1)):>28.3f}"
            for name, *_ in cases))
    lines.append("gmean " + "  ".join(
        f"{math.exp(sum(math.log(results[(name, s)]) for s in range(1, seeds + 1)) / seeds):>28.3f}"
        for name, *_ in cases))
    return "\n".join(lines)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("binary", help="the mptcp-shared-bottleneck example")
    ap.add_argument("--duration", type=float, default=40.0, help="simulated seconds per run")
    ap.add_argument("--seeds", type=int, default=10, help="RngRun 1..N")
    ap.add_argument("--jobs", type=int, default=max(2, os.cpu_count() or 2))
    ap.add_argument("--survey", action="store_true",
                    help="run the comparisons of doc/calibration.md that are not checked")
    a = ap.parse_args()
    if not os.access(a.binary, os.X_OK):
        print(f"calibration: {a.binary} is not an executable", file=sys.stderr)
        return 2
    cases = SURVEY if a.survey else CALIBRATED
    results = measure(a.binary, a.duration, a.seeds, a.jobs, cases)
    print(f"goodput ratio ours / ns-3, {a.duration:g} s runs, accepted [{LOW}, {HIGH}]")
    for name, cc, competitor, extra in cases:
        print(f"  {name}: ours={cc or competitor} ns-3={competitor} {' '.join(extra)}".rstrip())
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

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Simulation against theory on paths of exogenous loss (loop.theory).

Each path of the loopback network is a 1 Gbit/s link of 20 ms one way
with random loss on it and room for every packet (a 10,000-packet queue
that never fills): the loss is the path's, not the network's, and the RTT
is 40 ms. Goodputs of single-path TCP (Reno), uncoupled Reno and LIA over
2 to 4 such paths, loss rates from 0.5% to 3%, are averaged over 10
seeds and set beside `mptcp-theory`'s equilibrium for the same paths
(quick form: --alg, --loss, --rtt) with Mathis's response and one packet
per ACK: the engine grows the window per byte acknowledged (RFC 3465), so
delayed ACKs do not slow the increase, and with random losses the
sawtooth's mean is Mathis's sqrt(3/(2p)) rather than the fluid
sqrt(2/p). Every configuration must agree within 10%.

Environment: MPTCP_LOOPBACK and MPTCP_THEORY (the programs),
MPTCP_LOOP_JOBS (parallel runs, default 2), MPTCP_THEORY_SEEDS (default
10), MPTCP_THEORY_SECONDS (virtual seconds per run, default 100).
"""
import json
import os
import statistics
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

LOOPBACK = os.environ.get("MPTCP_LOOPBACK", "mptcp-loopback")
THEORY = os.environ.get("MPTCP_THEORY", "mptcp-theory")
JOBS = int(os.environ.get("MPTCP_LOOP_JOBS", "2"))
SEEDS = int(os.environ.get("MPTCP_THEORY_SEEDS", "10"))
SECONDS = os.environ.get("MPTCP_THEORY_SECONDS", "100")
TOLERANCE = 0.10

# (algorithm, per-path loss rates, per-path one-way delays in ms)
CASES = [
    ("tcp", [0.005], [20]),
    ("tcp", [0.01], [20]),
    ("tcp", [0.03], [20]),
    ("reno", [0.005, 0.02], [20, 20]),
    ("reno", [0.01, 0.01, 0.03], [20, 20, 20]),
    ("reno", [0.005, 0.01, 0.02, 0.03], [20, 20, 20, 20]),
    ("lia", [0.01, 0.01], [20, 20]),
    ("lia", [0.005, 0.02], [20, 20]),
    ("lia", [0.01, 0.01, 0.03], [20, 20, 20]),
    ("lia", [0.005, 0.01, 0.02, 0.03], [20, 20, 20, 20]),
    ("lia", [0.01, 0.02], [20, 40]),
]


def simulate(alg, losses, delays, seed):
    n = len(losses)
    args = [LOOPBACK, "--mode", "tcp" if alg == "tcp" else "mptcp",
            "--cc", "reno" if alg in ("tcp", "reno") else alg,
            "--paths", str(n), "--rate", "1Gbps", "--queue", "10000",
            "--delay", ",".join(f"{d}ms" for d in delays),
            "--loss", ",".join(str(p) for p in losses),
            "--time", f"{SECONDS}s", "--virtual", "--seed", str(seed)]
    p = subprocess.run(args, capture_output=True, text=True, timeout=600)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(args)}: exit {p.returncode}: {p.stderr[-500:]}")
    return json.loads(p.stdout.strip().splitlines()[-1])["goodput_bps"] / 1e6


def theory(alg, losses, delays):
    args = [THEORY, "--alg", alg, "--response", "mathis", "--b", "1", "--json",
            "--loss", ",".join(str(p) for p in losses),
            "--rtt", ",".join(f"{2 * d}ms" for d in delays)]
    p = subprocess.run(args, capture_output=True, text=True, timeout=60)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(args)}: exit {p.returncode}: {p.stderr}")
    return json.loads(p.stdout.strip().splitlines()[-1])["users"][0]["rate_mbps"]


def main():
    failures = []
    with ThreadPoolExecutor(max_workers=JOBS) as pool:
        futures = {c: [pool.submit(simulate, *c, s) for s in range(1, SEEDS + 1)]
                   for c in map(tuple, ((a, tuple(l), tuple(d)) for a, l, d in CASES))}
        print(f"{'alg':5} {'loss':26} {'delay ms':14} {'sim Mbit/s':>11} {'sd':>6} "
              f"{'theory':>7} {'sim/theory':>10}")
        for (alg, losses, delays), fs in futures.items():
            g = [f.result() for f in fs]
            mean, sd = statistics.mean(g), statistics.stdev(g)
            t = theory(alg, losses, delays)
            ratio = mean / t
            print(f"{alg:5} {','.join(map(str, losses)):26} {','.join(map(str, delays)):14} "
                  f"{mean:11.3f} {sd:6.3f} {t:7.3f} {ratio:10.3f}")
            if abs(ratio - 1) > TOLERANCE:
                failures.append(f"{alg} loss {losses} delay {delays}: simulated {mean:.3f}, "
                                f"theory {t:.3f} Mbit/s ({ratio:.3f})")
    for f in failures:
        print("FAIL:", f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())

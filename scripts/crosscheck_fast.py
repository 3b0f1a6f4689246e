#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Cross-check of the two engines (doc/fast-mode.md): the shared-bottleneck
scenario and Khalili et al.'s scenario C run on ns-3 (--engine=ns3) and on
the fast engine (--engine=fast) with the same parameters and seeds; the
mean goodput per flow class over the seeds, side by side (the dumbbell:
the MPTCP connection and one single-path TCP flow; scenario C: a
multipath user and a single-path user).

    python3 scripts/crosscheck_fast.py [--build build] [--seeds 10]
        [--duration 60] [--khalili-duration 300] [--quick] [--tolerance 5]
        [--write-doc doc/validation.md]

--quick runs the reduced grid the test suite uses (two dumbbell rows, and
scenario C with LIA over 120 s). --fattree adds the FatTree (k = 4,
permutation traffic, 10 s runs): the aggregate throughput as a fraction
of the optimum per configuration, both engines, and each engine's fluid
prediction for the paths its own flows took (the two engines hash flows
onto paths differently, so they compare in distribution over seeds, not
run by run). With --tolerance, the
exit status is 1 when a class differs by more than that many percent.
--write-doc replaces the table between the markers
"<!-- crosscheck:begin -->" and "<!-- crosscheck:end -->" of the file.
Both engines run the competitors on the core's TCP (--competitor=core), so
what differs is the network alone: links, queues, timers.
"""
from __future__ import annotations

import argparse
import concurrent.futures as cf
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

FULL = [(cc, sf, tcp) for cc in ("lia", "olia", "reno") for sf in (1, 2, 4) for tcp in (1, 2, 4)]
QUICK = [("lia", 2, 1), ("reno", 2, 2)]
KHALILI_FULL = ["lia", "olia"]
KHALILI_QUICK = ["lia"]
BEGIN = "<!-- crosscheck:begin -->"
END = "<!-- crosscheck:end -->"


def run_one(prog: Path, engine: str, cc: str, sf: int, tcp: int, seed: int, duration: float) -> dict:
    cmd = [str(prog), f"--engine={engine}", "--competitor=core", f"--cc={cc}", f"--subflows={sf}",
           f"--tcpFlows={tcp}", f"--duration={duration:g}", f"--RngRun={seed}", "--progress=false",
           "--results=false", "--plot=false"]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=3600)
    if p.returncode != 0 or not p.stdout.strip():
        raise SystemExit(f"crosscheck: {' '.join(cmd)} failed ({p.returncode}): {p.stderr.strip()}")
    d = json.loads(p.stdout.strip().splitlines()[-1])
    mp = d["flows"][0]["goodput_bps"] / 1e6
    tcps = [f["goodput_bps"] / 1e6 for f in d["flows"][1:]]
    return {"mptcp": mp, "tcp": statistics.mean(tcps) if tcps else float("nan")}


def run_khalili(prog: Path, engine: str, cc: str, seed: int, duration: float) -> dict:
    cmd = [str(prog), f"--engine={engine}", f"--ccs={cc}", f"--RngRun={seed}",
           f"--duration={duration:g}", f"--warmup={duration / 2:g}", "--results=false", "--plot=false"]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=7200)
    if p.returncode != 0 or not p.stdout.strip():
        raise SystemExit(f"crosscheck: {' '.join(cmd)} failed ({p.returncode}): {p.stderr.strip()}")
    d = json.loads(p.stdout.strip().splitlines()[-1])
    return {c["name"]: c["mean_mbps"] for c in d["runs"][0]["classes"]}


def run_fattree(prog: Path, engine: str, seed: int) -> dict:
    cmd = [str(prog), f"--engine={engine}", "--k=4", "--subflows=1,2,4,8", "--tcp=true",
           f"--RngRun={seed}", "--results=false", "--plot=false",
           "--ns3::MptcpL4Protocol::VirtualPayload=true"]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=7200)
    if p.returncode != 0 or not p.stdout.strip():
        raise SystemExit(f"crosscheck: {' '.join(cmd)} failed ({p.returncode}): {p.stderr.strip()}")
    d = json.loads(p.stdout.strip().splitlines()[-1])
    return {r["config"]: (r["aggregate_fraction"], r["theory_fraction"]) for r in d["runs"]}


def ci95(xs: list[float]) -> float:
    # Student's t for n - 1 degrees of freedom (two-sided 95%), n <= 30
    t = [12.71, 4.30, 3.18, 2.78, 2.57, 2.45, 2.36, 2.31, 2.26, 2.23, 2.20, 2.18, 2.16, 2.14, 2.13,
         2.12, 2.11, 2.10, 2.09, 2.09, 2.08, 2.07, 2.07, 2.06, 2.06, 2.06, 2.05, 2.05, 2.05]
    n = len(xs)
    if n < 2:
        return float("nan")
    return t[min(n - 2, len(t) - 1)] * statistics.stdev(xs) / n ** 0.5


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", default="build", help="build directory (default: build)")
    ap.add_argument("--seeds", type=int, default=10, help="RngRun 1..N (default 10)")
    ap.add_argument("--duration", type=float, default=60.0, help="simulated seconds per run (default 60)")
    ap.add_argument("--khalili-duration", type=float, default=300.0,
                    help="simulated seconds of a scenario C run, measured over the second half "
                         "(default 300, the program's; --quick: 120)")
    ap.add_argument("--quick", action="store_true", help="the reduced grid of the test")
    ap.add_argument("--fattree", action="store_true", help="add the FatTree table (k = 4)")
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="runs at once")
    ap.add_argument("--tolerance", type=float, default=None, help="fail above this difference (percent)")
    ap.add_argument("--write-doc", default=None, help="write the table into this Markdown file")
    a = ap.parse_args()
    if a.seeds < 2 or a.duration <= 5 or a.jobs < 1:
        ap.error("--seeds must be >= 2, --duration > 5 (the warm-up), --jobs >= 1")
    prog = Path(a.build) / "examples" / "mptcp-shared-bottleneck"
    kprog = Path(a.build) / "examples" / "mptcp-khalili-c"
    for p in (prog, kprog):
        if not p.exists():
            print(f"crosscheck: {p} not found: build first (bash scripts/build.sh)", file=sys.stderr)
            return 2
    grid = QUICK if a.quick else FULL
    kgrid = KHALILI_QUICK if a.quick else KHALILI_FULL
    kdur = 120.0 if a.quick and a.khalili_duration == 300.0 else a.khalili_duration
    if kdur < 20:
        ap.error("--khalili-duration must be at least 20 s")
    jobs = {}
    kjobs = {}
    with cf.ThreadPoolExecutor(max_workers=a.jobs) as ex:
        # the long runs first
        for cc in kgrid:
            for eng in ("ns3", "fast"):
                for s in range(1, a.seeds + 1):
                    kjobs[(cc, eng, s)] = ex.submit(run_khalili, kprog, eng, cc, s, kdur)
        for cfg in grid:
            for eng in ("ns3", "fast"):
                for s in range(1, a.seeds + 1):
                    jobs[(cfg, eng, s)] = ex.submit(run_one, prog, eng, *cfg, s, a.duration)
        fjobs = {}
        if a.fattree:
            fprog = Path(a.build) / "examples" / "mptcp-fattree"
            for eng in ("ns3", "fast"):
                for s in range(1, a.seeds + 1):
                    fjobs[(eng, s)] = ex.submit(run_fattree, fprog, eng, s)
        res = {k: f.result() for k, f in jobs.items()}
        kres = {k: f.result() for k, f in kjobs.items()}
        fres = {k: f.result() for k, f in fjobs.items()}
    lines = [f"Shared bottleneck (10 Mbit/s, 40 ms RTT, drop-tail of one BDP), {a.duration:g} s runs "
             f"(5 s warm-up), RngRun 1-{a.seeds}: mean goodput per flow class in Mbit/s "
             "(± 95% interval), both engines.", "",
             "| cc | subflows | TCP flows | MPTCP ns-3 | MPTCP fast | diff | TCP ns-3 | TCP fast | diff |",
             "|---|---|---|---|---|---|---|---|---|"]
    worst = 0.0

    def cells(values: dict[str, list[float]]) -> tuple[list[str], float]:
        """Both engines' mean ± interval and their difference in percent."""
        m = {e: statistics.mean(values[e]) for e in values}
        diff = 100.0 * (m["fast"] - m["ns3"]) / m["ns3"] if m["ns3"] > 0 else float("nan")
        return [f"{m['ns3']:.3f} ± {ci95(values['ns3']):.3f}",
                f"{m['fast']:.3f} ± {ci95(values['fast']):.3f}", f"{diff:+.1f}%"], abs(diff)

    for cfg in grid:
        row = [cfg[0], str(cfg[1]), str(cfg[2])]
        for cls in ("mptcp", "tcp"):
            c, d = cells({e: [res[(cfg, e, s)][cls] for s in range(1, a.seeds + 1)] for e in ("ns3", "fast")})
            worst = max(worst, d)
            row += c
        lines.append("| " + " | ".join(row) + " |")
    lines += ["", f"Khalili et al.'s scenario C (10 multipath users on AP1 and AP2, 10 single-path "
              f"users on AP2, 1 Mbit/s per user, RED), {kdur:g} s runs measured over the second "
              f"half, RngRun 1-{a.seeds}: mean goodput per user in Mbit/s (± 95% interval), both "
              "engines.", "",
              "| cc | multipath ns-3 | multipath fast | diff | single-path ns-3 | single-path fast | diff |",
              "|---|---|---|---|---|---|---|"]
    for cc in kgrid:
        row = [cc]
        for cls in ("multipath", "single-path"):
            c, d = cells({e: [kres[(cc, e, s)][cls] for s in range(1, a.seeds + 1)] for e in ("ns3", "fast")})
            worst = max(worst, d)
            row += c
        lines.append("| " + " | ".join(row) + " |")
    if a.fattree:
        lines += ["", f"FatTree k = 4 (16 hosts, 100 Mbit/s links, permutation traffic), 10 s runs "
                  f"(2 s warm-up), RngRun 1-{a.seeds}: aggregate throughput as a fraction of the "
                  "optimum (± 95% interval), and each engine's fluid prediction over the paths its "
                  "flows took. Not counted in the largest difference: the engines' ECMP hashes differ.",
                  "", "| config | ns-3 | ns-3 theory | fast | fast theory | diff |", "|---|---|---|---|---|---|"]
        for cfg in ("tcp", "mptcp-1", "mptcp-2", "mptcp-4", "mptcp-8"):
            v = {e: [fres[(e, s)][cfg][0] for s in range(1, a.seeds + 1)] for e in ("ns3", "fast")}
            t = {e: [fres[(e, s)][cfg][1] for s in range(1, a.seeds + 1)
                     if fres[(e, s)][cfg][1] is not None] for e in ("ns3", "fast")}
            m = {e: statistics.mean(v[e]) for e in v}
            tm = {e: (f"{statistics.mean(t[e]):.3f}" if t[e] else "-") for e in t}
            diff = 100.0 * (m["fast"] - m["ns3"]) / m["ns3"] if m["ns3"] > 0 else float("nan")
            lines.append(f"| {cfg} | {m['ns3']:.3f} ± {ci95(v['ns3']):.3f} | {tm['ns3']} | "
                         f"{m['fast']:.3f} ± {ci95(v['fast']):.3f} | {tm['fast']} | {diff:+.1f}% |")
    lines += ["", f"Largest difference: {worst:.1f}%."]
    text = "\n".join(lines)
    print(text)
    if a.write_doc:
        doc = Path(a.write_doc)
        body = doc.read_text()
        if BEGIN not in body or END not in body:
            print(f"crosscheck: {doc} has no {BEGIN} ... {END} markers", file=sys.stderr)
            return 2
        head, rest = body.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        doc.write_text(head + BEGIN + "\n" + text + "\n" + END + tail)
    if a.tolerance is not None and worst > a.tolerance:
        print(f"crosscheck: the engines differ by {worst:.1f}% (> {a.tolerance:g}%)", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from mptcp.cli import run_main

    run_main(main, "crosscheck_fast")

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""End-to-end checks of examples/mptcp-shaping (the traffic-shaping
question, threats F2/F3): usage: test_shaping.py PROGRAM

A host with 4 subflows and 4 TCP hosts at a 10 Mbit/s bottleneck, 30 s
(20 s measured), RngRun 1 and 2:
  - uncoupled Reno: the host takes about twice its fair share or more under
    drop-tail and per-flow FQ-CoDel (share_ratio >= 1.6), and its fair share
    under per-host FQ-CoDel (0.85..1.15, Jain over the hosts >= 0.98);
  - LIA (coupled): close to its fair share under drop-tail (0.7..1.3);
  - every discipline keeps the bottleneck busy (utilisation >= 0.85).
Also: the same run twice gives the same JSON byte for byte; results.db has
one run per discipline whose share_ratio is the JSON's; the same run again
is refused (exit 2) and replaced with --overwrite=true; the plot is written;
bad options exit 2 with a message naming them.
"""
import json
import os
import sqlite3
import sys
import tempfile

from scenario_checks import bad_option_failures, run

COMMON = ["--duration=30", "--warmup=10"]


def last_json(p):
    return json.loads(p.stdout.strip().splitlines()[-1])


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    program = argv[1]
    failures = []

    bad_options = (
        (["--subflows=0"], "--subflows"),
        (["--subflows=x"], "--subflows"),
        (["--tcpHosts=65"], "--tcpHosts"),
        (["--queueDiscs=codel"], "--queueDisc"),
        (["--queueDiscs=droptail,droptail"], "twice"),
        (["--queueDiscs=droptail,"], "--queueDiscs"),
        (["--cc=foo"], "--cc"),
        (["--duration=5", "--warmup=10"], "--duration"),
        (["--bottleneckRate=fast"], "--bottleneckRate"),
        (["--bottleneckDelay=-1"], "--bottleneckDelay"),
        (["--overwrite=maybe"], "true or false"),
        (["stray"], "unexpected argument"),
    )
    failures += bad_option_failures(program, bad_options, "--results=false", "--plot=false")

    with tempfile.TemporaryDirectory() as out:
        results = {}
        for seed in (1, 2):
            p = run(program, *COMMON, f"--RngRun={seed}", f"--outputDir={out}")
            if p.returncode != 0:
                failures.append(f"RngRun={seed}: exit {p.returncode}: {p.stderr}")
                continue
            results[seed] = p.stdout.strip().splitlines()[-1]
            d = json.loads(results[seed])
            rows = {r["queueDisc"]: r for r in d["queue_discs"]}
            if sorted(rows) != ["droptail", "fqcodel", "fqcodel-host", "red"]:
                failures.append(f"RngRun={seed}: disciplines {sorted(rows)}")
                continue
            for name in ("droptail", "fqcodel"):
                if rows[name]["share_ratio"] < 1.6:
                    failures.append(f"RngRun={seed} {name}: share_ratio "
                                    f"{rows[name]['share_ratio']} < 1.6")
            host = rows["fqcodel-host"]
            if not 0.85 <= host["share_ratio"] <= 1.15 or host["jain_hosts"] < 0.98:
                failures.append(f"RngRun={seed} fqcodel-host: {host}")
            for name, r in rows.items():
                if r["utilisation"] < 0.85 or r["subflows"] != 4:
                    failures.append(f"RngRun={seed} {name}: {r}")
                # the prediction beside the measurement: 4 uncoupled
                # subflows and 4 TCP hosts take 4/8 of a FIFO or a
                # per-flow fair queue (2.5 fair shares), one host's share
                # of a per-host fair queue; measured within 30% of it
                want = 1.0 if name == "fqcodel-host" else 2.5
                t = r.get("theory_share_ratio")
                if t is None or abs(t - want) > 0.02 * want:
                    failures.append(f"RngRun={seed} {name}: theory_share_ratio {t}, not {want}")
                elif abs(r["share_ratio"] / t - 1) > 0.3:
                    failures.append(f"RngRun={seed} {name}: share_ratio {r['share_ratio']} "
                                    f"not within 30% of the prediction {t}")
            print(f"RngRun={seed}: " + ", ".join(
                f"{n} {r['share_ratio']:.3f} (Jain {r['jain_hosts']:.3f})"
                for n, r in sorted(rows.items())))

        if 1 in results:
            again = run(program, *COMMON, "--RngRun=1", "--results=false", "--plot=false")
            if again.stdout.strip().splitlines()[-1:] != [results[1]]:
                failures.append("RngRun=1 twice: different JSON")
            for ext in ("plt", "dat"):
                if not os.path.exists(os.path.join(out, f"mptcp-shaping.{ext}")):
                    failures.append(f"no mptcp-shaping.{ext}")
            db = sqlite3.connect(os.path.join(out, "results.db"))
            stored = db.execute(
                "SELECT r.rng_run, p.value, m.value FROM run r "
                "JOIN param p ON p.point_id = r.point_id AND p.name = 'queueDisc' "
                "JOIN metric m ON m.run_id = r.id AND m.name = 'share_ratio' "
                "WHERE r.status = 'ok'").fetchall()
            db.close()
            if len(stored) != 8:
                failures.append(f"results.db: {len(stored)} runs with share_ratio, not 8")
            want = {r["queueDisc"]: r["share_ratio"]
                    for r in json.loads(results[1])["queue_discs"]}
            for seed, disc, value in stored:
                if seed == 1 and abs(value - want[disc]) > 1e-6 * max(1.0, want[disc]):
                    failures.append(f"results.db {disc}: {value}, JSON {want[disc]}")
            p = run(program, *COMMON, "--RngRun=1", "--plot=false", f"--outputDir={out}")
            if p.returncode != 2 or "--overwrite=true" not in p.stderr:
                failures.append(f"repeated run: exit {p.returncode}: {p.stderr.strip()}")
            p = run(program, *COMMON, "--RngRun=1", "--plot=false", "--overwrite=true",
                    "--queueDiscs=fqcodel-host", f"--outputDir={out}")
            db = sqlite3.connect(os.path.join(out, "results.db"))
            runs = db.execute("SELECT count(*) FROM run WHERE status = 'ok'").fetchone()[0]
            db.close()
            if p.returncode != 0 or runs != 8:
                failures.append(f"overwrite: exit {p.returncode}, {runs} runs: {p.stderr}")

    p = run(program, *COMMON, "--cc=lia", "--queueDiscs=droptail", "--results=false",
            "--plot=false")
    if p.returncode != 0:
        failures.append(f"lia: exit {p.returncode}: {p.stderr}")
    else:
        r = last_json(p)["queue_discs"][0]
        print(f"lia droptail: {r['share_ratio']:.3f}")
        if not 0.7 <= r["share_ratio"] <= 1.3:
            failures.append(f"lia droptail: share_ratio {r['share_ratio']}")
        # LIA over 4 subflows of one bottleneck: one TCP's share (RFC 6356)
        if r.get("theory_share_ratio") is None or abs(r["theory_share_ratio"] - 1) > 0.02:
            failures.append(f"lia droptail: theory_share_ratio {r.get('theory_share_ratio')}")
    p = run(program, *COMMON, "--cc=cubic", "--queueDiscs=droptail", "--duration=12",
            "--results=false", "--plot=false")
    r = last_json(p)["queue_discs"][0] if p.returncode == 0 else {}
    if r.get("theory_share_ratio", 0) is not None or "no fluid model" not in r.get("theory_basis", ""):
        failures.append(f"cubic: no prediction expected, got {r}")

    for f in failures:
        print("FAIL:", f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""End-to-end checks of examples/mptcp-fattree: usage:
test_fattree.py PROGRAM

A k = 4 FatTree (16 hosts, 100 Mbit/s links, flow-hash ECMP), a
permutation, 2 s runs measured after 0.5 s, single-path TCP and MPTCP with
4 subflows:
  - every MPTCP flow carries data (a TCP flow may not: one that loses its
    first window waits out the 1 s initial RTO), and no flow beats its
    link;
  - MPTCP's aggregate is closer to the optimum than TCP's (the SIGCOMM
    2011 result: subflows move off ECMP collisions), and its worst flow
    does better than TCP's;
Also: the same run twice gives the same JSON byte for byte; results.db
has one run per configuration with the JSON's aggregate; the plot is
written; bad options exit 2 with a message naming them.
"""
import json
import math
import os
import sqlite3
import sys
import tempfile

from scenario_checks import bad_option_failures, run

ARGS = ["--k=4", "--subflows=4", "--tcp=true", "--duration=2", "--warmup=0.5"]


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    program = argv[1]
    failures = bad_option_failures(program, (
        (["--k=5"], "--k"),
        (["--k=2"], "--k"),
        (["--subflows=9"], "--subflows"),
        (["--subflows=two"], "--subflows"),
        (["--rate=fast"], "--rate"),
        (["--cc=vegas"], "--cc"),
        (["--warmup=20"], "--warmup"),
        (["--tcp=maybe"], "--tcp"),
        (["stray"], "unexpected argument"),
    ), "--results=false", "--plot=false")
    with tempfile.TemporaryDirectory() as out:
        p = run(program, *ARGS, f"--outputDir={out}")
        if p.returncode != 0:
            failures.append(f"run: exit {p.returncode}: {p.stderr[-2000:]}")
        else:
            line = p.stdout.strip().splitlines()[-1]
            runs = {r["config"]: r for r in json.loads(line)["runs"]}
            for r in runs.values():
                print(f"{r['config']:8}: {r['aggregate_fraction']:.3f} of the optimum, flows "
                      f"{r['min_mbps']:.1f} / {r['median_mbps']:.1f} / {r['max_mbps']:.1f} "
                      f"Mbit/s (min / median / max), Jain {r['jain']:.3f}")
                if len(r["flows_mbps"]) != 16:
                    failures.append(f"{r['config']}: {len(r['flows_mbps'])} flows")
                # goodput over 1.5 s: a reordered window released at once
                # can lift it a little above the payload rate of the link
                if max(r["flows_mbps"]) > 100 * 1448 / 1500 * 1.05:
                    failures.append(f"{r['config']}: a flow above its link: {r['flows_mbps']}")
            tcp, mp = runs["tcp"], runs["mptcp-4"]
            # A TCP flow whose first window is lost waits out a 1 s RTO (and
            # its backoff): in so short a run it may carry nothing. MPTCP's
            # subflows do not all lose theirs.
            if min(mp["flows_mbps"]) <= 0:
                failures.append(f"mptcp-4: a flow carried nothing: {mp['flows_mbps']}")
            if not (mp["aggregate_fraction"] > tcp["aggregate_fraction"]
                    and mp["min_mbps"] > tcp["min_mbps"]):
                failures.append(f"MPTCP does not beat TCP: {mp} {tcp}")
            # the fluid model over the paths the subflows took: TCP's
            # collisions cost it a share, four subflows most of it back;
            # each measurement (a 1.5 s window) within 30% of it
            for r in (tcp, mp):
                t = r.get("theory_fraction")
                print(f"{r['config']:8}: theory {t}")
                if t is None or not 0.3 < t <= 1.0001 or \
                        abs(r["aggregate_fraction"] / t - 1) > 0.3:
                    failures.append(f"{r['config']}: theory {t}, measured "
                                    f"{r['aggregate_fraction']}: {r.get('theory_note')}")
            if not (tcp.get("theory_fraction") or 1) < (mp.get("theory_fraction") or 0):
                failures.append("theory: four subflows do not beat TCP")
            again = run(program, *ARGS, "--results=false", "--plot=false")
            if again.stdout.strip().splitlines()[-1:] != [line]:
                failures.append("the same run twice: different JSON")
            for ext in ("plt", "dat"):
                if not os.path.exists(os.path.join(out, f"mptcp-fattree.{ext}")):
                    failures.append(f"no mptcp-fattree.{ext}")
            db = sqlite3.connect(os.path.join(out, "results.db"))
            stored = dict(db.execute(
                "SELECT p.value, m.value FROM run r "
                "JOIN param p ON p.point_id = r.point_id AND p.name = 'config' "
                "JOIN metric m ON m.run_id = r.id AND m.name = 'aggregate_fraction' "
                "WHERE r.status = 'ok'").fetchall())
            db.close()
            for name, r in runs.items():
                if not math.isclose(stored.get(name, -1), r["aggregate_fraction"], rel_tol=1e-6):
                    failures.append(f"results.db {name}: {stored.get(name)}")
    for f in failures:
        print("FAIL:", f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

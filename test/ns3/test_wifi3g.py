#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""End-to-end checks of examples/mptcp-wifi-3g: usage:
test_wifi3g.py PROGRAM

WiFi (8 Mbit/s, 10 ms, 2% loss, 10 packets) plus 3G (2 Mbit/s, 75 ms, 1%
loss, 64 packets), 20 s runs, minrtt and blest, opportunistic
retransmission off and on, receive buffers of 30 KB and 400 KB:
  - with 30 KB, minrtt loses goodput to head-of-line blocking: below its
    goodput with 400 KB, and below single-path TCP over WiFi;
  - opportunistic retransmission and penalisation happen only when on,
    and with 30 KB raise minrtt's goodput;
  - every MPTCP run uses the WiFi path; TCP over WiFi beats TCP over 3G.
Also: the same run twice gives the same JSON; results.db has every run;
the plot is written; bad options exit 2 with a message naming them.
"""
import json
import os
import sqlite3
import sys
import tempfile

from scenario_checks import bad_option_failures, run

ARGS = ["--duration=20", "--schedulers=minrtt,blest", "--opportunistic=false,true",
        "--rcvBufs=30000,400000"]


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    program = argv[1]
    failures = bad_option_failures(program, (
        (["--schedulers=fastest"], "--schedulers"),
        (["--opportunistic=sometimes"], "--opportunistic"),
        (["--rcvBufs=10"], "--rcvBufs"),
        (["--wifiLoss=0.9"], "--wifiLoss"),
        (["--cellRate=slow"], "--cellRate"),
        (["--cc=vegas"], "--cc"),
        (["--warmup=90"], "--warmup"),
        (["stray"], "unexpected argument"),
    ), "--results=false", "--plot=false")
    with tempfile.TemporaryDirectory() as out:
        p = run(program, *ARGS, f"--outputDir={out}")
        if p.returncode != 0:
            failures.append(f"run: exit {p.returncode}: {p.stderr[-2000:]}")
        else:
            line = p.stdout.strip().splitlines()[-1]
            runs = json.loads(line)["runs"]
            key = {(r["scheduler"], r["opportunistic"], r["rcvBuf"]): r for r in runs}
            for r in runs:
                print(f"{r['scheduler']:10} opp={r['opportunistic']!s:5} buf={r['rcvBuf']:6}: "
                      f"{r['goodput_mbps']:.2f} Mbit/s (wifi {r['wifi_mbps']:.2f}, "
                      f"3g {r['cell_mbps']:.2f}), opp {r['opportunistic_retransmissions']}, "
                      f"penalised {r['penalisations']}")
                if not r["scheduler"].startswith("tcp"):
                    if r["wifi_mbps"] < 1:
                        failures.append(f"WiFi unused: {r}")
                    if not r["opportunistic"] and (r["opportunistic_retransmissions"]
                                                   or r["penalisations"]):
                        failures.append(f"opportunistic when off: {r}")
            small = key[("minrtt", False, 30000)]
            big = key[("minrtt", False, 400000)]
            opp = key[("minrtt", True, 30000)]
            wifi = key[("tcp-wifi", False, 30000)]
            cell = key[("tcp-3g", False, 30000)]
            if not (small["goodput_mbps"] < 0.9 * big["goodput_mbps"]
                    and small["goodput_mbps"] < wifi["goodput_mbps"]):
                failures.append(f"no head-of-line penalty: {small} {big} {wifi}")
            if not (opp["opportunistic_retransmissions"] > 0 and opp["penalisations"] > 0
                    and opp["goodput_mbps"] > small["goodput_mbps"]):
                failures.append(f"opportunistic retransmission does not help: {opp}")
            if not wifi["goodput_mbps"] > 2 * cell["goodput_mbps"]:
                failures.append(f"baselines: {wifi} {cell}")
            # the fluid model (unlimited buffer): each baseline within 30%
            # of one TCP's prediction on its path; the large buffer's
            # connection within 30% of the connection's; the small buffer
            # below what the paper says it needs, and below the prediction
            theory = json.loads(line)["theory"]
            print(f"theory: {theory}")
            for r in (wifi, cell, big):
                t = r.get("theory_mbps")
                if t is None or abs(r["goodput_mbps"] / t - 1) > 0.3:
                    failures.append(f"{r['scheduler']} buf={r['rcvBuf']}: "
                                    f"{r['goodput_mbps']} against the prediction {t}")
            need = theory.get("rcvbuf_needed_bytes")
            if need is None or not 30000 < need < 400000 or \
                    small["goodput_mbps"] > small["theory_mbps"]:
                failures.append(f"buffer prediction: {theory}, small buffer {small}")
            again = run(program, *ARGS, "--results=false", "--plot=false")
            if again.stdout.strip().splitlines()[-1:] != [line]:
                failures.append("the same run twice: different JSON")
            for ext in ("plt", "dat"):
                if not os.path.exists(os.path.join(out, f"mptcp-wifi-3g.{ext}")):
                    failures.append(f"no mptcp-wifi-3g.{ext}")
            db = sqlite3.connect(os.path.join(out, "results.db"))
            n = db.execute("SELECT count(*) FROM run WHERE status = 'ok'").fetchone()[0]
            db.close()
            if n != len(runs):
                failures.append(f"results.db: {n} runs, JSON {len(runs)}")
    for f in failures:
        print("FAIL:", f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

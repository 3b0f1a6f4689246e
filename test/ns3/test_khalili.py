#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""End-to-end checks of examples/mptcp-khalili-{a,b,c}: usage:
test_khalili.py PROGRAM_A PROGRAM_B PROGRAM_C

Short runs (60 s, measured over the last 30 s), smaller populations:
  - C (5 multipath users on AP1 and AP2, 5 single-path users on AP2, 1
    Mbit/s each): both APs run near capacity and never above it, RED drops
    on both (loss in (0, 0.1)), the path RTT is about 150 ms with the
    queue, and with LIA the multipath users send through AP2 and get more
    than the single-path users (the paper's problem P2); the fluid model's
    prediction (mptcp-theory) is printed, within 20% of LIA's measured
    means, and for OLIA the window floor lowers the single-path share;
  - A (5 type1, 5 type2): without the upgrade (--multipath=false) type1
    and type2 users get about the same; upgraded with LIA, type2 users get
    less than they did (problem P1);
  - B (5 Blue, 5 Red, the paper's CX = 27 and CT = 36 scaled by 1/3): X
    and T carry near their capacity.
Also: the same run twice gives the same JSON (each of A, B, C); results.db has
a run per congestion control with the JSON's class means; the same run
again is refused (exit 2); the plot is written; bad options exit 2 with a
message naming them.
"""
import json
import math
import os
import sqlite3
import sys
import tempfile

from scenario_checks import bad_option_failures, run

SHORT = ["--duration=60", "--warmup=30"]


def runs(program, *args):
    p = run(program, *SHORT, *args)
    if p.returncode != 0:
        raise RuntimeError(f"{os.path.basename(program)} {args}: exit {p.returncode}: "
                           f"{p.stderr[-2000:]}")
    return json.loads(p.stdout.strip().splitlines()[-1])


def cls(run_, name):
    return next(c for c in run_["classes"] if c["name"] == name)


def capacity_failures(tag, run_, names):
    out = []
    for b in run_["bottlenecks"]:
        if b["name"] not in names:
            continue
        rate, got = b["rate_mbps"], b["goodput_mbps"]
        # goodput is payload: 1448 of 1500 bytes on the wire
        if not 0.8 * rate < got <= rate * 1448 / 1500 * 1.01:
            out.append(f"{tag} {b['name']}: {got} Mbit/s of {rate}")
        if not 0 < b["loss"] < 0.1:
            out.append(f"{tag} {b['name']}: loss {b['loss']}")
    return out


def main(argv):
    if len(argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    prog_a, prog_b, prog_c = argv[1:]
    failures = []

    bad = (
        (["--ccs=foo"], "--ccs"),
        (["--ccs=lia,lia"], "twice"),
        (["--n1=0"], "--n1"),
        (["--n2=x"], "--n2"),
        (["--c1=-1"], "--c1"),
        (["--rttMs=5"], "--rttMs"),
        (["--redMin=60"], "RED"),
        (["--redMaxP=0"], "--redMaxP"),
        (["--tcp=quic"], "--tcp"),
        (["--warmup=400"], "--warmup"),
        (["--multipath=maybe"], "--multipath"),
        (["stray"], "unexpected argument"),
    )
    failures += bad_option_failures(prog_c, bad, "--results=false", "--plot=false")
    failures += bad_option_failures(prog_b, ((["--cx=0"], "--cx"), (["--ct=x"], "--ct")),
                                    "--results=false", "--plot=false")
    failures += bad_option_failures(prog_a, ((["--c2=0"], "--c2"), (["--n1=201"], "--n1")),
                                    "--results=false", "--plot=false")
    # an option of another scenario: ns-3's CommandLine refuses it by name
    for prog, opt in ((prog_b, "--c1=1"), (prog_a, "--cx=27")):
        p = run(prog, opt, "--results=false", "--plot=false")
        name = os.path.basename(prog)
        if p.returncode == 0 or f"Invalid command-line argument: {opt}" not in p.stderr \
                or f"{name} [Program Options]" not in p.stderr:
            failures.append(f"{name} {opt}: exit {p.returncode}, {p.stderr[:200]!r}")

    # C
    with tempfile.TemporaryDirectory() as out:
        c_args = ["--n1=5", "--n2=5", "--ccs=lia,olia"]
        d = runs(prog_c, *c_args, f"--outputDir={out}")
        for r in d["runs"]:
            mp, sp = cls(r, "multipath"), cls(r, "single-path")
            print(f"C {r['cc']}: multipath {mp['mean_mbps']} (via AP2 {mp['via_mbps']['ap2']}), "
                  f"single-path {sp['mean_mbps']}; loss "
                  + ", ".join(f"{b['name']} {b['loss']:.4f}" for b in r["bottlenecks"])
                  + f"; srtt {mp['srtt_ms']:.0f} ms")
            failures += capacity_failures(f"C {r['cc']}", r, ("ap1", "ap2"))
            if not 120 < mp["srtt_ms"] < 200:
                failures.append(f"C {r['cc']}: srtt {mp['srtt_ms']} ms")
        lia = d["runs"][0]
        mp, sp = cls(lia, "multipath"), cls(lia, "single-path")
        # the fluid model beside the measurement (mptcp-theory: RED, Mathis)
        for c in (mp, sp):
            t = c["theory_mean_mbps"]
            print(f"C lia {c['name']}: measured {c['mean_mbps']}, theory {t}")
            if t is None or abs(c["mean_mbps"] - t) > 0.2 * t:
                failures.append(f"C lia {c['name']}: theory {t}, measured {c['mean_mbps']}")
        olia = cls(d["runs"][1], "single-path")
        if not (olia["theory_floor_mean_mbps"] is not None
                and olia["theory_floor_mean_mbps"] < olia["theory_mean_mbps"]):
            failures.append(f"C olia: the window floor should lower the single-path "
                            f"users' share in theory: {olia}")
        if not (mp["via_mbps"]["ap2"] > 0.3 and mp["mean_mbps"] > sp["mean_mbps"]):
            failures.append(f"C lia: no harm to single-path users: {lia}")
        line = json.dumps(d, sort_keys=True)
        again = runs(prog_c, *c_args, "--results=false", "--plot=false")
        if json.dumps(again, sort_keys=True) != line:
            failures.append("C: the same run twice gave different JSON")
        for ext in ("plt", "dat"):
            if not os.path.exists(os.path.join(out, f"mptcp-khalili-c.{ext}")):
                failures.append(f"no mptcp-khalili-c.{ext}")
        db = sqlite3.connect(os.path.join(out, "results.db"))
        stored = dict(db.execute(
            "SELECT p.value, m.value FROM run r "
            "JOIN param p ON p.point_id = r.point_id AND p.name = 'cc' "
            "JOIN metric m ON m.run_id = r.id AND m.name = 'single-path_mean_goodput_bps' "
            "WHERE r.status = 'ok'").fetchall())
        db.close()
        for r in d["runs"]:
            got = stored.get(r["cc"])
            want = cls(r, "single-path")["mean_mbps"] * 1e6
            if got is None or not math.isclose(got, want, rel_tol=1e-3, abs_tol=1e3):
                failures.append(f"results.db C {r['cc']}: {got}, JSON {want}")
        p = run(prog_c, *SHORT, *c_args, "--plot=false", f"--outputDir={out}")
        if p.returncode != 2 or "--overwrite=true" not in p.stderr:
            failures.append(f"repeated run: exit {p.returncode}: {p.stderr.strip()}")

    # A
    a_args = ["--n1=5", "--n2=5", "--ccs=lia", "--results=false", "--plot=false"]
    before = runs(prog_a, *a_args, "--multipath=false")["runs"][0]
    after = runs(prog_a, *a_args)["runs"][0]
    if runs(prog_a, *a_args)["runs"][0] != after:
        failures.append("A: the same run twice gave different JSON")
    t1b, t2b = cls(before, "type1")["mean_mbps"], cls(before, "type2")["mean_mbps"]
    t2a = cls(after, "type2")["mean_mbps"]
    print(f"A lia: type1/type2 {t1b}/{t2b} single-path, type2 {t2a} after the upgrade")
    failures += capacity_failures("A", after, ("server", "ap"))
    if not (abs(t1b - t2b) < 0.15 * t1b and t2a < 0.95 * t2b):
        failures.append(f"A: before {before}, after {after}")

    # B
    b_args = ["--n1=5", "--n2=5", "--cx=9", "--ct=12", "--cyz=33", "--ccs=lia",
              "--results=false", "--plot=false"]
    b = runs(prog_b, *b_args)["runs"][0]
    if runs(prog_b, *b_args)["runs"][0] != b:
        failures.append("B: the same run twice gave different JSON")
    print("B lia: blue " + str(cls(b, "blue")["mean_mbps"]) + ", red "
          + str(cls(b, "red")["mean_mbps"]))
    failures += capacity_failures("B", b, ("x", "t"))

    for f in failures:
        print("FAIL:", f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Runs examples/mptcp-attack and checks every attack's outcome.

Usage: test_attack.py PROGRAM

Over RngRun 1..3 (doc/security.md, "ns-3 attack scenario"):
  - off-path rst and mp-tcprst (blind, one guess per 65535 sequence
    numbers): succeed with RstSeqCheck off, fail with it on;
  - fastclose, on-path with a wrong key and off-path: succeed with
    FastcloseKeyCheck off, fail with it on;
  - mp-prio, on-path: succeeds whatever --defence says (RFC 8684 does
    not authenticate the option: a residual threat the document states);
    off-path (blind guesses with one random acknowledgement number):
    succeeds with OptionAckCheck off, fails with it on (RFC 5961 section
    5.2 before the options, as Linux);
  - remove-addr, on-path: succeeds with RemoveAddrProbe off, fails with
    it on;
  - dsn-inject, 50 forgeries: delivered to B's application when forged at
    B's data-level RCV.NXT, none when 20000 bytes behind it;
  - join-flood, on-path (the real token from the keys seen): with
    EnforceLimits and SynCookies on, B never holds more than
    MaxHalfOpenJoins half-open joins and A's own join completes through
    the flood (SYN cookies) within twice the baseline's latency; off, B
    holds more (attack_succeeded) and A's join never completes
    (legit_join_latency_ms null, the baseline's a number);
  - join-guess, off-path (random tokens): fails either way (no switch),
    every guess refused as an unknown token or lost in the queue;
  - add-addr, on-path, announcing the attacker's relay: with
    AddAddrHmacCheck on, no byte goes through the attacker; off, over a
    fifth of B's bytes do (man in the middle); with the keys seen in
    MP_CAPABLE (--useKeys=true) the HMAC is right and the check no help;
  - hole-flood, on-path, 5000 one-byte forgeries with holes between: beyond
    B's window, EnforceConnWindow and MaxOfoRanges drop them all and B
    holds at most rcvbuf + one MSS per subflow; without them B holds more
    (attack_succeeded); inside the window B stays within that bound either
    way.
Also: the same run twice gives the same JSON byte for byte; bad options
exit 2 with a message; the run is recorded in results.db, a repeat of it
is refused (exit 2) and replaced with --overwrite=true.
"""
import concurrent.futures
import json
import os
import sqlite3
import sys
import tempfile

from scenario_checks import bad_option_failures, run

SEEDS = (1, 2, 3)
COMMON = ["--duration=5", "--results=false"]


def outcome(program, args):
    p = run(program, *args)
    if p.returncode != 0:
        raise RuntimeError(f"{args}: exit {p.returncode}: {p.stderr[-2000:]}")
    return p.stdout.strip().splitlines()[-1]


# hole-flood: 5000 one-byte forgeries, one every 200 us, a hole between each two
HOLE = ["--attack=hole-flood", "--guesses=5000", "--intervalUs=200", "--payloadLen=1"]
# (label, args, expected attack_succeeded with the defence on, with it off)
CASES = [
    ("rst off-path", ["--attack=rst", "--offPath=true"], False, True),
    ("mp-tcprst off-path", ["--attack=mp-tcprst", "--offPath=true"], False, True),
    ("fastclose on-path", ["--attack=fastclose"], False, True),
    ("fastclose off-path", ["--attack=fastclose", "--offPath=true"], False, True),
    ("mp-prio on-path", ["--attack=mp-prio"], True, True),
    ("mp-prio off-path", ["--attack=mp-prio", "--offPath=true"], False, True),
    ("remove-addr on-path", ["--attack=remove-addr"], False, True),
    ("join-flood on-path", ["--attack=join-flood"], False, True),
    ("join-guess off-path", ["--attack=join-guess", "--offPath=true"], False, False),
    # 10 s: the share through the attacker settles above 0.3 (0.27 at 5 s)
    ("add-addr on-path", ["--attack=add-addr", "--duration=10"], False, True),
    ("add-addr on-path, keys", ["--attack=add-addr", "--useKeys=true", "--duration=10"], True,
     True),
    ("hole-flood beyond window", HOLE + ["--dsnLead=200000"], False, True),
    ("hole-flood in window", HOLE + ["--dsnLead=20000"], False, False),
    ("eavesdrop-join on-path", ["--attack=eavesdrop-join"], True, True),
]
DSN = ["--attack=dsn-inject", "--guesses=50", "--intervalUs=20000"]


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    program = argv[1]
    failures = []

    bad_options = (
        (["--attack=bogus"], "unknown --attack"),
        (["--attack=join-guess"], "off-path only"),
        (["--attack=eavesdrop-join", "--offPath=true"], "on-path only"),
        (["--attack=eavesdrop-join", "--offPath=true"], "on-path"),
        (["--attack=join-flood", "--spoofed=10.1"], "--spoofed"),
        (["--attackPath=5"], "--attackPath"),
        (["--intervalUs=-1"], "--intervalUs"),
        (["--defence=maybe"], "--defence"),
        (["--overwrite=maybe"], "--overwrite"),
        (["--rate=fast"], "--rate"),
    )
    failures += bad_option_failures(program, bad_options, "--results=false")

    jobs = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        for label, args, _, _ in CASES:
            for seed in SEEDS:
                for defence in (True, False):
                    # the case's own options last: they override COMMON's
                    a = COMMON + [f"--defence={str(defence).lower()}", f"--RngRun={seed}"] + args
                    jobs[(label, seed, defence)] = pool.submit(outcome, program, a)
        for seed in SEEDS:
            for lead in (0, -20000):
                a = DSN + [f"--dsnLead={lead}", f"--RngRun={seed}"] + COMMON
                jobs[("dsn-inject", seed, lead)] = pool.submit(outcome, program, a)
        again = pool.submit(outcome, program,
                            CASES[0][1] + ["--defence=false", "--RngRun=1"] + COMMON)
        results = {k: f.result() for k, f in jobs.items()}
        if again.result() != results[("rst off-path", 1, False)]:
            failures.append("same RngRun, different JSON:\n" + again.result() + "\n" +
                            results[("rst off-path", 1, False)])

    for label, args, on, off in CASES:
        for seed in SEEDS:
            for defence, want in ((True, on), (False, off)):
                d = json.loads(results[(label, seed, defence)])
                print(f"{label:20s} RngRun={seed} defence={str(defence):5s} "
                      f"succeeded={d['attack_succeeded']} loss={d['goodput_loss_fraction']} "
                      f"survived={d['connection_survived']} removed={d['subflows_removed']} "
                      f"forged={d['forged']}")
                if d["attack_succeeded"] != want:
                    failures.append(f"{label} RngRun={seed} defence={defence}: "
                                    f"attack_succeeded {d['attack_succeeded']}, want {want}")
                if d["forged"] < 1:
                    failures.append(f"{label} RngRun={seed}: nothing forged")
                if label.startswith("join-flood"):
                    limit = d["max_half_open_joins"]
                    if defence and d["half_open_peak"] > limit:
                        failures.append(f"{label}: {d['half_open_peak']} half-open > {limit}")
                    # SYN cookies let A's own join through the flood, as
                    # fast as without it; without them it never completes
                    base = d["baseline_legit_join_latency_ms"]
                    got = d["legit_join_latency_ms"]
                    if base is None or (got is None) == defence or \
                            (defence and got > 2 * base + 10):
                        failures.append(f"{label} RngRun={seed}: legit join {got} ms, "
                                        f"baseline {base} ms")
                if label.startswith("add-addr"):
                    frac = d["fraction_via_attacker"]
                    if d["attack_succeeded"] != (frac > 0.3) or (frac > 0) != (d["bytes_via_attacker"] > 0):
                        failures.append(f"{label} RngRun={seed}: {frac} via the attacker")
                if label.startswith("hole-flood"):
                    bound = d["rcvbuf_bytes"] + 2 * 1448  # rcvbuf + one MSS per subflow
                    held = d["peak_conn_rcv_buffer_bytes"]
                    if (defence or "in window" in label) and held > bound:
                        failures.append(f"{label} RngRun={seed}: held {held} > {bound}")
                    if d["attack_succeeded"] and held <= bound:
                        failures.append(f"{label} RngRun={seed}: succeeded, held {held}")
                if label.startswith("eavesdrop-join"):
                    if d["joins_accepted"] != 1 or d["bytes_to_attacker"] <= 0 or \
                            d["join_attempts"] < 1 or d["defence_switch"] is not None:
                        failures.append(f"{label} RngRun={seed}: {d}")
                if label.startswith("join-guess"):
                    if d["joins_accepted"] != 0 or d["joins_no_token"] < 1:
                        failures.append(f"{label} RngRun={seed}: {d}")
    for seed in SEEDS:
        for lead, want in ((0, True), (-20000, False)):
            d = json.loads(results[("dsn-inject", seed, lead)])
            print(f"dsn-inject lead={lead:6d} RngRun={seed} "
                  f"injected={d['injected_bytes_delivered']} "
                  f"mismatches={d['overlap_mismatches']} loss={d['goodput_loss_fraction']}")
            if d["attack_succeeded"] != want or (d["injected_bytes_delivered"] > 0) != want or \
                    d["overlap_mismatches"] < 1:
                failures.append(f"dsn-inject lead {lead} RngRun={seed}: {d}")

    with tempfile.TemporaryDirectory() as out:
        p = run(program, "--attack=fastclose", "--defence=false", "--duration=3",
                f"--outputDir={out}")
        if p.returncode != 0:
            failures.append(f"recorded run: exit {p.returncode}: {p.stderr}")
        else:
            db = sqlite3.connect(os.path.join(out, "results.db"))
            rows = dict(db.execute(
                "SELECT m.name, m.value FROM metric m JOIN entity e ON e.id = m.entity_id "
                "WHERE e.kind IN ('attacker', 'connection')").fetchall())
            d = json.loads(p.stdout.strip().splitlines()[-1])
            for key in ("attack_succeeded", "victim_goodput_bps", "connection_survived"):
                got = rows.get(key)
                want = float(d[key])  # booleans are stored as 1.0 / 0.0
                if got is None or abs(got - want) > 1e-6 * max(1.0, abs(want)):
                    failures.append(f"results.db {key}: {got}, JSON {d[key]}")
            status = db.execute("SELECT status FROM run").fetchall()
            db.close()
            if status != [("ok",)]:
                failures.append(f"recorded run: status {status}")
            # The same run again is refused (exit 2, nothing lost) unless
            # --overwrite=true, which replaces it.
            again = run(program, "--attack=fastclose", "--defence=false", "--duration=3",
                        f"--outputDir={out}")
            if again.returncode != 2 or "--overwrite=true" not in again.stderr:
                failures.append(f"repeated run: exit {again.returncode}: {again.stderr}")
            again = run(program, "--attack=fastclose", "--defence=false", "--duration=3",
                        "--overwrite=true", f"--outputDir={out}")
            db = sqlite3.connect(os.path.join(out, "results.db"))
            runs = db.execute("SELECT count(*), min(status) FROM run").fetchone()
            db.close()
            if again.returncode != 0 or runs != (1, "ok"):
                failures.append(f"overwritten run: exit {again.returncode}, runs {runs}: "
                                f"{again.stderr}")

    for f in failures:
        print("FAIL:", f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

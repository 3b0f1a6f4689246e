#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""A stand-in scenario program for the campaign tool's tests: it follows
the conventions of the module's scenarios (ns-3 CommandLine options,
--PrintHelp, --RngRun, --outputDir with results.db of
scripts/results_schema.sql, JSON on the last line of stdout) without
ns-3, so the tests run in a fraction of a second per run.

Its metric `value` is x * 10 + RngRun (so the tests know every number),
and a connection and a TCP flow with goodputs x and 2 * x * RngRun.
  --x N        the parameter swept (default 1)
  --mode M     ok, fail (exit 3 with a message on stderr), sleep (never
               ends: for timeouts), nodb (exit 0 without results.db)
"""
import json
import os
import sqlite3
import sys
import time

HELP = """fake_scenario [Program Options] [General Arguments]

Program Options:
    --x:            the swept number [1]
    --mode:         ok, fail, sleep, nodb [ok]
    --label:        any text [a]
    --outputDir:    where results.db goes [out]
    --campaign:     campaign name [fake]

General Arguments:
    --PrintHelp:    Print this help message.
"""


def main(argv):
    opts = {"x": "1", "mode": "ok", "label": "a", "outputDir": "out", "campaign": "fake",
            "RngRun": "1"}
    for a in argv[1:]:
        if a == "--PrintHelp":
            print(HELP)
            return 0
        if not a.startswith("--") or "=" not in a:
            print(f"fake_scenario: bad argument {a!r}", file=sys.stderr)
            return 2
        k, v = a[2:].split("=", 1)
        if k not in opts:
            print(f"fake_scenario: unknown option --{k}", file=sys.stderr)
            return 2
        opts[k] = v
    x, run = float(opts["x"]), int(opts["RngRun"])
    if opts["mode"] == "fail":
        print("some output")
        print("fake_scenario: failing on purpose (--mode=fail)", file=sys.stderr)
        return 3
    if opts["mode"] == "sleep":
        time.sleep(3600)
    os.makedirs(opts["outputDir"], exist_ok=True)
    if opts["mode"] != "nodb":
        schema = os.environ["MPTCP_RESULTS_SCHEMA"]
        db = sqlite3.connect(os.path.join(opts["outputDir"], "results.db"))
        db.executescript(open(schema, encoding="utf-8").read())
        params = {"x": opts["x"], "label": opts["label"]}
        pj = json.dumps(dict(sorted(params.items())), separators=(",", ":"))
        h = 0xcbf29ce484222325
        for b in pj.encode():
            h = ((h ^ b) * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
        db.execute("INSERT INTO campaign (id, name, scenario, schema_version) "
                   "VALUES (1, ?, 'fake', 2)", (opts["campaign"],))
        db.execute("INSERT INTO point (id, campaign_id, params_json, params_hash) "
                   "VALUES (1, 1, ?, ?)", (pj, f"{h:016x}"))
        for k, v in sorted(params.items()):
            db.execute("INSERT INTO param (point_id, name, value) VALUES (1, ?, ?)", (k, v))
        db.execute("INSERT INTO run (id, point_id, rng_seed, rng_run, status, exit_code) "
                   "VALUES (1, 1, 1, ?, 'ok', 0)", (run,))
        db.execute("INSERT INTO metric (run_id, name, value) VALUES (1, 'value', ?)",
                   (x * 10 + run,))
        db.execute("INSERT INTO entity (id, run_id, kind, label) VALUES (1, 1, 'connection', 'm')")
        db.execute("INSERT INTO entity (id, run_id, kind, label) VALUES (2, 1, 'tcp_flow', 't')")
        db.execute("INSERT INTO metric (run_id, entity_id, name, value) "
                   "VALUES (1, 1, 'goodput_bps', ?)", (x,))
        db.execute("INSERT INTO metric (run_id, entity_id, name, value) "
                   "VALUES (1, 2, 'goodput_bps', ?)", (2 * x * run,))
        db.commit()
        db.close()
    print(json.dumps({"x": x, "RngRun": run}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

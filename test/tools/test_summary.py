# SPDX-License-Identifier: GPL-2.0-only
"""mptcp-summary (utils/mptcp-summary.c, GSL): the summary table of a
campaign database built here by hand, checked against values computed by
hand (the arithmetic is in the comments), and its errors.

Environment: MPTCP_SUMMARY (the tool), MPTCP_RESULTS_SCHEMA
(scripts/results_schema.sql)."""

import os
import sqlite3
import subprocess
import tempfile
import unittest

TOOL = os.environ.get("MPTCP_SUMMARY", "mptcp-summary")
SCHEMA = os.environ.get("MPTCP_RESULTS_SCHEMA", os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..", "..", "scripts", "results_schema.sql"))


def run(*args):
    p = subprocess.run([TOOL, *args], capture_output=True, text=True, timeout=60)
    return p.returncode, p.stdout, p.stderr


class Db:
    """A campaign database with points and runs added by hand."""

    def __init__(self, path):
        self.path = path
        self.c = sqlite3.connect(path)
        with open(SCHEMA, encoding="utf-8") as f:
            self.c.executescript(f.read())
        self.c.execute("INSERT INTO campaign (id, name, scenario, schema_version) "
                       "VALUES (1, 'c', 's', 2)")
        self.runs = 0
        self.entities = 0

    def point(self, pid):
        self.c.execute("INSERT INTO point (id, campaign_id, params_json, params_hash) "
                       "VALUES (?, 1, ?, ?)", (pid, f'{{"p":"{pid}"}}', f"{pid:016x}"))

    def run(self, pid, metrics, status="ok", flows=None):
        """metrics: {name: value} of the run; flows: [(kind, goodput)]."""
        self.runs += 1
        rid = self.runs
        self.c.execute("INSERT INTO run (id, point_id, rng_seed, rng_run, status) "
                       "VALUES (?, ?, 1, ?, ?)", (rid, pid, rid, status))
        for name, value in metrics.items():
            self.c.execute("INSERT INTO metric (run_id, name, value) VALUES (?, ?, ?)",
                           (rid, name, value))
        for kind, goodput in flows or []:
            self.entities += 1
            self.c.execute("INSERT INTO entity (id, run_id, kind, label) VALUES (?, ?, ?, ?)",
                           (self.entities, rid, kind, f"e{self.entities}"))
            self.c.execute("INSERT INTO metric (run_id, entity_id, name, value) "
                           "VALUES (?, ?, 'goodput_bps', ?)", (rid, self.entities, goodput))

    def close(self):
        self.c.commit()
        self.c.close()


def summary(path):
    c = sqlite3.connect(path)
    c.row_factory = sqlite3.Row
    rows = {(r["point_id"], r["metric"]): dict(r) for r in c.execute("SELECT * FROM summary")}
    c.close()
    return rows


class Test_summary(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.path = os.path.join(self.tmp.name, "campaign.db")
        db = Db(self.path)
        # point 1: x = 1, 2, 3, 4 over four ok runs; a failed run (x = 100)
        # and a run without x do not count
        db.point(1)
        for x in (3, 1, 4, 2):
            db.run(1, {"x": x})
        db.run(1, {"x": 100}, status="failed")
        db.run(1, {"x": None})
        # point 2: x = 10, 14 (n = 2); y = 5 (n = 1)
        db.point(2)
        db.run(2, {"x": 10, "y": 5})
        db.run(2, {"x": 14})
        # point 3: goodput_ratio and jain_goodput from the views: run A has a
        # connection at 6 and TCP flows at 2 and 4 (ratio 6 / 3 = 2, Jain
        # (6+2+4)^2 / (3 * (36+4+16)) = 144 / 168 = 6/7); run B a connection
        # at 3 and one TCP flow at 3 (ratio 1, Jain 1)
        db.point(3)
        db.run(3, {}, flows=[("connection", 6), ("tcp_flow", 2), ("tcp_flow", 4)])
        db.run(3, {}, flows=[("connection", 3), ("tcp_flow", 3)])
        db.close()

    def tearDown(self):
        self.tmp.cleanup()

    def close(self, got, want):
        self.assertAlmostEqual(got, want, delta=1e-9 * max(1.0, abs(want)))

    def test_values_by_hand(self):
        rc, out, err = run(self.path)
        self.assertEqual(rc, 0, err)
        self.assertEqual(out, "summary: 3 points, 4 metrics, 5 rows\n")
        s = summary(self.path)
        self.assertEqual(set(s), {(1, "x"), (2, "x"), (2, "y"), (3, "goodput_ratio"),
                                  (3, "jain_goodput")})
        r = s[(1, "x")]
        # 1, 2, 3, 4: mean 10 / 4 = 2.5; squares of deviations 2.25 + 0.25 +
        # 0.25 + 2.25 = 5, sd = sqrt(5 / 3) = 1.2909944487358056;
        # t(0.975, 3) = 3.182446305284263 (tables: 3.182);
        # half-width = 3.182446305284263 * 1.2909944487358056 / sqrt(4)
        #            = 2.0542535...
        self.assertEqual(r["n"], 4)
        self.close(r["mean"], 2.5)
        self.close(r["sd"], 1.2909944487358056)
        half = 3.182446305284263 * 1.2909944487358056 / 2
        self.close(r["ci95_low"], 2.5 - half)
        self.close(r["ci95_high"], 2.5 + half)
        # quantiles at (n - 1) f = 3 f: median 1.5 -> 2.5, p25 0.75 -> 1.75,
        # p75 2.25 -> 3.25
        self.close(r["median"], 2.5)
        self.close(r["p25"], 1.75)
        self.close(r["p75"], 3.25)
        self.assertEqual((r["min"], r["max"]), (1.0, 4.0))
        r = s[(2, "x")]
        # 10, 14: mean 12, sd = sqrt((4 + 4) / 1) = 2.8284271247461903,
        # t(0.975, 1) = 12.706204736174707, half = 12.7062... * 2.8284... /
        # sqrt(2) = 12.706204736174707 * 2 = 25.412409472349414
        self.assertEqual(r["n"], 2)
        self.close(r["mean"], 12.0)
        self.close(r["sd"], 2.8284271247461903)
        self.close(r["ci95_low"], 12 - 25.412409472349414)
        self.close(r["ci95_high"], 12 + 25.412409472349414)
        self.close(r["median"], 12.0)
        r = s[(2, "y")]  # n = 1: no deviation, no interval
        self.assertEqual(r["n"], 1)
        self.close(r["mean"], 5.0)
        self.assertIsNone(r["sd"])
        self.assertIsNone(r["ci95_low"])
        self.assertIsNone(r["ci95_high"])
        self.assertEqual((r["median"], r["p25"], r["p75"], r["min"], r["max"]), (5.0,) * 5)
        r = s[(3, "goodput_ratio")]  # 2 and 1
        self.assertEqual(r["n"], 2)
        self.close(r["mean"], 1.5)
        r = s[(3, "jain_goodput")]  # 6/7 and 1: mean 13/14
        self.close(r["mean"], 13 / 14)
        self.close(r["min"], 6 / 7)

    def test_same_table_twice(self):
        self.assertEqual(run(self.path)[0], 0)
        first = summary(self.path)
        self.assertEqual(run(self.path)[0], 0)
        self.assertEqual(summary(self.path), first)

    def test_errors(self):
        missing = os.path.join(self.tmp.name, "missing.db")
        for args, word in (([], "usage"), ([self.path, self.path], "usage"),
                           ([missing], "missing.db")):
            rc, out, err = run(*args)
            self.assertEqual(rc, 2, err)
            self.assertIn(word, err)
        self.assertFalse(os.path.exists(missing))  # not created
        junk = os.path.join(self.tmp.name, "junk.db")
        with open(junk, "w") as f:
            f.write("not sqlite " * 100)
        rc, out, err = run(junk)
        self.assertEqual((rc, err.startswith("mptcp-summary: ")), (2, True), err)
        self.assertIn("not a database", err)
        other = os.path.join(self.tmp.name, "other.db")
        c = sqlite3.connect(other)
        c.execute("CREATE TABLE t (a)")
        c.commit()
        c.close()
        rc, out, err = run(other)
        self.assertEqual(rc, 2)
        self.assertIn("no table point", err)
        c = sqlite3.connect(self.path)
        c.execute("UPDATE schema_version SET version = 7")
        c.commit()
        c.close()
        rc, out, err = run(self.path)
        self.assertEqual(rc, 2)
        self.assertIn("schema version 7", err)
        c = sqlite3.connect(self.path)  # nothing written by the refused run
        self.assertEqual(c.execute("SELECT COUNT(*) FROM sqlite_master WHERE name = 'summary'")
                         .fetchone()[0], 0)
        c.close()
        rc, out, err = run("--help")
        self.assertEqual(rc, 0)
        self.assertIn("usage", out)


if __name__ == "__main__":
    unittest.main()

# SPDX-License-Identifier: GPL-2.0-only
"""The campaign tool (scripts/mptcp/campaign.py) over a stand-in program
(fake_scenario.py: the module's conventions without ns-3): the spec's
checks and their messages, the grid, resume, failures and timeouts, the
CSV export. The real scenario, SIGKILL and resume, the statistics and the
plot are checked by test/ns3/test_campaign.py."""

import csv
import io
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import textwrap
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
TOOL = os.path.join(ROOT, "scripts", "mptcp-campaign")
FAKE = os.path.join(HERE, "fake_scenario.py")
ENV = dict(os.environ, MPTCP_RESULTS_SCHEMA=os.path.join(ROOT, "scripts", "results_schema.sql"),
           PYTHONDONTWRITEBYTECODE="1")


def tool(*args, cwd=None):
    p = subprocess.run([sys.executable, TOOL, *args], capture_output=True, text=True,
                       cwd=cwd, env=ENV, timeout=300)
    return p.returncode, p.stdout, p.stderr


class CampaignTest(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()
        self.dir = self.tmp.name

    def tearDown(self):
        self.tmp.cleanup()

    def spec(self, body, name="s.toml", head=None):
        head = head if head is not None else textwrap.dedent(f"""\
            [campaign]
            name = "t"
            program = "{FAKE}"
            dir = "camp"
            seeds = 2
            timeout = 30
            """)
        path = os.path.join(self.dir, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(head + textwrap.dedent(body))
        return path

    def jobs(self):
        db = sqlite3.connect(os.path.join(self.dir, "camp", "campaign.db"))
        rows = db.execute("SELECT params_json, rng_run, status, exit_code, error, attempts "
                          "FROM campaign_job ORDER BY params_json, rng_run").fetchall()
        db.close()
        return rows


class Test_spec(CampaignTest):
    def assertRefused(self, body, *words, head=None):
        rc, out, err = tool("run", self.spec(body, head=head), "--dry-run")
        self.assertEqual(rc, 2, err)
        self.assertTrue(err.startswith("mptcp-campaign: error: "), err)
        for w in words:
            self.assertIn(w, err)
        self.assertFalse(os.path.exists(os.path.join(self.dir, "camp")))

    def test_errors_name_key_and_line(self):
        self.assertRefused("\n[grid]\nxx = [1, 2]\n", "s.toml:9:", "unknown parameter 'xx'")
        self.assertRefused("[grid]\nX = [1]\n", "s.toml:8:", "did you mean 'x'")
        self.assertRefused("[grid]\nx = []\n", "s.toml:8:", "'x'", "empty list")
        self.assertRefused("[fixed]\nx = [1, 2]\n", "s.toml:8:", "single string")
        self.assertRefused("[grid]\nx = 3\n", "s.toml:8:", "a list of values or a range")
        self.assertRefused("[grid]\nx = [1, 1]\n", "repeated value")
        self.assertRefused("[grid]\nx = { from = 3, to = 1 }\n", "empty range")
        self.assertRefused("[grid]\nx = { from = 1, to = 3, step = 0 }\n", "step must be positive")
        self.assertRefused("[fixed]\nx = 1\n[grid]\nx = [1, 2]\n", "s.toml:10:",
                           "already given in [fixed]")
        self.assertRefused("[fixed]\noutputDir = \"o\"\n", "s.toml:8:", "set by the campaign tool")
        self.assertRefused("[[zip]]\nx = [1, 2]\nlabel = [\"a\"]\n", "lengths")
        self.assertRefused("[bogus]\na = 1\n", "s.toml:7:", "unknown section [bogus]")
        self.assertRefused("[grid\n", "not valid TOML")
        self.assertRefused("", "'program' /nonexistent: no such executable",
                           head='[campaign]\nname = "t"\nprogram = "/nonexistent"\ndir = "c"\n')
        self.assertRefused("", "'seeds' = 0",
                           head=f'[campaign]\nname = "t"\nprogram = "{FAKE}"\ndir = "c"\n'
                                'seeds = 0\n')
        self.assertRefused("", "'name'",
                           head=f'[campaign]\nname = "a b"\nprogram = "{FAKE}"\ndir = "c"\n')
        self.assertRefused("", "[campaign] has no key 'seed'",
                           head=f'[campaign]\nname = "t"\nprogram = "{FAKE}"\ndir = "c"\n'
                                'seed = 3\n')

    def test_grid_product_zip_and_range(self):
        path = self.spec("""
            [fixed]
            mode = "ok"
            [grid]
            x = { from = 1, to = 3 }
            [[zip]]
            label = ["a", "b"]
            """)
        rc, out, err = tool("run", path, "--dry-run")
        self.assertEqual(rc, 0, err)
        lines = out.splitlines()
        self.assertEqual(len(lines), 3 * 2 * 2)  # x (3) x label (2) x seeds (2)
        self.assertIn("12 runs (6 points x 2 seeds)", err)
        first = lines[0].split()
        self.assertEqual(first[1:], ["--mode=ok", "--x=1", "--label=a", "--RngRun=1",
                                     first[5], "--campaign=t"])
        self.assertTrue(first[5].startswith("--outputDir=" + os.path.join(self.dir, "camp", "runs")))
        self.assertFalse(os.path.exists(os.path.join(self.dir, "camp")))  # dry run


class Test_run(CampaignTest):
    def test_failures_recorded_others_unaffected_resume(self):
        path = self.spec("""
            [grid]
            x = [1, 2]
            mode = ["ok", "fail", "nodb"]
            """)
        rc, out, err = tool("run", path, "--jobs", "2")
        self.assertEqual(rc, 1, err)  # some failed
        rows = self.jobs()
        self.assertEqual(len(rows), 12)
        by = {}
        for pj, run, status, code, error, attempts in rows:
            by.setdefault(json.loads(pj)["mode"], []).append((status, code, error, attempts))
        self.assertEqual({s for s, *_ in by["ok"]}, {"ok"})
        for status, code, error, attempts in by["fail"]:
            self.assertEqual((status, code, attempts), ("failed", 3, 1))
            self.assertIn("failing on purpose", error)  # the tail of its stderr
        for status, code, error, _ in by["nodb"]:
            self.assertEqual(status, "failed")
            self.assertIn("no results.db", error)
        # the ok runs' results are merged, their numbers as the program wrote them
        db = sqlite3.connect(os.path.join(self.dir, "camp", "campaign.db"))
        vals = sorted(v for (v,) in db.execute("SELECT value FROM metric WHERE name = 'value'"))
        self.assertEqual(vals, [11.0, 12.0, 21.0, 22.0])
        db.close()
        # status shows the failures
        rc, out, err = tool("status", path)
        self.assertEqual(rc, 0, err)
        self.assertIn("12 runs: 4 ok, 8 failed", out)
        self.assertIn("failing on purpose", out)
        # again: nothing to run (ok never again, failed only with --retry-failed)
        rc, out, err = tool("run", path)
        self.assertIn("4 ok already, 0 to run, 8 failed before", err)
        self.assertEqual([r[5] for r in self.jobs()], [1] * 12)
        rc, out, err = tool("run", path, "--retry-failed")
        self.assertIn("8 to run", err)
        self.assertEqual(sorted({(r[2], r[5]) for r in self.jobs()}),
                         [("failed", 2), ("ok", 1)])

    def test_timeout(self):
        path = self.spec("""
            [fixed]
            mode = "sleep"
            [grid]
            x = [1]
            """, head=f'[campaign]\nname = "t"\nprogram = "{FAKE}"\ndir = "camp"\nseeds = 1\n'
                      'timeout = 0.5\n')
        rc, out, err = tool("run", path)
        self.assertEqual(rc, 1, err)
        (row,) = self.jobs()
        self.assertEqual(row[2], "timeout")
        self.assertIn("killed after 0.5 s", row[4])

    def test_export_csv(self):
        path = self.spec("""
            [grid]
            x = [1, 3]
            """)
        self.assertEqual(tool("run", path)[0], 0)
        rc, out, err = tool("export", path)
        self.assertEqual(rc, 0, err)
        rows = list(csv.DictReader(io.StringIO(out)))
        self.assertEqual(len(rows), 4)
        for r in rows:
            x, run = float(r["x"]), int(r["RngRun"])
            self.assertEqual(r["status"], "ok")
            self.assertEqual(float(r["value"]), x * 10 + run)
            # goodput_ratio view: connection x over TCP flow 2 x RngRun
            self.assertAlmostEqual(float(r["goodput_ratio"]), 1 / (2 * run))
        out_file = os.path.join(self.dir, "e.csv")
        self.assertEqual(tool("export", os.path.join(self.dir, "camp"), "--out", out_file)[0], 0)
        with open(out_file, encoding="utf-8") as f:
            self.assertEqual(len(list(csv.DictReader(f))), 4)

    def test_bad_commands(self):
        path = self.spec("[grid]\nx = [1]\n")
        for args, word in ((("run", path, "--jobs", "0"), "--jobs"),
                           (("run", path, "--engine", "pbs"), "--engine pbs"),
                           (("status", os.path.join(self.dir, "nowhere")), "no such"),
                           (("status", self.dir), "no campaign database")):
            rc, out, err = tool(*args)
            self.assertEqual(rc, 2, (args, err))
            self.assertIn(word, err)


if __name__ == "__main__":
    unittest.main()

# SPDX-License-Identifier: GPL-2.0-only
"""Tests of scripts/merge_results.py.

Run files are built here with the sqlite3 module from the same schema file
the C++ writer embeds (scripts/results_schema.sql), with params_json and
params_hash computed independently (canonical JSON, FNV-1a 64). The script
is run as a program, the way a merge job runs it. Run by ctest as
py.merge_results.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import unittest
import urllib.parse
from pathlib import Path

SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"
MERGE = SCRIPTS / "merge_results.py"
SCHEMA = (SCRIPTS / "results_schema.sql").read_text(encoding="utf-8")

# Every table, in an order that makes a dump comparable.
TABLES = ("schema_version", "campaign", "point", "param", "run", "entity",
          "metric", "series", "sample")


def fnv1a64(data: bytes) -> str:
    h = 0xCBF29CE484222325
    for b in data:
        h = ((h ^ b) * 0x100000001B3) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


def canonical_json(params: dict[str, str]) -> str:
    def q(s: str) -> str:
        out = []
        for ch in s:
            if ch in '"\\':
                out.append("\\" + ch)
            elif ord(ch) < 0x20 or ord(ch) == 0x7F:
                out.append(f"\\u{ord(ch):04x}")
            else:
                out.append(ch)
        return '"' + "".join(out) + '"'
    return "{" + ",".join(q(k) + ":" + q(v) for k, v in sorted(params.items())) + "}"


def make_run_db(path: Path, params: dict[str, str], seed: int, run: int, *,
                status: str = "ok", campaign: str = "fair", scenario: str = "bneck",
                goodputs: tuple[float, ...] = (6e6, 4e6), samples: int = 50,
                id_base: int = 1, dangling_metric: bool = False) -> None:
    """One run file, as ns3::MptcpResults writes it. id_base shifts the
    entity and series ids, so that two files use overlapping ids."""
    conn = sqlite3.connect(path)
    conn.executescript(SCHEMA)
    js = canonical_json(params)
    with conn:
        conn.execute("INSERT INTO campaign VALUES (1, ?, ?, '0.1.0', '3.37', NULL, 1)",
                     (campaign, scenario))
        conn.execute("INSERT INTO point VALUES (1, 1, ?, ?)", (js, fnv1a64(js.encode())))
        for k, v in sorted(params.items()):
            conn.execute("INSERT INTO param VALUES (1, ?, ?)", (k, v))
        conn.execute("INSERT INTO run (id, point_id, rng_seed, rng_run, status, exit_code, "
                     "cmdline) VALUES (1, 1, ?, ?, ?, ?, 'prog')",
                     (seed, run, status, None if status == "running" else 0))
        kinds = ["connection"] + ["tcp_flow"] * (len(goodputs) - 1)
        for i, (kind, g) in enumerate(zip(kinds, goodputs)):
            eid = id_base + i
            conn.execute("INSERT INTO entity VALUES (?, 1, ?, ?, NULL)", (eid, kind, f"{kind}{i}"))
            conn.execute("INSERT INTO metric VALUES (1, ?, 'goodput_bps', ?, 'bit/s')", (eid, g))
            conn.execute("INSERT INTO series VALUES (?, 1, ?, 'cwnd', 'byte')", (eid, eid))
            conn.executemany("INSERT INTO sample VALUES (?, ?, ?)",
                             ((eid, t * 1000, float(seed * 1000 + t + i)) for t in range(samples)))
        conn.execute("INSERT INTO metric VALUES (1, NULL, 'events', ?, NULL)", (seed * 10 + run,))
        if dangling_metric:
            # Foreign keys are not enforced on this connection (the default).
            conn.execute("INSERT INTO metric VALUES (1, 999, 'goodput_bps', 1, NULL)")
    conn.close()


def open_ro(path: Path) -> sqlite3.Connection:
    return sqlite3.connect("file:" + urllib.parse.quote(str(path)) + "?mode=ro", uri=True)


def dump(path: Path) -> str:
    conn = open_ro(path)
    out = []
    for t in TABLES:
        out.append(f"-- {t}")
        out.extend(repr(r) for r in conn.execute(f"SELECT * FROM {t} ORDER BY rowid"))
    conn.close()
    return "\n".join(out)


class MergeResultsTest(unittest.TestCase):
    def setUp(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="mptcp-merge-"))
        self.campaign = self.dir / "campaign.db"

    def tearDown(self) -> None:
        shutil.rmtree(self.dir)

    def merge(self, *files: Path) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, str(MERGE), str(self.campaign),
                               *[str(f) for f in files]],
                              capture_output=True, text=True, timeout=120)

    def query(self, sql: str) -> list[tuple]:
        conn = open_ro(self.campaign)
        try:
            return conn.execute(sql).fetchall()
        finally:
            conn.close()

    def runs(self, n: int = 3) -> list[Path]:
        files = []
        for i in range(n):
            p = self.dir / f"run{i}.db"
            # Runs 0 and 1 share a point (two seeds); run 2 is another point.
            params = {"nSubflows": "2" if i < 2 else "4", "cc": "lia"}
            make_run_db(p, params, seed=1 + i % 2, run=1, samples=100 + i,
                        goodputs=(6e6 + i, 4e6, 2e6))
            files.append(p)
        return files

    def test_merge_remaps_ids_and_keeps_values(self) -> None:
        files = self.runs()
        r = self.merge(*files)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("3 run(s) added", r.stdout)
        self.assertEqual(self.query("SELECT COUNT(*) FROM campaign"), [(1,)])
        self.assertEqual(self.query("SELECT COUNT(*) FROM point"), [(2,)])
        self.assertEqual(self.query("SELECT COUNT(*) FROM param"), [(4,)])
        self.assertEqual(self.query("SELECT COUNT(*) FROM run"), [(3,)])
        self.assertEqual(self.query("SELECT COUNT(*) FROM entity"), [(9,)])
        self.assertEqual(self.query("SELECT COUNT(*) FROM sample"),
                         [(3 * 100 + 3 * 101 + 3 * 102,)])
        # Each run's metrics point at its own entities.
        self.assertEqual(self.query(
            "SELECT rp.rng_seed, rp.params_json, g.label, g.goodput_bps "
            "FROM goodput AS g JOIN run_point AS rp ON rp.run_id = g.run_id "
            "WHERE g.kind = 'connection' ORDER BY g.run_id"),
            [(1, '{"cc":"lia","nSubflows":"2"}', "connection0", 6e6),
             (2, '{"cc":"lia","nSubflows":"2"}', "connection0", 6e6 + 1),
             (1, '{"cc":"lia","nSubflows":"4"}', "connection0", 6e6 + 2)])
        # Each series has its own samples: the first sample of the second
        # series of run 2 (seed 2) is 2 * 1000 + 0 + 1.
        self.assertEqual(self.query(
            "SELECT sa.value FROM sample AS sa JOIN series AS se ON se.id = sa.series_id "
            "JOIN entity AS e ON e.id = se.entity_id WHERE se.run_id = 2 "
            "AND e.label = 'tcp_flow1' AND sa.t_ns = 0"), [(2001.0,)])
        self.assertEqual(self.query(
            "SELECT COUNT(*) FROM series AS se JOIN entity AS e ON e.id = se.entity_id "
            "WHERE e.run_id != se.run_id"), [(0,)])
        self.assertEqual(self.query("SELECT run_id, value FROM metric WHERE entity_id IS NULL "
                                    "ORDER BY run_id"), [(1, 11.0), (2, 21.0), (3, 11.0)])
        self.assertEqual(self.query("SELECT ratio FROM goodput_ratio ORDER BY run_id"),
                         [(6e6 / 3e6,), ((6e6 + 1) / 3e6,), ((6e6 + 2) / 3e6,)])
        self.assertEqual(self.query("PRAGMA foreign_key_check"), [])
        self.assertEqual(self.query("PRAGMA integrity_check"), [("ok",)])

    def test_merge_twice_is_idempotent(self) -> None:
        files = self.runs()
        self.assertEqual(self.merge(*files).returncode, 0)
        before = dump(self.campaign)
        r = self.merge(*files)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("0 run(s) added, 1 already present", r.stdout)
        self.assertEqual(dump(self.campaign), before)
        # The same order of files gives the same campaign database content.
        other = self.dir / "other.db"
        self.campaign, first = other, self.campaign
        self.assertEqual(self.merge(*files).returncode, 0)
        self.assertEqual(dump(other), dump(first))

    def test_resume_adds_only_missing_runs(self) -> None:
        files = self.runs()
        self.assertEqual(self.merge(files[0]).returncode, 0)
        r = self.merge(*files)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("3 file(s) merged", r.stdout)
        self.assertEqual(self.query("SELECT COUNT(*) FROM run"), [(3,)])
        self.assertIn(f"{files[0]}: 0 run(s) added, 1 already present", r.stdout)

    def test_broken_input_is_reported_and_nothing_is_lost(self) -> None:
        files = self.runs()
        self.assertEqual(self.merge(files[0]).returncode, 0)
        before = dump(self.campaign)
        garbage = self.dir / "garbage.db"
        garbage.write_bytes(b"this is not a database\n" * 100)
        truncated = self.dir / "truncated.db"
        data = files[1].read_bytes()
        truncated.write_bytes(data[: len(data) // 2])
        missing = self.dir / "missing.db"
        r = self.merge(garbage, truncated, missing)
        self.assertEqual(r.returncode, 1)
        self.assertRegex(r.stderr, re.escape(f"{garbage}: ") + ".*not an SQLite database")
        self.assertRegex(r.stderr, re.escape(f"{truncated}: ") + ".*damaged SQLite database")
        self.assertIn(f"{missing}: no such file", r.stderr)
        self.assertIn("0 of 3 file(s) merged", r.stderr)
        self.assertNotIn("Traceback", r.stderr)
        self.assertEqual(dump(self.campaign), before)
        self.assertFalse(missing.exists(), "the merge created a missing input file")
        # The good files around a broken one are still merged.
        r = self.merge(files[1], garbage, files[2])
        self.assertEqual(r.returncode, 1)
        self.assertEqual(self.query("SELECT COUNT(*) FROM run"), [(3,)])

    def test_failure_inside_a_file_rolls_the_file_back(self) -> None:
        files = self.runs(1)
        self.assertEqual(self.merge(files[0]).returncode, 0)
        before = dump(self.campaign)
        bad = self.dir / "dangling.db"
        make_run_db(bad, {"nSubflows": "8"}, seed=5, run=5, dangling_metric=True)
        r = self.merge(bad)
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"{bad}: FOREIGN KEY constraint failed; nothing of it was merged",
                      r.stderr)
        self.assertEqual(dump(self.campaign), before)

    def test_other_schema_version_and_foreign_sqlite_are_refused(self) -> None:
        old = self.dir / "old.db"
        make_run_db(old, {"a": "1"}, 1, 1)
        conn = sqlite3.connect(old)
        with conn:
            conn.execute("UPDATE schema_version SET version = 99")
        conn.close()
        foreign = self.dir / "foreign.db"
        conn = sqlite3.connect(foreign)
        conn.execute("CREATE TABLE t (x)")
        conn.close()
        r = self.merge(old, foreign)
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"{old}: schema version 99, this merge expects 2", r.stderr)
        self.assertIn(f"{foreign}: not a results database of this module", r.stderr)
        self.assertEqual(self.query("SELECT COUNT(*) FROM run"), [(0,)])

    def test_unfinished_run_is_not_merged(self) -> None:
        crashed = self.dir / "crashed.db"
        make_run_db(crashed, {"a": "1"}, 1, 1, status="running")
        r = self.merge(crashed)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("never finished", r.stderr)
        self.assertEqual(self.query("SELECT COUNT(*) FROM run"), [(0,)])
        done = self.dir / "done.db"
        make_run_db(done, {"a": "1"}, 1, 1)
        self.assertEqual(self.merge(done).returncode, 0)
        self.assertEqual(self.query("SELECT status FROM run"), [("ok",)])

    def test_hot_journal_of_a_killed_writer_is_refused(self) -> None:
        # A writer killed (SIGKILL) in the middle of a transaction: the file
        # has pages of the transaction and a hot journal beside it.
        path = self.dir / "killed.db"
        make_run_db(path, {"a": "1"}, 1, 1)
        writer = (
            "import os, sqlite3, sys\n"
            "c = sqlite3.connect(sys.argv[1], isolation_level=None)\n"
            "c.execute('PRAGMA cache_size = 5')\n"
            "c.execute('BEGIN')\n"
            "c.execute('DELETE FROM metric')\n"
            "c.executemany('INSERT INTO sample VALUES (1, ?, 0)', ((t,) for t in range(5000)))\n"
            "os.kill(os.getpid(), 9)\n")
        w = subprocess.run([sys.executable, "-c", writer, str(path)], timeout=120)
        self.assertEqual(w.returncode, -9)
        journal = Path(str(path) + "-journal")
        self.assertTrue(journal.exists() and journal.stat().st_size > 0)
        r = self.merge(path)
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"{path}: it has a hot journal {journal}", r.stderr)
        self.assertNotIn("attempt to write a readonly database", r.stderr)
        self.assertEqual(self.query("SELECT COUNT(*) FROM run"), [(0,)])
        # The file alone (a copy without its journal) is torn: the metrics
        # are gone while the run says 'ok'; it is refused as well.
        torn = self.dir / "torn.db"
        shutil.copyfile(path, torn)
        r = self.merge(torn)
        self.assertEqual(r.returncode, 1, r.stdout)
        self.assertRegex(r.stderr, re.escape(f"{torn}: ") +
                         "(damaged SQLite database|run 1 has status 'ok' but no metrics)")
        self.assertEqual(self.query("SELECT COUNT(*) FROM run"), [(0,)])
        # Opened where it is writable, SQLite rolls the journal back: the
        # committed run is whole again and merges.
        conn = sqlite3.connect(path)
        conn.execute("PRAGMA quick_check").fetchall()
        conn.close()
        self.assertFalse(journal.exists())
        r = self.merge(path)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.query("SELECT COUNT(*) FROM metric"), [(3,)])
        self.assertEqual(self.query("SELECT COUNT(*) FROM sample"), [(100,)])

    def test_ok_run_without_metrics_is_refused(self) -> None:
        # A torn copy as it was seen: status 'ok', no metric rows.
        torn = self.dir / "torn.db"
        make_run_db(torn, {"a": "1"}, 1, 1)
        conn = sqlite3.connect(torn)
        with conn:
            conn.execute("DELETE FROM metric")
        conn.close()
        good = self.dir / "good.db"
        make_run_db(good, {"a": "2"}, 1, 1)
        r = self.merge(torn, good)
        self.assertEqual(r.returncode, 1)
        self.assertIn(f"{torn}: run 1 has status 'ok' but no metrics", r.stderr)
        self.assertEqual(self.query("SELECT params_json FROM point"), [('{"a":"2"}',)])

    def test_readonly_message_is_explained(self) -> None:
        # SQLite's own words for a journal it cannot roll back, as read by
        # the merge's error reporting.
        sys.path.insert(0, str(SCRIPTS))
        try:
            import merge_results
        finally:
            sys.path.pop(0)
        text = merge_results.describe(sqlite3.OperationalError(
            "attempt to write a readonly database"))
        self.assertIn("journal left by a killed writer", text)

    def test_hash_collision_is_refused(self) -> None:
        a = self.dir / "a.db"
        make_run_db(a, {"a": "1"}, 1, 1)
        b = self.dir / "b.db"
        make_run_db(b, {"a": "2"}, 1, 2)
        conn = sqlite3.connect(b)
        with conn:
            conn.execute("UPDATE point SET params_hash = ?",
                         (fnv1a64(canonical_json({"a": "1"}).encode()),))
        conn.close()
        r = self.merge(a, b)
        self.assertEqual(r.returncode, 1)
        self.assertIn("names two parameter sets", r.stderr)
        self.assertEqual(self.query("SELECT COUNT(*) FROM run"), [(1,)])

    def test_broken_campaign_database_is_left_alone(self) -> None:
        files = self.runs(1)
        self.campaign.write_bytes(b"\x00garbage" * 64)
        before = self.campaign.read_bytes()
        r = self.merge(files[0])
        self.assertEqual(r.returncode, 2)
        self.assertIn(f"campaign database {self.campaign}: not an SQLite database", r.stderr)
        self.assertNotIn("Traceback", r.stderr)
        self.assertEqual(self.campaign.read_bytes(), before)
        self.campaign = self.dir / "no-such-folder" / "c.db"
        r = self.merge(files[0])
        self.assertEqual(r.returncode, 2)
        self.assertIn("cannot open", r.stderr)

    def test_paths_with_uri_characters(self) -> None:
        odd = self.dir / "a ?b#c%20'd.db"
        make_run_db(odd, {"a": "1"}, 1, 1)
        self.campaign = self.dir / "camp ?#%.db"
        r = self.merge(odd)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertEqual(self.query("SELECT COUNT(*) FROM sample"), [(100,)])

    def test_params_hash_matches_the_cxx_writer(self) -> None:
        # The value the mptcp-results ns-3 suite expects for the same JSON.
        js = canonical_json({"rate": "10Mbps", "nSubflows": "2", "cc": "lia",
                             "label": 'a "q"\\b\tz'})
        self.assertEqual(js, r'{"cc":"lia","label":"a \"q\"\\b\u0009z",'
                             r'"nSubflows":"2","rate":"10Mbps"}')
        self.assertEqual(fnv1a64(js.encode()), "6103b31f61e10139")

    def test_output_write_error(self) -> None:
        # A report that cannot be written (full disk) is an error with a
        # message, not exit 0 and not a traceback; the merge itself is kept.
        if not os.path.exists("/dev/full"):
            self.skipTest("no /dev/full")
        files = self.runs(1)
        for env in ({}, {"PYTHONUNBUFFERED": "1"}):
            with self.subTest(env=env), open("/dev/full", "w") as full:
                r = subprocess.run([sys.executable, str(MERGE), str(self.campaign),
                                    *map(str, files)],
                                   stdout=full, stderr=subprocess.PIPE, text=True, timeout=120,
                                   env={**os.environ, **env})
                self.assertEqual(r.returncode, 1)
                self.assertIn("writing standard output failed", r.stderr)
                self.assertNotIn("Traceback", r.stderr)
        self.assertEqual(self.query("SELECT COUNT(*) FROM run"), [(1,)])


if __name__ == "__main__":
    unittest.main()

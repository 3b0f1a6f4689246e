# SPDX-License-Identifier: GPL-2.0-only
"""Tests of mptcp.data: database rows as dicts, the loopback network from
Python (ctest py.data; MPTCP_LOOPBACK names the program)."""

import sqlite3
import tempfile
import unittest
from pathlib import Path

from mptcp import data


class TestData(unittest.TestCase):
    def test_rows_as_dicts(self):
        with tempfile.TemporaryDirectory() as d:
            db = str(Path(d) / "results.db")
            c = sqlite3.connect(db)
            c.execute("CREATE TABLE run (id INTEGER PRIMARY KEY, cc TEXT, goodput REAL)")
            c.executemany("INSERT INTO run (cc, goodput) VALUES (?, ?)",
                          [("lia", 1.5), ("olia", 2.5)])
            c.commit()
            c.close()
            self.assertEqual(data.tables(db), ["run"])
            self.assertEqual(data.rows(db, "SELECT cc, goodput FROM run WHERE goodput > ?", (2,)),
                             [{"cc": "olia", "goodput": 2.5}])
            with self.assertRaises(data.DataError):
                data.rows(db, "SELECT nothing FROM nowhere")
            with self.assertRaises(data.DataError):
                data.rows(str(Path(d) / "missing.db"), "SELECT 1")
            bad = Path(d) / "bad.db"
            bad.write_bytes(b"not a database at all" * 100)
            with self.assertRaises(data.DataError):
                data.rows(str(bad), "SELECT 1")

    def test_loopback_run(self):
        out = data.loopback(mode="mptcp", paths=2, bytes="1MiB", loss="0.5%", seed=3)
        self.assertTrue(out["verified"])
        self.assertEqual(out["delivered_bytes"], 1 << 20)
        self.assertEqual(len(out["flows"][0]["subflows"]), 2)
        again = data.loopback(mode="mptcp", paths=2, bytes="1MiB", loss="0.5%", seed=3)
        self.assertEqual(out["goodput_bps"], again["goodput_bps"])
        with self.assertRaises(data.DataError) as e:
            data.loopback(mode="quic")
        self.assertIn("--mode", str(e.exception))


if __name__ == "__main__":
    unittest.main()

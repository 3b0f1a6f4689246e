#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The scenario programs on the fast engine (--engine=fast, doc/fast-mode.md):
the same output structure as ns-3 mode, byte-for-byte determinism, clear
errors for what the fast engine does not model, and the reduced cross-check
with ns-3 mode.

Environment: MPTCP_EXAMPLES (the build's examples/ folder), MPTCP_SCRIPTS
(scripts/), MPTCP_BUILD (the build folder).
"""
from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import unittest
from pathlib import Path

EX = Path(os.environ.get("MPTCP_EXAMPLES", "build/examples"))
SCRIPTS = Path(os.environ.get("MPTCP_SCRIPTS", "scripts"))
BUILD = Path(os.environ.get("MPTCP_BUILD", "build"))
SB = EX / "mptcp-shared-bottleneck"
FT = EX / "mptcp-fattree"


def run(prog: Path, *args: str, check: bool = True, cwd=None) -> subprocess.CompletedProcess:
    p = subprocess.run([str(prog.resolve()), *args], capture_output=True, text=True, timeout=900,
                       cwd=cwd)
    if check and p.returncode != 0:
        raise AssertionError(f"{prog.name} {' '.join(args)} failed ({p.returncode}): {p.stderr}")
    return p


def last_json(p: subprocess.CompletedProcess) -> dict:
    return json.loads(p.stdout.strip().splitlines()[-1])


def last_json_text(stdout: str) -> dict:
    return json.loads(stdout.strip().splitlines()[-1])


def shape(x):
    """The structure of a JSON value: keys and types, not values."""
    if isinstance(x, dict):
        return {k: shape(v) for k, v in x.items()}
    if isinstance(x, list):
        return [shape(x[0])] if x else []
    if isinstance(x, bool):
        return "bool"
    if isinstance(x, (int, float)) or x is None:
        return "number"
    return type(x).__name__


BASE = ["--competitor=core", "--subflows=2", "--tcpFlows=2", "--duration=12", "--warmup=2",
        "--progress=false", "--plot=false"]


class SharedBottleneck(unittest.TestCase):
    def test_same_structure_as_ns3_mode(self):
        with tempfile.TemporaryDirectory() as d:
            outs = {}
            for eng in ("ns3", "fast"):
                p = run(SB, f"--engine={eng}", *BASE, "--RngRun=2", f"--outputDir={d}/{eng}")
                outs[eng] = last_json(p)
            a, b = outs["ns3"], outs["fast"]
            self.assertEqual(shape(a), shape(b))
            self.assertEqual(a["params"]["engine"], "ns3")
            self.assertEqual(b["params"]["engine"], "fast")
            # the same flows, subflows and addresses
            self.assertEqual([f["kind"] for f in a["flows"]], [f["kind"] for f in b["flows"]])
            self.assertEqual([s["remote"] for s in a["flows"][0]["subflows"]],
                             [s["remote"] for s in b["flows"][0]["subflows"]])
            for f in b["flows"]:
                self.assertGreater(f["goodput_bps"], 1e6, f)
            self.assertGreater(b["delivered_packets"], 5000)
            # results.db: the same tables, the same series, the engine recorded
            tables = {}
            for eng in ("ns3", "fast"):
                db = sqlite3.connect(f"{d}/{eng}/results.db")
                tables[eng] = sorted(r[0] for r in db.execute(
                    "SELECT name FROM sqlite_master WHERE type='table'"))
                series = sorted(set(db.execute(
                    "SELECT e.label, s.name FROM series s LEFT JOIN entity e ON e.id = s.entity_id"
                ).fetchall()), key=repr)
                params = dict(db.execute("SELECT name, value FROM param").fetchall())
                if eng == "ns3":
                    ns3_series = series
                    self.assertNotIn("engine", params)
                else:
                    self.assertEqual(series, ns3_series)
                    self.assertEqual(params.get("engine"), "fast")
                db.close()
            self.assertEqual(tables["ns3"], tables["fast"])

    def test_deterministic(self):
        with tempfile.TemporaryDirectory() as d:
            outs = []
            for i in range(2):
                os.mkdir(f"{d}/{i}")
                p = run(SB, "--engine=fast", *BASE, "--RngRun=5", "--deterministicOutput=true",
                        "--outputDir=out", cwd=f"{d}/{i}")
                outs.append(p.stdout)
            self.assertEqual(outs[0], outs[1])
            self.assertEqual(Path(f"{d}/0/out/results.db").read_bytes(),
                             Path(f"{d}/1/out/results.db").read_bytes())
            other = run(SB, "--engine=fast", *BASE, "--RngRun=6", "--results=false").stdout
            self.assertNotEqual(outs[0].splitlines()[-1], other.splitlines()[-1])

    def test_pcap(self):
        """--pcap on the fast engine: the core's segments as written, dissected by tshark."""
        if not shutil.which("tshark"):
            self.skipTest("tshark is not installed")
        with tempfile.TemporaryDirectory() as d:
            p = run(SB, "--engine=fast", *BASE, "--duration=4", "--pcap=true", "--results=false",
                    f"--outputDir={d}")
            key = int(last_json(p)["mptcp_key_local"], 16)
            t = subprocess.run(["tshark", "-r", f"{d}/mptcp-host-fast.pcap", "-T", "fields",
                                "-e", "tcp.options.mptcp.subtype", "-e", "tcp.options.mptcp.sendkey",
                                "-e", "_ws.malformed"], capture_output=True, text=True, timeout=300)
            self.assertEqual(t.returncode, 0, t.stderr)
            subtypes, keys, malformed = set(), set(), 0
            for line in t.stdout.splitlines():
                f = (line.split("\t") + ["", "", ""])[:3]
                subtypes.update(x for x in f[0].split(",") if x)
                keys.update(int(x) for x in f[1].split(",") if x)
                malformed += bool(f[2])
            self.assertTrue({"0", "1", "2"} <= subtypes, subtypes)  # MP_CAPABLE, MP_JOIN, DSS
            self.assertIn(key, keys)
            self.assertEqual(malformed, 0)
            self.assertTrue(Path(f"{d}/mptcp-receiver-fast.pcap").stat().st_size > 1000)

    def test_red_bottleneck(self):
        p = run(SB, "--engine=fast", *BASE, "--queueDisc=red", "--RngRun=1", "--results=false")
        d = last_json(p)
        self.assertEqual(d["params"]["queueDisc"], "red")
        self.assertGreater(sum(f["goodput_bps"] for f in d["flows"]), 8e6)

    def test_fq_codel_bottleneck(self):
        """FQ-CoDel per flow and per host: both engines, the same TCP (the
        core's Reno) against 4 uncoupled subflows, the same shares."""
        args = ["--competitor=core", "--competitorCc=ns3::TcpNewReno", "--subflows=4",
                "--cc=reno", "--pm=ndiffports", "--tcpFlows=4", "--duration=20", "--warmup=5",
                "--results=false", "--plot=false", "--progress=false"]
        for qd, lo, hi in (("fqcodel", 2.5, 5), ("fqcodel-host", 0.8, 1.4)):
            ratio = {}
            for engine in ("ns3", "fast"):
                ratio[engine] = [last_json(run(SB, f"--engine={engine}", *args, f"--queueDisc={qd}",
                                               f"--RngRun={s}"))["mptcp_tcp_ratio"]
                                 for s in (1, 2)]
            mean = {e: sum(v) / len(v) for e, v in ratio.items()}
            # per flow: 4 subflows take about 4 TCP shares; per host: one
            self.assertTrue(lo < mean["fast"] < hi, (qd, ratio))
            self.assertLess(abs(mean["fast"] - mean["ns3"]), 0.1 * mean["ns3"], (qd, ratio))

    def test_refused(self):
        cases = [
            (["--engine=warp"], "--engine must be ns3 or fast"),
            (["--engine=fast", "--tcpFlows=1"], "--competitor=core"),
            (["--engine=fast", "--competitor=core", "--flowMonitor=true"], "--engine=ns3"),
            (["--engine=fast", "--competitor=core", "--peer=ns3tcp", "--subflows=1"], "--peer=mptcp"),
            (["--engine=fast", "--competitor=core", "--virtualPayload=false"], "virtual"),
        ]
        for args, msg in cases:
            p = run(SB, *args, "--results=false", "--plot=false", check=False)
            self.assertEqual(p.returncode, 2, (args, p.stderr))
            self.assertIn(msg, p.stderr, args)
            self.assertNotIn("Traceback", p.stderr)


class FatTree(unittest.TestCase):
    ARGS = ["--k=4", "--subflows=2", "--tcp=true", "--duration=3", "--warmup=1", "--plot=false"]

    def test_fast_fattree(self):
        with tempfile.TemporaryDirectory() as d:
            a = run(FT, "--engine=fast", *self.ARGS, "--RngRun=1", f"--outputDir={d}/a")
            b = run(FT, "--engine=fast", *self.ARGS, "--RngRun=1", f"--outputDir={d}/b")
            self.assertEqual(a.stdout, b.stdout)
            db = sqlite3.connect(f"{d}/a/results.db")
            params = dict(db.execute("SELECT name, value FROM param").fetchall())
            self.assertEqual(params.get("engine"), "fast")
            db.close()
            j = last_json(a)
            self.assertEqual(j["params"]["engine"], "fast")
            runs = {r["config"]: r for r in j["runs"]}
            self.assertEqual(len(runs["tcp"]["flows_mbps"]), 16)
            # two subflows beat one path per flow, and the fluid model traced
            # the fast engine's own paths
            self.assertGreater(runs["mptcp-2"]["aggregate_fraction"], runs["tcp"]["aggregate_fraction"])
            for r in runs.values():
                self.assertIsNotNone(r["theory_fraction"], r)
                self.assertLess(abs(r["aggregate_fraction"] - r["theory_fraction"]),
                                0.3 * r["theory_fraction"], r)
            self.assertIn("events", a.stderr)

    def test_many_connections(self):
        p = run(FT, "--engine=fast", "--k=4", "--subflows=2", "--tcp=false", "--connections=500",
                "--duration=2", "--warmup=1", "--results=false", "--plot=false")
        j = last_json(p)
        self.assertEqual(j["params"]["connections"], 500)
        self.assertEqual(len(j["runs"][0]["flows_mbps"]), 500)
        # more connections than host pairs (16 x 15 = 240): they share the
        # fabric
        self.assertGreater(j["runs"][0]["median_mbps"], 0)
        self.assertGreater(j["runs"][0]["aggregate_fraction"], 0.5)
        self.assertIn("computed for one connection per host", j["runs"][0]["theory_note"])
        bad = run(FT, "--engine=fast", "--k=4", "--connections=40001", "--results=false",
                  "--plot=false", check=False)
        self.assertEqual(bad.returncode, 2)
        self.assertIn("--connections", bad.stderr)
        bad = run(FT, "--engine=turbo", "--results=false", "--plot=false", check=False)
        self.assertEqual(bad.returncode, 2)
        self.assertIn("--engine must be ns3 or fast", bad.stderr)


    POISSON = ["--k=4", "--traffic=poisson", "--load=0.3", "--flowSize=100000", "--tcp=false",
               "--subflows=2", "--duration=2", "--warmup=0.5", "--results=false", "--plot=false"]

    def test_poisson_workload(self):
        a = run(FT, "--engine=fast", *self.POISSON, "--RngRun=3")
        b = run(FT, "--engine=fast", *self.POISSON, "--RngRun=3")
        self.assertEqual(a.stdout, b.stdout)
        fast = last_json(a)["runs"][0]
        # a third of every host's link offered: the fabric carries it all
        # (payload 0.3 x 1500 / 1448 of the optimum), and the flows finish
        self.assertGreater(fast["flows_arrived"], 500)
        self.assertGreaterEqual(fast["flows_completed"], 0.95 * fast["flows_arrived"])
        self.assertAlmostEqual(fast["aggregate_fraction"], 0.3 * 1500 / 1448, delta=0.04)
        # 100 kB take at least their serialisation at 100 Mbit/s (8 ms)
        self.assertGreater(fast["fct_p50_ms"], 8)
        self.assertIn("not a Poisson workload", fast["theory_note"])
        # ns-3 mode: the same flows (drawn from ns-3's stream), the same
        # counts, completion times within 15%
        ns3 = last_json(run(FT, "--engine=ns3", *self.POISSON, "--RngRun=3"))["runs"][0]
        self.assertEqual(ns3["flows_arrived"], fast["flows_arrived"])
        for key in ("fct_mean_ms", "fct_p50_ms"):
            self.assertLess(abs(fast[key] - ns3[key]), 0.15 * ns3[key], (key, fast, ns3))
        self.assertAlmostEqual(fast["aggregate_fraction"], ns3["aggregate_fraction"], delta=0.03)

    def test_onoff_workload(self):
        args = ["--engine=fast", "--k=4", "--traffic=onoff", "--onMs=50", "--offMs=50",
                "--tcp=true", "--subflows=2", "--duration=3", "--warmup=1", "--results=false",
                "--plot=false", "--RngRun=2"]
        a = run(FT, *args)
        self.assertEqual(a.stdout, run(FT, *args).stdout)
        for r in last_json(a)["runs"]:
            # on half of the time at the link's rate: about half the optimum
            self.assertGreater(r["aggregate_fraction"], 0.3, r)
            self.assertLess(r["aggregate_fraction"], 0.65, r)
            self.assertIn("on/off", r["theory_note"])

    def test_workload_refused(self):
        for bad, text in (("--traffic=burst", "--traffic must be"),
                          ("--sizeDist=normal", "--sizeDist must be"),
                          ("--load=5", "--load"),
                          ("--paretoShape=1", "--paretoShape"),
                          ("--onMs=0", "--onMs"),
                          ("--traffic=poisson --connections=100", "--connections is for"),
                          ("--traffic=poisson --flowSize=10 --duration=100", "would start about")):
            p = run(FT, "--engine=fast", *bad.split(), "--results=false", "--plot=false",
                    check=False)
            self.assertEqual(p.returncode, 2, (bad, p.stderr))
            self.assertIn(text, p.stderr, bad)


class Responsiveness(unittest.TestCase):
    ARGS = ["--ccs=lia", "--joinAt=10", "--leaveAt=20", "--settleWindow=5", "--plot=false"]

    def test_fast_responsiveness(self):
        prog = EX / "mptcp-responsiveness"
        with tempfile.TemporaryDirectory() as d:
            runs = {}
            for eng in ("ns3", "fast", "fast"):
                p = run(prog, f"--engine={eng}", *self.ARGS, "--RngRun=1", f"--outputDir={d}/{eng}",
                        "--overwrite=true")
                runs.setdefault(eng, []).append(p.stdout)
            self.assertEqual(runs["fast"][0], runs["fast"][1])  # deterministic
            a, b = last_json_text(runs["ns3"][0]), last_json_text(runs["fast"][0])
            self.assertEqual(shape(a), shape(b))
            c = b["ccs"][0]
            # the TCP flows push the connection off path 1, and it comes back
            self.assertLess(c["path1_goodput_during_bps"], 0.3 * c["path1_goodput_before_bps"])
            self.assertGreater(c["path0_goodput_during_bps"], 8e6)
            self.assertIsNotNone(c["theory_path1_bps_during"])


class MoreScenarios(unittest.TestCase):
    """Khalili C, shaping and WiFi plus 3G: the same structure as ns-3 mode,
    deterministic, and what the fast engine does not model refused."""

    CASES = {
        "mptcp-khalili-c": ["--ccs=lia", "--duration=40", "--warmup=20"],
        "mptcp-shaping": ["--queueDiscs=droptail,red", "--subflows=2", "--tcpHosts=2",
                          "--duration=15", "--warmup=5"],
        "mptcp-wifi-3g": ["--schedulers=minrtt", "--opportunistic=true", "--rcvBufs=100000",
                          "--duration=15", "--warmup=5"],
    }

    def test_structure_and_determinism(self):
        with tempfile.TemporaryDirectory() as d:
            for prog, args in self.CASES.items():
                ns3 = run(EX / prog, "--engine=ns3", *args, "--RngRun=1", "--plot=false",
                          f"--outputDir={d}/{prog}-ns3")
                fast = [run(EX / prog, "--engine=fast", *args, "--RngRun=1", "--plot=false",
                            f"--outputDir={d}/{prog}-fast{i}").stdout for i in range(2)]
                self.assertEqual(fast[0], fast[1], prog)
                a, b = last_json_text(ns3.stdout), last_json_text(fast[0])
                self.assertEqual(shape(a), shape(b), prog)
                self.assertEqual(b["params"]["engine"], "fast", prog)
                db = sqlite3.connect(f"{d}/{prog}-fast0/results.db")
                engines = {r[0] for r in db.execute("SELECT value FROM param WHERE name='engine'")}
                db.close()
                self.assertEqual(engines, {"fast"}, prog)

    def test_refused(self):
        cases = [
            ("mptcp-khalili-c", ["--engine=fast", "--tcp=ns3"], "--tcp=core"),
            ("mptcp-shaping", ["--engine=fast", "--queueDiscs=sfq"], "must be"),
            ("mptcp-wifi-3g", ["--engine=jet"], "--engine must be ns3 or fast"),
            ("mptcp-responsiveness", ["--engine=jet"], "--engine must be ns3 or fast"),
        ]
        for prog, args, msg in cases:
            p = run(EX / prog, *args, "--results=false", "--plot=false", check=False)
            self.assertEqual(p.returncode, 2, (prog, args, p.stderr))
            self.assertIn(msg, p.stderr, (prog, args))


class Campaign(unittest.TestCase):
    def test_campaign_sweeps_the_engine(self):
        """engine is a parameter like any other: one campaign, both engines."""
        with tempfile.TemporaryDirectory() as d:
            spec = Path(d) / "engines.toml"
            spec.write_text(f"""[campaign]
name = "engines"
program = "{SB.resolve()}"
dir = "{d}/out"
seeds = 2

[fixed]
duration = 8
warmup = 2
tcpFlows = 1
competitor = "core"
plot = false
progress = false

[grid]
engine = ["ns3", "fast"]
""")
            p = subprocess.run([sys.executable, str(SCRIPTS / "mptcp-campaign"), "run", str(spec),
                                "--jobs", "2"], capture_output=True, text=True, timeout=900)
            self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
            db = sqlite3.connect(f"{d}/out/campaign.db")
            rows = db.execute("SELECT params_json, status FROM campaign_job").fetchall()
            db.close()
            self.assertEqual(len(rows), 4)
            self.assertEqual({json.loads(r[0])["engine"] for r in rows}, {"ns3", "fast"})
            self.assertTrue(all(r[1] == "ok" for r in rows), rows)


class CrossCheck(unittest.TestCase):
    def test_reduced_crosscheck(self):
        """The reduced grid over 10 seeds: both flow classes within 5%."""
        p = subprocess.run([sys.executable, str(SCRIPTS / "crosscheck_fast.py"), "--build", str(BUILD),
                            "--quick", "--seeds", "10", "--duration", "60", "--tolerance", "5"],
                           capture_output=True, text=True, timeout=1800)
        print(p.stdout)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr)
        self.assertIn("Largest difference", p.stdout)


if __name__ == "__main__":
    unittest.main(verbosity=2)

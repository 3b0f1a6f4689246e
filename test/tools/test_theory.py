# SPDX-License-Identifier: GPL-2.0-only
"""mptcp-theory (utils/mptcp-theory.c, GSL): the topology file format, the
quick form, --json, and exit status 2 with one line naming the line and
the field on bad input. The models themselves are tested against closed
forms by tools.theory (test_theory.c); here only what the command adds
(units, names, output) is checked, against values computed by hand.

Environment: MPTCP_THEORY (the tool)."""

import json
import math
import os
import subprocess
import tempfile
import unittest

TOOL = os.environ.get("MPTCP_THEORY", "mptcp-theory")

KHALILI = """\
# Khalili et al. scenario C: 10 multipath users on AP1 and AP2,
# 10 TCP users on AP2 only, 1 Mbit/s per user on each AP
mss 1448
response kelly            # the default
link ap1 rate=10Mbps droptail
link ap2 rate=10Mbps droptail
user mp alg=olia count=10 paths=2
path mp rtt=150ms links=ap1
path mp rtt=150ms links=ap2
user tcp alg=tcp count=10
path tcp rtt=150ms links=ap2
"""


def run(*args, stdin=None):
    p = subprocess.run([TOOL, *args], capture_output=True, text=True, timeout=60, input=stdin)
    return p.returncode, p.stdout, p.stderr


class Base(unittest.TestCase):
    def setUp(self):
        self.tmp = tempfile.TemporaryDirectory()

    def tearDown(self):
        self.tmp.cleanup()

    def write(self, text, name="topo.txt"):
        path = os.path.join(self.tmp.name, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def solve(self, *args, stdin=None):
        rc, out, err = run("--json", *args, stdin=stdin)
        self.assertEqual(rc, 0, err)
        self.assertEqual(err, "")
        lines = out.rstrip("\n").split("\n")
        self.assertTrue(lines[0].startswith("# mptcp-theory"), lines[0])
        return json.loads(lines[-1])

    def bad(self, *args, want=(), stdin=None):
        """Exit 2, nothing on stdout, one line on stderr containing want."""
        rc, out, err = run(*args, stdin=stdin)
        self.assertEqual(rc, 2, (args, out, err))
        self.assertEqual(out, "")
        self.assertEqual(err.count("\n"), 1, err)
        self.assertTrue(err.startswith("mptcp-theory: "), err)
        for w in want:
            self.assertIn(w, err)
        return err


class Test_file(Base):
    def test_khalili_json(self):
        j = self.solve(self.write(KHALILI))
        self.assertEqual(j["mss_bytes"], 1448)
        self.assertEqual(j["response"]["kind"], "kelly")
        self.assertLess(j["solver"]["residual"], 1e-9)
        links = {l["name"]: l for l in j["links"]}
        pps = 10e6 / (8 * 1448)
        for name in ("ap1", "ap2"):
            self.assertEqual(links[name]["model"], "droptail")
            self.assertAlmostEqual(links[name]["capacity_pps"], pps, places=6)
            self.assertAlmostEqual(links[name]["load_mbps"], 10.0, places=6)
            self.assertTrue(links[name]["bottleneck"])
            self.assertGreater(links[name]["loss"], 0.0)
        users = {u["name"]: u for u in j["users"]}
        self.assertEqual(users["mp"]["count"], 10)
        self.assertEqual(users["mp"]["alg"], "olia")
        self.assertEqual(len(users["mp"]["paths"]), 2)
        self.assertEqual(users["mp"]["paths"][1]["links"], ["ap2"])
        # OLIA leaves AP2 to the TCP users: 1 Mbit/s each
        self.assertLess(users["mp"]["paths"][1]["rate_mbps"], 1e-3)
        self.assertAlmostEqual(users["tcp"]["rate_mbps"], 1.0, places=3)
        for u in j["users"]:
            for p in u["paths"]:
                self.assertAlmostEqual(p["rate_mbps"], p["rate_pps"] * 8 * 1448 / 1e6, places=9)
                self.assertAlmostEqual(p["rate_pps"], p["window_pkts"] / p["rtt_ms"] * 1e3,
                                       places=6)

    def test_one_tcp_fills_a_link(self):
        # one TCP alone on a 5 Mbit/s drop-tail link of 100 ms: W = C T,
        # p = 2 / (2 + W^2) (Kelly's response inverted); mss 1000 bytes
        j = self.solve(self.write("mss 1000\nlink l rate=5Mbps droptail\n"
                                  "user t alg=tcp\npath t rtt=100ms links=l\n"))
        c = 5e6 / 8000
        w = c * 0.1
        self.assertAlmostEqual(j["links"][0]["capacity_pps"], c)
        self.assertAlmostEqual(j["users"][0]["rate_mbps"], 5.0, places=6)
        self.assertAlmostEqual(j["users"][0]["paths"][0]["window_pkts"], w, places=6)
        self.assertAlmostEqual(j["links"][0]["loss"] / (2 / (2 + w * w)), 1.0, places=7)

    def test_red_queue_and_series(self):
        # RED: the queue is RED's profile at the equilibrium loss and adds to
        # the RTT; the fat link in series is no bottleneck
        j = self.solve(self.write(
            "link r rate=10Mbps red minth=25 maxth=50 maxp=0.1 gentle\n"
            "link fat rate=1Gbps droptail\n"
            "user u alg=reno count=4\npath u rtt=50ms links=fat,r\n"))
        r, fat = j["links"][0], j["links"][1]
        self.assertFalse(fat["bottleneck"])
        self.assertEqual(fat["loss"], 0)
        self.assertTrue(r["bottleneck"])
        self.assertAlmostEqual(r["queue_pkts"], 25 + 25 * r["loss"] / 0.1, places=6)
        path = j["users"][0]["paths"][0]
        self.assertAlmostEqual(path["rtt_ms"], 50 + r["queue_delay_ms"], places=6)
        self.assertAlmostEqual(r["queue_delay_ms"], r["queue_pkts"] / r["capacity_pps"] * 1e3)

    def test_stdin_and_response(self):
        # Mathis with delayed ACKs (b = 2): x = sqrt(3 / (2 b p)) / T
        j = self.solve("-", stdin="response mathis b=2\nlink l loss=0.01\n"
                                  "user t alg=tcp\npath t rtt=100ms links=l\n")
        self.assertEqual(j["response"]["kind"], "mathis")
        self.assertAlmostEqual(j["users"][0]["rate_pps"], math.sqrt(3 / (4 * 0.01)) / 0.1)
        self.assertIsNone(j["links"][0]["capacity_mbps"])


class Test_quick(Base):
    def test_lia(self):
        j = self.solve("--alg", "lia", "--loss", "0.01,0.02", "--rtt", "100ms,100ms")
        q = [p / (1 - p) for p in (0.01, 0.02)]
        u = j["users"][0]
        self.assertEqual([p["links"] for p in u["paths"]], [["p1"], ["p2"]])
        # one TCP's rate on the best path, windows in proportion 1/q
        self.assertAlmostEqual(u["rate_pps"], math.sqrt(2 / q[0]) / 0.1, places=6)
        w = [p["window_pkts"] for p in u["paths"]]
        self.assertAlmostEqual(w[0] / w[1], q[1] / q[0], places=7)

    def test_options(self):
        j = self.solve("--alg", "reno", "--loss", "0.02,0.02", "--rtt=200ms", "--mss", "1000",
                       "--response", "padhye", "--t0", "1s")
        self.assertEqual(j["mss_bytes"], 1000)
        self.assertEqual(j["response"]["t0_s"], 1)
        p, t, t0 = 0.02, 0.2, 1.0
        x = 1 / (t * math.sqrt(2 * p / 3) + t0 * min(1, 3 * math.sqrt(3 * p / 8)) * p
                 * (1 + 32 * p * p))
        self.assertAlmostEqual(j["users"][0]["rate_pps"], 2 * x, places=6)

    def test_help(self):
        rc, out, err = run("--help")
        self.assertEqual(rc, 0)
        self.assertIn("usage: mptcp-theory", out)
        self.assertIn("--json", out)


class Test_errors(Base):
    def test_file_errors(self):
        ok = "link l rate=10Mbps droptail\nuser u alg=tcp\npath u rtt=10ms links=l\n"
        self.solve(self.write(ok))
        cases = [
            ("link l rate=10Mbps droptail colour=red\n", ":1: colour: unknown key"),
            ("link l rate=10Mbps droptail\nuser u alg=tcp\npath u rtt=1O0ms links=l\n",
             ":3: rtt: '1O0ms'"),
            ("link l loss=abc\n", ":1: loss: 'abc'"),
            ("link l rate=0Mbps droptail\n", ":1: rate: '0Mbps'"),
            ("link l rate=10Mbpz droptail\n", ":1: rate: '10Mbpz'"),
            ("link l loss=1\n", ":1: loss: '1'"),
            ("link l loss=1.5\n", ":1: loss"),
            ("link l rate=10Mbps\n", ":1: model"),
            ("link l rate=10Mbps red minth=5 maxp=0.1\n", ":1: maxth: missing"),
            ("link l rate=10Mbps droptail\nuser u alg=tcp\npath u rtt=10ms links=l,zz\n",
             ":3: links: unknown link 'zz'"),
            ("link l rate=10Mbps droptail\npath v rtt=10ms links=l\n", ":2: user: unknown user"),
            ("link l rate=10Mbps droptail\nuser u alg=cubic\n", ":2: alg: unknown algorithm"),
            ("link l rate=10Mbps droptail\nuser u alg=lia paths=2\npath u rtt=10ms links=l\n",
             ":2: paths: user 'u' has 1 path line"),
            ("link l rate=10Mbps droptail\nuser u alg=tcp\npath u rtt=10ms links=l\n"
             "path u rtt=10ms links=l\n", ":4: user: tcp user 'u' already has its path"),
            ("link l rate=10Mbps droptail\nuser u alg=lia count=0\n", ":2: count"),
            ("mss 1448\nmss 1500\n", ":2: mss: given twice"),
            ("response kelly b=2\n", ":1: b: not a parameter of kelly"),
            ("frobnicate 3\n", ":1: frobnicate: unknown statement"),
            ("link l rate=10Mbps droptail\nlink l loss=0.1\n", ":2: name: link 'l' already"),
            ("link l loss=0\nuser u alg=reno\npath u rtt=10ms links=l\n",
             ":3: links: a path of user 'u' whose links all have loss 0"),
            ("# nothing\n", "no path"),
        ]
        for text, want in cases:
            with self.subTest(text=text):
                path = self.write(text)
                self.bad(path, want=(path + want if want.startswith(":") else want,))

    def test_arguments(self):
        self.bad(os.path.join(self.tmp.name, "missing.txt"), want=("cannot open",))
        rc, out, err = run()  # no argument: the usage on stderr, as mptcp-summary
        self.assertEqual((rc, out), (2, ""))
        self.assertIn("usage: mptcp-theory", err)
        self.bad("--frob", want=("unknown option '--frob'",))
        self.bad("--alg", "lia", "--loss", "0.01,1.5", "--rtt", "10ms", want=("--loss: '1.5'",))
        self.bad("--alg", "lia", "--loss", "0.01,0", "--rtt", "10ms", want=("--loss: '0'",))
        self.bad("--alg", "lia", "--loss", "0.01,0.02", "--rtt", "0ms", want=("--rtt: '0ms'",))
        self.bad("--alg", "lia", "--loss", "0.01,0.02", "--rtt", "1,2,3",
                 want=("--rtt: 3 values for 2 paths",))
        self.bad("--alg", "tcp", "--loss", "0.01,0.02", "--rtt", "10ms", want=("--alg tcp",))
        self.bad("--alg", "lia", "--loss", "0.01", want=("needs --alg, --loss and --rtt",))
        self.bad("--alg", "lia", "--loss", "0.01", "--rtt", "10ms", "--b", "2",
                 want=("--b: not a parameter of kelly",))
        self.bad("--alg", "lia", "--loss", "0.01", "--rtt", "10ms", "--mss", "0",
                 want=("--mss",))
        self.bad("--alg", "lia", "--loss", "0.01", "--rtt", "10ms", self.write(KHALILI),
                 want=("not both",))


if __name__ == "__main__":
    unittest.main()

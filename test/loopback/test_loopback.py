# SPDX-License-Identifier: GPL-2.0-only
"""Tests of mptcp-loopback: whole TCP connections over the loopback network.

Each test class is one ctest (loop.<name>). Environment:
  MPTCP_LOOPBACK             the tool
  MPTCP_LOOP_TRANSFER_RUNS   seeded runs of Test_transfer (default 200)
  MPTCP_LOOP_MPTCP_RUNS      seeded runs of Test_mptcp_transfer (default 200)
  MPTCP_LOOP_HOSTILE_RUNS    randomized runs of Test_hostile (default 1000)
  MPTCP_LOOP_JOBS            processes run side by side (default 2)
"""
import concurrent.futures
import json
import math
import os
import random
import re
import subprocess
import tempfile
import unittest

TOOL = os.environ.get("MPTCP_LOOPBACK", "mptcp-loopback")
RUNS = int(os.environ.get("MPTCP_LOOP_TRANSFER_RUNS", "200"))
MPTCP_RUNS = int(os.environ.get("MPTCP_LOOP_MPTCP_RUNS", "200"))
JOBS = max(1, int(os.environ.get("MPTCP_LOOP_JOBS", "2")))

# Fields that depend on the machine, not on the arguments.
WALL_FIELDS = ("wall_s", "segments_per_wall_s")

# The 10 Mbit/s, 20 ms RTT path of the issue's acceptance criteria, with a
# queue of one bandwidth-delay product of 1500-byte packets:
# 10e6 bit/s * 0.020 s / (8 * 1500) = 16.7, rounded up to 17 packets.
RATE = 10_000_000
ONE_WAY = 0.010
BDP_PKTS = math.ceil(RATE * 2 * ONE_WAY / (8 * 1500))


def run_tool(*args, timeout=600):
    p = subprocess.run([TOOL, *args], capture_output=True, text=True, timeout=timeout)
    out = None
    lines = p.stdout.splitlines()
    if lines:
        try:
            out = json.loads(lines[-1])
        except ValueError:
            out = None
    return p.returncode, out, p.stdout, p.stderr


def strip_wall(text):
    for f in WALL_FIELDS:
        text = re.sub(r'"%s":[0-9.eE+-]+,?' % f, "", text)
    return text


class Test_transfer(unittest.TestCase):
    """Byte-exact 8 MiB transfers in both directions at once over one path
    with random loss (0-5%), reordering and duplication, each run with its
    own seed: every run must verify and close normally."""

    def test_seeded_runs(self):
        rnd = random.Random(20240601)
        cases = []
        for i in range(RUNS):
            loss = rnd.uniform(0.0, 0.05)
            reorder = rnd.uniform(0.0, 0.05)
            dup = rnd.uniform(0.0, 0.02)
            rate = rnd.choice(("10Mbps", "50Mbps", "100Mbps"))
            delay = rnd.choice(("1ms", "5ms", "10ms", "25ms"))
            args = ["--bytes", "8MiB", "--direction", "both", "--seed", str(1000 + i),
                    "--loss", "%.5f" % loss, "--reorder", "%.5f" % reorder,
                    "--duplicate", "%.5f" % dup, "--rate", rate, "--delay", delay]
            cases.append(args)

        def one(args):
            rc, out, _, err = run_tool(*args)
            return args, rc, out, err

        failures = []
        totals = {"retransmissions": 0, "rto_count": 0, "fast_recoveries": 0}
        slowest = (0.0, None)
        max_srtt = (0.0, None)
        with concurrent.futures.ThreadPoolExecutor(max_workers=JOBS) as pool:
            for args, rc, out, err in pool.map(one, cases):
                ok = (rc == 0 and out is not None and out["verified"] is True
                      and out["close_reason"] == "normal"
                      and out["delivered_bytes"] == 2 * 8 * 1024 * 1024)
                if not ok:
                    failures.append("%s -> rc %d, %s %s" % (
                        " ".join(args), rc,
                        {k: out.get(k) for k in ("verified", "close_reason", "delivered_bytes",
                                                 "duration_s", "error")} if out else None,
                        err.strip()[:200]))
                elif out:
                    for k in totals:
                        totals[k] += out[k]
                    seed = args[args.index("--seed") + 1]
                    slowest = max(slowest, (out["duration_s"], seed))
                    srtt = max(max(f["a_srtt_ms"], f["b_srtt_ms"]) for f in out["flows"])
                    max_srtt = max(max_srtt, (srtt, seed))
        print("%d runs, %d failed; totals %s; slowest %.1f s (seed %s); largest final "
              "SRTT %.1f ms (seed %s)" % (len(cases), len(failures), totals, slowest[0],
                                          slowest[1], max_srtt[0], max_srtt[1]))
        self.assertEqual(failures, [], "\n".join(failures[:20]))


class Test_utilisation(unittest.TestCase):
    """Reno and CUBIC on one 10 Mbit/s, 20 ms RTT path with a BDP-sized
    queue (17 packets, see BDP_PKTS) keep it busy: goodput over 60 virtual
    seconds of bulk transfer is at least 90% of the link rate. Goodput is
    payload only, so this asks for about 93% of the wire capacity. Also
    wVegas (test_wvegas_single_path)."""

    def check(self, cc):
        rc, out, _, err = run_tool("--cc", cc, "--rate", str(RATE), "--delay", "10ms",
                                   "--queue", str(BDP_PKTS), "--time", "60", "--virtual",
                                   "--seed", "1")
        self.assertEqual(rc, 0, err)
        link = out["links"][0]
        wire = link["delivered"]  # packets; the wire utilisation for the record
        print("%s: goodput %.3f Mbit/s (%.1f%% of the rate), %d retransmissions, "
              "%d RTOs, %d fast recoveries, %d packets, %d queue drops" % (
                  cc, out["goodput_bps"] / 1e6, 100 * out["goodput_bps"] / RATE,
                  out["retransmissions"], out["rto_count"], out["fast_recoveries"],
                  wire, link["queue_drops"]))
        self.assertEqual(out["cc"], cc)
        self.assertEqual(link["queue"], BDP_PKTS)
        self.assertGreaterEqual(out["goodput_bps"], 0.9 * RATE)
        # the queue really was the bottleneck
        self.assertGreater(link["queue_drops"], 0)

    def test_reno(self):
        self.check("reno")

    def test_cubic(self):
        self.check("cubic")

    def test_wvegas_single_path(self):
        """wVegas alone on one 10 Mbit/s path, 20 and 40 ms RTT (BDP queue,
        the tool's default): at least 90% of the rate over 60 virtual
        seconds, without filling the queue (delay-based: no queue drops).
        Before its queue drain was limited to rounds holding the target
        backlog it got about 50% at 40 ms (cc_wvegas.c's header)."""
        for one_way in ("10ms", "20ms"):
            # coupled: it runs on MPTCP connections only (here one subflow)
            rc, out, _, err = run_tool("--mode", "mptcp", "--paths", "1", "--cc", "wvegas",
                                       "--rate", str(RATE), "--delay", one_way, "--time",
                                       "60", "--virtual", "--seed", "1")
            self.assertEqual(rc, 0, err)
            link = out["links"][0]
            print("wvegas, %s one way: goodput %.3f Mbit/s (%.1f%% of the rate), queue "
                  "drops %d, max queue %d of %d" % (
                      one_way, out["goodput_bps"] / 1e6, 100 * out["goodput_bps"] / RATE,
                      link["queue_drops"], link["max_queue"], link["queue"]))
            self.assertGreaterEqual(out["goodput_bps"], 0.9 * RATE, one_way)
            self.assertEqual(link["queue_drops"], 0, one_way)


class Test_default_cc(unittest.TestCase):
    """RFC 6356: an MPTCP connection defaults to the coupled LIA, plain TCP
    to CUBIC, and a connection that falls back to TCP leaves the coupled
    algorithm for CUBIC. Told apart by their counters (HyStart is CUBIC's)
    and by the JSON."""

    def test_defaults(self):
        rc, out, _, err = run_tool("--mode", "tcp", "--bytes", "4MiB", "--virtual")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out["cc"], "cubic")
        rc, out, _, err = run_tool("--mode", "mptcp", "--paths", "2", "--bytes", "1MiB",
                                   "--virtual")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out["cc"], "lia")

    def same_as(self, extra, explicit):
        # the default run and a run naming the algorithm are identical but
        # for the "cc" field; naming another algorithm changes the run
        def text(r):
            self.assertEqual(r[0], 0, r[3])
            return re.sub(r'"cc":"[a-z]*",', "", strip_wall(r[2]))

        base = ("--rate", "10Mbps", "--delay", "10ms", "--time", "10", "--virtual",
                "--seed", "4")
        a = run_tool(*base, *extra)
        b = run_tool(*base, *extra, "--cc", explicit)
        c = run_tool(*base, *extra, "--cc", "reno")
        self.assertEqual(text(a), text(b))
        self.assertNotEqual(text(a), text(c))
        return a

    def test_tcp_default_is_cubic(self):
        self.same_as(("--mode", "tcp"), "cubic")

    def test_mptcp_default_is_lia(self):
        self.same_as(("--mode", "mptcp", "--paths", "2"), "lia")

    def test_fallback_runs_cubic(self):
        # a middlebox strips MPTCP: the connection is plain TCP from the
        # handshake on and runs CUBIC, not a one-subflow LIA
        a = self.same_as(("--mode", "mptcp", "--peer-strips-options"), "cubic")
        self.assertTrue(a[1]["fallback"])
        self.assertEqual(a[1]["cc"], "lia")
        self.assertEqual(a[1]["fallback_cc"], "cubic")


class Test_fairness(unittest.TestCase):
    """Two Reno connections through one 10 Mbit/s, 20 ms bottleneck with a
    BDP-sized queue, the second opened within one RTT of the first (the
    default start spread), share it over 60 virtual seconds
    with a Jain index of at least 0.95."""

    def test_two_reno(self):
        rc, out, _, err = run_tool("--cc", "reno", "--connections", "2", "--rate", str(RATE),
                                   "--delay", "10ms", "--queue", str(BDP_PKTS), "--time", "60",
                                   "--virtual", "--seed", "1")
        self.assertEqual(rc, 0, err)
        flows = out["flows"]
        self.assertEqual(len(flows), 2)
        x = [f["goodput_bps"] for f in flows]
        jain = sum(x) ** 2 / (len(x) * sum(v * v for v in x))
        print("goodputs %s Mbit/s, Jain %.4f (tool: %.4f), total %.1f%% of the rate" % (
            [round(v / 1e6, 3) for v in x], jain, out["jain"], 100 * sum(x) / RATE))
        self.assertAlmostEqual(jain, out["jain"], places=5)
        self.assertGreaterEqual(jain, 0.95)
        self.assertGreaterEqual(sum(x), 0.85 * RATE)


class Test_badargs(unittest.TestCase):
    """Every bad argument: exit status 2, a message on stderr naming the
    tool, nothing on stdout, never a crash."""

    BAD = [
        ["--frobnicate"],
        ["extra"],
        ["--paths", "0"],
        ["--paths", "abc"],
        ["--paths", "-1"],
        ["--paths", "257"],
        ["--rate", "-5Mbps"],
        ["--rate", "0"],
        ["--rate", "fast"],
        ["--rate", "10Mbpsx"],
        ["--rate", "nan"],
        ["--rate", "inf"],
        ["--rate", "10mbps"],   # ns-3's units, case included
        ["--rate", "10M"],
        ["--rate", "10Mbit/s"],
        ["--rate", "10.5"],     # a bare number is integer bit/s
        ["--rate", "10 Mbps"],
        ["--rate", "1,2", "--paths", "3"],
        ["--rate", "1Mbps,,2Mbps", "--paths", "3"],
        ["--delay", "soon"],
        ["--delay", "-1ms"],
        ["--queue", "-1"],
        ["--queue", "1.5"],
        ["--loss", "1.5"],
        ["--loss", "150%"],
        ["--loss", "-0.1"],
        ["--loss", "x%"],
        ["--loss", ""],
        ["--reorder", "2"],
        ["--duplicate", "abc"],
        ["--corrupt", "101%"],
        ["--bytes", "8XB"],
        ["--bytes", "-1"],
        ["--bytes", "1.5"],
        ["--seed", "-1"],
        ["--seed", "12abc"],
        ["--cc", "vegas"],
        ["--cc", "lia"],
        ["--mode", "tcp", "--cc", "wvegas"],
        ["--mode=mptcp-redundant"],
        ["--mode", "MPTCP"],
        ["--mode", "mptcp", "--pm", "meshy"],
        ["--mode", "mptcp", "--pm", ""],
        ["--mode", "mptcp", "--pm", "fullmesh,ndiffports"],
        ["--mode", "mptcp", "--scheduler", "round-robin"],
        ["--mode", "mptcp", "--scheduler", "MINRTT"],
        ["--mode", "mptcp", "--subflows", "0"],
        ["--mode", "mptcp", "--subflows", "9"],
        ["--mode", "mptcp", "--subflows", "two"],
        ["--mode", "mptcp", "--subflows", "-1"],
        ["--mode", "mptcp", "--subflows", "2.5"],
        ["--mode", "mptcp", "--subflows"],
        ["--mode", "mptcp", "--dss-checksum=1"],
        ["--pm", "fullmesh"],
        ["--mode", "tcp", "--pm", "fullmesh"],
        ["--mode", "tcp", "--pm", "default"],
        ["--mode", "tcp", "--scheduler", "minrtt"],
        ["--mode", "tcp", "--dss-checksum"],
        ["--mode", "tcp", "--opportunistic"],
        ["--mode", "mptcp", "--opportunistic=1"],
        ["--mode", "mptcp", "--scheduler", "duplicate"],
        ["--pm", "ndiffports", "--mode", "tcp"],
        ["--mode", "udp"],
        ["--direction", "up"],
        ["--connections", "0"],
        ["--connections", "100000"],
        ["--mss", "10"],
        ["--mss", "0"],
        ["--sndbuf", "0"],
        ["--rcvbuf", "10GiB"],
        ["--min-rto", "0"],
        ["--min-rto", "1000s"],
        ["--join-retry", "2h"],
        ["--join-retry", "7200s"],
        ["--delack", "later"],
        ["--delack-count", "0"],
        ["--time", "0"],
        ["--start-spread", "soon"],
        ["--start-spread", "-1ms"],
        ["--start-spread", "2s", "--time", "1s"],
        ["--time", "5", "--bytes", "1MiB"],
        ["--duration-limit", "0"],
        ["--fail", "bad"],
        ["--fail", "0:2s-1s"],
        ["--fail", "3:1s-2s"],
        ["--fail-path", "1"],
        ["--fail-path", "x@1s"],
        ["--fail-path", "1@soon"],
        ["--fail-path", "5@1s", "--paths", "2"],
        ["--server-addrs", "3", "--paths", "2"],
        ["--server-addrs", "0"],
        ["--alter-payload", "1"],
        ["--alter-payload", "1:0", "--paths", "2"],
        ["--alter-payload", "2:10", "--paths", "2"],
        ["--alter-payload", "0@later"],
        ["--alter-payload", "0:10", "--virtual"],
        ["--rate"],
        ["--virtual=1"],
        ["--pcap", "/nonexistent-dir/x.pcap"],
        ["--trace", "/nonexistent-dir/x.csv"],
    ]

    def test_bad_arguments(self):
        for args in self.BAD:
            with self.subTest(args=args):
                p = subprocess.run([TOOL, *args], capture_output=True, text=True, timeout=30)
                self.assertEqual(p.returncode, 2, "%s: rc %d, stderr %r" % (args, p.returncode,
                                                                           p.stderr))
                self.assertIn("mptcp-loopback:", p.stderr)
                self.assertGreater(len(p.stderr.strip()), len("mptcp-loopback:") + 5)
                self.assertEqual(p.stdout, "")

    def test_messages_are_specific(self):
        p = subprocess.run([TOOL, "--cc", "vegas"], capture_output=True, text=True)
        self.assertIn("vegas", p.stderr)
        self.assertIn("congestion control", p.stderr)
        p = subprocess.run([TOOL, "--mode", "mptcp", "--pm", "meshy"], capture_output=True,
                           text=True)
        self.assertIn("meshy", p.stderr)
        self.assertIn("path manager", p.stderr)
        p = subprocess.run([TOOL, "--pm", "fullmesh"], capture_output=True, text=True)
        self.assertIn("--mode mptcp", p.stderr)
        p = subprocess.run([TOOL, "--mode", "mptcp", "--subflows", "9"], capture_output=True,
                           text=True)
        self.assertIn("--subflows", p.stderr)
        p = subprocess.run([TOOL, "--loss", "1.5"], capture_output=True, text=True)
        self.assertIn("--loss", p.stderr)
        p = subprocess.run([TOOL, "--cc", "olia"], capture_output=True, text=True)
        self.assertIn("coupled", p.stderr)
        self.assertIn("--mode mptcp", p.stderr)

    def test_good_arguments_parse(self):
        rc, out, _, err = run_tool("--paths", "2", "--rate", "10Mbps,1.5Gbps", "--delay",
                                   "500us,0.002", "--loss", "0%,1%", "--bytes", "64KiB",
                                   "--queue", "20,30", "--mss", "1000", "--min-rto", "1s",
                                   "--delack", "200ms", "--sndbuf", "1MiB", "--rcvbuf", "1MB",
                                   "--no-sack", "--no-timestamps", "--cc=reno")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out["links"][2]["rate_bps"], 1_500_000_000)
        self.assertAlmostEqual(out["links"][0]["delay_s"], 0.0005)
        self.assertEqual(out["links"][2]["queue"], 30)
        self.assertEqual(out["delivered_bytes"], 65536)
        # the default queue: one BDP of 1500-byte packets, at least 10
        rc, out, _, err = run_tool("--rate", "100Mbps", "--delay", "10ms", "--bytes", "1000")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out["links"][0]["queue"], 167)
        rc, out, _, err = run_tool("--rate", "1Mbps", "--delay", "1ms", "--bytes", "1000")
        self.assertEqual(out["links"][0]["queue"], 10)
        # rates mean what they mean to ns-3: "B" is bytes (10MBps = 80 Mbit/s)
        for text, bps in (("10MBps", 80_000_000), ("1KiB/s", 8192), ("1Mib/s", 1_048_576),
                          ("2kB/s", 16_000), ("1500000", 1_500_000)):
            rc, out, _, err = run_tool("--rate", text, "--bytes", "1000")
            self.assertEqual(rc, 0, err)
            self.assertEqual(out["links"][0]["rate_bps"], bps, text)

    def test_mptcp_arguments_parse(self):
        # --mode mptcp is valid now, with each path manager and the options
        for extra in (["--pm", "default"], ["--pm", "fullmesh"],
                      ["--pm", "ndiffports", "--subflows", "3"],
                      ["--pm=fullmesh", "--scheduler=minrtt", "--dss-checksum"],
                      ["--scheduler", "redundant", "--opportunistic"],
                      ["--scheduler", "ecf", "--opportunistic"]):
            with self.subTest(extra=extra):
                rc, out, _, err = run_tool("--mode", "mptcp", "--paths", "2", "--bytes", "64KiB",
                                           *extra)
                self.assertEqual(rc, 0, err)
                self.assertEqual(out["mode"], "mptcp")
                self.assertTrue(out["verified"])
                self.assertFalse(out["fallback"])
                self.assertEqual(out["opportunistic"], "--opportunistic" in extra)
                self.assertIn("ooo_peak", out)
                self.assertIn("ooo_mean", out)

    def test_help(self):
        p = subprocess.run([TOOL, "--help"], capture_output=True, text=True)
        self.assertEqual(p.returncode, 0)
        self.assertIn("--direction", p.stdout)

    def test_output_write_error(self):
        # a verified transfer whose JSON cannot be written is not a success
        if not os.path.exists("/dev/full"):
            self.skipTest("no /dev/full")
        for args in (["--bytes", "64KiB"], ["--help"]):
            with self.subTest(args=args), open("/dev/full", "w") as full:
                p = subprocess.run([TOOL, *args], stdout=full, stderr=subprocess.PIPE,
                                   text=True, timeout=60)
                self.assertEqual(p.returncode, 1)
                self.assertIn("writing standard output failed", p.stderr)


class Test_determinism(unittest.TestCase):
    """The same seed gives the same output (apart from wall-clock fields),
    the same packet capture and the same trace; another seed differs."""

    ARGS = ["--bytes", "2MiB", "--direction", "both", "--loss", "2%", "--reorder", "2%",
            "--duplicate", "1%", "--corrupt", "0.5%", "--rate", "20Mbps", "--delay", "5ms"]

    def run_once(self, seed, tmp, tag):
        pcap = os.path.join(tmp, "%s.pcap" % tag)
        trace = os.path.join(tmp, "%s.csv" % tag)
        rc, out, stdout, err = run_tool(*self.ARGS, "--seed", str(seed), "--pcap", pcap,
                                        "--trace", trace)
        self.assertEqual(rc, 0, err)
        with open(pcap, "rb") as f:
            cap = f.read()
        with open(trace) as f:
            tr = f.read()
        return out, stdout, cap, tr

    def test_same_seed_same_output(self):
        with tempfile.TemporaryDirectory() as tmp:
            o1, s1, c1, t1 = self.run_once(7, tmp, "a")
            o2, s2, c2, t2 = self.run_once(7, tmp, "b")
            o3, s3, c3, t3 = self.run_once(8, tmp, "c")
        for f in WALL_FIELDS:
            self.assertIn(f, o1)
        self.assertEqual(strip_wall(s1), strip_wall(s2))
        self.assertEqual(c1, c2)
        self.assertEqual(t1, t2)
        self.assertNotEqual(strip_wall(s1), strip_wall(s3))
        self.assertNotEqual(c1, c3)
        # the run was not trivial
        self.assertTrue(o1["verified"])
        link = o1["links"][0]
        self.assertGreater(link["random_losses"], 0)
        self.assertGreater(link["duplicates"], 0)
        self.assertGreater(link["corruptions"], 0)
        self.assertGreater(o1["counters"]["b.TcpInCsumErrors"] +
                           o1["counters"]["a.TcpInCsumErrors"], 0)
        self.assertTrue(t1.startswith("t_s,conn,subflow,cwnd,ssthresh,srtt_ms,bytes_in_flight\n"))
        self.assertGreater(len(c1), 2 * 1024 * 1024)

    def test_virtual_same_seed(self):
        args = ["--time", "5", "--virtual", "--loss", "1%", "--reorder", "1%", "--seed", "3"]
        _, _, s1, _ = run_tool(*args)
        _, _, s2, _ = run_tool(*args)
        self.assertEqual(strip_wall(s1), strip_wall(s2))

    def test_trace_per_subflow(self):
        """--trace: one row per subflow of each open connection end every
        --trace-interval, columns t_s,conn,subflow,cwnd,ssthresh,srtt_ms,
        bytes_in_flight; an MPTCP run over 2 paths has rows for subflows 0
        and 1 of A's end, at multiples of the interval."""
        with tempfile.TemporaryDirectory() as tmp:
            trace = os.path.join(tmp, "t.csv")
            rc, out, _, err = run_tool("--mode", "mptcp", "--paths", "2", "--time", "2",
                                       "--virtual", "--trace", trace, "--trace-interval",
                                       "100ms", "--seed", "1")
            self.assertEqual(rc, 0, err)
            with open(trace) as f:
                lines = f.read().splitlines()
        self.assertEqual(lines[0], "t_s,conn,subflow,cwnd,ssthresh,srtt_ms,bytes_in_flight")
        rows = [r.split(",") for r in lines[1:]]
        self.assertTrue(all(len(r) == 7 for r in rows))
        a_subflows = {r[2] for r in rows if r[1] == "a0"}
        self.assertEqual(a_subflows, {"0", "1"})
        times = sorted({round(float(r[0]) * 10) for r in rows})
        self.assertEqual(times, list(range(0, 20)))  # 0, 0.1, ..., 1.9 s (the run ends at 2)
        # the sender's cwnd of subflow 1 at 1 s is a positive byte count
        sf1 = [r for r in rows if r[1] == "a0" and r[2] == "1" and r[0].startswith("1.000")]
        self.assertEqual(len(sf1), 1)
        self.assertGreater(int(sf1[0][3]), 0)


MIB = 1024 * 1024


def mptcp_cases(n):
    """The seeded MPTCP runs: 8 MiB both ways, spread evenly over four
    variants (fullmesh over 2 and 4 paths, ndiffports with 2 and 4
    subflows), each path with its own rate, delay, loss (0-3%), reordering
    and duplication."""
    variants = (("fullmesh", 2, None), ("fullmesh", 4, None),
                ("ndiffports", 2, 2), ("ndiffports", 2, 4))
    rnd = random.Random(20240717)
    cases = []
    for i in range(n):
        pm, paths, subflows = variants[i % len(variants)]

        def per_path(fn):
            return ",".join(fn() for _ in range(paths))

        args = ["--mode", "mptcp", "--pm", pm, "--paths", str(paths),
                "--bytes", "8MiB", "--direction", "both", "--seed", str(5000 + i),
                "--rate", per_path(lambda: rnd.choice(("5Mbps", "10Mbps", "20Mbps", "50Mbps"))),
                "--delay", per_path(lambda: rnd.choice(("2ms", "5ms", "10ms", "20ms", "40ms"))),
                "--loss", per_path(lambda: "%.5f" % rnd.uniform(0.0, 0.03)),
                "--reorder", per_path(lambda: "%.5f" % rnd.uniform(0.0, 0.03)),
                "--duplicate", per_path(lambda: "%.5f" % rnd.uniform(0.0, 0.02))]
        if subflows:
            args += ["--subflows", str(subflows)]
        cases.append((args, paths if pm == "fullmesh" else subflows))
    return cases


def mptcp_problems(out, n_subflows):
    """What is wrong with one MPTCP transfer's output (empty: nothing)."""
    if out is None:
        return ["no JSON output"]
    bad = []
    if out["verified"] is not True:
        bad.append("not verified")
    if out["close_reason"] != "normal":
        bad.append("close_reason %s" % out["close_reason"])
    if out["delivered_bytes"] != 2 * 8 * MIB:
        bad.append("delivered %d" % out["delivered_bytes"])
    if out["fallback"] is not False:
        bad.append("fell back to TCP")
    subs = out["flows"][0]["subflows"]
    if len(subs) != n_subflows:
        bad.append("%d subflows, expected %d" % (len(subs), n_subflows))
    # in either direction: a join whose SYN was lost completes after the
    # 1 s initial RTO, when one direction may already be done
    idle = [sf["id"] for sf in subs if sf["bytes_sent"] + sf["bytes_received"] == 0]
    if idle:
        bad.append("subflows %s carried no data" % idle)
    ends = [sf["state"] for sf in subs if sf["state"] not in ("TIME_WAIT", "CLOSED")]
    if ends:
        bad.append("subflows ended in %s" % ends)
    return bad


class Test_mptcp_transfer(unittest.TestCase):
    """Byte-exact 8 MiB MPTCP transfers in both directions at once, over 2
    and 4 paths of different rates and delays with loss (0-3%),
    reordering and duplication, with the fullmesh and ndiffports path
    managers (MPTCP_LOOP_MPTCP_RUNS seeded runs, spread over the variants):
    every run verified, closed normally, never fell back, and every subflow
    carried data and ended in TIME-WAIT or CLOSED. The default 200 runs take
    about 20 s on two processes."""

    def test_seeded_runs(self):
        cases = mptcp_cases(MPTCP_RUNS)

        def one(case):
            args, n_sf = case
            rc, out, _, err = run_tool(*args)
            return args, n_sf, rc, out, err

        failures = []
        slowest = (0.0, None)
        totals = {"retransmissions": 0, "rto_count": 0}
        with concurrent.futures.ThreadPoolExecutor(max_workers=JOBS) as pool:
            for args, n_sf, rc, out, err in pool.map(one, cases):
                bad = mptcp_problems(out, n_sf)
                if rc != 0:
                    bad.insert(0, "rc %d" % rc)
                if bad:
                    failures.append("%s -> %s %s" % (" ".join(args), "; ".join(bad),
                                                     err.strip()[:200]))
                    continue
                for k in totals:
                    totals[k] += out[k]
                slowest = max(slowest, (out["duration_s"], args[args.index("--seed") + 1]))
        print("%d runs, %d failed; totals %s; slowest %.1f s (seed %s)" % (
            len(cases), len(failures), totals, slowest[0], slowest[1]))
        self.assertEqual(failures, [], "\n".join(failures[:20]))


TSHARK_PREFS = ["mptcp.analyze_mptcp:TRUE", "tcp.analyze_sequence_numbers:TRUE",
                "mptcp.relative_sequence_numbers:TRUE", "tcp.check_checksum:TRUE"]
TSHARK_FIELDS = ["frame.number", "tcp.stream", "tcp.srcport", "tcp.dstport", "tcp.flags",
                 "mptcp.stream", "mptcp.expected_token", "tcp.options.mptcp.subtype",
                 "tcp.options.mptcp.sendkey", "tcp.options.mptcp.recvtok",
                 "tcp.checksum.status", "_ws.malformed"]


def as_int(text):
    """A tshark number: decimal, or hexadecimal with 0x."""
    return int(text, 16) if text.lower().startswith("0x") else int(text)


def token_of(key_text):
    """Token of a 64-bit key: the top 32 bits of SHA-256 of its 8 bytes."""
    import hashlib
    return int.from_bytes(hashlib.sha256(as_int(key_text).to_bytes(8, "big")).digest()[:4],
                          "big")


class Test_mptcp_pcap(unittest.TestCase):
    """A 2-subflow transfer written with --pcap, read by tshark (an
    independent dissector): both subflows form ONE mptcp.stream, the token
    tshark expects for the server's key (the SYN/ACK's key) is the token the
    MP_JOIN SYN carries, and no frame is malformed or has a bad checksum."""

    def test_tshark_links_subflows(self):
        import csv
        import shutil
        tshark = shutil.which("tshark")
        self.assertIsNotNone(tshark, "tshark is not installed (Debian package 'tshark')")
        with tempfile.TemporaryDirectory() as tmp:
            pcap = os.path.join(tmp, "mptcp.pcap")
            rc, out, _, err = run_tool("--mode", "mptcp", "--pm", "fullmesh", "--paths", "2",
                                       "--rate", "10Mbps,20Mbps", "--delay", "5ms,15ms",
                                       "--bytes", "1MiB", "--seed", "11", "--pcap", pcap)
            self.assertEqual(rc, 0, err)
            self.assertEqual(mptcp_problems_light(out), [])
            cmd = [tshark, "-n", "-r", pcap]
            for pref in TSHARK_PREFS:
                cmd += ["-o", pref]
            cmd += ["-T", "fields", "-E", "header=y", "-E", "separator=,", "-E", "quote=d",
                    "-E", "occurrence=a", "-E", "aggregator=;"]
            for f in TSHARK_FIELDS:
                cmd += ["-e", f]
            env = dict(os.environ, WIRESHARK_CONFIG_DIR=tmp)
            p = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)
            self.assertEqual(p.returncode, 0, p.stderr)
        rows = list(csv.DictReader(p.stdout.splitlines()))
        self.assertGreater(len(rows), 100)
        malformed = [r["frame.number"] for r in rows if r["_ws.malformed"]]
        self.assertEqual(malformed, [], "malformed frames")
        # checksum status: 0 bad, 1 good, 2 unverified
        bad_csum = [r["frame.number"] for r in rows if r["tcp.checksum.status"] == "0"]
        self.assertEqual(bad_csum, [], "frames with a bad TCP checksum")
        tcp_streams = {r["tcp.stream"] for r in rows}
        self.assertEqual(len(tcp_streams), 2, "two subflows")
        mptcp_streams = {r["mptcp.stream"] for r in rows if r["mptcp.stream"]}
        self.assertEqual(len(mptcp_streams), 1, "one MPTCP connection: %s" % mptcp_streams)
        # every frame of both subflows belongs to it, but the first SYN: a
        # v1 SYN carries no key, tshark links the connection from the SYN/ACK
        self.assertEqual([r["frame.number"] for r in rows if not r["mptcp.stream"]], ["1"])

        def flags(r):
            return as_int(r["tcp.flags"])

        synack = [r for r in rows if flags(r) & 0x12 == 0x12 and "0" in
                  r["tcp.options.mptcp.subtype"].split(";")]
        self.assertEqual(len(synack), 1, "one MP_CAPABLE SYN/ACK")
        server_key = synack[0]["tcp.options.mptcp.sendkey"].split(";")[0]
        # tshark's expected token for the server key, on the SYN/ACK
        expected = as_int(synack[0]["mptcp.expected_token"].split(";")[0])
        self.assertEqual(expected, token_of(server_key))
        joins = [r for r in rows if flags(r) & 0x12 == 0x02 and r["tcp.options.mptcp.recvtok"]]
        self.assertEqual(len(joins), 1, "one MP_JOIN SYN")
        self.assertEqual(as_int(joins[0]["tcp.options.mptcp.recvtok"]), expected)
        print("frames %d, server key %s, token %08x, mptcp.stream %s" % (
            len(rows), server_key, expected, mptcp_streams))


def mptcp_problems_light(out):
    """mptcp_problems for a short a2b transfer (only A's bytes arrive)."""
    if out is None:
        return ["no JSON output"]
    bad = []
    if not out["verified"] or out["close_reason"] != "normal" or out["fallback"]:
        bad.append("verified %s, close %s, fallback %s" % (
            out["verified"], out["close_reason"], out["fallback"]))
    if any(sf["bytes_sent"] == 0 for sf in out["flows"][0]["subflows"]):
        bad.append("an idle subflow")
    return bad


class Test_mptcp_fallback(unittest.TestCase):
    """A middlebox strips the MPTCP options (--peer-strips-options): the
    connection falls back to plain TCP (one subflow, JSON fallback true,
    MPTcpExtFallback counted on the client), and the transfer still
    completes verified, also with loss and in both directions."""

    def check(self, *extra):
        rc, out, _, err = run_tool("--mode", "mptcp", "--pm", "fullmesh", "--paths", "2",
                                   "--peer-strips-options", "--bytes", "8MiB", *extra)
        self.assertEqual(rc, 0, err)
        self.assertTrue(out["verified"])
        self.assertEqual(out["close_reason"], "normal")
        self.assertTrue(out["fallback"])
        self.assertTrue(out["peer_strips_options"])
        self.assertEqual(len(out["flows"][0]["subflows"]), 1)
        self.assertEqual(out["counters"]["a.MPTcpExtFallback"], 1)
        # the server never saw an MP_CAPABLE: it did not offer MPTCP at all
        self.assertEqual(out["counters"]["b.MPTcpExtMPCapableSYNRX"], 0)
        self.assertEqual(out["counters"]["a.MPTcpExtMPCapableActive"], 0)
        return out

    def test_fallback(self):
        self.check("--seed", "3")

    def test_fallback_lossy_both_ways(self):
        out = self.check("--seed", "4", "--direction", "both", "--loss", "2%", "--reorder",
                         "1%", "--dss-checksum")
        self.assertEqual(out["delivered_bytes"], 2 * 8 * MIB)

    def test_without_middlebox_no_fallback(self):
        rc, out, _, err = run_tool("--mode", "mptcp", "--pm", "fullmesh", "--paths", "2",
                                   "--bytes", "1MiB", "--seed", "3")
        self.assertEqual(rc, 0, err)
        self.assertFalse(out["fallback"])
        self.assertEqual(out["counters"]["a.MPTcpExtFallback"], 0)


if __name__ == "__main__":
    unittest.main()


# RFC 6356 goal 2, "do no harm": one MPTCP connection and one Reno TCP share
# a 10 Mbit/s bottleneck (40 ms RTT, BDP queue) for 120 virtual seconds. A
# 1 ms propagation jitter that never reorders breaks the phase effects of a
# deterministic drop-tail queue (Floyd and Jacobson 1992): without it one
# flow can lose systematically whatever its congestion control. Tolerances
# from the issue: coupled algorithms 0.75..1.33 per seed, uncoupled Reno with
# 2 subflows >= 1.6, with 4 subflows >= 3.
SHARED_ARGS = ("--rate", "10Mbps", "--delay", "20ms", "--jitter", "1ms", "--virtual",
               "--time", "120", "--tcp-flows", "1", "--mode", "mptcp", "--pm", "ndiffports")
SHARED_SEEDS = range(1, 11)


def shared_ratio(cc, subflows, seed):
    rc, out, _, err = run_tool(*SHARED_ARGS, "--cc", cc, "--subflows", str(subflows),
                               "--seed", str(seed))
    if out is None or "mptcp_tcp_ratio" not in out:
        raise AssertionError("no ratio from %s/%d seed %d: %s" % (cc, subflows, seed, err))
    kinds = sorted(f["kind"] for f in out["flows"])
    if kinds != ["mptcp", "tcp"] or out["fallback"]:
        raise AssertionError("unexpected flows %s" % kinds)
    return out["mptcp_tcp_ratio"]


class Test_shared_bottleneck(unittest.TestCase):
    def check(self, cc, subflows, lo, hi):
        jobs = int(os.environ.get("MPTCP_LOOP_JOBS", "2"))
        with concurrent.futures.ProcessPoolExecutor(max_workers=jobs) as ex:
            ratios = list(ex.map(shared_ratio, [cc] * len(SHARED_SEEDS), [subflows] * len(SHARED_SEEDS),
                                 SHARED_SEEDS))
        print("%s with %d subflows: mptcp_tcp_ratio %s" % (cc, subflows,
                                                          " ".join("%.2f" % r for r in ratios)))
        for seed, r in zip(SHARED_SEEDS, ratios):
            self.assertTrue(lo <= r <= hi, "%s/%d seed %d: ratio %.3f outside [%g, %g]"
                            % (cc, subflows, seed, r, lo, hi))

    def test_lia(self):
        self.check("lia", 2, 0.75, 1.33)

    def test_olia(self):
        self.check("olia", 2, 0.75, 1.33)

    def test_balia(self):
        self.check("balia", 2, 0.75, 1.33)

    def test_uncoupled_reno_two_subflows(self):
        self.check("reno", 2, 1.6, float("inf"))

    def test_uncoupled_reno_four_subflows(self):
        self.check("reno", 4, 3.0, float("inf"))


# A path failing mid-transfer (RFC 8684 section 3.3.6): 2 paths, 8 MiB of
# real data, a little loss so that each seed takes its own course.
FAILURE_SEEDS = range(1, 7)


def failure_problems(out, n_bytes):
    """What is wrong with one transfer that lost a path (empty: nothing)."""
    if out is None:
        return ["no JSON output"]
    bad = []
    if out["verified"] is not True:
        bad.append("not verified")
    # The subflow of the failed path is reset (its retry limit, or at the
    # close while still stale); the connection itself closes with both
    # DATA_FINs exchanged: a normal close.
    if out["close_reason"] != "normal":
        bad.append("close_reason %s" % out["close_reason"])
    if out["delivered_bytes"] != n_bytes:
        bad.append("delivered %d" % out["delivered_bytes"])
    if out["fallback"] is not False:
        bad.append("fell back to TCP")
    ctr = out["counters"]
    reinjected = ctr["a.MPTcpExtReinject"] + ctr["b.MPTcpExtReinject"]
    stale = ctr["a.MPTcpExtSubflowStale"] + ctr["b.MPTcpExtSubflowStale"]
    if reinjected == 0:
        bad.append("nothing reinjected")
    if stale == 0:
        bad.append("no subflow marked stale")
    ends = [sf["state"] for sf in out["flows"][0]["subflows"]
            if sf["state"] not in ("TIME_WAIT", "CLOSED")]
    if ends:
        bad.append("subflows ended in %s" % ends)
    return bad


class Test_mptcp_failure(unittest.TestCase):
    """A path fails mid-transfer, for good (path 1 from 0.5 s) or for a
    while (path 0 during [0.5 s, 3 s)): the data its subflow held and the
    peer had not acknowledged at the data level is reinjected on the other
    subflow (MPTcpExtReinject > 0, MPTcpExtSubflowStale > 0), the transfer
    completes verified and the connection closes normally. Each case runs
    over FAILURE_SEEDS, one way and both ways."""

    def check(self, fail, direction):
        n_bytes = 8 * MIB * (2 if direction == "both" else 1)

        def one(seed):
            rc, out, _, err = run_tool(
                "--mode", "mptcp", "--pm", "fullmesh", "--paths", "2", "--bytes", "8MiB",
                "--direction", direction, "--rate", "10Mbps,20Mbps", "--delay", "10ms,5ms",
                "--loss", "0.005,0.005", "--fail", fail, "--seed", str(seed))
            return seed, rc, out, err

        failures = []
        with concurrent.futures.ThreadPoolExecutor(max_workers=JOBS) as pool:
            for seed, rc, out, err in pool.map(one, FAILURE_SEEDS):
                bad = failure_problems(out, n_bytes)
                if rc != 0:
                    bad.insert(0, "rc %d" % rc)
                if bad:
                    failures.append("--fail %s --direction %s seed %d -> %s %s" % (
                        fail, direction, seed, "; ".join(bad), err.strip()[:200]))
                else:
                    print("--fail %s %s seed %d: %.2f s, reinjected %d" % (
                        fail, direction, seed, out["duration_s"],
                        out["counters"]["a.MPTcpExtReinject"] +
                        out["counters"]["b.MPTcpExtReinject"]))
        self.assertEqual(failures, [], "\n".join(failures))

    def test_path_fails_for_good(self):
        self.check("1:0.5s-1000s", "a2b")

    def test_path_fails_for_good_both_ways(self):
        self.check("1:0.5s-1000s", "both")

    def test_path_fails_for_a_while(self):
        self.check("0:0.5s-3s", "a2b")

    def test_path_fails_for_a_while_both_ways(self):
        self.check("0:0.5s-3s", "both")

    def test_fail_path_syntax(self):
        """--fail-path ID@TIME: path 1 down from 0.5 s to the end. The pure
        receiver's subflow on the dead path cannot get its FIN through: it
        is reset by close_timeout (60 s, MPTcpExtSubflowCloseTimeout)
        instead of retransmitting for minutes."""
        rc, out, _, err = run_tool(
            "--mode", "mptcp", "--pm", "fullmesh", "--paths", "2", "--bytes", "8MiB",
            "--rate", "10Mbps,20Mbps", "--delay", "10ms,5ms", "--fail-path", "1@0.5s")
        self.assertEqual(rc, 0, err)
        self.assertEqual(failure_problems(out, 8 * MIB), [])
        self.assertLess(out["end_s"], 100)
        print("--fail-path 1@0.5s: done at %.1f s, close timeouts %d" % (
            out["end_s"], out["counters"]["b.MPTcpExtSubflowCloseTimeout"]))


# A middlebox that alters payload and fixes the TCP checksum (RFC 8684
# section 3.7): with DSS checksums the receiver sees the failure, sends
# MP_FAIL, and the transfer stays byte-exact: the failed subflow is reset
# when another remains, else the connection falls back to TCP with an
# infinite mapping.
class Test_mptcp_fail(unittest.TestCase):
    def run_alter(self, *args):
        rc, out, _, err = run_tool("--mode", "mptcp", "--bytes", "4MiB", "--dss-checksum",
                                   "--delay", "10ms", *args)
        self.assertEqual(rc, 0, err)
        self.assertTrue(out["verified"])
        self.assertEqual(out["close_reason"], "normal")
        self.assertGreater(out["altered_segments"], 0)
        return out["counters"]

    def test_two_paths_reset_subflow(self):
        """The altered path's subflow is reset with MP_FAIL and MP_TCPRST;
        its data is reinjected on the other one."""
        ctr = self.run_alter("--pm", "fullmesh", "--paths", "2", "--alter-payload", "1:40")
        self.assertGreater(ctr["b.MPTcpExtMPFailTx"], 0)
        self.assertGreater(ctr["a.MPTcpExtMPFailRx"], 0)
        self.assertGreater(ctr["b.MPTcpExtMPRstTx"], 0)
        self.assertGreater(ctr["a.MPTcpExtReinject"], 0)
        self.assertEqual(ctr["b.MPTcpExtDataCsumErr"], ctr["b.MPTcpExtMPFailTx"])

    def test_one_path(self):
        """Alone, the subflow stays: MP_FAIL on an ACK and the segment is
        dropped; the sender answers with an infinite mapping on its
        retransmission and both ends fall back to TCP, the stream intact
        and closed with FINs. The middlebox alters only mapped data, so
        it stops with the fallback."""
        ctr = self.run_alter("--paths", "1", "--alter-payload", "0:100")
        self.assertGreater(ctr["b.MPTcpExtMPFailTx"], 0)
        self.assertGreater(ctr["a.MPTcpExtMPFailRx"], 0)
        self.assertEqual(ctr["b.MPTcpExtMPRstTx"], 0)
        self.assertGreater(ctr["a.MPTcpExtInfiniteMapTx"], 0)
        self.assertGreater(ctr["b.MPTcpExtInfiniteMapRx"], 0)
        self.assertEqual(ctr["a.MPTcpExtFallback"], 1)
        self.assertEqual(ctr["b.MPTcpExtFallback"], 1)

    def test_one_path_both_directions(self):
        """Data altered both ways, with loss and reordering: each end may
        send an infinite mapping; both fall back, and segments mapped
        before the fallback still have their checksums verified."""
        ctr = self.run_alter("--paths", "1", "--alter-payload", "0:5", "--direction", "both",
                             "--reorder", "0.1", "--loss", "0.01", "--seed", "4")
        self.assertGreater(ctr["a.MPTcpExtInfiniteMapTx"] + ctr["b.MPTcpExtInfiniteMapTx"], 0)
        self.assertGreater(ctr["a.MPTcpExtInfiniteMapRx"] + ctr["b.MPTcpExtInfiniteMapRx"], 0)
        self.assertEqual(ctr["a.MPTcpExtFallback"], 1)
        self.assertEqual(ctr["b.MPTcpExtFallback"], 1)

    def test_without_checksum_nothing_is_seen(self):
        """Without DSS checksums nothing detects it (the control case)."""
        rc, out, _, err = run_tool("--mode", "mptcp", "--bytes", "1MiB", "--paths", "1",
                                   "--alter-payload", "0@0.2s")
        self.assertEqual(rc, 1)
        self.assertFalse(out["verified"])
        self.assertEqual(out["counters"]["b.MPTcpExtMPFailTx"], 0)


# The server announces its second address (ADD_ADDR with HMAC, echoed); the
# client's "default" path manager joins it.
class Test_mptcp_add_addr(unittest.TestCase):
    def test_default_pm_joins_announced_address(self):
        rc, out, _, err = run_tool("--mode", "mptcp", "--pm", "default", "--paths", "2",
                                   "--bytes", "4MiB", "--rate", "10Mbps,20Mbps")
        self.assertEqual(rc, 0, err)
        self.assertTrue(out["verified"])
        ctr = out["counters"]
        self.assertEqual(ctr["b.MPTcpExtAddAddrTx"], 1)
        self.assertEqual(ctr["a.MPTcpExtAddAddr"], 1)
        self.assertEqual(ctr["b.MPTcpExtEchoAdd"], 1)
        self.assertEqual(ctr["a.MPTcpExtAddAddrBadHmac"], 0)
        sfs = out["flows"][0]["subflows"]
        self.assertEqual(len(sfs), 2)
        self.assertEqual(sfs[1]["remote"], "10.1.1.1:5001")
        self.assertGreater(sfs[1]["bytes_sent"], 0)

    def test_fullmesh_meshes_announced_addresses(self):
        """Server with 2 addresses (it announces the second), client with 2,
        fullmesh: a subflow per address pair, 4, each carrying data."""
        rc, out, _, err = run_tool("--mode", "mptcp", "--pm", "fullmesh", "--paths", "2",
                                   "--server-addrs", "2", "--bytes", "4MiB",
                                   "--direction", "both", "--rate", "10Mbps,20Mbps")
        self.assertEqual(rc, 0, err)
        self.assertTrue(out["verified"])
        self.assertEqual(out["close_reason"], "normal")
        self.assertFalse(out["fallback"])
        ctr = out["counters"]
        self.assertEqual(ctr["b.MPTcpExtAddAddrTx"], 1)
        self.assertEqual(ctr["a.MPTcpExtAddAddr"], 1)
        sfs = out["flows"][0]["subflows"]
        pairs = sorted((sf["local"].split(":")[0], sf["remote"].split(":")[0]) for sf in sfs)
        self.assertEqual(pairs, [("10.0.0.1", "10.1.0.1"), ("10.0.0.1", "10.1.1.1"),
                                 ("10.0.1.1", "10.1.0.1"), ("10.0.1.1", "10.1.1.1")])
        for sf in sfs:
            self.assertGreater(sf["bytes_sent"] + sf["bytes_received"], 0, sf)

    def test_fullmesh_within_max_subflows(self):
        """3 x 3 address pairs: 8 subflows, the most a connection has."""
        rc, out, _, err = run_tool("--mode", "mptcp", "--pm", "fullmesh", "--paths", "3",
                                   "--server-addrs", "3", "--bytes", "4MiB")
        self.assertEqual(rc, 0, err)
        self.assertTrue(out["verified"])
        sfs = out["flows"][0]["subflows"]
        self.assertEqual(len(sfs), 8)
        pairs = {(sf["local"].split(":")[0], sf["remote"].split(":")[0]) for sf in sfs}
        self.assertEqual(len(pairs), 8)

    def test_fullmesh_one_server_address(self):
        """The default with fullmesh: one server address, nothing announced,
        a subflow per client address."""
        rc, out, _, err = run_tool("--mode", "mptcp", "--pm", "fullmesh", "--paths", "3",
                                   "--bytes", "1MiB")
        self.assertEqual(rc, 0, err)
        self.assertEqual(out["counters"]["b.MPTcpExtAddAddrTx"], 0)
        self.assertEqual(len(out["flows"][0]["subflows"]), 3)


# RFC 6356 goals 1 and 3 on two disjoint paths (1 ms non-reordering
# jitter against phase effects, 60 virtual seconds, virtual payload).
def goal_run(*args):
    rc, out, _, err = run_tool("--jitter", "1ms", "--virtual", "--time", "60", *args)
    if out is None:
        raise AssertionError("no JSON: %s" % err)
    return out


class Test_goals(unittest.TestCase):
    def test_improve_throughput(self):
        """Goal 1: over 10 + 5 Mbit/s, a coupled MPTCP connection gets at
        least 0.9 x what one TCP gets on the best path (measured here);
        uncoupled Reno at least 0.9 x the sum of the capacities."""
        best = goal_run("--mode", "tcp", "--rate", "10Mbps", "--delay", "10ms",
                        "--cc", "reno")["goodput_bps"]
        two = ("--mode", "mptcp", "--paths", "2", "--rate", "10Mbps,5Mbps", "--delay", "10ms")
        for cc in ("lia", "olia", "balia"):
            g = goal_run(*two, "--cc", cc)["goodput_bps"]
            print("goal 1: %s %.2f Mbit/s, best single-path TCP %.2f" % (cc, g / 1e6, best / 1e6))
            self.assertGreaterEqual(g, 0.9 * best, cc)
        g = goal_run(*two, "--cc", "reno")["goodput_bps"]
        self.assertGreaterEqual(g, 0.9 * 15e6)

    def test_balance_congestion(self):
        """Goal 3: two 10 Mbit/s paths, path 0 also carrying 3 Reno flows:
        coupled algorithms put at least 85% of their bytes on path 1, more
        than uncoupled Reno does."""
        args = ("--mode", "mptcp", "--paths", "2", "--rate", "10Mbps", "--delay", "10ms",
                "--tcp-flows", "3")

        def share_on_path1(cc):
            out = goal_run(*args, "--cc", cc)
            sub = out["flows"][0]["subflows"]
            self.assertEqual(len(sub), 2)
            self.assertTrue(sub[1]["local"].startswith("10.0.1.1"), sub[1]["local"])
            return sub[1]["bytes_acked"] / max(1, sub[0]["bytes_acked"] + sub[1]["bytes_acked"])

        uncoupled = share_on_path1("reno")
        for cc in ("lia", "olia", "balia"):
            f = share_on_path1(cc)
            print("goal 3: %s puts %.2f of its bytes on the free path (uncoupled %.2f)"
                  % (cc, f, uncoupled))
            self.assertGreaterEqual(f, 0.85, cc)
            self.assertGreater(f, uncoupled, cc)


class Test_redundant(unittest.TestCase):
    """The redundant scheduler sends every byte on every subflow: byte-exact
    4 MiB transfers both ways over two 10 Mbit/s paths (10 and 15 ms one
    way, 1% loss), REDUNDANT_SEEDS: each run verifies and closes normally,
    each receiver drops duplicate DSNs (MPTcpExtDuplicateData > 0), and A's
    subflows together send at least 1.5 x the stream (a subflow skips only
    what the peer acknowledged before its turn came; one copy per subflow
    would be 2 x; minRTT sends about 1 x). Uncoupled CUBIC, as the bound
    was measured with it (with the default LIA the coupled windows send
    less: 1.45 x for seed 1)."""

    SEEDS = range(1, 5)

    def test_byte_exact_both_ways(self):
        def one(seed):
            return seed, run_tool("--mode", "mptcp", "--paths", "2", "--rate", "10Mbps",
                                  "--delay", "10ms,15ms", "--loss", "1%", "--bytes", "4MiB",
                                  "--direction", "both", "--scheduler", "redundant",
                                  "--cc", "cubic", "--seed", str(seed))

        with concurrent.futures.ThreadPoolExecutor(max_workers=JOBS) as pool:
            for seed, (rc, out, _, err) in pool.map(one, self.SEEDS):
                self.assertEqual(rc, 0, "seed %d: %s" % (seed, err))
                self.assertEqual(out["scheduler"], "redundant")
                self.assertTrue(out["verified"])
                self.assertEqual(out["close_reason"], "normal")
                self.assertEqual(out["delivered_bytes"], 2 * 4 * MIB)
                ctr = out["counters"]
                sent = [sf["bytes_sent"] for sf in out["flows"][0]["subflows"]]
                print("seed %d: A's subflows sent %s (%.2f x the stream), duplicates "
                      "dropped a %d b %d" % (seed, sent, sum(sent) / (4 * MIB),
                                             ctr["a.MPTcpExtDuplicateData"],
                                             ctr["b.MPTcpExtDuplicateData"]))
                self.assertEqual(len(sent), 2)
                self.assertGreaterEqual(sum(sent), 1.5 * 4 * MIB, "seed %d" % seed)
                self.assertGreater(ctr["a.MPTcpExtDuplicateData"], 0)
                self.assertGreater(ctr["b.MPTcpExtDuplicateData"], 0)


# Heterogeneous paths (Ferlin et al. BLEST, Lim et al. ECF, Raiciu et al.
# NSDI 2012 section 4.2): 10 Mbit/s 10 ms and 2 Mbit/s 200 ms (one way),
# receive buffer 256 KiB (about twice the two paths' bandwidth-delay
# products together: 10e6 x 0.02 / 8 + 2e6 x 0.4 / 8 = 125 kB; with 128 KiB
# BLEST and ECF leave the slow path unused and the comparison says less),
# send buffer 512 KiB (ECF decides on the bytes waiting to be sent), 1 ms
# non-reordering jitter so that seeds differ, 30 virtual seconds of bulk
# transfer, uncoupled CUBIC on each subflow (the bounds were measured with
# it; with the default LIA, ECF's mean out-of-order bytes for seed 1 are
# 0.83 of minRTT's, not below half).
HETERO_ARGS = ("--mode", "mptcp", "--paths", "2", "--rate", "10Mbps,2Mbps",
               "--delay", "10ms,200ms", "--rcvbuf", "262144", "--sndbuf", "524288",
               "--jitter", "1ms", "--virtual", "--time", "30", "--cc", "cubic")
HETERO_SEEDS = range(1, 6)


def hetero_run(args):
    scheduler, opportunistic, seed = args
    extra = ("--opportunistic",) if opportunistic else ()
    rc, out, _, err = run_tool(*HETERO_ARGS, "--scheduler", scheduler, *extra,
                               "--seed", str(seed))
    if rc != 0 or out is None:
        raise AssertionError("%s%s seed %d: rc %d %s" % (
            scheduler, "+opp" if opportunistic else "", seed, rc, err))
    return out


class Test_heterogeneous(unittest.TestCase):
    """Per seed, all in the same test: BLEST and ECF keep the receiver's mean
    out-of-order bytes (ooo_mean, sampled every 1 ms) below half of
    minRTT's; minRTT with --opportunistic gets at least 1.2 x the goodput of
    minRTT alone and counts opportunistic retransmissions and penalties."""

    def test_schedulers(self):
        kinds = [("minrtt", 0), ("minrtt", 1), ("blest", 0), ("ecf", 0)]
        cases = [(s, o, seed) for seed in HETERO_SEEDS for s, o in kinds]
        with concurrent.futures.ThreadPoolExecutor(max_workers=JOBS) as pool:
            outs = dict(zip(cases, pool.map(hetero_run, cases)))
        for seed in HETERO_SEEDS:
            base = outs[("minrtt", 0, seed)]
            for s, o in kinds:
                out = outs[(s, o, seed)]
                print("seed %d %-7s%-4s goodput %.2f Mbit/s ooo_mean %.0f ooo_peak %d" % (
                    seed, s, "+opp" if o else "", out["goodput_bps"] / 1e6,
                    out["ooo_mean"], out["ooo_peak"]))
                self.assertEqual(out["scheduler"], s)
                self.assertEqual(out["opportunistic"], bool(o))
                self.assertFalse(out["fallback"])
            for s in ("blest", "ecf"):
                self.assertLess(outs[(s, 0, seed)]["ooo_mean"], 0.5 * base["ooo_mean"],
                                "%s seed %d" % (s, seed))
            opp = outs[("minrtt", 1, seed)]
            self.assertGreaterEqual(opp["goodput_bps"], 1.2 * base["goodput_bps"],
                                    "seed %d" % seed)
            self.assertGreater(opp["counters"]["a.MPTcpExtOpportunisticRetrans"], 0)
            self.assertGreater(opp["counters"]["a.MPTcpExtPenalise"], 0)
            self.assertEqual(base["counters"]["a.MPTcpExtOpportunisticRetrans"], 0)


# Randomized hostile transfers (loop.hostile): small MPTCP transfers over
# 1-3 lossy, duplicating, reordering paths, some with a middlebox that
# alters payload under DSS checksums, across path managers, schedulers and
# congestion controls. Each run's arguments follow from its index alone.
HOSTILE_RUNS = int(os.environ.get("MPTCP_LOOP_HOSTILE_RUNS", "1000"))
HOSTILE_SEED = 20261202


def hostile_case(i):
    """The arguments of hostile run i (deterministic)."""
    rnd = random.Random(HOSTILE_SEED * 1000003 + i)
    paths = rnd.choice((1, 2, 2, 3, 3))
    pm = rnd.choice(("default", "fullmesh", "ndiffports"))
    sched = rnd.choice(("minrtt", "roundrobin", "blest", "ecf", "redundant"))
    cc = rnd.choice(("reno", "cubic", "lia", "olia", "balia", "wvegas"))

    def per_path(fn):
        return ",".join(fn() for _ in range(paths))

    def prob(p_zero, hi):
        return lambda: "0" if rnd.random() < p_zero else "%.4f" % rnd.uniform(0.0, hi)

    args = ["--mode", "mptcp", "--pm", pm, "--scheduler", sched, "--cc", cc,
            "--paths", str(paths), "--seed", str(i + 1),
            "--bytes", rnd.choice(("16KiB", "48KiB", "100KiB", "256KiB")),
            "--direction", rnd.choice(("a2b", "a2b", "b2a", "both")),
            "--rate", per_path(lambda: rnd.choice(("2Mbps", "10Mbps", "25Mbps", "35Mbps",
                                                   "100Mbps"))),
            "--delay", per_path(lambda: rnd.choice(("1ms", "5ms", "15ms", "40ms", "87ms"))),
            "--loss", per_path(prob(0.2, 0.05)),
            "--duplicate", per_path(prob(0.5, 0.03)),
            "--reorder", per_path(prob(0.5, 0.05))]
    if pm == "ndiffports":
        args += ["--subflows", str(rnd.choice((2, 3, 4)))]
    if pm == "fullmesh" and paths > 1 and rnd.random() < 0.3:
        args += ["--server-addrs", str(paths)]
    if rnd.random() < 0.2:
        args += ["--opportunistic"]
    if rnd.random() < 0.4:
        # a middlebox alters payload: only DSS checksums can tell
        path = rnd.randrange(paths)
        if rnd.random() < 0.7:
            alter = "%d:%d" % (path, rnd.choice((3, 7, 22, 40)))
        else:
            alter = "%d@%s" % (path, rnd.choice(("0s", "50ms", "300ms")))
        args += ["--dss-checksum", "--alter-payload", alter]
    else:
        args += ["--virtual"]
        if rnd.random() < 0.3:
            args += ["--dss-checksum"]
        if rnd.random() < 0.2:
            args += ["--corrupt", per_path(prob(0.5, 0.01))]
    return args


# How each run may end: verified, or reset in a documented way. A DSS
# checksum failure resets the subflow when another is usable (MP_FAIL,
# MP_TCPRST "middlebox interference"), and once every subflow is gone the
# connection; an infinite mapping a receiver cannot honour resets it too
# (doc/architecture.md). So a reset is accepted only in runs whose
# middlebox alters payload; nothing may stall, mismatch or stay incomplete.
def hostile_problem(args, rc, out):
    if out is None:
        return "no JSON output (rc %d)" % rc
    f = out["failure"]
    if out["end_s"] >= 3600:
        return "ran to the 3600 s limit: failure %s" % f
    if f is None:
        if rc != 0 or out["verified"] is not True:
            return "failure null but rc %d, verified %s" % (rc, out["verified"])
        return None
    if rc != 1 or out["verified"] is not False:
        return "failure %s but rc %d" % (f, rc)
    if f["kind"] == "reset" and "--alter-payload" in args and f["by"] in ("a", "b") and \
            f["cause"] in ("protocol", "rst", "timeout"):
        return None
    return "failure %s, close_reason %s, end %.1f s" % (f, out["close_reason"], out["end_s"])


class Test_hostile(unittest.TestCase):
    """MPTCP_LOOP_HOSTILE_RUNS (default 1000) randomized small MPTCP
    transfers (hostile_case): 1-3 paths with loss, duplication and
    reordering, default, fullmesh and ndiffports path managers, every
    scheduler and congestion control, DSS checksums, and in 40% of the
    runs a middlebox altering payload. Every run is verified byte for byte
    or ended by a documented reset reported in the JSON's "failure"; none
    runs to the 3600 s --duration-limit. Before the fixes, 24 of these
    1000 runs did: one MP_JOIN whose fourth ACK was lost (the third ACK
    was never answered), and 23 whose first data, altered, made the server
    reset its half-open connection. About 3 s on two processes."""

    def test_randomized_runs(self):
        cases = [hostile_case(i) for i in range(HOSTILE_RUNS)]

        def one(args):
            rc, out, _, err = run_tool(*args, timeout=120)
            return args, rc, out, err

        problems = []
        outcomes = {}
        with concurrent.futures.ThreadPoolExecutor(max_workers=JOBS) as pool:
            for args, rc, out, err in pool.map(one, cases):
                bad = hostile_problem(args, rc, out)
                if bad:
                    problems.append("%s -> %s %s" % (" ".join(args), bad, err.strip()[:200]))
                f = out and out["failure"]
                key = "verified" if not f else "%s by %s (%s)" % (f["kind"], f.get("by"),
                                                                  f.get("cause"))
                outcomes[key] = outcomes.get(key, 0) + 1
        print("%d runs: %s; %d problems" % (len(cases), outcomes, len(problems)))
        self.assertEqual(problems, [], "\n".join(problems[:20]))
        # the generator reaches what it is meant to: most runs verify, some
        # alter payload and are reset
        self.assertGreater(outcomes.get("verified", 0), 0.9 * len(cases))

    def test_generator_deterministic(self):
        self.assertEqual(hostile_case(17), hostile_case(17))
        self.assertNotEqual(hostile_case(17), hostile_case(18))
        kinds = {a for i in range(200) for a in hostile_case(i) if a.startswith("--")}
        for flag in ("--alter-payload", "--dss-checksum", "--virtual", "--opportunistic",
                     "--duplicate", "--reorder", "--loss", "--subflows", "--server-addrs"):
            self.assertIn(flag, kinds)
        for flag, values in (("--pm", {"default", "fullmesh", "ndiffports"}),
                             ("--scheduler", {"minrtt", "roundrobin", "blest", "ecf",
                                              "redundant"}),
                             ("--cc", {"reno", "cubic", "lia", "olia", "balia", "wvegas"})):
            seen = {c[c.index(flag) + 1] for c in (hostile_case(i) for i in range(200))}
            self.assertEqual(seen, values)

    def test_issue_repro(self):
        """The responder's fourth ACK of the MP_JOIN is lost; the initial
        subflow is then reset after DSS checksum failures. The repeated
        third ACK is answered, the join completes and carries the
        reinjected data: verified, well before the 3600 s limit."""
        for seed in ("17", "30"):
            rc, out, _, err = run_tool("--mode", "mptcp", "--paths", "2", "--rate",
                                       "25Mbps,35Mbps", "--delay", "87ms,15ms", "--loss", "3%",
                                       "--dss-checksum", "--alter-payload", "0:22", "--bytes",
                                       "256KiB", "--seed", seed)
            self.assertEqual(rc, 0, err)
            self.assertIsNone(out["failure"])
            self.assertIsNone(out["flows"][0]["failure"])
            self.assertLess(out["end_s"], 60)
            ctr = out["counters"]
            self.assertEqual(ctr["a.MPTcpExtMPJoinOk"], 1)
            self.assertGreater(ctr["b.MPTcpExtMPRstTx"], 0)  # the initial subflow reset
            self.assertGreater(ctr["a.MPTcpExtReinject"], 0)  # its data went to the join

    def test_failure_kinds(self):
        """"failure" names what went wrong: a byte mismatch with its
        offset, a reset (by which end, why, the MP_TCPRST reason), an
        incomplete transfer (who missed what, what stopped it)."""
        # mismatch: payload altered without DSS checksums
        rc, out, _, _ = run_tool("--mode", "mptcp", "--bytes", "1MiB", "--paths", "1",
                                 "--alter-payload", "0@0.2s")
        self.assertEqual(rc, 1)
        f = out["failure"]
        self.assertEqual(f["kind"], "mismatch")
        self.assertEqual(f["flow"], 0)
        self.assertEqual(f["side"], "b")
        self.assertGreater(f["offset"], 0)
        self.assertLess(f["offset"], 1 << 20)
        self.assertEqual(out["flows"][0]["failure"], {k: v for k, v in f.items() if k != "flow"})
        # incomplete: a path down for good, stopped by --duration-limit
        rc, out, _, _ = run_tool("--mode", "mptcp", "--bytes", "1MiB", "--virtual",
                                 "--fail-path", "0@0.5s", "--duration-limit", "20s")
        self.assertEqual(rc, 1)
        f = out["failure"]
        self.assertEqual(f["kind"], "incomplete")
        self.assertEqual(f["side"], "b")
        self.assertEqual(f["expected"], 1 << 20)
        self.assertLess(f["received"], 1 << 20)
        self.assertFalse(f["fin_read"])
        self.assertEqual(f["stopped_by"], "duration_limit")
        # reset by A's retry limit: the same, with time to give up
        rc, out, _, _ = run_tool("--mode", "mptcp", "--bytes", "1MiB", "--virtual",
                                 "--fail-path", "0@0.5s")
        self.assertEqual(rc, 1)
        f = out["failure"]
        self.assertEqual(f["kind"], "reset")
        self.assertEqual(f["by"], "a")
        self.assertEqual(f["cause"], "timeout")
        # reset by a protocol event, with its MP_TCPRST reason: every
        # subflow crosses the altering middlebox
        rc, out, _, _ = run_tool(*hostile_case(65))
        self.assertEqual(rc, 1)
        self.assertEqual(out["failure"]["kind"], "reset")
        self.assertEqual(out["failure"]["cause"], "protocol")
        self.assertEqual(out["failure"]["mp_tcprst"], "middlebox_interference")
        # verified: null
        rc, out, _, _ = run_tool("--mode", "mptcp", "--bytes", "100KiB", "--virtual")
        self.assertEqual(rc, 0)
        self.assertIsNone(out["failure"])
        self.assertIsNone(out["flows"][0]["failure"])


# Overload: a few hundred MPTCP connections, 2 subflows each, LIA, on one
# 1 Gbit/s, 20 ms RTT bottleneck (a pipe plus queue of 2 x 1667 packets for
# 600 or 1000 subflows), 10 s, with the tool's default start spread (one base
# RTT, 20 ms). Opened all in the same nanosecond (--start-spread 0), those
# that lose their whole first flight are locked out by the drop-tail queue
# the others refill at every departure: 6 of 300 and 44 of 500 starved, as
# 496 of 2000 plain Reno flows do (doc/mptcp.rst).
OVERLOAD_ARGS = ["--mode", "mptcp", "--cc", "lia", "--paths", "2", "--topology", "shared",
                 "--rate", "1Gbps", "--delay", "10ms", "--time", "10s", "--virtual"]
OVERLOAD_RUNS = ((300, 1), (300, 2), (500, 1))  # (connections, seed)
# Measured jain_connections: 300 connections 0.963 (seed 2) to 0.967 (seeds
# 1, 3), 500: 0.975; the bound leaves room for other seeds and for changes
# that move it by a few hundredths.
OVERLOAD_JAIN_MIN = 0.90


def jain(xs):
    s2 = sum(x * x for x in xs)
    return sum(xs) ** 2 / (len(xs) * s2) if s2 > 0 else 0.0


class Test_overload(unittest.TestCase):
    """No connection starves under heavy overload, and the JSON's
    connections_starved and jain_connections say so consistently."""

    def test_no_connection_starves(self):
        with concurrent.futures.ThreadPoolExecutor(JOBS) as pool:
            runs = list(pool.map(lambda r: run_tool(*OVERLOAD_ARGS, "--connections", str(r[0]),
                                                    "--seed", str(r[1])),
                                 OVERLOAD_RUNS))
        for (n, seed), (rc, out, _, err) in zip(OVERLOAD_RUNS, runs):
            self.assertIsNotNone(out, err)
            flows = out["flows"]
            print("%d connections, seed %d: connections_starved %d jain_connections %.4f "
                  "goodput %.1f Mbit/s" % (n, seed, out["connections_starved"],
                                           out["jain_connections"], out["goodput_bps"] / 1e6))
            self.assertEqual(out["start_spread_s"], 0.02)
            self.assertEqual(len(flows), n)
            self.assertTrue(all(f["kind"] == "mptcp" and len(f["subflows"]) == 2
                                for f in flows), "seed %d" % seed)
            self.assertEqual(out["connections_starved"],
                             sum(1 for f in flows if f["a2b_bytes"] == 0))
            self.assertAlmostEqual(out["jain_connections"],
                                   jain([f["goodput_bps"] for f in flows]), places=4)
            self.assertEqual(out["connections_starved"], 0, "seed %d" % seed)
            self.assertEqual(rc, 0, "seed %d: %s" % (seed, err))
            self.assertGreaterEqual(out["jain_connections"], OVERLOAD_JAIN_MIN,
                                    "seed %d" % seed)

    def test_default_start_spread(self):
        # One base RTT of path 0 with more than one flow, at most a tenth
        # of the run; none with one flow; an explicit value as given.
        cases = (({}, 0.0),
                 ({"--connections": "2"}, 0.02),
                 ({"--tcp-flows": "1"}, 0.02),
                 ({"--connections": "2", "--delay": "30ms,5ms", "--paths": "2"}, 0.06),
                 ({"--connections": "2", "--time": "100ms"}, 0.01),
                 ({"--connections": "2", "--start-spread": "0"}, 0.0),
                 ({"--connections": "2", "--start-spread": "5ms"}, 0.005))
        for extra, want in cases:
            opts = {"--time": "1s", "--delay": "10ms"}
            opts.update(extra)
            rc, out, _, err = run_tool("--mode", "mptcp", "--virtual",
                                       *[x for kv in opts.items() for x in kv])
            self.assertEqual(rc, 0, err)
            self.assertAlmostEqual(out["start_spread_s"], want, places=9, msg=str(extra))

    def test_fields_count_only_the_connections(self):
        # 2 MPTCP connections and a competing Reno: jain covers all three
        # flows, jain_connections the two connections; one that never
        # reads a byte (its path down from the start) is starved.
        rc, out, _, err = run_tool("--mode", "mptcp", "--connections", "2", "--tcp-flows", "1",
                                   "--topology", "shared", "--paths", "2", "--time", "3s",
                                   "--virtual", "--rate", "10Mbps", "--delay", "10ms")
        self.assertEqual(rc, 0, err)
        g = [f["goodput_bps"] for f in out["flows"]]
        self.assertAlmostEqual(out["jain_connections"], jain(g[:2]), places=4)
        self.assertAlmostEqual(out["jain"], jain(g), places=4)
        self.assertEqual(out["connections_starved"], 0)
        rc, out, _, err = run_tool("--connections", "2", "--time", "2s", "--virtual",
                                   "--fail-path", "0@0s")
        self.assertEqual(rc, 1, err)
        self.assertEqual(out["connections_starved"], 2)
        self.assertEqual(out["jain_connections"], 0)


# Threat A6 (doc/security.md): forged signals against the client (host A,
# the data sender) of one MPTCP connection over two 10 Mbit/s paths, the
# attacker on path 0 from t = 1 s of a 3 s run.
ATTACK_BASE = ["--mode", "mptcp", "--paths", "2", "--time", "3", "--attack-at", "1"]
ATTACK_SEEDS = (1, 2, 3)
# Off-path: one blind guess every MiB of sequence space (4096 guesses,
# every 10 us): the receive window (4 MiB) holds about four of them.
OFFPATH = ["--attack-offpath", "--attack-step", "1048576"]


def attack_run(attack, defence, seed, *extra):
    rc, out, stdout, err = run_tool(*ATTACK_BASE, "--attack", attack, "--defence",
                                    "true" if defence else "false", "--seed", str(seed), *extra)
    if rc != 0 or out is None:
        raise AssertionError("%s defence=%s seed %d: rc %d, %s" % (attack, defence, seed, rc,
                                                                 err))
    return out


class Test_attack(unittest.TestCase):
    """Threat A6, forged signals, in the loopback network.

    Outcomes measured here, each over seeds 1-3 (doc/security.md has the
    numbers):
      - rst, mp-tcprst off-path (blind, in-window guesses): succeed with
        rst_seq_check off, fail with it on (RFC 5961 section 3.2);
      - fastclose with a key the attacker does not know (on-path and
        off-path): succeeds with fastclose_key_check off, fails with it on;
    and the residual threats, which succeed whatever the switch:
      - rst, mp-tcprst on-path: the attacker reads RCV.NXT from the
        victim's own ACKs and forges the exact sequence number, which RFC
        5961 accepts;
      - fastclose on-path with the keys seen in the MP_CAPABLE handshake
        (RFC 7430 section 5: keys in clear);
      - remove-addr, on-path and off-path: RFC 8684 does not authenticate
        REMOVE_ADDR; with remove_addr_probe (RFC 8684 section 3.4.2: a
        keepalive first, and the subflow kept when the peer still uses it)
        it fails, without it one subflow is closed (the last usable one
        survives, so the connection does);
      - mp-prio on-path: RFC 8684 does not authenticate MP_PRIO either;
        the forged backup flag (exact sequence and acknowledgement
        numbers) is accepted (MPTcpExtMPPrioRx) and, backup subflows
        carrying data only while no regular one is usable, the subflow
        stops carrying data: traffic diversion (Munir et al.), about a
        third of the goodput lost (0.34 on seeds 1-3). Off-path it
        succeeds with opt_ack_check off and fails with it on.
    """

    def assert_outcome(self, attack, defence, want, *extra):
        for seed in ATTACK_SEEDS:
            with self.subTest(attack=attack, defence=defence, seed=seed, extra=extra):
                out = attack_run(attack, defence, seed, *extra)
                self.assertEqual(out["attack"], attack)
                self.assertEqual(out["defence"], defence)
                self.assertTrue(out["attack_target_found"])
                self.assertGreater(out["attack_forged"], 0)
                if want is not None:  # None: the caller checks
                    self.assertEqual(out["attack_succeeded"], want, out)
                yield out

    def test_rst_offpath(self):
        for attack in ("rst", "mp-tcprst"):
            for out in self.assert_outcome(attack, False, True, *OFFPATH):
                self.assertEqual(out["defence_switch"], "rst_seq_check")
                self.assertGreaterEqual(out["subflows_removed"], 1)
                self.assertEqual(out["counters"]["a.TcpRstAccepted"], 1)
            for out in self.assert_outcome(attack, True, False, *OFFPATH):
                self.assertEqual(out["subflows_removed"], 0)
                self.assertTrue(out["connection_survived"])
                self.assertEqual(out["counters"]["a.TcpRstAccepted"], 0)
                self.assertGreater(out["counters"]["a.TcpRstInWindow"], 0)

    def test_rst_onpath_residual(self):
        for attack in ("rst", "mp-tcprst"):
            for defence in (False, True):
                for out in self.assert_outcome(attack, defence, True):
                    self.assertEqual(out["attack_forged"], 1)
                    self.assertEqual(out["subflows_removed"], 1)
                    self.assertTrue(out["connection_survived"])

    def test_fastclose_wrong_key(self):
        for extra in ([], OFFPATH):
            for out in self.assert_outcome("fastclose", False, True, *extra):
                self.assertEqual(out["defence_switch"], "fastclose_key_check+opt_ack_check")
                self.assertFalse(out["connection_survived"])
                self.assertGreater(out["goodput_loss_fraction"], 0.5)
            for out in self.assert_outcome("fastclose", True, False, *extra):
                self.assertTrue(out["connection_survived"])
                c = out["counters"]
                if extra:  # blind: the guesses' ACK is not acceptable, read no further
                    self.assertGreaterEqual(c["a.TcpAckTooOld"] + c["a.TcpAckTooNew"], 1)
                else:  # on-path: the ACK is right, the key is not
                    self.assertGreaterEqual(c["a.MPTcpExtMPFastcloseBadKey"], 1)
                self.assertEqual(c["a.MPTcpExtMPFastcloseRx"], 0)

    def test_fastclose_known_key_residual(self):
        for defence in (False, True):
            for out in self.assert_outcome("fastclose", defence, True, "--attack-keys"):
                self.assertTrue(out["attack_keys_known"])
                self.assertEqual(out["counters"]["a.MPTcpExtMPFastcloseBadKey"], 0)
                self.assertFalse(out["connection_survived"])

    def test_remove_addr(self):
        for extra in ([], OFFPATH):
            for defence in (False, True):
                for out in self.assert_outcome("remove-addr", defence, not defence, *extra):
                    self.assertEqual(out["defence_switch"], "remove_addr_probe+opt_ack_check")
                    self.assertEqual(out["subflows_removed"], 0 if defence else 1)
                    self.assertTrue(out["connection_survived"])
                    c = out["counters"]
                    if defence and extra:  # blind: dropped unread (opt_ack_check)
                        self.assertGreaterEqual(c["a.TcpAckTooOld"] + c["a.TcpAckTooNew"], 1)
                        self.assertEqual(c["a.MPTcpExtRmAddr"], 0)
                    elif defence:  # on-path: probed, and kept: the peer answered
                        self.assertGreaterEqual(c["a.MPTcpExtRmAddrKept"], 1)

    def test_mp_prio_onpath_diverts_residual(self):
        for defence in (False, True):
            for out in self.assert_outcome("mp-prio", defence, True):
                self.assertEqual(out["defence_switch"], "opt_ack_check")
                self.assertEqual(out["counters"]["a.MPTcpExtMPPrioRx"], 1)
                self.assertGreaterEqual(out["goodput_loss_fraction"], 0.1)
                self.assertTrue(out["connection_survived"])

    def test_mp_prio_offpath(self):
        """Blind MP_PRIO guesses, every MiB of sequence space with one
        random acknowledgement number: with opt_ack_check off, the guesses
        in the receive window are acted on (A's subflow becomes a backup);
        with it on (RFC 5961 section 5.2 first, as Linux) their ACK is not
        acceptable and nothing is read."""
        for out in self.assert_outcome("mp-prio", False, True, *OFFPATH):
            self.assertGreaterEqual(out["counters"]["a.MPTcpExtMPPrioRx"], 1)
            self.assertGreaterEqual(out["goodput_loss_fraction"], 0.1)
        for out in self.assert_outcome("mp-prio", True, False, *OFFPATH):
            self.assertEqual(out["counters"]["a.MPTcpExtMPPrioRx"], 0)
            self.assertGreaterEqual(out["counters"]["a.TcpAckTooOld"]
                                    + out["counters"]["a.TcpAckTooNew"], 1)
            self.assertTrue(out["connection_survived"])

    def test_dsn_inject(self):
        """A2: data forged on path 0 toward B, mapped at B's DATA_ACK (ahead
        of the real data: the first copy, delivered) or 20,000 bytes behind
        it (already received: B keeps its copy). No switch: the outcome is
        the same with --defence false."""
        for lead, want in ((0, True), (-20000, False)):
            for defence in (True, False):
                for out in self.assert_outcome("dsn-inject", defence, want, "--attack-lead",
                                               str(lead), "--attack-guesses", "50",
                                               "--attack-interval", "1ms"):
                    self.assertIsNone(out["defence_switch"])
                    self.assertEqual(out["injected_bytes_delivered"] > 0, want, out)
                    # B compares second copies with the first, read or not
                    self.assertGreater(out["overlap_mismatches"], 0, out)
                    self.assertLessEqual(out["injected_bytes_delivered"], 50 * 100)
                    if want:  # B read the attacker's bytes where A's were expected
                        self.assertEqual(out["failure"]["kind"], "mismatch")
                    else:
                        self.assertTrue(out["verified"])

    def test_eavesdrop_join(self):
        """A3's residual threat: an on-path attacker that saw the MP_CAPABLE
        keys joins A's connection from its own address (10.2.0.1) with the
        right HMACs; A takes the subflow and sends it data. No switch: the
        same with --defence false."""
        for defence in (True, False):
            for out in self.assert_outcome("eavesdrop-join", defence, True):
                self.assertIsNone(out["defence_switch"])
                self.assertTrue(out["attack_keys_known"])
                self.assertEqual(out["joins_accepted"], 1)
                self.assertGreaterEqual(out["join_attempts"], 1)
                self.assertGreater(out["bytes_to_attacker"], 0)
                self.assertTrue(out["verified"])  # B got every byte A sent, in the end

    def test_join_flood(self):
        """A5: 2000 MP_JOIN SYNs with the real token (keys seen on path 0),
        1 ms apart, from the attacker's address: with enforce_limits B holds
        at most max_half_open_joins of them half-open at once and answers
        the rest with SYN cookies (no state; each costs B one HMAC for the
        SYN/ACK); without it (and without cookies), more half-open, the rest
        refused. B's memory stays at the baseline's plus a few subflows and
        the fixed join-cookie table either way."""
        for defence in (True, False):
            for out in self.assert_outcome("join-flood", defence, not defence):
                self.assertEqual(out["defence_switch"], "enforce_limits+syn_cookies")
                self.assertEqual(out["join_attempts"], 2000)
                self.assertEqual(out["joins_accepted"], 0)
                cookies = out["counters"]["b.TcpSyncookiesSent"]
                limit = out["max_half_open_joins"]
                if defence:
                    self.assertEqual(out["half_open_peak"], limit)
                    self.assertGreater(cookies, 1900)
                    self.assertGreater(out["hmac_computations"], 1900)
                    self.assertEqual(out["counters"]["b.TcpSyncookiesRecv"], 0)
                else:
                    self.assertGreater(out["half_open_peak"], limit)
                    self.assertGreater(out["joins_rejected"], 1900)
                    self.assertEqual(cookies, 0)
                self.assertLess(out["peak_server_state_bytes"] -
                                out["baseline_server_state_bytes"], 64 * 1024)

    def test_join_flood_policer(self):
        """A5, second variant: one host opens many subflows through a
        rate-limiting middlebox (--police 5 Mbit/s on a 100 Mbit/s path,
        RFC 2697 single-rate policing). Keyed per flow, the policer gives
        each subflow its own allowance: 8 subflows from one address get
        more than three times the limit (succeeded). Keyed per source
        address, the same host gets the limit (the defence holds), unless
        it has several addresses: 4 addresses through the same policer get
        more than twice the limit. A single TCP flow gets the limit."""
        base = ["--mode", "mptcp", "--rate", "100Mbps", "--time", "5", "--police", "5Mbps"]
        limit = 5e6
        for seed in ATTACK_SEEDS:
            for by, extra, lo, hi in (
                    ("flow", ["--paths", "1", "--pm", "ndiffports", "--subflows", "8"], 3.0, 8.0),
                    ("source", ["--paths", "1", "--pm", "ndiffports", "--subflows", "8"], 0.5, 1.1),
                    ("source", ["--paths", "4", "--topology", "shared", "--pm", "fullmesh"],
                     2.0, 4.0),
                    ("flow", ["--paths", "1", "--pm", "ndiffports", "--subflows", "1"], 0.5, 1.1)):
                with self.subTest(seed=seed, by=by, extra=extra):
                    rc, out, _, err = run_tool(*base, "--police-by", by, "--seed", str(seed),
                                               *extra)
                    self.assertEqual(rc, 0, err)
                    ratio = out["goodput_bps"] / limit
                    print(f"police by {by} {' '.join(extra)} seed {seed}: "
                          f"{ratio:.2f} x the limit")
                    self.assertTrue(lo < ratio < hi, ratio)
                    self.assertTrue(out["verified"])
                    link = out["links"][0]
                    self.assertEqual(link["police_by"], by)
                    self.assertGreater(link["police_drops"], 0)
                    self.assertNotIn("police_drops", out["links"][1])  # B to A: none

    def test_add_addr(self):
        """A4: a forged ADD_ADDR toward A announcing the attacker's own
        address, where it relays (a NAT toward B) the subflow A opens to it.
        With add_addr_hmac_check (its HMAC is random) A ignores it: nothing
        goes through the attacker; without it, or with the HMAC computed
        from the keys seen on the path (--attack-keys), A's data does."""
        for defence, extra, want in ((True, (), False), (False, (), True),
                                     (True, ("--attack-keys",), True)):
            for out in self.assert_outcome("add-addr", defence, want, *extra):
                self.assertEqual(out["defence_switch"], "add_addr_hmac_check+opt_ack_check")
                self.assertEqual(out["bytes_via_attacker"] > 0, want)
                self.assertEqual(out["fraction_via_attacker"] > 0.05, want, out)
                self.assertTrue(out["verified"])  # the relay changes no byte

    def test_join_guess(self):
        """A3, blind: 65,538 random tokens toward B's listening port; none
        is B's (2^-32 per try), every one that arrives is refused as an
        unknown token. No switch."""
        for defence in (True, False):
            for out in self.assert_outcome("join-guess", defence, False, "--attack-offpath"):
                self.assertIsNone(out["defence_switch"])
                self.assertEqual(out["join_attempts"], 65538)
                self.assertEqual(out["joins_accepted"], 0)
                self.assertEqual(out["half_open_peak"], 0)
                self.assertGreater(out["joins_no_token"], 0)

    def hole_flood(self, connections, lead, defence):
        """A1 over `connections` connections, one attacker each: 500
        forgeries of 100 bytes, a hole of 100 between each two, `lead`
        bytes past B's DATA_ACK; B's window 256 KiB."""
        return self.assert_outcome(
            "hole-flood", defence, None, "--connections", str(connections), "--rcvbuf", "256KiB",
            "--virtual", "--attack-guesses", "500", "--attack-interval",
            "%dus" % (80 * connections), "--attack-lead", str(lead))

    def test_hole_flood(self):
        """A1: beyond B's window (300,000 bytes past its DATA_ACK), with
        enforce_conn_window and max_ofo_ranges every connection of B holds at
        most rcvbuf + one MSS per subflow and B's memory stays at the
        baseline's plus the bounded ranges; without them B holds more
        (attack_succeeded). Inside the window (from the DATA_ACK, 100 KB
        in all) the bound holds either way. 1 and 10 connections."""
        bound = 256 * 1024 + 2 * 1448
        for k in (1, 10):
            for defence in (True, False):
                for out in self.hole_flood(k, 300000, defence):
                    self.assertEqual(out["attack_succeeded"], not defence, out)
                    self.assertEqual(out["attacked_connections"], k)
                    self.assertEqual(out["rcvbuf_bytes"], 256 * 1024)
                    held = out["peak_conn_rcv_buffer_bytes"]
                    grown = out["peak_host_buffer_bytes"] - out["baseline_host_buffer_bytes"]
                    if defence:
                        self.assertLessEqual(held, bound)
                        self.assertGreater(out["segments_dropped"], 0)
                        self.assertEqual(out["defence_switch"],
                                         "enforce_conn_window+max_ofo_ranges")
                        self.assertLessEqual(grown, k * 2 * 2048 * 48)
                    else:
                        self.assertGreater(held, bound)
                        self.assertEqual(out["segments_dropped"], 0)
                        self.assertGreater(out["segments_beyond_window"], 0)
        for defence in (True, False):
            for out in self.hole_flood(1, 0, defence):
                self.assertFalse(out["attack_succeeded"], out)
                self.assertLessEqual(out["peak_conn_rcv_buffer_bytes"], bound)

    def test_baseline_is_the_run_without_attack(self):
        rc, plain, _, err = run_tool(*[a for a in ATTACK_BASE if a not in ("--attack-at", "1")],
                                     "--seed", "2")
        self.assertEqual(rc, 0, err)
        out = attack_run("rst", True, 2)
        self.assertEqual(out["baseline_goodput_bps"], plain["goodput_bps"])
        self.assertNotIn("attack", plain)

    def test_determinism(self):
        args = [*ATTACK_BASE, "--attack", "rst", "--defence", "false", *OFFPATH, "--seed", "5"]
        a = run_tool(*args)[2]
        b = run_tool(*args)[2]
        self.assertEqual(strip_wall(a), strip_wall(b))

    def test_bad_arguments(self):
        for args in (["--attack", "syn-storm"],
                     ["--attack", "rst", "--attack-path", "2"],
                     ["--attack", "rst", "--attack-path", "-1"],
                     ["--attack", "rst", "--attack-guesses", "-5"],
                     ["--attack", "rst", "--attack-guesses", "0"],
                     ["--attack", "rst", "--attack-at", "-1"],
                     ["--attack", "rst", "--attack-at", "5"],
                     ["--attack", "rst", "--attack-interval", "-1ms"],
                     ["--attack", "rst", "--attack-step", "0"],
                     ["--attack", "rst", "--defence", "yes"],
                     ["--attack", "rst", "--attack-keys"],
                     ["--defence", "false"],
                     ["--attack-path", "1"],
                     ["--attack", "rst", "--attack-lead", "10"],
                     ["--attack", "hole-flood", "--attack-payload", "0"],
                     ["--attack", "hole-flood", "--attack-payload", "1401"],
                     ["--attack", "hole-flood", "--attack-lead", "2000000000"],
                     ["--attack", "hole-flood", "--attack-lead", "1x"],
                     ["--attack", "hole-flood", "--attack-offpath"],
                     ["--attack", "hole-flood", "--direction", "b2a"],
                     ["--attack", "hole-flood", "--tcp-flows", "1"],
                     ["--attack", "dsn-inject", "--virtual"],
                     ["--attack", "rst", "--connections", "2"],
                     ["--attack", "join-guess"],
                     ["--attack", "eavesdrop-join", "--attack-offpath"],
                     ["--attack", "rst", "--attack-payload", "5"],
                     ["--attack", "mp-prio", "--attack-keys"],
                     ["--police", "fast"],
                     ["--police", "0"],
                     ["--police-by", "host"],
                     ["--police", "1Mbps,2Mbps,3Mbps"]):
            with self.subTest(args=args):
                p = subprocess.run([TOOL, *ATTACK_BASE[:6], *args], capture_output=True,
                                   text=True, timeout=30)
                self.assertEqual(p.returncode, 2, p.stderr)
                self.assertIn("mptcp-loopback: --", p.stderr)
                self.assertEqual(p.stdout, "")
        p = subprocess.run([TOOL, "--attack", "rst", "--time", "3"], capture_output=True,
                           text=True, timeout=30)
        self.assertEqual(p.returncode, 2)
        self.assertIn("--mode mptcp", p.stderr)

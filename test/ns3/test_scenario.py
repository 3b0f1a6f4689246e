#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""End-to-end checks of the flagship example mptcp-shared-bottleneck.

Usage: test_scenario.py EXAMPLE CHECK
CHECK is one of: fairness, determinism, badargs, pcap, flowmonitor,
fallback, fallback_calibration, interfaces, outputs. Each prints what it measured and exits non-zero on
failure. Runs go two at a time (the machines have two cores or more).
"""
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor

EXAMPLE = ""


def run(args, check=True):
    """Runs the example; returns (exit code, last stdout line as JSON or None, stderr)."""
    proc = subprocess.run([EXAMPLE, "--progress=false"] + args,
                          capture_output=True, text=True, timeout=600)
    last = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""
    data = None
    if last.startswith("{"):
        data = json.loads(last)
    if check and proc.returncode != 0:
        raise AssertionError(f"{' '.join(args)} exited {proc.returncode}:\n{proc.stderr}")
    return proc.returncode, data, proc.stderr, last


def parallel(jobs):
    with ThreadPoolExecutor(max_workers=2) as ex:
        return list(ex.map(lambda a: run(a)[1], jobs))


def check_fairness():
    """RFC 6356 goal 2 against ns-3's own TCP: one MPTCP connection with 2
    subflows and one ns-3 TCP (TcpLinuxReno) through a 10 Mbit/s, 40 ms RTT,
    BDP drop-tail bottleneck, 120 s, 10 seeds per algorithm.

    120 s, not 60: with two subflows on one path OLIA's split between them
    wanders (any split is an equilibrium) and the ratio depends on it, so a
    60 s run of OLIA is about one or two such excursions and single seeds
    fall near 0.7 although the mean is about 0.87 (doc/calibration.md).
    The loopback check (loop.shared_bottleneck) runs 120 s as well."""
    limits = {"lia": (0.75, 1.33), "olia": (0.75, 1.33), "balia": (0.75, 1.33),
              "reno": (1.6, None)}
    ok = True
    for cc, (lo, hi) in limits.items():
        jobs = [["--subflows=2", "--tcpFlows=1", f"--cc={cc}", "--duration=120",
                 "--plot=false", "--results=false", f"--RngRun={s}"] for s in range(1, 11)]
        ratios = [d["mptcp_tcp_ratio"] for d in parallel(jobs)]
        bad = [r for r in ratios if r < lo or (hi is not None and r > hi)]
        rng = f"{lo}..{hi}" if hi else f">= {lo}"
        print(f"{cc:6s} ratios {' '.join(f'{r:.2f}' for r in ratios)} "
              f"(mean {sum(ratios) / len(ratios):.2f}; required {rng}) "
              f"{'ok' if not bad else 'FAIL'}")
        ok = ok and not bad
    return ok


def check_determinism():
    out = tempfile.mkdtemp()
    try:
        a = run(["--duration=8", "--RngRun=3", f"--outputDir={out}/a"])
        b = run(["--duration=8", "--RngRun=3", f"--outputDir={out}/b"])
        c = run(["--duration=8", "--RngRun=4", f"--outputDir={out}/c"])
        same = a[3] == b[3]
        print(f"same RngRun, identical JSON: {same}")
        ka = (a[1]["mptcp_key_local"], a[1]["mptcp_key_remote"])
        kc = (c[1]["mptcp_key_local"], c[1]["mptcp_key_remote"])
        differ = ka != kc and "0000000000000000" not in ka + kc
        print(f"keys RngRun=3 {ka}, RngRun=4 {kc}: differ {differ}")
        dumps = []
        for d in ("a", "b"):
            con = sqlite3.connect(f"{out}/{d}/results.db")
            rows = []
            for table in ("param", "entity", "metric", "series", "sample"):
                rows += list(con.execute(f"SELECT * FROM {table} ORDER BY 1, 2, 3"))
            dumps.append(rows)
            con.close()
        db_same = dumps[0] == dumps[1] and len(dumps[0]) > 100
        print(f"same RngRun, identical results.db rows ({len(dumps[0])}): {db_same}")
        return same and differ and db_same
    finally:
        shutil.rmtree(out)


def check_badargs():
    cases = [
        (["--cc=nope"], "--cc"),
        (["--subflows=0"], "--subflows"),
        (["--bottleneckRate=-5Mbps"], "--bottleneckRate"),
        (["--bottleneckRate=fast"], "--bottleneckRate"),
        (["--queueDisc=sfq"], "--queueDisc"),
        (["--pm=random"], "--pm"),
        (["--transport=quic"], "--transport"),
        (["--duration=0"], "--duration"),
        (["--bottleneckDelay=-1"], "--bottleneckDelay"),
        (["--competitorCc=ns3::NoSuchTcp"], "--competitorCc"),
        (["--subflows=abc"], ""),
        (["--outputDir=/proc/none/x"], "--outputDir"),
    ]
    ok = True
    for args, word in cases:
        code, data, err, _ = run(["--duration=1", "--warmup=0.5"] + args, check=False)
        good = code != 0 and data is None and word in err and "Traceback" not in err
        print(f"{' '.join(args):32s} exit {code}: {err.strip().splitlines()[-1] if err.strip() else ''}")
        ok = ok and good
    return ok


def token_of(key_hex):
    return int.from_bytes(hashlib.sha256(bytes.fromhex(key_hex)).digest()[:4], "big")


def check_pcap():
    tshark = shutil.which("tshark")
    if not tshark:
        print("tshark is not installed: apt-get install tshark")
        return False
    out = tempfile.mkdtemp()
    try:
        _, d, _, _ = run(["--duration=3", "--warmup=1", "--subflows=2", "--pcap=true",
                          "--plot=false", "--results=false", f"--outputDir={out}"])
        pcaps = sorted(f for f in os.listdir(out) if f.startswith("mptcp-receiver"))
        if not pcaps:
            print("no pcap written")
            return False
        # The payload is virtual (zeros): decode it as data, so that no
        # heuristic dissector takes it for some other protocol.
        cmd = [tshark, "-n", "-r", os.path.join(out, pcaps[0]), "-d", "tcp.port==5000,data",
               "-o", "mptcp.analyze_mptcp:TRUE", "-o", "tcp.analyze_sequence_numbers:TRUE",
               "-Y", "tcp.port == 5000", "-T", "fields", "-E", "separator=;",
               "-e", "tcp.stream", "-e", "mptcp.stream", "-e", "mptcp.expected_token",
               "-e", "tcp.options.mptcp.subtype", "-e", "_ws.malformed"]
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
        if proc.returncode != 0:
            print(proc.stderr)
            return False
        tcp_streams, mp_streams, tokens, malformed = set(), set(), set(), 0
        for line in proc.stdout.splitlines():
            f = line.split(";")
            tcp_streams.add(f[0])
            if f[1]:
                mp_streams.add(f[1])
            for t in f[2].split(","):
                if t:
                    tokens.add(int(t, 0))
            malformed += bool(f[4])
        server_token = token_of(d["mptcp_key_remote"])
        client_token = token_of(d["mptcp_key_local"])
        print(f"tcp streams {sorted(tcp_streams)}, mptcp streams {sorted(mp_streams)}, "
              f"malformed frames {malformed}")
        print(f"tshark expected tokens {sorted(hex(t) for t in tokens)}; "
              f"from the keys: client {client_token:#x}, server {server_token:#x}")
        return (len(tcp_streams) == 2 and len(mp_streams) == 1 and
                server_token in tokens and malformed == 0)
    finally:
        shutil.rmtree(out)


def check_flowmonitor():
    _, d, _, _ = run(["--duration=10", "--subflows=3", "--flowMonitor=true", "--plot=false", "--results=false"])
    subs = d["flows"][0]["subflows"]
    ok = len(subs) == 3
    for s in subs:
        print(f"subflow {s['local']} > {s['remote']}: FlowMonitor rx bytes "
              f"{s['flowmonitor_rx_bytes']}, counted at the receiver {s['ip_rx_bytes']}, "
              f"payload acked {s['bytes_acked']}")
        ok = ok and s["flowmonitor_rx_bytes"] == s["ip_rx_bytes"] > s["bytes_acked"] > 0
    print(f"FlowMonitor flows: {d['flowmonitor_flows']}")
    return ok


def check_fallback():
    _, d, _, _ = run(["--duration=10", "--peer=ns3tcp", "--plot=false", "--results=false"])
    f = d["flows"][0]
    print(f"peer ns3tcp: fallback {d['fallback']}, kind {f['kind']}, "
          f"goodput {f['goodput_bps'] / 1e6:.2f} Mbit/s, subflows {len(f['subflows'])}")
    _, t, _, _ = run(["--duration=10", "--transport=ns3tcp", "--subflows=2", "--plot=false", "--results=false"])
    g = t["flows"][0]
    print(f"transport ns3tcp: {len(g['subflows'])} ns-3 flows, "
          f"goodput {g['goodput_bps'] / 1e6:.2f} Mbit/s")
    return (d["fallback"] is True and f["kind"] == "mptcp" and f["goodput_bps"] > 1e6 and
            len(f["subflows"]) == 1 and len(g["subflows"]) == 2 and g["goodput_bps"] > 1e6)


def check_fallback_calibration():
    """A connection that fell back to TCP is the engine's plain TCP: the
    MPTCP host against ns-3's TCP receiver (--peer=ns3tcp), next to one ns-3
    TcpLinuxReno flow, must stay within the band calibration.py requires of
    the engine's plain TCP, with the same settings (Reno, drop-tail, 40 s),
    for RngRun 1..10. ns-3's TCP sends no MSS option: a fallen-back
    connection that assumed RFC 9293's 536 bytes got about a quarter of
    ns-3's goodput."""
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import calibration
    ok = True
    for cc in ("reno", "lia"):
        jobs = [["--peer=ns3tcp", "--subflows=1", "--tcpFlows=1", f"--cc={cc}",
                 "--competitorCc=ns3::TcpLinuxReno", "--duration=40", "--plot=false",
                 "--results=false", f"--RngRun={s}"] + calibration.MATCHED
                for s in range(1, 11)]
        runs = parallel(jobs)
        ratios = [d["mptcp_tcp_ratio"] for d in runs]
        fell_back = all(d["fallback"] is True for d in runs)
        bad = [r for r in ratios if not calibration.LOW <= r <= calibration.HIGH]
        print(f"{cc:5s} fallback {fell_back}, ratios {' '.join(f'{r:.3f}' for r in ratios)} "
              f"(required {calibration.LOW}..{calibration.HIGH}) {'ok' if not bad else 'FAIL'}")
        ok = ok and fell_back and not bad
    return ok


def check_interfaces():
    """Each subflow names its local and remote address and the interface
    (and device) it left by, in the JSON and in results.db. The dumbbell
    gives each NIC of the multipath host its own access link: fullmesh
    subflows leave by distinct interfaces and nothing is warned;
    ndiffports subflows share the one NIC by design, also unwarned."""
    out = tempfile.mkdtemp()
    try:
        ok = True
        for n, (args, distinct) in enumerate(((["--pm=fullmesh", "--interfaces=2"], 2),
                                              (["--pm=ndiffports", "--subflows=2"], 1))):
            _, d, err, _ = run(["--duration=3", "--warmup=1", "--plot=false",
                                f"--outputDir={out}/{n}"] + args)
            subs = d["flows"][0]["subflows"]
            ifaces = [s["interface"] for s in subs]
            con = sqlite3.connect(f"{out}/{n}/results.db")
            db = con.execute(
                "SELECT e.five_tuple, m.value FROM metric m JOIN entity e ON e.id = m.entity_id "
                "WHERE e.kind = 'subflow' AND m.name = 'interface' ORDER BY e.label").fetchall()
            con.close()
            print(f"{' '.join(args)}: subflows {[(s['local'], s['remote'], s['interface'], s['device']) for s in subs]}; "
                  f"results.db {db}; warnings {[l for l in err.splitlines() if 'warning' in l]}")
            ok = ok and (len(subs) == 2 and all(i >= 1 for i in ifaces) and
                         all(s["device"] >= 1 for s in subs) and
                         len(set(ifaces)) == distinct and
                         [v for _, v in db] == [float(i) for i in ifaces] and
                         all(t.startswith(s["local"] + " > " + s["remote"])
                             for (t, _), s in zip(db, subs)) and
                         "warning" not in err)
        return ok
    finally:
        shutil.rmtree(out)


def check_outputs():
    out = tempfile.mkdtemp()
    try:
        _, d, _, _ = run(["--duration=5", "--warmup=1", f"--outputDir={out}"])
        con = sqlite3.connect(f"{out}/results.db")
        status = con.execute("SELECT status FROM run").fetchall()
        goodput = con.execute(
            "SELECT label, goodput_bps FROM goodput ORDER BY label").fetchall()
        samples = con.execute("SELECT COUNT(*) FROM sample").fetchone()[0]
        con.close()
        print(f"run status {status}, goodput {goodput}, {samples} samples")
        files = sorted(os.listdir(out))
        print(f"files: {files}")
        want = {"results.db", "mptcp-shared-bottleneck.plt", "mptcp-shared-bottleneck.dat"}
        rendered = {"mptcp-shared-bottleneck.png", "mptcp-shared-bottleneck.svg"}
        mp = [v for l, v in goodput if l == "mptcp"]
        return (status == [("ok",)] and samples > 50 and want <= set(files) and
                (rendered <= set(files) or not shutil.which("gnuplot")) and
                mp and abs(mp[0] - d["flows"][0]["goodput_bps"]) < 1)
    finally:
        shutil.rmtree(out)


CHECKS = {
    "fairness": check_fairness,
    "determinism": check_determinism,
    "badargs": check_badargs,
    "pcap": check_pcap,
    "flowmonitor": check_flowmonitor,
    "fallback": check_fallback,
    "fallback_calibration": check_fallback_calibration,
    "interfaces": check_interfaces,
    "outputs": check_outputs,
}

if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[2] not in CHECKS:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    EXAMPLE = sys.argv[1]
    result = CHECKS[sys.argv[2]]()
    print("PASS" if result else "FAIL")
    sys.exit(0 if result else 1)

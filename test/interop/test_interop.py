# SPDX-License-Identifier: GPL-2.0-only
"""Live interoperability with the Linux kernel's MPTCP (net/mptcp).

Each case creates its own network namespace with one TUN device per path
(addresses only inside it, lo up), runs the core as one host on the TUN
devices (utils/mptcp-tun) and the kernel as the other (kernel_peer.py,
an IPPROTO_MPTCP socket), and checks both sides: the bytes both ways,
verified against the pattern, and the counters of each side (the core's
JSON, and the kernel's `nstat -az` in the namespace). Every namespace is
deleted at the end, also when a case fails; the suite checks that
`ip netns list` is the same before and after.

Usage: test_interop.py MPTCP_TUN [unittest options], or MPTCP_TUN --demo
for one exchange with both sides' counters (the main job). Where the kernel has
no MPTCP, or there is no /dev/net/tun, or the user is not root, the suite
prints why and exits 77 (ctest counts it as skipped).
"""
import json
import os
import pathlib
import shutil
import subprocess
import sys
import time
import unittest

HERE = pathlib.Path(__file__).resolve().parent
PEER = HERE / "kernel_peer.py"
SKIP = 77
TUN_TOOL = None
EVENTS = pathlib.Path(__file__).resolve().parent / "mptcp_events.py"
NS_PREFIX = "mptcp-it-%d-" % os.getpid()
_ns_seq = 0
CURRENT_CASE = None


def prerequisites():
    """None when the suite can run here, else the reason it cannot."""
    if os.geteuid() != 0:
        return "not root: network namespaces and TUN devices need it"
    if not os.path.exists("/dev/net/tun"):
        return "no /dev/net/tun"
    if not shutil.which("ip") or not shutil.which("nstat"):
        return "iproute2 (ip, nstat) is not installed"
    try:
        enabled = pathlib.Path("/proc/sys/net/mptcp/enabled").read_text().strip()
    except OSError:
        return "the kernel has no MPTCP (no /proc/sys/net/mptcp)"
    if enabled != "1":
        return "MPTCP is disabled in this kernel (net.mptcp.enabled = %s)" % enabled
    return None


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, **kw)


def netns_list():
    out = run(["ip", "netns", "list"]).stdout
    return sorted(line.split()[0] for line in out.splitlines() if line.strip())


class Netns:
    """A namespace with TUN devices tun0..tunN-1. Path i: the kernel side
    is 10.(i+1).0.1 and fd00:(i+1)::1, the core's 10.(i+1).0.2 and
    fd00:(i+1)::2."""

    def __init__(self, paths):
        global _ns_seq
        _ns_seq += 1
        self.name = NS_PREFIX + str(_ns_seq)
        self.paths = paths
        run(["ip", "netns", "add", self.name])
        try:
            self.ip("link", "set", "lo", "up")
            for i in range(paths):
                dev = "tun%d" % i
                self.ip("tuntap", "add", "dev", dev, "mode", "tun")
                self.ip("addr", "add", self.kernel_addr(i, 4) + "/24", "dev", dev)
                self.ip("-6", "addr", "add", self.kernel_addr(i, 6) + "/64", "dev", dev, "nodad")
                self.ip("link", "set", dev, "up")
            self.ip("mptcp", "limits", "set", "subflows", "4", "add_addr_accepted", "4")
        except Exception:
            self.close()
            raise

    @staticmethod
    def kernel_addr(i, fam):
        return "10.%d.0.1" % (i + 1) if fam == 4 else "fd00:%d::1" % (i + 1)

    @staticmethod
    def core_addr(i, fam):
        return "10.%d.0.2" % (i + 1) if fam == 4 else "fd00:%d::2" % (i + 1)

    def ip(self, *args):
        return run(["ip", "-n", self.name] + list(args))

    def exec_cmd(self, cmd):
        return ["ip", "netns", "exec", self.name] + cmd

    def nstat(self):
        out = run(self.exec_cmd(["nstat", "-az"])).stdout
        counters = {}
        for line in out.splitlines():
            parts = line.split()
            if len(parts) >= 2 and parts[1].isdigit():
                counters[parts[0]] = int(parts[1])
        return counters

    def close(self):
        out = subprocess.run(["ip", "netns", "pids", self.name], capture_output=True, text=True)
        for pid in out.stdout.split():
            subprocess.run(["kill", "-9", pid], capture_output=True)
        subprocess.run(["ip", "netns", "del", self.name], capture_output=True)


def last_json(text):
    for line in reversed(text.strip().splitlines()):
        line = line.strip()
        if line.startswith("{"):
            return json.loads(line)
    return None


class Exchange:
    """One connection between the core and the kernel in `ns`."""

    def __init__(self, ns, core_role, fam=4, nbytes=1 << 20, core_args=(), peer_args=(),
                 core_paths=1, timeout=20, during=None, events=False):
        """during: (condition, function): function runs once condition(kernel
        counters since the start) holds, polled every 20 ms; an event, not a
        delay, so that a slow machine or a retransmitted SYN cannot make it
        fall before the connection it acts on exists."""
        self.ns = ns
        self.during_ran = False
        port = 5000
        paths = []
        for i in range(core_paths):
            paths += ["--path", "tun%d,%s" % (i, Netns.core_addr(i, fam))]
        kaddr = Netns.kernel_addr(0, fam)
        caddr = Netns.core_addr(0, fam)
        core = [TUN_TOOL, "--role", core_role, "--bytes", str(nbytes),
                "--timeout", str(timeout)] + paths + list(core_args)
        peer = [sys.executable, str(PEER), "--bytes", str(nbytes), "--port", str(port),
                "--timeout", str(timeout)] + list(peer_args)
        if core_role == "client":
            host = "[%s]:%d" % (kaddr, port) if fam == 6 else "%s:%d" % (kaddr, port)
            core += ["--connect", host]
            peer += ["--role", "server", "--addr", "::" if fam == 6 else "0.0.0.0"]
            first, second = peer, core
        else:
            core += ["--listen", str(port)]
            peer += ["--role", "client", "--addr", caddr, "--bind", kaddr]
            first, second = core, peer
        self.events = []
        mon = None
        if events:  # the kernel's path-manager events (mptcp_events.py)
            mon = subprocess.Popen(ns.exec_cmd([sys.executable, str(EVENTS)]),
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            line = mon.stderr.readline()
            if "ready" not in line:
                mon.kill()
                raise AssertionError("event listener did not start: %r" % line)
        cap = None
        capdir = os.environ.get("INTEROP_PCAP")
        if capdir:  # the kernel side of every TUN device, for debugging
            self.pcap = os.path.join(capdir, "%s.pcapng" % (CURRENT_CASE or ns.name))
            ifs = []
            for i in range(ns.paths):
                ifs += ["-i", "tun%d" % i]
            cap = subprocess.Popen(ns.exec_cmd(["dumpcap", "-q"] + ifs + ["-w", self.pcap]),
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            time.sleep(0.5)
        before = ns.nstat()
        p1 = subprocess.Popen(ns.exec_cmd(first), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
        try:
            if first is peer:
                # wait for the kernel's listener
                line = p1.stderr.readline()
                if "listening" not in line:
                    raise AssertionError("kernel peer did not listen: %r" % line)
            else:
                time.sleep(0.2)
            p2 = subprocess.Popen(ns.exec_cmd(second), stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True)
            try:
                if during:
                    self.during_ran = self.wait_then(ns, before, p2, during, timeout)
                out2, err2 = p2.communicate(timeout=timeout + 10)
            finally:
                if p2.poll() is None:
                    p2.kill()
                    out2, err2 = p2.communicate()
            out1, err1 = p1.communicate(timeout=timeout + 10)
        finally:
            if p1.poll() is None:
                p1.kill()
                p1.communicate()
        if cap:
            time.sleep(0.3)
            cap.terminate()
            cap.wait(timeout=10)
        if mon:
            time.sleep(0.3)  # the last events (subflows closing)
            mon.terminate()
            mout, _ = mon.communicate(timeout=10)
            self.events = [json.loads(x) for x in mout.splitlines() if x.startswith("{")]
        outs = {id(first): (p1.returncode, out1, err1), id(second): (p2.returncode, out2, err2)}
        self.core_rc, core_out, self.core_err = outs[id(core)]
        self.peer_rc, peer_out, self.peer_err = outs[id(peer)]
        self.core = last_json(core_out) or {}
        self.peer = last_json(peer_out) or {}
        after = ns.nstat()
        self.kernel = {k: v - before.get(k, 0) for k, v in after.items() if v - before.get(k, 0)}
        report = os.environ.get("INTEROP_REPORT")
        if report:  # one JSON line per exchange, for doc/interop.md
            with open(report, "a") as f:
                f.write(json.dumps({"case": CURRENT_CASE, "core": self.core.get("counters", {}),
                                    "kernel": {k: v for k, v in self.kernel.items()
                                               if k.startswith("MPTcp")},
                                    "core_verified": self.core.get("verified"),
                                    "kernel_verified": self.peer.get("verified")}) + "\n")

    @staticmethod
    def wait_then(ns, before, proc, during, timeout):
        condition, action = during
        end = time.monotonic() + timeout
        while proc.poll() is None and time.monotonic() < end:
            now = ns.nstat()
            if condition({k: v - before.get(k, 0) for k, v in now.items()}):
                action()
                return True
            time.sleep(0.02)
        return False

    def describe(self):
        return "core=%s\ncore stderr=%s\nkernel peer=%s\npeer stderr=%s\nkernel counters=%s" % (
            json.dumps(self.core), self.core_err[-2000:], json.dumps(self.peer),
            self.peer_err[-2000:],
            {k: v for k, v in self.kernel.items() if k.startswith("MPTcp")})


class InteropBase(unittest.TestCase):
    def setUp(self):
        global CURRENT_CASE
        CURRENT_CASE = self.id().split(".", 1)[-1]
        self.namespaces = []

    def tearDown(self):
        for ns in self.namespaces:
            ns.close()

    def netns(self, paths=1):
        ns = Netns(paths)
        self.namespaces.append(ns)
        return ns

    def check_bytes(self, ex, nbytes=1 << 20):
        msg = ex.describe()
        self.assertEqual(ex.core_rc, 0, msg)
        self.assertEqual(ex.peer_rc, 0, msg)
        self.assertTrue(ex.core.get("verified"), msg)
        # what the core wrote matched its mappings (unless a test's
        # middlebox altered it later, which this check does not see)
        self.assertEqual(ex.core.get("sent_bad"), 0, msg)
        self.assertTrue(ex.peer.get("verified"), msg)
        self.assertEqual(ex.core["bytes_received"], nbytes, msg)
        self.assertEqual(ex.peer["bytes_received"], nbytes, msg)

    def check_counters(self, ex, ours, kernels):
        msg = ex.describe()
        for name in ours:
            self.assertGreater(ex.core.get("counters", {}).get(name, 0), 0,
                               "core counter %s is 0\n%s" % (name, msg))
        for name in kernels:
            self.assertGreater(ex.kernel.get(name, 0), 0,
                               "kernel counter %s is 0\n%s" % (name, msg))


class MpCapable(InteropBase):
    """MP_CAPABLE handshake and 1 MiB each way, each side as client."""

    # the counters each side must show, by the core's role
    COUNTERS = {
        "client": (["MPTcpExtMPCapableActive"],
                   ["MPTcpExtMPCapableSYNRX", "MPTcpExtMPCapableACKRX"]),
        "server": (["MPTcpExtMPCapableSYNRX", "MPTcpExtMPCapableActive"],
                   ["MPTcpExtMPCapableSYNACKRX"]),
    }

    def handshake(self, core_role, fam):
        ex = Exchange(self.netns(), core_role, fam)
        self.check_bytes(ex)
        self.assertTrue(ex.core["mptcp"], ex.describe())
        self.check_counters(ex, *self.COUNTERS[core_role])

    def test_core_client_ipv4(self):
        self.handshake("client", 4)

    def test_core_stalls_mid_transfer(self):
        """The core's process does nothing for 1.5 s once the kernel has
        acknowledged 200 kB (--stall), as a host descheduled on a loaded
        machine: when it resumes, its timers have run out before it reads
        the ACKs queued meanwhile (whether a retransmission timeout fires
        depends on what was in flight when it froze). A spurious timeout
        must cost time, not bytes."""
        ex = Exchange(self.netns(), "client", 4, core_args=["--stall", "200000:1500"])
        self.check_bytes(ex)
        msg = ex.describe()
        self.assertTrue(ex.core.get("stalled"), msg)
        self.assertGreaterEqual(ex.core.get("wall_s", 0), 1.5, msg)

    def test_core_server_ipv4(self):
        self.handshake("server", 4)

    def test_core_client_ipv6(self):
        self.handshake("client", 6)

    def test_core_server_ipv6(self):
        self.handshake("server", 6)


class MpJoin(InteropBase):
    """MP_JOIN both ways: the core's fullmesh joins the kernel, and the
    kernel's `subflow` endpoint joins the core. HMACs are checked by both."""

    # 4 MiB: long enough for every subflow to carry data after its join
    N = 4 << 20

    def core_joins_kernel(self, extra=(), fam=4):
        ns = self.netns(paths=2)
        return Exchange(ns, "client", fam, core_paths=2, nbytes=self.N,
                        core_args=["--pm", "fullmesh"] + list(extra))

    def check_core_joined(self, ex):
        self.check_bytes(ex, self.N)
        msg = ex.describe()
        subflows = ex.core.get("subflows", [])
        self.assertEqual(len(subflows), 2, msg)
        self.assertTrue(all(sf["bytes_sent"] > 0 for sf in subflows),
                        "a subflow carried nothing\n" + msg)
        self.check_counters(ex, [], ["MPTcpExtMPJoinSynRx", "MPTcpExtMPJoinAckRx"])

    def test_core_fullmesh_joins_kernel(self):
        self.check_core_joined(self.core_joins_kernel())

    def test_core_fullmesh_joins_kernel_ipv6(self):
        self.check_core_joined(self.core_joins_kernel(fam=6))

    def test_wrong_hmac_is_detected(self):
        """The suite fails when the wire is wrong: with one bit of the
        core's MP_JOIN HMAC flipped, the kernel refuses the join (its
        MPJoinAckHMacFailure counter), and the check above fails."""
        ex = self.core_joins_kernel(["--test-corrupt-join-hmac"])
        self.check_counters(ex, [], ["MPTcpExtMPJoinAckHMacFailure"])
        # the kernel resets the join with MP_TCPRST; the reason it gives
        # (RFC 8684 section 3.6) is what doc/interop.md reports
        joins = ex.core.get("subflows", [])[1:]
        print("\n  kernel's MP_TCPRST on the bad join: %s" %
              [(sf["reset_by_peer"], sf["mp_tcprst_reason"]) for sf in joins], file=sys.stderr)
        # 1: "MPTCP-specific error" (a wrong HMAC is an error in the
        # processing of an MPTCP option)
        self.assertTrue(any(sf["reset_by_peer"] and sf["mp_tcprst_reason"] == 1
                            for sf in joins), ex.describe())
        with self.assertRaises(AssertionError):
            self.check_core_joined(ex)

    def test_kernel_subflow_endpoint_joins_core(self):
        self.kernel_joins_core(4)

    def test_kernel_subflow_endpoint_joins_core_ipv6(self):
        self.kernel_joins_core(6)

    def kernel_joins_core(self, fam):
        ns = self.netns(paths=2)
        ns.ip("mptcp", "endpoint", "add", Netns.kernel_addr(1, fam), "dev", "tun1", "subflow")
        ex = Exchange(ns, "server", fam, core_paths=2, nbytes=self.N)
        self.check_bytes(ex, self.N)
        msg = ex.describe()
        # the endpoint's join to the core's address, and (the core
        # announces its second address) one to the announced address
        # when the announcement arrives in time
        subflows = ex.core.get("subflows", [])
        self.assertIn(len(subflows), (2, 3), msg)
        self.assertEqual(subflows[1]["remote"], Netns.kernel_addr(1, fam), msg)
        self.assertGreater(sum(1 for sf in subflows if sf["bytes_sent"] > 0), 1,
                           "no joined subflow carried data\n" + msg)
        self.check_counters(ex, ["MPTcpExtMPJoinSynRx", "MPTcpExtAddAddrTx"],
                            ["MPTcpExtMPJoinSynAckRx", "MPTcpExtAddAddr"])


class AddAddr(InteropBase):
    def test_kernel_signal_endpoint_announced_and_joined(self):
        """The kernel announces a `signal` endpoint; the core echoes the
        ADD_ADDR and its default path manager joins the address."""
        ns = self.netns(paths=2)
        ns.ip("mptcp", "endpoint", "add", Netns.kernel_addr(1, 4), "dev", "tun1", "signal")
        ex = Exchange(ns, "client", 4, core_paths=2, nbytes=4 << 20)
        self.check_bytes(ex, 4 << 20)
        msg = ex.describe()
        subflows = ex.core.get("subflows", [])
        self.assertEqual(len(subflows), 2, msg)
        self.assertEqual(subflows[1]["remote"], Netns.kernel_addr(1, 4), msg)
        self.assertGreater(subflows[1]["bytes_sent"], 0, msg)
        self.check_counters(ex, ["MPTcpExtAddAddr", "MPTcpExtEchoAddTx", "MPTcpExtMPJoinOk"],
                            ["MPTcpExtAddAddrTx", "MPTcpExtEchoAdd", "MPTcpExtMPJoinAckRx"])


class RemoveAddrAndPrio(InteropBase):
    """REMOVE_ADDR both ways and MP_PRIO, mid-transfer: the kernel sends
    at 8 Mbit/s so that the event falls inside the exchange."""
    PACE = ["--pace", "8e6"]

    def test_core_removes_address(self):
        """The core withdraws its second address: REMOVE_ADDR, and the
        subflow on it reset with MP_TCPRST reason 0 ("unspecified error",
        RFC 8684 section 3.6). The kernel counts the MP_TCPRST (MPRstRx)
        and reports the removal as a REMOVED event (read from generic
        netlink, mptcp_events.py); any SUB_CLOSED event it gives for that
        subflow must carry reason 0. (Kernel 6.18 gives none here: it
        closes the subflow itself on the REMOVE_ADDR; doc/interop.md.)"""
        ex = Exchange(self.netns(paths=2), "client", 4, core_paths=2, peer_args=self.PACE,
                      core_args=["--pm", "fullmesh", "--remove-addr-after", "300000"],
                      events=True)
        self.check_bytes(ex)
        msg = ex.describe() + "\nkernel events=%s" % ex.events
        self.assertTrue(ex.core["removed_addr"], msg)
        self.assertEqual(ex.core["subflows"][1]["state"], "CLOSED", msg)
        self.check_counters(ex, ["MPTcpExtRmAddrTx", "MPTcpExtRmSubflow", "MPTcpExtMPRstTx"],
                            ["MPTcpExtRmAddr", "MPTcpExtMPRstRx"])
        removed = Netns.core_addr(1, 4)
        closed = [e for e in ex.events if e.get("event") == "sub_closed" and
                  e.get("daddr4") == removed]
        print("kernel's events for %s: %s" % (removed, [
            e for e in ex.events if e.get("daddr4") == removed or e.get("event") == "removed"]),
            file=sys.stderr)
        self.assertTrue(any(e.get("event") == "removed" for e in ex.events), msg)
        for e in closed:
            self.assertEqual((e.get("reset_reason", 0), e.get("reset_flags", 0)), (0, 0), msg)

    def test_kernel_removes_address(self):
        ns = self.netns(paths=2)
        ns.ip("mptcp", "endpoint", "add", Netns.kernel_addr(1, 4), "dev", "tun1", "signal",
              "id", "7")
        # the endpoint goes 0.2 s after the core's join to it is
        # established, so that the subflow has carried data by then
        joined = lambda kernel: kernel.get("MPTcpExtMPJoinAckRx", 0) >= 1
        remove = lambda: (time.sleep(0.2), ns.ip("mptcp", "endpoint", "delete", "id", "7"))
        ex = Exchange(ns, "client", 4, core_paths=2, peer_args=self.PACE, timeout=30,
                      during=(joined, remove))
        self.check_bytes(ex)
        msg = ex.describe()
        self.assertTrue(ex.during_ran, "the core never joined the announced address\n" + msg)
        to_removed = [sf for sf in ex.core["subflows"] if sf["remote"] == Netns.kernel_addr(1, 4)]
        self.assertEqual(len(to_removed), 1, msg)
        self.assertGreater(to_removed[0]["bytes_received"], 0, msg)
        self.check_counters(ex, ["MPTcpExtAddAddr", "MPTcpExtRmAddr"], ["MPTcpExtRmAddrTx"])

    def test_kernel_sets_backup(self):
        """The kernel marks its endpoint backup mid-transfer (`ip mptcp
        endpoint change ... backup`): it sends MP_PRIO on the subflow that
        uses the address, and the core takes it (its MPPrioRx)."""
        ns = self.netns(paths=2)
        ns.ip("mptcp", "endpoint", "add", Netns.kernel_addr(1, 4), "dev", "tun1", "signal",
              "id", "7")
        joined = lambda kernel: kernel.get("MPTcpExtMPJoinAckRx", 0) >= 1
        backup = lambda: (time.sleep(0.2),
                          ns.ip("mptcp", "endpoint", "change", "id", "7", "backup"))
        ex = Exchange(ns, "client", 4, core_paths=2, peer_args=self.PACE, timeout=30,
                      during=(joined, backup))
        self.check_bytes(ex)
        msg = ex.describe()
        self.assertTrue(ex.during_ran, "the core never joined the announced address\n" + msg)
        self.check_counters(ex, ["MPTcpExtMPPrioRx"], ["MPTcpExtMPPrioTx"])

    def test_core_sets_backup(self):
        ex = Exchange(self.netns(paths=2), "client", 4, core_paths=2, peer_args=self.PACE,
                      core_args=["--pm", "fullmesh", "--backup-after", "300000"])
        self.check_bytes(ex)
        msg = ex.describe()
        self.assertTrue(ex.core["backup_sent"], msg)
        self.check_counters(ex, ["MPTcpExtMPPrioTx"], ["MPTcpExtMPPrioRx"])


class Checksum(InteropBase):
    def csum_netns(self):
        ns = self.netns()
        run(ns.exec_cmd(["sysctl", "-qw", "net.mptcp.checksum_enabled=1"]))
        return ns

    def test_dss_checksums_both_ways(self):
        ex = Exchange(self.csum_netns(), "client", 4, core_args=["--checksum", "true"])
        self.check_bytes(ex)
        self.assertTrue(ex.core["mptcp"], ex.describe())
        self.assertEqual(ex.kernel.get("MPTcpExtDataCsumErr", 0), 0, ex.describe())
        self.assertEqual(ex.core["counters"].get("MPTcpExtDataCsumErr", 0), 0, ex.describe())

    def test_altered_payload_mp_fail_then_infinite_mapping(self):
        """A middlebox alters one payload byte the core sends (TCP checksum
        fixed): the kernel's DSS checksum fails, it sends MP_FAIL, the core
        answers with an infinite mapping (RFC 8684 section 3.7) and both
        fall back to TCP. What the kernel then delivers: doc/interop.md."""
        altered = 100000
        ex = Exchange(self.csum_netns(), "client", 4,
                      core_args=["--checksum", "true", "--middlebox", "alter-payload:%d" % altered])
        msg = ex.describe()
        self.assertTrue(ex.core["middlebox"]["altered"], msg)
        self.check_counters(ex, ["MPTcpExtMPFailRx", "MPTcpExtInfiniteMapTx", "MPTcpExtFallback"],
                            ["MPTcpExtDataCsumErr", "MPTcpExtMPFailTx", "MPTcpExtInfiniteMapRx"])
        self.assertFalse(ex.core["mptcp"], msg)
        # the kernel -> core direction is intact
        self.assertTrue(ex.core["verified"], msg)
        self.assertEqual(ex.peer["bytes_received"], 1 << 20, msg)
        # Linux keeps the segment that failed (acknowledged at the TCP
        # level) and delivers it after the fallback: the altered byte
        # reaches the application, and nothing else differs.
        self.assertIn(ex.peer["mismatch_offset"], (None, altered), msg)


class Close(InteropBase):
    """DATA_FIN in each order (RFC 8684 section 3.3.3), seen from the
    kernel's side: the state of its MPTCP socket in `ss -Mn` when the
    core's DATA_FIN came first (CLOSE-WAIT), or when its own was
    acknowledged first (FIN-WAIT-2), and no MPTCP socket left once both
    were exchanged."""

    def data_fin_order(self, core_role, kernel_first):
        # kernel first: the core closes 300 ms after the kernel's DATA_FIN,
        # which it acknowledges at once (the kernel then waits in FIN-WAIT-2)
        core_args = ["--close-after-peer", "300"] if kernel_first else []
        peer_args = ["--close-order", "kernel-first" if kernel_first else "kernel-last"]
        ex = Exchange(self.netns(), core_role, 4, core_args=core_args, peer_args=peer_args)
        self.check_bytes(ex)
        msg = ex.describe()
        print("%s, %s first: kernel states %s" % (
            core_role, "kernel" if kernel_first else "core",
            {k: v for k, v in ex.peer.items() if k.startswith("state")}), file=sys.stderr)
        self.check_counters(ex, ["MPTcpExtDataFinRx"], [])
        if kernel_first:
            self.assertEqual((ex.peer.get("states_after_own_fin") or [None])[-1], "FIN-WAIT-2",
                             msg)
        else:
            self.assertEqual(ex.peer.get("state_at_peer_fin"), "CLOSE-WAIT", msg)
        self.assertIsNone(ex.peer.get("state_after_both_fins"), msg)

    def test_data_fin_core_first(self):
        self.data_fin_order("client", False)

    def test_data_fin_kernel_first(self):
        self.data_fin_order("client", True)

    def test_data_fin_core_first_core_server(self):
        self.data_fin_order("server", False)

    def test_data_fin_kernel_first_core_server(self):
        self.data_fin_order("server", True)

    def test_core_abort_sends_fastclose(self):
        ex = Exchange(self.netns(), "client", 4, core_args=["--abort-after", "200000"])
        msg = ex.describe()
        self.assertEqual(ex.core_rc, 0, msg)
        self.assertTrue(ex.core["aborted"], msg)
        self.check_counters(ex, ["MPTcpExtMPFastcloseTx", "MPTcpExtMPRstTx"],
                            ["MPTcpExtMPFastcloseRx", "MPTcpExtMPRstRx"])
        self.assertNotEqual(ex.peer_rc, 0, "the kernel peer did not see the abort\n" + msg)


class Fallback(InteropBase):
    def test_kernel_plain_tcp_server(self):
        """A kernel peer without MPTCP (a plain TCP socket): clean fallback."""
        ex = Exchange(self.netns(), "client", 4, peer_args=["--tcp"])
        self.check_bytes(ex)
        self.assertFalse(ex.core["mptcp"], ex.describe())

    def test_option_stripping_middlebox(self):
        """A middlebox strips MPTCP options both ways: both ends fall back."""
        ex = Exchange(self.netns(), "client", 4, core_args=["--middlebox", "strip-mptcp"])
        self.check_bytes(ex)
        msg = ex.describe()
        self.assertFalse(ex.core["mptcp"], msg)
        self.assertTrue(ex.peer["mptcp_fallback"], msg)
        self.check_counters(ex, ["MPTcpExtFallback"], [])


class Lossy(InteropBase):
    def test_8mib_two_paths_delay_reorder_loss(self):
        """8 MiB each way over 2 paths through a middlebox that holds every
        packet 5 ms both ways, holds 2% of them 5 ms more (the next ones
        overtake them) and drops 0.5% (seeded): byte-exact, both subflows
        used, the reordering seen by both receivers."""
        n = 8 << 20
        ex = Exchange(self.netns(paths=2), "client", 4, nbytes=n, core_paths=2, timeout=90,
                      core_args=["--pm", "fullmesh", "--delay", "5", "--reorder", "0.02",
                                 "--loss", "0.005", "--seed", "5"])
        self.check_bytes(ex, n)
        msg = ex.describe()
        mb = ex.core["middlebox"]
        self.assertGreater(mb["reordered"], 0, msg)
        self.assertGreater(mb["dropped"], 0, msg)
        self.assertTrue(all(sf["bytes_sent"] > 0 for sf in ex.core["subflows"][:2]), msg)
        self.check_counters(ex, ["TcpOfoQueue"], ["TcpExtTCPOFOQueue"])

    def test_8mib_two_paths_one_percent_loss(self):
        """8 MiB each way over 2 paths, 1% of packets dropped both ways by
        the core's side (seeded): byte-exact, both subflows used."""
        n = 8 << 20
        ex = Exchange(self.netns(paths=2), "client", 4, nbytes=n, core_paths=2, timeout=60,
                      core_args=["--pm", "fullmesh", "--loss", "0.01", "--seed", "3"])
        self.check_bytes(ex, n)
        msg = ex.describe()
        self.assertGreater(ex.core["middlebox"]["dropped"], 0, msg)
        self.assertTrue(all(sf["bytes_sent"] > 0 for sf in ex.core["subflows"]), msg)
        self.check_counters(ex, ["TcpRetransSegs"], ["MPTcpExtMPJoinAckRx"])


def live_demo():
    """One live exchange for the main job: the core (fullmesh, two paths)
    and the kernel, 1 MiB each way; prints both sides' counters."""
    ns = Netns(2)
    try:
        ex = Exchange(ns, "client", 4, core_paths=2, core_args=["--pm", "fullmesh"])
    finally:
        ns.close()
    kernel = subprocess.run(["uname", "-r"], capture_output=True, text=True).stdout.strip()
    print("live exchange with Linux %s's MPTCP: the core (client, 2 paths) and the kernel "
          "(server), 1 MiB each way" % kernel)
    print("  verified: core %s, kernel %s; subflows: %d" % (
        ex.core.get("verified"), ex.peer.get("verified"), len(ex.core.get("subflows", []))))
    print("  core counters:   " + ", ".join("%s=%d" % kv for kv in sorted(ex.core.get("counters", {}).items())
                                            if kv[0].startswith("MPTcp")))
    print("  kernel counters: " + ", ".join("%s=%d" % kv for kv in sorted(ex.kernel.items())
                                            if kv[0].startswith("MPTcp")))
    return 0 if ex.core.get("verified") and ex.peer.get("verified") else 1


def main():
    global TUN_TOOL
    if len(sys.argv) < 2:
        print("usage: test_interop.py MPTCP_TUN [unittest options]", file=sys.stderr)
        return 2
    TUN_TOOL = os.path.abspath(sys.argv.pop(1))
    demo = "--demo" in sys.argv
    why = prerequisites()
    if why:
        print("interop %s skipped: %s" % ("exchange" if demo else "suite", why))
        return 0 if demo else SKIP
    if demo:
        return live_demo()
    before = netns_list()
    prog = unittest.main(exit=False, verbosity=2)
    after = netns_list()
    leftover = sorted(set(after) - set(before))
    if leftover:
        print("network namespaces left behind: %s" % leftover)
        for name in leftover:
            subprocess.run(["ip", "netns", "del", name], capture_output=True)
        return 1
    print("network namespaces before and after: the same (%d)" % len(before))
    return 0 if prog.result.wasSuccessful() else 1


if __name__ == "__main__":
    sys.exit(main())

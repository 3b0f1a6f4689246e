#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Checks a trace built with the MPTCP core against tshark's MPTCP dissector.

Usage: tshark_oracle.py GENERATOR [OUTPUT.pcap]

GENERATOR is the gen-oracle-pcap program. It writes an MPTCP v1 trace (an
MP_CAPABLE handshake, data with DSS on the first subflow, then an MP_JOIN
handshake and data on a second subflow) and prints the keys, tokens, IDSNs
and nonces it used. tshark shares no code with the core: it computes the
token and IDSN from the keys it sees on the wire, links subflows into one
MPTCP connection through the token of the MP_JOIN SYN, makes DSNs relative
to the IDSN and verifies the IP and TCP checksums. This script asserts that
all of that agrees with the core, and also recomputes the tokens, IDSNs and
MP_JOIN HMACs with Python's hashlib/hmac (tshark does not check HMACs).

Exit status 0 when every check passes, 1 otherwise (each failure printed),
2 on usage errors. A missing tshark is a failure, not a skip.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import os
import shutil
import subprocess
import sys
import tempfile

# tshark preferences: MPTCP analysis needs TCP sequence analysis; mapping
# analysis links each DSS mapping to its data; relative DSNs are computed
# from the IDSN tshark derives from the key; checksum validation on.
PREFS = [
    "mptcp.analyze_mptcp:TRUE",
    "tcp.analyze_sequence_numbers:TRUE",
    "mptcp.relative_sequence_numbers:TRUE",
    "mptcp.analyze_mappings:TRUE",
    "tcp.check_checksum:TRUE",
    "ip.check_checksum:TRUE",
]

FIELDS = [
    "frame.number",
    "ip.src",
    "ip.id",
    "ip.checksum.status",
    "tcp.stream",
    "tcp.srcport",
    "tcp.dstport",
    "tcp.len",
    "tcp.flags",
    "tcp.checksum.status",
    "mptcp.stream",
    "mptcp.master",
    "mptcp.expected_token",
    "mptcp.expected_idsn",
    "mptcp.dsn",
    "mptcp.ack",
    "tcp.options.mptcp.subtype",
    "tcp.options.mptcp.version",
    "tcp.options.mptcp.sendkey",
    "tcp.options.mptcp.recvkey",
    "tcp.options.mptcp.recvtok",
    "tcp.options.mptcp.sendrand",
    "tcp.options.mptcp.sendtrunchmac",
    "tcp.options.mptcp.sendhmac",
    "tcp.options.mptcp.rawdataseqno",
    "tcp.options.mptcp.rawdataack",
    "tcp.options.mptcp.subflowseqno",
    "tcp.options.mptcp.datalvllen",
    "_ws.malformed",
    "_ws.expert.severity",
    "_ws.expert.message",
]

SERVER_PORT = 5001
EXPECTED_FRAMES = 11

# Wireshark expert severities (epan/proto.h): PI_CHAT 0x00200000,
# PI_NOTE 0x00400000, PI_WARN 0x00600000, PI_ERROR 0x00800000.
PI_WARN = 0x00600000

# Warnings that do not indicate a fault of the trace. Wireshark counts every
# NOP of a header towards "NOP in a row"; the canonical layout NOP NOP TS
# + DSS(26) + NOP NOP (the one Linux sends) has four, none adjacent to more
# than one other.
TOLERATED_WARNINGS = ("NOP in a row",)

GENERATOR_KEYS = (
    "client_key",
    "server_key",
    "client_token",
    "server_token",
    "client_idsn",
    "server_idsn",
    "client_nonce",
    "server_nonce",
)


class Checker:
    """Collects failed checks so that one run reports all of them."""

    def __init__(self) -> None:
        self.failures: list[str] = []
        self.passed = 0

    def check(self, ok: bool, message: str) -> bool:
        if ok:
            self.passed += 1
        else:
            self.failures.append(message)
            print(f"FAIL: {message}")
        return ok


def fail_now(message: str) -> None:
    print(f"FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def run_generator(generator: str, pcap: str) -> dict[str, int]:
    """Runs the generator and parses its "name: hex" lines."""
    try:
        proc = subprocess.run(
            [generator, pcap], capture_output=True, text=True, timeout=60
        )
    except OSError as exc:
        fail_now(f"cannot run the generator {generator}: {exc}")
    if proc.returncode != 0:
        fail_now(
            f"generator {generator} exited with {proc.returncode}:\n"
            f"{proc.stderr}{proc.stdout}"
        )
    values: dict[str, int] = {}
    for line in proc.stdout.splitlines():
        name, sep, value = line.partition(":")
        if not sep:
            continue
        try:
            values[name.strip()] = int(value.strip(), 16)
        except ValueError:
            fail_now(f"generator printed an unparsable line: {line!r}")
    missing = [k for k in GENERATOR_KEYS if k not in values]
    if missing:
        fail_now(
            f"generator output lacks {', '.join(missing)}; it printed:\n"
            f"{proc.stdout}"
        )
    return values


def find_tshark() -> str:
    tshark = shutil.which("tshark")
    if tshark is None:
        fail_now(
            "tshark is not installed (not found on PATH). This oracle needs "
            "it: install the Debian package 'tshark' (apt-get install "
            "tshark), as the project's setup script does."
        )
    return tshark


def run_tshark(tshark: str, pcap: str) -> list[dict[str, list[str]]]:
    """Dissects `pcap`; returns one dict per frame, field -> occurrences."""
    cmd = [tshark, "-n", "-r", pcap]
    for pref in PREFS:
        cmd += ["-o", pref]
    cmd += ["-T", "fields", "-E", "header=y", "-E", "separator=,",
            "-E", "quote=d", "-E", "occurrence=a", "-E", "aggregator=;"]
    for field in FIELDS:
        cmd += ["-e", field]
    env = dict(os.environ)
    # Keep the user's Wireshark profile out of the result.
    env["WIRESHARK_CONFIG_DIR"] = tempfile.mkdtemp(prefix="mptcp-oracle-ws-")
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env,
                          timeout=120)
    shutil.rmtree(env["WIRESHARK_CONFIG_DIR"], ignore_errors=True)
    if proc.returncode != 0:
        fail_now(
            f"tshark exited with {proc.returncode}:\n{proc.stderr}\n"
            f"command: {' '.join(cmd)}"
        )
    rows = list(csv.reader(io.StringIO(proc.stdout)))
    if not rows or rows[0] != FIELDS:
        fail_now(f"unexpected tshark output header: {rows[:1]}")
    frames = []
    for row in rows[1:]:
        if not row:
            continue
        frame = {}
        for name, value in zip(FIELDS, row):
            frame[name] = [v for v in value.split(";") if v != ""]
        frames.append(frame)
    return frames


def one(frame: dict[str, list[str]], field: str) -> str | None:
    """The single occurrence of `field` in `frame`, or None."""
    values = frame.get(field, [])
    return values[0] if values else None


def as_int(text: str | None) -> int | None:
    if text is None:
        return None
    return int(text, 0)


def hx(value: int | None, digits: int) -> str:
    """`value` as zero-padded hex, or "absent"."""
    return "absent" if value is None else f"{value:0{digits}x}"


def token_idsn(key: int) -> tuple[int, int]:
    digest = hashlib.sha256(key.to_bytes(8, "big")).digest()
    token = int.from_bytes(digest[:4], "big")
    idsn = int.from_bytes(digest[-8:], "big")
    return token, idsn


def join_hmac(own_key: int, peer_key: int, own_nonce: int,
              peer_nonce: int) -> bytes:
    key = own_key.to_bytes(8, "big") + peer_key.to_bytes(8, "big")
    msg = own_nonce.to_bytes(4, "big") + peer_nonce.to_bytes(4, "big")
    return hmac.new(key, msg, hashlib.sha256).digest()


def check_generator_values(c: Checker, v: dict[str, int]) -> None:
    """The generator's tokens/IDSNs against hashlib (independent of nettle)."""
    for side in ("client", "server"):
        token, idsn = token_idsn(v[f"{side}_key"])
        c.check(v[f"{side}_token"] == token,
                f"core {side}_token {v[f'{side}_token']:08x} != "
                f"SHA-256 of the key {token:08x}")
        c.check(v[f"{side}_idsn"] == idsn,
                f"core {side}_idsn {v[f'{side}_idsn']:016x} != "
                f"SHA-256 of the key {idsn:016x}")


def check_integrity(c: Checker, frames: list[dict[str, list[str]]]) -> None:
    """Checksums, malformed packets and expert warnings."""
    c.check(len(frames) == EXPECTED_FRAMES,
            f"tshark read {len(frames)} frames, the generator writes "
            f"{EXPECTED_FRAMES}")
    prev_id = None
    for f in frames:
        n = one(f, "frame.number")
        c.check(not f["_ws.malformed"],
                f"frame {n}: tshark reports a malformed packet")
        c.check(one(f, "tcp.checksum.status") == "1",
                f"frame {n}: TCP checksum status "
                f"{one(f, 'tcp.checksum.status')} (1 = good)")
        c.check(one(f, "ip.checksum.status") == "1",
                f"frame {n}: IPv4 header checksum status "
                f"{one(f, 'ip.checksum.status')} (1 = good)")
        ip_id = as_int(one(f, "ip.id"))
        if prev_id is not None:
            c.check(ip_id == (prev_id + 1) & 0xFFFF,
                    f"frame {n}: IP id {ip_id} does not follow {prev_id}")
        prev_id = ip_id
        for sev, msg in zip(f["_ws.expert.severity"],
                            f["_ws.expert.message"]):
            if int(sev, 0) < PI_WARN:
                continue
            if any(t in msg for t in TOLERATED_WARNINGS):
                continue
            c.check(False, f"frame {n}: tshark expert info "
                           f"(severity {int(sev, 0):#x}): {msg}")


def check_keys(c: Checker, frames: list[dict[str, list[str]]],
               v: dict[str, int]) -> None:
    """tshark's token/IDSN from every key it saw equals the core's."""
    by_key = {
        v["client_key"]: ("client", v["client_token"], v["client_idsn"]),
        v["server_key"]: ("server", v["server_token"], v["server_idsn"]),
    }
    seen = set()
    for f in frames:
        n = one(f, "frame.number")
        send_key = as_int(one(f, "tcp.options.mptcp.sendkey"))
        if send_key is None:
            continue
        if not c.check(send_key in by_key,
                       f"frame {n}: sender's key {send_key:016x} is neither "
                       f"generator key"):
            continue
        side, token, idsn = by_key[send_key]
        seen.add(side)
        # tshark shows the token and IDSN of the sender's key first.
        tokens = [as_int(t) for t in f["mptcp.expected_token"]]
        idsns = [as_int(i) for i in f["mptcp.expected_idsn"]]
        c.check(bool(tokens) and tokens[0] == token,
                f"frame {n}: tshark expected_token of the {side} key "
                f"{[f'{t:08x}' for t in tokens]} != core {token:08x}")
        c.check(bool(idsns) and idsns[0] == idsn,
                f"frame {n}: tshark expected_idsn of the {side} key "
                f"{[f'{i:016x}' for i in idsns]} != core {idsn:016x}")
        recv_key = as_int(one(f, "tcp.options.mptcp.recvkey"))
        if recv_key is not None:
            c.check(recv_key == v["server_key"] and side == "client",
                    f"frame {n}: third ACK keys {send_key:016x}/"
                    f"{recv_key:016x} are not client/server")
    c.check(seen == {"client", "server"},
            f"tshark saw keys of {sorted(seen)}, expected client and server")


def check_subflows(c: Checker, frames: list[dict[str, list[str]]]) -> None:
    """Both TCP streams belong to one MPTCP stream; stream 0 is master."""
    mptcp_of: dict[int, set[int]] = {}
    master_of: dict[int, set[str]] = {}
    for f in frames:
        tcp_stream = as_int(one(f, "tcp.stream"))
        ms = as_int(one(f, "mptcp.stream"))
        if ms is not None:
            mptcp_of.setdefault(tcp_stream, set()).add(ms)
        master = one(f, "mptcp.master")
        if master is not None:
            master_of.setdefault(tcp_stream, set()).add(master)
    c.check(sorted(mptcp_of) == [0, 1],
            f"TCP streams with an mptcp.stream: {sorted(mptcp_of)}, "
            f"expected [0, 1]")
    all_ms = set().union(*mptcp_of.values()) if mptcp_of else set()
    c.check(len(all_ms) == 1,
            f"the two subflows are not linked into one MPTCP connection: "
            f"mptcp.stream per TCP stream = "
            f"{ {k: sorted(s) for k, s in mptcp_of.items()} }")
    c.check(master_of.get(0) == {"1"} and master_of.get(1) == {"0"},
            f"mptcp.master per TCP stream {master_of}, expected stream 0 "
            f"master and stream 1 not")


def check_join(c: Checker, frames: list[dict[str, list[str]]],
               v: dict[str, int]) -> None:
    """MP_JOIN fields: token, nonces, HMACs (recomputed with hmac)."""
    hmac_a = join_hmac(v["client_key"], v["server_key"], v["client_nonce"],
                       v["server_nonce"])
    hmac_b = join_hmac(v["server_key"], v["client_key"], v["server_nonce"],
                       v["client_nonce"])
    syn = synack = ack = None
    for f in frames:
        if "1" not in f["tcp.options.mptcp.subtype"]:
            continue
        flags = as_int(one(f, "tcp.flags"))
        if flags & 0x12 == 0x02:
            syn = f
        elif flags & 0x12 == 0x12:
            synack = f
        elif one(f, "tcp.options.mptcp.sendhmac") is not None:
            ack = f
    if c.check(syn is not None, "no MP_JOIN SYN in the trace"):
        tok = as_int(one(syn, "tcp.options.mptcp.recvtok"))
        c.check(tok == v["server_token"],
                f"MP_JOIN SYN token {hx(tok, 8)} != server token "
                f"{v['server_token']:08x}")
        rand = as_int(one(syn, "tcp.options.mptcp.sendrand"))
        c.check(rand == v["client_nonce"],
                f"MP_JOIN SYN nonce {hx(rand, 8)} != client nonce "
                f"{v['client_nonce']:08x}")
    if c.check(synack is not None, "no MP_JOIN SYN/ACK in the trace"):
        thmac = as_int(one(synack, "tcp.options.mptcp.sendtrunchmac"))
        want = int.from_bytes(hmac_b[:8], "big")
        c.check(thmac == want,
                f"MP_JOIN SYN/ACK truncated HMAC {hx(thmac, 16)} != "
                f"leftmost 64 bits of HMAC-B {want:016x} (Python hmac)")
        rand = as_int(one(synack, "tcp.options.mptcp.sendrand"))
        c.check(rand == v["server_nonce"],
                f"MP_JOIN SYN/ACK nonce {hx(rand, 8)} != server nonce "
                f"{v['server_nonce']:08x}")
    if c.check(ack is not None, "no MP_JOIN third ACK in the trace"):
        got = one(ack, "tcp.options.mptcp.sendhmac").replace(":", "").lower()
        c.check(got == hmac_a[:20].hex(),
                f"MP_JOIN third ACK HMAC {got} != leftmost 160 bits of "
                f"HMAC-A {hmac_a[:20].hex()} (Python hmac)")


def check_dss(c: Checker, frames: list[dict[str, list[str]]],
              v: dict[str, int]) -> None:
    """DSNs and Data ACKs, relative to the IDSNs tshark derived itself."""
    idsn = {"server": v["server_idsn"], "client": v["client_idsn"]}
    # Data-level bytes each side has sent so far (relative DSN of the next
    # byte minus one).
    sent = {"server": 0, "client": 0}
    mappings = 0
    for f in frames:
        if "2" not in f["tcp.options.mptcp.subtype"]:
            continue
        n = one(f, "frame.number")
        side = "server" if as_int(one(f, "tcp.srcport")) == SERVER_PORT \
            else "client"
        peer = "client" if side == "server" else "server"
        raw_ack = as_int(one(f, "tcp.options.mptcp.rawdataack"))
        rel_ack = as_int(one(f, "mptcp.ack"))
        if raw_ack is not None:
            c.check(raw_ack == idsn[peer] + 1 + sent[peer],
                    f"frame {n}: raw Data ACK {hx(raw_ack, 16)} != {peer} "
                    f"IDSN + 1 + {sent[peer]}")
            c.check(rel_ack == 1 + sent[peer],
                    f"frame {n}: tshark's relative Data ACK {rel_ack} != "
                    f"{1 + sent[peer]} (IDSN from the {peer} key)")
        raw_dsn = as_int(one(f, "tcp.options.mptcp.rawdataseqno"))
        if raw_dsn is None:
            continue
        mappings += 1
        rel_dsn = as_int(one(f, "mptcp.dsn"))
        dll = as_int(one(f, "tcp.options.mptcp.datalvllen"))
        ssn = as_int(one(f, "tcp.options.mptcp.subflowseqno"))
        tcp_len = as_int(one(f, "tcp.len"))
        c.check(raw_dsn == idsn[side] + 1 + sent[side],
                f"frame {n}: raw DSN {hx(raw_dsn, 16)} != {side} IDSN + 1 + "
                f"{sent[side]}")
        c.check(rel_dsn == 1 + sent[side],
                f"frame {n}: tshark's relative DSN {rel_dsn} != "
                f"{1 + sent[side]} (IDSN from the {side} key)")
        c.check(ssn == 1, f"frame {n}: relative subflow sequence number "
                          f"{ssn} != 1")
        c.check(dll == tcp_len and tcp_len and tcp_len > 0,
                f"frame {n}: data-level length {dll} != TCP payload "
                f"length {tcp_len}")
        sent[side] += dll or 0
    c.check(mappings == 2, f"{mappings} DSS mappings in the trace, expected 2")
    c.check(sent["server"] > 0 and sent["client"] > 0,
            f"data-level bytes sent {sent}: expected data in both directions")


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3):
        print(__doc__.strip().splitlines()[2], file=sys.stderr)
        return 2
    generator = argv[1]
    tshark = find_tshark()
    tmpdir = None
    if len(argv) == 3:
        pcap = argv[2]
    else:
        tmpdir = tempfile.mkdtemp(prefix="mptcp-oracle-")
        pcap = os.path.join(tmpdir, "oracle.pcap")
    try:
        values = run_generator(generator, pcap)
        frames = run_tshark(tshark, pcap)
    finally:
        if tmpdir is not None:
            shutil.rmtree(tmpdir, ignore_errors=True)

    print(f"tshark: {tshark}; trace: {pcap if tmpdir is None else '(tmp)'}")
    for name in GENERATOR_KEYS:
        print(f"  {name} = {values[name]:x}")

    c = Checker()
    check_generator_values(c, values)
    check_integrity(c, frames)
    check_keys(c, frames, values)
    check_subflows(c, frames)
    check_join(c, frames, values)
    check_dss(c, frames, values)

    if c.failures:
        print(f"{len(c.failures)} check(s) failed, {c.passed} passed")
        return 1
    print(f"all {c.passed} checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

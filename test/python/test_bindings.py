# SPDX-License-Identifier: GPL-2.0-only
"""Tests of the core's Python bindings (scripts/mptcp) against independent
computations with Python's standard library (hashlib, hmac, struct).

The same tests run against each backend of mptcp.core: ctest runs them as
py.bindings (MPTCP_BACKEND=ctypes, the system Python) and as
py.bindings.cppyy (MPTCP_BACKEND=cppyy, .venv/bin/python), with
PYTHONPATH=<repo>/scripts and MPTCP_CORE_LIB pointing at the freshly built
libmptcp-core.so; when MPTCP_STRUCT_LAYOUT names the struct_layout program,
the ctypes structures are also compared with the C compiler's layout.
"""

from __future__ import annotations

import ctypes
import hashlib
import hmac
import ipaddress
import os
import struct
import subprocess
import sys
import unittest

import mptcp
from mptcp import core
from mptcp.core import MptcpError

KEYS = [
    0,
    1,
    0xFFFFFFFFFFFFFFFF,
    0x0123456789ABCDEF,
    0x1F2E3D4C5B6A7988,
    0xA1B2C3D4E5F60718,
    0x8000000000000000,
    0x00000000FFFFFFFF,
]


def py_token_idsn(key: int) -> tuple[int, int]:
    digest = hashlib.sha256(key.to_bytes(8, "big")).digest()
    token = int.from_bytes(digest[:4], "big")
    return token, int.from_bytes(digest[24:], "big")


def py_join_hmac(own_key: int, peer_key: int, own_nonce: int,
                 peer_nonce: int) -> bytes:
    key = own_key.to_bytes(8, "big") + peer_key.to_bytes(8, "big")
    msg = own_nonce.to_bytes(4, "big") + peer_nonce.to_bytes(4, "big")
    return hmac.new(key, msg, hashlib.sha256).digest()


def py_add_addr_hmac(sender_key: int, receiver_key: int, addr_id: int,
                     address: str, port: int | None) -> int:
    msg = (bytes([addr_id]) + ipaddress.ip_address(address).packed
           + (port or 0).to_bytes(2, "big"))
    mac = hmac.new(sender_key.to_bytes(8, "big")
                   + receiver_key.to_bytes(8, "big"), msg,
                   hashlib.sha256).digest()
    return int.from_bytes(mac[-8:], "big")


def py_ones_complement(data: bytes) -> int:
    """RFC 1071 checksum: complement of the folded 16-bit word sum."""
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def py_dss_csum(dsn: int, ssn: int, dll: int, payload: bytes) -> int:
    return py_ones_complement(struct.pack("!QIHH", dsn, ssn, dll, 0)
                              + payload)


def tcp_fixed(sport: int, dport: int, seq: int, ack: int, opts: bytes,
              flags: int, window: int = 502, csum: int = 0,
              urg: int = 0) -> bytes:
    """A hand-assembled TCP header (RFC 9293 figure 1) with `opts`."""
    assert len(opts) % 4 == 0
    doff = (20 + len(opts)) // 4
    return struct.pack("!HHIIBBHHH", sport, dport, seq, ack, doff << 4, flags,
                       window, csum, urg) + opts


class TestTokens(unittest.TestCase):
    def test_token_idsn_matches_sha256(self) -> None:
        for key in KEYS:
            with self.subTest(key=f"{key:016x}"):
                self.assertEqual(mptcp.key_token_idsn(key),
                                 py_token_idsn(key))

    def test_rejects_out_of_range_key(self) -> None:
        with self.assertRaises(ValueError):
            mptcp.key_token_idsn(1 << 64)
        with self.assertRaises(ValueError):
            mptcp.key_token_idsn(-1)
        with self.assertRaises(TypeError):
            mptcp.key_token_idsn("1")  # type: ignore[arg-type]


class TestHmacs(unittest.TestCase):
    NONCES = [(0, 0), (0x3C4D5E6F, 0x8A9BACBD), (0xFFFFFFFF, 1)]

    def test_join_hmac_matches_hmac_module(self) -> None:
        for ka, kb in zip(KEYS, reversed(KEYS)):
            for ra, rb in self.NONCES:
                with self.subTest(ka=ka, kb=kb, ra=ra, rb=rb):
                    got = mptcp.join_hmac(ka, kb, ra, rb)
                    self.assertEqual(len(got), 32)
                    self.assertEqual(got, py_join_hmac(ka, kb, ra, rb))

    def test_hmac_a_and_b_differ(self) -> None:
        ka, kb, ra, rb = KEYS[3], KEYS[4], 0x11111111, 0x22222222
        self.assertNotEqual(mptcp.join_hmac(ka, kb, ra, rb),
                            mptcp.join_hmac(kb, ka, rb, ra))

    def test_hmac_left64(self) -> None:
        mac = py_join_hmac(KEYS[3], KEYS[4], 5, 6)
        self.assertEqual(mptcp.hmac_left64(mac),
                         int.from_bytes(mac[:8], "big"))
        self.assertEqual(mptcp.hmac_left64(bytes(range(32))),
                         0x0001020304050607)
        with self.assertRaises(ValueError):
            mptcp.hmac_left64(b"short")

    def test_add_addr_hmac_matches_hmac_module(self) -> None:
        cases = [
            (0, "10.0.0.2", None),
            (1, "10.0.0.2", 5001),
            (7, "192.168.255.1", 65535),
            (255, "2001:db8::1", None),
            (3, "2001:db8:1:2:3:4:5:6", 8080),
            (0, "::", 0),
        ]
        for addr_id, address, port in cases:
            for sk, rk in ((KEYS[3], KEYS[4]), (KEYS[2], KEYS[0])):
                with self.subTest(addr_id=addr_id, address=address,
                                  port=port, sk=sk):
                    self.assertEqual(
                        mptcp.add_addr_hmac(sk, rk, addr_id, address, port),
                        py_add_addr_hmac(sk, rk, addr_id, address, port))

    def test_add_addr_hmac_port_none_equals_port_zero(self) -> None:
        # RFC 8684 3.4.1: an absent port enters the HMAC as two zero bytes.
        self.assertEqual(mptcp.add_addr_hmac(1, 2, 3, "10.1.2.3", None),
                         mptcp.add_addr_hmac(1, 2, 3, "10.1.2.3", 0))

    def test_add_addr_hmac_bad_address(self) -> None:
        with self.assertRaises(ValueError):
            mptcp.add_addr_hmac(1, 2, 3, "not-an-address", None)
        with self.assertRaises(ValueError):
            mptcp.add_addr_hmac(1, 2, 256, "10.0.0.1", None)


class TestChecksums(unittest.TestCase):
    def test_dss_csum_matches_python(self) -> None:
        payloads = [b"", b"a", b"ab", b"hello, world", bytes(range(256)),
                    b"\xff" * 1501, b"\x00" * 64]
        mappings = [(0, 0, 0), (0x716813B56AE01719, 1, 41),
                    (0xFFFFFFFFFFFFFFFF, 0xFFFFFFFF, 0xFFFF),
                    (0x8912213BF1CBD03D, 1234567, 1460)]
        for dsn, ssn, dll in mappings:
            for payload in payloads:
                with self.subTest(dsn=dsn, ssn=ssn, dll=dll,
                                  n=len(payload)):
                    self.assertEqual(mptcp.dss_csum(dsn, ssn, dll, payload),
                                     py_dss_csum(dsn, ssn, dll, payload))

    def test_dss_csum_verifies_to_zero(self) -> None:
        # Summing the pseudo-header with the checksum in place of the zero
        # field, then the payload, folds to 0 (one's-complement check).
        dsn, ssn, dll, payload = 0x1122334455667788, 9, 5, b"hello"
        c = mptcp.dss_csum(dsn, ssn, dll, payload)
        self.assertEqual(
            py_ones_complement(struct.pack("!QIHH", dsn, ssn, dll, c)
                               + payload), 0)

    def test_tcp_checksum_ipv4(self) -> None:
        seg = tcp_fixed(40000, 5001, 1, 2, b"", 0x18) + b"payload!x"
        src, dst = "10.0.0.1", "10.0.1.1"
        pseudo = (ipaddress.IPv4Address(src).packed
                  + ipaddress.IPv4Address(dst).packed
                  + struct.pack("!BBH", 0, 6, len(seg)))
        self.assertEqual(mptcp.tcp_checksum_ipv4(src, dst, seg),
                         py_ones_complement(pseudo + seg))

    def test_tcp_checksum_ipv6(self) -> None:
        seg = tcp_fixed(40000, 5001, 1, 2, b"", 0x18) + b"odd"
        src, dst = "2001:db8::1", "2001:db8::2"
        pseudo = (ipaddress.IPv6Address(src).packed
                  + ipaddress.IPv6Address(dst).packed
                  + struct.pack("!IxxxB", len(seg), 6))
        self.assertEqual(mptcp.tcp_checksum_ipv6(src, dst, seg),
                         py_ones_complement(pseudo + seg))


# A SYN/ACK as a Linux host lays it out: MSS, SACK-permitted + timestamps,
# NOP + window scale, MP_CAPABLE v1 with the sender's key.
SYNACK_OPTS = (
    bytes([2, 4]) + struct.pack("!H", 1460)
    + bytes([4, 2, 8, 10]) + struct.pack("!II", 500000, 100000)
    + bytes([1, 3, 3, 7])
    + bytes([30, 12, 0x01, 0x01]) + struct.pack("!Q", 0xA1B2C3D4E5F60718)
)
SYNACK = tcp_fixed(5001, 40000, 2000000, 1000001, SYNACK_OPTS, 0x12,
                   window=64256, csum=0xBEEF, urg=0)

# Data with NOP NOP timestamps, then DSS with an 8-byte Data ACK, an
# 8-byte DSN, SSN, DLL and a checksum (length 28).
DSS_OPTS = (
    bytes([1, 1, 8, 10]) + struct.pack("!II", 7, 8)
    + bytes([30, 28, 0x20, 0x0F])
    + struct.pack("!QQIHH", 0x0102030405060708, 0x1112131415161718,
                  0x21222324, 0x3132, 0x4142)
)
DSS_DATA = tcp_fixed(1, 2, 3, 4, DSS_OPTS, 0x18, window=5, csum=6,
                     urg=0) + b"payload"


class TestCodec(unittest.TestCase):
    def test_decode_synack_all_fields(self) -> None:
        d = mptcp.decode_tcp_header(SYNACK)
        self.assertEqual(d["sport"], 5001)
        self.assertEqual(d["dport"], 40000)
        self.assertEqual(d["seq"], 2000000)
        self.assertEqual(d["ack"], 1000001)
        self.assertEqual(d["hdr_len"], 52)
        self.assertEqual(d["flags"], core.TH_SYN | core.TH_ACK)
        self.assertEqual(d["reserved"], 0)
        self.assertEqual(d["window"], 64256)
        self.assertEqual(d["csum"], 0xBEEF)
        self.assertEqual(d["urg_ptr"], 0)
        self.assertEqual(d["n_unknown"], 0)
        self.assertEqual(d["opts"], core.OPT_MSS | core.OPT_SACK_PERM
                         | core.OPT_TIMESTAMP | core.OPT_WSCALE
                         | core.OPT_MP_CAPABLE)
        self.assertEqual(d["mss"], 1460)
        self.assertIs(d["sack_perm"], True)
        self.assertEqual(d["timestamp"], (500000, 100000))
        self.assertEqual(d["wscale"], 7)
        self.assertEqual(d["mp_capable"], {
            "len": 12, "version": 1, "flags": core.MPC_FLAG_H,
            "sender_key": 0xA1B2C3D4E5F60718})
        self.assertNotIn("dss", d)

    def test_decode_dss_all_fields(self) -> None:
        d = mptcp.decode_tcp_header(DSS_DATA)
        self.assertEqual((d["sport"], d["dport"], d["seq"], d["ack"]),
                         (1, 2, 3, 4))
        self.assertEqual((d["window"], d["csum"], d["hdr_len"]), (5, 6, 60))
        self.assertEqual(d["timestamp"], (7, 8))
        self.assertEqual(d["dss"], {
            "flags": 0x0F, "data_ack": 0x0102030405060708,
            "dsn": 0x1112131415161718, "ssn": 0x21222324, "dll": 0x3132,
            "has_csum": 1, "csum": 0x4142})
        self.assertEqual(DSS_DATA[d["hdr_len"]:], b"payload")

    def test_decode_struct_fields(self) -> None:
        h = core.decode_tcp_header_struct(SYNACK)
        self.assertEqual(h.mpc.sender_key, 0xA1B2C3D4E5F60718)
        self.assertEqual(h.mpc.receiver_key, 0)
        self.assertEqual(h.mss, 1460)
        self.assertEqual(h.ts_val, 500000)
        self.assertEqual(h.ts_ecr, 100000)

    def test_encode_reproduces_known_bytes(self) -> None:
        self.assertEqual(mptcp.encode_tcp_header(mptcp.decode_tcp_header(
            SYNACK)), SYNACK)
        self.assertEqual(mptcp.encode_tcp_header(mptcp.decode_tcp_header(
            DSS_DATA)), DSS_DATA[:60])

    def test_encode_from_structure(self) -> None:
        h = core.decode_tcp_header_struct(SYNACK)
        self.assertEqual(mptcp.encode_tcp_header(h), SYNACK)

    def round_trip(self, header: dict) -> None:
        wire = mptcp.encode_tcp_header(header)
        self.assertEqual(len(wire) % 4, 0)
        decoded = mptcp.decode_tcp_header(wire)
        for key, value in header.items():
            self.assertEqual(decoded[key], value, key)
        self.assertEqual(decoded["hdr_len"], len(wire))
        self.assertEqual(decoded["n_unknown"], 0)
        # And the canonical layout is a fixed point.
        self.assertEqual(mptcp.encode_tcp_header(decoded), wire)

    def test_round_trips(self) -> None:
        base = {"sport": 40000, "dport": 5001, "seq": 0xFFFFFFFF,
                "ack": 0x80000000, "flags": core.TH_ACK, "window": 502,
                "csum": 0x1234, "urg_ptr": 0}
        options = [
            {},
            {"mss": 1400, "sack_perm": True, "timestamp": (1, 2),
             "wscale": 14},
            {"mss": 536},
            {"sack": [(1, 2)]},
            {"sack": [(1, 2), (3, 4), (5, 6)], "timestamp": (9, 9)},
            {"sack": [(1, 2), (3, 4), (5, 6), (7, 8)]},
            {"mp_capable": {"len": 4, "version": 1, "flags": 0x81}},
            {"mp_capable": {"len": 12, "version": 1, "flags": 0x01,
                            "sender_key": KEYS[3]}},
            {"mp_capable": {"len": 20, "version": 1, "flags": 0x01,
                            "sender_key": KEYS[3], "receiver_key": KEYS[4]}},
            {"mp_capable": {"len": 22, "version": 1, "flags": 0x01,
                            "sender_key": KEYS[3], "receiver_key": KEYS[4],
                            "data_len": 1000}},
            {"mp_capable": {"len": 24, "version": 1, "flags": 0x81,
                            "sender_key": KEYS[3], "receiver_key": KEYS[4],
                            "data_len": 1000, "csum": 0xABCD}},
            {"mp_join": {"len": 12, "backup": 1, "addr_id": 3,
                         "token": 0xAF77FFDA, "nonce": 0x3C4D5E6F}},
            {"mp_join": {"len": 16, "backup": 0, "addr_id": 0,
                         "thmac": 0xDBA8D6A1E3E41F4F, "nonce": 7}},
            {"mp_join": {"len": 24, "hmac": bytes(range(20))},
             "timestamp": (3, 4)},
            {"dss": {"flags": core.DSS_ACK, "data_ack": 0x12345678}},
            {"dss": {"flags": core.DSS_ACK | core.DSS_ACK8,
                     "data_ack": 0x123456789ABCDEF0}},
            {"dss": {"flags": core.DSS_MAP, "dsn": 0x1234, "ssn": 1,
                     "dll": 100, "has_csum": 0}},
            {"dss": {"flags": core.DSS_MAP | core.DSS_DSN8 | core.DSS_ACK,
                     "data_ack": 5, "dsn": 0x1122334455667788, "ssn": 1,
                     "dll": 1460, "has_csum": 1, "csum": 0xFFFF}},
            {"dss": {"flags": core.DSS_MAP | core.DSS_DATA_FIN, "dsn": 9,
                     "ssn": 0, "dll": 1, "has_csum": 0}},
            {"add_addr": {"echo": 0, "addr_id": 2, "family": 4,
                          "address": "10.0.0.2", "port": None,
                          "thmac": 0x0102030405060708}},
            {"add_addr": {"echo": 0, "addr_id": 2, "family": 4,
                          "address": "10.0.0.2", "port": 5001,
                          "thmac": 0x0102030405060708}},
            {"add_addr": {"echo": 0, "addr_id": 9, "family": 6,
                          "address": "2001:db8::9", "port": None,
                          "thmac": 42}},
            {"add_addr": {"echo": 0, "addr_id": 9, "family": 6,
                          "address": "2001:db8::9", "port": 443,
                          "thmac": 42}},
            {"add_addr": {"echo": 1, "addr_id": 2, "family": 4,
                          "address": "10.0.0.2", "port": None}},
            {"add_addr": {"echo": 1, "addr_id": 9, "family": 6,
                          "address": "2001:db8::9", "port": 80}},
            {"remove_addr": [1]},
            {"remove_addr": [1, 2, 3, 200]},
            {"mp_prio": {"backup": 1}},
            {"mp_prio": {"backup": 0}},
            {"mp_fail": {"dsn": 0xFEDCBA9876543210}},
            {"mp_fastclose": {"key": KEYS[4]}},
            {"mp_tcprst": {"flags": 1, "reason": 6}},
            {"dss": {"flags": core.DSS_ACK, "data_ack": 1},
             "mp_prio": {"backup": 1}, "remove_addr": [4]},
        ]
        for opts in options:
            with self.subTest(opts=opts):
                self.round_trip({**base, **opts})

    def test_decode_skips_unknown_options(self) -> None:
        # Kind 254 (experimental, length 4) and MPTCP subtype 0xe (unknown).
        opts = bytes([254, 4, 0xAA, 0xBB, 30, 4, 0xE0, 0, 2, 4, 5, 0xB4])
        d = mptcp.decode_tcp_header(tcp_fixed(1, 2, 3, 4, opts, 0x02))
        self.assertEqual(d["n_unknown"], 2)
        self.assertEqual(d["mss"], 1460)

    def test_encode_errors(self) -> None:
        too_much = {"mss": 1460, "timestamp": (1, 2), "wscale": 7,
                    "sack_perm": True,
                    "sack": [(1, 2), (3, 4), (5, 6), (7, 8)]}
        with self.assertRaises(MptcpError) as cm:
            mptcp.encode_tcp_header(too_much)
        self.assertEqual(cm.exception.name, "MPTCP_ERR_OPT_SPACE")
        self.assertEqual(cm.exception.code, core.ERRORS["MPTCP_ERR_OPT_SPACE"])
        with self.assertRaises(MptcpError) as cm:
            mptcp.encode_tcp_header({"mp_capable": {"len": 13}})
        self.assertEqual(cm.exception.name, "MPTCP_ERR_INVALID_ARGUMENT")
        with self.assertRaises(ValueError):
            mptcp.encode_tcp_header({"no_such_field": 1})


class TestMalformed(unittest.TestCase):
    def expect(self, data: bytes, name: str) -> None:
        with self.assertRaises(MptcpError) as cm:
            mptcp.decode_tcp_header(data)
        err = cm.exception
        self.assertEqual(err.name, name)
        self.assertEqual(err.code, core.ERRORS[name])
        self.assertEqual(err.message, mptcp.strerror(err.code))
        self.assertIn(name, str(err))

    def with_opts(self, opts: bytes) -> bytes:
        return tcp_fixed(1, 2, 3, 4, opts, 0x10)

    def test_truncated_header(self) -> None:
        for n in range(20):
            with self.subTest(n=n):
                self.expect(SYNACK[:n], "MPTCP_ERR_HDR_TRUNCATED")

    def test_bad_data_offset(self) -> None:
        low = bytearray(SYNACK)
        low[12] = 4 << 4
        self.expect(bytes(low), "MPTCP_ERR_HDR_DOFF")
        self.expect(SYNACK[:40], "MPTCP_ERR_HDR_DOFF")

    def test_option_errors(self) -> None:
        cases = [
            (bytes([2, 4, 5, 0xB4, 2, 4, 5, 0xB4]), "MPTCP_ERR_OPT_DUPLICATE"),
            (bytes([1, 1, 1, 2]), "MPTCP_ERR_OPT_TRUNCATED"),
            (bytes([1, 1, 8, 20]), "MPTCP_ERR_OPT_TRUNCATED"),
            (bytes([254, 1, 0, 0]), "MPTCP_ERR_OPT_LEN"),
            (bytes([2, 3, 5, 0]), "MPTCP_ERR_MSS_LEN"),
            (bytes([3, 4, 7, 0]), "MPTCP_ERR_WSCALE_LEN"),
            (bytes([4, 3, 0, 0]), "MPTCP_ERR_SACKPERM_LEN"),
            (bytes([5, 6, 0, 0, 0, 1, 0, 0]), "MPTCP_ERR_SACK_LEN"),
            (bytes([8, 8, 0, 0, 0, 1, 0, 0]), "MPTCP_ERR_TS_LEN"),
            (bytes([30, 2, 0, 0]), "MPTCP_ERR_MPTCP_LEN"),
            (bytes([30, 5, 0x01, 0x01, 0, 0, 0, 0]),
             "MPTCP_ERR_MP_CAPABLE_LEN"),
            (bytes([30, 8, 0x10, 0, 0, 0, 0, 0]), "MPTCP_ERR_MP_JOIN_LEN"),
            (bytes([30, 8, 0x20, 0x03, 0, 0, 0, 0]), "MPTCP_ERR_DSS_LEN"),
            (bytes([30, 4, 0x20, 0x10]), "MPTCP_ERR_DSS_FLAGS"),
            (bytes([30, 9, 0x30, 1] + [0] * 8), "MPTCP_ERR_ADD_ADDR_LEN"),
            (bytes([30, 3, 0x40, 0]), "MPTCP_ERR_REMOVE_ADDR_LEN"),
            (bytes([30, 4, 0x50, 0]), "MPTCP_ERR_MP_PRIO_LEN"),
            (bytes([30, 8, 0x60, 0, 0, 0, 0, 0]), "MPTCP_ERR_MP_FAIL_LEN"),
            (bytes([30, 8, 0x70, 0, 0, 0, 0, 0]),
             "MPTCP_ERR_MP_FASTCLOSE_LEN"),
            (bytes([30, 8, 0x80, 0, 0, 0, 0, 0]), "MPTCP_ERR_MP_TCPRST_LEN"),
        ]
        for opts, name in cases:
            with self.subTest(name=name, opts=opts.hex()):
                self.expect(self.with_opts(opts), name)

    def test_garbage_never_crashes(self) -> None:
        # Deterministic pseudo-random headers: each decodes or raises
        # MptcpError with a known name.
        state = 0x12345678
        names = set(core.ERRORS)
        for _ in range(2000):
            out = bytearray()
            for _ in range(60):
                state = (state * 1103515245 + 12345) & 0x7FFFFFFF
                out.append(state >> 16 & 0xFF)
            out[12] = (out[12] & 0x0F) | (15 << 4)
            for i in range(20, 60, 7):
                if out[i] % 3 == 0:
                    out[i] = 30
            try:
                mptcp.decode_tcp_header(bytes(out))
            except MptcpError as exc:
                self.assertIn(exc.name, names)


class TestErrors(unittest.TestCase):
    def test_every_code_has_a_name_and_message(self) -> None:
        for name, code in core.ERRORS.items():
            with self.subTest(name=name):
                self.assertEqual(mptcp.strerror_name(code), name)
                self.assertNotEqual(mptcp.strerror(code), "unknown error")

    def test_unknown_code(self) -> None:
        self.assertEqual(mptcp.strerror(-9999), "unknown error")
        self.assertEqual(mptcp.strerror_name(-9999), "MPTCP_ERR_UNKNOWN")

    def test_error_attributes(self) -> None:
        err = MptcpError(-210, "MPTCP_ERR_HDR_TRUNCATED", "short")
        self.assertEqual((err.code, err.name, err.message),
                         (-210, "MPTCP_ERR_HDR_TRUNCATED", "short"))

    def test_missing_library_message(self) -> None:
        env = dict(os.environ, MPTCP_CORE_LIB="/nonexistent/libmptcp-core.so")
        proc = subprocess.run(
            [sys.executable, "-c",
             "import mptcp\n"
             "try:\n    mptcp.key_token_idsn(1)\n"
             "except mptcp.MptcpLibraryNotFound as e:\n    print(e)\n"],
            capture_output=True, text=True, env=env, timeout=60)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("mptcp-core-shared", proc.stdout)


class TestBackend(unittest.TestCase):
    def test_backend_is_the_one_asked_for(self) -> None:
        asked = os.environ.get("MPTCP_BACKEND", "auto")
        got = core.backend()
        if asked == "auto":
            self.assertIn(got, ("cppyy", "ctypes"))
        else:
            self.assertEqual(got, asked)

    def test_unknown_backend(self) -> None:
        with self.assertRaises(ValueError):
            core.use_backend("swig")
        env = dict(os.environ, MPTCP_BACKEND="swig")
        proc = subprocess.run(
            [sys.executable, "-c", "import mptcp\nmptcp.key_token_idsn(1)"],
            capture_output=True, text=True, env=env, timeout=120)
        self.assertNotEqual(proc.returncode, 0)
        self.assertIn("MPTCP_BACKEND='swig'", proc.stderr)

    def test_cppyy_missing_is_clear(self) -> None:
        from mptcp import _cppyy
        if _cppyy.available():
            self.skipTest("this Python has cppyy")
        env = dict(os.environ, MPTCP_BACKEND="cppyy")
        proc = subprocess.run(
            [sys.executable, "-c",
             "import mptcp\nfrom mptcp.sansio import CppyyMissing\n"
             "try:\n    mptcp.key_token_idsn(1)\n"
             "except CppyyMissing as e:\n    print(e)\n"],
            capture_output=True, text=True, env=env, timeout=120)
        self.assertEqual(proc.returncode, 0, proc.stderr)
        self.assertIn("install-deps.sh", proc.stdout)
        self.assertIn("MPTCP_BACKEND=ctypes", proc.stdout)

    def test_structure_of_the_other_backend_is_refused(self) -> None:
        with self.assertRaises(TypeError):
            mptcp.encode_tcp_header(object())  # type: ignore[arg-type]
        if core.backend() == "cppyy":
            with self.assertRaises(TypeError):
                mptcp.encode_tcp_header(core.TcpHeader())


class TestLayout(unittest.TestCase):
    TYPES = {
        "mptcp_sack_block": core.SackBlock,
        "mptcp_opt_mp_capable": core.OptMpCapable,
        "mptcp_opt_mp_join": core.OptMpJoin,
        "mptcp_opt_dss": core.OptDss,
        "mptcp_opt_add_addr": core.OptAddAddr,
        "mptcp_opt_remove_addr": core.OptRemoveAddr,
        "mptcp_opt_mp_prio": core.OptMpPrio,
        "mptcp_opt_mp_fail": core.OptMpFail,
        "mptcp_opt_mp_fastclose": core.OptMpFastclose,
        "mptcp_opt_mp_tcprst": core.OptMpTcprst,
        "mptcp_tcphdr": core.TcpHeader,
    }

    def test_ctypes_layout_matches_c(self) -> None:
        exe = os.environ.get("MPTCP_STRUCT_LAYOUT")
        if not exe:
            self.skipTest("MPTCP_STRUCT_LAYOUT not set (ctest sets it)")
        # The helper is a normal executable with its own sanitizer runtime
        # (if any); the preload meant for the interpreter must not reach it.
        env = {k: v for k, v in os.environ.items() if k != "LD_PRELOAD"}
        proc = subprocess.run([exe], capture_output=True, text=True,
                              env=env, timeout=60)
        self.assertEqual(proc.returncode, 0,
                         f"{exe} failed: {proc.stderr}")
        out = proc.stdout
        fields_seen: dict[str, set[str]] = {t: set() for t in self.TYPES}
        for line in out.splitlines():
            what, value = line.split()
            kind, name = what.split(":")
            if kind == "sizeof":
                self.assertEqual(ctypes.sizeof(self.TYPES[name]), int(value),
                                 f"sizeof({name})")
            else:
                tname, field = name.split(".")
                cls = self.TYPES[tname]
                self.assertEqual(getattr(cls, field).offset, int(value),
                                 f"offsetof({tname}, {field})")
                fields_seen[tname].add(field)
        for tname, cls in self.TYPES.items():
            self.assertEqual(fields_seen[tname],
                             {f for f, _ in cls._fields_},
                             f"fields of {tname}")

    def test_known_sizes(self) -> None:
        # Independent of the helper: natural alignment on LP64/ILP32.
        self.assertEqual(ctypes.sizeof(core.OptMpCapable), 32)
        self.assertEqual(ctypes.sizeof(core.OptMpPrio), 1)
        self.assertEqual(ctypes.sizeof(core.OptRemoveAddr), 38)


if __name__ == "__main__":
    unittest.main()

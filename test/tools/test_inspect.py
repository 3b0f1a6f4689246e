# SPDX-License-Identifier: GPL-2.0-only
"""Smoke tests of mptcp-inspect against values computed here with Python's
own hashlib/hmac (an implementation independent of the core's nettle)."""
import hashlib
import hmac
import ipaddress
import os
import subprocess
import unittest

INSPECT = os.environ.get("MPTCP_INSPECT", "mptcp-inspect")


def run(*args):
    p = subprocess.run([INSPECT, *args], capture_output=True, text=True, timeout=30)
    fields = {}
    for line in p.stdout.splitlines():
        k, _, v = line.partition(": ")
        fields[k] = v
    return p.returncode, fields, p.stderr


def ones_complement(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    s = 0
    for i in range(0, len(data), 2):
        s += (data[i] << 8) | data[i + 1]
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


class InspectTest(unittest.TestCase):
    def test_key(self):
        for key in ("0000000000000000", "0123456789abcdef", "ffffffffffffffff", "8000000000000001"):
            rc, f, err = run("key", key)
            self.assertEqual(rc, 0, err)
            d = hashlib.sha256(bytes.fromhex(key)).digest()
            self.assertEqual(f["token"], d[:4].hex())
            self.assertEqual(f["idsn"], d[-8:].hex())

    def test_join_hmac(self):
        ka, kb, ra, rb = "0123456789abcdef", "fedcba9876543210", "11223344", "a1b2c3d4"
        rc, f, err = run("join-hmac", ka, kb, ra, rb)
        self.assertEqual(rc, 0, err)
        ha = hmac.new(bytes.fromhex(ka + kb), bytes.fromhex(ra + rb), hashlib.sha256).digest()
        hb = hmac.new(bytes.fromhex(kb + ka), bytes.fromhex(rb + ra), hashlib.sha256).digest()
        self.assertEqual(f["hmac_a"], ha[:20].hex())
        self.assertEqual(f["hmac_b"], hb[:8].hex())

    def test_add_addr_hmac(self):
        sk, rk = "0102030405060708", "1112131415161718"
        for addr, port in (("10.0.0.2", None), ("10.0.0.2", 8080), ("2001:db8::7", 443)):
            args = ["add-addr-hmac", sk, rk, "5", addr] + ([str(port)] if port else [])
            rc, f, err = run(*args)
            self.assertEqual(rc, 0, err)
            msg = bytes([5]) + ipaddress.ip_address(addr).packed + (port or 0).to_bytes(2, "big")
            h = hmac.new(bytes.fromhex(sk + rk), msg, hashlib.sha256).digest()
            self.assertEqual(f["hmac"], h[-8:].hex())

    def test_dss_csum(self):
        dsn, ssn, payload = 0x0102030405060708, 1, bytes(range(1, 12))
        rc, f, err = run("dss-csum", str(dsn), str(ssn), str(len(payload)), payload.hex())
        self.assertEqual(rc, 0, err)
        ph = dsn.to_bytes(8, "big") + ssn.to_bytes(4, "big") + len(payload).to_bytes(2, "big") + b"\0\0"
        self.assertEqual(int(f["csum"], 16), ones_complement(ph + payload))

    def test_decode(self):
        # SYN/ACK with MP_CAPABLE carrying a key, 4 bytes of payload.
        hexbytes = "00010002000000010000000080121000000000001e0c01810102030405060708deadbeef"
        rc, f, err = run("decode", hexbytes)
        self.assertEqual(rc, 0, err)
        self.assertEqual(f["flags"], "0x12 (SYN,ACK)")
        self.assertEqual(f["mp_capable.sender_key"], "0102030405060708")
        self.assertEqual(f["mp_capable.version"], "1")
        self.assertEqual(f["payload_len"], "4")

    def test_bad_input(self):
        cases = [
            ("key", "zz"),
            ("key",),
            ("key", "0123456789abcdef00"),
            ("join-hmac", "0123456789abcdef", "x", "11223344", "11223344"),
            ("add-addr-hmac", "0102030405060708", "1112131415161718", "300", "10.0.0.1"),
            ("add-addr-hmac", "0102030405060708", "1112131415161718", "1", "10.0.0.300"),
            ("add-addr-hmac", "0102030405060708", "1112131415161718", "1", "10.0.0.1", "70000"),
            ("dss-csum", "-1", "1", "1", "00"),
            ("dss-csum", "1", "1", "1", "0g"),
            ("dss-csum", "1", "1", "5", "0102030405060708"),
            ("dss-csum", "1", "1", "0", "01"),
            ("dss-csum", "1", "1", "3", "0102"),
            ("decode", "00"),
            ("decode", "0001000200000001000000008012100000000000" "1e0d0181"),
            ("nosuchcommand",),
            (),
        ]
        for args in cases:
            with self.subTest(args=args):
                rc, f, err = run(*args)
                self.assertEqual(rc, 2)
                self.assertTrue(err.strip(), "no message on stderr")
                self.assertNotIn("Traceback", err)

    def test_dss_csum_without_payload(self):
        # '-': the pseudo-header alone, whatever the DLL (virtual payload)
        rc, f, err = run("dss-csum", "1", "2", "1400", "-")
        self.assertEqual(rc, 0, err)
        self.assertEqual(f["payload_len"], "0")
        ph = (1).to_bytes(8, "big") + (2).to_bytes(4, "big") + (1400).to_bytes(2, "big") + b"\0\0"
        self.assertEqual(int(f["csum"], 16), ones_complement(ph))

    def test_output_write_error(self):
        # output that cannot be written is an error, not a silent exit 0
        if not os.path.exists("/dev/full"):
            self.skipTest("no /dev/full")
        for args in (("key", "0123456789abcdef"), ("--help",), ("--version",)):
            with self.subTest(args=args), open("/dev/full", "w") as full:
                p = subprocess.run([INSPECT, *args], stdout=full, stderr=subprocess.PIPE,
                                   text=True, timeout=30)
                self.assertEqual(p.returncode, 1)
                self.assertIn("writing standard output failed", p.stderr)


if __name__ == "__main__":
    unittest.main()

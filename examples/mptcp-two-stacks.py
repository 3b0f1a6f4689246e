#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Two of the core's stacks in a Python host loop (mptcp.sansio, cppyy).

The stacks never read a clock or a socket. The loop (sansio.Wire.run)
passes the time in, carries each segment a stack writes to the other one
after a fixed delay, and runs a stack's timers when they fall due; the
application code below only sends and receives. Run with the Python that
has cppyy (scripts/install-deps.sh makes .venv/):

    PYTHONPATH=scripts .venv/bin/python examples/mptcp-two-stacks.py [--bytes N]
"""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "scripts"))
from mptcp import sansio  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--bytes", type=int, default=1 << 20, help="bytes from A to B")
    ap.add_argument("--subflows", type=int, default=2, help="A's subflows (ndiffports)")
    ap.add_argument("--delay-ms", type=float, default=5.0, help="one-way delay")
    a_args = ap.parse_args()
    if a_args.bytes < 1 or not 1 <= a_args.subflows <= 8 or a_args.delay_ms < 0:
        ap.error("--bytes >= 1, --subflows 1..8, --delay-ms >= 0")

    a = sansio.Stack({"pm": "ndiffports", "subflows": a_args.subflows}, seed=1)
    b = sansio.Stack(seed=2)
    b.listen(sansio.addr("10.0.0.2", 80))
    wire = sansio.Wire(delay_ns=int(a_args.delay_ms * 1e6))
    wire.attach(a, "10.0.0.1")
    wire.attach(b, "10.0.0.2")
    conn = a.connect(sansio.addr("10.0.0.1", 40000), sansio.addr("10.0.0.2", 80))

    data = bytes(i % 251 for i in range(a_args.bytes))
    sent, got = 0, bytearray()

    def app(now):  # runs after every event of the loop
        nonlocal sent
        if sent < len(data):
            sent += conn.send(data[sent:sent + 65536], now)
            if sent == len(data):
                conn.shutdown(now)  # DATA_FIN after the last byte
        for c in b.accepted:
            while chunk := c.recv(65536, now):
                got.extend(chunk)
        return b.accepted and b.accepted[0].peer_closed()  # A's DATA_FIN came

    wire.run(120 * 10**9, app)
    ok = bytes(got) == data
    print(f"{len(got)} bytes A->B, {'verified' if ok else 'MISMATCH'}; "
          f"{conn.subflow_count()} subflows, MPTCP: {conn.is_mptcp()}; "
          f"{wire.delivered} segments; {wire.now / 1e9:.1f} s of virtual time")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

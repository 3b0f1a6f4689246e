# SPDX-License-Identifier: GPL-2.0-only
"""The Linux side of the interop suite: an MPTCP socket of the kernel
(IPPROTO_MPTCP) as client or server. It sends --bytes of the byte pattern
(offset i carries i mod 251), half-closes, reads until the peer's FIN and
checks that it read the same pattern. Prints one JSON line; exit 0 when
the exchange verified."""
import argparse
import json
import socket
import subprocess
import sys
import threading
import time

PATTERN_MOD = 251
IPPROTO_MPTCP = getattr(socket, "IPPROTO_MPTCP", 262)
SOL_MPTCP = 284
MPTCP_INFO = 1


def pattern(offset, length):
    start = offset % PATTERN_MOD
    reps = (start + length) // PATTERN_MOD + 1
    block = bytes(range(PATTERN_MOD)) * reps
    return block[start:start + length]


def msk_state(sock):
    """The kernel's own view of this connection: the state of its MPTCP
    socket as `ss -Mn` lists it (ESTAB, FIN-WAIT-1, FIN-WAIT-2, CLOSE-WAIT,
    LAST-ACK, ...), or None when the kernel lists none (closed)."""
    try:
        local = sock.getsockname()
        peer = sock.getpeername()
    except OSError:
        return None
    out = subprocess.run(["ss", "-Mn"], capture_output=True, text=True).stdout
    lport, pport = ":%d" % local[1], ":%d" % peer[1]
    for line in out.splitlines()[1:]:
        # State Recv-Q Send-Q Local Peer (MPTCP sockets only: no Netid)
        f = line.split()
        if len(f) >= 5 and f[3].endswith(lport) and f[4].endswith(pport):
            return f[0]
    return None


def exchange(sock, nbytes, result, pace_bps=0, close_order="together"):
    peer_fin = threading.Event()

    def sender():
        off = 0
        t0 = time.monotonic()
        try:
            while off < nbytes:
                chunk = pattern(off, min(16384 if pace_bps else 65536, nbytes - off))
                sock.sendall(chunk)
                off += len(chunk)
                if pace_bps:  # hold the sending rate at pace_bps
                    ahead = off * 8 / pace_bps - (time.monotonic() - t0)
                    if ahead > 0:
                        time.sleep(ahead)
            if close_order == "kernel-last":
                # the peer's DATA_FIN first: the kernel holds it (CLOSE-WAIT)
                peer_fin.wait()
                result["state_at_peer_fin"] = msk_state(sock)
            sock.shutdown(socket.SHUT_WR)
            if close_order == "kernel-first":
                # our DATA_FIN acknowledged at the data level while the peer
                # still sends: FIN-WAIT-2 (polled, as the DATA_ACK may lag)
                seen = []
                end = time.monotonic() + 5
                while time.monotonic() < end and not peer_fin.is_set():
                    st = msk_state(sock)
                    if st and (not seen or seen[-1] != st):
                        seen.append(st)
                    if st == "FIN-WAIT-2":
                        break
                    time.sleep(0.01)
                result["states_after_own_fin"] = seen
        except OSError as e:
            result["send_error"] = str(e)
        result["bytes_sent"] = off

    t = threading.Thread(target=sender)
    t.start()
    rcvd = 0
    mismatch = None
    try:
        while True:
            data = sock.recv(65536)
            if not data:
                result["peer_fin"] = True
                peer_fin.set()
                break
            if mismatch is None and data != pattern(rcvd, len(data)):
                want = pattern(rcvd, len(data))
                mismatch = rcvd + next(i for i in range(len(data)) if data[i] != want[i])
            rcvd += len(data)
    except OSError as e:
        result["recv_error"] = str(e)
    peer_fin.set()  # (on an error too: the sender does not wait for ever)
    t.join()
    if close_order != "together":
        # both DATA_FINs exchanged (and ours acknowledged, for a moment)
        time.sleep(0.2)
        result["state_after_both_fins"] = msk_state(sock)
    result["bytes_received"] = rcvd
    result["mismatch_offset"] = mismatch


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--role", choices=["client", "server"], required=True)
    p.add_argument("--addr", required=True, help="server: address to bind; client: server address")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--bind", help="client: local address")
    p.add_argument("--bytes", type=int, default=1 << 20)
    p.add_argument("--expect", type=int, default=None)
    p.add_argument("--tcp", action="store_true", help="plain TCP instead of MPTCP")
    p.add_argument("--timeout", type=float, default=30)
    p.add_argument("--pace", type=float, default=0,
                   help="send at most this many bit/s (0: as fast as possible)")
    p.add_argument("--close-order", choices=["together", "kernel-first", "kernel-last"],
                   default="together",
                   help="kernel-last: shut down only after the peer's DATA_FIN; "
                        "kernel-first: record the states after our own DATA_FIN "
                        "(the peer must wait for it)")
    p.add_argument("--linger", type=float, default=0.5,
                   help="seconds to keep the socket after the exchange (joins, ADD_ADDR)")
    a = p.parse_args()
    family = socket.AF_INET6 if ":" in a.addr else socket.AF_INET
    proto = socket.IPPROTO_TCP if a.tcp else IPPROTO_MPTCP
    result = {"role": a.role, "mptcp_socket": not a.tcp}
    t0 = time.monotonic()
    if a.role == "server":
        ls = socket.socket(family, socket.SOCK_STREAM, proto)
        ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        ls.bind((a.addr, a.port))
        ls.listen(4)
        ls.settimeout(a.timeout)
        print("listening", file=sys.stderr, flush=True)
        sock, peer = ls.accept()
        result["peer"] = peer[0]
    else:
        sock = socket.socket(family, socket.SOCK_STREAM, proto)
        if a.bind:
            sock.bind((a.bind, 0))
        sock.settimeout(a.timeout)
        sock.connect((a.addr, a.port))
    sock.settimeout(a.timeout)
    exchange(sock, a.bytes, result, a.pace, a.close_order)
    time.sleep(a.linger)
    try:
        info = sock.getsockopt(SOL_MPTCP, MPTCP_INFO, 256)
        # struct mptcp_info: subflows (u8), add_addr_signal, add_addr_accepted,
        # subflows_max, add_addr_signal_max, add_addr_accepted_max, ...
        result["mptcp_info_subflows"] = info[0] if info else None
        result["mptcp_info_add_addr_accepted"] = info[2] if info else None
        result["mptcp_fallback"] = False
    except OSError:
        result["mptcp_fallback"] = not a.tcp
    sock.close()
    expect = a.bytes if a.expect is None else a.expect
    result["wall_s"] = round(time.monotonic() - t0, 3)
    result["verified"] = (result.get("peer_fin", False) and result["mismatch_offset"] is None
                          and result["bytes_received"] == expect
                          and result.get("bytes_sent") == a.bytes)
    print(json.dumps(result), flush=True)
    return 0 if result["verified"] else 1


if __name__ == "__main__":
    sys.exit(main())

# SPDX-License-Identifier: GPL-2.0-only
"""Run by test_sansio.py in the Python that has cppyy (.venv/bin/python):
the checks that need cppyy, one JSON object on stdout."""
import hashlib
import json
import sys

from mptcp import core, sansio


def exchange(n):
    """Two stacks, MPTCP with two subflows (ndiffports), n bytes each way
    in the Python host loop (sansio.Wire), checked byte for byte."""
    a = sansio.Stack({"pm": "ndiffports", "subflows": 2, "cc": "lia"}, seed=1)
    b = sansio.Stack({}, seed=2)
    b.listen(sansio.addr("10.0.0.2", 80))
    wire = sansio.Wire(delay_ns=5_000_000)
    wire.attach(a, "10.0.0.1")
    wire.attach(b, "10.0.0.2")
    ca = a.connect(sansio.addr("10.0.0.1", 40000), sansio.addr("10.0.0.2", 80))
    data = {0: bytes(i % 251 for i in range(n)), 1: bytes((i * 7 + 3) % 256 for i in range(n))}
    sent = {0: 0, 1: 0}
    got = {0: bytearray(), 1: bytearray()}

    def step(now):
        ends = {0: ca, 1: b.accepted[0] if b.accepted else None}
        for side, c in ends.items():
            if c is None:
                continue
            if sent[side] < n:
                sent[side] += c.send(data[side][sent[side]:sent[side] + 65536], now)
                if sent[side] == n:
                    c.shutdown(now)
            while True:
                x = c.recv(65536, now)
                if not x:
                    break
                got[side].extend(x)  # received at this end

    wire.run(60_000_000_000, step)
    cb = b.accepted[0]
    return {"a_to_b_ok": bytes(got[1]) == data[0], "b_to_a_ok": bytes(got[0]) == data[1],
            "a_to_b": len(got[1]), "b_to_a": len(got[0]),
            "subflows_a": ca.subflow_count(), "subflows_b": cb.subflow_count(),
            "mptcp": ca.is_mptcp() and cb.is_mptcp(),
            "peer_closed": ca.peer_closed() and cb.peer_closed(),
            "join_ok_b": b.counter("MPTcpExtMPJoinOk"), "segments": wire.delivered,
            "virtual_s": wire.now / 1e9}


def codec_and_crypto():
    """The same C functions through cppyy and through the ctypes bindings
    (mptcp.core), and against hashlib."""
    g = sansio.load()
    problems = []
    core.use_backend("ctypes")
    for key in (0, 1, 0xFFFFFFFFFFFFFFFF, 0x0123456789ABCDEF, 0x8000000000000000):
        token = g.std.vector["uint32_t"](1)
        idsn = g.std.vector["uint64_t"](1)
        g.mptcp_key_token_idsn(key, token.data(), idsn.data())
        digest = hashlib.sha256(key.to_bytes(8, "big")).digest()
        want = (int.from_bytes(digest[:4], "big"), int.from_bytes(digest[-8:], "big"))
        if (token[0], idsn[0]) != want or core.key_token_idsn(key) != want:
            problems.append(f"key {key:#x}: {(token[0], idsn[0])} != {want}")
    # a segment encoded by ctypes, decoded by cppyy, and back
    hdr = core.TcpHeader(sport=40000, dport=80, seq=123456789, ack=987654321,
                         flags=core.TH_ACK, window=65535)
    wire = core.encode_tcp_header(hdr)
    th = g.mptcp_tcphdr()
    buf = bytearray(wire)
    n = g.mptcp_tcphdr_decode(th, buf, len(buf))
    if n != len(wire) or (th.sport, th.dport, th.seq, th.ack, th.flags, th.window) != (
            40000, 80, 123456789, 987654321, core.TH_ACK, 65535):
        problems.append(f"decode: {n} {th.sport} {th.seq}")
    out = bytearray(core.TCP_HDR_MAX)
    m = g.mptcp_tcphdr_encode(out, len(out), th)
    if bytes(out[:m]) != wire:
        problems.append("encode: cppyy and ctypes disagree")
    problems += backends_agree()
    return problems


def backends_agree():
    """mptcp.core's one API on its two backends: the same answer (a dict,
    or the same error) for 3000 pseudo-random headers, and the same bytes
    when each re-encodes its own decoding."""
    answers = {}
    for name in ("ctypes", "cppyy"):
        core.use_backend(name)
        state, out = 0x2468ACE, []
        for _ in range(3000):
            raw = bytearray()
            for _ in range(60):
                state = (state * 1103515245 + 12345) & 0x7FFFFFFF
                raw.append(state >> 16 & 0xFF)
            raw[12] = (raw[12] & 0x0F) | ((5 + raw[13] % 11) << 4)
            for i in range(20, 60, 5):
                if raw[i] % 2 == 0:
                    raw[i] = 30
            try:
                d = core.decode_tcp_header(bytes(raw))
                try:
                    out.append((d, core.encode_tcp_header(d)))
                except core.MptcpError as e:
                    out.append((d, e.name))
            except core.MptcpError as e:
                out.append(e.name)
        answers[name] = out
    decoded = sum(isinstance(a, tuple) for a in answers["ctypes"])
    if answers["ctypes"] != answers["cppyy"]:
        first = next(i for i, (x, y) in enumerate(zip(answers["ctypes"], answers["cppyy"]))
                     if x != y)
        return [f"backends disagree at header {first}: {answers['ctypes'][first]} "
                f"!= {answers['cppyy'][first]}"]
    if decoded < 250:
        return [f"only {decoded} of 3000 headers decoded: the comparison is too thin"]
    return []


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1 << 20
    result = exchange(n)
    result["codec_problems"] = codec_and_crypto()
    print(json.dumps(result))


if __name__ == "__main__":
    main()

# SPDX-License-Identifier: GPL-2.0-only
"""The core's stacks from Python, through cppyy: the sans-IO contract at work.

A :class:`Stack` is one host's MPTCP/TCP stack (``mptcp_stack``). It never
reads a clock or a socket: the caller passes the time (ns) in, hands it the
segments that arrive (:meth:`Stack.read`), takes the segments it has to
send (:meth:`Stack.write`), and runs its timers when they fall due
(:meth:`Stack.expiry`, :meth:`Stack.handle_expiry`). Applications use
:class:`Conn` (send, recv, shutdown). :class:`Wire` is the smallest host
loop: two stacks, a fixed one-way delay, nothing lost.

cppyy reads ``mptcp/mptcp.h`` and loads ``libmptcp-core.so`` (found as
:mod:`mptcp.core` finds it); every C call and structure of the header is
then reachable as ``load().<name>``. cppyy is not in the standard library:
``scripts/install-deps.sh`` puts it in ``.venv/`` (pinned); without it
:func:`load` raises :class:`CppyyMissing` saying so, and the rest of the
``mptcp`` package (codec, crypto, results) keeps working through ctypes.

Caveats: ``import cppyy`` and reading the header take about half a second;
the random hook and the callbacks are Python functions called from C,
which costs microseconds per call (a stack draws random bytes only for
keys, nonces and initial sequence numbers).
"""

from __future__ import annotations

import heapq
import ipaddress
import random
from typing import Callable, Optional

from . import _cppyy, core
from ._cppyy import CppyyMissing

__all__ = ["CppyyMissing", "load", "addr", "Stack", "Conn", "Wire"]

_gbl = None


def load():
    """cppyy's global namespace with the core's header and library loaded
    (shared with mptcp.core's cppyy backend), and this module's helpers."""
    global _gbl
    if _gbl is not None:
        return _gbl
    g = _cppyy.gbl()
    import cppyy  # noqa: PLC0415 (imported by _cppyy.gbl() already)

    # out-parameters (T **) returned as values, and a pointer's address
    cppyy.cppdef("""
#include <set>
#include <string>
namespace mptcp_py {
struct stack_result { mptcp_stack *stack; int rc; };
inline stack_result stack_new(const mptcp_config *cfg, mptcp_rand_fn rand,
                              const mptcp_callbacks *cb) {
  stack_result r{nullptr, 0};
  r.rc = mptcp_stack_new(&r.stack, cfg, nullptr, rand, cb, nullptr);
  return r;
}
struct conn_result { mptcp_conn *conn; int rc; };
inline conn_result connect(mptcp_stack *s, const mptcp_addr *l, const mptcp_addr *r,
                           uint64_t now) {
  conn_result x{nullptr, 0};
  x.rc = mptcp_connect(s, &x.conn, l, r, nullptr, nullptr, now);
  return x;
}
inline unsigned long long address(const void *p) { return (unsigned long long)p; }
// a string field of mptcp_config (cc, tcp_cc, pm, scheduler): the value is
// kept for the life of the process
inline const char *intern(const std::string &v) {
  static std::set<std::string> kept;
  return kept.insert(v).first->c_str();
}
inline bool config_set_string(mptcp_config *c, const std::string &name, const std::string &v) {
  if (name == "cc") c->cc = intern(v);
  else if (name == "tcp_cc") c->tcp_cc = intern(v);
  else if (name == "pm") c->pm = intern(v);
  else if (name == "scheduler") c->scheduler = intern(v);
  else return false;
  return true;
}
}
""")
    _gbl = g
    return _gbl


def addr(ip: str, port: int = 0):
    """An ``mptcp_addr`` for an IPv4 or IPv6 address and a port."""
    g = load()
    a = g.mptcp_addr()
    ipa = ipaddress.ip_address(ip)
    a.family = 4 if ipa.version == 4 else 6
    for i, b in enumerate(ipa.packed):
        a.ip[i] = b
    a.port = port
    return a


def _addr_str(a) -> str:
    n = 4 if a.family == 4 else 16
    return str(ipaddress.ip_address(bytes(a.ip[i] for i in range(n))))


def _check(rc: int, what: str) -> int:
    if rc < 0:
        raise core.MptcpError(rc, core.strerror_name(rc), f"{what}: {core.strerror(rc)}")
    return rc


class Conn:
    """One connection of a stack (``mptcp_conn``)."""

    def __init__(self, stack: "Stack", ptr):
        self.stack = stack
        self.ptr = ptr

    def send(self, data, now: int) -> int:
        """Queues bytes; returns how many the send buffer took."""
        buf = bytearray(data)
        if not buf:
            return 0
        return _check(int(load().mptcp_conn_send(self.ptr, buf, len(buf), now)), "send")

    def recv(self, cap: int, now: int) -> bytes:
        """Up to `cap` in-order bytes (b"" when none)."""
        buf = bytearray(cap)
        n = _check(int(load().mptcp_conn_recv(self.ptr, buf, cap, now)), "recv")
        return bytes(buf[:n])

    def shutdown(self, now: int) -> None:
        _check(load().mptcp_conn_shutdown(self.ptr, now), "shutdown")

    def peer_closed(self) -> bool:
        return bool(load().mptcp_conn_peer_closed(self.ptr))

    def is_mptcp(self) -> bool:
        return bool(load().mptcp_conn_is_mptcp(self.ptr))

    def subflow_count(self) -> int:
        return int(load().mptcp_conn_subflow_count(self.ptr))


class Stack:
    """One host's stack. `config` sets fields of ``mptcp_config`` by name
    (e.g. ``{"pm": "ndiffports", "subflows": 2, "cc": "olia"}``); `seed`
    seeds its random hook (Python's Mersenne Twister: the same seed, the
    same run)."""

    def __init__(self, config: Optional[dict] = None, seed: int = 1):
        g = load()
        cfg = g.mptcp_config()
        g.mptcp_config_default(cfg)
        for name, value in (config or {}).items():
            if isinstance(value, str):
                if not g.mptcp_py.config_set_string(cfg, name, value):
                    raise ValueError(f"mptcp_config has no string field {name!r}")
            elif not hasattr(cfg, name):
                raise ValueError(f"mptcp_config has no field {name!r}")
            else:
                setattr(cfg, name, value)
        self._rng = random.Random(seed)
        self.accepted: list[Conn] = []
        self.on_readable: Optional[Callable[[Conn], None]] = None
        self._conns = {}

        def rand(dest, n, user):
            dest.reshape((n,))
            for i, b in enumerate(self._rng.randbytes(n)):
                dest[i] = b

        def accepted(c, user):
            conn = Conn(self, c)
            self._conns[int(g.mptcp_py.address(c))] = conn
            self.accepted.append(conn)

        self._rand = rand  # referenced for as long as C may call them
        self._accepted = accepted
        cb = g.mptcp_callbacks()
        cb.accepted = accepted
        self._cb = cb
        r = g.mptcp_py.stack_new(cfg, rand, cb)
        _check(r.rc, "mptcp_stack_new")
        self.ptr = r.stack

    def close(self) -> None:
        if self.ptr is not None:
            load().mptcp_stack_del(self.ptr)
            self.ptr = None

    def __del__(self):
        try:
            self.close()
        except Exception:  # noqa: BLE001 (interpreter shutting down)
            pass

    def listen(self, local) -> None:
        _check(load().mptcp_stack_listen(self.ptr, local), "listen")

    def add_address(self, a) -> None:
        _check(load().mptcp_stack_add_address(self.ptr, a), "add_address")

    def connect(self, local, remote, now: int = 0) -> Conn:
        g = load()
        r = g.mptcp_py.connect(self.ptr, local, remote, now)
        _check(r.rc, "connect")
        return Conn(self, r.conn)

    def read(self, src, dst, segment: bytes, now: int) -> None:
        """A segment arrives (header and payload as on the wire)."""
        buf = bytearray(segment)
        _check(load().mptcp_stack_read(self.ptr, src, dst, buf, len(buf), 0, now), "read")

    def write(self, now: int) -> list:
        """Every segment the stack has to send now: (src, dst, bytes)."""
        g = load()
        out = []
        buf = bytearray(core.TCP_HDR_MAX + 65536)
        seg = g.mptcp_segment()
        while _check(g.mptcp_stack_write(self.ptr, seg, buf, len(buf), now), "write") == 1:
            src, dst = g.mptcp_addr(seg.src), g.mptcp_addr(seg.dst)
            out.append((src, dst, bytes(buf[:seg.len])))
        return out

    def expiry(self) -> int:
        """When its next timer falls due (ns; a huge value: none)."""
        return int(load().mptcp_stack_get_expiry(self.ptr))

    def handle_expiry(self, now: int) -> None:
        _check(load().mptcp_stack_handle_expiry(self.ptr, now), "handle_expiry")

    def counter(self, name: str) -> int:
        g = load()
        i = 0
        while True:
            n = g.mptcp_counter_name(i)
            if not n:
                raise KeyError(name)
            if n == name:
                return int(g.mptcp_stack_counter(self.ptr, i))
            i += 1


class Wire:
    """The smallest host loop: stacks joined by links of one fixed one-way
    delay, in order, nothing lost. Segments are delivered to the stack that
    owns their destination address. Time is virtual: :meth:`run` jumps from
    one event (a delivery, a timer) to the next."""

    def __init__(self, delay_ns: int = 5_000_000):
        self.delay = delay_ns
        self.now = 0
        self.hosts: list[tuple[Stack, set]] = []
        self._q: list = []
        self._seq = 0
        self.delivered = 0

    def attach(self, stack: Stack, *ips: str) -> None:
        self.hosts.append((stack, set(ips)))

    def _owner(self, a) -> Optional[Stack]:
        ip = _addr_str(a)
        for s, ips in self.hosts:
            if ip in ips:
                return s
        return None

    def _flush(self) -> None:
        for s, _ in self.hosts:
            for src, dst, data in s.write(self.now):
                self._seq += 1
                heapq.heappush(self._q, (self.now + self.delay, self._seq, src, dst, data))

    def run(self, until_ns: int, step: Optional[Callable[[int], None]] = None) -> None:
        """Runs to `until_ns`; `step(now)` runs after each event
        (applications read and write there) and ends the run early by
        returning True."""
        self._flush()
        while True:
            t_seg = self._q[0][0] if self._q else None
            t_tmr = min(s.expiry() for s, _ in self.hosts)
            t = min(x for x in (t_seg, t_tmr, until_ns) if x is not None)
            if t >= until_ns:
                self.now = until_ns
                return
            self.now = t
            if t_seg is not None and t_seg == t:
                _, _, src, dst, data = heapq.heappop(self._q)
                s = self._owner(dst)
                if s is not None:
                    s.read(src, dst, data, t)
                    self.delivered += 1
            else:
                for s, _ in self.hosts:
                    if s.expiry() <= t:
                        s.handle_expiry(t)
            stop = step(t) if step else False
            self._flush()
            if stop:
                return

# SPDX-License-Identifier: GPL-2.0-only
"""The cppyy backend of :mod:`mptcp.core`, and the loader :mod:`mptcp.sansio`
shares.

cppyy parses ``mptcp/mptcp.h`` and calls ``libmptcp-core.so`` directly:
the structures are the header's own (no mirror to keep in step), byte
buffers are passed as ``bytearray``. The library is found as
:mod:`mptcp.core` finds it.
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
from pathlib import Path
from typing import Any

from . import core

_REPO = Path(__file__).resolve().parents[2]
_gbl: Any = None

CPPYY_PIN = "cppyy==3.5.0"


class CppyyMissing(ImportError):
    """cppyy is not installed in this Python."""


def available() -> bool:
    """Whether cppyy can be imported (without importing it)."""
    return importlib.util.find_spec("cppyy") is not None


def gbl() -> Any:
    """cppyy's global namespace with the core's header and library loaded,
    plus the small helpers of namespace ``mptcp_py``."""
    global _gbl
    if _gbl is not None:
        return _gbl
    try:
        import cppyy  # noqa: PLC0415 (optional dependency)
    except ImportError as e:
        raise CppyyMissing(
            f"this needs cppyy (pinned in scripts/install-deps.sh, which "
            f"installs it into .venv/): run `bash scripts/install-deps.sh` "
            f"and use .venv/bin/python, or `pip install {CPPYY_PIN}`. "
            f"Without it, MPTCP_BACKEND=ctypes (or auto) gives the codec "
            f"and crypto of mptcp.core through ctypes.") from e
    cppyy.add_include_path(str(_REPO / "model" / "core" / "include"))
    cppyy.include("mptcp/mptcp.h")
    lib = core.library_path()
    # mptcp.core loaded it with ctypes, privately (RTLD_LOCAL): make its
    # symbols global, where cppyy's interpreter looks them up
    ctypes.CDLL(lib, mode=os.RTLD_GLOBAL)
    cppyy.load_library(lib)
    cppyy.cppdef("""
namespace mptcp_py_codec {
// a header value-initialised: every field and option zero
inline mptcp_tcphdr tcphdr_zero() { return mptcp_tcphdr{}; }
}
""")
    _gbl = cppyy.gbl
    return _gbl


class Backend:
    """The C calls of :mod:`mptcp.core`, through cppyy."""

    name = "cppyy"

    def __init__(self) -> None:
        self.g = gbl()

    def strerror(self, code: int) -> str:
        return str(self.g.mptcp_strerror(code))

    def strerror_name(self, code: int) -> str:
        return str(self.g.mptcp_strerror_name(code))

    def key_token_idsn(self, key: int) -> tuple[int, int]:
        token, idsn = ctypes.c_uint32(), ctypes.c_uint64()
        self.g.mptcp_key_token_idsn(key, token, idsn)
        return token.value, idsn.value

    def join_hmac(self, own_key: int, peer_key: int, own_nonce: int,
                  peer_nonce: int) -> bytes:
        out = bytearray(core.HMAC_SHA256_LEN)
        self.g.mptcp_join_hmac(own_key, peer_key, own_nonce, peer_nonce, out)
        return bytes(out)

    def hmac_left64(self, mac: bytes) -> int:
        return int(self.g.mptcp_hmac_left64(bytearray(mac)))

    def add_addr_hmac(self, sender_key: int, receiver_key: int, addr_id: int,
                      family: int, packed: bytes, port: int) -> int:
        return int(self.g.mptcp_add_addr_hmac(
            sender_key, receiver_key, addr_id, family, bytearray(packed),
            port))

    def dss_csum(self, dsn: int, ssn: int, dll: int, payload: bytes) -> int:
        # a one-byte buffer for an empty payload, so the pointer is never NULL
        return int(self.g.mptcp_dss_csum(dsn, ssn, dll,
                                         bytearray(payload or b"\0"),
                                         len(payload)))

    def tcp_checksum(self, family: int, src: bytes, dst: bytes,
                     segment: bytes) -> int:
        fn = (self.g.mptcp_tcp_checksum_ipv4 if family == 4
              else self.g.mptcp_tcp_checksum_ipv6)
        return int(fn(bytearray(src), bytearray(dst),
                      bytearray(segment or b"\0"), len(segment)))

    def new_header(self) -> Any:
        return self.g.mptcp_py_codec.tcphdr_zero()

    def is_header(self, obj: Any) -> bool:
        return isinstance(obj, self.g.mptcp_tcphdr)

    def decode(self, h: Any, data: bytes) -> int:
        return int(self.g.mptcp_tcphdr_decode(h, bytearray(data or b"\0"),
                                              len(data)))

    def encode(self, h: Any) -> tuple[int, bytes]:
        buf = bytearray(core.TCP_HDR_MAX)
        rc = int(self.g.mptcp_tcphdr_encode(buf, core.TCP_HDR_MAX, h))
        return rc, bytes(buf[:max(rc, 0)])

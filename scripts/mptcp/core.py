# SPDX-License-Identifier: GPL-2.0-only
"""The MPTCP C core (libmptcp-core.so) from Python: keys, tokens, HMACs,
checksums and the TCP/MPTCP header codec.

One API, two backends, chosen at the first call:

- ``cppyy`` (the default when cppyy imports; ``scripts/install-deps.sh``
  puts it in ``.venv/``): cppyy reads ``mptcp/mptcp.h`` and calls the
  library directly, the way ns-3's own Python bindings work;
- ``ctypes`` (standard library only): the structures below mirror
  ``mptcp.h`` field for field, so that Python needs nothing installed.

``MPTCP_BACKEND=cppyy|ctypes|auto`` (default ``auto``: cppyy if it
imports, else ctypes) or :func:`use_backend` chooses; :func:`backend`
says which one is in use. ``MPTCP_BACKEND=cppyy`` without cppyy raises
:class:`mptcp.sansio.CppyyMissing` naming what to install. Both backends
return the same Python values (ints, bytes, dicts), and the binding tests
run against each.

The library is found, in order, at:

1. the path in the environment variable ``MPTCP_CORE_LIB``;
2. a CMake build directory of this repository: ``build/model/core/``,
   ``build*/model/core/`` or ``cmake-build-*/model/core/`` under the
   repository root, the ns-3 build tree when the module sits in
   ``contrib/mptcp``, and finally anywhere below ``build*/``;
3. the system library path (``ctypes.util.find_library("mptcp-core")``).

It is loaded on first use, so importing this module never fails; a missing
library raises :class:`MptcpLibraryNotFound` naming the CMake target to
build (``mptcp-core-shared``).

Functions that fail in C raise :class:`MptcpError` carrying the core's
error code, its symbolic name and its description.

The ctypes structures below mirror ``mptcp/mptcp.h`` field for field, in
order, so that ctypes computes the same natural-alignment layout as the C
compiler.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import glob
import ipaddress
import os
from pathlib import Path
from typing import Any, Mapping, Union

__all__ = [
    "MptcpError",
    "MptcpLibraryNotFound",
    "TcpHeader",
    "library_path",
    "key_token_idsn",
    "join_hmac",
    "hmac_left64",
    "add_addr_hmac",
    "dss_csum",
    "tcp_checksum_ipv4",
    "tcp_checksum_ipv6",
    "decode_tcp_header",
    "encode_tcp_header",
    "strerror",
    "strerror_name",
    "version",
    "backend",
    "use_backend",
]

# --------------------------------------------------------------------------
# Constants from mptcp.h
# --------------------------------------------------------------------------

#: Version string the bindings were written against (MPTCP_CORE_VERSION).
CORE_VERSION = "0.1.0"

TCP_HDR_MIN = 20
TCP_HDR_MAX = 60
HMAC_SHA256_LEN = 32
JOIN_HMAC_LEN = 20
MAX_SACK_BLOCKS = 4
MAX_RM_IDS = 37

TH_FIN = 0x01
TH_SYN = 0x02
TH_RST = 0x04
TH_PSH = 0x08
TH_ACK = 0x10
TH_URG = 0x20
TH_ECE = 0x40
TH_CWR = 0x80

MPC_LEN_SYN = 4
MPC_LEN_SYNACK = 12
MPC_LEN_ACK = 20
MPC_LEN_DATA = 22
MPC_LEN_DATA_CSUM = 24
MPC_FLAG_A = 0x80
MPC_FLAG_B = 0x40
MPC_FLAG_C = 0x20
MPC_FLAG_H = 0x01

JOIN_LEN_SYN = 12
JOIN_LEN_SYNACK = 16
JOIN_LEN_ACK = 24

DSS_DATA_FIN = 0x10
DSS_DSN8 = 0x08
DSS_MAP = 0x04
DSS_ACK8 = 0x02
DSS_ACK = 0x01

OPT_MSS = 1 << 0
OPT_WSCALE = 1 << 1
OPT_SACK_PERM = 1 << 2
OPT_SACK = 1 << 3
OPT_TIMESTAMP = 1 << 4
OPT_MP_CAPABLE = 1 << 8
OPT_MP_JOIN = 1 << 9
OPT_DSS = 1 << 10
OPT_ADD_ADDR = 1 << 11
OPT_REMOVE_ADDR = 1 << 12
OPT_MP_PRIO = 1 << 13
OPT_MP_FAIL = 1 << 14
OPT_MP_FASTCLOSE = 1 << 15
OPT_MP_TCPRST = 1 << 16

#: Error codes of enum mptcp_error, by symbolic name.
ERRORS: dict[str, int] = {
    "MPTCP_OK": 0,
    "MPTCP_ERR_INVALID_ARGUMENT": -201,
    "MPTCP_ERR_NOBUF": -202,
    "MPTCP_ERR_OPT_SPACE": -203,
    "MPTCP_ERR_HDR_TRUNCATED": -210,
    "MPTCP_ERR_HDR_DOFF": -211,
    "MPTCP_ERR_OPT_TRUNCATED": -220,
    "MPTCP_ERR_OPT_LEN": -221,
    "MPTCP_ERR_OPT_DUPLICATE": -222,
    "MPTCP_ERR_MSS_LEN": -230,
    "MPTCP_ERR_WSCALE_LEN": -231,
    "MPTCP_ERR_SACKPERM_LEN": -232,
    "MPTCP_ERR_SACK_LEN": -233,
    "MPTCP_ERR_TS_LEN": -234,
    "MPTCP_ERR_MPTCP_LEN": -240,
    "MPTCP_ERR_MP_CAPABLE_LEN": -241,
    "MPTCP_ERR_MP_JOIN_LEN": -242,
    "MPTCP_ERR_DSS_LEN": -243,
    "MPTCP_ERR_DSS_FLAGS": -244,
    "MPTCP_ERR_ADD_ADDR_LEN": -245,
    "MPTCP_ERR_REMOVE_ADDR_LEN": -246,
    "MPTCP_ERR_MP_PRIO_LEN": -247,
    "MPTCP_ERR_MP_FAIL_LEN": -248,
    "MPTCP_ERR_MP_FASTCLOSE_LEN": -249,
    "MPTCP_ERR_MP_TCPRST_LEN": -250,
    "MPTCP_ERR_PARSE": -260,
    "MPTCP_ERR_NOMEM": -300,
    "MPTCP_ERR_ADDR_IN_USE": -301,
    "MPTCP_ERR_STATE": -302,
    "MPTCP_ERR_UNKNOWN_ALGO": -303,
    "MPTCP_ERR_CONFIG": -304,
    "MPTCP_ERR_UNKNOWN_CC": -305,
    "MPTCP_ERR_UNKNOWN_SCHED": -306,
    "MPTCP_ERR_UNKNOWN_PM": -307,
}

# --------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------


class MptcpError(Exception):
    """A call into the core failed.

    Attributes:
        code: the negative error code (enum mptcp_error).
        name: its symbolic name, e.g. ``"MPTCP_ERR_HDR_TRUNCATED"``.
        message: the core's description of the error.
    """

    def __init__(self, code: int, name: str, message: str) -> None:
        super().__init__(code, name, message)
        self.code = code
        self.name = name
        self.message = message

    def __str__(self) -> str:
        return f"{self.name} ({self.code}): {self.message}"


class MptcpLibraryNotFound(OSError):
    """libmptcp-core.so could not be located or loaded."""


# --------------------------------------------------------------------------
# Structures (mirror mptcp.h exactly: same fields, same order, same types)
# --------------------------------------------------------------------------

_u8 = ctypes.c_uint8
_u16 = ctypes.c_uint16
_u32 = ctypes.c_uint32
_u64 = ctypes.c_uint64


class SackBlock(ctypes.Structure):
    """struct mptcp_sack_block."""

    _fields_ = [("left", _u32), ("right", _u32)]


class OptMpCapable(ctypes.Structure):
    """struct mptcp_opt_mp_capable."""

    _fields_ = [
        ("len", _u8),
        ("version", _u8),
        ("flags", _u8),
        ("sender_key", _u64),
        ("receiver_key", _u64),
        ("data_len", _u16),
        ("csum", _u16),
    ]


class OptMpJoin(ctypes.Structure):
    """struct mptcp_opt_mp_join."""

    _fields_ = [
        ("len", _u8),
        ("backup", _u8),
        ("addr_id", _u8),
        ("token", _u32),
        ("nonce", _u32),
        ("thmac", _u64),
        ("hmac", _u8 * JOIN_HMAC_LEN),
    ]


class OptDss(ctypes.Structure):
    """struct mptcp_opt_dss."""

    _fields_ = [
        ("flags", _u8),
        ("data_ack", _u64),
        ("dsn", _u64),
        ("ssn", _u32),
        ("dll", _u16),
        ("has_csum", _u8),
        ("csum", _u16),
    ]


class OptAddAddr(ctypes.Structure):
    """struct mptcp_opt_add_addr."""

    _fields_ = [
        ("echo", _u8),
        ("addr_id", _u8),
        ("family", _u8),
        ("has_port", _u8),
        ("port", _u16),
        ("addr", _u8 * 16),
        ("thmac", _u64),
    ]


class OptRemoveAddr(ctypes.Structure):
    """struct mptcp_opt_remove_addr."""

    _fields_ = [("n", _u8), ("ids", _u8 * MAX_RM_IDS)]


class OptMpPrio(ctypes.Structure):
    """struct mptcp_opt_mp_prio."""

    _fields_ = [("backup", _u8)]


class OptMpFail(ctypes.Structure):
    """struct mptcp_opt_mp_fail."""

    _fields_ = [("dsn", _u64)]


class OptMpFastclose(ctypes.Structure):
    """struct mptcp_opt_mp_fastclose."""

    _fields_ = [("key", _u64)]


class OptMpTcprst(ctypes.Structure):
    """struct mptcp_opt_mp_tcprst."""

    _fields_ = [("flags", _u8), ("reason", _u8)]


class TcpHeader(ctypes.Structure):
    """struct mptcp_tcphdr: a TCP header with its decoded options."""

    _fields_ = [
        ("sport", _u16),
        ("dport", _u16),
        ("seq", _u32),
        ("ack", _u32),
        ("hdr_len", _u8),
        ("flags", _u8),
        ("reserved", _u8),
        ("window", _u16),
        ("csum", _u16),
        ("urg_ptr", _u16),
        ("opts", _u32),
        ("n_unknown", _u8),
        ("mss", _u16),
        ("wscale", _u8),
        ("n_sack", _u8),
        ("sack", SackBlock * MAX_SACK_BLOCKS),
        ("ts_val", _u32),
        ("ts_ecr", _u32),
        ("mpc", OptMpCapable),
        ("join", OptMpJoin),
        ("dss", OptDss),
        ("add_addr", OptAddAddr),
        ("rm_addr", OptRemoveAddr),
        ("prio", OptMpPrio),
        ("fail", OptMpFail),
        ("fastclose", OptMpFastclose),
        ("tcprst", OptMpTcprst),
    ]


# --------------------------------------------------------------------------
# Loading the library
# --------------------------------------------------------------------------

_LIB_NAME = "libmptcp-core.so"
_lib: ctypes.CDLL | None = None
_lib_path: str | None = None


def _repo_root() -> Path:
    # scripts/mptcp/core.py -> the repository root is two levels above.
    return Path(__file__).resolve().parent.parent.parent


def _candidates() -> list[str]:
    """Library paths in build trees, most specific patterns first; the
    search stops at the first pattern that matches anything."""
    root = _repo_root()
    patterns = [
        root / "build" / "model" / "core" / _LIB_NAME,
        root / "build*" / "model" / "core" / _LIB_NAME,
        root / "cmake-build-*" / "model" / "core" / _LIB_NAME,
    ]
    if root.parent.name == "contrib":
        # Inside an ns-3 source tree as contrib/mptcp.
        ns3 = root.parent.parent
        patterns += [
            ns3 / "build" / "contrib" / "mptcp" / "model" / "core"
            / _LIB_NAME,
            ns3 / "cmake-cache" / "contrib" / "mptcp" / "model" / "core"
            / _LIB_NAME,
        ]
    patterns.append(root / "build*" / "**" / _LIB_NAME)
    for pattern in patterns:
        found = [m for m in sorted(glob.glob(str(pattern), recursive=True))
                 if os.path.isfile(m)]
        if found:
            return found
    return []


def _find_library() -> str:
    env = os.environ.get("MPTCP_CORE_LIB")
    if env:
        if not os.path.isfile(env):
            raise MptcpLibraryNotFound(
                f"MPTCP_CORE_LIB={env!r} does not name a file; build the "
                f"CMake target 'mptcp-core-shared' and point MPTCP_CORE_LIB "
                f"at the {_LIB_NAME} it produces")
        return env
    found = _candidates()
    if found:
        return found[0]
    system = ctypes.util.find_library("mptcp-core")
    if system:
        return system
    raise MptcpLibraryNotFound(
        f"{_LIB_NAME} not found. Build it with\n"
        f"  cmake -S {_repo_root()} -B {_repo_root() / 'build'} "
        f"-DMPTCP_WITH_NS3=OFF\n"
        f"  cmake --build {_repo_root() / 'build'} "
        f"--target mptcp-core-shared\n"
        f"or set MPTCP_CORE_LIB to the path of {_LIB_NAME}.")


def _declare(lib: ctypes.CDLL) -> None:
    c_u8p = ctypes.POINTER(_u8)
    hdr_p = ctypes.POINTER(TcpHeader)
    sigs: list[tuple[str, Any, list[Any]]] = [
        ("mptcp_strerror", ctypes.c_char_p, [ctypes.c_int]),
        ("mptcp_strerror_name", ctypes.c_char_p, [ctypes.c_int]),
        ("mptcp_tcphdr_decode", ctypes.c_int,
         [hdr_p, c_u8p, ctypes.c_size_t]),
        ("mptcp_tcphdr_len", ctypes.c_int, [hdr_p]),
        ("mptcp_tcphdr_encode", ctypes.c_int,
         [c_u8p, ctypes.c_size_t, hdr_p]),
        ("mptcp_tcp_checksum_ipv4", _u16,
         [c_u8p, c_u8p, c_u8p, ctypes.c_size_t]),
        ("mptcp_tcp_checksum_ipv6", _u16,
         [c_u8p, c_u8p, c_u8p, ctypes.c_size_t]),
        ("mptcp_dss_csum", _u16,
         [_u64, _u32, _u16, c_u8p, ctypes.c_size_t]),
        ("mptcp_key_token_idsn", None,
         [_u64, ctypes.POINTER(_u32), ctypes.POINTER(_u64)]),
        ("mptcp_join_hmac", None, [_u64, _u64, _u32, _u32, c_u8p]),
        ("mptcp_hmac_left64", _u64, [c_u8p]),
        ("mptcp_add_addr_hmac", _u64,
         [_u64, _u64, _u8, ctypes.c_int, c_u8p, _u16]),
    ]
    for name, restype, argtypes in sigs:
        fn = getattr(lib, name)
        fn.restype = restype
        fn.argtypes = argtypes


def _load() -> ctypes.CDLL:
    """The library through ctypes (the cppyy backend loads it this way
    too, then makes its symbols global)."""
    global _lib, _lib_path
    if _lib is None:
        path = _find_library()
        try:
            lib = ctypes.CDLL(path)
        except OSError as exc:
            raise MptcpLibraryNotFound(
                f"cannot load {path}: {exc} (rebuild the CMake target "
                f"'mptcp-core-shared'; with MPTCP_SANITIZE=ON the sanitizer "
                f"runtime must be preloaded: LD_PRELOAD=$(cc "
                f"-print-file-name=libasan.so))") from exc
        try:
            _declare(lib)
        except AttributeError as exc:
            raise MptcpLibraryNotFound(
                f"{path} lacks a function of mptcp.h: {exc}") from exc
        _lib, _lib_path = lib, path
    return _lib


def library_path() -> str:
    """Path of the loaded libmptcp-core.so (loading it if needed)."""
    _load()
    assert _lib_path is not None
    return _lib_path


def version() -> str:
    """Version of the core the bindings were written for."""
    return CORE_VERSION


# --------------------------------------------------------------------------
# Backends: the handful of C calls the API below is made of
# --------------------------------------------------------------------------


def _buf(data: bytes) -> Any:
    """A ctypes uint8 array holding `data` (length >= 1 so never NULL)."""
    return (_u8 * max(len(data), 1)).from_buffer_copy(data or b"\0")


class _CtypesBackend:
    """The standard-library backend: ctypes over the mirrored structures."""

    name = "ctypes"

    def __init__(self) -> None:
        self.lib = _load()

    def strerror(self, code: int) -> str:
        return self.lib.mptcp_strerror(code).decode()

    def strerror_name(self, code: int) -> str:
        return self.lib.mptcp_strerror_name(code).decode()

    def key_token_idsn(self, key: int) -> tuple[int, int]:
        token, idsn = _u32(), _u64()
        self.lib.mptcp_key_token_idsn(key, ctypes.byref(token),
                                      ctypes.byref(idsn))
        return token.value, idsn.value

    def join_hmac(self, own_key: int, peer_key: int, own_nonce: int,
                  peer_nonce: int) -> bytes:
        out = (_u8 * HMAC_SHA256_LEN)()
        self.lib.mptcp_join_hmac(own_key, peer_key, own_nonce, peer_nonce,
                                 out)
        return bytes(out)

    def hmac_left64(self, mac: bytes) -> int:
        return int(self.lib.mptcp_hmac_left64(_buf(mac)))

    def add_addr_hmac(self, sender_key: int, receiver_key: int, addr_id: int,
                      family: int, packed: bytes, port: int) -> int:
        return int(self.lib.mptcp_add_addr_hmac(
            sender_key, receiver_key, addr_id, family, _buf(packed), port))

    def dss_csum(self, dsn: int, ssn: int, dll: int, payload: bytes) -> int:
        return int(self.lib.mptcp_dss_csum(dsn, ssn, dll, _buf(payload),
                                           len(payload)))

    def tcp_checksum(self, family: int, src: bytes, dst: bytes,
                     segment: bytes) -> int:
        fn = (self.lib.mptcp_tcp_checksum_ipv4 if family == 4
              else self.lib.mptcp_tcp_checksum_ipv6)
        return int(fn(_buf(src), _buf(dst), _buf(segment), len(segment)))

    def new_header(self) -> TcpHeader:
        return TcpHeader()

    def is_header(self, obj: Any) -> bool:
        return isinstance(obj, TcpHeader)

    def decode(self, h: TcpHeader, data: bytes) -> int:
        return int(self.lib.mptcp_tcphdr_decode(ctypes.byref(h), _buf(data),
                                                len(data)))

    def encode(self, h: TcpHeader) -> tuple[int, bytes]:
        buf = (_u8 * TCP_HDR_MAX)()
        rc = int(self.lib.mptcp_tcphdr_encode(buf, TCP_HDR_MAX,
                                              ctypes.byref(h)))
        return rc, bytes(buf[:max(rc, 0)])


_BACKENDS = ("auto", "cppyy", "ctypes")
_backend_obj: Any = None


def use_backend(name: str) -> str:
    """Selects the backend: ``"cppyy"``, ``"ctypes"`` or ``"auto"`` (cppyy
    if it imports, else ctypes). Returns the name of the one in use.
    Raises ValueError for another name, and mptcp.sansio.CppyyMissing for
    ``"cppyy"`` without cppyy."""
    global _backend_obj
    if name not in _BACKENDS:
        raise ValueError(f"unknown backend {name!r}: choose one of "
                         f"{', '.join(_BACKENDS)}")
    from . import _cppyy  # noqa: PLC0415 (imports nothing optional)
    if name == "cppyy" or (name == "auto" and _cppyy.available()):
        _backend_obj = _cppyy.Backend()
    else:
        _backend_obj = _CtypesBackend()
    return _backend_obj.name


def _backend() -> Any:
    if _backend_obj is None:
        name = os.environ.get("MPTCP_BACKEND", "auto") or "auto"
        if name not in _BACKENDS:
            raise ValueError(f"MPTCP_BACKEND={name!r}: choose one of "
                             f"{', '.join(_BACKENDS)}")
        use_backend(name)
    return _backend_obj


def backend() -> str:
    """Name of the backend in use (choosing it if no call has yet)."""
    return _backend().name


# --------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------


def _check_uint(value: int, bits: int, what: str) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError(f"{what} must be an int, not {type(value).__name__}")
    if not 0 <= value < (1 << bits):
        raise ValueError(f"{what}={value} does not fit in {bits} bits")
    return value


def _raise(code: int) -> None:
    raise MptcpError(code, strerror_name(code), strerror(code))


def _array_bytes(arr: Any, n: int) -> bytes:
    """The first `n` elements of a C uint8 array field, either backend's."""
    return bytes(int(arr[i]) for i in range(n))


def _array_fill(arr: Any, data: bytes) -> None:
    for i, b in enumerate(data):
        arr[i] = b


def strerror(code: int) -> str:
    """Human-readable description of an error code (mptcp_strerror)."""
    return _backend().strerror(int(code))


def strerror_name(code: int) -> str:
    """Symbolic name of an error code (mptcp_strerror_name)."""
    return _backend().strerror_name(int(code))


# --------------------------------------------------------------------------
# Keys, tokens, HMACs, checksums
# --------------------------------------------------------------------------


def key_token_idsn(key: int) -> tuple[int, int]:
    """(token, IDSN) of a 64-bit MPTCP key (RFC 8684 section 3.1)."""
    _check_uint(key, 64, "key")
    return _backend().key_token_idsn(key)


def join_hmac(own_key: int, peer_key: int, own_nonce: int,
              peer_nonce: int) -> bytes:
    """The full 32-byte MP_JOIN HMAC a host sends (RFC 8684 section 3.2).

    HMAC-A = join_hmac(KeyA, KeyB, RA, RB); HMAC-B = join_hmac(KeyB, KeyA,
    RB, RA).
    """
    _check_uint(own_key, 64, "own_key")
    _check_uint(peer_key, 64, "peer_key")
    _check_uint(own_nonce, 32, "own_nonce")
    _check_uint(peer_nonce, 32, "peer_nonce")
    return _backend().join_hmac(own_key, peer_key, own_nonce, peer_nonce)


def hmac_left64(hmac: bytes) -> int:
    """Leftmost 64 bits of a 32-byte HMAC, read big-endian."""
    if len(hmac) != HMAC_SHA256_LEN:
        raise ValueError(f"an HMAC-SHA256 is {HMAC_SHA256_LEN} bytes, "
                         f"got {len(hmac)}")
    return _backend().hmac_left64(bytes(hmac))


def add_addr_hmac(sender_key: int, receiver_key: int, addr_id: int,
                  address: str, port: int | None = None) -> int:
    """Rightmost 64 bits of the ADD_ADDR HMAC (RFC 8684 section 3.4.1).

    `address` is an IPv4 or IPv6 address in text form; `port` None means
    the option carries no port (two zero bytes enter the HMAC).
    """
    _check_uint(sender_key, 64, "sender_key")
    _check_uint(receiver_key, 64, "receiver_key")
    _check_uint(addr_id, 8, "addr_id")
    ip = ipaddress.ip_address(address)
    if port is not None:
        _check_uint(port, 16, "port")
    return _backend().add_addr_hmac(sender_key, receiver_key, addr_id,
                                    ip.version, ip.packed,
                                    0 if port is None else port)


def dss_csum(dsn: int, ssn: int, dll: int, payload: bytes) -> int:
    """DSS checksum (RFC 8684 section 3.3.1) of a mapping and its payload."""
    _check_uint(dsn, 64, "dsn")
    _check_uint(ssn, 32, "ssn")
    _check_uint(dll, 16, "dll")
    return _backend().dss_csum(dsn, ssn, dll, bytes(payload))


def tcp_checksum_ipv4(src: str, dst: str, segment: bytes) -> int:
    """TCP checksum of `segment` (checksum field zero) over IPv4."""
    s, d = ipaddress.IPv4Address(src), ipaddress.IPv4Address(dst)
    return _backend().tcp_checksum(4, s.packed, d.packed, bytes(segment))


def tcp_checksum_ipv6(src: str, dst: str, segment: bytes) -> int:
    """TCP checksum of `segment` (checksum field zero) over IPv6."""
    s, d = ipaddress.IPv6Address(src), ipaddress.IPv6Address(dst)
    return _backend().tcp_checksum(6, s.packed, d.packed, bytes(segment))


# --------------------------------------------------------------------------
# TCP header codec
# --------------------------------------------------------------------------

_FIXED = ("sport", "dport", "seq", "ack", "flags", "reserved", "window",
          "csum", "urg_ptr")


def _mpc_to_dict(m: Any) -> dict[str, int]:
    d = {"len": m.len, "version": m.version, "flags": m.flags}
    if m.len >= MPC_LEN_SYNACK:
        d["sender_key"] = m.sender_key
    if m.len >= MPC_LEN_ACK:
        d["receiver_key"] = m.receiver_key
    if m.len >= MPC_LEN_DATA:
        d["data_len"] = m.data_len
    if m.len >= MPC_LEN_DATA_CSUM:
        d["csum"] = m.csum
    return d


def _join_to_dict(j: Any) -> dict[str, Any]:
    d: dict[str, Any] = {"len": j.len}
    if j.len == JOIN_LEN_SYN:
        d.update(backup=j.backup, addr_id=j.addr_id, token=j.token,
                 nonce=j.nonce)
    elif j.len == JOIN_LEN_SYNACK:
        d.update(backup=j.backup, addr_id=j.addr_id, thmac=j.thmac,
                 nonce=j.nonce)
    else:
        d["hmac"] = _array_bytes(j.hmac, JOIN_HMAC_LEN)
    return d


def _dss_to_dict(s: Any) -> dict[str, int]:
    d = {"flags": s.flags}
    if s.flags & DSS_ACK:
        d["data_ack"] = s.data_ack
    if s.flags & DSS_MAP:
        d.update(dsn=s.dsn, ssn=s.ssn, dll=s.dll, has_csum=s.has_csum)
        if s.has_csum:
            d["csum"] = s.csum
    return d


def _add_addr_to_dict(a: Any) -> dict[str, Any]:
    raw = _array_bytes(a.addr, 16)
    addr = (ipaddress.IPv6Address(raw) if a.family == 6
            else ipaddress.IPv4Address(raw[:4]))
    d: dict[str, Any] = {"echo": a.echo, "addr_id": a.addr_id,
                         "family": a.family, "address": str(addr),
                         "port": a.port if a.has_port else None}
    if not a.echo:
        d["thmac"] = a.thmac
    return d


def header_to_dict(h: Any) -> dict[str, Any]:
    """A decoded header structure as a dict (only the options present
    appear).

    Keys: the fixed fields (sport, dport, seq, ack, hdr_len, flags,
    reserved, window, csum, urg_ptr), opts (the MPTCP_OPT_* bits),
    n_unknown, and one key per option present: mss, wscale, sack_perm
    (True), sack (list of (left, right)), timestamp ((val, ecr)),
    mp_capable, mp_join, dss, add_addr (dicts), remove_addr (list of ids),
    mp_prio ({"backup"}), mp_fail ({"dsn"}), mp_fastclose ({"key"}),
    mp_tcprst ({"flags", "reason"}).
    """
    d: dict[str, Any] = {name: getattr(h, name) for name in _FIXED}
    d["hdr_len"] = h.hdr_len
    d["opts"] = h.opts
    d["n_unknown"] = h.n_unknown
    o = h.opts
    if o & OPT_MSS:
        d["mss"] = h.mss
    if o & OPT_WSCALE:
        d["wscale"] = h.wscale
    if o & OPT_SACK_PERM:
        d["sack_perm"] = True
    if o & OPT_SACK:
        d["sack"] = [(h.sack[i].left, h.sack[i].right)
                     for i in range(min(h.n_sack, MAX_SACK_BLOCKS))]
    if o & OPT_TIMESTAMP:
        d["timestamp"] = (h.ts_val, h.ts_ecr)
    if o & OPT_MP_CAPABLE:
        d["mp_capable"] = _mpc_to_dict(h.mpc)
    if o & OPT_MP_JOIN:
        d["mp_join"] = _join_to_dict(h.join)
    if o & OPT_DSS:
        d["dss"] = _dss_to_dict(h.dss)
    if o & OPT_ADD_ADDR:
        d["add_addr"] = _add_addr_to_dict(h.add_addr)
    if o & OPT_REMOVE_ADDR:
        d["remove_addr"] = list(_array_bytes(h.rm_addr.ids,
                                             min(h.rm_addr.n, MAX_RM_IDS)))
    if o & OPT_MP_PRIO:
        d["mp_prio"] = {"backup": h.prio.backup}
    if o & OPT_MP_FAIL:
        d["mp_fail"] = {"dsn": h.fail.dsn}
    if o & OPT_MP_FASTCLOSE:
        d["mp_fastclose"] = {"key": h.fastclose.key}
    if o & OPT_MP_TCPRST:
        d["mp_tcprst"] = {"flags": h.tcprst.flags, "reason": h.tcprst.reason}
    return d


def _set_fields(target: Any, values: Mapping[str, Any],
                allowed: tuple[str, ...], what: str) -> None:
    for key, value in values.items():
        if key not in allowed:
            raise ValueError(f"unknown field {key!r} in {what}")
        setattr(target, key, value)


def dict_to_header(d: Mapping[str, Any]) -> Any:
    """Builds the backend's header structure from a dict in the form
    header_to_dict() returns.

    The option bits are derived from the option keys present; the keys
    hdr_len, opts and n_unknown are accepted and ignored (the encoder
    computes the first; the other two describe a decoded header).
    """
    h = _backend().new_header()
    opts = 0
    for key, value in d.items():
        if key in _FIXED:
            setattr(h, key, value)
        elif key in ("hdr_len", "opts", "n_unknown"):
            continue
        elif key == "mss":
            opts |= OPT_MSS
            h.mss = value
        elif key == "wscale":
            opts |= OPT_WSCALE
            h.wscale = value
        elif key == "sack_perm":
            if value:
                opts |= OPT_SACK_PERM
        elif key == "sack":
            blocks = list(value)
            if not 1 <= len(blocks) <= MAX_SACK_BLOCKS:
                raise ValueError(f"sack needs 1..{MAX_SACK_BLOCKS} blocks")
            opts |= OPT_SACK
            h.n_sack = len(blocks)
            for i, (left, right) in enumerate(blocks):
                h.sack[i].left, h.sack[i].right = left, right
        elif key == "timestamp":
            opts |= OPT_TIMESTAMP
            h.ts_val, h.ts_ecr = value
        elif key == "mp_capable":
            opts |= OPT_MP_CAPABLE
            _set_fields(h.mpc, value, tuple(n for n, _ in
                                            OptMpCapable._fields_),
                        "mp_capable")
        elif key == "mp_join":
            opts |= OPT_MP_JOIN
            j = dict(value)
            mac = j.pop("hmac", None)
            _set_fields(h.join, j, ("len", "backup", "addr_id", "token",
                                    "nonce", "thmac"), "mp_join")
            if mac is not None:
                mac = bytes(mac)
                if len(mac) != JOIN_HMAC_LEN:
                    raise ValueError(f"mp_join hmac must be {JOIN_HMAC_LEN} "
                                     f"bytes, got {len(mac)}")
                _array_fill(h.join.hmac, mac)
        elif key == "dss":
            opts |= OPT_DSS
            _set_fields(h.dss, value, tuple(n for n, _ in OptDss._fields_),
                        "dss")
        elif key == "add_addr":
            opts |= OPT_ADD_ADDR
            a = dict(value)
            ip = ipaddress.ip_address(a.pop("address"))
            family = a.pop("family", ip.version)
            if family != ip.version:
                raise ValueError(f"add_addr family {family} but address "
                                 f"{ip} is IPv{ip.version}")
            port = a.pop("port", None)
            _set_fields(h.add_addr, a, ("echo", "addr_id", "thmac"),
                        "add_addr")
            h.add_addr.family = ip.version
            _array_fill(h.add_addr.addr, ip.packed)
            h.add_addr.has_port = 0 if port is None else 1
            h.add_addr.port = 0 if port is None else port
        elif key == "remove_addr":
            ids = list(value)
            if not 1 <= len(ids) <= MAX_RM_IDS:
                raise ValueError(f"remove_addr needs 1..{MAX_RM_IDS} ids")
            opts |= OPT_REMOVE_ADDR
            h.rm_addr.n = len(ids)
            for i, addr_id in enumerate(ids):
                h.rm_addr.ids[i] = addr_id
        elif key == "mp_prio":
            opts |= OPT_MP_PRIO
            _set_fields(h.prio, value, ("backup",), "mp_prio")
        elif key == "mp_fail":
            opts |= OPT_MP_FAIL
            _set_fields(h.fail, value, ("dsn",), "mp_fail")
        elif key == "mp_fastclose":
            opts |= OPT_MP_FASTCLOSE
            _set_fields(h.fastclose, value, ("key",), "mp_fastclose")
        elif key == "mp_tcprst":
            opts |= OPT_MP_TCPRST
            _set_fields(h.tcprst, value, ("flags", "reason"), "mp_tcprst")
        else:
            raise ValueError(f"unknown TCP header field {key!r}")
    h.opts = opts
    return h


def decode_tcp_header(data: bytes) -> dict[str, Any]:
    """Decodes the TCP header at the start of `data` (mptcp_tcphdr_decode).

    Returns header_to_dict() of the result; the payload starts at
    result["hdr_len"]. Raises MptcpError on malformed input, e.g.
    MPTCP_ERR_HDR_TRUNCATED for fewer than 20 bytes.
    """
    return header_to_dict(decode_tcp_header_struct(data))


def decode_tcp_header_struct(data: bytes) -> Any:
    """Like decode_tcp_header() but returns the backend's mptcp_tcphdr
    (a TcpHeader with ctypes, cppyy's own with cppyy), zeroed before
    decoding, so absent options read as zero."""
    data = bytes(data)
    be = _backend()
    h = be.new_header()
    rc = be.decode(h, data)
    if rc < 0:
        _raise(rc)
    return h


def encode_tcp_header(header: Union[Mapping[str, Any], Any]) -> bytes:
    """Encodes a TCP header (mptcp_tcphdr_encode) from a dict in the form
    decode_tcp_header() returns, or from the structure
    decode_tcp_header_struct() returns. The checksum field is written as
    given. Raises MptcpError (e.g. MPTCP_ERR_OPT_SPACE)."""
    be = _backend()
    if isinstance(header, Mapping):
        h = dict_to_header(header)
    elif be.is_header(header):
        h = header
    else:
        raise TypeError(f"encode_tcp_header takes a dict or the {be.name} "
                        f"backend's header structure, not "
                        f"{type(header).__name__}")
    rc, wire = be.encode(h)
    if rc < 0:
        _raise(rc)
    return wire

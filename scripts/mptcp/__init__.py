# SPDX-License-Identifier: GPL-2.0-only
"""Python access to the MPTCP C core and the module.

- ``mptcp.core``: keys, tokens and IDSNs, MP_JOIN and ADD_ADDR HMACs, DSS
  and TCP checksums, and the TCP/MPTCP header codec of libmptcp-core.so;
  one API through cppyy when it is installed, else through ctypes
  (standard library only): ``MPTCP_BACKEND`` or ``mptcp.use_backend``
  chooses. The library is loaded on first use; see ``mptcp.core`` for how
  it is located (``MPTCP_CORE_LIB`` first).
- ``mptcp.data`` (standard library): rows of results.db or campaign.db as
  dicts, and runs of the loopback network as their JSON.
- ``mptcp.sansio`` (cppyy): the core's stacks driven from a Python host
  loop.
- ``mptcp.ns3api`` (ns-3's Python wheel): the ns-3 module beside
  ``from ns import ns``.
"""

from .core import (
    MptcpError,
    MptcpLibraryNotFound,
    TcpHeader,
    add_addr_hmac,
    backend,
    decode_tcp_header,
    dss_csum,
    encode_tcp_header,
    hmac_left64,
    join_hmac,
    key_token_idsn,
    library_path,
    strerror,
    strerror_name,
    tcp_checksum_ipv4,
    tcp_checksum_ipv6,
    use_backend,
)

__all__ = [
    "MptcpError",
    "MptcpLibraryNotFound",
    "TcpHeader",
    "add_addr_hmac",
    "backend",
    "decode_tcp_header",
    "dss_csum",
    "encode_tcp_header",
    "hmac_left64",
    "join_hmac",
    "key_token_idsn",
    "library_path",
    "strerror",
    "strerror_name",
    "tcp_checksum_ipv4",
    "tcp_checksum_ipv6",
    "use_backend",
]

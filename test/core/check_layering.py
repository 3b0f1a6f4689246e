#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Checks the core's internal layering, as text.

1. The subflow files (tcp_input.c, tcp_output.c, tcp_recovery.c) reach
   their upper layer only through `struct sf_upper_ops` (sf_upper.h): they
   call no mptcp_* function but the public codec.
2. No .c file of the core declares a prototype of a function it does not
   define: shared prototypes live in headers, where the compiler checks
   them against the definitions.

Usage: check_layering.py <model/core/src>; exit 1 with the offending
lines listed, 0 if clean.
"""
import pathlib
import re
import sys

SUBFLOW_FILES = ("tcp_input.c", "tcp_output.c", "tcp_recovery.c")
# the public wire codec of mptcp.h (header, options, TCP checksum), usable
# by every layer
CODEC = {"mptcp_tcphdr_encode", "mptcp_tcphdr_decode", "mptcp_tcphdr_len",
         "mptcp_tcp_checksum_ipv4", "mptcp_tcp_checksum_ipv6"}


def strip_comments(text):
    """Comments and string literals blanked, line numbers kept."""
    def blank(m):
        return re.sub(r"[^\n]", " ", m.group(0))
    return re.sub(r'/\*.*?\*/|//[^\n]*|"(?:\\.|[^"\\\n])*"', blank, text, flags=re.S)


def main():
    src = pathlib.Path(sys.argv[1])
    bad = []
    for name in SUBFLOW_FILES:
        lines = strip_comments((src / name).read_text()).split("\n")
        for no, line in enumerate(lines, 1):
            for fn in re.findall(r"\b(mptcp_[A-Za-z0-9_]*)\s*\(", line):
                if fn not in CODEC:
                    bad.append(f"{name}:{no}: calls {fn} (go through sf_upper_ops)")
    # a file-scope declaration ending in ');' that is not static: a
    # prototype written by hand in a .c file
    proto = re.compile(r"^(?!static\b|typedef\b|extern\b|return\b)[A-Za-z_][A-Za-z0-9_ \t\*]*?"
                       r"\b([A-Za-z_][A-Za-z0-9_]*)\s*\([^;{}]*\)\s*;", re.M)
    for path in sorted(src.glob("*.c")):
        text = strip_comments(path.read_text())
        for m in proto.finditer(text):
            if m.start() > 0 and text[m.start() - 1] != "\n":
                continue
            no = text.count("\n", 0, m.start()) + 1
            bad.append(f"{path.name}:{no}: prototype of {m.group(1)} in a .c file "
                       "(put it in a header)")
    for b in bad:
        print(b)
    if bad:
        return 1
    print(f"layering clean: {len(SUBFLOW_FILES)} subflow files, "
          f"{len(list(src.glob('*.c')))} core sources")
    return 0


if __name__ == "__main__":
    sys.exit(main())

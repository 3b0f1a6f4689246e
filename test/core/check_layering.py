#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Checks the core's internal layering, as text.

1. The subflow files (tcp_input.c, tcp_output.c, tcp_recovery.c) reach
   their upper layer only through `struct sf_upper_ops` (sf_upper.h): they
   call no mptcp_* function but the public codec.
2. No .c file of the core declares a prototype of a function it does not
   define: shared prototypes live in headers, where the compiler checks
   them against the definitions.
3. The subflow files sit below the connection: in the graph of calls
   between the core's .c files (a call from a file to a non-static
   function another file defines), no cycle holds a subflow file and a
   file of another layer. The subflow files call the connection only
   through the tables of sf_upper.h; they may call the host's services
   (host.c), which call no other file of the core, and the leaf units
   (congestion control, range set, codec).

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


def call_graph(src):
    """{file: {file it calls: [functions]}} over the core's .c files."""
    texts = {p.name: strip_comments(p.read_text()) for p in sorted(src.glob("*.c"))}
    defined = {}
    head = re.compile(r"^(?!static\b)[A-Za-z_][A-Za-z0-9_ \t\*]*?\b([A-Za-z_][A-Za-z0-9_]*)"
                      r"\s*\([^;{}]*\)\s*\{", re.M)
    for name, text in texts.items():
        for m in head.finditer(text):
            defined.setdefault(m.group(1), name)
    graph = {}
    for name, text in texts.items():
        edges = graph.setdefault(name, {})
        for fn in re.findall(r"\b([A-Za-z_][A-Za-z0-9_]*)\s*\(", text):
            other = defined.get(fn)
            if other and other != name:
                edges.setdefault(other, set()).add(fn)
    return graph


def cycles(graph):
    """The strongly connected components of more than one file (Tarjan)."""
    index, low, stack, on, out = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def main():
    src = pathlib.Path(sys.argv[1])
    bad = []
    graph = call_graph(src)
    for comp in cycles(graph):
        if any(f in SUBFLOW_FILES for f in comp) and not all(f in SUBFLOW_FILES for f in comp):
            calls = "; ".join(f"{a} calls {b} ({', '.join(sorted(graph[a][b]))})"
                              for a in comp if a in SUBFLOW_FILES
                              for b in sorted(graph[a]) if b in comp and b not in SUBFLOW_FILES)
            bad.append(f"a cycle holds subflow and other files: {', '.join(comp)}: {calls}")
    for target, fns in sorted(graph.get("host.c", {}).items()):
        bad.append(f"host.c calls {target} ({', '.join(sorted(fns))}): the host's "
                   "services must call no other file of the core")
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
          f"{len(list(src.glob('*.c')))} core sources; the subflow files call "
          + ", ".join(sorted({t for f in SUBFLOW_FILES for t in graph[f]} - set(SUBFLOW_FILES))))
    for comp in cycles(graph):
        print("cycle within one layer: " + ", ".join(comp))
    return 0


if __name__ == "__main__":
    sys.exit(main())

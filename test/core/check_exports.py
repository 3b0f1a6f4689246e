#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The core's shared library exports exactly the public API.

Reads the functions declared in mptcp.h and the dynamic symbols the
shared library defines (`nm -D --defined-only`), and fails if the library
exports anything the header does not declare (an internal symbol leaking)
or hides a function the header declares.

Usage: check_exports.py <mptcp.h> <libmptcp-core.so>
"""
import re
import subprocess
import sys


def declared(header):
    text = open(header, encoding="utf-8").read()
    text = re.sub(r"/\*.*?\*/|//[^\n]*", " ", text, flags=re.S)
    text = "\n".join(l for l in text.split("\n") if not l.lstrip().startswith("#"))
    names = set()
    # file-scope declarations: what precedes the name's '(' back to the
    # previous ';', '{' or '}' holds no '(' (not a call or a parameter)
    for m in re.finditer(r"\b(mptcp_[A-Za-z0-9_]*)\s*\(", text):
        start = max(text.rfind(c, 0, m.start()) for c in ";{}")
        head = text[start + 1:m.start()]
        if "(" not in head and "typedef" not in head and "static" not in head:
            names.add(m.group(1))
    return names


def exported(lib):
    out = subprocess.run(["nm", "-D", "--defined-only", lib], check=True,
                         capture_output=True, text=True).stdout
    syms = set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) >= 3:
            syms.add(parts[2].split("@")[0])
    return syms


def main():
    header, lib = sys.argv[1], sys.argv[2]
    api, syms = declared(header), exported(lib)
    extra, missing = sorted(syms - api), sorted(api - syms)
    for s in extra:
        print(f"exported but not in mptcp.h: {s}")
    for s in missing:
        print(f"declared in mptcp.h but not exported: {s}")
    print(f"{len(api)} public functions, {len(syms)} exported symbols")
    return 1 if extra or missing else 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Checks the module's C++ sources for what builds against Debian's ns-3
3.37 but not in current ns-3 (ns-3-dev), so that such a use is caught in
every CI run, not only by scripts/check-intree.sh (too slow for CI).

Each rule names what current ns-3 refuses and since when:
  - EventId::IsRunning(): deprecated in ns-3.42, removed in ns-3.46; use
    !IsExpired(), which every release from 3.37 on has;
  - test suite and test case names with any of " / \\ | ?: ns-3's
    TestCase::AddTestCase rejects them (test.cc, "Invalid test name").

Usage: check_ns3_compat.py ROOT   (exit 0 clean, 1 with the findings)
"""
import re
import sys
from pathlib import Path

DIRS = ("model", "helper", "examples", "test/ns3", "utils")
BAD_NAME = set('"/\\|?')


def scan(root: Path) -> list[str]:
    found = []
    for d in DIRS:
        for f in sorted((root / d).rglob("*")):
            if f.suffix not in (".cc", ".h") or "core" in f.relative_to(root).parts[:2]:
                continue
            text = f.read_text(errors="replace")
            rel = f.relative_to(root)
            for m in re.finditer(r"\.IsRunning\s*\(\s*\)", text):
                line = text.count("\n", 0, m.start()) + 1
                found.append(f"{rel}:{line}: EventId::IsRunning() is gone since ns-3.46 "
                             "(use !IsExpired())")
            for m in re.finditer(r'\b(TestCase|TestSuite)\s*\(\s*"((?:[^"\\]|\\.)*)"', text):
                name = m.group(2)
                if BAD_NAME & set(name.replace('\\"', '"')):
                    line = text.count("\n", 0, m.start()) + 1
                    found.append(f"{rel}:{line}: {m.group(1)} name {name!r} has one of "
                                 f"'\"/\\|?', which current ns-3 rejects")
    return found


def main() -> int:
    if len(sys.argv) != 2 or not Path(sys.argv[1]).is_dir():
        print(__doc__, file=sys.stderr)
        return 2
    root = Path(sys.argv[1])
    found = scan(root)
    for f in found:
        print(f)
    files = sum(1 for d in DIRS for f in (root / d).rglob("*") if f.suffix in (".cc", ".h"))
    print(f"{len(found)} finding(s) in {files} C++ files")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())

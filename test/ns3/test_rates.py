#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""One rate parser with ns-3's meaning of the units, in every tool.

Usage: test_rates.py MPTCP_LOOPBACK MPTCP_SHARED_BOTTLENECK STRINGS

Feeds each string of STRINGS (test/ns3/mptcp-rate-strings.inc, the list
the ns-3 suite mptcp-rate compares with ns-3's DataRate) to
`mptcp-loopback --rate` and to the flagship's `--bottleneckRate`: both must
report the listed rate (JSON links[0].rate_bps and params.bottleneckRate_bps), or both
refuse the string with exit 2. "10MBps" is 80 Mbit/s in both.
"""
import json
import re
import subprocess
import sys


def last_json(out):
    lines = out.strip().splitlines()
    return json.loads(lines[-1]) if lines and lines[-1].startswith("{") else None


def loopback(tool, text):
    p = subprocess.run([tool, "--rate", text, "--bytes", "1000"], capture_output=True,
                       text=True, timeout=60)
    # (exit 1: the transfer did not finish, at 1 bit/s; the rate is reported)
    d = last_json(p.stdout) if p.returncode in (0, 1) else None
    return (0 if d else p.returncode), (d["links"][0]["rate_bps"] if d else None)


def flagship(example, text):
    # 50 ms with every flow starting after 100 ms: the rate is parsed and
    # reported, and nothing is sent.
    p = subprocess.run([example, f"--bottleneckRate={text}", "--duration=0.05", "--warmup=0",
                        "--plot=false", "--results=false", "--progress=false"],
                       capture_output=True, text=True, timeout=60)
    d = last_json(p.stdout) if p.returncode == 0 else None
    return p.returncode, (d["params"]["bottleneckRate_bps"] if d else None)


def main():
    if len(sys.argv) != 4:
        print(__doc__, file=sys.stderr)
        return 2
    tool, example, strings = sys.argv[1:]
    cases = re.findall(r'^\{"((?:[^"\\]|\\.)*)", (\d+)\},$', open(strings).read(), re.M)
    ok = len(cases) > 50
    print(f"{len(cases)} strings")
    for text, want in cases:
        want = int(want)
        lc, lr = loopback(tool, text)
        fc, fr = flagship(example, text)
        if want:
            good = lc == 0 and fc == 0 and lr == fr == want
        else:
            good = lc == 2 and fc == 2
        print(f"{text!r:18s} listed {want:>15d}  mptcp-loopback exit {lc} {lr}  "
              f"flagship exit {fc} {fr}  {'ok' if good else 'FAIL'}")
        ok = ok and good
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Runs examples/mptcp-path-events and checks the path events took effect.

Usage: test_path_events.py PROGRAM [ARG...]   (ARG: e.g. --engine=fast)
Subflow 1 is made a backup and regular again (MP_PRIO reaches the peer),
then path 0 fails and host A withdraws its path-0 address: REMOVE_ADDR
reaches the peer, the subflows from that address are closed and carry
nothing more, one from the other address is still established, and
the transfer goes on over path 1 at close to its 5 Mbit/s.
"""
import re
import subprocess
import sys


def run(program, *args):
    return subprocess.run([program, *args], capture_output=True, text=True, timeout=120)


def main(argv):
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    program = argv[1]
    extra = argv[2:]
    failures = []

    bad = run(program, *extra, "--failAt=30", "--duration=20")
    if bad.returncode != 2 or "need" not in bad.stderr:
        failures.append(f"bad event times: exit {bad.returncode}, stderr {bad.stderr!r}")

    proc = run(program, *extra, "--duration=20", "--backupAt=4", "--regularAt=8", "--failAt=12")
    if proc.returncode != 0:
        print(proc.stdout, proc.stderr, file=sys.stderr)
        return 1
    print(proc.stdout, end="")
    samples = {}
    for m in re.finditer(r"^t=(\d+)((?: sf\d+=[\d.]+)*)$", proc.stdout, re.M):
        samples[int(m.group(1))] = {
            int(k): float(v) for k, v in re.findall(r"sf(\d+)=([\d.]+)", m.group(2))
        }
    subflows = re.findall(r"^subflow (\d+) ([\d.]+):\d+ -> \S+ (\S+)$", proc.stdout, re.M)
    local = {int(i): a for i, a, _ in subflows}
    state = {int(i): st for i, _, st in subflows}
    final = dict(re.findall(r"(\w+)=(-?\d+)", proc.stdout.strip().splitlines()[-1]))
    for key in ("backup_rv", "regular_rv", "remove_rv"):
        if final.get(key) != "0":
            failures.append(f"{key} = {final.get(key)}, expected 0 (MPTCP_OK)")
    if int(final.get("mp_prio_rx", 0)) < 1:
        failures.append("the peer received no MP_PRIO")
    if int(final.get("rm_addr_rx", 0)) < 1:
        failures.append("the peer received no REMOVE_ADDR")
    if len(samples) != 20 or len(local) < 2:
        failures.append(f"{len(samples)} samples, {len(local)} subflows listed")
    else:
        removed = [i for i, a in local.items() if a == "10.10.1.1"]
        if not removed:
            failures.append("no subflow from the withdrawn address 10.10.1.1")
        before = sum(samples[t].get(i, 0) for t in range(9, 13) for i in removed)
        if before <= 0:
            failures.append("the subflows from 10.10.1.1 carried nothing before the failure")
        if any(state[i] != "CLOSED" for i in removed):
            failures.append(f"subflows from 10.10.1.1 not closed: {state}")
        if not any(st == "ESTABLISHED" and local[i] != "10.10.1.1" for i, st in state.items()):
            failures.append(f"no subflow from another address still established: {state}")
        after = sum(samples[t].get(i, 0) for t in range(14, 21) for i in removed)
        if after != 0:
            failures.append(f"the subflows from 10.10.1.1 still carried {after} Mbit/s after it")
        tail = [sum(samples[t].values()) for t in range(16, 21)]
        if min(tail) < 4.0:
            failures.append(f"goodput after the failure {tail} Mbit/s, expected >= 4 of path 1's 5")
    if not extra:
        bad = run(program, "--engine=warp")
        if bad.returncode != 2 or "--engine must be" not in bad.stderr:
            failures.append(f"bad engine: exit {bad.returncode}, stderr {bad.stderr!r}")
    else:
        again = run(program, *extra, "--duration=20", "--backupAt=4", "--regularAt=8",
                    "--failAt=12")
        if again.stdout != proc.stdout:
            failures.append("two runs with the same arguments printed different output")
    for f in failures:
        print("FAIL:", f, file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

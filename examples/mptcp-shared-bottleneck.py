#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The flagship scenario (examples/mptcp-shared-bottleneck.cc) from ns-3's
own Python API: `from ns import ns` (ns-3 3.44 from its Python wheel, with
cppyy), the module's library and headers loaded beside it, the same
dumbbell built and run by the same helper (MptcpScenarioRun), and the same
JSON line printed last. Run with the Python of .venv/ after
`scripts/build.sh --ns3 wheel` (the module built against the wheel's ns-3):

    .venv/bin/python examples/mptcp-shared-bottleneck.py --RngRun=1 --duration=10

Options (a subset of the C++ program's, same names and defaults): --RngRun,
--duration, --warmup (s), --subflows, --tcpFlows, --cc, --scheduler,
--bottleneckRate, --build (the build folder; default build-wheel/).
Exit status 2 for a bad option.
"""
import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "scripts"))
from mptcp import ns3api  # noqa: E402


def main():
    ap = argparse.ArgumentParser(prog="mptcp-shared-bottleneck.py",
                                 description=__doc__.splitlines()[0])
    ap.add_argument("--RngRun", type=int, default=1)
    ap.add_argument("--duration", type=float, default=60.0)
    ap.add_argument("--warmup", type=float, default=5.0)
    ap.add_argument("--subflows", type=int, default=2)
    ap.add_argument("--tcpFlows", type=int, default=1)
    ap.add_argument("--cc", default="lia")
    ap.add_argument("--scheduler", default="minrtt")
    ap.add_argument("--bottleneckRate", default="10Mbps")
    ap.add_argument("--build", type=Path, default=REPO / "build-wheel")
    a = ap.parse_args()
    if a.RngRun < 1 or not 0 < a.duration <= 1e6 or not 0 <= a.warmup < a.duration:
        ap.error("--RngRun >= 1, 0 < --duration <= 1e6, 0 <= --warmup < --duration")
    try:
        ns = ns3api.load(a.build)
    except ns3api.Ns3ApiMissing as e:
        print(f"mptcp-shared-bottleneck.py: {e}", file=sys.stderr)
        return 1

    p = ns.MptcpScenarioParams()
    p.subflows = a.subflows
    p.tcpFlows = a.tcpFlows
    p.cc = a.cc
    p.scheduler = a.scheduler
    p.bottleneckRate = a.bottleneckRate
    p.duration = ns.Seconds(a.duration)
    p.warmup = ns.Seconds(a.warmup)
    import cppyy  # noqa: PLC0415
    p.config = ns.MptcpResults.ConfigParams()  # as the C++ program records them
    why = cppyy.gbl.std.string()
    if not ns.MptcpScenarioCheck(p, why):
        ap.error(str(why))
    ns.RngSeedManager.SetRun(a.RngRun)
    r = ns.MptcpScenarioRun(p)
    print(ns.MptcpScenarioJson(p, r), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The main job: install the dependencies, build, and run the richest
# scenario the module has so far, writing its results and a plot under
# results/ (or $MPTCP_OUTPUT_DIR).
#
# Until the flagship ns-3 shared-bottleneck scenario lands, that is:
#  1. single-path TCP versus MPTCP with two subflows over two disjoint
#     10 Mbit/s paths (20 and 60 ms RTT), in the core's deterministic
#     loopback network, 8 MiB of real data verified byte for byte;
#  2. the MPTCP v1 handshakes (MP_CAPABLE, DSS data, MP_JOIN) written as a
#     pcap by the codec and dissected by tshark, an independent decoder.
#   MPTCP_SKIP_INSTALL=1  skip the package installation
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
out=${MPTCP_OUTPUT_DIR:-$root/results}

if [ "${MPTCP_SKIP_INSTALL:-0}" != 1 ]; then
  bash scripts/install-deps.sh
fi
bash scripts/build.sh "$root/build"
mkdir -p "$out"
lb=$root/build/utils/mptcp-loopback
net=(--paths 2 --rate 10Mbps --delay 10ms,30ms --bytes 8MiB --seed 1 --trace-interval 50ms)

echo "== 1. TCP on path 0 versus MPTCP over both paths (loopback network) =="
"$lb" --mode tcp "${net[@]}" --trace "$out/tcp-trace.csv" | tail -n 1 > "$out/tcp.json"
"$lb" --mode mptcp --pm fullmesh "${net[@]}" --trace "$out/mptcp-trace.csv" \
  --pcap "$out/mptcp-transfer.pcap" | tail -n 1 > "$out/mptcp.json"
python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
rows = []
for mode in ("tcp", "mptcp"):
    d = json.load(open(f"{out}/{mode}.json"))
    subs = d["flows"][0].get("subflows", [])
    rows.append((mode, d["verified"], d["goodput_bps"] / 1e6, d["duration_s"], len(subs) or 1))
with open(f"{out}/summary.csv", "w") as f:
    f.write("mode,verified,goodput_mbps,duration_s,subflows\n")
    for r in rows:
        f.write("%s,%s,%.3f,%.3f,%d\n" % r)
for r in rows:
    print("%-6s verified=%-5s goodput=%7.3f Mbit/s  duration=%7.3f s  subflows=%d" % r)
PY

# the sender's rows only (a0: host A's end of connection 0)
for mode in tcp mptcp; do
  awk -F, 'NR == 1 || $2 == "a0"' "$out/$mode-trace.csv" > "$out/$mode-sender.csv"
done
cat > "$out/cwnd.plt" <<'PLT'
# Congestion window of the sender over time: TCP versus MPTCP (initial
# subflow). Re-run with: gnuplot cwnd.plt
set datafile separator ","
set terminal pngcairo size 900,500
set output "cwnd.png"
set xlabel "time (s)"
set ylabel "cwnd (KiB)"
set key top right
set grid
plot "tcp-sender.csv" using 1:($3/1024) every ::1 with lines lw 2 title "TCP, path 0", \
     "mptcp-sender.csv" using 1:($3/1024) every ::1 with lines lw 2 title "MPTCP, initial subflow"
PLT
(cd "$out" && gnuplot cwnd.plt)
echo "plot: $out/cwnd.png (script $out/cwnd.plt)"

echo "== 2. MPTCP v1 handshakes built by the core: $out/handshake.pcap =="
"$root/build/test/oracle/gen-oracle-pcap" "$out/handshake.pcap" | tee "$out/keys.txt"
echo "== tshark's dissection (independent of the core) =="
tshark -r "$out/handshake.pcap" -o mptcp.analyze_mptcp:TRUE \
  -o tcp.analyze_sequence_numbers:TRUE -o tcp.check_checksum:TRUE \
  -T fields -E header=y -E separator=, \
  -e frame.number -e ip.src -e tcp.srcport -e ip.dst -e tcp.dstport \
  -e tcp.flags.str -e tcp.stream -e mptcp.stream \
  -e mptcp.expected_token -e tcp.options.mptcp.subtype \
  | tee "$out/dissection.csv"
echo "== results in $out =="

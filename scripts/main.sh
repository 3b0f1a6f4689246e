#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The main job: install the dependencies, build, run the flagship ns-3
# scenario and write its results (SQLite) and plots under results/ (or
# $MPTCP_OUTPUT_DIR):
#  1. the flagship mptcp-shared-bottleneck: one MPTCP host (2 subflows, LIA)
#     and one ns-3 TCP through a 10 Mbit/s, 40 ms RTT bottleneck;
#     results.db and the per-subflow cwnd/goodput plot;
#  2. a campaign of that scenario (congestion control x subflows x seeds,
#     scripts/mptcp-campaign): every run merged into campaign.db, its
#     status, the summary statistics and the MPTCP/TCP goodput ratio
#     against the number of subflows with 95% confidence bars, one line
#     per algorithm;
# then, in the core's deterministic loopback network:
#  3. single-path TCP versus MPTCP with two subflows over two disjoint
#     10 Mbit/s paths (20 and 60 ms RTT), 8 MiB verified byte for byte;
#  4. MPTCP (uncoupled Reno, LIA, OLIA, BALIA) against one Reno TCP at a
#     shared bottleneck: the MPTCP/TCP goodput ratio and its plot;
#  5. the MPTCP v1 handshakes (MP_CAPABLE, DSS data, MP_JOIN) written as a
#     pcap by the codec and dissected by tshark, an independent decoder;
#  6. a live exchange with the Linux kernel's MPTCP (two subflows, 1 MiB
#     each way) with both sides' counters, skipped with the reason where
#     the kernel cannot (doc/interop.md);
#  7. attacks in ns-3 (examples/mptcp-attack, doc/security.md): each of a
#     blind RST flood, a forged MP_FASTCLOSE and an MP_JOIN flood with its
#     defence on and off, recorded in attacks.db, and the comparison;
#  8. traffic shaping (examples/mptcp-shaping, doc/security.md F2/F3): a
#     host with 4 subflows (uncoupled Reno, then LIA) and 4 TCP hosts under
#     drop-tail, RED, FQ-CoDel per flow and per host: its share against
#     the fair share, in shaping/results.db, and the plot;
#  9. Khalili et al.'s scenario C (examples/mptcp-khalili-c, CoNEXT 2012;
#     doc/validation.md), shortened to 120 s: multipath users on two APs
#     and single-path users on one, LIA and OLIA, the mean goodput per user
#     class and the loss per AP beside the fluid model's prediction
#     (mptcp-theory; "theory+floor": OLIA's with its 2-segment window floor,
#     doc/validation.md) and the paper's testbed figures;
# 10. the fast engine (doc/fast-mode.md): scenario C and the flagship on
#     --engine=fast, the flagship on ns-3 beside it (the competitor on the
#     core's TCP in both), with the wall time per packet of each.
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
ex=$root/build/examples/mptcp-shared-bottleneck

echo "== 1. Flagship (ns-3): MPTCP (2 subflows, LIA) and ns-3 TCP share a bottleneck =="
# --overwrite: a second execution of this job replaces its own run in
# results.db (the same parameters and RngRun are otherwise refused).
"$ex" --subflows=2 --tcpFlows=1 --cc=lia --duration=60 --RngRun=1 --pcap=true \
  --overwrite=true --outputDir="$out/flagship" | tee "$out/flagship.log" | tail -n 1 > "$out/flagship.json"
python3 - "$out/flagship.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
for f in d["flows"]:
    print(f"{f['kind']:5s} goodput {f['goodput_bps'] / 1e6:6.2f} Mbit/s")
    for i, s in enumerate(f.get("subflows", [])):
        print(f"      subflow {i} {s['local']} goodput {s['goodput_bps'] / 1e6:6.2f} Mbit/s, "
              f"srtt {s['srtt_ms']:.1f} ms, {s['retransmissions']} retransmissions")
print(f"MPTCP/TCP goodput ratio {d['mptcp_tcp_ratio']:.2f}, Jain {d['jain']:.3f}")
PY
echo "results: $out/flagship/results.db, plot $out/flagship/mptcp-shared-bottleneck.png"

echo "== 2. Sweep (ns-3): MPTCP/TCP ratio against subflows, per congestion control =="
# a campaign (scripts/mptcp-campaign, doc/results.md "Campaigns"): 4 x 4
# points x 3 seeds, one results file per run merged into campaign.db as it
# ends; started afresh so that the figures are this build's (running the
# tool again on the same spec resumes instead)
sweep=$out/sweep
rm -rf "$sweep" && mkdir -p "$sweep"
cat > "$sweep/ratio-vs-subflows.toml" <<TOML
[campaign]
name = "ratio-vs-subflows"
program = "$ex"
dir = "$sweep"
seeds = 3
timeout = 1800

[fixed]
tcpFlows = 1
duration = 60
plot = false
progress = false

[grid]
cc = ["reno", "lia", "olia", "balia"]
subflows = { from = 1, to = 4 }
TOML
campaign=(python3 scripts/mptcp-campaign)
"${campaign[@]}" run "$sweep/ratio-vs-subflows.toml" --jobs "$(nproc)"
"${campaign[@]}" status "$sweep"
"${campaign[@]}" summary "$sweep" | grep ' mptcp_tcp_ratio:'
# the ratio the scenario reports (mptcp_tcp_ratio), mean and Student-t 95%
# interval over the seeds (mptcp-summary, GSL)
"${campaign[@]}" plot "$sweep" --x subflows --y mptcp_tcp_ratio --group cc \
  --name ratio-vs-subflows
"${campaign[@]}" export "$sweep" --out "$sweep/runs.csv"
echo "campaign: $sweep/campaign.db, plot $sweep/plots/ratio-vs-subflows.png, runs $sweep/runs.csv"

lb=$root/build/utils/mptcp-loopback
net=(--paths 2 --rate 10Mbps --delay 10ms,30ms --bytes 8MiB --seed 1 --trace-interval 50ms)

echo "== 3. TCP on path 0 versus MPTCP over both paths (loopback network) =="
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

echo "== 4. Loopback: does MPTCP harm TCP at a shared bottleneck? (RFC 6356 goal 2) =="
# one MPTCP connection (2 subflows) and one Reno TCP through a 10 Mbit/s,
# 40 ms RTT bottleneck, 120 virtual seconds, 5 seeds per algorithm
echo "cc,seed,mptcp_tcp_ratio,jain" > "$out/shared-bottleneck.csv"
for cc in reno lia olia balia; do
  for seed in 1 2 3 4 5; do
    "$lb" --mode mptcp --pm ndiffports --subflows 2 --cc "$cc" --tcp-flows 1 \
      --rate 10Mbps --delay 20ms --jitter 1ms --virtual --time 120 --seed "$seed" |
      tail -n 1 | python3 -c "import json,sys; d=json.load(sys.stdin); \
print('$cc,$seed,%.4f,%.4f' % (d['mptcp_tcp_ratio'], d['jain']))" >> "$out/shared-bottleneck.csv"
  done
done
python3 - "$out" <<'PY'
import csv, statistics, sys
out = sys.argv[1]
rows = list(csv.DictReader(open(f"{out}/shared-bottleneck.csv")))
with open(f"{out}/shared-bottleneck-mean.dat", "w") as f:
    for i, cc in enumerate(("reno", "lia", "olia", "balia")):
        r = [float(x["mptcp_tcp_ratio"]) for x in rows if x["cc"] == cc]
        m, s = statistics.mean(r), statistics.stdev(r)
        f.write(f"{i} {cc} {m:.4f} {s:.4f}\n")
        print(f"{cc:6} MPTCP/TCP goodput ratio {m:.2f} +- {s:.2f} (1 = fair share)")
PY
cat > "$out/shared-bottleneck.plt" <<'PLT'
# MPTCP/TCP goodput ratio at a shared bottleneck, mean and standard
# deviation over seeds. Re-run with: gnuplot shared-bottleneck.plt
set terminal pngcairo size 700,450
set output "shared-bottleneck.png"
set ylabel "MPTCP / TCP goodput"
set yrange [0:*]
set style fill solid 0.5
set boxwidth 0.6
set xtics ("uncoupled reno" 0, "lia" 1, "olia" 2, "balia" 3)
set arrow from -0.5,1 to 3.5,1 nohead dt 2
unset key
plot "shared-bottleneck-mean.dat" using 1:3 with boxes, "" using 1:3:4 with yerrorbars lc rgb "black"
PLT
(cd "$out" && gnuplot shared-bottleneck.plt)
echo "plot: $out/shared-bottleneck.png"

echo "== 5. MPTCP v1 handshakes built by the core: $out/handshake.pcap =="
"$root/build/test/oracle/gen-oracle-pcap" "$out/handshake.pcap" | tee "$out/keys.txt"
echo "== tshark's dissection (independent of the core) =="
tshark -r "$out/handshake.pcap" -o mptcp.analyze_mptcp:TRUE \
  -o tcp.analyze_sequence_numbers:TRUE -o tcp.check_checksum:TRUE \
  -T fields -E header=y -E separator=, \
  -e frame.number -e ip.src -e tcp.srcport -e ip.dst -e tcp.dstport \
  -e tcp.flags.str -e tcp.stream -e mptcp.stream \
  -e mptcp.expected_token -e tcp.options.mptcp.subtype \
  | tee "$out/dissection.csv"
echo "== 6. A live exchange with the Linux kernel's MPTCP (skipped where the kernel cannot) =="
python3 "$root/test/interop/test_interop.py" "$root/build/utils/mptcp-tun" --demo |
  tee "$out/live-exchange.txt"

echo "== 7. Attacks (ns-3): each with its defence on and off (doc/security.md) =="
atk=$root/build/examples/mptcp-attack
rm -f "$out/attacks/results.db"
printf '%-34s %-8s %-10s %-14s %-10s\n' attack defence succeeded goodput_loss survived
for a in "rst --offPath=true" "fastclose" "join-flood"; do
  for d in true false; do
    # shellcheck disable=SC2086
    "$atk" --attack=$a --defence=$d --duration=5 --outputDir="$out/attacks" |
      tail -n 1 | python3 -c '
import json, sys
d = json.loads(sys.stdin.read())
name = d["attack"] + (" (on-path)" if d["on_path"] else " (off-path)")
print("%-34s %-8s %-10s %-14.3f %-10s" % (name, d["defence"], d["attack_succeeded"],
                                       d["goodput_loss_fraction"], d["connection_survived"]))'
  done
done
echo "results: $out/attacks/results.db"

echo "== 8. Does MPTCP need traffic shaping? A host with 4 subflows and 4 TCP hosts (doc/security.md F2/F3) =="
shp=$root/build/examples/mptcp-shaping
rm -f "$out/shaping/results.db"
printf '%-6s %-14s %-12s %-10s\n' cc queueDisc share/fair jain_hosts
for cc in reno lia; do
  "$shp" --cc=$cc --duration=30 --warmup=10 --outputDir="$out/shaping" \
    --plot=$([ $cc = reno ] && echo true || echo false) |
    tail -n 1 | python3 -c '
import json, sys
d = json.loads(sys.stdin.read())
for r in d["queue_discs"]:
    print("%-6s %-14s %-12.2f %-10.3f" % (d["params"]["cc"], r["queueDisc"], r["share_ratio"],
                                        r["jain_hosts"]))'
done
echo "results: $out/shaping/results.db, plot $out/shaping/mptcp-shaping.png"

echo "== 9. Khalili et al.'s scenario C (CoNEXT 2012): 10 multipath users on AP1 and AP2, 10 TCP users on AP2 =="
kc=$root/build/examples/mptcp-khalili-c
rm -f "$out/khalili-c/results.db"
"$kc" --ccs=lia,olia --duration=120 --warmup=60 --outputDir="$out/khalili-c" | tail -n 1 |
  python3 -c '
import json, sys
d = json.loads(sys.stdin.read())
paper = {"lia": (1.3, 0.68), "olia": (1.11, 0.88)}  # draft-khalili-mptcp-performance-issues-06, tables 3 and 6
print("%-5s %-12s %9s %9s %13s %7s   %s" % ("cc", "class", "measured", "theory", "theory+floor", "paper",
                                         "loss per AP"))
for r in d["runs"]:
    loss = ", ".join("%s %.4f (theory %s)" % (b["name"], b["loss"],
                     "-" if b.get("theory_loss") is None else "%.4f" % b["theory_loss"])
                     for b in r["bottlenecks"])
    for i, c in enumerate(r["classes"]):
        t, f = c.get("theory_mean_mbps"), c.get("theory_floor_mean_mbps")
        print("%-5s %-12s %9.3f %9s %13s %7.2f   %s" % (r["cc"], c["name"], c["mean_mbps"],
              "-" if t is None else "%.3f" % t, "-" if f is None else "%.3f" % f,
              paper[r["cc"]][i], loss if i == 0 else ""))'
echo "results: $out/khalili-c/results.db, plot $out/khalili-c/mptcp-khalili-c.png"

echo "== 10. The fast engine (doc/fast-mode.md): scenario C again, and the flagship, on --engine=fast =="
mkdir -p "$out/fast"
rm -f "$out/fast/results.db"
"$kc" --engine=fast --ccs=lia,olia --duration=120 --warmup=60 --outputDir="$out/fast" --plot=false |
  tail -n 1 | python3 -c '
import json, sys
d = json.loads(sys.stdin.read())
for r in d["runs"]:
    print("scenario C, fast engine: %-5s " % r["cc"] +
          ", ".join("%s %.3f Mbit/s" % (c["name"], c["mean_mbps"]) for c in r["classes"]))'
for eng in ns3 fast; do
  "$ex" --engine=$eng --competitor=core --subflows=2 --tcpFlows=1 --cc=lia --duration=60 --RngRun=1 \
    --overwrite=true --progress=false --plot=false --outputDir="$out/fast" 2>"$out/fast/$eng.err" |
    tail -n 1 | python3 -c '
import json, sys
d = json.loads(sys.stdin.read())
print("flagship on %-4s: " % d["params"]["engine"] +
      ", ".join("%s %.2f Mbit/s" % (f["kind"], f["goodput_bps"] / 1e6) for f in d["flows"]))'
  grep -o "[0-9.]* us per packet" "$out/fast/$eng.err" | sed "s/^/  wall time: /"
done
echo "results: $out/fast/results.db (parameter engine), doc/validation.md for the cross-check"

echo "== results in $out =="

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The main job: install the dependencies, build, and run the richest
# scenario the module has so far, writing its results under results/.
#
# Today that is the wire-format demonstration: an MPTCP v1 connection
# (MP_CAPABLE handshake, DSS data, an MP_JOIN subflow) built by the core's
# codec and crypto, written as a pcap, dissected by tshark, and its keys,
# tokens and IDSNs printed. The flagship ns-3 shared-bottleneck scenario
# replaces it when it lands.
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
gen=$root/build/test/oracle/gen-oracle-pcap
echo "== MPTCP v1 connection built by the core: $out/handshake.pcap =="
"$gen" "$out/handshake.pcap" | tee "$out/keys.txt"
echo "== tshark's dissection (independent of the core) =="
tshark -r "$out/handshake.pcap" -o mptcp.analyze_mptcp:TRUE \
  -o tcp.analyze_sequence_numbers:TRUE -o tcp.check_checksum:TRUE \
  -T fields -E header=y -E separator=, \
  -e frame.number -e ip.src -e tcp.srcport -e ip.dst -e tcp.dstport \
  -e tcp.flags.str -e tcp.stream -e mptcp.stream \
  -e mptcp.expected_token -e tcp.options.mptcp.subtype \
  | tee "$out/dissection.csv"
echo "== results in $out =="

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# install.template: installs the module from BUILD_DIR into a fresh prefix,
# then builds examples/template against it twice, with its CMake package
# (find_package(ns3-mptcp)) and with pkg-config, and runs both programs.
set -euo pipefail
BUILD_DIR=$1
SRC_DIR=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
prefix=$work/prefix

echo "== cmake --install $BUILD_DIR --prefix $prefix"
cmake --install "$BUILD_DIR" --prefix "$prefix" > "$work/install.log"
for f in include/ns3/mptcp-module.h include/ns3/mptcp-socket.h include/mptcp/mptcp.h; do
  [[ -f $prefix/$f ]] || { echo "missing after install: $f"; exit 1; }
done
found() { find "$prefix" -path "$1" -print -quit; }
[[ -n $(found "*/libns3-mptcp.so") ]] || { echo "missing after install: libns3-mptcp.so"; exit 1; }
cfg=$(found "*/cmake/ns3-mptcp/ns3-mptcpConfig.cmake")
[[ -n $cfg ]] || { echo "missing after install: ns3-mptcpConfig.cmake"; exit 1; }
pc=$(found "*/pkgconfig/ns3-mptcp.pc")
[[ -n $pc ]] || { echo "missing after install: ns3-mptcp.pc"; exit 1; }

echo "== template with find_package(ns3-mptcp)"
cp -r "$SRC_DIR/examples/template" "$work/template"
cmake -S "$work/template" -B "$work/template/build" -DCMAKE_PREFIX_PATH="$prefix" > "$work/configure.log"
cmake --build "$work/template/build" -j2 > "$work/build.log" || { cat "$work/build.log"; exit 1; }
out=$("$work/template/build/my-mptcp" --duration=10)
echo "$out"
grep -q "^t=1 s received" <<< "$out" || { echo "no progress line from the trace"; exit 1; }
mbps=$(sed -n 's/^received [0-9]* bytes, \([0-9.]*\) Mbit\/s$/\1/p' <<< "$out")
# Two paths of 4 and 6 Mbit/s: MPTCP must use more than the faster one.
python3 -c "import sys; m=float('$mbps'); sys.exit(0 if 6.0 < m < 10.0 else 1)" ||
  { echo "goodput $mbps Mbit/s is not above the faster path's 6 Mbit/s"; exit 1; }

echo "== template with pkg-config"
export PKG_CONFIG_PATH=$(dirname "$pc")
flags=$(pkg-config --cflags --libs ns3-mptcp ns3-applications)
libdir=$(pkg-config --variable=libdir ns3-mptcp)
g++ -std=c++17 -o "$work/my-mptcp-pc" "$work/template/main.cc" $flags -Wl,-rpath,"$libdir"
"$work/my-mptcp-pc" --duration=1 | tail -1
"$work/my-mptcp-pc" --duration=-1 && { echo "a bad --duration was accepted"; exit 1; }
echo "install.template: OK"

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Installs every Debian (bookworm) package the mptcp module needs to build,
# test and run its experiments. Safe to run again: apt-get skips what is
# already installed. Needs root (or sudo).
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake pkg-config git xxd python3
  clang libclang-rt-14-dev        # libFuzzer and sanitizer runtimes
  # ns-3 (the second package ships files that ns-3's CMake config needs)
  libns3-dev ns3
  # libraries of the core, the statistics and the results
  nettle-dev libgsl-dev libsqlite3-dev sqlite3
  # tests, plots and the cluster engine
  libcmocka-dev tshark gnuplot-nox slurm-wlm munge
  # the live interop suite with the Linux kernel (ip netns, ip mptcp, nstat)
  iproute2
)

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    SUDO="sudo"
  else
    echo "install-deps: must run as root (or with sudo available) to install packages" >&2
    exit 1
  fi
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-deps: apt-get not found: this script targets Debian bookworm." >&2
  echo "install-deps: install these packages by hand: ${PACKAGES[*]}" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
echo "install-deps: apt-get update"
$SUDO apt-get update -q
echo "install-deps: installing ${#PACKAGES[@]} packages"
$SUDO apt-get install -y -q --no-install-recommends "${PACKAGES[@]}"
echo "install-deps: done"

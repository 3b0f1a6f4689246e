#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Installs every Debian (bookworm) package the mptcp module needs to build,
# test and run its experiments, then the pinned Python packages of the
# cppyy bindings into .venv/ at the repository root (git-ignored): cppyy,
# ns-3's own Python wheel `ns3` (ns-3 3.44 with its cppyy bindings,
# headers and CMake files) and SEM. Safe to run again: apt-get and pip skip
# what is already installed. Needs root (or sudo) for the packages.
#   MPTCP_NO_VENV=1   leave out .venv/ (the cppyy tests are then skipped)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

# Pinned: ns3 3.44.post0 requires exactly cppyy 3.5.0 (with CPyCppyy
# 1.13.0, cppyy-backend 1.15.3, cppyy-cling 6.32.8, which pip resolves).
PY_PACKAGES=(ns3==3.44.post0 cppyy==3.5.0 sem==0.3.9.1)

PACKAGES=(
  # toolchain
  build-essential cmake pkg-config git xxd python3 python3-venv
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

if [ "${MPTCP_NO_VENV:-0}" = 1 ]; then
  echo "install-deps: MPTCP_NO_VENV=1: no .venv/ (Python bindings through cppyy left out)"
  echo "install-deps: done"
  exit 0
fi
venv="$root/.venv"
have_pinned() {
  "$venv/bin/python" - "${PY_PACKAGES[@]}" <<'PY' 2>/dev/null
import importlib.metadata as md, sys
for spec in sys.argv[1:]:
    name, want = spec.split("==")
    if md.version(name) != want:
        sys.exit(1)
PY
}
if [ -x "$venv/bin/python" ] && have_pinned; then
  echo "install-deps: .venv/ has ${PY_PACKAGES[*]}"
else
  echo "install-deps: Python packages into .venv/: ${PY_PACKAGES[*]} (about 800 MB; cppyy builds for about 2 minutes)"
  python3 -m venv "$venv"
  # a short timeout and few retries: without access to the package index
  # this fails within a minute or so instead of hanging
  if ! "$venv/bin/pip" install --disable-pip-version-check --no-input -q --timeout 20 \
      --retries 2 "${PY_PACKAGES[@]}"; then
    echo "install-deps: could not install ${PY_PACKAGES[*]} from the Python package index" >&2
    echo "install-deps: (no network access to https://pypi.org?). To get them elsewhere:" >&2
    echo "install-deps:   python3 -m venv .venv && .venv/bin/pip install ${PY_PACKAGES[*]}" >&2
    echo "install-deps: or download the wheels (pip download ...) and install them with" >&2
    echo "install-deps:   .venv/bin/pip install --no-index --find-links DIR ${PY_PACKAGES[*]}" >&2
    echo "install-deps: or set MPTCP_NO_VENV=1 to go without them (the cppyy tests are skipped)" >&2
    exit 1
  fi
fi
echo "install-deps: done"

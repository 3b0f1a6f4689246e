#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Configures and builds the module standalone against the installed ns-3.
#   scripts/build.sh [--no-tests] [--ns3 wheel] [BUILD_DIR] [extra cmake args...]
# BUILD_DIR defaults to build/ (build-wheel/ with --ns3 wheel). Uses every
# core. --no-tests builds only what experiments need (the core, the tools,
# the ns-3 module and its examples): no tests, no fuzzers, a faster set-up.
# --ns3 wheel builds against the ns-3 of the Python wheel in .venv/
# (scripts/install-deps.sh; ns-3 3.44) instead of Debian's: the core, the
# module, its suites' runner and the flagship example.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tests=ON
ns3=system
while [ $# -gt 0 ]; do
  case "$1" in
    --no-tests) tests=OFF; shift ;;
    --ns3) ns3=${2:-}; shift 2 || { echo "build.sh: --ns3 needs a value (system or wheel)" >&2; exit 2; } ;;
    *) break ;;
  esac
done
case "$ns3" in
  system)
    dir=${1:-$root/build}
    shift || true
    cmake -S "$root" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DMPTCP_WITH_NS3=ON -DMPTCP_TESTS=$tests -DMPTCP_FUZZ=$tests -DMPTCP_SANITIZE=OFF "$@"
    cmake --build "$dir" -j"$(nproc)"
    ;;
  wheel)
    dir=${1:-$root/build-wheel}
    shift || true
    py="$root/.venv/bin/python"
    if [ ! -x "$py" ]; then
      echo "build.sh: --ns3 wheel needs .venv/ with the ns3 wheel: run scripts/install-deps.sh" >&2
      exit 2
    fi
    # the wheel's ns3/ folder, found without importing it (that loads all of ns-3)
    prefix=$("$py" -c 'import importlib.util as u; s = u.find_spec("ns3"); print(s.submodule_search_locations[0] if s else "")')
    if [ -z "$prefix" ] || [ ! -d "$prefix/lib64/cmake/ns3" ]; then
      echo "build.sh: no ns-3 wheel with CMake files in .venv/ (pip install ns3==3.44.post0)" >&2
      exit 2
    fi
    cmake -S "$root" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
      -DMPTCP_WITH_NS3=ON -DMPTCP_TESTS=ON -DMPTCP_FUZZ=OFF -DMPTCP_SANITIZE=OFF \
      -Dns3_DIR="$prefix/lib64/cmake/ns3" -DMPTCP_NS3_WHEEL="$prefix" "$@"
    cmake --build "$dir" -j"$(nproc)" --target ns3-mptcp mptcp-ns3-test-runner \
      mptcp-shared-bottleneck
    ;;
  *)
    echo "build.sh: --ns3 $ns3: system or wheel" >&2
    exit 2
    ;;
esac

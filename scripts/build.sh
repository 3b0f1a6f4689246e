#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Configures and builds the module standalone against the installed ns-3.
#   scripts/build.sh [--no-tests] [BUILD_DIR] [extra cmake args...]
# BUILD_DIR defaults to build/. Uses every core. --no-tests builds only
# what experiments need (the core, the tools, the ns-3 module and its
# examples): no tests, no fuzzers, a faster set-up.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
tests=ON
if [ "${1:-}" = "--no-tests" ]; then
  tests=OFF
  shift
fi
dir=${1:-$root/build}
shift || true
cmake -S "$root" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DMPTCP_WITH_NS3=ON -DMPTCP_TESTS=$tests -DMPTCP_FUZZ=$tests -DMPTCP_SANITIZE=OFF "$@"
cmake --build "$dir" -j"$(nproc)"

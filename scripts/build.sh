#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Configures and builds the module standalone against the installed ns-3.
#   scripts/build.sh [BUILD_DIR] [extra cmake args...]
# BUILD_DIR defaults to build/. Uses every core.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$root/build}
shift || true
cmake -S "$root" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DMPTCP_WITH_NS3=ON -DMPTCP_TESTS=ON -DMPTCP_FUZZ=ON -DMPTCP_SANITIZE=OFF "$@"
cmake --build "$dir" -j"$(nproc)"

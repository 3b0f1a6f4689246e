#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# Runs every test of the module, as CI does:
#  1. installs the Debian dependencies (scripts/install-deps.sh);
#  2. builds in build/ and runs the whole ctest suite; then builds against
#     ns-3 3.44 from ns-3's Python wheel in build-wheel/ and checks the
#     module's suites, determinism and the Python flagship there;
#  3. builds again with AddressSanitizer + UndefinedBehaviorSanitizer in
#     build-asan/ and runs the suite there too, except the tests labelled
#     "long" (statistics over many seeds of the flagship scenario; the
#     fuzzers, sanitized already, are not built there).
# Exits non-zero if any step or any test fails.
#   MPTCP_SKIP_INSTALL=1   skip step 1 (packages already installed)
#   MPTCP_SKIP_SANITIZE=1  skip step 3
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"

if [ "${MPTCP_SKIP_INSTALL:-0}" != 1 ]; then
  bash scripts/install-deps.sh
fi

jobs=$(nproc)
echo "== build (release) =="
bash scripts/build.sh "$root/build"
echo "== tests (release) =="
ctest --test-dir "$root/build" --output-on-failure -j"$jobs"

# The same module against ns-3 3.44, from ns-3's Python wheel in .venv/
# (scripts/install-deps.sh): its suites, the flagship's determinism, and
# the flagship from ns-3's Python API (test/ns3/check_wheel.py).
if [ -x "$root/.venv/bin/python" ]; then
  echo "== build against ns-3 3.44 (Python wheel) =="
  bash scripts/build.sh --ns3 wheel "$root/build-wheel"
  echo "== ns-3 3.44: suites, determinism, Python flagship =="
  python3 test/ns3/check_wheel.py "$root/build-wheel"
elif [ "${MPTCP_NO_VENV:-0}" = 1 ]; then
  echo "== MPTCP_NO_VENV=1: no build against ns-3 3.44 (Python wheel) =="
else
  echo "test.sh: .venv/ is missing (scripts/install-deps.sh makes it; MPTCP_NO_VENV=1 to go without)" >&2
  exit 1
fi

if [ "${MPTCP_SKIP_SANITIZE:-0}" != 1 ]; then
  echo "== build (ASan + UBSan) =="
  # the libFuzzer harnesses are sanitized already: run them once, above
  bash scripts/build.sh "$root/build-asan" -DMPTCP_SANITIZE=ON -DCMAKE_BUILD_TYPE=Debug -DMPTCP_FUZZ=OFF
  echo "== tests (ASan + UBSan) =="
  ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1} \
  UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
    ctest --test-dir "$root/build-asan" --output-on-failure -j"$jobs" -LE long
fi
echo "== all tests passed =="

#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
#
# check-intree.sh NS3_DIR [--jobs N] [--keep-build]
#
# Builds this module as contrib/mptcp inside the ns-3 source tree NS3_DIR
# (a CMake-based ns-3, 3.37 or later: a release or an ns-3-dev checkout),
# configured with only the modules it needs, in debug mode with warnings
# as errors, then runs its ns-3 test suites and its example there.
#
# It copies the module's files (tracked and untracked, not ignored) over
# NS3_DIR/contrib/mptcp, so the tree checks the working copy as it is.
# It takes about 30 minutes on 2 cores for a fresh tree (ns-3 itself is
# most of it), too slow for every CI run: run it before a release, and
# after any change to the build files or to the ns-3 API the module uses.
#
# A waf-based tree (ns-3.35 and older) is refused with the reason: the
# module needs ns-3 3.37 or later (README, "Building").
#
# Exit status: 0 when everything passed, 1 when a step failed, 2 for bad
# arguments or a tree that cannot host the module.
set -euo pipefail

usage() {
  echo "usage: $0 NS3_DIR [--jobs N] [--keep-build]" >&2
  exit 2
}

[[ $# -ge 1 ]] || usage
NS3_DIR=$1
shift
JOBS=2
KEEP=0
while [[ $# -gt 0 ]]; do
  case $1 in
  --jobs)
    [[ $# -ge 2 && $2 =~ ^[1-9][0-9]*$ ]] || { echo "check-intree: --jobs needs a positive integer" >&2; exit 2; }
    JOBS=$2
    shift 2
    ;;
  --keep-build) KEEP=1; shift ;;
  *) echo "check-intree: unknown argument '$1'" >&2; usage ;;
  esac
done

ROOT=$(cd "$(dirname "$0")/.." && pwd)
[[ -d $NS3_DIR ]] || { echo "check-intree: '$NS3_DIR' is not a directory" >&2; exit 2; }
NS3_DIR=$(cd "$NS3_DIR" && pwd)

if [[ -f $NS3_DIR/waf && ! -f $NS3_DIR/ns3 ]]; then
  echo "check-intree: $NS3_DIR is a waf-based ns-3 tree (ns-3.35 or older)." >&2
  echo "check-intree: the mptcp module needs ns-3 3.37 or later; its wscript stops at configure." >&2
  exit 2
fi
if [[ ! -x $NS3_DIR/ns3 || ! -f $NS3_DIR/CMakeLists.txt || ! -d $NS3_DIR/src/internet ]]; then
  echo "check-intree: $NS3_DIR is not an ns-3 source tree (no ./ns3, CMakeLists.txt or src/internet)" >&2
  exit 2
fi

version=$(cat "$NS3_DIR/VERSION" 2>/dev/null || echo unknown)
commit=$(git -C "$NS3_DIR" rev-parse HEAD 2>/dev/null || echo "not a git checkout")
describe=$(git -C "$NS3_DIR" describe --tags 2>/dev/null || echo "")
echo "check-intree: ns-3 tree $NS3_DIR"
echo "check-intree: VERSION $version, commit $commit ${describe:+($describe)}"
echo "check-intree: module $(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)$(git -C "$ROOT" diff --quiet 2>/dev/null || echo ' with local changes')"

# The module's files as they are in the working copy.
dest=$NS3_DIR/contrib/mptcp
rm -rf "$dest"
mkdir -p "$dest"
(cd "$ROOT" && git ls-files -z --cached --others --exclude-standard |
  while IFS= read -r -d '' f; do [[ -e $f ]] && printf '%s\0' "$f"; done |
  tar --null -T - -cf -) | tar -C "$dest" -xf -

cd "$NS3_DIR"
if [[ $KEEP -eq 0 ]]; then
  rm -rf cmake-cache build
fi

step() { echo "check-intree: == $*"; }

step "configure"
./ns3 configure -d debug --enable-werror --enable-examples --enable-tests \
  --enable-modules=mptcp --filter-module-examples-and-tests=mptcp

# ./ns3 build caps the jobs at cores - 1; cmake takes what it is given.
step "build (-j$JOBS)"
cmake --build cmake-cache -j"$JOBS"


step "modules configured"
./ns3 show config 2>/dev/null | sed -n '/Modules configured to be built/,/^$/p' || true

step "test suites"
runner=$(ls build/utils/ns*-test-runner-debug 2>/dev/null | head -1)
[[ -x $runner ]] || { echo "check-intree: no test runner was built" >&2; exit 1; }
suites=$("$runner" --list | tr -d ' ' | grep '^mptcp' | sort -u)
[[ -n $suites ]] || { echo "check-intree: the test runner lists no mptcp suite" >&2; exit 1; }
failed=0
for s in $suites; do
  if "$runner" --suite="$s" --verbose > "cmake-cache/mptcp-suite-$s.log" 2>&1; then
    echo "PASS $s: $(grep -cE '^ +PASS' "cmake-cache/mptcp-suite-$s.log") test cases"
  else
    echo "FAIL $s (log: $NS3_DIR/cmake-cache/mptcp-suite-$s.log)"
    tail -20 "cmake-cache/mptcp-suite-$s.log"
    failed=1
  fi
done

step "example"
ex=$(ls build/contrib/mptcp/examples/ns*-mptcp-shared-bottleneck-debug 2>/dev/null | head -1)
[[ -x $ex ]] || { echo "check-intree: the example was not built" >&2; exit 1; }
outdir=$(mktemp -d)
if "$ex" --duration=4 --warmup=1 --outputDir="$outdir" > "$outdir/stdout" 2> "$outdir/stderr"; then
  echo "example: $(tail -1 "$outdir/stdout" | cut -c1-160)..."
else
  echo "FAIL example (output in $outdir)"
  tail -20 "$outdir/stderr"
  failed=1
fi

if [[ $failed -ne 0 ]]; then
  echo "check-intree: FAILED"
  exit 1
fi
echo "check-intree: OK (ns-3 $version, $commit)"

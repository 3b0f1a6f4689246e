# SPDX-License-Identifier: GPL-2.0-only
"""Runs its arguments with .venv/bin/python (made by scripts/install-deps.sh).

Without .venv/ it fails, saying how to make it, unless MPTCP_NO_VENV=1 says
the environment was left out on purpose: then it exits 77, which ctest
reports as skipped.
"""

import os
import sys
from pathlib import Path

VENV_PY = Path(__file__).resolve().parents[2] / ".venv" / "bin" / "python"

if not VENV_PY.exists():
    if os.environ.get("MPTCP_NO_VENV") == "1":
        print(f"MPTCP_NO_VENV=1: {VENV_PY} left out, skipped", file=sys.stderr)
        sys.exit(77)
    print(f"{VENV_PY} is missing: run `bash scripts/install-deps.sh` "
          "(or set MPTCP_NO_VENV=1 to skip the tests that need it)",
          file=sys.stderr)
    sys.exit(1)
os.execv(str(VENV_PY), [str(VENV_PY), *sys.argv[1:]])

# SPDX-License-Identifier: GPL-2.0-only
"""Tests of mptcp.sansio, the core's stacks from Python through cppyy.

Run by ctest as py.sansio with the system Python (standard library only):
the checks that need cppyy run in .venv/bin/python (scripts/install-deps.sh
makes it) as sansio_child.py. Without .venv/ the test fails, unless
MPTCP_NO_VENV=1 says it was left out on purpose (then those checks skip).
"""

import importlib.util
import json
import os
import subprocess
import sys
import unittest
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
VENV_PY = REPO / ".venv" / "bin" / "python"


class TestSansio(unittest.TestCase):
    def test_without_cppyy_clear_error(self):
        """In a Python without cppyy, `import mptcp` works and the stacks
        say what to install."""
        if importlib.util.find_spec("cppyy") is not None:
            self.skipTest("this Python has cppyy")
        code = ("import mptcp\nfrom mptcp import sansio\n"
                "try:\n    sansio.load()\nexcept sansio.CppyyMissing as e:\n"
                "    print('missing:', e)\n")
        p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                           timeout=60)
        self.assertEqual(p.returncode, 0, p.stderr)
        self.assertIn("missing:", p.stdout)
        self.assertIn("install-deps.sh", p.stdout)
        self.assertIn("cppyy==3.5.0", p.stdout)

    def test_two_stacks_in_python_host_loop(self):
        """Two stacks exchange 1 MiB each way over MPTCP with two subflows
        in the Python host loop (sansio.Wire), verified byte for byte; the
        same C codec and crypto through cppyy and ctypes agree."""
        if not VENV_PY.exists():
            if os.environ.get("MPTCP_NO_VENV") == "1":
                self.skipTest("MPTCP_NO_VENV=1: no .venv/ with cppyy")
            self.fail(f"{VENV_PY} is missing: run `bash scripts/install-deps.sh` "
                      "(or set MPTCP_NO_VENV=1 to skip the cppyy tests)")
        p = subprocess.run([str(VENV_PY), str(HERE / "sansio_child.py"), str(1 << 20)],
                           capture_output=True, text=True, timeout=600, cwd=HERE,
                           env={**os.environ, "PYTHONPATH": str(REPO / "scripts")})
        self.assertEqual(p.returncode, 0, p.stderr[-3000:])
        r = json.loads(p.stdout.strip().splitlines()[-1])
        print(json.dumps(r), file=sys.stderr)
        self.assertTrue(r["a_to_b_ok"] and r["b_to_a_ok"], r)
        self.assertEqual((r["a_to_b"], r["b_to_a"]), (1 << 20, 1 << 20), r)
        self.assertEqual((r["subflows_a"], r["subflows_b"]), (2, 2), r)
        self.assertTrue(r["mptcp"] and r["peer_closed"], r)
        self.assertEqual(r["join_ok_b"], 1, r)
        self.assertEqual(r["codec_problems"], [], r)

    def test_example_two_stacks(self):
        """examples/mptcp-two-stacks.py runs and verifies its bytes."""
        if not VENV_PY.exists():
            self.skipTest("no .venv/ (see test_two_stacks_in_python_host_loop)")
        p = subprocess.run([str(VENV_PY), str(REPO / "examples" / "mptcp-two-stacks.py"),
                            "--bytes", "200000", "--subflows", "3"],
                           capture_output=True, text=True, timeout=600, cwd=HERE)
        self.assertEqual(p.returncode, 0, p.stdout + p.stderr[-3000:])
        self.assertIn("200000 bytes A->B, verified; 3 subflows, MPTCP: True", p.stdout)
        bad = subprocess.run([str(VENV_PY), str(REPO / "examples" / "mptcp-two-stacks.py"),
                              "--subflows", "9"], capture_output=True, text=True, timeout=60)
        self.assertEqual(bad.returncode, 2)
        self.assertIn("--subflows 1..8", bad.stderr)


if __name__ == "__main__":
    unittest.main()

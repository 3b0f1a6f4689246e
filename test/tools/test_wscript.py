# SPDX-License-Identifier: GPL-2.0-only
"""The waf outcome: the wscript, run as waf runs a contrib module's
wscript, stops at configure (and at build) with a message naming the
minimum ns-3 version, the same version the CMake build requires."""
import pathlib
import re
import runpy
import unittest

ROOT = pathlib.Path(__file__).resolve().parents[2]


class Fatal(Exception):
    pass


class FakeContext:
    """What waf hands a wscript's configure() and build(): only fatal()
    is used."""

    def fatal(self, msg):
        raise Fatal(msg)


class WscriptTest(unittest.TestCase):
    def setUp(self):
        self.ws = runpy.run_path(str(ROOT / "wscript"))

    def cmake_minimum(self):
        text = (ROOT / "cmake" / "ns3-module.cmake").read_text()
        m = re.search(r"ns3_VERSION VERSION_LESS (\d+\.\d+)", text)
        self.assertIsNotNone(m, "cmake/ns3-module.cmake states no minimum ns-3 version")
        return m.group(1)

    def test_configure_stops_with_minimum_version(self):
        with self.assertRaises(Fatal) as cm:
            self.ws["configure"](FakeContext())
        msg = str(cm.exception)
        self.assertIn("ns-3 %s or later" % self.cmake_minimum(), msg)
        self.assertIn("waf", msg)

    def test_build_stops_too(self):
        with self.assertRaises(Fatal):
            self.ws["build"](FakeContext())

    def test_options_accepts_waf_options_context(self):
        self.ws["options"](FakeContext())

    def test_readme_states_outcome(self):
        readme = (ROOT / "README.md").read_text()
        self.assertRegex(readme, r"waf[^\n]*ns-3\.35")
        self.assertIn(self.cmake_minimum(), readme)


if __name__ == "__main__":
    unittest.main()

# SPDX-License-Identifier: GPL-2.0-only
"""Adding an algorithm is one new file plus one registration line.

Two test-only algorithms live here, not shipped: a seventh congestion
control (cc_scalable.c, "scalable") and a sixth scheduler (sched_sticky.c,
"sticky"). Each is added the two ways doc/extending.md describes, and
nothing else is edited:

  extend.tree    a copy of the source tree gets the two files in
                 model/core/src/ and one line each in algos.def (the diff
                 is checked to be exactly that); the build picks the files
                 up (file(GLOB)); mptcp-loopback --help lists both names,
                 its error messages too, and a transfer runs with them.
  extend.option  the unmodified tree configured with
                 MPTCP_EXTRA_ALGO_SOURCES and MPTCP_EXTRA_ALGO_LIST (this
                 directory's algos-extra.def): the same checks; with
                 MPTCP_EXTEND_NS3=1 also the ns-3 module: the flagship's
                 --PrintHelp and --PrintAttributes=ns3::MptcpSocket list
                 both names and a short flagship run uses them.

The shipped tool (MPTCP_LOOPBACK) must not know either name.
Environment: MPTCP_SOURCE_DIR (the tree), MPTCP_EXTEND_WORK (scratch
directory), MPTCP_LOOPBACK (the shipped tool), MPTCP_EXTEND_NS3.
"""
import difflib
import filecmp
import json
import os
import shutil
import subprocess
import unittest

SRC = os.environ["MPTCP_SOURCE_DIR"]
WORK = os.environ["MPTCP_EXTEND_WORK"]
SHIPPED_TOOL = os.environ["MPTCP_LOOPBACK"]
HERE = os.path.dirname(os.path.abspath(__file__))
NEW = {"cc_scalable.c": "MPTCP_CC(tcp_cc_scalable)",
       "sched_sticky.c": "MPTCP_SCHED(mptcp_sched_sticky)"}
JOBS = "2"


def cmake(src, build, *defs):
    subprocess.run(["cmake", "-S", src, "-B", build, "-DCMAKE_BUILD_TYPE=RelWithDebInfo",
                    "-DMPTCP_TESTS=OFF", "-DMPTCP_FUZZ=OFF", "-DMPTCP_SANITIZE=OFF", *defs],
                   check=True, capture_output=True, text=True)


def build(build_dir, *targets):
    p = subprocess.run(["cmake", "--build", build_dir, "-j", JOBS, "--target", *targets],
                       capture_output=True, text=True)
    if p.returncode:
        raise AssertionError(f"build failed:\n{p.stdout[-3000:]}\n{p.stderr[-3000:]}")


def tool_in(build_dir):
    return os.path.join(build_dir, "utils", "mptcp-loopback")


class Checks:
    def check_tool(self, tool):
        h = subprocess.run([tool, "--help"], capture_output=True, text=True, check=True).stdout
        cc = next(line for line in h.splitlines() if "--cc NAME" in line)
        sched = next(line for line in h.splitlines() if "--scheduler NAME" in line)
        self.assertIn("scalable", cc)       # uncoupled: on the --cc line itself
        self.assertIn("sticky", sched)
        self.assertIn("minrtt", sched)      # the shipped ones are still there
        # an unknown name is refused with the registry's list, new names included
        for opt, want in (("--scheduler", "sticky"), ("--cc", "scalable")):
            p = subprocess.run([tool, "--mode", "mptcp", opt, "nosuch", "--bytes", "64KiB"],
                               capture_output=True, text=True)
            self.assertEqual(p.returncode, 2, p.stderr)
            self.assertIn(want, p.stderr)
        # a short transfer with both, over two paths
        out = {}
        for sched, cc in (("sticky", "scalable"), ("minrtt", "scalable"), ("sticky", "lia")):
            p = subprocess.run([tool, "--mode", "mptcp", "--paths", "2", "--rate",
                                "10Mbps,20Mbps", "--delay", "10ms,30ms", "--loss", "0.01",
                                "--rcvbuf", "64KiB", "--bytes", "1MiB", "--scheduler", sched,
                                "--cc", cc],
                               capture_output=True, text=True, check=True)
            j = json.loads(p.stdout.strip().splitlines()[-1])
            self.assertTrue(j["verified"], (sched, cc))
            self.assertEqual((j["scheduler"], j["cc"]), (sched, cc))
            out[sched, cc] = j
        # the algorithms ran: each run differs from the one with the shipped
        # algorithm in its place (with a small receive buffer, sticky keeps
        # data on the slow subflow where minRTT moves it back to the fast one)
        def key(j):
            return (j["goodput_bps"], j["retransmissions"],
                    tuple(x["bytes_sent"] for x in j["flows"][0]["subflows"]))
        self.assertNotEqual(key(out["sticky", "scalable"]), key(out["minrtt", "scalable"]))
        self.assertNotEqual(key(out["sticky", "scalable"]), key(out["sticky", "lia"]))


class Test_shipped_tool(unittest.TestCase):
    def test_not_shipped(self):
        h = subprocess.run([SHIPPED_TOOL, "--help"], capture_output=True, text=True,
                           check=True).stdout
        self.assertNotIn("sticky", h)
        self.assertNotIn("scalable", h)
        for name in NEW:
            self.assertFalse(os.path.exists(os.path.join(SRC, "model", "core", "src", name)))


class Test_tree(unittest.TestCase, Checks):
    """The shipped way: the files in model/core/src, a line each in algos.def."""

    def test_one_file_one_line(self):
        tree = os.path.join(WORK, "tree")
        shutil.rmtree(tree, ignore_errors=True)
        def skip(d, names):  # the repository and the build trees at the top
            return [n for n in names if n == "__pycache__" or
                    (os.path.samefile(d, SRC) and (n == ".git" or n.startswith("build")))]
        shutil.copytree(SRC, tree, ignore=skip)
        src_dir = os.path.join(tree, "model", "core", "src")
        for name, line in NEW.items():
            shutil.copy(os.path.join(HERE, name), src_dir)
            with open(os.path.join(src_dir, "algos.def"), "a") as f:
                f.write(line + "\n")
        # the edit is exactly that: two new files, two added lines
        changed, added = [], []
        for root, dirs, files in os.walk(tree):
            for f in files:
                rel = os.path.relpath(os.path.join(root, f), tree)
                orig = os.path.join(SRC, rel)
                if not os.path.exists(orig):
                    added.append(rel)
                elif not filecmp.cmp(orig, os.path.join(tree, rel), shallow=False):
                    changed.append(rel)
        self.assertEqual(sorted(added), sorted(f"model/core/src/{n}" for n in NEW))
        self.assertEqual(changed, ["model/core/src/algos.def"])
        with open(os.path.join(SRC, "model/core/src/algos.def")) as a, \
                open(os.path.join(src_dir, "algos.def")) as b:
            diff = [d for d in difflib.unified_diff(a.readlines(), b.readlines(), n=0)
                    if d[:1] in "+-" and d[:3] not in ("+++", "---")]
        self.assertEqual(sorted(diff), sorted(f"+{line}\n" for line in NEW.values()))
        bdir = os.path.join(WORK, "tree-build")
        shutil.rmtree(bdir, ignore_errors=True)
        cmake(tree, bdir, "-DMPTCP_WITH_NS3=OFF")
        build(bdir, "mptcp-loopback")
        self.check_tool(tool_in(bdir))


class Test_option(unittest.TestCase, Checks):
    """A test build: the unmodified tree, the algorithms and their lines
    given on the CMake command line."""

    def test_build_option(self):
        ns3 = os.environ.get("MPTCP_EXTEND_NS3") == "1"
        bdir = os.path.join(WORK, "option-ns3" if ns3 else "option")
        shutil.rmtree(bdir, ignore_errors=True)
        cmake(SRC, bdir, f"-DMPTCP_WITH_NS3={'ON' if ns3 else 'OFF'}",
              "-DMPTCP_EXTRA_ALGO_SOURCES=" + ";".join(os.path.join(HERE, n) for n in NEW),
              "-DMPTCP_EXTRA_ALGO_LIST=" + os.path.join(HERE, "algos-extra.def"))
        build(bdir, "mptcp-loopback", *(["mptcp-shared-bottleneck"] if ns3 else []))
        self.check_tool(tool_in(bdir))
        if not ns3:
            return
        prog = os.path.join(bdir, "examples", "mptcp-shared-bottleneck")
        h = subprocess.run([prog, "--PrintHelp"], capture_output=True, text=True).stdout
        self.assertIn("sticky", next(x for x in h.splitlines() if "--scheduler:" in x))
        self.assertIn("scalable", next(x for x in h.splitlines() if "--cc:" in x))
        a = subprocess.run([prog, "--PrintAttributes=ns3::MptcpSocket"], capture_output=True,
                           text=True).stdout
        lines = a.splitlines()
        doc = {lines[i].strip().split("=")[0]: lines[i + 1]
               for i in range(len(lines) - 1) if lines[i].strip().startswith("--ns3::")}
        self.assertIn("sticky", doc["--ns3::MptcpSocket::Scheduler"])
        self.assertIn("scalable", doc["--ns3::MptcpSocket::CongestionControl"])
        self.assertIn("scalable", doc["--ns3::MptcpSocket::TcpCongestionControl"])
        out = os.path.join(WORK, "flagship")
        shutil.rmtree(out, ignore_errors=True)
        p = subprocess.run([prog, "--scheduler=sticky", "--cc=scalable", "--duration=3",
                            "--warmup=1", "--plot=false", "--results=false",
                            f"--outputDir={out}"], capture_output=True, text=True, timeout=600)
        self.assertEqual(p.returncode, 0, p.stderr[-2000:])
        j = json.loads(p.stdout.strip().splitlines()[-1])
        self.assertEqual((j["params"]["scheduler"], j["params"]["cc"]), ("sticky", "scalable"))
        self.assertEqual(j["flows"][0]["kind"], "mptcp")
        self.assertGreater(j["flows"][0]["goodput_bps"], 0)


if __name__ == "__main__":
    unittest.main()

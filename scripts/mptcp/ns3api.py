# SPDX-License-Identifier: GPL-2.0-only
"""The mptcp ns-3 module in ns-3's own Python API.

ns-3's Python wheel (`pip install ns3`, pinned in scripts/install-deps.sh:
ns-3 3.44 with its cppyy bindings) gives ``from ns import ns``. Its loader
finds only the libraries of the wheel itself, so this module loads the
mptcp module beside it: the library built against the wheel's ns-3
(``scripts/build.sh --ns3 wheel``, in build-wheel/) and its headers, read
by cppyy. Then ``ns.MptcpStackHelper``, ``ns.MptcpScenarioRun``,
``ns.MptcpSocketFactory`` and the rest are there as ns-3's own classes::

    from mptcp.ns3api import load
    ns = load()                       # `from ns import ns`, with mptcp
    p = ns.MptcpScenarioParams()

Caveats: ``from ns import ns`` takes about ten seconds (cppyy reads every
module's headers) and prints two harmless "Failed to materialize symbols"
lines; the wheel's loader searches the current directory recursively for
ns-3 libraries, and this repository holds builds against other ns-3
releases, so the import runs from an empty directory.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Optional

__all__ = ["Ns3ApiMissing", "load"]

_REPO = Path(__file__).resolve().parents[2]
_ns = None


class Ns3ApiMissing(ImportError):
    """ns-3's Python API, or the module built against it, is missing."""


def load(build: Optional[Path] = None):
    """ns-3's ``ns`` namespace with the mptcp module loaded in it. `build`:
    the build folder of ``scripts/build.sh --ns3 wheel`` (default
    build-wheel/ of this repository)."""
    global _ns
    if _ns is not None:
        return _ns
    build = Path(build or _REPO / "build-wheel").resolve()
    lib = build / "libns3-mptcp.so"
    inc = build / "include"
    if not lib.exists() or not (inc / "ns3" / "mptcp-module.h").exists():
        raise Ns3ApiMissing(f"no mptcp module built against the ns-3 wheel in {build}: "
                            "run `bash scripts/build.sh --ns3 wheel`")
    here = os.getcwd()
    with tempfile.TemporaryDirectory() as empty:
        os.chdir(empty)
        try:
            from ns import ns  # noqa: PLC0415 (the ns3 wheel)
        except ImportError as e:
            raise Ns3ApiMissing("ns-3's Python API (`from ns import ns`) is missing: run "
                                "scripts/install-deps.sh and use .venv/bin/python "
                                "(pip install ns3==3.44.post0)") from e
        finally:
            os.chdir(here)
    import cppyy  # noqa: PLC0415 (installed with the wheel)
    cppyy.add_include_path(str(inc))
    cppyy.add_include_path(str(_REPO / "model" / "core" / "include"))
    cppyy.include("ns3/mptcp-module.h")
    cppyy.load_library(str(lib))
    _ns = ns
    return ns

# SPDX-License-Identifier: GPL-2.0-only
"""Results from Python, standard library only: the rows of a results.db or
campaign.db as dicts, and a run of the loopback network as its JSON.

    from mptcp import data
    runs = data.rows("results/results.db", "SELECT * FROM run")
    out = data.loopback(mode="mptcp", paths=2, time="3s", cc="olia")
    out["goodput_bps"], out["flows"][0]["subflows"]
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any, Optional, Sequence

__all__ = ["DataError", "rows", "tables", "loopback", "loopback_path"]

_REPO = Path(__file__).resolve().parents[2]


class DataError(RuntimeError):
    """A database that cannot be read, or a loopback run that failed."""


def _connect(path: str) -> sqlite3.Connection:
    if not Path(path).is_file():
        raise DataError(f"{path}: no such database")
    try:
        conn = sqlite3.connect(f"file:{Path(path).resolve()}?mode=ro", uri=True)
        conn.row_factory = sqlite3.Row
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.Error as e:
        raise DataError(f"{path}: not a readable SQLite database ({e})") from e


def rows(path: str, sql: str, params: Sequence[Any] = ()) -> list[dict]:
    """The rows a query gives, each a dict column -> value (read-only)."""
    conn = _connect(path)
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    except sqlite3.Error as e:
        raise DataError(f"{path}: {e}") from e
    finally:
        conn.close()


def tables(path: str) -> list[str]:
    """The tables of a database, by name."""
    return [r["name"] for r in rows(path, "SELECT name FROM sqlite_master WHERE type = 'table' "
                                          "ORDER BY name")]


def loopback_path() -> str:
    """The mptcp-loopback program: MPTCP_LOOPBACK, a build of this
    repository (build*/utils/), or the PATH."""
    env = os.environ.get("MPTCP_LOOPBACK")
    if env:
        return env
    for d in sorted(_REPO.glob("build*/utils/mptcp-loopback")):
        if os.access(d, os.X_OK):
            return str(d)
    found = shutil.which("mptcp-loopback")
    if found:
        return found
    raise DataError("mptcp-loopback not found: build it (scripts/build.sh) or set MPTCP_LOOPBACK")


def loopback(timeout: Optional[float] = 600, **options: Any) -> dict:
    """Runs the loopback network (mptcp-loopback, the netsim library) and
    returns its JSON. Options are the program's, underscores for dashes:
    ``loopback(mode="mptcp", paths=2, bytes="8MiB", loss="1%")``; True
    gives a flag alone (``virtual=True``), a list a comma list."""
    args = [loopback_path()]
    for name, value in options.items():
        flag = "--" + name.replace("_", "-")
        if value is True:
            args.append(flag)
        elif value is False or value is None:
            continue
        else:
            args += [flag, ",".join(map(str, value)) if isinstance(value, (list, tuple))
                     else str(value)]
    p = subprocess.run(args, capture_output=True, text=True, timeout=timeout)
    if p.returncode != 0:
        raise DataError(f"mptcp-loopback exited with {p.returncode}: {p.stderr.strip()[-500:]}")
    lines = p.stdout.strip().splitlines()
    try:
        return json.loads(lines[-1])
    except (IndexError, ValueError) as e:
        raise DataError("mptcp-loopback printed no JSON line") from e

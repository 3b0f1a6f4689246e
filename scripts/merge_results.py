#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""Merge per-run results files into a campaign database.

Every run of a scenario writes its own small SQLite file (ns3::MptcpResults,
schema in scripts/results_schema.sql). This script adds them to one campaign
database:

    merge_results.py CAMPAIGN_DB RUN_DB [RUN_DB ...]

CAMPAIGN_DB is created with the schema when it does not exist. Each RUN_DB
is attached read-only and copied in one transaction, with new ids for its
points, runs, entities and series; either all of a file's runs are added or
none. A run already in the campaign database, keyed on (campaign name and
scenario, params_hash, rng_seed, rng_run), is skipped, so running the merge
again after an interruption (or over a growing set of files) adds only what
is missing. A run still in status 'running' (its process never finished) is
not merged, so that a later complete execution of it can be.

A file whose writer did not finish a transaction is refused whole: one
with a hot rollback journal (FILE-journal) or a write-ahead log (FILE-wal)
beside it (the writer was killed, or is still writing), one that fails
SQLite's quick_check, and one with a run in status 'ok' that has no
metrics (a torn copy: the file was copied without its journal).

A file that is not a results database of this schema version (not SQLite,
damaged, missing, another version) is reported with its name and skipped;
the other files are still merged and nothing already in the campaign
database changes. Exit status: 0 when every file merged, 1 when some could
not be, 2 when the campaign database itself is unusable.
"""

from __future__ import annotations

import argparse
import os
import re
import sqlite3
import sys
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

SCHEMA_FILE = Path(__file__).resolve().with_name("results_schema.sql")

# Tables every results file has (the schema's views are not needed here).
TABLES = ("schema_version", "campaign", "point", "param", "run", "entity",
          "metric", "series", "sample")


class MergeError(Exception):
    """A file could not be merged; the message says which and why."""


@dataclass
class FileResult:
    """What merging one file did."""
    added: int = 0
    present: int = 0
    unfinished: int = 0


def load_schema(path: Path = SCHEMA_FILE) -> tuple[str, int]:
    """Return the schema SQL and the version it declares."""
    try:
        sql = path.read_text(encoding="utf-8")
    except OSError as e:
        raise MergeError(f"cannot read the schema {path}: {e.strerror}") from e
    m = re.search(r"INSERT INTO schema_version \(version\) VALUES \((\d+)\)", sql)
    if not m:
        raise MergeError(f"{path} does not declare a schema version")
    return sql, int(m.group(1))


def sqlite_uri(path: str, mode: str) -> str:
    """An SQLite URI for a file path, whatever characters it holds."""
    return "file:" + urllib.parse.quote(os.path.abspath(path)) + "?mode=" + mode


JOURNAL_MAGIC = bytes.fromhex("d9d505f920a163d7")


def unfinished_write(path: str) -> str | None:
    """Why the file's last write is unfinished, or None: a rollback journal
    with a valid header (hot unless its writer still runs), or a
    write-ahead log, beside it."""
    journal = path + "-journal"
    try:
        with open(journal, "rb") as f:
            head = f.read(8)
    except FileNotFoundError:
        head = b""
    except OSError as e:
        return f"its journal {journal} cannot be read ({e.strerror})"
    if head == JOURNAL_MAGIC:
        return (f"it has a hot journal {journal}: the process writing it was killed, or "
                "is still writing, in the middle of a transaction, so the file alone may be "
                "torn. Let the run finish, or re-run it into the same folder, or let SQLite "
                "roll the journal back by opening the file once where it and its folder are "
                f"writable (sqlite3 {path} 'PRAGMA quick_check;'); then merge again")
    wal = path + "-wal"
    if os.path.exists(wal) and os.path.getsize(wal) > 0:
        return (f"it has a write-ahead log {wal} that is not checkpointed: the writer is "
                "still running or was killed. Open the file once with sqlite3 where it is "
                "writable, or re-run it; then merge again")
    return None


def describe(e: sqlite3.Error) -> str:
    """SQLite's message, with a plain reading of the common ones."""
    text = str(e)
    if "attempt to write a readonly database" in text:
        return ("SQLite needs to write the file to read it (" + text + "): a rollback "
                "journal left by a killed writer must be rolled back first, which needs "
                "write access to the file and its folder")
    if "file is not a database" in text:
        return "not an SQLite database (" + text + ")"
    if "malformed" in text:
        return "damaged SQLite database (" + text + ")"
    return text


def open_campaign(path: str, schema_sql: str, version: int) -> sqlite3.Connection:
    """Open the campaign database, creating it with the schema if needed."""
    if os.path.isdir(path):
        raise MergeError(f"campaign database {path}: is a folder")
    create = not os.path.exists(path) or os.path.getsize(path) == 0
    try:
        conn = sqlite3.connect(sqlite_uri(path, "rwc"), uri=True, isolation_level=None)
    except sqlite3.Error as e:
        raise MergeError(f"campaign database {path}: cannot open: {describe(e)}") from e
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        if create:
            conn.execute("BEGIN IMMEDIATE")
            try:
                for statement in split_sql(schema_sql):
                    conn.execute(statement)
                conn.execute("COMMIT")
            except sqlite3.Error:
                conn.execute("ROLLBACK")
                raise
        check_version(conn, "main", version, f"campaign database {path}")
    except sqlite3.Error as e:
        conn.close()
        raise MergeError(f"campaign database {path}: {describe(e)}") from e
    except MergeError:
        conn.close()
        raise
    return conn


def split_sql(sql: str) -> list[str]:
    """Split a script into complete statements (sqlite3.complete_statement
    decides where one ends), so that they run in the caller's transaction."""
    statements, current = [], ""
    for line in sql.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            text = current.strip()
            if not all(l.strip().startswith("--") or not l.strip()
                       for l in text.splitlines()):
                statements.append(text)
            current = ""
    if current.strip() and not all(l.strip().startswith("--") or not l.strip()
                                   for l in current.splitlines()):
        raise MergeError("the schema ends with an incomplete statement")
    return statements


def check_version(conn: sqlite3.Connection, schema: str, version: int,
                  what: str) -> None:
    """Check that a database has every table and the expected version."""
    names = {row[0] for row in conn.execute(
        f"SELECT name FROM {schema}.sqlite_master WHERE type = 'table'")}
    missing = [t for t in TABLES if t not in names]
    if missing:
        raise MergeError(f"{what}: not a results database of this module "
                         f"(no table {', '.join(missing)})")
    rows = conn.execute(f"SELECT version FROM {schema}.schema_version").fetchall()
    if len(rows) != 1 or rows[0][0] != version:
        found = ", ".join(str(r[0]) for r in rows) or "none"
        raise MergeError(f"{what}: schema version {found}, this merge expects {version}")


def id_offset(conn: sqlite3.Connection, table: str, run_table_id: int) -> int:
    """The amount to add to the src ids of a run's rows of table so that
    they follow every id already in the campaign database."""
    (top,) = conn.execute(f"SELECT COALESCE(MAX(id), 0) FROM main.{table}").fetchone()
    (low,) = conn.execute(f"SELECT COALESCE(MIN(id), 0) FROM src.{table} "
                          "WHERE run_id = ?", (run_table_id,)).fetchone()
    return top + 1 - low


def copy_run(conn: sqlite3.Connection, src_run: sqlite3.Row) -> bool:
    """Copy one run of the attached file; False when it is already present."""
    row = conn.execute("SELECT id FROM main.campaign WHERE name = ? AND scenario = ?",
                       (src_run["campaign"], src_run["scenario"])).fetchone()
    if row:
        campaign_id = row[0]
    else:
        campaign_id = conn.execute(
            "INSERT INTO main.campaign (name, scenario, module_version, ns3_version, "
            "created_at, schema_version) SELECT name, scenario, module_version, "
            "ns3_version, created_at, schema_version FROM src.campaign WHERE id = ?",
            (src_run["campaign_id"],)).lastrowid

    row = conn.execute("SELECT id, params_json FROM main.point "
                       "WHERE campaign_id = ? AND params_hash = ?",
                       (campaign_id, src_run["params_hash"])).fetchone()
    if row:
        point_id = row[0]
        if row[1] != src_run["params_json"]:
            raise MergeError(
                f"params_hash {src_run['params_hash']} names two parameter sets: "
                f"{row[1]} in the campaign database, {src_run['params_json']} here")
    else:
        point_id = conn.execute(
            "INSERT INTO main.point (campaign_id, params_json, params_hash) "
            "VALUES (?, ?, ?)",
            (campaign_id, src_run["params_json"], src_run["params_hash"])).lastrowid
        conn.execute("INSERT INTO main.param (point_id, name, value) "
                     "SELECT ?, name, value FROM src.param WHERE point_id = ? "
                     "ORDER BY rowid", (point_id, src_run["point_id"]))

    if conn.execute("SELECT 1 FROM main.run WHERE point_id = ? AND rng_seed = ? "
                    "AND rng_run = ?",
                    (point_id, src_run["rng_seed"], src_run["rng_run"])).fetchone():
        return False

    old = src_run["id"]
    new = conn.execute(
        "INSERT INTO main.run (point_id, rng_seed, rng_run, status, exit_code, host, "
        "engine, engine_job_id, cmdline, started_at, wall_s) "
        "SELECT ?, rng_seed, rng_run, status, exit_code, host, engine, engine_job_id, "
        "cmdline, started_at, wall_s FROM src.run WHERE id = ?", (point_id, old)).lastrowid

    ent = id_offset(conn, "entity", old)
    conn.execute("INSERT INTO main.entity (id, run_id, kind, label, five_tuple) "
                 "SELECT id + ?, ?, kind, label, five_tuple FROM src.entity "
                 "WHERE run_id = ? ORDER BY id", (ent, new, old))
    conn.execute("INSERT INTO main.metric (run_id, entity_id, name, value, unit) "
                 "SELECT ?, entity_id + ?, name, value, unit FROM src.metric "
                 "WHERE run_id = ? ORDER BY rowid", (new, ent, old))
    ser = id_offset(conn, "series", old)
    conn.execute("INSERT INTO main.series (id, run_id, entity_id, name, unit) "
                 "SELECT id + ?, ?, entity_id + ?, name, unit FROM src.series "
                 "WHERE run_id = ? ORDER BY id", (ser, new, ent, old))
    conn.execute("INSERT INTO main.sample (series_id, t_ns, value) "
                 "SELECT s.series_id + ?, s.t_ns, s.value FROM src.sample AS s "
                 "JOIN src.series AS r ON r.id = s.series_id "
                 "WHERE r.run_id = ? ORDER BY s.rowid", (ser, old))
    return True


def merge_file(conn: sqlite3.Connection, path: str, version: int,
               campaign_path: str, before_commit=None) -> FileResult:
    """Merge every finished run of one file, in one transaction.
    before_commit(conn, result), if given, runs inside that transaction
    with the file still attached as "src" (the campaign tool records the
    run's bookkeeping there, so that both happen or neither)."""
    if not os.path.exists(path):
        raise MergeError(f"{path}: no such file")
    if not os.path.isfile(path):
        raise MergeError(f"{path}: not a regular file")
    if os.path.exists(campaign_path) and os.path.samefile(path, campaign_path):
        raise MergeError(f"{path}: is the campaign database itself")
    why = unfinished_write(path)
    if why:
        raise MergeError(f"{path}: {why}")
    try:
        conn.execute("ATTACH DATABASE ? AS src", (sqlite_uri(path, "ro"),))
    except sqlite3.Error as e:
        raise MergeError(f"{path}: cannot open: {describe(e)}") from e
    result = FileResult()
    try:
        check_version(conn, "src", version, path)
        problems = [r[0] for r in conn.execute("PRAGMA src.quick_check")]
        if problems != ["ok"]:
            raise MergeError(f"{path}: damaged SQLite database (quick_check: "
                             f"{'; '.join(problems[:3])})")
        torn = conn.execute(
            "SELECT r.id FROM src.run AS r WHERE r.status = 'ok' AND NOT EXISTS "
            "(SELECT 1 FROM src.metric AS m WHERE m.run_id = r.id) ORDER BY r.id").fetchall()
        if torn:
            raise MergeError(
                f"{path}: run {', '.join(str(r[0]) for r in torn)} has status 'ok' but no "
                "metrics: the file is incomplete (a copy taken without its journal while "
                "it was being written, or a torn file)")
        conn.execute("BEGIN IMMEDIATE")
        try:
            runs = conn.execute(
                "SELECT r.id AS id, r.point_id AS point_id, r.rng_seed AS rng_seed, "
                "r.rng_run AS rng_run, r.status AS status, p.campaign_id AS campaign_id, "
                "p.params_json AS params_json, p.params_hash AS params_hash, "
                "c.name AS campaign, c.scenario AS scenario "
                "FROM src.run AS r JOIN src.point AS p ON p.id = r.point_id "
                "JOIN src.campaign AS c ON c.id = p.campaign_id ORDER BY r.id").fetchall()
            for run in runs:
                if run["status"] == "running":
                    result.unfinished += 1
                elif copy_run(conn, run):
                    result.added += 1
                else:
                    result.present += 1
            if before_commit:
                before_commit(conn, result)
            conn.execute("COMMIT")
        except BaseException:
            try:
                conn.execute("ROLLBACK")
            except sqlite3.Error:
                pass  # SQLite already rolled back (e.g. disk full)
            raise
    except sqlite3.Error as e:
        raise MergeError(f"{path}: {describe(e)}; nothing of it was merged") from e
    except MergeError as e:
        text = str(e) if str(e).startswith(path) else f"{path}: {e}"
        raise MergeError(f"{text}; nothing of it was merged") from e
    finally:
        try:
            conn.execute("DETACH DATABASE src")
        except sqlite3.Error:
            pass
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="Merge per-run results files (SQLite) into a campaign database, "
                    "one transaction per file; runs already present are skipped.")
    parser.add_argument("campaign_db", metavar="CAMPAIGN_DB",
                        help="the campaign database (created when missing)")
    parser.add_argument("run_dbs", metavar="RUN_DB", nargs="+",
                        help="results files of single runs (or other campaign databases)")
    parser.add_argument("-q", "--quiet", action="store_true",
                        help="print only warnings and errors")
    args = parser.parse_args(argv)
    prog = "merge_results"

    try:
        schema_sql, version = load_schema()
        conn = open_campaign(args.campaign_db, schema_sql, version)
    except MergeError as e:
        print(f"{prog}: error: {e}", file=sys.stderr)
        return 2
    conn.row_factory = sqlite3.Row

    failed = 0
    total = FileResult()
    try:
        for path in args.run_dbs:
            try:
                r = merge_file(conn, path, version, args.campaign_db)
            except MergeError as e:
                failed += 1
                print(f"{prog}: error: {e}", file=sys.stderr)
                continue
            total.added += r.added
            total.present += r.present
            total.unfinished += r.unfinished
            if r.unfinished:
                print(f"{prog}: warning: {path}: {r.unfinished} run(s) never finished "
                      "(status 'running'); not merged", file=sys.stderr)
            if not args.quiet:
                print(f"{path}: {r.added} run(s) added, {r.present} already present")
    finally:
        conn.close()
    if not args.quiet or failed:
        print(f"{prog}: {len(args.run_dbs) - failed} of {len(args.run_dbs)} file(s) merged "
              f"into {args.campaign_db}: {total.added} run(s) added, {total.present} already "
              f"present, {total.unfinished} unfinished skipped",
              file=sys.stderr if failed else sys.stdout)
    return 1 if failed else 0


if __name__ == "__main__":
    from mptcp.cli import run_main  # scripts/ is on sys.path

    run_main(main, "merge_results")

# SPDX-License-Identifier: GPL-2.0-only
"""mptcp-campaign: sweeps described once, run without repeats or losses.

    mptcp-campaign run SPEC.toml [--jobs N] [--retry-failed] [--dry-run]
                       [--engine local|slurm] [--batch B] [--wait]
    mptcp-campaign status SPEC.toml|DIR
    mptcp-campaign export SPEC.toml|DIR [--out FILE.csv]
    mptcp-campaign summary SPEC.toml|DIR
    mptcp-campaign plot SPEC.toml|DIR --x PARAM [--y METRIC] [--group PARAM]
                        [--where NAME=VALUE ...] [--name NAME]
    mptcp-campaign clean SPEC.toml|DIR

The spec format is in mptcp/campaign_spec.py (and doc/results.md). Every
run is one process of the scenario program with --RngRun, --outputDir (its
own folder DIR/runs/<point>-r<RngRun>) and --campaign; its results.db (a
shard) is merged into DIR/campaign.db in one transaction together with the
run's record in the table campaign_job, so that a run is either merged and
recorded "ok" or neither. A run recorded "ok" is never run again; a run
that failed or timed out is recorded with its exit status and the tail of
its stderr, and the campaign goes on (--retry-failed runs them again). The
tool may be killed at any moment (SIGKILL included): its runs die with it
(PR_SET_PDEATHSIG), and `run` again resumes with what is missing. The
Slurm engine (campaign_slurm.py) runs the same runs as job arrays.

Standard library only; the statistics come from the C tool mptcp-summary
(GSL), the plots from gnuplot.
"""

from __future__ import annotations

import argparse
import csv
import ctypes
import fcntl
import json
import math
import os
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

from . import campaign_slurm as slurm
from .campaign_spec import Job, Spec, SpecError, load, spec_digest

SCRIPTS = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(SCRIPTS))
import merge_results  # noqa: E402  (scripts/merge_results.py)

PROG = "mptcp-campaign"
DB_NAME = "campaign.db"
STDERR_TAIL = 2000  # characters of a failed run's stderr kept in campaign.db

# The campaign tool's own tables, beside the results schema
# (scripts/results_schema.sql) in campaign.db.
JOB_SCHEMA = """
CREATE TABLE IF NOT EXISTS campaign_job (
    params_hash TEXT NOT NULL,   -- FNV-1a of params_json (the spec's parameters)
    rng_run INTEGER NOT NULL,
    params_json TEXT NOT NULL,   -- canonical: keys sorted, values strings
    status TEXT NOT NULL,        -- pending, running, ok, failed, timeout
    exit_code INTEGER,           -- of the program; NULL for ok and timeout
    error TEXT,                  -- why it failed: the tail of its stderr
    attempts INTEGER NOT NULL DEFAULT 0,
    run_id INTEGER REFERENCES run (id),  -- the merged run, for ok
    engine TEXT,                 -- wall-clock and engine columns: they differ
    engine_job_id TEXT,          -- between two executions of one campaign
    host TEXT,
    started_at TEXT,
    wall_s REAL,
    PRIMARY KEY (params_hash, rng_run)
);
CREATE TABLE IF NOT EXISTS campaign_meta (
    key TEXT PRIMARY KEY,
    value TEXT
);
"""


class CampaignError(Exception):
    """A command that cannot go on; the message says why."""


# ---------------------------------------------------------------- database

def open_db(path: str, create: bool) -> sqlite3.Connection:
    if not create and not os.path.exists(path):
        raise CampaignError(f"{path}: no campaign database (run the campaign first)")
    try:
        schema_sql, version = merge_results.load_schema()
        conn = merge_results.open_campaign(path, schema_sql, version)
    except merge_results.MergeError as e:
        raise CampaignError(str(e)) from e
    conn.row_factory = sqlite3.Row
    try:
        conn.execute("PRAGMA busy_timeout = 10000")
        conn.execute("BEGIN IMMEDIATE")
        for stmt in merge_results.split_sql(JOB_SCHEMA):
            conn.execute(stmt)
        conn.execute("COMMIT")
    except sqlite3.Error as e:
        conn.close()
        raise CampaignError(f"{path}: {merge_results.describe(e)}") from e
    return conn


def txn(conn: sqlite3.Connection, fn):
    """Runs fn(conn) in one write transaction."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        out = fn(conn)
        conn.execute("COMMIT")
        return out
    except BaseException:
        try:
            conn.execute("ROLLBACK")
        except sqlite3.Error:
            pass
        raise


def meta(conn: sqlite3.Connection, key: str, default: str | None = None) -> str | None:
    row = conn.execute("SELECT value FROM campaign_meta WHERE key = ?", (key,)).fetchone()
    return row[0] if row else default


def resolve(target: str, check_program: bool = False) -> tuple[Spec | None, str]:
    """A spec file or a campaign folder: (the spec or None, the folder)."""
    if os.path.isdir(target):
        return None, target
    if not os.path.exists(target):
        raise CampaignError(f"{target}: no such spec file or campaign folder")
    spec = load(target, check_program=check_program)
    return spec, spec.dir


def now_text() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def clock(seconds: float) -> str:
    s = int(round(seconds))
    return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


# ---------------------------------------------------------------- running

_libc = None


def _die_with_parent() -> None:
    """In the child, before exec: its own process group, and SIGKILL when
    the campaign tool dies (Linux prctl PR_SET_PDEATHSIG), so that a killed
    tool leaves no run writing into a folder a resume will reuse."""
    os.setsid()
    if _libc is not None:
        _libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG = 1


def command(spec_program: str, job: Job, outdir: str, name: str) -> list[str]:
    args = [spec_program]
    args += [f"--{k}={v}" for k, v in job.params.items()]
    args += [f"--RngRun={job.rng_run}", f"--outputDir={outdir}", f"--campaign={name}"]
    return args


class Progress:
    """runs done/total, failures, elapsed, ETA: one updating line on a TTY,
    a line every 10% otherwise."""

    def __init__(self, total: int, stream=sys.stderr) -> None:
        self.total, self.stream = total, stream
        self.tty = stream.isatty()
        self.start = time.monotonic()
        self.next_tenth = 1
        self.last_draw = 0.0

    def line(self, done: int, failed: int, running: int) -> str:
        el = time.monotonic() - self.start
        eta = el / done * (self.total - done) if done else float("nan")
        eta_s = clock(eta) if done else "?"
        return (f"runs {done}/{self.total} done, {failed} failed, {running} running, "
                f"elapsed {clock(el)}, ETA {eta_s}")

    def update(self, done: int, failed: int, running: int, final: bool = False) -> None:
        if self.total == 0:
            return
        if self.tty:
            t = time.monotonic()
            if final or t - self.last_draw >= 0.2:
                self.last_draw = t
                self.stream.write("\r\033[K" + self.line(done, failed, running) +
                                  ("\n" if final else ""))
                self.stream.flush()
            return
        tenth = done * 10 // self.total
        if tenth >= self.next_tenth:
            self.stream.write(f"{PROG}: {tenth * 10}%: " + self.line(done, failed, running) + "\n")
            self.stream.flush()
            self.next_tenth = tenth + 1


def stderr_tail(path: str) -> str:
    try:
        with open(path, "rb") as f:
            f.seek(0, os.SEEK_END)
            size = f.tell()
            f.seek(max(0, size - STDERR_TAIL))
            return f.read().decode("utf-8", "replace").strip()
    except OSError:
        return ""


def record_failure(conn, job: Job, status: str, code, error: str, wall: float) -> None:
    txn(conn, lambda c: c.execute(
        "UPDATE campaign_job SET status = ?, exit_code = ?, error = ?, run_id = NULL, "
        "wall_s = ? WHERE params_hash = ? AND rng_run = ?",
        (status, code, error, wall, job.key, job.rng_run)))


def finish(conn, db_path: str, job: Job, rundir: str, code: int, wall: float) -> str:
    """Record a finished run: merge its shard and mark it ok in one
    transaction, or record why it failed. Returns its status."""
    shard = os.path.join(rundir, "results.db")
    err = stderr_tail(os.path.join(rundir, "stderr.txt"))
    if code != 0:
        record_failure(conn, job, "failed", code, err or f"exit status {code}", wall)
        return "failed"
    if not os.path.exists(shard):
        record_failure(conn, job, "failed", code,
                       "the program exited 0 but wrote no results.db in --outputDir", wall)
        return "failed"

    def mark(c, result):
        if result.unfinished:
            raise merge_results.MergeError("its run never finished (status 'running')")
        row = c.execute(
            "SELECT r.id FROM main.run AS r JOIN main.point AS p ON p.id = r.point_id "
            "JOIN src.point AS sp ON sp.params_hash = p.params_hash "
            "JOIN src.run AS sr ON sr.point_id = sp.id AND sr.rng_run = r.rng_run "
            "AND sr.rng_seed = r.rng_seed ORDER BY r.id DESC LIMIT 1").fetchone()
        if row is None:
            raise merge_results.MergeError("results.db holds no run")
        c.execute("UPDATE campaign_job SET status = 'ok', exit_code = NULL, error = NULL, "
                  "run_id = ?, wall_s = ? WHERE params_hash = ? AND rng_run = ?",
                  (row[0], wall, job.key, job.rng_run))

    try:
        merge_results.merge_file(conn, shard, merge_results.load_schema()[1], db_path,
                                 before_commit=mark)
    except merge_results.MergeError as e:
        record_failure(conn, job, "failed", code, f"merge: {e}", wall)
        return "failed"
    return "ok"


def run_local(spec: Spec, conn, db_path: str, todo: list[Job], jobs: int,
              progress: Progress, counts: dict) -> None:
    """At most `jobs` runs at once, polled from this one thread."""
    global _libc
    try:
        _libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        _libc = None
    host = socket.gethostname()
    running: dict[subprocess.Popen, tuple[Job, float, str, object, object]] = {}
    queue = list(todo)
    try:
        while queue or running:
            while queue and len(running) < jobs:
                job = queue.pop(0)
                rundir = os.path.join(spec.dir, "runs", job.name)
                shutil.rmtree(rundir, ignore_errors=True)  # a killed attempt's leftovers
                os.makedirs(rundir)
                out = open(os.path.join(rundir, "stdout.txt"), "wb")
                err = open(os.path.join(rundir, "stderr.txt"), "wb")
                cmd = command(spec.program, job, rundir, spec.name)
                txn(conn, lambda c: c.execute(
                    "UPDATE campaign_job SET status = 'running', attempts = attempts + 1, "
                    "engine = 'local', engine_job_id = NULL, host = ?, started_at = ? "
                    "WHERE params_hash = ? AND rng_run = ?",
                    (host, now_text(), job.key, job.rng_run)))
                try:
                    p = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                         cwd=rundir, preexec_fn=_die_with_parent)
                except OSError as e:
                    out.close()
                    err.close()
                    record_failure(conn, job, "failed", None,
                                   f"cannot start {spec.program}: {e.strerror}", 0.0)
                    counts["failed"] += 1
                    counts["done"] += 1
                    continue
                counts["running"] += 1
                running[p] = (job, time.monotonic(), rundir, out, err)
            finished = False
            for p in list(running):
                job, t0, rundir, out, err = running[p]
                code = p.poll()
                wall = time.monotonic() - t0
                if code is None and wall > spec.timeout:
                    slurm.kill_group(p)
                    code = "timeout"
                if code is None:
                    continue
                out.close()
                err.close()
                del running[p]
                counts["running"] -= 1
                counts["done"] += 1
                finished = True
                if code == "timeout":
                    tail = stderr_tail(os.path.join(rundir, "stderr.txt"))
                    record_failure(conn, job, "timeout", None,
                                   f"killed after {spec.timeout:g} s (timeout)" +
                                   (f"; stderr: {tail}" if tail else ""), wall)
                    counts["failed"] += 1
                elif finish(conn, db_path, job, rundir, code, wall) != "ok":
                    counts["failed"] += 1
                else:
                    counts["ok"] += 1
            progress.update(counts["done"], counts["failed"], counts["running"])
            if not finished:
                time.sleep(0.02)
    finally:
        for p, (job, _, _, out, err) in running.items():
            slurm.kill_group(p)
            out.close()
            err.close()


def record_outcome(conn, db_path: str, job: Job, rundir: str, outcome: dict | None,
                   timeout: float) -> str:
    """A run a Slurm task ended (its outcome file), recorded as the local
    engine records its runs; then the engine columns."""
    if outcome is None:
        record_failure(conn, job, "failed", None, "no outcome: its Slurm array task died before "
                       "the run ended (see slurm/*.out in the campaign folder)", 0.0)
        return "failed"
    code, wall = outcome.get("code"), float(outcome.get("wall_s", 0.0))
    if code == "timeout":
        tail = stderr_tail(os.path.join(rundir, "stderr.txt"))
        record_failure(conn, job, "timeout", None, f"killed after {timeout:g} s (timeout)" +
                       (f"; stderr: {tail}" if tail else ""), wall)
        status = "timeout"
    else:
        status = finish(conn, db_path, job, rundir, int(code), wall)
    txn(conn, lambda c: c.execute(
        "UPDATE campaign_job SET engine = 'slurm', engine_job_id = ?, host = ?, started_at = ? "
        "WHERE params_hash = ? AND rng_run = ?",
        (outcome.get("job_id"), outcome.get("host"), outcome.get("started_at"), job.key,
         job.rng_run)))
    return status


def run_slurm(spec: Spec, conn, db_path: str, jobs: list[Job], args) -> int:
    try:
        previous = [j for j in (meta(conn, "slurm_jobs") or "").split(",") if j]
        still = slurm.active(previous)
        if still:
            raise CampaignError(f"this campaign's Slurm jobs {', '.join(sorted(still))} are still "
                                f"queued or running: wait (status {spec.dir}) or scancel them")
        by_key = {(j.key, j.rng_run): j for j in jobs}
        # runs a lost merge job never recorded: their outcome files
        for r in conn.execute("SELECT params_hash, rng_run FROM campaign_job WHERE status = "
                              "'running' AND engine = 'slurm'").fetchall():
            j = by_key.get((r[0], r[1]))
            if not j:
                continue
            rundir = os.path.join(spec.dir, "runs", j.name)
            out = slurm.read_outcome(rundir)
            if out is not None:
                record_outcome(conn, db_path, j, rundir, out, spec.timeout)
        want = {"pending", "running"} | ({"failed", "timeout"} if args.retry_failed else set())
        status = {(r[0], r[1]): r[2] for r in
                  conn.execute("SELECT params_hash, rng_run, status FROM campaign_job")}
        todo = [j for j in jobs if status[(j.key, j.rng_run)] in want]
        print(f"{PROG}: {spec.name}: {len(jobs)} runs: {len(todo)} to submit to Slurm "
              f"({args.batch} per array task)", file=sys.stderr)
        if todo:
            manifest, arrays, merge, assigned = slurm.submit(
                spec, todo, args.batch, os.path.join(spec.dir, "slurm"), command)

            def mark(c):
                c.executemany(
                    "UPDATE campaign_job SET status = 'running', attempts = attempts + 1, "
                    "engine = 'slurm', engine_job_id = ?, host = NULL, started_at = NULL "
                    "WHERE params_hash = ? AND rng_run = ?",
                    [(jid, j.key, j.rng_run) for j, jid in assigned])
                c.execute("INSERT OR REPLACE INTO campaign_meta (key, value) VALUES "
                          "('slurm_jobs', ?)", (",".join(arrays + [merge]),))
            txn(conn, mark)
            print(f"{PROG}: submitted job array(s) {', '.join(arrays)} and merge job {merge} "
                  f"(manifest {manifest})")
            if args.wait:
                ids = arrays + [merge]
                t0 = time.monotonic()
                while slurm.active(ids):
                    time.sleep(1)
                print(f"{PROG}: Slurm jobs done in {time.monotonic() - t0:.0f} s", file=sys.stderr)
        ok, bad = conn.execute(
            "SELECT SUM(status = 'ok'), SUM(status IN ('failed', 'timeout')) FROM campaign_job"
            ).fetchone()
    except slurm.SlurmError as e:
        raise CampaignError(str(e)) from e
    finally:
        conn.close()
    if not todo or args.wait:
        print(f"{PROG}: {spec.name}: {ok or 0} ok and {bad or 0} failed in {db_path}")
        return 1 if bad else 0
    return 0


def cmd_slurm_task(args) -> int:
    return slurm.run_task(args.manifest, args.offset)


def cmd_slurm_merge(args) -> int:
    with open(args.manifest, encoding="utf-8") as f:
        data = json.load(f)
    db_path = os.path.join(args.dir, DB_NAME)
    conn = open_db(db_path, create=False)
    n = {"ok": 0, "failed": 0, "timeout": 0}
    try:
        for task in data["tasks"]:
            for run in task:
                job = Job(run["params"], run["rng_run"])
                st = record_outcome(conn, db_path, job, run["rundir"],
                                    slurm.read_outcome(run["rundir"]), float(data["timeout"]))
                n[st] += 1
    finally:
        conn.close()
    print(f"{PROG}: merged {n['ok']} ok, {n['failed']} failed, {n['timeout']} timed out into "
          f"{db_path}")
    return 0


def cmd_run(args) -> int:
    if args.jobs < 1:
        raise CampaignError(f"--jobs must be at least 1, not {args.jobs}")
    if args.engine not in ("local", "slurm"):
        raise CampaignError(f"--engine {args.engine}: 'local' or 'slurm'")
    if args.batch < 1:
        raise CampaignError(f"--batch must be at least 1, not {args.batch}")
    spec = load(args.spec)
    jobs = spec.jobs()
    if args.dry_run:
        for j in jobs:
            print(" ".join(command(spec.program, j, os.path.join(spec.dir, "runs", j.name),
                                   spec.name)))
        print(f"{PROG}: {len(jobs)} runs ({len(spec.points())} points x "
              f"{len(spec.seeds)} seeds); nothing run (--dry-run)", file=sys.stderr)
        return 0
    os.makedirs(os.path.join(spec.dir, "runs"), exist_ok=True)
    lock = open(os.path.join(spec.dir, ".lock"), "w")
    try:
        fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        raise CampaignError(f"{spec.dir}: another '{PROG} run' of this campaign is running")
    db_path = os.path.join(spec.dir, DB_NAME)
    conn = open_db(db_path, create=True)
    try:
        def plan(c):
            old_name = meta(c, "name")
            if old_name is not None and old_name != spec.name:
                raise CampaignError(f"{spec.dir} holds campaign '{old_name}', not '{spec.name}'")
            for k, v in (("name", spec.name), ("program", os.path.basename(spec.program)),
                         ("spec_digest", spec_digest(spec)), ("jobs", str(args.jobs))):
                c.execute("INSERT OR REPLACE INTO campaign_meta (key, value) VALUES (?, ?)",
                          (k, v))
            c.executemany(
                "INSERT OR IGNORE INTO campaign_job (params_hash, rng_run, params_json, "
                "status) VALUES (?, ?, ?, 'pending')",
                [(j.key, j.rng_run, j.params_json) for j in jobs])
        txn(conn, plan)
        if args.engine == "slurm":
            return run_slurm(spec, conn, db_path, jobs, args)
        want = {"pending", "running"} | ({"failed", "timeout"} if args.retry_failed else set())
        status = {(r["params_hash"], r["rng_run"]): r["status"] for r in
                  conn.execute("SELECT params_hash, rng_run, status FROM campaign_job")}
        todo = [j for j in jobs if status[(j.key, j.rng_run)] in want]
        already = sum(1 for j in jobs if status[(j.key, j.rng_run)] == "ok")
        skipped = len(jobs) - len(todo) - already
        print(f"{PROG}: {spec.name}: {len(jobs)} runs ({len(spec.points())} points x "
              f"{len(spec.seeds)} seeds): {already} ok already, {len(todo)} to run"
              + (f", {skipped} failed before (--retry-failed runs them)" if skipped else ""),
              file=sys.stderr)
        counts = {"done": 0, "failed": 0, "ok": 0, "running": 0}
        progress = Progress(len(todo))
        run_local(spec, conn, db_path, todo, args.jobs, progress, counts)
        progress.update(counts["done"], counts["failed"], 0, final=True)
        total_ok = conn.execute("SELECT COUNT(*) FROM campaign_job WHERE status = 'ok'").fetchone()[0]
        bad = conn.execute("SELECT COUNT(*) FROM campaign_job WHERE status IN "
                           "('failed', 'timeout')").fetchone()[0]
    finally:
        conn.close()
    print(f"{PROG}: {spec.name}: {counts['ok']} runs ok and {counts['failed']} failed now; "
          f"{total_ok} ok and {bad} failed in {db_path}")
    return 1 if bad else 0


# ---------------------------------------------------------------- reading

def cmd_status(args) -> int:
    spec, cdir = resolve(args.target)
    conn = open_db(os.path.join(cdir, DB_NAME), create=False)
    try:
        rows = conn.execute("SELECT status, COUNT(*) AS n FROM campaign_job GROUP BY status").fetchall()
        n = {r["status"]: r["n"] for r in rows}
        total = sum(n.values())
        planned = len(spec.jobs()) if spec else total
        name = meta(conn, "name", "?")
        ok_walls = [r[0] for r in conn.execute(
            "SELECT wall_s FROM campaign_job WHERE status = 'ok' AND wall_s IS NOT NULL")]
        first = conn.execute("SELECT MIN(started_at) FROM campaign_job").fetchone()[0]
        jobs = int(meta(conn, "jobs", "1") or 1)
        left = n.get("pending", 0) + n.get("running", 0) + max(0, planned - total)
        print(f"campaign {name} ({cdir}): {planned} runs: {n.get('ok', 0)} ok, "
              f"{n.get('failed', 0)} failed, {n.get('timeout', 0)} timed out, "
              f"{n.get('running', 0)} running, {left - n.get('running', 0)} to run")
        if ok_walls:
            mean = sum(ok_walls) / len(ok_walls)
            print(f"  mean wall time per run {mean:.2f} s; ETA {clock(mean * left / jobs)} "
                  f"at {jobs} at once" + (f"; first run started {first}" if first else ""))
        ids = [j for j in (meta(conn, "slurm_jobs") or "").split(",") if j]
        if ids:
            try:
                st = slurm.active(ids)
                print(f"  Slurm jobs {', '.join(ids)}: " + (", ".join(
                    f"{k} {v}" for k, v in sorted(st.items())) if st else "none left in squeue"))
            except slurm.SlurmError as e:
                print(f"  Slurm jobs {', '.join(ids)}: squeue unavailable ({e})")
        for r in conn.execute("SELECT params_json, rng_run, status, exit_code, error FROM "
                              "campaign_job WHERE status IN ('failed', 'timeout') "
                              "ORDER BY params_hash, rng_run LIMIT 10"):
            why = (r["error"] or "").strip().splitlines()
            print(f"  {r['status']}: {r['params_json']} RngRun={r['rng_run']}"
                  + (f" exit {r['exit_code']}" if r["exit_code"] is not None else "")
                  + (f": {why[-1]}" if why else ""))
    finally:
        conn.close()
    return 0


def run_metrics(conn, run_id: int) -> dict[str, float | None]:
    """Run-level metrics of a merged run, with the two fairness views."""
    out = {r["name"]: r["value"] for r in conn.execute(
        "SELECT name, value FROM metric WHERE run_id = ? AND entity_id IS NULL "
        "ORDER BY rowid", (run_id,))}
    r = conn.execute("SELECT ratio FROM goodput_ratio WHERE run_id = ?", (run_id,)).fetchone()
    out["goodput_ratio"] = r[0] if r else None
    r = conn.execute("SELECT jain FROM jain_goodput WHERE run_id = ?", (run_id,)).fetchone()
    out["jain_goodput"] = r[0] if r else None
    return out


def fmt(v) -> str:
    if v is None:
        return ""
    if isinstance(v, float):
        return repr(v) if math.isfinite(v) else ""
    return str(v)


def cmd_export(args) -> int:
    spec, cdir = resolve(args.target)
    conn = open_db(os.path.join(cdir, DB_NAME), create=False)
    try:
        jobs = conn.execute("SELECT params_json, rng_run, status, exit_code, run_id FROM "
                            "campaign_job ORDER BY params_hash, rng_run").fetchall()
        params = [json.loads(j["params_json"]) for j in jobs]
        names = spec.swept() + list(spec.fixed) if spec else sorted({k for p in params for k in p})
        metrics = {j["run_id"]: run_metrics(conn, j["run_id"]) for j in jobs if j["run_id"]}
        mnames = sorted({k for m in metrics.values() for k in m})
        out = open(args.out, "w", newline="", encoding="utf-8") if args.out else sys.stdout
        try:
            w = csv.writer(out, lineterminator="\n")
            w.writerow(names + ["RngRun", "status", "exit_code"] + mnames)
            for j, p in zip(jobs, params):
                m = metrics.get(j["run_id"], {})
                w.writerow([p.get(k, "") for k in names] +
                           [j["rng_run"], j["status"], fmt(j["exit_code"])] +
                           [fmt(m.get(k)) for k in mnames])
        finally:
            if args.out:
                out.close()
    finally:
        conn.close()
    if args.out:
        print(f"{PROG}: {len(jobs)} runs written to {args.out}", file=sys.stderr)
    return 0


def find_summary_tool() -> str:
    env = os.environ.get("MPTCP_SUMMARY")
    if env:
        return env
    root = SCRIPTS.parent
    for d in sorted(root.glob("build*/utils")) + sorted(root.parent.glob("build*/utils")):
        if (d / "mptcp-summary").is_file():
            return str(d / "mptcp-summary")
    found = shutil.which("mptcp-summary")
    if found:
        return found
    raise CampaignError("mptcp-summary not found: build it (bash scripts/build.sh) or set "
                        "MPTCP_SUMMARY to its path")


def summarise(db_path: str) -> None:
    tool = find_summary_tool()
    p = subprocess.run([tool, db_path], capture_output=True, text=True)
    if p.returncode != 0:
        raise CampaignError(p.stderr.strip() or f"{tool} exited {p.returncode}")


def point_params(conn) -> dict[int, dict[str, str]]:
    out: dict[int, dict[str, str]] = {}
    for r in conn.execute("SELECT point_id, name, value FROM param ORDER BY point_id, rowid"):
        out.setdefault(r[0], {})[r[1]] = r[2]
    return out


def summarised(target: str) -> tuple[str, sqlite3.Connection]:
    """The campaign database of a spec or folder, its summary table
    rewritten by mptcp-summary, open."""
    _, cdir = resolve(target)
    db_path = os.path.join(cdir, DB_NAME)
    open_db(db_path, create=False).close()  # a campaign database, with our tables
    summarise(db_path)
    return db_path, open_db(db_path, create=False)


def cmd_summary(args) -> int:
    _, conn = summarised(args.target)
    try:
        pp = point_params(conn)
        names = sorted({k for p in pp.values() for k in p})
        varying = [k for k in names if len({p.get(k) for p in pp.values()}) > 1] or names
        rows = conn.execute("SELECT * FROM summary ORDER BY point_id, metric").fetchall()
        for r in rows:
            p = pp.get(r["point_id"], {})
            label = " ".join(f"{k}={p.get(k, '?')}" for k in varying)
            ci = (f" [{r['ci95_low']:.6g}, {r['ci95_high']:.6g}]"
                  if r["ci95_low"] is not None else " [no interval: n = 1]")
            print(f"{label}  {r['metric']}: n={r['n']} mean={r['mean']:.6g}{ci}")
    finally:
        conn.close()
    return 0


def as_number(v: str) -> float | None:
    try:
        x = float(v)
        return x if math.isfinite(x) else None
    except ValueError:
        return None


def cmd_plot(args) -> int:
    db_path, conn = summarised(args.target)
    cdir = os.path.dirname(db_path)
    where = {}
    for w in args.where or []:
        if "=" not in w:
            raise CampaignError(f"--where {w!r}: write NAME=VALUE")
        k, v = w.split("=", 1)
        where[k] = v
    try:
        pp = point_params(conn)
        rows = conn.execute("SELECT point_id, n, mean, ci95_low, ci95_high FROM summary "
                            "WHERE metric = ?", (args.y,)).fetchall()
        metrics = sorted({r[0] for r in conn.execute("SELECT DISTINCT metric FROM summary")})
    finally:
        conn.close()
    if not rows:
        raise CampaignError(f"no metric '{args.y}' in the summary (there are: "
                            f"{', '.join(metrics) or 'none'})")
    known = {k for p in pp.values() for k in p}
    for k in [args.x, args.group] + list(where):
        if k and k not in known:
            raise CampaignError(f"no parameter '{k}' in {db_path} (there are: "
                                f"{', '.join(sorted(known))})")
    groups: dict[str, list] = {}
    for r in rows:
        p = pp.get(r["point_id"], {})
        if any(p.get(k) != v for k, v in where.items()):
            continue
        x = as_number(p.get(args.x, ""))
        if x is None:
            raise CampaignError(f"--x {args.x}: value {p.get(args.x)!r} is not a number")
        g = p.get(args.group, "") if args.group else args.y
        groups.setdefault(g, []).append((x, r["mean"], r["ci95_low"], r["ci95_high"], r["n"]))
    if not groups:
        raise CampaignError("no point matches --where " + " ".join(args.where or []))
    for g, pts in groups.items():
        xs = [p[0] for p in pts]
        if len(xs) != len(set(xs)):
            raise CampaignError(f"several points share {args.x} in group {g!r}: add --group "
                                "or --where to tell them apart")
    name = args.name or f"{args.y}-vs-{args.x}" + (f"-by-{args.group}" if args.group else "")
    pdir = os.path.join(cdir, "plots")
    os.makedirs(pdir, exist_ok=True)
    dat = os.path.join(pdir, name + ".dat")
    order = sorted(groups, key=lambda g: (as_number(g) is None, as_number(g) or 0, g))
    with open(dat, "w", encoding="utf-8") as f:
        f.write(f"# {args.y} against {args.x}: mean and Student-t 95% interval over the "
                "RngRuns of each point (mptcp-summary)\n")
        for i, g in enumerate(order):
            if i:
                f.write("\n\n")
            f.write(f"# {args.group or 'metric'} = {g}\n# {args.x} mean ci95_low ci95_high n\n")
            for x, mean, lo, hi, n in sorted(groups[g]):
                lo = mean if lo is None else lo
                hi = mean if hi is None else hi
                f.write(f"{x:.10g} {mean:.10g} {lo:.10g} {hi:.10g} {n}\n")
    plt = os.path.join(pdir, name + ".plt")
    title = f"{args.y} against {args.x}" + (", " + ", ".join(f"{k}={v}" for k, v in where.items())
                                              if where else "")
    xs = sorted({p[0] for pts in groups.values() for p in pts})
    # whole numbers over a short span (subflows, flows): one tic each
    xtics = "set xtics 1\n" if all(x == int(x) for x in xs) and xs[-1] - xs[0] <= 20 else ""
    curves = ", \\\n     ".join(
        f"'{name}.dat' index {i} using 1:2:3:4 with yerrorlines lw 2 pt 7 "
        f"title '{(args.group + '=' + g) if args.group else g}'" for i, g in enumerate(order))
    body = (f"set title '{title} (95% confidence interval over seeds)' noenhanced\n"
            f"set xlabel '{args.x}' noenhanced\nset ylabel '{args.y}' noenhanced\n"
            "set key outside right top noenhanced\nset grid\nset offsets graph 0.05, graph 0.05, "
            "graph 0.05, graph 0.05\n" + xtics +
            f"plot {curves}\n")
    with open(plt, "w", encoding="utf-8") as f:
        f.write(f"# gnuplot {name}.plt (from {os.path.basename(dat)}): writes {name}.png and "
                f"{name}.svg\n")
        f.write(f"set terminal pngcairo size 900,600\nset output '{name}.png'\n{body}")
        f.write(f"set terminal svg size 900,600 dynamic\nset output '{name}.svg'\nreplot\n")
    gp = shutil.which("gnuplot")
    if not gp:
        raise CampaignError(f"gnuplot not found: {plt} and {dat} are written; install "
                            "gnuplot-nox (bash scripts/install-deps.sh)")
    p = subprocess.run([gp, name + ".plt"], cwd=pdir, capture_output=True, text=True)
    if p.returncode != 0:
        raise CampaignError(f"gnuplot failed on {plt}: {p.stderr.strip()}")
    print(f"{PROG}: {os.path.join(pdir, name)}.png, .svg (script {name}.plt, data {name}.dat)")
    return 0


def cmd_clean(args) -> int:
    spec, cdir = resolve(args.target)
    conn = open_db(os.path.join(cdir, DB_NAME), create=False)
    try:
        ok = {f"{r[0][:12]}-r{r[1]}" for r in conn.execute(
            "SELECT params_hash, rng_run FROM campaign_job WHERE status = 'ok'")}
    finally:
        conn.close()
    runs = os.path.join(cdir, "runs")
    removed = 0
    for d in sorted(os.listdir(runs)) if os.path.isdir(runs) else []:
        if d in ok:
            shutil.rmtree(os.path.join(runs, d))
            removed += 1
    print(f"{PROG}: removed {removed} run folders already merged into "
          f"{os.path.join(cdir, DB_NAME)}; failed runs keep theirs (stdout.txt, stderr.txt)")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog=PROG, description=(
        "Run a sweep of a scenario program described in a TOML spec: resumable, every run "
        "merged into DIR/campaign.db; status, CSV export, statistics and plots."))
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("run", help="run what is missing (again: resume)")
    p.add_argument("spec", help="the campaign spec (TOML)")
    p.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                   help="runs at once (default: the number of CPUs)")
    p.add_argument("--engine", default="local",
                   help="local (default: --jobs at once here) or slurm (job arrays)")
    p.add_argument("--batch", type=int, default=1,
                   help="slurm: runs per array task (default 1)")
    p.add_argument("--wait", action="store_true",
                   help="slurm: wait until the merge job is done")
    p.add_argument("--retry-failed", action="store_true",
                   help="run the failed and timed-out runs again")
    p.add_argument("--dry-run", action="store_true", help="print the commands, run nothing")
    p.set_defaults(fn=cmd_run)
    for name, fn, text in (("status", cmd_status, "runs done, failed, to run, ETA"),
                           ("export", cmd_export, "one CSV row per run"),
                           ("summary", cmd_summary, "statistics per point (mptcp-summary)"),
                           ("plot", cmd_plot, "a metric against a parameter, with 95%% "
                                              "confidence bars"),
                           ("clean", cmd_clean, "remove the run folders already merged")):
        p = sub.add_parser(name, help=text)
        p.add_argument("target", metavar="SPEC.toml|DIR",
                       help="the spec, or the campaign folder")
        if name == "export":
            p.add_argument("--out", help="write to this file (default: stdout)")
        if name == "plot":
            p.add_argument("--x", required=True, help="the parameter on the x axis")
            p.add_argument("--y", default="goodput_ratio",
                           help="the metric (default goodput_ratio; also jain_goodput, or any "
                                "run-level metric)")
            p.add_argument("--group", help="one line per value of this parameter")
            p.add_argument("--where", action="append", metavar="NAME=VALUE",
                           help="keep only the points with this parameter value (repeatable)")
            p.add_argument("--name", help="file name of the plot (default from x, y, group)")
        p.set_defaults(fn=fn)
    p = sub.add_parser("slurm-task")  # inside a Slurm array task (campaign_slurm.py)
    p.add_argument("manifest")
    p.add_argument("offset", type=int)
    p.set_defaults(fn=cmd_slurm_task)
    p = sub.add_parser("slurm-merge")  # the dependent merge job
    p.add_argument("dir")
    p.add_argument("manifest")
    p.set_defaults(fn=cmd_slurm_merge)
    args = ap.parse_args(argv)
    try:
        return args.fn(args)
    except (CampaignError, SpecError) as e:
        print(f"{PROG}: error: {e}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted; run again to resume", file=sys.stderr)
        return 130


if __name__ == "__main__":
    from .cli import run_main

    run_main(main, PROG)

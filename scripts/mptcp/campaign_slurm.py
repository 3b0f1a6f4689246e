# SPDX-License-Identifier: GPL-2.0-only
"""The Slurm engine of mptcp-campaign: job arrays over the missing runs.

`run SPEC --engine slurm [--batch B] [--wait]`:
  - writes a manifest (DIR/slurm/manifest-N.json): the missing runs in
    tasks of B runs each;
  - submits one job array per MaxArraySize tasks (sbatch --array), each
    task running its runs one after the other in their own folders
    (`mptcp-campaign slurm-task MANIFEST INDEX`) and leaving an outcome
    file in each (exit status, wall time, host, job id): the tasks never
    write campaign.db, so no two processes write one SQLite file at once
    (its locks do not hold on the network file systems of clusters);
  - submits a merge job that waits for the arrays (--dependency=afterany)
    and records every run as the local engine does
    (`mptcp-campaign slurm-merge DIR MANIFEST`);
  - returns, or with --wait polls squeue until the merge job is done.
A run whose task died without an outcome is recorded as failed. Running
`run` again while the jobs are queued is refused; once they are gone it
first records the outcomes a lost merge job left, then submits what is
still missing. `status` adds what squeue says of the campaign's jobs.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

from .campaign_spec import Job, Spec

OUTCOME = ".outcome.json"


class SlurmError(Exception):
    pass


def _tool() -> list[str]:
    here = os.path.dirname(os.path.abspath(__file__))
    return [sys.executable, os.path.join(os.path.dirname(here), "mptcp-campaign")]


def _slurm(*args: str) -> str:
    exe = shutil.which(args[0])
    if not exe:
        raise SlurmError(f"{args[0]} not found: the Slurm engine needs the Slurm client "
                         "commands (Debian package slurm-wlm) and a reachable cluster")
    p = subprocess.run([exe, *args[1:]], capture_output=True, text=True, timeout=120)
    if p.returncode != 0:
        raise SlurmError(f"{' '.join(args[:2])}: {p.stderr.strip() or 'exit ' + str(p.returncode)}")
    return p.stdout


def max_array_size() -> int:
    """The cluster's MaxArraySize: array indices run below it."""
    try:
        for line in _slurm("scontrol", "show", "config").splitlines():
            if line.strip().startswith("MaxArraySize"):
                return max(1, int(line.split("=", 1)[1].strip()))
    except (SlurmError, ValueError, subprocess.TimeoutExpired):
        pass
    return 1001  # Slurm's default


def active(job_ids: list[str]) -> dict[str, str]:
    """{job id: state} of the campaign's jobs squeue still lists."""
    if not job_ids:
        return {}
    out = _slurm("squeue", "-h", "-j", ",".join(job_ids), "-o", "%i %T")
    states = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 2:
            states[parts[0]] = parts[1]
    return states


def submit(spec: Spec, todo: list[Job], batch: int, manifest_dir: str,
           command) -> tuple[str, list[str], str, list[tuple[Job, str]]]:
    """Writes the manifest and submits the arrays and the merge job.
    Returns (manifest path, array job ids, merge job id, [(job, engine job
    id)])."""
    os.makedirs(manifest_dir, exist_ok=True)
    n = len([f for f in os.listdir(manifest_dir) if f.startswith("manifest-")])
    manifest = os.path.join(manifest_dir, f"manifest-{n + 1}.json")
    tasks = [todo[i:i + batch] for i in range(0, len(todo), batch)]
    data = {"name": spec.name, "program": spec.program, "timeout": spec.timeout,
            "tasks": [[{"key": j.key, "rng_run": j.rng_run, "params": j.params,
                        "params_json": j.params_json,
                        "rundir": os.path.join(spec.dir, "runs", j.name),
                        "cmd": command(spec.program, j, os.path.join(spec.dir, "runs", j.name),
                                       spec.name)} for j in t] for t in tasks]}
    tmp = manifest + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1)
    os.replace(tmp, manifest)
    step = max_array_size()
    arrays, assigned = [], []
    for off in range(0, len(tasks), step):
        count = min(step, len(tasks) - off)
        wrap = " ".join(_quote(a) for a in _tool() + ["slurm-task", manifest, str(off)])
        jid = _slurm("sbatch", "--parsable", f"--array=0-{count - 1}",
                     f"--job-name={spec.name}", "--ntasks=1", "--cpus-per-task=1",
                     f"--output={os.path.join(manifest_dir, '%A_%a.out')}",
                     f"--wrap={wrap}").strip().split(";")[0]
        arrays.append(jid)
        for t in range(count):
            for j in tasks[off + t]:
                assigned.append((j, f"{jid}_{t}"))
    wrap = " ".join(_quote(a) for a in _tool() + ["slurm-merge", spec.dir, manifest])
    merge = _slurm("sbatch", "--parsable", f"--dependency=afterany:{':'.join(arrays)}",
                   f"--job-name={spec.name}-merge", "--ntasks=1",
                   f"--output={os.path.join(manifest_dir, 'merge-%j.out')}",
                   f"--wrap={wrap}").strip().split(";")[0]
    return manifest, arrays, merge, assigned


def kill_group(p: subprocess.Popen) -> None:
    """Kills a run and everything it started (its own process group), and
    reaps it."""
    try:
        os.killpg(p.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    p.wait()


def _quote(a: str) -> str:
    if a and all(c.isalnum() or c in "/._-=:+," for c in a):
        return a
    return "'" + a.replace("'", "'\\''") + "'"


def run_task(manifest: str, offset: int) -> int:
    """One array task: its runs, one after the other; an outcome file in
    each run's folder (written whole: a rename)."""
    with open(manifest, encoding="utf-8") as f:
        data = json.load(f)
    index = offset + int(os.environ.get("SLURM_ARRAY_TASK_ID", "0"))
    job_id = (f"{os.environ.get('SLURM_ARRAY_JOB_ID', '?')}_"
              f"{os.environ.get('SLURM_ARRAY_TASK_ID', '?')}")
    for run in data["tasks"][index]:
        rundir = run["rundir"]
        shutil.rmtree(rundir, ignore_errors=True)
        os.makedirs(rundir)
        started = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        t0 = time.monotonic()
        with open(os.path.join(rundir, "stdout.txt"), "wb") as out, \
                open(os.path.join(rundir, "stderr.txt"), "wb") as err:
            p = subprocess.Popen(run["cmd"], stdin=subprocess.DEVNULL, stdout=out, stderr=err,
                                 cwd=rundir, start_new_session=True)
            try:
                code = p.wait(timeout=data["timeout"])
            except subprocess.TimeoutExpired:
                kill_group(p)
                code = "timeout"
        outcome = {"code": code, "wall_s": time.monotonic() - t0, "started_at": started,
                   "host": socket.gethostname(), "job_id": job_id}
        tmp = os.path.join(rundir, OUTCOME + ".tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            json.dump(outcome, f)
        os.replace(tmp, os.path.join(rundir, OUTCOME))
    return 0  # the runs' own failures are recorded by the merge job


def read_outcome(rundir: str) -> dict | None:
    try:
        with open(os.path.join(rundir, OUTCOME), encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return None

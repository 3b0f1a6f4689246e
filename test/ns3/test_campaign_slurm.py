#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The campaign tool's Slurm engine on a real one-node Slurm cluster that
this test starts and stops (munged, slurmctld, slurmd on localhost, state
in a temporary folder, non-default ports):

  - the same spec (2 congestion controls x 3 subflow counts x 2 RngRuns of
    the flagship, plus a point with an invalid value) run with the local
    engine and with `--engine slurm --batch 3 --wait` (job arrays of 3 runs
    per task, a dependent merge job) gives the same campaign.db apart from
    the wall-clock, engine and attempt columns;
  - MaxArraySize is honoured: with --batch 1 and the cluster's
    MaxArraySize set to 5, the 16 runs go in four arrays;
  - a second `run` while the jobs are queued is refused; `status` reports
    the Slurm jobs.

Usage: test_campaign_slurm.py PROGRAM
"""
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from test_campaign import TOOL, content  # noqa: E402

SPEC = """[campaign]
name = "slurm"
program = "{program}"
dir = "{dir}"
seeds = 2
timeout = 300

[fixed]
duration = 4
warmup = 1
plot = false

[grid]
cc = ["lia", "reno"]
subflows = [1, 2, 3, 99]
"""


class Cluster:
    """munged + slurmctld + slurmd for localhost, in a folder of its own."""

    def __init__(self, root, max_array=1001):
        self.root, self.procs = root, []
        for d in ("munge", "state", "spool", "log"):
            os.makedirs(os.path.join(root, d), exist_ok=True)
        key = os.path.join(root, "munge", "key")
        with open(key, "wb") as f:
            f.write(os.urandom(1024))
        os.chmod(key, 0o400)
        self.sock = os.path.join(root, "munge", "sock")
        subprocess.run([self.exe("munged"), "--force", f"--socket={self.sock}",
                        f"--key-file={key}", f"--pid-file={root}/munge/pid",
                        f"--log-file={root}/munge/log", f"--seed-file={root}/munge/seed"],
                       check=True, start_new_session=True, timeout=30)
        self.conf = os.path.join(root, "slurm.conf")
        port = 17000 + os.getpid() % 2000 * 2
        with open(self.conf, "w") as f:
            f.write(f"""ClusterName=mptcptest
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket={self.sock}
CredType=cred/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
MpiDefault=none
SchedulerParameters=sched_interval=2
SlurmctldPort={port}
SlurmdPort={port + 1}
StateSaveLocation={root}/state
SlurmdSpoolDir={root}/spool
SlurmctldPidFile={root}/slurmctld.pid
SlurmdPidFile={root}/slurmd.pid
SlurmctldLogFile={root}/log/slurmctld.log
SlurmdLogFile={root}/log/slurmd.log
ReturnToService=2
MaxArraySize={max_array}
NodeName=localhost CPUs={os.cpu_count() or 1} State=UNKNOWN
PartitionName=debug Nodes=localhost Default=YES MaxTime=INFINITE State=UP
""")
        os.environ["SLURM_CONF"] = self.conf
        for cmd in ([self.exe("slurmctld"), "-D", "-f", self.conf],
                    [self.exe("slurmd"), "-D", "-f", self.conf, "-N", "localhost"]):
            log = open(os.path.join(root, "log", os.path.basename(cmd[0]) + ".out"), "wb")
            self.procs.append(subprocess.Popen(cmd, stdout=log, stderr=log,
                                               start_new_session=True))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            p = subprocess.run(["sinfo", "-h", "-o", "%T"], capture_output=True, text=True)
            if p.returncode == 0 and p.stdout.strip() == "idle":
                return
            time.sleep(0.5)
        self.stop()
        raise RuntimeError("the one-node Slurm cluster did not come up: see "
                           f"{root}/log/*")

    @staticmethod
    def exe(name):
        for d in ("/usr/sbin", "/usr/bin", "/sbin"):
            if os.access(os.path.join(d, name), os.X_OK):
                return os.path.join(d, name)
        found = shutil.which(name)
        if not found:
            raise RuntimeError(f"{name} not found: install slurm-wlm and munge "
                               "(scripts/install-deps.sh)")
        return found

    def stop(self):
        for p in self.procs:
            try:
                os.killpg(p.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
        for p in self.procs:
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(p.pid, signal.SIGKILL)
        try:
            with open(os.path.join(self.root, "munge", "pid")) as f:
                os.kill(int(f.read().strip()), signal.SIGTERM)
        except (OSError, ValueError):
            pass


def tool(*args):
    return subprocess.run([sys.executable, TOOL, *args], capture_output=True, text=True,
                          timeout=1800)


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    program = os.path.abspath(argv[1])
    tmp = tempfile.mkdtemp(prefix="campaign-slurm-")
    failures = []
    specs = {}
    for name in ("local", "slurm", "slurm5"):
        specs[name] = os.path.join(tmp, name + ".toml")
        with open(specs[name], "w") as f:
            f.write(SPEC.format(program=program, dir=os.path.join(tmp, name)))
    p = tool("run", specs["local"], "--jobs", "2")
    print(p.stdout.strip())
    if p.returncode != 1:  # the invalid point fails
        failures.append(f"local engine: exit {p.returncode}: {p.stderr[-1500:]}")

    for name, max_array, batch, arrays in (("slurm", 1001, "3", 1), ("slurm5", 5, "1", 4)):
        cluster = Cluster(os.path.join(tmp, "cluster-" + name), max_array)
        try:
            t0 = time.monotonic()
            if name == "slurm5":
                # while the jobs are queued a second run is refused
                sub = tool("run", specs[name], "--engine", "slurm", "--batch", batch)
                again = tool("run", specs[name], "--engine", "slurm")
                if again.returncode != 2 or "still queued or running" not in again.stderr:
                    failures.append(f"second run while queued: {again.returncode} {again.stderr}")
                st = tool("status", os.path.join(tmp, name))
                if "Slurm jobs" not in st.stdout:
                    failures.append(f"status does not report the Slurm jobs: {st.stdout}")
                while "none left in squeue" not in tool("status", os.path.join(tmp, name)).stdout:
                    if time.monotonic() - t0 > 600:
                        failures.append("Slurm jobs not done after 600 s")
                        break
                    time.sleep(1)
                p = sub
            else:
                p = tool("run", specs[name], "--engine", "slurm", "--batch", batch, "--wait")
            print(p.stdout.strip(), f"({time.monotonic() - t0:.1f} s)")
            if p.returncode not in (0, 1):
                failures.append(f"{name}: exit {p.returncode}: {p.stderr[-1500:]}")
            submitted = [l for l in p.stdout.splitlines() if "submitted job array" in l]
            got_arrays = len(submitted[0].split("array(s) ")[1].split(" and")[0].split(", ")) \
                if submitted else 0
            if got_arrays != arrays:
                failures.append(f"{name}: {got_arrays} job arrays, want {arrays}: {p.stdout}")
        finally:
            cluster.stop()
        a = content(os.path.join(tmp, "local", "campaign.db"))
        b = content(os.path.join(tmp, name, "campaign.db"))
        for k in a:
            if a[k] != b[k]:
                diff = next((x, y) for x, y in zip(a[k] + [None], b[k] + [None]) if x != y)
                failures.append(f"{name}: campaign.db differs from the local engine's in {k}: "
                                f"{diff}")
        db = sqlite3.connect(os.path.join(tmp, name, "campaign.db"))
        engines = db.execute("SELECT DISTINCT engine FROM campaign_job").fetchall()
        counts = dict(db.execute("SELECT status, COUNT(*) FROM campaign_job GROUP BY status"))
        db.close()
        print(f"{name}: {counts}, engines {engines}")
        if engines != [("slurm",)] or counts != {"ok": 12, "failed": 4}:
            failures.append(f"{name}: engines {engines}, statuses {counts}")

    for f in failures:
        print("FAIL:", f)
    if not failures:
        shutil.rmtree(tmp, ignore_errors=True)
        print("campaign slurm: OK")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

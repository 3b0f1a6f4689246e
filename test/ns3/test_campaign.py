#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-only
"""The campaign tool over the flagship scenario (issue acceptance):

  - a 3 x 4 x 5 campaign (cc x subflows x RngRun) with --jobs 2, made in
    one go, and the same one killed with SIGKILL about half way and
    resumed: both end with exactly 60 ok runs, no run of the killed tool
    outlives it, and their campaign.db hold the same rows apart from the
    wall-clock, engine and attempt columns;
  - a point with an invalid value (subflows 99) is recorded as failed with
    its exit status and message; the other points are unaffected;
  - `summary` writes the summary table (mptcp-summary, GSL): n = 5 per
    point, the mean of each metric equal to the mean of the exported runs;
  - `plot --x subflows --group cc` draws the ratio against subflows with
    95% confidence bars from campaign.db alone: the data file is checked
    line by line against the summary table, the .plt exactly (one curve
    per congestion control with error bars), the PNG is 900 x 600.

Usage: test_campaign.py PROGRAM MPTCP_SUMMARY
"""
import csv
import io
import json
import os
import signal
import sqlite3
import struct
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TOOL = os.path.join(ROOT, "scripts", "mptcp-campaign")

SPEC = """[campaign]
name = "ratio"
program = "{program}"
dir = "{dir}"
seeds = 5
timeout = 300

[fixed]
duration = 4
warmup = 1
plot = false

[grid]
cc = ["lia", "olia", "reno"]
subflows = {{ from = 1, to = 4 }}
"""

# columns that differ between two executions of the same campaign
VOLATILE_JOB = ("attempts", "engine", "engine_job_id", "host", "started_at", "wall_s", "run_id")


def tool(*args):
    return subprocess.run([sys.executable, TOOL, *args], capture_output=True, text=True,
                          timeout=1800)


def content(db_path):
    """What two executions of a campaign must share, keyed by parameters
    and RngRun (ids may differ)."""
    db = sqlite3.connect(db_path)
    cols = [r[1] for r in db.execute("PRAGMA table_info(campaign_job)")
            if r[1] not in VOLATILE_JOB]
    jobs = sorted(db.execute(f"SELECT {', '.join(cols)} FROM campaign_job").fetchall())
    runs = sorted(db.execute(
        "SELECT p.params_json, r.rng_seed, r.rng_run, r.status, r.exit_code, r.cmdline IS NULL "
        "FROM run r JOIN point p ON p.id = r.point_id").fetchall())
    metrics = sorted(db.execute(
        "SELECT p.params_json, r.rng_run, e.kind, e.label, m.name, m.value, m.unit "
        "FROM metric m JOIN run r ON r.id = m.run_id JOIN point p ON p.id = r.point_id "
        "LEFT JOIN entity e ON e.id = m.entity_id").fetchall(), key=repr)
    samples = sorted(db.execute(
        "SELECT p.params_json, r.rng_run, s.name, s.unit, e.label, COUNT(*), SUM(x.t_ns), "
        "SUM(x.value) FROM sample x JOIN series s ON s.id = x.series_id "
        "JOIN run r ON r.id = s.run_id JOIN point p ON p.id = r.point_id "
        "LEFT JOIN entity e ON e.id = s.entity_id GROUP BY s.id").fetchall(), key=repr)
    db.close()
    return {"jobs": jobs, "runs": runs, "metrics": metrics, "samples": samples}


def ok_count(db_path):
    try:
        db = sqlite3.connect(db_path, timeout=5)
        (n,) = db.execute("SELECT COUNT(*) FROM campaign_job WHERE status = 'ok'").fetchone()
        db.close()
        return n
    except sqlite3.Error:
        return 0


def live_runs(outdir):
    """Processes of the program still writing under outdir."""
    p = subprocess.run(["pgrep", "-f", f"--outputDir={outdir}"], capture_output=True, text=True)
    return [int(x) for x in p.stdout.split()]


def png_size(path):
    with open(path, "rb") as f:
        head = f.read(24)
    if head[:8] != b"\x89PNG\r\n\x1a\n":
        return None
    return struct.unpack(">II", head[16:24])


def main(argv):
    if len(argv) != 3:
        print(__doc__, file=sys.stderr)
        return 2
    program, summary_tool = map(os.path.abspath, argv[1:])
    os.environ["MPTCP_SUMMARY"] = summary_tool
    failures = []
    tmp = tempfile.mkdtemp(prefix="campaign-test-")
    specs = {}
    for name in ("whole", "killed"):
        specs[name] = os.path.join(tmp, name + ".toml")
        with open(specs[name], "w") as f:
            f.write(SPEC.format(program=program, dir=os.path.join(tmp, name)))

    t0 = time.monotonic()
    p = tool("run", specs["whole"], "--jobs", "2")
    if p.returncode != 0:
        failures.append(f"one-go campaign: exit {p.returncode}: {p.stderr[-2000:]}")
    whole_db = os.path.join(tmp, "whole", "campaign.db")
    print(f"one go: {ok_count(whole_db)} ok in {time.monotonic() - t0:.1f} s")

    killed_dir = os.path.join(tmp, "killed")
    killed_db = os.path.join(killed_dir, "campaign.db")
    proc = subprocess.Popen([sys.executable, TOOL, "run", specs["killed"], "--jobs", "2"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 600
    while ok_count(killed_db) < 30 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
    at_kill = ok_count(killed_db)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    time.sleep(0.5)
    left = live_runs(killed_dir)
    print(f"killed with SIGKILL at {at_kill} ok runs; runs still alive: {len(left)}")
    if not 0 < at_kill < 60:
        failures.append(f"the kill came at {at_kill} ok runs, not part way")
    if left:
        failures.append(f"runs outlived the killed tool: pids {left}")
    st = tool("status", killed_dir)
    print(st.stdout.strip())
    if st.returncode != 0 or "60 runs:" not in st.stdout:
        failures.append(f"status after the kill: {st.stdout} {st.stderr}")
    p = tool("run", specs["killed"], "--jobs", "2")
    if p.returncode != 0:
        failures.append(f"resume: exit {p.returncode}: {p.stderr[-2000:]}")
    n_whole, n_killed = ok_count(whole_db), ok_count(killed_db)
    print(f"after the resume: {n_killed} ok (one go: {n_whole})")
    if (n_whole, n_killed) != (60, 60):
        failures.append(f"ok runs: one go {n_whole}, killed and resumed {n_killed}; want 60")
    a, b = content(whole_db), content(killed_db)
    for k in a:
        if a[k] != b[k]:
            diff = next((x, y) for x, y in zip(a[k] + [None], b[k] + [None]) if x != y)
            failures.append(f"campaign.db differ in {k} ({len(a[k])} vs {len(b[k])} rows): {diff}")
    db = sqlite3.connect(killed_db)
    (retried,) = db.execute("SELECT COUNT(*) FROM campaign_job WHERE attempts > 1").fetchone()
    (runs,) = db.execute("SELECT COUNT(*) FROM run").fetchone()
    db.close()
    print(f"runs started twice (killed mid-way): {retried}; runs in campaign.db: {runs}")
    if runs != 60:
        failures.append(f"{runs} runs in the killed campaign's database, want 60 exactly")

    # a failing point among good ones
    bad = os.path.join(tmp, "bad.toml")
    with open(bad, "w") as f:
        f.write(SPEC.format(program=program, dir=os.path.join(tmp, "bad"))
                .replace('cc = ["lia", "olia", "reno"]\nsubflows = { from = 1, to = 4 }',
                         "subflows = [2, 99]").replace("seeds = 5", "seeds = 2"))
    p = tool("run", bad, "--jobs", "2")
    db = sqlite3.connect(os.path.join(tmp, "bad", "campaign.db"))
    rows = db.execute("SELECT params_json, status, exit_code, error FROM campaign_job").fetchall()
    db.close()
    for pj, status, code, error in rows:
        sub = json.loads(pj)["subflows"]
        want = ("ok", None) if sub == "2" else ("failed", 2)
        if (status, code) != want or (sub == "99" and "--subflows" not in (error or "")):
            failures.append(f"subflows {sub}: {status} {code} {error!r}, want {want}")
    if p.returncode != 1 or len(rows) != 4:
        failures.append(f"campaign with a bad point: exit {p.returncode}, {len(rows)} runs")

    # summary and plot, from campaign.db alone
    p = tool("summary", os.path.join(tmp, "whole"))
    if p.returncode != 0:
        failures.append(f"summary: {p.stderr}")
    print("\n".join(p.stdout.splitlines()[:3]))
    e = tool("export", os.path.join(tmp, "whole"))
    rows = list(csv.DictReader(io.StringIO(e.stdout)))
    db = sqlite3.connect(whole_db)
    pp = {}
    for pid, name, value in db.execute("SELECT point_id, name, value FROM param"):
        pp.setdefault(pid, {})[name] = value
    summ = {(pp[r[0]]["cc"], int(pp[r[0]]["subflows"])): r[1:] for r in db.execute(
        "SELECT point_id, n, mean, ci95_low, ci95_high FROM summary WHERE metric = 'goodput_ratio'")}
    db.close()
    if len(summ) != 12:
        failures.append(f"summary: {len(summ)} points with goodput_ratio, want 12")
    for (cc, sub), (n, mean, lo, hi) in summ.items():
        vals = [float(r["goodput_ratio"]) for r in rows
                if r["cc"] == cc and int(r["subflows"]) == sub and r["goodput_ratio"]]
        if n != len(vals) or abs(mean - sum(vals) / len(vals)) > 1e-9 * max(1, abs(mean)):
            failures.append(f"summary {cc} {sub}: n {n} mean {mean}, runs {vals}")
        if n >= 2 and not lo <= mean <= hi:
            failures.append(f"summary {cc} {sub}: interval [{lo}, {hi}] misses {mean}")
    p = tool("plot", os.path.join(tmp, "whole"), "--x", "subflows", "--group", "cc")
    print(p.stdout.strip(), p.stderr.strip())
    base = os.path.join(tmp, "whole", "plots", "goodput_ratio-vs-subflows-by-cc")
    if p.returncode != 0:
        failures.append(f"plot: exit {p.returncode}: {p.stderr}")
    else:
        want = ["# goodput_ratio against subflows: mean and Student-t 95% interval over the "
                "RngRuns of each point (mptcp-summary)"]
        for i, cc in enumerate(["lia", "olia", "reno"]):
            if i:
                want += ["", ""]
            want += [f"# cc = {cc}", "# subflows mean ci95_low ci95_high n"]
            for sub in range(1, 5):
                n, mean, lo, hi = summ[(cc, sub)]
                want.append(f"{sub:.10g} {mean:.10g} {lo:.10g} {hi:.10g} {n}")
        got = open(base + ".dat").read().splitlines()
        if got != want:
            failures.append("plot data differs from the summary:\n" + "\n".join(got[:8]))
        n = "goodput_ratio-vs-subflows-by-cc"
        curves = ", \\\n     ".join(
            f"'{n}.dat' index {i} using 1:2:3:4 with yerrorlines lw 2 pt 7 title 'cc={cc}'"
            for i, cc in enumerate(["lia", "olia", "reno"]))
        want_plt = (
            f"# gnuplot {n}.plt (from {n}.dat): writes {n}.png and {n}.svg\n"
            f"set terminal pngcairo size 900,600\nset output '{n}.png'\n"
            "set title 'goodput_ratio against subflows (95% confidence interval over seeds)' "
            "noenhanced\nset xlabel 'subflows' noenhanced\nset ylabel 'goodput_ratio' noenhanced\n"
            "set key outside right top noenhanced\nset grid\n"
            "set offsets graph 0.05, graph 0.05, graph 0.05, graph 0.05\nset xtics 1\n"
            f"plot {curves}\n"
            f"set terminal svg size 900,600 dynamic\nset output '{n}.svg'\nreplot\n")
        got_plt = open(base + ".plt").read()
        if got_plt != want_plt:
            failures.append("plot script differs:\n" + got_plt + "\nwant:\n" + want_plt)
        if png_size(base + ".png") != (900, 600):
            failures.append(f"PNG size {png_size(base + '.png')}, want (900, 600)")
        if os.path.getsize(base + ".svg") < 1000:
            failures.append("SVG (nearly) empty")
    bad_plot = tool("plot", os.path.join(tmp, "whole"), "--x", "nope")
    if bad_plot.returncode != 2 or "no parameter 'nope'" not in bad_plot.stderr:
        failures.append(f"plot --x nope: {bad_plot.returncode} {bad_plot.stderr}")

    for f in failures:
        print("FAIL:", f)
    if not failures:
        subprocess.run(["rm", "-rf", tmp])
        print("campaign: OK")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))

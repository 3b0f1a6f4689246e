# SPDX-License-Identifier: GPL-2.0-only
"""The campaign spec: a TOML file that describes a sweep once.

    [campaign]
    name = "ratio-vs-subflows"     # recorded in campaign.db (--campaign)
    program = "build/examples/mptcp-shared-bottleneck"
    dir = "results/ratio-vs-subflows"   # the campaign directory
    seeds = 5                      # RngRun 1..5 per point (or a list: [1, 2, 7])
    timeout = 600                  # seconds per run (default 3600)

    [fixed]                        # the same for every run
    duration = 20
    plot = false

    [grid]                         # the product of these lists
    cc = ["lia", "olia", "reno"]
    subflows = { from = 1, to = 8, step = 1 }   # a range: 1, 2, ..., 8

    [[zip]]                        # parameters that vary together: one axis
    bottleneckRate = ["10Mbps", "100Mbps"]
    bottleneckDelay = [18, 2]

Relative paths (program, dir) are taken from the spec file's folder. The
points are the product of every [grid] list and every [[zip]] group, in
the order written; a parameter may appear once. Parameter names are
checked against the program's --PrintHelp (ns-3 attributes written
``"ns3::Type::Attribute"`` are passed through). The tool sets --RngRun,
--outputDir and --campaign itself; a spec that sets them is refused.

Standard library only (tomllib, Python 3.11).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
import subprocess
import tomllib
from dataclasses import dataclass, field

# set by the campaign tool for every run
RESERVED = ("RngRun", "outputDir", "campaign")
SECTIONS = ("campaign", "fixed", "grid", "zip")
CAMPAIGN_KEYS = ("name", "program", "dir", "seeds", "timeout")


class SpecError(Exception):
    """A spec that cannot be used; the message names the file, line and key."""


@dataclass
class Job:
    """One run: a point (its parameters) and an RngRun."""
    params: dict[str, str]
    rng_run: int
    key: str = ""          # params_hash of the point
    params_json: str = ""  # canonical: keys sorted, values strings

    def __post_init__(self) -> None:
        self.params_json = canonical(self.params)
        self.key = point_hash(self.params_json)

    @property
    def name(self) -> str:
        """The run's folder name under runs/."""
        return f"{self.key[:12]}-r{self.rng_run}"


@dataclass
class Spec:
    path: str
    name: str
    program: str
    dir: str
    seeds: list[int]
    timeout: float
    fixed: dict[str, str]
    axes: list[tuple[list[str], list[tuple[str, ...]]]] = field(default_factory=list)

    def points(self) -> list[dict[str, str]]:
        """Every combination of the axes, fixed parameters included."""
        out = []
        for combo in itertools.product(*(values for _, values in self.axes)):
            p = dict(self.fixed)
            for (names, _), vals in zip(self.axes, combo):
                p.update(zip(names, vals))
            out.append(p)
        return out

    def jobs(self) -> list[Job]:
        return [Job(p, r) for p in self.points() for r in self.seeds]

    def swept(self) -> list[str]:
        """The names of the parameters that vary, in axis order."""
        return [n for names, _ in self.axes for n in names]


def canonical(params: dict[str, str]) -> str:
    """JSON with keys in byte order and every value a string."""
    return json.dumps({k: str(v) for k, v in sorted(params.items())},
                      separators=(",", ":"), ensure_ascii=False)


def point_hash(params_json: str) -> str:
    """FNV-1a 64-bit of the canonical JSON, 16 hexadecimal digits (the
    hash results.db uses for its points)."""
    h = 0xcbf29ce484222325
    for b in params_json.encode("utf-8"):
        h ^= b
        h = (h * 0x100000001b3) & 0xFFFFFFFFFFFFFFFF
    return f"{h:016x}"


def value_text(v) -> str:
    """A parameter value as the command line gets it."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, float):
        return repr(v)
    return str(v)


class _Lines:
    """Finds the line of a key in the spec's text (tomllib gives none)."""

    def __init__(self, text: str) -> None:
        self.entries = []  # (line, section, key)
        section = ""
        for no, line in enumerate(text.splitlines(), 1):
            s = line.strip()
            m = re.match(r"^\[\[?\s*([A-Za-z0-9_.\-\"]+)\s*\]\]?", s)
            if m and not re.match(r"^\[\[?[^\]]*\]\]?\s*=", s):
                section = m.group(1).strip('"')
                self.entries.append((no, section, None))
                continue
            m = re.match(r'^("([^"]+)"|[A-Za-z0-9_\-:]+)\s*=', s)
            if m:
                self.entries.append((no, section, m.group(2) or m.group(1)))

    def of(self, section: str, key: str | None = None, nth: int = 0) -> int:
        hits = [no for no, sec, k in self.entries if sec == section and k == key]
        if hits:
            return hits[min(nth, len(hits) - 1)]
        hits = [no for no, sec, k in self.entries if sec == section]
        return hits[0] if hits else 1


def _values(spec_path: str, where: str, line: int, key: str, v) -> list[str]:
    """A grid entry: a non-empty list of scalars, or a range table."""
    def bad(why: str) -> SpecError:
        return SpecError(f"{spec_path}:{line}: {where} '{key}': {why}")

    if isinstance(v, dict):
        extra = set(v) - {"from", "to", "step"}
        if extra or not {"from", "to"} <= set(v):
            raise bad("a range is { from = A, to = B, step = S } (step default 1)")
        a, b, step = v["from"], v["to"], v.get("step", 1)
        nums = (int, float)
        if not all(isinstance(x, nums) and not isinstance(x, bool) for x in (a, b, step)):
            raise bad("from, to and step must be numbers")
        if step <= 0:
            raise bad(f"step must be positive, not {step}")
        if b < a:
            raise bad(f"an empty range: to ({b}) is below from ({a})")
        out, i = [], 0
        while True:
            x = a + i * step
            if x > b + (abs(step) * 1e-9 if isinstance(step, float) else 0):
                break
            out.append(x)
            i += 1
            if i > 100000:
                raise bad("more than 100000 values")
        return [value_text(x) for x in out]
    if not isinstance(v, list):
        raise bad(f"expected a list of values or a range, not {type(v).__name__} "
                  f"{value_text(v)!r} (a single value goes in [fixed])")
    if not v:
        raise bad("an empty list: the grid would have no point")
    for x in v:
        if isinstance(x, (list, dict)) or not isinstance(x, (str, int, float, bool)):
            raise bad(f"values must be strings, numbers or booleans, not {x!r}")
    texts = [value_text(x) for x in v]
    dup = sorted({t for t in texts if texts.count(t) > 1})
    if dup:
        raise bad(f"repeated value {dup[0]!r}")
    return texts


def program_options(program: str) -> set[str] | None:
    """The option names the program's --PrintHelp lists (ns-3 CommandLine
    format: '    --name:   description [default]'), or None when it
    cannot be run."""
    try:
        p = subprocess.run([program, "--PrintHelp"], capture_output=True, text=True,
                           timeout=60)
    except (OSError, subprocess.TimeoutExpired):
        return None
    names = set(re.findall(r"^\s+--([A-Za-z][A-Za-z0-9_]*):", p.stdout, re.M))
    return names or None


def load(path: str, check_program: bool = True) -> Spec:
    """Read and check a spec; SpecError says what is wrong and where."""
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise SpecError(f"{path}: cannot read the spec: {e.strerror}") from e
    try:
        text = raw.decode("utf-8")
        data = tomllib.loads(text)
    except UnicodeDecodeError as e:
        raise SpecError(f"{path}: not UTF-8 text ({e.reason})") from e
    except tomllib.TOMLDecodeError as e:
        raise SpecError(f"{path}: not valid TOML: {e}") from e
    lines = _Lines(text)
    base = os.path.dirname(os.path.abspath(path))

    for sec in data:
        if sec not in SECTIONS:
            raise SpecError(f"{path}:{lines.of(sec)}: unknown section [{sec}] "
                            f"(known: {', '.join('[' + s + ']' for s in SECTIONS)})")
    camp = data.get("campaign")
    if not isinstance(camp, dict):
        raise SpecError(f"{path}:1: no [campaign] section (name, program, dir, seeds)")
    for k in camp:
        if k not in CAMPAIGN_KEYS:
            raise SpecError(f"{path}:{lines.of('campaign', k)}: [campaign] has no key '{k}' "
                            f"(known: {', '.join(CAMPAIGN_KEYS)})")
    for k in ("name", "program", "dir"):
        v = camp.get(k)
        if not isinstance(v, str) or not v.strip():
            raise SpecError(f"{path}:{lines.of('campaign', k)}: [campaign] '{k}' must be a "
                            "non-empty string")
    name = camp["name"]
    if not re.fullmatch(r"[A-Za-z0-9_.\-]+", name):
        raise SpecError(f"{path}:{lines.of('campaign', 'name')}: [campaign] 'name' "
                        f"{name!r}: use letters, digits, '.', '_' and '-'")
    program = camp["program"]
    if os.sep in program and not os.path.isabs(program):
        program = os.path.join(base, program)
    cdir = camp["dir"]
    if not os.path.isabs(cdir):
        cdir = os.path.join(base, cdir)
    seeds = camp.get("seeds", 1)
    sl = lines.of("campaign", "seeds")
    if isinstance(seeds, bool) or not isinstance(seeds, (int, list)):
        raise SpecError(f"{path}:{sl}: [campaign] 'seeds' must be a count or a list of "
                        "RngRun numbers")
    if isinstance(seeds, int):
        if not 1 <= seeds <= 100000:
            raise SpecError(f"{path}:{sl}: [campaign] 'seeds' = {seeds}: 1..100000")
        seeds = list(range(1, seeds + 1))
    else:
        if not seeds or any(isinstance(s, bool) or not isinstance(s, int) or s < 1
                            for s in seeds) or len(set(seeds)) != len(seeds):
            raise SpecError(f"{path}:{sl}: [campaign] 'seeds' list must hold distinct "
                            "RngRun numbers >= 1")
    timeout = camp.get("timeout", 3600)
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout <= 0:
        raise SpecError(f"{path}:{lines.of('campaign', 'timeout')}: [campaign] 'timeout' "
                        "must be a positive number of seconds")

    seen: dict[str, str] = {}

    def claim(key: str, where: str, line: int) -> None:
        if key in RESERVED:
            raise SpecError(f"{path}:{line}: {where} '{key}': set by the campaign tool "
                            "for every run; remove it")
        if key in seen:
            raise SpecError(f"{path}:{line}: {where} '{key}': already given in {seen[key]}")
        seen[key] = where

    fixed_raw = data.get("fixed", {})
    if not isinstance(fixed_raw, dict):
        raise SpecError(f"{path}:{lines.of('fixed')}: [fixed] must be a table")
    fixed = {}
    for k, v in fixed_raw.items():
        line = lines.of("fixed", k)
        claim(k, "[fixed]", line)
        if isinstance(v, (list, dict)) or not isinstance(v, (str, int, float, bool)):
            raise SpecError(f"{path}:{line}: [fixed] '{k}': a single string, number or "
                            f"boolean, not {type(v).__name__} (lists go in [grid])")
        fixed[k] = value_text(v)

    axes = []
    grid = data.get("grid", {})
    if not isinstance(grid, dict):
        raise SpecError(f"{path}:{lines.of('grid')}: [grid] must be a table")
    for k, v in grid.items():
        line = lines.of("grid", k)
        claim(k, "[grid]", line)
        axes.append(([k], [(x,) for x in _values(path, "[grid]", line, k, v)]))
    zips = data.get("zip", [])
    if not isinstance(zips, list):
        raise SpecError(f"{path}:{lines.of('zip')}: zipped groups are written [[zip]]")
    for n, group in enumerate(zips):
        if not isinstance(group, dict) or not group:
            raise SpecError(f"{path}:{lines.of('zip', None, n)}: an empty [[zip]] group")
        names, cols = [], []
        for k, v in group.items():
            line = lines.of("zip", k, n)
            claim(k, f"[[zip]] group {n + 1}", line)
            names.append(k)
            cols.append(_values(path, f"[[zip]] group {n + 1}", line, k, v))
        if len({len(c) for c in cols}) != 1:
            sizes = ", ".join(f"{k} {len(c)}" for k, c in zip(names, cols))
            raise SpecError(f"{path}:{lines.of('zip', names[0], n)}: [[zip]] group {n + 1}: "
                            f"lists of different lengths ({sizes})")
        axes.append((names, list(zip(*cols))))

    spec = Spec(path=path, name=name, program=program, dir=cdir, seeds=seeds,
                timeout=float(timeout), fixed=fixed, axes=axes)
    if check_program:
        check_against_program(spec, lines)
    return spec


def check_against_program(spec: Spec, lines: _Lines | None = None) -> None:
    """Every parameter must be one the program's --PrintHelp lists."""
    prog = spec.program
    if not os.path.exists(prog) and os.sep not in prog:
        found = next((os.path.join(d, prog) for d in os.environ.get("PATH", "").split(":")
                      if d and os.access(os.path.join(d, prog), os.X_OK)), None)
        prog = found or prog
    if not os.path.isfile(prog) or not os.access(prog, os.X_OK):
        line = lines.of("campaign", "program") if lines else 1
        raise SpecError(f"{spec.path}:{line}: [campaign] 'program' {spec.program}: no such "
                        "executable (build it first: bash scripts/build.sh)")
    spec.program = os.path.abspath(prog)
    known = program_options(spec.program)
    if known is None:
        raise SpecError(f"{spec.path}: {spec.program} --PrintHelp lists no options: not an "
                        "ns-3 program of this module's conventions")
    for name in list(spec.fixed) + spec.swept():
        if name.startswith("ns3::"):
            continue  # an attribute default, checked by ns-3 itself
        if name not in known:
            sec = "fixed" if name in spec.fixed else None
            line = 1
            if lines:
                line = lines.of(sec, name) if sec else min(
                    (no for no, s, k in lines.entries if k == name), default=1)
            close = [k for k in sorted(known) if k.lower() == name.lower()]
            hint = f" (did you mean '{close[0]}'?)" if close else ""
            raise SpecError(f"{spec.path}:{line}: unknown parameter '{name}': "
                            f"{os.path.basename(spec.program)} --PrintHelp does not list it{hint}")
    for r in RESERVED:
        if r != "RngRun" and r not in known:
            raise SpecError(f"{spec.path}: {os.path.basename(spec.program)} has no --{r}: the "
                            "campaign tool needs --outputDir and --campaign (results.db)")


def spec_digest(spec: Spec) -> str:
    """What identifies the campaign's plan (program name, points, seeds)."""
    h = hashlib.sha256()
    h.update(os.path.basename(spec.program).encode())
    for j in spec.jobs():
        h.update(f"{j.key}:{j.rng_run};".encode())
    return h.hexdigest()[:16]

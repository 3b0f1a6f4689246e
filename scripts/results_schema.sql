-- SPDX-License-Identifier: GPL-2.0-only
--
-- Schema of the experiment results: one small SQLite file per run, written by
-- ns3::MptcpResults (helper/mptcp-results.cc), and the campaign database that
-- scripts/merge_results.py builds from those files. This file is the only
-- copy of the schema: the C++ helper embeds it at build time (CMake generates
-- mptcp-results-schema.h from it) and the merge script reads it at run time.
--
-- Changing a table means raising the version in schema_version below; the
-- merge script refuses files of another version.
--
-- Wall-clock values (campaign.created_at, run.started_at, run.wall_s) and the
-- machine (run.host) are the only columns that differ between two executions
-- of the same run; they stay NULL unless the caller provides them, so query
-- output over the other columns can be compared byte for byte.

CREATE TABLE schema_version (
    version INTEGER NOT NULL
);
INSERT INTO schema_version (version) VALUES (2);

-- A named set of runs of one scenario program.
CREATE TABLE campaign (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    scenario TEXT NOT NULL,
    module_version TEXT,
    ns3_version TEXT,
    created_at TEXT,
    schema_version INTEGER NOT NULL,
    UNIQUE (name, scenario)
);

-- One combination of parameter values. params_json is canonical (keys in
-- byte order, every value a JSON string); params_hash is the FNV-1a 64-bit
-- hash of its UTF-8 bytes, as 16 lower-case hexadecimal digits.
CREATE TABLE point (
    id INTEGER PRIMARY KEY,
    campaign_id INTEGER NOT NULL REFERENCES campaign (id),
    params_json TEXT NOT NULL,
    params_hash TEXT NOT NULL,
    UNIQUE (campaign_id, params_hash)
);

-- The parameters of a point, one row each, for SQL filters.
CREATE TABLE param (
    point_id INTEGER NOT NULL REFERENCES point (id),
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (point_id, name)
);

-- One execution of a point with one RNG seed and run number. status is
-- 'running' from the start of the run until it ends; 'ok' when it
-- succeeded, any other text when it failed.
CREATE TABLE run (
    id INTEGER PRIMARY KEY,
    point_id INTEGER NOT NULL REFERENCES point (id),
    rng_seed INTEGER NOT NULL,
    rng_run INTEGER NOT NULL,
    status TEXT NOT NULL,
    exit_code INTEGER,
    host TEXT,
    engine TEXT,
    engine_job_id TEXT,
    cmdline TEXT,
    started_at TEXT,
    wall_s REAL,
    UNIQUE (point_id, rng_seed, rng_run)
);

-- Something measured in a run: kind is 'connection' (an MPTCP connection),
-- 'subflow', 'tcp_flow' (a single-path TCP flow), 'attacker', or 'ip_flow'
-- (a flow as ns-3's FlowMonitor classifies it: one direction of a 5-tuple).
CREATE TABLE entity (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES run (id),
    kind TEXT NOT NULL,
    label TEXT NOT NULL,
    five_tuple TEXT
);

-- One value per run (entity_id NULL) or per entity: goodput_bps, share,
-- jain, peak_rcvbuf, ...
CREATE TABLE metric (
    run_id INTEGER NOT NULL REFERENCES run (id),
    entity_id INTEGER REFERENCES entity (id),
    name TEXT NOT NULL,
    value REAL,
    unit TEXT
);
CREATE INDEX metric_by_run ON metric (run_id, name);

-- A time series of a run or an entity: cwnd, srtt, throughput, rcvbuf, ...
-- unit is the unit of its sample values, as for metrics ("byte", "bit/s",
-- "ms"; NULL when it has none). Version 2 added it.
CREATE TABLE series (
    id INTEGER PRIMARY KEY,
    run_id INTEGER NOT NULL REFERENCES run (id),
    entity_id INTEGER REFERENCES entity (id),
    name TEXT NOT NULL,
    unit TEXT
);

-- The samples of a series; t_ns is the simulation time in nanoseconds.
CREATE TABLE sample (
    series_id INTEGER NOT NULL REFERENCES series (id),
    t_ns INTEGER NOT NULL,
    value REAL
);
CREATE INDEX sample_by_series ON sample (series_id, t_ns);

-- Goodput of every entity that has one.
CREATE VIEW goodput AS
SELECT m.run_id AS run_id, e.id AS entity_id, e.kind AS kind,
       e.label AS label, m.value AS goodput_bps
FROM metric AS m JOIN entity AS e ON e.id = m.entity_id
WHERE m.name = 'goodput_bps';

-- Per run: mean goodput of the MPTCP connections over the mean goodput of
-- the TCP flows (about 1 for a coupled congestion control at a shared
-- bottleneck, about the number of subflows for uncoupled ones). ratio is
-- NULL when the run has no TCP flow or its TCP flows carried nothing.
CREATE VIEW goodput_ratio AS
SELECT r.id AS run_id,
       (SELECT COUNT(*) FROM goodput AS g
        WHERE g.run_id = r.id AND g.kind = 'connection') AS n_mptcp,
       (SELECT COUNT(*) FROM goodput AS g
        WHERE g.run_id = r.id AND g.kind = 'tcp_flow') AS n_tcp,
       (SELECT AVG(g.goodput_bps) FROM goodput AS g
        WHERE g.run_id = r.id AND g.kind = 'connection') AS mptcp_mean_bps,
       (SELECT AVG(g.goodput_bps) FROM goodput AS g
        WHERE g.run_id = r.id AND g.kind = 'tcp_flow') AS tcp_mean_bps,
       (SELECT AVG(g.goodput_bps) FROM goodput AS g
        WHERE g.run_id = r.id AND g.kind = 'connection')
         / NULLIF((SELECT AVG(g.goodput_bps) FROM goodput AS g
                   WHERE g.run_id = r.id AND g.kind = 'tcp_flow'), 0)
         AS ratio
FROM run AS r;

-- Per run: Jain's fairness index over the goodputs of the flows that share
-- the network (MPTCP connections and TCP flows; subflows and attackers are
-- not counted): (sum x)^2 / (n * sum x^2). NULL when every goodput is zero.
CREATE VIEW jain_goodput AS
SELECT g.run_id AS run_id, COUNT(*) AS n,
       SUM(g.goodput_bps) * SUM(g.goodput_bps)
         / NULLIF(COUNT(*) * SUM(g.goodput_bps * g.goodput_bps), 0) AS jain
FROM goodput AS g
WHERE g.kind IN ('connection', 'tcp_flow')
GROUP BY g.run_id;

-- Every run with its campaign and parameters, for filtering and grouping.
CREATE VIEW run_point AS
SELECT r.id AS run_id, c.name AS campaign, c.scenario AS scenario,
       p.id AS point_id, p.params_hash AS params_hash,
       p.params_json AS params_json, r.rng_seed AS rng_seed,
       r.rng_run AS rng_run, r.status AS status, r.exit_code AS exit_code
FROM run AS r
JOIN point AS p ON p.id = r.point_id
JOIN campaign AS c ON c.id = p.campaign_id;

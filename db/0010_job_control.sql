-- 0010: job control (issue 22): holds, dependencies and sweeps.
-- A job's control facts sit beside its row (one row per job that has any); a sweep is one submit that made many jobs.
-- Timestamps are INTEGER Unix milliseconds, UTC. Enumerations are stored by name.

CREATE TABLE sweeps (
    id           INTEGER NOT NULL PRIMARY KEY,
    name         TEXT    NOT NULL,
    owner        TEXT    NOT NULL,
    team         TEXT    NOT NULL,
    size         INTEGER NOT NULL CHECK (size >= 1),
    max_running  INTEGER CHECK (max_running >= 1),
    parameters   TEXT    NOT NULL,
    created_at   INTEGER NOT NULL
) STRICT;

CREATE TABLE job_controls (
    job_id        INTEGER NOT NULL PRIMARY KEY REFERENCES jobs (id),
    -- Who holds the job and with whose authority; NULL when it is not held.
    held_by       TEXT,
    hold_authority TEXT   CHECK (hold_authority IN ('Owner', 'Lead', 'Admin')),
    held_at       INTEGER,
    -- Comma-separated terms "41:ok,42:any,43:notok"; NULL when the job depends on nothing.
    depends_on    TEXT,
    sweep_id      INTEGER REFERENCES sweeps (id),
    sweep_index   INTEGER CHECK (sweep_index >= 0),
    -- The sweep values of this job as a JSON object {"lr":"1e-4","seed":"1"}.
    sweep_values  TEXT,
    CHECK ((held_by IS NULL) = (hold_authority IS NULL)),
    CHECK ((sweep_id IS NULL) = (sweep_index IS NULL))
) STRICT;

CREATE INDEX job_controls_by_sweep ON job_controls (sweep_id, sweep_index) WHERE sweep_id IS NOT NULL;

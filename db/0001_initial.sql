-- 0001: the cluster's core facts: nodes and their GPUs, teams and quotas, users, jobs, allocations
-- (reservations of exact GPU indices), the GPUs currently held, and the append-only job event history.
-- Timestamps are INTEGER Unix milliseconds, UTC. Enumerations are stored by name.
-- Never edit this file once applied anywhere: add a new numbered file instead.

CREATE TABLE nodes (
    name            TEXT    NOT NULL PRIMARY KEY,
    cpu_millicores  INTEGER NOT NULL CHECK (cpu_millicores >= 0),
    memory_mib      INTEGER NOT NULL CHECK (memory_mib >= 0),
    state           TEXT    NOT NULL CHECK (state IN ('Ready', 'Draining', 'Down')),
    state_reason    TEXT,
    simulated       INTEGER NOT NULL DEFAULT 0 CHECK (simulated IN (0, 1)),
    updated_at      INTEGER NOT NULL
) STRICT;

CREATE TABLE node_gpus (
    node        TEXT    NOT NULL REFERENCES nodes (name) ON DELETE CASCADE,
    gpu_index   INTEGER NOT NULL CHECK (gpu_index BETWEEN 0 AND 63),
    model       TEXT    NOT NULL,
    memory_mib  INTEGER NOT NULL CHECK (memory_mib >= 0),
    PRIMARY KEY (node, gpu_index)
) STRICT, WITHOUT ROWID;

CREATE TABLE teams (
    name        TEXT    NOT NULL PRIMARY KEY,
    created_at  INTEGER NOT NULL
) STRICT;

CREATE TABLE team_quotas (
    team                    TEXT    NOT NULL PRIMARY KEY REFERENCES teams (name) ON DELETE CASCADE,
    nominal_gpus            INTEGER NOT NULL CHECK (nominal_gpus >= 0),
    nominal_cpu_millicores  INTEGER NOT NULL CHECK (nominal_cpu_millicores >= 0),
    nominal_memory_mib      INTEGER NOT NULL CHECK (nominal_memory_mib >= 0),
    borrow_gpus             INTEGER NOT NULL CHECK (borrow_gpus >= 0),
    borrow_cpu_millicores   INTEGER NOT NULL CHECK (borrow_cpu_millicores >= 0),
    borrow_memory_mib       INTEGER NOT NULL CHECK (borrow_memory_mib >= 0),
    fair_share_weight       REAL    NOT NULL CHECK (fair_share_weight >= 0),
    max_priority            INTEGER NOT NULL,
    updated_at              INTEGER NOT NULL
) STRICT;

-- Accounts come with a later issue; the columns are here so that issue adds no table rewrite.
CREATE TABLE users (
    name             TEXT    NOT NULL PRIMARY KEY,
    display_name     TEXT    NOT NULL,
    role             TEXT    NOT NULL CHECK (role IN ('Member', 'TeamLead', 'Admin')),
    password_hash    TEXT,
    failed_sign_ins  INTEGER NOT NULL DEFAULT 0 CHECK (failed_sign_ins >= 0),
    locked_until     INTEGER,
    enabled          INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
    created_at       INTEGER NOT NULL
) STRICT;

CREATE TABLE team_members (
    user_name  TEXT NOT NULL REFERENCES users (name) ON DELETE CASCADE,
    team       TEXT NOT NULL REFERENCES teams (name) ON DELETE CASCADE,
    PRIMARY KEY (user_name, team)
) STRICT, WITHOUT ROWID;

CREATE INDEX team_members_by_team ON team_members (team, user_name);

-- A job keeps the team and owner names it was submitted with (no foreign key): a job refused because its
-- team has no quota is still a fact to show, and history outlives renamed or removed teams and accounts.
CREATE TABLE jobs (
    id                    INTEGER NOT NULL PRIMARY KEY,
    name                  TEXT    NOT NULL,
    owner                 TEXT    NOT NULL,
    team                  TEXT    NOT NULL,
    command               TEXT    NOT NULL,
    gpus                  INTEGER NOT NULL CHECK (gpus BETWEEN 0 AND 64),
    cpu_millicores        INTEGER NOT NULL CHECK (cpu_millicores > 0),
    memory_mib            INTEGER NOT NULL CHECK (memory_mib > 0),
    gpu_model             TEXT,
    cpu_limit_millicores  INTEGER,
    memory_limit_mib      INTEGER,
    walltime_ms           INTEGER CHECK (walltime_ms > 0),
    priority              INTEGER NOT NULL,
    state                 TEXT    NOT NULL CHECK (state IN ('Pending', 'Running', 'Succeeded', 'Failed', 'Cancelled', 'TimedOut', 'Rejected')),
    submitted_at          INTEGER NOT NULL,
    started_at            INTEGER,
    ended_at              INTEGER,
    exit_code             INTEGER,
    reason                TEXT
) STRICT;

-- Only active jobs are indexed by state: a job leaves this index when it ends, so recovery reads a small index
-- however long the history grows. Queries use it with "state IN ('Pending', 'Running') AND state = ...".
CREATE INDEX jobs_active ON jobs (state, id) WHERE state IN ('Pending', 'Running');
CREATE INDEX jobs_by_team ON jobs (team, id);
CREATE INDEX jobs_by_owner ON jobs (owner, id);

-- Every reservation ever made, clustered by job: attempt 1 is a job's first start, 2 its start after a requeue.
-- released_at is NULL while the job holds it.
CREATE TABLE allocations (
    job_id          INTEGER NOT NULL REFERENCES jobs (id),
    attempt         INTEGER NOT NULL CHECK (attempt >= 1),
    node            TEXT    NOT NULL REFERENCES nodes (name),
    gpu_indices     TEXT    NOT NULL,
    cpu_millicores  INTEGER NOT NULL CHECK (cpu_millicores >= 0),
    memory_mib      INTEGER NOT NULL CHECK (memory_mib >= 0),
    borrowing       INTEGER NOT NULL CHECK (borrowing IN (0, 1)),
    started_at      INTEGER NOT NULL,
    expected_end_at INTEGER,
    released_at     INTEGER,
    PRIMARY KEY (job_id, attempt)
) STRICT, WITHOUT ROWID;

CREATE UNIQUE INDEX allocations_one_current_per_job ON allocations (job_id) WHERE released_at IS NULL;

-- The GPUs held right now: one row per (node, GPU index), removed on release. The primary key makes
-- SQLite itself refuse a second holder of the same GPU. Releasing deletes by node (a primary-key prefix) and job.
CREATE TABLE held_gpus (
    node       TEXT    NOT NULL REFERENCES nodes (name),
    gpu_index  INTEGER NOT NULL,
    job_id     INTEGER NOT NULL REFERENCES jobs (id),
    PRIMARY KEY (node, gpu_index)
) STRICT, WITHOUT ROWID;

-- Append-only: every state change of a job (its submission is jobs.submitted_at).
CREATE TABLE job_events (
    id          INTEGER NOT NULL PRIMARY KEY,
    job_id      INTEGER NOT NULL REFERENCES jobs (id),
    at          INTEGER NOT NULL,
    from_state  TEXT    NOT NULL,
    to_state    TEXT    NOT NULL,
    reason      TEXT,
    exit_code   INTEGER
) STRICT;

CREATE INDEX job_events_by_job ON job_events (job_id, id);

CREATE TRIGGER job_events_refuse_update BEFORE UPDATE ON job_events
BEGIN
    SELECT RAISE(ABORT, 'job_events is append-only');
END;

CREATE TRIGGER job_events_refuse_delete BEFORE DELETE ON job_events
BEGIN
    SELECT RAISE(ABORT, 'job_events is append-only');
END;

-- 0002: accounting and history: per-job usage, team fair-share usage, per-minute utilisation samples
-- per team and per user, and the append-only audit log.
-- Never edit this file once applied anywhere: add a new numbered file instead.

CREATE TABLE job_usage (
    job_id              INTEGER NOT NULL PRIMARY KEY REFERENCES jobs (id),
    wait_seconds        REAL    NOT NULL CHECK (wait_seconds >= 0),
    run_seconds         REAL    NOT NULL CHECK (run_seconds >= 0),
    gpu_seconds         REAL    NOT NULL CHECK (gpu_seconds >= 0),
    cpu_seconds         REAL    NOT NULL CHECK (cpu_seconds >= 0),
    memory_mib_seconds  REAL    NOT NULL CHECK (memory_mib_seconds >= 0),
    recorded_at         INTEGER NOT NULL
) STRICT;

-- Fair-share usage, already decayed to as_of.
CREATE TABLE team_usage (
    team         TEXT    NOT NULL PRIMARY KEY,
    gpu_seconds  REAL    NOT NULL CHECK (gpu_seconds >= 0),
    cpu_seconds  REAL    NOT NULL CHECK (cpu_seconds >= 0),
    as_of        INTEGER NOT NULL
) STRICT;

-- One row per team per minute (minute = start of the minute), real and simulated kept apart.
CREATE TABLE team_utilisation_samples (
    team                 TEXT    NOT NULL,
    minute               INTEGER NOT NULL,
    simulated            INTEGER NOT NULL CHECK (simulated IN (0, 1)),
    gpus                 INTEGER NOT NULL CHECK (gpus >= 0),
    cpu_millicores       INTEGER NOT NULL CHECK (cpu_millicores >= 0),
    memory_mib           INTEGER NOT NULL CHECK (memory_mib >= 0),
    gpu_utilisation_pct  REAL CHECK (gpu_utilisation_pct BETWEEN 0 AND 100),
    gpu_memory_used_mib  INTEGER CHECK (gpu_memory_used_mib >= 0),
    PRIMARY KEY (team, minute, simulated)
) STRICT, WITHOUT ROWID;

CREATE INDEX team_utilisation_samples_by_minute ON team_utilisation_samples (minute);

CREATE TABLE user_utilisation_samples (
    user_name            TEXT    NOT NULL,
    minute               INTEGER NOT NULL,
    simulated            INTEGER NOT NULL CHECK (simulated IN (0, 1)),
    gpus                 INTEGER NOT NULL CHECK (gpus >= 0),
    cpu_millicores       INTEGER NOT NULL CHECK (cpu_millicores >= 0),
    memory_mib           INTEGER NOT NULL CHECK (memory_mib >= 0),
    gpu_utilisation_pct  REAL CHECK (gpu_utilisation_pct BETWEEN 0 AND 100),
    gpu_memory_used_mib  INTEGER CHECK (gpu_memory_used_mib >= 0),
    PRIMARY KEY (user_name, minute, simulated)
) STRICT, WITHOUT ROWID;

CREATE INDEX user_utilisation_samples_by_minute ON user_utilisation_samples (minute);

-- Append-only: who changed what, with the state before and after as JSON.
CREATE TABLE audit_log (
    id           INTEGER NOT NULL PRIMARY KEY,
    at           INTEGER NOT NULL,
    actor        TEXT    NOT NULL,
    action       TEXT    NOT NULL,
    target       TEXT    NOT NULL,
    before_json  TEXT CHECK (before_json IS NULL OR json_valid(before_json)),
    after_json   TEXT CHECK (after_json IS NULL OR json_valid(after_json))
) STRICT;

CREATE INDEX audit_log_by_at ON audit_log (at);
CREATE INDEX audit_log_by_target ON audit_log (target, at);
CREATE INDEX audit_log_by_actor ON audit_log (actor, at);

CREATE TRIGGER audit_log_refuse_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_refuse_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

-- 0003: utilisation history: per-minute samples per team member (a user within one team), hour and day roll-ups
-- of the per-minute samples, how far each roll-up has got (retention deletes only what is rolled up), an index
-- for finding the allocations that overlap a time range, and the per-day roll-up of job accounting (what jobs held
-- per UTC day, team and user; the jobs that first started each day and their waits), kept by triggers.
-- Never edit this file once applied anywhere: add a new numbered file instead.

-- One row per (team, user) per minute, real and simulated kept apart. user_utilisation_samples (0002) is per user
-- only; a user in two teams would mix the teams there, and a team lead must see only their own team's share.
CREATE TABLE member_utilisation_samples (
    team                 TEXT    NOT NULL,
    user_name            TEXT    NOT NULL,
    minute               INTEGER NOT NULL,
    simulated            INTEGER NOT NULL CHECK (simulated IN (0, 1)),
    gpus                 INTEGER NOT NULL CHECK (gpus >= 0),
    cpu_millicores       INTEGER NOT NULL CHECK (cpu_millicores >= 0),
    memory_mib           INTEGER NOT NULL CHECK (memory_mib >= 0),
    gpu_utilisation_pct  REAL CHECK (gpu_utilisation_pct BETWEEN 0 AND 100),
    gpu_memory_used_mib  INTEGER CHECK (gpu_memory_used_mib >= 0),
    PRIMARY KEY (team, user_name, minute, simulated)
) STRICT, WITHOUT ROWID;

CREATE INDEX member_utilisation_samples_by_minute ON member_utilisation_samples (minute);

-- Sums of per-minute samples over an hour or a day (bucket_start = the bucket's first millisecond, UTC), per team
-- (from team_utilisation_samples) and per team member (from member_utilisation_samples). *_minutes are sums over the
-- bucket's minutes: gpu_minutes / 60 is GPU-hours. measured_gpu_minutes counts GPU minutes whose utilisation was
-- reported; used_gpu_minutes is their GPU minutes times utilisation. Keyed by time first: a chart reads one
-- contiguous range.
CREATE TABLE team_utilisation_rollups (
    granularity                  TEXT    NOT NULL CHECK (granularity IN ('hour', 'day')),
    bucket_start                 INTEGER NOT NULL,
    team                         TEXT    NOT NULL,
    simulated                    INTEGER NOT NULL CHECK (simulated IN (0, 1)),
    gpu_minutes                  INTEGER NOT NULL CHECK (gpu_minutes >= 0),
    cpu_millicore_minutes        INTEGER NOT NULL CHECK (cpu_millicore_minutes >= 0),
    memory_mib_minutes           INTEGER NOT NULL CHECK (memory_mib_minutes >= 0),
    measured_gpu_minutes         INTEGER NOT NULL CHECK (measured_gpu_minutes >= 0),
    used_gpu_minutes             REAL    NOT NULL CHECK (used_gpu_minutes >= 0),
    gpu_memory_used_mib_minutes  INTEGER NOT NULL CHECK (gpu_memory_used_mib_minutes >= 0),
    PRIMARY KEY (granularity, bucket_start, team, simulated)
) STRICT, WITHOUT ROWID;

CREATE TABLE member_utilisation_rollups (
    granularity                  TEXT    NOT NULL CHECK (granularity IN ('hour', 'day')),
    bucket_start                 INTEGER NOT NULL,
    team                         TEXT    NOT NULL,
    user_name                    TEXT    NOT NULL,
    simulated                    INTEGER NOT NULL CHECK (simulated IN (0, 1)),
    gpu_minutes                  INTEGER NOT NULL CHECK (gpu_minutes >= 0),
    cpu_millicore_minutes        INTEGER NOT NULL CHECK (cpu_millicore_minutes >= 0),
    memory_mib_minutes           INTEGER NOT NULL CHECK (memory_mib_minutes >= 0),
    measured_gpu_minutes         INTEGER NOT NULL CHECK (measured_gpu_minutes >= 0),
    used_gpu_minutes             REAL    NOT NULL CHECK (used_gpu_minutes >= 0),
    gpu_memory_used_mib_minutes  INTEGER NOT NULL CHECK (gpu_memory_used_mib_minutes >= 0),
    PRIMARY KEY (granularity, bucket_start, team, user_name, simulated)
) STRICT, WITHOUT ROWID;

-- One team's members (a lead's view) and one user's rows (a member's view) over time.
CREATE INDEX member_utilisation_rollups_by_team ON member_utilisation_rollups (granularity, team, bucket_start);
CREATE INDEX member_utilisation_rollups_by_user ON member_utilisation_rollups (granularity, user_name, bucket_start);

-- Everything before rolled_until is in the roll-up of this granularity (hour: minutes rolled into hours;
-- day: hours rolled into days). Retention deletes only what lies before it.
CREATE TABLE utilisation_rollup_progress (
    granularity   TEXT    NOT NULL PRIMARY KEY CHECK (granularity IN ('hour', 'day')),
    rolled_until  INTEGER NOT NULL
) STRICT;

-- Allocations that overlap a range: those still held, or released after its start (and started before its end: the
-- start is in the index, so a range's edge is found without reading the table).
CREATE INDEX allocations_by_release ON allocations (released_at, started_at);

-- Job accounting per UTC day (day = the day's first millisecond): held_ms, gpu_ms, millicore_ms and mib_ms are what
-- released allocations held on that day, split exactly at midnight (milliseconds; GPU-, millicore- and
-- MiB-milliseconds); jobs_started and wait_ms count the jobs whose first allocation started that day and has been
-- released, with the sum of their waits from submission (never below 0). A release only queues its allocation in
-- job_days_pending (the trigger below: one small insert in the engine's transaction); UsageHistoryStore.RollUpJobDays
-- (the usage sampler, every minute) moves what is queued into these tables and empties the queue in one
-- transaction. So an allocation is always in exactly one place: still held, queued, or rolled up. Readers take the
-- first two, and a range's partial first and last days, from allocations itself. UsageHistoryStore.RebuildJobDays
-- recomputes everything from the views below.
CREATE TABLE team_job_days (
    day           INTEGER NOT NULL,
    team          TEXT    NOT NULL,
    held_ms       INTEGER NOT NULL DEFAULT 0 CHECK (held_ms >= 0),
    gpu_ms        INTEGER NOT NULL DEFAULT 0 CHECK (gpu_ms >= 0),
    millicore_ms  INTEGER NOT NULL DEFAULT 0 CHECK (millicore_ms >= 0),
    mib_ms        INTEGER NOT NULL DEFAULT 0 CHECK (mib_ms >= 0),
    jobs_started  INTEGER NOT NULL DEFAULT 0 CHECK (jobs_started >= 0),
    wait_ms       INTEGER NOT NULL DEFAULT 0 CHECK (wait_ms >= 0),
    PRIMARY KEY (day, team)
) STRICT, WITHOUT ROWID;

CREATE TABLE member_job_days (
    day           INTEGER NOT NULL,
    team          TEXT    NOT NULL,
    user_name     TEXT    NOT NULL,
    held_ms       INTEGER NOT NULL DEFAULT 0 CHECK (held_ms >= 0),
    gpu_ms        INTEGER NOT NULL DEFAULT 0 CHECK (gpu_ms >= 0),
    millicore_ms  INTEGER NOT NULL DEFAULT 0 CHECK (millicore_ms >= 0),
    mib_ms        INTEGER NOT NULL DEFAULT 0 CHECK (mib_ms >= 0),
    jobs_started  INTEGER NOT NULL DEFAULT 0 CHECK (jobs_started >= 0),
    wait_ms       INTEGER NOT NULL DEFAULT 0 CHECK (wait_ms >= 0),
    PRIMARY KEY (day, team, user_name)
) STRICT, WITHOUT ROWID;

CREATE INDEX member_job_days_by_team ON member_job_days (team, day);
CREATE INDEX member_job_days_by_user ON member_job_days (user_name, day);

-- Released allocations not yet rolled up into the tables above.
CREATE TABLE job_days_pending (
    job_id   INTEGER NOT NULL,
    attempt  INTEGER NOT NULL,
    PRIMARY KEY (job_id, attempt)
) STRICT, WITHOUT ROWID;

-- One row per job whose first allocation has been released, with its start and wait: the p95 wait of a range is
-- looked up here per team or user, walking the waits from the longest down (a few per cent of them), never sorting
-- them all.
CREATE TABLE job_first_starts (
    started_at  INTEGER NOT NULL,
    job_id      INTEGER NOT NULL REFERENCES jobs (id),
    team        TEXT    NOT NULL,
    user_name   TEXT    NOT NULL,
    wait_ms     INTEGER NOT NULL CHECK (wait_ms >= 0),
    PRIMARY KEY (started_at, job_id)
) STRICT, WITHOUT ROWID;

CREATE INDEX job_first_starts_by_team_wait ON job_first_starts (team, wait_ms, started_at);
CREATE INDEX job_first_starts_by_member_wait ON job_first_starts (team, user_name, wait_ms, started_at);

-- Every job's released first allocation: its start and wait.
CREATE VIEW released_first_starts AS
SELECT a.started_at, a.job_id, j.team, j.owner AS user_name, MAX(0, a.started_at - j.submitted_at) AS wait_ms
FROM allocations a JOIN jobs j ON j.id = a.job_id
WHERE a.attempt = 1 AND a.released_at IS NOT NULL;

-- What the day tables sum, from the detailed rows: every released allocation split into the UTC days it held
-- anything on, and every released first allocation's start on its day (RollUpJobDays adds the same parts for the
-- queued allocations only).
CREATE VIEW job_day_parts AS
WITH RECURSIVE parts (job_id, attempt, day, started_at, released_at) AS (
    SELECT job_id, attempt, started_at - (started_at % 86400000), started_at, released_at
    FROM allocations WHERE released_at > started_at
    UNION ALL
    SELECT job_id, attempt, day + 86400000, started_at, released_at FROM parts WHERE day + 86400000 < released_at
),
held (day, team, user_name, gpus, cpu_millicores, memory_mib, ms) AS (
    SELECT p.day, j.team, j.owner, j.gpus, a.cpu_millicores, a.memory_mib,
           MIN(p.released_at, p.day + 86400000) - MAX(p.started_at, p.day)
    FROM parts p
    JOIN allocations a ON a.job_id = p.job_id AND a.attempt = p.attempt
    JOIN jobs j ON j.id = p.job_id
)
SELECT day, team, user_name, ms AS held_ms, gpus * ms AS gpu_ms, cpu_millicores * ms AS millicore_ms, memory_mib * ms AS mib_ms,
       0 AS jobs_started, 0 AS wait_ms
FROM held
UNION ALL
SELECT started_at - (started_at % 86400000), team, user_name, 0, 0, 0, 0, 1, wait_ms FROM released_first_starts;

-- A released allocation waits in the queue for the next roll-up. Nothing runs when an allocation is made.
CREATE TRIGGER allocations_release_queued_for_job_days AFTER UPDATE OF released_at ON allocations
WHEN OLD.released_at IS NULL AND NEW.released_at IS NOT NULL
BEGIN
    INSERT INTO job_days_pending (job_id, attempt) VALUES (NEW.job_id, NEW.attempt);
END;

-- What a database brings from before this migration (UsageHistoryStore.RebuildJobDays runs the same statements).
INSERT INTO job_first_starts (started_at, job_id, team, user_name, wait_ms)
SELECT started_at, job_id, team, user_name, wait_ms FROM released_first_starts;

INSERT INTO team_job_days (day, team, held_ms, gpu_ms, millicore_ms, mib_ms, jobs_started, wait_ms)
SELECT day, team, SUM(held_ms), SUM(gpu_ms), SUM(millicore_ms), SUM(mib_ms), SUM(jobs_started), SUM(wait_ms)
FROM job_day_parts GROUP BY day, team;

INSERT INTO member_job_days (day, team, user_name, held_ms, gpu_ms, millicore_ms, mib_ms, jobs_started, wait_ms)
SELECT day, team, user_name, SUM(held_ms), SUM(gpu_ms), SUM(millicore_ms), SUM(mib_ms), SUM(jobs_started), SUM(wait_ms)
FROM job_day_parts GROUP BY day, team, user_name;


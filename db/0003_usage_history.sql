-- 0003: utilisation history: per-minute samples per team member (a user within one team), hour and day roll-ups
-- of the per-minute samples, how far each roll-up has got (retention deletes only what is rolled up), and an
-- index for finding the allocations that overlap a time range.
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

-- Allocations that overlap a range: those still held, or released after its start.
CREATE INDEX allocations_by_release ON allocations (released_at);

-- 0016 (brief: 0017; renumber at merge): accounting of advance reservations (issue 23). Per team and minute, the GPUs
-- its approved reservations kept (their windows open, laid out as the scheduler lays them) and how many of those
-- ran none of the team's jobs ("reserved, idle"); written by the usage sampler in the same transaction and at the
-- same cadence as the per-minute team and member samples, rolled up into hours and days with them (plain sums of
-- GPU-minutes, so a roll-up equals what it replaces) and deleted by the same retention.
-- Never edit this file once applied anywhere: add a new numbered file instead.
CREATE TABLE team_reservation_samples (
    team           TEXT    NOT NULL,
    minute         INTEGER NOT NULL,
    reserved_gpus  INTEGER NOT NULL CHECK (reserved_gpus >= 0),
    idle_gpus      INTEGER NOT NULL CHECK (idle_gpus BETWEEN 0 AND reserved_gpus),
    PRIMARY KEY (minute, team)
) STRICT, WITHOUT ROWID;

CREATE TABLE team_reservation_rollups (
    granularity           TEXT    NOT NULL CHECK (granularity IN ('hour', 'day')),
    bucket_start          INTEGER NOT NULL,
    team                  TEXT    NOT NULL,
    reserved_gpu_minutes  INTEGER NOT NULL CHECK (reserved_gpu_minutes >= 0),
    idle_gpu_minutes      INTEGER NOT NULL CHECK (idle_gpu_minutes BETWEEN 0 AND reserved_gpu_minutes),
    PRIMARY KEY (granularity, bucket_start, team)
) STRICT, WITHOUT ROWID;

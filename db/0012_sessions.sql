-- Interactive sessions (issue 24): a session is a job of kind 'session' with its type's name (Sessions:Types in
-- the settings); every other job is a 'batch' job. Existing jobs are batch jobs.
ALTER TABLE jobs ADD COLUMN kind TEXT NOT NULL DEFAULT 'batch' CHECK (kind IN ('batch', 'session'));
ALTER TABLE jobs ADD COLUMN session_type TEXT CHECK ((kind = 'session') = (session_type IS NOT NULL));

-- What the dashboard told a job's owner about it while it ran (the idle policy's warnings and its stop), newest
-- last; read by the session and job pages. Append-only, like job_events.
CREATE TABLE job_notices (
    id      INTEGER NOT NULL PRIMARY KEY,
    job_id  INTEGER NOT NULL REFERENCES jobs (id),
    owner   TEXT    NOT NULL,
    at      INTEGER NOT NULL,
    kind    TEXT    NOT NULL CHECK (kind IN ('idle-warning', 'idle-stop', 'idle-flag')),
    message TEXT    NOT NULL
) STRICT;
CREATE INDEX job_notices_by_owner ON job_notices (owner, id);
CREATE INDEX job_notices_by_job ON job_notices (job_id, id);

-- Minutes a running job held GPUs that were idle (utilisation below its policy's threshold and, for sessions, no
-- browser traffic through the proxy): one row per job, minute-sampled by the idle watch; the usage page sums them.
CREATE TABLE job_idle (
    job_id        INTEGER NOT NULL PRIMARY KEY REFERENCES jobs (id),
    team          TEXT    NOT NULL,
    owner         TEXT    NOT NULL,
    idle_gpu_ms   INTEGER NOT NULL CHECK (idle_gpu_ms >= 0),
    last_sample   INTEGER NOT NULL
) STRICT;
CREATE INDEX job_idle_by_team ON job_idle (team, owner);

-- 0007 (issue 20): the work thrown away by preemption, for the usage history. One row per preempted run: when it was
-- stopped, the job, its team and owner, and the GPU-milliseconds it had held (GPUs x time run), which a restart
-- starts over. Kept by a trigger on the job's Running -> Pending event whose reason says it was preempted (the engine
-- writes "preempted: ..."), from the job's latest run started before it. Never edit this file once applied anywhere.
CREATE TABLE preemption_losses (
    stopped_at  INTEGER NOT NULL,
    job_id      INTEGER NOT NULL REFERENCES jobs (id),
    attempt     INTEGER NOT NULL,
    team        TEXT    NOT NULL,
    user_name   TEXT    NOT NULL,
    gpu_ms      INTEGER NOT NULL CHECK (gpu_ms >= 0),
    PRIMARY KEY (stopped_at, job_id, attempt)
) STRICT, WITHOUT ROWID;

CREATE INDEX preemption_losses_by_team ON preemption_losses (team, stopped_at);

CREATE TRIGGER job_events_preemption_loss AFTER INSERT ON job_events
WHEN NEW.from_state = 'Running' AND NEW.to_state = 'Pending' AND NEW.reason LIKE 'preempted:%'
BEGIN
    INSERT OR IGNORE INTO preemption_losses (stopped_at, job_id, attempt, team, user_name, gpu_ms)
    SELECT NEW.at, j.id, a.attempt, j.team, j.owner, j.gpus * MAX(0, NEW.at - a.started_at)
    FROM jobs j JOIN allocations a ON a.job_id = j.id
    WHERE j.id = NEW.job_id AND a.started_at <= NEW.at
    ORDER BY a.attempt DESC LIMIT 1;
END;

-- What a database brings from before this migration.
INSERT OR IGNORE INTO preemption_losses (stopped_at, job_id, attempt, team, user_name, gpu_ms)
SELECT e.at, j.id, a.attempt, j.team, j.owner, j.gpus * MAX(0, e.at - a.started_at)
FROM job_events e
JOIN jobs j ON j.id = e.job_id
JOIN allocations a ON a.job_id = e.job_id AND a.attempt = (
    SELECT MAX(b.attempt) FROM allocations b WHERE b.job_id = e.job_id AND b.started_at <= e.at)
WHERE e.from_state = 'Running' AND e.to_state = 'Pending' AND e.reason LIKE 'preempted:%';

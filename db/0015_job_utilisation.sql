-- 0015 (brief: 0018; renumber at merge): GPU utilisation per job over its life: one row per job, allocated GPU and minute, written by the usage
-- sampler in the same transaction and at the same cadence as the per-minute team and member samples. Readings of
-- demo (simulated) nodes are marked simulated. Rows are deleted with the same retention as the per-minute samples
-- (UsageRetention.MinuteSamples), ended jobs or not: they are not thinned.
-- Never edit this file once applied anywhere: add a new numbered file instead.
CREATE TABLE job_utilisation_samples (
    job_id               INTEGER NOT NULL,
    minute               INTEGER NOT NULL,
    gpu_index            INTEGER NOT NULL CHECK (gpu_index >= 0),
    utilisation_pct      REAL    NOT NULL CHECK (utilisation_pct BETWEEN 0 AND 100),
    memory_used_mib      INTEGER NOT NULL CHECK (memory_used_mib >= 0),
    memory_total_mib     INTEGER NOT NULL CHECK (memory_total_mib >= 0),
    simulated            INTEGER NOT NULL CHECK (simulated IN (0, 1)),
    PRIMARY KEY (job_id, minute, gpu_index)
) STRICT, WITHOUT ROWID;

CREATE INDEX job_utilisation_samples_by_minute ON job_utilisation_samples (minute);

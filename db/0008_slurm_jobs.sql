-- The Slurm job each dashboard job was submitted as (Cluster:Slurm): written right after Slurm accepted the submit,
-- read back at start-up to re-adopt running jobs and to learn how jobs that ended while the dashboard was down ended.
CREATE TABLE slurm_jobs (
    job_id       INTEGER PRIMARY KEY REFERENCES jobs(id),
    slurm_job_id INTEGER NOT NULL,
    node         TEXT    NOT NULL,
    submitted_at INTEGER NOT NULL
);
CREATE INDEX slurm_jobs_by_slurm_id ON slurm_jobs (slurm_job_id);
CREATE INDEX slurm_jobs_by_node ON slurm_jobs (node);

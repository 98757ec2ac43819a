-- 0016 (issue 20, no thrash): how many times the scheduler preempted a job and put it back in its queue. Written in
-- the same statement as the Running -> Pending state change of a preemption (and its job_events row), read back at
-- recovery, so a job preempted once is still spared after the engine restarts (Scheduler:MaxPreemptionsPerJob).
-- A person's requeue and a backend's requeue (a failed node) do not count.
-- Never edit this file once applied anywhere: add a new numbered file instead.
ALTER TABLE jobs ADD COLUMN times_preempted INTEGER NOT NULL DEFAULT 0 CHECK (times_preempted >= 0);

-- Advance reservations (issue 23): a team's booking of GPUs of one model (plus CPU and memory) from starts_at to
-- ends_at, optionally recurring (a five-field cron rule, UTC; each window as long as the first). state: pending
-- (waits for an admin's approval), approved (the scheduler honours it), cancelled. Every change is audited.
CREATE TABLE advance_reservations (
    id             INTEGER NOT NULL PRIMARY KEY,
    name           TEXT    NOT NULL,
    reason         TEXT    NOT NULL,
    team           TEXT    NOT NULL,
    gpu_model      TEXT    NOT NULL,
    gpus           INTEGER NOT NULL CHECK (gpus > 0),
    cpu_millicores INTEGER NOT NULL CHECK (cpu_millicores >= 0),
    memory_mib     INTEGER NOT NULL CHECK (memory_mib >= 0),
    starts_at      INTEGER NOT NULL,
    ends_at        INTEGER NOT NULL CHECK (ends_at > starts_at),
    recurrence     TEXT,
    state          TEXT    NOT NULL CHECK (state IN ('Pending', 'Approved', 'Cancelled')),
    booked_by      TEXT    NOT NULL,
    updated_at     INTEGER NOT NULL
) STRICT;
CREATE INDEX advance_reservations_by_end ON advance_reservations (ends_at);

-- The reservation a job was submitted into (null: none); no foreign key: the door checks it names a reservation.
ALTER TABLE jobs ADD COLUMN reservation_id INTEGER;

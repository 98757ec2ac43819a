-- The job list's text index (0009) is written in batches instead of by every transaction that adds a job: an FTS5
-- write makes a new index segment per transaction (and merges segments as they pile up), which was most of the
-- writer's CPU for an engine commit of a few submits (bench/README.md, submit19d). The writer now indexes the jobs
-- added since job_text_indexed.through_id in one statement now and then (see Dashboard.Data.Jobs.JobTextIndex); the
-- list finds a text in the index or, for the few jobs after through_id, by testing each of them, so a search stays exact.

DROP TRIGGER jobs_text_after_insert;
DROP TRIGGER jobs_text_after_delete;
DROP TRIGGER jobs_text_after_update;

-- One row: every job with an id up to through_id is in jobs_text; those after it are not yet.
CREATE TABLE job_text_indexed (
    single      INTEGER NOT NULL PRIMARY KEY CHECK (single = 1),
    through_id  INTEGER NOT NULL
) STRICT;

INSERT INTO job_text_indexed (single, through_id) VALUES (1, (SELECT COALESCE(MAX(id), 0) FROM jobs));

-- A job that is in the index leaves it, or is indexed again, with its row; one that is not yet is indexed as it then
-- is when its batch comes (an external-content index must never be told to delete what it does not hold).
CREATE TRIGGER jobs_text_after_delete AFTER DELETE ON jobs
WHEN old.id <= (SELECT through_id FROM job_text_indexed)
BEGIN
    INSERT INTO jobs_text (jobs_text, rowid, name, command) VALUES ('delete', old.id, old.name, old.command);
END;

CREATE TRIGGER jobs_text_after_update AFTER UPDATE OF name, command ON jobs
WHEN old.id <= (SELECT through_id FROM job_text_indexed)
BEGIN
    INSERT INTO jobs_text (jobs_text, rowid, name, command) VALUES ('delete', old.id, old.name, old.command);
    INSERT INTO jobs_text (rowid, name, command) VALUES (new.id, new.name, new.command);
END;

-- The job list at a million jobs: every sort and filter of the Jobs page and the API's lists served by an index,
-- and text search through FTS5 instead of a LIKE scan of every name and command.

-- Filter by state over the whole history (jobs_active indexes only Pending and Running).
CREATE INDEX jobs_by_state ON jobs (state, id);

-- Sorts: each column with the id as its tie-break, so ORDER BY column, id LIMIT n reads n index entries.
-- Owner and team sort through jobs_by_owner and jobs_by_team; state through jobs_by_state.
CREATE INDEX jobs_by_name ON jobs (name, id);
CREATE INDEX jobs_by_submitted ON jobs (submitted_at, id);
CREATE INDEX jobs_by_gpus ON jobs (gpus, id);

-- Started and ended are empty until a job starts or ends; such jobs sort last either way. Newest first walks
-- (column, id) backwards (empty values are the smallest, so they come last); oldest first walks the
-- expression index, whose first term puts the empty ones last.
CREATE INDEX jobs_by_started ON jobs (started_at, id);
CREATE INDEX jobs_by_started_set_first ON jobs (started_at IS NULL, started_at, id);
CREATE INDEX jobs_by_ended ON jobs (ended_at, id);
CREATE INDEX jobs_by_ended_set_first ON jobs (ended_at IS NULL, ended_at, id);

-- Text search: a part of the name or the command, case-insensitively. The trigram tokenizer indexes every
-- three-character run, so a search of three characters or more is an index look-up (shorter ones scan).
-- External content: the text lives once, in jobs; the triggers keep the index in step with every write.
CREATE VIRTUAL TABLE jobs_text USING fts5 (name, command, content = 'jobs', content_rowid = 'id', tokenize = 'trigram');

CREATE TRIGGER jobs_text_after_insert AFTER INSERT ON jobs BEGIN
    INSERT INTO jobs_text (rowid, name, command) VALUES (new.id, new.name, new.command);
END;

CREATE TRIGGER jobs_text_after_delete AFTER DELETE ON jobs BEGIN
    INSERT INTO jobs_text (jobs_text, rowid, name, command) VALUES ('delete', old.id, old.name, old.command);
END;

CREATE TRIGGER jobs_text_after_update AFTER UPDATE OF name, command ON jobs BEGIN
    INSERT INTO jobs_text (jobs_text, rowid, name, command) VALUES ('delete', old.id, old.name, old.command);
    INSERT INTO jobs_text (rowid, name, command) VALUES (new.id, new.name, new.command);
END;

INSERT INTO jobs_text (jobs_text) VALUES ('rebuild');

-- 0018: the job list's combined filters at a million jobs. SQLite uses one index per table in a query, so a list
-- filtered by owner and state (or team and state) read every job of that owner through jobs_by_owner and tested the
-- state row by row: a person's failed jobs among a million finished ones took ~60 ms even when there were none.
-- With the state second, each pair is one range of one index, in id order (the list's default sort).
CREATE INDEX jobs_by_owner_state ON jobs (owner, state, id);
CREATE INDEX jobs_by_team_state ON jobs (team, state, id);

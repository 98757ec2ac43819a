-- 0013: submit templates (issue 22): a submit saved under a name, personal or team-wide, to start the Submit form from.
-- The request is kept as the API's submit body (JSON: name, command, team, gpus, gpuModel, cpu, cpuLimit, memory,
-- memoryLimit, walltime, priority), checked like a submit when saved. Timestamps are INTEGER Unix milliseconds, UTC.

CREATE TABLE job_templates (
    id          INTEGER NOT NULL PRIMARY KEY,
    name        TEXT    NOT NULL,
    owner       TEXT    NOT NULL,
    -- The team the template's jobs are submitted to; with team_wide = 1, every member of that team sees the template.
    team        TEXT    NOT NULL,
    team_wide   INTEGER NOT NULL CHECK (team_wide IN (0, 1)),
    request     TEXT    NOT NULL,
    created_at  INTEGER NOT NULL
) STRICT;

-- One name per person among personal templates, and one per team among team-wide ones.
CREATE UNIQUE INDEX job_templates_personal_names ON job_templates (owner, name) WHERE team_wide = 0;
CREATE UNIQUE INDEX job_templates_team_names ON job_templates (team, name) WHERE team_wide = 1;

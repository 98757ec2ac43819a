-- 0005: elastic node pools.
-- A node an elastic pool created names its pool here. While it is in a lifecycle state the nodes table's CHECK
-- constraint (0001) does not know, that state is here too: Provisioning (its provider is creating it), Releasing
-- (being handed back), Failed (the provider's message is the node's state_reason), or Released (handed back: the row
-- stays for the history of the jobs that ran on it, and is no longer part of the cluster). nodes.state then holds the
-- nearest state it knows (Down; Draining while Releasing), so 0001's table needs no rebuild. NULL: in service, and
-- nodes.state is the node's state.
CREATE TABLE elastic_nodes (
    node        TEXT    NOT NULL PRIMARY KEY REFERENCES nodes (name) ON DELETE CASCADE,
    pool        TEXT    NOT NULL,
    lifecycle   TEXT    CHECK (lifecycle IN ('Provisioning', 'Releasing', 'Failed', 'Released')),
    updated_at  INTEGER NOT NULL
) STRICT;

CREATE INDEX elastic_nodes_by_pool ON elastic_nodes (pool, node);

-- Whether an admin paused a pool's scaling (the pools themselves are configured in appsettings.json).
CREATE TABLE elastic_pools (
    name        TEXT    NOT NULL PRIMARY KEY,
    paused      INTEGER NOT NULL CHECK (paused IN (0, 1)),
    updated_at  INTEGER NOT NULL
) STRICT;

-- The scale history: every action an elastic pool took or an admin took on it, with its reason, in order. The audit
-- log has the same actions as entries (action 'elastic.<action>', target 'pool:<name>'); this table keeps them in a
-- form the engine reads back after a restart (a provider's last error, its failure back-off) and the dashboard lists.
-- nodes: the node names concerned, as a JSON array of strings. not_before: for 'provision-attempt-failed' the time of
-- the next attempt, for 'provision-failed' the time before which the pool does not ask again; otherwise NULL.
CREATE TABLE elastic_scale_actions (
    id          INTEGER PRIMARY KEY,
    at          INTEGER NOT NULL,
    pool        TEXT    NOT NULL,
    action      TEXT    NOT NULL CHECK (action IN ('scale-up', 'provisioned', 'provision-attempt-failed', 'provision-failed',
                                                   'release', 'released', 'release-failed', 'pause', 'resume')),
    actor       TEXT    NOT NULL,
    nodes       TEXT    NOT NULL,
    reason      TEXT    NOT NULL,
    not_before  INTEGER
) STRICT;

CREATE INDEX elastic_scale_actions_by_pool ON elastic_scale_actions (pool, id);

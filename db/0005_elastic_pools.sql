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

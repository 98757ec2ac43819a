using Dashboard.Data.Writing;
using Dashboard.Scheduling.Model;
using Microsoft.Data.Sqlite;

namespace Dashboard.Data.Nodes;

/// <summary>The write side of nodes and node_gpus.</summary>
internal sealed class NodeWrites : StatementGroup
{
    // A node that keeps its state keeps its state reason; a new state clears it.
    private const string UpsertSql = """
        INSERT INTO nodes (name, cpu_millicores, memory_mib, state, state_reason, simulated, updated_at)
        VALUES ($name, $cpu_millicores, $memory_mib, $state, NULL, $simulated, $at)
        ON CONFLICT (name) DO UPDATE SET
            cpu_millicores = excluded.cpu_millicores,
            memory_mib = excluded.memory_mib,
            state = excluded.state,
            state_reason = CASE WHEN nodes.state = excluded.state THEN nodes.state_reason END,
            simulated = excluded.simulated,
            updated_at = excluded.updated_at
        """;

    private const string ForgetGpusSql = "DELETE FROM node_gpus WHERE node = $name";

    private const string InsertGpuSql = "INSERT INTO node_gpus (node, gpu_index, model, memory_mib) VALUES ($name, $gpu_index, $model, $memory_mib)";

    private const string StateSql = "UPDATE nodes SET state = $state, state_reason = $reason, updated_at = $at WHERE name = $name";

    // An elastic pool's node: its pool and, for states the nodes table does not know, its lifecycle (db/0005).
    private const string UpsertElasticSql = """
        INSERT INTO elastic_nodes (node, pool, lifecycle, updated_at) VALUES ($name, $pool, $lifecycle, $at)
        ON CONFLICT (node) DO UPDATE SET pool = excluded.pool, lifecycle = excluded.lifecycle, updated_at = excluded.updated_at
        """;

    private const string ForgetElasticSql = "DELETE FROM elastic_nodes WHERE node = $name";

    private const string ElasticStateSql = "UPDATE elastic_nodes SET lifecycle = $lifecycle, updated_at = $at WHERE node = $name";

    private readonly PreparedStatement upsert;
    private readonly PreparedStatement forgetGpus;
    private readonly PreparedStatement insertGpu;
    private readonly PreparedStatement changeState;
    private readonly PreparedStatement upsertElastic;
    private readonly PreparedStatement forgetElastic;
    private readonly PreparedStatement changeElasticState;

    public NodeWrites(SqliteConnection connection)
        : base(connection)
    {
        upsert = Prepare(UpsertSql, "$name", "$cpu_millicores", "$memory_mib", "$state", "$simulated", "$at");
        forgetGpus = Prepare(ForgetGpusSql, "$name");
        insertGpu = Prepare(InsertGpuSql, "$name", "$gpu_index", "$model", "$memory_mib");
        changeState = Prepare(StateSql, "$name", "$state", "$reason", "$at");
        upsertElastic = Prepare(UpsertElasticSql, "$name", "$pool", "$lifecycle", "$at");
        forgetElastic = Prepare(ForgetElasticSql, "$name");
        changeElasticState = Prepare(ElasticStateSql, "$name", "$lifecycle", "$at");
    }

    /// <summary>The state the nodes table stores for <paramref name="state"/> (its CHECK knows Ready, Draining and Down).</summary>
    internal static NodeState StoredState(NodeState state) => state switch
    {
        NodeState.Provisioning or NodeState.Failed => NodeState.Down,
        NodeState.Releasing => NodeState.Draining,
        _ => state,
    };

    /// <summary>The elastic_nodes lifecycle for <paramref name="state"/>: null for the states the nodes table stores itself.</summary>
    internal static string? Lifecycle(NodeState state) =>
        state is NodeState.Provisioning or NodeState.Releasing or NodeState.Failed ? state.ToString() : null;

    public void Upsert(Node node, DateTimeOffset at)
    {
        upsert.Bind("$name", node.Name)
            .Bind("$cpu_millicores", node.CpuMillicores)
            .Bind("$memory_mib", node.MemoryMiB)
            .Bind("$state", StoredState(node.State).ToString())
            .Bind("$simulated", node.Simulated)
            .Bind("$at", UtcTimestamp.ToStored(at))
            .Run();
        forgetGpus.Bind("$name", node.Name).Run();
        insertGpu.Bind("$name", node.Name);
        foreach (var gpu in node.Gpus)
        {
            insertGpu.Bind("$gpu_index", (long)gpu.Index).Bind("$model", gpu.Model).Bind("$memory_mib", gpu.MemoryMiB).Run();
        }

        if (node.Pool is { } pool)
        {
            upsertElastic.Bind("$name", node.Name).Bind("$pool", pool).Bind("$lifecycle", Lifecycle(node.State)).Bind("$at", UtcTimestamp.ToStored(at)).Run();
        }
        else
        {
            forgetElastic.Bind("$name", node.Name).Run();
        }
    }

    /// <summary>An elastic node handed back: kept (jobs' history names it) as Released, which leaves it out of the cluster.</summary>
    public void Release(string node, string? reason, DateTimeOffset at)
    {
        ChangeState(node, NodeState.Down, reason, at);
        var changed = changeElasticState.Bind("$name", node).Bind("$lifecycle", "Released").Bind("$at", UtcTimestamp.ToStored(at)).Run();
        if (changed != 1)
        {
            throw new InvalidOperationException($"{node} is not a node of an elastic pool.");
        }
    }

    public void ChangeState(string node, NodeState state, string? reason, DateTimeOffset at)
    {
        var changed = changeState.Bind("$name", node)
            .Bind("$state", StoredState(state).ToString())
            .Bind("$reason", reason)
            .Bind("$at", UtcTimestamp.ToStored(at))
            .Run();
        if (changed != 1)
        {
            throw new InvalidOperationException($"There is no node named {node}.");
        }

        changeElasticState.Bind("$name", node).Bind("$lifecycle", Lifecycle(state)).Bind("$at", UtcTimestamp.ToStored(at)).Run();
    }
}

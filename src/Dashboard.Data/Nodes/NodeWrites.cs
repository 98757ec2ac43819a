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

    private readonly PreparedStatement upsert;
    private readonly PreparedStatement forgetGpus;
    private readonly PreparedStatement insertGpu;
    private readonly PreparedStatement changeState;

    public NodeWrites(SqliteConnection connection)
        : base(connection)
    {
        upsert = Prepare(UpsertSql, "$name", "$cpu_millicores", "$memory_mib", "$state", "$simulated", "$at");
        forgetGpus = Prepare(ForgetGpusSql, "$name");
        insertGpu = Prepare(InsertGpuSql, "$name", "$gpu_index", "$model", "$memory_mib");
        changeState = Prepare(StateSql, "$name", "$state", "$reason", "$at");
    }

    public void Upsert(Node node, DateTimeOffset at)
    {
        upsert.Bind("$name", node.Name)
            .Bind("$cpu_millicores", node.CpuMillicores)
            .Bind("$memory_mib", node.MemoryMiB)
            .Bind("$state", node.State.ToString())
            .Bind("$simulated", node.Simulated)
            .Bind("$at", UtcTimestamp.ToStored(at))
            .Run();
        forgetGpus.Bind("$name", node.Name).Run();
        insertGpu.Bind("$name", node.Name);
        foreach (var gpu in node.Gpus)
        {
            insertGpu.Bind("$gpu_index", (long)gpu.Index).Bind("$model", gpu.Model).Bind("$memory_mib", gpu.MemoryMiB).Run();
        }
    }

    public void ChangeState(string node, NodeState state, string? reason, DateTimeOffset at)
    {
        var changed = changeState.Bind("$name", node)
            .Bind("$state", state.ToString())
            .Bind("$reason", reason)
            .Bind("$at", UtcTimestamp.ToStored(at))
            .Run();
        if (changed != 1)
        {
            throw new InvalidOperationException($"There is no node named {node}.");
        }
    }
}

using System.Collections.Immutable;
using Dapper;
using Dashboard.Scheduling.Model;
using Microsoft.Data.Sqlite;

namespace Dashboard.Data.Nodes;

/// <summary>Reads nodes and their GPUs. Writes go through <see cref="Writing.ClusterWriter"/>.</summary>
public sealed class NodeStore(Database database)
{
    private const string NodesSql = """
        SELECT name AS Name, cpu_millicores AS CpuMillicores, memory_mib AS MemoryMiB, COALESCE(e.lifecycle, state) AS State,
               state_reason AS StateReason, simulated AS Simulated, nodes.updated_at AS UpdatedAt, e.pool AS Pool
        FROM nodes LEFT JOIN elastic_nodes e ON e.node = nodes.name
        WHERE e.lifecycle IS NULL OR e.lifecycle <> 'Released'
        """;

    private const string GpusSql = "SELECT node AS Node, gpu_index AS GpuIndex, model AS Model, memory_mib AS MemoryMiB FROM node_gpus ORDER BY node, gpu_index";

    /// <summary>Every node, in ordinal name order, with its GPUs in index order (elastic nodes handed back are no longer nodes).</summary>
    public IReadOnlyList<NodeRecord> All()
    {
        using var connection = database.OpenConnection();
        return All(connection, null);
    }

    public NodeRecord? Find(string name) => All().FirstOrDefault(n => n.Node.Name == name);

    internal static List<NodeRecord> All(SqliteConnection connection, SqliteTransaction? transaction)
    {
        var gpus = connection.Query<GpuRow>(GpusSql, transaction: transaction)
            .GroupBy(g => g.Node, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Select(r => new Gpu(checked((int)r.GpuIndex), r.Model, r.MemoryMiB)).ToImmutableArray(), StringComparer.Ordinal);
        return [.. connection.Query<NodeRow>(NodesSql, transaction: transaction)
            .Select(r => new NodeRecord(
                new Node(r.Name, gpus.GetValueOrDefault(r.Name, []), r.CpuMillicores, r.MemoryMiB, Enum.Parse<NodeState>(r.State), r.Simulated != 0, r.Pool),
                r.StateReason,
                r.UpdatedAt))
            .OrderBy(n => n.Node.Name, StringComparer.Ordinal)];
    }

    private sealed class NodeRow
    {
        public string Name { get; set; } = "";

        public long CpuMillicores { get; set; }

        public long MemoryMiB { get; set; }

        public string State { get; set; } = "";

        public string? StateReason { get; set; }

        public long Simulated { get; set; }

        public DateTimeOffset UpdatedAt { get; set; }

        public string? Pool { get; set; }
    }

    private sealed class GpuRow
    {
        public string Node { get; set; } = "";

        public long GpuIndex { get; set; }

        public string Model { get; set; } = "";

        public long MemoryMiB { get; set; }
    }
}

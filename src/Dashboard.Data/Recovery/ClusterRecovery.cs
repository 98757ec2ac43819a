using System.Collections.Immutable;
using Dashboard.Data.Allocations;
using Dashboard.Data.Jobs;
using Dashboard.Data.Nodes;
using Dashboard.Data.Quotas;
using Dashboard.Data.Usage;
using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;
using Microsoft.Data.Sqlite;

namespace Dashboard.Data.Recovery;

/// <summary>
/// Rebuilds the engine's state at start-up: nodes with their GPUs, quotas, pending jobs, running jobs with their
/// allocations and borrowing flags, team usage and the next job id, all read in one read transaction (one
/// consistent view of the file). The result is checked with the same invariants the property tests use, plus
/// the database's own cross-checks (held GPUs against allocations, Running jobs against current allocations).
/// </summary>
public static class ClusterRecovery
{
    public static RecoveredCluster Load(Database database, SchedulerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(settings);
        using var connection = database.OpenConnection();
        using var transaction = connection.BeginTransaction(deferred: true);
        var nodes = NodeStore.All(connection, transaction).Select(n => n.Node).ToImmutableArray();
        var quotas = QuotaStore.All(connection, transaction).ToImmutableArray();
        var pending = PendingQueue.From(JobStore.Pending(connection, transaction));
        var running = AllocationStore.RunningJobs(connection, transaction).ToImmutableArray();
        var usage = UsageStore.TeamUsage(connection, transaction).ToImmutableArray();
        var nextId = JobStore.NextId(connection, transaction);
        var stored = StoredMismatches(connection, transaction, running);
        var controls = JobControl.JobControlStore.Load(connection, transaction);
        transaction.Commit();

        var snapshot = new ClusterSnapshot(nodes, quotas, pending, running, usage, settings) { Controls = controls };
        var violations = SnapshotInvariants.Violations(snapshot).Concat(stored).ToList();
        return new RecoveredCluster(snapshot, nextId, violations);
    }

    private static List<string> StoredMismatches(SqliteConnection connection, SqliteTransaction transaction, ImmutableArray<RunningJob> running)
    {
        var violations = new List<string>();
        var (runningWithoutAllocation, allocatedButNotRunning) = AllocationStore.Mismatches(connection, transaction);
        violations.AddRange(runningWithoutAllocation.Select(id => $"job {id} is stored as Running but holds no allocation"));
        violations.AddRange(allocatedButNotRunning.Select(id => $"job {id} holds an allocation but is not Running"));

        var fromAllocations = running
            .SelectMany(r => r.Allocation.GpuIndices.Select(i => (r.Allocation.Node, Index: i, r.Job.Id)))
            .ToHashSet();
        var held = AllocationStore.HeldGpus(connection, transaction).Select(h => (h.Node, h.Index, Id: h.Job)).ToHashSet();
        violations.AddRange(held.Except(fromAllocations).Select(h => $"GPU {h.Index} on {h.Node} is marked held by job {h.Id} without a matching allocation"));
        violations.AddRange(fromAllocations.Except(held).Select(h => $"GPU {h.Index} on {h.Node} is allocated to job {h.Id} but not marked held"));
        return violations;
    }
}

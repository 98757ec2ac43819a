using Dashboard.Data;
using Dashboard.Data.Audit;
using Dashboard.Data.Elastic;
using Dashboard.Data.Recovery;
using Dashboard.Engine.Elastic;
using Dashboard.Engine.Inventory;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Persistence;

/// <summary>
/// The engine's starting state: everything the database holds (rebuilt by <see cref="ClusterRecovery"/>) plus the
/// nodes discovered now. A database whose rebuilt state breaks the safety rules (a GPU held twice, a node
/// over-committed) stops the start with the list of what is wrong, rather than scheduling on top of it.
/// </summary>
public sealed class SqliteClusterStateSource(
    Database database,
    SchedulerSettings settings,
    LocalHostInventory inventory,
    IReadOnlyList<TeamQuota> seedQuotas) : IClusterStateSource
{
    public async Task<RecoveredState> LoadAsync(CancellationToken cancellationToken)
    {
        var discovered = await inventory.DiscoverAsync(cancellationToken).ConfigureAwait(false);
        var recovered = ClusterRecovery.Load(database, settings);
        if (recovered.Violations.Count > 0)
        {
            throw new InvalidOperationException(
                "The stored cluster state is inconsistent; the engine will not schedule on top of it:" + Environment.NewLine
                + string.Join(Environment.NewLine, recovered.Violations.Select(v => " - " + v)));
        }

        var reservations = new Data.Reservations.ReservationStore(database);
        return new RecoveredState(recovered.Snapshot with { Reservations = [.. reservations.Current(DateTimeOffset.UnixEpoch)] }, recovered.NextJobId.Value)
        {
            NextReservationId = reservations.NextId(),
            Inventory = discovered,
            SeedQuotas = seedQuotas,
            CancelsInFlight = CancelsInFlight(new AuditStore(database), recovered.Snapshot),
            PausedPools = new ElasticPoolStore(database).Paused(),
            ScaleHistory = new ScaleActionStore(database).LatestPerPool(ElasticScaling.RecentActions),
        };
    }

    /// <summary>
    /// A cancel of a running job is acknowledged once its stop was requested (and audited); if the server went down
    /// before the job ended, the audit log still says so and the job is stopped again as Cancelled after the restart.
    /// </summary>
    internal static Dictionary<JobId, string> CancelsInFlight(AuditStore audit, ClusterSnapshot snapshot)
    {
        var cancels = new Dictionary<JobId, string>();
        foreach (var running in snapshot.Running)
        {
            var latest = audit.ForTarget($"job:{running.Job.Id}", limit: 1);
            if (latest.Count == 1 && latest[0].Entry.Action == "job.cancel")
            {
                cancels[running.Job.Id] = $"cancelled by {latest[0].Entry.Actor}";
            }
        }

        return cancels;
    }
}

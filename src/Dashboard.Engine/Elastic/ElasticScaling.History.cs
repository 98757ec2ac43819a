using Dashboard.Data.Writing;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Elastic;

namespace Dashboard.Engine.Elastic;

/// <summary>
/// The pools' scale history: every action goes to the audit log and to elastic_scale_actions in the batch's transaction,
/// and the latest ones are kept for the dashboard; at start-up the stored ones are read back.
/// </summary>
public sealed partial class ElasticScaling
{
    /// <summary>How many of each pool's latest scale actions the engine keeps (and reads back at start-up) for the dashboard.</summary>
    public const int RecentActions = 10;

    /// <summary>One scale action: in the audit log and the scale history (same transaction), and among the pool's recent actions.</summary>
    private static void Record(ClusterState cluster, EngineBatch batch, ScaleAction action, object? before, object? after)
    {
        batch.Changes.Add(new ScaleActionRecorded(action));
        batch.Changes.Add(ClusterState.ElasticAudit(action.At, action.Actor, action.AuditAction, action.Pool, before, after));
        Remember(cluster, action);
    }

    private static void Remember(ClusterState cluster, ScaleAction action)
    {
        var recent = cluster.Elastic.Recent.GetValueOrDefault(action.Pool, []).Add(action);
        cluster.Elastic = cluster.Elastic with { Recent = cluster.Elastic.Recent.SetItem(action.Pool, recent.Count > RecentActions ? recent.RemoveAt(0) : recent) };
    }

    /// <summary>
    /// A stored action read back at start-up: the pool's recent actions, its provider's last error and its failure back-off
    /// (a restart does not make a failing provider be asked again sooner).
    /// </summary>
    private static void Replay(ClusterState cluster, ScaleAction action)
    {
        Remember(cluster, action);
        var pool = action.Pool;
        switch (action.Kind)
        {
            case ScaleActionKind.ProvisionAttemptFailed or ScaleActionKind.ReleaseFailed:
                cluster.Elastic = cluster.Elastic with { LastErrors = cluster.Elastic.LastErrors.SetItem(pool, action.Reason) };
                break;
            case ScaleActionKind.ProvisionFailed when action.NotBefore is { } retryAt:
                cluster.Elastic = cluster.Elastic with
                {
                    LastErrors = cluster.Elastic.LastErrors.SetItem(pool, action.Reason),
                    Failures = cluster.Elastic.Failures.SetItem(pool, cluster.Elastic.Failures.GetValueOrDefault(pool) + 1),
                    PoolNotes = cluster.Elastic.PoolNotes.SetItem(pool, action.Reason),
                    History = cluster.Elastic.History with { RetryNotBefore = cluster.Elastic.History.RetryNotBefore.SetItem(pool, retryAt) },
                };
                break;
            case ScaleActionKind.Provisioned:
                cluster.Elastic = cluster.Elastic with
                {
                    LastErrors = cluster.Elastic.LastErrors.Remove(pool),
                    Failures = cluster.Elastic.Failures.Remove(pool),
                    History = cluster.Elastic.History with { RetryNotBefore = cluster.Elastic.History.RetryNotBefore.Remove(pool) },
                };
                break;
        }
    }
}

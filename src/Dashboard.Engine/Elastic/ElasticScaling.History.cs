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
    private void Record(EngineBatch batch, ScaleAction action, object? before, object? after)
    {
        batch.Changes.Add(new ScaleActionRecorded(action));
        batch.Changes.Add(ClusterState.ElasticAudit(action.At, action.Actor, action.AuditAction, action.Pool, before, after));
        Remember(action);
    }

    private void Remember(ScaleAction action)
    {
        var recent = book.Recent.GetValueOrDefault(action.Pool, []).Add(action);
        book = book with { Recent = book.Recent.SetItem(action.Pool, recent.Count > RecentActions ? recent.RemoveAt(0) : recent) };
    }

    /// <summary>
    /// A stored action read back at start-up: the pool's recent actions, its provider's last error and its failure back-off
    /// (a restart does not make a failing provider be asked again sooner).
    /// </summary>
    private void Replay(ScaleAction action)
    {
        Remember(action);
        var pool = action.Pool;
        switch (action.Kind)
        {
            case ScaleActionKind.ProvisionAttemptFailed or ScaleActionKind.ReleaseFailed:
                book = book with { LastErrors = book.LastErrors.SetItem(pool, action.Reason) };
                break;
            case ScaleActionKind.ProvisionFailed when action.NotBefore is { } retryAt:
                book = book with
                {
                    LastErrors = book.LastErrors.SetItem(pool, action.Reason),
                    Failures = book.Failures.SetItem(pool, book.Failures.GetValueOrDefault(pool) + 1),
                    PoolNotes = book.PoolNotes.SetItem(pool, action.Reason),
                    History = book.History with { RetryNotBefore = book.History.RetryNotBefore.SetItem(pool, retryAt) },
                };
                break;
            case ScaleActionKind.Provisioned:
                book = book with
                {
                    LastErrors = book.LastErrors.Remove(pool),
                    Failures = book.Failures.Remove(pool),
                    History = book.History with { RetryNotBefore = book.History.RetryNotBefore.Remove(pool) },
                };
                break;
        }
    }
}

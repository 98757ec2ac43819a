using Dashboard.Engine.Feed;

namespace Dashboard.Engine.Loop;

/// <summary>
/// A part of the engine that the loop calls at fixed points of every batch, all in the same shape (elastic pools are
/// one). What a participant remembers between batches lives in <see cref="ClusterState"/>, so the loop's one undo of a
/// batch whose commit failed covers it. Every hook but <see cref="AfterCommit"/> runs inside the loop, the single writer.
/// </summary>
public abstract class EngineParticipant
{
    private protected EngineParticipant()
    {
    }

    /// <summary>At start-up, once the state is recovered: takes back what it remembers; returns commands for the first batch.</summary>
    internal abstract IEnumerable<EngineCommand> Attach(ClusterState cluster, RecoveredState recovered);

    /// <summary>Applies <paramref name="command"/> when it is one of this participant's; null when it is not.</summary>
    internal abstract CommandResult? Apply(ClusterState cluster, EngineCommand command, EngineBatch batch);

    /// <summary>
    /// Whether <see cref="AfterPlan"/> reads every waiting job's reason from the writer's pass (<see cref="ClusterState.PlanPending"/>):
    /// then, below <see cref="EngineOptions.ExplainAlwaysBelow"/> waiting jobs, the writer's passes explain every job.
    /// </summary>
    internal virtual bool ReadsPlanReasons => false;

    /// <summary>
    /// Set by the loop before <see cref="Attach"/>: asks for a batch soon (a participant whose work off the loop has
    /// something to write calls it, and writes it in that batch's <see cref="AfterPlan"/>). Safe from any thread.
    /// </summary>
    internal Action RequestBatch { get; set; } = static () => { };

    /// <summary>After the batch's scheduling pass (or where there was none), before the commit.</summary>
    internal abstract void AfterPlan(ClusterState cluster, EngineBatch batch);

    /// <summary>The update about to be published, with this participant's part added.</summary>
    internal abstract ClusterUpdate Describe(ClusterUpdate update, ClusterState cluster, DateTimeOffset now);

    /// <summary>After the batch committed, was published and answered: hands out work that runs outside the loop.</summary>
    internal abstract void AfterCommit(EngineBatch batch, CancellationToken cancellationToken);
}

namespace Dashboard.Engine.Loop;

/// <summary>The "Engine" section of appsettings.json.</summary>
public sealed class EngineOptions
{
    public const string Section = "Engine";

    /// <summary>How often the loop wakes to enforce walltimes and refresh estimates when nothing else happens.</summary>
    public TimeSpan TickInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>The most commands applied and committed together in one transaction.</summary>
    public int MaxBatch { get; set; } = 4_096;

    /// <summary>
    /// While jobs wait and nothing changes, their explanations (reason and estimated start, computed off the writer)
    /// are refreshed this often; with elastic pools and a large backlog, the writer's pass explains every job this often.
    /// </summary>
    public TimeSpan ExplainInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>With elastic pools (whose planner reads every job's reason): below this many pending jobs, every writer's pass explains every job.</summary>
    public int ExplainAlwaysBelow { get; set; } = 5_000;

    /// <summary>
    /// After each computation the explainer rests this many times as long as the computation took before it starts the
    /// next (1: it takes at most about half a core while states stream in; 0: back to back), and never more than a quarter
    /// of <see cref="ExplainInterval"/>.
    /// </summary>
    public double ExplainerRest { get; set; } = 1.0;

    /// <summary>
    /// While states stream in, the explainer rests at least this long after each computation (never more than a quarter
    /// of <see cref="ExplainInterval"/>): over a short queue a computation is cheap but would otherwise run for nearly
    /// every batch of submits, a full pass over the whole cluster each time. The first state after a quiet spell is
    /// explained at once.
    /// </summary>
    public TimeSpan ExplainerMinRest { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>
    /// Group commit: when the callers just answered are likely to send again (e.g. clients submitting in a loop), the
    /// writer waits at most this long (on the machine's clock) for as many commands as it answered in its last batch
    /// plus those that arrived meanwhile, so one commit carries them all instead of two half batches taking turns; it
    /// stops waiting as soon as they are there. Zero: never waits. A caller alone is never held: it was all that was answered.
    /// </summary>
    public TimeSpan GatherWait { get; set; } = TimeSpan.FromMilliseconds(1);

    /// <summary>
    /// Group commit waits only for batches of at most this many commands: with many callers a batch is large already and
    /// its callers come back spread over a long turn-around, so waiting for them all would only idle the writer.
    /// </summary>
    public int GatherAtMost { get; set; } = 16;
}

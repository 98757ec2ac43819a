namespace Dashboard.Scheduling.Control;

/// <summary>A job's place in a sweep: which sweep, and its index there (0, 1, ...).</summary>
public sealed record SweepMember(long Sweep, int Index);

/// <summary>
/// A sweep (job array) as the engine follows it: its name, owner and team, how many jobs it made, the limit on how
/// many run at once (null: none), and how its jobs have ended so far.
/// </summary>
public sealed record SweepTally(long Id, string Name, string Owner, string Team, int Size, int? MaxRunning, int Succeeded = 0, int Failed = 0, int Cancelled = 0)
{
    public int Ended => Succeeded + Failed + Cancelled;

    public bool Finished => Ended >= Size;

    /// <summary>"3/6 done, 1 failed".</summary>
    public string Describe() =>
        $"{Succeeded}/{Size} done" + (Failed > 0 ? $", {Failed} failed" : string.Empty) + (Cancelled > 0 ? $", {Cancelled} cancelled" : string.Empty);

    public SweepTally Count(Model.JobState ended) => ended switch
    {
        Model.JobState.Succeeded => this with { Succeeded = Succeeded + 1 },
        Model.JobState.Cancelled => this with { Cancelled = Cancelled + 1 },
        _ => this with { Failed = Failed + 1 },
    };

    /// <summary>
    /// Takes back the count of a job that had ended as <paramref name="ended"/> and now runs again (requeued, or
    /// replaced by a resubmitted attempt at its index): the sweep waits for it once more.
    /// </summary>
    public SweepTally Uncount(Model.JobState ended) => ended switch
    {
        Model.JobState.Succeeded => this with { Succeeded = Math.Max(0, Succeeded - 1) },
        Model.JobState.Cancelled => this with { Cancelled = Math.Max(0, Cancelled - 1) },
        _ => this with { Failed = Math.Max(0, Failed - 1) },
    };
}

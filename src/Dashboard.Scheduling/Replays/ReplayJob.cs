using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Replays;

/// <summary>
/// One recorded job to replay: what it asked for, when it was submitted (in <see cref="Job.SubmittedAt"/>) and how long
/// it really ran. A job of the background (one already running when the replayed window opened) arrives at
/// <paramref name="ArrivesAt"/>, the window's start, keeping its real submit time (so the queue orders it by its real age)
/// and <see cref="RunTime"/> is what was left of its run; its wait counts from its arrival.
/// </summary>
public sealed record ReplayJob(Job Job, TimeSpan RunTime, DateTimeOffset? ArrivesAt = null)
{
    /// <summary>When the job enters the replay: its arrival, else its submit time.</summary>
    public DateTimeOffset Arrival => ArrivesAt ?? Job.SubmittedAt;

    public bool Background => ArrivesAt is not null;

    /// <summary>
    /// <paramref name="job"/>, started at <paramref name="startedAt"/> and running <paramref name="runTime"/> in all, as a
    /// job of the background of a window that opens at <paramref name="windowStart"/>: it arrives then with what is left
    /// of its run and of its walltime (the limit counts from its real start, not from the window's, so the reservations
    /// of the replay see when it must end at the latest). Null when it does not run at <paramref name="windowStart"/>
    /// (it has not started, it has ended, or its walltime stopped it).
    /// </summary>
    public static ReplayJob? RunningAt(Job job, DateTimeOffset startedAt, TimeSpan runTime, DateTimeOffset windowStart)
    {
        ArgumentNullException.ThrowIfNull(job);
        var ranFor = windowStart - startedAt;
        var limit = job.Spec.Walltime is { } walltime && walltime < runTime ? walltime : runTime;
        if (ranFor <= TimeSpan.Zero || ranFor >= limit)
        {
            return null;
        }

        var spec = job.Spec.Walltime is { } w ? job.Spec with { Walltime = w - ranFor } : job.Spec;
        return new ReplayJob(job with { Spec = spec }, limit - ranFor, windowStart);
    }
}

/// <summary>What happened to one replayed job.</summary>
public sealed record ReplayedJob(
    ReplayJob Recorded,
    DateTimeOffset? FirstStart,
    DateTimeOffset? FirstEstimate,
    int Preemptions,
    double LostGpuSeconds)
{
    public TimeSpan? Wait => FirstStart - Recorded.Arrival;
}

/// <summary>
/// A whole replay: every job's outcome and the cluster-wide integrals over the replayed span
/// (GPU-seconds held, GPU-seconds idle while a GPU job waited, GPU-seconds free where no waiting job fits).
/// </summary>
public sealed record ReplayResult(
    IReadOnlyList<ReplayedJob> Jobs,
    DateTimeOffset From,
    DateTimeOffset Until,
    int CapacityGpus,
    int Passes,
    int Refused,
    double HeldGpuSeconds,
    double IdleWhileWaitingGpuSeconds,
    double FragmentedGpuSeconds)
{
    public double SpanSeconds => Math.Max(0, (Until - From).TotalSeconds);

    /// <summary>The stretch utilisation is measured over: from the first submit to the end, or to the window's end.</summary>
    public double UtilisationSpanSeconds { get; init; }

    /// <summary>GPU-seconds held by running jobs (useful or later lost) within the utilisation span.</summary>
    public double BusyGpuSecondsInSpan { get; init; }

    /// <summary>
    /// GPU-seconds free while a GPU job waited, whether or not a waiting job fit beside them (up to what the waiting
    /// GPU jobs asked for in all): the idle figure before issue 20's definition, which also counted fragmentation.
    /// </summary>
    public double FreeWhileWaitingGpuSeconds { get; init; }
}

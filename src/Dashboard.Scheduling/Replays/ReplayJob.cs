using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Replays;

/// <summary>
/// One recorded job to replay: what it asked for, when it was submitted (in <see cref="Job.SubmittedAt"/>) and how long
/// it really ran. A background job was already running when the replayed window opened: it is submitted at the window's
/// start and its wait is not counted.
/// </summary>
public sealed record ReplayJob(Job Job, TimeSpan RunTime, bool Background = false);

/// <summary>What happened to one replayed job.</summary>
public sealed record ReplayedJob(
    ReplayJob Recorded,
    DateTimeOffset? FirstStart,
    DateTimeOffset? FirstEstimate,
    int Preemptions,
    double LostGpuSeconds)
{
    public TimeSpan? Wait => FirstStart - Recorded.Job.SubmittedAt;
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
}

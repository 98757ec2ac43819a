namespace Dashboard.Scheduling.Model;

public readonly record struct JobId(long Value) : IComparable<JobId>
{
    public int CompareTo(JobId other) => Value.CompareTo(other.Value);

    public static bool operator <(JobId left, JobId right) => left.Value < right.Value;

    public static bool operator >(JobId left, JobId right) => left.Value > right.Value;

    public static bool operator <=(JobId left, JobId right) => left.Value <= right.Value;

    public static bool operator >=(JobId left, JobId right) => left.Value >= right.Value;

    public override string ToString() => Value.ToString(System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// What a person submits. Validated by <see cref="JobSpecValidation"/> before it reaches the engine.
/// <see cref="Reservation"/>: the id of the team's advance reservation the job runs in (null: none; see
/// <see cref="Reservations.AdvanceReservation"/>).
/// </summary>
public sealed record JobSpec(
    string Name,
    string Owner,
    string Team,
    string Command,
    ResourceRequest Request,
    ResourceLimits? Limits = null,
    TimeSpan? Walltime = null,
    int Priority = 0,
    SessionRequest? Session = null,
    long? Reservation = null);

/// <summary>
/// Marks a job as an interactive session of the named type (a server the dashboard proxies to, see docs/sessions.md);
/// a job without one is a batch job.
/// </summary>
public sealed record SessionRequest(string Type)
{
    public const int MaxTypeLength = 64;
}

/// <summary>A submitted job as the scheduler sees it.</summary>
public sealed record Job(JobId Id, JobSpec Spec, DateTimeOffset SubmittedAt)
{
    public string Team => Spec.Team;

    public ResourceRequest Request => Spec.Request;

    public int Priority => Spec.Priority;

    public bool IsSession => Spec.Session is not null;

    /// <summary>
    /// How many times the job was preempted and put back in the queue (<see cref="Planning.ClusterTransitions.Requeue"/>)
    /// (stored with the job, db/0017, so it survives a restart): reclaim spares a job that was preempted before (no thrash).
    /// </summary>
    public int TimesPreempted { get; init; }
}

using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Accounting;

/// <summary>
/// One allocation of one job: what it held (GPUs, CPU, memory) from <see cref="Start"/> until <see cref="End"/>
/// (null while it still holds it). <see cref="Attempt"/> 1 is the job's first start; a preempted and requeued job
/// has one segment per start. Jobs that were cancelled or timed out hold their allocation until it is released, so
/// they count what they held, like any other.
/// </summary>
public sealed record HeldSegment(
    JobId Job,
    string Team,
    string Owner,
    DateTimeOffset SubmittedAt,
    int Attempt,
    DateTimeOffset Start,
    DateTimeOffset? End,
    int Gpus,
    long CpuMillicores,
    long MemoryMiB)
{
    /// <summary>When it stops counting: its release, or <paramref name="now"/> while it is still held (accrued so far).</summary>
    public DateTimeOffset EndOr(DateTimeOffset now) => End ?? (now > Start ? now : Start);

    /// <summary>How long the job waited for this start (its first start counts from submission).</summary>
    public TimeSpan Wait => Start > SubmittedAt ? Start - SubmittedAt : TimeSpan.Zero;
}

/// <summary>
/// Resources held over a time, in whole milliseconds (the stored precision of every time), so a span split into
/// parts adds up to exactly the whole: GPU-milliseconds, millicore-milliseconds and MiB-milliseconds.
/// </summary>
public readonly record struct HeldAmount(long Milliseconds, long GpuMilliseconds, long MillicoreMilliseconds, long MiBMilliseconds)
{
    public static HeldAmount Zero => default;

    public double GpuHours => GpuMilliseconds / 3_600_000.0;

    public double CpuCoreHours => MillicoreMilliseconds / 3_600_000_000.0;

    public double MemoryGiBHours => MiBMilliseconds / (3_600_000.0 * 1024);

    public double GpuSeconds => GpuMilliseconds / 1000.0;

    public static HeldAmount operator +(HeldAmount a, HeldAmount b) =>
        new(a.Milliseconds + b.Milliseconds, a.GpuMilliseconds + b.GpuMilliseconds, a.MillicoreMilliseconds + b.MillicoreMilliseconds, a.MiBMilliseconds + b.MiBMilliseconds);
}

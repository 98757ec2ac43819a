using Dashboard.Scheduling.Model;

namespace Dashboard.Scheduling.Planning;

/// <summary>
/// Fair-share arithmetic: a team's usage halves every half-life; its standing is usage divided by its weight
/// (lower goes first). Releasing a job adds what it held (GPU-seconds, CPU core-seconds) to its team's usage.
/// </summary>
public static class FairShare
{
    public static double Decay(double value, TimeSpan elapsed, TimeSpan halfLife)
    {
        if (elapsed <= TimeSpan.Zero || halfLife <= TimeSpan.Zero)
        {
            return halfLife <= TimeSpan.Zero && elapsed > TimeSpan.Zero ? 0 : value;
        }

        return value * Math.Pow(2, -elapsed.TotalSeconds / halfLife.TotalSeconds);
    }

    public static TeamUsage DecayTo(TeamUsage usage, DateTimeOffset at, TimeSpan halfLife)
    {
        ArgumentNullException.ThrowIfNull(usage);
        if (at <= usage.AsOf)
        {
            return usage;
        }

        var elapsed = at - usage.AsOf;
        return usage with
        {
            GpuSeconds = Decay(usage.GpuSeconds, elapsed, halfLife),
            CpuSeconds = Decay(usage.CpuSeconds, elapsed, halfLife),
            AsOf = at,
        };
    }

    /// <summary>The usage of a team after <paramref name="allocation"/> is released at <paramref name="endedAt"/>.</summary>
    public static TeamUsage Accrue(TeamUsage usage, GpuAllocation allocation, DateTimeOffset endedAt, TimeSpan halfLife)
    {
        ArgumentNullException.ThrowIfNull(usage);
        ArgumentNullException.ThrowIfNull(allocation);
        var decayed = DecayTo(usage, endedAt, halfLife);
        var held = Held(allocation, endedAt);
        return decayed with
        {
            GpuSeconds = decayed.GpuSeconds + held.GpuSeconds,
            CpuSeconds = decayed.CpuSeconds + held.CpuSeconds,
        };
    }

    /// <summary>What an allocation held from its start until <paramref name="endedAt"/>: GPU-seconds and CPU core-seconds.</summary>
    public static (double GpuSeconds, double CpuSeconds) Held(GpuAllocation allocation, DateTimeOffset endedAt)
    {
        ArgumentNullException.ThrowIfNull(allocation);
        var seconds = Math.Max(0, (endedAt - allocation.Start).TotalSeconds);
        return (allocation.GpuIndices.Length * seconds, allocation.CpuMillicores / (double)Units.MillicoresPerCore * seconds);
    }

    /// <summary>
    /// The ordering key of a team: decayed GPU-seconds of ended jobs, plus the GPU-seconds its running jobs have
    /// held so far, per unit of weight (lower is scheduled first).
    /// </summary>
    public static double Standing(TeamUsage? usage, TeamQuota? quota, DateTimeOffset now, TimeSpan halfLife, double runningGpuSeconds = 0)
    {
        var weight = quota is { FairShareWeight: > 0 } ? quota.FairShareWeight : 1.0;
        var ended = usage is null ? 0 : DecayTo(usage, now, halfLife).GpuSeconds;
        return (ended + runningGpuSeconds) / weight;
    }
}

namespace Dashboard.Scheduling.Replays;

/// <summary>
/// The figures of a replay (issue 20), over the jobs whose waits count (not the background ones):
/// waits (mean, nearest-rank p95, max, seconds); GPU-hours idle while a GPU job that could use them waited
/// (free GPUs on nodes where some waiting GPU job fits, up to what the waiting GPU jobs asked for in all); fragmentation (free GPUs on nodes where no waiting GPU job fits, time-averaged over the
/// span, while any GPU job waits); preemptions (distinct jobs, total) and the GPU-hours their stopped runs had held;
/// estimate accuracy (|first start - first estimated start| p50 and p90 over jobs that waited with an estimate);
/// Jain's fairness over teams of each team's mean service ratio run/(wait + run) (run at least a minute; 1 = every
/// team served alike); utilisation (GPU-seconds held within the utilisation span / (GPUs x that span)), and the same
/// less the GPU-seconds of runs later preempted (useful work). Every replayed job counts, background ones included
/// (they are the jobs running at a window's start; their wait is from the window's start).
/// </summary>
public sealed record ReplayFigures(
    int Jobs,
    int Started,
    double MeanWaitSeconds,
    double P95WaitSeconds,
    double MaxWaitSeconds,
    double IdleWhileWaitingGpuHours,
    double FragmentedGpus,
    int PreemptedJobs,
    int Preemptions,
    double LostGpuHours,
    double HeldGpuHours,
    int Estimated,
    double EstimateErrorP50Seconds,
    double EstimateErrorP90Seconds,
    double JainFairness,
    double Utilisation,
    double UsefulUtilisation)
{
    public static ReplayFigures Of(ReplayResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var counted = result.Jobs;
        var waits = counted.Where(j => j.Wait is not null).Select(j => j.Wait!.Value.TotalSeconds).ToList();
        var errors = counted
            .Where(j => j.FirstStart is not null && j.FirstEstimate is not null)
            .Select(j => Math.Abs((j.FirstStart!.Value - j.FirstEstimate!.Value).TotalSeconds))
            .ToList();
        var lost = result.Jobs.Sum(j => j.LostGpuSeconds);
        var capacitySeconds = result.CapacityGpus * result.UtilisationSpanSeconds;
        return new ReplayFigures(
            counted.Count,
            waits.Count,
            waits.Count == 0 ? 0 : waits.Average(),
            Percentile(waits, 95),
            waits.Count == 0 ? 0 : waits.Max(),
            result.IdleWhileWaitingGpuSeconds / 3600,
            result.SpanSeconds == 0 ? 0 : result.FragmentedGpuSeconds / result.SpanSeconds,
            result.Jobs.Count(j => j.Preemptions > 0),
            result.Jobs.Sum(j => j.Preemptions),
            lost / 3600,
            result.HeldGpuSeconds / 3600,
            errors.Count,
            Percentile(errors, 50),
            Percentile(errors, 90),
            Jain(counted),
            capacitySeconds == 0 ? 0 : result.BusyGpuSecondsInSpan / capacitySeconds,
            capacitySeconds == 0 ? 0 : Math.Max(0, result.BusyGpuSecondsInSpan - lost) / capacitySeconds);
    }

    /// <summary>Nearest-rank percentile; 0 for no values.</summary>
    public static double Percentile(IReadOnlyCollection<double> values, double percent)
    {
        ArgumentNullException.ThrowIfNull(values);
        if (values.Count == 0)
        {
            return 0;
        }

        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(percent / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    /// <summary>Jain's index (sum x)^2 / (n sum x^2) over the teams' mean service ratios.</summary>
    private static double Jain(IEnumerable<ReplayedJob> jobs)
    {
        var ratios = jobs
            .Where(j => j.Wait is not null)
            .GroupBy(j => j.Recorded.Job.Team, StringComparer.Ordinal)
            .Select(g => g.Average(j =>
            {
                var run = Math.Max(60, j.Recorded.RunTime.TotalSeconds);
                return run / (j.Wait!.Value.TotalSeconds + run);
            }))
            .ToList();
        var squares = ratios.Sum(x => x * x);
        return squares == 0 ? 1 : ratios.Sum() * ratios.Sum() / (ratios.Count * squares);
    }
}

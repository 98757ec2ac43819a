using System.Diagnostics.Metrics;
using Dashboard.Engine.Feed;
using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Metrics;

/// <summary>
/// The engine's measurements as <see cref="System.Diagnostics.Metrics"/> instruments of one meter, free of any
/// exporter: the host decides who collects them (the web host exports them at <c>/metrics</c> for Prometheus).
/// Capacity and allocation are observed from the feed's latest published state when a collector asks; durations,
/// queue waits and ended jobs are recorded by the engine loop and its journal as they happen.
/// </summary>
public sealed class EngineMetrics
{
    public const string MeterName = "Dashboard.Engine";

    private const double MiB = 1024 * 1024;

    private static readonly double[] PassBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];
    private static readonly double[] CommitBuckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
    private static readonly double[] QueueWaitBuckets = [1, 5, 15, 30, 60, 300, 900, 1800, 3600, 7200, 14400, 28800, 86400];

    private readonly ClusterFeed feed;
    private readonly Histogram<double> schedulingPass;
    private readonly Histogram<double> cheapPass;
    private readonly Histogram<double> commit;
    private readonly Histogram<double> queueWait;
    private readonly Counter<long> jobsSubmitted;
    private readonly Counter<long> jobsEnded;

    public EngineMetrics(IMeterFactory meters, ClusterFeed feed)
    {
        ArgumentNullException.ThrowIfNull(meters);
        this.feed = feed;
        var meter = meters.Create(MeterName);

        schedulingPass = meter.CreateHistogram("dashboard.scheduling.pass.duration", "s", "Time one scheduling pass (Scheduler.Plan on the engine's snapshot) took.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = PassBuckets });
        cheapPass = meter.CreateHistogram("dashboard.scheduling.cheap_pass.duration", "s", "Time one cheap pass took: a batch that only added waiting jobs to a full cluster, where the full pass could decide nothing (CheapPass).", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = PassBuckets });
        commit = meter.CreateHistogram("dashboard.database.commit.duration", "s", "Time one engine batch's database transaction took to commit.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = CommitBuckets });
        queueWait = meter.CreateHistogram("dashboard.job.queue.wait", "s", "Time a job waited from submission to its start.", advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = QueueWaitBuckets });
        jobsSubmitted = meter.CreateCounter<long>("dashboard.jobs.submitted", "{job}", "Jobs accepted by the engine, by team.");
        jobsEnded = meter.CreateCounter<long>("dashboard.jobs.ended", "{job}", "Jobs that reached a final state, by state and team.");

        meter.CreateObservableGauge("dashboard.jobs", ObserveJobs, "{job}", "Jobs now pending or running, by state.");

        meter.CreateObservableGauge("dashboard.node.gpus", () => PerNode(n => n.GpusTotal), "{gpu}", "GPUs of each node.");
        meter.CreateObservableGauge("dashboard.node.gpus.allocated", () => PerNode(n => n.GpusUsed), "{gpu}", "GPUs allocated to running jobs on each node.");
        meter.CreateObservableGauge("dashboard.node.cpu", () => PerNode(n => n.CpuMillicoresTotal / 1000.0), "{core}", "CPU cores of each node.");
        meter.CreateObservableGauge("dashboard.node.cpu.allocated", () => PerNode(n => n.CpuMillicoresUsed / 1000.0), "{core}", "CPU cores allocated to running jobs on each node.");
        meter.CreateObservableGauge("dashboard.node.memory", () => PerNode(n => n.MemoryMiBTotal * MiB), "By", "Memory of each node.");
        meter.CreateObservableGauge("dashboard.node.memory.allocated", () => PerNode(n => n.MemoryMiBUsed * MiB), "By", "Memory allocated to running jobs on each node.");

        meter.CreateObservableGauge("dashboard.team.gpus", () => PerTeamQuota(a => a.Gpus), "{gpu}", "Each team's nominal (guaranteed) GPUs.");
        meter.CreateObservableGauge("dashboard.team.gpus.allocated", () => PerTeamAllocated(a => a.Gpus), "{gpu}", "GPUs allocated to each team's running jobs.");
        meter.CreateObservableGauge("dashboard.team.cpu", () => PerTeamQuota(a => a.CpuMillicores / 1000.0), "{core}", "Each team's nominal (guaranteed) CPU cores.");
        meter.CreateObservableGauge("dashboard.team.cpu.allocated", () => PerTeamAllocated(a => a.CpuMillicores / 1000.0), "{core}", "CPU cores allocated to each team's running jobs.");
        meter.CreateObservableGauge("dashboard.team.memory", () => PerTeamQuota(a => a.MemoryMiB * MiB), "By", "Each team's nominal (guaranteed) memory.");
        meter.CreateObservableGauge("dashboard.team.memory.allocated", () => PerTeamAllocated(a => a.MemoryMiB * MiB), "By", "Memory allocated to each team's running jobs.");
    }

    /// <summary>One scheduling pass took <paramref name="elapsed"/>.</summary>
    public void SchedulingPassTook(TimeSpan elapsed) => schedulingPass.Record(elapsed.TotalSeconds);

    /// <summary>One cheap pass (instead of a scheduling pass) took <paramref name="elapsed"/>.</summary>
    public void CheapPassTook(TimeSpan elapsed) => cheapPass.Record(elapsed.TotalSeconds);

    /// <summary>One batch's transaction took <paramref name="elapsed"/> to commit.</summary>
    public void CommitTook(TimeSpan elapsed) => commit.Record(elapsed.TotalSeconds);

    /// <summary>
    /// Records what one committed batch did to jobs: submissions, starts (with how long each job waited since it was
    /// submitted, found in <paramref name="after"/>) and final states.
    /// </summary>
    public void BatchCommitted(IReadOnlyList<ClusterEvent> events, ClusterSnapshot after)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(after);
        Dictionary<JobId, DateTimeOffset>? submittedAt = null;
        foreach (var change in events.OfType<JobStateChangedEvent>())
        {
            var team = new KeyValuePair<string, object?>("team", change.Team);
            if (change is { From: JobState.Pending, To: JobState.Pending })
            {
                jobsSubmitted.Add(1, team);
            }
            else if (change is { From: JobState.Pending, To: JobState.Running })
            {
                submittedAt ??= after.Running.ToDictionary(r => r.Job.Id, r => r.Job.SubmittedAt);
                if (submittedAt.TryGetValue(change.Job, out var submitted))
                {
                    queueWait.Record(Math.Max(0, (change.At - submitted).TotalSeconds), team);
                }
            }
            else if (IsFinal(change.To))
            {
                jobsEnded.Add(1, new KeyValuePair<string, object?>("state", StateLabel(change.To)), team);
            }
        }
    }

    /// <summary>The label value of a job state: its name in lower case (<c>pending</c>, <c>timedout</c>, ...).</summary>
    public static string StateLabel(JobState state) => state.ToString().ToLowerInvariant();

    private static bool IsFinal(JobState state) => state is JobState.Succeeded or JobState.Failed or JobState.Cancelled or JobState.TimedOut or JobState.Rejected;

    private IEnumerable<Measurement<long>> ObserveJobs()
    {
        if (feed.Current is not { } current)
        {
            return [];
        }

        return
        [
            new(current.Summary.PendingJobs, new KeyValuePair<string, object?>("state", StateLabel(JobState.Pending))),
            new(current.Summary.RunningJobs, new KeyValuePair<string, object?>("state", StateLabel(JobState.Running))),
        ];
    }

    private IEnumerable<Measurement<double>> PerNode(Func<NodeSummary, double> value) =>
        feed.Current is { } current
            ? current.Summary.Nodes.Select(n => new Measurement<double>(
                value(n),
                new KeyValuePair<string, object?>("node", n.Name),
                new KeyValuePair<string, object?>("state", n.State.ToString().ToLowerInvariant()),
                new KeyValuePair<string, object?>("simulated", n.Simulated ? "true" : "false")))
            : [];

    private IEnumerable<Measurement<double>> PerTeamQuota(Func<ResourceAmount, double> value) =>
        feed.Current is { } current
            ? current.Snapshot.Quotas.Select(q => new Measurement<double>(value(q.Nominal), new KeyValuePair<string, object?>("team", q.Team)))
            : [];

    /// <summary>Every team with a quota or a running job, so a team's allocation reads 0 rather than vanishing when its last job ends.</summary>
    private List<Measurement<double>> PerTeamAllocated(Func<ResourceAmount, double> value)
    {
        if (feed.Current is not { } current)
        {
            return [];
        }

        var allocated = current.Snapshot.Quotas.ToDictionary(q => q.Team, _ => ResourceAmount.Zero, StringComparer.Ordinal);
        foreach (var running in current.Snapshot.Running)
        {
            allocated[running.Job.Team] = allocated.GetValueOrDefault(running.Job.Team) + running.Allocation.Amount;
        }

        return allocated.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => new Measurement<double>(value(p.Value), new KeyValuePair<string, object?>("team", p.Key)))
            .ToList();
    }
}

using System.Diagnostics;
using System.Globalization;
using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;

namespace Dashboard.Bench.Scheduling;

/// <summary>One job of the replayed trace: what it asks for and how long it really ran.</summary>
public sealed record TraceJob(Job Job, TimeSpan Duration, TimeSpan ProductionWait);

/// <summary>
/// Replays a real GPU-cluster trace (the Alibaba cluster-trace-gpu-v2023 sample; its README describes the columns)
/// through <see cref="Scheduler.Plan"/> on simulated time: submits and job ends are events, every event time gets a
/// pass with the default settings (backfill and an estimated start for every pending job), starts are applied and
/// each started job ends after its observed run time. Cluster as the trace's README recommends for acceptance runs:
/// 4 nodes of 8 GPUs, 128 cores, 768 GiB; one team per trace team with an equal nominal share that may borrow the rest.
/// </summary>
public sealed class TraceReplay(TextWriter log)
{
    private static readonly DateTimeOffset Origin = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan MaxWalltime = JobSpecValidation.MaxWalltime;

    public void Run(string path, double compression)
    {
        var jobs = Read(path, compression);
        var snapshot = Cluster(jobs);
        var capacityGpus = snapshot.Nodes.Sum(n => n.Gpus.Length);
        log.WriteLine($"replay: {jobs.Count:N0} jobs from {path}, arrivals compressed x{compression}, {snapshot.Nodes.Length} nodes / {capacityGpus} GPUs, {snapshot.Quotas.Length} teams");

        var bySubmit = jobs.OrderBy(j => j.Job.SubmittedAt).ThenBy(j => j.Job.Id).ToList();
        var traceById = jobs.ToDictionary(j => j.Job.Id);
        var ends = new PriorityQueue<JobId, (DateTimeOffset At, long Id)>();
        var endOf = new Dictionary<JobId, DateTimeOffset>();
        var holding = new Dictionary<JobId, (DateTimeOffset Start, int Gpus)>();
        var preemptedAt = new Dictionary<JobId, DateTimeOffset>();
        var preemptedJobs = new HashSet<JobId>();
        var beneficiaries = new Dictionary<JobId, DateTimeOffset>();
        var beneficiariesStartedAtOnce = 0;
        var restarts = 0;
        var restartsAtOnce = 0;
        var firstEstimate = new Dictionary<JobId, DateTimeOffset>();
        var waits = new Samples();
        var estimateErrors = new Samples();
        var onOrBeforeEstimate = 0;
        var plans = new Samples();
        var refused = 0;
        var preempted = 0;
        var gpuSeconds = 0.0;
        var next = 0;
        var wall = Stopwatch.StartNew();
        var lastEnd = Origin;

        while (next < bySubmit.Count || ends.Count > 0)
        {
            var nextSubmit = next < bySubmit.Count ? bySubmit[next].Job.SubmittedAt : DateTimeOffset.MaxValue;
            var nextEnd = ends.TryPeek(out _, out var endKey) ? endKey.At : DateTimeOffset.MaxValue;
            var now = nextSubmit < nextEnd ? nextSubmit : nextEnd;

            while (ends.TryPeek(out var id, out var key) && key.At <= now)
            {
                ends.Dequeue();
                if (endOf.TryGetValue(id, out var at) && at == key.At)
                {
                    endOf.Remove(id);
                    snapshot = ClusterTransitions.Release(snapshot, id, now);
                    gpuSeconds += Held(holding, id, now);
                    lastEnd = now;
                }
            }

            while (next < bySubmit.Count && bySubmit[next].Job.SubmittedAt <= now)
            {
                snapshot = ClusterTransitions.Submit(snapshot, bySubmit[next++].Job);
            }

            // A pass that preempts borrowed jobs is followed by one that starts the reclaiming job on the freed GPUs.
            for (var round = 0; round < 3; round++)
            {
                var current = snapshot;
                var plan = plans.Time(() => Scheduler.Plan(current, now));
                snapshot = ClusterTransitions.ApplyPlan(snapshot, plan);
                refused += plan.Refusals.Length;
                foreach (var start in plan.Starts)
                {
                    var trace = traceById[start.Job.Id];
                    var runFor = trace.Duration < MaxWalltime ? trace.Duration : MaxWalltime;
                    var end = now + runFor;
                    endOf[start.Job.Id] = end;
                    ends.Enqueue(start.Job.Id, (end, start.Job.Id.Value));
                    holding[start.Job.Id] = (now, start.Allocation.GpuIndices.Length);
                    if (beneficiaries.Remove(start.Job.Id, out var reclaimedAt) && reclaimedAt == now)
                    {
                        beneficiariesStartedAtOnce++;
                    }

                    if (preemptedAt.Remove(start.Job.Id, out var stoppedAt))
                    {
                        // A preempted job starts over (no checkpointing); its first start already counted its wait.
                        restarts++;
                        restartsAtOnce += stoppedAt == now ? 1 : 0;
                        continue;
                    }

                    waits.Add(now - start.Job.SubmittedAt);
                    if (firstEstimate.TryGetValue(start.Job.Id, out var estimate))
                    {
                        estimateErrors.Add((now - estimate).Duration());
                        onOrBeforeEstimate += now <= estimate ? 1 : 0;
                    }
                }

                foreach (var explanation in plan.Pending)
                {
                    if (explanation.EstimatedStart is { } estimate)
                    {
                        firstEstimate.TryAdd(explanation.Job, estimate);
                    }
                }

                foreach (var preemption in plan.Preemptions)
                {
                    endOf.Remove(preemption.Victim);
                    snapshot = ClusterTransitions.Requeue(snapshot, preemption.Victim, now);
                    gpuSeconds += Held(holding, preemption.Victim, now);
                    preemptedAt[preemption.Victim] = now;
                    preemptedJobs.Add(preemption.Victim);
                    beneficiaries.TryAdd(preemption.Beneficiary, now);
                    preempted++;
                }

                if (plan.Preemptions.IsEmpty)
                {
                    break;
                }
            }
        }

        var span = (lastEnd - Origin).TotalSeconds;
        var production = new Samples();
        foreach (var job in jobs)
        {
            production.Add(job.ProductionWait);
        }

        log.WriteLine($"replay: simulated {span / 86_400:0.0} days in {wall.Elapsed.TotalSeconds:0.0} s wall; {plans.Count:N0} passes, pass median {plans.Median:0.000} ms, p99 {plans.P99:0.000} ms, max {plans.Max:0.0} ms");
        log.WriteLine($"replay: {waits.Count:N0} started, {refused} refused; mean GPU allocation {100 * gpuSeconds / (capacityGpus * span):0.0}% of {capacityGpus} GPUs");
        log.WriteLine($"replay: {preempted:N0} preemptions of {preemptedJobs.Count:N0} distinct jobs; {restarts:N0} restarts, {restartsAtOnce:N0} of them at the very instant of their preemption; " +
            $"{beneficiariesStartedAtOnce:N0} reclaiming jobs started at the instant of their reclaim");
        log.WriteLine($"replay: queue wait p50 {Seconds(waits.Median)}, p90 {Seconds(waits.Percentile(90))}, p99 {Seconds(waits.P99)}, max {Seconds(waits.Max)} " +
            $"(production, another cluster, for reference: p50 {Seconds(production.Median)}, p99 {Seconds(production.P99)})");
        if (estimateErrors.Count > 0)
        {
            log.WriteLine($"replay: {estimateErrors.Count:N0} jobs had waited with an estimated start; started on or before it: {100.0 * onOrBeforeEstimate / estimateErrors.Count:0.0}%; " +
                $"|actual - first estimate| p50 {Seconds(estimateErrors.Median)}, p90 {Seconds(estimateErrors.Percentile(90))}");
        }
    }

    /// <summary>GPU-seconds the job held from its start until <paramref name="until"/>; forgets the job.</summary>
    private static double Held(Dictionary<JobId, (DateTimeOffset Start, int Gpus)> holding, JobId id, DateTimeOffset until) =>
        holding.Remove(id, out var held) ? held.Gpus * (until - held.Start).TotalSeconds : 0;

    private static string Seconds(double milliseconds) =>
        string.Create(CultureInfo.InvariantCulture, $"{milliseconds / 1000:0} s");

    private static ClusterSnapshot Cluster(IReadOnlyList<TraceJob> jobs)
    {
        const int nodes = 4;
        const int gpusPerNode = 8;
        const long cores = 128;
        const long memoryGiB = 768;
        var gpus = Enumerable.Range(0, gpusPerNode).Select(i => new Gpu(i, "G3", 32 * 1024)).ToArray();
        var nodeList = Enumerable.Range(0, nodes)
            .Select(n => new Node($"g3-{n}", [.. gpus], cores * Units.MillicoresPerCore, memoryGiB * Units.MiBPerGiB))
            .ToArray();
        var teams = jobs.Select(j => j.Job.Team).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var cluster = new ResourceAmount(nodes * gpusPerNode, nodes * cores * Units.MillicoresPerCore, nodes * memoryGiB * Units.MiBPerGiB);
        var share = new ResourceAmount(cluster.Gpus / teams.Length, cluster.CpuMillicores / teams.Length, cluster.MemoryMiB / teams.Length);
        var quotas = teams.Select(t => new TeamQuota(t, share, cluster - share)).ToArray();
        return new ClusterSnapshot([.. nodeList], [.. quotas], PendingQueue.Empty, [], [], SchedulerSettings.Default);
    }

    /// <summary>Reads the CSV by its header's column names; walltime is the observed run time rounded up to the hour.</summary>
    private static List<TraceJob> Read(string path, double compression)
    {
        using var reader = new StreamReader(path);
        var header = (reader.ReadLine() ?? throw new InvalidDataException($"{path} is empty.")).Split(',');
        int Column(string name) => Array.IndexOf(header, name) is var i and >= 0 ? i : throw new InvalidDataException($"{path} has no column {name}.");
        var (id, submit, duration, gpus, cpus, memory, user, team, wait) =
            (Column("job_id"), Column("submit_s"), Column("duration_s"), Column("gpus_whole"), Column("cpus"), Column("memory_gib"), Column("user"), Column("team"), Column("wait_s"));

        var jobs = new List<TraceJob>();
        while (reader.ReadLine() is { } line)
        {
            if (line.Length == 0)
            {
                continue;
            }

            var cells = line.Split(',');
            double Number(int column) => double.Parse(cells[column], CultureInfo.InvariantCulture);
            var runTime = TimeSpan.FromSeconds(Number(duration));
            var hours = Math.Max(1, Math.Ceiling(runTime.TotalHours));
            var walltime = TimeSpan.FromHours(hours) < MaxWalltime ? TimeSpan.FromHours(hours) : MaxWalltime;
            var request = new ResourceRequest(
                (int)Number(gpus),
                Math.Max(1, (long)Math.Ceiling(Number(cpus) * Units.MillicoresPerCore)),
                Math.Max(1, (long)Math.Ceiling(Number(memory) * Units.MiBPerGiB)));
            var spec = new JobSpec(cells[id], cells[user], cells[team], "replay", request, Walltime: walltime);
            var submitted = Origin + TimeSpan.FromSeconds(Number(submit) / compression);
            jobs.Add(new TraceJob(new Job(new JobId(jobs.Count + 1), spec, submitted), runTime, TimeSpan.FromSeconds(Number(wait))));
        }

        return jobs;
    }
}

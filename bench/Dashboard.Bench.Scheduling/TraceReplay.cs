using System.Diagnostics;
using System.Globalization;
using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;
using Dashboard.Scheduling.Replays;

namespace Dashboard.Bench.Scheduling;

/// <summary>One job of the trace: what it asks for, when (trace seconds) and how long it really ran.</summary>
public sealed record TraceJob(Job Job, double SubmitSeconds, TimeSpan Duration, TimeSpan ProductionWait);

/// <summary>
/// Reads a real GPU-cluster trace (the Alibaba cluster-trace-gpu-v2023 sample; its README describes the columns) and
/// prints the issue-20 figures of the product's replay engine (<see cref="TraceReplayer"/>) on a window of it (the jobs
/// submitted in the window, plus the jobs of the trace still running at its start as background: they arrive at the
/// start, with their real submit time and what was left of their run) and on the whole trace. Cluster as the trace's README recommends for acceptance runs:
/// 4 nodes of 8 GPUs, 128 cores, 768 GiB; one team per trace team with an equal nominal share that may borrow the rest.
/// </summary>
public sealed class TraceReplay(TextWriter log)
{
    /// <summary>How many of the longest waits to list under each figure block (0: none).</summary>
    public int Longest { get; init; }

    /// <summary>A job name whose waiting to follow: every 2 simulated hours while it waits, its estimate and every node's jobs.</summary>
    public string? Follow { get; init; }

    private static readonly DateTimeOffset Origin = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan MaxWalltime = JobSpecValidation.MaxWalltime;

    public void Run(string path, double compression, double windowFrom, double windowTo, SchedulerSettings settings)
    {
        var jobs = Read(path, compression);
        var cluster = Cluster(jobs, settings);
        log.WriteLine($"replay: {jobs.Count:N0} jobs from {path}, arrivals compressed x{compression}, {cluster.Nodes.Length} nodes / {cluster.Nodes.Sum(n => n.Gpus.Length)} GPUs, {cluster.Quotas.Length} teams");
        log.WriteLine($"replay: settings {settings}");

        var start = Origin + TimeSpan.FromSeconds(windowFrom / compression);
        var end = Origin + TimeSpan.FromSeconds(windowTo / compression);
        var window = new List<ReplayJob>();
        foreach (var job in jobs)
        {
            var submitted = job.Job.SubmittedAt;
            if (submitted >= start && submitted < end)
            {
                window.Add(new ReplayJob(job.Job, job.Duration));
            }
            else if (ReplayJob.RunningAt(job.Job, submitted, job.Duration, start) is { } background)
            {
                window.Add(background);
            }
        }

        Print(end, $"window {windowFrom:N0}-{windowTo:N0} s ({window.Count(j => !j.Background)} jobs + {window.Count(j => j.Background)} running at its start)", cluster, window);
        Print(null, "full trace", cluster, [.. jobs.Select(j => new ReplayJob(j.Job, j.Duration))]);
    }

    private void Print(DateTimeOffset? utilisationUntil, string name, ClusterSnapshot cluster, IReadOnlyList<ReplayJob> jobs)
    {
        var passes = new Samples();
        var wall = Stopwatch.StartNew();
        var debug = Follow;
        var lastPrint = DateTimeOffset.MinValue;
        var result = TraceReplayer.Run(cluster, jobs, (snapshot, now) =>
        {
            var p = passes.Time(() => Scheduler.Plan(snapshot, now));
            if (debug is not null && snapshot.Pending.AllJobs.FirstOrDefault(j => j.Spec.Name == debug) is { } dj && now - lastPrint > TimeSpan.FromHours(2))
            {
                lastPrint = now;
                var ex = p.Pending.FirstOrDefault(e => e.Job == dj.Id);
                log.WriteLine($"follow: t={(now - Origin).TotalSeconds:N0} pending={snapshot.Pending.Count} est={(ex?.EstimatedStart - Origin)?.TotalSeconds:N0} res={ex?.Reservation?.Node}@{(ex?.Reservation?.Start - Origin)?.TotalSeconds:N0} reason={ex?.Reason.Cause}");
                foreach (var n in snapshot.Nodes)
                {
                    var on = snapshot.Running.Where(r => r.Allocation.Node == n.Name).ToList();
                    log.WriteLine($"follow:   {n.Name}: free {8 - on.Sum(r => r.Allocation.GpuIndices.Length)} " + string.Join(" ", on.Select(r => $"{r.Job.Spec.Name}:{r.Allocation.GpuIndices.Length}g/{r.Job.Team}/{(r.Allocation.ExpectedEnd - now)?.TotalHours:N0}h{(r.Borrowing ? "B" : "")}@{(r.Allocation.Start - Origin).TotalSeconds:0}")));
                }
            }

            return p;
        }, utilisationUntil);
        var f = ReplayFigures.Of(result);
        log.WriteLine($"{name}: simulated {result.SpanSeconds / 86_400:0.0} days in {wall.Elapsed.TotalSeconds:0.0} s wall; {passes.Count:N0} passes, pass median {passes.Median:0.000} ms, p99 {passes.P99:0.000} ms");
        log.WriteLine($"  jobs {f.Jobs:N0}, started {f.Started:N0}, refused {result.Refused}");
        log.WriteLine($"  wait mean {f.MeanWaitSeconds:N0} s, p95 {f.P95WaitSeconds:N0} s, max {f.MaxWaitSeconds:N0} s");
        log.WriteLine($"  GPU-hours idle while a GPU job that could use them waited {f.IdleWhileWaitingGpuHours:N1} (free while any GPU job waited {result.FreeWhileWaitingGpuSeconds / 3600:N1}); fragmentation {f.FragmentedGpus:0.00} GPUs (time-averaged)");
        log.WriteLine($"  preemptions {f.Preemptions:N0} of {f.PreemptedJobs:N0} distinct jobs; GPU-hours lost {f.LostGpuHours:N1} of {f.HeldGpuHours:N1} held ({Percent(f.LostGpuHours, f.HeldGpuHours)})");
        log.WriteLine($"  estimate |actual start - first estimate| p50 {f.EstimateErrorP50Seconds:N0} s, p90 {f.EstimateErrorP90Seconds:N0} s (n={f.Estimated:N0})");
        foreach (var job in result.Jobs.Where(j => j.Wait is not null).OrderByDescending(j => j.Wait).Take(Longest))
        {
            var spec = job.Recorded.Job.Spec;
            log.WriteLine($"  longest wait: {spec.Name} ({spec.Team}, {spec.Request.Gpus} GPUs, run {job.Recorded.RunTime.TotalSeconds:N0} s, walltime {spec.Walltime?.TotalHours:N0} h) submitted {(job.Recorded.Job.SubmittedAt - Origin).TotalSeconds:N0} s waited {job.Wait!.Value.TotalSeconds:N0} s, preempted {job.Preemptions}x");
        }

        foreach (var job in result.Jobs.Where(j => j.LostGpuSeconds > 0).OrderByDescending(j => j.LostGpuSeconds).Take(Longest))
        {
            var spec = job.Recorded.Job.Spec;
            log.WriteLine($"  most work lost: {spec.Name} ({spec.Team}, {spec.Request.Gpus} GPUs, run {job.Recorded.RunTime.TotalSeconds:N0} s) preempted {job.Preemptions}x, {job.LostGpuSeconds / 3600:N1} GPU-hours lost");
        }

        log.WriteLine($"  Jain's fairness over teams {f.JainFairness:0.000}; utilisation {100 * f.Utilisation:0.0}% held, {100 * f.UsefulUtilisation:0.0}% useful ({(utilisationUntil is null ? "first submit to last end" : "over the window")})");
    }

    private static string Percent(double part, double whole) =>
        string.Create(CultureInfo.InvariantCulture, $"{(whole == 0 ? 0 : 100 * part / whole):0.00}%");

    private static ClusterSnapshot Cluster(IReadOnlyList<TraceJob> jobs, SchedulerSettings settings)
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
        return new ClusterSnapshot([.. nodeList], [.. quotas], PendingQueue.Empty, [], [], settings);
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
            jobs.Add(new TraceJob(new Job(new JobId(jobs.Count + 1), spec, submitted), Number(submit), runTime, TimeSpan.FromSeconds(Number(wait))));
        }

        return jobs;
    }
}

using System.Collections.Immutable;
using System.Runtime.InteropServices;
using Dashboard.Data.Usage;
using Dashboard.Data.UsageHistory;
using Dashboard.Scheduling.Accounting;
using Dashboard.Scheduling.Model;

namespace Dashboard.Engine.Usage;

/// <summary>One finished job of the demo history: its spec, where and when it ran, and how it ended.</summary>
public sealed record DemoJob(Job Job, GpuAllocation Allocation, DateTimeOffset End, JobState EndedAs, string? Reason, int? ExitCode)
{
    public HeldSegment Segment => new(Job.Id, Job.Team, Job.Spec.Owner, Job.SubmittedAt, 1, Allocation.Start, End,
        Allocation.GpuIndices.Length, Allocation.CpuMillicores, Allocation.MemoryMiB);
}

/// <summary>
/// A realistic, simulated past for the demo nodes: eight teams (the demo accounts' vision and nlp among them) submit
/// jobs of 1-8 GPUs for minutes to half a day, more on weekdays and in working hours; each job starts on the first
/// demo node with room (first come, first served, so waits are real), and ends succeeded, failed, cancelled or
/// timed out. Every time is a whole minute. Deterministic for the same start, length and nodes.
/// </summary>
public static class DemoHistory
{
    public static readonly ImmutableArray<(string Team, double Weight, ImmutableArray<string> Users)> Teams =
    [
        ("vision", 3.0, ["alice", "lead", "carol", "dan"]),
        ("nlp", 3.0, ["bob", "erin", "frank"]),
        ("research", 2.0, ["ivan", "judy", "ken"]),
        ("speech", 1.5, ["grace", "heidi"]),
        ("robotics", 1.2, ["liam", "mia"]),
        ("recsys", 1.0, ["olivia", "pete"]),
        ("audio", 0.8, ["noah"]),
        ("platform", 0.5, ["quinn"]),
    ];

    private static readonly int[] GpuChoices = [1, 1, 1, 1, 2, 2, 2, 4, 4, 8];

    /// <summary>The finished jobs between <paramref name="now"/> minus <paramref name="days"/> and <paramref name="now"/>, ids from 1 in submit order.</summary>
    public static IReadOnlyList<DemoJob> Jobs(IReadOnlyList<Node> nodes, DateTimeOffset now, int days, int seed = 7)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        var random = new Random(seed);
        var end = UsageSplit.AlignDown(now, TimeSpan.FromMinutes(1));
        var start = UsageSplit.AlignDown(end - TimeSpan.FromDays(days), TimeSpan.FromHours(1));
        var totalGpus = nodes.Sum(n => n.Gpus.Length);
        if (totalGpus == 0 || days <= 0)
        {
            return [];
        }

        // About 70 % of the GPU-hours on average: a mean job holds ~2.7 GPUs for ~4 h.
        var perHour = 0.7 * totalGpus / (2.7 * 4.0);
        var freeAt = nodes.Select(n => n.Gpus.Select(_ => start).ToArray()).ToArray();
        var weights = Teams.Sum(t => t.Weight);
        var jobs = new List<DemoJob>();
        for (var hour = start; hour < end; hour = hour.AddHours(1))
        {
            var weekday = hour.DayOfWeek is not DayOfWeek.Saturday and not DayOfWeek.Sunday;
            var working = hour.Hour is >= 8 and < 19;
            var arrivals = Poisson(random, perHour * (weekday ? 1.25 : 0.45) * (working ? 1.6 : 0.5));
            var submits = Enumerable.Range(0, arrivals).Select(_ => hour.AddMinutes(random.Next(60))).Order().ToList();
            foreach (var submitted in submits)
            {
                var (team, user) = Pick(random, weights);
                var maxGpus = nodes.Max(n => n.Gpus.Length);
                var gpus = Math.Min(GpuChoices[random.Next(GpuChoices.Length)], maxGpus);
                var minutes = (int)Math.Clamp(Math.Exp(4.9 + (random.NextDouble() * 2.2) - 0.9), 10, 16 * 60);
                var (nodeIndex, startAt, indices) = Place(nodes, freeAt, gpus, submitted);
                var walltime = TimeSpan.FromMinutes(Math.Ceiling(minutes * (1.2 + random.NextDouble()) / 30) * 30);
                var roll = random.NextDouble();
                var (endsAs, ranFor, reason, exit) = roll switch
                {
                    < 0.80 => (JobState.Succeeded, TimeSpan.FromMinutes(minutes), (string?)null, (int?)0),
                    < 0.88 => (JobState.Failed, TimeSpan.FromMinutes(Math.Max(1, (int)(minutes * random.NextDouble()))), "exited with code 1", 1),
                    < 0.95 => (JobState.Cancelled, TimeSpan.FromMinutes(Math.Max(1, (int)(minutes * random.NextDouble()))), $"cancelled by {user}", null),
                    _ => (JobState.TimedOut, walltime, $"reached its walltime of {walltime.TotalMinutes:0} min", null),
                };
                var ends = startAt + ranFor;
                if (ends > end)
                {
                    continue; // Only finished jobs: the running cluster starts empty.
                }

                foreach (var i in indices)
                {
                    freeAt[nodeIndex][i] = ends;
                }

                var node = nodes[nodeIndex];
                var cpu = Math.Min(node.CpuMillicores / node.Gpus.Length * gpus, node.CpuMillicores);
                var memory = Math.Min(node.MemoryMiB / node.Gpus.Length * gpus, node.MemoryMiB);
                var id = new JobId(jobs.Count + 1);
                var spec = new JobSpec($"{team}-{JobNames[random.Next(JobNames.Length)]}", user, team, "python train.py", new ResourceRequest(gpus, cpu, memory), Walltime: walltime);
                var allocation = new GpuAllocation(id, node.Name, [.. indices.Select(i => node.Gpus[i].Index)], cpu, memory, startAt, startAt + walltime);
                jobs.Add(new DemoJob(new Job(id, spec, submitted), allocation, ends, endsAs, reason, exit));
            }
        }

        return jobs;
    }

    /// <summary>
    /// The hour roll-ups of the jobs' holding over [from, to), team and member rows, split exactly at hour
    /// boundaries; utilisation is each job's simulated efficiency. All marked simulated.
    /// </summary>
    public static IReadOnlyList<UtilisationRollup> HourRollups(IReadOnlyList<DemoJob> jobs, IReadOnlyList<Node> nodes, DateTimeOffset from, DateTimeOffset to)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var gpuMemory = nodes.ToDictionary(n => n.Name, n => n.Gpus.IsEmpty ? 0 : n.Gpus[0].MemoryMiB, StringComparer.Ordinal);
        var rows = new Dictionary<(string Team, string User, DateTimeOffset Hour), UtilisationRollup>();
        foreach (var job in jobs)
        {
            var efficiency = SimulatedGpuReadings.JobEfficiency(job.Job.Id.Value);
            foreach (var (hour, held) in UsageSplit.ByBucket(job.Segment, TimeSpan.FromHours(1), to))
            {
                if (hour < from || hour >= to)
                {
                    continue;
                }

                var gpuMinutes = held.GpuMilliseconds / 60_000;
                var row = new UtilisationRollup(RollupGranularity.Hour, job.Job.Team, "", hour, true, gpuMinutes, held.MillicoreMilliseconds / 60_000,
                    held.MiBMilliseconds / 60_000, gpuMinutes, gpuMinutes * efficiency, (long)(gpuMinutes * gpuMemory.GetValueOrDefault(job.Allocation.Node) * (0.25 + (0.7 * efficiency))));
                Add(rows, (job.Job.Team, "", hour), row);
                Add(rows, (job.Job.Team, job.Job.Spec.Owner, hour), row with { User = job.Job.Spec.Owner });
            }
        }

        return [.. rows.Values];
    }

    /// <summary>The per-minute samples the sampler would have taken over [from, to) (whole minutes) while these jobs ran.</summary>
    public static IReadOnlyList<MinuteSamples> MinuteSamples(IReadOnlyList<DemoJob> jobs, IReadOnlyList<Node> nodes, DateTimeOffset from, DateTimeOffset to)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        var running = jobs.Where(j => j.Allocation.Start < to && j.End > from).ToList();
        var minutes = new List<MinuteSamples>();
        var snapshot = ClusterSnapshot.Empty with { Nodes = [.. nodes] };
        for (var minute = from; minute < to; minute = minute.AddMinutes(1))
        {
            var now = running.Where(j => j.Allocation.Start <= minute && j.End > minute).Select(j => new RunningJob(j.Job, j.Allocation, false)).ToImmutableArray();
            if (now.IsEmpty)
            {
                continue;
            }

            minutes.Add(UtilisationSampling.Sample(snapshot with { Running = now }, minute, NoGpuReadings.None));
        }

        return minutes;
    }

    private static readonly string[] JobNames = ["train", "finetune", "eval", "sweep", "pretrain", "distill", "embed", "ablation"];

    private static void Add(Dictionary<(string, string, DateTimeOffset), UtilisationRollup> rows, (string, string, DateTimeOffset) key, UtilisationRollup row)
    {
        ref var slot = ref CollectionsMarshal.GetValueRefOrAddDefault(rows, key, out var exists);
        slot = !exists ? row : slot! with
        {
            GpuMinutes = slot.GpuMinutes + row.GpuMinutes,
            CpuMillicoreMinutes = slot.CpuMillicoreMinutes + row.CpuMillicoreMinutes,
            MemoryMiBMinutes = slot.MemoryMiBMinutes + row.MemoryMiBMinutes,
            MeasuredGpuMinutes = slot.MeasuredGpuMinutes + row.MeasuredGpuMinutes,
            UsedGpuMinutes = slot.UsedGpuMinutes + row.UsedGpuMinutes,
            GpuMemoryUsedMiBMinutes = slot.GpuMemoryUsedMiBMinutes + row.GpuMemoryUsedMiBMinutes,
        };
    }

    private static (int Node, DateTimeOffset Start, int[] Indices) Place(IReadOnlyList<Node> nodes, DateTimeOffset[][] freeAt, int gpus, DateTimeOffset submitted)
    {
        var best = (Node: -1, Start: DateTimeOffset.MaxValue, Indices: Array.Empty<int>());
        for (var n = 0; n < nodes.Count; n++)
        {
            if (freeAt[n].Length < gpus)
            {
                continue;
            }

            var order = Enumerable.Range(0, freeAt[n].Length).OrderBy(i => freeAt[n][i]).ThenBy(i => i).Take(gpus).ToArray();
            var startAt = freeAt[n][order[^1]] > submitted ? freeAt[n][order[^1]] : submitted;
            if (startAt < best.Start)
            {
                best = (n, startAt, order.Order().ToArray());
            }
        }

        return best;
    }

    private static (string Team, string User) Pick(Random random, double weights)
    {
        var x = random.NextDouble() * weights;
        foreach (var (team, weight, users) in Teams)
        {
            if ((x -= weight) < 0)
            {
                return (team, users[random.Next(users.Length)]);
            }
        }

        var last = Teams[^1];
        return (last.Team, last.Users[0]);
    }

    private static int Poisson(Random random, double mean)
    {
        var limit = Math.Exp(-mean);
        var count = 0;
        for (var p = random.NextDouble(); p > limit; p *= random.NextDouble())
        {
            count++;
        }

        return count;
    }
}

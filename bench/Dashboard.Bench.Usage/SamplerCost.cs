using System.Collections.Immutable;
using System.Diagnostics;
using Dashboard.Data;
using Dashboard.Data.UsageHistory;
using Dashboard.Engine.Usage;
using Dashboard.Scheduling.Accounting;
using Dashboard.Scheduling.Model;

namespace Dashboard.Bench.Usage;

/// <summary>
/// The sampler's work per minute with 1,000 nodes of 8 GPUs, every GPU held (a mix of 1-, 2-, 4- and 8-GPU jobs of
/// 200 users in 20 teams): half the nodes simulated, half real with a measured reading for each GPU. Timed
/// separately: building the minute's samples from the snapshot (pure), and writing them (one transaction).
/// </summary>
internal static class SamplerCost
{
    private static readonly int[] JobSizes = [1, 2, 4, 8];

    public static void Run(Database database, DateTimeOffset now, int repeats)
    {
        var random = new Random(9);
        var nodes = Enumerable.Range(0, 1_000).Select(n => new Node($"big-{n:D4}", [.. Enumerable.Range(0, 8).Select(i => new Gpu(i, "H100", 81_920))], 128_000, 1024 * 1024, Simulated: n % 2 == 0)).ToImmutableArray();
        var running = ImmutableArray.CreateBuilder<RunningJob>();
        var measured = new Dictionary<(string, int), GpuReading>();
        foreach (var node in nodes)
        {
            var next = 0;
            while (next < 8)
            {
                var gpus = Math.Min(JobSizes[random.Next(JobSizes.Length)], 8 - next);
                var id = new JobId(running.Count + 1_000_000);
                var team = random.Next(20);
                var spec = new JobSpec("j", YearOfHistory.User(team, random.Next(10)), YearOfHistory.Team(team), "x", new ResourceRequest(gpus, 8_000, 65_536));
                running.Add(new RunningJob(new Job(id, spec, now.AddHours(-2)), new GpuAllocation(id, node.Name, [.. Enumerable.Range(next, gpus)], gpus * 8_000L, gpus * 65_536L, now.AddHours(-1), null), false));
                next += gpus;
            }

            if (!node.Simulated)
            {
                for (var i = 0; i < 8; i++)
                {
                    measured[(node.Name, i)] = new GpuReading(random.Next(101), random.Next(81_920));
                }
            }
        }

        var snapshot = ClusterSnapshot.Empty with { Nodes = nodes, Running = running.ToImmutable() };
        var store = new UsageHistoryStore(database);
        var sample = new List<double>();
        var write = new List<double>();
        var minute = UsageSplit.AlignDown(now, TimeSpan.FromMinutes(1)).AddDays(1);
        MinuteSamples? last = null;
        for (var i = 0; i < repeats; i++)
        {
            var watch = Stopwatch.StartNew();
            last = UtilisationSampling.Sample(snapshot, minute.AddMinutes(i), measured);
            sample.Add(watch.Elapsed.TotalMilliseconds);
            watch.Restart();
            store.WriteSamples(last);
            write.Add(watch.Elapsed.TotalMilliseconds);
        }

        Console.WriteLine($"sampler per minute, 1,000 nodes x 8 GPUs, {snapshot.Running.Length:N0} running jobs -> {last!.Teams.Count} team rows + {last.Members.Count} member rows:");
        Console.WriteLine($"  build samples from the snapshot: {Describe(sample)}");
        Console.WriteLine($"  write them (one transaction, synchronous=NORMAL): {Describe(write)}");
        var rollup = Stopwatch.StartNew();
        store.RollUp(minute.AddHours(3));
        Console.WriteLine($"  hourly roll-up of those {repeats} minutes into hour and day rows: {rollup.Elapsed.TotalMilliseconds:N1} ms");
    }

    private static string Describe(List<double> times)
    {
        var sorted = times.Order().ToList();
        return $"median {sorted[sorted.Count / 2]:N2} ms, p99 {sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(sorted.Count * 0.99) - 1)]:N2} ms (n={sorted.Count})";
    }
}

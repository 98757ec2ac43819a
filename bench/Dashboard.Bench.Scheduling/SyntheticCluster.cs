using System.Collections.Immutable;
using System.Globalization;
using Dashboard.Scheduling.Model;

namespace Dashboard.Bench.Scheduling;

/// <summary>The shape of the issue-2 scenario; every number that decides the figures is here.</summary>
public sealed record ScenarioShape(
    int Nodes = 1_000,
    int GpusPerNode = 8,
    int CoresPerNode = 64,
    int MemoryGiBPerNode = 512,
    int Teams = 50,
    int PendingJobs = 100_000,
    double BorrowingShare = 0.5,
    double WithoutWalltimeShare = 0.0,
    int Seed = 20_260_101);

/// <summary>
/// Builds a deterministic cluster snapshot: identical nodes, teams whose nominal quotas add up to the cluster (each
/// may borrow half as much again), uneven team backlogs, past usage for fair share, and pending jobs of 1/2/4/8
/// GPUs with proportional CPU and memory, walltimes and a few priorities. Same seed, same snapshot.
/// Every job has a walltime by default: a job without one never ends in the start estimator's simulation, and
/// once such jobs fill the simulated cluster every later job gets no estimate (cheaply), which would flatter figure (b).
/// </summary>
public static class SyntheticCluster
{
    public const string GpuModel = "A100-80GB";

    /// <summary>The fixed "now" of every pass; jobs were submitted during the week before it.</summary>
    public static readonly DateTimeOffset Now = new(2026, 1, 5, 12, 0, 0, TimeSpan.Zero);

    private static readonly int[] GpuSizes = [1, 2, 4, 8];
    private static readonly double[] GpuSizeShares = [0.40, 0.25, 0.20, 0.15];
    private static readonly int[] CoresPerGpu = [4, 6, 8];
    private static readonly int[] MemoryGiBPerGpu = [32, 48, 64];
    private static readonly int[] WalltimeHours = [1, 2, 4, 8, 12, 24, 48, 72];

    public static ClusterSnapshot Build(ScenarioShape shape, SchedulerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var random = new Random(shape.Seed);
        var nodes = Nodes(shape);
        var teams = Enumerable.Range(0, shape.Teams).Select(t => $"team-{t:D2}").ToArray();
        var quotas = Quotas(shape, teams, random);
        var usage = Usage(quotas, random);
        var jobs = Jobs(shape, teams, random);
        return new ClusterSnapshot(nodes, quotas, PendingQueue.From(jobs), [], usage, settings);
    }

    private static ImmutableArray<Node> Nodes(ScenarioShape shape)
    {
        var gpus = Enumerable.Range(0, shape.GpusPerNode).Select(i => new Gpu(i, GpuModel, 80 * 1024)).ToImmutableArray();
        return [.. Enumerable.Range(0, shape.Nodes).Select(n => new Node(
            $"node-{n:D4}",
            gpus,
            shape.CoresPerNode * Units.MillicoresPerCore,
            shape.MemoryGiBPerNode * Units.MiBPerGiB))];
    }

    /// <summary>Nominal GPUs split by random weights (each team at least 16), adding up to the cluster's GPUs.</summary>
    private static ImmutableArray<TeamQuota> Quotas(ScenarioShape shape, string[] teams, Random random)
    {
        var totalGpus = shape.Nodes * shape.GpusPerNode;
        var weights = teams.Select(_ => 1 + (random.NextDouble() * 4)).ToArray();
        var floor = Math.Min(16, totalGpus / teams.Length);
        var spare = totalGpus - (floor * teams.Length);
        var nominal = weights.Select(w => floor + (int)(spare * w / weights.Sum())).ToArray();
        nominal[^1] += totalGpus - nominal.Sum();
        var coresPerGpu = shape.CoresPerNode / shape.GpusPerNode;
        var memoryGiBPerGpu = shape.MemoryGiBPerNode / shape.GpusPerNode;
        var average = totalGpus / (double)teams.Length;

        return [.. teams.Select((team, t) =>
        {
            var gpus = nominal[t];
            var borrow = (int)Math.Ceiling(gpus * shape.BorrowingShare);
            return new TeamQuota(
                team,
                Amount(gpus, coresPerGpu, memoryGiBPerGpu),
                Amount(borrow, coresPerGpu, memoryGiBPerGpu),
                FairShareWeight: gpus / average);
        })];
    }

    private static ResourceAmount Amount(int gpus, int coresPerGpu, int memoryGiBPerGpu) =>
        new(gpus, gpus * coresPerGpu * Units.MillicoresPerCore, gpus * memoryGiBPerGpu * Units.MiBPerGiB);

    /// <summary>Up to three days of each team's nominal GPUs, decayed as of an hour ago: fair share has something to order by.</summary>
    private static ImmutableArray<TeamUsage> Usage(ImmutableArray<TeamQuota> quotas, Random random) =>
        [.. quotas.Select(q =>
        {
            var gpuSeconds = random.NextDouble() * q.Nominal.Gpus * 3 * 86_400;
            return new TeamUsage(q.Team, gpuSeconds, gpuSeconds * 8, Now.AddHours(-1));
        })];

    private static List<Job> Jobs(ScenarioShape shape, string[] teams, Random random)
    {
        var jobs = new List<Job>(shape.PendingJobs);
        for (var i = 1; i <= shape.PendingJobs; i++)
        {
            // Uneven backlogs: low-numbered teams submit far more than high-numbered ones.
            var team = teams[(int)(teams.Length * Math.Pow(random.NextDouble(), 1.6))];
            var gpus = Pick(GpuSizes, GpuSizeShares, random);
            var cores = gpus * CoresPerGpu[random.Next(CoresPerGpu.Length)];
            var memoryGiB = gpus * MemoryGiBPerGpu[random.Next(MemoryGiBPerGpu.Length)];
            TimeSpan? walltime = random.NextDouble() < shape.WithoutWalltimeShare ? null : TimeSpan.FromHours(WalltimeHours[random.Next(WalltimeHours.Length)]);
            var roll = random.NextDouble();
            var priority = roll < 0.05 ? 100 : roll < 0.15 ? 10 : 0;
            var submitted = Now.AddSeconds(-random.Next(7 * 86_400));
            var name = string.Create(CultureInfo.InvariantCulture, $"train-{i}");
            var spec = new JobSpec(
                name,
                Owner: $"{team}-user-{random.Next(8)}",
                Team: team,
                Command: "python train.py",
                Request: new ResourceRequest(gpus, cores * Units.MillicoresPerCore, memoryGiB * Units.MiBPerGiB),
                Walltime: walltime,
                Priority: priority);
            jobs.Add(new Job(new JobId(i), spec, submitted));
        }

        return jobs;
    }

    private static int Pick(int[] values, double[] shares, Random random)
    {
        var roll = random.NextDouble();
        for (var i = 0; i < values.Length - 1; i++)
        {
            roll -= shares[i];
            if (roll < 0)
            {
                return values[i];
            }
        }

        return values[^1];
    }
}

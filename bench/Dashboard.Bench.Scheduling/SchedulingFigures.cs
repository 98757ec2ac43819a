using System.Diagnostics;
using System.Globalization;
using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;

namespace Dashboard.Bench.Scheduling;

/// <summary>How many timed runs each figure takes; <see cref="Quick"/> is a smoke run, not a measurement.</summary>
/// Warm-up runs <see cref="Warmup"/> times and at least <see cref="WarmupTime"/>, so tiered JIT has promoted the hot
/// code (a running engine is always warm). <see cref="Budget"/> caps the timed runs of one figure, so a slow engine
/// still finishes in minutes (with fewer samples, never fewer than five).
public sealed record Repetitions(
    int Warmup,
    TimeSpan WarmupTime,
    int EmptyPasses,
    int FullPasses,
    int SingleReleases,
    TimeSpan SustainedFor,
    int ReleasesPerCycle,
    TimeSpan Budget)
{
    public static Repetitions Standard { get; } = new(5, TimeSpan.FromSeconds(1), 300, 100, 2_000, TimeSpan.FromSeconds(3), 100, TimeSpan.FromSeconds(20));

    public static Repetitions Quick { get; } = new(1, TimeSpan.Zero, 10, 3, 50, TimeSpan.FromSeconds(0.3), 100, TimeSpan.FromSeconds(2));

    public bool StillWarming(int done, Stopwatch since) => done < Warmup || since.Elapsed < WarmupTime;
}

/// <summary>The four issue-2 figures of <see cref="Scheduler.Plan"/> on the synthetic cluster.</summary>
public sealed class SchedulingFigures(ScenarioShape shape, Repetitions repetitions, TextWriter log, string only = "abcd")
{
    private static readonly TimeSpan HalfLife = TimeSpan.FromHours(168);
    private static readonly SchedulerSettings Decide = new(HalfLife, BackfillDepth: 0, ExplainAllPending: false);
    private static readonly SchedulerSettings DecideAndExplain = new(HalfLife, BackfillDepth: 100, ExplainAllPending: true);

    private readonly DateTimeOffset now = SyntheticCluster.Now;

    public IReadOnlyList<Figure> Run()
    {
        var built = Stopwatch.StartNew();
        var empty = SyntheticCluster.Build(shape, Decide);
        Log($"scenario: {empty.Nodes.Length:N0} nodes x {shape.GpusPerNode} GPUs ({empty.Nodes.Sum(n => n.Gpus.Length):N0} GPUs), " +
            $"{empty.Quotas.Length} teams, {empty.Pending.Count:N0} pending jobs, seed {shape.Seed}; built in {built.Elapsed.TotalSeconds:0.0} s");

        var figures = new List<Figure>();
        var (emptyFigure, firstPlan) = EmptyCluster(empty, measure: only.Contains('a', StringComparison.Ordinal));
        if (emptyFigure is not null)
        {
            figures.Add(emptyFigure);
        }

        var full = ClusterTransitions.ApplyPlan(empty, firstPlan);
        var gpusInUse = full.Running.Sum(r => r.Allocation.GpuIndices.Length);
        Log($"full cluster: {full.Running.Length:N0} running jobs on {gpusInUse:N0} of {full.Nodes.Sum(n => n.Gpus.Length):N0} GPUs, {full.Pending.Count:N0} pending");
        RequireSound(full, "after the first plan");

        if (only.Contains('b', StringComparison.Ordinal))
        {
            figures.Add(FullClusterExplained(full with { Settings = DecideAndExplain }));
        }

        if (only.Contains('c', StringComparison.Ordinal))
        {
            figures.Add(OneJobEnds(full));
        }

        if (only.Contains('d', StringComparison.Ordinal))
        {
            figures.Add(Sustained(full));
        }

        return figures;
    }

    /// <summary>(a) priority + quota + fair share + placement on an empty cluster, no backfill, no explanations.</summary>
    private (Figure? Figure, SchedulePlan Plan) EmptyCluster(ClusterSnapshot empty, bool measure)
    {
        var cold = Stopwatch.StartNew();
        var plan = Scheduler.Plan(empty, now);
        Log($"(a) first pass (cold: JIT and per-team queue arrays built): {cold.Elapsed.TotalMilliseconds:0.0} ms, {plan.Starts.Length:N0} starts");
        if (!measure)
        {
            return (null, plan);
        }

        var samples = Repeat(repetitions.EmptyPasses, () => Scheduler.Plan(empty, now), p => p.Starts.Length == plan.Starts.Length);
        return (Figure.Latency("(a) pass, empty cluster", samples, 5), plan);
    }

    /// <summary>(b) a full cluster: reservations for the top 100 blocked jobs and an estimated start for every pending job.</summary>
    private Figure FullClusterExplained(ClusterSnapshot full)
    {
        var plan = Scheduler.Plan(full, now);
        var reservations = plan.Pending.Count(p => p.Reservation is not null);
        var estimated = plan.Pending.Count(p => p.EstimatedStart is not null);
        Log($"(b) one pass: {plan.Starts.Length} starts, {plan.Pending.Length:N0} explained, {reservations} reservations, {estimated:N0} with an estimated start");

        var samples = Repeat(repetitions.FullPasses, () => Scheduler.Plan(full, now), p => p.Pending.Length == plan.Pending.Length);
        return Figure.Latency("(b) pass, full cluster, backfill + estimates", samples, 50);
    }

    /// <summary>(c) one running job ends on the full cluster: Release, then a deciding pass.</summary>
    private Figure OneJobEnds(ClusterSnapshot full)
    {
        var releases = new Samples();
        var plans = new Samples();
        var both = new Samples();
        var started = 0;
        var turn = 0;

        // Each decision releases a different running job (a fixed stride through them) from the same full cluster.
        (TimeSpan Release, TimeSpan Plan, int Starts) Decide()
        {
            var victim = full.Running[(int)((uint)turn++ * 7_919u % (uint)full.Running.Length)];
            var begin = Stopwatch.GetTimestamp();
            var released = ClusterTransitions.Release(full, victim.Job.Id, now);
            var afterRelease = Stopwatch.GetTimestamp();
            var plan = Scheduler.Plan(released, now);
            var end = Stopwatch.GetTimestamp();
            return (Stopwatch.GetElapsedTime(begin, afterRelease), Stopwatch.GetElapsedTime(afterRelease, end), plan.Starts.Length);
        }

        var warming = Stopwatch.StartNew();
        for (var i = 0; repetitions.StillWarming(i, warming); i++)
        {
            Decide();
        }

        var budget = Stopwatch.StartNew();
        for (var i = 0; i < repetitions.SingleReleases && (i < 5 || budget.Elapsed < repetitions.Budget); i++)
        {
            var (release, plan, starts) = Decide();
            releases.Add(release);
            plans.Add(plan);
            both.Add(release + plan);
            started += starts;
        }

        Log(Invariant($"(c) split: Release median {releases.Median:0.000} ms p99 {releases.P99:0.000} ms; Plan median {plans.Median:0.000} ms p99 {plans.P99:0.000} ms; {started / (double)both.Count:0.00} starts per decision"));
        return Figure.Latency("(c) one job ends: Release + pass", both, 1);
    }

    /// <summary>(d) on one thread, repeatedly: k running jobs end, a deciding pass, its starts applied.</summary>
    private Figure Sustained(ClusterSnapshot full)
    {
        var k = repetitions.ReleasesPerCycle;
        var releases = new Samples();
        var plans = new Samples();
        var applies = new Samples();

        // One cycle: the k longest-running jobs end, a pass decides, its starts are applied. Returns the placements.
        int Cycle(ref ClusterSnapshot state)
        {
            var current = state;
            var ending = current.Running.Take(k).Select(r => r.Job.Id).ToList();
            current = releases.Time(() => ending.Aggregate(current, (s, id) => ClusterTransitions.Release(s, id, now)));
            var plan = plans.Time(() => Scheduler.Plan(current, now));
            state = applies.Time(() => ClusterTransitions.ApplyPlan(current, plan));
            return plan.Starts.Length;
        }

        bool CanGoOn(ClusterSnapshot state) => state.Pending.Count > 10 * k && state.Running.Length > k;

        var warming = Stopwatch.StartNew();
        var warmState = full;
        for (var i = 0; repetitions.StillWarming(i, warming) && CanGoOn(warmState); i++)
        {
            Cycle(ref warmState);
        }

        releases = new Samples();
        plans = new Samples();
        applies = new Samples();
        var state = full;
        var placements = 0;
        var cycles = 0;
        var cpu = ProcessCpu();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < repetitions.SustainedFor && CanGoOn(state))
        {
            placements += Cycle(ref state);
            cycles++;
        }

        var elapsed = clock.Elapsed;
        var cpuSpent = ProcessCpu() - cpu;
        RequireSound(state, "after the sustained run");
        var perSecond = placements / elapsed.TotalSeconds;
        var total = releases.Total + plans.Total + applies.Total;
        Log(Invariant($"(d) {cycles} cycles of {k} releases in {elapsed.TotalSeconds:0.00} s: {placements:N0} placements; time in Release {100 * releases.Total / total:0}%, Plan {100 * plans.Total / total:0}%, ApplyPlan {100 * applies.Total / total:0}%"));
        Log(Invariant($"(d) process CPU time {cpuSpent.TotalSeconds:0.00} s for {elapsed.TotalSeconds:0.00} s of wall time: {placements / cpuSpent.TotalSeconds:N0} placements per CPU second"));
        Log(Invariant($"(d) per cycle: Release x{k} median {releases.Median:0.00} ms, Plan median {plans.Median:0.00} ms, ApplyPlan median {applies.Median:0.00} ms"));
        return Figure.Throughput("(d) sustained placements, one thread", perSecond, Invariant($"release {k}, pass, apply; {cycles} cycles"), 50_000);
    }

    private Samples Repeat(int count, Func<SchedulePlan> pass, Func<SchedulePlan, bool> sameAsFirst)
    {
        var warming = Stopwatch.StartNew();
        for (var i = 0; repetitions.StillWarming(i, warming); i++)
        {
            pass();
        }

        var samples = new Samples();
        var collections = (GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2));
        var cpu = ProcessCpu();
        var allocated = GC.GetAllocatedBytesForCurrentThread();
        var budget = Stopwatch.StartNew();
        for (var i = 0; i < count && (i < 5 || budget.Elapsed < repetitions.Budget); i++)
        {
            var plan = samples.Time(pass);
            if (!sameAsFirst(plan))
            {
                throw new InvalidOperationException("The same snapshot gave a different plan: the scheduler is not deterministic.");
            }
        }

        var cpuPerPass = (ProcessCpu() - cpu).TotalMilliseconds / samples.Count;
        var allocatedPerPass = (GC.GetAllocatedBytesForCurrentThread() - allocated) / samples.Count;
        Log(Invariant($"    {samples.Count} timed passes, max {samples.Max:0.000} ms, mean {samples.Total / samples.Count:0.000} ms; process CPU time per pass {cpuPerPass:0.000} ms (all threads, GC included: less sensitive to other load than wall time); garbage collections meanwhile: gen0 {GC.CollectionCount(0) - collections.Item1}, gen1 {GC.CollectionCount(1) - collections.Item2}, gen2 {GC.CollectionCount(2) - collections.Item3}; allocated per pass {allocatedPerPass / 1024.0:#,0} KiB"));

        return samples;
    }

    private static void RequireSound(ClusterSnapshot snapshot, string when)
    {
        var violations = SnapshotInvariants.Violations(snapshot);
        if (violations.Count > 0)
        {
            throw new InvalidOperationException($"The cluster broke its invariants {when}: {string.Join("; ", violations.Take(5))}");
        }
    }

    private static TimeSpan ProcessCpu()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }

    private void Log(string line) => log.WriteLine(line);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

using System.Diagnostics;
using System.Globalization;
using Dashboard.Bench.Scheduling;
using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;

namespace Dashboard.Bench.Engine;

/// <summary>
/// <c>--whatif</c>: what one answer of the submit form's what-if costs (issue 19) on the synthetic 1,000-node cluster,
/// every GPU taken and ~100,000 jobs waiting: <see cref="WhatIf.Evaluate"/> timed in-process for a mix of specs (1, 4
/// and 8 GPUs; teams high and low in the fair-share order; owners; 1-hour, 24-hour and no walltimes; a high priority),
/// beside the answer read from a full plan (submit, <see cref="Scheduler.Plan"/> explaining every job, then
/// <see cref="WhatIf.OutcomeOf"/>: what the what-if did before), the two alternately. Wall time and the thread's CPU
/// time (median, p95, p99 over every evaluation), memory allocated, and each spec's median beside its answer; the
/// run stops if the two ever answer differently.
/// </summary>
internal static class WhatIfCost
{
    public static void Run(TextWriter output, int rounds)
    {
        var halfLife = TimeSpan.FromHours(168);
        var now = SyntheticCluster.Now;
        var empty = SyntheticCluster.Build(new ScenarioShape(), new SchedulerSettings(halfLife, BackfillDepth: 0, ExplainAllPending: false));
        var full = ClusterTransitions.ApplyPlan(empty, Scheduler.Plan(empty, now)) with { Settings = new SchedulerSettings(halfLife, BackfillDepth: 100, ExplainAllPending: false) };
        var specs = Specs();
        output.WriteLine($"what-if : {full.Nodes.Length:N0} nodes, {full.Running.Length:N0} running, {full.Pending.Count:N0} waiting; {specs.Length} specs x {rounds} rounds after 2 warm-up rounds, each answer fast and from a full plan alternately");

        var answers = new string[specs.Length];
        for (var round = 0; round < 2; round++)
        {
            for (var s = 0; s < specs.Length; s++)
            {
                answers[s] = WhatIf.Evaluate(full, specs[s], now).Describe();
                _ = FromFullPlan(full, specs[s], now);
            }
        }

        var fast = new Timings(specs.Length);
        var reference = new Timings(specs.Length);
        for (var round = 0; round < rounds; round++)
        {
            for (var s = 0; s < specs.Length; s++)
            {
                var spec = specs[s];
                var answer = fast.Time(s, () => WhatIf.Evaluate(full, spec, now));
                var expected = reference.Time(s, () => FromFullPlan(full, spec, now));
                if (!answer.Equals(expected) || answer.Describe() != answers[s])
                {
                    throw new InvalidOperationException($"spec {s}: the what-if answered \"{answer.Describe()}\", the full plan \"{expected.Describe()}\"");
                }
            }
        }

        for (var s = 0; s < specs.Length; s++)
        {
            var spec = specs[s];
            var walltime = spec.Walltime is { } w ? string.Create(CultureInfo.InvariantCulture, $"{w.TotalHours:0}h") : "none";
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {spec.Request.Gpus} GPU, {spec.Team}, walltime {walltime,-4}, priority {spec.Priority,3}: median {fast.BySpec[s].Median,6:0.0} ms (full plan {reference.BySpec[s].Median,6:0.0} ms)  {answers[s]}"));
        }

        output.WriteLine($"what-if   : {fast.Describe()}");
        output.WriteLine($"full plan : {reference.Describe()}");
        output.WriteLine(MachineDescription.Load());
    }

    /// <summary>The answer as the what-if read it before issue 19's rework: from a full plan that explains every pending job.</summary>
    private static WhatIfOutcome FromFullPlan(ClusterSnapshot snapshot, JobSpec spec, DateTimeOffset now)
    {
        var job = new Job(WhatIf.NextId(snapshot), spec, now);
        var hypothetical = ClusterTransitions.Submit(snapshot, job) with { Settings = snapshot.Settings with { ExplainAllPending = true } };
        return WhatIf.OutcomeOf(Scheduler.Plan(hypothetical, now), job.Id);
    }

    /// <summary>1, 4 and 8 GPUs for teams at both ends of the fair-share order, short, long and open walltimes, one high priority.</summary>
    private static JobSpec[] Specs()
    {
        var specs = new List<JobSpec>();
        string[] teams = ["team-00", "team-07", "team-25", "team-49"];
        int[] gpus = [1, 4, 8];
        TimeSpan?[] walltimes = [TimeSpan.FromHours(1), TimeSpan.FromHours(24), null];
        var n = 0;
        foreach (var team in teams)
        {
            foreach (var g in gpus)
            {
                var walltime = walltimes[n % walltimes.Length];
                specs.Add(new JobSpec($"what-if-{n}", $"{team}-user-{n % 8}", team, "python train.py", new ResourceRequest(g, g * 8 * 1000, g * 64 * 1024), Walltime: walltime));
                n++;
            }
        }

        specs.Add(new JobSpec("what-if-urgent", "team-25-user-1", "team-25", "python train.py", new ResourceRequest(4, 32_000, 256 * 1024), Walltime: TimeSpan.FromHours(2), Priority: 100));
        return [.. specs];
    }

    /// <summary>Wall and CPU time of one way of answering, all evaluations and by spec, with the bytes it allocated.</summary>
    private sealed class Timings(int specs)
    {
        private readonly Samples wall = new();
        private readonly Samples cpu = new();
        private long allocated;

        public Samples[] BySpec { get; } = [.. Enumerable.Range(0, specs).Select(_ => new Samples())];

        public WhatIfOutcome Time(int spec, Func<WhatIfOutcome> evaluate)
        {
            var bytes = GC.GetAllocatedBytesForCurrentThread();
            var cpuBefore = ThreadCpuTime.Now();
            var started = Stopwatch.GetTimestamp();
            var answer = evaluate();
            var elapsed = Stopwatch.GetElapsedTime(started);
            cpu.Add(ThreadCpuTime.Now() - cpuBefore);
            allocated += GC.GetAllocatedBytesForCurrentThread() - bytes;
            wall.Add(elapsed);
            BySpec[spec].Add(elapsed);
            return answer;
        }

        public string Describe() => string.Create(
            CultureInfo.InvariantCulture,
            $"{wall.Count} evaluations: wall median {wall.Median:0.0} ms, p95 {wall.Percentile(95):0.0} ms, p99 {wall.P99:0.0} ms; thread CPU median {cpu.Median:0.0} ms, p95 {cpu.Percentile(95):0.0} ms, p99 {cpu.P99:0.0} ms; {allocated / (double)wall.Count / (1024 * 1024):0.00} MB allocated each");
    }
}

/// <summary>The calling thread's CPU time (Linux <c>CLOCK_THREAD_CPUTIME_ID</c>): what an evaluation cost, less the time other processes took the core.</summary>
internal static partial class ThreadCpuTime
{
    private const int ClockThreadCpuTimeId = 3;

    public static TimeSpan Now() =>
        clock_gettime(ClockThreadCpuTimeId, out var time) == 0 ? TimeSpan.FromTicks((time.Seconds * TimeSpan.TicksPerSecond) + (time.Nanoseconds / 100)) : TimeSpan.Zero;

    [System.Runtime.InteropServices.LibraryImport("libc")]
    private static partial int clock_gettime(int clock, out TimeSpec time);

    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }
}

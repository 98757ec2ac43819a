using System.Collections.Immutable;
using System.Diagnostics;
using Dashboard.Bench.Scheduling;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Elastic;
using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;

namespace Dashboard.Bench.Engine;

/// <summary>
/// <c>--explainer</c>: what one computation of the waiting jobs' explanations costs (the work behind an explanation's
/// age, issue 19) on the synthetic 1,000-node cluster, every GPU taken and ~100,000 jobs waiting: the explainer's
/// whole <c>Explain</c> (eligibility, a pass that explains every waiting job, the lookup by job published beside the
/// state), timed in-process, median and p95 over the samples.
/// </summary>
internal static class ExplainerCost
{
    public static void Run(TextWriter output, int samples)
    {
        var halfLife = TimeSpan.FromHours(168);
        var now = SyntheticCluster.Now;
        var empty = SyntheticCluster.Build(new ScenarioShape(), new SchedulerSettings(halfLife, BackfillDepth: 0, ExplainAllPending: false));
        var full = ClusterTransitions.ApplyPlan(empty, Scheduler.Plan(empty, now)) with { Settings = new SchedulerSettings(halfLife, BackfillDepth: 100, ExplainAllPending: false) };
        var request = new ExplanationRequest(1, now, full, ImmutableArray<ProvisioningWait>.Empty);
        output.WriteLine($"explainer: {full.Nodes.Length:N0} nodes, {full.Running.Length:N0} running, {full.Pending.Count:N0} waiting; {samples} computations after 2 warm-ups");
        var explained = 0;
        for (var i = 0; i < 2; i++)
        {
            explained = WaitingExplainer.Explain(request).ByJob.Count;
        }

        var times = new List<double>(samples);
        for (var i = 0; i < samples; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var set = WaitingExplainer.Explain(request);
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            if (set.ByJob.Count != explained)
            {
                throw new InvalidOperationException($"computation {i} explained {set.ByJob.Count} jobs, the first {explained}");
            }
        }

        times.Sort();
        double At(double q) => times[Math.Min(times.Count - 1, (int)Math.Ceiling(q * times.Count) - 1)];
        output.WriteLine($"explainer: {explained:N0} explained; one computation median {At(0.5):N0} ms, p95 {At(0.95):N0} ms, max {times[^1]:N0} ms");
        output.WriteLine(MachineDescription.Load());
    }
}

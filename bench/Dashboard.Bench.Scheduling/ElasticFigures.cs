using System.Diagnostics;
using Dashboard.Scheduling.Elastic;
using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;

namespace Dashboard.Bench.Scheduling;

/// <summary>
/// What the elastic pools' decision costs the engine after a pass: <see cref="ScalePlanner.Decide"/> on the issue-2
/// scenario (1,000 nodes x 8 GPUs, 100,000 pending jobs; the plan's starts count as running, every waiting job is
/// explained), with one pool of the scenario's node shape that may add 100 nodes.
/// </summary>
public sealed class ElasticFigures(TextWriter output, int runs)
{
    public void Run()
    {
        var shape = new ScenarioShape();
        var snapshot = SyntheticCluster.Build(shape, SchedulerSettings.Default);
        var pool = new ElasticPool(
            "burst",
            new ElasticNodeShape(shape.GpusPerNode, SyntheticCluster.GpuModel, 80 * 1024, shape.CoresPerNode * Units.MillicoresPerCore, shape.MemoryGiBPerNode * Units.MiBPerGiB),
            0, 100, TimeSpan.Zero, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(2));
        snapshot = snapshot with { ElasticNodeShapes = ElasticPool.PotentialNodes([pool]) };
        var watch = Stopwatch.StartNew();
        var plan = Scheduler.Plan(snapshot, SyntheticCluster.Now);
        output.WriteLine($"elastic: plan for the scenario in {watch.Elapsed.TotalSeconds:0.0} s: {plan.Starts.Length} starts, {plan.Pending.Length} waiting, {plan.Pending.Count(p => p.Reason.Cause == PendingCause.WaitingForCapacity)} for capacity");

        ScaleDecision? decision = null;
        var samples = new Samples();
        decision = ScalePlanner.Decide(snapshot, plan, [pool], ScaleHistory.Empty, SyntheticCluster.Now);
        for (var i = 0; i < runs; i++)
        {
            decision = samples.Time(() => ScalePlanner.Decide(snapshot, plan, [pool], ScaleHistory.Empty, SyntheticCluster.Now));
        }

        output.WriteLine($"elastic: ScalePlanner.Decide x {samples.Count}: median {samples.Median:0.0} ms, p99 {samples.P99:0.0} ms, max {samples.Max:0.0} ms");
        var head = plan with { Pending = [.. plan.Pending.Take(300)] };
        var floor = new Samples();
        for (var i = 0; i < runs; i++)
        {
            floor.Time(() => ScalePlanner.Decide(snapshot, head, [pool], ScaleHistory.Empty, SyntheticCluster.Now));
        }

        output.WriteLine($"elastic: the same with only the first 300 waiting jobs explained: median {floor.Median:0.0} ms, p99 {floor.P99:0.0} ms");
        output.WriteLine($"elastic: decision: {string.Join("; ", decision!.ScaleUps.Select(s => $"{s.Pool} +{s.Count} ({s.Reason})"))}, {decision.Waits.Length} jobs waiting on provisioning");
    }
}

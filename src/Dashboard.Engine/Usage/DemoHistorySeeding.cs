using System.Diagnostics;
using Dashboard.Data.Usage;
using Dashboard.Data.UsageHistory;
using Dashboard.Data.Writing;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Accounting;
using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;
using Microsoft.Extensions.Logging;

namespace Dashboard.Engine.Usage;

/// <summary>
/// Wraps the engine's state source: on a start whose database has no history at all (no job, sample or roll-up),
/// first writes <see cref="DemoHistory"/> (finished jobs on the demo nodes through the cluster writer, in one
/// transaction; hour roll-ups for all but the last day and per-minute samples for the last day), then loads. It runs
/// before the engine recovers, so the engine sees the history's jobs (and numbers new jobs after them).
/// </summary>
public sealed partial class DemoHistorySeeding(
    IClusterStateSource inner,
    ClusterWriter writer,
    UsageHistoryStore store,
    IReadOnlyList<Node> demoNodes,
    int days,
    TimeProvider time,
    ILogger<DemoHistorySeeding> logger) : IClusterStateSource
{
    public Task<RecoveredState> LoadAsync(CancellationToken cancellationToken)
    {
        if (days > 0 && demoNodes.Count > 0 && !store.HasHistory())
        {
            var watch = Stopwatch.StartNew();
            var jobs = Seed(writer, store, demoNodes, days, time.GetUtcNow());
            LogSeeded(logger, days, jobs, watch.ElapsedMilliseconds);
        }

        return inner.LoadAsync(cancellationToken);
    }

    /// <summary>Writes the demo history ending at <paramref name="now"/>; returns the number of jobs.</summary>
    public static int Seed(ClusterWriter writer, UsageHistoryStore store, IReadOnlyList<Node> nodes, int days, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(store);
        var jobs = DemoHistory.Jobs(nodes, now, days);
        var changes = new List<ClusterChange>(nodes.Count + (jobs.Count * 6));
        changes.AddRange(nodes.Select(n => new NodeUpserted(n, now)));
        foreach (var demo in jobs)
        {
            var id = demo.Job.Id;
            var start = demo.Allocation.Start;
            var held = FairShare.Held(demo.Allocation, demo.End);
            var run = (demo.End - start).TotalSeconds;
            changes.Add(new JobSubmitted(demo.Job));
            changes.Add(new JobStateChanged(id, JobState.Pending, JobState.Running, start));
            changes.Add(new AllocationMade(demo.Allocation, false));
            changes.Add(new AllocationReleased(id, demo.End));
            changes.Add(new JobStateChanged(id, JobState.Running, demo.EndedAs, demo.End, demo.Reason, demo.ExitCode));
            changes.Add(new JobUsageRecorded(new JobUsage(id, (start - demo.Job.SubmittedAt).TotalSeconds, run, held.GpuSeconds, held.CpuSeconds, demo.Allocation.MemoryMiB * run, demo.End)));
        }

        writer.Write(changes);
        var end = UsageSplit.AlignDown(now, TimeSpan.FromMinutes(1));
        var hoursUntil = UsageSplit.AlignDown(end - TimeSpan.FromDays(1), TimeSpan.FromHours(1));
        var from = UsageSplit.AlignDown(end - TimeSpan.FromDays(days), TimeSpan.FromHours(1));
        store.WriteRollups(DemoHistory.HourRollups(jobs, nodes, from, hoursUntil), new RollupProgress(hoursUntil, null));
        store.WriteSamples(DemoHistory.MinuteSamples(jobs, nodes, hoursUntil, end));
        store.RollUp(now);
        return jobs.Count;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Demo usage history created: {Days} days, {Jobs} finished jobs on the simulated demo nodes, in {Milliseconds} ms (set Usage:DemoHistoryDays to 0 for a real deployment)")]
    private static partial void LogSeeded(ILogger logger, int days, int jobs, long milliseconds);
}

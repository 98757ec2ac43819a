using System.Collections.Immutable;
using Dashboard.Engine.Feed;
using Dashboard.Scheduling.Model;
using Dashboard.Scheduling.Planning;

namespace Dashboard.Engine.Tests;

/// <summary>A summary reused from the previous publication is the summary computed afresh, whatever changed.</summary>
public sealed class ClusterSummaryTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 18, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Submits_alone_reuse_the_previous_summary_with_the_new_queue_length()
    {
        var before = Cluster();
        var summary = ClusterSummary.Of(before);
        var after = ClusterTransitions.Submit(ClusterTransitions.Submit(before, Job(10)), Job(11));

        var reused = ClusterSummary.Of(after, before, summary);

        reused.Should().BeEquivalentTo(ClusterSummary.Of(after));
        reused.PendingJobs.Should().Be(summary.PendingJobs + 2);
        reused.Nodes.Should().Equal(summary.Nodes, "the nodes are the same, so their summaries are not made again");
    }

    [Fact]
    public void A_change_of_nodes_or_running_jobs_is_summarised_afresh()
    {
        var before = Cluster();
        var summary = ClusterSummary.Of(before);
        var drained = before with { Nodes = [before.Nodes[0] with { State = NodeState.Down }, before.Nodes[1]] };
        var ended = before with { Running = [] };

        ClusterSummary.Of(drained, before, summary).Should().BeEquivalentTo(ClusterSummary.Of(drained));
        ClusterSummary.Of(drained, before, summary).GpusTotal.Should().Be(8);
        ClusterSummary.Of(ended, before, summary).Should().BeEquivalentTo(ClusterSummary.Of(ended));
        ClusterSummary.Of(ended, before, summary).GpusUsed.Should().Be(0);
        ClusterSummary.Of(before, null, null).Should().BeEquivalentTo(summary);
    }

    private static ClusterSnapshot Cluster()
    {
        var gpus = Enumerable.Range(0, 8).Select(i => new Gpu(i, "A100", 40_960)).ToImmutableArray();
        var running = Job(1);
        var allocation = new GpuAllocation(running.Id, "gpu-01", [0, 1], 2_000, 4_096, Now, null);
        return ClusterSnapshot.Empty with
        {
            Nodes = [new Node("gpu-01", gpus, 64_000, 512_000), new Node("gpu-02", gpus, 64_000, 512_000)],
            Running = [new RunningJob(running, allocation, false)],
            Pending = PendingQueue.Empty,
        } is var snapshot ? ClusterTransitions.Submit(snapshot, Job(2)) : null!;
    }

    private static Job Job(long id) =>
        new(new JobId(id), new JobSpec($"job-{id}", "ada", "vision", "true", new ResourceRequest(2, 2_000, 4_096)), Now);
}

using System.Collections.Immutable;
using Dashboard.Data;
using Dashboard.Data.Audit;
using Dashboard.Engine.Feed;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Elastic;

/// <summary>
/// The demo configuration's simulated pool, end to end through the real web host on the real clock: more GPU jobs than
/// the demo nodes hold make a pool node appear, the queued job starts on it, the Cluster page shows it, and it is handed
/// back after the cool-down, every step in the audit log.
/// </summary>
public sealed class ElasticPoolHostTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task More_GPU_jobs_than_the_cluster_holds_bring_a_simulated_node_that_runs_them_and_goes_after_the_cool_down()
    {
        await using var factory = new DashboardFactory { ElasticPool = true };
        await factory.Services.GetRequiredService<EngineLoop>().Started.WaitAsync(Patience, TestContext.Current.CancellationToken);
        var engine = factory.Services.GetRequiredService<ClusterEngine>();
        var feed = factory.Services.GetRequiredService<ClusterFeed>();
        var provisioning = WaitFor(feed, u => u.Snapshot.Nodes.Any(n => n.Pool == "burst" && n.State == NodeState.Provisioning));

        // The two demo nodes hold 4 GPUs each; a third 4-GPU job cannot start on them.
        var jobs = new List<JobId>();
        for (var i = 0; i < 3; i++)
        {
            var result = await engine.SubmitAsync(new JobSpec($"burst-{i}", "alice", "vision", "python train.py", new ResourceRequest(4, 4_000, 16 * 1024), Walltime: TimeSpan.FromSeconds(4)), "alice");
            result.Succeeded.Should().BeTrue(result.Reason);
            jobs.Add(result.Job!.Value);
        }

        var asked = await provisioning;
        asked.ElasticPools.Single().Activity.Should().Be("scaling up 1 x 8-GPU node for 1 pending job");
        var placed = await WaitFor(feed, u => u.Snapshot.Running.Any(r => r.Job.Id == jobs[2] && r.Allocation.Node == "burst-1"));
        placed.Snapshot.Nodes.Single(n => n.Name == "burst-1").Should().Match<Node>(n => n.State == NodeState.Ready && n.Simulated);

        using (var client = await SignIn.AsAsync(factory, "alice"))
        {
            var html = await client.GetStringAsync(new Uri("/", UriKind.Relative), TestContext.Current.CancellationToken);
            html.Should().Contain("data-node=\"burst-1\"").And.Contain("pool burst").And.Contain("id=\"elastic-pools\"");
        }

        await WaitFor(feed, u => u.Snapshot.Nodes.All(n => n.Pool is null) && u.Snapshot.Running.IsEmpty);

        var audit = new AuditStore(factory.Services.GetRequiredService<Database>()).ForTarget("pool:burst").Select(e => e.Entry.Action).Reverse();
        audit.Should().Equal("elastic.scale-up", "elastic.provisioned", "elastic.release", "elastic.released");
    }

    private static async Task<ClusterUpdate> WaitFor(ClusterFeed feed, Func<ClusterUpdate, bool> condition)
    {
        var reached = new TaskCompletionSource<ClusterUpdate>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = feed.Subscribe(update =>
        {
            if (condition(update))
            {
                reached.TrySetResult(update);
            }

            return Task.CompletedTask;
        });
        return await reached.Task.WaitAsync(Patience);
    }
}

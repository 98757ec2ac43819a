using System.Globalization;
using System.Text.RegularExpressions;
using Dashboard.Data.Jobs;
using Dashboard.Engine.Execution;
using Dashboard.Scheduling.Model;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Slurm.Tests;

/// <summary>
/// What Slurm does differently from the dashboard's plan, read back and shown: the GPUs it really bound, and a job it
/// keeps pending (Slurm's reason; past Cluster:Slurm:PendingTooLongSeconds cancelled there and back in the queue).
/// These dashboards poll Slurm only when the test says so, so Slurm can change while the dashboard's view is behind.
/// </summary>
[Collection(RealSlurm.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed partial class SlurmCorrectionTests(SlurmCluster cluster)
{
    private static readonly TimeSpan NoTimer = TimeSpan.FromHours(1);

    [Fact]
    public async Task The_gpus_slurm_really_bound_replace_the_planned_ones_in_the_allocation()
    {
        await using var dashboard = await SlurmDashboard.StartAsync(cluster, pollInterval: NoTimer);
        // Slurm binds node1's first two A100s to a job sent outside the dashboard, which has not polled since.
        var outside = await SbatchAsync("-w", "node1", "--gres=gpu:a100:2", "-c", "1", "--mem=1G", "-o", "/dev/null", "--wrap", "sleep 300");
        try
        {
            await SlurmCluster.EventuallyAsync(async () => await cluster.JobStateAsync(outside) == "RUNNING", "the outside job to run");
            dashboard.Engine.Feed.Current!.Snapshot.Nodes.Single(n => n.Name == "node1").Note.Should().NotContain($"Slurm job {outside} ", "the dashboard has not seen the outside job yet");

            var alice = dashboard.As("alice");
            var job = await SlurmDashboard.SubmitAsync(alice, "sleep 300", gpus: 2, gpuModel: "a100", name: "rebound");
            var started = await dashboard.WaitForAsync(SlurmDashboard.IsRunning(job.Id), "the job to start");
            var planned = started.Snapshot.Running.Single(r => r.Job.Id.Value == job.Id).Allocation.GpuIndices.Order().ToList();
            var slurmId = await dashboard.SlurmJobOfAsync(job.Id);
            await SlurmCluster.EventuallyAsync(async () => await cluster.JobStateAsync(slurmId) == "RUNNING", "Slurm to run the job");
            var bound = await BoundGpusAsync(slurmId);
            bound.Should().HaveCount(2).And.NotIntersectWith(await BoundGpusAsync(outside));
            bound.Should().NotEqual(planned, "the plan did not know the outside job holds GPUs " + string.Join(",", planned));

            await dashboard.PollUntilAsync(
                () => Task.FromResult(dashboard.Engine.Feed.Current!.Snapshot.Running.Single(r => r.Job.Id.Value == job.Id).Allocation.GpuIndices.Order().SequenceEqual(bound)),
                "the allocation to be corrected to the GPUs Slurm bound");

            // Everyone reads the truth: the API, the stored allocation (a restart), the node's tile.
            (await SlurmDashboard.ReadJobAsync(alice, job.Id)).Allocation!.GpuIndices.Should().Equal(bound);
            dashboard.Services.GetRequiredService<Dashboard.Data.Allocations.AllocationStore>().ForJob(new JobId(job.Id)).Single().Allocation.GpuIndices.Order().Should().Equal(bound);
            var outsideGpus = await BoundGpusAsync(outside);
            await dashboard.PollUntilAsync(
                () => Task.FromResult(dashboard.Engine.Feed.Current!.Snapshot.Nodes.Single(n => n.Name == "node1").Gpus.Select(g => g.Index).Order().SequenceEqual(Enumerable.Range(0, 8).Except(outsideGpus))),
                "node1's card to hold every GPU but the outside job's " + string.Join(",", outsideGpus));
            dashboard.Engine.Feed.Current!.Snapshot.Nodes.Single(n => n.Name == "node1").State.Should().Be(NodeState.Ready);

            (await dashboard.Engine.CancelAsync(new JobId(job.Id), "alice")).Succeeded.Should().BeTrue();
            await dashboard.PollUntilAsync(() => Task.FromResult(SlurmDashboard.HasEnded(job.Id)(dashboard.Engine.Feed.Current!)), "the job to end");
        }
        finally
        {
            // Whatever happened, this test leaves no job behind in Slurm.
            await cluster.CliAsync("scancel", outside.ToString(CultureInfo.InvariantCulture));
            await cluster.CliAsync("scancel", "--user=" + SlurmCluster.JobUser);
        }
    }

    [Fact]
    public async Task A_job_slurm_keeps_pending_shows_slurms_reason_and_past_the_limit_goes_back_to_the_queue_and_runs_later()
    {
        await using var dashboard = await SlurmDashboard.StartAsync(cluster, pendingTimeout: TimeSpan.FromSeconds(4), pollInterval: NoTimer);
        // An outside job takes every A100 before the dashboard sees it; the dashboard starts a job there anyway.
        var outside = await SbatchAsync("-w", "node1", "--gres=gpu:a100:8", "-c", "1", "--mem=1G", "-o", "/dev/null", "--wrap", "sleep 300");
        long job;
        long firstSlurmJob;
        var alice = dashboard.As("alice");
        try
        {
            await SlurmCluster.EventuallyAsync(async () => await cluster.JobStateAsync(outside) == "RUNNING", "the outside job to run");
            job = (await SlurmDashboard.SubmitAsync(alice, "echo made it", gpus: 1, gpuModel: "a100", name: "kept-waiting")).Id;
            await dashboard.WaitForAsync(SlurmDashboard.IsRunning(job), "the dashboard to start the job");
            firstSlurmJob = await dashboard.SlurmJobOfAsync(job);

            await dashboard.PollUntilAsync(async () => (await SlurmDashboard.ReadJobAsync(alice, job)).Note?.Contains("pending: Resources", StringComparison.Ordinal) == true, "Slurm's reason on the job");
            var waiting = await SlurmDashboard.ReadJobAsync(alice, job);
            waiting.State.Should().Be("Running");
            waiting.Note.Should().StartWith($"Slurm keeps Slurm job {firstSlurmJob} pending: Resources");
            dashboard.Services.GetRequiredService<JobStore>().Events(new JobId(job))
                .Should().Contain(e => e.From == JobState.Running && e.To == JobState.Running && e.Reason!.Contains("pending: Resources", StringComparison.Ordinal), "the job page's history shows it");

            // Past the limit: cancelled in Slurm and back in the dashboard's queue, with why.
            await dashboard.PollUntilAsync(
                () => Task.FromResult(dashboard.Services.GetRequiredService<JobStore>().Events(new JobId(job)).Any(e => e.From == JobState.Running && e.To == JobState.Pending)),
                "the job to go back to the dashboard's queue");
            dashboard.Services.GetRequiredService<JobStore>().Events(new JobId(job)).Single(e => e.From == JobState.Running && e.To == JobState.Pending).Reason
                .Should().Contain("Slurm kept it pending (Resources) for more than 4 s").And.Contain("back in the dashboard's queue");
            (await cluster.JobStateAsync(firstSlurmJob)).Should().Be("CANCELLED");
        }
        finally
        {
            await cluster.CliAsync("scancel", outside.ToString(CultureInfo.InvariantCulture));
        }

        // The room is free again: the job runs to its end; nothing was lost.
        try
        {
            await dashboard.PollUntilAsync(() => Task.FromResult(SlurmDashboard.HasEnded(job)(dashboard.Engine.Feed.Current!)), "the job to run and end once the outside job ended");
        }
        finally
        {
            await cluster.CliAsync("scancel", "--user=" + SlurmCluster.JobUser);
        }

        var ended = await SlurmDashboard.ReadJobAsync(alice, job);
        ended.State.Should().Be("Succeeded", ended.EndReason);
        string.Join('\n', dashboard.Services.GetRequiredService<JobLogs>().Tail(new JobId(job)).Lines).Should().Be("made it");
    }

    private async Task<long> SbatchAsync(params string[] args) =>
        long.Parse(await cluster.CliAsync("sbatch", ["--parsable", .. args]), CultureInfo.InvariantCulture);

    /// <summary>The GPU indices Slurm bound to a job, as scontrol shows them (GRES=gpu:...(IDX:2-3)).</summary>
    private async Task<List<int>> BoundGpusAsync(long slurmJob)
    {
        var shown = await cluster.CliAsync("scontrol", "show", "job", "-d", slurmJob.ToString(CultureInfo.InvariantCulture));
        var indices = new List<int>();
        foreach (var part in IdxPattern().Match(shown).Groups[1].Value.Split(',', StringSplitOptions.RemoveEmptyEntries))
        {
            var range = part.Split('-');
            var from = int.Parse(range[0], CultureInfo.InvariantCulture);
            var to = int.Parse(range[^1], CultureInfo.InvariantCulture);
            indices.AddRange(Enumerable.Range(from, to - from + 1));
        }

        return [.. indices.Order()];
    }

    [GeneratedRegex(@"IDX:([0-9,\-]+)\)")]
    private static partial Regex IdxPattern();
}

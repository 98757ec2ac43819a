using System.Globalization;
using Dashboard.Data.Jobs;
using Dashboard.Scheduling.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Dashboard.Slurm.Tests;

/// <summary>
/// A job Slurm would not start on its planned node (kept pending past Cluster:Slurm:PendingTooLongSeconds) goes back to
/// the dashboard's queue and is not sent to that node again and again: the node takes no new job from the dashboard for
/// a while, so the next plan puts the job elsewhere. The dashboard polls Slurm only when the test says so.
/// </summary>
[Collection(RealSlurm.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SlurmAvoidanceTests(SlurmCluster cluster)
{
    private const string Reservation = "dash-avoid-test";

    [Fact]
    public async Task A_job_requeued_for_waiting_too_long_is_planned_on_another_node_not_looped_on_the_same_one()
    {
        await using var dashboard = await SlurmDashboard.StartAsync(cluster, pendingTimeout: TimeSpan.FromSeconds(4), pollInterval: TimeSpan.FromHours(1));
        var alice = dashboard.As("alice");
        // An outside job on node1 makes it the best fit (7 free GPUs against node2's 8); then a Slurm reservation the
        // dashboard knows nothing of keeps node1 from the job user: Slurm will not start the dashboard's job there.
        var outside = long.Parse(await cluster.CliAsync("sbatch", "--parsable", "-w", "node1", "--gres=gpu:1", "-c", "1", "--mem=1G", "-o", "/dev/null", "--wrap", "sleep 300"), CultureInfo.InvariantCulture);
        try
        {
            await SlurmCluster.EventuallyAsync(async () => await cluster.JobStateAsync(outside) == "RUNNING", "the outside job to run");
            await dashboard.PollUntilAsync(() => Task.FromResult(dashboard.Engine.Feed.Current!.Snapshot.Nodes.Single(n => n.Name == "node1").Gpus.Length == 7), "the dashboard to see the outside job");
            await cluster.CliAsync("scontrol", "create", "reservation", $"ReservationName={Reservation}", "Nodes=node1", "StartTime=now", "Duration=10", "Users=root", "Flags=IGNORE_JOBS");

            var job = (await SlurmDashboard.SubmitAsync(alice, "echo made it", gpus: 1, name: "avoids-node1")).Id;
            var started = await dashboard.WaitForAsync(SlurmDashboard.IsRunning(job), "the dashboard to start the job");
            started.Snapshot.Running.Single(r => r.Job.Id.Value == job).Allocation.Node.Should().Be("node1", "best fit");
            var first = await dashboard.SlurmJobOfAsync(job);

            var events = dashboard.Services.GetRequiredService<JobStore>();
            await dashboard.PollUntilAsync(() => Task.FromResult(events.Events(new JobId(job)).Any(e => e.From == JobState.Running && e.To == JobState.Pending)), "the job to go back to the dashboard's queue");
            events.Events(new JobId(job)).First(e => e.From == JobState.Running && e.To == JobState.Pending).Reason
                .Should().Contain("for more than 4 s").And.Contain("node1 takes no new job from the dashboard until");
            var node1 = dashboard.Engine.Feed.Current!.Snapshot.Nodes.Single(n => n.Name == "node1");
            node1.State.Should().Be(NodeState.Draining, "the plan that requeued the job must not pick node1 again");
            node1.Note.Should().Contain($"would not start dashboard job {job} (Slurm job {first}) here");

            // The next plan puts it on node2, where Slurm runs it; it is not sent to node1 a second time.
            await dashboard.PollUntilAsync(() => Task.FromResult(SlurmDashboard.HasEnded(job)(dashboard.Engine.Feed.Current!)), "the job to run elsewhere and end");
            var ended = await SlurmDashboard.ReadJobAsync(alice, job);
            ended.State.Should().Be("Succeeded", ended.EndReason);
            ended.Allocation!.Node.Should().Be("node2");
            var second = await dashboard.SlurmJobOfAsync(job);
            second.Should().NotBe(first);
            (await cluster.CliAsync("scontrol", "show", "job", second.ToString(CultureInfo.InvariantCulture))).Should().Contain("NodeList=node2");
        }
        finally
        {
            await cluster.CliAsync("scancel", outside.ToString(CultureInfo.InvariantCulture));
            await cluster.CliAsync("scancel", "--user=" + SlurmCluster.JobUser);
            await cluster.CliAsync("scontrol", "delete", $"ReservationName={Reservation}");
        }
    }

    [Fact]
    public async Task Resuming_an_avoided_node_in_the_dashboard_ends_the_avoidance_and_sends_slurm_no_resume_it_would_refuse()
    {
        const string reservation = "dash-avoid-resume-test";
        await using var dashboard = await SlurmDashboard.StartAsync(cluster, pendingTimeout: TimeSpan.FromSeconds(4), pollInterval: TimeSpan.FromHours(1));
        var alice = dashboard.As("alice");
        var outside = long.Parse(await cluster.CliAsync("sbatch", "--parsable", "-w", "node1", "--gres=gpu:1", "-c", "1", "--mem=1G", "-o", "/dev/null", "--wrap", "sleep 300"), CultureInfo.InvariantCulture);
        var reserved = false;
        try
        {
            // node1 becomes avoided as above: best fit, then a Slurm reservation keeps the dashboard's job pending there.
            await SlurmCluster.EventuallyAsync(async () => await cluster.JobStateAsync(outside) == "RUNNING", "the outside job to run");
            await dashboard.PollUntilAsync(() => Task.FromResult(dashboard.Engine.Feed.Current!.Snapshot.Nodes.Single(n => n.Name == "node1").Gpus.Length == 7), "the dashboard to see the outside job");
            await cluster.CliAsync("scontrol", "create", "reservation", $"ReservationName={reservation}", "Nodes=node1", "StartTime=now", "Duration=10", "Users=root", "Flags=IGNORE_JOBS");
            reserved = true;
            var job = (await SlurmDashboard.SubmitAsync(alice, "echo made it", gpus: 1, name: "avoids-node1")).Id;
            await dashboard.WaitForAsync(SlurmDashboard.IsRunning(job), "the dashboard to start the job");
            await dashboard.PollUntilAsync(() => Task.FromResult(dashboard.Engine.Feed.Current!.Snapshot.Nodes.Single(n => n.Name == "node1").State == NodeState.Draining), "node1 to be avoided");
            await dashboard.PollUntilAsync(() => Task.FromResult(SlurmDashboard.HasEnded(job)(dashboard.Engine.Feed.Current!)), "the job to run on node2 and end");
            (await NodeLineAsync()).Should().NotContain("DRAIN", "the avoidance is the dashboard's own: Slurm's node1 is not drained");

            // The admin ends what held node1 in Slurm and resumes node1 in the dashboard.
            await cluster.CliAsync("scontrol", "delete", $"ReservationName={reservation}");
            reserved = false;
            (await dashboard.Engine.SetNodeStateAsync("node1", NodeState.Ready, "the Slurm reservation is gone", "admin")).Succeeded.Should().BeTrue();
            for (var poll = 0; poll < 3; poll++)
            {
                await dashboard.PollAsync();
            }

            var node1 = dashboard.Engine.Feed.Current!.Snapshot.Nodes.Single(n => n.Name == "node1");
            node1.State.Should().Be(NodeState.Ready, "the admin's resume holds");
            node1.Note.Should().NotContain("avoided", "the resume ended the avoidance");
            dashboard.Log.Entries.Where(e => e.Category == typeof(SlurmSync).FullName && e.Level >= LogLevel.Warning)
                .Should().BeEmpty("no RESUME is sent to Slurm for a node it does not hold drained (it refuses it, at every poll)");
            dashboard.Log.Entries.Should().Contain(e => e.Message.Contains("Node node1 was resumed in the dashboard while it was avoided", StringComparison.Ordinal));
            (await NodeLineAsync()).Should().NotContain("DRAIN");

            // node1 takes the dashboard's jobs again: one that only its A100s can hold runs there in Slurm.
            var next = (await SlurmDashboard.SubmitAsync(alice, "echo back on node1", gpus: 1, gpuModel: "a100", name: "after-resume")).Id;
            await dashboard.PollUntilAsync(() => Task.FromResult(SlurmDashboard.HasEnded(next)(dashboard.Engine.Feed.Current!)), "the next job to run on node1 and end");
            var ended = await SlurmDashboard.ReadJobAsync(alice, next);
            ended.State.Should().Be("Succeeded", ended.EndReason);
            ended.Allocation!.Node.Should().Be("node1");
        }
        finally
        {
            await cluster.CliAsync("scancel", outside.ToString(CultureInfo.InvariantCulture));
            await cluster.CliAsync("scancel", "--user=" + SlurmCluster.JobUser);
            if (reserved)
            {
                await cluster.CliAsync("scontrol", "delete", $"ReservationName={reservation}");
            }
        }
    }

    /// <summary>Slurm's own word on node1 (state and flags), e.g. "State=MIXED ThreadsPerCore=1 …".</summary>
    private async Task<string> NodeLineAsync()
    {
        var shown = await cluster.CliAsync("scontrol", "show", "node", "node1");
        var at = shown.IndexOf("State=", StringComparison.Ordinal);
        return shown[at..].Split(' ', '\n')[0];
    }
}

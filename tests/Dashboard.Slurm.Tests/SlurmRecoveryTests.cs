using System.Globalization;
using Dashboard.Engine.Execution;
using Dashboard.Scheduling.Model;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Slurm.Tests;

/// <summary>Nothing is lost when the dashboard restarts mid-job or when slurmctld stops and starts again.</summary>
[Collection(RealSlurm.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SlurmRecoveryTests(SlurmCluster cluster)
{
    [Fact]
    public async Task After_a_dashboard_restart_a_running_slurm_job_is_readopted_and_one_that_ended_meanwhile_gets_its_real_end()
    {
        var folder = Directory.CreateTempSubdirectory("dashboard-slurm-restart-").FullName;
        try
        {
            long longer, shorter, shorterSlurm;
            await using (var before = await SlurmDashboard.StartAsync(cluster, folder))
            {
                var alice = before.As("alice");
                longer = (await SlurmDashboard.SubmitAsync(alice, "sleep 6; echo survived", gpus: 1, name: "long")).Id;
                shorter = (await SlurmDashboard.SubmitAsync(alice, "sleep 1; exit 4", gpus: 1, name: "short")).Id;
                var longerSlurm = await before.SlurmJobOfAsync(longer);
                shorterSlurm = await before.SlurmJobOfAsync(shorter);
                await SlurmCluster.EventuallyAsync(async () => await cluster.JobStateAsync(longerSlurm) == "RUNNING", "the long job to run in Slurm");
            }

            // The dashboard is down; Slurm goes on.
            await SlurmCluster.EventuallyAsync(async () => await cluster.JobStateAsync(shorterSlurm) == "FAILED", "the short job to end while the dashboard is down");

            await using var after = await SlurmDashboard.StartAsync(cluster, folder);
            var reader = after.As("alice");
            await after.WaitForAsync(u => SlurmDashboard.HasEnded(shorter)(u), "the short job's end to be learnt");
            var ended = await SlurmDashboard.ReadJobAsync(reader, shorter);
            ended.State.Should().Be("Failed");
            ended.ExitCode.Should().Be(4, ended.EndReason);
            ended.EndReason.Should().Contain($"Slurm job {shorterSlurm}");

            await after.WaitForAsync(SlurmDashboard.HasEnded(longer), "the re-adopted long job to end");
            var survived = await SlurmDashboard.ReadJobAsync(reader, longer);
            survived.State.Should().Be("Succeeded");
            survived.ExitCode.Should().Be(0);
            string.Join('\n', after.Services.GetRequiredService<JobLogs>().Tail(new JobId(longer)).Lines).Should().Be("survived");
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task While_slurmctld_is_stopped_its_nodes_are_unreachable_submits_wait_and_when_it_is_back_no_job_is_lost()
    {
        await using var dashboard = await SlurmDashboard.StartAsync(cluster);
        var alice = dashboard.As("alice");
        var running = (await SlurmDashboard.SubmitAsync(alice, "sleep 5; echo still here", gpus: 1, name: "through-the-outage")).Id;
        var runningSlurm = await dashboard.SlurmJobOfAsync(running);
        await SlurmCluster.EventuallyAsync(async () => await cluster.JobStateAsync(runningSlurm) == "RUNNING", "the job to run in Slurm");

        var pidFile = Path.Combine(cluster.Scratch, "slurmctld.pid");
        var pid = int.Parse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture);
        using (var slurmctld = System.Diagnostics.Process.GetProcessById(pid))
        {
            // Stopped as an operator stops it (SIGTERM: it saves its state and exits).
            await cluster.CliAsync("kill", "-TERM", pid.ToString(CultureInfo.InvariantCulture));
            await slurmctld.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        long waiting;
        try
        {
            await dashboard.WaitForAsync(
                u => u.Snapshot.Nodes.Where(n => n.Name is "node1" or "node2").All(n => n.State == NodeState.Down && n.ExpectedBack && n.Note!.Contains("unreachable", StringComparison.Ordinal)),
                "the Slurm nodes Down and shown unreachable");
            new Dashboard.Data.Nodes.NodeStore(dashboard.Services.GetRequiredService<Dashboard.Data.Database>()).All().Where(n => n.Node.Name is "node1" or "node2")
                .Should().OnlyContain(n => n.StateReason!.StartsWith("unreachable: Slurm does not answer", StringComparison.Ordinal), "each node's reason says why");
            using (var ready = await dashboard.CreateClient().GetAsync(new Uri("/readyz", UriKind.Relative), TestContext.Current.CancellationToken))
            {
                var body = await ready.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
                body.Should().Contain("Slurm unreachable");
            }

            // A submit only the Slurm nodes could hold waits in the queue; it is not refused as never fitting.
            waiting = (await SlurmDashboard.SubmitAsync(alice, "echo after", gpus: 1, name: "submitted-during-the-outage")).Id;
            dashboard.Engine.Feed.Current!.Snapshot.Pending.Find(new JobId(waiting)).Should().NotBeNull();
            dashboard.Engine.Feed.Current!.Snapshot.Running.Should().Contain(r => r.Job.Id.Value == running, "a job is never failed because Slurm did not answer");
        }
        finally
        {
            await cluster.CliAsync("slurmctld", "-f", cluster.SlurmConf);
        }

        await dashboard.WaitForAsync(u => SlurmDashboard.HasEnded(running)(u) && SlurmDashboard.HasEnded(waiting)(u), "both jobs to end once slurmctld is back");
        var survived = await SlurmDashboard.ReadJobAsync(alice, running);
        survived.State.Should().Be("Succeeded");
        var after = await SlurmDashboard.ReadJobAsync(alice, waiting);
        after.State.Should().Be("Succeeded");
        string.Join('\n', dashboard.Services.GetRequiredService<JobLogs>().Tail(new JobId(running)).Lines).Should().Be("still here");
    }
}

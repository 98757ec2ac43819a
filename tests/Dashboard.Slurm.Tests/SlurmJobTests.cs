using Dashboard.Engine.Execution;
using Dashboard.Scheduling.Model;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Slurm.Tests;

/// <summary>Jobs submitted through the dashboard's API that Slurm really runs: start, exit code, cancel, walltime.</summary>
[Collection(RealSlurm.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SlurmJobTests(SlurmCluster cluster)
{
    [Fact]
    public async Task A_job_submitted_through_the_api_runs_under_slurmstepd_with_slurms_gpus_as_its_owners_user_and_its_exit_code_is_mirrored()
    {
        await using var dashboard = await SlurmDashboard.StartAsync(cluster);
        var alice = dashboard.As("alice");

        var job = await SlurmDashboard.SubmitAsync(alice, "echo \"gpus=$CUDA_VISIBLE_DEVICES job=$DASHBOARD_JOB_ID user=$(id -un) parent=$(cat /proc/$PPID/comm) slurm=$SLURM_JOB_ID\"; exit 3", gpus: 2, gpuModel: "a100");
        var slurmId = await dashboard.SlurmJobOfAsync(job.Id);
        await dashboard.WaitForAsync(SlurmDashboard.HasEnded(job.Id), $"job {job.Id} to end");

        var ended = await SlurmDashboard.ReadJobAsync(alice, job.Id);
        ended.State.Should().Be("Failed");
        ended.ExitCode.Should().Be(3);
        ended.EndReason.Should().Contain("exit code 3").And.Contain($"Slurm job {slurmId}");
        ended.Allocation!.Node.Should().Be("node1", "only node1 has A100s");
        var log = dashboard.Services.GetRequiredService<JobLogs>().Tail(new JobId(job.Id));
        // Slurm chose the two GPUs and set CUDA_VISIBLE_DEVICES itself.
        string.Join('\n', log.Lines).Should().MatchRegex($"^gpus=[0-7],[0-7] job={job.Id} user={SlurmCluster.JobUser} parent=slurmstepd slurm={slurmId}$");
        // The dashboard may take the end while Slurm still shows COMPLETING (its epilog); Slurm's final word is FAILED.
        await SlurmCluster.EventuallyAsync(async () => await cluster.JobStateAsync(slurmId) == "FAILED", $"Slurm job {slurmId} to be FAILED");
    }

    [Fact]
    public async Task Cancelling_in_the_dashboard_cancels_the_slurm_job_and_the_job_ends_cancelled()
    {
        await using var dashboard = await SlurmDashboard.StartAsync(cluster);
        var alice = dashboard.As("alice");
        var job = await SlurmDashboard.SubmitAsync(alice, "sleep 300", gpus: 1);
        var slurmId = await dashboard.SlurmJobOfAsync(job.Id);
        await SlurmCluster.EventuallyAsync(async () => await cluster.JobStateAsync(slurmId) == "RUNNING", $"Slurm job {slurmId} to run");

        using var cancel = await alice.PostAsync(new Uri($"/api/v1/jobs/{job.Id}/cancel", UriKind.Relative), null, TestContext.Current.CancellationToken);
        cancel.IsSuccessStatusCode.Should().BeTrue();
        await dashboard.WaitForAsync(SlurmDashboard.HasEnded(job.Id), $"job {job.Id} to end");

        (await SlurmDashboard.ReadJobAsync(alice, job.Id)).State.Should().Be("Cancelled");
        (await cluster.JobStateAsync(slurmId)).Should().Be("CANCELLED");
    }

    [Fact]
    public async Task A_job_past_its_walltime_is_ended_in_slurm_and_ends_timed_out()
    {
        await using var dashboard = await SlurmDashboard.StartAsync(cluster);
        var alice = dashboard.As("alice");
        var job = await SlurmDashboard.SubmitAsync(alice, "sleep 300", walltime: "3s");
        var slurmId = await dashboard.SlurmJobOfAsync(job.Id);
        await dashboard.WaitForAsync(SlurmDashboard.HasEnded(job.Id), $"job {job.Id} to end");

        var ended = await SlurmDashboard.ReadJobAsync(alice, job.Id);
        ended.State.Should().Be("TimedOut");
        ended.EndReason.Should().Contain("walltime");
        (await cluster.JobStateAsync(slurmId)).Should().Be("CANCELLED");
    }

    [Fact]
    public async Task A_job_past_its_memory_is_killed_in_its_slurm_cgroup_and_ends_out_of_memory()
    {
        (await cluster.CliAsync("scontrol", "show", "config")).Should().MatchRegex(@"TaskPlugin\s*=\s*task/cgroup",
            ".ci/slurm/start.sh enforces memory with task/cgroup only where the host has cgroup v1's memory controller (/sys/fs/cgroup/memory, writable by root), as the CI machines do");
        await using var dashboard = await SlurmDashboard.StartAsync(cluster);
        var alice = dashboard.As("alice");

        // 1 GiB asked (the job's memory, Slurm's --mem); 1.5 GiB written.
        var job = await SlurmDashboard.SubmitAsync(alice, "python3 -c \"a = b'x' * (1536 << 20)\"", name: "eats-memory");
        var slurmId = await dashboard.SlurmJobOfAsync(job.Id);
        await dashboard.WaitForAsync(SlurmDashboard.HasEnded(job.Id), $"job {job.Id} to end");

        var ended = await SlurmDashboard.ReadJobAsync(alice, job.Id);
        ended.State.Should().Be("Failed");
        ended.EndReason.Should().Contain("ran out of memory").And.Contain($"job {slurmId}");
        (await cluster.JobStateAsync(slurmId)).Should().Be("OUT_OF_MEMORY");
    }

    [Fact]
    public async Task Extending_a_running_jobs_walltime_raises_its_slurm_time_limit_through_the_rest_job_update()
    {
        await using var dashboard = await SlurmDashboard.StartAsync(cluster);
        var alice = dashboard.As("alice");
        var job = await SlurmDashboard.SubmitAsync(alice, "sleep 300", gpus: 1, walltime: "5m", name: "extended");
        try
        {
            var slurmId = await dashboard.SlurmJobOfAsync(job.Id);
            await SlurmCluster.EventuallyAsync(async () => await cluster.JobStateAsync(slurmId) == "RUNNING", $"Slurm job {slurmId} to run");
            (await TimeLimitAsync(slurmId)).Should().Be("00:06:00", "Slurm's limit is the walltime plus a minute");

            var extended = await dashboard.Engine.ExtendWalltimeAsync(new JobId(job.Id), TimeSpan.FromMinutes(30), "alice");
            extended.Succeeded.Should().BeTrue(extended.Reason);

            await SlurmCluster.EventuallyAsync(async () => await TimeLimitAsync(slurmId) == "00:36:00", $"Slurm job {slurmId}'s time limit to follow the extension");
            (await cluster.JobStateAsync(slurmId)).Should().Be("RUNNING");
        }
        finally
        {
            await cluster.CliAsync("scancel", "--user=" + SlurmCluster.JobUser);
        }
    }

    private async Task<string> TimeLimitAsync(long slurmJob)
    {
        var shown = await cluster.CliAsync("scontrol", "show", "job", slurmJob.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var at = shown.IndexOf("TimeLimit=", StringComparison.Ordinal);
        return shown[(at + 10)..].Split(' ', '\n')[0];
    }
}

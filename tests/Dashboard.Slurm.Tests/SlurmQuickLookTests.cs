namespace Dashboard.Slurm.Tests;

/// <summary>
/// The quick look: a job that ends at once is seen ended (its GPUs free) without waiting for the next poll of Slurm's
/// whole job list. The dashboard's own poll is an hour apart here, so only the quick look can bring the end.
/// </summary>
[Collection(RealSlurm.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SlurmQuickLookTests(SlurmCluster cluster)
{
    [Fact]
    public async Task A_job_that_ends_at_once_is_seen_ended_with_its_exit_code_before_any_poll()
    {
        await using var dashboard = await SlurmDashboard.StartAsync(cluster, pollInterval: TimeSpan.FromHours(1));
        var alice = dashboard.As("alice");

        var job = await SlurmDashboard.SubmitAsync(alice, "exit 4", gpus: 1, name: "ends-at-once");
        var slurmId = await dashboard.SlurmJobOfAsync(job.Id);
        await dashboard.WaitForAsync(SlurmDashboard.HasEnded(job.Id), $"job {job.Id} to be seen ended without a poll");

        var read = await SlurmDashboard.ReadJobAsync(alice, job.Id);
        read.State.Should().Be("Failed");
        read.ExitCode.Should().Be(4);
        read.EndReason.Should().Contain($"Slurm job {slurmId}");
    }
}

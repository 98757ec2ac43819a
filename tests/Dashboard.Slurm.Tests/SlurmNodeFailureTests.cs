using Dashboard.Scheduling.Model;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Slurm.Tests;

/// <summary>
/// A real node failure in Slurm: the node is set DOWN, Slurm ends its job NODE_FAIL, and the dashboard puts the job
/// back in its queue (not Failed: the job did nothing wrong), says why, and runs it again once the node is back.
/// </summary>
[Collection(RealSlurm.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SlurmNodeFailureTests(SlurmCluster cluster)
{
    [Fact]
    public async Task A_job_whose_slurm_node_fails_goes_back_to_the_queue_and_runs_again_when_the_node_returns()
    {
        await using var dashboard = await SlurmDashboard.StartAsync(cluster);
        var alice = dashboard.As("alice");
        // Only node1 has A100s: while it is down the job has nowhere else to go.
        var job = await SlurmDashboard.SubmitAsync(alice, "sleep 300", gpus: 1, gpuModel: "a100", name: "node-fails");
        var first = await dashboard.SlurmJobOfAsync(job.Id);
        await SlurmCluster.EventuallyAsync(async () => await cluster.JobStateAsync(first) == "RUNNING", $"Slurm job {first} to run");
        await dashboard.WaitForAsync(SlurmDashboard.IsRunning(job.Id), "the dashboard to see the job run");
        var down = false;
        try
        {
            await cluster.CliAsync("scontrol", "update", "NodeName=node1", "State=DOWN", "Reason=dashboard-node-failure-test");
            down = true;
            // Not requeued by Slurm itself (the dashboard submits with no_requeue): the Slurm job ends NODE_FAIL.
            await SlurmCluster.EventuallyAsync(async () => await cluster.JobStateAsync(first) == "NODE_FAIL", $"Slurm job {first} to end NODE_FAIL");

            // The requeue and the next start may fall in one batch (Slurm returns the node to service by itself here,
            // ReturnToService=2), so the job's way back is read from the engine's log of its state changes.
            var requeued = $"its node failed (Slurm job {first}); back in the queue";
            await SlurmCluster.EventuallyAsync(
                () => Task.FromResult(dashboard.Log.Entries.Any(e => e.Message.Contains(requeued, StringComparison.Ordinal))),
                "the dashboard to put the job back in its queue");
            dashboard.Log.Entries.Should().NotContain(e => e.Message.Contains($"job {job.Id}", StringComparison.Ordinal) && e.Message.Contains("Failed", StringComparison.Ordinal),
                "a node failure is not the job's failure");
            await ResumeIfDownAsync();
            down = false;
            long second = 0;
            try
            {
                await SlurmCluster.EventuallyAsync(
                    () =>
                    {
                        second = dashboard.Services.GetRequiredService<Dashboard.Data.Slurm.SlurmJobStore>().Find(new JobId(job.Id))?.SlurmJobId ?? first;
                        return Task.FromResult(second != first);
                    },
                    "the job to be submitted to Slurm again");
            }
            catch (TimeoutException waited)
            {
                // Seen once in CI (stop 34) and not reproduced since: say what the dashboard and Slurm saw.
                throw new TimeoutException($"{waited.Message}\n{await WhatWasSeenAsync(dashboard, job.Id)}", waited);
            }
            await SlurmCluster.EventuallyAsync(async () => await cluster.JobStateAsync(second) == "RUNNING", $"Slurm job {second} to run");
            var running = await SlurmDashboard.ReadJobAsync(alice, job.Id);
            running.State.Should().Be("Running");
            running.Allocation!.Node.Should().Be("node1");
        }
        finally
        {
            if (down)
            {
                await ResumeIfDownAsync();
            }

            await cluster.CliAsync("scancel", "--user=" + SlurmCluster.JobUser);
        }
    }

    /// <summary>The dashboard's view of the job and the nodes, its log and Slurm's queue and nodes, for a failure's message.</summary>
    private async Task<string> WhatWasSeenAsync(SlurmDashboard dashboard, long job)
    {
        var snapshot = dashboard.Engine.Feed.Current?.Snapshot;
        var nodes = string.Join("; ", (snapshot?.Nodes ?? []).Select(n => $"{n.Name} {n.State} ({n.Note})"));
        var waiting = snapshot?.Pending.Find(new JobId(job));
        var running = snapshot?.Running.FirstOrDefault(r => r.Job.Id.Value == job);
        var log = string.Join("\n", dashboard.Log.Entries.TakeLast(60).Select(e => $"  {e.Level} {e.Category}: {e.Message}"));
        var queue = await cluster.CliAsync("squeue", "--all", "--noheader", "--format=%i %T %r %N");
        var slurmNodes = await cluster.CliAsync("sinfo", "--noheader", "--Node", "--format=%N %T %E");
        return $"dashboard nodes: {nodes}\njob {job}: {(waiting is not null ? "waiting" : running is not null ? $"running on {running.Allocation.Node}" : "neither waiting nor running")}"
            + $"\nSlurm queue:\n{queue}\nSlurm nodes:\n{slurmNodes}\nlast log entries:\n{log}";
    }

    /// <summary>
    /// Returns node1 to service unless Slurm already did: with ReturnToService=2 it may do so between reading the node
    /// DOWN and asking to resume it, and then refuses the resume ("Invalid node state specified").
    /// </summary>
    private async Task ResumeIfDownAsync()
    {
        if (!await NodeDownAsync())
        {
            return;
        }

        try
        {
            await cluster.CliAsync("scontrol", "update", "NodeName=node1", "State=RESUME");
        }
        catch (InvalidOperationException refused) when (refused.Message.Contains("Invalid node state specified", StringComparison.Ordinal))
        {
            // Back in service by itself meanwhile; anything else is a failure.
            (await NodeDownAsync()).Should().BeFalse($"Slurm refused to resume node1 ({refused.Message}) while it is down");
        }
    }

    private async Task<bool> NodeDownAsync() =>
        (await cluster.CliAsync("scontrol", "show", "node", "node1")).Contains("State=DOWN", StringComparison.Ordinal);
}

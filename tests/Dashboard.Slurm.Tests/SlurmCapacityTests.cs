using Dashboard.Scheduling.Model;

namespace Dashboard.Slurm.Tests;

/// <summary>What Slurm holds or changes outside the dashboard: jobs sent with sbatch, drains, partition membership.</summary>
[Collection(RealSlurm.Name)]
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class SlurmCapacityTests(SlurmCluster cluster)
{
    [Fact]
    public async Task An_outside_sbatch_job_holds_its_gpus_and_the_dashboard_never_places_onto_them()
    {
        await using var dashboard = await SlurmDashboard.StartAsync(cluster);
        var outside = long.Parse(await cluster.CliAsync("sbatch", "--parsable", "-w", "node2", "--gres=gpu:8", "-c", "2", "--mem=2G", "-o", "/dev/null", "--wrap", "sleep 300"), System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            var held = await dashboard.WaitForAsync(
                u => u.Snapshot.Nodes.Any(n => n.Name == "node2" && n.Gpus.IsEmpty && n.Note!.Contains($"held outside the dashboard: Slurm job {outside} (root): 8 GPUs, 2 CPUs", StringComparison.Ordinal)),
                "node2's GPUs held outside the dashboard");
            held.Snapshot.Nodes.Single(n => n.Name == "node2").CpuMillicores.Should().Be(6000, "the outside job holds 2 of its 8 CPUs");

            var alice = dashboard.As("alice");
            var first = await SlurmDashboard.SubmitAsync(alice, "sleep 300", gpus: 8, name: "whole-node");
            var second = await SlurmDashboard.SubmitAsync(alice, "sleep 300", gpus: 8, name: "waits");
            await dashboard.WaitForAsync(u => SlurmDashboard.IsRunning(first.Id)(u) && u.Explanations.ContainsKey(new JobId(second.Id)), "the first job running and the second explained");

            var now = dashboard.Engine.Feed.Current!.Snapshot;
            now.Running.Single(r => r.Job.Id.Value == first.Id).Allocation.Node.Should().Be("node1");
            now.Running.Should().NotContain(r => r.Allocation.Node == "node2", "node2's GPUs are all held outside the dashboard");
            now.Pending.Find(new JobId(second.Id)).Should().NotBeNull();

            // The outside job ends: its GPUs come back and the waiting job gets them.
            await cluster.CliAsync("scancel", outside.ToString(System.Globalization.CultureInfo.InvariantCulture));
            var placed = await dashboard.WaitForAsync(SlurmDashboard.IsRunning(second.Id), "the second job to start once the outside job ended");
            placed.Snapshot.Running.Single(r => r.Job.Id.Value == second.Id).Allocation.Node.Should().Be("node2");
            var slurmId = await dashboard.SlurmJobOfAsync(second.Id);
            await SlurmCluster.EventuallyAsync(async () => await cluster.JobStateAsync(slurmId) == "RUNNING", "Slurm to run the second job on node2");

            await dashboard.Engine.CancelAsync(new JobId(first.Id), "alice");
            await dashboard.Engine.CancelAsync(new JobId(second.Id), "alice");
            await dashboard.WaitForAsync(u => SlurmDashboard.HasEnded(first.Id)(u) && SlurmDashboard.HasEnded(second.Id)(u), "both jobs cancelled");
        }
        finally
        {
            await cluster.CliAsync("scancel", outside.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public async Task An_outside_job_spanning_two_nodes_holds_its_gpus_cpus_and_memory_on_each_of_them()
    {
        await using var dashboard = await SlurmDashboard.StartAsync(cluster);
        var outside = long.Parse(await cluster.CliAsync("sbatch", "--parsable", "-N", "2", "-w", "node1,node2", "--gres=gpu:3", "-c", "2", "--mem=2G", "-o", "/dev/null", "--wrap", "sleep 300"), System.Globalization.CultureInfo.InvariantCulture);
        try
        {
            var held = await dashboard.WaitForAsync(
                u => u.Snapshot.Nodes.Count(n => n.Name is "node1" or "node2" && n.Note!.Contains($"held outside the dashboard: Slurm job {outside} (root): 3 GPUs, 2 CPUs, 2 GiB", StringComparison.Ordinal)) == 2,
                "the two-node outside job on both nodes' cards");
            foreach (var node in held.Snapshot.Nodes.Where(n => n.Name is "node1" or "node2"))
            {
                node.Gpus.Should().HaveCount(5, $"{node.Name} lends 3 of its 8 GPUs to the outside job");
                node.CpuMillicores.Should().Be(6000);
                node.MemoryMiB.Should().Be(16384 - 2048);
            }

            // Each node has five GPUs left: two five-GPU jobs take them, one per node; a sixth GPU is nowhere.
            var alice = dashboard.As("alice");
            var first = await SlurmDashboard.SubmitAsync(alice, "sleep 300", gpus: 5, name: "five-a");
            var second = await SlurmDashboard.SubmitAsync(alice, "sleep 300", gpus: 5, name: "five-b");
            var third = await SlurmDashboard.SubmitAsync(alice, "sleep 300", gpus: 1, name: "one-more");
            var placed = await dashboard.WaitForAsync(
                u => SlurmDashboard.IsRunning(first.Id)(u) && SlurmDashboard.IsRunning(second.Id)(u) && u.Explanations.ContainsKey(new JobId(third.Id)),
                "two five-GPU jobs running and the third job explained");
            placed.Snapshot.Running.Where(r => r.Job.Id.Value == first.Id || r.Job.Id.Value == second.Id).Select(r => r.Allocation.Node).Should().BeEquivalentTo(["node1", "node2"]);
            placed.Snapshot.Pending.Find(new JobId(third.Id)).Should().NotBeNull("the outside job's GPUs are never booked");
            foreach (var id in new[] { first.Id, second.Id, third.Id })
            {
                await dashboard.Engine.CancelAsync(new JobId(id), "alice");
            }

            await dashboard.WaitForAsync(u => SlurmDashboard.HasEnded(first.Id)(u) && SlurmDashboard.HasEnded(second.Id)(u) && SlurmDashboard.HasEnded(third.Id)(u), "the three jobs cancelled");
        }
        finally
        {
            await cluster.CliAsync("scancel", outside.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    [Fact]
    public async Task A_drain_set_in_slurm_shows_in_the_dashboard_and_one_set_in_the_dashboard_is_sent_to_slurm()
    {
        await using var dashboard = await SlurmDashboard.StartAsync(cluster);
        try
        {
            await cluster.CliAsync("scontrol", "update", "NodeName=node2", "State=DRAIN", "Reason=disk swap");
            await dashboard.WaitForAsync(u => u.Snapshot.Nodes.Any(n => n.Name == "node2" && n.State == NodeState.Draining && n.Note!.Contains("disk swap", StringComparison.Ordinal)), "node2 Draining after scontrol's drain");
            await cluster.CliAsync("scontrol", "update", "NodeName=node2", "State=RESUME");
            await dashboard.WaitForAsync(u => u.Snapshot.Nodes.Any(n => n.Name == "node2" && n.State == NodeState.Ready), "node2 Ready after scontrol's resume");

            (await dashboard.Engine.SetNodeStateAsync("node1", NodeState.Draining, "new fans", "admin")).Succeeded.Should().BeTrue();
            await SlurmCluster.EventuallyAsync(async () => (await cluster.CliAsync("scontrol", "show", "node", "node1")).Contains("State=IDLE+DRAIN", StringComparison.Ordinal), "Slurm to drain node1");
            (await cluster.CliAsync("scontrol", "show", "node", "node1")).Should().Contain("Reason=drained in the dashboard");
            (await dashboard.Engine.SetNodeStateAsync("node1", NodeState.Ready, null, "admin")).Succeeded.Should().BeTrue();
            await SlurmCluster.EventuallyAsync(async () => !(await cluster.CliAsync("scontrol", "show", "node", "node1")).Contains("DRAIN", StringComparison.Ordinal), "Slurm to resume node1");
            await dashboard.WaitForAsync(u => u.Snapshot.Nodes.Count(n => n.State == NodeState.Ready && n.Name is "node1" or "node2") == 2, "both nodes Ready");
        }
        finally
        {
            await cluster.CliAsync("scontrol", "update", "NodeName=node1,node2", "State=RESUME").ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    [Fact]
    public async Task A_node_taken_out_of_the_partition_goes_down_and_comes_back_when_it_returns()
    {
        await using var dashboard = await SlurmDashboard.StartAsync(cluster);
        try
        {
            await cluster.CliAsync("scontrol", "update", "PartitionName=dash", "Nodes=node1");
            await dashboard.WaitForAsync(u => u.Snapshot.Nodes.Any(n => n.Name == "node2" && n.State == NodeState.Down), "node2 Down once it left the partition");
        }
        finally
        {
            await cluster.CliAsync("scontrol", "update", "PartitionName=dash", "Nodes=node1,node2");
        }

        await dashboard.WaitForAsync(u => u.Snapshot.Nodes.Any(n => n.Name == "node2" && n.State == NodeState.Ready), "node2 Ready once it is back in the partition");
    }
}

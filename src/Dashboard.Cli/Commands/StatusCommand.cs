using System.CommandLine;
using System.Globalization;
using Dashboard.Api.Contracts;

namespace Dashboard.Cli.Commands;

/// <summary><c>dash status</c>: the cluster's totals and each node (like sinfo).</summary>
public static class StatusCommand
{
    public static Command Create(DashApp app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var status = new Command("status", "Show the cluster: GPUs, CPU and memory in use, queue, nodes.");
        status.SetAction((parsed, cancel) => app.WithClientAsync(parsed, async client =>
        {
            var cluster = await client.GetAsync<ClusterSummaryView>(ApiRoutes.Cluster, cancel).ConfigureAwait(false);
            if (!cluster.Succeeded)
            {
                return app.Fail(cluster);
            }

            var nodes = await client.GetAsync<List<NodeView>>(ApiRoutes.Nodes, cancel).ConfigureAwait(false);
            if (!nodes.Succeeded)
            {
                return app.Fail(nodes);
            }

            if (app.Json(parsed))
            {
                await app.Terminal.Out.WriteLineAsync(DashApp.Indented($"{{\"cluster\":{cluster.Json},\"nodes\":{nodes.Json}}}")).ConfigureAwait(false);
                return ExitCodes.Ok;
            }

            var c = cluster.Value!;
            var invariant = CultureInfo.InvariantCulture;
            await app.Terminal.Out.WriteLineAsync(string.Create(invariant, $"GPUs {c.GpusUsed}/{c.GpusTotal} in use, CPU {c.CpuUsed:0.##}/{c.CpuTotal:0.##} cores, memory {Sizes.Format(c.MemoryUsed)}/{Sizes.Format(c.MemoryTotal)}")).ConfigureAwait(false);
            await app.Terminal.Out.WriteLineAsync(string.Create(invariant, $"Jobs: {c.RunningJobs} running, {c.PendingJobs} pending. Nodes: {c.NodesReady} ready, {c.NodesDraining} draining, {c.NodesDown} down ({c.SimulatedNodes} simulated)")).ConfigureAwait(false);
            await app.Terminal.Out.WriteLineAsync().ConfigureAwait(false);
            await app.Terminal.Out.WriteAsync(TextTable.Render(
                ["NODE", "STATE", "GPUS", "CPU", "MEM", "GPU MODEL"],
                nodes.Value!.Select(n => (IReadOnlyList<string>)
                [
                    n.Name + (n.Simulated ? " (sim)" : string.Empty),
                    n.State,
                    string.Create(invariant, $"{n.GpusUsed}/{n.GpusTotal}"),
                    string.Create(invariant, $"{n.CpuUsed:0.##}/{n.CpuTotal:0.##}"),
                    $"{Sizes.Format(n.MemoryUsed)}/{Sizes.Format(n.MemoryTotal)}",
                    string.Join(',', n.Gpus.Select(g => g.Model).Distinct()) is { Length: > 0 } models ? models : "-",
                ]))).ConfigureAwait(false);
            return ExitCodes.Ok;
        }));
        return status;
    }
}

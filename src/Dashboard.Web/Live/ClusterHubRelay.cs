using Dashboard.Engine.Feed;
using Microsoft.AspNetCore.SignalR;

namespace Dashboard.Web.Live;

/// <summary>
/// Subscribes to the engine's feed once and forwards each coalesced update: the cluster summary and node changes to
/// every client, a job's changes only to the groups allowed to see that job (see <see cref="ClusterHub"/>).
/// </summary>
public sealed class ClusterHubRelay(ClusterFeed feed, IHubContext<ClusterHub, IClusterClient> hub) : IHostedService
{
    private IDisposable? subscription;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        subscription = feed.Subscribe(ForwardAsync);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        subscription?.Dispose();
        return Task.CompletedTask;
    }

    private async Task ForwardAsync(ClusterUpdate update)
    {
        var clients = hub.Clients.All;
        await clients.Summary(update.Summary).ConfigureAwait(false);
        var allocations = update.Events.OfType<AllocationMadeEvent>().GroupBy(a => a.Allocation.Job).ToDictionary(g => g.Key, g => g.Last());
        var simulatedNodes = update.Snapshot.Nodes.Where(n => n.Simulated).Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var change in update.Events)
        {
            switch (change)
            {
                case JobStateChangedEvent job:
                    var allocation = allocations.GetValueOrDefault(job.Job)?.Allocation;
                    var simulated = allocation is not null && simulatedNodes.Contains(allocation.Node);
                    // Only the job's owner, the leads of its team and the admins hear about it.
                    await hub.Clients.Groups(ClusterHub.UserGroup(job.Owner), ClusterHub.TeamGroup(job.Team), ClusterHub.AdminsGroup).JobChanged(new JobChangeMessage(
                        job.Job.Value, job.Owner, job.Team, job.From.ToString(), job.To.ToString(), job.Reason, allocation?.Node, allocation?.GpuIndices, simulated, job.At)).ConfigureAwait(false);
                    break;
                case NodeChangedEvent node:
                    await clients.NodeChanged(new NodeChangeMessage(
                        node.Node.Name, node.Node.State.ToString(), node.Node.Simulated, node.Node.Gpus.Length, node.Reason, node.At)).ConfigureAwait(false);
                    break;
                default:
                    break;
            }
        }
    }
}

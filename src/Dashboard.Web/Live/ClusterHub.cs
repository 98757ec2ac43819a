using Dashboard.Engine.Feed;
using Microsoft.AspNetCore.SignalR;

namespace Dashboard.Web.Live;

/// <summary>
/// Relays the engine's feed to external clients at /hubs/cluster. Clients only listen; every change goes through
/// the engine. Authorisation (who may see which jobs) plugs in at <see cref="ClusterHubRelay"/> with the roles issue.
/// </summary>
public sealed class ClusterHub(ClusterFeed feed) : Hub<IClusterClient>
{
    public const string Path = "/hubs/cluster";

    public override async Task OnConnectedAsync()
    {
        if (feed.Current is { } current)
        {
            await Clients.Caller.Summary(current.Summary).ConfigureAwait(false);
        }

        await base.OnConnectedAsync().ConfigureAwait(false);
    }
}

using System.Collections.Concurrent;
using Dashboard.Web.Identity;
using Microsoft.AspNetCore.SignalR;

namespace Dashboard.Web.Live;

/// <summary>An open hub connection: who opened it (as they were then) and the API token it presented, if any.</summary>
public sealed record LiveHubConnection(HubCallerContext Context, SignedInUser User, string? Token);

/// <summary>The hub connections open now, so <see cref="HubAccessRecheck"/> can close those that lost their right to listen.</summary>
public sealed class LiveHubConnections
{
    private readonly ConcurrentDictionary<string, LiveHubConnection> open = new(StringComparer.Ordinal);

    public int Count => open.Count;

    public void Add(LiveHubConnection connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        open[connection.Context.ConnectionId] = connection;
    }

    public void Remove(string connectionId) => open.TryRemove(connectionId, out _);

    public IReadOnlyList<LiveHubConnection> Snapshot() => [.. open.Values];
}

using Dashboard.Data.Users;
using Dashboard.Engine.Feed;
using Dashboard.Web.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;

namespace Dashboard.Web.Live;

/// <summary>
/// Relays the engine's feed to external clients at /hubs/cluster. Clients only listen; every change goes through
/// the engine. Only signed-in users connect, and each hears about the jobs its role may see: a member its own jobs,
/// a team lead its teams' jobs, an admin every job (the relay sends job events to these groups).
/// </summary>
[Authorize]
public sealed class ClusterHub(ClusterFeed feed, LiveHubConnections connections) : Hub<IClusterClient>
{
    public const string Path = "/hubs/cluster";
    public const string AdminsGroup = "admins";

    public static string UserGroup(string name) => $"user:{name}";

    public static string TeamGroup(string team) => $"team:{team}";

    public override async Task OnConnectedAsync()
    {
        var user = SignedInUser.From(Context.User);
        if (user is null)
        {
            Context.Abort();
            return;
        }

        // Kept so HubAccessRecheck can close the connection once the account or token loses its right to listen.
        var request = Context.GetHttpContext()?.Request;
        connections.Add(new LiveHubConnection(Context, user, request is null ? null : ApiTokenAuthentication.PresentedToken(request)));
        await Groups.AddToGroupAsync(Context.ConnectionId, UserGroup(user.Name)).ConfigureAwait(false);
        if (user.Role == UserRole.Admin)
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, AdminsGroup).ConfigureAwait(false);
        }
        else if (user.Role == UserRole.TeamLead)
        {
            foreach (var team in user.Teams)
            {
                await Groups.AddToGroupAsync(Context.ConnectionId, TeamGroup(team)).ConfigureAwait(false);
            }
        }

        if (feed.Current is { } current)
        {
            await Clients.Caller.Summary(current.Summary).ConfigureAwait(false);
        }

        await base.OnConnectedAsync().ConfigureAwait(false);
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        connections.Remove(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }
}

using Dashboard.Data.Users;
using Dashboard.Web.Identity;

namespace Dashboard.Web.Live;

/// <summary>
/// A hub connection is authorised once, when it opens; this service checks every open one again every
/// <see cref="AccountOptions.LiveConnectionRecheck"/> and closes it when its account is disabled or removed, its role or
/// teams changed (its groups were chosen by them; the client reconnects and gets the right ones), or the token it
/// presented was revoked. So a disabled account or a revoked token stops hearing events within seconds.
/// </summary>
public sealed partial class HubAccessRecheck(LiveHubConnections connections, UserStore users, ApiTokens tokens, AccountOptions options, TimeProvider time, ILogger<HubAccessRecheck> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.LiveConnectionRecheck > TimeSpan.Zero ? options.LiveConnectionRecheck : TimeSpan.FromSeconds(2);
        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    CloseThoseNoLongerAllowed();
                }
                catch (Exception error) when (error is not OperationCanceledException)
                {
                    // A failed check (the database busy or gone) must not stop the host: the next tick tries again.
                    LogCheckFailed(logger, error);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>Checks every open connection once; returns how many were closed.</summary>
    public int CloseThoseNoLongerAllowed()
    {
        // One look-up per account or token per check, however many connections (tabs, watchers) share it.
        var looked = new Dictionary<string, (UserAccount? Account, string? Refusal)>(StringComparer.Ordinal);
        var closed = 0;
        foreach (var connection in connections.Snapshot())
        {
            if (Refusal(connection, looked) is { } reason)
            {
                LogClosed(logger, connection.User.Name, reason);
                connections.Remove(connection.Context.ConnectionId);
                connection.Context.Abort();
                closed++;
            }
        }

        return closed;
    }

    private string? Refusal(LiveHubConnection connection, Dictionary<string, (UserAccount? Account, string? Refusal)> looked)
    {
        var key = connection.Token is { } token ? "token:" + token : "user:" + connection.User.Name;
        if (!looked.TryGetValue(key, out var found))
        {
            found = LookUp(connection);
            looked[key] = found;
        }

        if (found.Account is not { } account)
        {
            return found.Refusal;
        }

        var now = SignedInUser.Of(account);
        var then = connection.User;
        return now.Name == then.Name && now.Role == then.Role && now.Teams.Order(StringComparer.Ordinal).SequenceEqual(then.Teams.Order(StringComparer.Ordinal), StringComparer.Ordinal)
            ? null
            : "the account's role or teams changed";
    }

    /// <summary>The account behind a connection as it stands now, or why it no longer stands.</summary>
    private (UserAccount? Account, string? Refusal) LookUp(LiveHubConnection connection)
    {
        if (connection.Token is { } token)
        {
            var (account, refusal) = tokens.Authenticate(token);
            return account is null ? (null, refusal ?? "the token was refused") : (account, null);
        }

        return users.Find(connection.User.Name) is { Enabled: true } user ? (user, null) : (null, "the account is disabled or removed");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not check the open hub connections; trying again at the next interval")]
    private static partial void LogCheckFailed(ILogger logger, Exception error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Closed a hub connection of {Account}: {Reason}")]
    private static partial void LogClosed(ILogger logger, string account, string reason);
}

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
        var closed = 0;
        foreach (var connection in connections.Snapshot())
        {
            if (Refusal(connection) is { } reason)
            {
                LogClosed(logger, connection.User.Name, reason);
                connections.Remove(connection.Context.ConnectionId);
                connection.Context.Abort();
                closed++;
            }
        }

        return closed;
    }

    private string? Refusal(LiveHubConnection connection)
    {
        UserAccount? account;
        if (connection.Token is { } token)
        {
            (account, var refusal) = tokens.Authenticate(token);
            if (account is null)
            {
                return refusal ?? "the token was refused";
            }
        }
        else
        {
            account = users.Find(connection.User.Name);
            if (account is not { Enabled: true })
            {
                return "the account is disabled or removed";
            }
        }

        var now = SignedInUser.Of(account);
        var then = connection.User;
        return now.Name == then.Name && now.Role == then.Role && now.Teams.Order(StringComparer.Ordinal).SequenceEqual(then.Teams.Order(StringComparer.Ordinal), StringComparer.Ordinal)
            ? null
            : "the account's role or teams changed";
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not check the open hub connections; trying again at the next interval")]
    private static partial void LogCheckFailed(ILogger logger, Exception error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Closed a hub connection of {Account}: {Reason}")]
    private static partial void LogClosed(ILogger logger, string account, string reason);
}

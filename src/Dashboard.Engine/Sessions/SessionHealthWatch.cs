using System.Net.Http.Headers;
using Microsoft.Extensions.Hosting;

namespace Dashboard.Engine.Sessions;

/// <summary>
/// Asks each starting session's health path, every <see cref="SessionSettings.HealthPollInterval"/> on the injected
/// clock, until it answers (any status below 500: a login page or a 403 still means the server is up); the session
/// is then ready and its page offers Connect. It connects only to the session job's own listener
/// (<see cref="SessionListenerGuard"/>): a port held by a process outside the session is never asked (it would get the
/// session's token), the session stays starting with the reason on its page (<see cref="SessionEndpoint.ListenerProblem"/>)
/// and is asked again at the next poll; the session's own server, unable to listen on a taken port, usually exits, and
/// the session ends with its job.
/// </summary>
public sealed class SessionHealthWatch(SessionEndpoints endpoints, TimeProvider time) : BackgroundService
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(2);

    private readonly HttpClient client = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        UseCookies = false,
        ConnectCallback = SessionListenerGuard.ConnectAsync,
    })
    {
        Timeout = AskTimeout,
    };

    /// <summary>Asks every session that is not yet ready once; returns how many became ready.</summary>
    public async Task<int> CheckOnceAsync(CancellationToken cancellationToken)
    {
        var ready = 0;
        foreach (var endpoint in endpoints.All.Where(e => !e.IsReady))
        {
            var problemBefore = endpoint.ListenerProblem;
            var answered = await AnswersAsync(endpoint, cancellationToken).ConfigureAwait(false);
            if (answered)
            {
                endpoint.MarkReady(time.GetUtcNow());
                endpoints.Announce(endpoint.Job);
                ready++;
            }
            else if (!string.Equals(endpoint.ListenerProblem, problemBefore, StringComparison.Ordinal))
            {
                // The page shows (or stops showing) why the session is still starting.
                endpoints.Announce(endpoint.Job);
            }
        }

        return ready;
    }

    public static string HealthUrl(SessionEndpoint endpoint, SessionTypeOptions type)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(type);
        var path = type.HealthPath.Replace("{base}", endpoint.BasePath, StringComparison.Ordinal).Replace("//", "/", StringComparison.Ordinal);
        return $"http://127.0.0.1:{endpoint.Port}{path}";
    }

    public override void Dispose()
    {
        client.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(endpoints.Types.Options.HealthPollInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await CheckOnceAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
            // The server is stopping.
        }
    }

    private async Task<bool> AnswersAsync(SessionEndpoint endpoint, CancellationToken cancellationToken)
    {
        if (endpoints.Types.Find(endpoint.Type) is not { } type)
        {
            return false;
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, HealthUrl(endpoint, type));
        request.Options.Set(SessionListenerGuard.EndpointKey, endpoint);
        if (type.TokenVariable.Length > 0)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("token", endpoint.Token);
        }

        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            endpoint.ReportListenerProblem(null);
            return (int)response.StatusCode < 500;
        }
        catch (Exception error) when (error is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            endpoint.ReportListenerProblem(SessionListenerRefusedException.In(error)?.Reason);
            return false;
        }
    }
}

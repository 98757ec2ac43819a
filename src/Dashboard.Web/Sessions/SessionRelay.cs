using System.Diagnostics;
using System.Net;
using Dashboard.Engine.Sessions;
using Dashboard.Web.Api;
using Yarp.ReverseProxy.Forwarder;

namespace Dashboard.Web.Sessions;

/// <summary>
/// The last step of both proxies (the dashboard's <c>/sessions/{id}/</c> and a session's own origin): a request
/// admitted to a ready session is forwarded to its server on its loopback port and counted as its browser traffic.
/// Each new upstream connection goes only to the session job's own listener (<see cref="SessionListenerGuard"/>); a
/// port held by another process answers 502 with the reason, and that process is sent nothing (no cookie, no token).
/// </summary>
public static class SessionRelay
{
    private static readonly HttpMessageInvoker Client = new(new SocketsHttpHandler
    {
        UseProxy = false,
        AllowAutoRedirect = false,
        AutomaticDecompression = DecompressionMethods.None,
        UseCookies = false,
        EnableMultipleHttp2Connections = false,
        ActivityHeadersPropagator = new ReverseProxyPropagator(DistributedContextPropagator.CreateNoOutputPropagator()),
        ConnectTimeout = TimeSpan.FromSeconds(10),
        ConnectCallback = SessionListenerGuard.ConnectAsync,
    });

    /// <summary>Answers 503 with Retry-After when the session's server has not answered its health path yet.</summary>
    public static async Task<bool> RefusedAsNotReadyAsync(HttpContext context, SessionEndpoint endpoint)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(endpoint);
        if (endpoint.IsReady)
        {
            return false;
        }

        context.Response.Headers.RetryAfter = "2";
        await ApiProblems.Problem(StatusCodes.Status503ServiceUnavailable, "Session starting", $"Session {endpoint.Job}'s server has not answered yet; try again in a moment.").ExecuteAsync(context).ConfigureAwait(false);
        return true;
    }

    public static async Task ForwardAsync(HttpContext context, IHttpForwarder forwarder, SessionEndpoint endpoint, SessionTypeOptions type, TimeProvider time, string signInCookie)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(forwarder);
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(time);
        if (await RefusedAsNotReadyAsync(context, endpoint).ConfigureAwait(false))
        {
            return;
        }

        endpoint.RecordTraffic(time.GetUtcNow());
        var forwarding = new SessionForwarding(endpoint, type, signInCookie);
        var error = await forwarder.SendAsync(context, $"http://127.0.0.1:{endpoint.Port}", Client, ForwarderRequestConfig.Empty, forwarding).ConfigureAwait(false);
        if (error != ForwarderError.None && !context.Response.HasStarted
            && SessionListenerRefusedException.In(context.Features.Get<IForwarderErrorFeature>()?.Exception) is { } refused)
        {
            endpoint.ReportListenerProblem(refused.Reason);
            await ApiProblems.Problem(StatusCodes.Status502BadGateway, "Not this session's server", $"Session {endpoint.Job}: {refused.Reason}; nothing was sent to it.").ExecuteAsync(context).ConfigureAwait(false);
        }
        else if (error == ForwarderError.None && endpoint.ListenerProblem is not null)
        {
            endpoint.ReportListenerProblem(null);
        }
        else if (error != ForwarderError.None && !context.Response.HasStarted)
        {
            await ApiProblems.Problem(StatusCodes.Status502BadGateway, "Session unreachable", $"Session {endpoint.Job}'s server did not answer ({error}).").ExecuteAsync(context).ConfigureAwait(false);
        }
    }
}

using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using Dashboard.Api.Contracts;
using Dashboard.Engine.Sessions;
using Dashboard.Web.Tests.Api;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Sessions;

/// <summary>
/// A real dashboard on a Kestrel socket whose own host is the only node (no demo nodes), so sessions really run here:
/// the generic web type (python3 -m http.server) and Jupyter, both small enough for a test machine. Browser-like
/// clients sign in with the cookie (the proxy takes no API token); API calls use tokens.
/// </summary>
public class SessionHost : IAsyncLifetime
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    private readonly List<HttpClient> clients = [];

    public SessionHost()
        : this(null, new Dictionary<string, string>())
    {
    }

    /// <summary>A host on <paramref name="clock"/> (the system clock when null) with <paramref name="settings"/> added.</summary>
    protected SessionHost(TimeProvider? clock, IReadOnlyDictionary<string, string> settings)
    {
        Api = new ApiHost(new DashboardFactory
        {
            LocalNode = true,
            Clock = clock,
            Settings = new Dictionary<string, string>(settings)
            {
                ["Cluster:DemoNodes:Enabled"] = "false",
                ["Sessions:HealthPollInterval"] = "00:00:00.100",
                ["Sessions:Types:0:Gpus"] = "0",
                ["Sessions:Types:0:CpuCores"] = "0.5",
                ["Sessions:Types:0:MemoryMiB"] = "1024",
                ["Sessions:Types:1:CpuCores"] = "0.1",
                ["Sessions:Types:1:MemoryMiB"] = "256",
            },
        });
    }

    public ApiHost Api { get; }

    public Uri Address => Api.Address;

    public SessionEndpoints Endpoints => Api.Factory.Services.GetRequiredService<SessionEndpoints>();

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => await Api.InitializeAsync();

    public virtual async ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        foreach (var client in clients)
        {
            client.Dispose();
        }

        await Api.DisposeAsync();
    }

    /// <summary>A browser-like client signed in by cookie as <paramref name="user"/>; it says its requests come from this site, as a browser's own pages do.</summary>
    public async Task<HttpClient> BrowserAsync(string user)
    {
        var (client, _) = await SignIn.OverSocketAsync(Api.Factory, user);
        client.DefaultRequestHeaders.Add("Sec-Fetch-Site", "same-origin");
        clients.Add(client);
        return client;
    }

    /// <summary>Starts a web session serving a page that names <paramref name="marker"/>, as <paramref name="user"/>, and waits until it is ready.</summary>
    public async Task<SessionView> StartWebAsync(string user, string team, string marker)
    {
        var session = await StartAsync(user, new SessionStartRequest("web", team, 0, "30m", $"echo {marker} > index.html; exec python3 -m http.server --bind 127.0.0.1 \"$PORT\""));
        return await ReadyAsync(user, session.Id);
    }

    public async Task<SessionView> StartAsync(string user, SessionStartRequest request)
    {
        using var response = await Api.As(user).PostAsJsonAsync(new Uri(ApiRoutes.Sessions, UriKind.Relative), request, Cancel);
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Cancel));
        return (await response.Content.ReadFromJsonAsync<SessionView>(Cancel))!;
    }

    public async Task<SessionView> ReadAsync(string user, long id) =>
        (await Api.As(user).GetFromJsonAsync<SessionView>(new Uri(ApiRoutes.Sessions + "/" + id.ToString(CultureInfo.InvariantCulture), UriKind.Relative), Cancel))!;

    /// <summary>Waits (polling the API: the health watch polls the server) until the session is ready.</summary>
    public Task<SessionView> ReadyAsync(string user, long id) => UntilAsync(user, id, s => s.Status == "ready");

    public async Task<SessionView> UntilAsync(string user, long id, Func<SessionView, bool> reached)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(Cancel);
        patience.CancelAfter(Patience);
        SessionView last;
        do
        {
            last = await ReadAsync(user, id);
            if (reached(last))
            {
                return last;
            }
        }
        while (await timer.WaitForNextTickAsync(patience.Token));
        return last;
    }
}

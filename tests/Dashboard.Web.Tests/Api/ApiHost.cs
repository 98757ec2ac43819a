using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Dashboard.Api.Contracts;
using Dashboard.Data.Users;
using Dashboard.Engine.Feed;
using Dashboard.Engine.Loop;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Api;

/// <summary>
/// The real app on a real Kestrel socket for API tests, with one personal token per demo account (made through
/// <see cref="ApiTokens"/>, as the tokens page makes them) and clients that send it.
/// </summary>
public sealed class ApiHost : IAsyncLifetime
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, string> tokens = new(StringComparer.Ordinal);
    private readonly List<HttpClient> clients = [];

    public ApiHost()
        : this(new DashboardFactory())
    {
    }

    internal ApiHost(DashboardFactory factory) => Factory = factory;

    public DashboardFactory Factory { get; }

    public Uri Address { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Factory.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
        Factory.StartServer();
        await Factory.AccountsReady.WaitAsync(Patience, TestContext.Current.CancellationToken);
        await Factory.Services.GetRequiredService<EngineLoop>().Started.WaitAsync(Patience, TestContext.Current.CancellationToken);
        using var probe = Factory.CreateClient();
        Address = probe.BaseAddress!;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in clients)
        {
            client.Dispose();
        }

        await Factory.DisposeAsync();
    }

    /// <summary>A personal token of <paramref name="user"/> (one per user, made on first use).</summary>
    public string TokenOf(string user)
    {
        lock (tokens)
        {
            if (!tokens.TryGetValue(user, out var token))
            {
                var account = Factory.Services.GetRequiredService<UserStore>().Find(user)!;
                var outcome = Factory.Services.GetRequiredService<ApiTokens>().Create(SignedInUser.Of(account), "tests");
                outcome.Succeeded.Should().BeTrue(outcome.Error);
                token = outcome.Created!.Secret;
                tokens[user] = token;
            }

            return token;
        }
    }

    /// <summary>A client that sends <paramref name="user"/>'s token; anonymous for an empty name.</summary>
    public HttpClient As(string user) => WithToken(user.Length == 0 ? null : TokenOf(user));

    public HttpClient WithToken(string? token)
    {
        var client = new HttpClient { BaseAddress = Address };
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        lock (clients)
        {
            clients.Add(client);
        }

        return client;
    }

    /// <summary>
    /// <paramref name="client"/>'s view of job <paramref name="id"/>, read once the engine has published a state in which
    /// <paramref name="reached"/> holds (e.g. <see cref="IsRunning"/>). The wait is on the engine's feed, which sees every
    /// publication and needs no clock to move; a publication follows its commit, so the API answers from that state or a later one.
    /// </summary>
    public async Task<JobView> JobOnceAsync(HttpClient client, long id, Func<ClusterUpdate, bool> reached)
    {
        ArgumentNullException.ThrowIfNull(client);
        await Engine.Feed.WaitForAsync(reached, TestContext.Current.CancellationToken).WaitAsync(Patience, TestContext.Current.CancellationToken);
        return await ReadJobAsync(client, id);
    }

    /// <summary>
    /// Completes once every command the engine was sent before it has been applied, committed and handed to the executors:
    /// round trips through the single writer with a command that changes nothing (a cancel of job 0, which never exists, is
    /// refused without a write). A batch answers before it hands work on, and the first trip may share a batch with what
    /// came before: the second cannot, so once it is answered that batch's hand-offs are done too.
    /// </summary>
    public async Task EngineRoundTripAsync()
    {
        for (var trip = 0; trip < 2; trip++)
        {
            var refused = await Engine.CancelAsync(new JobId(0), "tests").WaitAsync(Patience, TestContext.Current.CancellationToken);
            refused.Succeeded.Should().BeFalse("job 0 never exists, so the round trip changes nothing");
        }
    }

    /// <summary>
    /// Completes once the waiting jobs' explanations (computed off the writer) belong to the state published after every
    /// command sent before: a round trip through the writer, then a wait on the feed for explanations of that version or newer.
    /// </summary>
    public async Task ExplanationsCaughtUpAsync()
    {
        await EngineRoundTripAsync();
        var version = Engine.Feed.Current?.Version ?? 0;
        await Engine.Feed.WaitForAsync(u => u.ExplanationsVersion >= version, TestContext.Current.CancellationToken).WaitAsync(Patience, TestContext.Current.CancellationToken);
    }

    public ClusterEngine Engine => Factory.Services.GetRequiredService<ClusterEngine>();

    /// <summary>The job is running (it holds its allocation).</summary>
    public static Func<ClusterUpdate, bool> IsRunning(long id) => u => u.Snapshot.Running.Any(r => r.Job.Id.Value == id);

    /// <summary>The job has ended: a submitted job is in the snapshot until it ends, so one in neither queue has ended.</summary>
    public static Func<ClusterUpdate, bool> HasEnded(long id) => u => u.Snapshot.Pending.Find(new JobId(id)) is null && !IsRunning(id)(u);

    /// <summary>The job waits and the scheduler has said why (and when it expects it to start).</summary>
    public static Func<ClusterUpdate, bool> IsExplained(long id) => u => u.Snapshot.Pending.Find(new JobId(id)) is not null && u.Explanations.ContainsKey(new JobId(id));

    public static async Task<JobView> ReadJobAsync(HttpClient client, long id)
    {
        ArgumentNullException.ThrowIfNull(client);
        return (await client.GetFromJsonAsync<JobView>(new Uri(ApiRoutes.Job(id), UriKind.Relative), TestContext.Current.CancellationToken))!;
    }

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    /// <summary>A valid request to submit: a small CPU job with a walltime, to team <paramref name="team"/>.</summary>
    public static string SubmitJson(string team, int gpus = 0, string name = "api-job", string walltime = "1h") =>
        $$"""{"name": "{{name}}", "command": "sleep 1", "team": "{{team}}", "gpus": {{gpus}}, "cpu": 1, "memory": 2, "walltime": "{{walltime}}"}""";

    public static async Task<JobView> SubmitAsync(HttpClient client, string team, int gpus = 0, string name = "api-job")
    {
        using var content = Json(SubmitJson(team, gpus, name));
        using var response = await client.PostAsync(new Uri(ApiRoutes.Jobs, UriKind.Relative), content, TestContext.Current.CancellationToken);
        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        return (await response.Content.ReadFromJsonAsync<JobView>(TestContext.Current.CancellationToken))!;
    }

    public static async Task<ApiProblem> ProblemOf(HttpResponseMessage response)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json");
        return (await response.Content.ReadFromJsonAsync<ApiProblem>(TestContext.Current.CancellationToken))!;
    }
}

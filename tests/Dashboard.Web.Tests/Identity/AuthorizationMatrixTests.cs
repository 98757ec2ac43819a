using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Identity;

/// <summary>
/// Every role (and anonymous) against every page and endpoint, each cell asserted, both as a browser (asks for
/// HTML: redirected) and as a script (does not: status codes). Job actions (submit, cancel) are checked where every
/// path goes through them, in <see cref="Commands.ClusterCommandsTests"/>; the hub in <see cref="ClusterHubAccessTests"/>.
/// </summary>
public sealed class AuthorizationMatrixTests(DashboardFactory factory) : IClassFixture<DashboardFactory>
{
    public enum Cell
    {
        /// <summary>200 with the page or document.</summary>
        Allowed,

        /// <summary>Not signed in: a browser is redirected to sign in, a script gets 401.</summary>
        SignInFirst,

        /// <summary>Signed in, but the role does not allow it: a browser is redirected to /account/denied, a script gets 403.</summary>
        Forbidden,
    }

    private const string Anonymous = "";

    public static TheoryData<string, string, Cell> Matrix()
    {
        var data = new TheoryData<string, string, Cell>();
        string[] everyone = ["/", "/jobs", "/jobs/new", "/quotas", "/account/tokens", "/timeline", "/sessions/new"];
        // The in-memory test server's requests come from no address, so /metrics is admin-only here: scrapes from
        // loopback and with the scrape token are checked over a real socket in MetricsScrapeAccessTests.
        string[] adminOnly = ["/admin/quotas", "/admin/nodes", "/admin/users", "/admin/audit", "/admin/audit.csv", "/metrics"];
        string[] open = ["/account/login", "/account/denied", "/account/setup", "/healthz", "/readyz", "/app.css"];
        string[] usage = ["/usage", "/usage/table.csv", "/usage/series.csv"];
        foreach (var user in new[] { Anonymous, "alice", "lead", "admin" })
        {
            foreach (var path in everyone)
            {
                data.Add(user, path, user == Anonymous ? Cell.SignInFirst : Cell.Allowed);
            }

            foreach (var path in adminOnly)
            {
                data.Add(user, path, user switch { Anonymous => Cell.SignInFirst, "admin" => Cell.Allowed, _ => Cell.Forbidden });
            }

            foreach (var path in open)
            {
                data.Add(user, path, Cell.Allowed);
            }

            // Usage: every signed-in role, each answered with what it may see (checked in UsageAccessTests).
            foreach (var path in usage)
            {
                data.Add(user, path, user == Anonymous ? Cell.SignInFirst : Cell.Allowed);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task Each_role_reaches_exactly_what_it_may(string user, string path, Cell expected)
    {
        using var browser = await ClientAsync(user, html: true);
        using var script = await ClientAsync(user, html: false);
        var cancel = TestContext.Current.CancellationToken;

        using var asBrowser = await browser.GetAsync(new Uri(path, UriKind.Relative), cancel);
        using var asScript = await script.GetAsync(new Uri(path, UriKind.Relative), cancel);

        switch (expected)
        {
            case Cell.Allowed:
                asBrowser.StatusCode.Should().Be(HttpStatusCode.OK);
                asScript.StatusCode.Should().Be(HttpStatusCode.OK);
                break;
            case Cell.SignInFirst:
                asBrowser.StatusCode.Should().Be(HttpStatusCode.Redirect);
                asBrowser.Headers.Location!.ToString().Should().Contain("/account/login?ReturnUrl=");
                asScript.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
                break;
            case Cell.Forbidden:
                asBrowser.StatusCode.Should().Be(HttpStatusCode.Redirect);
                asBrowser.Headers.Location!.ToString().Should().Contain("/account/denied");
                asScript.StatusCode.Should().Be(HttpStatusCode.Forbidden);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(expected));
        }
    }

    /// <summary>The REST API with the cookie: 401 (never a redirect, even for a browser) without sign-in; the quota write for admins only.</summary>
    [Theory]
    [InlineData("", "/api/v1/cluster", 401)]
    [InlineData("", "/api/v1/jobs", 401)]
    [InlineData("", "/api/v1/me", 401)]
    [InlineData("alice", "/api/v1/cluster", 200)]
    [InlineData("alice", "/api/v1/nodes", 200)]
    [InlineData("alice", "/api/v1/teams", 200)]
    [InlineData("alice", "/api/v1/jobs", 200)]
    [InlineData("lead", "/api/v1/jobs?mine=false", 200)]
    [InlineData("admin", "/api/v1/me", 200)]
    [InlineData("", "/openapi/v1.json", 200)]
    [InlineData("", "/scalar/v1", 200)]
    public async Task Api_paths_answer_by_sign_in_never_by_redirect(string user, string path, int expected)
    {
        using var browser = await ClientAsync(user, html: true);

        using var response = await browser.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);

        ((int)response.StatusCode).Should().Be(expected);
    }

    [Theory]
    [InlineData("", 401)]
    [InlineData("alice", 403)]
    [InlineData("lead", 403)]
    public async Task Only_admins_may_put_a_quota(string user, int expected)
    {
        using var script = await ClientAsync(user, html: false);
        using var body = new StringContent("{}", System.Text.Encoding.UTF8, "application/json");

        using var response = await script.PutAsync(new Uri("/api/v1/teams/vision/quota", UriKind.Relative), body, TestContext.Current.CancellationToken);

        ((int)response.StatusCode).Should().Be(expected);
        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json");
    }

    [Theory]
    [InlineData("")]
    [InlineData("alice")]
    [InlineData("admin")]
    public async Task The_hub_negotiates_only_for_a_signed_in_user(string user)
    {
        using var script = await ClientAsync(user, html: false);

        using var negotiate = await script.PostAsync(new Uri("/hubs/cluster/negotiate?negotiateVersion=1", UriKind.Relative), null, TestContext.Current.CancellationToken);

        negotiate.StatusCode.Should().Be(user == Anonymous ? HttpStatusCode.Unauthorized : HttpStatusCode.OK);
    }

    /// <summary>
    /// The visibility rule, cell by cell: bob's (nlp) running job, named <see cref="SecretJobName"/>, as each role
    /// reads it on every surface. Its owner and an admin read its name and owner everywhere; alice (a vision member)
    /// and the vision lead read neither anywhere: not on the Cluster page's tiles, not on its page, not in the API's
    /// job and node lists, not through a resubmission, not in its log.
    /// </summary>
    public static TheoryData<string, string, bool> Visibility()
    {
        var data = new TheoryData<string, string, bool>();
        string[] surfaces = ["/", "/jobs/{id}", "/jobs/new?from={id}", "/api/v1/jobs/{id}", "/api/v1/jobs?mine=false", "/api/v1/nodes", "/api/v1/jobs/{id}/logs"];
        foreach (var (user, sees) in new[] { ("alice", false), ("lead", false), ("bob", true), ("admin", true) })
        {
            foreach (var surface in surfaces)
            {
                data.Add(user, surface, sees);
            }
        }

        return data;
    }

    public const string SecretJobName = "nlp-secret-experiment";

    [Theory]
    [MemberData(nameof(Visibility))]
    public async Task A_jobs_name_and_owner_reach_only_those_who_may_open_it(string user, string surface, bool sees)
    {
        var job = await BobsRunningJobAsync();
        var path = surface.Replace("{id}", job.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
        using var client = await ClientAsync(user, html: !path.StartsWith("/api/", StringComparison.Ordinal));

        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);

        var forbiddenApi = !sees && (surface is "/api/v1/jobs/{id}" or "/api/v1/jobs/{id}/logs");
        ((int)response.StatusCode).Should().Be(forbiddenApi ? 403 : 200, body);
        if (surface is "/api/v1/nodes" or "/api/v1/jobs/{id}/logs")
        {
            // The node list names a GPU's job and team only; a simulated job's log is empty.
            body.Should().NotContain(SecretJobName);
            if (surface == "/api/v1/nodes")
            {
                body.Should().Contain($"\"job\":{job}").And.Contain("\"team\":\"nlp\"").And.NotContain("bob");
            }
        }
        else if (sees)
        {
            body.Should().Contain(SecretJobName, $"{user} may open the job, so {path} names it");
        }
        else
        {
            body.Should().NotContain(SecretJobName, $"{user} may not open bob's job, so {path} must not name it");
            body.Should().NotContain("\"owner\":\"bob\"").And.NotContain("Owner bob").And.NotContain("bob (nlp)");
        }
    }

    /// <summary>bob's job, submitted once per host and running on a demo node, in the engine's published state.</summary>
    private async Task<long> BobsRunningJobAsync()
    {
        var engine = factory.Services.GetRequiredService<Dashboard.Engine.Loop.ClusterEngine>();
        await factory.Services.GetRequiredService<Dashboard.Engine.Loop.EngineLoop>().Started.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
        var running = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var watching = engine.Feed.Subscribe(update =>
        {
            if (update.Snapshot.Running.FirstOrDefault(r => r.Job.Spec.Name == SecretJobName) is { } found)
            {
                running.TrySetResult(found.Job.Id.Value);
            }

            return Task.CompletedTask;
        });
        if (engine.Feed.Current?.Snapshot.Running.FirstOrDefault(r => r.Job.Spec.Name == SecretJobName) is { } already)
        {
            return already.Job.Id.Value;
        }

        var spec = new Dashboard.Scheduling.Model.JobSpec(
            SecretJobName, "bob", "nlp", "python secret.py", new Dashboard.Scheduling.Model.ResourceRequest(1, 1000, 1024), Walltime: TimeSpan.FromHours(1));
        var submitted = await engine.SubmitAsync(spec, "bob");
        submitted.Job.Should().NotBeNull(submitted.ToString());
        return await running.Task.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
    }

    private async Task<HttpClient> ClientAsync(string user, bool html)
    {
        var options = new WebApplicationFactoryClientOptions { AllowAutoRedirect = false };
        HttpClient client;
        if (user == Anonymous)
        {
            client = factory.CreateClient(options);
        }
        else
        {
            await factory.AccountsReady.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
            client = factory.CreateClient(options);
            using var signedIn = await SignIn.PostAsync(client, user, SignIn.PasswordOf(user));
            signedIn.StatusCode.Should().Be(HttpStatusCode.Redirect, $"{user} signs in and is sent on");
        }

        if (html)
        {
            client.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("text/html"));
        }

        return client;
    }
}

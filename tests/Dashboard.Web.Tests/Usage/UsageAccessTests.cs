using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Dashboard.Data.UsageHistory;
using Dashboard.Scheduling.Accounting;
using Dashboard.Web.Usage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Dashboard.Web.Tests.Usage;

/// <summary>
/// The usage page, its CSV downloads and the JSON API on a real Kestrel socket over a demo history: who sees which
/// teams' and users' rows, and that the table matches the recorded jobs exactly.
/// </summary>
public sealed partial class UsageAccessTests(UsageAccessTests.Host host) : IClassFixture<UsageAccessTests.Host>
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly DashboardFactory factory = host.Factory;

    /// <summary>One app with 20 days of demo history on a real socket, shared by this class's tests (they only read).</summary>
    public sealed class Host : IAsyncLifetime
    {
        public DashboardFactory Factory { get; } = new() { UsageDemoHistoryDays = 20 };

        public ValueTask InitializeAsync()
        {
            Factory.UseKestrel(options => options.Listen(IPAddress.Loopback, 0));
            Factory.StartServer();
            return ValueTask.CompletedTask;
        }

        public ValueTask DisposeAsync() => Factory.DisposeAsync();
    }

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    private async Task<HttpClient> As(string user) => (await SignIn.OverSocketAsync(factory, user)).Client;

    private static async Task<UsageJson.TableBody> Table(HttpClient client, string query)
    {
        using var response = await client.GetAsync(new Uri(UsageEndpoints.TableApiPath + query, UriKind.Relative), Cancel);
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Cancel));
        return (await response.Content.ReadFromJsonAsync<UsageJson.TableBody>(Json, Cancel))!;
    }

    [GeneratedRegex("<!--.*?-->", RegexOptions.Singleline)]
    private static partial Regex HtmlComment();

    private static async Task<string> Text(HttpClient client, string path, HttpStatusCode expected = HttpStatusCode.OK)
    {
        using var response = await client.GetAsync(new Uri(path, UriKind.Relative), Cancel);
        var body = await response.Content.ReadAsStringAsync(Cancel);
        response.StatusCode.Should().Be(expected, body);
        return body;
    }

    [Fact]
    public async Task Reserved_time_is_charged_to_the_team_in_the_table_and_series_of_the_API_and_the_CSV_and_not_in_a_members_view()
    {
        // 30 minutes of vision's booking of 2 GPUs, 1 of them idle: 1 reserved GPU-hour, 0.5 reserved and idle.
        var store = factory.Services.GetRequiredService<UsageHistoryStore>();
        var now = factory.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        // Inside one whole past hour: never in the bucket that holds now (averaged over its elapsed part only).
        var first = UsageSplit.AlignDown(now, TimeSpan.FromHours(1)).AddHours(-2);
        store.WriteSamples(Enumerable.Range(0, 30).Select(m => new MinuteSamples([], [], null, [new ReservationSample("vision", first.AddMinutes(m), 2, 1)])));
        store.RollUp(now);
        using var lead = await As("lead");
        using var alice = await As("alice");

        var row = (await Table(lead, "?range=24h")).Rows.Single(r => r.Team == "vision");
        (row.ReservedGpuHours, row.ReservedIdleGpuHours).Should().Be((1.0, 0.5));
        var series = await lead.GetFromJsonAsync<UsageJson.SeriesBody>(UsageEndpoints.SeriesApiPath + "?range=24h", Json, Cancel);
        var bucketHours = series!.Range.BucketMinutes / 60;
        series.ReservedIdleGpus!.Sum().Should().BeApproximately(0.5 / bucketHours, 1e-9, "mean idle GPUs per bucket times its hours are the idle GPU-hours");
        series.ReservedGpus!.Sum().Should().BeApproximately(1.0 / bucketHours, 1e-9);
        var csv = (await Text(lead, UsageEndpoints.TableCsvPath + "?range=24h")).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        csv.Single(line => line.StartsWith("vision,", StringComparison.Ordinal)).Should().EndWith(",1,0.5");
        var mine = await alice.GetFromJsonAsync<UsageJson.SeriesBody>(UsageEndpoints.SeriesApiPath + "?range=24h", Json, Cancel);
        mine!.ReservedGpus.Should().BeNull("a member sees their own jobs; reserved time is the team's");
        (await Table(alice, "?range=24h")).Rows.Should().OnlyContain(r => r.ReservedGpuHours == 0);
    }

    [Fact]
    public async Task A_team_lead_sees_only_their_teams_rows_through_the_page_the_CSV_and_the_API()
    {
        using var lead = await As("lead");

        (await Table(lead, "?range=30d")).Rows.Select(r => r.Team).Should().Equal("vision");
        (await Table(lead, "?range=30d&group=user")).Rows.Should().NotBeEmpty().And.OnlyContain(r => r.Team == "vision")
            .And.Contain(r => r.User == "alice").And.NotContain(r => r.User == "bob");
        var series = await lead.GetFromJsonAsync<UsageJson.SeriesBody>(UsageEndpoints.SeriesApiPath + "?range=7d&group=user", Json, Cancel);
        series!.Series.Should().NotBeEmpty().And.OnlyContain(s => s.Team == "vision");
        series.CapacityGpus.Should().Be(8, "two demo nodes of four GPUs");

        var tableCsv = (await Text(lead, UsageEndpoints.TableCsvPath + "?range=30d&group=user")).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        tableCsv[0].Should().Be(UsageCsv.TableHeader);
        tableCsv.Skip(1).Should().NotBeEmpty().And.OnlyContain(line => line.StartsWith("vision,", StringComparison.Ordinal));
        var seriesCsv = (await Text(lead, UsageEndpoints.SeriesCsvPath + "?range=7d")).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        seriesCsv.Skip(1).Should().NotBeEmpty().And.OnlyContain(line => line.Split(',')[1] == "vision");

        // Blazor's prerendered page carries encrypted component state in HTML comments, random base64 that may spell
        // "bob" by chance: only what is outside comments is what the page shows.
        var page = HtmlComment().Replace(await Text(lead, "/usage"), string.Empty);
        page.Should().Contain("id=\"usage-table\"").And.Contain("data-key=\"vision\"").And.NotContain("data-key=\"nlp\"").And.NotContain("bob");

        foreach (var path in new[] { UsageEndpoints.TableApiPath, UsageEndpoints.SeriesApiPath, UsageEndpoints.TableCsvPath, UsageEndpoints.SeriesCsvPath })
        {
            (await Text(lead, path + "?team=nlp", HttpStatusCode.Forbidden)).Should().Contain("may not see the usage of team nlp");
        }
    }

    [Fact]
    public async Task Members_see_only_their_own_rows_admins_every_team_and_strangers_nothing()
    {
        using var alice = await As("alice");
        var own = await Table(alice, "?range=30d&group=team");
        own.Range.Group.Should().Be("user", "a member's view is always their own rows");
        own.Rows.Should().ContainSingle().Which.Should().Match<UsageJson.TableRow>(r => r.Team == "vision" && r.User == "alice");
        (await Text(alice, UsageEndpoints.SeriesCsvPath + "?range=7d")).Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Should().OnlyContain(line => line.Split(',')[2] == "alice");
        (await Text(alice, UsageEndpoints.TableApiPath + "?team=nlp", HttpStatusCode.Forbidden)).Should().Contain("nlp");

        using var bob = await As("bob");
        (await Table(bob, "?range=30d")).Rows.Should().ContainSingle().Which.User.Should().Be("bob");

        using var admin = await As("admin");
        (await Table(admin, "?range=30d")).Rows.Select(r => r.Team).Should().HaveCount(8).And.Contain(["vision", "nlp"]);
        (await Table(admin, "?range=30d&group=user&team=nlp")).Rows.Should().OnlyContain(r => r.Team == "nlp").And.Contain(r => r.User == "bob");

        using var anonymous = factory.CreateClient();
        (await anonymous.GetAsync(new Uri(UsageEndpoints.TableApiPath, UriKind.Relative), Cancel)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await anonymous.GetAsync(new Uri(UsageEndpoints.TableCsvPath, UriKind.Relative), Cancel)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        var problem = await Text(admin, UsageEndpoints.TableApiPath + "?range=custom&from=2026-11-02&to=2026-11-01", HttpStatusCode.BadRequest);
        problem.Should().Contain("to must be after from");
    }

    [Fact]
    public async Task The_table_over_the_whole_history_matches_the_recorded_jobs_exactly()
    {
        using var lead = await As("lead");
        var now = factory.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        var query = $"?range=custom&from={now.AddDays(-25):yyyy-MM-dd}&to={now.AddDays(1):yyyy-MM-dd}&group=user";

        var rows = (await Table(lead, query)).Rows;

        using var connection = new SqliteConnection($"Data Source={Path.Combine(factory.DataFolder, "dashboard.db")};Mode=ReadOnly");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT j.owner, SUM(u.gpu_seconds), SUM(u.cpu_seconds), COUNT(*) FROM jobs j JOIN job_usage u ON u.job_id = j.id
            WHERE j.team = 'vision' GROUP BY j.owner ORDER BY j.owner
            """;
        var recorded = new List<(string User, double GpuHours, double CpuHours, long Jobs)>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                recorded.Add((reader.GetString(0), reader.GetDouble(1) / 3600, reader.GetDouble(2) / 3600, reader.GetInt64(3)));
            }
        }

        recorded.Should().HaveCount(4);
        rows.OrderBy(r => r.User, StringComparer.Ordinal).Select(r => (r.User, Math.Round(r.GpuHours, 6), Math.Round(r.CpuCoreHours, 6), (long)r.Jobs))
            .Should().Equal(recorded.Select(r => ((string?)r.User, Math.Round(r.GpuHours, 6), Math.Round(r.CpuHours, 6), r.Jobs)));
    }

    [Fact]
    public async Task The_API_and_the_page_show_the_figures_of_every_allocation_totalled_one_by_one()
    {
        using var admin = await As("admin");
        var store = factory.Services.GetRequiredService<UsageHistoryStore>();
        var now = factory.Services.GetRequiredService<TimeProvider>().GetUtcNow();
        // Presets (edges at 6 h, 1 h or 15 min, today's partial day), whole UTC days, and a custom range with partial days at both ends.
        var queries = new[]
        {
            "?range=30d", "?range=30d&group=user", "?range=90d&group=user", "?range=7d", "?range=24h&group=user",
            $"?range=custom&from={now.AddDays(-25):yyyy-MM-dd}&to={now.AddDays(1):yyyy-MM-dd}",
            $"?range=custom&from={now.AddDays(-18):yyyy-MM-dd}T07:30&to={now.AddDays(-2):yyyy-MM-dd}T16:45&group=user",
        };
        foreach (var query in queries)
        {
            var body = await Table(admin, query);
            var byUser = body.Range.Group == "user";
            var (from, to) = (body.Range.From, body.Range.To);
            var expected = UsageTotalling.Total(store.Segments(new JobFilter(null), from, to), s => UsageKey.Of(s.Team, byUser ? s.Owner : null), from, to, to);

            expected.Should().NotBeEmpty(query);
            body.Rows.Select(r => (UsageKey.Of(r.Team, r.User), r.GpuHours, r.CpuCoreHours, r.MemoryGiBHours, r.Jobs, r.MeanWaitMinutes, r.P95WaitMinutes))
                .OrderBy(r => r.Item1, StringComparer.Ordinal)
                .Should().Equal(expected.Select(t => (t.Key, t.Held.GpuHours, t.Held.CpuCoreHours, t.Held.MemoryGiBHours, t.Jobs, t.MeanWait?.TotalMinutes, t.P95Wait?.TotalMinutes)), query);
        }

        // The page (its first render: the last 7 days by team) shows the same GPU-hours.
        var page = await Text(admin, "/usage");
        var pageFrom = DateTimeOffset.Parse(WebUtility.HtmlDecode(Regex.Match(page, "data-from=\"([^\"]+)\"").Groups[1].Value), CultureInfo.InvariantCulture);
        var pageTo = DateTimeOffset.Parse(WebUtility.HtmlDecode(Regex.Match(page, "data-to=\"([^\"]+)\"").Groups[1].Value), CultureInfo.InvariantCulture);
        var cells = Regex.Matches(page, "data-key=\"([^\"]+)\" data-field=\"gpu-hours\" data-value=\"([^\"]+)\"")
            .ToDictionary(m => m.Groups[1].Value, m => double.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture));
        var onPage = UsageTotalling.Total(store.Segments(new JobFilter(null), pageFrom, pageTo), s => s.Team, pageFrom, pageTo, pageTo);
        cells.Should().NotBeEmpty().And.BeEquivalentTo(onPage.ToDictionary(t => t.Key, t => t.Held.GpuHours));
    }
}

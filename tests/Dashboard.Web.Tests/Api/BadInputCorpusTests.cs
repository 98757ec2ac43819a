using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Data.Sqlite;

namespace Dashboard.Web.Tests.Api;

/// <summary>
/// The bad-input corpus (<see cref="BadInputCorpus"/>, seeded, 10,500 requests) against the real app over a real socket:
/// no answer is a 5xx, none succeeds, each is a problem-details document, and the database is the same afterwards
/// (every table, every row; only the tokens' last-used times, which signing in legitimately records, and the utilisation
/// tables (samples and their roll-ups), which a timer writes, are left out).
/// </summary>
public sealed class BadInputCorpusTests
{
    public const int Size = 10_500;

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_bad_input_corpus_gets_no_5xx_no_success_and_changes_nothing()
    {
        await using var host = new ApiHost(new DashboardFactory
        {
            Settings = new Dictionary<string, string> { ["Api:SubmitBurst"] = "1000000", ["Api:SubmitsPerPeriod"] = "1000000", ["Cluster:RefreshInterval"] = "00:00:00" },
        });
        await host.InitializeAsync();
        string[] users = ["alice", "bob", "lead", "admin"];
        foreach (var user in users)
        {
            host.TokenOf(user);
        }

        // Some state to keep: running and pending jobs of two teams.
        var alices = await ApiHost.SubmitAsync(host.As("alice"), "vision", gpus: 1, name: "kept-a");
        var bobs = await ApiHost.SubmitAsync(host.As("bob"), "nlp", gpus: 4, name: "kept-b");
        var leads = await ApiHost.SubmitAsync(host.As("lead"), "vision", gpus: 4, name: "kept-c");
        var database = Path.Combine(host.Factory.DataFolder, "dashboard.db");
        var before = await SettledDumpAsync(host, database, [alices.Id, bobs.Id, leads.Id]);

        var corpus = new BadInputCorpus(seed: 20261129, firstUnknownJobId: bobs.Id + 1_000, someoneElsesJob: bobs.Id, users).Generate(Size).ToList();
        var clients = users.ToDictionary(u => u, u => host.As(u), StringComparer.Ordinal);
        var anonymous = host.As("");
        var failures = new ConcurrentBag<string>();
        var statuses = new ConcurrentDictionary<int, int>();
        var clock = Stopwatch.StartNew();
        await Parallel.ForEachAsync(corpus, new ParallelOptions { MaxDegreeOfParallelism = 4, CancellationToken = Cancel }, async (request, cancel) =>
        {
            using var message = new HttpRequestMessage(request.Method, new Uri(request.Path, UriKind.Relative));
            var client = clients.GetValueOrDefault(request.User) ?? anonymous;
            if (request.User.StartsWith("header:", StringComparison.Ordinal) && request.User.Length > "header:".Length)
            {
                message.Headers.TryAddWithoutValidation("Authorization", request.User["header:".Length..]);
            }

            if (request.Body is not null)
            {
                message.Content = new ByteArrayContent(request.Body);
                if (request.ContentType is not null)
                {
                    message.Content.Headers.TryAddWithoutValidation("Content-Type", request.ContentType);
                }
            }

            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
            timeout.CancelAfter(TimeSpan.FromSeconds(20));
            HttpResponseMessage response;
            try
            {
                response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            }
            catch (Exception error) when (error is HttpRequestException or OperationCanceledException)
            {
                failures.Add($"no answer ({error.GetType().Name}: {error.Message}) for {request}");
                return;
            }

            using var _ = response;
            var status = (int)response.StatusCode;
            statuses.AddOrUpdate(status, 1, (_, n) => n + 1);
            var mediaType = response.Content.Headers.ContentType?.MediaType;
            if (status is < 400 or >= 500 || mediaType != "application/problem+json")
            {
                var body = request.Path.Contains("follow=true", StringComparison.Ordinal) ? "" : await response.Content.ReadAsStringAsync(timeout.Token);
                failures.Add($"{status} {mediaType} for {request}: {body[..Math.Min(body.Length, 300)]}");
            }
        });
        clock.Stop();
        var after = Dump(database);

        TestContext.Current.SendDiagnosticMessage(
            $"{corpus.Count} requests in {clock.Elapsed.TotalSeconds:0.0} s; statuses: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}×{s.Value}"))}; kinds: {corpus.Select(r => r.Kind.Split(':')[0]).Distinct().Count()}");
        corpus.Should().HaveCountGreaterThanOrEqualTo(10_000);
        failures.GroupBy(f => f[..Math.Min(f.Length, 60)]).Select(g => g.First()).Take(10).Should().BeEmpty($"every malformed request is refused with a 4xx problem ({failures.Count} were not)");
        after.Should().Be(before, "no malformed request changes the database");
        corpus.Select(r => r.Kind).Distinct().Count().Should().BeGreaterThan(40, "the corpus covers many kinds of mistakes");
    }

    /// <summary>
    /// The dump once the engine has settled the seeded jobs: it has published a state in which each of them runs or waits
    /// with the scheduler's explanation (a publication follows its commit), and a round trip through the engine has
    /// passed, so nothing sent before it is still being applied or committed.
    /// </summary>
    private static async Task<string> SettledDumpAsync(ApiHost host, string path, long[] seeded)
    {
        var settled = await host.Engine.Feed.WaitForAsync(u => seeded.All(id => ApiHost.IsRunning(id)(u) || ApiHost.IsExplained(id)(u)), Cancel).WaitAsync(ApiHost.Patience, Cancel);
        settled.Snapshot.Running.Should().Contain(r => r.Job.Id.Value == seeded[1], "bob's job has a node of its own");
        await host.EngineRoundTripAsync();
        return Dump(path);
    }

    /// <summary>Every row of every table, in a stable order, as text.</summary>
    private static string Dump(string path)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        var tables = new List<string>();
        using (var list = connection.CreateCommand())
        {
            list.CommandText = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name";
            using var reader = list.ExecuteReader();
            while (reader.Read())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var dump = new StringBuilder();
        foreach (var table in tables.Where(t => !t.Contains("utilisation", StringComparison.Ordinal)))
        {
            using var select = connection.CreateCommand();
            select.CommandText = $"SELECT * FROM \"{table}\" ORDER BY 1, 2";
            using var reader = select.ExecuteReader();
            dump.Append("## ").AppendLine(table);
            while (reader.Read())
            {
                for (var i = 0; i < reader.FieldCount; i++)
                {
                    if (table == "api_tokens" && reader.GetName(i) == "last_used_at")
                    {
                        continue;
                    }

                    dump.Append(reader.GetName(i)).Append('=').Append(reader.IsDBNull(i) ? "null" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture)).Append(';');
                }

                dump.AppendLine();
            }
        }

        return dump.ToString();
    }
}

using System.Collections.Immutable;
using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using Dashboard.Bench.Usage;
using Dashboard.Data;
using Dashboard.Data.UsageHistory;
using Dashboard.Data.Users;
using Dashboard.Engine.Feed;
using Dashboard.Engine.Usage;
using Dashboard.Scheduling.Model;
using Dashboard.Web.Identity;
using Dashboard.Web.Usage;
using Microsoft.Extensions.Time.Testing;

// Usage history benchmark. Run: dotnet run -c Release --project bench/Dashboard.Bench.Usage
// Options: --data <folder> (default: a temporary folder, removed afterwards), --repeats <runs per query, default 21>.
// Builds a year of history for 20 teams and 200 users (see YearOfHistory), then times the usage page's questions
// through UsageReports (store reads plus the pure builders) and the sampler's work per minute at 1,000 nodes.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
var folder = Argument("--data") ?? Path.Combine(Path.GetTempPath(), "dashboard-bench-usage", Guid.NewGuid().ToString("N"));
var repeats = int.Parse(Argument("--repeats") ?? "21", CultureInfo.InvariantCulture);
Directory.CreateDirectory(folder);
var now = new DateTimeOffset(2026, 11, 28, 14, 37, 0, TimeSpan.Zero);
var clock = new FakeTimeProvider(now);

Console.WriteLine("Compute Dashboard usage history benchmark");
Console.WriteLine($"machine: {Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}");
try
{
    using var database = Database.Open(new DatabaseOptions { DataFolder = folder }, clock);
    var setup = Stopwatch.StartNew();
    var (jobs, minuteRows, hourRows) = YearOfHistory.Write(database, now);
    Console.WriteLine($"history: 365 days, {YearOfHistory.Teams} teams x {YearOfHistory.UsersPerTeam} users, {jobs:N0} jobs; kept after retention: "
        + $"{minuteRows:N0} per-minute rows (8 days), hour roll-ups for 100 days (of {hourRows:N0} written), day roll-ups for the year; "
        + $"file {new FileInfo(database.FilePath).Length / 1048576.0:N0} MiB; built in {setup.Elapsed.TotalSeconds:N1} s");
    Console.WriteLine();

    var feed = new ClusterFeed(clock);
    var snapshot = ClusterSnapshot.Empty with { Nodes = YearOfHistory.NodeList() };
    feed.Publish(new ClusterUpdate(1, now, snapshot, ClusterSummary.Of(snapshot), ImmutableDictionary<JobId, PendingExplanation>.Empty, []));
    var reports = new UsageReports(new UsageHistoryStore(database), feed, new UsageOptions(), clock);
    var admin = new SignedInUser("admin", UserRole.Admin, []);
    var lead = new SignedInUser("lead", UserRole.TeamLead, [YearOfHistory.Team(3)]);
    var yearFrom = now.AddDays(-365).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    var yearTo = now.AddDays(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    var questions = new (string Name, ICurrentUser User, UsageRequest Request)[]
    {
        ("30-day chart + table, admin, by team (20 series, 6-hour buckets)", admin, new UsageRequest("30d")),
        ("30-day chart + table, admin, by user (200 series)", admin, new UsageRequest("30d", Group: "user")),
        ("30-day chart + table, team lead, one team by user", lead, new UsageRequest("30d", Group: "user")),
        ("1-year table + chart, admin, by team (7-day buckets)", admin, new UsageRequest("custom", yearFrom, yearTo)),
        ("1-year table + chart, admin, by user", admin, new UsageRequest("custom", yearFrom, yearTo, "user")),
        ("1-year table + chart, team lead, one team by user", lead, new UsageRequest("custom", yearFrom, yearTo, "user")),
        ("24-hour chart + table, admin, by user (minute samples)", admin, new UsageRequest("24h", Group: "user")),
    };
    foreach (var (name, user, request) in questions)
    {
        var answer = reports.Ask(user, request);
        var times = Time(repeats, () => reports.Ask(user, request));
        Console.WriteLine($"{name}: {Describe(times)}; {answer.Table!.Rows.Count} rows, {answer.Series!.Buckets.Count} buckets, {answer.Table.GpuHours:N0} GPU-hours");
    }

    Console.WriteLine();
    var store = new UsageHistoryStore(database);
    var parts = new (string Name, Action Read)[]
    {
        ("  30 days of team points (hour rows)", () => store.Points(new UtilisationFilter(false, null), now.AddDays(-30), now, TimeSpan.FromHours(6))),
        ("  30 days of member points (hour rows)", () => store.Points(new UtilisationFilter(true, null), now.AddDays(-30), now, TimeSpan.FromHours(6))),
        ("  30 days of job allocations, row by row", () => store.Segments(new JobFilter(null), now.AddDays(-30), now)),
        ("  1 year of team points (day rows)", () => store.Points(new UtilisationFilter(false, null), now.AddDays(-365), now, TimeSpan.FromDays(7))),
        ("  1 year of job allocations, row by row (the table's source before the job-day roll-ups)", () => store.Segments(new JobFilter(null), now.AddDays(-365), now)),
        ("  1 year of one team's job allocations", () => store.Segments(new JobFilter([YearOfHistory.Team(3)]), now.AddDays(-365), now)),
        ("  1 year of job totals by team from the job-day roll-ups (partial last day from allocations)", () => store.JobTotals(new JobFilter(null), false, now.AddDays(-365), now, now, UsageKey.Of)),
        ("  1 year of job totals by user from the job-day roll-ups", () => store.JobTotals(new JobFilter(null), true, now.AddDays(-365), now, now, UsageKey.Of)),
        ("  30 days of one team's job totals by user (partial first and last days)", () => store.JobTotals(new JobFilter([YearOfHistory.Team(3)]), true, now.AddDays(-30), now, now, UsageKey.Of)),
    };
    Console.WriteLine("where the time goes (store reads alone):");
    foreach (var (name, read) in parts)
    {
        read();
        Console.WriteLine($"{name}: {Describe(Time(repeats, read))}");
    }

    Console.WriteLine();
    SamplerCost.Run(database, now, repeats: 120);
}
finally
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    if (Argument("--data") is null)
    {
        Directory.Delete(folder, recursive: true);
    }
}

static List<double> Time(int repeats, Action action)
{
    var times = new List<double>(repeats);
    for (var i = 0; i < repeats; i++)
    {
        var watch = Stopwatch.StartNew();
        action();
        times.Add(watch.Elapsed.TotalMilliseconds);
    }

    return times;
}

static string Describe(List<double> times)
{
    var sorted = times.Order().ToList();
    return $"median {sorted[sorted.Count / 2]:N1} ms, p99 {sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(sorted.Count * 0.99) - 1)]:N1} ms, max {sorted[^1]:N1} ms (n={sorted.Count})";
}

string? Argument(string name)
{
    var index = Array.IndexOf(args, name);
    return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
}


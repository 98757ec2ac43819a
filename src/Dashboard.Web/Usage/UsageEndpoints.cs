using Dashboard.Web.Identity;

namespace Dashboard.Web.Usage;

/// <summary>
/// The usage table and series as CSV downloads (<c>/usage/table.csv</c>, <c>/usage/series.csv</c>) and as JSON
/// (<c>/api/v1/usage/table</c>, <c>/api/v1/usage/series</c>), with the page's query string (range, from, to, group,
/// team). Each needs a signed-in caller (the default policy, whatever schemes it accepts) and answers with what
/// that caller may see: 400 with a problem per field for a bad request, 403 for a team they may not see.
/// </summary>
public static class UsageEndpoints
{
    public const string TableCsvPath = "/usage/table.csv";
    public const string SeriesCsvPath = "/usage/series.csv";
    public const string TableApiPath = "/api/v1/usage/table";
    public const string SeriesApiPath = "/api/v1/usage/series";

    public static void MapUsageEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet(TableCsvPath, (HttpContext context, UsageReports reports, TimeProvider time, string? range, string? from, string? to, string? group, string? team) =>
            Answer(context, reports, new UsageRequest(range, from, to, group, team), a => Csv(UsageCsv.Table(a.Table!), "usage-table", time)))
            .RequireAuthorization();
        endpoints.MapGet(SeriesCsvPath, (HttpContext context, UsageReports reports, TimeProvider time, string? range, string? from, string? to, string? group, string? team) =>
            Answer(context, reports, new UsageRequest(range, from, to, group, team), a => Csv(UsageCsv.Series(a.Series!), "usage-series", time)))
            .RequireAuthorization();
        endpoints.MapGet(TableApiPath, (HttpContext context, UsageReports reports, string? range, string? from, string? to, string? group, string? team) =>
            Answer(context, reports, new UsageRequest(range, from, to, group, team), a => Results.Ok(UsageJson.Table(a.Table!))))
            .RequireAuthorization();
        endpoints.MapGet(SeriesApiPath, (HttpContext context, UsageReports reports, string? range, string? from, string? to, string? group, string? team) =>
            Answer(context, reports, new UsageRequest(range, from, to, group, team), a => Results.Ok(UsageJson.Series(a.Series!))))
            .RequireAuthorization();
    }

    private static IResult Answer(HttpContext context, UsageReports reports, UsageRequest request, Func<UsageAnswer, IResult> ok)
    {
        if (SignedInUser.From(context.User) is not { } user)
        {
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "This account has no role here.");
        }

        var answer = reports.Ask(user, request);
        if (answer.Forbidden is { } forbidden)
        {
            return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: forbidden);
        }

        return answer.Succeeded
            ? ok(answer)
            : Results.ValidationProblem(answer.Problems.ToDictionary(p => p.Key, p => new[] { p.Value }));
    }

    private static CsvDownload Csv(string text, string name, TimeProvider time) =>
        new(Results.Text(text, "text/csv; charset=utf-8"), $"{name}-{time.GetUtcNow():yyyyMMdd-HHmmss}.csv");

    /// <summary>A CSV body with its download headers (attachment, not cached).</summary>
    private sealed class CsvDownload(IResult inner, string fileName) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.Headers.ContentDisposition = $"attachment; filename=\"{fileName}\"";
            httpContext.Response.Headers.CacheControl = "no-store";
            return inner.ExecuteAsync(httpContext);
        }
    }
}

/// <summary>The JSON shapes of the usage API: plain records, times in UTC, numbers as numbers.</summary>
public static class UsageJson
{
    public sealed record Range(string Name, DateTimeOffset From, DateTimeOffset To, double BucketMinutes, string Group, string? Team);

    public sealed record TableRow(string Team, string? User, double GpuHours, double CpuCoreHours, double MemoryGiBHours, int Jobs, double? MeanWaitMinutes, double? P95WaitMinutes, double? MeanEfficiencyPct, bool Simulated, double ReservedGpuHours, double ReservedIdleGpuHours);

    public sealed record TableBody(Range Range, IReadOnlyList<TableRow> Rows);

    public sealed record SeriesLine(string Team, string? User, IReadOnlyList<double> AllocatedGpus, IReadOnlyList<double>? UsedGpus, double GpuHours, double? EfficiencyPct, bool Simulated);

    /// <summary><see cref="ReservedGpus"/> and <see cref="ReservedIdleGpus"/>: the view's mean reserved GPUs per bucket and those idle (null in a member's own view).</summary>
    public sealed record SeriesBody(Range Range, IReadOnlyList<DateTimeOffset> Buckets, int CapacityGpus, IReadOnlyList<SeriesLine> Series, IReadOnlyList<double>? ReservedGpus, IReadOnlyList<double>? ReservedIdleGpus);

    public static TableBody Table(UsageTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        return new(RangeOf(table.Query), [.. table.Rows.Select(r => new TableRow(r.Team, r.User, r.GpuHours, r.CpuHours, r.MemoryGiBHours, r.Jobs, r.MeanWaitMinutes, r.P95WaitMinutes, r.MeanEfficiencyPct, r.Simulated, r.ReservedGpuHours, r.ReservedIdleGpuHours))]);
    }

    public static SeriesBody Series(UsageSeries series)
    {
        ArgumentNullException.ThrowIfNull(series);
        return new(RangeOf(series.Query), series.Buckets, series.CapacityGpus, [.. series.Subjects.Select(s =>
            new SeriesLine(s.Team, s.User, s.Allocated, s.MeasuredGpuMinutes == 0 ? null : s.Used, s.GpuMinutes / 60.0, s.EfficiencyPct, s.Simulated))], series.Reserved?.Reserved, series.Reserved?.Idle);
    }

    private static Range RangeOf(UsageQuery q) => new(q.Range, q.From, q.To, q.Bucket.TotalMinutes, q.Group == UsageGrouping.User ? "user" : "team", q.Team);
}
